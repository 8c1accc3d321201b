/* fuzz_util.h — what the libFuzzer harnesses share (header-only): a
 * scratch folder of their own, and writing an input to a file there for
 * the readers that take a path.  Each harness is one program built with
 * clang -fsanitize=fuzzer,address,undefined (see the Makefile's "fuzz"
 * rules and tests/fuzz/README.md). */
#ifndef KIOSK_FUZZ_UTIL_H
#define KIOSK_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A folder for this process: $KIOSK_TEST_TMP (or /tmp)/fuzz-NAME-PID. */
static inline const char *fuzz_dir(const char *name)
{
    static char dir[1024];
    if (!dir[0]) {
        const char *base = getenv("KIOSK_TEST_TMP");
        snprintf(dir, sizeof dir, "%s/fuzz-%s-%d", base && *base ? base : "/tmp", name, (int)getpid());
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
        if (system(cmd) != 0) abort();
    }
    return dir;
}

/* Writes the input to `path` (whole, or nothing on a full disk: abort). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
}

#endif
