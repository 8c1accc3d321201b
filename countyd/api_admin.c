/* api_admin.c — the admin API used by kioskctl (docs/PROTOCOL.md, last
 * part).  Every route here needs an admin token; r->actor is the admin.
 * Each handler loads the admin (api_actor), finds the organisation the
 * request is about, and asks authz.h whether the admin may act there
 * (api_allowed) before it calls a domain module; those that take a body
 * get the admin and the parsed body from with_body.  The many routes that
 * only list rows (also the console's lists) are one table, list_routes,
 * answered by api_admin_list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "admins.h"
#include "api.h"
#include "app.h"
#include "audit.h"
#include "authz.h"
#include "cases.h"
#include "catalog.h"
#include "cdb.h"
#include "content.h"
#include "feed.h"
#include "feedback.h"
#include "kiosks.h"
#include "feedcache.h"
#include "longpoll.h"
#include "number.h"
#include "orgs.h"
#include "privacy.h"
#include "reports.h"

/* The admin and the parsed body; NULL (already answered) on failure. */
static json_t *actor_and_body(Request *r, Cdb **db, Actor *who)
{
    if (api_actor(r, db, who)) return NULL;
    return http_body_json(r);
}

/* Answers with the server's revision added; 500 when it cannot be read. */
static void reply_revision(Request *r, int status, json_t *answer)
{
    int64_t revision;
    Err err;
    if (cdb_revision(http_db(r), &revision, &err)) {
        json_decref(answer);
        return http_reply_internal(r, &err);
    }
    json_object_set_new(answer, "revision", json_integer(revision));
    http_reply_json(r, status, answer);
}

/* Loads the admin and parses the body, runs `fn` on them (it answers),
 * then frees the body: the frame of every handler that takes a body. */
static void with_body(Request *r, void (*fn)(Request *r, Cdb *db, const Actor *who, json_t *body))
{
    Cdb *db;
    Actor who;
    json_t *body = actor_and_body(r, &db, &who);
    if (!body) return;
    fn(r, db, &who, body);
    json_decref(body);
}

static const char *body_text(json_t *body, const char *key) { return json_string_value(json_object_get(body, key)); }

/* The organisation that owns (entity, id): the stored owner, or for a new
 * one the body's "org" or else the admin's own.  -1 after answering. */
static int owner_of(Request *r, Cdb *db, const Actor *who, const char *entity, const char *id, json_t *body, char *org,
                    size_t size)
{
    Err err;
    int rc = content_owner(db, entity, id, org, size, &err);
    if (rc < 0) {
        http_reply_internal(r, &err);
        return -1;
    }
    const char *asked = body_text(body, "org");
    if (rc == 0 && asked && strcmp(asked, org) != 0) {
        http_reply_error(r, 409, "conflict", "%s %s 属于组织 %s；所属组织不能更改", entity, id, org);
        return -1;
    }
    if (rc == 1) snprintf(org, size, "%s", asked ? asked : who->org);
    return 0;
}

/* Like owner_of for a stored entity only: 404 when there is none. */
static int stored_owner(Request *r, Cdb *db, const char *entity, const char *id, char *org, size_t size)
{
    Err err;
    int rc = content_owner(db, entity, id, org, size, &err);
    if (rc < 0) http_reply_internal(r, &err);
    if (rc == 1) http_reply_error(r, 404, "not_found", "there is no %s %s", entity, id);
    return rc ? -1 : 0;
}

void api_admin_status(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    json_t *counts, *org;
    Err err;
    if (content_items_by_state(db, who.org, &counts, &err)) return http_reply_internal(r, &err);
    if (org_get(db, who.org, &org, &err)) {
        json_decref(counts);
        return http_reply_internal(r, &err);
    }
    char roles[96];
    authz_roles_format(who.roles, roles, sizeof roles);
    int64_t kiosks;
    if (kiosks_count(db, who.org, &kiosks, &err)) {
        json_decref(counts);
        json_decref(org);
        return http_reply_internal(r, &err);
    }
    /* The server's own load, for the technician, the tests and the bench:
     * long-polls held now (each a suspended connection, no thread), and
     * feed documents built and shared since the start (a publish that
     * wakes a thousand kiosks builds its delta once). */
    long built, copied;
    feedcache_counts(&built, &copied);
    reply_revision(r, 200,
                   json_pack("{s:s,s:o,s:s,s:I,s:o,s:I,s:I,s:I}", "admin", who.name, "org", org, "roles", roles,
                             "kiosks", (json_int_t)kiosks, "items", counts, "long_polls_held",
                             (json_int_t)longpoll_held(), "feeds_built", (json_int_t)built, "feeds_shared",
                             (json_int_t)copied));
}

