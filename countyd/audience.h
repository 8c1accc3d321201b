/* audience.h — which organisations' kiosks see an entity, and whose feed a
 * change touches.
 *
 * Every item, notice and answer is owned by one organisation and has an
 * audience: "own" (the owner's kiosks only) or "subtree" (the owner's and
 * those of every organisation below it: a county notice reaches every
 * township lobby).  The category tree is the county's and reaches all.
 * A kiosk's feed therefore holds its organisation's own entities plus its
 * ancestors' "subtree" ones — AUDIENCE_VISIBLE is that rule, written once,
 * and feedgen.c puts it into every feed query.
 *
 * audience_affected_orgs() is the one decision of which organisations'
 * feeds a change touches; audience_mark() records the change in those
 * organisations' change logs (feed_changes) and notes them for the
 * long-poll, so that only kiosks whose feed changed are woken. */
#ifndef COUNTYD_AUDIENCE_H
#define COUNTYD_AUDIENCE_H

#include <jansson.h>
#include <stdbool.h>

#include "cdb.h"
#include "err.h"
#include "orgs.h"

typedef enum { AUDIENCE_OWN, AUDIENCE_SUBTREE } Audience;

/* "own" / "subtree" -> Audience; -1 when neither. */
int audience_parse(const char *word);
const char *audience_word(Audience a);
/* 本组织 / 本组织及下级 */
const char *audience_label(Audience a);
/* The "audience" of a request's entity object (absent: subtree); -1 with
 * ERR_BAD_REQUEST and a sentence naming both words for anything else. */
int audience_of(json_t *entity, Audience *out, Err *err);

/* An SQL condition: the row (owner column `org_col`, audience column or
 * literal `aud_col`) is in the feed of organisation ?1.  The statement
 * must start with ORGS_LINEAGE_CTE (bound to the same ?1).  Written as "the
 * owner is in the lineage" first, so that SQLite looks the rows up by
 * owner (items_org_live) instead of reading every row. */
#define AUDIENCE_VISIBLE(org_col, aud_col)                                                                             \
    "(" org_col " IN (SELECT id FROM lineage) AND (" org_col " = ?1 OR " aud_col " = 'subtree'))"

/* The organisations whose feed shows an entity of `owner` that reaches
 * below (`reaches_below`: its audience is or was "subtree") or not: a JSON
 * array of ids. */
int audience_affected_orgs(Cdb *db, const char *owner, bool reaches_below, json_t **orgs, Err *err);

/* Records, in an open write transaction, that (entity, id) of `owner`
 * changed for kiosks: every affected organisation's change log gets it at
 * this transaction's revision.  `reaches_below` is true when the entity's
 * audience before or after the change is "subtree". */
int audience_mark(Cdb *db, const char *entity, const char *id, const char *owner, bool reaches_below, Err *err);

/* Commits the write transaction and wakes the kiosk requests held for the
 * feeds it changed (none when it marked nothing). */
int audience_commit(Cdb *db, Err *err);

#endif
