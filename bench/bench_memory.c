/* bench_memory.c — what the kiosk holds in memory while a visitor reads.
 *
 * Runs the real program (bin/kiosk --headless, SDL's software renderer at
 * 1920x1080 on the dummy video driver) on each headless script below
 * (without its screenshot lines, copy_file), on a fresh database, fed
 * through a FIFO, and reads /proc/PID/smaps_rollup
 * every 10 ms while it runs: RSS (pages it has in memory), PSS (shared
 * pages counted by their share, what the kiosk costs the machine) and PSS's
 * anonymous part (benchkiosk.h).  Prints p50/p99/max of the samples in MiB,
 * then the state the script leaves ("at the end": the median of ten
 * samples once the kiosk has done the script's last line and waits for
 * more), the same once its screen has been still for 3 s of its clock
 * ("at rest": what a kiosk holds while nobody touches it, past app.c's
 * REST_AFTER_MS), and the machine's load before and after.  A figure that grows
 * with the item's length (read.txt reads a long item page by page) is
 * memory not bounded by design. */
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchkiosk.h"
#include "benchutil.h"

#define MAX_SAMPLES 60000
#define SAMPLE_NS 10000000L

/* What a visitor does, and after: one or more scripts run one after the
 * other, then lines of the bench's own (NULL: none). */
typedef struct Run {
    const char *what;
    const char *scripts[2];
    const char *then;
} Run;

static const Run runs[] = {
    {"browse.txt: every screen by touch", {"tests/headless/browse.txt"}, NULL},
    /* the idle timeout (90 s) brings the home screen back: what the kiosk
     * keeps once the visitor has gone */
    {"browse.txt, then idle until the home screen is back", {"tests/headless/browse.txt"}, "wait 91000\nwait 2000\n"},
    {"read.txt: a long item page by page in both sizes", {"tests/headless/read.txt"}, NULL},
    {"task-2-pinyin.txt: the keyboard open, pinyin", {"tests/headless/task-2-pinyin.txt"}, NULL},
    {"task-3-handwriting.txt: the keyboard open, handwriting", {"tests/headless/task-3-handwriting.txt"}, NULL},
};

static void die(const char *what)
{
    fprintf(stderr, "bench_memory: %s\n", what);
    exit(1);
}

/* The script's lines, without its `screenshot` lines: those are the
 * tests' own pictures (a 1080p copy of the frame, 8 MB while the PNG is
 * written), which nothing a visitor does makes, and they would put the
 * test's peak in the visitor's figures. */
static void copy_file(FILE *to, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read a script");
    char line[2048];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "screenshot", 10) != 0) fputs(line, to);
    fclose(f);
}

static int sample(pid_t pid, double *rss, double *pss, double *anon, int n)
{
    double r = 0, p = 0, a = 0;
    if (n >= MAX_SAMPLES || !bench_rollup(pid, &r, &p, &a)) return n;
    rss[n] = r;
    pss[n] = p;
    anon[n] = a;
    return n + 1;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_by_value);
    return n > 0 ? bench_rank(v, n, 50) / 1024 : 0;
}

static void run(const Run *run)
{
    char dir[] = "/tmp/bench-memory.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp failed");
    char conf[256], shots[256], fifo[256], done[300], rested[300];
    if (!bench_kiosk_config(dir, NULL, conf, sizeof conf)) die("cannot write the config");
    snprintf(shots, sizeof shots, "%s/shots", dir);
    snprintf(fifo, sizeof fifo, "%s/script", dir);
    snprintf(done, sizeof done, "%s/bench-end.json", shots);
    snprintf(rested, sizeof rested, "%s/bench-rest.json", shots);
    if (mkfifo(fifo, 0600) != 0) die("mkfifo failed");
    pid_t pid = bench_kiosk_headless(conf, fifo, shots);
    signal(SIGPIPE, SIG_IGN);
    FILE *script = fopen(fifo, "w");
    if (!script) die("cannot open the kiosk's script");
    for (int i = 0; i < 2 && run->scripts[i]; i++) copy_file(script, run->scripts[i]);
    fprintf(script, "%sdump bench-end\n", run->then ? run->then : "");
    fflush(script);
    static double rss[MAX_SAMPLES], pss[MAX_SAMPLES], anon[MAX_SAMPLES];
    double end_rss[10], end_pss[10], end_anon[10], rest_rss[10], rest_pss[10], rest_anon[10];
    int n = 0, ends = 0, rests = 0, status = 0;
    bool gone = false;
    while (!(gone = waitpid(pid, &status, WNOHANG) == pid) && access(done, F_OK) != 0) {
        n = sample(pid, rss, pss, anon, n);
        nanosleep(&(struct timespec){0, SAMPLE_NS}, NULL);
    }
    while (!gone && ends < 10) {
        ends = sample(pid, end_rss, end_pss, end_anon, ends);
        nanosleep(&(struct timespec){0, 5 * SAMPLE_NS}, NULL);
    }
    /* Only now: the end's samples are taken before the kiosk reads on. */
    fprintf(script, "wait 3000\ndump bench-rest\n");
    fflush(script);
    while (!gone && access(rested, F_OK) != 0) {
        gone = waitpid(pid, &status, WNOHANG) == pid;
        nanosleep(&(struct timespec){0, SAMPLE_NS}, NULL);
    }
    while (!gone && rests < 10) {
        rests = sample(pid, rest_rss, rest_pss, rest_anon, rests);
        nanosleep(&(struct timespec){0, 5 * SAMPLE_NS}, NULL);
    }
    fclose(script); /* the end of its script: the kiosk stops */
    if (!gone) waitpid(pid, &status, 0);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("  %s: %s\n", run->what, ok ? "ran to its end" : "FAILED");
    bench_print_mib("RSS", rss, n);
    bench_print_mib("PSS", pss, n);
    bench_print_mib("PSS anon", anon, n);
    printf("    at the end: RSS %.1f  PSS %.1f  PSS anon %.1f MiB\n", median(end_rss, ends), median(end_pss, ends),
           median(end_anon, ends));
    printf("    at rest:    RSS %.1f  PSS %.1f  PSS anon %.1f MiB\n", median(rest_rss, rests), median(rest_pss, rests),
           median(rest_anon, rests));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_memory: could not remove %s\n", dir);
    if (!ok) exit(1);
}

int main(void)
{
    if (access("bin/kiosk", X_OK) != 0) die("bin/kiosk is not built (make all)");
    printf("kiosk memory, headless at 1920x1080, software renderer, sampled every 10 ms\n  ");
    bench_print_load("before");
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) run(&runs[i]);
    printf("  ");
    bench_print_load("after");
    return 0;
}
