/* testutil.h — small helpers shared by the cmocka tests (header-only,
 * because each test is one program linked against the module libraries). */
#ifndef KIOSK_TESTUTIL_H
#define KIOSK_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"

/* A fresh path inside the test's scratch folder ($KIOSK_TEST_TMP, made by
 * scripts/run-tests.sh; /tmp when a test is run by hand). */
static inline const char *test_path(const char *name)
{
    static char paths[8][1024];
    static int next;
    const char *dir = getenv("KIOSK_TEST_TMP");
    char *p = paths[next++ % 8];
    snprintf(p, 1024, "%s/%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(), name);
    return p;
}

static inline void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}


/* Appends text to the string in buf (size bytes); the tests' strcat. */
static inline void test_append(char *buf, size_t size, const char *text)
{
    size_t used = strlen(buf);
    assert_true(used + strlen(text) < size);
    snprintf(buf + used, size - used, "%s", text);
}

/* A store on a fresh, empty database file `name` in the scratch folder. */
static inline Store *test_store_fresh(const char *name)
{
    const char *path = test_path(name);
    store_delete_files(path);
    Store *s;
    Err err;
    if (store_open(path, &s, &err) != 0) fail_msg("%s", err.msg);
    return s;
}

/* Seconds on the monotonic clock, for timing what a test waits for. */
static inline double test_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
