/* test_sync.c — the kiosk's sync against a real HTTP server on 127.0.0.1.
 *
 * The server here is a small libmicrohttpd server run by the test itself,
 * on a free port, that speaks docs/PROTOCOL.md and can be told to
 * misbehave: answer HTML or binary garbage, 500s, hang, send a corrupt or
 * truncated attachment, or drop the connection after it stored a feedback
 * batch.  The kiosk side is the real sync code (sync_run_once and the
 * thread) with a real SQLite store and blob cache.  The end-to-end tests
 * against bin/countyd are in test_sync_countyd.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>

#include "backoff.h"
#include "blobs.h"
#include "config.h"
#include "kiosk_util.h"
#include "number.h"
#include "store.h"
#include "sync.h"

#define TOKEN "t0ken-for-tests"
#define KIOSK "qinghe-01"

typedef enum {
    SERVE_NORMAL,
    SERVE_HTML,
    SERVE_BINARY,
    SERVE_500,
    SERVE_NASTY_500,
    SERVE_HANG,
    SERVE_DRIP, /* 200 and a body of 20 bytes a second that never ends */
    SERVE_BUSY, /* 503 with Retry-After */
} Behaviour;

typedef struct Blob {
    char sha[65];
    unsigned char data[4096];
    size_t len;
    int corrupt_left, truncate_left;
} Blob;

typedef struct Server {
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t lock;
    char *feed; /* the snapshot served for since != revision */
    int64_t revision;
    char *delta; /* served instead when since > 0, if set */
    Blob blobs[4];
    int blob_count;
    Behaviour behaviour;
    atomic_bool release; /* ends hanging requests */
    bool drop_feedback; /* store the batch, then close without answer */
    char stored[64][40]; /* feedback ids stored, once each */
    int stored_count, feedback_posts, ids_received;
    int heartbeats, content_requests;
    int64_t last_since;
    const char *heartbeat_extra; /* JSON members added to the heartbeat answer */
    const char *endless; /* a path prefix answered with a fast body without end */
    bool endless_declared; /* ... that declares 1 GiB in Content-Length */
    atomic_bool hold_blobs; /* blob requests wait while raised */
    atomic_int blobs_held; /* ... and how many are waiting now */
    atomic_int long_polls_held; /* content requests held in the long-poll now */
    atomic_int hanging; /* requests SERVE_HANG holds now */
    int retry_after; /* SERVE_BUSY's Retry-After in seconds */
    const char *database; /* X-Database-Id on content answers, if set */
    bool always_snapshot; /* no 304: the snapshot even when since is the revision */
    int busy_answers;
    char last_auth[300], last_kiosk[100];
} Server;

static Server srv;

static bool blob_request_held(void) { return atomic_load(&srv.blobs_held) > 0; }
static bool long_poll_held(void) { return atomic_load(&srv.long_polls_held) > 0; }
static bool request_hanging(void) { return atomic_load(&srv.hanging) > 0; }

/* Waits for a state, polling it, at most `seconds` (a bound for a broken
 * build, far above what a working one takes): tests wait for states,
 * never for time. */
static bool wait_until(bool (*cond)(void), double seconds)
{
    double end = test_now_s() + seconds;
    while (test_now_s() < end) {
        if (cond()) return true;
        usleep(50000);
    }
    return cond();
}

/* ---- the test server ------------------------------------------------------ */

typedef struct Upload {
    char *data;
    size_t len;
} Upload;

static enum MHD_Result answer(struct MHD_Connection *c, int status, const char *type, const void *body, size_t len,
                              const char *etag)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (type) MHD_add_response_header(r, "Content-Type", type);
    if (etag) MHD_add_response_header(r, "ETag", etag);
    if (etag && srv.database) MHD_add_response_header(r, "X-Database-Id", srv.database);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, int status, const char *json)
{
    return answer(c, status, "application/json", json, strlen(json), NULL);
}

/* A 500 whose error message is long, multi-line Chinese (for the
 * heartbeat) or whose type header is not even UTF-8 (for the rest). */
static enum MHD_Result nasty_500(struct MHD_Connection *c, const char *url)
{
    if (strcmp(url, "/v1/heartbeat") == 0) {
        char body[4096] = "{\"error\":{\"code\":\"internal\",\"message\":\"第一行\\n";
        for (int i = 0; i < 300; i++) test_append(body, sizeof body, "错");
        test_append(body, sizeof body, "\"}}");
        return answer(c, 500, "application/json", body, strlen(body), NULL);
    }
    return answer(c, 500, "text/\xff\xfe\x80html", "<html>", 6, NULL);
}

static ssize_t send_drip(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls, (void)pos, (void)max;
    if (atomic_load(&srv.release)) return MHD_CONTENT_READER_END_WITH_ERROR;
    usleep(50000);
    buf[0] = ' ';
    return 1;
}

static ssize_t send_endless(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls, (void)pos;
    if (atomic_load(&srv.release)) return MHD_CONTENT_READER_END_WITH_ERROR;
    memset(buf, '[', max);
    return (ssize_t)max;
}

