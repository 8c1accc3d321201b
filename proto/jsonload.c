#include "jsonload.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <yajl/yajl_parse.h>

#include "protolimits.h"

#define DEPTH_TEXT_(n) #n
#define DEPTH_TEXT(n) DEPTH_TEXT_(n)

/* The tree as it grows: the open containers, innermost last, and the key
 * an object's next value goes under (yajl's key text lives only for its
 * callback, and one key at a time is ever pending). */
typedef struct {
    json_t *root;
    json_t *open[PROTO_JSON_MAX_DEPTH];
    int depth;
    char *key;
    size_t key_len, key_cap;
    const char *why; /* set when a callback stops the parse */
    yajl_handle h;
    size_t root_end; /* the offset just after the top-level value */
} Builder;

static int stop(Builder *b, const char *why)
{
    b->why = why;
    return 0; /* yajl: cancel the parse */
}

/* A value into the innermost open container (or as the root). */
static int place(Builder *b, json_t *v, const char *why_null)
{
    if (!v) return stop(b, why_null);
    if (b->depth == 0) {
        if (!json_is_object(v) && !json_is_array(v)) {
            json_decref(v);
            return stop(b, "'[' or '{' expected");
        }
        b->root = v;
        return 1;
    }
    json_t *top = b->open[b->depth - 1];
    if (json_is_array(top)) return json_array_append_new(top, v) == 0 ? 1 : stop(b, "out of memory");
    if (json_object_getn(top, b->key, b->key_len)) {
        json_decref(v);
        return stop(b, "duplicate object key");
    }
    /* json_object_setn_new checks the key's UTF-8. */
    return json_object_setn_new(top, b->key, b->key_len, v) == 0 ? 1 : stop(b, "invalid UTF-8 in an object key");
}

static int on_null(void *ctx) { return place(ctx, json_null(), "out of memory"); }
static int on_boolean(void *ctx, int v) { return place(ctx, json_boolean(v), "out of memory"); }
/* A number as json_loadb reads it (yajl's own reading refuses
 * -9223372036854775808): whole when it has no fraction or exponent,
 * refused when it does not fit int64 or a double. */
static int read_number(Builder *b, const char *text)
{
    errno = 0;
    char *end;
    if (!strpbrk(text, ".eE")) {
        long long v = strtoll(text, &end, 10);
        if (errno == ERANGE) return stop(b, "too big integer");
        return place(b, json_integer((json_int_t)v), "out of memory");
    }
    double v = strtod(text, &end);
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) return stop(b, "real number overflow");
    return place(b, json_real(v), "out of memory");
}

static int on_number(void *ctx, const char *s, size_t len)
{
    char small[64];
    char *text = len < sizeof small ? small : malloc(len + 1);
    if (!text) return stop(ctx, "out of memory");
    memcpy(text, s, len);
    text[len] = '\0';
    int rc = read_number(ctx, text);
    if (text != small) free(text);
    return rc;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    if (memchr(s, '\0', len)) return stop(ctx, "\\u0000 is not allowed in a string");
    /* Well-formed UTF-8 as json_loadb wants it (no overlong forms, no
     * surrogates, nothing past U+10FFFF), stricter than yajl's own check;
     * libunistring's u8_check does it several times faster than
     * json_stringn's own check, which a snapshot's 30 MB of bodies feel. */
    if (u8_check(s, len)) return stop(ctx, "invalid UTF-8 in a string");
    return place(ctx, json_stringn_nocheck((const char *)s, len), "out of memory");
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    Builder *b = ctx;
    if (memchr(s, '\0', len)) return stop(b, "\\u0000 is not allowed in an object key");
    if (len + 1 > b->key_cap) {
        char *k = realloc(b->key, len + 1);
        if (!k) return stop(b, "out of memory");
        b->key = k;
        b->key_cap = len + 1;
    }
    memcpy(b->key, s, len);
    b->key[len] = '\0';
    b->key_len = len;
    return 1;
}

static int open_container(Builder *b, json_t *c)
{
    if (!c) return stop(b, "out of memory");
    if (b->depth == PROTO_JSON_MAX_DEPTH) {
        json_decref(c);
        return stop(b, "maximum nesting depth (" DEPTH_TEXT(PROTO_JSON_MAX_DEPTH) " levels) exceeded");
    }
    /* The parent holds the container from now on; it stays open by a
     * borrowed pointer until its end. */
    if (!place(b, c, "out of memory")) return 0;
    b->open[b->depth++] = c;
    return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, json_object()); }
static int on_start_array(void *ctx) { return open_container(ctx, json_array()); }

