#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "feed.h"

int validate_opt_text(json_t *o, const char *key, size_t max, const char **out, Err *err)
{
    json_t *v = json_object_get(o, key);
    *out = "";
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v) || json_string_length(v) > max)
        return err_refuse(err, ERR_BAD_REQUEST, "%s: must be a string of at most %zu bytes", key, max);
    *out = json_string_value(v);
    return 0;
}

int validate_feed_entry(json_t *categories, const char *section, json_t *entry, Err *err)
{
    json_t *one = json_pack("[O]", entry ? entry : json_null());
    int rc = validate_feed_entries(categories, section, section ? one : NULL, err);
    json_decref(one);
    return rc;
}

int validate_feed_entries(json_t *categories, const char *section, json_t *entries, Err *err)
{
    json_t *doc = json_pack("{s:s,s:i,s:s,s:i}", "format", FEED_FORMAT, "version", FEED_VERSION, "kind", "snapshot",
                            "revision", 1);
    if (doc && categories) json_object_set_new(doc, "categories", json_pack("{s:O}", "upsert", categories));
    if (doc && section) json_object_set_new(doc, section, json_pack("{s:O}", "upsert", entries));
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    int rc = text ? feed_parse(text, strlen(text), NULL, err) : err_set(err, "out of memory");
    free(text);
    return rc;
}
