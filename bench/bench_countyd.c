/* bench_countyd — what one countyd process does for a county.
 *
 * Starts the real bin/countyd on 127.0.0.1 (a fresh database in /tmp),
 * publishes N items (default 1,000) through the admin API with the whole
 * review cycle, then measures:
 *   - publishing: admin requests per second (PUT + review + approve + publish);
 *   - a full snapshot for a new kiosk: size and time, and its size gzipped on the wire;
 *   - long-poll fan-out: K kiosks (default 15,000) of one township and
 *     K/100 of another each hold a content request (a raw HTTP client of
 *     this bench's own on epoll, from 127.0.0.1..8), an admin posts a
 *     notice for the first township, and the time from the publish to
 *     each of its kiosks having the delta (p50/p99/max); the other
 *     township's kiosks must stay held; after each round the woken kiosks
 *     poll again at once, and the time until all are held again (with
 *     countyd's CPU for it and the admin's requests meanwhile) is printed.
 *     With countyd's resident memory and threads while they wait, an
 *     admin request's latency meanwhile and the machine's load.
 * Usage: bench_countyd [ITEMS] [KIOSKS].  Prints figures; asserts nothing. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "benchutil.h"
#include "monoclock.h"
#include "number.h"

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

/* countyd's default: the slow clients are closed as a county server closes them. */
#define HEADER_TIMEOUT_S 10

static int port;
static char admin_auth[128], reviewer_auth[128], kiosk_auth[128];

static size_t collect(char *p, size_t size, size_t n, void *user)
{
    Buf *b = user;
    return bytes_append(&b->data, &b->len, &b->cap, p, size * n) == 0 ? size * n : 0;
}

static CURL *request(const char *method, const char *path, const char *auth, const char *kiosk_id, const char *body,
                     Buf *out, struct curl_slist **headers)
{
    static char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_easy_init();
    *headers = curl_slist_append(NULL, auth);
    if (kiosk_id) *headers = curl_slist_append(*headers, kiosk_id);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    if (body) curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
    return h;
}

/* One blocking request; returns the status. */
static long call(const char *method, const char *path, const char *auth, const char *kiosk_id, const char *body,
                 Buf *out)
{
    struct curl_slist *headers;
    Buf ignore = {0};
    CURL *h = request(method, path, auth, kiosk_id, body, out ? out : &ignore, &headers);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    free(ignore.data);
    return status;
}

static long admin(const char *method, const char *path, const char *body)
{
    long s = call(method, path, admin_auth, NULL, body, NULL);
    if (s < 200 || s > 299) fprintf(stderr, "bench: %s %s -> %ld\n", method, path, s);
    return s;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static pid_t start_server(const char *dir)
{
    char cmd[1024], db[600], line[256];
    snprintf(db, sizeof db, "%s/county.db", dir);
    /* Two admins: the reviewer of a version may not approve it. */
    char *auth[] = {admin_auth, reviewer_auth};
    for (int a = 0; a < 2; a++) {
        snprintf(cmd, sizeof cmd, "bin/countyd --db %s --add-admin %s", db, a ? "bench-reviewer" : "bench");
        FILE *p = popen(cmd, "r");
        while (p && fgets(line, sizeof line, p))
            if (strspn(line, "0123456789abcdef") == 64)
                snprintf(auth[a], sizeof admin_auth, "Authorization: Bearer %.64s", line);
        if (p) pclose(p);
    }
    port = free_port();
    char listen[64], log[600], conn[16], head[16];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/countyd.log", dir);
    snprintf(conn, sizeof conn, "%d", 19800);
    snprintf(head, sizeof head, "%d", HEADER_TIMEOUT_S);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stderr)) _exit(127);
        /* The kiosks come from a few loopback addresses: many per address. */
        execl("bin/countyd", "countyd", "--db", db, "--listen", listen, "--log-level", "warn", "--max-connections",
              conn, "--max-per-address", "4000", "--header-timeout", head, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && call("GET", "/v1/admin/status", admin_auth, NULL, NULL, NULL) != 200; i++) usleep(50000);
    return pid;
}

