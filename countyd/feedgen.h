/* feedgen.h — the feed documents (docs/FEED.md) countyd sends to kiosks.
 *
 * Owns what a kiosk may receive: the category tree, published public items
 * (never a 党内 one: only rows content.c marked live), notices, and public
 * replies to feedback as `answers` without any contact details — and of
 * those only what its organisation's feed holds (audience.h): its own,
 * plus its ancestors' meant for those below.
 *
 * A kiosk's feed revision is the latest revision at which its
 * organisation's feed changed, or at which the kiosk was moved to another
 * organisation, whichever is later.  A delta lists, for everything that
 * changed in its organisation's feed after the kiosk's revision, its
 * current form or its deletion; after a move it lists everything the old
 * and the new organisation's feeds ever held, so that the kiosk ends up
 * with exactly the new organisation's content. */
#ifndef COUNTYD_FEEDGEN_H
#define COUNTYD_FEEDGEN_H

#include <jansson.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

typedef struct {
    char org[CDB_ID_SIZE];
    int64_t feed_base; /* the revision of its last move, 0 if never moved */
    int64_t revision; /* its feed revision (above) */
} FeedTarget;

/* Who the kiosk's feed is for; 1 when there is no such kiosk. */
int feedgen_target(Cdb *db, const char *kiosk, FeedTarget *t, Err *err);

/* A snapshot when since <= 0 or since > the feed revision, else a delta
 * from since.  *revision receives the document's revision (equal to since
 * when there is nothing new: then *out is NULL). */
int feedgen_build(Cdb *db, const char *kiosk, int64_t since, json_t **out, int64_t *revision, Err *err);

/* The answers entry for one public reply; 1 when the reply is not public. */
int feedgen_answer(Cdb *db, int64_t reply_id, json_t **out, Err *err);

#endif
