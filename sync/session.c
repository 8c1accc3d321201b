/* session.c — the helpers every step of a sync round uses: telling the
 * UI, and keeping the round's first failure as one clean line. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistr.h>

#include "log.h"

void session_tell(Session *ss, SyncEvent ev)
{
    if (ss->notify) ss->notify(ss->ctx, ev);
}

/* Cuts a message to whole UTF-8 characters and replaces control
 * characters and invalid bytes (libunistring tells them apart), so that
 * it is one line of valid text: a hostile server's message may hold
 * anything, and the heartbeat sends it on as JSON. */
static void clean_line(char *s, size_t max)
{
    size_t in = 0, out = 0, n = strlen(s);
    while (in < n && out < max) {
        unsigned char c = (unsigned char)s[in];
        int len = u8_mblen((const uint8_t *)s + in, n - in);
        if (len <= 0 || c < 0x20 || c == 0x7f) {
            s[out++] = c < 0x20 ? ' ' : '?';
            in++;
            continue;
        }
        if (out + (size_t)len > max) break;
        memmove(s + out, s + in, (size_t)len);
        out += (size_t)len;
        in += (size_t)len;
    }
    s[out] = '\0';
}

RoundResult session_fail(Session *ss, RoundResult kind, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clean_line(msg, 480);
    log_warn("sync: %s", msg);
    if (!ss->error[0]) snprintf(ss->error, sizeof ss->error, "%s", msg);
    return kind;
}

/* The failure of a transfer that brought no answer. */
RoundResult session_transfer_failed(Session *ss, const HttpResponse *resp, const Err *e)
{
    if (resp->aborted) return ROUND_ABORTED;
    return session_fail(ss, resp->unreachable ? ROUND_OFFLINE : ROUND_ERROR, "%s", e->msg);
}

RoundResult session_answer_failed(Session *ss, const char *what, const HttpResponse *resp)
{
    char why[400];
    if (resp->retry_after_s > ss->retry_after_s) ss->retry_after_s = resp->retry_after_s;
    http_describe_error(resp, why, sizeof why);
    return session_fail(ss, ROUND_ERROR, "%s: %s", what, why);
}

RoundResult session_post_json(Session *ss, const char *what, const char *path, const char *body, long *status,
                              json_t **answer)
{
    HttpRequest req = {
        .method = "POST", .path = path, .body = body, .max_bytes = SYNC_JSON_MAX, .deadline_s = ss->deadline_s};
    HttpResponse resp;
    Err e;
    int rc = http_send(ss->http, &req, &resp, &e);
    *status = rc == 0 ? resp.status : 0;
    *answer = rc == 0 && resp.status == 200 && resp.body ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
    RoundResult r = ROUND_OK;
    if (rc != 0) r = session_transfer_failed(ss, &resp, &e);
    else if (resp.status != 200) r = session_answer_failed(ss, what, &resp);
    else if (!json_is_object(*answer))
        r = session_fail(ss, ROUND_ERROR, "%s: the server's answer is not the expected JSON", what);
    if (r != ROUND_OK) {
        json_decref(*answer);
        *answer = NULL;
    }
    http_response_free(&resp);
    return r;
}

int64_t sync_free_disk_bytes(const char *path)
{
    struct statvfs v;
    if (statvfs(path, &v) != 0) return -1;
    return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}
