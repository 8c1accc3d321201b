#include "workdays.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CST_OFFSET (8 * 3600)
#define DAY 86400

void case_rules_default(CaseRules *rules)
{
    memset(rules, 0, sizeof *rules);
    for (int k = 0; k < CASE_KINDS; k++) rules->due_days[k] = CASE_DEFAULT_DUE_DAYS;
    rules->due_days[FEEDBACK_RATING] = 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no time zone is involved, unlike mktime. */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int parse_date(const char *p, size_t n, int32_t *out)
{
    int y, m, d;
    char tail;
    char buf[16];
    if (n != 10) return -1;
    for (size_t i = 0; i < n; i++)
        if (i == 4 || i == 7 ? p[i] != '-' : (p[i] < '0' || p[i] > '9')) return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || buf[4] != '-' || buf[7] != '-') return -1;
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1]) return -1;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

static int compare_days(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int case_rules_dates(const char *text, int32_t days[WORKDAYS_MAX_DATES], int *n, Err *err)
{
    int count = 0;
    const char *p = text ? text : "";
    while (*p) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (!len) break;
        if (count == WORKDAYS_MAX_DATES) return err_set(err, "at most %d dates", WORKDAYS_MAX_DATES);
        if (parse_date(p, len, &days[count]))
            return err_set(err, "\"%.*s\" is not a date like 2026-10-01", (int)(len > 20 ? 20 : len), p);
        count++;
        p += len;
    }
    qsort(days, (size_t)count, sizeof days[0], compare_days);
    *n = count;
    return 0;
}

static bool listed(const int32_t *days, int n, int32_t day)
{
    return bsearch(&day, days, (size_t)n, sizeof day, compare_days) != NULL;
}

static bool working_day(const CaseRules *rules, int32_t day)
{
    if (listed(rules->workdays, rules->n_workdays, day)) return true;
    if (listed(rules->holidays, rules->n_holidays, day)) return false;
    int weekday = (int)(((int64_t)day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    return weekday != 0 && weekday != 6;
}

int64_t case_due_at(const CaseRules *rules, FeedbackKind kind, int64_t received_at)
{
    if ((unsigned)kind >= CASE_KINDS || rules->due_days[kind] <= 0) return 0;
    int64_t local = received_at + CST_OFFSET;
    int32_t day = (int32_t)((local >= 0 ? local : local - (DAY - 1)) / DAY);
    /* A holiday list can only hold WORKDAYS_MAX_DATES days, so the count
     * always ends; the bound keeps it so even for a corrupt one. */
    for (int left = rules->due_days[kind], guard = 0; left > 0 && guard < 4 * CASE_MAX_DUE_DAYS + WORKDAYS_MAX_DATES;
         guard++) {
        day++;
        if (working_day(rules, day)) left--;
    }
    return ((int64_t)day + 1) * DAY - CST_OFFSET - 1;
}
