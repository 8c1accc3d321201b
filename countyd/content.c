#include "content.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audience.h"
#include "audit.h"
#include "auth.h"
#include "authz.h"
#include "blobfile.h"
#include "catalog.h"
#include "feed.h"
#include "image.h"
#include "pdf.h"
#include "orgs.h"
#include "privacy.h"
#include "validate.h"

char *content_canonical(json_t *v) { return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY); }

static int64_t now_s(void) { return (int64_t)time(NULL); }

static int fail_rollback(Cdb *db, int rc)
{
    cdb_rollback(db);
    return rc;
}

static json_t *parse_doc(json_t *row, const char *column)
{
    const char *text = json_string_value(json_object_get(row, column));
    return text ? json_loads(text, 0, NULL) : NULL;
}

/* ---- items ------------------------------------------------------------------ */

static int check_attachments(Cdb *db, json_t *item, Err *err)
{
    json_t *atts = json_object_get(item, "attachments");
    size_t i;
    json_t *a;
    json_array_foreach (atts, i, a) {
        json_object_del(a, "href");
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        const char *type = json_string_value(json_object_get(a, "type"));
        char have_type[32];
        int64_t have_size;
        int found = content_blob_info(db, sha, have_type, sizeof have_type, &have_size, err);
        if (found < 0) return -1;
        if (found == 1)
            return err_refuse(err, ERR_BAD_REQUEST, "attachments[%zu]: the server has no file %s; upload it first", i,
                              sha);
        if (have_size != json_integer_value(json_object_get(a, "size")))
            return err_refuse(err, ERR_BAD_REQUEST, "attachments[%zu]: size says %lld bytes, the file %s has %lld", i,
                              (long long)json_integer_value(json_object_get(a, "size")), sha, (long long)have_size);
        if (strcmp(have_type, type) != 0)
            return err_refuse(err, ERR_BAD_REQUEST, "attachments[%zu]: type says %s, the file %s is %s", i, type, sha,
                              have_type);
    }
    return 0;
}

static int check_id(const char *id, Err *err)
{
    return proto_id_valid(id) ? 0
                              : err_refuse(err, ERR_BAD_REQUEST, "\"%s\" is not an id (1-63 of A-Z a-z 0-9 - _ .)", id);
}

/* A copy of the item as the server keeps it: the URL's id, no href, no
 * revision; checked against the catalog organisation `org` sees. */
static int normalize_item(Cdb *db, const char *org, const char *id, json_t *item, json_t **out, json_t *warnings,
                          bool import_check, Err *err)
{
    if (check_id(id, err)) return -1;
    if (!json_is_object(item)) return err_refuse(err, ERR_BAD_REQUEST, "the body must be a feed item object");
    const char *body_id = json_string_value(json_object_get(item, "id"));
    if (body_id && strcmp(body_id, id) != 0)
        return err_refuse(err, ERR_BAD_REQUEST, "the body's id \"%s\" differs from the URL's \"%s\"", body_id, id);
    Audience audience;
    if (audience_of(item, &audience, err)) return -1;
    json_t *clean = json_deep_copy(item);
    json_object_set_new(clean, "id", json_string(id));
    json_object_del(clean, "revision");
    json_object_del(clean, "org");
    /* The audience belongs to the working version: changing it is a new
     * version that goes through review like any other change. */
    json_object_set_new(clean, "audience", json_string(audience_word(audience)));
    json_t *cats = NULL;
    int rc = catalog_check_item(db, org, clean, warnings, err);
    if (!rc && import_check) rc = catalog_for_org(db, org, &cats, err);
    if (rc) {
        json_decref(clean);
        return rc;
    }
    if (import_check) rc = validate_feed_entry(cats, "items", clean, err) ? err_mark(err, ERR_BAD_REQUEST) : 0;
    if (!rc) rc = check_attachments(db, clean, err);
    json_decref(cats);
    if (rc) {
        json_decref(clean);
        return rc;
    }
    *out = clean;
    return 0;
}

/* Writes the working version in an open transaction; 1 when it equals
 * what is stored already (and the item is not withdrawn): nothing to do. */
