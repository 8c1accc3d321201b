/* protolimits.h — every limit of the wire and of the feed format, one name per
 * meaning (docs/FEED.md "Limits", docs/PROTOCOL.md).
 *
 * The kiosk's importer, kioskctl's authoring reader, countyd's request
 * checks and the sync client all take their numbers from here, so a kiosk
 * never sends what the server refuses and the server never accepts what a
 * kiosk would refuse.  Text limits are in bytes of UTF-8 unless named
 * otherwise.  Nothing here is a setting: changing one changes the protocol. */
#ifndef PROTO_PROTOLIMITS_H
#define PROTO_PROTOLIMITS_H

/* ---- ids -------------------------------------------------------------- */
#define PROTO_ID_MAX 64 /* buffer size: ids are 1..63 bytes of [A-Za-z0-9_.-] */
#define PROTO_SHA256_HEX 64 /* lowercase hex digits of an attachment's name */

/* ---- the feed document ------------------------------------------------ */
#define FEED_MAX_BYTES (64 * 1024 * 1024) /* one document */
/* Nesting of any JSON document read with proto_json_load (jsonload.h): a
 * feed nests six levels deep (document, section, upsert, item,
 * attachments, attachment); more is not a document of this protocol. */
#define PROTO_JSON_MAX_DEPTH 32
#define FEED_MAX_DEPTH 3 /* 一级/二级/三级目录 */
#define FEED_MAX_NAME 400 /* category name */
#define FEED_MAX_ICON 60
#define FEED_MAX_TITLE 1000
#define FEED_MAX_BODY (2 * 1024 * 1024)
#define FEED_MAX_UNIT 250
#define FEED_MAX_CAPTION 500
#define FEED_MAX_NOTICE 1000
#define FEED_MAX_QUESTION 2000
#define FEED_MAX_ANSWER 4000
#define FEED_MAX_HREF 1000
#define FEED_MAX_ATTACHMENTS 32 /* per item */
/* The public explanation of a change (更正说明) or a withdrawal (撤回原因),
 * which countyd requires when a published item changes or goes. */
#define FEED_MAX_REASON 500
/* Entries of a document's "withdrawals" (countyd sends 180 days of them). */
#define FEED_MAX_WITHDRAWALS 20000
#define FEED_MAX_ATTACHMENT_BYTES (32LL * 1024 * 1024) /* one attachment's size */
/* A PDF attachment (proto/pdf.h): its bytes are an attachment's; a kiosk
 * checks the page count and every page's size before it renders one. */
#define PDF_MAX_BYTES FEED_MAX_ATTACHMENT_BYTES
#define PDF_MAX_PAGES 200 /* pages in one PDF */
#define PDF_MAX_PAGE_PT 3370 /* points (1/72 inch), either side of a page: A0's long side, 1189 mm */
#define FEED_SORT_MAX 1000000 /* sort keys are -FEED_SORT_MAX..FEED_SORT_MAX */

/* ---- feedback (POST /v1/feedback) -------------------------------------- */
#define FEEDBACK_MAX_POST_BYTES (1024 * 1024)
#define FEEDBACK_MAX_BATCH 100 /* submissions per POST */
#define FEEDBACK_ID_MIN 8 /* submission ids: 8..39 of [A-Za-z0-9-] (a UUID is 36) */
#define FEEDBACK_ID_MAX 39
#define FEEDBACK_MAX_COMMENT 4000
#define FEEDBACK_MAX_NAME 127
#define FEEDBACK_MAX_PHONE 31
#define FEEDBACK_MAX_REASONS 12 /* reason chips per submission, and in the county's list */
#define FEEDBACK_MAX_REASON 200 /* one reason's text in a submission */
#define FEEDBACK_MAX_RATING_LEVELS 5
/* Receipt lookups one kiosk may make (GET /v1/kiosk/receipts, 429 past
 * them): ten in a row — a queue of visitors —, then one a minute on
 * average; countyd's --receipt-lookups changes the hourly figure.  Trying
 * numbers at random would take a kiosk's token centuries. */
#define RECEIPT_LOOKUPS_PER_HOUR 60
#define RECEIPT_LOOKUP_BURST 10
#define SETTING_MAX_REASON 63 /* one reason chip in the county's pushed "reasons" setting */

/* ---- admin batches (PUT /v1/admin/items, POST /v1/admin/items/steps) ---- */
#define ADMIN_MAX_BATCH 1000 /* items in one batch request */

/* ---- heartbeats (POST /v1/heartbeat) ------------------------------------ */
#define HEARTBEAT_MAX_BYTES (64 * 1024)
#define HEARTBEAT_MAX_VIEW_ITEMS 1000 /* item ids in one heartbeat's "views" */
#define HEARTBEAT_MAX_VIEWS_PER_ITEM 1000000 /* views of one item in one heartbeat */
#define HEARTBEAT_MAX_APP_VERSION 64
#define HEARTBEAT_MAX_LAST_ERROR 500

/* ---- remote screenshots (PUT /v1/kiosk/screenshot) ------------------------ */
/* The kiosk scales its screen down to fit SCREENSHOT_MAX_WIDTH x
 * SCREENSHOT_MAX_HEIGHT (a 1920x1080 screen: 960x540; 1080x1920: 960x1707)
 * and sends one PNG of at most SCREENSHOT_MAX_BYTES; countyd refuses more. */
#define SCREENSHOT_MAX_WIDTH 960
#define SCREENSHOT_MAX_HEIGHT 1920
#define SCREENSHOT_MAX_BYTES (4 * 1024 * 1024)
#define SCREENSHOT_MAX_NOTE 200 /* a kiosk's reason for a failed screenshot */
/* A request the kiosk has not answered with a picture this long after it
 * was made is over (its heartbeats stop asking). */
#define SCREENSHOT_REQUEST_TTL_S (30 * 60)

#endif