static int on_end(void *ctx)
{
    Builder *b = ctx;
    if (--b->depth == 0) b->root_end = yajl_get_bytes_consumed(b->h);
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* "line L, column C: what" for the byte at `offset`. */
static int fail_at(const char *data, size_t len, size_t offset, const char *what, Err *err)
{
    int line = 1;
    size_t line_start = 0;
    if (offset > len) offset = len;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + offset - p))) != NULL; p++) {
        line++;
        line_start = (size_t)(p - data) + 1;
    }
    return err_set(err, "line %d, column %zu: %s", line, offset - line_start + 1, what);
}

/* yajl's own message ("lexical error: invalid char in json text.\n"
 * and the like) on one line. */
static int fail_yajl(yajl_handle h, const char *data, size_t len, size_t offset, Err *err)
{
    unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);
    char text[200];
    snprintf(text, sizeof text, "%s", msg ? (const char *)msg : "not JSON");
    yajl_free_error(h, msg);
    text[strcspn(text, "\n")] = '\0';
    return fail_at(data, len, offset, text, err);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The four hex digits at p (before end) as a number, or -1. */
static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0) return -1;
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return 0;
}

/* Bytes JSON has nowhere (inside a string yajl refuses every raw control
 * character itself): vertical tab and form feed, which yajl takes for
 * whitespace between tokens, and NUL, named here rather than left to
 * yajl's "invalid char" (json_loadb even skips one right after a
 * number; this loader is stricter). */
static int check_bytes(const char *data, size_t len, Err *err)
{
    static const struct {
        char byte;
        const char *what;
    } never[] = {{'\v', "invalid token (vertical tab)"},
                 {'\f', "invalid token (form feed)"},
                 {'\0', "invalid token (a NUL byte)"}};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        const char *bad = memchr(data, never[i].byte, len);
        if (bad) return fail_at(data, len, (size_t)(bad - data), never[i].what, err);
    }
    return 0;
}

/* A \u escape of half a surrogate pair, which json_loadb refuses and yajl
 * does not (it writes "?" for it, or joins it with whatever escape comes
 * next), looked for in the raw text of a document yajl accepted: there
 * every backslash is inside a string and starts an escape, so walking
 * from one escape to the next sees them all. */
static int check_escapes(const char *data, size_t len, Err *err)
{
    const char *end = data + len;
    for (const char *p = data; (p = memchr(p, '\\', (size_t)(end - p))) != NULL; p += 2) {
        if (end - p < 2 || p[1] != 'u') continue;
        unsigned cp, low;
        if (hex4(p + 2, end, &cp)) continue; /* yajl refused it already */
        bool high = cp >= 0xD800 && cp <= 0xDBFF;
        if (!high && (cp < 0xDC00 || cp > 0xDFFF)) continue;
        if (high && end - p >= 12 && p[6] == '\\' && p[7] == 'u' && hex4(p + 8, end, &low) == 0 && low >= 0xDC00 &&
            low <= 0xDFFF) {
            p += 6; /* the pair's second half */
            continue;
        }
        return fail_at(data, len, (size_t)(p - data), "invalid Unicode escape (half a surrogate pair)", err);
    }
    return 0;
}

/* JSON's whitespace only. */
static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return false;
    return true;
}

int proto_json_load(const char *data, size_t len, json_t **out, Err *err)
{
    Builder b = {0};
    *out = NULL;
    if (check_bytes(data, len, err)) return -1;
    yajl_handle h = b.h = yajl_alloc(&callbacks, NULL, &b);
    if (!h) return err_set(err, "out of memory");
    /* Every string is checked by u8_check (on_string) and every key by
     * jansson (place): yajl's own, looser check would only read the text
     * a second time, at half the cost of the whole parse. */
    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
    /* Where it stopped; a text cut short is found at its end. */
    size_t offset = yajl_get_bytes_consumed(h);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
        offset = len;
    }
    int rc = 0;
    if (st == yajl_status_client_canceled) rc = fail_at(data, len, offset, b.why, err);
    else if (st != yajl_status_ok) rc = fail_yajl(h, data, len, offset, err);
    else if (!b.root) rc = fail_at(data, len, len, "'[' or '{' expected", err);
    else if (!blank(data + b.root_end, len - b.root_end))
        /* yajl takes a string begun after the document and never closed
         * for one it is still waiting for. */
        rc = fail_at(data, len, b.root_end, "end of file expected", err);
    else rc = check_escapes(data, len, err);
    yajl_free(h);
    free(b.key);
    if (rc) {
        json_decref(b.root);
        return -1;
    }
    *out = b.root;
    return 0;
}
