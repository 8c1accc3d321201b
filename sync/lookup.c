/* lookup.c — the receipt lookup hand-off (lookup.h): one request slot
 * under a mutex, filled by the UI thread and served by the sync thread
 * with one GET /v1/kiosk/receipts/{digits}. */
#include "lookup.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "monoclock.h"
#include "session.h"

struct Lookup {
    pthread_mutex_t lock;
    unsigned next_ticket;
    unsigned asked; /* the ticket waiting to be served, 0 = none */
    char digits[RECEIPT_DIGITS + 1];
    double asked_ms; /* monoclock of the ask */
    unsigned answered; /* the ticket `result` belongs to, 0 = none */
    LookupResult result;
};

int lookup_new(Lookup **out, Err *err)
{
    Lookup *l = calloc(1, sizeof *l);
    if (!l) return err_set(err, "out of memory");
    pthread_mutex_init(&l->lock, NULL);
    *out = l;
    return 0;
}

void lookup_free(Lookup *l)
{
    if (!l) return;
    pthread_mutex_destroy(&l->lock);
    free(l);
}

unsigned lookup_ask(Lookup *l, const char *digits)
{
    pthread_mutex_lock(&l->lock);
    if (++l->next_ticket == 0) l->next_ticket = 1;
    l->asked = l->next_ticket;
    snprintf(l->digits, sizeof l->digits, "%s", digits);
    l->asked_ms = monoclock_ms();
    l->answered = 0; /* an older answer is never handed out for this ticket */
    unsigned ticket = l->asked;
    pthread_mutex_unlock(&l->lock);
    return ticket;
}

int lookup_take(Lookup *l, unsigned ticket, LookupResult *out)
{
    pthread_mutex_lock(&l->lock);
    bool ready = ticket && l->answered == ticket;
    if (ready) {
        *out = l->result;
        l->answered = 0;
    }
    pthread_mutex_unlock(&l->lock);
    return ready ? 0 : 1;
}

/* ---- the sync thread's side ---------------------------------------------- */

/* A time of the answer: RFC 3339 as everywhere on the wire, or null. */
static int answer_time(json_t *doc, const char *key, int64_t *out)
{
    json_t *v = json_object_get(doc, key);
    *out = 0;
    if (!v || json_is_null(v)) return 0;
    return json_is_string(v) ? feed_parse_time(json_string_value(v), out) : -1;
}

/* The server's 200 answer into `res`; -1 (logged) when it is not what
 * PROTOCOL.md describes: a screen shows nothing it could not check. */
static int read_found(const char *body, size_t len, LookupResult *res)
{
    json_t *doc = json_loadb(body, len, 0, NULL);
    const char *why = NULL;
    int kind = feedback_kind_parse(json_string_value(json_object_get(doc, "kind")));
    int status = case_status_parse(json_string_value(json_object_get(doc, "status")));
    json_t *answer = json_object_get(doc, "answer");
    if (!json_is_object(doc)) why = "not a JSON object";
    else if (!json_equal(json_object_get(doc, "receipt"), json_string(res->receipt)))
        why = "the answer is about another receipt number";
    else if (kind < 0) why = "kind is not one of " FEEDBACK_KIND_WORDS;
    else if (status < 0) why = "status is not one of " CASE_STATUS_WORDS;
    else if (answer_time(doc, "submitted_at", &res->submitted_at) || answer_time(doc, "due_at", &res->due_at) ||
             answer_time(doc, "answered_at", &res->answered_at))
        why = "a time is not like " PROTO_TIME_EXAMPLE;
    else if (answer && !json_is_null(answer) && !json_is_string(answer)) why = "answer is not a string";
    else if (json_string_length(answer) > SYNC_LOOKUP_ANSWER_MAX) why = "the answer is longer than the kiosk shows";
    if (why) {
        log_warn("sync: receipt %s: the server's answer is unusable: %s", res->receipt, why);
        json_decref(doc);
        return -1;
    }
    res->kind = (FeedbackKind)kind;
    res->status = (CaseStatus)status;
    snprintf(res->answer, sizeof res->answer, "%s", json_is_string(answer) ? json_string_value(answer) : "");
    json_decref(doc);
    return 0;
}

/* One request to the server, within `left_ms` of the deadline. */
static void ask_server(Session *ss, LookupResult *res, double left_ms)
{
    res->outcome = LOOKUP_UNAVAILABLE;
    if (!ss->http) {
        log_info("sync: receipt %s not looked up: this kiosk's source is a folder, not a county server", res->receipt);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", res->receipt);
    HttpRequest req = {.method = "GET",
                       .path = path,
                       .max_bytes = SYNC_JSON_MAX,
                       .deadline_s = left_ms < 1000 ? 1 : (int)(left_ms / 1000)};
    HttpResponse resp;
    Err e;
    if (http_send(ss->http, &req, &resp, &e)) {
        log_warn("sync: receipt %s not looked up: %s", res->receipt, e.msg);
    } else if (resp.status == 404) {
        res->outcome = LOOKUP_UNKNOWN;
    } else if (resp.status == 409) {
        log_warn("sync: receipt %s belongs to more than one submission on the server", res->receipt);
        res->outcome = LOOKUP_CONFLICT;
    } else if (resp.status == 429) {
        log_warn("sync: receipt %s not looked up: this kiosk has looked up too often for now", res->receipt);
        res->outcome = LOOKUP_BUSY;
    } else if (resp.status != 200) {
        char why[400];
        http_describe_error(&resp, why, sizeof why);
        log_warn("sync: receipt %s: the server answered %ld: %s", res->receipt, resp.status, why);
    } else if (resp.body && read_found(resp.body, resp.len, res) == 0) {
        res->outcome = LOOKUP_FOUND;
    }
    http_response_free(&resp);
}

void lookup_serve(Lookup *l, Session *ss)
{
    pthread_mutex_lock(&l->lock);
    unsigned ticket = l->asked;
    double left_ms = l->asked_ms + SYNC_LOOKUP_DEADLINE_MS - monoclock_ms();
    LookupResult *res = calloc(1, sizeof *res);
    if (ticket && res) snprintf(res->receipt, sizeof res->receipt, "%s", l->digits);
    l->asked = 0;
    pthread_mutex_unlock(&l->lock);
    if (!ticket || !res) {
        if (ticket) log_error("sync: receipt lookup dropped: out of memory");
        free(res);
        return;
    }
    if (left_ms > 0) ask_server(ss, res, left_ms);
    else log_info("sync: receipt %s not looked up: its deadline passed before the sync thread was free", res->receipt);
    pthread_mutex_lock(&l->lock);
    bool current = l->asked == 0 || l->asked == ticket; /* not replaced meanwhile */
    if (current) {
        l->result = *res;
        l->answered = ticket;
    }
    pthread_mutex_unlock(&l->lock);
    free(res);
    if (current) session_tell(ss, SYNC_LOOKUP_DONE);
}
