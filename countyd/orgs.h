/* orgs.h — the county's tree of Party organisations.
 *
 * Owns the orgs table: one root (the 县委, id "root"), every other
 * organisation with a parent (乡镇党委 under the 县委, 村党支部 under a
 * 乡镇党委 …), a full name (中共青禾镇委员会, shown in its kiosks' header)
 * and a short name (青禾镇).  Kiosks, admins, items, notices, answers and
 * feedback each belong to one organisation; "within" means the
 * organisation itself or one below it.  Organisations are never moved to
 * another parent and never deleted (their records must stay attributable).
 *
 * The SQL fragments below are the one definition of "the subtree of ?1"
 * and "the ancestors of ?1" that every query uses.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_ORGS_H
#define COUNTYD_ORGS_H

#include <jansson.h>
#include <stdbool.h>

#include "cdb.h"
#include "err.h"

#define ORG_ROOT "root"
/* The deepest tree the county may build (县委 > 乡镇 > 村 > 支部 > 小组 ...). */
#define ORG_MAX_DEPTH 8

/* A common table expression "subtree(id)": ?1 and every organisation below it. */
#define ORGS_SUBTREE_CTE                                                                                               \
    "WITH RECURSIVE subtree(id) AS (SELECT ?1 UNION SELECT o.id FROM orgs o JOIN subtree s ON o.parent = s.id)"
/* A common table expression "lineage(id)": ?1 and every organisation above it. */
#define ORGS_LINEAGE_CTE                                                                                               \
    "WITH RECURSIVE lineage(id) AS (SELECT ?1 UNION SELECT o.parent FROM orgs o JOIN lineage l ON o.id = l.id"         \
    " WHERE o.parent IS NOT NULL)"

/* Creates an organisation under `parent` (the caller has checked that the
 * admin may; authz.h).  Its kiosks start with everything the parent's
 * feed shows to those below. */
int org_create(Cdb *db, const char *admin, const char *id, const char *parent, const char *name, const char *short_name,
               Err *err);
/* Changes name and/or short name (NULL = keep); the kiosks' headers follow
 * with their next heartbeat. */
int org_update(Cdb *db, const char *admin, const char *id, const char *name, const char *short_name, Err *err);
/* {"id","parent","name","short_name","depth","kiosks","admins"} for `top` and
 * everything below it, parents before children. */
int orgs_list(Cdb *db, const char *top, json_t **out, Err *err);
/* 0 and the row ({"id","parent","name","short_name"}), or -1 with ERR_NOT_FOUND. */
int org_get(Cdb *db, const char *id, json_t **out, Err *err);
/* 1 when `org` is `top` or below it, 0 when not (or unknown), -1 on a fault. */
int org_within(Cdb *db, const char *top, const char *org);
/* 1 when the organisation exists, 0 when not. */
int org_exists(Cdb *db, const char *id);

#endif
