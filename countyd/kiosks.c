#include "kiosks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audience.h"
#include "feed.h"
#include "image.h"
#include "orgs.h"
#include "validate.h"

static int fail_rollback(Cdb *db, int rc)
{
    cdb_rollback(db);
    return rc;
}

int kiosk_register(Cdb *db, const char *admin, const char *org, const char *id, const char *name,
                   char token[AUTH_TOKEN_LEN + 1], Err *err)
{
    if (!proto_id_valid(id))
        return err_refuse(err, ERR_BAD_REQUEST, "\"%s\" is not a kiosk id (1-63 of A-Z a-z 0-9 - _ .)", id);
    char have[CDB_ID_SIZE];
    if (kiosk_org(db, id, have, sizeof have, err) == 0 && strcmp(have, org) != 0)
        return err_refuse(err, ERR_CONFLICT, "触控屏 %s 属于组织 %s；换组织请用 kiosk-move", id, have);
    char hash[AUTH_HASH_LEN + 1];
    if (auth_new_token(token, hash, err)) return -1;
    char target[128];
    snprintf(target, sizeof target, "kiosk:%s", id);
    int rc = cdb_begin(db, err);
    if (!rc)
        rc = cdb_exec(db, err,
                      "INSERT INTO kiosks (id, org, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)"
                      " ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash,"
                      " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END",
                      "ssssi", id, org, name ? name : "", hash, (int64_t)time(NULL));
    if (!rc) rc = cdb_audit(db, admin, org, "kiosk-register", target, name, err);
    if (rc) return fail_rollback(db, rc);
    return cdb_commit(db, NULL, err);
}

int kiosk_authenticate(Cdb *db, const char *id, const char *token)
{
    char hash[AUTH_HASH_LEN + 1];
    if (!id || !token || cdb_text(db, hash, sizeof hash, NULL, "SELECT token_hash FROM kiosks WHERE id = ?", "s", id))
        return 1;
    return auth_token_matches(token, hash) ? 0 : 1;
}

/* ---- heartbeats ------------------------------------------------------------- */

typedef struct {
    const char *app_version, *last_error;
    int64_t revision, outbox, uptime, free_disk, clock_skew;
    bool has_skew;
    json_t *views, *views_by_day; /* borrowed from the body; NULL when absent */
} Beat;

static int beat_int(json_t *beat, const char *key, int64_t *out, Err *err)
{
    json_t *v = json_object_get(beat, key);
    *out = -1;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return err_refuse(err, ERR_BAD_REQUEST, "%s: must be a whole number >= 0", key);
    *out = json_integer_value(v);
    return 0;
}

/* One {"ITEM-ID": n} object of a heartbeat, `what` naming it in a refusal. */
static int check_views(json_t *views, const char *what, size_t max_items, Err *err)
{
    if (!json_is_object(views) || json_object_size(views) > max_items)
        return err_refuse(err, ERR_BAD_REQUEST, "%s: must be an object of at most %d item ids", what,
                          HEARTBEAT_MAX_VIEW_ITEMS);
    const char *id;
    json_t *n;
    json_object_foreach (views, id, n) {
        if (!proto_id_valid(id)) return err_refuse(err, ERR_BAD_REQUEST, "%s: \"%.80s\" is not an item id", what, id);
        if (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > HEARTBEAT_MAX_VIEWS_PER_ITEM)
            return err_refuse(err, ERR_BAD_REQUEST, "%s: %s: must be a whole number 0..%d", what, id,
                              HEARTBEAT_MAX_VIEWS_PER_ITEM);
    }
    return 0;
}

/* "views_by_day": {"2026-11-20": {"ITEM-ID": n}}: days that are real and
 * not after tomorrow (a kiosk's clock may run ahead a little), at most
 * HEARTBEAT_MAX_VIEW_ITEMS item counts in all. */
static int check_views_by_day(json_t *by_day, int64_t now, Err *err)
{
    if (!json_is_object(by_day)) return err_refuse(err, ERR_BAD_REQUEST, "views_by_day: must be an object of days");
    size_t left = HEARTBEAT_MAX_VIEW_ITEMS;
    const char *day;
    json_t *views;
    json_object_foreach (by_day, day, views) {
        int64_t start;
        if (feed_parse_day(day, &start) || start > now + 86400)
            return err_refuse(err, ERR_BAD_REQUEST,
                              "views_by_day: \"%.40s\" is not a day like " PROTO_DAY_EXAMPLE " up to today", day);
        char what[64];
        snprintf(what, sizeof what, "views_by_day: %s", day);
        if (check_views(views, what, left, err)) return -1;
        left -= json_object_size(views);
    }
    return 0;
}

