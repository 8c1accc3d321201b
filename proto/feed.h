/* feed.h — the feed format (docs/FEED.md): reading and checking a document.
 *
 * Owns the rules of the JSON document that brings content to the kiosks:
 * the header, what each entry requires and allows, the limits
 * (protolimits.h), and for a snapshot the shape of the catalog (every parent
 * and every item's category present, at most FEED_MAX_DEPTH levels, no
 * cycles).  feed_parse checks a document and hands each entry, already
 * checked, to a FeedSink; it keeps nothing.  The kiosk's importer
 * (kiosk/store/import.h) is one sink, writing the store in one
 * transaction; countyd checks new content with no sink at all.
 *
 * Errors name what is wrong and where, e.g.
 * "items[3].published_at: not a time like 2026-11-01T09:00:00+08:00". */
#ifndef PROTO_FEED_H
#define PROTO_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "protolimits.h"
#include "wire.h"

#define FEED_FORMAT "dangwu-feed"
#define FEED_VERSION 1

typedef struct FeedHeader {
    bool snapshot; /* else a delta */
    int64_t base_revision; /* a delta's starting revision (0 for a snapshot) */
    int64_t revision;
} FeedHeader;

typedef enum { FEED_CATEGORIES, FEED_ITEMS, FEED_NOTICES, FEED_ANSWERS, FEED_SECTION_COUNT } FeedSection;
/* "categories", "items", "notices", "answers"; NULL when out of range. */
const char *feed_section_name(FeedSection s);

/* The entries as the sink receives them.  Strings point into the parsed
 * document and live until the sink's callback returns; optional strings
 * are NULL when absent. */
typedef struct FeedCategory {
    const char *id, *parent_id, *name, *icon; /* parent_id NULL or "" = top */
    int sort;
    Lang lang;
} FeedCategory;

typedef struct FeedAttachment {
    const char *sha256, *mime, *caption, *href;
    int64_t size;
} FeedAttachment;

typedef struct FeedItem {
    const char *id, *category_id, *title, *body, *unit;
    int64_t published_at, expires_at; /* expires_at 0 = no end */
    Period period;
    Scope scope;
    bool pinned, urgent;
    int64_t revision;
    Lang lang;
    BodyFormat body_format;
    const FeedAttachment *attachments;
    int attachment_count;
    const char *change_reason; /* 更正说明 when this version replaced a published one, else NULL */
    int64_t changed_at; /* when that change was published, 0 when absent */
} FeedItem;

typedef struct FeedNotice {
    const char *id, *text;
    bool urgent;
    Period period;
    int64_t starts_at, ends_at; /* ends_at 0 = no end */
    int sort;
} FeedNotice;

typedef struct FeedAnswer {
    const char *id, *question, *answer, *item_id;
    int64_t asked_at, answered_at;
} FeedAnswer;

/* An entry of the top-level "withdrawals": why a published item was
 * withdrawn (the item itself goes in items.delete). */
typedef struct FeedWithdrawal {
    const char *id, *reason;
    int64_t withdrawn_at;
} FeedWithdrawal;

/* What to do with a checked document.  Every callback may be NULL (nothing
 * to do) and returns 0, or -1 with Err filled to stop the parse.  `begin`
 * comes after the header is checked and before any entry; setting *skip
 * ends the parse at once with success (a delta already applied).  Entries
 * arrive section by section in the order above, upserts before deletes,
 * and the withdrawals last. */
typedef struct FeedSink {
    void *ctx;
    int (*begin)(void *ctx, const FeedHeader *h, bool *skip, Err *err);
    int (*category)(void *ctx, const FeedCategory *c, Err *err);
    int (*item)(void *ctx, const FeedItem *it, Err *err);
    int (*notice)(void *ctx, const FeedNotice *n, Err *err);
    int (*answer)(void *ctx, const FeedAnswer *a, Err *err);
    int (*remove)(void *ctx, FeedSection section, const char *id, Err *err);
    int (*withdrawal)(void *ctx, const FeedWithdrawal *w, Err *err);
} FeedSink;

/* Checks the document in data[0..len) and feeds it to `sink` (NULL = only
 * check).  0 when the whole document is valid and every callback
 * succeeded; else -1 and Err says where.  A failure may come after some
 * callbacks ran: the sink undoes them (the importer rolls back). */
int feed_parse(const char *data, size_t len, const FeedSink *sink, Err *err);

/* The same in two steps, for a reader that looks at a document before it
 * applies it (the sync: its revision, the images it needs) and would
 * otherwise read the JSON twice.  feed_doc_load reads the JSON only (the
 * size limit, jsonload.h's rules); feed_doc_check applies every rule of
 * the format, as feed_parse does, and may run more than once.  The tree
 * (feed_doc_json) is for looking, not for changing. */
typedef struct FeedDoc FeedDoc;
struct json_t;
int feed_doc_load(const char *data, size_t len, FeedDoc **out, Err *err);
int feed_doc_check(const FeedDoc *doc, const FeedSink *sink, Err *err);
const struct json_t *feed_doc_json(const FeedDoc *doc);
void feed_doc_free(FeedDoc *doc);

#endif