/* ---- organisations and admins ---------------------------------------------------------- */

static void on_org_add(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    const char *parent = body_text(body, "parent");
    if (!parent) parent = who->org;
    Err err;
    int rc = api_allowed(r, db, who, AUTHZ_MANAGE, parent);
    if (!rc) {
        rc = org_create(db, who->name, body_text(body, "id"), parent, body_text(body, "name"),
                        body_text(body, "short_name"), &err);
        if (rc) api_reply_failure(r, &err);
        else http_reply_json(r, 201, json_pack("{s:s,s:s}", "id", body_text(body, "id"), "parent", parent));
    }
}
void api_admin_org_add(Request *r) { with_body(r, on_org_add); }

static void on_org_put(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    Err err;
    int rc = api_allowed(r, db, who, AUTHZ_MANAGE, r->params[0]);
    if (!rc && json_object_get(body, "parent"))
        rc = -1, http_reply_error(r, 400, "bad_request", "parent：组织不能移到别的上级之下");
    if (!rc) {
        rc = org_update(db, who->name, r->params[0], body_text(body, "name"), body_text(body, "short_name"), &err);
        if (rc) api_reply_failure(r, &err);
        else http_reply_json(r, 200, json_pack("{s:s}", "id", r->params[0]));
    }
}
void api_admin_org_put(Request *r) { with_body(r, on_org_put); }

static void on_admin_add(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    const char *name = body_text(body, "name"), *org = body_text(body, "org");
    if (!org) org = who->org;
    unsigned roles = 0;
    char existing[CDB_ID_SIZE], token[AUTH_TOKEN_LEN + 1];
    Err err;
    int rc = api_allowed(r, db, who, AUTHZ_MANAGE, org);
    /* An admin of another organisation is not this manager's to change. */
    if (!rc && admin_org(db, name, existing, sizeof existing, &err) == 0)
        rc = api_allowed(r, db, who, AUTHZ_MANAGE, existing);
    if (!rc && authz_roles_parse(body_text(body, "roles"), &roles, &err))
        rc = -1, http_reply_error(r, 400, "bad_request", "%s", err.msg);
    if (!rc && (rc = admin_add(db, who->name, name, org, roles, token, &err))) api_reply_failure(r, &err);
    if (!rc) http_reply_json(r, 201, json_pack("{s:s,s:s,s:s}", "name", name, "org", org, "token", token));
}
void api_admin_admin_add(Request *r) { with_body(r, on_admin_add); }

/* ---- kiosks ---------------------------------------------------------------------------- */

static void on_kiosk_add(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    char token[AUTH_TOKEN_LEN + 1];
    Err err;
    const char *id = body_text(body, "id"), *org = body_text(body, "org");
    if (!org) org = who->org;
    json_t *unit = json_object_get(body, "unit_name");
    int rc = api_allowed(r, db, who, AUTHZ_MANAGE, org);
    if (!rc && (rc = kiosk_register(db, who->name, org, id ? id : "", body_text(body, "name"), token, &err)))
        api_reply_failure(r, &err);
    if (!rc && unit) {
        json_t *settings = json_pack("{s:O}", "unit_name", unit);
        if ((rc = kiosk_settings_put(db, who->name, id, settings, &err))) api_reply_failure(r, &err);
        json_decref(settings);
    }
    if (!rc) http_reply_json(r, 201, json_pack("{s:s,s:s,s:s}", "id", id, "org", org, "token", token));
}
void api_admin_kiosk_add(Request *r) { with_body(r, on_kiosk_add); }

/* May the admin manage kiosk `id` ("*" = every kiosk of the county)? */
/* Whether the admin may do `what` on kiosk `id`'s organisation (the
 * root's for "*"); -1 when answered. */
