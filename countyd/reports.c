#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "orgs.h"
#include "wire.h"

#define CST_OFFSET (8 * 3600) /* a day starts at midnight in China Standard Time */

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

/* ---- statistics ------------------------------------------------------------ */

/* Views are counted where they happened: on the kiosks of `top` and below.
 * VIEWS_OF(table) is that part of item_views (the totals) or of
 * item_views_daily (?2 and ?3: the first and the last day). */
#define VIEWS_OF(table, when)                                                                                          \
    ORGS_SUBTREE_CTE ", views AS (SELECT v.* FROM " table " v JOIN kiosks k ON k.id = v.kiosk"                         \
                     " WHERE k.org IN (SELECT id FROM subtree)" when ")"
#define SCOPED_VIEWS VIEWS_OF("item_views", "")
#define SCOPED_DAILY_VIEWS VIEWS_OF("item_views_daily", " AND v.day BETWEEN ?2 AND ?3")

/* What views are summed by: the columns of each row (`key` names the one
 * that tells the rows apart), the joins they need, what to group by. */
static const struct {
    const char *list; /* "by_item" */
    const char *key;
    const char *columns, *joins, *group;
} dimensions[] = {
    {"by_item", "item",
     "v.item AS item, coalesce(i.title, v.item) AS title, coalesce(i.category, '') AS category,"
     " coalesce(i.org, '') AS org",
     " LEFT JOIN items i ON i.id = v.item", "v.item"},
    {"by_category", "category", "i.category AS category, coalesce(json_extract(c.doc, '$.name'), i.category) AS name",
     " JOIN items i ON i.id = v.item LEFT JOIN categories c ON c.id = i.category", "i.category"},
    /* The organisation whose item was read (its owner), not the kiosk's; one
     * not yet named (the root, until org-set names it) by its id. */
    {"by_org", "org", "i.org AS org, coalesce(nullif(o.name, ''), i.org) AS name",
     " JOIN items i ON i.id = v.item LEFT JOIN orgs o ON o.id = i.org", "i.org"},
    {"by_kiosk", "kiosk", "v.kiosk AS kiosk, coalesce(nullif(k.name, ''), v.kiosk) AS name",
     " LEFT JOIN kiosks k ON k.id = v.kiosk", "v.kiosk"},
};

#define DIMENSION_COUNT (sizeof dimensions / sizeof dimensions[0])

/* The all-time totals of dimension d, the most viewed first. */
static int totals_by(Cdb *db, const char *top, size_t d, json_t **out, Err *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             SCOPED_VIEWS " SELECT %s, sum(v.views) AS views FROM views v%s GROUP BY %s"
                          " ORDER BY views DESC, %s",
             dimensions[d].columns, dimensions[d].joins, dimensions[d].group, dimensions[d].group);
    return cdb_rows(db, out, err, sql, "s", top);
}

/* "2026-11" -> year * 12 + month - 1; -1 when it is no such month. */
static int month_index(const char *text)
{
    char day[16];
    int64_t t;
    int y, m;
    if (!text || strlen(text) != 7) return -1;
    snprintf(day, sizeof day, "%s-01", text);
    if (feed_parse_day(day, &t) || sscanf(text, "%4d-%2d", &y, &m) != 2) return -1;
    return y * 12 + m - 1;
}

static int refuse_end(Err *err, const char *which, bool by_month)
{
    return err_refuse(err, ERR_BAD_REQUEST, "%s：要写成 %s 这样的%s", which, by_month ? "2026-11" : PROTO_DAY_EXAMPLE,
                      by_month ? "月份" : "日期");
}

