#include "path.h"

#include <stdarg.h>
#include <stdio.h>

int path_join(char *out, size_t size, const char *dir, const char *name, Err *err)
{
    return path_format(out, size, err, "%s/%s", dir, name);
}

int path_format(char *out, size_t size, Err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size) return 0;
    if (size) out[0] = '\0';
    return err_set(err, "a file name of %d bytes is longer than the %zu allowed here", n, size ? size - 1 : 0);
}
