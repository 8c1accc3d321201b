#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audience.h"
#include "content.h"
#include "feed.h"
#include "orgs.h"
#include "validate.h"

/* Seed 003: a periodic disclosure is shown at least half a month. */
#define DEFAULT_MIN_DAYS 15
#define MAX_DEPTH 3

static int64_t now_s(void) { return (int64_t)time(NULL); }

static int fail_rollback(Cdb *db, int rc)
{
    cdb_rollback(db);
    return rc;
}

/* ---- rules ------------------------------------------------------------------ */

static int one_of(json_t *v, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (json_is_string(v) && strcmp(json_string_value(v), words[i]) == 0) return 1;
    return 0;
}

/* Checks an entry's "rules" object (absent = none). */
static int check_rules(const char *id, json_t *rules, Err *err)
{
    static const char *const scopes[] = {"public", "internal", NULL};
    static const char *const timings[] = {"fixed", "periodic", "anytime", NULL};
    static const char *const cadences[] = {"monthly", "quarterly", NULL};
    if (!rules) return 0;
    if (!json_is_object(rules)) return err_refuse(err, ERR_BAD_REQUEST, "%s.rules：必须是对象", id);
    const char *key;
    json_t *v;
    json_object_foreach (rules, key, v) {
        bool ok = true;
        if (strcmp(key, "channels") == 0) ok = json_is_string(v) && json_string_length(v) <= 200;
        else if (strcmp(key, "scope") == 0) ok = one_of(v, scopes);
        else if (strcmp(key, "timing") == 0) ok = one_of(v, timings);
        else if (strcmp(key, "cadence") == 0) ok = one_of(v, cadences);
        else if (strcmp(key, "min_days") == 0)
            ok = json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 366;
        else if (strcmp(key, "days") == 0) {
            json_int_t from = json_integer_value(json_array_get(v, 0)), to = json_integer_value(json_array_get(v, 1));
            ok = json_is_array(v) && json_array_size(v) == 2 && from >= 1 && from <= to && to <= 92;
        } else
            return err_refuse(err, ERR_BAD_REQUEST,
                              "%s.rules.%s：不认识的规则（channels、scope、timing、cadence、days、min_days）", id, key);
        if (!ok)
            return err_refuse(err, ERR_BAD_REQUEST, "%s.rules.%s：取值不对（见 docs/ADMIN.md “公开目录”）", id, key);
    }
    json_t *cadence = json_object_get(rules, "cadence");
    if (cadence && !one_of(json_object_get(rules, "timing"), (const char *const[]){"periodic", NULL}))
        return err_refuse(err, ERR_BAD_REQUEST, "%s.rules：只有定期（periodic）的目录才有 cadence", id);
    return 0;
}

/* The entry's rules merged over its ancestors' (the nearest one wins). */
static json_t *effective_rules(Cdb *db, const char *id)
{
    json_t *merged = json_object();
    char at[CDB_ID_SIZE];
    snprintf(at, sizeof at, "%s", id);
    for (int depth = 0; depth < MAX_DEPTH && at[0]; depth++) {
        json_t *row;
        if (cdb_row(db, &row, NULL,
                    "SELECT rules, json_extract(doc, '$.parent') AS parent FROM categories WHERE id = ?", "s", at))
            break;
        json_t *rules = json_loads(json_string_value(json_object_get(row, "rules")), 0, NULL);
        const char *key;
        json_t *v;
        json_object_foreach (rules, key, v)
            if (!json_object_get(merged, key)) json_object_set(merged, key, v);
        json_decref(rules);
        const char *parent = json_string_value(json_object_get(row, "parent"));
        snprintf(at, sizeof at, "%s", parent ? parent : "");
        json_decref(row);
    }
    if (one_of(json_object_get(merged, "timing"), (const char *const[]){"periodic", NULL})) {
        if (!json_object_get(merged, "cadence")) json_object_set_new(merged, "cadence", json_string("quarterly"));
        if (!json_object_get(merged, "min_days"))
            json_object_set_new(merged, "min_days", json_integer(DEFAULT_MIN_DAYS));
    }
    return merged;
}

/* Splits a category object into the feed entry kiosks get and its rules
 * text; both malloc'd. */