int reports_range(const char *unit, const char *from, const char *to, int64_t now, StatsRange *out, Err *err)
{
    memset(out, 0, sizeof *out);
    out->by_month = unit && strcmp(unit, "month") == 0;
    if (unit && !out->by_month && strcmp(unit, "day") != 0)
        return err_refuse(err, ERR_BAD_REQUEST, "unit：按日是 day，按月是 month");
    char today[16], this_month[8];
    feed_format_day(now, today, sizeof today);
    snprintf(this_month, sizeof this_month, "%.7s", today);
    int first, last; /* month numbers, or day numbers (days since 1970-01-01 in CST) */
    if (out->by_month) {
        if ((last = month_index(to ? to : this_month)) < 0) return refuse_end(err, "to（止）", true);
        if ((first = from ? month_index(from) : last - 11) < 0) return refuse_end(err, "from（起）", true);
    } else {
        int64_t t;
        if (feed_parse_day(to ? to : today, &t)) return refuse_end(err, "to（止）", false);
        last = (int)((t + CST_OFFSET) / 86400);
        if (from && feed_parse_day(from, &t)) return refuse_end(err, "from（起）", false);
        first = from ? (int)((t + CST_OFFSET) / 86400) : last - 29;
        out->first_day = (int64_t)first * 86400 - CST_OFFSET;
    }
    int most = out->by_month ? STATS_MAX_MONTHS : STATS_MAX_DAYS;
    if (first > last) return err_refuse(err, ERR_BAD_REQUEST, "起始日期在截止日期之后（from 晚于 to）");
    if (last - first + 1 > most)
        return err_refuse(err, ERR_BAD_REQUEST, "一次最多看 %d %s", most, out->by_month ? "个月" : "天");
    out->count = last - first + 1;
    if (out->by_month) {
        out->first_month = first;
        snprintf(out->from, sizeof out->from, "%04d-%02d-01", first / 12, first % 12 + 1);
        snprintf(out->to, sizeof out->to, "%04d-%02d-31", last / 12, last % 12 + 1);
    } else {
        feed_format_day(out->first_day, out->from, sizeof out->from);
        feed_format_day(out->first_day + (int64_t)(out->count - 1) * 86400, out->to, sizeof out->to);
    }
    return 0;
}

/* Period i's name: "2026-11-20" or "2026-11". */
static void period_name(const StatsRange *r, int i, char *buf, size_t size)
{
    if (r->by_month) snprintf(buf, size, "%04d-%02d", (r->first_month + i) / 12, (r->first_month + i) % 12 + 1);
    else feed_format_day(r->first_day + (int64_t)i * 86400, buf, size);
}

/* The index of a period name in the range, or -1. */
static int period_index(const StatsRange *r, const char *name)
{
    int64_t t;
    int i = r->by_month ? month_index(name) - r->first_month
                        : (feed_parse_day(name, &t) ? -1 : (int)((t - r->first_day) / 86400));
    return i >= 0 && i < r->count ? i : -1;
}

typedef struct {
    json_t *entry;
    json_int_t total;
    size_t at; /* its place in SQL's order, so that ties keep it */
} Ranked;

static int by_total(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    if (x->total != y->total) return x->total < y->total ? 1 : -1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Rows {..., period, views} -> one entry per `key` with "views" (one
 * number per period) and "total", the most viewed first; NULL when out of
 * memory. */
static json_t *series_of(json_t *rows, const char *key, const StatsRange *r)
{
    json_t *by_key = json_object(), *order = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        int at = period_index(r, json_string_value(json_object_get(row, "period")));
        const char *k = json_string_value(json_object_get(row, key));
        if (at < 0 || !k) continue;
        json_t *entry = json_object_get(by_key, k);
        if (!entry) {
            entry = json_deep_copy(row);
            json_object_del(entry, "period");
            json_t *zeros = json_array();
            for (int p = 0; p < r->count; p++) json_array_append_new(zeros, json_integer(0));
            json_object_set_new(entry, "views", zeros);
            json_object_set_new(entry, "total", json_integer(0));
            json_object_set_new(by_key, k, entry);
            json_array_append(order, entry);
        }
        json_int_t n = json_integer_value(json_object_get(row, "views"));
        json_t *views = json_object_get(entry, "views");
        json_array_set_new(views, (size_t)at, json_integer(json_integer_value(json_array_get(views, (size_t)at)) + n));
        json_object_set_new(entry, "total", json_integer(json_integer_value(json_object_get(entry, "total")) + n));
    }
    size_t n = json_array_size(order);
    Ranked *ranked = malloc((n ? n : 1) * sizeof *ranked);
    json_t *out = ranked ? json_array() : NULL;
    for (i = 0; out && i < n; i++) {
        json_t *entry = json_array_get(order, i);
        ranked[i] = (Ranked){entry, json_integer_value(json_object_get(entry, "total")), i};
    }
    if (out) qsort(ranked, n, sizeof *ranked, by_total);
    for (i = 0; out && i < n; i++) json_array_append(out, ranked[i].entry);
    free(ranked);
    json_decref(order);
    json_decref(by_key);
    return out;
}

