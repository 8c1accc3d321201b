#include "bytes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bytes_read_file(const char *path, size_t limit, char **out, size_t *len, Err *err)
{
    struct stat stbuf;
    if (stat(path, &stbuf) != 0) return err_set(err, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(stbuf.st_mode)) return err_set(err, "%s: not a regular file", path);
    if ((unsigned long long)stbuf.st_size > limit)
        return err_set(err, "%s: %lld bytes, more than the %zu allowed", path, (long long)stbuf.st_size, limit);
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, "%s: cannot open: %s", path, strerror(errno));
    char *buf = malloc((size_t)stbuf.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)stbuf.st_size, f) : 0;
    fclose(f);
    if (!buf) return err_set(err, "out of memory");
    if (got != (size_t)stbuf.st_size) {
        free(buf);
        return err_set(err, "%s: read error", path);
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int bytes_append(char **data, size_t *len, size_t *cap, const void *add, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        while (ncap < *len + n + 1) ncap *= 2;
        char *grown = realloc(*data, ncap);
        if (!grown) return -1;
        *data = grown;
        *cap = ncap;
    }
    memcpy(*data + *len, add, n);
    *len += n;
    (*data)[*len] = '\0';
    return 0;
}
