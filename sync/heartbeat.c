/* heartbeat.c — the kiosk's report to the server, and what comes back.
 *
 * Sends version, revision, outbox length, last error, uptime, free disk,
 * clock and the item views not yet reported, by the day they were made
 * (views_by_day; marked reported only after the server's 200, so a lost
 * answer means they are sent again); keeps the settings of the answer in
 * sync_state (setting.*) after checking them, and carries out its
 * commands (resync, screenshot). */
#include "session.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "log.h"

static bool one_line(const char *s, size_t max)
{
    if (!s || strlen(s) > max) return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20) return false;
    return true;
}

static bool valid_hours(const char *s)
{
    int h1, m1, h2, m2;
    char tail;
    if (!s || !*s) return s != NULL;
    return sscanf(s, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) == 4 && strlen(s) == 11 && h1 < 24 && h2 < 24 &&
           m1 < 60 && m2 < 60 && h1 >= 0 && h2 >= 0 && m1 >= 0 && m2 >= 0;
}

static bool valid_reasons(json_t *v)
{
    size_t i;
    json_t *r;
    if (!json_is_array(v) || json_array_size(v) > CONFIG_MAX_REASONS) return false;
    json_array_foreach (v, i, r)
        if (!json_is_string(r) || !one_line(json_string_value(r), 60)) return false;
    return true;
}

/* One setting as the text kept in sync_state; false when the server's
 * value is not acceptable. */
static bool setting_text(const char *key, json_t *v, char *buf, size_t size)
{
    if (strcmp(key, "unit_name") == 0 && json_is_string(v) && one_line(json_string_value(v), 250))
        return snprintf(buf, size, "%s", json_string_value(v)) > 0;
    if (strcmp(key, "ticker_speed") == 0 && json_is_integer(v) && json_integer_value(v) >= 20 &&
        json_integer_value(v) <= 400)
        return snprintf(buf, size, "%lld", (long long)json_integer_value(v)) > 0;
    if (strcmp(key, "screen_on") == 0 && json_is_string(v) && valid_hours(json_string_value(v)))
        return snprintf(buf, size, "%s", json_string_value(v)) >= 0;
    if (strcmp(key, "reasons") == 0 && valid_reasons(v)) {
        char *text = json_dumps(v, JSON_COMPACT);
        bool ok = text && snprintf(buf, size, "%s", text) < (int)size;
        free(text);
        return ok;
    }
    return false;
}

/* The server sends only the settings an admin has set; one it no longer
 * sends is cleared to "" (not set: kiosk.conf applies again).  A value the
 * kiosk cannot accept is ignored and the previous one kept. */
static void apply_settings(Session *ss, json_t *settings)
{
    static const char *const keys[] = {"unit_name", "ticker_speed", "screen_on", "reasons"};
    bool changed = false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(settings, keys[i]);
        char value[1024] = "", key[64], old[1024];
        if (v && !setting_text(keys[i], v, value, sizeof value)) {
            log_warn("sync: the server's setting %s is not acceptable; ignored", keys[i]);
            continue;
        }
        snprintf(key, sizeof key, "setting.%s", keys[i]);
        store_state_get(ss->store, key, old, sizeof old);
        if (strcmp(old, value) == 0) continue;
        Err e;
        if (store_state_set(ss->store, key, value, &e)) {
            log_warn("sync: %s", e.msg);
            continue;
        }
        log_info("sync: setting %s is now \"%s\"", keys[i], value);
        changed = true;
    }
    if (changed) session_tell(ss, SYNC_STATUS_CHANGED);
}

static void apply_commands(Session *ss, json_t *commands)
{
    size_t i;
    json_t *v;
    json_array_foreach (commands, i, v) {
        const char *cmd = json_string_value(v);
        if (cmd && strcmp(cmd, "resync") == 0) {
            log_info("sync: the server asked for a resync; re-checking the cache and fetching a full snapshot");
            ss->want_snapshot = true;
            ss->recheck_cache = true;
        } else if (cmd && strcmp(cmd, "screenshot") == 0) {
            /* Asked again with every heartbeat until the picture is there:
             * only the first ask of a request counts. */
            if (!ss->shot) log_info("sync: the server asked for a screenshot; there is no screen here");
            else if (screenshot_ask(ss->shot)) {
                log_info("sync: the server asked for a screenshot");
                session_tell(ss, SYNC_SCREENSHOT_WANTED);
            }
        } else {
            log_warn("sync: unknown command from the server ignored");
        }
    }
}

/* (item, day) counts this kiosk reports per heartbeat: 500 ids of up to
 * 63 bytes stay well under HEARTBEAT_MAX_BYTES; the rest go with the next
 * heartbeats. */
#define SYNC_VIEW_ITEMS_PER_HEARTBEAT 500
_Static_assert(SYNC_VIEW_ITEMS_PER_HEARTBEAT <= HEARTBEAT_MAX_VIEW_ITEMS, "more view items than countyd accepts");