static int store_working_version(Cdb *db, const char *admin, const char *org, const char *id, json_t *clean,
                                 const char *text, char *state, size_t state_size, Err *err)
{
    json_t *old = NULL;
    int rc = cdb_row(db, &old, err, "SELECT state, content FROM items WHERE id = ?", "s", id);
    if (rc < 0) return -1;
    const char *old_state = old ? json_string_value(json_object_get(old, "state")) : NULL;
    if (old && strcmp(json_string_value(json_object_get(old, "content")), text) == 0 &&
        strcmp(old_state, "withdrawn") != 0) {
        snprintf(state, state_size, "%s", old_state);
        json_decref(old);
        return 1;
    }
    const char *title = json_string_value(json_object_get(clean, "title"));
    char target[128];
    snprintf(target, sizeof target, "item:%s", id);
    rc =
        cdb_exec(db, err,
                 "INSERT INTO items (id, org, category, title, scope, audience, state, content, updated_at, updated_by)"
                 " VALUES (?, ?, ?, ?, ?, ?, 'drafted', ?, ?, ?)"
                 " ON CONFLICT(id) DO UPDATE SET category = excluded.category, title = excluded.title,"
                 " scope = excluded.scope, audience = excluded.audience, state = 'drafted', content = "
                 "excluded.content, reviewed_by = NULL,"
                 " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                 "sssssssis", id, org, json_string_value(json_object_get(clean, "category")), title,
                 json_string_value(json_object_get(clean, "scope")),
                 json_string_value(json_object_get(clean, "audience")), text, now_s(), admin);
    if (!rc) rc = cdb_audit(db, admin, org, old ? "edit" : "draft", target, title, err);
    json_decref(old);
    return rc;
}

int content_item_put(Cdb *db, const char *admin, const char *org, const char *id, json_t *item, bool *changed,
                     char *state, size_t state_size, json_t *warnings, Err *err)
{
    *changed = false;
    snprintf(state, state_size, "drafted");
    json_t *clean;
    int rc = normalize_item(db, org, id, item, &clean, warnings, true, err);
    if (rc) return rc;
    char *text = content_canonical(clean);
    rc = text ? cdb_begin(db, err) : err_set(err, "out of memory");
    if (!rc) rc = store_working_version(db, admin, org, id, clean, text, state, state_size, err);
    if (rc == 0) {
        rc = audience_commit(db, err);
        *changed = rc == 0;
    } else {
        cdb_rollback(db);
        if (rc == 1) rc = 0;
    }
    json_decref(clean);
    free(text);
    return rc;
}

static const struct {
    const char *word, *from, *to;
} steps[] = {
    [STEP_REVIEW] = {"review", "drafted", "reviewed"},
    [STEP_APPROVE] = {"approve", "reviewed", "approved"},
    [STEP_PUBLISH] = {"publish", "approved", "published"},
    [STEP_WITHDRAW] = {"withdraw", NULL, "withdrawn"},
    /* 退回: a reviewer or approver sends the working version back to its
     * author, with a note saying what to change. */
    [STEP_RETURN] = {"return", NULL, "drafted"},
};

int review_step_parse(const char *word)
{
    for (int i = 0; i < (int)(sizeof steps / sizeof steps[0]); i++)
        if (word && strcmp(steps[i].word, word) == 0) return i;
    return -1;
}

/* Texts a visitor reads about a change or withdrawal (seed 004: changes and
 * withdrawals of what was published need a public explanation); the
 * limit is the feed's (FEED_MAX_REASON), so a kiosk takes every one. */

static int need_reason(const char *what, const char *id, const char *note, Err *err)
{
    if (!note || !*note)
        return err_refuse(err, ERR_BAD_REQUEST, "%s已公开的事项 %s 须说明理由（note），触控屏会向群众显示", what, id);
    if (strlen(note) > FEED_MAX_REASON)
        return err_refuse(err, ERR_BAD_REQUEST, "note：理由最多 %d 字节", FEED_MAX_REASON);
    return 0;
}

/* 实施公开: the working version becomes what kiosks get, if it is public.
 * Replacing a version that is out already needs a reason, which goes out
 * with the item ("change_reason", "changed_at"). */