static int kiosk_may(Request *r, Cdb *db, const Actor *who, const char *id, AuthzAction what)
{
    char org[CDB_ID_SIZE];
    Err err;
    int rc = strcmp(id, "*") == 0 ? (snprintf(org, sizeof org, "%s", ORG_ROOT), 0)
                                  : kiosk_org(db, id, org, sizeof org, &err);
    if (rc < 0) http_reply_internal(r, &err);
    if (rc == 1) http_reply_error(r, 404, "not_found", "there is no kiosk %s", id);
    return rc ? -1 : api_allowed(r, db, who, what, org);
}

static int kiosk_allowed(Request *r, Cdb *db, const Actor *who, const char *id)
{
    return kiosk_may(r, db, who, id, AUTHZ_MANAGE);
}

/* A screenshot is asked for and seen by whoever may see the kiosk in the
 * kiosks list (AUTHZ_READ on its organisation). */
static int kiosk_visible(Request *r, Cdb **db, Actor *who)
{
    const char *id = r->params[0];
    if (api_actor(r, db, who)) return -1;
    if (strcmp(id, "*") == 0) {
        http_reply_error(r, 404, "not_found", "a screenshot is of one kiosk");
        return -1;
    }
    return kiosk_may(r, *db, who, id, AUTHZ_READ);
}

void api_admin_kiosk_screenshot_ask(Request *r)
{
    Cdb *db;
    Actor who;
    Err err;
    if (kiosk_visible(r, &db, &who)) return;
    if (kiosk_screenshot_request(db, who.name, r->params[0], &err)) return api_reply_failure(r, &err);
    /* Its held long-poll ends now, so its heartbeat (which carries the
     * command) comes at once, not at the next [sync] interval. */
    longpoll_call(r->params[0]);
    http_reply_json(r, 202, json_pack("{s:s,s:s}", "kiosk", r->params[0], "screenshot_state", "pending"));
}

void api_admin_kiosk_screenshot_get(Request *r)
{
    Cdb *db;
    Actor who;
    Err err;
    if (kiosk_visible(r, &db, &who)) return;
    void *png;
    size_t len;
    char taken_at[40];
    int rc = kiosk_screenshot_get(db, r->params[0], &png, &len, taken_at, sizeof taken_at, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (rc == 1) return http_reply_error(r, 404, "not_found", "触控屏 %s 还没有截图", r->params[0]);
    http_add_header(r, "X-Taken-At", taken_at);
    http_add_header(r, "Cache-Control", "private, no-cache");
    http_reply_text(r, 200, png, len, "image/png");
}

static void on_kiosk_settings(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    Err err;
    int rc = kiosk_allowed(r, db, who, r->params[0]);
    if (!rc && (rc = kiosk_settings_put(db, who->name, r->params[0], body, &err))) api_reply_failure(r, &err);
    if (!rc) http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->params[0]));
}
void api_admin_kiosk_settings(Request *r) { with_body(r, on_kiosk_settings); }

static void on_kiosk_command(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    Err err;
    int rc = kiosk_allowed(r, db, who, r->params[0]);
    if (!rc && (rc = kiosk_command_add(db, who->name, r->params[0], body_text(body, "command"), &err)))
        api_reply_failure(r, &err);
    if (!rc) http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->params[0]));
}
void api_admin_kiosk_command(Request *r) { with_body(r, on_kiosk_command); }

static void on_kiosk_move(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    Err err;
    const char *to = body_text(body, "org");
    int rc = kiosk_allowed(r, db, who, r->params[0]);
    if (!rc && !to) rc = -1, http_reply_error(r, 400, "bad_request", "org：要移到哪个组织？");
    if (!rc) rc = api_allowed(r, db, who, AUTHZ_MANAGE, to);
    if (!rc && (rc = kiosk_move(db, who->name, r->params[0], to, &err))) api_reply_failure(r, &err);
    if (!rc) reply_revision(r, 200, json_pack("{s:s,s:s}", "kiosk", r->params[0], "org", to));
}
void api_admin_kiosk_move(Request *r) { with_body(r, on_kiosk_move); }

/* ---- content --------------------------------------------------------------------------- */

static void on_categories(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    Err err;
    int changed;
    /* The catalog is the county's: set by those who approve at the root. */
    int rc = api_allowed(r, db, who, AUTHZ_APPROVE, ORG_ROOT);
    if (!rc && (rc = catalog_put_standard(db, who->name, json_object_get(body, "categories"), &changed, &err)))
        api_reply_failure(r, &err);
    if (!rc) reply_revision(r, 200, json_pack("{s:i}", "changed", changed));
}
void api_admin_categories(Request *r) { with_body(r, on_categories); }

