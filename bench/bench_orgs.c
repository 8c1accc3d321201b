/* bench_orgs — a county's tree of organisations on one countyd.
 *
 * Starts the real bin/countyd on 127.0.0.1 (a fresh database in /tmp) and
 * measures, through the admin and kiosk APIs:
 *   1. publishing 10,000 items with the whole review cycle using the batch
 *      calls (PUT /v1/admin/items, POST /v1/admin/items/steps; 1,000 items
 *      per request, reviewed by one admin and approved by another) — the
 *      goal is under 30 s;
 *   2. in a county of 300 organisations (县委, 20 乡镇, 279 村) holding
 *      100,000 published items, the time countyd takes to answer one
 *      organisation's full feed (a kiosk's snapshot, never cached before),
 *      for kiosks of 30 different villages — the goal is under 50 ms.
 * Usage: bench_orgs [ITEMS] [ORGS] [COUNTY_ITEMS].  Prints p50/p99/max and the
 * machine's load; asserts nothing. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytes.h"
#include "benchutil.h"
#include "monoclock.h"
#include "number.h"

#define BATCH 1000
#define TOWNSHIPS 20
#define SAMPLES 30

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static int port;
static char admin_auth[128], reviewer_auth[128];

static size_t collect(char *p, size_t size, size_t n, void *user)
{
    Buf *b = user;
    return bytes_append(&b->data, &b->len, &b->cap, p, size * n) == 0 ? size * n : 0;
}

/* One blocking request; returns the status (the body into *out if given). */
static long call(const char *method, const char *path, const char *auth, const char *kiosk, const char *body, Buf *out)
{
    char url[512], kid[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, auth);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (kiosk) {
        snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", kiosk);
        headers = curl_slist_append(headers, kid);
    }
    Buf ignore = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out ? out : &ignore);
    if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    free(ignore.data);
    return status;
}

static void must(long status, const char *what)
{
    if (status >= 200 && status <= 299) return;
    fprintf(stderr, "bench_orgs: %s -> HTTP %ld\n", what, status);
    exit(1);
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

static void add_admin(const char *db, const char *name, char *auth)
{
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "bin/countyd --db %s --add-admin %s", db, name);
    FILE *p = popen(cmd, "r");
    while (p && fgets(line, sizeof line, p))
        if (strspn(line, "0123456789abcdef") == 64) snprintf(auth, 128, "Authorization: Bearer %.64s", line);
    if (p) pclose(p);
}