static enum MHD_Result answer_stream(struct MHD_Connection *c, uint64_t size, MHD_ContentReaderCallback cb)
{
    struct MHD_Response *r = MHD_create_response_from_callback(size, 64 * 1024, cb, NULL, NULL);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result answer_busy(struct MHD_Connection *c, const char *url)
{
    static const char body[] = "{\"error\":{\"code\":\"unavailable\",\"message\":\"too busy\"}}";
    char after[16];
    pthread_mutex_lock(&srv.lock);
    if (strcmp(url, "/v1/heartbeat") == 0) srv.busy_answers++;
    snprintf(after, sizeof after, "%d", srv.retry_after);
    pthread_mutex_unlock(&srv.lock);
    struct MHD_Response *r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Retry-After", after);
    enum MHD_Result rc = MHD_queue_response(c, 503, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result misbehave(struct MHD_Connection *c, const char *url, Behaviour b)
{
    static const char html[] = "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>";
    static const unsigned char binary[] = {0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x0a, 0x01, 0x80, 0x22, 0x3a};
    switch (b) {
    case SERVE_HTML: return answer(c, 200, "text/html", html, sizeof html - 1, NULL);
    case SERVE_BINARY: return answer(c, 200, "application/json", binary, sizeof binary, NULL);
    case SERVE_500: return answer(c, 500, "text/html", html, sizeof html - 1, NULL);
    case SERVE_HANG:
        atomic_fetch_add(&srv.hanging, 1);
        while (!atomic_load(&srv.release)) usleep(20000);
        atomic_fetch_sub(&srv.hanging, 1);
        return MHD_NO;
    case SERVE_DRIP: return answer_stream(c, MHD_SIZE_UNKNOWN, send_drip);
    case SERVE_BUSY: return answer_busy(c, url);
    case SERVE_NORMAL:
    case SERVE_NASTY_500: break;
    }
    return MHD_NO;
}

static ssize_t send_half(void *cls, uint64_t pos, char *buf, size_t max)
{
    const Blob *b = cls;
    size_t half = b->len / 2;
    if (pos >= half) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = half - (size_t)pos < max ? half - (size_t)pos : max;
    memcpy(buf, b->data + pos, n);
    return (ssize_t)n;
}

static enum MHD_Result serve_blob(struct MHD_Connection *c, const char *sha)
{
    atomic_fetch_add(&srv.blobs_held, 1);
    while (atomic_load(&srv.hold_blobs) && !atomic_load(&srv.release)) usleep(20000);
    atomic_fetch_sub(&srv.blobs_held, 1);
    pthread_mutex_lock(&srv.lock);
    Blob *b = NULL;
    for (int i = 0; i < srv.blob_count; i++)
        if (strcmp(srv.blobs[i].sha, sha) == 0) b = &srv.blobs[i];
    if (!b) {
        pthread_mutex_unlock(&srv.lock);
        return answer_json(c, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such blob\"}}");
    }
    unsigned char copy[4096];
    size_t len = b->len;
    memcpy(copy, b->data, len);
    bool truncate = b->truncate_left > 0;
    if (truncate) b->truncate_left--;
    if (!truncate && b->corrupt_left > 0) {
        b->corrupt_left--;
        copy[len / 2] ^= 0x55;
    }
    pthread_mutex_unlock(&srv.lock);
    if (truncate) {
        struct MHD_Response *r = MHD_create_response_from_callback(len, 1024, send_half, b, NULL);
        MHD_add_response_header(r, "Content-Type", "image/png");
        enum MHD_Result rc = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return rc;
    }
    return answer(c, 200, "image/png", copy, len, NULL);
}

static enum MHD_Result serve_content(struct MHD_Connection *c)
{
    const char *since_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    const char *wait_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
    int64_t since = 0;
    int wait = 0;
    if ((since_s && number_parse(since_s, 0, INT64_MAX, &since)) ||
        (wait_s && number_parse_int(wait_s, 0, 3600, &wait)))
        return answer(c, 400, "text/plain", "bad query", 9, NULL);
    pthread_mutex_lock(&srv.lock);
    srv.content_requests++;
    srv.last_since = since;
    pthread_mutex_unlock(&srv.lock);
    /* The long-poll: hold while nothing is newer than since. */
    atomic_fetch_add(&srv.long_polls_held, 1);
    for (int waited = 0; waited < wait * 50 && !atomic_load(&srv.release); waited++) {
        pthread_mutex_lock(&srv.lock);
        bool newer = srv.revision != since;
        pthread_mutex_unlock(&srv.lock);
        if (newer) break;
        usleep(20000);
    }
    atomic_fetch_sub(&srv.long_polls_held, 1);
    pthread_mutex_lock(&srv.lock);
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)srv.revision);
    enum MHD_Result rc;
    if (srv.revision == since && !srv.always_snapshot) rc = answer(c, 304, NULL, "", 0, etag);
    else if (since > 0 && srv.delta) rc = answer(c, 200, "application/json", srv.delta, strlen(srv.delta), etag);
    else rc = answer(c, 200, "application/json", srv.feed, strlen(srv.feed), etag);
    pthread_mutex_unlock(&srv.lock);
    return rc;
}

/* Stores each new id once; with drop_feedback, closes the connection
 * after storing, as if the network broke on the way back. */
static enum MHD_Result serve_feedback(struct MHD_Connection *c, const Upload *up)
{
    json_t *root = json_loadb(up->data ? up->data : "", up->len, 0, NULL);
    json_t *list = json_object_get(root, "submissions");
    if (!json_is_array(list)) {
        json_decref(root);
        return answer_json(c, 400, "{\"error\":{\"code\":\"bad_json\",\"message\":\"no submissions\"}}");
    }
    json_t *acked = json_array();
    size_t i;
    json_t *v;
    /* Like a strict server: one submission it cannot take spoils the batch. */
    json_array_foreach (list, i, v) {
        const char *comment = json_string_value(json_object_get(v, "comment"));
        if (comment && strstr(comment, "BAD")) {
            json_decref(acked);
            json_decref(root);
            return answer_json(c, 400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"comment: refused\"}}");
        }
    }
    pthread_mutex_lock(&srv.lock);
    srv.feedback_posts++;
    json_array_foreach (list, i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (!id) continue;
        srv.ids_received++;
        bool known = false;
        for (int k = 0; k < srv.stored_count; k++) known = known || strcmp(srv.stored[k], id) == 0;
        if (!known && srv.stored_count < 64) snprintf(srv.stored[srv.stored_count++], 40, "%s", id);
        json_array_append_new(acked, json_string(id));
    }
    bool drop = srv.drop_feedback;
    pthread_mutex_unlock(&srv.lock);
    json_t *ans = json_pack("{s:o, s:[]}", "acknowledged", acked, "rejected");
    char *text = json_dumps(ans, JSON_COMPACT);
    enum MHD_Result rc = drop ? MHD_NO : answer_json(c, 200, text);
    free(text);
    json_decref(ans);
    json_decref(root);
    return rc;
}

static enum MHD_Result serve_heartbeat(struct MHD_Connection *c, const Upload *up)
{
    json_t *root = json_loadb(up->data ? up->data : "", up->len, 0, NULL);
    bool ok =
        json_is_string(json_object_get(root, "app_version")) && json_is_integer(json_object_get(root, "revision"));
    json_decref(root);
    if (!ok) return answer_json(c, 400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"fields\"}}");
    pthread_mutex_lock(&srv.lock);
    srv.heartbeats++;
    char body[1024];
    snprintf(body, sizeof body, "{\"revision\":%lld%s%s}", (long long)srv.revision, srv.heartbeat_extra ? "," : "",
             srv.heartbeat_extra ? srv.heartbeat_extra : "");
    srv.heartbeat_extra = NULL; /* commands are delivered once */
    pthread_mutex_unlock(&srv.lock);
    return answer_json(c, 200, body);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *data_size, void **con_cls)
{
    (void)cls, (void)version;
    Upload *up = *con_cls;
    if (!up) {
        *con_cls = calloc(1, sizeof(Upload));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*data_size > 0) {
        char *n = realloc(up->data, up->len + *data_size + 1);
        if (!n) return MHD_NO;
        memcpy(n + up->len, data, *data_size);
        up->data = n;
        up->len += *data_size;
        up->data[up->len] = '\0';
        *data_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&srv.lock);
    Behaviour b = srv.behaviour;
    bool endless = srv.endless && strncmp(url, srv.endless, strlen(srv.endless)) == 0;
    bool declared = srv.endless_declared;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *kiosk = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kiosk-Id");
    snprintf(srv.last_auth, sizeof srv.last_auth, "%s", auth ? auth : "");
    snprintf(srv.last_kiosk, sizeof srv.last_kiosk, "%s", kiosk ? kiosk : "");
    pthread_mutex_unlock(&srv.lock);
    if (b == SERVE_NASTY_500) return nasty_500(c, url);
    if (b != SERVE_NORMAL) return misbehave(c, url, b);
    if (endless) return answer_stream(c, declared ? (uint64_t)1 << 30 : MHD_SIZE_UNKNOWN, send_endless);
    if (strncmp(url, "/v1/blobs/", 10) == 0) return serve_blob(c, url + 10);
    if (!auth || strcmp(auth, "Bearer " TOKEN) != 0 || !kiosk || strcmp(kiosk, KIOSK) != 0)
        return answer_json(c, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"wrong token\"}}");
    if (strcmp(url, "/v1/content") == 0 && strcmp(method, "GET") == 0) return serve_content(c);
    if (strcmp(url, "/v1/feedback") == 0 && strcmp(method, "POST") == 0) return serve_feedback(c, up);
    if (strcmp(url, "/v1/heartbeat") == 0 && strcmp(method, "POST") == 0) return serve_heartbeat(c, up);
    return answer_json(c, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"unknown path\"}}");
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    Upload *up = *con_cls;
    if (up) free(up->data);
    free(up);
    *con_cls = NULL;
}

/* Starts the server on `port` (0 = any free port); with a key and a
 * certificate (PEM), it speaks HTTPS. */
static void server_start_with(int port, const char *key_pem, const char *cert_pem)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    atomic_store(&srv.release, false);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (key_pem)
        srv.daemon =
            MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
                             (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                             MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_HTTPS_MEM_CERT, cert_pem, MHD_OPTION_END);
    else
        srv.daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
                                      (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                                      MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    assert_non_null(srv.daemon);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv.port = info->port;
}

static void server_start(int port) { server_start_with(port, NULL, NULL); }

static void server_stop(void)
{
    if (!srv.daemon) return;
    atomic_store(&srv.release, true);
    MHD_stop_daemon(srv.daemon);
    srv.daemon = NULL;
}

static void set_behaviour(Behaviour b)
{
    pthread_mutex_lock(&srv.lock);
    srv.behaviour = b;
    pthread_mutex_unlock(&srv.lock);
}

/* ---- content for the server ----------------------------------------------- */

static void sha_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static Blob *add_blob(const char *seed)
{
    Blob *b = &srv.blobs[srv.blob_count++];
    memset(b, 0, sizeof *b);
    b->len = 3000;
    for (size_t i = 0; i < b->len; i++) b->data[i] = (unsigned char)(seed[i % strlen(seed)] + i * 7);
    sha_hex(b->data, b->len, b->sha);
    return b;
}

/* A snapshot with one category and the given items ("id:title:scope:blob"
 * or "id:title:scope:blob:blob" where blob is an index into srv.blobs or
 * -1). */
static char *snapshot(int64_t revision, int n, const char *const items[])
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        char id[64], title[256], scope[16];
        int blob = -1, blob2 = -1;
        sscanf(items[i], "%63[^:]:%255[^:]:%15[^:]:%d:%d", id, title, scope, &blob, &blob2);
        json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "category", "c-org", "title", title,
                               "body", "第一段。\n第二段。", "published_at", "2026-01-05T09:00:00+08:00", "period",
                               "long_term", "scope", scope);
        if (blob >= 0)
            json_object_set_new(it, "attachments",
                                json_pack("[{s:s, s:I, s:s}]", "sha256", srv.blobs[blob].sha, "size",
                                          (json_int_t)srv.blobs[blob].len, "type", "image/png"));
        if (blob2 >= 0)
            json_array_append_new(json_object_get(it, "attachments"),
                                  json_pack("{s:s, s:I, s:s}", "sha256", srv.blobs[blob2].sha, "size",
                                            (json_int_t)srv.blobs[blob2].len, "type", "image/png"));
        json_array_append_new(list, it);
    }
    json_t *doc = json_pack("{s:s, s:i, s:s, s:I, s:{s:[{s:s, s:s}]}, s:{s:o}}", "format", "dangwu-feed", "version", 1,
                            "kind", "snapshot", "revision", (json_int_t)revision, "categories", "upsert", "id", "c-org",
                            "name", "党组织建设", "items", "upsert", list);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

