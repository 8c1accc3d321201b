/* api_admin.c — the admin API used by kioskctl (docs/PROTOCOL.md, last
 * part).  Every route here needs an admin token; r->actor is the admin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "cdb.h"
#include "content.h"
#include "feed.h"
#include "feedback.h"
#include "kiosks.h"

/* Parses the body, opens the database; NULL (already answered) on failure. */
static json_t *body_and_db(Request *r, Cdb **db)
{
    json_t *body = http_body_json(r);
    if (!body) return NULL;
    if (!(*db = http_db(r))) {
        json_decref(body);
        return NULL;
    }
    return body;
}

static void reply_rows(Request *r, const char *key, int rc, json_t *rows, const Err *err)
{
    if (rc) return api_reply_failure(r, rc, err);
    http_reply_json(r, 200, json_pack("{s:o,s:I}", key, rows, "revision", (json_int_t)cdb_revision(http_db(r))));
}

static void reply_revision(Request *r, int status, json_t *answer)
{
    json_object_set_new(answer, "revision", json_integer(cdb_revision(http_db(r))));
    http_reply_json(r, status, answer);
}

void api_admin_status(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    json_t *counts;
    Err err;
    if (content_items_by_state(db, &counts, &err)) return http_reply_internal(r, &err);
    reply_revision(r, 200, json_pack("{s:s,s:i,s:o}", "admin", r->actor, "kiosks", kiosks_count(db), "items", counts));
}

void api_admin_kiosk_add(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    char token[AUTH_TOKEN_LEN + 1];
    Err err;
    const char *id = json_string_value(json_object_get(body, "id"));
    const char *name = json_string_value(json_object_get(body, "name"));
    json_t *unit = json_object_get(body, "unit_name");
    int rc = kiosk_register(db, r->actor, id ? id : "", name, token, &err);
    if (!rc && unit) {
        json_t *settings = json_pack("{s:O}", "unit_name", unit);
        rc = kiosk_settings_put(db, r->actor, id, settings, &err);
        json_decref(settings);
    }
    if (rc) {
        json_decref(body);
        return api_reply_failure(r, rc, &err);
    }
    http_reply_json(r, 201, json_pack("{s:s,s:s}", "id", id, "token", token));
    json_decref(body);
}

void api_admin_kiosks(Request *r)
{
    App *app = r->app;
    Cdb *db = http_db(r);
    if (!db) return;
    json_t *rows = NULL;
    Err err;
    const char *minutes = http_query(r, "silent_minutes");
    int silent = minutes ? atoi(minutes) : app->silent_minutes;
    int rc = kiosks_list(db, silent > 0 ? silent : app->silent_minutes, &rows, &err);
    reply_rows(r, "kiosks", rc, rows, &err);
}

void api_admin_kiosk_settings(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    Err err;
    int rc = kiosk_settings_put(db, r->actor, r->params[0], body, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->params[0]));
}

void api_admin_kiosk_command(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    Err err;
    int rc = kiosk_command_add(db, r->actor, r->params[0], json_string_value(json_object_get(body, "command")), &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->params[0]));
}

void api_admin_categories(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    Err err;
    int changed;
    int rc = content_categories_put(db, r->actor, json_object_get(body, "categories"), &changed, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 200, json_pack("{s:i}", "changed", changed));
}

void api_admin_blobs_missing(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    json_t *list = json_object_get(body, "sha256");
    if (!json_is_array(list)) {
        json_decref(body);
        return http_reply_error(r, 400, "bad_request", "sha256: must be an array of hashes");
    }
    json_t *missing = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        char type[32];
        int64_t size;
        const char *sha = json_string_value(v);
        if (!content_valid_sha256(sha) || content_blob_info(db, sha, type, sizeof type, &size))
            json_array_append(missing, v);
    }
    json_decref(body);
    http_reply_json(r, 200, json_pack("{s:o}", "missing", missing));
}

