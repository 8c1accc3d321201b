/* api.h — the HTTP handlers of countyd and its route table.
 *
 * api_kiosk.c answers kiosks (docs/PROTOCOL.md, first part), api_admin.c
 * answers kioskctl (the admin API), api_cases.c both sides of feedback
 * cases.  Handlers parse the request, call one
 * domain module (content, kiosks, feedback, feedgen) and turn its result
 * into an answer; they hold no SQL. */
#ifndef COUNTYD_API_H
#define COUNTYD_API_H

#include <stddef.h>
#include <stdint.h>

#include "authz.h"
#include "accounts.h"
#include "err.h"
#include "httpd.h"

extern const Route api_routes[];
extern const size_t api_route_count;

/* Checks kiosk or admin credentials (the HttpConf authorizer). */
int api_authorize(Request *r, AuthKind kind);

/* The admin making the request (opens the database); -1 when it has
 * already been answered. */
int api_actor(Request *r, Cdb **db, Actor *who);
/* authz_check(); -1 after answering 403 (or 404 for an unknown
 * organisation) when the admin may not. */
int api_allowed(Request *r, Cdb *db, const Actor *who, AuthzAction what, const char *org);

/* Answers a domain module's failure by its Err's kind: a refusal gets its
 * status (400, 403, 404, 409, 415, 422), ERR_FAULT gets 500. */
void api_reply_failure(Request *r, const Err *err);

void api_content(Request *r);
void api_blob(Request *r);
/* Sends the stored file of attachment `sha` (answers 500 if it is gone). */
void api_send_blob(Request *r, const char *sha, const char *type, int64_t size);
void api_feedback(Request *r);
void api_heartbeat(Request *r);

void api_admin_status(Request *r);
/* Every route that only lists rows, by its path (api_admin.c's list_routes). */
void api_admin_list(Request *r);
void api_admin_kiosk_add(Request *r);
void api_admin_kiosk_settings(Request *r);
void api_admin_kiosk_command(Request *r);
void api_admin_kiosk_screenshot_ask(Request *r);
void api_admin_kiosk_screenshot_get(Request *r);
void api_admin_categories(Request *r);
void api_admin_blobs_missing(Request *r);
void api_admin_blob_put(Request *r);
void api_admin_item_get(Request *r);
void api_admin_item_put(Request *r);
void api_admin_item_step(Request *r);
void api_admin_notice_put(Request *r);
void api_admin_notice_delete(Request *r);
void api_admin_answer_put(Request *r);
void api_admin_answer_delete(Request *r);
void api_admin_reply(Request *r);
void api_admin_org_add(Request *r);
void api_admin_org_put(Request *r);
void api_admin_admin_add(Request *r);
void api_admin_kiosk_move(Request *r);
void api_admin_category_put(Request *r);
void api_admin_category_delete(Request *r);
void api_admin_audit_verify(Request *r);
void api_admin_items_put_batch(Request *r);
void api_admin_items_step_batch(Request *r);
void api_admin_archive(Request *r);
void api_admin_blob_get(Request *r);
void api_admin_preview(Request *r);
void api_admin_preview_page(Request *r);

/* Feedback cases (api_cases.c). */
void api_kiosk_receipt(Request *r);
void api_kiosk_screenshot_put(Request *r);
void api_kiosk_screenshot_state(Request *r);
void api_admin_cases(Request *r);
void api_admin_case_get(Request *r);
void api_admin_case_step(Request *r);
/* Answers a reply to feedback `feedback_id` ({"text","public","question",
 * "privacy_reason"} in `body`), after asking authz_check(). */
void api_reply_feedback(Request *r, Cdb *db, const Actor *who, const char *feedback_id, json_t *body);

/* The web console (console.c).  console_authorize checks the session
 * cookie (and, for a change, the CSRF header) and fills r->actor; kind
 * AUTH_ADMIN also refuses a session that must change its password. */
int console_authorize(Request *r, AuthKind kind, Session *s);
void console_redirect(Request *r);
void console_static(Request *r);
void console_login(Request *r);
void console_session(Request *r);
void console_logout(Request *r);
void console_password(Request *r);
void console_account_reset(Request *r);

#endif