static void publish(int64_t revision, int n, const char *const items[])
{
    char *doc = snapshot(revision, n, items);
    pthread_mutex_lock(&srv.lock);
    free(srv.feed);
    srv.feed = doc;
    srv.revision = revision;
    pthread_mutex_unlock(&srv.lock);
}

/* ---- the kiosk side --------------------------------------------------------- */

static void kiosk_config(Config *cfg)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
    kiosk_config_at(cfg, url, KIOSK, TOKEN);
    cfg->connect_timeout_s = 1;
}

static int run_once(void)
{
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    return sync_run_once(&cfg, &err);
}

static int setup(void **state)
{
    (void)state;
    static int n;
    const char *base = getenv("KIOSK_TEST_TMP");
    snprintf(kiosk_dir, sizeof kiosk_dir, "%s/sync-%d-%d", base ? base : "/kiosk_dir", (int)getpid(), n++);
    Err err;
    if (blobs_mkdirs(kiosk_dir, &err)) return -1;
    memset(&srv, 0, sizeof srv);
    pthread_mutex_init(&srv.lock, NULL);
    add_blob("图片一");
    static const char *const items[] = {"gk-001:关于召开党员大会的通知:public:0"};
    publish(1, 1, items);
    server_start(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_stop();
    free(srv.feed);
    free(srv.delta);
    pthread_mutex_destroy(&srv.lock);
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* The server's threads write these; the test reads and sets them under
 * the server's lock. */
static int64_t server_count(const void *field, size_t size)
{
    pthread_mutex_lock(&srv.lock);
    int64_t v = size == sizeof(int64_t) ? *(const int64_t *)field : *(const int *)field;
    pthread_mutex_unlock(&srv.lock);
    return v;
}
#define SRV(field) server_count(&srv.field, sizeof srv.field)
#define SRV_SET(field, value)                                                                                          \
    do {                                                                                                               \
        pthread_mutex_lock(&srv.lock);                                                                                 \
        srv.field = (value);                                                                                           \
        pthread_mutex_unlock(&srv.lock);                                                                               \
    } while (0)

/* ---- the tests ---------------------------------------------------------------- */

static void test_publish_update_withdraw(void **state)
{
    (void)state;
    char title[256] = "";
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "关于召开党员大会的通知");
    pthread_mutex_lock(&srv.lock);
    bool sent_credentials = strcmp(srv.last_auth, "Bearer " TOKEN) == 0 && strcmp(srv.last_kiosk, KIOSK) == 0;
    pthread_mutex_unlock(&srv.lock);
    assert_true(sent_credentials);
    kiosk_assert_state("sync.state", "ok");

    static const char *const updated[] = {"gk-001:关于召开党员大会的通知（更正）:public:0",
                                          "gk-002:三季度党费收缴情况:public:-1"};
    publish(2, 2, updated);
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "关于召开党员大会的通知（更正）");
    assert_true(kiosk_visible("gk-002", NULL, 0));

    static const char *const withdrawn[] = {"gk-002:三季度党费收缴情况:public:-1"};
    publish(3, 1, withdrawn);
    assert_int_equal(run_once(), 0);
    assert_false(kiosk_visible("gk-001", NULL, 0));
    assert_true(kiosk_visible("gk-002", NULL, 0));
    /* Its image is no longer referenced: the cache let it go. */
    char path[1300];
    Config cfg;
    kiosk_config(&cfg);
    assert_int_equal(blobs_path(cfg.cache_dir, srv.blobs[0].sha, path, sizeof path, NULL), 0);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_wrong_token_is_an_error(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    snprintf(cfg.token, sizeof cfg.token, "stolen");
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "unauthorized"));
    kiosk_assert_state("sync.state", "error");
}

