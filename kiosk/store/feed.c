#include "feed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "log.h"

/* Each check reports "where: what", where is a path into the document. */
typedef struct {
    Err *err;
    json_t *seen;         /* ids met so far in the current section */
} Ctx;

static int fail(Ctx *c, const char *where, const char *key, const char *what)
{
    if (key) return err_set(c->err, "%s.%s: %s", where, key, what);
    return err_set(c->err, "%s: %s", where, what);
}

/* Text fields: no control characters but newline and tab (the latter only
 * where `multiline`), at most `max` bytes.  UTF-8 validity is checked by
 * jansson when it loads the document. */
static int get_text(Ctx *c, json_t *obj, const char *where, const char *key, bool required, size_t max,
                    bool multiline, const char **out)
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
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != 0x7f) continue;
        if (multiline && (ch == '\n' || ch == '\t' || ch == '\r')) continue;
        return fail(c, where, key, "contains a control character");
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
    if (feed_parse_time(s, out) != 0) return fail(c, where, key, "is not a time like 2026-11-01T09:00:00+08:00");
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

static bool valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= STORE_ID_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '.';
        if (!ok) return false;
    }
    return true;
}

/* The id of an entry, checked for form and for being used twice in one
 * section of the document. */
static int get_id(Ctx *c, json_t *obj, const char *where, const char *key, bool unique, const char **out)
{
    if (get_text(c, obj, where, key, true, STORE_ID_MAX, false, out)) return -1;
    if (!valid_id(*out)) return fail(c, where, key, "must be 1-63 characters of A-Z a-z 0-9 - _ .");
    if (!unique) return 0;
    if (json_object_get(c->seen, *out)) {
        char msg[128];
        snprintf(msg, sizeof msg, "\"%s\" appears twice in this section", *out);
        return fail(c, where, key, msg);
    }
    json_object_set_new(c->seen, *out, json_true());
    return 0;
}

static bool valid_sha256(const char *s)
{
    if (strlen(s) != 64) return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* ---- one entry of each kind ------------------------------------------ */

#define LANG_CHOICES "zh-Hans, zh-Hant"

static int apply_category(Ctx *c, Store *s, json_t *o, const char *where)
{
    StoreCategoryIn in = {0};
    int64_t sort = 0;
    int lang;
    if (get_id(c, o, where, "id", true, &in.id) || get_text(c, o, where, "parent", false, STORE_ID_MAX, false, &in.parent_id) ||
        get_text(c, o, where, "name", true, FEED_MAX_NAME, false, &in.name) ||
        get_text(c, o, where, "icon", false, FEED_MAX_ICON, false, &in.icon) ||
        get_int(c, o, where, "sort", false, -1000000, 1000000, &sort) ||
        get_enum(c, o, where, "lang", false, LANG_HANS, lang_parse, LANG_CHOICES, &lang))
        return -1;
    in.lang = (Lang)lang;
    if (in.parent_id && *in.parent_id && !valid_id(in.parent_id)) return fail(c, where, "parent", "is not a valid id");
    if (in.parent_id && strcmp(in.parent_id, in.id) == 0) return fail(c, where, "parent", "is the category itself");
    in.sort = (int)sort;
    return store_category_upsert(s, &in, c->err);
}

static int read_attachments(Ctx *c, json_t *o, const char *where, StoreAttachmentIn *out, int *count)
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
    json_array_foreach(list, i, a) {
        char at[160];
        snprintf(at, sizeof at, "%s.attachments[%zu]", where, i);
        if (!json_is_object(a)) return fail(c, at, NULL, "must be an object");
        StoreAttachmentIn *in = &out[i];
        if (get_text(c, a, at, "sha256", true, 64, false, &in->sha256) ||
            get_text(c, a, at, "type", true, 32, false, &in->mime) ||
            get_text(c, a, at, "caption", false, FEED_MAX_CAPTION, false, &in->caption) ||
            get_text(c, a, at, "href", false, FEED_MAX_HREF, false, &in->href) ||
            get_int(c, a, at, "size", true, 1, FEED_MAX_ATTACHMENT_BYTES, &in->size))
            return -1;
        if (!valid_sha256(in->sha256)) return fail(c, at, "sha256", "must be 64 lowercase hexadecimal digits");
        if (strcmp(in->mime, "image/png") != 0 && strcmp(in->mime, "image/jpeg") != 0)
            return fail(c, at, "type", "must be image/png or image/jpeg");
        (*count)++;
    }
    return 0;
}