static int publish(Cdb *db, const char *admin, const char *id, json_t *row, const char *note, Err *err)
{
    bool replaces = !json_is_null(json_object_get(row, "published"));
    if (replaces && need_reason("更改", id, note, err)) return err_mark(err, ERR_BAD_REQUEST);
    const char *category = json_string_value(json_object_get(row, "category"));
    int64_t exists;
    if (cdb_int(db, &exists, err, "SELECT count(*) FROM categories WHERE id = ?", "s", category)) return -1;
    if (!exists)
        return err_refuse(err, ERR_CONFLICT, "item %s is filed under category %s, which no longer exists", id,
                          category);
    bool public = strcmp(json_string_value(json_object_get(row, "scope")), "public") == 0;
    bool was_live = json_integer_value(json_object_get(row, "live")) != 0;
    const char *org = json_string_value(json_object_get(row, "org"));
    bool was_below = was_live && strcmp(json_string_value(json_object_get(row, "live_audience")), "subtree") == 0;
    json_t *doc = parse_doc(row, "content");
    if (!doc) return err_set(err, "item %s: stored content is not JSON", id);
    /* The audience decides who gets the item; kiosks never see the word. */
    int aud = audience_parse(json_string_value(json_object_get(doc, "audience")));
    if (aud < 0) aud = AUDIENCE_SUBTREE;
    json_object_del(doc, "audience");
    if (replaces) {
        char now[40];
        feed_format_time(now_s(), now, sizeof now);
        json_object_set_new(doc, "change_reason", json_string(note));
        json_object_set_new(doc, "changed_at", json_string(now));
    }
    if ((public || was_live) && audience_mark(db, "item", id, org, was_below || aud == AUDIENCE_SUBTREE, err)) {
        json_decref(doc);
        return -1;
    }
    int64_t rev = cdb_tx_revision(db);
    if (!public && cdb_revision(db, &rev, err)) return -1;
    json_object_set_new(doc, "revision", json_integer(rev));
    char *text = content_canonical(doc);
    json_decref(doc);
    int rc = cdb_exec(
        db, err, "UPDATE items SET published = ?, published_revision = ?, live = ?, live_audience = ? WHERE id = ?",
        "sidss", text, rev, public ? 1 : 0, audience_word((Audience)aud), id);
    /* Every published version is kept for the yearly archive (audit.h). */
    if (!rc) rc = audit_keep_revision(db, admin, id, org, rev, text, err);
    free(text);
    return rc;
}

static int withdraw(Cdb *db, const char *id, json_t *row, const char *note, Err *err)
{
    if (!json_is_null(json_object_get(row, "published")) && need_reason("撤回", id, note, err))
        return err_mark(err, ERR_BAD_REQUEST);
    bool below = strcmp(json_string_value(json_object_get(row, "live_audience")), "subtree") == 0;
    if (json_integer_value(json_object_get(row, "live")) &&
        audience_mark(db, "item", id, json_string_value(json_object_get(row, "org")), below, err))
        return -1;
    return cdb_exec(db, err,
                    "UPDATE items SET published = NULL, published_revision = NULL, live = 0, withdraw_reason = ?,"
                    " withdrawn_at = ? WHERE id = ?",
                    "sis", note, now_s(), id);
}

/* 退回: the version in review goes back to its author as a draft (and
 * needs a new review); what kiosks have does not change. */
static int return_to_author(Cdb *db, const char *id, const char *state, const char *note, Err *err)
{
    if (strcmp(state, "published") == 0 || strcmp(state, "withdrawn") == 0)
        return err_refuse(err, ERR_WRONG_STATE, "item %s is %s; only a version in review can be returned", id, state);
    if (!note || !note[0])
        return err_refuse(err, ERR_BAD_REQUEST, "note: returning item %s needs a note saying what to change", id);
    return cdb_exec(db, err, "UPDATE items SET reviewed_by = NULL WHERE id = ?", "s", id);
}

/* 保密审查 at 审批: the working version is scanned; a finding blocks the
 * approval until the text is edited or `reason` says why it must stay
 * (recorded in the audit trail with what was found). */
