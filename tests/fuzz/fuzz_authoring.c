/* fuzz_authoring.c — the authoring reader (kioskctl/authoring.c) on any
 * folder: the input is cut at NUL bytes into an item file, catalog.txt,
 * notices.txt and answers.txt (a missing part gets a small valid file,
 * so that the item reader is reached), and the folder is read as
 * `kioskctl feed` reads it, its feed then checked by the kiosk's importer
 * inside authoring_load.  A folder is turned into a feed or refused with
 * "FILE:LINE: ..."; nothing crashes. */
#include "fuzz_util.h"

#include <jansson.h>

#include "authoring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"item.txt", AUTHORING_CATALOG, AUTHORING_NOTICES, AUTHORING_ANSWERS};
static const char *const defaults[] = {
    "category: jc-a\ntitle: 标题\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\n正文。\n",
    "jc | 党组织决议 | decision | 1\n  jc-a | 会议决定\n",
    "",
    "",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_dir("authoring");
    size_t at = 0;
    for (int part = 0; part < 4; part++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, names[part]);
        if (at <= size) {
            const uint8_t *end = memchr(data + at, 0, size - at);
            size_t n = end ? (size_t)(end - (data + at)) : size - at;
            fuzz_write(path, data + at, n);
            at += n + 1;
        } else {
            fuzz_write(path, (const uint8_t *)defaults[part], strlen(defaults[part]));
        }
    }
    AuthoringOptions opt = {.revision = 1, .href_prefix = ""};
    json_t *doc;
    Err err;
    if (authoring_load(dir, &opt, &doc, &err) == 0) {
        authoring_drop_internal(doc);
        free(authoring_feed_text(doc));
        json_decref(doc);
    }
    return 0;
}