static int split_entry(json_t *cat, char **doc, char **rules, Err *err)
{
    const char *id = json_string_value(json_object_get(cat, "id"));
    json_t *r = json_object_get(cat, "rules");
    int rc = check_rules(id ? id : "?", r, err);
    if (rc) return rc;
    json_t *entry = json_deep_copy(cat);
    json_object_del(entry, "rules");
    json_object_del(entry, "org");
    *doc = content_canonical(entry);
    *rules = r ? content_canonical(r) : strdup("{}");
    json_decref(entry);
    return *doc && *rules ? 0 : err_set(err, "out of memory");
}

/* Keeps kiosks' copies of what the importer would accept: the entries it is
 * checked with are the ones the owner's kiosks see. */
static json_t *entries_without_rules(json_t *categories)
{
    json_t *copy = json_deep_copy(categories);
    size_t i;
    json_t *c;
    json_array_foreach (copy, i, c) {
        json_object_del(c, "rules");
        json_object_del(c, "org");
    }
    return copy;
}

/* ---- writing entries ---------------------------------------------------------- */

/* Stores one entry of `org`; counts it in *changed when it changed. */
static int upsert(Cdb *db, const char *admin, const char *org, json_t *cat, int *changed, Err *err)
{
    const char *id = json_string_value(json_object_get(cat, "id"));
    char *doc = NULL, *rules = NULL;
    int rc = split_entry(cat, &doc, &rules, err);
    json_t *old = NULL;
    if (!rc && cdb_row(db, &old, err, "SELECT doc, rules, org FROM categories WHERE id = ?", "s", id) < 0) rc = -1;
    if (!rc && old && strcmp(json_string_value(json_object_get(old, "org")), org) != 0)
        rc = err_refuse(err, ERR_CONFLICT, "目录 %s 属于组织 %s；不能由 %s 改动", id,
                        json_string_value(json_object_get(old, "org")), org);
    bool same = !rc && old && strcmp(json_string_value(json_object_get(old, "doc")), doc) == 0 &&
                strcmp(json_string_value(json_object_get(old, "rules")), rules) == 0;
    if (!rc && !same) {
        char target[128];
        snprintf(target, sizeof target, "category:%s", id);
        rc = cdb_exec(
            db, err,
            "INSERT OR REPLACE INTO categories (id, doc, updated_at, updated_by, org, rules) VALUES (?, ?, ?, ?, ?, ?)",
            "ssisss", id, doc, now_s(), admin, org, rules);
        if (!rc) rc = audience_mark(db, "category", id, org, true, err);
        if (!rc) rc = cdb_audit(db, admin, org, old ? "category-edit" : "category-add", target, doc, err);
        (*changed)++;
    }
    json_decref(old);
    free(doc);
    free(rules);
    return rc;
}

static bool listed(json_t *categories, const char *id)
{
    size_t i;
    json_t *c;
    json_array_foreach (categories, i, c)
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0) return true;
    return false;
}

/* Deletes entry `id` unless something still hangs on it. */
static int remove_entry(Cdb *db, const char *admin, const char *id, const char *org, Err *err)
{
    int64_t held, below;
    if (cdb_int(db, &held, err, "SELECT count(*) FROM items WHERE category = ? AND state != 'withdrawn'", "s", id))
        return -1;
    if (held > 0)
        return err_refuse(err, ERR_CONFLICT,
                          "category %s still holds %lld item(s) that are not withdrawn; withdraw them or "
                          "file them under another category first",
                          id, (long long)held);
    if (cdb_int(db, &below, err, "SELECT count(*) FROM categories WHERE json_extract(doc, '$.parent') = ?", "s", id))
        return -1;
    if (below > 0)
        return err_refuse(err, ERR_CONFLICT, "目录 %s 下还有 %lld 个下级目录（可能是下级组织增设的）；先删除它们", id,
                          (long long)below);
    char target[128];
    snprintf(target, sizeof target, "category:%s", id);
    if (cdb_exec(db, err, "DELETE FROM categories WHERE id = ?", "s", id) ||
        audience_mark(db, "category", id, org, true, err) ||
        cdb_audit(db, admin, org, "category-delete", target, "", err))
        return -1;
    return 0;
}

static int remove_missing_standard(Cdb *db, const char *admin, json_t *categories, int *changed, Err *err)
{
    json_t *rows;
    /* Children before parents, so that a whole branch can go at once. */
    if (cdb_rows(db, &rows, err,
                 "SELECT id FROM categories WHERE org = 'root' ORDER BY json_extract(doc, '$.parent') IS NULL, id",
                 NULL))
        return -1;
    size_t i;
    json_t *row;
    int rc = 0;
    json_array_foreach (rows, i, row) {
        const char *id = json_string_value(json_object_get(row, "id"));
        if (listed(categories, id)) continue;
        if ((rc = remove_entry(db, admin, id, ORG_ROOT, err))) break;
        (*changed)++;
    }
    json_decref(rows);
    return rc;
}