/* An organisation's own catalog entry (under the county's catalog). */
static void on_category_put(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    char org[CDB_ID_SIZE];
    Err err;
    int rc = catalog_owner(db, r->params[0], org, sizeof org, &err), changed = 0;
    if (rc < 0) http_reply_internal(r, &err);
    const char *asked = body_text(body, "org");
    if (rc == 1) snprintf(org, sizeof org, "%s", asked ? asked : who->org);
    if (rc == 0 && strcmp(org, ORG_ROOT) == 0)
        rc = -1, http_reply_error(r, 409, "conflict", "目录 %s 是县里的标准目录：整体更新用 PUT /v1/admin/categories",
                                  r->params[0]);
    else if (rc >= 0) rc = api_allowed(r, db, who, AUTHZ_APPROVE, org);
    if (!rc && (rc = catalog_put_entry(db, who->name, org, r->params[0], body, &changed, &err)))
        api_reply_failure(r, &err);
    if (!rc) reply_revision(r, 200, json_pack("{s:s,s:s,s:b}", "id", r->params[0], "org", org, "changed", changed > 0));
}
void api_admin_category_put(Request *r) { with_body(r, on_category_put); }

void api_admin_category_delete(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    char org[CDB_ID_SIZE];
    Err err;
    int rc = catalog_owner(db, r->params[0], org, sizeof org, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (rc == 1) return http_reply_error(r, 404, "not_found", "there is no category %s", r->params[0]);
    if (api_allowed(r, db, &who, AUTHZ_APPROVE, org)) return;
    if ((rc = catalog_delete_entry(db, who.name, r->params[0], &err))) return api_reply_failure(r, &err);
    reply_revision(r, 200, json_pack("{s:s}", "id", r->params[0]));
}

static void on_blobs_missing(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    (void)who; /* any admin may ask which files the server lacks */
    json_t *list = json_object_get(body, "sha256");
    if (!json_is_array(list)) return http_reply_error(r, 400, "bad_request", "sha256: must be an array of hashes");
    json_t *missing = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (list, i, v) {
        char type[32];
        int64_t size;
        const char *sha = json_string_value(v);
        /* A file the database cannot vouch for counts as missing: uploading it again is harmless. */
        if (!proto_sha256_valid(sha) || content_blob_info(db, sha, type, sizeof type, &size, NULL))
            json_array_append(missing, v);
    }
    http_reply_json(r, 200, json_pack("{s:o}", "missing", missing));
}
void api_admin_blobs_missing(Request *r) { with_body(r, on_blobs_missing); }

void api_admin_blob_put(Request *r)
{
    App *app = r->app;
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who) || api_allowed(r, db, &who, AUTHZ_DRAFT, who.org)) return;
    bool created;
    Err err;
    int rc = content_blob_put(db, app->blob_dir, who.name, r->params[0], http_header(r, "Content-Type"), r->body,
                              r->body_len, &created, &err);
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, created ? 201 : 200, json_pack("{s:s,s:b}", "sha256", r->params[0], "created", created));
}

void api_admin_item_get(Request *r)
{
    Cdb *db;
    Actor who;
    char org[CDB_ID_SIZE];
    if (api_actor(r, &db, &who) || stored_owner(r, db, "item", r->params[0], org, sizeof org) ||
        api_allowed(r, db, &who, AUTHZ_READ, org))
        return;
    json_t *item, *findings = NULL;
    Err err;
    int rc = content_item_get(db, r->params[0], &item, &err);
    if (rc) return api_reply_failure(r, &err);
    /* What the privacy review will find in the working version, so that a
     * reviewer sees it before the approval step is refused for it. */
    if (privacy_scan_entry(db, org, json_object_get(item, "content"), &findings, &err)) {
        json_decref(item);
        return http_reply_internal(r, &err);
    }
    json_object_set_new(item, "findings", findings);
    http_reply_json(r, 200, item);
}

static void on_item_put(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    bool changed;
    char state[32], org[CDB_ID_SIZE];
    Err err;
    int rc = owner_of(r, db, who, "item", r->params[0], body, org, sizeof org);
    if (!rc) rc = api_allowed(r, db, who, AUTHZ_DRAFT, org);
    json_t *warnings = json_array();
    if (!rc &&
        (rc = content_item_put(db, who->name, org, r->params[0], body, &changed, state, sizeof state, warnings, &err)))
        api_reply_failure(r, &err);
    if (!rc)
        reply_revision(r, 200,
                       json_pack("{s:s,s:s,s:s,s:b,s:O}", "id", r->params[0], "org", org, "state", state, "changed",
                                 changed, "warnings", warnings));
    json_decref(warnings);
}
void api_admin_item_put(Request *r) { with_body(r, on_item_put); }

