/* audit.h — the tamper-evident record (归档) of every state change.
 *
 * Owns the audit table (written through cdb_audit(), read through
 * cdb_audit_list(), both declared in cdb.h) and the published_revisions
 * table.  Each audit entry carries the SHA-256 of the entry before it and
 * its own hash over (seq, at, admin, org, action, target, detail,
 * prev_hash), so that an entry edited, inserted or deleted afterwards
 * breaks the chain at that point: audit_verify() finds where.  Every
 * published version of an item is kept (published_revisions) for the
 * yearly archive a records office keeps (audit_archive_year()).
 *
 * Entries from before the chain existed are sealed, in their order, when
 * the database is migrated (audit_seal). */
#ifndef COUNTYD_AUDIT_H
#define COUNTYD_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* Chains every entry that has no hash yet (in an open write transaction). */
int audit_seal(Cdb *db, Err *err);

/* Walks the whole chain: {"ok": true, "entries": n, "head": hash} or
 * {"ok": false, "entries": n, "broken_at": seq, "reason": "…", "entry": {…}}. */
int audit_verify(Cdb *db, json_t **out, Err *err);

/* Records a published version (in publish's transaction). */
int audit_keep_revision(Cdb *db, const char *admin, const char *item, const char *org, int64_t revision,
                        const char *doc, Err *err);

/* The archive of `year` (China Standard Time) for `top` and the
 * organisations below: {"year", "revisions": [{"item", "org", "revision",
 * "published_at", "published_by", "content", "history": [audit entries]}],
 * "audit": [entries with their hashes], "images": [sha256…], "chain": the
 * verify result}. */
int audit_archive_year(Cdb *db, const char *top, int year, json_t **out, Err *err);

#endif