static pid_t start_server(const char *dir)
{
    char db[600], listen[64], log[600];
    snprintf(db, sizeof db, "%s/county.db", dir);
    add_admin(db, "bench", admin_auth);
    add_admin(db, "bench-reviewer", reviewer_auth);
    port = free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/countyd.log", dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stderr)) _exit(127);
        execl("bin/countyd", "countyd", "--db", db, "--listen", listen, "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && call("GET", "/v1/admin/status", admin_auth, NULL, NULL, NULL) != 200; i++) usleep(50000);
    return pid;
}

static void print_stats(const char *what, double *ms, int n)
{
    if (n <= 0) {
        printf("%s: no samples\n", what);
        return;
    }
    qsort(ms, (size_t)n, sizeof *ms, bench_by_value);
    printf("%s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)\n", what, ms[n / 2],
           ms[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], ms[n - 1], n);
}

static void put_categories(void)
{
    json_t *cats = json_array();
    for (int c = 0; c < 8; c++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", c);
        json_array_append_new(cats, json_pack("{s:s,s:s}", "id", id, "name", "党组织决议、决定及执行情况"));
    }
    json_t *doc = json_pack("{s:o}", "categories", cats);
    char *text = json_dumps(doc, 0);
    must(call("PUT", "/v1/admin/categories", admin_auth, NULL, text, NULL), "categories");
    free(text);
    json_decref(doc);
}

/* Items first..first+n-1 of organisation org(i), body of `body_chars` characters. */
typedef const char *(*OrgOf)(int i, const char **audience);

/* Drafts, reviews, approves and publishes one batch; returns the ms of each call. */
static void publish_batch(const char *prefix, int first, int n, OrgOf org_of, int body_chars, double *ms4)
{
    static char body_text[3 * 1000 + 1];
    for (int i = 0; i < body_chars && i < 1000; i++) memcpy(body_text + 3 * i, "党", 3);
    body_text[3 * (body_chars < 1000 ? body_chars : 1000)] = '\0';
    json_t *items = json_array(), *ids = json_array();
    for (int i = first; i < first + n; i++) {
        char id[40], cat[8];
        snprintf(id, sizeof id, "%s-%06d", prefix, i);
        snprintf(cat, sizeof cat, "c%d", i % 8);
        const char *audience = "subtree";
        const char *org = org_of ? org_of(i, &audience) : NULL;
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "category", cat, "title",
                               "关于召开党员大会的决定", "body", body_text, "published_at", "2026-01-01T09:00:00+08:00",
                               "period", "immediate", "scope", "public", "audience", audience);
        if (org) json_object_set_new(it, "org", json_string(org));
        json_array_append_new(items, it);
        json_array_append_new(ids, json_string(id));
    }
    json_t *put = json_pack("{s:o}", "items", items);
    char *text = json_dumps(put, JSON_COMPACT);
    double t0 = monoclock_ms();
    must(call("PUT", "/v1/admin/items", admin_auth, NULL, text, NULL), "batch put");
    ms4[0] = monoclock_ms() - t0;
    free(text);
    json_decref(put);
    static const char *const steps[] = {"review", "approve", "publish"};
    for (int s = 0; s < 3; s++) {
        json_t *b = json_pack("{s:s,s:O,s:s}", "step", steps[s], "ids", ids, "note", "批量发布");
        text = json_dumps(b, JSON_COMPACT);
        t0 = monoclock_ms();
        must(call("POST", "/v1/admin/items/steps", s == 0 ? reviewer_auth : admin_auth, NULL, text, NULL), steps[s]);
        ms4[s + 1] = monoclock_ms() - t0;
        free(text);
        json_decref(b);
    }
    json_decref(ids);
}

static void bench_publish(int n)
{
    put_categories();
    int batches = (n + BATCH - 1) / BATCH;
    double *ms = calloc((size_t)batches * 4, sizeof *ms);
    double t0 = monoclock_ms();
    for (int b = 0; b < batches; b++) {
        int count = n - b * BATCH < BATCH ? n - b * BATCH : BATCH;
        publish_batch("pub", b * BATCH, count, NULL, 1000, ms + 4 * b);
    }
    double total = monoclock_ms() - t0;
    printf("publish: %d items (1,000 characters each) drafted, reviewed, approved and published in %.1f s "
           "(%.0f items/s; goal: under 30 s)\n",
           n, total / 1000, n / (total / 1000));
    for (int s = 0; s < 4; s++) {
        static const char *const names[] = {"draft (PUT)", "review", "approve", "publish"};
        double per[1000];
        for (int b = 0; b < batches && b < 1000; b++) per[b] = ms[4 * b + s];
        char what[96];
        snprintf(what, sizeof what, "  one batch of 1,000: %s", names[s]);
        print_stats(what, per, batches < 1000 ? batches : 1000);
    }
    free(ms);
}

/* The county of part 2: org 0 = root, 1..TOWNSHIPS townships, the rest villages. */
static int n_orgs;
static char org_ids[1000][16];

static const char *county_org(int i, const char **audience)
{
    int o = i % n_orgs;
    /* One item in five is meant for the organisations below too. */
    *audience = i % 5 == 0 ? "subtree" : "own";
    return org_ids[o];
}

