/* validate.h — checks content with the kiosk's own importer.
 *
 * A delta is applied all or nothing, so one entry a kiosk would refuse
 * would stop every kiosk in the county from syncing.  Instead of a second
 * copy of the feed rules, the server imports each new entry into a
 * scratch in-memory kiosk store (kiosk/store/feed.c, the same code the kiosks
 * run) before accepting it.  Also the field checks that several request
 * handlers share (ids, optional text members). */
#ifndef COUNTYD_VALIDATE_H
#define COUNTYD_VALIDATE_H

#include <jansson.h>

#include "err.h"

/* Imports a snapshot made of `categories` (an array, may be NULL) and, when
 * `section` is given, the single `entry` in it ("items", "notices",
 * "answers"). 0 when a kiosk would accept it; else Err names the fault. */
int validate_with_kiosk_importer(json_t *categories, const char *section, json_t *entry, Err *err);

/* The same for many `entries` (an array) of one section at once. */
int validate_entries_with_kiosk_importer(json_t *categories, const char *section, json_t *entries, Err *err);

/* Closes the scratch store (at exit). */
void validate_shutdown(void);

/* 1..63 characters of A-Z a-z 0-9 - _ . */
int validate_id(const char *id);

/* An optional string member of a request body (feedback, heartbeats):
 * *out is "" when it is absent or null; -1 (and Err) when it is not a
 * string or is longer than `max` bytes. */
int validate_opt_text(json_t *o, const char *key, size_t max, const char **out, Err *err);

#endif
