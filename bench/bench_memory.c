/* bench_memory.c — what the kiosk holds in memory while a visitor reads.
 *
 * Runs the real program (bin/kiosk --headless, SDL's software renderer at
 * 1920x1080 on the dummy video driver) on each headless script below, on a
 * fresh database, and reads /proc/PID/smaps_rollup every 10 ms while it
 * runs: RSS (pages it has in memory) and PSS (shared pages counted by
 * their share, what the kiosk costs the machine).  Prints p50/p99/max of
 * the samples in MiB and the machine's load before and after.  A figure
 * that grows with the item's length (read.txt reads a long item page by
 * page) is memory not bounded by design. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

#define MAX_SAMPLES 60000
#define SAMPLE_NS 10000000L

static const char *const scripts[] = {"tests/headless/browse.txt", "tests/headless/read.txt"};

static void die(const char *what)
{
    fprintf(stderr, "bench_memory: %s\n", what);
    exit(1);
}

/* kiosk.conf with the database and cache in dir. */
static void write_config(const char *dir, char *conf, size_t size)
{
    snprintf(conf, size, "%s/kiosk.conf", dir);
    FILE *in = fopen("kiosk.conf", "r"), *out = fopen(conf, "w");
    if (!in || !out) die("cannot copy kiosk.conf");
    char line[2048];
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "database =", 10) == 0) fprintf(out, "database = %s/kiosk.db\n", dir);
        else if (strncmp(line, "cache_dir =", 11) == 0) fprintf(out, "cache_dir = %s/cache\n", dir);
        else fputs(line, out);
    }
    fclose(in);
    if (fclose(out) != 0) die("cannot write the config");
}

/* RSS and PSS of pid in kB; false once the process is gone. */
static int read_rollup(pid_t pid, double *rss, double *pss)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    long v;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Rss: %ld kB", &v) == 1) *rss = (double)v, found++;
        else if (sscanf(line, "Pss: %ld kB", &v) == 1) *pss = (double)v, found++;
    }
    fclose(f);
    return found == 2;
}

static void print_mib(const char *what, double *kb, int n)
{
    if (n == 0) {
        printf("    %-6s none\n", what);
        return;
    }
    qsort(kb, (size_t)n, sizeof *kb, bench_by_value);
    printf("    %-6s p50 %7.1f  p99 %7.1f  max %7.1f MiB (%d samples)\n", what, bench_rank(kb, n, 50) / 1024,
           bench_rank(kb, n, 99) / 1024, kb[n - 1] / 1024, n);
}

static void run(const char *script)
{
    char dir[] = "/tmp/bench-memory.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp failed");
    char conf[256], shots[256];
    write_config(dir, conf, sizeof conf);
    snprintf(shots, sizeof shots, "%s/shots", dir);
    pid_t pid = fork();
    if (pid < 0) die("fork failed");
    if (pid == 0) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        setenv("TZ", "Asia/Shanghai", 1);
        execl("bin/kiosk", "kiosk", "--config", conf, "--headless", script, "--shots", shots, "--windowed", "--size",
              "1920x1080", "--landscape", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    static double rss[MAX_SAMPLES], pss[MAX_SAMPLES];
    int n = 0, status = 0;
    for (;;) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        double r, p;
        if (n < MAX_SAMPLES && read_rollup(pid, &r, &p)) {
            rss[n] = r;
            pss[n] = p;
            n++;
        }
        nanosleep(&(struct timespec){0, SAMPLE_NS}, NULL);
    }
    printf("  %s: %s\n", script, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ran to its end" : "FAILED");
    print_mib("RSS", rss, n);
    print_mib("PSS", pss, n);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_memory: could not remove %s\n", dir);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) exit(1);
}

int main(void)
{
    if (access("bin/kiosk", X_OK) != 0) die("bin/kiosk is not built (make all)");
    printf("kiosk memory, headless at 1920x1080, software renderer, sampled every 10 ms\n  ");
    bench_print_load("before");
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) run(scripts[i]);
    printf("  ");
    bench_print_load("after");
    return 0;
}
