/* fuzz_feed.c — the kiosk's feed importer (kiosk/store/feed.c) and the
 * sync's look at a document before applying it (feed_peek), on any bytes;
 * and the JSON loader under both (proto/jsonload.h) against jansson's own:
 * whatever it accepts, json_loadb accepts as the same tree, and whatever
 * json_loadb accepts, it accepts too unless it nests deeper than
 * PROTO_JSON_MAX_DEPTH or has a NUL byte (which
 * json_loadb skips right after a number).
 * One store on a real SQLite file, kept between inputs like a kiosk's: a
 * document either applies whole or changes nothing, and nothing crashes,
 * leaks or reads out of bounds whatever the document says. */
#include "fuzz_util.h"

#include <jansson.h>
#include <string.h>

#include "import.h"
#include "jsonload.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Store *s;
    Err err;
    if (!s) {
        char path[1100];
        snprintf(path, sizeof path, "%s/kiosk.db", fuzz_dir("feed"));
        store_delete_files(path);
        if (store_open(path, &s, &err)) abort();
    }
    json_t *want = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL), *got = NULL;
    if (proto_json_load((const char *)data, size, &got, &err) == 0) {
        if (!want || !json_equal(want, got)) abort();
    } else if (want && !strstr(err.msg, "maximum nesting depth") && !strstr(err.msg, "NUL byte")) {
        abort();
    }
    json_decref(want);
    json_decref(got);
    FeedPeek pk;
    if (feed_peek((const char *)data, size, &pk, &err) == 0) feed_peek_free(&pk);
    FeedResult res;
    feed_import_buffer(s, (const char *)data, size, &res, &err);
    return 0;
}
