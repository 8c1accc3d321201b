/* countyd_util.h — runs the real bin/countyd for tests (header-only).
 *
 * countyd_start() creates an admin in a fresh database under
 * $KIOSK_TEST_TMP, starts `$BIN/countyd` on 127.0.0.1 on a free port and
 * waits until it answers; countyd_stop() and countyd_launch() stop it and
 * start it again on the same port and database.  countyd_call() sends one
 * HTTP request with libcurl and keeps status, body and the
 * ETag/Cache-Control headers.  Used by test_countyd.c and
 * test_sync_countyd.c. */
#ifndef KIOSK_COUNTYD_UTIL_H
#define KIOSK_COUNTYD_UTIL_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"

typedef struct {
    pid_t pid;
    int port;
    char dir[1024], db[1100], log[1100];
    char admin_token[80]; /* "tester": every role but supervise, at the root */
    char reviewer_token[80]; /* "checker": the same; it reviews, so that tester may approve */
} Countyd;

typedef struct {
    long status;
    char *body;
    size_t len;
    char etag[128], cache_control[128], content_encoding[32];
} Reply;

static inline int countyd_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static inline const char *countyd_bin(const char *name)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    const char *bin = getenv("BIN");
    snprintf(p, 512, "%s/%s", bin && *bin ? bin : "bin", name);
    return p;
}

static inline size_t countyd_collect(char *ptr, size_t size, size_t n, void *user)
{
    Reply *r = user;
    size_t add = size * n;
    r->body = realloc(r->body, r->len + add + 1);
    memcpy(r->body + r->len, ptr, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static inline size_t countyd_header(char *ptr, size_t size, size_t n, void *user)
{
    Reply *r = user;
    size_t len = size * n;
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)(len < 511 ? len : 511), ptr);
    line[strcspn(line, "\r\n")] = '\0';
    if (strncasecmp(line, "ETag: ", 6) == 0) snprintf(r->etag, sizeof r->etag, "%s", line + 6);
    if (strncasecmp(line, "Cache-Control: ", 15) == 0)
        snprintf(r->cache_control, sizeof r->cache_control, "%s", line + 15);
    if (strncasecmp(line, "Content-Encoding: ", 18) == 0)
        snprintf(r->content_encoding, sizeof r->content_encoding, "%s", line + 18);
    return len;
}

/* One request; `headers` is a NULL-terminated list of "Name: value" (may
 * be NULL), `body` may be NULL. */
static inline Reply countyd_call(const Countyd *c, const char *method, const char *path, const char *const *headers,
                                 const char *body, size_t body_len)
{
    Reply r = {0};
    char url[2048];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, path);
    CURL *h = curl_easy_init();
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    for (int i = 0; headers && headers[i]; i++) list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, countyd_collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, countyd_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) r.status = -1;
    else curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    if (!r.body) r.body = calloc(1, 1);
    return r;
}

