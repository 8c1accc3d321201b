#include "feedback_form.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *const LEVEL_LABELS[6][5] = {
    [2] = {"满意", "不满意"},
    [3] = {"满意", "基本满意", "不满意"},
    [4] = {"非常满意", "满意", "不满意", "非常不满意"},
    [5] = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"},
};

const char *feedback_rating_label(int levels, int rating)
{
    if (levels < 2 || levels > 5 || rating < 1 || rating > levels) return NULL;
    return LEVEL_LABELS[levels][rating - 1];
}

bool feedback_phone_valid(const char *phone)
{
    static regex_t re;
    static bool compiled;
    if (!compiled) {
        if (regcomp(&re, "^1[3-9][0-9]{9}$", REG_EXTENDED | REG_NOSUB) != 0) return false;
        compiled = true;
    }
    return regexec(&re, phone, 0, NULL, 0) == 0;
}

void feedback_phone_mask(const char *phone, char *out, size_t size)
{
    size_t n = strlen(phone);
    char masked[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof masked - 1; i++) {
        bool shown = i < 3 || (n == FEEDBACK_PHONE_DIGITS && i >= n - 4);
        masked[k++] = shown ? phone[i] : '*';
    }
    masked[k] = '\0';
    snprintf(out, size, "%s", masked);
}

/* The county's list: a JSON array of strings, or "a; b; c". */
static int parse_reasons(const char *value, char reasons[][64], int max)
{
    int n = 0;
    if (value[0] == '[') {
        json_error_t jerr;
        json_t *arr = json_loads(value, 0, &jerr);
        if (!json_is_array(arr)) {
            log_warn("feedback: %s is not a JSON array of strings; using kiosk.conf's reasons", FEEDBACK_STATE_REASONS);
            json_decref(arr);
            return 0;
        }
        for (size_t i = 0; i < json_array_size(arr) && n < max; i++) {
            const char *s = json_string_value(json_array_get(arr, i));
            if (s && *s && strlen(s) < 64) snprintf(reasons[n++], 64, "%s", s);
        }
        json_decref(arr);
        return n;
    }
    const char *p = value;
    while (*p && n < max) {
        while (*p == ' ' || *p == ';') p++;
        size_t len = strcspn(p, ";");
        size_t trimmed = len;
        while (trimmed > 0 && p[trimmed - 1] == ' ') trimmed--;
        if (trimmed > 0 && trimmed < 64) snprintf(reasons[n++], 64, "%.*s", (int)trimmed, p);
        p += len;
    }
    return n;
}

void feedback_form_init(FeedbackForm *f, const Config *cfg, Store *store, const FeedbackTarget *target)
{
    memset(f, 0, sizeof *f);
    if (target) f->target = *target;
    f->rating_levels = cfg->rating_levels;
    char synced[2048];
    if (store && store_state_get(store, FEEDBACK_STATE_REASONS, synced, sizeof synced) == 0 && synced[0])
        f->reason_count = parse_reasons(synced, f->reasons, CONFIG_MAX_REASONS);
    if (f->reason_count == 0) {
        for (int i = 0; i < cfg->reason_count; i++) snprintf(f->reasons[i], 64, "%s", cfg->reasons[i]);
        f->reason_count = cfg->reason_count;
    }
}

void feedback_form_clear(FeedbackForm *f)
{
    f->purpose = FORM_OPINION;
    f->rating = 0;
    memset(f->reason_on, 0, sizeof f->reason_on);
    memset(f->comment, 0, sizeof f->comment);
    memset(f->name, 0, sizeof f->name);
    memset(f->phone, 0, sizeof f->phone);
}

/* true when the text has something besides spaces (ASCII or U+3000). */
static bool has_text(const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t') continue;
        if (strncmp(s, "\u3000", 3) == 0) {
            s += 2;
            continue;
        }
        return true;
    }
    return false;
}

