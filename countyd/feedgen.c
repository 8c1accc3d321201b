#include "feedgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "feed.h"

/* Public replies joined with the question they answer.  name and phone
 * are never selected here, so they cannot leak into a feed. */
#define ANSWER_SELECT                                                                                    \
    "SELECT 'answer-' || r.id AS id, CASE WHEN r.question != '' THEN r.question ELSE f.comment END AS question," \
    " r.text AS answer, f.item AS item, " SQL_TIME("f.created_at") " AS asked_at, "                      \
    SQL_TIME("r.at") " AS answered_at FROM replies r JOIN feedback f ON f.id = r.feedback WHERE r.public = 1"

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

static json_t *answer_entry(json_t *row)
{
    json_t *a = json_deep_copy(row);
    if (strcmp(json_string_value(json_object_get(a, "item")), "") == 0) json_object_del(a, "item");
    return a;
}

/* Adds every row's JSON column `doc` as an upsert. */
static int add_docs(Cdb *db, json_t *doc, const char *name, const char *sql, const char *fmt, const char *id, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, fmt, id)) return -1;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *entry = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        if (entry) add_upsert(doc, name, entry);
    }
    json_decref(rows);
    return 0;
}

static int add_answers(Cdb *db, json_t *doc, const char *sql, const char *fmt, int64_t id, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, fmt, id)) return -1;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) add_upsert(doc, "answers", answer_entry(row));
    json_decref(rows);
    return 0;
}

static int build_snapshot(Cdb *db, json_t *doc, Err *err)
{
    json_object_set_new(doc, "kind", json_string("snapshot"));
    section(doc, "categories");
    section(doc, "items");
    section(doc, "notices");
    section(doc, "answers");
    if (add_docs(db, doc, "categories", "SELECT doc FROM categories ORDER BY id", NULL, NULL, err) ||
        add_docs(db, doc, "items", "SELECT published AS doc FROM items WHERE live = 1 ORDER BY id", NULL, NULL, err) ||
        add_docs(db, doc, "notices", "SELECT doc FROM notices ORDER BY id", NULL, NULL, err) ||
        add_answers(db, doc, ANSWER_SELECT " ORDER BY r.id", NULL, 0, err) ||
        add_docs(db, doc, "answers", "SELECT doc FROM answers ORDER BY id", NULL, NULL, err))
        return -1;
    return 0;
}

/* One changed entity in its current form, or its deletion. */
static int add_change(Cdb *db, json_t *doc, const char *entity, const char *id, Err *err)
{
    static const struct {
        const char *entity, *section, *sql;
    } kinds[] = {
        {"category", "categories", "SELECT doc FROM categories WHERE id = ?"},
        {"item", "items", "SELECT published AS doc FROM items WHERE id = ? AND live = 1"},
        {"notice", "notices", "SELECT doc FROM notices WHERE id = ?"},
        {"answer", "answers", "SELECT doc FROM answers WHERE id = ?"},
    };
    /* Answers from replies are "answer-N"; other answer ids are authored ones. */
    if (strcmp(entity, "answer") == 0 && strncmp(id, "answer-", 7) == 0) {
        json_t *a;
        int rc = feedgen_answer(db, strtoll(id + strlen("answer-"), NULL, 10), &a, err);
        if (rc < 0) return -1;
        if (rc == 0) add_upsert(doc, "answers", a);
        else add_delete(doc, "answers", id);
        return 0;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strcmp(entity, kinds[k].entity) != 0) continue;
        json_t *upserts = json_object_get(section(doc, kinds[k].section), "upsert");
        size_t before = json_array_size(upserts);
        if (add_docs(db, doc, kinds[k].section, kinds[k].sql, "s", id, err)) return -1;
        if (json_array_size(upserts) == before) add_delete(doc, kinds[k].section, id);
        return 0;
    }
    return err_set(err, "change log: unknown entity \"%s\"", entity);
}

static int build_delta(Cdb *db, json_t *doc, int64_t since, Err *err)
{
    json_object_set_new(doc, "kind", json_string("delta"));
    json_object_set_new(doc, "base_revision", json_integer(since));
    json_t *rows;
    if (cdb_rows(db, &rows, err, "SELECT entity, id FROM changes WHERE revision > ? ORDER BY revision", "i", since))
        return -1;
    size_t i;
    json_t *row;
    int rc = 0;
    json_array_foreach(rows, i, row) {
        rc = add_change(db, doc, json_string_value(json_object_get(row, "entity")),
                        json_string_value(json_object_get(row, "id")), err);
        if (rc) break;
    }
    json_decref(rows);
    return rc;
}

int feedgen_build(Cdb *db, int64_t since, json_t **out, int64_t *revision, Err *err)
{
    *out = NULL;
    if (cdb_begin_read(db, err)) return -1;
    int64_t rev = cdb_revision(db);
    *revision = rev;
    if (since == rev) {
        cdb_end_read(db);
        return 0;
    }
    json_t *doc = json_pack("{s:s,s:i,s:I}", "format", FEED_FORMAT, "version", FEED_VERSION, "revision", (json_int_t)rev);
    int rc = (since <= 0 || since > rev) ? build_snapshot(db, doc, err) : build_delta(db, doc, since, err);
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
    int rc = cdb_row(db, &row, err, ANSWER_SELECT " AND r.id = ?", "i", reply_id);
    if (rc) return rc;
    *out = answer_entry(row);
    json_decref(row);
    return 0;
}