static void build_county(int orgs)
{
    n_orgs = orgs < 1000 ? orgs : 1000;
    snprintf(org_ids[0], sizeof org_ids[0], "root");
    for (int o = 1; o < n_orgs; o++) {
        bool township = o <= TOWNSHIPS;
        snprintf(org_ids[o], sizeof org_ids[o], township ? "town%02d" : "vil%03d", township ? o : o);
        char body[256];
        snprintf(body, sizeof body, "{\"id\":\"%s\",\"parent\":\"%s\",\"name\":\"中共%s委员会\"}", org_ids[o],
                 township ? "root" : org_ids[1 + (o % TOWNSHIPS)], org_ids[o]);
        must(call("POST", "/v1/admin/orgs", admin_auth, NULL, body, NULL), "org");
    }
}

static void bench_feed(int orgs, int items)
{
    double t0 = monoclock_ms();
    build_county(orgs);
    double dummy[4];
    for (int b = 0; b * BATCH < items; b++)
        publish_batch("cty", b * BATCH, items - b * BATCH < BATCH ? items - b * BATCH : BATCH, county_org, 100, dummy);
    printf("county: %d organisations, %d items published in %.1f s\n", n_orgs, items, (monoclock_ms() - t0) / 1000);
    double ms[SAMPLES] = {0};
    long long bytes = 0;
    int n = 0;
    for (int s = 0; s < SAMPLES && TOWNSHIPS + 1 + s < n_orgs; s++) {
        const char *org = org_ids[TOWNSHIPS + 1 + s * ((n_orgs - TOWNSHIPS - 1) / SAMPLES)];
        char body[200], kiosk[40];
        snprintf(kiosk, sizeof kiosk, "k-%s", org);
        snprintf(body, sizeof body, "{\"id\":\"%s\",\"org\":\"%s\"}", kiosk, org);
        Buf reg = {0};
        must(call("POST", "/v1/admin/kiosks", admin_auth, NULL, body, &reg), "kiosk");
        json_t *ans = json_loadb(reg.data, reg.len, 0, NULL);
        char auth[128];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", json_string_value(json_object_get(ans, "token")));
        json_decref(ans);
        free(reg.data);
        Buf feed = {0};
        double f0 = monoclock_ms();
        must(call("GET", "/v1/content?since=0", auth, kiosk, NULL, &feed), "content");
        ms[n++] = monoclock_ms() - f0;
        bytes += (long long)feed.len;
        free(feed.data);
    }
    print_stats("one village's full feed (snapshot, first request of its organisation; goal: under 50 ms)", ms, n);
    printf("  average feed: %.0f KB\n", n ? bytes / 1024.0 / n : 0.0);
}

int main(int argc, char **argv)
{
    int items = 10000, orgs = 300, county_items = 100000;
    if ((argc > 1 && number_parse_int(argv[1], 1, 1000000, &items)) ||
        (argc > 2 && number_parse_int(argv[2], 2, 1000, &orgs)) ||
        (argc > 3 && number_parse_int(argv[3], 0, 1000000, &county_items))) {
        fprintf(stderr, "usage: bench_orgs [ITEMS] [ORGS] [COUNTY_ITEMS]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char dir[] = "/tmp/bench_orgs.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char part1[600], part2[600];
    snprintf(part1, sizeof part1, "%s/publish", dir);
    snprintf(part2, sizeof part2, "%s/county", dir);
    bench_print_load("before");
    /* Two servers, so that the 10,000 items of part 1 (all meant for every
     * organisation) do not sit in every feed of part 2. */
    pid_t pid = mkdir(part1, 0700) == 0 ? start_server(part1) : -1;
    if (pid < 0) return 1;
    bench_publish(items);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    pid = mkdir(part2, 0700) == 0 ? start_server(part2) : -1;
    if (pid < 0) return 1;
    put_categories();
    bench_feed(orgs, county_items);
    bench_print_load("after");
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_orgs: could not remove %s\n", dir);
    curl_global_cleanup();
    return 0;
}
