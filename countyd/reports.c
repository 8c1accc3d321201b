#include "reports.h"

#include <stdlib.h>

#include "app.h"

/* Rows whose `doc` column holds a JSON object, as an array of those objects. */
static int docs(Cdb *db, json_t **out, Err *err, const char *sql)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, NULL)) return -1;
    *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *doc = json_loads(json_string_value(json_object_get(row, "doc")), 0, NULL);
        if (!doc) continue;
        json_object_set(doc, "updated_at", json_object_get(row, "updated_at"));
        json_object_set(doc, "updated_by", json_object_get(row, "updated_by"));
        json_array_append_new(*out, doc);
    }
    json_decref(rows);
    return 0;
}

int reports_categories(Cdb *db, json_t **out, Err *err)
{
    return docs(db, out, err,
                "SELECT doc, " SQL_TIME("updated_at") " AS updated_at, updated_by FROM categories"
                                                      " ORDER BY coalesce(json_extract(doc, '$.sort'), 0), id");
}

int reports_notices(Cdb *db, json_t **out, Err *err)
{
    return docs(db, out, err,
                "SELECT doc, " SQL_TIME("updated_at") " AS updated_at, updated_by FROM notices"
                                                      " ORDER BY updated_at DESC, id");
}

int reports_stats(Cdb *db, json_t **out, Err *err)
{
    json_t *by_item = NULL, *by_kiosk = NULL, *by_category = NULL, *ratings = NULL;
    int rc = cdb_rows(db, &by_item, err,
                      "SELECT v.item, coalesce(i.title, v.item) AS title, coalesce(i.category, '') AS category,"
                      " sum(v.views) AS views FROM item_views v LEFT JOIN items i ON i.id = v.item"
                      " GROUP BY v.item ORDER BY views DESC, v.item",
                      NULL);
    if (!rc)
        rc = cdb_rows(db, &by_kiosk, err,
                      "SELECT v.kiosk, coalesce(k.name, v.kiosk) AS name, sum(v.views) AS views FROM item_views v"
                      " LEFT JOIN kiosks k ON k.id = v.kiosk GROUP BY v.kiosk ORDER BY views DESC, v.kiosk",
                      NULL);
    if (!rc)
        rc = cdb_rows(db, &by_category, err,
                      "SELECT i.category, coalesce(json_extract(c.doc, '$.name'), i.category) AS name,"
                      " sum(v.views) AS views FROM item_views v JOIN items i ON i.id = v.item"
                      " LEFT JOIN categories c ON c.id = i.category GROUP BY i.category ORDER BY views DESC",
                      NULL);
    if (!rc)
        rc = cdb_rows(db, &ratings, err,
                      "SELECT f.item, coalesce(i.title, f.item) AS title, f.rating, f.rating_levels, count(*) AS n"
                      " FROM feedback f LEFT JOIN items i ON i.id = f.item WHERE f.kind = 'rating'"
                      " GROUP BY f.item, f.rating, f.rating_levels ORDER BY f.item, f.rating",
                      NULL);
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