static int privacy_review(Cdb *db, const char *admin, const char *id, json_t *row, const char *reason, Err *err)
{
    json_t *doc = parse_doc(row, "content"), *findings = NULL;
    const char *org = json_string_value(json_object_get(row, "org"));
    int rc = doc ? privacy_scan_entry(db, org, doc, &findings, err)
                 : err_set(err, "item %s: stored content is not JSON", id);
    json_decref(doc);
    if (!rc) rc = privacy_verdict(findings, reason, err);
    if (!rc && json_array_size(findings)) {
        char target[128], *found = json_dumps(findings, JSON_COMPACT);
        char detail[2048];
        snprintf(target, sizeof target, "item:%s", id);
        snprintf(detail, sizeof detail, "%s；发现：%s", reason, found ? found : "");
        free(found);
        rc = cdb_audit(db, admin, org, "privacy-keep", target, detail, err);
    }
    json_decref(findings);
    return rc;
}

/* Seed 004: a matter outside the catalog (filed under an entry the
 * organisation added itself) is disclosed only once the organisation that
 * set the catalog agrees — so its approval must come from an approver of
 * that organisation (or above it), not from the item's own. */
static int outside_catalog_approval(Cdb *db, const char *admin, const char *id, json_t *row, Err *err)
{
    const char *org = json_string_value(json_object_get(row, "org"));
    const char *category = json_string_value(json_object_get(row, "category"));
    char maker[CDB_ID_SIZE];
    int outside = catalog_outside(db, category, org, maker, sizeof maker, err);
    if (outside <= 0) return outside;
    Actor who;
    int rc = authz_actor(db, admin, &who, err);
    if (rc) return rc < 0 ? -1 : err_refuse(err, ERR_FORBIDDEN, "没有管理员 %s", admin);
    Err why;
    if (authz_check(db, &who, AUTHZ_APPROVE, maker, &why) == 0) return 0;
    if (why.kind != ERR_FORBIDDEN) {
        *err = why;
        return -1;
    }
    return err_refuse(err, ERR_FORBIDDEN,
                      "%s 属目录外事项（目录「%s」由本组织自行增设）：须报经制定党务公开目录的组织（%s）审批", id,
                      category, maker);
}

static int apply_step(Cdb *db, const char *admin, const char *id, ReviewStep step, json_t *row, const char *note,
                      const char *privacy_reason, Err *err)
{
    const char *state = json_string_value(json_object_get(row, "state"));
    if (step == STEP_WITHDRAW && strcmp(state, "withdrawn") == 0)
        return err_refuse(err, ERR_WRONG_STATE, "item %s is already withdrawn", id);
    if (step == STEP_RETURN) return return_to_author(db, id, state, note, err);
    if (steps[step].from && strcmp(state, steps[step].from) != 0)
        return err_refuse(err, ERR_WRONG_STATE, "item %s is %s; it must be %s before it can be %s", id, state,
                          steps[step].from, steps[step].to);
    const char *reviewer = json_string_value(json_object_get(row, "reviewed_by"));
    /* Two people see every version before it goes out: whoever reviewed it
     * may not also approve it. */
    if (step == STEP_APPROVE && reviewer && strcmp(reviewer, admin) == 0)
        return err_refuse(err, ERR_FORBIDDEN,
                          "审核人不能审批同一版本：%s 的这一版由 %s 审核，须由另一位有审批权的管理员审批", id,
                          reviewer);
    if (step == STEP_REVIEW) return cdb_exec(db, err, "UPDATE items SET reviewed_by = ? WHERE id = ?", "ss", admin, id);
    if (step == STEP_APPROVE && outside_catalog_approval(db, admin, id, row, err)) return -1;
    if (step == STEP_APPROVE) return privacy_review(db, admin, id, row, privacy_reason, err);
    if (step == STEP_PUBLISH) return publish(db, admin, id, row, note, err);
    if (step == STEP_WITHDRAW) return withdraw(db, id, row, note, err);
    return 0;
}

