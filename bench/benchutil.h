/* benchutil.h — what the benchmarks print the same way: the machine's load
 * and a spread of samples as p50/p99/max.
 *
 * Header-only, like the tests' shared code: each benchmark is one program
 * linked against the module libraries, with no library of its own. */
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
