#include "feed.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

/* Each check reports "where: what", where is a path into the document. */
typedef struct {
    Err *err;
    const FeedSink *sink;
    json_t *seen; /* ids met so far in the current section */
    json_t *parents; /* a snapshot's categories: id -> parent id (or null) */
    json_t *item_cats; /* a snapshot's items: id -> category id */
    bool snapshot;
} Ctx;

static int fail(Ctx *c, const char *where, const char *key, const char *what)
{
    if (key) return err_set(c->err, "%s.%s: %s", where, key, what);
    return err_set(c->err, "%s: %s", where, what);
}

/* Whether any of the 8 bytes at p is below 0x20 or is 0x7f, eight at a
 * time: a snapshot's bodies are 30 MB, and a byte at a time was the
 * largest part of checking them.  The classic word tests: a byte below n
 * (n <= 0x80) is a byte whose x - n borrows into its top bit while x's
 * top bit is clear; 0x7f is the byte that x ^ 0x7f makes zero. */
static bool has_control(const char *p)
{
    uint64_t x, ones = 0x0101010101010101u, tops = 0x8080808080808080u;
    memcpy(&x, p, sizeof x);
    uint64_t below = (x - ones * 0x20) & ~x & tops, del = ((x ^ ones * 0x7f) - ones) & ~(x ^ ones * 0x7f) & tops;
    return (below | del) != 0;
}

/* Text fields: no control characters but newline and tab (the latter only
 * where `multiline`), at most `max` bytes.  UTF-8 validity is checked by
 * jansson when it loads the document. */
static int get_text(Ctx *c, json_t *obj, const char *where, const char *key, bool required, size_t max, bool multiline,
                    const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required) return 0;
        return fail(c, where, key, "is missing");
    }
    if (!json_is_string(v)) return fail(c, where, key, "must be a string");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (len > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "is %zu bytes long; at most %zu are allowed", len, max);
        return fail(c, where, key, msg);
    }
    for (size_t i = 0; i < len;) {
        size_t end = len - i >= sizeof(uint64_t) ? i + sizeof(uint64_t) : len;
        if (end - i == sizeof(uint64_t) && !has_control(s + i)) {
            i = end;
            continue;
        }
        for (; i < end; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch >= 0x20 && ch != 0x7f) continue;
            if (multiline && (ch == '\n' || ch == '\t' || ch == '\r')) continue;
            return fail(c, where, key, "contains a control character");
        }
    }
    if (required && len == 0) return fail(c, where, key, "must not be empty");
    *out = s;
    return 0;
}

static int get_int(Ctx *c, json_t *obj, const char *where, const char *key, bool required, int64_t lo, int64_t hi,
                   int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required) return 0;
        return fail(c, where, key, "is missing");
    }
    if (!json_is_integer(v)) return fail(c, where, key, "must be a whole number");
    int64_t n = json_integer_value(v);
    if (n < lo || n > hi) return fail(c, where, key, "is out of range");
    *out = n;
    return 0;
}

static int get_sort(Ctx *c, json_t *obj, const char *where, int *out)
{
    int64_t sort = 0;
    if (get_int(c, obj, where, "sort", false, -FEED_SORT_MAX, FEED_SORT_MAX, &sort)) return -1;
    *out = (int)sort;
    return 0;
}