static int apply_item(Ctx *c, Store *s, json_t *o, const char *where)
{
    StoreItemIn in = {0};
    StoreAttachmentIn atts[FEED_MAX_ATTACHMENTS] = {{0}};
    int period, scope, lang, format;
    if (get_id(c, o, where, "id", true, &in.id) || get_id(c, o, where, "category", false, &in.category_id) ||
        get_text(c, o, where, "title", true, FEED_MAX_TITLE, false, &in.title) ||
        get_text(c, o, where, "body", true, FEED_MAX_BODY, true, &in.body) ||
        get_text(c, o, where, "unit", false, FEED_MAX_UNIT, false, &in.unit) ||
        get_time(c, o, where, "published_at", true, &in.published_at) ||
        get_time(c, o, where, "expires_at", false, &in.expires_at) ||
        get_enum(c, o, where, "period", true, 0, period_parse, "long_term, periodic, phased, immediate", &period) ||
        get_enum(c, o, where, "scope", true, 0, scope_parse, "public, internal", &scope) ||
        get_bool(c, o, where, "pinned", &in.pinned) || get_bool(c, o, where, "urgent", &in.urgent) ||
        get_int(c, o, where, "revision", false, 0, INT64_MAX, &in.revision) ||
        get_enum(c, o, where, "lang", false, LANG_HANS, lang_parse, LANG_CHOICES, &lang) ||
        get_enum(c, o, where, "body_format", false, BODY_PLAIN, body_format_parse, "plain, markdown", &format) ||
        read_attachments(c, o, where, atts, &in.attachment_count))
        return -1;
    in.lang = (Lang)lang;
    in.body_format = (BodyFormat)format;
    if (in.expires_at && in.expires_at <= in.published_at)
        return fail(c, where, "expires_at", "must be later than published_at");
    in.period = (Period)period;
    in.scope = (Scope)scope;
    in.attachments = atts;
    /* A 党内 item never reaches a kiosk's disk, not even inside a
     * transaction; an item that became internal is removed. */
    if (in.scope != SCOPE_PUBLIC) return store_item_delete(s, in.id, c->err);
    return store_item_upsert(s, &in, c->err);
}

static int apply_notice(Ctx *c, Store *s, json_t *o, const char *where)
{
    StoreNoticeIn in = {0};
    int period;
    int64_t sort = 0;
    if (get_id(c, o, where, "id", true, &in.id) || get_text(c, o, where, "text", true, FEED_MAX_NOTICE, false, &in.text) ||
        get_bool(c, o, where, "urgent", &in.urgent) ||
        get_enum(c, o, where, "period", false, PERIOD_IMMEDIATE, period_parse, "long_term, periodic, phased, immediate",
                 &period) ||
        get_time(c, o, where, "starts_at", false, &in.starts_at) || get_time(c, o, where, "ends_at", false, &in.ends_at) ||
        get_int(c, o, where, "sort", false, -1000000, 1000000, &sort))
        return -1;
    if (in.ends_at && in.ends_at <= in.starts_at) return fail(c, where, "ends_at", "must be later than starts_at");
    in.period = (Period)period;
    in.sort = (int)sort;
    return store_notice_upsert(s, &in, c->err);
}

static int apply_answer(Ctx *c, Store *s, json_t *o, const char *where)
{
    StoreAnswerIn in = {0};
    if (get_id(c, o, where, "id", true, &in.id) ||
        get_text(c, o, where, "question", true, FEED_MAX_QUESTION, true, &in.question) ||
        get_text(c, o, where, "answer", true, FEED_MAX_ANSWER, true, &in.answer) ||
        get_text(c, o, where, "item", false, STORE_ID_MAX, false, &in.item_id) ||
        get_time(c, o, where, "asked_at", false, &in.asked_at) ||
        get_time(c, o, where, "answered_at", true, &in.answered_at))
        return -1;
    return store_answer_upsert(s, &in, c->err);
}

typedef int (*ApplyFn)(Ctx *c, Store *s, json_t *entry, const char *where);
typedef int (*DeleteFn)(Store *s, const char *id, Err *err);