/* One step in an open write transaction. */
static int step_in_tx(Cdb *db, const char *admin, const char *id, ReviewStep step, const char *note,
                      const char *privacy_reason, Err *err)
{
    json_t *row = NULL;
    int rc =
        cdb_row(db, &row, err,
                "SELECT state, org, category, scope, content, published, live, live_audience, reviewed_by FROM items"
                " WHERE id = ?",
                "s", id);
    if (rc == 1) rc = err_refuse(err, ERR_NOT_FOUND, "there is no item %s", id);
    if (!rc) rc = apply_step(db, admin, id, step, row, note, privacy_reason, err);
    char target[128];
    snprintf(target, sizeof target, "item:%s", id);
    if (!rc)
        rc = cdb_exec(db, err, "UPDATE items SET state = ?, updated_at = ?, updated_by = ? WHERE id = ?", "siss",
                      steps[step].to, now_s(), admin, id);
    if (!rc)
        rc = cdb_audit(db, admin, json_string_value(json_object_get(row, "org")), steps[step].word, target, note, err);
    json_decref(row);
    return rc;
}

int content_item_step(Cdb *db, const char *admin, const char *id, ReviewStep step, const char *note,
                      const char *privacy_reason, char *state, size_t state_size, Err *err)
{
    if (cdb_begin(db, err)) return -1;
    int rc = step_in_tx(db, admin, id, step, note, privacy_reason, err);
    if (rc) return fail_rollback(db, rc);
    snprintf(state, state_size, "%s", steps[step].to);
    return audience_commit(db, err);
}

/* ---- batches: many items in one request and one transaction ------------------ */

/* A batch's warnings name their item ("qh-fin-12：目录 … 至少公示 15 天"). */
static void name_warnings(json_t *warnings, size_t from, const char *id)
{
    for (size_t k = from; k < json_array_size(warnings); k++) {
        char named[1024];
        snprintf(named, sizeof named, "%s：%s", id, json_string_value(json_array_get(warnings, k)));
        json_array_set_new(warnings, k, json_string(named));
    }
}

int content_items_put_batch(Cdb *db, const char *admin, const char *const *orgs, json_t *items, json_t *states,
                            json_t *warnings, Err *err)
{
    size_t n = json_array_size(items), i;
    json_t *cleans = json_array(), *it;
    int rc = 0;
    json_array_foreach (items, i, it) {
        json_t *clean;
        const char *id = json_string_value(json_object_get(it, "id"));
        size_t seen = json_array_size(warnings);
        if ((rc = normalize_item(db, orgs[i], id ? id : "", it, &clean, warnings, false, err))) {
            err_prefix(err, "items[%zu]: ", i);
            break;
        }
        name_warnings(warnings, seen, id);
        json_array_append_new(cleans, clean);
    }
    /* One run of the feed rules for the whole batch (with every entry:
     * each item's entry was checked against its owner's catalog above). */
    json_t *cats = NULL;
    if (!rc) rc = catalog_all(db, &cats, err);
    if (!rc && validate_feed_entries(cats, "items", cleans, err)) rc = err_mark(err, ERR_BAD_REQUEST);
    json_decref(cats);
    if (!rc) rc = cdb_begin(db, err);
    for (i = 0; !rc && i < n; i++) {
        json_t *clean = json_array_get(cleans, i);
        char *text = content_canonical(clean), state[32];
        int stored = text ? store_working_version(db, admin, orgs[i], json_string_value(json_object_get(clean, "id")),
                                                  clean, text, state, sizeof state, err)
                          : err_set(err, "out of memory");
        free(text);
        if (stored < 0 || stored > 1) rc = stored;
        else
            json_array_append_new(states, json_pack("{s:O,s:s,s:b}", "id", json_object_get(clean, "id"), "state",
                                                    stored == 1 ? state : "drafted", "changed", stored == 0));
    }
    json_decref(cleans);
    if (rc) {
        cdb_rollback(db);
        return rc;
    }
    return audience_commit(db, err);
}

int content_items_step_batch(Cdb *db, const char *admin, json_t *ids, ReviewStep step, const char *note, Err *err)
{
    if (cdb_begin(db, err)) return -1;
    size_t i;
    json_t *id;
    int rc = 0;
    json_array_foreach (ids, i, id) {
        if ((rc = step_in_tx(db, admin, json_string_value(id), step, note, NULL, err))) {
            err_prefix(err, "ids[%zu] %s: ", i, json_string_value(id));
            break;
        }
    }
    if (rc) return fail_rollback(db, rc);
    return audience_commit(db, err);
}