static inline void reply_free(Reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* The reply body as JSON (fails the test when it is not). */
static inline json_t *reply_json(const Reply *r)
{
    json_error_t je;
    json_t *doc = json_loads(r->body, 0, &je);
    if (!doc) fail_msg("not JSON (%s): %.300s", je.text, r->body);
    return doc;
}

/* An admin request with a body of the given Content-Type (or none). */
static inline Reply countyd_admin_body(const Countyd *c, const char *method, const char *path, const char *type,
                                       const void *body, size_t len)
{
    char auth[160], ctype[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->admin_token);
    snprintf(ctype, sizeof ctype, "Content-Type: %s", type);
    const char *headers[] = {auth, ctype, NULL};
    return countyd_call(c, method, path, headers, body, len);
}

/* An admin request with a JSON body (or none). */
static inline Reply countyd_admin(const Countyd *c, const char *method, const char *path, const char *json)
{
    return countyd_admin_body(c, method, path, "application/json", json, json ? strlen(json) : 0);
}

/* An admin request that must answer exactly `want_status`; returns its JSON
 * answer, or NULL when the body is not JSON. */
static inline json_t *countyd_admin_expect(const Countyd *c, const char *method, const char *path, const char *type,
                                           const void *body, size_t len, long want_status)
{
    Reply r = countyd_admin_body(c, method, path, type, body, len);
    if (r.status != want_status)
        fail_msg("%s %s: HTTP %ld, wanted %ld: %s", method, path, r.status, want_status, r.body);
    json_t *doc = json_loads(r.body, 0, NULL);
    reply_free(&r);
    return doc;
}

/* Runs an admin request that must succeed; returns its JSON answer. */
static inline json_t *countyd_admin_ok(const Countyd *c, const char *method, const char *path, const char *json)
{
    Reply r = countyd_admin(c, method, path, json);
    if (r.status < 200 || r.status > 299) fail_msg("%s %s -> %ld %s", method, path, r.status, r.body);
    json_t *doc = reply_json(&r);
    reply_free(&r);
    return doc;
}

/* Registers a kiosk; its token goes to `token` (at least 80 bytes). */
static inline void countyd_add_kiosk(const Countyd *c, const char *id, char *token)
{
    char body[256];
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"name\":\"test kiosk\"}", id);
    json_t *ans = countyd_admin_ok(c, "POST", "/v1/admin/kiosks", body);
    snprintf(token, 80, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
}

/* Waits until countyd holds exactly `n` long-polls (its status counts
 * them), at most `seconds`; false if it never did. */
static inline bool countyd_wait_held(const Countyd *c, long long n, double seconds)
{
    for (double end = test_now_s() + seconds; test_now_s() < end;) {
        json_t *st = countyd_admin_ok(c, "GET", "/v1/admin/status", NULL);
        long long held = json_integer_value(json_object_get(st, "long_polls_held"));
        json_decref(st);
        if (held == n) return true;
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* A number from /proc/PID/status ("Threads:"); -1 when it cannot be read. */
static inline long countyd_proc_value(const Countyd *c, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)c->pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0 && sscanf(line + strlen(key), "%ld", &v) != 1) v = -1;
    if (f) fclose(f);
    return v;
}

static inline void countyd_wait_ready(Countyd *c)
{
    for (int i = 0; i < 100; i++) {
        Reply r = countyd_admin(c, "GET", "/v1/admin/status", NULL);
        long status = r.status;
        reply_free(&r);
        if (status == 200) return;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    fail_msg("countyd did not start; see %s", c->log);
}

/* Starts countyd on c's database and port, with the options in `extra`
 * (NULL-terminated, may be NULL); it ends with the test program (a test
 * killed by a timeout leaves no server behind). */
static inline void countyd_launch_with(Countyd *c, const char *const *extra)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", c->port);
    const char *argv[32] = {"countyd", "--db", c->db, "--listen", listen, "--log-level", "debug", "--max-wait", "30"};
    int n = 9;
    for (int i = 0; extra && extra[i] && n < 31; i++) argv[n++] = extra[i];
    argv[n] = NULL;
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        FILE *log = freopen(c->log, "a", stderr);
        (void)log;
        execv(countyd_bin("countyd"), (char *const *)argv);
        _exit(127);
    }
    countyd_wait_ready(c);
}

static inline void countyd_launch(Countyd *c) { countyd_launch_with(c, NULL); }

/* Creates (or renews) admin `name` on the database; its token to `token`. */
static inline void countyd_add_admin(const Countyd *c, const char *name, char token[80])
{
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' --add-admin %s", countyd_bin("countyd"), c->db, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[256];
    token[0] = '\0';
    while (fgets(line, sizeof line, p))
        if (strspn(line, "0123456789abcdef") == 64) snprintf(token, 80, "%.64s", line);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(strlen(token), 64);
}

/* A request as the reviewer (see Countyd). */
static inline Reply countyd_reviewer(const Countyd *c, const char *method, const char *path, const char *json)
{
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->reviewer_token);
    const char *headers[] = {auth, "Content-Type: application/json", NULL};
    return countyd_call(c, method, path, headers, json, json ? strlen(json) : 0);
}

/* Starts countyd on a fresh database in the scratch folder `name`, with
 * admins "tester" and "checker" (the reviewer). */
static inline void countyd_start(Countyd *c, const char *name)
{
    memset(c, 0, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "%s", test_path(name));
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", c->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(c->db, sizeof c->db, "%s/county.db", c->dir);
    snprintf(c->log, sizeof c->log, "%s/countyd.log", c->dir);
    countyd_add_admin(c, "tester", c->admin_token);
    countyd_add_admin(c, "checker", c->reviewer_token);
    c->port = countyd_free_port();
    countyd_launch(c);
}

/* SIGTERM, then waits; returns the exit status (-1 if it had to be killed). */
static inline int countyd_stop(Countyd *c)
{
    if (c->pid <= 0) return -1;
    kill(c->pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        int status;
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            c->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    c->pid = 0;
    return -1;
}

/* A test's teardown: 0 when countyd stopped cleanly on SIGTERM, else -1
 * and a line on stderr (the test fails). */
static inline int countyd_stop_cleanly(Countyd *c)
{
    int status = countyd_stop(c);
    if (status == 0) return 0;
    fprintf(stderr, "countyd did not stop cleanly on SIGTERM (status %d)\n", status);
    return -1;
}

#endif
