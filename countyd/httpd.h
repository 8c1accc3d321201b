/* httpd.h — countyd's HTTP layer on libmicrohttpd.
 *
 * Owns the daemon, request bodies (with per-route size limits), routing
 * by method and path pattern, authentication hooks and every way to answer:
 * JSON, the protocol's JSON errors, files, empty 304s.  Handlers never
 * touch libmicrohttpd themselves.
 *
 * One event loop (libmicrohttpd's epoll mode) holds every connection and
 * never waits: each complete request is handed, its connection suspended
 * (MHD_suspend_connection), to one of a few worker threads, which run the
 * handler (SQLite calls block) with the worker's own database connection
 * and resume the connection with the answer.  Admins' requests are taken
 * before kiosks' ones.  A handler can hold its request without a thread
 * (http_hold: a long-poll) and have it answered later on a worker
 * (http_continue), when what it waits for happens. */
#ifndef COUNTYD_HTTPD_H
#define COUNTYD_HTTPD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 12
#define HTTP_MAX_PATH 1024
#define HTTP_DEFAULT_WORKERS 4
#define HTTP_EVENT_THREADS 2
#define HTTP_MAX_SENDING 128
#define HTTP_DEFAULT_HEADER_TIMEOUT_S 10
/* TCP keepalive on every connection: a kiosk whose power is cut never
 * says goodbye, and its held long-poll would keep its slot until the wait
 * ends.  Probes after 60 s of silence, every 10 s, 3 unanswered: gone. */
#define HTTP_DEFAULT_KEEPALIVE_IDLE_S 60
#define HTTP_DEFAULT_KEEPALIVE_INTERVAL_S 10
#define HTTP_DEFAULT_KEEPALIVE_PROBES 3
/* libmicrohttpd's memory per connection: the request line and headers,
 * the chunk of body being read, the answer's headers.  It is what a held
 * long-poll costs above all (libmicrohttpd zeroes the whole of it for each
 * request of a kept-alive connection), so it is one page: request headers
 * of up to about 3 KB fit (a browser sends about 1 KB); a body streams
 * through it in chunks. */
#define HTTP_CONNECTION_MEMORY (4 * 1024)

/* AUTH_SESSION: a console session, even one that must first change its
 * password (checked by the console's own handlers). */
typedef enum { AUTH_NONE, AUTH_KIOSK, AUTH_ADMIN, AUTH_SESSION } AuthKind;

typedef struct Request Request;
typedef void (*Handler)(Request *r);
typedef void (*HttpContinue)(Request *r, void *arg);
/* A held request's client hung up: take the request back from whoever
 * would end its wait.  1: taken back (httpd then ends it with the hold's
 * release function), 0: an ending is on its way already, -1: not ready to
 * say yet (asked again in a moment).  Runs on httpd's watcher thread with
 * httpd's lock held: it may take other locks, never call httpd. */
typedef int (*HttpGone)(void *arg);

typedef struct Route {
    const char *method; /* "GET" also answers HEAD */
    const char *pattern; /* "/v1/admin/kiosks/ID/settings" with a star for ID: one path segment */
    AuthKind auth;
    size_t max_body; /* bytes; 0 = no body allowed */
    Handler fn;
} Route;

/* Checks the credentials for a route; answers 401 itself and returns -1
 * when they are missing or wrong, fills r->actor on success. */
typedef int (*Authorizer)(Request *r, AuthKind kind);

typedef struct HttpConf {
    const char *listen; /* "127.0.0.1:8750" */
    const Route *routes;
    size_t route_count;
    Authorizer authorize;
    const char *db_path; /* each request opens its own connection */
    void *app; /* handed to handlers as r->app */
    int max_connections;
    int workers; /* threads running handlers (HTTP_DEFAULT_WORKERS when 0) */
    int max_per_address; /* connections from one IP address; a flood from one place leaves room for kiosks */
    int client_timeout_s; /* a silent client is dropped after this; a request body must arrive within 3x this */
    int header_timeout_s; /* a connection's request head must be complete this long after it opened (or after
                           * its previous answer); HTTP_DEFAULT_HEADER_TIMEOUT_S when 0 */
    /* TCP keepalive: the first probe after this much silence, then one every
     * interval; a peer that answers none of `probes` is taken for gone (its
     * held long-poll released).  The HTTP_DEFAULT_KEEPALIVE_* values when 0. */
    int keepalive_idle_s, keepalive_interval_s, keepalive_probes;
    /* PEM text of a certificate (chain) and its key: HTTPS (GnuTLS inside
     * libmicrohttpd) when both are set, plain HTTP when both are NULL. */
    const char *tls_cert_pem, *tls_key_pem;
} HttpConf;

