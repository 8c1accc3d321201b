/* gzip.h — feed documents compressed for the wire.
 *
 * A county's snapshot is tens of megabytes of JSON, and kiosks offer
 * "Accept-Encoding: gzip" (libcurl decodes it); zlib (Debian's zlib1g)
 * makes it several times smaller.  The compressed copy is built once per
 * document and kept in the feed cache beside the plain one. */
#ifndef COUNTYD_GZIP_H
#define COUNTYD_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Documents smaller than this go out plain: gzip would save little. */
#define GZIP_MIN_BYTES 1024

/* A malloc'd gzip stream of data into *out (*out_len bytes). */
int gzip_compress(const char *data, size_t len, char **out, size_t *out_len, Err *err);

/* Whether an Accept-Encoding header value takes gzip (not "gzip;q=0"). */
bool gzip_accepted(const char *accept_encoding);

#endif