static void publish_items(int n)
{
    json_t *cats = json_array();
    for (int c = 0; c < 8; c++)
        json_array_append_new(cats, json_pack("{s:s,s:s}", "id", (char[8]){'c', (char)('0' + c), 0}, "name",
                                              "党组织决议、决定及执行情况"));
    json_t *doc = json_pack("{s:o}", "categories", cats);
    char *text = json_dumps(doc, 0);
    admin("PUT", "/v1/admin/categories", text);
    free(text);
    json_decref(doc);
    char body_text[3001];
    for (int i = 0; i < 1000; i++) memcpy(body_text + 3 * i, "党", 3);
    body_text[3000] = '\0';
    double *put_ms = calloc((size_t)n + 1, sizeof *put_ms);
    double t0 = monoclock_ms();
    for (int i = 0; i < n; i++) {
        char path[128], id[32], cat[8];
        snprintf(id, sizeof id, "item-%05d", i);
        snprintf(cat, sizeof cat, "c%d", i % 8);
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "category", cat, "title", "关于召开党员大会的决定", "body",
                               body_text, "published_at", "2026-01-01T09:00:00+08:00", "period", "immediate", "scope",
                               i % 10 == 9 ? "internal" : "public");
        char *item = json_dumps(it, 0);
        json_decref(it);
        snprintf(path, sizeof path, "/v1/admin/items/%s", id);
        double put_start = monoclock_ms();
        admin("PUT", path, item);
        put_ms[i] = monoclock_ms() - put_start;
        free(item);
        static const char *const steps[] = {"review", "approve", "publish"};
        for (int s = 0; s < 3; s++) {
            snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, steps[s]);
            call("POST", path, s == 0 ? reviewer_auth : admin_auth, NULL, "{}", NULL);
        }
    }
    double ms = monoclock_ms() - t0;
    printf("publish: %d items through draft/review/approve/publish in %.0f ms (%.0f admin requests/s)\n", n, ms,
           4.0 * n / (ms / 1000.0));
    /* An admin write must not get slower the longer the server runs. */
    int tenth = n / 10 > 0 ? n / 10 : 1;
    bench_print_spread("item PUT, first tenth", put_ms, tenth < n ? tenth : n);
    bench_print_spread("item PUT, last tenth", put_ms + n - tenth, tenth < n ? tenth : n);
    bench_print_load("while publishing");
    free(put_ms);
}

static void snapshot(void)
{
    double first = 0, best = 1e9;
    size_t size = 0;
    for (int i = 0; i < 5; i++) {
        Buf b = {0};
        double t0 = monoclock_ms();
        call("GET", "/v1/content?since=0", kiosk_auth, "X-Kiosk-Id: bench-kiosk", NULL, &b);
        double ms = monoclock_ms() - t0;
        if (i == 0) first = ms;
        else if (ms < best) best = ms;
        size = b.len;
        free(b.data);
    }
    printf("snapshot for a new kiosk: %.1f MB, built in %.0f ms, then %.0f ms from the cache\n", size / 1e6, first,
           best);
    /* The same snapshot as a kiosk fetches it, gzip offered: what crosses the wire. */
    struct curl_slist *headers;
    Buf gz = {0};
    CURL *h = request("GET", "/v1/content?since=0", kiosk_auth, "X-Kiosk-Id: bench-kiosk", NULL, &gz, &headers);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    double t0 = monoclock_ms();
    curl_off_t wire = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &wire);
    double ms = monoclock_ms() - t0;
    printf("the same snapshot gzipped on the wire: %.1f MB (%.1fx smaller), %.0f ms for the first gzip request\n",
           (double)wire / 1e6, wire ? (double)size / (double)wire : 0.0, ms);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    free(gz.data);
}

static long server_value(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0 && sscanf(line + strlen(key), "%ld", &v) != 1) v = -1;
    if (f) fclose(f);
    return v;
}

/* A number from GET /v1/admin/status (-1 when it cannot be read). */
static long long status_value(const char *key)
{
    Buf b = {0};
    long long v = -1;
    if (call("GET", "/v1/admin/status", admin_auth, NULL, NULL, &b) == 200) {
        json_t *st = json_loadb(b.data, b.len, 0, NULL);
        json_t *j = json_object_get(st, key);
        if (json_is_integer(j)) v = json_integer_value(j);
        json_decref(st);
    }
    free(b.data);
    return v;
}

