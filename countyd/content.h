/* content.h — the county's content and its review cycle.
 *
 * Owns items, notices, authored answers and the attachment files' records
 * (the catalog is catalog.h's), and
 * the cycle every item goes through (提出 drafted -> 审核 reviewed ->
 * 审批 approved -> 实施公开 published, and withdrawn).  Only this module
 * decides what is "live" for kiosks: a published item whose scope is
 * public.  Every change is written to the audit table with the admin's
 * name (归档) and, when kiosks can see it, marked in the change log.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_CONTENT_H
#define COUNTYD_CONTENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* Stores new content as the item's working version (state drafted);
 * `state` receives the item's state afterwards.  `org` owns the item (the
 * caller checked the admin may draft there; a stored item keeps its owner).
 * The body's "audience" ("own" or "subtree", default "subtree") is part of
 * the working version and takes effect when it is published.  The item is
 * checked against its catalog entry (catalog.h); warnings (a 定期 item shown
 * too briefly) are appended to `warnings` as sentences. */
int content_item_put(Cdb *db, const char *admin, const char *org, const char *id, json_t *item, bool *changed,
                     char *state, size_t state_size, json_t *warnings, Err *err);

typedef enum { STEP_REVIEW, STEP_APPROVE, STEP_PUBLISH, STEP_WITHDRAW, STEP_RETURN } ReviewStep;
int review_step_parse(const char *word);
/* Moves an item one step; `state` receives its new state.  Approving runs
 * the privacy review (privacy.h): a finding is refused with ERR_PRIVACY unless
 * `privacy_reason` says why it must stay. */
int content_item_step(Cdb *db, const char *admin, const char *id, ReviewStep step, const char *note,
                      const char *privacy_reason, char *state, size_t state_size, Err *err);

/* Batches (one request, one transaction, one run of the importer): drafts
 * `items` (each with its "id"; orgs[i] owns items[i], already authorised),
 * appending {"id","state","changed"} to `states`; applies one step to every
 * item of `ids` (all or none: the first refusal names the item).  At most
 * ADMIN_MAX_BATCH (protolimits.h) in either. */
int content_items_put_batch(Cdb *db, const char *admin, const char *const *orgs, json_t *items, json_t *states,
                            json_t *warnings, Err *err);
int content_items_step_batch(Cdb *db, const char *admin, json_t *ids, ReviewStep step, const char *note, Err *err);

/* Items owned by `top` or an organisation below it. */
int content_items_list(Cdb *db, const char *top, json_t **out, Err *err);
/* [{"state", "n"}] for the status page, over the same items. */
int content_items_by_state(Cdb *db, const char *top, json_t **out, Err *err);
/* The organisation that owns an "item", "notice" or "answer": 0, 1 when
 * there is none, -1 on a fault. */
int content_owner(Cdb *db, const char *entity, const char *id, char *org, size_t size, Err *err);
int content_item_get(Cdb *db, const char *id, json_t **out, Err *err);

/* Notices and authored public answers go live at once (audited, no review
 * cycle).  Answer ids starting with "answer-" are kept for replies.  Each
 * is owned by `org` and has an "audience" in the body like items. */
typedef enum { DOC_NOTICE, DOC_ANSWER } DocKind;
int content_doc_put(Cdb *db, const char *admin, const char *org, DocKind kind, const char *id, json_t *entry, Err *err);
int content_doc_delete(Cdb *db, const char *admin, DocKind kind, const char *id, Err *err);

/* Attachment files: the bytes live in blob_dir (kiosk/store/blobs.c's layout). */
int content_blob_put(Cdb *db, const char *blob_dir, const char *admin, const char *sha256, const char *type,
                     const char *data, size_t len, bool *created, Err *err);
/* 0 and type/size filled when the server has it, 1 when not, -1 (Err)
 * when the database cannot say. */
int content_blob_info(Cdb *db, const char *sha256, char *type, size_t type_size, int64_t *size, Err *err);
/* *out: whether an item kiosks have uses the file (so a 党内 item's
 * images are never served to kiosks). */
int content_blob_on_kiosks(Cdb *db, const char *sha256, bool *out, Err *err);

/* Canonical JSON text of a value (sorted keys, compact): equal content
 * gives equal text.  Free with free(). */
char *content_canonical(json_t *v);

#endif
