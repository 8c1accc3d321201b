/* workdays.h — when a feedback case is due: working days in China
 * Standard Time (docs/ADMIN.md "Cases").
 *
 * A case received on day D is due at the end (23:59:59 +08:00) of the Nth
 * working day after D, N being its kind's setting (countyd's
 * case_due_request / case_due_comment / case_due_report; 依申请公开
 * requests default to 15, like the statutory deadlines such rules follow).
 * The day of receipt never counts, whatever the hour.  Saturdays and
 * Sundays are not working days, nor the dates in case_holidays; the dates
 * in case_workdays are (the weekend days worked in lieu, 调休, of a
 * public holiday).  N = 0 means the kind has no due date.
 *
 * No database here: countyd's settings hold a CaseRules, and cases.c asks
 * it for a due time. */
#ifndef COUNTYD_WORKDAYS_H
#define COUNTYD_WORKDAYS_H

#include <stdint.h>

#include "err.h"
#include "wire.h"

#define CASE_KINDS (FEEDBACK_REPORT + 1)
#define CASE_DEFAULT_DUE_DAYS 15
#define CASE_MAX_DUE_DAYS 365
/* Dates in each list: a few years of a county's holidays. */
#define WORKDAYS_MAX_DATES 512

typedef struct {
    int due_days[CASE_KINDS]; /* working days per FeedbackKind; 0 = no due date */
    int32_t holidays[WORKDAYS_MAX_DATES]; /* days since 1970-01-01 (CST), sorted */
    int n_holidays;
    int32_t workdays[WORKDAYS_MAX_DATES];
    int n_workdays;
} CaseRules;

/* Every receipted kind CASE_DEFAULT_DUE_DAYS working days; no holidays. */
void case_rules_default(CaseRules *rules);

/* "2026-10-01, 2026-10-02 2026-10-03" -> sorted day numbers in `days`
 * (replacing what was there).  -1 with Err naming the bad date. */
int case_rules_dates(const char *text, int32_t days[WORKDAYS_MAX_DATES], int *n, Err *err);

/* The unix time a case of `kind` received at `received_at` is due, or 0
 * when the kind has no due date. */
int64_t case_due_at(const CaseRules *rules, FeedbackKind kind, int64_t received_at);

#endif
