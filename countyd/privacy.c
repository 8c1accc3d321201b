#include "privacy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "orgs.h"

/* The longest run of digits looked at (with separators). */
#define RUN_MAX 64

/* A run of digits in the text, with single spaces or hyphens between
 * groups of them ("6222 0210 0112 3456 789"); X counts as a digit only as
 * the 18th character of a run (an ID number's check digit). */
typedef struct {
    char digits[RUN_MAX + 1];
    size_t n; /* digits in the run */
    size_t len; /* bytes of text it spans */
    bool separated; /* had spaces or hyphens */
} Run;

static size_t read_run(const char *p, Run *r)
{
    size_t i = 0;
    r->n = 0;
    r->separated = false;
    while (p[i] && r->n < RUN_MAX) {
        if (isdigit((unsigned char)p[i])) {
            r->digits[r->n++] = p[i++];
            continue;
        }
        if ((p[i] == 'X' || p[i] == 'x') && r->n == 17) {
            r->digits[r->n++] = 'X';
            i++;
            break;
        }
        /* One separator between digit groups keeps the run going. */
        if ((p[i] == ' ' || p[i] == '-') && r->n > 0 && isdigit((unsigned char)p[i + 1])) {
            r->separated = true;
            i++;
            continue;
        }
        break;
    }
    r->digits[r->n] = '\0';
    r->len = i;
    return i;
}

/* GB 11643: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 = X. */
static bool id_number_ok(const char *d)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char checks[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)d[i])) return false;
        sum += (d[i] - '0') * weights[i];
    }
    return d[17] == checks[sum % 11];
}

static bool luhn_ok(const char *d, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    return sum % 10 == 0;
}

static bool mobile_ok(const char *d, size_t n)
{
    if (n == 13 && strncmp(d, "86", 2) == 0) d += 2, n -= 2;
    return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* "110105********1234": the first and last digits stay, so that the admin
 * can find the place without the message repeating the number. */
static void mask(const char *d, size_t n, size_t keep_front, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) out[o++] = i < keep_front || i + 4 >= n ? d[i] : '*';
    out[o] = '\0';
}

static void add(json_t *findings, const char *kind, const char *label, const char *shown, const char *field)
{
    json_array_append_new(findings,
                          json_pack("{s:s,s:s,s:s,s:s}", "kind", kind, "label", label, "text", shown, "field", field));
}

void privacy_scan_text(const char *text, const char *field, json_t *findings)
{
    const char *p = text ? text : "";
    while (*p) {
        bool starts_run = isdigit((unsigned char)*p) && (p == text || !isalnum((unsigned char)p[-1]));
        if (!starts_run) {
            p++;
            continue;
        }
        Run r;
        size_t used = read_run(p, &r);
        bool ends_run = !isalnum((unsigned char)p[used]);
        char shown[RUN_MAX + 1];
        if (ends_run && r.n == 18 && id_number_ok(r.digits)) {
            mask(r.digits, r.n, 6, shown, sizeof shown);
            add(findings, "id_number", "身份证号", shown, field);
        } else if (ends_run && mobile_ok(r.digits, r.n)) {
            mask(r.digits, r.n, 3, shown, sizeof shown);
            add(findings, "mobile", "手机号", shown, field);
        } else if (ends_run && r.n >= 16 && r.n <= 19 && r.digits[0] != '0' && luhn_ok(r.digits, r.n)) {
            mask(r.digits, r.n, 4, shown, sizeof shown);
            add(findings, "bank_card", "银行卡号", shown, field);
        }
        p += used ? used : 1;
    }
}

/* The names and phones visitors left in feedback to `org` and below. */
static int visitor_words(Cdb *db, const char *org, json_t **rows, Err *err)
{
    /* A one-character "name" would match everywhere; two characters (王伟) is a name. */
    return cdb_rows(db, rows, err,
                    ORGS_SUBTREE_CTE " SELECT DISTINCT name AS v, 'name' AS kind FROM feedback"
                                     " WHERE org IN (SELECT id FROM subtree) AND length(name) >= 2"
                                     " UNION SELECT DISTINCT phone, 'phone' FROM feedback WHERE org IN (SELECT id FROM "
                                     "subtree) AND length(phone) >= 5",
                    "s", org);
}

static void find_visitors(json_t *words, const char *text, const char *field, json_t *findings)
{
    size_t i;
    json_t *row;
    json_array_foreach (words, i, row) {
        const char *v = json_string_value(json_object_get(row, "v"));
        if (!v || !strstr(text, v)) continue;
        bool name = strcmp(json_string_value(json_object_get(row, "kind")), "name") == 0;
        char shown[160];
        if (name) snprintf(shown, sizeof shown, "%s", v);
        else mask(v, strlen(v), 3, shown, sizeof shown);
        add(findings, name ? "visitor_name" : "visitor_phone", name ? "来访群众的姓名" : "来访群众的电话", shown,
            field);
    }
}

int privacy_scan_visitors(Cdb *db, const char *org, const char *text, const char *field, json_t *findings, Err *err)
{
    if (!text || !*text) return 0;
    json_t *words;
    if (visitor_words(db, org, &words, err)) return -1;
    find_visitors(words, text, field, findings);
    json_decref(words);
    return 0;
}

static void scan_field(json_t *words, json_t *entry, const char *key, const char *field, json_t *findings)
{
    const char *text = json_string_value(json_object_get(entry, key));
    if (!text) return;
    privacy_scan_text(text, field, findings);
    find_visitors(words, text, field, findings);
}

int privacy_scan_entry(Cdb *db, const char *org, json_t *entry, json_t **out, Err *err)
{
    static const char *const fields[][2] = {
        {"title", "标题"}, {"body", "正文"},     {"unit", "发布单位"},
        {"text", "通知"},  {"question", "问题"}, {"answer", "答复"},
    };
    json_t *words;
    if (visitor_words(db, org, &words, err)) return -1;
    json_t *findings = json_array();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        scan_field(words, entry, fields[i][0], fields[i][1], findings);
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get(entry, "attachments"), i, a)
        scan_field(words, a, "caption", "图片说明", findings);
    json_decref(words);
    *out = findings;
    return 0;
}

int privacy_verdict(json_t *findings, const char *reason, Err *err)
{
    if (json_array_size(findings) == 0 || (reason && *reason)) return 0;
    char list[700] = "";
    size_t i;
    json_t *f;
    json_array_foreach (findings, i, f) {
        size_t used = strlen(list);
        if (i == 4) {
            snprintf(list + used, sizeof list - used, "等共 %zu 处", json_array_size(findings));
            break;
        }
        snprintf(list + used, sizeof list - used, "%s%s %s（%s）", i ? "；" : "",
                 json_string_value(json_object_get(f, "label")), json_string_value(json_object_get(f, "text")),
                 json_string_value(json_object_get(f, "field")));
    }
    return err_refuse(err, ERR_PRIVACY, "保密审查：发现 %s。请修改后重新提交，或写明必须保留的理由（privacy_reason）",
                      list);
}