static int parse_views(json_t *beat, Beat *b, Err *err)
{
    json_t *views = json_object_get(beat, "views"), *by_day = json_object_get(beat, "views_by_day");
    if (views && !json_is_null(views)) {
        if (check_views(views, "views", HEARTBEAT_MAX_VIEW_ITEMS, err)) return -1;
        b->views = views;
    }
    if (by_day && !json_is_null(by_day)) {
        if (check_views_by_day(by_day, (int64_t)time(NULL), err)) return -1;
        b->views_by_day = by_day;
    }
    return 0;
}

/* Adds `views` to the totals and to day `day`'s counts. */
static int add_views(Cdb *db, const char *kiosk, const char *day, json_t *views, Err *err)
{
    const char *item;
    json_t *n;
    json_object_foreach (views, item, n) {
        if (json_integer_value(n) == 0) continue;
        if (cdb_exec(db, err,
                     "INSERT INTO item_views (item, kiosk, views) VALUES (?, ?, ?)"
                     " ON CONFLICT(item, kiosk) DO UPDATE SET views = views + excluded.views",
                     "ssi", item, kiosk, (int64_t)json_integer_value(n)) ||
            cdb_exec(db, err,
                     "INSERT INTO item_views_daily (day, item, kiosk, views) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT(day, item, kiosk) DO UPDATE SET views = views + excluded.views",
                     "sssi", day, item, kiosk, (int64_t)json_integer_value(n)))
            return -1;
    }
    return 0;
}

/* The undated views count on the day they arrive. */
static int add_beat_views(Cdb *db, const char *kiosk, const Beat *b, int64_t now, Err *err)
{
    char today[16];
    feed_format_day(now, today, sizeof today);
    if (b->views && add_views(db, kiosk, today, b->views, err)) return -1;
    const char *day;
    json_t *views;
    json_object_foreach (b->views_by_day, day, views)
        if (add_views(db, kiosk, day, views, err)) return -1;
    return 0;
}

static int parse_beat(json_t *beat, Beat *b, Err *err)
{
    memset(b, 0, sizeof *b);
    int rc;
    if (validate_opt_text(beat, "app_version", HEARTBEAT_MAX_APP_VERSION, &b->app_version, err) ||
        validate_opt_text(beat, "last_error", HEARTBEAT_MAX_LAST_ERROR, &b->last_error, err))
        return -1;
    if ((rc = beat_int(beat, "revision", &b->revision, err)) || (rc = beat_int(beat, "outbox", &b->outbox, err)) ||
        (rc = beat_int(beat, "uptime", &b->uptime, err)) || (rc = beat_int(beat, "free_disk", &b->free_disk, err)) ||
        (rc = parse_views(beat, b, err)))
        return rc;
    json_t *t = json_object_get(beat, "time");
    if (t && !json_is_null(t)) {
        int64_t kiosk_time;
        if (!json_is_string(t) || feed_parse_time(json_string_value(t), &kiosk_time))
            return err_refuse(err, ERR_BAD_REQUEST, "time: must be a time like " PROTO_TIME_EXAMPLE);
        b->clock_skew = kiosk_time - (int64_t)time(NULL);
        b->has_skew = true;
    }
    return 0;
}

/* Settings for one kiosk: the county-wide ones ("*"), then its
 * organisation's name as unit_name (when it has one), then its own. */
static int settings_for(Cdb *db, const char *id, json_t **out, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err,
                 "SELECT key, value, 0 AS rank FROM kiosk_settings WHERE kiosk = '*'"
                 " UNION ALL SELECT 'unit_name', json_quote(o.name), 1 FROM kiosks k JOIN orgs o ON o.id = k.org"
                 "  WHERE k.id = ?1 AND o.name != ''"
                 " UNION ALL SELECT key, value, 2 FROM kiosk_settings WHERE kiosk = ?1 ORDER BY rank",
                 "s", id))
        return -1;
    json_t *settings = json_object();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *v = json_loads(json_string_value(json_object_get(row, "value")), JSON_DECODE_ANY, NULL);
        if (v) json_object_set_new(settings, json_string_value(json_object_get(row, "key")), v);
    }
    json_decref(rows);
    *out = settings;
    return 0;
}

/* The screenshot request of a kiosk that is open: asked for, not yet
 * answered with a picture or a failure, and younger than its TTL. */