/* ---- the long-polling kiosks ------------------------------------------------ */

/* The loopback addresses the kiosks come from (127.0.0.1..N): one
 * address has fewer ports than 15,000 connections need, counting the
 * ones still in TIME_WAIT from earlier runs. */
#define SOURCE_ADDRESSES 8
/* Publishes, each waking every kiosk of town-a: enough admin requests
 * land in the fan-outs for their p99 to mean something. */
#define FAN_OUT_ROUNDS 5

typedef struct {
    char id[16];
    char token[80];
    int fd;
    int status;
    double done_ms;
    char head[1024]; /* the answer's status line and headers */
    size_t got, body_seen;
    long long body_len; /* -1 until the headers are in */
} Kiosk;

static Kiosk *fleet;
static int fleet_size, fleet_a; /* the first fleet_a kiosks are in town-a, the rest in town-b */

/* Registers the kiosks over one kept-alive connection. */
static void register_kiosks(int in_a, int in_b)
{
    fleet_size = in_a + in_b;
    fleet_a = in_a;
    fleet = calloc((size_t)fleet_size, sizeof *fleet);
    admin("POST", "/v1/admin/orgs", "{\"id\":\"town-a\",\"parent\":\"root\",\"name\":\"中共甲镇委员会\"}");
    admin("POST", "/v1/admin/orgs", "{\"id\":\"town-b\",\"parent\":\"root\",\"name\":\"中共乙镇委员会\"}");
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, admin_auth);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/admin/kiosks", port);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    double t0 = monoclock_ms();
    for (int i = 0; i < fleet_size; i++) {
        Kiosk *k = &fleet[i];
        snprintf(k->id, sizeof k->id, "k%05d", i);
        char body[96];
        snprintf(body, sizeof body, "{\"id\":\"%s\",\"org\":\"%s\"}", k->id, i < in_a ? "town-a" : "town-b");
        Buf b = {0};
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
        long code = 0;
        if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        json_t *r = code / 100 == 2 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
        snprintf(k->token, sizeof k->token, "%s", r ? json_string_value(json_object_get(r, "token")) : "");
        if (!r) fprintf(stderr, "bench: registering %s -> %ld\n", k->id, code);
        json_decref(r);
        free(b.data);
    }
    printf("registered %d kiosks (%d in town-a, %d in town-b) in %.1f s\n", fleet_size, in_a, in_b,
           (monoclock_ms() - t0) / 1000);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
}

/* The feed revision a kiosk of that organisation is at (its snapshot's ETag). */
static long long feed_revision(const Kiosk *k)
{
    char auth[128], kid[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", k->token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", k->id);
    struct curl_slist *headers;
    Buf b = {0};
    CURL *h = request("GET", "/v1/content?since=0", auth, kid, NULL, &b, &headers);
    long long rev = -1;
    if (curl_easy_perform(h) == CURLE_OK) {
        json_t *doc = json_loadb(b.data, b.len, 0, NULL);
        rev = json_integer_value(json_object_get(doc, "revision"));
        json_decref(doc);
    }
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    free(b.data);
    return rev;
}

/* Connects kiosk k from its loopback address and sends its long-poll. */
/* Sends kiosk k's long-poll on its connection, as its sync thread does
 * (gzip offered), and watches for the answer. */
static int send_long_poll(Kiosk *k, int i, long long since, int epfd)
{
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /v1/content?since=%lld&wait=90 HTTP/1.1\r\nHost: county\r\nAuthorization: Bearer %s\r\n"
                     "X-Kiosk-Id: %s\r\nAccept-Encoding: gzip\r\n\r\n",
                     since, k->token, k->id);
    if (write(k->fd, req, (size_t)n) != n) return -1;
    k->body_len = -1;
    k->got = k->body_seen = 0;
    k->head[0] = '\0';
    k->done_ms = 0;
    k->status = 0;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, k->fd, &ev);
}

