/* bench_countyd — what one countyd process does for a county.
 *
 * Starts the real bin/countyd on 127.0.0.1 (a fresh database in /tmp),
 * publishes N items (default 1,000) through the admin API with the whole
 * review cycle, then measures:
 *   - publishing: admin requests per second (PUT + review + approve + publish);
 *   - a full snapshot for a new kiosk: size and time, and its size gzipped on the wire;
 *   - long-poll fan-out: K kiosks (default 500) hold a content request,
 *     an admin posts a notice, and the time until every kiosk has its
 *     delta; with the server's memory and threads while they wait.
 * Usage: bench_countyd [ITEMS] [KIOSKS].  Prints figures; asserts nothing. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "monoclock.h"
#include "number.h"

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

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
    char listen[64], log[600], conn[16];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/countyd.log", dir);
    snprintf(conn, sizeof conn, "%d", 4000);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stderr)) _exit(127);
        execl("bin/countyd", "countyd", "--db", db, "--listen", listen, "--log-level", "warn", "--max-connections",
              conn, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && call("GET", "/v1/admin/status", admin_auth, NULL, NULL, NULL) != 200; i++) usleep(50000);
    return pid;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* p50/p99/max of n samples (sorted in place), with the machine's load. */
static void print_latency(const char *what, double *ms, int n)
{
    if (n <= 0) return;
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double load[3] = {0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        fclose(f);
    }
    printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d (load %.2f)\n", what, ms[n / 2], ms[(n * 99) / 100],
           ms[n - 1], n, load[0]);
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
    print_latency("item PUT, first tenth", put_ms, tenth < n ? tenth : n);
    print_latency("item PUT, last tenth", put_ms + n - tenth, tenth < n ? tenth : n);
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

static void fan_out(pid_t pid, int kiosks)
{
    Buf status = {0};
    call("GET", "/v1/admin/status", admin_auth, NULL, NULL, &status);
    json_t *st = json_loads(status.data ? status.data : "", 0, NULL);
    long long rev = json_integer_value(json_object_get(st, "revision"));
    json_decref(st);
    free(status.data);

    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)kiosks + 10);
    CURL **handles = calloc((size_t)kiosks, sizeof *handles);
    Buf *bufs = calloc((size_t)kiosks, sizeof *bufs);
    struct curl_slist **hdrs = calloc((size_t)kiosks, sizeof *hdrs);
    double *done = calloc((size_t)kiosks, sizeof *done);
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=60", rev);
    for (int i = 0; i < kiosks; i++) {
        handles[i] = request("GET", path, kiosk_auth, "X-Kiosk-Id: bench-kiosk", NULL, &bufs[i], &hdrs[i]);
        curl_easy_setopt(handles[i], CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(handles[i], CURLOPT_PRIVATE, (void *)(long)i);
        curl_multi_add_handle(multi, handles[i]);
    }
    int running = kiosks;
    double start = monoclock_ms(), published = 0;
    int answered = 0, ok = 0;
    while (running > 0 && monoclock_ms() - start < 90000) {
        curl_multi_perform(multi, &running);
        if (!published && monoclock_ms() - start > 3000) {
            printf("long-poll: %d kiosks waiting; countyd holds %ld threads, %ld kB resident\n", running,
                   server_value(pid, "Threads:"), server_value(pid, "VmRSS:"));
            published = monoclock_ms();
            admin("PUT", "/v1/admin/notices/bench", "{\"text\":\"今天下午三点召开党员大会\"}");
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left))) {
            if (m->msg != CURLMSG_DONE) continue;
            long i, code = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&i);
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            done[i] = monoclock_ms();
            answered++;
            ok += code == 200;
        }
        curl_multi_poll(multi, NULL, 0, 20, NULL);
    }
    double last = 0;
    for (int i = 0; i < kiosks; i++)
        if (done[i] - published > last) last = done[i] - published;
    printf("long-poll fan-out: %d of %d kiosks got the new notice (200), the last %.0f ms after the publish\n", ok,
           kiosks, last);
    for (int i = 0; i < kiosks; i++) {
        curl_multi_remove_handle(multi, handles[i]);
        curl_easy_cleanup(handles[i]);
        curl_slist_free_all(hdrs[i]);
        free(bufs[i].data);
    }
    curl_multi_cleanup(multi);
    free(handles);
    free(bufs);
    free(hdrs);
    free(done);
}

int main(int argc, char **argv)
{
    int items = 1000, kiosks = 500;
    if ((argc > 1 && number_parse_int(argv[1], 1, 1000000, &items)) ||
        (argc > 2 && number_parse_int(argv[2], 1, 100000, &kiosks))) {
        fprintf(stderr, "usage: bench_countyd [ITEMS [KIOSKS]]\n");
        return 2;
    }
    char dir[] = "/tmp/bench-countyd.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
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

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
    curl_global_cleanup();
    return 0;
}
