/* bench_soak.c — whether the kiosk's memory stays flat over a long day.
 *
 * Runs the real program (bin/kiosk --headless, SDL's software renderer at
 * 1920x1080 on the dummy video driver) on a script it reads from a FIFO,
 * and feeds it, round after round for BENCH_SOAK_S seconds (default 180;
 * `make soak` runs 1800), the visitor's round of tests/headless/soak.txt:
 * home, a category, the reader (the sample's long item page by page in both
 * text sizes), a picture zoomed, the PDF pages and one zoomed, the answers,
 * the feedback form with the keyboard open (pinyin, then handwriting), the
 * lookup, the attract carousel and the sleep screen.  The first round and
 * every BENCH_SOAK_LONG_EVERY-th (default 5) also read a 100,000-character
 * item (imported by the bench) page by page in both sizes.  Each round ends
 * with a dump the bench waits for, so the script never runs ahead.
 *
 * /proc/PID/smaps_rollup is read every 100 ms: RSS, PSS and its anonymous
 * part (benchkiosk.h says why), p50/p99/max,
 * and the medians of the first and the last tenth of the samples with the
 * drift between them in % (memory that grows with time shows there).
 * Prints the rounds, the machine's load before and after; asserts nothing,
 * but fails when a check of the script fails. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchkiosk.h"
#include "benchutil.h"
#include "monoclock.h"

#define TOUR "tests/headless/soak.txt"
#define TOUR_MARK "# tour:"
#define SAMPLE_MS 100
#define LONG_CHARS 100000
#define LONG_TITLE "青禾镇党务公开资料汇编（全文）"
#define ROUND_TIMEOUT_MS 600000

static pid_t kiosk_pid; /* stopped when the bench stops early */

static void die(const char *what)
{
    fprintf(stderr, "bench_soak: %s\n", what);
    if (kiosk_pid > 0) kill(kiosk_pid, SIGTERM);
    exit(1);
}

static void stop_kiosk(int sig)
{
    if (kiosk_pid > 0) kill(kiosk_pid, SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The sample's revision 1, plus one pinned item of LONG_CHARS characters
 * in a category of its own (依申请公开) beside the round's long item. */
static void write_long_item(const char *path)
{
    static const char *const sentences[] = {
        "镇党委坚持把党务公开作为联系群众的重要途径，按季度梳理公开目录。",
        "各村党组织对照清单逐项落实，公开内容经支部委员会集体研究后发布。",
        "对群众关心的集体资金使用、项目建设和帮扶救助情况，做到应公开尽公开。",
        "公开后收集到的意见建议，由镇党委办公室登记，十五个工作日内答复。",
        "党员冬训期间，各支部组织学习党章党规，并结合实际开展讨论交流。",
    };
    size_t cap = (size_t)LONG_CHARS * 4, len = 0;
    char *body = malloc(cap);
    if (!body) die("out of memory");
    int chars = 0;
    for (int p = 1; chars < LONG_CHARS; p++) {
        len += (size_t)snprintf(body + len, cap - len, "%s第%d条　", p > 1 ? "\n" : "", p);
        chars += 4;
        for (int k = 0; k < 4 && chars < LONG_CHARS; k++) {
            const char *s = sentences[(p + k) % 5];
            size_t n = strlen(s);
            if (len + n + 64 >= cap) break;
            memcpy(body + len, s, n);
            len += n;
            chars += (int)(n / 3);
        }
    }
    body[len] = '\0';
    json_t *doc = json_pack("{s:s, s:i, s:s, s:i, s:i, s:{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}]}}",
                            "format", "dangwu-feed", "version", 1, "kind", "delta", "base_revision", 1, "revision", 2,
                            "items", "upsert", "id", "soak-long", "category", "qt-sq", "title", LONG_TITLE, "unit",
                            "中共青禾镇委员会", "published_at", "2026-11-01T09:00:00+08:00", "period", "long_term",
                            "scope", "public", "pinned", 1, "body_format", "plain", "body", body);
    free(body);
    if (!doc || json_dump_file(doc, path, 0) != 0) die("cannot write the long item");
    json_decref(doc);
}

/* tests/headless/soak.txt split at its TOUR_MARK: the set-up before it,
 * the round after it. */
static void read_tour(char **setup, char **round)
{
    FILE *f = fopen(TOUR, "r");
    if (!f) die("cannot read " TOUR);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    char line[2048];
    while (mem && fgets(line, sizeof line, f)) fputs(line, mem);
    fclose(f);
    if (!mem || fclose(mem) != 0) die("out of memory");
    char *mark = strstr(text, "\n" TOUR_MARK);
    if (!mark) die(TOUR " has no \"" TOUR_MARK "\" line");
    *round = strdup(mark + 1);
    mark[1] = '\0';
    *setup = text;
    if (!*round) die("out of memory");
}

static const char *long_round = "tap-text 其他应当公开的事项\n"
                                "tap-text 依申请公开\n"
                                "tap-text " LONG_TITLE "\n"
                                "expect-screen reader\n"
                                "read-item\n"
                                "tap-text nav.back\n"
                                "tap-text " LONG_TITLE "\n"
                                "tap-text 大字阅读\n"
                                "read-item\n"
                                "tap-text 标准字号\n"
                                "tap-text nav.home\n"
                                "expect-screen home\n";

typedef struct Samples {
    double *rss, *pss, *anon;
    int n, cap;
} Samples;

static void sample(Samples *s, pid_t pid)
{
    double r, p, a;
    if (!bench_rollup(pid, &r, &p, &a)) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->rss = realloc(s->rss, (size_t)s->cap * sizeof *s->rss);
        s->pss = realloc(s->pss, (size_t)s->cap * sizeof *s->pss);
        s->anon = realloc(s->anon, (size_t)s->cap * sizeof *s->anon);
        if (!s->rss || !s->pss || !s->anon) die("out of memory");
    }
    s->rss[s->n] = r;
    s->pss[s->n] = p;
    s->anon[s->n] = a;
    s->n++;
}

static int by_value(const void *a, const void *b) { return bench_by_value(a, b); }

/* The median of n samples from v (in time order), in kB. */
static double median_of(const double *v, int n)
{
    double *c = malloc((size_t)(n > 0 ? n : 1) * sizeof *c);
    if (!c) die("out of memory");
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, by_value);
    double m = n > 0 ? bench_rank(c, n, 50) : 0;
    free(c);
    return m;
}

