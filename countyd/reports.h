/* reports.h — read-only views of the county's data for the web console.
 *
 * The category tree and the notices as they are stored (content.c writes
 * them), and the statistics page's figures: views per item, category and
 * kiosk (item_views, from the kiosks' heartbeats) and the ratings visitors
 * gave (feedback of kind "rating").  Nothing here changes anything.
 * Everything but the county-wide catalog is limited to organisation
 * `top` and those below it (the caller's scope, authz.h).
 *
 * Results: 0 or -1 (server fault). */
#ifndef COUNTYD_REPORTS_H
#define COUNTYD_REPORTS_H

#include <jansson.h>

#include "cdb.h"
#include "err.h"

/* The stored category objects (feed format), in tree order. */
int reports_categories(Cdb *db, json_t **out, Err *err);
/* The stored notice objects of `top` and below, newest change first. */
int reports_notices(Cdb *db, const char *top, json_t **out, Err *err);
/* {"by_item": [{"item","title","category","views"}], "by_kiosk": [{"kiosk","name","views"}],
 *  "by_category": [{"category","name","views"}],
 *  "ratings": [{"item","title","rating","rating_levels","n"}]} */
int reports_stats(Cdb *db, const char *top, json_t **out, Err *err);

#endif