/* What a step needs: review for 审核, approve for the others; 退回 is the
 * reviewer's or the approver's (whichever the admin is). */
static AuthzAction step_action(Cdb *db, const Actor *who, ReviewStep step, const char *org)
{
    if (step == STEP_REVIEW) return AUTHZ_REVIEW;
    if (step == STEP_RETURN && authz_check(db, who, AUTHZ_REVIEW, org, NULL) == 0) return AUTHZ_REVIEW;
    return AUTHZ_APPROVE;
}

void api_admin_item_step(Request *r)
{
    int step = review_step_parse(r->params[1]);
    if (step < 0)
        return http_reply_error(r, 404, "not_found", "items have review, approve, publish, withdraw and return");
    Cdb *db;
    Actor who;
    char org[CDB_ID_SIZE];
    if (api_actor(r, &db, &who) || stored_owner(r, db, "item", r->params[0], org, sizeof org) ||
        api_allowed(r, db, &who, step_action(db, &who, (ReviewStep)step, org), org))
        return;
    json_t *body = r->body_len ? http_body_json(r) : json_object();
    if (!body) return;
    char state[32];
    Err err;
    int rc = content_item_step(db, who.name, r->params[0], (ReviewStep)step, body_text(body, "note"),
                               body_text(body, "privacy_reason"), state, sizeof state, &err);
    json_decref(body);
    if (rc) return api_reply_failure(r, &err);
    reply_revision(r, 200, json_pack("{s:s,s:s}", "id", r->params[0], "state", state));
}

static const char *const doc_entity[] = {[DOC_NOTICE] = "notice", [DOC_ANSWER] = "answer"};

static void doc_put(Request *r, DocKind kind)
{
    Cdb *db;
    Actor who;
    json_t *body = actor_and_body(r, &db, &who);
    if (!body) return;
    char org[CDB_ID_SIZE];
    Err err;
    int rc = owner_of(r, db, &who, doc_entity[kind], r->params[0], body, org, sizeof org);
    if (!rc) rc = api_allowed(r, db, &who, AUTHZ_DRAFT, org);
    if (!rc && (rc = content_doc_put(db, who.name, org, kind, r->params[0], body, &err))) api_reply_failure(r, &err);
    if (!rc) reply_revision(r, 200, json_pack("{s:s,s:s}", "id", r->params[0], "org", org));
    json_decref(body);
}

static void doc_delete(Request *r, DocKind kind)
{
    Cdb *db;
    Actor who;
    char org[CDB_ID_SIZE];
    if (api_actor(r, &db, &who) || stored_owner(r, db, doc_entity[kind], r->params[0], org, sizeof org) ||
        api_allowed(r, db, &who, AUTHZ_DRAFT, org))
        return;
    Err err;
    int rc = content_doc_delete(db, who.name, kind, r->params[0], &err);
    if (rc) return api_reply_failure(r, &err);
    reply_revision(r, 200, json_pack("{s:s}", "id", r->params[0]));
}

void api_admin_notice_put(Request *r) { doc_put(r, DOC_NOTICE); }
void api_admin_notice_delete(Request *r) { doc_delete(r, DOC_NOTICE); }
void api_admin_answer_put(Request *r) { doc_put(r, DOC_ANSWER); }
void api_admin_answer_delete(Request *r) { doc_delete(r, DOC_ANSWER); }

/* ---- feedback and the audit trail ------------------------------------------------------ */

static void on_reply(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    api_reply_feedback(r, db, who, r->params[0], body);
}
void api_admin_reply(Request *r) { with_body(r, on_reply); }

/* ---- the tamper-evident record and the yearly archive ---------------------------------- */

void api_admin_audit_verify(Request *r)
{
    Cdb *db;
    Actor who;
    /* The chain is the county's: checked by those who may read at the root. */
    if (api_actor(r, &db, &who) || api_allowed(r, db, &who, AUTHZ_READ, ORG_ROOT)) return;
    json_t *result;
    Err err;
    if (audit_verify(db, &result, &err)) return http_reply_internal(r, &err);
    http_reply_json(r, 200, result);
}

