/* jsonload.h — JSON text into a jansson tree, at the speed of yajl's lexer.
 *
 * jansson's own loader reads its input a byte at a time through a stream
 * callback: 450 ms for a 10,000-item, 31 MB snapshot on the kiosk's CPU,
 * most of a snapshot's apply.  yajl (a Debian library) lexes the same text
 * in about a tenth of that; this module builds the very tree json_loadb
 * would from yajl's events, so every reader of the tree (proto/feed.c's
 * rules above all) stays as it is.
 *
 * The rules are json_loadb's with JSON_REJECT_DUPLICATES, checked by
 * jansson's own constructors where it has them: one object or array at
 * the top and nothing after it, strict UTF-8 in every string and key
 * (json_stringn, json_object_setn_new), no key twice in one object, no
 * \u0000, whole numbers within int64 and reals within double, no comments.
 * Beyond jansson: at most PROTO_JSON_MAX_DEPTH levels of nesting.
 * Errors read "line L, column C: what" (column in bytes). */
#ifndef PROTO_JSONLOAD_H
#define PROTO_JSONLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* A new reference in *out (json_decref it), or -1 and Err. */
int proto_json_load(const char *data, size_t len, json_t **out, Err *err);

#endif
