/* kiosks.h — the county's register of kiosks.
 *
 * Owns kiosk identities and tokens (hashed), the organisation each belongs
 * to (and its moves), their heartbeats and the
 * latest state each reported, the settings admins push to them, the
 * one-shot commands waiting for their next heartbeat, and each kiosk's
 * newest remote screenshot with the request for the next.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_KIOSKS_H
#define COUNTYD_KIOSKS_H

#include <jansson.h>
#include <stdint.h>

#include "auth.h"
#include "cdb.h"
#include "err.h"

/* Registers a kiosk of organisation `org` (or gives an existing one a new
 * token; one of another organisation is refused with ERR_CONFLICT: move it instead). */
int kiosk_register(Cdb *db, const char *admin, const char *org, const char *id, const char *name,
                   char token[AUTH_TOKEN_LEN + 1], Err *err);
/* The kiosk's organisation: 0, 1 when there is no such kiosk, -1 on a fault. */
int kiosk_org(Cdb *db, const char *id, char *org, size_t size, Err *err);
/* Moves a kiosk to another organisation: its next content request gets a
 * delta that leaves it with exactly the new organisation's feed. */
int kiosk_move(Cdb *db, const char *admin, const char *id, const char *to_org, Err *err);
/* 0 when the id and token belong together, 1 when not. */
int kiosk_authenticate(Cdb *db, const char *id, const char *token);

/* Stores a heartbeat and builds the answer (settings, commands, and the
 * kiosk's organisation, whose name is its unit_name unless the kiosk has a
 * unit_name setting of its own).  Each
 * kiosk's heartbeats are kept for HEARTBEAT_KEEP_DAYS.  Its `views`
 * ({"ITEM-ID": n}, at most HEARTBEAT_MAX_VIEW_ITEMS items of 0..
 * HEARTBEAT_MAX_VIEWS_PER_ITEM views, proto/protolimits.h) are added to the per-item, per-kiosk totals
 * in item_views; a kiosk that lost the answer sends them again (at least
 * once, not exactly once). */
#define HEARTBEAT_KEEP_DAYS 90
int kiosk_heartbeat(Cdb *db, const char *id, json_t *beat, const char *address, json_t **answer, Err *err);

/* Every kiosk of `top` and below with its last reported state;
 * silent_seconds counts from its last heartbeat, `silent` flags those
 * quiet longer than silent_minutes (and those never heard from). */
int kiosks_list(Cdb *db, const char *top, int silent_minutes, json_t **out, Err *err);

int kiosks_count(Cdb *db, const char *top, int64_t *out, Err *err);

/* id "*" = every kiosk.  A JSON null value removes the key. */
int kiosk_settings_put(Cdb *db, const char *admin, const char *id, json_t *settings, Err *err);
int kiosk_command_add(Cdb *db, const char *admin, const char *id, const char *command, Err *err);

/* Remote screenshots (docs/PROTOCOL.md "Screenshots"), one row per kiosk.
 * A request (audited) is open until the kiosk sends a picture or says it
 * failed, or SCREENSHOT_REQUEST_TTL_S passed; while it is open every
 * heartbeat answer carries the command "screenshot".  The kiosk may say it
 * deferred (a visitor is using it) and later send the picture.  The
 * picture (a PNG image_check accepts, at most SCREENSHOT_MAX_WIDTH x
 * SCREENSHOT_MAX_HEIGHT) replaces the one before; one sent with no open
 * request is refused (ERR_CONFLICT).  The state is in kiosks_list
 * (screenshot_state: pending, deferred, failed, ready or expired). */
int kiosk_screenshot_request(Cdb *db, const char *admin, const char *id, Err *err);
/* state "deferred" or "failed", with the kiosk's note. */
int kiosk_screenshot_report(Cdb *db, const char *id, const char *state, const char *note, Err *err);
int kiosk_screenshot_put(Cdb *db, const char *id, const void *png, size_t len, Err *err);
/* The newest picture (malloc'd) and when it was taken; 1 when there is none. */
int kiosk_screenshot_get(Cdb *db, const char *id, void **png, size_t *len, char *taken_at, size_t size, Err *err);

#endif
