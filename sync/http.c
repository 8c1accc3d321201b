#include "http.h"

/* The calls go through pointers (below), which curl's type-checking macros
 * for curl_easy_setopt and curl_easy_getinfo cannot wrap. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "dynlib.h"
#include "log.h"
#include "wire.h"
#include "monoclock.h"
#include "number.h"

/* Below this many bytes per second for the stall time, a transfer is
 * given up: a hung server or a dead mobile link. */
#define HTTP_LOW_SPEED_BYTES 10
/* What of an error answer is kept when the body would have gone to a sink:
 * enough for the error document, not a second copy of an image. */
#define HTTP_ERROR_BODY_MAX (64 * 1024)

struct HttpClient {
    CURL *curl;
    char base_url[1024];
    char auth[300], kiosk[160], agent[128];
    HttpOptions opt;
    /* per transfer */
    bool interruptible, too_large, stalled, overdue, body_started, to_sink, sink_failed;
    int stall_limit_s;
    curl_off_t seen_down, seen_up, declared;
    double last_move_ms; /* monoclock_ms() when a byte last moved */
    double started_ms, first_byte_ms; /* first_byte_ms 0 until the body starts */
    double deadline_ms, wait_ms; /* deadline_ms 0 = none */
    size_t max_bytes, sunk;
    const HttpSink *sink;
    Err sink_err;
    char *buf;
    size_t len, cap;
    char curl_error[CURL_ERROR_SIZE];
};

/* libcurl and the 23 libraries it alone brings (TLS, HTTP/2, IDN, SSH,
 * LDAP, Kerberos...) are opened with dlopen by the first client, on the
 * sync thread beside the kiosk's first frame, not by the loader before
 * main(): about 4 ms of every start (docs/SCREENS.md, start-up).  Every
 * curl_ call below goes through this table (common/dynlib.h). */
#define CURL_CALLS(X)                                                                                                  \
    X(curl_easy_cleanup)                                                                                               \
    X(curl_easy_getinfo)                                                                                               \
    X(curl_easy_header)                                                                                                \
    X(curl_easy_init)                                                                                                  \
    X(curl_easy_perform)                                                                                               \
    X(curl_easy_reset)                                                                                                 \
    X(curl_easy_setopt)                                                                                                \
    X(curl_easy_strerror)                                                                                              \
    X(curl_getdate)                                                                                                    \
    X(curl_global_init)                                                                                                \
    X(curl_slist_append)                                                                                               \
    X(curl_slist_free_all)

#define CURL_POINTER(name) __typeof__(name) *name;
static struct {
    CURL_CALLS(CURL_POINTER)
} curllib;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static Err global_err;
static int global_rc = -1;

static void global_init_once(void)
{
#define CURL_SYMBOL(name) {#name, &curllib.name},
    static const DynSym calls[] = {CURL_CALLS(CURL_SYMBOL)};
    void *lib;
    if (dynlib_open("libcurl.so.4", "libcurl4", calls, sizeof calls / sizeof calls[0], &lib, &global_err)) return;
    CURLcode rc = curllib.curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        err_set(&global_err, "%s", curllib.curl_easy_strerror(rc));
        return;
    }
    global_rc = 0;
}

int http_global_init(Err *err)
{
    pthread_once(&global_once, global_init_once);
    if (global_rc != 0) return err_set(err, "libcurl cannot start: %s", global_err.msg);
    return 0;
}

/* At the first byte of the body the status and headers are known: a 2xx
 * body goes to the sink if there is one, and an answer that declares more
 * than the limit is refused before any of it is read. */
static bool body_refused_early(HttpClient *c)
{
    long status = 0;
    curllib.curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    c->to_sink = c->sink && status >= 200 && status < 300;
    if (c->sink && !c->to_sink && c->max_bytes > HTTP_ERROR_BODY_MAX) c->max_bytes = HTTP_ERROR_BODY_MAX;
    c->declared = -1;
    curllib.curl_easy_getinfo(c->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &c->declared);
    if (c->declared > (curl_off_t)c->max_bytes) c->too_large = true;
    return c->too_large;
}

static size_t on_data(char *data, size_t size, size_t n, void *userp)
{
    HttpClient *c = userp;
    size_t add = size * n;
    if (!c->body_started) {
        c->body_started = true;
        if (body_refused_early(c)) return 0;
    }
    if (c->len + c->sunk + add > c->max_bytes) {
        c->too_large = true;
        return 0;
    }
    if (c->to_sink) {
        if (c->sink->write(c->sink->ctx, data, add, &c->sink_err)) {
            c->sink_failed = true;
            return 0;
        }
        c->sunk += add;
        return add;
    }
    return bytes_append(&c->buf, &c->len, &c->cap, data, add) == 0 ? add : 0;
}

/* A long-poll may be silent for its wait; once its answer starts, the body
 * has the request's deadline from there (plus the byte allowance), so a
 * server that starts answering and then drips is dropped as soon as for
 * any other request. */
