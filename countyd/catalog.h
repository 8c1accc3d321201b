/* catalog.h — the catalog (公开目录) as the level above sets it.
 *
 * Owns the categories table: the county's standard catalog (owned by the
 * root, the eight first-level categories and their entries, replaced as a
 * whole by PUT /v1/admin/categories) and the entries an organisation adds
 * under it (owned by that organisation, seen by it and the organisations
 * below).  Each entry may carry the rules of the seeds' annex (docs/ADMIN.md
 * "The catalog"):
 *
 *   "rules": {"channels": "会议 文件 公开栏 触控屏",      公开形式
 *             "scope": "public" | "internal",           公开范围 社会 / 党内
 *             "timing": "fixed" | "periodic" | "anytime",公开时限 固定 / 定期 / 随时
 *             "cadence": "monthly" | "quarterly",        for periodic (default quarterly)
 *             "days": [1, 10],                           the disclosure days of each period
 *             "min_days": 15}                            shown at least this long (default 15)
 *
 * An entry without a rule inherits its parent's.  Kiosks get the entries
 * without their rules.  The checks an item must pass against its entry
 * (catalog_check_item) and the overdue list live here too.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_CATALOG_H
#define COUNTYD_CATALOG_H

#include <jansson.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* Replaces the county's standard catalog (feed category objects, each with
 * optional "rules"); organisations' additions are kept. */
int catalog_put_standard(Cdb *db, const char *admin, json_t *categories, int *changed, Err *err);
/* Adds or changes organisation `org`'s own entry `id` (a category object
 * with a parent it can see); 1 in *changed when anything changed. */
int catalog_put_entry(Cdb *db, const char *admin, const char *org, const char *id, json_t *entry, int *changed,
                      Err *err);
int catalog_delete_entry(Cdb *db, const char *admin, const char *id, Err *err);
/* The organisation owning entry `id`: 0, 1 when there is none, -1. */
int catalog_owner(Cdb *db, const char *id, char *org, size_t size, Err *err);

/* Whether an item of organisation `org` filed under entry `id` is outside
 * the catalog the level above set (目录外事项): the entry is one `org` added
 * itself.  Then *maker is the organisation whose catalog it extends — the
 * owner of the nearest entry above it that `org` did not add — and 1 is
 * returned; 0 when the entry is part of the catalog set for `org`; -1. */
int catalog_outside(Cdb *db, const char *id, const char *org, char *maker, size_t size, Err *err);

/* The feed category objects organisation `org`'s kiosks get. */
int catalog_for_org(Cdb *db, const char *org, json_t **cats, Err *err);
/* Every entry of the county (all organisations'), as feed objects. */
int catalog_all(Cdb *db, json_t **cats, Err *err);
/* The entries `org` sees, with their own and effective rules, for admins. */
int catalog_list(Cdb *db, const char *org, json_t **out, Err *err);

/* Checks an item of organisation `org` against its entry: the entry must be
 * one `org` sees, a 社会 (public) item may not go under an entry meant for
 * 党内 only (ERR_BAD_REQUEST), and a 定期 item shown for less than the
 * entry's min_days gets a warning (a sentence appended to `warnings`). */
int catalog_check_item(Cdb *db, const char *org, json_t *item, json_t *warnings, Err *err);

/* For every organisation of `top`'s subtree, the 定期 entries whose period
 * containing `now` has no published item of that organisation:
 * [{"org","org_name","category","name","cadence","period","days","late"}]
 * (late = the period's disclosure days are over). */
int catalog_overdue(Cdb *db, const char *top, int64_t now, json_t **out, Err *err);

#endif
