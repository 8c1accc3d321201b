/* kiosk_util.h — the kiosk side of the sync tests (header-only): a kiosk
 * whose database (kiosk.db) and attachment cache (cache/) live in the
 * folder kiosk_dir, which the test's setup fills in.  Read with the real
 * store, as the screens read it.  Used by test_sync.c and
 * test_sync_countyd.c. */
#ifndef KIOSK_KIOSK_UTIL_H
#define KIOSK_KIOSK_UTIL_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "store.h"
#include "testutil.h"

static char kiosk_dir[1024];

/* The kiosk's settings: its files in kiosk_dir, syncing from server_url. */
static inline void kiosk_config_at(Config *cfg, const char *server_url, const char *kiosk_id, const char *token)
{
    config_defaults(cfg);
    snprintf(cfg->db_path, sizeof cfg->db_path, "%s/kiosk.db", kiosk_dir);
    snprintf(cfg->cache_dir, sizeof cfg->cache_dir, "%s/cache", kiosk_dir);
    snprintf(cfg->server_url, sizeof cfg->server_url, "%s", server_url);
    snprintf(cfg->kiosk_id, sizeof cfg->kiosk_id, "%s", kiosk_id);
    snprintf(cfg->token, sizeof cfg->token, "%s", token);
    cfg->sync_interval_s = 5;
}

static inline Store *kiosk_store_open(void)
{
    Store *s;
    Err err;
    char path[1100];
    snprintf(path, sizeof path, "%s/kiosk.db", kiosk_dir);
    if (store_open(path, &s, &err) != 0) fail_msg("%s", err.msg);
    return s;
}

/* Whether the item is on the kiosk's screens now; its title goes to
 * `title` when it is (title may be NULL). */
static inline bool kiosk_visible(const char *id, char *title, size_t size)
{
    Err err;
    Store *s = kiosk_store_open();
    StoreItem it;
    int rc = store_item_get(s, id, time(NULL), &it, &err);
    assert_true(rc == 0 || rc == 1);
    if (rc == 0 && title) snprintf(title, size, "%s", it.s.title);
    if (rc == 0) store_item_free(&it);
    store_close(s);
    return rc == 0;
}

/* One sync_state value (sync.state, setting.*). */
static inline void kiosk_state(const char *key, char *buf, size_t size)
{
    Store *s = kiosk_store_open();
    store_state_get(s, key, buf, size);
    store_close(s);
}

/* Checks one sync_state value; a macro, so that a failure names the
 * test's line. */
#define kiosk_assert_state(key, want)                                                                                  \
    do {                                                                                                               \
        char got_[600];                                                                                                \
        kiosk_state((key), got_, sizeof got_);                                                                         \
        assert_string_equal(got_, (want));                                                                             \
    } while (0)

static inline int kiosk_outbox_length(void)
{
    Store *s = kiosk_store_open();
    int n = -1;
    Err err;
    if (store_feedback_outbox_length(s, &n, &err)) fail_msg("%s", err.msg);
    store_close(s);
    return n;
}

/* The outbox entries not yet sent (at most 10), into *left; returns how
 * many.  Free *left with store_free. */
static inline int kiosk_pending(StoreFeedback **left)
{
    Store *s = kiosk_store_open();
    int n;
    Err err;
    assert_int_equal(store_feedback_pending(s, 10, left, &n, &err), 0);
    store_close(s);
    return n;
}

/* A visitor's comment, with name and phone, into the kiosk's outbox. */
static inline void kiosk_add_feedback(const char *id, const char *comment)
{
    StoreFeedback f = {.kind = FEEDBACK_COMMENT, .rating_levels = 3, .created_at = time(NULL)};
    snprintf(f.id, sizeof f.id, "%s", id);
    snprintf(f.reasons, sizeof f.reasons, "[\"内容清楚\"]");
    snprintf(f.comment, sizeof f.comment, "%s", comment);
    snprintf(f.name, sizeof f.name, "王大爷");
    snprintf(f.phone, sizeof f.phone, "13800000000");
    Store *s = kiosk_store_open();
    Err err;
    assert_int_equal(store_feedback_add(s, &f, &err), 0);
    store_close(s);
}

#endif
