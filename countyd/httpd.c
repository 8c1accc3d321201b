#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <unistr.h>

#include "bytes.h"
#include "log.h"
#include "monoclock.h"

typedef struct RequestPrivate Job;

/* Requests waiting for a worker, oldest first. */
typedef struct {
    Job *head, *tail;
} JobQueue;

/* A connection, from libmicrohttpd's notice that it started to the one
 * that it closed: while it owes a request head it is on the server's list
 * of such connections, oldest first (every deadline is the same time
 * away, so appending keeps the order). */
typedef struct Conn {
    struct Conn *prev, *next;
    bool listed;
    int fd;
    double deadline_ms;
} Conn;

/* A held request watched for its client hanging up, by socket number;
 * `generation` tells this hold from an earlier one on a reused number. */
typedef struct {
    Job *job;
    uint32_t generation;
} Watch;

struct HttpServer {
    struct MHD_Daemon *daemon;
    HttpConf conf;
    pthread_mutex_t lock;
    pthread_cond_t work;
    JobQueue admin_jobs, other_jobs; /* admins' requests go first */
    long queued;
    long sending; /* answered by a worker, not yet sent by the event loop */
    bool stopping;
    pthread_t *workers;
    int n_workers;
    /* Connections that owe a request head (conn_lock). */
    pthread_mutex_t conn_lock;
    Conn *head_due, *head_due_tail;
    long heads_overdue; /* closed since the last log line */
    double overdue_logged_ms;
    bool overdue_logged;
    long refused; /* over the connection limits, since the last log line */
    bool refused_logged;
    double refused_logged_ms;
    /* The watcher thread: held requests' sockets (watch_lock, taken
     * before lock when both are) and the head deadlines. */
    pthread_mutex_t watch_lock;
    int watch_fd;
    Watch *watch;
    size_t watch_cap;
    uint32_t watch_generation;
    bool watcher_running, watcher_stop;
    pthread_t watcher;
};

typedef struct {
    char *name, *value;
} Header;

struct HttpShared {
    struct MHD_Response *response;
    int status;
    atomic_long refs;
};

/* Where a request is: being read by the event loop, waiting for or on a
 * worker (its connection suspended), held by a handler (suspended, no
 * thread), answered by a worker and resumed (the event loop queues the
 * answer on its next call), or answered. */
typedef enum { REQ_READING, REQ_ON_WORKER, REQ_READY, REQ_SENT } RequestState;

struct RequestPrivate {
    HttpServer *server;
    struct MHD_Connection *conn;
    const Route *route;
    Request *request;
    RequestState state;
    char *body;
    size_t len, cap, limit;
    bool too_large;
    bool bad_path; /* a path segment that is not clean UTF-8 */
    bool answered;
    bool method_mismatch;
    bool counted_sending;
    Cdb *db;
    Header *headers;
    int header_count;
    double started_ms;
    int status;
    struct MHD_Response *response; /* made by a worker, queued by the event loop */
    HttpShared *shared; /* or this, shared with other requests */
    /* queued for a worker: what it runs */
    Job *next_job;
    HttpContinue job_fn;
    void *job_arg;
    /* held: what to do if its client hangs up meanwhile */
    HttpGone gone_fn;
    HttpContinue release_fn;
    void *gone_arg;
    int watched_fd; /* -1 when not watched */
    char path_copy[]; /* the path, cut into the route's parameters */
};

/* ---- routing ------------------------------------------------------------ */

/* Matches "/v1/items/abc/review" against "/v1/items/ * /review" segment by
 * segment; '*' captures one non-empty segment into r->params. */
static bool path_matches(const char *pattern, char *path_buf, size_t size, const char *path, const char **params)
{
    snprintf(path_buf, size, "%s", path);
    char *p = path_buf;
    const char *q = pattern;
    int n = 0;
    while (*q) {
        if (*q == '*') {
            if (*p == '/' || *p == '\0' || n >= HTTP_MAX_PARAMS) return false;
            params[n++] = p;
            while (*p && *p != '/') p++;
            q++;
            if (*q == '\0') return *p == '\0';
            if (*p != '/') return false;
            *p++ = '\0';
            q++;
            continue;
        }
        if (*p != *q) return false;
        p++;
        q++;
    }
    return *p == '\0';
}

