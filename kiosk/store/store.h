/* store.h — the kiosk's local content cache (SQLite).
 *
 * Owns the schema and its migrations, and every SQL statement the kiosk
 * runs.  Each thread opens its own Store (own connection); the database in
 * WAL mode is the only state the UI thread and the sync thread share.
 *
 * The rule that only public (社会), non-deleted items inside their
 * publication window and with all images present are ever shown lives
 * here, in one place: VISIBLE_ITEM in store.c.  Every read that feeds a
 * screen goes through it.
 *
 * Conventions (common/err.h): functions return 0 on success and -1 on
 * error (Err filled); lookups of one thing return 1 when it is not there
 * or not visible; counts and yes/no questions answer through an out
 * parameter, so a failed query is never read as "0" or "no".  Arrays
 * handed out are freed with the matching store_free_* function. */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "feed.h"
#include "wire.h"

#define STORE_SCHEMA_VERSION 6
#define STORE_NEW_DAYS 7 /* the 新 badge */

typedef struct Store Store;

typedef struct StoreCategory {
    char id[PROTO_ID_MAX];
    char parent_id[PROTO_ID_MAX]; /* "" for a first-level category */
    char name[512]; /* the feed allows 400 bytes */
    char icon[64];
    int sort;
    int level; /* 1, 2 or 3 */
    int item_count; /* visible items here and below */
    int new_count; /* of those, published in the last 7 days */
    Lang lang;
} StoreCategory;

typedef struct StoreItemSummary {
    char id[PROTO_ID_MAX];
    char category_id[PROTO_ID_MAX];
    char title[1024];
    int64_t published_at;
    Period period;
    bool pinned, urgent, is_new;
    int image_count;
    Lang lang;
} StoreItemSummary;

typedef struct StoreImage {
    char sha256[65];
    char mime[32];
    char caption[512];
    int64_t size;
} StoreImage;

typedef struct StoreItem {
    StoreItemSummary s;
    char unit[256]; /* publishing unit */
    int64_t expires_at; /* 0 = no end */
    int64_t revision;
    char *body; /* malloc'd UTF-8 */
    BodyFormat body_format;
    StoreImage *images; /* malloc'd, image_count of them (s.image_count) */
} StoreItem;

typedef struct StoreNotice {
    char id[PROTO_ID_MAX];
    char text[1024];
    bool urgent;
    Period period;
} StoreNotice;

typedef struct StoreAnswer {
    char id[PROTO_ID_MAX];
    char question[2048];
    char answer[4096];
    int64_t asked_at, answered_at;
    char item_id[PROTO_ID_MAX]; /* "" when about the organisation in general */
} StoreAnswer;

/* ---- opening ---------------------------------------------------------- */

/* Opens (creating if needed) and migrates the database to
 * STORE_SCHEMA_VERSION.  WAL mode, synchronous=FULL, a busy timeout so the
 * two threads wait for each other's short transactions. */
int store_open(const char *path, Store **out, Err *err);
void store_close(Store *s);

/* What store_open_kiosk had to do to give the kiosk something to show. */
typedef struct StoreStart {
    bool read_only; /* the database cannot be written (read-only folder, full disk) */
    char why[64]; /* then, for the sync mark: 存储已满 or 存储只读 */
    char moved_to[1100]; /* a corrupt database was kept here ("" none) */
    int salvaged; /* unsent feedback copied from it into the fresh one */
} StoreStart;
/* The kiosk's start-up open: store_open, and then a write to prove the
 * database takes writes.  A database that is no database or fails
 * PRAGMA quick_check is renamed PATH.corrupt-YYYYmmdd-HHMMSS (kept for
 * diagnosis, with its -wal and -shm), its unsent feedback is copied into a
 * fresh database when it can still be read, and the fresh one is used (the
 * sync thread fills it again).  A database that cannot be written is
 * opened read-only and start->read_only says so.  -1 only when there is
 * nothing to open at all (no folder, a read-only folder with no database,
 * a schema from another version that cannot be migrated read-only). */
int store_open_kiosk(const char *path, Store **out, StoreStart *start, Err *err);
/* Deletes a closed database and its WAL files (-wal, -shm). */
void store_delete_files(const char *path);
int store_schema_version(Store *s, int *out, Err *err);

/* ---- reads for the screens (all apply the visibility rule at `now`) ---- */

/* The catalog: categories that have at least one visible item in their
 * subtree, ordered by level, sort, name. */
int store_catalog(Store *s, int64_t now, StoreCategory **out, int *count, Err *err);
/* Visible items of a category and its descendants, pinned first, newest
 * first; `total` receives the number of all of them. */
int store_items_page(Store *s, const char *category_id, int64_t now, int offset, int limit, StoreItemSummary **out,
                     int *count, int *total, Err *err);
