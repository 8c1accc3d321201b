/* bench_startup.c — how long a county-sized kiosk takes to show its first
 * frame, and what it costs in memory then.
 *
 * Builds a store of BENCH_ITEMS items (default 10,000, of about 1,000
 * characters each, in 8 x 6 x 4 categories; bench/benchfeed.h) through the
 * store's own import, as a kiosk's first sync leaves it, then starts the
 * real bin/kiosk (not headless: SDL's dummy video driver, the renderer it
 * picks without a GPU, a 1920x1080 window, its sync thread pointed at a
 * folder that is not there so it stays offline) BENCH_RUNS times (default
 * 10) after a warm-up run that is not counted (it fills the page cache).
 * Each run: from fork() to the kiosk's READY=1 on a notify socket (sent
 * once its first frame is presented, kiosk/ui/watchdog.h; bench_chromium
 * measures its first paint the same way), and PSS (/proc/PID/smaps_rollup)
 * at that moment and 2 s later.  Prints p50/p99/max and the machine's load
 * before and after; asserts nothing. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchfeed.h"
#include "benchkiosk.h"
#include "benchutil.h"
#include "import.h"
#include "monoclock.h"
#include "store.h"

#define START_TIMEOUT_MS 30000
#define SETTLE_MS 2000
#define BODY_CHARS 1000
#define MAX_RUNS 100

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_startup: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* The store a kiosk has after its first sync of a county of `items`. */
static void build_store(const char *dir, int items)
{
    char db[300];
    snprintf(db, sizeof db, "%s/kiosk.db", dir);
    size_t len;
    char *feed = bench_build_feed(items, BODY_CHARS, 1, &len);
    if (!feed) die("out of memory", NULL);
    Store *s;
    Err err;
    FeedResult res;
    if (store_open(db, &s, &err) || feed_import_buffer(s, feed, len, &res, &err)) die("the store", err.msg);
    store_close(s);
    free(feed);
}

static double pss_mib(pid_t pid)
{
    double rss, pss, anon;
    return bench_rollup(pid, &rss, &pss, &anon) ? pss / 1024 : -1;
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int waited = 0; waited < 5000; waited += 20) {
        if (waitpid(pid, NULL, WNOHANG) == pid) return;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    if (access("bin/kiosk", X_OK) != 0) die("bin/kiosk is not built (make all)", NULL);
    int items = bench_env_int("BENCH_ITEMS", 10000, 1, 1000000), runs = bench_env_int("BENCH_RUNS", 10, 1, MAX_RUNS);
    char dir[] = "/tmp/bench-startup.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp failed", NULL);
    char conf[300], none[300], notify[300], log[300];
    snprintf(none, sizeof none, "file://%s/none", dir);
    snprintf(notify, sizeof notify, "%s/notify", dir);
    snprintf(log, sizeof log, "%s/kiosk.log", dir);
    if (!bench_kiosk_config(dir, none, conf, sizeof conf)) die("cannot write the config", NULL);
    double t = monoclock_ms();
    build_store(dir, items);
    int sock = bench_notify_open(notify);
    if (sock < 0) die("cannot make the notify socket", NULL);
    printf("kiosk start-up with %d items in the store (built in %.1f s), 1920x1080 window on SDL's dummy driver; %d "
           "runs after a warm-up\n  ",
           items, (monoclock_ms() - t) / 1000, runs);
    bench_print_load("before");
    static double ready[MAX_RUNS], pss_ready[MAX_RUNS], pss_later[MAX_RUNS];
    for (int run = 0; run <= runs; run++) {
        double t0 = monoclock_ms();
        pid_t pid = fork();
        if (pid < 0) die("fork failed", NULL);
        if (pid == 0) {
            int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
            setenv("NOTIFY_SOCKET", notify, 1);
            setenv("SDL_VIDEODRIVER", "dummy", 1);
            setenv("SDL_AUDIODRIVER", "dummy", 1);
            execl("bin/kiosk", "kiosk", "--config", conf, "--windowed", "--size", "1920x1080", "--landscape",
                  (char *)NULL);
            _exit(127);
        }
        double ms = bench_wait_ready(sock, t0, START_TIMEOUT_MS);
        double at_ready = pss_mib(pid);
        if (ms < 0) {
            stop(pid);
            die("the kiosk showed no first frame in time; its log", log);
        }
        usleep(SETTLE_MS * 1000);
        double later = pss_mib(pid);
        stop(pid);
        if (run == 0) continue; /* the warm-up */
        ready[run - 1] = ms;
        pss_ready[run - 1] = at_ready;
        pss_later[run - 1] = later;
    }
    bench_print_spread("  start to first frame (READY=1)", ready, runs);
    qsort(pss_ready, (size_t)runs, sizeof *pss_ready, bench_by_value);
    qsort(pss_later, (size_t)runs, sizeof *pss_later, bench_by_value);
    printf("  PSS at the first frame               p50 %8.1f  p99 %8.1f  max %8.1f MiB\n",
           bench_rank(pss_ready, runs, 50), bench_rank(pss_ready, runs, 99), pss_ready[runs - 1]);
    printf("  PSS 2 s later                        p50 %8.1f  p99 %8.1f  max %8.1f MiB\n",
           bench_rank(pss_later, runs, 50), bench_rank(pss_later, runs, 99), pss_later[runs - 1]);
    printf("  ");
    bench_print_load("after");
    close(sock);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (getenv("BENCH_KEEP")) printf("  kept %s\n", dir);
    else if (system(cmd) != 0) fprintf(stderr, "bench_startup: could not remove %s\n", dir);
    return 0;
}
