/* http.h — the sync thread's HTTP client: one libcurl easy handle.
 *
 * Owns the rules every transfer to the county server follows: bearer
 * token and kiosk id headers, TLS verification (with the county's CA file
 * when configured), CURLOPT_NOSIGNAL, a connect timeout, a stall
 * (low-speed) timeout and a deadline for the whole exchange on every
 * request, a size limit on every answer (refused from its Content-Length
 * before any of it is read, and counted as it arrives), bodies streamed to
 * a sink instead of memory when the caller asks (images), Retry-After of
 * a 429 or 503 reported to the caller, and an abort within a fraction of a
 * second when the owner's stop flag (or, for a long-poll, its poke flag)
 * is raised.  The handle keeps its
 * connection open between requests.  Not thread-safe: one owner. */
#ifndef KIOSK_HTTP_H
#define KIOSK_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

typedef struct HttpClient HttpClient;

typedef struct HttpOptions {
    const char *base_url; /* "https://county.example"; paths are appended */
    const char *token, *kiosk_id; /* may be "" */
    const char *ca_file; /* "" = the system's CA store */
    const char *user_agent;
    int connect_timeout_s;
    int stall_timeout_s; /* abort when (almost) nothing arrives this long */
    const atomic_bool *stop; /* raised: abort any transfer */
    const atomic_bool *poke; /* raised: abort an interruptible transfer */
} HttpOptions;

/* Where a 2xx answer's body goes as it arrives, instead of memory.  write
 * returns 0, or -1 to end the transfer (err then says why). */
typedef struct HttpSink {
    int (*write)(void *ctx, const void *data, size_t n, Err *err);
    void *ctx;
} HttpSink;

/* A deadline grows by one second for every this many bytes received, so a
 * large answer on a slow but honest link gets the time it needs while a
 * server that drips a few bytes a second does not. */
#define HTTP_DEADLINE_BYTES_PER_S 16384
#define HTTP_RETRY_AFTER_MAX_S 3600 /* a longer Retry-After is cut to this */

typedef struct HttpRequest {
    const char *method; /* "GET" or "POST" */
    const char *path; /* "/v1/content?since=4" */
    const char *body; /* JSON for POST, or body_len bytes of content_type */
    size_t body_len; /* 0: body is NUL-terminated text */
    const char *content_type; /* NULL: application/json */
    const char *if_none_match; /* NULL or an ETag */
    int wait_s; /* a long-poll: the server may be silent this long */
    bool interruptible; /* a poke may abort it */
    size_t max_bytes; /* a larger answer is an error */
    int deadline_s; /* the whole exchange, plus wait_s and the byte allowance; 0 = none */
    const HttpSink *sink; /* NULL: a 2xx body is kept in memory */
} HttpRequest;

typedef struct HttpResponse {
    long status;
    char *body; /* malloc'd, NUL-terminated; NULL when empty or sunk */
    size_t len;
    char etag[128];
    char content_type[128];
    char database_id[40]; /* X-Database-Id: which database the server's revisions count in */
    size_t sunk; /* bytes handed to the request's sink */
    int retry_after_s; /* a 429 or 503's Retry-After in seconds, 0 when none */
    bool called; /* PROTO_CALL_HEADER said PROTO_CALL_HEARTBEAT: the server has a command waiting */
    bool unreachable; /* failed: could not reach the server / network broke / too slow */
    bool aborted; /* failed: stopped by the stop or poke flag */
} HttpResponse;

int http_client_new(const HttpOptions *opt, HttpClient **out, Err *err);
void http_client_free(HttpClient *c);

/* 0 when the server answered (any status; check resp->status), -1 when no
 * complete answer arrived (err says why, resp->unreachable/aborted tell
 * the kind).  Free the response with http_response_free in both cases. */
int http_send(HttpClient *c, const HttpRequest *req, HttpResponse *resp, Err *err);
void http_response_free(HttpResponse *resp);

/* The message of an error answer {"error":{"code","message"}}, or a short
 * description of whatever else came ("HTTP 502, text/html"). */
void http_describe_error(const HttpResponse *resp, char *buf, size_t size);

/* One-time libcurl set-up: opens libcurl (common/dynlib.h) and calls
 * curl_global_init, which Debian's libcurl (7.88, feature "threadsafe")
 * allows on any thread; http_client_new calls it (idempotent). */
int http_global_init(Err *err);

#endif
