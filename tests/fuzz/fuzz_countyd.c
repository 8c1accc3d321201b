/* fuzz_countyd.c — what countyd does with request bodies, on any bytes:
 * the body as a kiosk's feedback batch and heartbeat, and as an admin's
 * item (PUT items/ID), which is then taken through 审核, 审批 and 发布 and
 * turned into the kiosk feed (the publish path).  The handlers' own
 * functions run on a real county database, as countyd runs them; what
 * countyd publishes must import into a kiosk: a feed the kiosk's own
 * importer refuses is a failure (abort), not just a crash. */
#include "fuzz_util.h"

#include <jansson.h>

#include "admins.h"
#include "app.h"
#include "authz.h"
#include "catalog.h"
#include "cdb.h"
#include "content.h"
#include "import.h"
#include "feedback.h"
#include "feedgen.h"
#include "kiosks.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KIOSK "fuzz-kiosk"

static const char CATEGORIES[] = "[{\"id\":\"dec\",\"name\":\"党组织决议、决定\"},"
                                 "{\"id\":\"fin\",\"name\":\"党费收缴\",\"sort\":2}]";

static Cdb *open_county(void)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/county.db", fuzz_dir("countyd"));
    store_delete_files(path);
    Cdb *db;
    Err err;
    char token[AUTH_TOKEN_LEN + 1];
    int changed;
    json_t *cats = json_loads(CATEGORIES, 0, NULL);
    if (cdb_open(path, &db, &err) || admin_add(db, "countyd", "drafter", "root", ROLE_ALL, token, &err) ||
        admin_add(db, "countyd", "checker", "root", ROLE_ALL, token, &err) ||
        kiosk_register(db, "drafter", "root", KIOSK, "大厅", token, &err) ||
        catalog_put_standard(db, "drafter", cats, &changed, &err)) {
        fprintf(stderr, "fuzz_countyd: cannot set up: %s\n", err.msg);
        abort();
    }
    json_decref(cats);
    return db;
}

/* The kiosk's view of what countyd now publishes: it must import. */
static void check_feed(Cdb *db)
{
    static Store *kiosk;
    Err err;
    if (!kiosk && store_open(":memory:", &kiosk, &err)) abort();
    json_t *doc;
    int64_t rev;
    if (feedgen_build(db, KIOSK, 0, &doc, &rev, &err) || !doc) return;
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    FeedResult res;
    if (text && feed_import_buffer(kiosk, text, strlen(text), &res, &err)) {
        fprintf(stderr, "countyd published a feed its kiosks refuse: %s\n", err.msg);
        abort();
    }
    free(text);
}

static void as_item(Cdb *db, json_t *body)
{
    const char *id = json_string_value(json_object_get(body, "id"));
    if (!id) id = "fz-1";
    bool changed;
    char state[32];
    Err err;
    json_t *warnings = json_array();
    if (content_item_put(db, "drafter", "root", id, body, &changed, state, sizeof state, warnings, &err) == 0 &&
        content_item_step(db, "checker", id, STEP_REVIEW, NULL, NULL, state, sizeof state, &err) == 0 &&
        content_item_step(db, "drafter", id, STEP_APPROVE, NULL, "fuzz", state, sizeof state, &err) == 0 &&
        content_item_step(db, "drafter", id, STEP_PUBLISH, NULL, NULL, state, sizeof state, &err) == 0)
        check_feed(db);
    json_decref(warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Cdb *db;
    static int runs;
    /* A fresh database now and then, so that it does not grow without end. */
    if (db && ++runs % 5000 == 0) {
        cdb_close(db);
        db = NULL;
    }
    if (!db) db = open_county();
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    json_t *ack = NULL, *rej = NULL, *answer = NULL;
    Err err;
    CaseRules rules;
    case_rules_default(&rules);
    if (feedback_store_batch(db, &rules, KIOSK, json_object_get(body, "submissions"), &ack, &rej, &err) == 0) {
        json_decref(ack);
        json_decref(rej);
    }
    if (kiosk_heartbeat(db, KIOSK, body, "127.0.0.1", &answer, &err) == 0) json_decref(answer);
    as_item(db, body);
    json_decref(body);
    return 0;
}