bool feedback_form_touched(const FeedbackForm *f)
{
    for (int i = 0; i < f->reason_count; i++)
        if (f->reason_on[i]) return true;
    return f->purpose != FORM_OPINION || f->rating || f->comment[0] || f->name[0] || f->phone[0];
}

int feedback_form_problems(const FeedbackForm *f, FeedbackProblems *p)
{
    memset(p, 0, sizeof *p);
    if (f->purpose == FORM_REQUEST) {
        if (!has_text(f->comment)) p->at[FEEDBACK_AT_COMMENT] = "请写下您希望公开的事项";
        if (!has_text(f->name)) p->at[FEEDBACK_AT_NAME] = "申请公开需要留下姓名";
        if (!f->phone[0]) p->at[FEEDBACK_AT_PHONE] = "申请公开需要留下手机号码，以便告知办理结果";
    } else if (f->purpose == FORM_REPORT) {
        if (!has_text(f->comment)) p->at[FEEDBACK_AT_COMMENT] = "请写下您要反映的问题";
    } else if (!f->rating && !has_text(f->comment)) {
        p->at[FEEDBACK_AT_COMMENT] = "请选择满意程度，或写下您的意见";
    }
    if (f->phone[0] && !feedback_phone_valid(f->phone)) p->at[FEEDBACK_AT_PHONE] = "手机号码应为11位，以1开头，请检查";
    if (f->rating < 0 || f->rating > f->rating_levels) p->at[FEEDBACK_AT_RATING] = "评价等级无效";
    for (int i = 0; i < FEEDBACK_AT_COUNT; i++) p->count += p->at[i] != NULL;
    return p->count;
}

int feedback_form_check(const FeedbackForm *f, Err *err)
{
    FeedbackProblems p;
    if (feedback_form_problems(f, &p) == 0) return 0;
    char msg[sizeof err->msg];
    size_t used = 0;
    msg[0] = '\0';
    for (int i = 0; i < FEEDBACK_AT_COUNT; i++) {
        if (!p.at[i] || used >= sizeof msg) continue;
        int n = snprintf(msg + used, sizeof msg - used, "%s%s", used ? "；" : "", p.at[i]);
        if (n > 0) used += (size_t)n;
    }
    return err_set(err, "%s", msg);
}

int feedback_uuid(char out[37], Err *err)
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) return err_set(err, "OpenSSL could not make random bytes for an id");
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

static int reasons_json(const FeedbackForm *f, char *out, size_t size, Err *err)
{
    json_t *arr = json_array();
    for (int i = 0; i < f->reason_count; i++)
        if (f->reason_on[i]) json_array_append_new(arr, json_string(f->reasons[i]));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text) return err_set(err, "out of memory");
    int fits = strlen(text) < size;
    snprintf(out, size, "%s", fits ? text : "[]");
    free(text);
    return fits ? 0 : err_set(err, "the chosen reasons are too long to store");
}

FeedbackKind feedback_form_kind(const FeedbackForm *f)
{
    if (f->purpose == FORM_REQUEST) return FEEDBACK_REQUEST;
    if (f->purpose == FORM_REPORT) return FEEDBACK_REPORT;
    return has_text(f->comment) ? FEEDBACK_COMMENT : FEEDBACK_RATING;
}

const char *feedback_form_thanks(const FeedbackForm *f)
{
    static const char *const thanks[] = {
        [FEEDBACK_RATING] = "感谢您的评价",
        [FEEDBACK_COMMENT] = "感谢您的意见，我们会认真研究",
        [FEEDBACK_REQUEST] = "我们审核办理后，会按您留下的电话告知办理结果",
        [FEEDBACK_REPORT] = "我们会认真核查处理",
    };
    _Static_assert(sizeof thanks / sizeof thanks[0] == FEEDBACK_REPORT + 1, "a thanks for every kind");
    return thanks[feedback_form_kind(f)];
}