typedef struct {
    const char *name;
    ApplyFn apply;
    DeleteFn remove;
} Section;

static const Section sections[] = {
    {"categories", apply_category, store_category_delete},
    {"items", apply_item, store_item_delete},
    {"notices", apply_notice, store_notice_delete},
    {"answers", apply_answer, store_answer_delete},
};

static int apply_section(Ctx *c, Store *s, json_t *root, const Section *sec, FeedResult *res)
{
    json_t *part = json_object_get(root, sec->name);
    if (!part) return 0;
    if (!json_is_object(part)) return fail(c, sec->name, NULL, "must be an object with \"upsert\" and \"delete\"");
    json_t *ups = json_object_get(part, "upsert");
    json_t *dels = json_object_get(part, "delete");
    if (ups && !json_is_array(ups)) return fail(c, sec->name, "upsert", "must be an array");
    if (dels && !json_is_array(dels)) return fail(c, sec->name, "delete", "must be an array");

    json_object_clear(c->seen);
    size_t i;
    json_t *e;
    json_array_foreach(ups, i, e) {
        char where[96];
        snprintf(where, sizeof where, "%s.upsert[%zu]", sec->name, i);
        if (!json_is_object(e)) return fail(c, where, NULL, "must be an object");
        if (sec->apply(c, s, e, where)) return -1;
        res->upserts++;
    }
    json_array_foreach(dels, i, e) {
        char where[96];
        snprintf(where, sizeof where, "%s.delete[%zu]", sec->name, i);
        if (!json_is_string(e) || !valid_id(json_string_value(e))) return fail(c, where, NULL, "must be an id string");
        if (json_object_get(c->seen, json_string_value(e)))
            return fail(c, where, NULL, "is both upserted and deleted in one document");
        if (sec->remove(s, json_string_value(e), c->err)) return -1;
        res->deletes++;
    }
    return 0;
}

/* The header: format, version, kind, revision and, for a delta, the
 * revision it starts from. */
static int read_header(Ctx *c, json_t *root, bool *snapshot, int64_t *base, int64_t *revision)
{
    const char *format, *kind;
    int64_t version = 0;
    if (get_text(c, root, "document", "format", true, 32, false, &format)) return -1;
    if (strcmp(format, FEED_FORMAT) != 0) return fail(c, "document", "format", "must be \"" FEED_FORMAT "\"");
    if (get_int(c, root, "document", "version", true, 0, 1000, &version)) return -1;
    if (version != FEED_VERSION) return fail(c, "document", "version", "is not 1, the only version this kiosk reads");
    if (get_text(c, root, "document", "kind", true, 16, false, &kind)) return -1;
    if (strcmp(kind, "snapshot") != 0 && strcmp(kind, "delta") != 0)
        return fail(c, "document", "kind", "must be \"snapshot\" or \"delta\"");
    *snapshot = strcmp(kind, "snapshot") == 0;
    if (get_int(c, root, "document", "revision", true, 0, INT64_MAX, revision)) return -1;
    *base = 0;
    if (!*snapshot && get_int(c, root, "document", "base_revision", true, 0, INT64_MAX, base)) return -1;
    if (!*snapshot && *revision <= *base) return fail(c, "document", "revision", "must be greater than base_revision");
    return 0;
}

static int apply_document(Ctx *c, Store *s, json_t *root, FeedResult *res)
{
    int64_t base, revision;
    if (!json_is_object(root)) return fail(c, "document", NULL, "must be a JSON object");
    if (read_header(c, root, &res->snapshot, &base, &revision)) return -1;

    if (store_write_begin(s, c->err)) return -1;
    int64_t current = store_revision(s);
    if ((!res->snapshot && current >= revision) || (res->snapshot && current == revision && current > 0)) {
        /* A delta we already applied (a retried download), or a snapshot at
         * the revision the store is at: nothing to do, and nothing to tell
         * the screens (the sync then waits before it asks again). */
        store_write_rollback(s);
        res->unchanged = true;
        res->revision = current;
        return 0;
    }
    if (!res->snapshot && base != current) {
        store_write_rollback(s);
        return err_set(c->err, "document.base_revision: this delta applies to revision %lld, but the store is at %lld",
                       (long long)base, (long long)current);
    }
    if (res->snapshot && store_mark_all_deleted(s, c->err)) goto fail;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (apply_section(c, s, root, &sections[i], res)) goto fail;
    if (store_purge_hidden(s, c->err) || store_check_integrity(s, c->err) || store_set_revision(s, revision, c->err) ||
        store_write_commit(s, c->err))
        goto fail;
    res->revision = revision;
    return 0;
fail:
    store_write_rollback(s);
    return -1;
}