#define STR(x) #x
#define XSTR(x) STR(x)
#define SCREENSHOT_OPEN_SQL "state IN ('pending','deferred') AND requested_at > ?2 - " XSTR(SCREENSHOT_REQUEST_TTL_S)

/* Commands waiting for this kiosk, taken off the queue; and "screenshot"
 * while a screenshot request is open: asked again with every heartbeat,
 * so a kiosk that restarted or lost an answer still sends its picture. */
static int take_commands(Cdb *db, const char *id, int64_t now, json_t **out, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err,
                 "SELECT command FROM (SELECT command, created_at FROM kiosk_commands WHERE kiosk = ?1"
                 " UNION ALL SELECT 'screenshot', requested_at FROM kiosk_screenshots WHERE kiosk = ?1 "
                 "AND " SCREENSHOT_OPEN_SQL ") ORDER BY created_at",
                 "si", id, now) ||
        cdb_exec(db, err, "DELETE FROM kiosk_commands WHERE kiosk = ?", "s", id))
        return -1;
    *out = cdb_column(rows, "command");
    return 0;
}

int kiosk_heartbeat(Cdb *db, const char *id, json_t *beat, const char *address, json_t **answer, Err *err)
{
    Beat b;
    int rc = parse_beat(beat, &b, err);
    if (rc) return rc;
    int64_t now = (int64_t)time(NULL);
    json_t *settings = NULL, *commands = NULL;
    rc = cdb_begin(db, err);
    if (!rc)
        rc = cdb_exec(db, err,
                      "INSERT INTO heartbeats (kiosk, at, app_version, revision, outbox, last_error, uptime, free_disk)"
                      " VALUES (?, ?, ?, nullif(?, -1), nullif(?, -1), ?, nullif(?, -1), nullif(?, -1))",
                      "sisiisii", id, now, b.app_version, b.revision, b.outbox, b.last_error, b.uptime, b.free_disk);
    if (!rc)
        rc = cdb_exec(
            db, err,
            "UPDATE kiosks SET last_seen = ?, app_version = ?, revision = nullif(?, -1), outbox = nullif(?, -1),"
            " last_error = ?, uptime = nullif(?, -1), free_disk = nullif(?, -1), clock_skew = ?, address = ?"
            " WHERE id = ?",
            "isiisiiiss", now, b.app_version, b.revision, b.outbox, b.last_error, b.uptime, b.free_disk, b.clock_skew,
            address, id);
    if (!rc)
        rc = cdb_exec(db, err, "DELETE FROM heartbeats WHERE kiosk = ? AND at < ?", "si", id,
                      now - (int64_t)HEARTBEAT_KEEP_DAYS * 86400);
    if (!rc) rc = add_beat_views(db, id, &b, now, err);
    if (!rc) rc = settings_for(db, id, &settings, err);
    if (!rc) rc = take_commands(db, id, now, &commands, err);
    json_t *org = NULL;
    if (!rc)
        rc = cdb_row(db, &org, err,
                     "SELECT o.id, o.name, o.short_name FROM kiosks k JOIN orgs o ON o.id = k.org WHERE k.id = ?", "s",
                     id);
    if (!rc) rc = cdb_commit(db, NULL, err);
    if (rc) {
        cdb_rollback(db);
        json_decref(settings);
        json_decref(commands);
        json_decref(org);
        return rc < 0 ? -1 : err_refuse(err, ERR_NOT_FOUND, "kiosk %s has no organisation", id);
    }
    char now_text[40];
    feed_format_time(now, now_text, sizeof now_text);
    int64_t revision;
    if (cdb_revision(db, &revision, err)) {
        json_decref(settings);
        json_decref(commands);
        json_decref(org);
        return -1;
    }
    *answer = json_pack("{s:s,s:I,s:o,s:o,s:o}", "server_time", now_text, "revision", (json_int_t)revision, "settings",
                        settings, "commands", commands, "organisation", org);
    return 0;
}