void api_admin_blob_put(Request *r)
{
    App *app = r->app;
    Cdb *db = http_db(r);
    if (!db) return;
    bool created;
    Err err;
    int rc = content_blob_put(db, app->blob_dir, r->actor, r->params[0], http_header(r, "Content-Type"), r->body,
                              r->body_len, &created, &err);
    if (rc) return api_reply_failure(r, rc, &err);
    http_reply_json(r, created ? 201 : 200, json_pack("{s:s,s:b}", "sha256", r->params[0], "created", created));
}

void api_admin_items(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    json_t *rows = NULL;
    Err err;
    int rc = content_items_list(db, &rows, &err);
    reply_rows(r, "items", rc, rows, &err);
}

void api_admin_item_get(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    json_t *item;
    Err err;
    int rc = content_item_get(db, r->params[0], &item, &err);
    if (rc) return api_reply_failure(r, rc, &err);
    http_reply_json(r, 200, item);
}

void api_admin_item_put(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    bool changed;
    char state[32];
    Err err;
    int rc = content_item_put(db, r->actor, r->params[0], body, &changed, state, sizeof state, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 200, json_pack("{s:s,s:s,s:b}", "id", r->params[0], "state", state, "changed", changed));
}

void api_admin_item_step(Request *r)
{
    int step = review_step_parse(r->params[1]);
    if (step < 0) return http_reply_error(r, 404, "not_found", "items have review, approve, publish and withdraw");
    json_t *body = r->body_len ? http_body_json(r) : json_object();
    if (!body) return;
    Cdb *db = http_db(r);
    char state[32];
    Err err;
    int rc = db ? content_item_step(db, r->actor, r->params[0], (ReviewStep)step,
                                    json_string_value(json_object_get(body, "note")), state, sizeof state, &err)
                : 0;
    json_decref(body);
    if (!db) return;
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 200, json_pack("{s:s,s:s}", "id", r->params[0], "state", state));
}

static void doc_put(Request *r, DocKind kind)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    Err err;
    int rc = content_doc_put(db, r->actor, kind, r->params[0], body, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 200, json_pack("{s:s}", "id", r->params[0]));
}

static void doc_delete(Request *r, DocKind kind)
{
    Cdb *db = http_db(r);
    if (!db) return;
    Err err;
    int rc = content_doc_delete(db, r->actor, kind, r->params[0], &err);
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 200, json_pack("{s:s}", "id", r->params[0]));
}

void api_admin_notice_put(Request *r) { doc_put(r, DOC_NOTICE); }
void api_admin_notice_delete(Request *r) { doc_delete(r, DOC_NOTICE); }
void api_admin_answer_put(Request *r) { doc_put(r, DOC_ANSWER); }
void api_admin_answer_delete(Request *r) { doc_delete(r, DOC_ANSWER); }

void api_admin_feedback(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    int64_t since = 0;
    const char *s = http_query(r, "since");
    if (s && feed_parse_time(s, &since))
        return http_reply_error(r, 400, "bad_request", "since: must be a time like 2026-11-01T00:00:00+08:00");
    json_t *rows = NULL;
    Err err;
    int rc = feedback_list(db, since, &rows, &err);
    reply_rows(r, "feedback", rc, rows, &err);
}

void api_admin_reply(Request *r)
{
    Cdb *db;
    json_t *body = body_and_db(r, &db);
    if (!body) return;
    json_t *pub = json_object_get(body, "public");
    if (pub && !json_is_boolean(pub)) {
        json_decref(body);
        return http_reply_error(r, 400, "bad_request", "public: must be true or false");
    }
    int64_t reply_id;
    Err err;
    int rc = feedback_reply(db, r->actor, r->params[0], json_string_value(json_object_get(body, "text")),
                            json_is_true(pub), json_string_value(json_object_get(body, "question")), &reply_id, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, rc, &err);
    reply_revision(r, 201, json_pack("{s:I}", "reply_id", (json_int_t)reply_id));
}

void api_admin_audit(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    const char *l = http_query(r, "limit");
    int limit = l ? atoi(l) : 100;
    if (limit <= 0 || limit > 10000) limit = 100;
    json_t *rows = NULL;
    Err err;
    int rc = cdb_audit_list(db, limit, &rows, &err);
    reply_rows(r, "audit", rc, rows, &err);
}
