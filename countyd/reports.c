#include "reports.h"

#include <stdlib.h>

#include "app.h"
#include "orgs.h"

/* Rows whose `doc` column holds a JSON object, as an array of those objects. */
static int docs(Cdb *db, json_t **out, Err *err, const char *sql, const char *top)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, top ? "s" : NULL, top)) return -1;
    *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *doc = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        if (!doc) continue;
        json_object_set(doc, "updated_at", json_object_get(row, "updated_at"));
        json_object_set(doc, "updated_by", json_object_get(row, "updated_by"));
        if (json_object_get(row, "org")) json_object_set(doc, "org", json_object_get(row, "org"));
        json_array_append_new(*out, doc);
    }
    json_decref(rows);
    return 0;
}

int reports_categories(Cdb *db, json_t **out, Err *err)
{
    return docs(db, out, err,
                "SELECT doc, " SQL_TIME("updated_at") " AS updated_at, updated_by FROM categories"
                                                      " ORDER BY coalesce(json_extract(doc, '$.sort'), 0), id",
                NULL);
}

int reports_notices(Cdb *db, const char *top, json_t **out, Err *err)
{
    return docs(db, out, err,
                ORGS_SUBTREE_CTE " SELECT doc, " SQL_TIME(
                    "updated_at") " AS updated_at, updated_by, org FROM notices"
                                  " WHERE org IN (SELECT id FROM subtree) ORDER BY updated_at DESC, id",
                top);
}

/* Views are counted where they happened: on the kiosks of `top` and below. */
#define SCOPED_VIEWS                                                                                                   \
    ORGS_SUBTREE_CTE ", views AS (SELECT v.* FROM item_views v JOIN kiosks k ON k.id = v.kiosk"                        \
                     " WHERE k.org IN (SELECT id FROM subtree))"

int reports_stats(Cdb *db, const char *top, json_t **out, Err *err)
{
    json_t *by_item = NULL, *by_kiosk = NULL, *by_category = NULL, *ratings = NULL;
    int rc = cdb_rows(db, &by_item, err,
                      SCOPED_VIEWS
                      " SELECT v.item, coalesce(i.title, v.item) AS title, coalesce(i.category, '') AS category,"
                      " sum(v.views) AS views FROM views v LEFT JOIN items i ON i.id = v.item"
                      " GROUP BY v.item ORDER BY views DESC, v.item",
                      "s", top);
    if (!rc)
        rc = cdb_rows(db, &by_kiosk, err,
                      SCOPED_VIEWS
                      " SELECT v.kiosk, coalesce(k.name, v.kiosk) AS name, sum(v.views) AS views FROM views v"
                      " LEFT JOIN kiosks k ON k.id = v.kiosk GROUP BY v.kiosk ORDER BY views DESC, v.kiosk",
                      "s", top);
    if (!rc)
        rc = cdb_rows(db, &by_category, err,
                      SCOPED_VIEWS
                      " SELECT i.category, coalesce(json_extract(c.doc, '$.name'), i.category) AS name,"
                      " sum(v.views) AS views FROM views v JOIN items i ON i.id = v.item"
                      " LEFT JOIN categories c ON c.id = i.category GROUP BY i.category ORDER BY views DESC",
                      "s", top);
    if (!rc)
        rc = cdb_rows(db, &ratings, err,
                      ORGS_SUBTREE_CTE
                      " SELECT f.item, coalesce(i.title, f.item) AS title, f.rating, f.rating_levels,"
                      " count(*) AS n FROM feedback f LEFT JOIN items i ON i.id = f.item WHERE f.kind = 'rating'"
                      " AND f.org IN (SELECT id FROM subtree) GROUP BY f.item, f.rating, f.rating_levels"
                      " ORDER BY f.item, f.rating",
                      "s", top);
    if (rc) {
        json_decref(by_item);
        json_decref(by_kiosk);
        json_decref(by_category);
        return -1;
    }
    *out = json_pack("{s:o,s:o,s:o,s:o}", "by_item", by_item, "by_kiosk", by_kiosk, "by_category", by_category,
                     "ratings", ratings);
    return 0;
}
