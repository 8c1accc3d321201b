/* benchkiosk.h — what the benchmarks that run the real bin/kiosk share: a
 * kiosk.conf of their own, the program's memory as /proc reads it, and
 * memory samples printed as p50/p99/max.
 *
 * Header-only, like benchutil.h. */
#ifndef BENCH_BENCHKIOSK_H
#define BENCH_BENCHKIOSK_H

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"
#include "monoclock.h"
#include "number.h"

/* A whole number from the environment variable name, dflt when it is not
 * set; the bench stops with a message when it is not a number from lo to hi. */
static inline int bench_env_int(const char *name, int dflt, int lo, int hi)
{
    const char *v = getenv(name);
    int n;
    if (!v || !*v) return dflt;
    if (number_parse_int(v, lo, hi, &n) != 0) {
        fprintf(stderr, "bench: %s must be a whole number from %d to %d, not \"%s\"\n", name, lo, hi, v);
        exit(2);
    }
    return n;
}

/* The repository's kiosk.conf copied to DIR/kiosk.conf (its path into
 * conf), with the database, the attachment cache and the pinyin data in DIR,
 * and, when sync_url is not NULL, the server it syncs from (a kiosk that is
 * not headless starts its sync thread: file://DIR/none keeps it offline and
 * away from whatever the repository's config names); false when it cannot
 * be written. */
static inline int bench_kiosk_config(const char *dir, const char *sync_url, char *conf, size_t size)
{
    snprintf(conf, size, "%s/kiosk.conf", dir);
    FILE *in = fopen("kiosk.conf", "r"), *out = fopen(conf, "w");
    if (!in || !out) {
        if (in) fclose(in);
        if (out) fclose(out);
        return 0;
    }
    char line[2048];
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "database =", 10) == 0) fprintf(out, "database = %s/kiosk.db\n", dir);
        else if (strncmp(line, "cache_dir =", 11) == 0) fprintf(out, "cache_dir = %s/cache\n", dir);
        else if (strncmp(line, "rime_user_dir =", 15) == 0) fprintf(out, "rime_user_dir = %s/rime\n", dir);
        else if (sync_url && strncmp(line, "server_url =", 12) == 0) fprintf(out, "server_url = %s\n", sync_url);
        else fputs(line, out);
    }
    fclose(in);
    return fclose(out) == 0;
}

/* RSS, PSS and anonymous PSS of pid in kB from /proc/PID/smaps_rollup.
 * PSS counts shared pages by their share, what the process costs the
 * machine; its libraries' pages are shared with any other program mapping
 * them (another kiosk on a development machine halves them), so the
 * anonymous part (heap, textures, the window's pixels), which nothing
 * shares, is printed beside it.  false once the process is gone. */
static inline int bench_rollup(pid_t pid, double *rss, double *pss, double *anon)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    long v;
    int found = 0;
    *rss = *pss = *anon = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Rss: %ld kB", &v) == 1) *rss = (double)v, found++;
        else if (sscanf(line, "Pss: %ld kB", &v) == 1) *pss = (double)v, found++;
        else if (sscanf(line, "Pss_Anon: %ld kB", &v) == 1) *anon = (double)v, found++;
    }
    fclose(f);
    return found == 3;
}

/* Sorts n samples in kB and prints "WHAT p50 … p99 … max … MiB (n samples)". */
static inline void bench_print_mib(const char *what, double *kb, int n)
{
    if (n == 0) {
        printf("    %-9s none\n", what);
        return;
    }
    qsort(kb, (size_t)n, sizeof *kb, bench_by_value);
    printf("    %-9s p50 %7.1f  p99 %7.1f  max %7.1f MiB (%d samples)\n", what, bench_rank(kb, n, 50) / 1024,
           bench_rank(kb, n, 99) / 1024, kb[n - 1] / 1024, n);
}

/* Starts bin/kiosk --headless on the script at `script` (a FIFO the bench
 * writes, or a file), SDL's software renderer at 1920x1080 landscape on the
 * dummy video driver, in China's time zone as the scripts expect; its pid.
 * Exits the bench when it cannot fork. */
static inline pid_t bench_kiosk_headless(const char *conf, const char *script, const char *shots)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench: fork failed\n");
        exit(1);
    }
    if (pid == 0) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        setenv("TZ", "Asia/Shanghai", 1);
        execl("bin/kiosk", "kiosk", "--config", conf, "--headless", script, "--shots", shots, "--windowed", "--size",
              "1920x1080", "--landscape", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* A datagram socket at path for the kiosk's sd_notify messages (its
 * NOTIFY_SOCKET); -1 on failure. */
static inline int bench_notify_open(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Waits for READY=1 on the notify socket (sent once the kiosk's first
 * frame is presented, kiosk/ui/watchdog.h); the ms since t0, or -1 after
 * timeout_ms. */
static inline double bench_wait_ready(int fd, double t0, int timeout_ms)
{
    for (;;) {
        int left = (int)(t0 + timeout_ms - monoclock_ms());
        if (left <= 0) return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, left) <= 0) return -1;
        char msg[256];
        ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
        if (n <= 0) continue;
        msg[n] = '\0';
        if (strstr(msg, "READY=1")) return monoclock_ms() - t0;
    }
}

#endif