/* A path segment that may be looked up: valid UTF-8, no control
 * characters, no '%' (what unescape_path left of a %00).  Each handler
 * then checks the form its ids have. */
static bool clean_segment(const char *seg)
{
    size_t n = strlen(seg);
    if (u8_check((const uint8_t *)seg, n)) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f || seg[i] == '%') return false;
    return true;
}

static const Route *find_route(HttpServer *s, Request *r, const char *method, bool *method_mismatch)
{
    const char *params[HTTP_MAX_PARAMS];
    char buf[HTTP_MAX_PATH];
    *method_mismatch = false;
    if (strlen(r->path) >= sizeof buf) return NULL;
    for (size_t i = 0; i < s->conf.route_count; i++) {
        const Route *rt = &s->conf.routes[i];
        if (!path_matches(rt->pattern, buf, sizeof buf, r->path, params)) continue;
        bool same = strcmp(rt->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
        if (!same) {
            *method_mismatch = true;
            continue;
        }
        path_matches(rt->pattern, r->priv->path_copy, strlen(r->path) + 1, r->path, r->params);
        for (int k = 0; k < HTTP_MAX_PARAMS && r->params[k]; k++)
            if (!clean_segment(r->params[k])) r->priv->bad_path = true;
        return rt;
    }
    return NULL;
}

/* ---- answers ------------------------------------------------------------ */

static void queue(Request *r, int status, struct MHD_Response *resp)
{
    struct RequestPrivate *p = r->priv;
    if (p->answered || !resp) {
        if (resp) MHD_destroy_response(resp);
        return;
    }
    for (int i = 0; i < p->header_count; i++) MHD_add_response_header(resp, p->headers[i].name, p->headers[i].value);
    /* The event loop queues it when the worker resumes the connection. */
    p->response = resp;
    p->answered = true;
    p->status = status;
}

/* Response headers are kept only for the requests that set some, so that
 * a held long-poll costs a few hundred bytes, not a fixed table. */
void http_add_header(Request *r, const char *name, const char *value)
{
    struct RequestPrivate *p = r->priv;
    if (p->header_count >= HTTP_MAX_HEADERS) return;
    if (!p->headers && !(p->headers = calloc(HTTP_MAX_HEADERS, sizeof *p->headers))) return;
    Header *h = &p->headers[p->header_count];
    if (!(h->name = strdup(name)) || !(h->value = strdup(value))) {
        free(h->name);
        h->name = NULL;
        return;
    }
    p->header_count++;
}

void http_reply_text(Request *r, int status, char *text, size_t len, const char *content_type)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    queue(r, status, resp);
}

HttpShared *http_shared_new(int status, char *text, size_t len, const char *content_type)
{
    HttpShared *a = calloc(1, sizeof *a);
    struct MHD_Response *resp = a ? MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) {
        free(text);
        free(a);
        return NULL;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    a->response = resp;
    a->status = status;
    atomic_init(&a->refs, 1);
    return a;
}

void http_shared_add_header(HttpShared *a, const char *name, const char *value)
{
    MHD_add_response_header(a->response, name, value);
}

HttpShared *http_shared_ref(HttpShared *a)
{
    atomic_fetch_add(&a->refs, 1);
    return a;
}

/* libmicrohttpd counts the connections a response is queued to; this
 * counts the holders that may still queue it. */
void http_shared_release(HttpShared *a)
{
    if (!a || atomic_fetch_sub(&a->refs, 1) != 1) return;
    MHD_destroy_response(a->response);
    free(a);
}

void http_reply_shared(Request *r, HttpShared *a)
{
    struct RequestPrivate *p = r->priv;
    if (p->answered) return;
    p->shared = http_shared_ref(a);
    p->answered = true;
    p->status = a->status;
}

void http_reply_json(Request *r, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        log_error("countyd: out of memory while answering %s", r->path);
        return;
    }
    http_reply_text(r, status, text, strlen(text), "application/json; charset=utf-8");
}