static int get_bool(Ctx *c, json_t *obj, const char *where, const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    *out = false;
    if (!v) return 0;
    if (!json_is_boolean(v)) return fail(c, where, key, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

static int get_time(Ctx *c, json_t *obj, const char *where, const char *key, bool required, int64_t *out)
{
    const char *s;
    *out = 0;
    if (get_text(c, obj, where, key, required, 64, false, &s)) return -1;
    if (!s) return 0;
    if (feed_parse_time(s, out) != 0) return fail(c, where, key, "is not a time like " PROTO_TIME_EXAMPLE);
    return 0;
}

static int get_enum(Ctx *c, json_t *obj, const char *where, const char *key, bool required, int dflt,
                    int (*parse)(const char *), const char *allowed, int *out)
{
    const char *s;
    *out = dflt;
    if (get_text(c, obj, where, key, required, 32, false, &s)) return -1;
    if (!s) return 0;
    int v = parse(s);
    if (v < 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "must be one of %s, not \"%s\"", allowed, s);
        return fail(c, where, key, msg);
    }
    *out = v;
    return 0;
}

/* The id of an entry, checked for form and for being used twice in one
 * section of the document. */
static int get_id(Ctx *c, json_t *obj, const char *where, const char *key, bool unique, const char **out)
{
    if (get_text(c, obj, where, key, true, PROTO_ID_MAX, false, out)) return -1;
    if (!proto_id_valid(*out)) return fail(c, where, key, "must be " PROTO_ID_RULE);
    if (!unique) return 0;
    if (json_object_get(c->seen, *out)) {
        char msg[128];
        snprintf(msg, sizeof msg, "\"%s\" appears twice in this section", *out);
        return fail(c, where, key, msg);
    }
    json_object_set_new(c->seen, *out, json_true());
    return 0;
}

/* ---- one entry of each kind ------------------------------------------ */

static int read_category(Ctx *c, json_t *o, const char *where)
{
    FeedCategory in = {0};
    int lang;
    if (get_id(c, o, where, "id", true, &in.id) ||
        get_text(c, o, where, "parent", false, PROTO_ID_MAX, false, &in.parent_id) ||
        get_text(c, o, where, "name", true, FEED_MAX_NAME, false, &in.name) ||
        get_text(c, o, where, "icon", false, FEED_MAX_ICON, false, &in.icon) || get_sort(c, o, where, &in.sort) ||
        get_enum(c, o, where, "lang", false, LANG_HANS, lang_parse, LANG_WORDS, &lang))
        return -1;
    in.lang = (Lang)lang;
    bool has_parent = in.parent_id && *in.parent_id;
    if (has_parent && !proto_id_valid(in.parent_id)) return fail(c, where, "parent", "is not a valid id");
    if (has_parent && strcmp(in.parent_id, in.id) == 0) return fail(c, where, "parent", "is the category itself");
    if (c->snapshot) json_object_set_new(c->parents, in.id, has_parent ? json_string(in.parent_id) : json_null());
    return c->sink->category ? c->sink->category(c->sink->ctx, &in, c->err) : 0;
}

static int read_attachments(Ctx *c, json_t *o, const char *where, FeedAttachment *out, int *count)
{
    json_t *list = json_object_get(o, "attachments");
    *count = 0;
    if (!list) return 0;
    if (!json_is_array(list)) return fail(c, where, "attachments", "must be an array");
    if (json_array_size(list) > FEED_MAX_ATTACHMENTS) {
        char msg[64];
        snprintf(msg, sizeof msg, "has too many entries (at most %d)", FEED_MAX_ATTACHMENTS);
        return fail(c, where, "attachments", msg);
    }
    size_t i;
    json_t *a;
    json_array_foreach (list, i, a) {
        char at[160];
        snprintf(at, sizeof at, "%s.attachments[%zu]", where, i);
        if (!json_is_object(a)) return fail(c, at, NULL, "must be an object");
        FeedAttachment *in = &out[i];
        if (get_text(c, a, at, "sha256", true, PROTO_SHA256_HEX, false, &in->sha256) ||
            get_text(c, a, at, "type", true, 32, false, &in->mime) ||
            get_text(c, a, at, "caption", false, FEED_MAX_CAPTION, false, &in->caption) ||
            get_text(c, a, at, "href", false, FEED_MAX_HREF, false, &in->href) ||
            get_int(c, a, at, "size", true, 1, FEED_MAX_ATTACHMENT_BYTES, &in->size))
            return -1;
        if (!proto_sha256_valid(in->sha256)) return fail(c, at, "sha256", "must be 64 lowercase hexadecimal digits");
        if (!proto_attachment_type_valid(in->mime)) return fail(c, at, "type", "must be " PROTO_ATTACHMENT_TYPES);
        (*count)++;
    }
    return 0;
}

static int read_item(Ctx *c, json_t *o, const char *where)
{
    FeedItem in = {0};
    FeedAttachment atts[FEED_MAX_ATTACHMENTS] = {{0}};
    int period, scope, lang, format;
    if (get_id(c, o, where, "id", true, &in.id) || get_id(c, o, where, "category", false, &in.category_id) ||
        get_text(c, o, where, "title", true, FEED_MAX_TITLE, false, &in.title) ||
        get_text(c, o, where, "body", true, FEED_MAX_BODY, true, &in.body) ||
        get_text(c, o, where, "unit", false, FEED_MAX_UNIT, false, &in.unit) ||
        get_time(c, o, where, "published_at", true, &in.published_at) ||
        get_time(c, o, where, "expires_at", false, &in.expires_at) ||
        get_enum(c, o, where, "period", true, 0, period_parse, PERIOD_WORDS, &period) ||
        get_enum(c, o, where, "scope", true, 0, scope_parse, SCOPE_WORDS, &scope) ||
        get_bool(c, o, where, "pinned", &in.pinned) || get_bool(c, o, where, "urgent", &in.urgent) ||
        get_int(c, o, where, "revision", false, 0, INT64_MAX, &in.revision) ||
        get_enum(c, o, where, "lang", false, LANG_HANS, lang_parse, LANG_WORDS, &lang) ||
        get_enum(c, o, where, "body_format", false, BODY_PLAIN, body_format_parse, BODY_FORMAT_WORDS, &format) ||
        read_attachments(c, o, where, atts, &in.attachment_count) ||
        get_text(c, o, where, "change_reason", false, FEED_MAX_REASON, true, &in.change_reason) ||
        get_time(c, o, where, "changed_at", false, &in.changed_at))
        return -1;
    in.lang = (Lang)lang;
    in.body_format = (BodyFormat)format;
    if (in.expires_at && in.expires_at <= in.published_at)
        return fail(c, where, "expires_at", "must be later than published_at");
    in.period = (Period)period;
    in.scope = (Scope)scope;
    in.attachments = atts;
    if (c->snapshot) json_object_set_new(c->item_cats, in.id, json_string(in.category_id));
    return c->sink->item ? c->sink->item(c->sink->ctx, &in, c->err) : 0;
}

static int read_notice(Ctx *c, json_t *o, const char *where)
{
    FeedNotice in = {0};
    int period;
    if (get_id(c, o, where, "id", true, &in.id) ||
        get_text(c, o, where, "text", true, FEED_MAX_NOTICE, false, &in.text) ||
        get_bool(c, o, where, "urgent", &in.urgent) ||
        get_enum(c, o, where, "period", false, PERIOD_IMMEDIATE, period_parse, PERIOD_WORDS, &period) ||
        get_time(c, o, where, "starts_at", false, &in.starts_at) ||
        get_time(c, o, where, "ends_at", false, &in.ends_at) || get_sort(c, o, where, &in.sort))
        return -1;
    if (in.ends_at && in.ends_at <= in.starts_at) return fail(c, where, "ends_at", "must be later than starts_at");
    in.period = (Period)period;
    return c->sink->notice ? c->sink->notice(c->sink->ctx, &in, c->err) : 0;
}

static int read_answer(Ctx *c, json_t *o, const char *where)
{
    FeedAnswer in = {0};
    if (get_id(c, o, where, "id", true, &in.id) ||
        get_text(c, o, where, "question", true, FEED_MAX_QUESTION, true, &in.question) ||
        get_text(c, o, where, "answer", true, FEED_MAX_ANSWER, true, &in.answer) ||
        get_text(c, o, where, "item", false, PROTO_ID_MAX, false, &in.item_id) ||
        get_time(c, o, where, "asked_at", false, &in.asked_at) ||
        get_time(c, o, where, "answered_at", true, &in.answered_at))
        return -1;
    return c->sink->answer ? c->sink->answer(c->sink->ctx, &in, c->err) : 0;
}

typedef int (*ReadFn)(Ctx *c, json_t *entry, const char *where);

static const struct {
    const char *name;
    ReadFn read;
} sections[FEED_SECTION_COUNT] = {
    [FEED_CATEGORIES] = {"categories", read_category},
    [FEED_ITEMS] = {"items", read_item},
    [FEED_NOTICES] = {"notices", read_notice},
    [FEED_ANSWERS] = {"answers", read_answer},
};

const char *feed_section_name(FeedSection s) { return (unsigned)s < FEED_SECTION_COUNT ? sections[s].name : NULL; }

static int read_section(Ctx *c, json_t *root, FeedSection sec)
{
    const char *name = sections[sec].name;
    json_t *part = json_object_get(root, name);
    if (!part) return 0;
    if (!json_is_object(part)) return fail(c, name, NULL, "must be an object with \"upsert\" and \"delete\"");
    json_t *ups = json_object_get(part, "upsert");
    json_t *dels = json_object_get(part, "delete");
    if (ups && !json_is_array(ups)) return fail(c, name, "upsert", "must be an array");
    if (dels && !json_is_array(dels)) return fail(c, name, "delete", "must be an array");

    json_object_clear(c->seen);
    size_t i;
    json_t *e;
    json_array_foreach (ups, i, e) {
        char where[96];
        snprintf(where, sizeof where, "%s.upsert[%zu]", name, i);
        if (!json_is_object(e)) return fail(c, where, NULL, "must be an object");
        if (sections[sec].read(c, e, where)) return -1;
    }
    json_array_foreach (dels, i, e) {
        char where[96];
        snprintf(where, sizeof where, "%s.delete[%zu]", name, i);
        const char *id = json_string_value(e);
        if (!proto_id_valid(id)) return fail(c, where, NULL, "must be an id string");
        if (json_object_get(c->seen, id)) return fail(c, where, NULL, "is both upserted and deleted in one document");
        if (c->sink->remove && c->sink->remove(c->sink->ctx, sec, id, c->err)) return -1;
    }
    return 0;
}

/* The top-level "withdrawals": [{"id", "reason", "withdrawn_at"}]. */
static int read_withdrawals(Ctx *c, json_t *root)
{
    json_t *list = json_object_get(root, "withdrawals");
    if (!list) return 0;
    if (!json_is_array(list)) return fail(c, "withdrawals", NULL, "must be an array");
    if (json_array_size(list) > FEED_MAX_WITHDRAWALS) {
        char msg[64];
        snprintf(msg, sizeof msg, "has too many entries (at most %d)", FEED_MAX_WITHDRAWALS);
        return fail(c, "withdrawals", NULL, msg);
    }
    json_object_clear(c->seen);
    size_t i;
    json_t *e;
    json_array_foreach (list, i, e) {
        char where[48];
        snprintf(where, sizeof where, "withdrawals[%zu]", i);
        if (!json_is_object(e)) return fail(c, where, NULL, "must be an object");
        FeedWithdrawal in = {0};
        if (get_id(c, e, where, "id", true, &in.id) ||
            get_text(c, e, where, "reason", true, FEED_MAX_REASON, true, &in.reason) ||
            get_time(c, e, where, "withdrawn_at", true, &in.withdrawn_at))
            return -1;
        if (c->sink->withdrawal && c->sink->withdrawal(c->sink->ctx, &in, c->err)) return -1;
    }
    return 0;
}

/* The header: format, version, kind, revision and, for a delta, the
 * revision it starts from. */
static int read_header(Ctx *c, json_t *root, FeedHeader *h)
{
    const char *format = "", *kind = "";
    int64_t version = 0;
    if (get_text(c, root, "document", "format", true, 32, false, &format)) return -1;
    if (strcmp(format, FEED_FORMAT) != 0) return fail(c, "document", "format", "must be \"" FEED_FORMAT "\"");
    if (get_int(c, root, "document", "version", true, 0, 1000, &version)) return -1;
    if (version != FEED_VERSION) return fail(c, "document", "version", "is not 1, the only version this program reads");
    if (get_text(c, root, "document", "kind", true, 16, false, &kind)) return -1;
    if (strcmp(kind, "snapshot") != 0 && strcmp(kind, "delta") != 0)
        return fail(c, "document", "kind", "must be \"snapshot\" or \"delta\"");
    h->snapshot = strcmp(kind, "snapshot") == 0;
    if (get_int(c, root, "document", "revision", true, 0, INT64_MAX, &h->revision)) return -1;
    h->base_revision = 0;
    if (!h->snapshot && get_int(c, root, "document", "base_revision", true, 0, INT64_MAX, &h->base_revision)) return -1;
    if (!h->snapshot && h->revision <= h->base_revision)
        return fail(c, "document", "revision", "must be greater than base_revision");
    return 0;
}

/* A snapshot is the whole catalog, so its shape can be checked from the
 * document alone: every parent present, at most FEED_MAX_DEPTH levels and
 * no cycles (a walk up that takes more steps than that), every item's
 * category present.  A delta's shape depends on what the receiver already
 * holds; the kiosk's store checks it after applying (store_check_integrity). */
static int check_catalog(Ctx *c)
{
    const char *id;
    json_t *parent;
    json_object_foreach (c->parents, id, parent) {
        if (json_is_string(parent) && !json_object_get(c->parents, json_string_value(parent)))
            return err_set(c->err, "its parent category does not exist: category \"%s\"", id);
        int depth = 1;
        for (json_t *up = parent; json_is_string(up); up = json_object_get(c->parents, json_string_value(up)))
            if (++depth > FEED_MAX_DEPTH)
                return err_set(c->err, "the catalog is deeper than three levels (or has a cycle) at category \"%s\"",
                               id);
    }
    json_t *cat;
    json_object_foreach (c->item_cats, id, cat) {
        if (!json_object_get(c->parents, json_string_value(cat)))
            return err_set(c->err, "its category does not exist: item \"%s\"", id);
    }
    return 0;
}

static int read_document(Ctx *c, json_t *root)
{
    FeedHeader h;
    if (!json_is_object(root)) return fail(c, "document", NULL, "must be a JSON object");
    if (read_header(c, root, &h)) return -1;
    c->snapshot = h.snapshot;
    bool skip = false;
    if (c->sink->begin && c->sink->begin(c->sink->ctx, &h, &skip, c->err)) return -1;
    if (skip) return 0;
    for (int s = 0; s < FEED_SECTION_COUNT; s++)
        if (read_section(c, root, (FeedSection)s)) return -1;
    if (read_withdrawals(c, root)) return -1;
    return h.snapshot ? check_catalog(c) : 0;
}

struct FeedDoc {
    json_t *root;
};

int feed_doc_load(const char *data, size_t len, FeedDoc **out, Err *err)
{
    *out = NULL;
    if (len > FEED_MAX_BYTES)
        return err_set(err, "document is %zu bytes; at most %d are accepted", len, FEED_MAX_BYTES);
    FeedDoc *doc = calloc(1, sizeof *doc);
    if (!doc) return err_set(err, "out of memory");
    if (proto_json_load(data, len, &doc->root, err)) {
        free(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

const struct json_t *feed_doc_json(const FeedDoc *doc) { return doc->root; }

void feed_doc_free(FeedDoc *doc)
{
    if (!doc) return;
    json_decref(doc->root);
    free(doc);
}

int feed_doc_check(const FeedDoc *doc, const FeedSink *sink, Err *err)
{
    static const FeedSink check_only = {0};
    Ctx c = {.err = err,
             .sink = sink ? sink : &check_only,
             .seen = json_object(),
             .parents = json_object(),
             .item_cats = json_object()};
    int rc = c.seen && c.parents && c.item_cats ? read_document(&c, doc->root) : err_set(err, "out of memory");
    json_decref(c.seen);
    json_decref(c.parents);
    json_decref(c.item_cats);
    return rc;
}

int feed_parse(const char *data, size_t len, const FeedSink *sink, Err *err)
{
    FeedDoc *doc;
    if (feed_doc_load(data, len, &doc, err)) return -1;
    int rc = feed_doc_check(doc, sink, err);
    feed_doc_free(doc);
    return rc;
}
