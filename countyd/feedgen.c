#include "feedgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audience.h"
#include "feed.h"
#include "orgs.h"

/* Public replies with the question the admin wrote for them.  Neither the
 * visitor's comment nor name and phone are selected here, so they cannot
 * leak into a feed (a reply made public before questions were required,
 * without one, is not shown).  A reply is
 * shown on the kiosks of the organisation the feedback came to. */
#define ANSWER_COLUMNS                                                                                                 \
    "SELECT 'answer-' || r.id AS id, r.question AS question, r.text AS answer, f.item AS item, " SQL_TIME(             \
        "f.created_at") " AS asked_at, " SQL_TIME("r.at") " AS answered_at"                                            \
                                                          " FROM replies r JOIN feedback f ON f.id = r.feedback "      \
                                                          "WHERE r.public = 1 AND r.question != ''"
#define ANSWER_VISIBLE AUDIENCE_VISIBLE("f.org", "'own'")

/* Each kind of entity: its feed section and how to read the rows a feed
 * for organisation ?1 shows (all of them, or the one with id ?2).  Catalog
 * entries reach the organisations below their owner: the county's reach
 * every kiosk. */
static const struct {
    const char *entity, *section, *all_sql, *one_sql;
} kinds[] = {
    {"category", "categories",
     ORGS_LINEAGE_CTE " SELECT doc FROM categories WHERE " AUDIENCE_VISIBLE("org", "'subtree'") " ORDER BY id",
     ORGS_LINEAGE_CTE " SELECT doc FROM categories WHERE id = ?2 AND " AUDIENCE_VISIBLE("org", "'subtree'")},
    {"item", "items",
     ORGS_LINEAGE_CTE
     " SELECT published AS doc FROM items WHERE live = 1 AND " AUDIENCE_VISIBLE("org", "live_audience") " ORDER BY id",
     ORGS_LINEAGE_CTE
     " SELECT published AS doc FROM items WHERE id = ?2 AND live = 1 AND " AUDIENCE_VISIBLE("org", "live_audience")},
    {"notice", "notices",
     ORGS_LINEAGE_CTE " SELECT doc FROM notices WHERE " AUDIENCE_VISIBLE("org", "audience") " ORDER BY id",
     ORGS_LINEAGE_CTE " SELECT doc FROM notices WHERE id = ?2 AND " AUDIENCE_VISIBLE("org", "audience")},
    {"answer", "answers",
     ORGS_LINEAGE_CTE " SELECT doc FROM answers WHERE " AUDIENCE_VISIBLE("org", "audience") " ORDER BY id",
     ORGS_LINEAGE_CTE " SELECT doc FROM answers WHERE id = ?2 AND " AUDIENCE_VISIBLE("org", "audience")},
};

static json_t *section(json_t *doc, const char *name)
{
    json_t *s = json_object_get(doc, name);
    if (!s) {
        s = json_pack("{s:[],s:[]}", "upsert", "delete");
        json_object_set_new(doc, name, s);
    }
    return s;
}

static void add_upsert(json_t *doc, const char *name, json_t *entry)
{
    json_array_append_new(json_object_get(section(doc, name), "upsert"), entry);
}

static void add_delete(json_t *doc, const char *name, const char *id)
{
    json_array_append_new(json_object_get(section(doc, name), "delete"), json_string(id));
}

/* Withdrawn items a feed still explains (to a visitor who had one open or
 * follows a link to it), for WITHDRAWAL_KEEP_DAYS after the withdrawal. */
#define WITHDRAWAL_KEEP_DAYS "180"
#define WITHDRAWAL_SELECT                                                                                              \
    ORGS_LINEAGE_CTE " SELECT id, withdraw_reason AS reason, " SQL_TIME(                                               \
        "withdrawn_at") " AS withdrawn_at"                                                                             \
                        " FROM items WHERE state = 'withdrawn' AND withdraw_reason IS NOT NULL"                        \
                        " AND withdrawn_at > strftime('%s', 'now') - 86400 * " WITHDRAWAL_KEEP_DAYS                    \
                        " AND " AUDIENCE_VISIBLE("org", "live_audience")

static int add_withdrawals(Cdb *db, json_t *doc, const char *org, const char *id, Err *err)
{
    json_t *rows;
    if (id ? cdb_rows(db, &rows, err, WITHDRAWAL_SELECT " AND id = ?2", "ss", org, id)
           /* the newest that a kiosk accepts (FEED_MAX_WITHDRAWALS): more would
            * make it refuse the whole snapshot */
           : cdb_rows(db, &rows, err, WITHDRAWAL_SELECT " ORDER BY withdrawn_at DESC, id LIMIT ?2", "si", org,
                      (int64_t)FEED_MAX_WITHDRAWALS))
        return -1;
    json_t *list = json_object_get(doc, "withdrawals");
    if (!list) json_object_set_new(doc, "withdrawals", list = json_array());
    json_array_extend(list, rows);
    json_decref(rows);
    return 0;
}

static json_t *answer_entry(json_t *row)
{
    json_t *a = json_deep_copy(row);
    if (strcmp(json_string_value(json_object_get(a, "item")), "") == 0) json_object_del(a, "item");
    return a;
}

/* Adds every row's JSON column `doc` as an upsert; the number added. */
static int add_docs(Cdb *db, json_t *doc, const char *name, const char *sql, const char *org, const char *id,
                    size_t *added, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, id ? "ss" : "s", org, id)) return -1;
    size_t i;
    json_t *row;
    *added = 0;
    json_array_foreach (rows, i, row) {
        json_t *entry = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        if (!entry) continue;
        add_upsert(doc, name, entry);
        (*added)++;
    }
    json_decref(rows);
    return 0;
}