void http_reply_error(Request *r, int status, const char *code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (status == 503) log_warn("%s %s: %s", r->method, r->path, msg);
    else if (status >= 500) log_error("%s %s: %s", r->method, r->path, msg);
    else log_info("%s %s: %d %s: %s", r->method, r->path, status, code, msg);
    http_reply_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

void http_reply_internal(Request *r, const Err *err)
{
    log_error("%s %s: %s", r->method, r->path, err->msg);
    http_reply_json(r, 500,
                    json_pack("{s:{s:s,s:s}}", "error", "code", "internal", "message",
                              "the server failed; the details are in its log"));
}

void http_reply_empty(Request *r, int status)
{
    queue(r, status, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
}

void http_reply_file(Request *r, int fd, int64_t size, const char *content_type)
{
    struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)size, fd);
    if (!resp) {
        close(fd);
        Err err;
        err_set(&err, "cannot create a file response");
        http_reply_internal(r, &err);
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    queue(r, 200, resp);
}

/* ---- request data --------------------------------------------------------- */

const char *http_header(Request *r, const char *name)
{
    return MHD_lookup_connection_value(r->priv->conn, MHD_HEADER_KIND, name);
}

const char *http_query(Request *r, const char *name)
{
    return MHD_lookup_connection_value(r->priv->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_client_address(Request *r, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->priv->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "?");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf, (socklen_t)size);
    return buf;
}

const char *http_cookie(Request *r, const char *name)
{
    return MHD_lookup_connection_value(r->priv->conn, MHD_COOKIE_KIND, name);
}

int http_is_tls(Request *r) { return r->priv->server->conf.tls_cert_pem != NULL; }

/* Each worker keeps its database connection from request to request:
 * opening one reads the schema again, which costs more than most requests. */
static __thread Cdb *worker_db;

Cdb *http_db(Request *r)
{
    struct RequestPrivate *p = r->priv;
    if (p->db) return p->db;
    Err err;
    if (!worker_db && cdb_open(p->server->conf.db_path, &worker_db, &err)) {
        log_error("countyd: %s", err.msg);
        http_reply_error(r, 503, "unavailable", "the database is not available; try again later");
        return NULL;
    }
    return p->db = worker_db;
}

/* Leaves the connection as the next request expects it: no transaction. */
void http_db_release(Request *r)
{
    if (r->priv->db) cdb_rollback(r->priv->db);
    r->priv->db = NULL;
}

json_t *http_body_json(Request *r)
{
    json_error_t je;
    json_t *doc = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        http_reply_error(r, 400, "bad_json", "line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        http_reply_error(r, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return doc;
}

/* ---- workers ------------------------------------------------------------------ */

/* A handler that holds its request marks it here (http_hold), so that its
 * worker, once the handler returns, leaves the request alone without
 * looking at it: by then another thread may have answered it. */
static __thread Request *held_by_handler;

/* With s->lock held. */
static void enqueue_locked(HttpServer *s, Job *j, HttpContinue fn, void *arg)
{
    j->job_fn = fn;
    j->job_arg = arg;
    j->next_job = NULL;
    bool admin = j->route && (j->route->auth == AUTH_ADMIN || j->route->auth == AUTH_SESSION);
    JobQueue *q = admin ? &s->admin_jobs : &s->other_jobs;
    if (q->tail) q->tail->next_job = j;
    else q->head = j;
    q->tail = j;
    s->queued++;
    pthread_cond_signal(&s->work);
}

/* Whether a kiosk's (or anyone's but an admin's) request may be taken:
 * when thousands of held long-polls wake at once, the event loop sends
 * their answers in rounds of HTTP_MAX_SENDING, so that a new request (an
 * admin's) waits for one round, not for all of them. */
static bool may_take_other(HttpServer *s)
{
    return s->other_jobs.head && (s->sending < HTTP_MAX_SENDING || s->stopping);
}

static Job *dequeue(HttpServer *s)
{
    pthread_mutex_lock(&s->lock);
    while (!s->admin_jobs.head && !may_take_other(s) && !(s->stopping && !s->other_jobs.head))
        pthread_cond_wait(&s->work, &s->lock);
    JobQueue *q = s->admin_jobs.head ? &s->admin_jobs : &s->other_jobs;
    Job *j = q->head;
    if (j && !(q->head = j->next_job)) q->tail = NULL;
    if (j) s->queued--;
    pthread_mutex_unlock(&s->lock);
    return j;
}

/* The worker's part of a request is over: unless its handler holds it,
 * the answer (a 500 if the handler gave none) goes to the event loop. */
static void finish_job(Request *r)
{
    if (held_by_handler == r) {
        held_by_handler = NULL;
        return;
    }
    struct RequestPrivate *p = r->priv;
    http_db_release(r);
    if (!p->answered) {
        Err err;
        err_set(&err, "handler gave no answer");
        http_reply_internal(r, &err);
    }
    p->state = REQ_READY;
    HttpServer *s = p->server;
    pthread_mutex_lock(&s->lock);
    s->sending++;
    p->counted_sending = true;
    pthread_mutex_unlock(&s->lock);
    MHD_resume_connection(p->conn);
}

/* An answer has left (or its connection ended): room for another. */
static void sent(HttpServer *s)
{
    pthread_mutex_lock(&s->lock);
    s->sending--;
    /* One more answer may be made: one worker is enough (waking all of
     * them for every answer sent costs more than the answers). */
    if (s->other_jobs.head) pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
    HttpServer *s = arg;
    Job *j;
    while ((j = dequeue(s))) {
        j->job_fn(j->request, j->job_arg);
        finish_job(j->request);
    }
    cdb_close(worker_db);
    worker_db = NULL;
    return NULL;
}

/* With s->watch_lock held: the request's socket is no longer watched. */
static void unwatch_locked(HttpServer *s, Job *j)
{
    int fd = j->watched_fd;
    if (fd < 0) return;
    j->watched_fd = -1;
    if (s->watch[fd].job != j) return;
    s->watch[fd].job = NULL;
    epoll_ctl(s->watch_fd, EPOLL_CTL_DEL, fd, NULL);
}

/* A suspended connection is out of libmicrohttpd's event loop, so that a
 * client hanging up would be noticed only when the wait is over: the
 * watcher thread keeps its socket in an epoll set of its own meanwhile. */
static void watch_locked(HttpServer *s, Job *j)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(j->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    int fd = ci ? ci->connect_fd : -1;
    if (fd < 0 || (size_t)fd >= s->watch_cap || s->watch_fd < 0) return;
    uint32_t generation = ++s->watch_generation;
    struct epoll_event ev = {.events = EPOLLRDHUP, .data.u64 = (uint64_t)generation << 32 | (uint32_t)fd};
    if (epoll_ctl(s->watch_fd, EPOLL_CTL_ADD, fd, &ev) != 0) return;
    s->watch[fd] = (Watch){.job = j, .generation = generation};
    j->watched_fd = fd;
}

void http_hold(Request *r, HttpGone gone, HttpContinue release, void *arg)
{
    http_db_release(r);
    held_by_handler = r;
    Job *j = r->priv;
    HttpServer *s = j->server;
    pthread_mutex_lock(&s->watch_lock);
    j->gone_fn = gone;
    j->release_fn = release;
    j->gone_arg = arg;
    watch_locked(s, j);
    pthread_mutex_unlock(&s->watch_lock);
}

void http_hold_cancel(Request *r)
{
    if (held_by_handler == r) held_by_handler = NULL;
    HttpServer *s = r->priv->server;
    pthread_mutex_lock(&s->watch_lock);
    unwatch_locked(s, r->priv);
    pthread_mutex_unlock(&s->watch_lock);
}

void http_continue(Request *r, HttpContinue fn, void *arg)
{
    HttpServer *s = r->priv->server;
    /* No longer watched before it is queued: the watcher cannot end it too. */
    pthread_mutex_lock(&s->watch_lock);
    unwatch_locked(s, r->priv);
    pthread_mutex_unlock(&s->watch_lock);
    pthread_mutex_lock(&s->lock);
    enqueue_locked(s, r->priv, fn, arg);
    pthread_mutex_unlock(&s->lock);
}

/* A watched socket whose client hung up (or reset it).  Returns false
 * when it is still watched and reported again in a moment: the holder was
 * not ready to say, or the wait's end is on its way (and takes it off). */
static bool on_hangup(HttpServer *s, uint64_t data)
{
    int fd = (int)(uint32_t)data;
    uint32_t generation = (uint32_t)(data >> 32);
    pthread_mutex_lock(&s->watch_lock);
    Watch *w = (size_t)fd < s->watch_cap ? &s->watch[fd] : NULL;
    bool settled = true;
    if (w && w->job && w->generation == generation) {
        Job *j = w->job;
        settled = j->gone_fn(j->gone_arg) == 1;
        if (settled) {
            unwatch_locked(s, j);
            pthread_mutex_lock(&s->lock);
            enqueue_locked(s, j, j->release_fn, j->gone_arg);
            pthread_mutex_unlock(&s->lock);
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
    return settled;
}

/* ---- header deadlines ------------------------------------------------------ */

static void head_due_unlink_locked(HttpServer *s, Conn *c)
{
    if (!c->listed) return;
    if (c->prev) c->prev->next = c->next;
    else s->head_due = c->next;
    if (c->next) c->next->prev = c->prev;
    else s->head_due_tail = c->prev;
    c->prev = c->next = NULL;
    c->listed = false;
}

/* The connection owes a request head within the header timeout from now. */
static void head_due(HttpServer *s, Conn *c)
{
    pthread_mutex_lock(&s->conn_lock);
    head_due_unlink_locked(s, c);
    c->deadline_ms = monoclock_ms() + 1000.0 * s->conf.header_timeout_s;
    c->prev = s->head_due_tail;
    if (c->prev) c->prev->next = c;
    else s->head_due = c;
    s->head_due_tail = c;
    c->listed = true;
    pthread_mutex_unlock(&s->conn_lock);
}

static void head_arrived(HttpServer *s, Conn *c)
{
    if (!c) return;
    pthread_mutex_lock(&s->conn_lock);
    head_due_unlink_locked(s, c);
    pthread_mutex_unlock(&s->conn_lock);
}

static Conn *conn_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* libmicrohttpd's inactivity timeout never ends a client that trickles a
 * byte every few seconds, and it has no deadline for a request head of its
 * own (0.9.75): the watcher shuts such a connection's socket down, and
 * libmicrohttpd, seeing it closed, ends the connection in its own thread.
 * The socket cannot be another connection's by then: libmicrohttpd tells
 * of a close (which takes the connection off the list, under conn_lock)
 * before it closes the socket. */
static void close_overdue_heads(HttpServer *s)
{
    double now = monoclock_ms();
    pthread_mutex_lock(&s->conn_lock);
    while (s->head_due && s->head_due->deadline_ms <= now) {
        Conn *c = s->head_due;
        shutdown(c->fd, SHUT_RDWR);
        head_due_unlink_locked(s, c);
        s->heads_overdue++;
    }
    long closed = s->heads_overdue;
    /* A flood of them is told once a minute, not once a connection. */
    bool tell = closed && (!s->overdue_logged || now - s->overdue_logged_ms >= 60000.0);
    if (tell) {
        s->heads_overdue = 0;
        s->overdue_logged = true;
        s->overdue_logged_ms = now;
    }
    pthread_mutex_unlock(&s->conn_lock);
    if (tell)
        log_warn("http: closed %ld connection(s) that had not sent a complete request head within %d s", closed,
                 s->conf.header_timeout_s);
}

static void *watcher_main(void *arg)
{
    HttpServer *s = arg;
    struct epoll_event evs[64];
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool stop = s->watcher_stop;
        pthread_mutex_unlock(&s->lock);
        if (stop) break;
        /* Deadlines are checked a few times a second: a head is due whole seconds after the connection opened. */
        int n = epoll_wait(s->watch_fd, evs, 64, 250);
        bool again = false;
        for (int i = 0; i < n; i++)
            if (!on_hangup(s, evs[i].data.u64)) again = true;
        close_overdue_heads(s);
        /* A hold still being set up, or whose end is on its way, is looked at again in a moment. */
        if (again) {
            struct timespec pause = {0, 1000000L};
            nanosleep(&pause, NULL);
        }
    }
    return NULL;
}

long http_queued(HttpServer *s)
{
    pthread_mutex_lock(&s->lock);
    long n = s->queued;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* ---- the daemon ------------------------------------------------------------ */

static void dispatch(Request *r, void *arg)
{
    (void)arg;
    struct RequestPrivate *p = r->priv;
    HttpServer *s = p->server;
    if (!p->route) {
        if (p->method_mismatch) http_reply_error(r, 405, "method_not_allowed", "%s is not allowed here", r->method);
        else http_reply_error(r, 404, "not_found", "no such resource");
        return;
    }
    if (p->bad_path) {
        http_reply_error(r, 400, "bad_request", "the path holds an id that is not valid UTF-8, or a control character");
        return;
    }
    if (p->too_large) {
        http_reply_error(r, 413, "too_large", "the body is larger than %zu bytes", p->limit);
        return;
    }
    if (p->route->auth != AUTH_NONE && s->conf.authorize(r, p->route->auth)) return;
    r->body = p->body;
    r->body_len = p->len;
    p->route->fn(r);
}

static bool append_body(struct RequestPrivate *p, const char *data, size_t n)
{
    if (p->too_large || n > p->limit - p->len) {
        p->too_large = true;
        return false;
    }
    if (bytes_append(&p->body, &p->len, &p->cap, data, n) != 0) {
        p->too_large = true;
        return false;
    }
    return true;
}

static Request *request_new(HttpServer *s, struct MHD_Connection *conn, const char *url, const char *method)
{
    Request *r = calloc(1, sizeof *r);
    struct RequestPrivate *p = calloc(1, sizeof *p + strlen(url) + 1);
    if (!r || !p) {
        free(r);
        free(p);
        return NULL;
    }
    r->priv = p;
    r->method = method;
    r->path = url;
    r->app = s->conf.app;
    p->request = r;
    p->server = s;
    p->conn = conn;
    p->started_ms = monoclock_ms();
    p->watched_fd = -1;
    p->route = find_route(s, r, method, &p->method_mismatch);
    p->limit = p->route ? p->route->max_body : 0;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > p->limit) p->too_large = true;
    return r;
}

/* Runs in the event loop's thread, which must never wait: a complete
 * request goes to a worker with its connection suspended, and comes back
 * here, resumed, with its answer. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **state)
{
    (void)version;
    HttpServer *s = cls;
    Request *r = *state;
    if (!r) {
        head_arrived(s, conn_of(conn));
        r = request_new(s, conn, url, method);
        if (!r) return MHD_NO;
        *state = r;
        return MHD_YES;
    }
    struct RequestPrivate *p = r->priv;
    if (p->state == REQ_READY && p->shared) {
        p->state = REQ_SENT;
        enum MHD_Result ok = MHD_queue_response(conn, (unsigned)p->status, p->shared->response);
        http_shared_release(p->shared);
        p->shared = NULL;
        return ok;
    }
    if (p->state == REQ_READY) {
        p->state = REQ_SENT;
        enum MHD_Result ok = p->response ? MHD_queue_response(conn, (unsigned)p->status, p->response) : MHD_NO;
        if (p->response) MHD_destroy_response(p->response);
        p->response = NULL;
        return ok;
    }
    if (p->state != REQ_READING) return MHD_YES;
    if (*upload_size && monoclock_ms() - p->started_ms > 3000.0 * s->conf.client_timeout_s + p->len / 16.384) {
        /* A body trickling in (a few bytes now and then, so never silent for
         * the connection timeout) holds a connection: dropped.  An honest
         * slow upload gets a second for every 16 KiB it brought. */
        log_warn("http: %s %s: the body took longer than %d s; connection dropped", method, url,
                 3 * s->conf.client_timeout_s);
        return MHD_NO;
    }
    if (*upload_size) {
        /* An oversized body is read and dropped, then answered 413 once. */
        append_body(r->priv, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->lock);
    bool stopping = s->stopping;
    if (!stopping) {
        /* Suspended before a worker can see it, so that its resume always
         * follows the suspend. */
        p->state = REQ_ON_WORKER;
        MHD_suspend_connection(conn);
        enqueue_locked(s, p, dispatch, NULL);
    }
    pthread_mutex_unlock(&s->lock);
    if (!stopping) return MHD_YES;
    /* The workers are gone: answered here, without the database. */
    http_reply_error(r, 503, "unavailable", "the server is stopping");
    p->state = REQ_READY;
    return on_request(cls, conn, url, method, version, upload_data, upload_size, state);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
    HttpServer *s = cls;
    Request *r = *state;
    /* A kept-alive connection owes its next request head from now (one
     * that is closing is taken off the list again at once). */
    Conn *c = conn_of(conn);
    if (c) head_due(s, c);
    if (!r) return;
    struct RequestPrivate *p = r->priv;
    long ms = (long)(monoclock_ms() - p->started_ms);
    log_debug("%s %s %s -> %d (%ld ms)%s", r->actor[0] ? r->actor : "-", r->method, r->path, p->status, ms,
              why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
    if (p->counted_sending) sent(p->server);
    if (p->response) MHD_destroy_response(p->response);
    http_shared_release(p->shared);
    for (int i = 0; i < p->header_count; i++) {
        free(p->headers[i].name);
        free(p->headers[i].value);
    }
    free(p->headers);
    free(p->body);
    free(p);
    free(r);
    *state = NULL;
}

/* A kiosk whose power is cut sends no FIN: without keepalive its held
 * long-poll (a suspended connection, out of libmicrohttpd's timeouts)
 * would keep its slot until its wait ends.  With it, the kernel probes a
 * silent peer and, when no probe is answered, fails the socket, which the
 * watcher sees as a hang-up (EPOLLERR/EPOLLHUP) and releases at once.
 * Set on each accepted socket rather than on the listening one: Linux does
 * copy a listener's SO_KEEPALIVE and TCP_KEEP* to the sockets accept()
 * returns (sk_clone_lock copies the whole socket, and the keepalive timer
 * is armed for the child), but POSIX does not promise it and the listening
 * socket is libmicrohttpd's, made inside MHD_start_daemon. */
static void set_keepalive(const HttpServer *s, int fd)
{
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &s->conf.keepalive_idle_s, sizeof(int)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &s->conf.keepalive_interval_s, sizeof(int)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &s->conf.keepalive_probes, sizeof(int)) != 0)
        log_warn("http: cannot set TCP keepalive on a connection: %s", strerror(errno));
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    HttpServer *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci) set_keepalive(s, ci->connect_fd);
        Conn *c = ci ? calloc(1, sizeof *c) : NULL;
        /* Without its record a connection has only the inactivity timeout. */
        if (!c) return;
        c->fd = ci->connect_fd;
        *socket_context = c;
        head_due(s, c);
        return;
    }
    Conn *c = *socket_context;
    if (!c) return;
    pthread_mutex_lock(&s->conn_lock);
    head_due_unlink_locked(s, c);
    pthread_mutex_unlock(&s->conn_lock);
    free(c);
    *socket_context = NULL;
}

