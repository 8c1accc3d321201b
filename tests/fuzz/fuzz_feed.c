/* fuzz_feed.c — the kiosk's feed importer (kiosk/store/feed.c) and the
 * sync's look at a document before applying it (feed_peek), on any bytes.
 * One store on a real SQLite file, kept between inputs like a kiosk's: a
 * document either applies whole or changes nothing, and nothing crashes,
 * leaks or reads out of bounds whatever the document says. */
#include "fuzz_util.h"

#include "import.h"
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
    FeedPeek pk;
    if (feed_peek((const char *)data, size, &pk, &err) == 0) feed_peek_free(&pk);
    FeedResult res;
    feed_import_buffer(s, (const char *)data, size, &res, &err);
    return 0;
}