struct Request {
    const char *method, *path;
    const char *body; /* NUL-terminated, body_len bytes */
    size_t body_len;
    const char *params[HTTP_MAX_PARAMS];
    char actor[128]; /* the admin's name or the kiosk's id */
    void *app;
    struct RequestPrivate *priv;
};

typedef struct HttpServer HttpServer;

int http_start(const HttpConf *conf, HttpServer **out, Err *err);
/* The port actually bound (useful with port 0). */
int http_port(HttpServer *s);
/* Requests waiting for a worker now. */
long http_queued(HttpServer *s);
/* Stops accepting new connections; running requests go on. */
void http_quiesce(HttpServer *s);
void http_stop(HttpServer *s);

/* ---- for handlers ------------------------------------------------------ */

const char *http_header(Request *r, const char *name);
const char *http_query(Request *r, const char *name);
const char *http_client_address(Request *r, char *buf, size_t size);
/* A cookie the request carries, or NULL. */
const char *http_cookie(Request *r, const char *name);
/* 1 when the connection is HTTPS. */
int http_is_tls(Request *r);
/* The request's database connection, opened on first use; NULL after
 * answering 503 when the database cannot be opened. */
Cdb *http_db(Request *r);
void http_db_release(Request *r);

/* Holding a request: the handler calls http_hold(r, ...) before it hands r
 * to whoever will end the wait (which then calls http_continue), and from
 * then on returns without touching r; if the hand-off fails it calls
 * http_hold_cancel(r) and answers as usual.  http_continue runs fn(r, arg)
 * on a worker; fn answers.  http_hold gives the database connection back.
 * While held, the request's socket is watched: when its client hangs up,
 * gone(arg) is asked to take the request back, and if it does,
 * release(r, arg) runs on a worker instead of the wait's end. */
void http_hold(Request *r, HttpGone gone, HttpContinue release, void *arg);
void http_hold_cancel(Request *r);
void http_continue(Request *r, HttpContinue fn, void *arg);

/* Parses the body as one JSON object; on failure answers 400 bad_json and
 * returns NULL. */
json_t *http_body_json(Request *r);

void http_add_header(Request *r, const char *name, const char *value);
/* Steals `body`. */
void http_reply_json(Request *r, int status, json_t *body);
/* Sends malloc'd text (the reply frees it). */
void http_reply_text(Request *r, int status, char *text, size_t len, const char *content_type);
void http_reply_error(Request *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An answer made once and sent as it is to many requests: the feed
 * document that thousands of woken kiosks all get, queued to each of
 * their connections without a copy.  It carries all its headers (the
 * request's own, from http_add_header, are not sent with it).  Made with
 * one reference; http_reply_shared takes one of its own. */
typedef struct HttpShared HttpShared;
/* Steals `text` (malloc'd; freed on failure too); NULL when out of memory. */
HttpShared *http_shared_new(int status, char *text, size_t len, const char *content_type);
void http_shared_add_header(HttpShared *a, const char *name, const char *value);
HttpShared *http_shared_ref(HttpShared *a);
void http_shared_release(HttpShared *a);
void http_reply_shared(Request *r, HttpShared *a);
/* Logs the error and answers 500 internal. */
void http_reply_internal(Request *r, const Err *err);
void http_reply_empty(Request *r, int status);
/* Sends an open file (the reply owns and closes fd). */
void http_reply_file(Request *r, int fd, int64_t size, const char *content_type);

#endif
