#include "validate.h"

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

int validate_with_kiosk_importer(json_t *categories, const char *section, json_t *entry, Err *err)
{
    json_t *doc = json_pack("{s:s,s:i,s:s,s:i}", "format", FEED_FORMAT, "version", FEED_VERSION, "kind", "snapshot",
                            "revision", 1);
    if (categories) json_object_set_new(doc, "categories", json_pack("{s:O}", "upsert", categories));
    if (section) json_object_set_new(doc, section, json_pack("{s:[O]}", "upsert", entry));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text) return err_set(err, "out of memory");
    Store *s;
    Err inner;
    int rc = store_open(":memory:", &s, &inner);
    if (rc) {
        free(text);
        return err_set(err, "cannot open a scratch store: %s", inner.msg);
    }
    FeedResult res;
    rc = feed_import_buffer(s, text, strlen(text), &res, err);
    store_close(s);
    free(text);
    return rc;
}
