#include "gzip.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

int gzip_compress(const char *data, size_t len, char **out, size_t *out_len, Err *err)
{
    z_stream z = {0};
    /* 15 window bits + 16 asks zlib for a gzip header and trailer. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return err_set(err, "gzip: cannot start the compressor");
    size_t room = deflateBound(&z, (uLong)len);
    char *buf = malloc(room);
    if (!buf) {
        deflateEnd(&z);
        return err_set(err, "gzip: out of memory for %zu bytes", room);
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)room;
    int rc = deflate(&z, Z_FINISH);
    size_t produced = room - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return err_set(err, "gzip: compressing failed (%d)", rc);
    }
    *out = buf;
    *out_len = produced;
    return 0;
}

/* Looks for the coding "gzip" in a comma-separated list; a "q=0"
 * parameter on it means the client refuses it. */
bool gzip_accepted(const char *v)
{
    while (v && *v) {
        while (*v == ' ' || *v == ',') v++;
        size_t n = strcspn(v, ",;");
        size_t word = n;
        while (word && isspace((unsigned char)v[word - 1])) word--;
        bool gzip = word == 4 && strncasecmp(v, "gzip", 4) == 0;
        const char *next = v + strcspn(v, ",");
        if (gzip) {
            const char *q = v[n] == ';' ? strstr(v + n, "q=") : NULL;
            if (!q || q > next) return true;
            return strtod(q + 2, NULL) > 0;
        }
        v = next;
    }
    return false;
}
