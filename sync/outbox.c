/* outbox.c — uploading the feedback outbox.
 *
 * Batches of up to 100 submissions, each with the id the kiosk gave it, so
 * a batch sent again after a lost answer is never stored twice.  An entry
 * is marked sent only when the server acknowledged its id. */
#include "session.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "log.h"

#define SYNC_FEEDBACK_PER_ROUND 1000

static json_t *feedback_json(const StoreFeedback *f)
{
    char created[40];
    feed_format_time(f->created_at, created, sizeof created);
    json_t *reasons = json_loads(f->reasons, 0, NULL);
    if (!json_is_array(reasons)) {
        json_decref(reasons);
        reasons = json_array();
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:s, s:s, s:s, s:s}", "id", f->id, "kind",
                     feedback_kind_word(f->kind), "item", f->target_item, "category", f->target_category, "rating",
                     f->rating, "rating_levels", f->rating_levels, "reasons", reasons, "comment", f->comment, "name",
                     f->name, "phone", f->phone, "created_at", created);
}

static bool in_batch(const StoreFeedback *batch, int n, const char *id)
{
    for (int i = 0; id && i < n; i++)
        if (strcmp(batch[i].id, id) == 0) return true;
    return false;
}

/* Marks sent exactly the ids the server acknowledged; notes the reason on
 * those it rejected.  Returns how many were marked. */
static int apply_feedback_answer(Session *ss, const StoreFeedback *batch, int n, json_t *answer)
{
    int marked = 0;
    size_t i;
    json_t *v;
    Err e;
    json_array_foreach (json_object_get(answer, "acknowledged"), i, v) {
        const char *id = json_string_value(v);
        if (!in_batch(batch, n, id)) continue;
        if (store_feedback_mark_sent(ss->store, id, time(NULL), &e)) log_warn("sync: %s", e.msg);
        else marked++;
    }
    json_array_foreach (json_object_get(answer, "rejected"), i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        const char *msg = json_string_value(json_object_get(v, "message"));
        if (!in_batch(batch, n, id)) continue;
        log_warn("sync: the server refused feedback %s: %s", id, msg ? msg : "no reason given");
        store_feedback_note_attempt(ss->store, id, msg ? msg : "refused by the server", NULL);
    }
    return marked;
}

static void note_attempts(Session *ss, const StoreFeedback *batch, int n, const char *why)
{
    for (int i = 0; i < n; i++) store_feedback_note_attempt(ss->store, batch[i].id, why, NULL);
}

static RoundResult post_feedback_batch(Session *ss, const StoreFeedback *batch, int n, int *marked, long *status)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(list, feedback_json(&batch[i]));
    json_t *doc = json_pack("{s:o}", "submissions", list);
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!body) return session_fail(ss, ROUND_ERROR, "feedback: out of memory");
    json_t *answer;
    RoundResult r = session_post_json(ss, "feedback", "/v1/feedback", body, status, &answer);
    free(body);
    if (r == ROUND_OK) *marked += apply_feedback_answer(ss, batch, n, answer);
    if (r != ROUND_OK && r != ROUND_ABORTED) note_attempts(ss, batch, n, ss->error);
    json_decref(answer);
    return r;
}

/* A batch the server refuses as a whole (400) is sent again one by one,
 * so that one submission it cannot take does not hold up the others. */
static RoundResult post_feedback(Session *ss, const StoreFeedback *batch, int n, int *marked)
{
    long status = 0;
    RoundResult r = post_feedback_batch(ss, batch, n, marked, &status);
    if (status != 400 || n == 1) return r;
    r = ROUND_OK;
    for (int i = 0; i < n && round_goes_on(r); i++)
        r = round_worse(r, post_feedback_batch(ss, batch + i, 1, marked, &status));
    return r;
}

RoundResult sync_push_feedback(Session *ss)
{
    StoreFeedback *pending;
    int n;
    Err e;
    if (store_feedback_pending(ss->store, SYNC_FEEDBACK_PER_ROUND, &pending, &n, &e))
        return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult r = ROUND_OK;
    int marked = 0;
    for (int first = 0; first < n && round_goes_on(r); first += FEEDBACK_MAX_BATCH) {
        int count = n - first < FEEDBACK_MAX_BATCH ? n - first : FEEDBACK_MAX_BATCH;
        r = round_worse(r, post_feedback(ss, pending + first, count, &marked));
    }
    store_free(pending);
    if (marked > 0) {
        log_info("sync: %d feedback submission(s) delivered", marked);
        session_tell(ss, SYNC_ANSWERS_CHANGED);
    }
    return r;
}