/* The category objects stored in the rows' "doc" column (the rows are freed). */
static json_t *docs_of(json_t *rows)
{
    json_t *list = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *c = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        if (c) json_array_append_new(list, c);
    }
    json_decref(rows);
    return list;
}

/* The importer's check of the standard catalog together with the entries
 * organisations added (so that none loses its parent). */
static int check_with_additions(Cdb *db, json_t *standard, Err *err)
{
    json_t *all = entries_without_rules(standard), *rows;
    if (cdb_rows(db, &rows, err, "SELECT doc FROM categories WHERE org != 'root'", NULL)) {
        json_decref(all);
        return -1;
    }
    json_t *added = docs_of(rows);
    json_array_extend(all, added);
    json_decref(added);
    int rc = validate_feed_entry(all, NULL, NULL, err) ? err_mark(err, ERR_BAD_REQUEST) : 0;
    json_decref(all);
    return rc;
}

int catalog_put_standard(Cdb *db, const char *admin, json_t *categories, int *changed, Err *err)
{
    *changed = 0;
    if (!json_is_array(categories))
        return err_refuse(err, ERR_BAD_REQUEST, "categories: must be an array of categories");
    json_t *plain = entries_without_rules(categories);
    int rc = validate_feed_entry(plain, NULL, NULL, err) ? err_mark(err, ERR_BAD_REQUEST) : 0;
    json_decref(plain);
    if (rc) return rc;
    if (cdb_begin(db, err)) return -1;
    size_t i;
    json_t *cat;
    json_array_foreach (categories, i, cat)
        if ((rc = upsert(db, admin, ORG_ROOT, cat, changed, err))) return fail_rollback(db, rc);
    if ((rc = remove_missing_standard(db, admin, categories, changed, err))) return fail_rollback(db, rc);
    if ((rc = check_with_additions(db, categories, err))) return fail_rollback(db, rc);
    return audience_commit(db, err);
}

int catalog_put_entry(Cdb *db, const char *admin, const char *org, const char *id, json_t *entry, int *changed,
                      Err *err)
{
    *changed = 0;
    if (!proto_id_valid(id))
        return err_refuse(err, ERR_BAD_REQUEST, "\"%s\" is not an id (1-63 of A-Z a-z 0-9 - _ .)", id);
    if (!json_is_object(entry)) return err_refuse(err, ERR_BAD_REQUEST, "the body must be one category object");
    const char *parent = json_string_value(json_object_get(entry, "parent"));
    if (!parent || !*parent)
        return err_refuse(err, ERR_BAD_REQUEST,
                          "parent：组织增设的目录须挂在县里目录的某一项之下（一级目录由县委统一设置）");
    json_t *clean = json_deep_copy(entry);
    json_object_set_new(clean, "id", json_string(id));
    json_t *seen;
    int rc = catalog_for_org(db, org, &seen, err);
    if (rc) {
        json_decref(clean);
        return rc;
    }
    if (!listed(seen, parent)) rc = err_refuse(err, ERR_BAD_REQUEST, "parent：组织 %s 看不到目录 %s", org, parent);
    json_t *plain = NULL;
    if (!rc) {
        /* The entry as it will be, beside everything else the org sees. */
        for (size_t i = 0; i < json_array_size(seen); i++)
            if (strcmp(json_string_value(json_object_get(json_array_get(seen, i), "id")), id) == 0) {
                json_array_remove(seen, i);
                break;
            }
        plain = entries_without_rules(seen);
        json_t *mine = json_deep_copy(clean);
        json_object_del(mine, "rules");
        json_object_del(mine, "org");
        json_array_append_new(plain, mine);
        if (validate_feed_entry(plain, NULL, NULL, err)) rc = err_mark(err, ERR_BAD_REQUEST);
    }
    json_decref(plain);
    json_decref(seen);
    if (!rc && !(rc = cdb_begin(db, err))) {
        rc = upsert(db, admin, org, clean, changed, err);
        rc = rc ? fail_rollback(db, rc) : audience_commit(db, err);
    }
    json_decref(clean);
    return rc;
}

