/* jsonload.h — JSON text into a jansson tree, at the speed of yajl's lexer.
 *
 * jansson's own loader reads its input a byte at a time through a stream
 * callback, and on a county's 10,000-item, 31 MB snapshot that was most
 * of the kiosk's apply.  yajl (a Debian library) lexes the same text many
 * times faster; this module builds the very tree json_loadb would from
 * yajl's events, so every reader of the tree (proto/feed.c's rules above
 * all) stays as it is.
 *
 * The rules are json_loadb's with JSON_REJECT_DUPLICATES: one object or
 * array at the top and nothing after it, strict UTF-8 in every string
 * (libunistring's u8_check) and key (json_object_setn_new), no half of a
 * \u surrogate pair, no key twice in one object, no \u0000, whole
 * numbers within int64 and reals within double, no comments.  Beyond
 * jansson: no raw NUL byte anywhere, at most PROTO_JSON_MAX_DEPTH levels
 * of nesting.
 * Errors read "line L, column C: what" (column in bytes). */
#ifndef PROTO_JSONLOAD_H
#define PROTO_JSONLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* A new reference in *out (json_decref it), or -1 and Err. */
int proto_json_load(const char *data, size_t len, json_t **out, Err *err);

#endif
