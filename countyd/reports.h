/* reports.h — read-only views of the county's data for the web console.
 *
 * The category tree and the notices as they are stored (content.c writes
 * them), and the statistics page's figures: views per item, category,
 * organisation and kiosk, in all (item_views) and by day or month
 * (item_views_daily; both from the kiosks' heartbeats), and the ratings
 * visitors gave (feedback of kind "rating").  Nothing here changes anything.
 * Everything but the county-wide catalog is limited to organisation
 * `top` and those below it (the caller's scope, authz.h).
 *
 * Results: 0 or -1 (server fault). */
#ifndef COUNTYD_REPORTS_H
#define COUNTYD_REPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* The stored category objects (feed format), in tree order. */
int reports_categories(Cdb *db, json_t **out, Err *err);
/* The stored notice objects of `top` and below, newest change first. */
int reports_notices(Cdb *db, const char *top, json_t **out, Err *err);
/* The periods the statistics over time cover: days or months. */
#define STATS_MAX_DAYS 366
#define STATS_MAX_MONTHS 120
typedef struct {
    bool by_month;
    int count; /* periods: 1..STATS_MAX_DAYS days or 1..STATS_MAX_MONTHS months */
    int64_t first_day; /* by day: the first second of the first day */
    int first_month; /* by month: year * 12 + month - 1 of the first */
    char from[11], to[11]; /* the first and the last day covered, "2026-11-01" */
} StatsRange;

/* The range a query asks for: unit "day" or "month" (NULL: day); from and
 * to "2026-11-01" (by month "2026-11"), each end included; NULL: up to
 * the day (month) of `now`, from 29 days (11 months) before `to`.  -1 with
 * ERR_BAD_REQUEST and a sentence in Chinese when it is no such range, is
 * backwards or longer than the limits above. */
int reports_range(const char *unit, const char *from, const char *to, int64_t now, StatsRange *out, Err *err);

/* All-time totals from item_views, the most viewed first:
 *  "by_item": [{"item","title","category","org","views"}], "by_category": [{"category","name","views"}],
 *  "by_org": [{"org","name","views"}] (the organisation that owns the item), "by_kiosk": [{"kiosk","name","views"}];
 * "ratings": [{"item","title","rating","rating_levels","n"}];
 * "over_time": {"unit": "day"|"month", "from", "to", "periods": ["2026-11-20", ...], "total": [n per period],
 *  and by_item, by_category, by_org, by_kiosk as above, each entry with "views": [n per period] and "total"}
 *  from item_views_daily over `range`. */
int reports_stats(Cdb *db, const char *top, const StatsRange *range, json_t **out, Err *err);

#endif
