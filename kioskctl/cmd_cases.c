/* cmd_cases.c — feedback cases from the command line (docs/ADMIN.md
 * "Cases"): the list and the overdue list, one case with its history, the
 * steps (接办, 指派, 状态, 已告知, 答复) and the 满意率.  Chinese for people,
 * countyd's English words in the API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_client.h"
#include "commands.h"
#include "receipt.h"
#include "wire.h"

/* A status as typed: the API word or its Chinese label; -1 when neither. */
static int status_of(const char *typed)
{
    int s = case_status_parse(typed);
    for (int i = CASE_PENDING; s < 0 && i <= CASE_NOTIFIED; i++)
        if (strcmp(typed, case_status_label((CaseStatus)i)) == 0) s = i;
    return s;
}

static int kind_of(const char *typed)
{
    int k = feedback_kind_parse(typed);
    for (int i = FEEDBACK_COMMENT; k < 0 && i <= FEEDBACK_REPORT; i++)
        if (strcmp(typed, admin_kind_label(feedback_kind_word((FeedbackKind)i))) == 0) k = i;
    return k;
}

/* "2026-12-11T23:59:59+08:00" -> "2026-12-11". */
static const char *day_of(json_t *o, const char *key, char out[11])
{
    snprintf(out, 11, "%s", admin_text(o, key));
    return out;
}

static const char *receipt_of(json_t *c, char out[RECEIPT_TEXT_MAX])
{
    const char *r = admin_text(c, "receipt");
    if (strlen(r) != RECEIPT_DIGITS) return "（无回执号）";
    receipt_format(r, out);
    return out;
}

static void print_case(json_t *c)
{
    char receipt[RECEIPT_TEXT_MAX], due[11];
    const char *handler = admin_text(c, "handler");
    printf("%s  %s  %s  %s  办理人 %s  %s%s%s\n", receipt_of(c, receipt), admin_kind_label(admin_text(c, "kind")),
           admin_text(c, "status_label"), admin_text(c, "org_name"), *handler ? handler : "—",
           *admin_text(c, "due_at") ? "应办结 " : "不设期限", day_of(c, "due_at", due),
           json_is_true(json_object_get(c, "overdue")) ? "  【逾期】" : "");
    if (*admin_text(c, "comment")) printf("    %s\n", admin_text(c, "comment"));
    printf("    编号 %s  收到 %s  触控屏 %s%s%s%s\n", admin_text(c, "id"), admin_text(c, "received_at"),
           admin_text(c, "kiosk"), *admin_text(c, "item") ? "  关于 " : "", admin_text(c, "item_title"),
           json_is_true(json_object_get(c, "receipt_clash")) ? "  （回执号重复，触控屏上不能查询）" : "");
}

static long long number(json_t *o, const char *key) { return (long long)json_integer_value(json_object_get(o, key)); }

static void print_summary(json_t *summary)
{
    size_t i;
    json_t *s;
    json_array_foreach (summary, i, s)
        printf("%s：共 %lld 件，未办结 %lld 件（逾期 %lld 件），已答复 %lld 件（按期 %lld 件，超期 %lld 件）\n",
               admin_kind_label(admin_text(s, "kind")), number(s, "total"), number(s, "open"), number(s, "overdue"),
               number(s, "answered"), number(s, "on_time"), number(s, "late"));
}

#define CASES_USAGE                                                                                                    \
    "cases [--status 待办理|办理中|已答复|已告知] [--kind 意见建议|依申请公开|举报] [--overdue] [--limit N]"

static int list(int argc, char **argv, bool overdue)
{
    const char *status = admin_opt(argc, argv, "--status", NULL), *kind = admin_opt(argc, argv, "--kind", NULL);
    const char *limit = admin_opt(argc, argv, "--limit", NULL);
    int s = status ? status_of(status) : -1, k = kind ? kind_of(kind) : -1;
    if ((status && s < 0) || (kind && k < 0)) return admin_usage(CASES_USAGE);
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[256], *lim = limit ? admin_escape(c, limit) : NULL;
    snprintf(path, sizeof path, "/v1/admin/cases?overdue=%d%s%s%s%s%s%s", overdue, s >= 0 ? "&status=" : "",
             s >= 0 ? case_status_word((CaseStatus)s) : "", k >= 0 ? "&kind=" : "",
             k >= 0 ? feedback_kind_word((FeedbackKind)k) : "", lim ? "&limit=" : "", lim ? lim : "");
    free(lim);
    json_t *ans;
    Err err;
    if (admin_call(c, "GET", path, NULL, &ans, &err)) return admin_failed(c, &err);
    json_t *cases = json_object_get(ans, "cases");
    size_t i;
    json_t *one;
    json_array_foreach (cases, i, one) print_case(one);
    printf("%s %zu 件\n", overdue ? "逾期未办结的共" : "共", json_array_size(cases));
    print_summary(json_object_get(ans, "summary"));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_cases(int argc, char **argv) { return list(argc, argv, admin_flag(argc, argv, "--overdue")); }

int cmd_cases_overdue(int argc, char **argv) { return list(argc, argv, true); }

/* ---- one case ------------------------------------------------------------------ */

static const char *action_label(const char *action)
{
    static const char *const names[][2] = {
        {"case-open", "收到"},     {"case-take", "接办"},       {"case-assign", "指派"},
        {"case-status", "改状态"}, {"reply", "答复（不公开）"}, {"reply-public", "公开答复"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], action) == 0) return names[i][1];
    return action;
}