static void test_corrupt_attachment_refetched(void **state)
{
    (void)state;
    SRV_SET(blobs[0].corrupt_left, 1);
    assert_int_equal(run_once(), -1);
    assert_false(kiosk_visible("gk-001", NULL, 0));
    char err[512];
    kiosk_state("sync.last_error", err, sizeof err);
    assert_non_null(strstr(err, "corrupt"));
    Config cfg;
    kiosk_config(&cfg);
    char path[1300];
    assert_int_equal(blobs_path(cfg.cache_dir, srv.blobs[0].sha, path, sizeof path, NULL), 0);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    assert_int_equal(blobs_verify(cfg.cache_dir, srv.blobs[0].sha, NULL), 0);
}

static void test_truncated_attachment_refetched(void **state)
{
    (void)state;
    SRV_SET(blobs[0].truncate_left, 1);
    assert_int_equal(run_once(), -1);
    assert_false(kiosk_visible("gk-001", NULL, 0));
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
}

/* HTML, binary junk and 500s: a log line, an error status, backoff — and
 * the content the kiosk had stays on screen. */
static void test_garbage_and_500s(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    static const Behaviour bad[] = {SERVE_HTML, SERVE_BINARY, SERVE_500};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set_behaviour(bad[i]);
        static const char *const next[] = {"gk-001:改过的标题:public:0"};
        publish(10 + (int64_t)i, 1, next);
        assert_int_equal(run_once(), -1);
        kiosk_assert_state("sync.state", "error");
        char title[256];
        assert_true(kiosk_visible("gk-001", title, sizeof title));
        assert_string_equal(title, "关于召开党员大会的通知");
    }
    set_behaviour(SERVE_NORMAL);
    assert_int_equal(run_once(), 0);
    char title[256];
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "改过的标题");
}

/* Whatever a server puts in its error, sync.last_error is one line of
 * valid UTF-8, short enough for the heartbeat, which then goes through. */
static void test_hostile_error_messages_are_cleaned(void **state)
{
    (void)state;
    set_behaviour(SERVE_NASTY_500);
    assert_int_equal(run_once(), -1);
    char err[600];
    kiosk_state("sync.last_error", err, sizeof err);
    assert_non_null(strstr(err, "第一行 错错"));
    assert_null(strchr(err, '\n'));
    assert_true(strlen(err) <= 480);
    assert_null(u8_check((const uint8_t *)err, strlen(err)));
    set_behaviour(SERVE_NORMAL);
    assert_int_equal(run_once(), 0); /* the heartbeat carried that error as valid JSON */
    assert_true(kiosk_visible("gk-001", NULL, 0));
}