/* Visible pinned items (for the attract loop), newest first. */
int store_items_pinned(Store *s, int64_t now, int limit, StoreItemSummary **out, int *count, Err *err);
/* One visible item with its body and images; 1 when it is not visible. */
int store_item_get(Store *s, const char *id, int64_t now, StoreItem *out, Err *err);
void store_item_free(StoreItem *item);
/* A public explanation for a visitor: 更正说明 or 撤回原因. */
typedef struct StoreNote {
    char reason[512]; /* the feed allows FEED_MAX_REASON (500) bytes */
    int64_t at; /* when changed or withdrawn (0 unknown) */
} StoreNote;
/* The change note of a stored item; 1 when it has none (or is not stored). */
int store_item_change_note(Store *s, const char *id, StoreNote *out, Err *err);
/* The recorded withdrawal of an item; 1 when there is none. */
int store_withdrawal_get(Store *s, const char *id, StoreNote *out, Err *err);
/* Ticker notices inside their window: urgent and 即时 first. */
int store_notices(Store *s, int64_t now, StoreNotice **out, int *count, Err *err);
/* Public answers to feedback, newest first. */
int store_answers(Store *s, int offset, int limit, StoreAnswer **out, int *count, int *total, Err *err);
/* The next instant after `now` at which what the screens show changes by
 * itself (a publication window opens or closes, a 新 badge ends, a notice
 * starts or ends); *at = 0 when nothing is due. */
int store_next_change(Store *s, int64_t now, int64_t *at, Err *err);
/* Adds `views` views of an item made on `day` (PROTO_DAY_EXAMPLE, China
 * Standard Time), for the admins' statistics.  Written by the sync
 * thread: the screen counts views in memory (sync_count_view). */
int store_item_viewed(Store *s, const char *id, const char *day, int64_t views, Err *err);
/* The item's views this kiosk still keeps: those not yet reported, and
 * today's (store_views_mark_reported lets go of past days' reported ones). */
int store_view_count(Store *s, const char *id, int64_t *out, Err *err);

/* Views not yet reported to the server, for the heartbeat. */
typedef struct StoreViews {
    char item_id[PROTO_ID_MAX];
    char day[PROTO_DAY_SIZE];
    int64_t count; /* views of that day since the last acknowledged report */
} StoreViews;
/* At most `limit` (item, day) counts with unreported views, the oldest day
 * first and in a day the most unreported first. */
int store_views_unreported(Store *s, int limit, StoreViews **out, int *count, Err *err);
/* After the server acknowledged them: the counts sent are reported (views
 * counted meanwhile stay unreported), and the rows of days before `today`
 * with nothing left to report are deleted.  One transaction. */
int store_views_mark_reported(Store *s, const StoreViews *views, int count, const char *today, Err *err);

/* The content revision the store is at (0 when empty). */
int store_revision(Store *s, int64_t *out, Err *err);

void store_free(void *array); /* frees any array handed out above */

/* ---- key/value state (sync bookkeeping, settings from the server) ----- */

/* Copies the value into buf; 1 when the key is absent (buf = ""). */
int store_state_get(Store *s, const char *key, char *buf, size_t size);
int store_state_set(Store *s, const char *key, const char *value, Err *err);

/* ---- writes for the importer (import.c) --------------------------------- */
/* All of these run inside store_write_begin()/store_write_commit(); a
 * failure anywhere is followed by store_write_rollback(). */

int store_write_begin(Store *s, Err *err); /* BEGIN IMMEDIATE */
int store_write_commit(Store *s, Err *err);
void store_write_rollback(Store *s);
/* The COMMIT of a large write (a feed document), and then the copy of the
 * write-ahead log into the database file (a passive checkpoint) as a step
 * of its own: SQLite would run that copy inside the COMMIT's call, though
 * the screens see the new content as soon as the COMMIT is on disk, and a
 * 10,000-item snapshot's copy takes as long as its COMMIT.  A copy that
 * readers hold up is finished by a later one: never an error of the
 * write.  The two times in milliseconds for the log. */
int store_write_commit_large(Store *s, double *commit_ms, double *checkpoint_ms, Err *err);

/* A snapshot replaces everything: store_snapshot_begin, then each entry
 * it holds is upserted and noted with store_snapshot_keep (the upserts
 * write only rows that changed), and store_snapshot_end marks deleted
 * every row the snapshot did not name. */
int store_snapshot_begin(Store *s, Err *err);
int store_snapshot_keep(Store *s, FeedSection section, const char *id, Err *err);
int store_snapshot_end(Store *s, Err *err);

/* The entries as proto/feed.h checked them. */
int store_category_upsert(Store *s, const FeedCategory *c, Err *err);
/* Deletes the category, its descendants and their items. */
int store_category_delete(Store *s, const char *id, Err *err);

int store_item_upsert(Store *s, const FeedItem *it, Err *err);
int store_item_delete(Store *s, const char *id, Err *err);

int store_notice_upsert(Store *s, const FeedNotice *n, Err *err);
int store_notice_delete(Store *s, const char *id, Err *err);

int store_answer_upsert(Store *s, const FeedAnswer *a, Err *err);
int store_answer_delete(Store *s, const char *id, Err *err);

/* A withdrawal the feed explained (its reason and time, never the item's
 * text); kept while it is among the newest STORE_WITHDRAWALS_KEPT of the
 * last STORE_WITHDRAWAL_DAYS days (store_purge_hidden drops the rest). */