int catalog_delete_entry(Cdb *db, const char *admin, const char *id, Err *err)
{
    char org[CDB_ID_SIZE] = "";
    int rc = cdb_begin(db, err);
    if (!rc) rc = catalog_owner(db, id, org, sizeof org, err);
    if (rc == 1) rc = err_refuse(err, ERR_NOT_FOUND, "there is no category %s", id);
    if (!rc && strcmp(org, ORG_ROOT) == 0)
        rc = err_refuse(err, ERR_BAD_REQUEST,
                        "目录 %s 是县里的标准目录：用 PUT /v1/admin/categories（kioskctl publish）整体更新", id);
    if (!rc) rc = remove_entry(db, admin, id, org, err);
    if (rc) return fail_rollback(db, rc);
    return audience_commit(db, err);
}

int catalog_owner(Cdb *db, const char *id, char *org, size_t size, Err *err)
{
    return cdb_text(db, org, size, err, "SELECT org FROM categories WHERE id = ?", "s", id ? id : "");
}

int catalog_outside(Cdb *db, const char *id, const char *org, char *maker, size_t size, Err *err)
{
    char owner[CDB_ID_SIZE];
    int rc = catalog_owner(db, id, owner, sizeof owner, err);
    if (rc) return rc < 0 ? -1 : err_refuse(err, ERR_NOT_FOUND, "there is no catalog entry %s", id);
    if (strcmp(owner, org) != 0) return 0;
    /* Up the entry's parents to the first one another organisation owns. */
    rc = cdb_text(db, maker, size, err,
                  "WITH RECURSIVE up(id, org, parent, depth) AS ("
                  " SELECT id, org, json_extract(doc, '$.parent'), 0 FROM categories WHERE id = ?"
                  " UNION ALL SELECT c.id, c.org, json_extract(c.doc, '$.parent'), up.depth + 1"
                  " FROM categories c JOIN up ON c.id = up.parent WHERE up.depth < 16)"
                  " SELECT org FROM up WHERE org <> ? ORDER BY depth LIMIT 1",
                  "ss", id, org);
    if (rc < 0) return -1;
    return rc == 0 ? 1 : 0; /* none above: `org` set the whole catalog (the root) */
}

/* ---- reading ------------------------------------------------------------------ */

#define VISIBLE_ENTRIES                                                                                                \
    ORGS_LINEAGE_CTE " SELECT id, doc, rules, org FROM categories WHERE org IN (SELECT id FROM lineage)"

int catalog_for_org(Cdb *db, const char *org, json_t **cats, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, VISIBLE_ENTRIES " ORDER BY id", "s", org)) return -1;
    *cats = docs_of(rows);
    return 0;
}

int catalog_all(Cdb *db, json_t **cats, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, "SELECT doc FROM categories ORDER BY id", NULL)) return -1;
    *cats = docs_of(rows);
    return 0;
}

int catalog_list(Cdb *db, const char *org, json_t **out, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, VISIBLE_ENTRIES " ORDER BY id", "s", org)) return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *doc = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        json_object_update(row, doc);
        json_decref(doc);
        json_object_del(row, "doc");
        json_object_set_new(row, "rules", json_loads(json_string_value(json_object_get(row, "rules")), 0, NULL));
        json_object_set_new(row, "effective", effective_rules(db, json_string_value(json_object_get(row, "id"))));
    }
    *out = rows;
    return 0;
}

/* ---- checking an item ------------------------------------------------------------ */

int catalog_check_item(Cdb *db, const char *org, json_t *item, json_t *warnings, Err *err)
{
    const char *category = json_string_value(json_object_get(item, "category"));
    char owner[CDB_ID_SIZE];
    int rc = catalog_owner(db, category, owner, sizeof owner, err);
    if (rc < 0) return -1;
    if (rc == 1 || org_within(db, owner, org) != 1)
        return err_refuse(err, ERR_BAD_REQUEST, "category：组织 %s 的目录里没有 %s", org, category ? category : "");
    json_t *rules = effective_rules(db, category);
    const char *scope = json_string_value(json_object_get(item, "scope"));
    const char *only = json_string_value(json_object_get(rules, "scope"));
    if (only && strcmp(only, "internal") == 0 && scope && strcmp(scope, "public") == 0)
        rc = err_refuse(err, ERR_BAD_REQUEST, "scope：目录 %s 只在党内公开，社会范围的事项不能归在它下面", category);
    const char *timing = json_string_value(json_object_get(rules, "timing"));
    const char *from = json_string_value(json_object_get(item, "published_at"));
    const char *to = json_string_value(json_object_get(item, "expires_at"));
    int64_t start, end;
    if (!rc && timing && strcmp(timing, "periodic") == 0 && from && to && !feed_parse_time(from, &start) &&
        !feed_parse_time(to, &end)) {
        int64_t min_days = json_integer_value(json_object_get(rules, "min_days"));
        int64_t days = (end - start) / 86400;
        if (end - start < min_days * 86400) {
            char w[300];
            snprintf(w, sizeof w,
                     "目录 %s 是定期公开，至少公示 %lld 天；这一条只公示 %lld 天（published_at 到 expires_at）",
                     category, (long long)min_days, (long long)days);
            json_array_append_new(warnings, json_string(w));
        }
    }
    json_decref(rules);
    return rc;
}