static void test_hanging_server_times_out(void **state)
{
    (void)state;
    set_behaviour(SERVE_HANG);
    /* connect timeout 1 s -> stall limit 3 s for the first request, after
     * which the round gives up on an unreachable server: run_once returns
     * (the runner's time limit catches a hang) and says offline. */
    assert_int_equal(run_once(), -1);
    kiosk_assert_state("sync.state", "offline");
}

/* The kiosk's peak memory (ru_maxrss) in MB. */
static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* A server that drips 20 bytes a second is never "stalled", but the whole
 * exchange has a deadline (6 connect timeouts, 6 s here): the round ends
 * offline, with a message that says why. */
static void test_dripping_server_dropped_at_deadline(void **state)
{
    (void)state;
    set_behaviour(SERVE_DRIP);
    double t0 = test_now_s();
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    /* Not cut before its deadline (a lower bound is no race); that it ends
     * at all is the message. */
    assert_true(test_now_s() - t0 >= 5.0);
    assert_non_null(strstr(err.msg, "took longer than"));
    kiosk_assert_state("sync.state", "offline");
}

/* Bodies without end, fast: a feed is cut at its limit without growing
 * memory (it goes to disk while it arrives), an image at its declared
 * size, and an answer that declares 1 GiB is refused before it is read. */
static void test_endless_bodies_keep_memory_flat(void **state)
{
    (void)state;
    /* An item whose image is declared at the largest size allowed. */
    json_t *doc = json_loads(srv.feed, 0, NULL);
    json_t *att = json_array_get(
        json_object_get(json_array_get(json_object_get(json_object_get(doc, "items"), "upsert"), 0), "attachments"), 0);
    json_object_set_new(att, "size", json_integer(32 * 1024 * 1024));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    pthread_mutex_lock(&srv.lock);
    free(srv.feed);
    srv.feed = text;
    pthread_mutex_unlock(&srv.lock);

    double before = peak_rss_mb();
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    SRV_SET(endless, "/v1/blobs/");
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "larger than the 33554432 bytes allowed"));
    SRV_SET(endless, "/v1/content");
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "larger than the 67108864 bytes allowed"));
    SRV_SET(endless_declared, true);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "declares 1073741824 bytes")); /* refused before reading */
    double after = peak_rss_mb();
    printf("peak RSS: %.1f MB before, %.1f MB after 64 MiB of feed and 32 MiB of image without end\n", before, after);
    assert_true(after < 150.0);
    assert_true(after - before < 16.0);
    /* Nothing half-downloaded is left in the cache. */
    char path[1300];
    assert_int_equal(blobs_path(cfg.cache_dir, srv.blobs[0].sha, path, sizeof path, NULL), 0);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void *run_once_thread(void *rc)
{
    *(int *)rc = run_once();
    return NULL;
}

/* An update that adds an image to a visible item: while the image is on
 * its way, the old version stays on screen; then the new one replaces it
 * whole. */
static void test_update_applied_only_after_its_images(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    add_blob("图片二");
    static const char *const next[] = {"gk-001:关于召开党员大会的通知（附图）:public:0:1"};
    publish(2, 1, next);
    atomic_store(&srv.hold_blobs, true);
    pthread_t t;
    int rc = -2;
    assert_int_equal(pthread_create(&t, NULL, run_once_thread, &rc), 0);
    /* While its image is being fetched, the new revision is not applied. */
    assert_true(wait_until(blob_request_held, 30));
    char before[256];
    assert_true(kiosk_visible("gk-001", before, sizeof before));
    assert_string_equal(before, "关于召开党员大会的通知");
    atomic_store(&srv.hold_blobs, false);
    pthread_join(t, NULL);
    assert_int_equal(rc, 0);
    char title[256];
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "关于召开党员大会的通知（附图）");
}

/* Two items share an image; one declares it with a wrong size.  The other
 * is shown all the same. */
static void test_wrong_declaration_hides_only_its_item(void **state)
{
    (void)state;
    static const char *const items[] = {"gk-001:正确的声明:public:0", "gk-002:错误的大小:public:0"};
    char *text = snapshot(2, 2, items);
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    json_t *att = json_array_get(
        json_object_get(json_array_get(json_object_get(json_object_get(doc, "items"), "upsert"), 1), "attachments"), 0);
    json_object_set_new(att, "size", json_integer((json_int_t)srv.blobs[0].len + 100));
    pthread_mutex_lock(&srv.lock);
    free(srv.feed);
    srv.feed = json_dumps(doc, JSON_COMPACT);
    srv.revision = 2;
    pthread_mutex_unlock(&srv.lock);
    json_decref(doc);
    run_once();
    assert_true(kiosk_visible("gk-001", NULL, 0));
}

static int64_t kiosk_revision(void)
{
    Store *s = kiosk_store_open();
    int64_t rev = test_revision(s);
    store_close(s);
    return rev;
}

/* The same database going back from revision 3 to 2 (a stale proxy or
 * cache): refused, the kiosk stays at 3 and says why. */
static void test_older_revision_from_same_database_refused(void **state)
{
    (void)state;
    SRV_SET(database, "00000000000000aa");
    static const char *const newer[] = {"gk-001:第三版:public:0"};
    publish(3, 1, newer);
    assert_int_equal(run_once(), 0);
    static const char *const older[] = {"gk-001:第二版:public:0"};
    publish(2, 1, older);
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "older than the 3"));
    assert_int_equal(kiosk_revision(), 3);
    char title[256];
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "第三版");
}

/* A server whose database was replaced (a backup restored, with
 * countyd --new-identity): its older snapshot replaces everything, and at
 * the same revision number a 304 from it is not believed either. */