int content_items_list(Cdb *db, const char *top, json_t **out, Err *err)
{
    return cdb_rows(db, out, err,
                    ORGS_SUBTREE_CTE
                    " SELECT id, org, title, category, scope, audience, state, published_revision,"
                    " live AS on_kiosks, " SQL_TIME(
                        "updated_at") " AS updated_at, updated_by,"
                                      " coalesce((SELECT sum(views) FROM item_views WHERE item = items.id), 0) AS views"
                                      " FROM items WHERE org IN (SELECT id FROM subtree) ORDER BY category, id",
                    "s", top);
}

int content_items_by_state(Cdb *db, const char *top, json_t **out, Err *err)
{
    return cdb_rows(db, out, err,
                    ORGS_SUBTREE_CTE " SELECT state, count(*) AS n FROM items WHERE org IN (SELECT id FROM subtree)"
                                     " GROUP BY state ORDER BY state",
                    "s", top);
}

/* Which table holds each kind of owned entity. */
static const char *owner_sql(const char *entity)
{
    if (strcmp(entity, "item") == 0) return "SELECT org FROM items WHERE id = ?";
    if (strcmp(entity, "notice") == 0) return "SELECT org FROM notices WHERE id = ?";
    if (strcmp(entity, "answer") == 0) return "SELECT org FROM answers WHERE id = ?";
    return NULL;
}

int content_owner(Cdb *db, const char *entity, const char *id, char *org, size_t size, Err *err)
{
    const char *sql = owner_sql(entity);
    if (!sql) return err_set(err, "content_owner: unknown entity %s", entity);
    return cdb_text(db, org, size, err, sql, "s", id ? id : "");
}

int content_item_get(Cdb *db, const char *id, json_t **out, Err *err)
{
    json_t *row;
    int rc =
        cdb_row(db, &row, err,
                "SELECT id, org, state, scope, audience, live_audience, published_revision, live AS on_kiosks,"
                " content, published, " SQL_TIME("updated_at") " AS updated_at, updated_by FROM items WHERE id = ?",
                "s", id);
    if (rc == 1) return err_refuse(err, ERR_NOT_FOUND, "there is no item %s", id);
    if (rc) return -1;
    json_object_set_new(row, "content", parse_doc(row, "content"));
    json_t *pub = parse_doc(row, "published");
    json_object_set_new(row, "published", pub ? pub : json_null());
    char target[128];
    snprintf(target, sizeof target, "item:%s", id);
    json_t *history;
    if (cdb_rows(db, &history, err,
                 "SELECT " SQL_TIME("at") " AS at, admin, action, detail FROM audit WHERE target = ? ORDER BY seq", "s",
                 target)) {
        json_decref(row);
        return -1;
    }
    json_object_set_new(row, "history", history);
    *out = row;
    return 0;
}

/* ---- notices and authored answers ------------------------------------------------ */

/* Entries that go live at once, without the review cycle: ticker notices,
 * and public answers written in the authoring folder (answers.txt). */
static const struct {
    const char *entity, *section, *get_sql, *put_sql, *del_sql;
} doc_kinds[] = {
    [DOC_NOTICE] =
        {"notice", "notices", "SELECT doc, org, audience FROM notices WHERE id = ?",
         "INSERT OR REPLACE INTO notices (id, org, audience, doc, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)",
         "DELETE FROM notices WHERE id = ?"},
    [DOC_ANSWER] =
        {"answer", "answers", "SELECT doc, org, audience FROM answers WHERE id = ?",
         "INSERT OR REPLACE INTO answers (id, org, audience, doc, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)",
         "DELETE FROM answers WHERE id = ?"},
};