void api_admin_archive(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    int year;
    if (number_parse_int(r->params[0], 2000, 2999, &year))
        return http_reply_error(r, 400, "bad_request", "the year must be a whole number like 2026");
    const char *org = http_query(r, "org");
    if (org && api_allowed(r, db, &who, AUTHZ_READ, org)) return;
    json_t *archive;
    Err err;
    int rc = audit_archive_year(db, org ? org : who.org, year, &archive, &err);
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, archive);
}

/* Any attachment the server keeps (also of withdrawn items), for the archive. */
void api_admin_blob_get(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who) || api_allowed(r, db, &who, AUTHZ_READ, who.org)) return;
    const char *sha = r->params[0];
    char type[32];
    int64_t size;
    Err err;
    int found = proto_sha256_valid(sha) ? content_blob_info(db, sha, type, sizeof type, &size, &err) : 1;
    if (found < 0) return http_reply_internal(r, &err);
    if (found == 1) return http_reply_error(r, 404, "not_found", "the server has no file %s", sha);
    api_send_blob(r, sha, type, size);
}

/* ---- batches ---------------------------------------------------------------------------- */

/* The owner of item `id` (stored, or for a new one `asked` or the admin's
 * organisation), and whether the admin may do `what` there: 0, or -1 with
 * Err (a refusal carries its kind). */
static int batch_owner(Cdb *db, const Actor *who, const char *id, const char *asked, AuthzAction what, char *org,
                       size_t size, Err *err)
{
    int rc = content_owner(db, "item", id, org, size, err);
    if (rc < 0) return -1;
    if (rc == 0 && asked && strcmp(asked, org) != 0)
        return err_refuse(err, ERR_CONFLICT, "item %s 属于组织 %s；所属组织不能更改", id, org);
    if (rc == 1 && what != AUTHZ_DRAFT) return err_refuse(err, ERR_NOT_FOUND, "there is no item %s", id);
    if (rc == 1) snprintf(org, size, "%s", asked ? asked : who->org);
    return authz_check(db, who, what, org, err);
}

static void on_items_put_batch(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    json_t *items = json_object_get(body, "items");
    size_t n = json_array_size(items), i;
    if (!json_is_array(items) || n == 0 || n > ADMIN_MAX_BATCH)
        return http_reply_error(r, 400, "bad_request", "items: an array of 1-%d feed items, each with its id",
                                ADMIN_MAX_BATCH);
    char(*orgs)[CDB_ID_SIZE] = calloc(n, sizeof *orgs);
    const char **owners = calloc(n, sizeof *owners);
    Err err;
    int rc = orgs && owners ? 0 : err_set(&err, "out of memory");
    json_t *it;
    json_array_foreach (rc ? NULL : items, i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        if ((rc = batch_owner(db, who, id ? id : "", body_text(it, "org"), AUTHZ_DRAFT, orgs[i], sizeof orgs[i],
                              &err))) {
            err_prefix(&err, "items[%zu]: ", i);
            break;
        }
        owners[i] = orgs[i];
    }
    json_t *states = json_array(), *warnings = json_array();
    if (!rc) rc = content_items_put_batch(db, who->name, owners, items, states, warnings, &err);
    if (rc) api_reply_failure(r, &err);
    else reply_revision(r, 200, json_pack("{s:O,s:O}", "items", states, "warnings", warnings));
    json_decref(states);
    json_decref(warnings);
    free(orgs);
    free(owners);
}
void api_admin_items_put_batch(Request *r) { with_body(r, on_items_put_batch); }