static double exchange_deadline_ms(const HttpClient *c, curl_off_t dlnow)
{
    double end = c->started_ms + c->wait_ms + c->deadline_ms;
    if (c->first_byte_ms > 0 && c->first_byte_ms + c->deadline_ms < end) end = c->first_byte_ms + c->deadline_ms;
    return end + (double)dlnow * 1000 / HTTP_DEADLINE_BYTES_PER_S;
}

/* libcurl calls this about once a second even when nothing moves, so a
 * raised flag ends the transfer within a second.  It also ends a transfer
 * on which no byte has moved for the stall limit: libcurl's own low-speed
 * check averages over several seconds, so after a quick request a silent
 * server would be noticed only seconds later. */
static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)ultotal;
    HttpClient *c = userp;
    if (c->opt.stop && atomic_load(c->opt.stop)) return 1;
    if (c->interruptible && c->opt.poke && atomic_load(c->opt.poke)) return 1;
    double now = monoclock_ms();
    if (dlnow > 0 && c->first_byte_ms == 0) c->first_byte_ms = now;
    if (c->deadline_ms > 0 && now > exchange_deadline_ms(c, dlnow)) {
        c->overdue = true;
        return 1;
    }
    if (dlnow != c->seen_down || ulnow != c->seen_up) {
        c->seen_down = dlnow;
        c->seen_up = ulnow;
        c->last_move_ms = now;
    } else if ((now - c->last_move_ms) / 1000 > c->stall_limit_s) {
        c->stalled = true;
        return 1;
    }
    return 0;
}

int http_client_new(const HttpOptions *opt, HttpClient **out, Err *err)
{
    if (http_global_init(err)) return -1;
    HttpClient *c = calloc(1, sizeof *c);
    if (!c) return err_set(err, "out of memory");
    c->opt = *opt;
    snprintf(c->base_url, sizeof c->base_url, "%s", opt->base_url);
    size_t n = strlen(c->base_url);
    while (n > 0 && c->base_url[n - 1] == '/') c->base_url[--n] = '\0';
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", opt->token ? opt->token : "");
    snprintf(c->kiosk, sizeof c->kiosk, "X-Kiosk-Id: %s", opt->kiosk_id ? opt->kiosk_id : "");
    snprintf(c->agent, sizeof c->agent, "%s", opt->user_agent ? opt->user_agent : "dangwu-kiosk");
    c->curl = curllib.curl_easy_init();
    if (!c->curl) {
        free(c);
        return err_set(err, "libcurl cannot create a handle");
    }
    *out = c;
    return 0;
}

void http_client_free(HttpClient *c)
{
    if (!c) return;
    curllib.curl_easy_cleanup(c->curl);
    free(c->buf);
    free(c);
}

void http_response_free(HttpResponse *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

static bool network_failure(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return true;
    default: return false;
    }
}

static void copy_header(CURL *curl, const char *name, char *buf, size_t size)
{
    struct curl_header *h;
    buf[0] = '\0';
    if (curllib.curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK) snprintf(buf, size, "%s", h->value);
}

/* Retry-After (RFC 9110 10.2.3): a number of seconds or an HTTP date;
 * 0 when absent or not understood, at most HTTP_RETRY_AFTER_MAX_S. */
static int retry_after_s(CURL *curl)
{
    char v[128];
    copy_header(curl, "Retry-After", v, sizeof v);
    if (!v[0]) return 0;
    int64_t s = -1;
    if (number_parse(v, 0, INT64_MAX, &s) != 0) {
        time_t at = curllib.curl_getdate(v, NULL);
        if (at != -1) s = (int64_t)(at - time(NULL));
    }
    if (s <= 0) return 0;
    return s > HTTP_RETRY_AFTER_MAX_S ? HTTP_RETRY_AFTER_MAX_S : (int)s;
}

/* Every option is set again for each transfer (curl_easy_reset keeps the
 * open connection and the DNS cache), so no request inherits another's. */