int kiosks_list(Cdb *db, const char *top, int silent_minutes, json_t **out, Err *err)
{
    int64_t now = (int64_t)time(NULL);
    json_t *rows;
    if (cdb_rows(
            db, &rows, err,
            ORGS_SUBTREE_CTE " SELECT k.id, k.org, k.name, " SQL_TIME(
                "k.last_seen") " AS last_seen,"
                               " CASE WHEN k.last_seen IS NULL THEN NULL ELSE ?2 - k.last_seen END AS silent_seconds,"
                               " (k.last_seen IS NULL OR ?2 - k.last_seen > ?3 * 60) AS silent,"
                               " k.app_version, k.revision, k.outbox, k.last_error, k.uptime, k.free_disk, "
                               "k.clock_skew, k.address,"
                               " max(k.feed_base, coalesce((SELECT max(c.revision) FROM feed_changes c WHERE c.org = "
                               "k.org), 0))"
                               " AS feed_revision,"
                               " CASE WHEN s.kiosk IS NULL THEN NULL WHEN s.state IN ('pending','deferred') AND NOT "
                               "(" SCREENSHOT_OPEN_SQL ") THEN 'expired' ELSE s.state END AS screenshot_state,"
                               " s.note AS screenshot_note, " SQL_TIME(
                                   "s.requested_at") " AS screenshot_requested_at,"
                                                     " " SQL_TIME("s.taken_at") " AS screenshot_taken_at, s.width AS "
                                                                                "screenshot_width,"
                                                                                " s.height AS screenshot_height"
                                                                                " FROM kiosks k LEFT JOIN "
                                                                                "kiosk_screenshots s ON s.kiosk = k.id"
                                                                                " WHERE k.org IN (SELECT id FROM "
                                                                                "subtree) ORDER BY k.id",
            "sid", top, now, silent_minutes))
        return -1;
    *out = rows;
    return 0;
}

int kiosks_count(Cdb *db, const char *top, int64_t *out, Err *err)
{
    return cdb_int(db, out, err, ORGS_SUBTREE_CTE " SELECT count(*) FROM kiosks WHERE org IN (SELECT id FROM subtree)",
                   "s", top);
}

int kiosk_org(Cdb *db, const char *id, char *org, size_t size, Err *err)
{
    return cdb_text(db, org, size, err, "SELECT org FROM kiosks WHERE id = ?", "s", id ? id : "");
}

int kiosk_move(Cdb *db, const char *admin, const char *id, const char *to_org, Err *err)
{
    if (!org_exists(db, to_org)) return err_refuse(err, ERR_NOT_FOUND, "没有组织 %s", to_org ? to_org : "");
    char from[CDB_ID_SIZE] = "", target[128], feed[CDB_ID_SIZE + 8];
    int rc = cdb_begin(db, err);
    if (!rc) rc = kiosk_org(db, id, from, sizeof from, err);
    if (rc == 1) rc = err_refuse(err, ERR_NOT_FOUND, "there is no kiosk %s", id);
    if (!rc && strcmp(from, to_org) == 0) {
        cdb_rollback(db);
        return 0;
    }
    /* The move is a change of this kiosk's feed: it takes a revision of its own. */
    int64_t rev = rc ? -1 : cdb_take_revision(db, err);
    if (!rc && rev < 0) rc = -1;
    snprintf(target, sizeof target, "kiosk:%s", id);
    if (!rc) rc = cdb_exec(db, err, "UPDATE kiosks SET org = ?, feed_base = ? WHERE id = ?", "sis", to_org, rev, id);
    if (!rc)
        rc = cdb_exec(
            db, err, "INSERT INTO kiosk_moves (kiosk, from_org, to_org, revision, at, admin) VALUES (?, ?, ?, ?, ?, ?)",
            "sssiis", id, from, to_org, rev, (int64_t)time(NULL), admin);
    char detail[200];
    snprintf(detail, sizeof detail, "%s -> %s", from, to_org);
    if (!rc) rc = cdb_audit(db, admin, to_org, "kiosk-move", target, detail, err);
    if (rc) return fail_rollback(db, rc);
    snprintf(feed, sizeof feed, "kiosk:%s", id);
    cdb_note_feed(db, feed);
    return audience_commit(db, err);
}

/* ---- settings and commands -------------------------------------------------------- */