static void on_items_step_batch(Request *r, Cdb *db, const Actor *who, json_t *body)
{
    int step = review_step_parse(body_text(body, "step"));
    json_t *ids = json_object_get(body, "ids");
    size_t n = json_array_size(ids), i;
    Err err;
    int rc = 0;
    if (step < 0) rc = -1, http_reply_error(r, 400, "bad_request", "step: review, approve, publish or withdraw");
    else if (!json_is_array(ids) || n == 0 || n > ADMIN_MAX_BATCH)
        rc = -1, http_reply_error(r, 400, "bad_request", "ids: an array of 1-%d item ids", ADMIN_MAX_BATCH);
    json_t *id;
    json_array_foreach (rc ? NULL : ids, i, id) {
        char org[CDB_ID_SIZE];
        int ok = batch_owner(db, who, json_is_string(id) ? json_string_value(id) : "", NULL,
                             step == STEP_REVIEW ? AUTHZ_REVIEW : AUTHZ_APPROVE, org, sizeof org, &err);
        if (ok) {
            err_prefix(&err, "ids[%zu]: ", i);
            api_reply_failure(r, &err);
            rc = -1;
            break;
        }
    }
    if (!rc && (rc = content_items_step_batch(db, who->name, ids, (ReviewStep)step, body_text(body, "note"), &err)))
        api_reply_failure(r, &err);
    if (!rc) reply_revision(r, 200, json_pack("{s:s,s:I}", "step", body_text(body, "step"), "items", (json_int_t)n));
}
void api_admin_items_step_batch(Request *r) { with_body(r, on_items_step_batch); }

/* ---- list routes ------------------------------------------------------------------------ */

/* What a list route's query said.  `org` is the organisation whose rows
 * (it and those below it) are listed: ?org= where the route takes it, else
 * the admin's own.  `value` is the route's one other query parameter,
 * when `given`. */
typedef struct {
    Request *r; /* for a list with more to read in its query */
    App *app;
    const char *org;
    bool given;
    int64_t value;
    bool reports; /* the admin may read 举报 (AUTHZ_READ_REPORTS on its organisation) */
} ListQuery;

/* A list that needs nothing but the organisation. */
typedef int (*ListRows)(Cdb *db, const char *top, json_t **out, Err *err);
/* A list that also reads the query (its parameter's default is its own). */
typedef int (*ListRowsBy)(Cdb *db, const ListQuery *q, json_t **out, Err *err);

typedef enum { ARG_WHOLE, ARG_TIME } ArgKind;

/* A list route's one query parameter besides ?org=. */
typedef struct {
    const char *name;
    ArgKind kind;
    int min, max; /* ARG_WHOLE */
    const char *refusal; /* the 400 answer's sentence when it is not one */
} ListArg;

enum {
    LIST_REVISION = 1 << 0, /* the answer also carries the server's revision */
    LIST_ORG_QUERY = 1 << 1, /* ?org= may name another organisation of the admin's subtree */
};

typedef struct {
    const char *path; /* the route's pattern in routes.c: a fixed path, no star */
    const char *key; /* the answer is {"<key>": rows, ...}; NULL: the rows object itself */
    unsigned flags; /* LIST_ bits */
    AuthzAction what; /* asked of authz_check() on the organisation listed */
    const ListArg *arg; /* or NULL */
    ListRows rows; /* one of rows, rows_by */
    ListRowsBy rows_by;
} ListRoute;

static int list_categories(Cdb *db, const char *top, json_t **out, Err *err)
{
    (void)top; /* the catalog is the county's, the same for everyone */
    return reports_categories(db, out, err);
}

static int list_kiosks(Cdb *db, const ListQuery *q, json_t **out, Err *err)
{
    int silent = q->value > 0 ? (int)q->value : q->app->silent_minutes;
    return kiosks_list(db, q->org, silent, out, err);
}

static int list_overdue(Cdb *db, const ListQuery *q, json_t **out, Err *err)
{
    return catalog_overdue(db, q->org, q->given ? q->value : (int64_t)time(NULL), out, err);
}

static int list_feedback(Cdb *db, const ListQuery *q, json_t **out, Err *err)
{
    return feedback_list(db, q->org, q->value, q->reports, out, err);
}

static int list_audit(Cdb *db, const ListQuery *q, json_t **out, Err *err)
{
    return cdb_audit_list(db, q->org, q->given ? (int)q->value : 100, out, err);
}

/* ?unit=day|month&from=&to= (reports.h). */
static int list_stats(Cdb *db, const ListQuery *q, json_t **out, Err *err)
{
    StatsRange range;
    if (reports_range(http_query(q->r, "unit"), http_query(q->r, "from"), http_query(q->r, "to"), (int64_t)time(NULL),
                      &range, err))
        return -1;
    return reports_stats(db, q->org, &range, out, err);
}

static const ListArg silent_minutes = {"silent_minutes", ARG_WHOLE, 0, 1000000,
                                       "silent_minutes: must be a whole number of minutes"};
