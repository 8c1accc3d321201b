#include "validate.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "store.h"

int validate_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n >= STORE_ID_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return 0;
    }
    return 1;
}

int validate_opt_text(json_t *o, const char *key, size_t max, const char **out, Err *err)
{
    json_t *v = json_object_get(o, key);
    *out = "";
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v) || json_string_length(v) > max)
        return err_set(err, "%s: must be a string of at most %zu bytes", key, max);
    *out = json_string_value(v);
    return 0;
}

/* One scratch store for the whole process, used under a lock: importing a
 * snapshot replaces all it holds, so it is as good as a fresh one, and
 * admin requests are rare enough that they may wait for each other. */
static pthread_mutex_t scratch_lock = PTHREAD_MUTEX_INITIALIZER;
static Store *scratch;
static int64_t scratch_revision;

static int import_scratch(const char *text, Err *err)
{
    Err inner;
    if (!scratch && store_open(":memory:", &scratch, &inner))
        return err_set(err, "cannot open a scratch store: %s", inner.msg);
    FeedResult res;
    return feed_import_buffer(scratch, text, strlen(text), &res, err);
}

int validate_with_kiosk_importer(json_t *categories, const char *section, json_t *entry, Err *err)
{
    json_t *one = json_pack("[O]", entry ? entry : json_null());
    int rc = validate_entries_with_kiosk_importer(categories, section, section ? one : NULL, err);
    json_decref(one);
    return rc;
}

int validate_entries_with_kiosk_importer(json_t *categories, const char *section, json_t *entries, Err *err)
{
    pthread_mutex_lock(&scratch_lock);
    /* A new revision each time, so no import is ever taken for one the store already has. */
    json_t *doc = json_pack("{s:s,s:i,s:s,s:I}", "format", FEED_FORMAT, "version", FEED_VERSION, "kind", "snapshot",
                            "revision", (json_int_t)++scratch_revision);
    if (categories) json_object_set_new(doc, "categories", json_pack("{s:O}", "upsert", categories));
    if (section) json_object_set_new(doc, section, json_pack("{s:O}", "upsert", entries));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    int rc = text ? import_scratch(text, err) : err_set(err, "out of memory");
    free(text);
    pthread_mutex_unlock(&scratch_lock);
    return rc;
}

void validate_shutdown(void)
{
    pthread_mutex_lock(&scratch_lock);
    store_close(scratch);
    scratch = NULL;
    pthread_mutex_unlock(&scratch_lock);
}
