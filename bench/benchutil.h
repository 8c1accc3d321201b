/* benchutil.h — what the benchmarks print the same way: the machine's load
 * and a spread of samples as p50/p99/max; and the display the kiosk's
 * benchmarks show it on (a real X server when one can be started).
 *
 * Header-only, like the tests' shared code: each benchmark is one program
 * linked against the module libraries, with no library of its own. */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "number.h"

/* /proc/loadavg as it is now (1/5/15-minute load, running/all tasks) and
 * the cores: a figure measured on a loaded machine is read with the load
 * it ran under.  Every benchmark prints it this one way. */
static inline void bench_print_load(const char *when)
{
    char line[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fgets(line, sizeof line, f)) line[strcspn(line, "\n")] = '\0';
    if (f) fclose(f);
    printf("machine load %s: %s, %ld cores\n", when, line, sysconf(_SC_NPROCESSORS_ONLN));
}

/* CPU time, which a loaded machine stretches less than the wall clock:
 * printed beside it.  Of the calling thread (a layout, a render), or of
 * the whole process, user + system (a program with threads of its own). */
static inline double bench_thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline double bench_process_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The CPU time (user + system, ms) of another process and its parent,
 * from /proc/PID/stat; -1 when it cannot be read (it is gone).  The name
 * may hold spaces and parentheses: the fields start after the last ')'.
 * Then: state ppid ... utime (14th) stime (15th). */
static inline int bench_proc_cpu_ms(int pid, int *ppid, double *cpu_ms)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    char *p = got ? strrchr(line, ')') : NULL;
    int parent;
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &parent, &ut, &st) != 3) return -1;
    if (ppid) *ppid = parent;
    *cpu_ms = (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
    return 0;
}

static inline int bench_by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile of n sorted samples (nearest rank). */
static inline double bench_rank(const double *v, int n, int p)
{
    int i = (p * n + 99) / 100 - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* Sorts v and prints "what  p50 …  p99 …  max … ms (n runs)". */
static inline void bench_print_spread(const char *what, double *v, int n)
{
    if (n == 0) {
        printf("%-36s none\n", what);
        return;
    }
    qsort(v, (size_t)n, sizeof *v, bench_by_value);
    printf("%-36s p50 %8.1f  p99 %8.1f  max %8.1f ms (%d runs)\n", what, bench_rank(v, n, 50), bench_rank(v, n, 99),
           v[n - 1], n);
}

/* The display a kiosk benchmark draws on.  A user sees the kiosk on an X
 * server: there a present is a real present (SDL's X11 framebuffer, an
 * XShmPutImage of the changed rectangles) and SDL waits for events in the
 * kernel, where SDL's dummy driver neither shows anything nor sleeps (it
 * polls for events every millisecond).  So, unless SDL_VIDEODRIVER is set,
 * the bench starts its own Xvfb (Debian's xvfb, scripts/install-deps.sh)
 * at the given size on a display number the server picks as free
 * (-displayfd: it writes the number once it accepts clients, so nothing
 * waits by the clock), and the kiosk draws there; without Xvfb, or when it
 * does not start, the dummy driver.  driver says which, for the report. */
typedef struct BenchDisplay {
    pid_t xvfb; /* 0: none started */
    char name[16]; /* ":N" */
    const char *driver; /* "x11 (Xvfb :N)", "dummy", or what SDL_VIDEODRIVER said */
} BenchDisplay;

#define BENCH_XVFB_START_MS 10000

/* The Xvfb started, ended however the bench exits (its die() too), but
 * only by the process that started it, not by a child that exits. */
static BenchDisplay *bench_display_started;
static pid_t bench_display_owner;
static inline void bench_display_stop(BenchDisplay *d);
static inline void bench_display_at_exit(void)
{
    if (bench_display_started && getpid() == bench_display_owner) bench_display_stop(bench_display_started);
}

static inline void bench_display_fallback(BenchDisplay *d, const char *why)
{
    fprintf(stderr, "bench: %s; SDL's dummy video driver instead (no present, and it polls for events)\n", why);
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    d->driver = "dummy";
}

/* Reads the display number Xvfb writes on fd; -1 when it does not within
 * BENCH_XVFB_START_MS (or exits first). */
static inline int bench_xvfb_number(int fd)
{
    char buf[16];
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < sizeof buf - 1 && poll(&p, 1, BENCH_XVFB_START_MS) == 1) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0) break;
        got += (size_t)n;
        if (memchr(buf, '\n', got)) break;
    }
    buf[got] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    int number;
    return number_parse_int(buf, 0, 65535, &number) == 0 ? number : -1;
}

static inline void bench_display_start(BenchDisplay *d, int w, int h)
{
    *d = (BenchDisplay){0};
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (asked && *asked) {
        d->driver = asked;
        return;
    }
    if (system("command -v Xvfb > /dev/null 2>&1") != 0) {
        bench_display_fallback(d, "Xvfb is not installed");
        return;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        bench_display_fallback(d, "no pipe for Xvfb");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char fd[16], screen[32];
        snprintf(fd, sizeof fd, "%d", fds[1]);
        snprintf(screen, sizeof screen, "%dx%dx24", w, h);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0", screen, "-nolisten", "tcp", "-noreset", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    int number = pid > 0 ? bench_xvfb_number(fds[0]) : -1;
    close(fds[0]);
    if (number < 0) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        bench_display_fallback(d, "Xvfb did not start");
        return;
    }
    d->xvfb = pid;
    bench_display_started = d;
    bench_display_owner = getpid();
    atexit(bench_display_at_exit);
    snprintf(d->name, sizeof d->name, ":%d", number);
    setenv("DISPLAY", d->name, 1);
    setenv("SDL_VIDEODRIVER", "x11", 1);
    static char driver[40];
    snprintf(driver, sizeof driver, "x11 (Xvfb %s)", d->name);
    d->driver = driver;
}

/* Ends the Xvfb bench_display_start started (its own pid, nothing else). */
static inline void bench_display_stop(BenchDisplay *d)
{
    if (d->xvfb <= 0) return;
    kill(d->xvfb, SIGTERM);
    waitpid(d->xvfb, NULL, 0);
    d->xvfb = 0;
}

#endif