/* Connects kiosk k from its loopback address and sends its long-poll. */
static int open_long_poll(Kiosk *k, int i, long long since, int epfd)
{
    k->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in me = {.sin_family = AF_INET}, to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(i % SOURCE_ADDRESSES));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (k->fd < 0 || bind(k->fd, (struct sockaddr *)&me, sizeof me) ||
        connect(k->fd, (struct sockaddr *)&to, sizeof to))
        return -1;
    if (send_long_poll(k, i, since, epfd)) return -1;
    fcntl(k->fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/* Reads what kiosk k got; its answer is complete when its body is (the
 * connection stays open, as a kiosk's libcurl keeps it). */
static bool read_answer(Kiosk *k)
{
    char buf[4096];
    ssize_t n;
    bool closed = false;
    while ((n = read(k->fd, buf, sizeof buf)) > 0) {
        size_t from = 0;
        if (k->body_len < 0) {
            size_t keep = sizeof k->head - 1 - k->got < (size_t)n ? sizeof k->head - 1 - k->got : (size_t)n;
            memcpy(k->head + k->got, buf, keep);
            k->got += keep;
            k->head[k->got] = '\0';
            char *end = strstr(k->head, "\r\n\r\n");
            if (!end) continue;
            const char *cl = strcasestr(k->head, "\r\nContent-Length:");
            k->body_len = cl ? strtoll(cl + 17, NULL, 10) : 0;
            from = (size_t)(end + 4 - k->head) - (k->got - keep);
        }
        k->body_seen += (size_t)n - from;
    }
    if (n == 0) closed = true;
    else if (errno != EAGAIN && errno != EINTR) closed = true;
    if (!closed && (k->body_len < 0 || (long long)k->body_seen < k->body_len)) return false;
    k->done_ms = monoclock_ms();
    k->status = strncmp(k->head, "HTTP/1.1 ", 9) == 0 ? (int)strtol(k->head + 9, NULL, 10) : -1;
    /* Kept open, as a kiosk's libcurl keeps it for its next request: the
     * fan-out is measured without 15,000 closes in the middle of it. */
    return true;
}

/* An admin asking for the status every 20 ms while the kiosks wait and wake. */
typedef struct {
    atomic_bool stop;
    double at[20000], ms[20000];
    int n;
} AdminProbe;

static void *admin_probe(void *arg)
{
    AdminProbe *p = arg;
    while (!atomic_load(&p->stop) && p->n < 20000) {
        double t0 = monoclock_ms();
        call("GET", "/v1/admin/status", admin_auth, NULL, NULL, NULL);
        p->at[p->n] = t0;
        p->ms[p->n++] = monoclock_ms() - t0;
        usleep(20000);
    }
    return NULL;
}

/* The admin requests that began within one of the windows [from, to). */
static void probe_window(const AdminProbe *p, const char *what, const double *from, const double *to, int windows)
{
    double *ms = calloc((size_t)p->n + 1, sizeof *ms);
    int n = 0;
    for (int i = 0; i < p->n; i++)
        for (int w = 0; w < windows; w++)
            if (p->at[i] >= from[w] && p->at[i] < to[w]) {
                ms[n++] = p->ms[i];
                break;
            }
    bench_print_spread(what, ms, n);
    free(ms);
}

/* countyd's CPU time so far (user + system), from /proc. */
static double server_cpu_ms(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    double ms = -1;
    if (f && fgets(line, sizeof line, f)) {
        char *p = strrchr(line, ')');
        unsigned long long utime, stime;
        if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2)
            ms = (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
    }
    if (f) fclose(f);
    return ms;
}

static void print_server(pid_t pid, const char *when)
{
    printf("countyd %s: %ld threads, %ld kB resident (peak %ld kB)\n", when, server_value(pid, "Threads:"),
           server_value(pid, "VmRSS:"), server_value(pid, "VmHWM:"));
}

/* The open files limit as far as it goes: the kiosks' connections and
 * the slow clients are this process's files too. */
static rlim_t raise_file_limit(void)
{
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    /* Run as root, the hard limit itself may go up to the kernel's
     * (fs.nr_open); otherwise the soft one goes up to the hard one. */
    unsigned long long nr_open = 0;
    FILE *f = fopen("/proc/sys/fs/nr_open", "r");
    if (f && fscanf(f, "%llu", &nr_open) == 1 && nr_open > lim.rlim_max) {
        struct rlimit wider = {.rlim_cur = (rlim_t)nr_open, .rlim_max = (rlim_t)nr_open};
        if (setrlimit(RLIMIT_NOFILE, &wider) == 0) lim = wider;
    }
    if (f) fclose(f);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
    return lim.rlim_cur;
}

/* Raised before countyd starts, which inherits it. */
static rlim_t file_limit;

static void fan_out(pid_t pid, int kiosks)
{
    rlim_t files = file_limit;
    int others = kiosks / 100 > 0 ? kiosks / 100 : 1;
    if ((rlim_t)(kiosks + others + 100) > files) {
        kiosks = (int)files - 100 - others;
        printf("the open files limit is %llu: %d kiosks\n", (unsigned long long)files, kiosks);
    }
    register_kiosks(kiosks, others);
    long long since_a = feed_revision(&fleet[0]), since_b = feed_revision(&fleet[fleet_a]);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    double t0 = monoclock_ms();
    int opened = 0;
    for (int i = 0; i < fleet_size; i++) {
        if (open_long_poll(&fleet[i], i, i < fleet_a ? since_a : since_b, epfd) == 0) opened++;
        else fprintf(stderr, "bench: kiosk %d could not connect: %s\n", i, strerror(errno));
    }
    /* Held once countyd says so, not after a guessed pause. */
    long long held = 0;
    while (monoclock_ms() - t0 < 120000 && (held = status_value("long_polls_held")) < opened) usleep(100000);
    printf("long-poll: %d kiosks connected from %d loopback addresses (open files limit %llu), %lld held after "
           "%.1f s\n",
           opened, SOURCE_ADDRESSES, (unsigned long long)files, held, (monoclock_ms() - t0) / 1000);
    AdminProbe *probe = calloc(1, sizeof *probe);
    pthread_t probe_thread;
    pthread_create(&probe_thread, NULL, admin_probe, probe);
    sleep(2);
    print_server(pid, "holding them");
    bench_print_load("while they are held");
    /* Each round: a notice for town-a, every town-a kiosk answered, and
     * each sends its next long-poll on the same connection. */
    double *ms = calloc((size_t)fleet_a * FAN_OUT_ROUNDS, sizeof *ms), cpu = 0;
    double held_from[FAN_OUT_ROUNDS], last[FAN_OUT_ROUNDS], published[FAN_OUT_ROUNDS];
    /* After each publish the town-a kiosks poll again at once (as their
     * sync threads do): the time until every one is held again, and the
     * admin's requests in that window. */
    double repoll_from[FAN_OUT_ROUNDS], repoll_to[FAN_OUT_ROUNDS];
    int n = 0, ok = 0, early = 0, rounds = 0, repolls = 0;
    for (; rounds < FAN_OUT_ROUNDS; rounds++) {
        if (rounds > 0) {
            long long since = feed_revision(&fleet[0]);
            double t1 = monoclock_ms(), repoll_cpu0 = server_cpu_ms(pid);
            for (int i = 0; i < fleet_a; i++) send_long_poll(&fleet[i], i, since, epfd);
            while (monoclock_ms() - t1 < 60000 && status_value("long_polls_held") < fleet_size) usleep(5000);
            repoll_from[repolls] = t1;
            repoll_to[repolls++] = monoclock_ms();
            printf("round %d: the %d town-a kiosks polled again, all %d held %.0f ms after the first was sent; "
                   "countyd used %.0f ms of CPU for it\n",
                   rounds + 1, fleet_a, fleet_size, monoclock_ms() - t1, server_cpu_ms(pid) - repoll_cpu0);
            usleep(500000);
        }
        held_from[rounds] = rounds ? monoclock_ms() - 500 : t0;
        double cpu0 = server_cpu_ms(pid);
        long long built0 = status_value("feeds_built");
        published[rounds] = monoclock_ms();
        char path[64];
        snprintf(path, sizeof path, "/v1/admin/notices/bench-%d", rounds);
        admin("PUT", path, "{\"text\":\"今天下午三点召开党员大会\",\"org\":\"town-a\"}");
        int answered = 0;
        struct epoll_event evs[256];
        while (answered < fleet_a && monoclock_ms() - published[rounds] < 60000) {
            int got = epoll_wait(epfd, evs, 256, 1000);
            for (int e = 0; e < got; e++) {
                Kiosk *k = &fleet[evs[e].data.u32];
                if (k->done_ms > 0 || !read_answer(k)) continue;
                epoll_ctl(epfd, EPOLL_CTL_DEL, k->fd, NULL);
                if ((int)evs[e].data.u32 < fleet_a) {
                    answered++;
                    ok += k->status == 200;
                    ms[n++] = k->done_ms - published[rounds];
                } else early++;
            }
        }
        last[rounds] = monoclock_ms();
        cpu += server_cpu_ms(pid) - cpu0;
        printf("round %d: %d of %d town-a kiosks answered, the last %.1f ms after the publish; %lld feed documents "
               "built for them\n",
               rounds + 1, answered, fleet_a, last[rounds] - published[rounds], status_value("feeds_built") - built0);
    }
    atomic_store(&probe->stop, true);
    pthread_join(probe_thread, NULL);
    printf("%d publishes of a notice for town-a: %d answers of 200 to %d kiosks; countyd used %.0f ms of CPU a round\n",
           rounds, ok, fleet_a, cpu / rounds);
    bench_print_spread("publish -> kiosk notified (town-a)", ms, n);
    bench_print_load("during the fan-out");
    long long still = status_value("long_polls_held");
    printf("town-b: %d of %d kiosks answered (their feed did not change), %lld long-polls still held\n", early,
           fleet_size - fleet_a, still);
    probe_window(probe, "admin status, kiosks held", held_from, published, rounds);
    probe_window(probe, "admin status, kiosks being answered", published, last, rounds);
    probe_window(probe, "admin status, kiosks polling again", repoll_from, repoll_to, repolls);
    print_server(pid, "after the fan-out");
    for (int i = 0; i < fleet_size; i++)
        if (fleet[i].fd >= 0) close(fleet[i].fd);
    close(epfd);
    free(ms);
    free(probe);
}

/* ---- a flood of slow clients ------------------------------------------------ */

/* They come from addresses of their own (127.0.0.9 and on), each as many
 * as countyd's per-address limit in this bench lets in. */
#define FLOOD_FIRST_ADDRESS 9
#define FLOOD_ADDRESSES 8

typedef struct {
    int fd;
    double opened_ms, closed_ms;
} Slow;

/* A normal kiosk's heartbeat on a connection of its own; its time. */
static double kiosk_heartbeat(const Kiosk *k, long *status)
{
    char auth[128], kid[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", k->token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", k->id);
    struct curl_slist *headers;
    Buf b = {0};
    CURL *h = request("POST", "/v1/heartbeat", auth, kid, "{}", &b, &headers);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    double t0 = monoclock_ms();
    *status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    double ms = monoclock_ms() - t0;
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    free(b.data);
    return ms;
}

/* `count` clients that send a request head a byte a second, never
 * finishing it, while kiosks send heartbeats and an admin asks for the
 * status; until countyd has closed every slow one (its header timeout). */
static void slow_flood(pid_t pid, int count, int header_timeout_s)
{
    Slow *slow = calloc((size_t)count, sizeof *slow);
    int epfd = epoll_create1(EPOLL_CLOEXEC), opened = 0;
    static const char start[] = "GET /v1/admin/status HTTP/1.1\r\nHost: county\r\nX-Slow: ";
    for (int i = 0; i < count; i++) {
        slow[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in me = {.sin_family = AF_INET},
                           to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        me.sin_addr.s_addr = htonl(INADDR_LOOPBACK + FLOOD_FIRST_ADDRESS + (uint32_t)(i % FLOOD_ADDRESSES));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (slow[i].fd < 0 || bind(slow[i].fd, (struct sockaddr *)&me, sizeof me) ||
            connect(slow[i].fd, (struct sockaddr *)&to, sizeof to) ||
            send(slow[i].fd, start, sizeof start - 1, MSG_NOSIGNAL) < 0) {
            if (slow[i].fd >= 0) close(slow[i].fd);
            slow[i].fd = -1;
            continue;
        }
        slow[i].opened_ms = monoclock_ms();
        struct epoll_event ev = {.events = EPOLLRDHUP, .data.u32 = (uint32_t)i};
        epoll_ctl(epfd, EPOLL_CTL_ADD, slow[i].fd, &ev);
        opened++;
    }
    printf("slow clients: %d connected from %d loopback addresses, each sending its request head a byte a second\n",
           opened, FLOOD_ADDRESSES);
    print_server(pid, "with the slow clients");
    double *beat = calloc(100000, sizeof *beat), *adm = calloc(100000, sizeof *adm);
    int beats = 0, admins = 0, bad = 0, open_now = opened;
    double next_trickle = 0, t0 = monoclock_ms();
    while (open_now > 0 && monoclock_ms() - t0 < 1000.0 * (header_timeout_s + 20)) {
        if (monoclock_ms() >= next_trickle) {
            for (int i = 0; i < count; i++)
                if (slow[i].fd >= 0 && !slow[i].closed_ms) send(slow[i].fd, "x", 1, MSG_NOSIGNAL);
            next_trickle = monoclock_ms() + 1000;
        }
        struct epoll_event evs[256];
        int n = epoll_wait(epfd, evs, 256, 0);
        for (int e = 0; e < n; e++) {
            Slow *c = &slow[evs[e].data.u32];
            if (c->closed_ms) continue;
            c->closed_ms = monoclock_ms();
            epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
            open_now--;
        }
        /* A kiosk's heartbeat every 10 ms or so, an admin's request every 50. */
        long status = 0;
        if (beats < 100000) {
            beat[beats] = kiosk_heartbeat(&fleet[beats % fleet_a], &status);
            beats++;
            if (status != 200) bad++;
        }
        if (admins < 100000 && beats % 5 == 0) {
            double a0 = monoclock_ms();
            if (call("GET", "/v1/admin/status", admin_auth, NULL, NULL, NULL) != 200) bad++;
            adm[admins++] = monoclock_ms() - a0;
        }
        usleep(10000);
    }
    double *closed = calloc((size_t)opened + 1, sizeof *closed);
    int n_closed = 0;
    for (int i = 0; i < count; i++)
        if (slow[i].closed_ms) closed[n_closed++] = slow[i].closed_ms - slow[i].opened_ms;
    printf("slow clients closed by countyd (header timeout %d s): %d of %d; %d kiosk or admin requests failed\n",
           header_timeout_s, n_closed, opened, bad);
    bench_print_spread("slow client: connect -> closed", closed, n_closed);
    bench_print_spread("kiosk heartbeat during the flood", beat, beats);
    bench_print_spread("admin status during the flood", adm, admins);
    bench_print_load("during the flood");
    for (int i = 0; i < count; i++)
        if (slow[i].fd >= 0) close(slow[i].fd);
    close(epfd);
    free(closed);
    free(beat);
    free(adm);
    free(slow);
}

int main(int argc, char **argv)
{
    int items = 1000, kiosks = 15000;
    if ((argc > 1 && number_parse_int(argv[1], 1, 1000000, &items)) ||
        (argc > 2 && number_parse_int(argv[2], 1, 100000, &kiosks))) {
        fprintf(stderr, "usage: bench_countyd [ITEMS [KIOSKS]]\n");
        return 2;
    }
    char dir[] = "/tmp/bench-countyd.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    file_limit = raise_file_limit();
    pid_t pid = start_server(dir);
    Buf reg = {0};
    call("POST", "/v1/admin/kiosks", admin_auth, NULL, "{\"id\":\"bench-kiosk\"}", &reg);
    json_t *r = json_loads(reg.data ? reg.data : "", 0, NULL);
    snprintf(kiosk_auth, sizeof kiosk_auth, "Authorization: Bearer %s", json_string_value(json_object_get(r, "token")));
    json_decref(r);
    free(reg.data);

    publish_items(items);
    snapshot();
    fan_out(pid, kiosks);
    slow_flood(pid, kiosks / 5 > 0 ? kiosks / 5 : 1, HEADER_TIMEOUT_S);
    free(fleet);

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
    curl_global_cleanup();
    return 0;
}
