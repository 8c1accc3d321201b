#include "number.h"

#include <errno.h>
#include <stdlib.h>

int number_parse(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    if (!text || !*text) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || end == text || v < lo || v > hi) return -1;
    /* strtoll skips leading white space; a number here has none. */
    if (text[0] == ' ' || (text[0] >= '\t' && text[0] <= '\r')) return -1;
    *out = v;
    return 0;
}

int number_parse_int(const char *text, int lo, int hi, int *out)
{
    int64_t v;
    if (number_parse(text, lo, hi, &v)) return -1;
    *out = (int)v;
    return 0;
}