static int configure(HttpClient *c, const HttpRequest *req, struct curl_slist **headers, Err *err)
{
    CURL *h = c->curl;
    char url[2300];
    if (snprintf(url, sizeof url, "%s%s", c->base_url, req->path) >= (int)sizeof url)
        return err_set(err, "request address too long");
    curllib.curl_easy_reset(h);
    struct curl_slist *l = NULL;
    l = curllib.curl_slist_append(l, c->auth);
    l = curllib.curl_slist_append(l, c->kiosk);
    l = curllib.curl_slist_append(l, "Accept: application/json");
    l = curllib.curl_slist_append(l, "Expect:"); /* no 100-continue round trip */
    if (req->body) {
        char type[160];
        snprintf(type, sizeof type, "Content-Type: %s", req->content_type ? req->content_type : "application/json");
        l = curllib.curl_slist_append(l, type);
    }
    if (req->if_none_match && *req->if_none_match) {
        char inm[200];
        snprintf(inm, sizeof inm, "If-None-Match: %s", req->if_none_match);
        l = curllib.curl_slist_append(l, inm);
    }
    *headers = l;
    if (!l) return err_set(err, "out of memory");
    int stall = c->opt.stall_timeout_s > 0 ? c->opt.stall_timeout_s : 30;
    curllib.curl_easy_setopt(h, CURLOPT_URL, url);
    curllib.curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curllib.curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curllib.curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
    curllib.curl_easy_setopt(h, CURLOPT_USERAGENT, c->agent);
    curllib.curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curllib.curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curllib.curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                             (long)(c->opt.connect_timeout_s > 0 ? c->opt.connect_timeout_s : 10));
    c->stall_limit_s = stall + (req->wait_s > 0 ? req->wait_s : 0);
    curllib.curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)HTTP_LOW_SPEED_BYTES);
    curllib.curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)c->stall_limit_s);
    curllib.curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curllib.curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->opt.ca_file && *c->opt.ca_file) curllib.curl_easy_setopt(h, CURLOPT_CAINFO, c->opt.ca_file);
    curllib.curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curllib.curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curllib.curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curllib.curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curllib.curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curllib.curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_error);
    if (req->body) {
        curllib.curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        curllib.curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)(req->body_len ? req->body_len : strlen(req->body)));
    }
    if (req->method && strcmp(req->method, "POST") != 0 && strcmp(req->method, "GET") != 0)
        curllib.curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    return 0;
}

int http_send(HttpClient *c, const HttpRequest *req, HttpResponse *resp, Err *err)
{
    memset(resp, 0, sizeof *resp);
    c->len = 0;
    c->sunk = 0;
    c->too_large = c->stalled = c->overdue = c->body_started = c->to_sink = c->sink_failed = false;
    c->declared = -1;
    c->sink = req->sink;
    c->seen_down = c->seen_up = 0;
    c->started_ms = c->last_move_ms = monoclock_ms();
    c->first_byte_ms = 0;
    c->deadline_ms = req->deadline_s > 0 ? 1000.0 * req->deadline_s : 0;
    c->wait_ms = req->wait_s > 0 ? 1000.0 * req->wait_s : 0;
    c->interruptible = req->interruptible;
    c->max_bytes = req->max_bytes ? req->max_bytes : 1024 * 1024;
    c->curl_error[0] = '\0';
    struct curl_slist *headers = NULL;
    if (configure(c, req, &headers, err)) {
        curllib.curl_slist_free_all(headers);
        return -1;
    }
    CURLcode rc = curllib.curl_easy_perform(c->curl);
    curllib.curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        resp->aborted = rc == CURLE_ABORTED_BY_CALLBACK && !c->stalled && !c->overdue;
        resp->unreachable = network_failure(rc) || c->stalled || c->overdue;
        if (c->stalled)
            return err_set(err, "%s: nothing came from the server for %d s; gave up", req->path, c->stall_limit_s);
        if (c->overdue)
            return err_set(err, "%s: the exchange took longer than its %.0f s (%lld bytes arrived); gave up", req->path,
                           (monoclock_ms() - c->started_ms) / 1000, (long long)c->seen_down);
        if (c->too_large && c->declared > (curl_off_t)c->max_bytes)
            return err_set(err, "%s: the answer declares %lld bytes, more than the %zu allowed; refused unread",
                           req->path, (long long)c->declared, c->max_bytes);
        if (c->too_large)
            return err_set(err, "%s: the answer is larger than the %zu bytes allowed", req->path, c->max_bytes);
        if (c->sink_failed) return err_set(err, "%s: %s", req->path, c->sink_err.msg);
        return err_set(err, "%s: %s", req->path, c->curl_error[0] ? c->curl_error : curllib.curl_easy_strerror(rc));
    }
    curllib.curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
    copy_header(c->curl, "ETag", resp->etag, sizeof resp->etag);
    copy_header(c->curl, "Content-Type", resp->content_type, sizeof resp->content_type);
    copy_header(c->curl, "X-Database-Id", resp->database_id, sizeof resp->database_id);
    char call[32];
    copy_header(c->curl, PROTO_CALL_HEADER, call, sizeof call);
    resp->called = strcmp(call, PROTO_CALL_HEARTBEAT) == 0;
    if (resp->status == 429 || resp->status == 503) resp->retry_after_s = retry_after_s(c->curl);
    resp->sunk = c->sunk;
    /* The buffer is handed over: a long-poll answer can be a large
     * snapshot, and the handle should not keep that much between polls. */
    if (c->len > 0) {
        resp->body = c->buf;
        resp->len = c->len;
        c->buf = NULL;
        c->cap = 0;
    }
    return 0;
}

void http_describe_error(const HttpResponse *resp, char *buf, size_t size)
{
    json_t *root = resp->body ? json_loadb(resp->body, resp->len, 0, NULL) : NULL;
    json_t *e = json_object_get(root, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *message = json_string_value(json_object_get(e, "message"));
    if (code) snprintf(buf, size, "HTTP %ld %s: %s", resp->status, code, message ? message : "");
    else
        snprintf(buf, size, "HTTP %ld with %s that is not an error document", resp->status,
                 resp->content_type[0] ? resp->content_type : "an untyped body");
    json_decref(root);
}
