/* app.h — what every countyd handler may read: the server's settings,
 * and the limiters they share (ratelimit.h, thread-safe).
 *
 * Domain functions follow common/err.h: 0 on success, -1 on failure.  A
 * request the client must change is refused with err_refuse and a kind
 * (ERR_BAD_REQUEST, ERR_FORBIDDEN, ERR_NOT_FOUND, ...), which
 * api_reply_failure turns into its status; a plain err_set is the
 * server's fault (500). */
#ifndef COUNTYD_APP_H
#define COUNTYD_APP_H

#include "workdays.h"

typedef struct App {
    char db_path[1024];
    char blob_dir[1024];
    int max_wait_s; /* the longest long-poll the server grants */
    int silent_minutes; /* kiosks quiet for longer are flagged */
    char console_dir[1024]; /* the web console's files (console/) */
    char preview_kiosk[1024]; /* bin/kiosk, run headless for previews */
    char preview_config[1024]; /* the kiosk.conf previews start from (its folder is their working folder) */
    int preview_timeout_s; /* a preview that takes longer is stopped */
    CaseRules case_rules; /* when feedback cases are due (workdays.h) */
    int receipt_lookups_per_hour; /* a kiosk's receipt lookups (0: no limit) */
    struct RateLimit *receipt_lookups; /* made by serve() from the above */
} App;

/* "2026-11-01T09:00:00+08:00" in SQL, from a unix-time column. */
#define SQL_TIME(col) "strftime('%Y-%m-%dT%H:%M:%S+08:00', " col ", 'unixepoch', '+8 hours')"

#endif