/* ---- the overdue list ------------------------------------------------------------ */

/* The period (month or quarter, China Standard Time) that contains `now`:
 * its first second, its name ("2026-12", "2026Q4") and the day of it now. */
static void period_of(int64_t now, bool quarterly, int64_t *start, char *name, size_t size, int *day)
{
    time_t local = (time_t)(now + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    int month = quarterly ? tm.tm_mon / 3 * 3 : tm.tm_mon;
    struct tm first = {.tm_year = tm.tm_year, .tm_mon = month, .tm_mday = 1};
    *start = (int64_t)timegm(&first) - 8 * 3600;
    *day = (int)((now - *start) / 86400) + 1;
    if (quarterly) snprintf(name, size, "%04dQ%d", tm.tm_year + 1900, month / 3 + 1);
    else snprintf(name, size, "%04d-%02d", tm.tm_year + 1900, month + 1);
}

/* Whether `org` published anything under entry `category` (or below it)
 * since `start`. */
static int published_since(Cdb *db, const char *org, const char *category, int64_t start, bool *out, Err *err)
{
    int64_t n = 0;
    int rc = cdb_int(db, &n, err,
                     "WITH RECURSIVE below(id) AS (SELECT ?2 UNION SELECT c.id FROM categories c JOIN below b"
                     " ON json_extract(c.doc, '$.parent') = b.id)"
                     " SELECT EXISTS (SELECT 1 FROM items WHERE org = ?1 AND published IS NOT NULL"
                     " AND category IN (SELECT id FROM below)"
                     " AND strftime('%s', json_extract(published, '$.published_at')) + 0 >= ?3)",
                     "ssi", org, category, start);
    *out = n != 0;
    return rc;
}

static int overdue_for_org(Cdb *db, json_t *org, int64_t now, json_t *out, Err *err)
{
    const char *id = json_string_value(json_object_get(org, "id"));
    json_t *rows;
    /* Entries whose own rules say 定期 (their children inherit, and count for them). */
    if (cdb_rows(db, &rows, err, VISIBLE_ENTRIES " AND json_extract(rules, '$.timing') = 'periodic' ORDER BY id", "s",
                 id))
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *cat = json_string_value(json_object_get(row, "id"));
        json_t *rules = effective_rules(db, cat);
        bool quarterly = strcmp(json_string_value(json_object_get(rules, "cadence")), "quarterly") == 0;
        int64_t start;
        char period[16];
        int day;
        period_of(now, quarterly, &start, period, sizeof period, &day);
        bool published = false;
        if (published_since(db, id, cat, start, &published, err)) {
            json_decref(rules);
            json_decref(rows);
            return -1;
        }
        if (!published) {
            json_t *days = json_object_get(rules, "days");
            json_int_t last = days ? json_integer_value(json_array_get(days, 1)) : 10;
            json_t *doc = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
            json_array_append_new(out,
                                  json_pack("{s:s,s:O,s:s,s:O,s:O,s:s,s:O*,s:b}", "org", id, "org_name",
                                            json_object_get(org, "name"), "category", cat, "name",
                                            json_object_get(doc, "name"), "cadence", json_object_get(rules, "cadence"),
                                            "period", period, "days", days, "late", day > last));
            json_decref(doc);
        }
        json_decref(rules);
    }
    json_decref(rows);
    return 0;
}

int catalog_overdue(Cdb *db, const char *top, int64_t now, json_t **out, Err *err)
{
    json_t *orgs;
    if (orgs_list(db, top, &orgs, err)) return -1;
    json_t *list = json_array();
    size_t i;
    json_t *org;
    int rc = 0;
    json_array_foreach (orgs, i, org)
        if ((rc = overdue_for_org(db, org, now, list, err))) break;
    json_decref(orgs);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}