static int check_setting(const char *key, json_t *v, Err *err)
{
    if (json_is_null(v)) return 0;
    if (strcmp(key, "unit_name") == 0) {
        if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 256) return 0;
        return err_refuse(err, ERR_BAD_REQUEST, "unit_name: must be a name of 1-255 bytes");
    }
    if (strcmp(key, "ticker_speed") == 0) {
        if (json_is_integer(v) && json_integer_value(v) >= 20 && json_integer_value(v) <= 400) return 0;
        return err_refuse(err, ERR_BAD_REQUEST, "ticker_speed: must be 20..400 (pixels per second)");
    }
    if (strcmp(key, "screen_on") == 0) {
        int h1, m1, h2, m2, n = 0;
        const char *s = json_string_value(v);
        if (s &&
            (s[0] == '\0' || (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) == 4 && s[n] == '\0' && h1 < 24 &&
                              h2 < 24 && m1 < 60 && m2 < 60 && h1 >= 0 && h2 >= 0 && m1 >= 0 && m2 >= 0)))
            return 0;
        return err_refuse(err, ERR_BAD_REQUEST, "screen_on: must be HH:MM-HH:MM, or \"\" for always on");
    }
    if (strcmp(key, "reasons") == 0) {
        size_t i;
        json_t *r;
        if (!json_is_array(v) || json_array_size(v) > FEEDBACK_MAX_REASONS) goto bad_reasons;
        json_array_foreach (v, i, r)
            if (!json_is_string(r) || json_string_length(r) == 0 || json_string_length(r) > SETTING_MAX_REASON)
                goto bad_reasons;
        return 0;
    bad_reasons:
        return err_refuse(err, ERR_BAD_REQUEST, "reasons: must be an array of at most %d strings of 1-%d bytes",
                          FEEDBACK_MAX_REASONS, SETTING_MAX_REASON);
    }
    return err_refuse(err, ERR_BAD_REQUEST, "%s: unknown setting (known: unit_name, ticker_speed, screen_on, reasons)",
                      key);
}

/* 0 and the kiosk's organisation (root for "*"), or -1 with ERR_NOT_FOUND. */
static int kiosk_known(Cdb *db, const char *id, char *org, size_t size, Err *err)
{
    snprintf(org, size, "%s", ORG_ROOT);
    if (strcmp(id, "*") == 0) return 0;
    int rc = kiosk_org(db, id, org, size, err);
    return rc == 1 ? err_refuse(err, ERR_NOT_FOUND, "there is no kiosk %s", id) : rc;
}

int kiosk_settings_put(Cdb *db, const char *admin, const char *id, json_t *settings, Err *err)
{
    char org[CDB_ID_SIZE];
    int rc = kiosk_known(db, id, org, sizeof org, err);
    if (rc) return rc;
    const char *key;
    json_t *v;
    json_object_foreach (settings, key, v)
        if ((rc = check_setting(key, v, err))) return rc;
    char target[128];
    snprintf(target, sizeof target, "kiosk:%s", id);
    if (cdb_begin(db, err)) return -1;
    json_object_foreach (settings, key, v) {
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        rc = json_is_null(v)
                 ? cdb_exec(db, err, "DELETE FROM kiosk_settings WHERE kiosk = ? AND key = ?", "ss", id, key)
                 : cdb_exec(db, err, "INSERT OR REPLACE INTO kiosk_settings (kiosk, key, value) VALUES (?, ?, ?)",
                            "sss", id, key, text);
        char detail[600];
        snprintf(detail, sizeof detail, "%s = %s", key, text ? text : "?");
        if (!rc) rc = cdb_audit(db, admin, org, "setting", target, detail, err);
        free(text);
        if (rc) return fail_rollback(db, rc);
    }
    return cdb_commit(db, NULL, err);
}

int kiosk_command_add(Cdb *db, const char *admin, const char *id, const char *command, Err *err)
{
    if (!command || strcmp(command, "resync") != 0)
        return err_refuse(err, ERR_BAD_REQUEST, "command: the only command is \"resync\"");
    char org[CDB_ID_SIZE];
    int rc = kiosk_known(db, id, org, sizeof org, err);
    if (rc) return rc;
    char target[128];
    snprintf(target, sizeof target, "kiosk:%s", id);
    int64_t now = (int64_t)time(NULL);
    rc = cdb_begin(db, err);
    if (!rc)
        rc = strcmp(id, "*") == 0
                 ? cdb_exec(db, err, "INSERT OR REPLACE INTO kiosk_commands SELECT id, ?, ? FROM kiosks", "si", command,
                            now)
                 : cdb_exec(db, err, "INSERT OR REPLACE INTO kiosk_commands VALUES (?, ?, ?)", "ssi", id, command, now);
    if (!rc) rc = cdb_audit(db, admin, org, "command", target, command, err);
    if (rc) return fail_rollback(db, rc);
    return cdb_commit(db, NULL, err);
}

/* ---- remote screenshots ------------------------------------------------------------ */