/* p50/p99/max, then the first and last tenth's medians and their drift. */
static void print_series(const char *what, const double *v, int n)
{
    int tenth = n / 10 > 0 ? n / 10 : 1;
    double first = median_of(v, tenth), last = median_of(v + n - tenth, tenth);
    double *c = malloc((size_t)(n > 0 ? n : 1) * sizeof *c);
    if (!c) die("out of memory");
    memcpy(c, v, (size_t)n * sizeof *c);
    bench_print_mib(what, c, n);
    free(c);
    printf("    %-9s first tenth %7.1f  last tenth %7.1f MiB (medians): drift %+.1f %%\n", what, first / 1024,
           last / 1024, first > 0 ? (last - first) / first * 100 : 0);
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

int main(void)
{
    if (access("bin/kiosk", X_OK) != 0) die("bin/kiosk is not built (make all)");
    int seconds = bench_env_int("BENCH_SOAK_S", 180, 10, 86400);
    int long_every = bench_env_int("BENCH_SOAK_LONG_EVERY", 5, 1, 1000000);
    char dir[] = "/tmp/bench-soak.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp failed");
    char conf[256], fifo[300], shots[300], long_item[300];
    if (!bench_kiosk_config(dir, NULL, conf, sizeof conf)) die("cannot write the config");
    snprintf(fifo, sizeof fifo, "%s/script", dir);
    snprintf(shots, sizeof shots, "%s/shots", dir);
    snprintf(long_item, sizeof long_item, "%s/long.json", dir);
    write_long_item(long_item);
    char *setup, *round;
    read_tour(&setup, &round);
    if (mkfifo(fifo, 0600) != 0) die("mkfifo failed");

    printf("kiosk soak, headless at 1920x1080, software renderer, %d s, %s round after round (a %d-character item "
           "read in both sizes in rounds 1, 1+%d, ...), smaps_rollup every %d ms\n  ",
           seconds, TOUR, LONG_CHARS, long_every, SAMPLE_MS);
    bench_print_load("before");
    fflush(stdout);
    pid_t pid = bench_kiosk_headless(conf, fifo, shots);
    kiosk_pid = pid;
    signal(SIGTERM, stop_kiosk);
    signal(SIGINT, stop_kiosk);
    signal(SIGPIPE, SIG_IGN);
    FILE *script = fopen(fifo, "w");
    if (!script) die("cannot open the kiosk's script");
    setvbuf(script, NULL, _IOLBF, 0);
    fprintf(script, "%simport %s\n", setup, long_item);

    Samples s = {0};
    double t0 = monoclock_ms(), end = t0 + seconds * 1000.0;
    int rounds = 0, long_reads = 0, status = 0;
    bool gone = false;
    while (!gone && monoclock_ms() < end) {
        bool with_long = rounds % long_every == 0;
        char mark[64], path[400];
        snprintf(mark, sizeof mark, "soak-%d", rounds);
        snprintf(path, sizeof path, "%s/%s.json", shots, mark);
        if (fprintf(script, "%s%sdump %s\n", round, with_long ? long_round : "", mark) < 0) break;
        fflush(script);
        double started = monoclock_ms();
        while (!exists(path)) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                gone = true;
                break;
            }
            if (monoclock_ms() - started > ROUND_TIMEOUT_MS) die("a round took more than 10 minutes");
            sample(&s, pid);
            nanosleep(&(struct timespec){0, SAMPLE_MS * 1000000L}, NULL);
        }
        if (gone) break;
        rounds++;
        long_reads += with_long;
    }
    fclose(script); /* the end of its script: the kiosk stops */
    if (!gone) waitpid(pid, &status, 0);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("  %d rounds (%d with the long item) in %.0f s: %s\n", rounds, long_reads, (monoclock_ms() - t0) / 1000,
           ok ? "every check held" : "FAILED (a check of the script did not hold)");
    print_series("RSS", s.rss, s.n);
    print_series("PSS", s.pss, s.n);
    print_series("PSS anon", s.anon, s.n);
    printf("  ");
    bench_print_load("after");
    free(s.rss);
    free(s.pss);
    free(s.anon);
    free(setup);
    free(round);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_soak: could not remove %s\n", dir);
    return ok ? 0 : 1;
}