static void test_replaced_database_resyncs(void **state)
{
    (void)state;
    SRV_SET(database, "00000000000000aa");
    static const char *const before[] = {"gk-001:旧库的条目:public:0", "gk-002:只在旧库:public:-1"};
    publish(5, 2, before);
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-002", NULL, 0));

    SRV_SET(database, "00000000000000bb");
    static const char *const restored[] = {"gk-001:恢复的条目:public:0"};
    publish(2, 1, restored);
    assert_int_equal(run_once(), 0);
    assert_int_equal(kiosk_revision(), 2);
    assert_false(kiosk_visible("gk-002", NULL, 0));
    char title[256];
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "恢复的条目");
    kiosk_assert_state("sync.database", "00000000000000bb");

    /* Another database again, this time at the kiosk's own revision. */
    SRV_SET(database, "00000000000000cc");
    static const char *const same_number[] = {"gk-003:同号的新库:public:-1"};
    publish(2, 1, same_number);
    assert_int_equal(run_once(), 0);
    assert_int_equal(SRV(last_since), 0);
    assert_true(kiosk_visible("gk-003", NULL, 0));
    assert_false(kiosk_visible("gk-001", NULL, 0));
}

static void test_server_down_content_kept_then_recovers(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    int port = srv.port;
    server_stop();
    assert_int_equal(run_once(), -1);
    kiosk_assert_state("sync.state", "offline");
    assert_true(kiosk_visible("gk-001", NULL, 0));
    static const char *const next[] = {"gk-001:关于召开党员大会的通知:public:0", "gk-003:恢复后发布:public:-1"};
    publish(4, 2, next);
    server_start(port);
    assert_int_equal(run_once(), 0);
    assert_true(kiosk_visible("gk-003", NULL, 0));
    kiosk_assert_state("sync.state", "ok");
}

static void test_feedback_exactly_once_after_dropped_answer(void **state)
{
    (void)state;
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000001", "希望多公开党费使用情况");
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000002", "字再大一点就好了");
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000003", "谢谢");
    SRV_SET(drop_feedback, true);
    assert_int_equal(run_once(), -1);
    SRV_SET(drop_feedback, false);
    assert_int_equal(SRV(stored_count), 3);
    assert_int_equal(kiosk_outbox_length(), 3); /* not acknowledged: kept */
    int posts = SRV(feedback_posts); /* libcurl may retry a dropped reused connection once */
    assert_true(posts >= 1);
    assert_int_equal(run_once(), 0);
    assert_int_equal(kiosk_outbox_length(), 0);
    assert_int_equal(SRV(feedback_posts), posts + 1);
    assert_int_equal(SRV(ids_received), 3 * (posts + 1)); /* the same ids every time */
    assert_int_equal(SRV(stored_count), 3); /* and stored once */
    assert_int_equal(run_once(), 0);
    assert_int_equal(SRV(feedback_posts), posts + 1); /* nothing left to send */
    /* Sent entries lost the visitor's contact details. */
    StoreFeedback *left;
    assert_int_equal(kiosk_pending(&left), 0);
    store_free(left);
}

/* One submission the server refuses does not hold up the rest; it stays
 * in the outbox. */
static void test_refused_feedback_does_not_block_others(void **state)
{
    (void)state;
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000011", "第一条");
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000012", "BAD 服务器不收这一条");
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-000000000013", "第三条");
    assert_int_equal(run_once(), -1);
    assert_int_equal(SRV(stored_count), 2);
    assert_int_equal(kiosk_outbox_length(), 1);
    StoreFeedback *left;
    assert_int_equal(kiosk_pending(&left), 1);
    assert_string_equal(left[0].id, "0b9d2c1e-0000-4000-8000-000000000012");
    assert_true(left[0].attempts >= 1);
    store_free(left);
}

static void test_delta_that_does_not_apply_gets_snapshot(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    static const char *const next[] = {"gk-001:关于召开党员大会的通知:public:0", "gk-004:快照里的新条目:public:-1"};
    publish(7, 2, next);
    pthread_mutex_lock(&srv.lock);
    srv.delta =
        strdup("{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":5,\"revision\":7}");
    pthread_mutex_unlock(&srv.lock);
    assert_int_equal(run_once(), 0);
    assert_int_equal(SRV(last_since), 0);
    assert_true(kiosk_visible("gk-004", NULL, 0));
}