/* The feed entry as kiosks get it (no org, no audience) and its audience. */
static int check_doc(Cdb *db, const char *org, DocKind kind, const char *id, json_t *entry, char **text,
                     Audience *audience, Err *err)
{
    if (check_id(id, err)) return -1;
    if (kind == DOC_ANSWER && strncmp(id, "answer-", 7) == 0)
        return err_refuse(err, ERR_BAD_REQUEST, "ids starting with answer- are kept for replies to feedback");
    if (!json_is_object(entry))
        return err_refuse(err, ERR_BAD_REQUEST, "the body must be one feed %s entry", doc_kinds[kind].entity);
    if (audience_of(entry, audience, err)) return -1;
    json_t *clean = json_deep_copy(entry);
    json_object_set_new(clean, "id", json_string(id));
    json_object_del(clean, "audience");
    json_object_del(clean, "org");
    json_object_del(clean, "privacy_reason");
    int rc = validate_feed_entry(NULL, doc_kinds[kind].section, clean, err) ? err_mark(err, ERR_BAD_REQUEST) : 0;
    /* Live at once, so the privacy review happens here. */
    json_t *findings = NULL;
    if (!rc) rc = privacy_scan_entry(db, org, clean, &findings, err);
    if (!rc) rc = privacy_verdict(findings, json_string_value(json_object_get(entry, "privacy_reason")), err);
    json_decref(findings);
    if (!rc) *text = content_canonical(clean);
    json_decref(clean);
    return rc;
}

static bool reaches_below(json_t *row)
{
    return row && strcmp(json_string_value(json_object_get(row, "audience")), "subtree") == 0;
}

int content_doc_put(Cdb *db, const char *admin, const char *org, DocKind kind, const char *id, json_t *entry, Err *err)
{
    char *text = NULL;
    Audience audience;
    int rc = check_doc(db, org, kind, id, entry, &text, &audience, err);
    if (rc) return rc;
    char target[128];
    snprintf(target, sizeof target, "%s:%s", doc_kinds[kind].entity, id);
    json_t *old = NULL;
    rc = cdb_begin(db, err);
    if (!rc && cdb_row(db, &old, err, doc_kinds[kind].get_sql, "s", id) < 0) rc = -1;
    if (!rc && old && strcmp(json_string_value(json_object_get(old, "doc")), text) == 0 &&
        strcmp(json_string_value(json_object_get(old, "audience")), audience_word(audience)) == 0) {
        json_decref(old);
        free(text);
        cdb_rollback(db);
        return 0;
    }
    if (!rc && old && strcmp(json_string_value(json_object_get(old, "org")), org) != 0)
        rc = err_refuse(err, ERR_CONFLICT, "%s %s belongs to organisation %s; an owner never changes",
                        doc_kinds[kind].entity, id, json_string_value(json_object_get(old, "org")));
    if (!rc)
        rc = cdb_exec(db, err, doc_kinds[kind].put_sql, "ssssis", id, org, audience_word(audience), text, now_s(),
                      admin);
    if (!rc)
        rc =
            audience_mark(db, doc_kinds[kind].entity, id, org, reaches_below(old) || audience == AUDIENCE_SUBTREE, err);
    if (!rc) rc = cdb_audit(db, admin, org, "put", target, text, err);
    json_decref(old);
    free(text);
    if (rc) return fail_rollback(db, rc);
    return audience_commit(db, err);
}

int content_doc_delete(Cdb *db, const char *admin, DocKind kind, const char *id, Err *err)
{
    char target[128];
    snprintf(target, sizeof target, "%s:%s", doc_kinds[kind].entity, id);
    json_t *old = NULL;
    int rc = cdb_begin(db, err);
    if (!rc) rc = cdb_row(db, &old, err, doc_kinds[kind].get_sql, "s", id);
    if (rc == 1) rc = err_refuse(err, ERR_NOT_FOUND, "there is no %s %s", doc_kinds[kind].entity, id);
    const char *org = old ? json_string_value(json_object_get(old, "org")) : ORG_ROOT;
    if (!rc) rc = cdb_exec(db, err, doc_kinds[kind].del_sql, "s", id);
    if (!rc) rc = audience_mark(db, doc_kinds[kind].entity, id, org, reaches_below(old), err);
    if (!rc) rc = cdb_audit(db, admin, org, "delete", target, "", err);
    json_decref(old);
    if (rc) return fail_rollback(db, rc);
    return audience_commit(db, err);
}

/* ---- attachment files ----------------------------------------------------------- */