/* libmicrohttpd tells of each connection it refuses over max-connections
 * or max-per-address (it closes them unanswered): in a flood from one
 * address that would be a line a connection, so the first is logged at
 * once and the rest once a minute, counted. */
static void log_refused(HttpServer *s)
{
    double now = monoclock_ms();
    pthread_mutex_lock(&s->conn_lock);
    long n = ++s->refused;
    bool tell = !s->refused_logged || now - s->refused_logged_ms >= 60000.0;
    if (tell) {
        s->refused = 0;
        s->refused_logged = true;
        s->refused_logged_ms = now;
    }
    pthread_mutex_unlock(&s->conn_lock);
    if (tell)
        log_warn("http: connection limit reached: %ld connection(s) closed unanswered (max-connections %d, "
                 "max-per-address %d)",
                 n, s->conf.max_connections, s->conf.max_per_address);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    HttpServer *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (strstr(msg, "reached connection limit")) return log_refused(s);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    log_warn("http: %s", msg);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* libmicrohttpd's own unescaping turns %00 into a NUL that cuts the path
 * short (PUT /v1/admin/items/a%00b would act on item a).  This one decodes
 * every other %XX and leaves %00 as it is, which no id may contain. */
static size_t unescape_path(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
    char *in = s, *out = s;
    while (*in) {
        int hi = in[0] == '%' ? hex_digit(in[1]) : -1, lo = hi >= 0 ? hex_digit(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, Err *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return err_set(err, "listen address \"%s\" is not ADDRESS:PORT, e.g. 127.0.0.1:8750", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == '\0')
        return err_set(err, "listen address \"%s\": the port must be 0..65535", listen);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
        return err_set(err, "listen address \"%s\": \"%s\" is not an IPv4 address", listen, host);
    return 0;
}

static void stop_workers(HttpServer *s)
{
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < s->n_workers; i++) pthread_join(s->workers[i], NULL);
    s->n_workers = 0;
}

static int start_workers(HttpServer *s, int n, Err *err)
{
    if (!(s->workers = calloc((size_t)n, sizeof *s->workers))) return err_set(err, "out of memory");
    for (; s->n_workers < n; s->n_workers++) {
        int rc = pthread_create(&s->workers[s->n_workers], NULL, worker_main, s);
        if (rc) {
            stop_workers(s);
            return err_set(err, "cannot start a worker thread: %s", strerror(rc));
        }
    }
    return 0;
}

static void stop_watcher(HttpServer *s)
{
    if (!s->watcher_running) return;
    pthread_mutex_lock(&s->lock);
    s->watcher_stop = true;
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->watcher, NULL);
    s->watcher_running = false;
}

/* The table of watched sockets has a row for every socket number the
 * process may open. */
static int start_watcher(HttpServer *s, Err *err)
{
    struct rlimit lim;
    rlim_t files = getrlimit(RLIMIT_NOFILE, &lim) == 0 ? lim.rlim_cur : 1024;
    s->watch_cap = files > (1u << 20) ? (1u << 20) : (size_t)files;
    if (!(s->watch = calloc(s->watch_cap, sizeof *s->watch))) return err_set(err, "out of memory");
    if ((s->watch_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return err_set(err, "cannot create an epoll set: %s", strerror(errno));
    int rc = pthread_create(&s->watcher, NULL, watcher_main, s);
    if (rc) return err_set(err, "cannot start the connection watcher: %s", strerror(rc));
    s->watcher_running = true;
    return 0;
}

static void server_free(HttpServer *s)
{
    if (s->watch_fd >= 0) close(s->watch_fd);
    free(s->watch);
    pthread_mutex_destroy(&s->conn_lock);
    pthread_mutex_destroy(&s->watch_lock);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->work);
    free(s->workers);
    free(s);
}

int http_start(const HttpConf *conf, HttpServer **out, Err *err)
{
    struct sockaddr_in sa;
    if (parse_listen(conf->listen, &sa, err)) return -1;
    HttpServer *s = calloc(1, sizeof *s);
    if (!s) return err_set(err, "out of memory");
    s->conf = *conf;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->conn_lock, NULL);
    pthread_mutex_init(&s->watch_lock, NULL);
    pthread_cond_init(&s->work, NULL);
    s->watch_fd = -1;
    if (s->conf.header_timeout_s <= 0) s->conf.header_timeout_s = HTTP_DEFAULT_HEADER_TIMEOUT_S;
    if (s->conf.keepalive_idle_s <= 0) s->conf.keepalive_idle_s = HTTP_DEFAULT_KEEPALIVE_IDLE_S;
    if (s->conf.keepalive_interval_s <= 0) s->conf.keepalive_interval_s = HTTP_DEFAULT_KEEPALIVE_INTERVAL_S;
    if (s->conf.keepalive_probes <= 0) s->conf.keepalive_probes = HTTP_DEFAULT_KEEPALIVE_PROBES;
    /* A couple of event loops (epoll) hold every connection, and do the
     * sending, which is the bulk of the work when thousands of kiosks are
     * answered at once; requests run on a few workers, because SQLite calls
     * block.  A held long-poll is a suspended connection: no thread. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    bool tls = conf->tls_cert_pem && conf->tls_key_pem;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        server_free(s);
        return err_set(err, "this libmicrohttpd was built without HTTPS support; remove tls_cert/tls_key");
    }
    if (tls) flags |= MHD_USE_TLS;
    if (start_watcher(s, err) || start_workers(s, conf->workers > 0 ? conf->workers : HTTP_DEFAULT_WORKERS, err)) {
        stop_watcher(s);
        server_free(s);
        return -1;
    }
    /* The TLS options come last: without TLS the list ends before them. */
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(conf->max_connections > 0 ? conf->max_connections : 1000), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(conf->max_per_address > 0 ? conf->max_per_address : 64), MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(conf->client_timeout_s > 0 ? conf->client_timeout_s : 10), MHD_OPTION_UNESCAPE_CALLBACK,
        unescape_path, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_EVENT_THREADS,
        tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, conf->tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY,
        conf->tls_key_pem, MHD_OPTION_END);
    if (!s->daemon) {
        stop_watcher(s);
        stop_workers(s);
        server_free(s);
        return err_set(err, "cannot listen on %s (in use, or not an address of this machine?)", conf->listen);
    }
    *out = s;
    return 0;
}

int http_port(HttpServer *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

void http_quiesce(HttpServer *s)
{
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
}

void http_stop(HttpServer *s)
{
    if (!s) return;
    /* The workers finish what is queued (resuming each connection) before
     * the daemon stops, which must find no connection suspended; the
     * watcher, which hands released holds to them, stops first. */
    stop_watcher(s);
    stop_workers(s);
    MHD_stop_daemon(s->daemon);
    server_free(s);
}