static const ListArg overdue_at = {"at", ARG_TIME, 0, 0, "at: must be a time like 2026-12-05T09:00:00+08:00"};
static const ListArg since = {"since", ARG_TIME, 0, 0, "since: must be a time like 2026-11-01T00:00:00+08:00"};
static const ListArg audit_limit = {"limit", ARG_WHOLE, 1, 10000, "limit: must be a whole number from 1 to 10000"};

/* Every list asks AUTHZ_READ: each domain module's list is already limited
 * to the organisation's subtree. */
static const ListRoute list_routes[] = {
    {"/v1/admin/orgs", "orgs", LIST_REVISION, AUTHZ_READ, NULL, orgs_list, NULL},
    {"/v1/admin/admins", "admins", LIST_REVISION, AUTHZ_READ, NULL, admins_list, NULL},
    {"/v1/admin/items", "items", LIST_REVISION, AUTHZ_READ, NULL, content_items_list, NULL},
    {"/v1/admin/catalog", "catalog", LIST_REVISION | LIST_ORG_QUERY, AUTHZ_READ, NULL, catalog_list, NULL},
    {"/v1/admin/kiosks", "kiosks", LIST_REVISION, AUTHZ_READ, &silent_minutes, NULL, list_kiosks},
    {"/v1/admin/overdue", "overdue", LIST_REVISION | LIST_ORG_QUERY, AUTHZ_READ, &overdue_at, NULL, list_overdue},
    {"/v1/admin/feedback", "feedback", LIST_REVISION, AUTHZ_READ, &since, NULL, list_feedback},
    {"/v1/admin/audit", "audit", LIST_REVISION, AUTHZ_READ, &audit_limit, NULL, list_audit},
    /* The console's pages (docs/CONSOLE.md), answered without the revision. */
    {"/console/api/accounts", "accounts", 0, AUTHZ_READ, NULL, accounts_list, NULL},
    {"/v1/admin/categories", "categories", 0, AUTHZ_READ, NULL, list_categories, NULL},
    {"/v1/admin/notices", "notices", 0, AUTHZ_READ, NULL, reports_notices, NULL},
    {"/v1/admin/stats", NULL, 0, AUTHZ_READ, NULL, NULL, list_stats},
    {"/v1/admin/satisfaction", NULL, 0, AUTHZ_READ, NULL, cases_satisfaction, NULL},
};

static const ListRoute *list_route(const char *path)
{
    for (size_t i = 0; i < sizeof list_routes / sizeof list_routes[0]; i++)
        if (strcmp(list_routes[i].path, path) == 0) return &list_routes[i];
    return NULL;
}

/* The route's one query parameter into q: 0, or -1 after answering 400. */
static int list_argument(Request *r, const ListRoute *route, ListQuery *q)
{
    const ListArg *arg = route->arg;
    const char *text = arg ? http_query(r, arg->name) : NULL;
    if (!text) return 0;
    int whole = 0;
    int bad =
        arg->kind == ARG_TIME ? feed_parse_time(text, &q->value) : number_parse_int(text, arg->min, arg->max, &whole);
    if (bad) {
        http_reply_error(r, 400, "bad_request", "%s", arg->refusal);
        return -1;
    }
    if (arg->kind == ARG_WHOLE) q->value = whole;
    q->given = true;
    return 0;
}

void api_admin_list(Request *r)
{
    const ListRoute *route = list_route(r->path);
    if (!route) {
        Err err;
        err_set(&err, "no list route for %s", r->path);
        return http_reply_internal(r, &err);
    }
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    ListQuery q = {.r = r, .app = r->app, .org = (route->flags & LIST_ORG_QUERY) ? http_query(r, "org") : NULL};
    if (!q.org) q.org = who.org;
    Err ignored;
    q.reports = authz_check(db, &who, AUTHZ_READ_REPORTS, who.org, &ignored) == 0;
    if (api_allowed(r, db, &who, route->what, q.org) || list_argument(r, route, &q)) return;
    json_t *rows = NULL;
    Err err;
    int rc = route->rows ? route->rows(db, q.org, &rows, &err) : route->rows_by(db, &q, &rows, &err);
    if (rc) return api_reply_failure(r, &err);
    json_t *answer = route->key ? json_pack("{s:o}", route->key, rows) : rows;
    if (route->flags & LIST_REVISION) reply_revision(r, 200, answer);
    else http_reply_json(r, 200, answer);
}