int kiosk_screenshot_request(Cdb *db, const char *admin, const char *id, Err *err)
{
    char org[CDB_ID_SIZE], target[128];
    int rc = kiosk_org(db, id, org, sizeof org, err);
    if (rc) return rc == 1 ? err_refuse(err, ERR_NOT_FOUND, "there is no kiosk %s", id) : -1;
    snprintf(target, sizeof target, "kiosk:%s", id);
    rc = cdb_begin(db, err);
    /* A new request keeps the picture there is until the next one comes. */
    if (!rc)
        rc = cdb_exec(
            db, err,
            "INSERT INTO kiosk_screenshots (kiosk, state, requested_at, requested_by) VALUES (?, 'pending', ?, ?)"
            " ON CONFLICT(kiosk) DO UPDATE SET state = 'pending', requested_at = excluded.requested_at,"
            " requested_by = excluded.requested_by, note = '', reported_at = NULL",
            "sis", id, (int64_t)time(NULL), admin);
    if (!rc) rc = cdb_audit(db, admin, org, "screenshot", target, "", err);
    if (rc) return fail_rollback(db, rc);
    return cdb_commit(db, NULL, err);
}

/* 0 when kiosk `id` has an open request; ERR_CONFLICT when not. */
static int screenshot_open(Cdb *db, const char *id, int64_t now, Err *err)
{
    int64_t open;
    if (cdb_int(db, &open, err, "SELECT count(*) FROM kiosk_screenshots WHERE kiosk = ?1 AND " SCREENSHOT_OPEN_SQL,
                "si", id, now))
        return -1;
    return open ? 0
                : err_refuse(err, ERR_CONFLICT, "no screenshot of kiosk %s was asked for (or the request is over)", id);
}

int kiosk_screenshot_report(Cdb *db, const char *id, const char *state, const char *note, Err *err)
{
    if (!state || (strcmp(state, "deferred") != 0 && strcmp(state, "failed") != 0))
        return err_refuse(err, ERR_BAD_REQUEST, "state: must be \"deferred\" or \"failed\"");
    if (note && strlen(note) > SCREENSHOT_MAX_NOTE)
        return err_refuse(err, ERR_BAD_REQUEST, "note: at most %d bytes", SCREENSHOT_MAX_NOTE);
    int64_t now = (int64_t)time(NULL);
    int rc = cdb_begin(db, err);
    if (!rc) rc = screenshot_open(db, id, now, err);
    if (!rc)
        rc = cdb_exec(db, err, "UPDATE kiosk_screenshots SET state = ?, note = ?, reported_at = ? WHERE kiosk = ?",
                      "ssis", state, note ? note : "", now, id);
    if (rc) return fail_rollback(db, rc);
    return cdb_commit(db, NULL, err);
}

int kiosk_screenshot_put(Cdb *db, const char *id, const void *png, size_t len, Err *err)
{
    ImageInfo info = {0}; /* read below even when the check failed */
    Err why;
    if (image_check(png, len, &info, &why) || info.format != IMAGE_PNG)
        return err_refuse(err, ERR_BAD_REQUEST, "a screenshot must be a PNG: %s",
                          info.format == IMAGE_JPEG ? "this is a JPEG" : why.msg);
    if (info.width > SCREENSHOT_MAX_WIDTH || info.height > SCREENSHOT_MAX_HEIGHT)
        return err_refuse(err, ERR_BAD_REQUEST, "a screenshot is at most %dx%d pixels, not %dx%d", SCREENSHOT_MAX_WIDTH,
                          SCREENSHOT_MAX_HEIGHT, info.width, info.height);
    int64_t now = (int64_t)time(NULL);
    int rc = cdb_begin(db, err);
    if (!rc) rc = screenshot_open(db, id, now, err);
    if (!rc)
        rc = cdb_exec(db, err,
                      "UPDATE kiosk_screenshots SET state = 'ready', note = '', reported_at = ?1, taken_at = ?1,"
                      " png = ?2, width = ?3, height = ?4 WHERE kiosk = ?5",
                      "ibdds", now, png, len, info.width, info.height, id);
    if (rc) return fail_rollback(db, rc);
    return cdb_commit(db, NULL, err);
}

int kiosk_screenshot_get(Cdb *db, const char *id, void **png, size_t *len, char *taken_at, size_t size, Err *err)
{
    int rc = cdb_blob(db, png, len, err, "SELECT png FROM kiosk_screenshots WHERE kiosk = ?", "s", id);
    if (rc) return rc;
    if (cdb_text(db, taken_at, size, err, "SELECT " SQL_TIME("taken_at") " FROM kiosk_screenshots WHERE kiosk = ?", "s",
                 id) < 0) {
        free(*png);
        *png = NULL;
        return -1;
    }
    return 0;
}