static int to_record(const FeedbackForm *f, StoreFeedback *rec, int64_t now, Err *err)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = feedback_form_kind(f);
    snprintf(rec->target_item, sizeof rec->target_item, "%s", f->target.item_id);
    snprintf(rec->target_category, sizeof rec->target_category, "%s", f->target.category_id);
    rec->rating = f->purpose == FORM_OPINION ? f->rating : 0;
    rec->rating_levels = f->rating_levels;
    snprintf(rec->comment, sizeof rec->comment, "%s", has_text(f->comment) ? f->comment : "");
    snprintf(rec->name, sizeof rec->name, "%s", f->name);
    snprintf(rec->phone, sizeof rec->phone, "%s", f->phone);
    rec->created_at = now;
    if (reasons_json(f, rec->reasons, sizeof rec->reasons, err)) return -1;
    return feedback_uuid(rec->id, err);
}

/* A bare rating carries no words: two visitors in a row who both tap 满意
 * look identical.  Counting the second one matters for the statistics, so
 * for bare ratings only a repeat within a short time (a double tap, an
 * impatient second press) counts as the same submission. */
static int duplicate_window(const StoreFeedback *rec, const FeedbackRules *rules)
{
    bool bare = rec->kind == FEEDBACK_RATING && strcmp(rec->reasons, "[]") == 0;
    if (bare && rules->duplicate_window_s > FEEDBACK_RATING_REPEAT_S) return FEEDBACK_RATING_REPEAT_S;
    return rules->duplicate_window_s;
}

/* The form could not be handed over or the store could not do its
 * part: the cause is in the log, the visitor reads "try later" (nothing
 * was saved). */
static FeedbackResult failed(Err *err)
{
    err_set(err, "暂时无法提交，请稍后再试");
    return FEEDBACK_FAILED;
}

FeedbackResult feedback_form_submit(FeedbackForm *f, FeedbackWriter *writer, const FeedbackRules *rules, int64_t now,
                                    unsigned *ticket, char *id_out, Err *err)
{
    *ticket = 0;
    if (id_out) id_out[0] = '\0';
    if (feedback_form_check(f, err) != 0) return FEEDBACK_INCOMPLETE;
    FeedbackJob job = {.rate_limit_per_hour = rules->rate_limit_per_hour};
    Err cause;
    if (to_record(f, &job.rec, now, &cause)) {
        log_error("feedback: cannot make the record: %s", cause.msg);
        return failed(err);
    }
    job.duplicate_window_s = duplicate_window(&job.rec, rules);
    *ticket = feedback_writer_submit(writer, &job);
    if (!*ticket) return failed(err); /* no writer (read-only store), or the queue is full: logged */
    if (id_out) snprintf(id_out, 37, "%s", job.rec.id);
    return FEEDBACK_SAVING;
}

FeedbackResult feedback_form_collect(FeedbackForm *f, FeedbackWriter *writer, unsigned ticket, Err *err)
{
    FeedbackWritten done;
    int rc = feedback_writer_take(writer, ticket, &done);
    if (rc == 1) return FEEDBACK_SAVING;
    if (rc < 0) {
        log_error("feedback: the writer has no outcome for ticket %u", ticket);
        return failed(err);
    }
    switch (done.outcome) {
    case WRITE_SAVED: feedback_form_clear(f); return FEEDBACK_SAVED;
    case WRITE_DUPLICATE:
        feedback_form_clear(f);
        err_set(err, "相同的内容刚才已经提交过了，无需重复提交");
        return FEEDBACK_DUPLICATE;
    case WRITE_RATE_LIMITED:
        err_set(err, "本机提交次数已达每小时上限，请稍后再试，或到服务窗口当面反映");
        return FEEDBACK_RATE_LIMITED;
    case WRITE_BUSY:
        /* The words stay on the form: a second press a moment later saves
         * them once the update's transaction is over. */
        err_set(err, "正在更新内容，请过几秒再按一次提交");
        return FEEDBACK_FAILED;
    case WRITE_FAILED: break;
    }
    return failed(err);
}
