/* app.h — what every countyd handler may read: the server's settings and
 * the result codes shared by the domain modules.
 *
 * Domain functions return 0 on success, -1 on a server fault (Err says
 * what, the client gets 500), or one of the AppResult codes for a request
 * the client must change (Err holds the message for the client). */
#ifndef COUNTYD_APP_H
#define COUNTYD_APP_H

typedef struct App {
    char db_path[1024];
    char blob_dir[1024];
    int max_wait_s; /* the longest long-poll the server grants */
    int silent_minutes; /* kiosks quiet for longer are flagged */
    char console_dir[1024]; /* the web console's files (console/) */
    char preview_kiosk[1024]; /* bin/kiosk, run headless for previews */
    char preview_config[1024]; /* the kiosk.conf previews start from (its folder is their working folder) */
    int preview_timeout_s; /* a preview that takes longer is stopped */
} App;

typedef enum {
    APP_BAD_REQUEST = 1,      /* 400 bad_request */
    APP_NOT_FOUND,            /* 404 not_found */
    APP_WRONG_STATE,          /* 409 wrong_state */
    APP_CONFLICT,             /* 409 conflict */
    APP_HASH_MISMATCH,        /* 422 hash_mismatch */
    APP_UNSUPPORTED_TYPE,     /* 415 unsupported_media_type */
    APP_FORBIDDEN,            /* 403 forbidden: outside the admin's organisations, or not the admin's role */
    APP_PRIVACY,              /* 409 privacy_review: the privacy review found something (privacy.h) */
} AppResult;

/* "2026-11-01T09:00:00+08:00" in SQL, from a unix-time column. */
#define SQL_TIME(col) "strftime('%Y-%m-%dT%H:%M:%S+08:00', " col ", 'unixepoch', '+8 hours')"

#endif
