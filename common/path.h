/* path.h — file names put together, or a clear failure.
 *
 * snprintf into a fixed buffer cuts a long name silently, and the cut
 * name then names another file (or none).  These write into a PATH_MAX
 * buffer (or any size) and fail with Err when the result does not fit. */
#ifndef COMMON_PATH_H
#define COMMON_PATH_H

#include <limits.h>
#include <stddef.h>

#include "err.h"

/* DIR/NAME into out; -1 (and Err) when it does not fit in `size`. */
int path_join(char *out, size_t size, const char *dir, const char *name, Err *err);

/* A printf-style path into out; -1 (and Err) when it does not fit. */
int path_format(char *out, size_t size, Err *err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