static int add_reply_answers(Cdb *db, json_t *doc, const char *org, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, ORGS_LINEAGE_CTE " " ANSWER_COLUMNS " AND " ANSWER_VISIBLE " ORDER BY r.id", "s", org))
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) add_upsert(doc, "answers", answer_entry(row));
    json_decref(rows);
    return 0;
}

static int build_snapshot(Cdb *db, json_t *doc, const char *org, Err *err)
{
    json_object_set_new(doc, "kind", json_string("snapshot"));
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t added;
        section(doc, kinds[k].section);
        if (add_docs(db, doc, kinds[k].section, kinds[k].all_sql, org, NULL, &added, err)) return -1;
    }
    return add_reply_answers(db, doc, org, err) || add_withdrawals(db, doc, org, NULL, err) ? -1 : 0;
}

/* Answers from replies are "answer-N"; other answer ids are authored ones. */
static int add_reply_change(Cdb *db, json_t *doc, const char *org, const char *id, Err *err)
{
    json_t *row;
    int rc = cdb_row(db, &row, err, ORGS_LINEAGE_CTE " " ANSWER_COLUMNS " AND " ANSWER_VISIBLE " AND r.id = ?2", "si",
                     org, strtoll(id + strlen("answer-"), NULL, 10));
    if (rc < 0) return -1;
    if (rc == 0) add_upsert(doc, "answers", answer_entry(row));
    else add_delete(doc, "answers", id);
    json_decref(row);
    return 0;
}

/* One changed entity in the form organisation `org`'s feed shows it, or its deletion. */
static int add_change(Cdb *db, json_t *doc, const char *org, const char *entity, const char *id, Err *err)
{
    if (strcmp(entity, "answer") == 0 && strncmp(id, "answer-", 7) == 0) return add_reply_change(db, doc, org, id, err);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strcmp(entity, kinds[k].entity) != 0) continue;
        size_t added;
        if (add_docs(db, doc, kinds[k].section, kinds[k].one_sql, org, id, &added, err)) return -1;
        if (added) return 0;
        add_delete(doc, kinds[k].section, id);
        return strcmp(entity, "item") == 0 ? add_withdrawals(db, doc, org, id, err) : 0;
    }
    return err_set(err, "change log: unknown entity \"%s\"", entity);
}

static int build_delta(Cdb *db, json_t *doc, const char *kiosk, const FeedTarget *t, int64_t since, Err *err)
{
    json_object_set_new(doc, "kind", json_string("delta"));
    json_object_set_new(doc, "base_revision", json_integer(since));
    json_t *rows;
    int rc =
        t->feed_base > since
            /* Moved since: everything the old and the new organisation's feeds ever held. */
            ? cdb_rows(db, &rows, err,
                       "SELECT DISTINCT entity, id FROM feed_changes WHERE org = ?1 OR org IN"
                       " (SELECT from_org FROM kiosk_moves WHERE kiosk = ?2 AND revision > ?3) ORDER BY entity, id",
                       "ssi", t->org, kiosk, since)
            : cdb_rows(
                  db, &rows, err,
                  "SELECT entity, id FROM feed_changes WHERE org = ? AND revision > ? ORDER BY revision, entity, id",
                  "si", t->org, since);
    if (rc) return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        rc = add_change(db, doc, t->org, json_string_value(json_object_get(row, "entity")),
                        json_string_value(json_object_get(row, "id")), err);
        if (rc) break;
    }
    json_decref(rows);
    return rc;
}

int feedgen_target(Cdb *db, const char *kiosk, FeedTarget *t, Err *err)
{
    memset(t, 0, sizeof *t);
    json_t *row;
    int rc = cdb_row(db, &row, err,
                     "SELECT org, feed_base, max(feed_base, coalesce((SELECT max(revision) FROM feed_changes c"
                     " WHERE c.org = kiosks.org), 0)) AS revision FROM kiosks WHERE id = ?",
                     "s", kiosk);
    if (rc) return rc;
    snprintf(t->org, sizeof t->org, "%s", json_string_value(json_object_get(row, "org")));
    t->feed_base = json_integer_value(json_object_get(row, "feed_base"));
    t->revision = json_integer_value(json_object_get(row, "revision"));
    json_decref(row);
    return 0;
}

int feedgen_build(Cdb *db, const char *kiosk, int64_t since, json_t **out, int64_t *revision, Err *err)
{
    *out = NULL;
    if (cdb_begin_read(db, err)) return -1;
    FeedTarget t;
    int rc = feedgen_target(db, kiosk, &t, err);
    if (rc) {
        cdb_end_read(db);
        return rc < 0 ? -1 : err_set(err, "kiosk %s is not registered", kiosk);
    }
    *revision = t.revision;
    if (since == t.revision) {
        cdb_end_read(db);
        return 0;
    }
    json_t *doc =
        json_pack("{s:s,s:i,s:I}", "format", FEED_FORMAT, "version", FEED_VERSION, "revision", (json_int_t)t.revision);
    rc = (since <= 0 || since > t.revision) ? build_snapshot(db, doc, t.org, err)
                                            : build_delta(db, doc, kiosk, &t, since, err);
    cdb_end_read(db);
    if (rc) {
        json_decref(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

int feedgen_answer(Cdb *db, int64_t reply_id, json_t **out, Err *err)
{
    json_t *row;
    int rc = cdb_row(db, &row, err, ANSWER_COLUMNS " AND r.id = ?", "i", reply_id);
    if (rc) return rc;
    *out = answer_entry(row);
    json_decref(row);
    return 0;
}