static int show(AdminClient *c, const char *path)
{
    json_t *ans;
    Err err;
    if (admin_call(c, "GET", path, NULL, &ans, &err)) return admin_failed(c, &err);
    json_t *one = json_object_get(ans, "case");
    print_case(one);
    if (*admin_text(one, "name") || *admin_text(one, "phone"))
        printf("    联系方式：%s %s\n", admin_text(one, "name"), admin_text(one, "phone"));
    size_t i;
    json_t *r;
    json_array_foreach (json_object_get(one, "replies"), i, r)
        printf("    答复 %s %s%s：%s\n", admin_text(r, "at"), admin_text(r, "admin"),
               number(r, "public") ? "（公开）" : (number(r, "checked") ? "（回执查询可见）" : "（旧记录，不上屏）"),
               admin_text(r, "text"));
    printf("  经过：\n");
    json_array_foreach (json_object_get(one, "history"), i, r)
        printf("    %s  %s  %s  %s\n", admin_text(r, "at"), admin_text(r, "admin"),
               action_label(admin_text(r, "action")), admin_text(r, "detail"));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* Replies through `kioskctl reply` with the case's feedback id. */
static int reply(AdminClient *c, const char *path, int argc, char **argv, int ref_at, int step_at)
{
    json_t *ans;
    Err err;
    if (admin_call(c, "GET", path, NULL, &ans, &err)) return admin_failed(c, &err);
    char id[128];
    snprintf(id, sizeof id, "%s", admin_text(json_object_get(ans, "case"), "id"));
    json_decref(ans);
    admin_client_close(c);
    char **args = calloc((size_t)argc, sizeof *args);
    if (!args) return 1;
    int n = 0;
    for (int i = 0; i < argc; i++)
        if (i != step_at) args[n++] = i == ref_at ? id : argv[i];
    int rc = cmd_reply(n, args);
    free(args);
    return rc;
}

#define CASE_USAGE                                                                                                                       \
    "case 编号|回执号 [take | assign 管理员 | status 待办理|办理中|已告知 [--note 说明] | notify [--note 说明] |\n" \
    "        reply 答复内容 [--public --question 问题] [--privacy-reason 理由]]"

/* argv index of the n-th plain argument (see admin_arg), -1 when none. */
static int arg_index(int argc, char **argv, int n, const char *const *valued)
{
    const char *a = admin_arg(argc, argv, n, valued);
    for (int i = 0; a && i < argc; i++)
        if (argv[i] == a) return i;
    return -1;
}

int cmd_case(int argc, char **argv)
{
    static const char *const valued[] = {"--note", "--question", "--privacy-reason", NULL};
    const char *ref = admin_arg(argc, argv, 0, valued), *step = admin_arg(argc, argv, 1, valued);
    const char *value = admin_arg(argc, argv, 2, valued);
    if (!ref) return admin_usage(CASE_USAGE);
    static const char *const steps[] = {"take", "assign", "status", "notify", "reply"};
    bool known = !step;
    for (size_t i = 0; step && i < sizeof steps / sizeof steps[0]; i++) known = known || strcmp(step, steps[i]) == 0;
    bool needs_value = step && (strcmp(step, "assign") == 0 || strcmp(step, "status") == 0);
    if (!known || (needs_value && !value)) return admin_usage(CASE_USAGE);
    int status = needs_value && strcmp(step, "status") == 0 ? status_of(value) : 0;
    if (status < 0) return admin_usage(CASE_USAGE);
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char *esc = admin_escape(c, ref), path[512];
    snprintf(path, sizeof path, "/v1/admin/cases/%s", esc ? esc : "");
    free(esc);
    if (!step) return show(c, path);
    if (strcmp(step, "reply") == 0)
        return reply(c, path, argc, argv, arg_index(argc, argv, 0, valued), arg_index(argc, argv, 1, valued));
    snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", step);
    json_t *body = json_object();
    if (strcmp(step, "assign") == 0) json_object_set_new(body, "handler", json_string(value));
    if (strcmp(step, "status") == 0)
        json_object_set_new(body, "status", json_string(case_status_word((CaseStatus)status)));
    const char *note = admin_opt(argc, argv, "--note", NULL);
    if (note) json_object_set_new(body, "note", json_string(note));
    json_t *ans;
    Err err;
    int rc = admin_call(c, "POST", path, body, &ans, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    if (*admin_text(ans, "handler")) printf("%s 的办理人：%s\n", ref, admin_text(ans, "handler"));
    else {
        int s = case_status_parse(admin_text(ans, "status"));
        printf("%s 的状态：%s\n", ref, s >= 0 ? case_status_label((CaseStatus)s) : admin_text(ans, "status"));
    }
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* ---- 满意率 ------------------------------------------------------------------------ */

static void print_rates(const char *title, json_t *rows, const char *key)
{
    printf("%s\n", title);
    size_t i;
    json_t *r;
    json_array_foreach (rows, i, r) {
        json_t *rate = json_object_get(r, "rate");
        char pct[16] = "—";
        if (json_is_number(rate)) snprintf(pct, sizeof pct, "%.1f%%", json_number_value(rate));
        const char *name = *admin_text(r, "name") ? admin_text(r, "name") : admin_text(r, key);
        printf("  %s  %s（%lld 条评价中满意 %lld 条）\n", *name ? name : "（未分类）", pct, number(r, "ratings"),
               number(r, "satisfied"));
    }
    if (!json_array_size(rows)) printf("  还没有评价\n");
}

int cmd_satisfaction(int argc, char **argv)
{
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, "/v1/admin/satisfaction", &ans);
    if (!c) return 1;
    printf("满意率（只计“满意度”评价；满意 = 评价在较好的一半）\n");
    print_rates("按组织：", json_object_get(ans, "by_org"), "org");
    print_rates("按目录：", json_object_get(ans, "by_category"), "category");
    print_rates("按月份：", json_object_get(ans, "by_month"), "month");
    json_decref(ans);
    admin_client_close(c);
    return 0;
}