int content_blob_info(Cdb *db, const char *sha256, char *type, size_t type_size, int64_t *size, Err *err)
{
    json_t *row;
    int rc = cdb_row(db, &row, err, "SELECT type, size FROM blobs WHERE sha256 = ?", "s", sha256);
    if (rc) return rc;
    snprintf(type, type_size, "%s", json_string_value(json_object_get(row, "type")));
    *size = json_integer_value(json_object_get(row, "size"));
    json_decref(row);
    return 0;
}

int content_blob_on_kiosks(Cdb *db, const char *sha256, bool *out, Err *err)
{
    int64_t used = 0;
    int rc = cdb_int(db, &used, err,
                     "SELECT EXISTS (SELECT 1 FROM items, json_each(items.published, '$.attachments') a"
                     " WHERE items.live = 1 AND json_extract(a.value, '$.sha256') = ?)",
                     "s", sha256);
    *out = rc == 0 && used;
    return rc;
}

/* The bytes say the type, and whether a kiosk can show the file at all
 * (proto/image.h, proto/pdf.h), so neither a mislabelled upload nor a
 * picture too large to decode nor a PDF cut short or locked with a
 * password reaches a kiosk's screen. */
static int attachment_check(const char *type, const char *data, size_t len, Err *err)
{
    Err why;
    if (proto_pdf_type(type)) {
        PdfProbe probe;
        if (!pdf_looks_like(data, len)) return err_refuse(err, ERR_UNSUPPORTED_TYPE, "the bytes are not %s", type);
        if (pdf_probe(data, len, &probe, &why)) return err_refuse(err, ERR_BAD_REQUEST, "%s", why.msg);
        return 0;
    }
    ImageInfo info;
    if (image_probe(data, len, &info, &why))
        return err_refuse(err, ERR_UNSUPPORTED_TYPE, "the bytes are not %s: %s", type, why.msg);
    if (strcmp(image_mime(info.format), type) != 0)
        return err_refuse(err, ERR_UNSUPPORTED_TYPE, "the bytes are not %s but %s", type, image_mime(info.format));
    if (image_check(data, len, &info, &why)) return err_refuse(err, ERR_BAD_REQUEST, "%s", why.msg);
    return 0;
}

int content_blob_put(Cdb *db, const char *blob_dir, const char *admin, const char *sha256, const char *type,
                     const char *data, size_t len, bool *created, Err *err)
{
    *created = false;
    if (!proto_sha256_valid(sha256))
        return err_refuse(err, ERR_BAD_REQUEST, "the name must be a sha256 in 64 lowercase hex digits");
    if (!proto_attachment_type_valid(type))
        return err_refuse(err, ERR_UNSUPPORTED_TYPE, "attachments must be " PROTO_ATTACHMENT_TYPES);
    if (len == 0) return err_refuse(err, ERR_BAD_REQUEST, "the file is empty");
    if (attachment_check(type, data, len, err)) return -1;
    unsigned char md[SHA256_DIGEST_LENGTH];
    char hex[65];
    SHA256((const unsigned char *)data, len, md);
    auth_hex(md, sizeof md, hex);
    if (strcmp(hex, sha256) != 0)
        return err_refuse(err, ERR_HASH_MISMATCH, "the bytes hash to %s, not to %s", hex, sha256);
    char have_type[32];
    int64_t have_size;
    if (content_blob_info(db, sha256, have_type, sizeof have_type, &have_size, NULL) == 0 &&
        blobs_verify(blob_dir, sha256, NULL) == 0)
        return 0;
    if (blobs_put_buffer(blob_dir, data, len, sha256, (int64_t)len, err)) return -1;
    char target[128];
    snprintf(target, sizeof target, "blob:%s", sha256);
    int rc = cdb_begin(db, err);
    if (!rc)
        rc = cdb_exec(db, err, "INSERT OR REPLACE INTO blobs (sha256, size, type, created_at) VALUES (?, ?, ?, ?)",
                      "sisi", sha256, (int64_t)len, type, now_s());
    if (!rc) rc = cdb_audit(db, admin, ORG_ROOT, "upload", target, type, err);
    if (rc) return fail_rollback(db, rc);
    *created = true;
    return cdb_commit(db, NULL, err);
}
