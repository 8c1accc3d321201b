/* routes.c — which handler answers which request, and who may ask. */
#include <string.h>

#include "admins.h"
#include "api.h"
#include "app.h"
#include "auth.h"
#include "authz.h"
#include "kiosks.h"
#include "protolimits.h"

#define KIB 1024
#define MIB (1024 * 1024)

const Route api_routes[] = {
    {"GET", "/v1/content", AUTH_KIOSK, 0, api_content},
    {"GET", "/v1/blobs/*", AUTH_NONE, 0, api_blob},
    {"POST", "/v1/feedback", AUTH_KIOSK, FEEDBACK_MAX_POST_BYTES, api_feedback},
    {"POST", "/v1/heartbeat", AUTH_KIOSK, HEARTBEAT_MAX_BYTES, api_heartbeat},
    {"GET", "/v1/kiosk/receipts/*", AUTH_KIOSK, 0, api_kiosk_receipt},
    {"PUT", "/v1/kiosk/screenshot", AUTH_KIOSK, SCREENSHOT_MAX_BYTES, api_kiosk_screenshot_put},
    {"POST", "/v1/kiosk/screenshot/state", AUTH_KIOSK, 16 * KIB, api_kiosk_screenshot_state},

    {"GET", "/v1/admin/status", AUTH_ADMIN, 0, api_admin_status},
    {"POST", "/v1/admin/kiosks", AUTH_ADMIN, 64 * KIB, api_admin_kiosk_add},
    {"GET", "/v1/admin/kiosks", AUTH_ADMIN, 0, api_admin_list},
    {"PUT", "/v1/admin/kiosks/*/settings", AUTH_ADMIN, 64 * KIB, api_admin_kiosk_settings},
    {"POST", "/v1/admin/kiosks/*/commands", AUTH_ADMIN, 64 * KIB, api_admin_kiosk_command},
    {"POST", "/v1/admin/kiosks/*/screenshot", AUTH_ADMIN, 0, api_admin_kiosk_screenshot_ask},
    {"GET", "/v1/admin/kiosks/*/screenshot", AUTH_ADMIN, 0, api_admin_kiosk_screenshot_get},
    {"PUT", "/v1/admin/categories", AUTH_ADMIN, MIB, api_admin_categories},
    {"GET", "/v1/admin/categories", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/notices", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/stats", AUTH_ADMIN, 0, api_admin_list},
    {"POST", "/v1/admin/blobs/missing", AUTH_ADMIN, MIB, api_admin_blobs_missing},
    {"PUT", "/v1/admin/blobs/*", AUTH_ADMIN, FEED_MAX_ATTACHMENT_BYTES, api_admin_blob_put},
    {"GET", "/v1/admin/items", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/items/*", AUTH_ADMIN, 0, api_admin_item_get},
    {"PUT", "/v1/admin/items/*", AUTH_ADMIN, 4 * MIB, api_admin_item_put},
    {"POST", "/v1/admin/items/*/*", AUTH_ADMIN, 64 * KIB, api_admin_item_step},
    {"PUT", "/v1/admin/notices/*", AUTH_ADMIN, 64 * KIB, api_admin_notice_put},
    {"DELETE", "/v1/admin/notices/*", AUTH_ADMIN, 0, api_admin_notice_delete},
    {"PUT", "/v1/admin/answers/*", AUTH_ADMIN, 64 * KIB, api_admin_answer_put},
    {"DELETE", "/v1/admin/answers/*", AUTH_ADMIN, 0, api_admin_answer_delete},
    {"GET", "/v1/admin/feedback", AUTH_ADMIN, 0, api_admin_list},
    {"POST", "/v1/admin/feedback/*/reply", AUTH_ADMIN, 64 * KIB, api_admin_reply},
    {"GET", "/v1/admin/cases", AUTH_ADMIN, 0, api_admin_cases},
    {"GET", "/v1/admin/cases/*", AUTH_ADMIN, 0, api_admin_case_get},
    {"POST", "/v1/admin/cases/*/*", AUTH_ADMIN, 64 * KIB, api_admin_case_step},
    {"GET", "/v1/admin/satisfaction", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/audit", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/orgs", AUTH_ADMIN, 0, api_admin_list},
    {"POST", "/v1/admin/orgs", AUTH_ADMIN, 64 * KIB, api_admin_org_add},
    {"PUT", "/v1/admin/orgs/*", AUTH_ADMIN, 64 * KIB, api_admin_org_put},
    {"GET", "/v1/admin/admins", AUTH_ADMIN, 0, api_admin_list},
    {"POST", "/v1/admin/admins", AUTH_ADMIN, 64 * KIB, api_admin_admin_add},
    {"POST", "/v1/admin/kiosks/*/move", AUTH_ADMIN, 64 * KIB, api_admin_kiosk_move},
    {"PUT", "/v1/admin/categories/*", AUTH_ADMIN, 64 * KIB, api_admin_category_put},
    {"DELETE", "/v1/admin/categories/*", AUTH_ADMIN, 0, api_admin_category_delete},
    {"GET", "/v1/admin/catalog", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/overdue", AUTH_ADMIN, 0, api_admin_list},
    {"GET", "/v1/admin/audit/verify", AUTH_ADMIN, 0, api_admin_audit_verify},
    {"PUT", "/v1/admin/items", AUTH_ADMIN, 64 * MIB, api_admin_items_put_batch},
    {"POST", "/v1/admin/items/steps", AUTH_ADMIN, MIB, api_admin_items_step_batch},
    {"GET", "/v1/admin/archive/*", AUTH_ADMIN, 0, api_admin_archive},
    {"GET", "/v1/admin/blobs/*", AUTH_ADMIN, 0, api_admin_blob_get},
    {"POST", "/v1/admin/preview", AUTH_ADMIN, 4 * MIB, api_admin_preview},
    {"GET", "/v1/admin/previews/*/*", AUTH_ADMIN, 0, api_admin_preview_page},

    {"GET", "/", AUTH_NONE, 0, console_redirect},
    {"GET", "/console", AUTH_NONE, 0, console_redirect},
    {"GET", "/console/", AUTH_NONE, 0, console_static},
    {"GET", "/console/*", AUTH_NONE, 0, console_static},
    {"POST", "/console/api/login", AUTH_NONE, 16 * KIB, console_login},
    {"GET", "/console/api/session", AUTH_NONE, 0, console_session},
    {"POST", "/console/api/logout", AUTH_NONE, 0, console_logout},
    {"POST", "/console/api/password", AUTH_NONE, 16 * KIB, console_password},
    {"GET", "/console/api/accounts", AUTH_ADMIN, 0, api_admin_list},
    {"POST", "/console/api/accounts/*/reset", AUTH_ADMIN, 0, console_account_reset},
};
const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];

int api_authorize(Request *r, AuthKind kind)
{
    Cdb *db = http_db(r);
    if (!db) return -1;
    const char *token = auth_bearer(http_header(r, "Authorization"));
    if (kind == AUTH_ADMIN && !token && http_cookie(r, SESSION_COOKIE)) {
        Session s;
        return console_authorize(r, AUTH_ADMIN, &s);
    }
    if (kind == AUTH_ADMIN) {
        if (admin_by_token(db, token, r->actor, sizeof r->actor) == 0) return 0;
        http_reply_error(r, 401, "unauthorized", token ? "this admin token is not valid" : "an admin token is needed");
        return -1;
    }
    const char *id = http_header(r, "X-Kiosk-Id");
    if (id && strlen(id) < sizeof r->actor && kiosk_authenticate(db, id, token) == 0) {
        snprintf(r->actor, sizeof r->actor, "%s", id);
        return 0;
    }
    http_reply_error(r, 401, "unauthorized",
                     id && token ? "unknown kiosk, or a wrong token" : "X-Kiosk-Id and a bearer token are needed");
    return -1;
}

int api_actor(Request *r, Cdb **db, Actor *who)
{
    if (!(*db = http_db(r))) return -1;
    Err err;
    int rc = authz_actor(*db, r->actor, who, &err);
    if (rc == 0) return 0;
    if (rc < 0) http_reply_internal(r, &err);
    else http_reply_error(r, 401, "unauthorized", "this admin no longer exists");
    return -1;
}

int api_allowed(Request *r, Cdb *db, const Actor *who, AuthzAction what, const char *org)
{
    Err err;
    int rc = authz_check(db, who, what, org, &err);
    if (rc) api_reply_failure(r, &err);
    return rc ? -1 : 0;
}

/* Each kind of refusal and its answer; ERR_FAULT is the server's own (500). */
static const struct {
    int status;
    const char *code;
} refusals[] = {
    [ERR_BAD_REQUEST] = {400, "bad_request"},     [ERR_NOT_FOUND] = {404, "not_found"},
    [ERR_FORBIDDEN] = {403, "forbidden"},         [ERR_WRONG_STATE] = {409, "wrong_state"},
    [ERR_PRIVACY] = {409, "privacy_review"},      [ERR_CONFLICT] = {409, "conflict"},
    [ERR_HASH_MISMATCH] = {422, "hash_mismatch"}, [ERR_UNSUPPORTED_TYPE] = {415, "unsupported_media_type"},
};

void api_reply_failure(Request *r, const Err *err)
{
    unsigned kind = (unsigned)err->kind;
    if (kind == ERR_FAULT || kind >= sizeof refusals / sizeof refusals[0] || !refusals[kind].code)
        return http_reply_internal(r, err);
    http_reply_error(r, refusals[kind].status, refusals[kind].code, "%s", err->msg);
}
