/* feedgen.h — the feed documents (docs/FEED.md) countyd sends to kiosks.
 *
 * Owns what a kiosk may receive: the category tree, published public items
 * (never a 党内 one: only rows content.c marked live), notices, and public
 * replies to feedback as `answers` without any contact details.  A delta
 * lists, for everything that changed after the kiosk's revision, its
 * current form or its deletion. */
#ifndef COUNTYD_FEEDGEN_H
#define COUNTYD_FEEDGEN_H

#include <jansson.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* A snapshot when since <= 0 or since > the current revision, else a
 * delta from since.  *revision receives the document's revision (equal
 * to since when there is nothing new: then *out is NULL). */
int feedgen_build(Cdb *db, int64_t since, json_t **out, int64_t *revision, Err *err);

/* The answers entry for one public reply; 1 when the reply is not public. */
int feedgen_answer(Cdb *db, int64_t reply_id, json_t **out, Err *err);

#endif