static void test_heartbeat_settings_and_resync(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    /* The cached image goes bad on disk; the resync must notice. */
    Config cfg;
    kiosk_config(&cfg);
    char path[1300];
    assert_int_equal(blobs_path(cfg.cache_dir, srv.blobs[0].sha, path, sizeof path, NULL), 0);
    write_file(path, "rotten", 6);
    SRV_SET(heartbeat_extra,
            "\"settings\":{\"unit_name\":\"中共青禾镇委员会\",\"ticker_speed\":90,\"screen_on\":\"07:00-20:00\","
            "\"reasons\":[\"内容清楚\",\"看不明白\"]},\"commands\":[\"resync\"]");
    assert_int_equal(run_once(), 0);
    assert_int_equal(SRV(last_since), 0);
    assert_int_equal(blobs_verify(cfg.cache_dir, srv.blobs[0].sha, NULL), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    kiosk_assert_state("setting.unit_name", "中共青禾镇委员会");
    kiosk_assert_state("setting.ticker_speed", "90");
    kiosk_assert_state("setting.screen_on", "07:00-20:00");
    kiosk_assert_state("setting.reasons", "[\"内容清楚\",\"看不明白\"]");
    /* A hostile value is refused, the old one kept. */
    SRV_SET(heartbeat_extra, "\"settings\":{\"ticker_speed\":\"fast\",\"screen_on\":\"25:00-99:00\"}");
    assert_int_equal(run_once(), 0);
    kiosk_assert_state("setting.ticker_speed", "90");
    kiosk_assert_state("setting.screen_on", "07:00-20:00");
    /* No longer sent: cleared, so that kiosk.conf applies again. */
    kiosk_assert_state("setting.unit_name", "");
}

/* ---- the thread ---------------------------------------------------------------- */

typedef struct Events {
    atomic_int content, status, answers;
} Events;

static void on_event(void *ctx, SyncEvent ev)
{
    Events *e = ctx;
    if (ev == SYNC_CONTENT_CHANGED) atomic_fetch_add(&e->content, 1);
    if (ev == SYNC_STATUS_CHANGED) atomic_fetch_add(&e->status, 1);
    if (ev == SYNC_ANSWERS_CHANGED) atomic_fetch_add(&e->answers, 1);
}

/* The sync thread, as bin/kiosk runs it, reporting into ev. */
static SyncThread *thread_start(Events *ev)
{
    Config cfg;
    Err err;
    SyncThread *t;
    kiosk_config(&cfg);
    assert_int_equal(sync_start(&cfg, on_event, ev, &t, &err), 0);
    return t;
}

static bool item5_visible(void) { return kiosk_visible("gk-005", NULL, 0); }
static bool item1_visible(void) { return kiosk_visible("gk-001", NULL, 0); }
static bool outbox_empty(void) { return kiosk_outbox_length() == 0; }

/* The thread holds a long-poll; a publish reaches it within a second or
 * two; a poke (new feedback) gets it uploaded at once; stop is prompt. */
static void test_thread_long_poll_poke_and_stop(void **state)
{
    (void)state;
    Events ev = {0};
    SyncThread *t = thread_start(&ev);
    assert_true(wait_until(item1_visible, 30));
    assert_true(wait_until(long_poll_held, 30));
    static const char *const next[] = {"gk-001:关于召开党员大会的通知:public:0", "gk-005:长轮询送达:public:-1"};
    publish(8, 2, next);
    assert_true(wait_until(item5_visible, 30)); /* the held long-poll brought it */
    assert_true(atomic_load(&ev.content) >= 2);

    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-0000000000a1", "大厅的屏幕很好用");
    sync_poke(t);
    assert_true(wait_until(outbox_empty, 30));

    assert_true(wait_until(long_poll_held, 30)); /* back in the long-poll */
    sync_stop(t); /* returns: stopping ends it */
}

static bool status_ok(void)
{
    char st[32];
    kiosk_state("sync.state", st, sizeof st);
    return strcmp(st, "ok") == 0;
}

static bool status_not_ok(void) { return !status_ok(); }
static bool status_offline(void)
{
    char st[32];
    kiosk_state("sync.state", st, sizeof st);
    return strcmp(st, "offline") == 0;
}
static bool got_busy_once(void) { return SRV(busy_answers) >= 1; }
static bool got_busy_twice(void) { return SRV(busy_answers) >= 2; }

/* A server that starts to drip while the kiosk is online: the sync mark
 * stops saying 已同步 once the exchange's deadline has passed. */
static void test_thread_mark_not_ok_while_failing(void **state)
{
    (void)state;
    Events ev = {0};
    SyncThread *t = thread_start(&ev);
    assert_true(wait_until(status_ok, 30));
    set_behaviour(SERVE_DRIP);
    sync_poke(t);
    assert_true(wait_until(status_not_ok, 60));
    kiosk_assert_state("sync.state", "offline");
    sync_stop(t);
}

/* 503 with Retry-After: 5 — the kiosk waits that long (its own back-off
 * would have been 2 s), then tries again. */
static void test_thread_honours_retry_after(void **state)
{
    (void)state;
    SRV_SET(retry_after, 5);
    set_behaviour(SERVE_BUSY);
    Events ev = {0};
    SyncThread *t = thread_start(&ev);
    assert_true(wait_until(got_busy_once, 30));
    double t1 = test_now_s();
    assert_true(wait_until(got_busy_twice, 30));
    double gap = test_now_s() - t1;
    printf("second request %.1f s after the 503\n", gap);
    assert_true(gap >= 4.5);
    sync_stop(t);
}

/* A server that answers the snapshot at the kiosk's own revision instead
 * of 304: nothing is applied again, and the thread waits its interval
 * instead of asking again at once. */
static void test_thread_snapshot_at_own_revision_not_reapplied(void **state)
{
    (void)state;
    SRV_SET(always_snapshot, true);
    Events ev = {0};
    SyncThread *t = thread_start(&ev);
    assert_true(wait_until(item1_visible, 10));
    int after_first = SRV(content_requests);
    usleep(3000000);
    int more = SRV(content_requests) - after_first;
    printf("content requests in 3 s at the server's revision: %d\n", more);
    assert_true(more <= 2);
    sync_stop(t);
}

/* Unreachable at start: the thread backs off; the server comes; it
 * recovers on the next attempt.  And stop while a request hangs. */
static void test_thread_backoff_recovery_and_stop_mid_transfer(void **state)
{
    (void)state;
    int port = srv.port;
    server_stop();
    Events ev = {0};
    SyncThread *t = thread_start(&ev);
    assert_true(wait_until(status_offline, 30));
    assert_true(atomic_load(&ev.status) >= 1);
    server_start(port);
    assert_true(wait_until(status_ok, 30));
    assert_true(wait_until(item1_visible, 30));

    set_behaviour(SERVE_HANG);
    sync_poke(t); /* the next request hangs */
    assert_true(wait_until(request_hanging, 30));
    sync_stop(t); /* returns although the request would hang for ever */
}

/* ---- a folder (file://, a USB stick) ----------------------------------------- */

static void test_folder_source(void **state)
{
    (void)state;
    char dir[1100], path[1300];
    snprintf(dir, sizeof dir, "%s/usb", kiosk_dir);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s.png", dir, srv.blobs[0].sha);
    write_file(path, srv.blobs[0].data, srv.blobs[0].len);
    json_t *doc = json_loads(srv.feed, 0, NULL);
    json_t *att = json_array_get(
        json_object_get(json_array_get(json_object_get(json_object_get(doc, "items"), "upsert"), 0), "attachments"), 0);
    char href[100];
    snprintf(href, sizeof href, "%s.png", srv.blobs[0].sha);
    json_object_set_new(att, "href", json_string(href));
    snprintf(path, sizeof path, "%s/feed.json", dir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    json_decref(doc);

    Config cfg;
    Err err;
    kiosk_config(&cfg);
    snprintf(cfg.server_url, sizeof cfg.server_url, "file://%s", dir);
    kiosk_add_feedback("0b9d2c1e-0000-4000-8000-0000000000f1", "没有网络也能留言");
    assert_int_equal(sync_run_once(&cfg, &err), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    assert_int_equal(kiosk_outbox_length(), 1); /* kept for a server */
    assert_int_equal(SRV(content_requests), 0);

    /* The stick is pulled out: offline, content kept. */
    unlink(path);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    kiosk_assert_state("sync.state", "offline");
    assert_true(kiosk_visible("gk-001", NULL, 0));
}

/* A folder whose feed names an image that is not there: the round (and
 * so `kioskctl sync --once`) fails and says so. */
static void test_folder_missing_attachment_fails(void **state)
{
    (void)state;
    char dir[1100], path[1300];
    snprintf(dir, sizeof dir, "%s/usb", kiosk_dir);
    mkdir(dir, 0755);
    json_t *doc = json_loads(srv.feed, 0, NULL);
    json_t *att = json_array_get(
        json_object_get(json_array_get(json_object_get(json_object_get(doc, "items"), "upsert"), 0), "attachments"), 0);
    json_object_set_new(att, "href", json_string("missing.png"));
    snprintf(path, sizeof path, "%s/feed.json", dir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    json_decref(doc);
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    snprintf(cfg.server_url, sizeof cfg.server_url, "file://%s", dir);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "1 attachment(s) missing"));
    kiosk_assert_state("sync.state", "error");
}

/* A folder whose feed.json is not JSON: the round fails and says where,
 * and the content the kiosk had stays. */
static void test_folder_broken_feed_fails(void **state)
{
    (void)state;
    assert_int_equal(run_once(), 0);
    char dir[1100], path[1300];
    snprintf(dir, sizeof dir, "%s/usb", kiosk_dir);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/feed.json", dir);
    static const char broken[] = "{\"format\": \"dangwu-feed\",\n \"version\": 1,,}";
    write_file(path, broken, sizeof broken - 1);
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    snprintf(cfg.server_url, sizeof cfg.server_url, "file://%s", dir);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "feed.json: line 2, column"));
    kiosk_assert_state("sync.state", "error");
    assert_true(kiosk_visible("gk-001", NULL, 0));
}