#define STORE_WITHDRAWALS_KEPT 200
#define STORE_WITHDRAWAL_DAYS 180
int store_withdrawal_add(Store *s, const FeedWithdrawal *w, Err *err);

/* Removes what a kiosk must not keep on its disk: items that are not
 * public and every deleted row, with their text (run before each
 * document's commit). */
int store_purge_hidden(Store *s, Err *err);

/* Checks the whole tree after the writes of one document: every live item
 * in a live category, no category deeper than three levels, no cycles. */
int store_check_integrity(Store *s, Err *err);
int store_set_revision(Store *s, int64_t revision, Err *err);

/* ---- attachments (the on-disk files are blobs.c's) -------------------- */

typedef struct StoreBlobRef {
    char sha256[65];
    char href[1024];
    int64_t size;
} StoreBlobRef;
/* Attachments of live items whose file is not yet present and verified:
 * one row per distinct (sha256, size, href), ordered by sha256, so that
 * one item declaring a wrong size or href does not stand for the others
 * that share the image. */
int store_blobs_missing(Store *s, StoreBlobRef **out, int *count, Err *err);
/* Hashes marked present (href is ""), for re-checking the cache. */
int store_blobs_present(Store *s, StoreBlobRef **out, int *count, Err *err);
/* Marks every attachment with this hash present (or absent again). */
int store_blob_set_present(Store *s, const char *sha256, bool present, Err *err);
/* *out: whether the hash is marked present. */
int store_blob_is_present(Store *s, const char *sha256, bool *out, Err *err);
/* *out: whether a live item still refers to the hash. */
int store_blob_referenced(Store *s, const char *sha256, bool *out, Err *err);

/* ---- feedback outbox -------------------------------------------------- */

typedef struct StoreFeedback {
    char id[40]; /* UUID made by the kiosk */
    FeedbackKind kind;
    char target_item[PROTO_ID_MAX]; /* "" = not about one item */
    char target_category[PROTO_ID_MAX];
    int rating; /* 0 = none, else 1..levels (1 = best) */
    int rating_levels;
    char reasons[512]; /* JSON array of strings */
    char comment[4096];
    char name[128];
    char phone[32];
    int64_t created_at;
    int attempts;
} StoreFeedback;

/* Commits the submission durably (fsync'd) before returning; waits up to
 * STORE_BUSY_TIMEOUT_MS for another connection's write transaction.  For
 * the outbox's salvage; a visitor's submission goes through
 * store_feedback_add_checked on the writer's thread (feedback_writer.h). */
#define STORE_BUSY_TIMEOUT_MS 5000
int store_feedback_add(Store *s, const StoreFeedback *f, Err *err);

typedef enum {
    STORE_FEEDBACK_SAVED, /* committed */
    STORE_FEEDBACK_DUPLICATE, /* the same was committed within the window: not saved again */
    STORE_FEEDBACK_RATE_LIMITED, /* rate_limit_per_hour submissions in the hour before created_at */
} StoreFeedbackOutcome;
/* The abuse rules and the insert in one write transaction, so that two
 * submissions racing each other are judged in order: a duplicate of one
 * committed within duplicate_window_s seconds before f->created_at (0: no
 * such check), or the hour's limit reached, is not saved.  Waits up to
 * wait_ms for another connection's write lock; when that is why it
 * failed, store_busy() says so.  Fails closed: a rule that cannot be
 * checked saves nothing. */
int store_feedback_add_checked(Store *s, const StoreFeedback *f, int duplicate_window_s, int rate_limit_per_hour,
                               int wait_ms, StoreFeedbackOutcome *out, Err *err);
/* The last failure on this connection was another connection's lock. */
bool store_busy(Store *s);
/* The oldest unsent submissions, at most `max`.  A row of a kind this
 * program does not know is left out (and logged), never sent as another. */
int store_feedback_pending(Store *s, int max, StoreFeedback **out, int *count, Err *err);
/* After the server acknowledged: mark sent and erase the contact details. */
int store_feedback_mark_sent(Store *s, const char *id, int64_t now, Err *err);
int store_feedback_note_attempt(Store *s, const char *id, const char *error, Err *err);
int store_feedback_outbox_length(Store *s, int *out, Err *err);
/* *out: whether a submission not yet delivered has the receipt number
 * `digits` (proto/receipt.h), for the lookup screen to say it is saved
 * but not yet at the county server. */
int store_feedback_unsent_receipt(Store *s, const char *digits, bool *out, Err *err);
/* How many submissions were made between `since` and `now` (for the rate
 * limit), and whether the same submission (kind, target, rating, reasons,
 * comment) was already made between them (duplicates).  Submissions dated
 * after `now` (a clock that ran ahead, then corrected) count for neither. */
int store_feedback_count_since(Store *s, int64_t since, int64_t now, int *out, Err *err);
int store_feedback_duplicate(Store *s, const StoreFeedback *f, int64_t since, int64_t now, bool *out, Err *err);

#endif