int feed_import_buffer(Store *s, const char *data, size_t len, FeedResult *res, Err *err)
{
    memset(res, 0, sizeof *res);
    if (len > FEED_MAX_BYTES) return err_set(err, "document is %zu bytes; at most %d are accepted", len, FEED_MAX_BYTES);
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) return err_set(err, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    Ctx c = {.err = err, .seen = json_object()};
    int rc = c.seen ? apply_document(&c, s, root, res) : err_set(err, "out of memory");
    json_decref(c.seen);
    json_decref(root);
    return rc;
}

/* With out NULL, only counts. */
static void list_item_attachments(json_t *item, FeedAttachment *out, int *count)
{
    if (scope_parse(json_string_value(json_object_get(item, "scope"))) != SCOPE_PUBLIC) return;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(item, "attachments"), i, a) {
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        json_t *size = json_object_get(a, "size");
        if (i >= FEED_MAX_ATTACHMENTS || !sha || !valid_sha256(sha) || !json_is_integer(size)) continue;
        if (out) {
            FeedAttachment *f = &out[*count];
            snprintf(f->sha256, sizeof f->sha256, "%s", sha);
            f->size = json_integer_value(size);
        }
        (*count)++;
    }
}

int feed_peek(const char *data, size_t len, FeedPeek *out, Err *err)
{
    memset(out, 0, sizeof *out);
    out->revision = -1;
    if (len > FEED_MAX_BYTES) return err_set(err, "document is %zu bytes; at most %d are accepted", len, FEED_MAX_BYTES);
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    if (!root) return err_set(err, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    const char *kind = json_string_value(json_object_get(root, "kind"));
    out->snapshot = kind && strcmp(kind, "snapshot") == 0;
    json_t *rev = json_object_get(root, "revision");
    if (json_is_integer(rev)) out->revision = json_integer_value(rev);
    json_t *items = json_object_get(json_object_get(root, "items"), "upsert");
    size_t i;
    json_t *it;
    int n = 0;
    json_array_foreach(items, i, it) list_item_attachments(it, NULL, &n);
    out->attachments = n ? calloc((size_t)n, sizeof *out->attachments) : NULL;
    if (n && !out->attachments) {
        json_decref(root);
        return err_set(err, "out of memory");
    }
    json_array_foreach(items, i, it) list_item_attachments(it, out->attachments, &out->attachment_count);
    json_decref(root);
    return 0;
}

void feed_peek_free(FeedPeek *p)
{
    free(p->attachments);
    p->attachments = NULL;
    p->attachment_count = 0;
}

int feed_import_file(Store *s, const char *path, FeedResult *res, Err *err)
{
    char *buf;
    size_t len;
    if (bytes_read_file(path, FEED_MAX_BYTES, &buf, &len, err)) return -1;
    int rc = feed_import_buffer(s, buf, len, res, err);
    if (rc) err_prefix(err, "%s: ", path);
    free(buf);
    return rc;
}

/* RFC 3339 with fixed-width fields.  sscanf + timegm instead of strptime:
 * strptime accepts single-digit fields and leading blanks, and the
 * sanitizer's interceptor for it misreports the end pointer. */
int feed_parse_time(const char *text, int64_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19) return -1;
    const char *zone = text + n;
    long offset = 0;
    if (strcmp(zone, "Z") != 0) {
        int hh, mm, zn = 0;
        if ((zone[0] != '+' && zone[0] != '-') || sscanf(zone + 1, "%2d:%2d%n", &hh, &mm, &zn) != 2 || zn != 5 ||
            zone[1 + zn] != '\0' || hh > 14 || mm > 59)
            return -1;
        offset = (zone[0] == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    /* timegm normalises 2026-02-30 to March 2nd; a changed field means the
     * date did not exist. */
    if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi ||
        tm.tm_sec != sec)
        return -1;
    *out = (int64_t)t - offset;
    return 0;
}

void feed_format_time(int64_t t, char *buf, size_t size)
{
    time_t local = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}