/* ---- TLS ------------------------------------------------------------------------ */

/* A throw-away certificate authority in one self-signed certificate for
 * 127.0.0.1, made with libcrypto, as PEM text. */
static void make_certificate(char **key_pem, char **cert_pem)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    assert_non_null(key);
    X509 *x = X509_new();
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    static const char *const exts[][2] = {{"subjectAltName", "IP:127.0.0.1"}, {"basicConstraints", "critical,CA:TRUE"}};
    for (int i = 0; i < 2; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
        assert_non_null(e);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL);
    PEM_write_bio_X509(cb, x);
    char *p;
    long n = BIO_get_mem_data(kb, &p);
    *key_pem = strndup(p, (size_t)n);
    n = BIO_get_mem_data(cb, &p);
    *cert_pem = strndup(p, (size_t)n);
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(key);
}

/* TLS is verified: a server whose certificate nothing vouches for is an
 * error (not "offline"), and the county's CA file makes it trusted. */
static void test_tls_verified_with_ca_file(void **state)
{
    (void)state;
    char *key, *cert;
    make_certificate(&key, &cert);
    server_stop();
    server_start_with(0, key, cert);
    Config cfg;
    Err err;
    kiosk_config(&cfg);
    snprintf(cfg.server_url, sizeof cfg.server_url, "https://127.0.0.1:%d", srv.port);
    assert_int_equal(sync_run_once(&cfg, &err), -1);
    assert_non_null(strstr(err.msg, "certificate"));
    kiosk_assert_state("sync.state", "error");
    assert_false(kiosk_visible("gk-001", NULL, 0));

    snprintf(cfg.ca_file, sizeof cfg.ca_file, "%s/county-ca.pem", kiosk_dir);
    write_file(cfg.ca_file, cert, strlen(cert));
    assert_int_equal(sync_run_once(&cfg, &err), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    server_stop();
    free(key);
    free(cert);
}

static void test_backoff_schedule(void **state)
{
    (void)state;
    Backoff b;
    backoff_init(&b, 2000, 300000, 42);
    int expected = 2000;
    for (int i = 0; i < 12; i++) {
        int d = backoff_next_ms(&b);
        assert_true(d >= expected * 3 / 4 && d <= expected * 5 / 4);
        expected = expected * 2 > 300000 ? 300000 : expected * 2;
    }
    backoff_reset(&b);
    int d = backoff_next_ms(&b);
    assert_true(d >= 1500 && d <= 2500);
    /* Two kiosks that failed together do not retry together. */
    Backoff a, c;
    backoff_init(&a, 2000, 300000, 1);
    backoff_init(&c, 2000, 300000, 2);
    int same = 0;
    for (int i = 0; i < 8; i++) same += backoff_next_ms(&a) == backoff_next_ms(&c);
    assert_true(same < 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_schedule),
        cmocka_unit_test_setup_teardown(test_publish_update_withdraw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_token_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_attachment_refetched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_attachment_refetched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_and_500s, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_error_messages_are_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hanging_server_times_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dripping_server_dropped_at_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endless_bodies_keep_memory_flat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_applied_only_after_its_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_declaration_hides_only_its_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_older_revision_from_same_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_database_resyncs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_down_content_kept_then_recovers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_exactly_once_after_dropped_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_feedback_does_not_block_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delta_that_does_not_apply_gets_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_settings_and_resync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_long_poll_poke_and_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_backoff_recovery_and_stop_mid_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_mark_not_ok_while_failing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_snapshot_at_own_revision_not_reapplied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_honours_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_missing_attachment_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_broken_feed_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls_verified_with_ca_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