/* Dimension d over the range's periods. */
static int over_time_by(Cdb *db, const char *top, const StatsRange *r, size_t d, json_t **out, Err *err)
{
    char sql[1200];
    snprintf(sql, sizeof sql,
             SCOPED_DAILY_VIEWS " SELECT %s, substr(v.day, 1, ?4) AS period, sum(v.views) AS views FROM views v%s"
                                " GROUP BY %s, period ORDER BY %s",
             dimensions[d].columns, dimensions[d].joins, dimensions[d].group, dimensions[d].group);
    json_t *rows;
    if (cdb_rows(db, &rows, err, sql, "sssi", top, r->from, r->to, (int64_t)(r->by_month ? 7 : 10))) return -1;
    *out = series_of(rows, dimensions[d].key, r);
    json_decref(rows);
    return *out ? 0 : err_set(err, "out of memory summing views over time");
}

static int over_time(Cdb *db, const char *top, const StatsRange *r, json_t **out, Err *err)
{
    json_t *periods = json_array(), *total = json_array();
    for (int i = 0; i < r->count; i++) {
        char name[16];
        period_name(r, i, name, sizeof name);
        json_array_append_new(periods, json_string(name));
        json_array_append_new(total, json_integer(0));
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "unit", r->by_month ? "month" : "day", "from", r->from, "to", r->to,
                          "periods", periods, "total", total);
    for (size_t d = 0; d < DIMENSION_COUNT; d++) {
        json_t *series;
        if (over_time_by(db, top, r, d, &series, err)) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, dimensions[d].list, series);
    }
    /* Every view belongs to one item: the items' series add up to the total. */
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get(o, "by_item"), i, entry) {
        for (int p = 0; p < r->count; p++) {
            json_int_t n = json_integer_value(json_array_get(json_object_get(entry, "views"), (size_t)p));
            json_array_set_new(total, (size_t)p,
                               json_integer(json_integer_value(json_array_get(total, (size_t)p)) + n));
        }
    }
    *out = o;
    return 0;
}

int reports_stats(Cdb *db, const char *top, const StatsRange *range, json_t **out, Err *err)
{
    json_t *o = json_object(), *part = NULL;
    int rc = 0;
    for (size_t d = 0; !rc && d < DIMENSION_COUNT; d++)
        if (!(rc = totals_by(db, top, d, &part, err))) json_object_set_new(o, dimensions[d].list, part);
    if (!rc)
        rc = cdb_rows(db, &part, err,
                      ORGS_SUBTREE_CTE
                      " SELECT f.item, coalesce(i.title, f.item) AS title, f.rating, f.rating_levels,"
                      " count(*) AS n FROM feedback f LEFT JOIN items i ON i.id = f.item WHERE f.kind = 'rating'"
                      " AND f.org IN (SELECT id FROM subtree) GROUP BY f.item, f.rating, f.rating_levels"
                      " ORDER BY f.item, f.rating",
                      "s", top);
    if (!rc) json_object_set_new(o, "ratings", part);
    if (!rc && !(rc = over_time(db, top, range, &part, err))) json_object_set_new(o, "over_time", part);
    if (rc) {
        json_decref(o);
        return -1;
    }
    *out = o;
    return 0;
}