static void add_count(json_t *o, const char *item, int64_t count)
{
    int64_t n = json_integer_value(json_object_get(o, item)) + count;
    json_object_set_new(o, item, json_integer(n > HEARTBEAT_MAX_VIEWS_PER_ITEM ? HEARTBEAT_MAX_VIEWS_PER_ITEM : n));
}

/* The views as "views_by_day" ({"2026-11-20": {"ITEM-ID": n}}), or, when
 * `dated` is false, all as "views" ({"ITEM-ID": n}, counted by the server
 * on the day they arrive). */
static json_t *views_object(const StoreViews *views, int count, bool dated)
{
    json_t *o = json_object();
    for (int i = 0; o && i < count; i++) {
        json_t *into = o;
        if (dated) {
            into = json_object_get(o, views[i].day);
            if (!into) json_object_set_new(o, views[i].day, into = json_object());
        }
        if (into) add_count(into, views[i].item_id, views[i].count);
    }
    return o;
}

static char *heartbeat_body(Session *ss, const StoreViews *views, int view_count, bool dated)
{
    char state[32], last_error[512], now_text[40];
    store_state_get(ss->store, "sync.state", state, sizeof state);
    store_state_get(ss->store, "sync.last_error", last_error, sizeof last_error);
    if (strcmp(state, "ok") == 0) last_error[0] = '\0';
    feed_format_time(time(NULL), now_text, sizeof now_text);
    /* What the store cannot tell is sent as null (unknown), never as 0. */
    int64_t revision;
    int outbox;
    Err e;
    json_t *revision_v = store_revision(ss->store, &revision, &e) ? json_null() : json_integer(revision);
    json_t *outbox_v = store_feedback_outbox_length(ss->store, &outbox, &e) ? json_null() : json_integer(outbox);
    if (json_is_null(revision_v) || json_is_null(outbox_v))
        log_warn("sync: heartbeat without store figures: %s", e.msg);
    json_t *o =
        json_pack("{s:s, s:o, s:o, s:s, s:I, s:I, s:s, s:o}", "app_version", SYNC_APP_VERSION, "revision", revision_v,
                  "outbox", outbox_v, "last_error", last_error, "uptime", (json_int_t)(time(NULL) - ss->started_at),
                  "free_disk", (json_int_t)sync_free_disk_bytes(ss->cfg->cache_dir), "time", now_text,
                  dated ? "views_by_day" : "views", views_object(views, view_count, dated));
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return body;
}

/* One POST of the heartbeat.  A server refuses a whole heartbeat whose
 * views_by_day names a day after its tomorrow: that is a kiosk whose
 * clock runs ahead.  Rather than fall silent, such a kiosk sends the same
 * heartbeat again at once with the views undated, counted on the day they
 * arrive; the refusal is then not the round's error. */
static RoundResult post_heartbeat(Session *ss, const StoreViews *views, int view_count, json_t **answer)
{
    char kept_error[sizeof ss->error];
    memcpy(kept_error, ss->error, sizeof kept_error);
    RoundResult r = ROUND_ERROR;
    for (int dated = view_count > 0; dated >= 0; dated--) {
        char *body = heartbeat_body(ss, views, view_count, dated);
        if (!body) return session_fail(ss, ROUND_ERROR, "heartbeat: out of memory");
        long status;
        r = session_post_json(ss, "heartbeat", "/v1/heartbeat", body, &status, answer);
        free(body);
        if (!dated || status != 400) break;
        log_warn("sync: the server refused the views by day (is this kiosk's clock ahead?); sent undated");
        memcpy(ss->error, kept_error, sizeof kept_error);
    }
    return r;
}

RoundResult sync_send_heartbeat(Session *ss, bool force)
{
    time_t now = time(NULL);
    if (!force && ss->heartbeat_at && now - ss->heartbeat_at < ss->cfg->sync_interval_s) return ROUND_OK;
    StoreViews *views = NULL;
    int view_count = 0;
    Err e;
    if (store_views_unreported(ss->store, SYNC_VIEW_ITEMS_PER_HEARTBEAT, &views, &view_count, &e)) {
        log_warn("sync: views are not reported this time: %s", e.msg);
        view_count = 0;
    }
    json_t *answer;
    RoundResult r = post_heartbeat(ss, views, view_count, &answer);
    if (r == ROUND_OK) {
        ss->heartbeat_at = now;
        char today[PROTO_DAY_SIZE];
        feed_format_day((int64_t)now, today, sizeof today);
        if (store_views_mark_reported(ss->store, views, view_count, today, &e))
            log_warn("sync: the server has the views but they stay unreported here (sent again): %s", e.msg);
        apply_settings(ss, json_object_get(answer, "settings"));
        apply_commands(ss, json_object_get(answer, "commands"));
    }
    json_decref(answer);
    store_free(views);
    return r;
}
