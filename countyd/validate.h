/* validate.h — checks new content against the feed rules before the
 * server accepts it, and the field checks request handlers share.
 *
 * A delta is applied all or nothing, so one entry a kiosk would refuse
 * would stop every kiosk in the county from syncing.  The server checks
 * each new entry with the same rules the kiosks apply (proto/feed.h) by
 * parsing a snapshot made of the live categories and the entry; nothing
 * is stored. */
#ifndef COUNTYD_VALIDATE_H
#define COUNTYD_VALIDATE_H

#include <jansson.h>

#include "err.h"
#include "wire.h"

/* Checks a snapshot made of `categories` (an array, may be NULL) and, when
 * `section` is given, the single `entry` in it ("items", "notices",
 * "answers"). 0 when a kiosk would accept it; else -1 and Err names the
 * fault (the caller marks it ERR_BAD_REQUEST: it is the client's). */
int validate_feed_entry(json_t *categories, const char *section, json_t *entry, Err *err);

/* The same for many `entries` (an array) of one section at once. */
int validate_feed_entries(json_t *categories, const char *section, json_t *entries, Err *err);

/* An optional string member of a request body (feedback, heartbeats):
 * *out is "" when it is absent or null; -1 (and Err, ERR_BAD_REQUEST)
 * when it is not a string or is longer than `max` bytes. */
int validate_opt_text(json_t *o, const char *key, size_t max, const char **out, Err *err);

#endif
