/* bytes.h — byte buffers in memory: a whole file read in, and a buffer
 * that grows as data arrives (HTTP bodies in the sync client and in
 * countyd).
 *
 * Both keep a NUL after the last byte, so text can be handed to a parser
 * as a C string, and both are bounded by the caller: nothing here decides
 * how much is too much. */
#ifndef KIOSK_BYTES_H
#define KIOSK_BYTES_H

#include <stddef.h>

#include "err.h"

/* Reads the regular file at path, at most `limit` bytes, into a new
 * buffer (*out, free() it; *len bytes plus a NUL). */
int bytes_read_file(const char *path, size_t limit, char **out, size_t *len, Err *err);

/* Appends n bytes to *data (of *len bytes in *cap allocated), growing it
 * by doubling; -1 when memory runs out, the buffer then unchanged. */
int bytes_append(char **data, size_t *len, size_t *cap, const void *add, size_t n);

#endif
