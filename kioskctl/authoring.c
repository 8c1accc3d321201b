#include "authoring.h"
#include "catalog_rules.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#include "blobs.h"
#include "bytes.h"
#include "image.h"
#include "pdf.h"
#include "feed.h"
#include "script_detect.h"
#include "path.h"

/* Field limits are the feed format's (FEED_MAX_* in proto/protolimits.h).  Whole files
 * are this reader's own concern: an item file holds at most one body plus
 * its header; the list files are small by nature.  Bigger files are
 * refused before they are read, so a stray video renamed .txt cannot
 * exhaust memory. */
#define MAX_ITEM_FILE (FEED_MAX_BODY + 64 * 1024)
#define MAX_LIST_FILE (4 * 1024 * 1024)
#define MAX_ITEMS 20000
#define MAX_FIELDS 64

#define CST_OFFSET (8 * 3600)

/* ---- reading a text file ---------------------------------------------- */

typedef struct {
    char path[PATH_MAX]; /* as shown in messages */
    char *buf; /* NUL-terminated; lines are cut in place */
    size_t len, pos;
    int line; /* number of the line last returned */
    int64_t today; /* a moment of the day relative dates (今天+3) count from */
} TextFile;

static void text_free(TextFile *t)
{
    free(t->buf);
    t->buf = NULL;
}

/* libunistring's u8_check finds the first byte that is not valid UTF-8
 * (overlong forms, surrogates, truncated sequences); where it stops gives
 * the line to report. */
static int check_utf8(const TextFile *t, Err *err)
{
    const uint8_t *bad = u8_check((const uint8_t *)t->buf, t->len);
    if (!bad) return 0;
    int line = 1;
    for (const char *p = t->buf; p < (const char *)bad; p++) line += *p == '\n';
    return err_set(err, "%s:%d: is not valid UTF-8 (byte 0x%02x); save the file as UTF-8", t->path, line, *bad);
}

static int text_read(TextFile *t, const char *path, size_t max, Err *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    /* O_NONBLOCK: a FIFO named like an item must not hang the tool. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return err_set(err, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(err, "%s: is not a regular file", path);
    }
    if ((size_t)st.st_size > max) {
        close(fd);
        return err_set(err, "%s: is %lld bytes; at most %zu are allowed", path, (long long)st.st_size, max);
    }
    t->buf = malloc((size_t)st.st_size + 1);
    if (!t->buf) {
        close(fd);
        return err_set(err, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, t->buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    t->buf[got] = '\0';
    t->len = got;
    if (got != (size_t)st.st_size) {
        text_free(t);
        return err_set(err, "%s: read error", path);
    }
    if (memchr(t->buf, '\0', got)) {
        text_free(t);
        return err_set(err, "%s: contains NUL bytes; it is not a text file", path);
    }
    if (check_utf8(t, err)) {
        text_free(t);
        return -1;
    }
    if (got >= 3 && memcmp(t->buf, "\xef\xbb\xbf", 3) == 0) t->pos = 3; /* a byte-order mark from Notepad */
    return 0;
}

/* The next line without its "\n" or "\r\n"; NULL at the end. */
static char *text_next_line(TextFile *t)
{
    if (t->pos >= t->len) return NULL;
    char *start = t->buf + t->pos;
    char *nl = memchr(start, '\n', t->len - t->pos);
    size_t n = nl ? (size_t)(nl - start) : t->len - t->pos;
    t->pos += n + (nl ? 1 : 0);
    start[n] = '\0';
    if (n > 0 && start[n - 1] == '\r') start[n - 1] = '\0';
    t->line++;
    return start;
}

/* ---- small text helpers ----------------------------------------------- */

#define IDEOGRAPHIC_SPACE "\xe3\x80\x80" /* U+3000, the full-width space Chinese authors indent with */

static char *skip_space(char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t') s++;
        else if (strncmp(s, IDEOGRAPHIC_SPACE, 3) == 0) s += 3;
        else return s;
    }
}

static char *trim(char *s)
{
    s = skip_space(s);
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        else if (n >= 3 && memcmp(s + n - 3, IDEOGRAPHIC_SPACE, 3) == 0) n -= 3;
        else break;
    }
    s[n] = '\0';
    return s;
}

/* Tabs are allowed only in texts of several paragraphs (bodies, answers),
 * as in the feed. */
static bool has_control(const char *s, bool allow_tab)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && !(allow_tab && *s == '\t')) || *s == 0x7f) return true;
    return false;
}

/* Which of the words (several spellings per value, '|'-separated) `s` is;
 * -1 when none. */
static int match_word(const char *const *spellings, int n, const char *s)
{
    for (int i = 0; i < n; i++) {
        const char *p = spellings[i];
        while (*p) {
            size_t len = strcspn(p, "|");
            if (strlen(s) == len && strncmp(p, s, len) == 0) return i;
            p += len + (p[len] == '|');
        }
    }
    return -1;
}

/* In Period order; the feed's words, the labels in Simplified and
 * Traditional characters, and the seeds' catalog words 固定/随时. */
static const char *const period_spellings[] = {
    "long_term|长期|長期|固定",
    "periodic|定期",
    "phased|分期",
    "immediate|即时|即時|随时|隨時",
};
static const char *const scope_spellings[] = {
    "public|社会|社會",
    "internal|党内|黨內",
};
static const char *const lang_spellings[] = {
    "zh-Hans|简体|簡體|简|簡",
    "zh-Hant|繁体|繁體|繁",
};
static const char *const format_spellings[] = {
    "plain|纯文本|純文本",
    "markdown|md",
};
static const char *const bool_spellings[] = {
    "no|false|0|否",
    "yes|true|1|是",
};

/* ---- records: a "key: value" header, then a body ------------------------ */

typedef struct {
    char *key, *value;
    int line;
} Field;

typedef struct {
    const TextFile *file;
    int line; /* first line of the record */
    Field fields[MAX_FIELDS];
    int nfields;
    char *body; /* paragraphs joined by "\n"; malloc'd */
    int body_line; /* first line of the body, 0 when empty */
    int last_figure; /* the highest N of a "[图N]" paragraph, 0 when none */
    int last_figure_line;
} Record;

static void record_free(Record *r)
{
    free(r->body);
    r->body = NULL;
}

static int rec_fail(const Record *r, int line, Err *err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int rec_fail(const Record *r, int line, Err *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(err, "%s:%d: %s", r->file->path, line, msg);
}

static bool is_separator(const char *line, char ch)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    if (n < 3) return false;
    for (size_t i = 0; i < n; i++)
        if (line[i] != ch) return false;
    return true;
}

/* Splits "key: value" (ASCII or full-width colon).  Keys are lower-case
 * ASCII words. */
static int parse_field(Record *r, char *line, Err *err)
{
    char *colon = strchr(line, ':');
    char *wide = strstr(line, "\xef\xbc\x9a"); /* ： */
    size_t skip = 1;
    if (wide && (!colon || wide < colon)) {
        colon = wide;
        skip = 3;
    }
    if (!colon)
        return rec_fail(r, r->file->line, err,
                        "expected \"key: value\" in the header (the header ends at a blank line or ---)");
    *colon = '\0';
    char *key = trim(line);
    if (!*key || strspn(key, "abcdefghijklmnopqrstuvwxyz_") != strlen(key))
        return rec_fail(r, r->file->line, err, "\"%s\" is not a key (keys are lower-case words like title)", key);
    if (r->nfields == MAX_FIELDS)
        return rec_fail(r, r->file->line, err, "too many header lines (at most %d)", MAX_FIELDS);
    char *value = trim(colon + skip);
    if (has_control(value, false))
        return rec_fail(r, r->file->line, err, "%s: contains a tab or another control character", key);
    r->fields[r->nfields++] = (Field){.key = key, .value = value, .line = r->file->line};
    return 0;
}

static int body_append(Record *r, size_t *len, size_t *cap, const char *para, Err *err)
{
    size_t n = strlen(para);
    if (*len + n + 2 > *cap) {
        size_t want = (*len + n + 2) * 2;
        char *grown = realloc(r->body, want);
        if (!grown) return err_set(err, "%s: out of memory", r->file->path);
        r->body = grown;
        *cap = want;
    }
    if (*len > 0) r->body[(*len)++] = '\n';
    memcpy(r->body + *len, para, n + 1);
    *len += n;
    return 0;
}

#define FIGURE_SIMPLIFIED "\xe5\x9b\xbe" /* 图 */
#define FIGURE_TRADITIONAL "\xe5\x9c\x96" /* 圖 */

/* A paragraph that is exactly "[图N]" places image N there (docs/FEED.md).
 * Authors writing Traditional characters type 圖; the kiosk looks for 图,
 * so it is rewritten in place (both are three bytes). */
static void note_figure(Record *r, char *para, int line)
{
    int n = 0, end = 0;
    if (strlen(para) < 6 || para[0] != '[' || !isdigit((unsigned char)para[4])) return;
    if (sscanf(para + 4, "%d]%n", &n, &end) != 1 || end == 0 || para[4 + end] != '\0' || n < 1) return;
    if (strncmp(para + 1, FIGURE_TRADITIONAL, 3) == 0) memcpy(para + 1, FIGURE_SIMPLIFIED, 3);
    else if (strncmp(para + 1, FIGURE_SIMPLIFIED, 3) != 0) return;
    if (n > r->last_figure) {
        r->last_figure = n;
        r->last_figure_line = line;
    }
}

/* The record's header says `format: markdown`. */
static bool markdown_record(const Record *r)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].key, "format") == 0) return match_word(format_spellings, 2, r->fields[i].value) == 1;
    return false;
}

/* Reads one record from the current position.  The header runs to a blank
 * line or "---"; the body to the end of the file, or to a "===" line when
 * `multi` (files with several records).  Each non-empty body line is one
 * paragraph, with its indentation removed (the kiosk indents by itself).
 * Returns 1 when the file has no more records. */
static int record_read(TextFile *t, bool multi, Record *r, Err *err)
{
    memset(r, 0, sizeof *r);
    r->file = t;
    char *line;
    bool in_body = false;
    size_t len = 0, cap = 0;
    while ((line = text_next_line(t)) != NULL) {
        if (multi && is_separator(line, '=')) {
            if (r->nfields > 0 || r->body) break;
            continue;
        }
        if (!in_body) {
            char *s = trim(line);
            if (*s == '#') continue;
            if (!*s || is_separator(s, '-')) {
                if (r->nfields > 0) in_body = true;
                continue;
            }
            if (r->nfields == 0) r->line = t->line;
            if (parse_field(r, s, err)) return -1;
            continue;
        }
        /* Markdown keeps its lines as written: blank lines end paragraphs,
         * indentation nests lists, table rows are lines. */
        bool raw = markdown_record(r);
        char *para = raw ? line : trim(line);
        if (!*para && (!raw || !r->body)) continue;
        if (has_control(para, true)) return rec_fail(r, t->line, err, "the text contains a control character");
        if (raw) {
            char *mark = trim(para);
            note_figure(r, mark, t->line);
        } else {
            note_figure(r, para, t->line);
        }
        if (!r->body_line) r->body_line = t->line;
        if (body_append(r, &len, &cap, para, err)) return -1;
    }
    /* Blank lines at the end of a Markdown body say nothing. */
    while (r->body && len > 0 && r->body[len - 1] == '\n') r->body[--len] = '\0';
    if (r->nfields == 0 && !r->body) return 1;
    if (r->nfields == 0) return rec_fail(r, r->body_line, err, "text without a header (id:, ... lines) before it");
    return 0;
}

/* Every header key must be known, and only `repeatable` may repeat. */
/* repeatable: a space-separated list of the keys that may appear more than once. */
static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static int record_check_keys(const Record *r, const char *const *known, const char *repeatable, Err *err)
{
    for (int i = 0; i < r->nfields; i++) {
        const Field *f = &r->fields[i];
        bool ok = false;
        for (int k = 0; known[k]; k++) ok = ok || strcmp(known[k], f->key) == 0;
        if (!ok) {
            char list[300] = "";
            int used = 0;
            for (int k = 0; known[k] && used < (int)sizeof list; k++)
                used += snprintf(list + used, sizeof list - (size_t)used, "%s%s", k ? ", " : "", known[k]);
            return rec_fail(r, f->line, err, "unknown key \"%s\" (known keys: %s)", f->key, list);
        }
        if (in_list(repeatable, f->key)) continue;
        for (int j = 0; j < i; j++)
            if (strcmp(r->fields[j].key, f->key) == 0)
                return rec_fail(r, f->line, err, "%s: appears twice (first on line %d)", f->key, r->fields[j].line);
    }
    return 0;
}

static Field *record_field(Record *r, const char *key)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].key, key) == 0) return &r->fields[i];
    return NULL;
}

/* ---- typed header values ---------------------------------------------- */

/* A text value; NULL when absent and not required. */
static int get_text(Record *r, const char *key, bool required, size_t max, const char **out, Err *err)
{
    Field *f = record_field(r, key);
    *out = NULL;
    if (!f || !*f->value) {
        if (!required) return 0;
        return rec_fail(r, f ? f->line : r->line, err, "%s: is missing", key);
    }
    if (strlen(f->value) > max)
        return rec_fail(r, f->line, err, "%s: is %zu bytes long; at most %zu are allowed", key, strlen(f->value), max);
    *out = f->value;
    return 0;
}

static int get_id(Record *r, const char *key, bool required, const char **out, Err *err)
{
    if (get_text(r, key, required, PROTO_ID_MAX, out, err)) return -1;
    if (*out && !proto_id_valid(*out))
        return rec_fail(r, record_field(r, key)->line, err,
                        "%s: \"%s\" is not an id (1-63 characters of A-Z a-z 0-9 - _ .)", key, *out);
    return 0;
}

static int get_word(Record *r, const char *key, bool required, int dflt, const char *const *spellings, int n,
                    const char *allowed, int *out, Err *err)
{
    const char *s;
    *out = dflt;
    if (get_text(r, key, required, 64, &s, err)) return -1;
    if (!s) return 0;
    int v = match_word(spellings, n, s);
    if (v < 0)
        return rec_fail(r, record_field(r, key)->line, err, "%s: must be one of %s, not \"%s\"", key, allowed, s);
    *out = v;
    return 0;
}

static int get_bool(Record *r, const char *key, bool *out, Err *err)
{
    int v;
    if (get_word(r, key, false, 0, bool_spellings, 2, "yes, no (是, 否)", &v, err)) return -1;
    *out = v == 1;
    return 0;
}

static int get_int(Record *r, const char *key, int dflt, int *out, Err *err)
{
    const char *s;
    *out = dflt;
    if (get_text(r, key, false, 32, &s, err)) return -1;
    if (!s) return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < -1000000 || v > 1000000)
        return rec_fail(r, record_field(r, key)->line, err, "%s: \"%s\" is not a whole number", key, s);
    *out = (int)v;
    return 0;
}

#define CST_OFFSET (8 * 3600)

/* "今天", "今天+3", "今天-1" (or "today+3"): that day counted from `today`
 * in China Standard Time, written as 2026-11-23 into date (11 bytes);
 * returns the length of the relative part, 0 when s is not relative. */
static int relative_day(const char *s, int64_t today, char *date)
{
    static const char *const words[] = {"今天", "today"};
    size_t n = 0;
    for (size_t i = 0; i < 2 && !n; i++)
        if (strncmp(s, words[i], strlen(words[i])) == 0) n = strlen(words[i]);
    if (!n) return 0;
    int days = 0, m = 0;
    if ((s[n] == '+' || s[n] == '-') && sscanf(s + n, "%d%n", &days, &m) == 1) n += (size_t)m;
    if (days < -3650 || days > 3650) return -1;
    if (strncmp(s + n, "天", strlen("天")) == 0) n += strlen("天");
    int64_t day = (today + CST_OFFSET) / 86400 + days;
    char iso[64];
    feed_format_time(day * 86400 - CST_OFFSET, iso, sizeof iso); /* "2026-11-23T00:00:00+08:00" */
    snprintf(date, 11, "%s", iso);
    return (int)n;
}

/* "2026-11-20", "2026-11-20 09:00", "2026-11-20 09:00:00" in China
 * Standard Time, or a full RFC 3339 time; the date may also be relative to
 * the day the feed is made ("今天+3 18:00", see relative_day).  A date
 * alone means the start of that day, or with `end_of_day` its end (an
 * expiry "until 12-20" keeps the item up all of the 20th). */
static int parse_time(const char *given, bool end_of_day, int64_t today, int64_t *out)
{
    if (strchr(given, 'T')) return feed_parse_time(given, out);
    char resolved[96];
    const char *s = given;
    int rel = relative_day(given, today, resolved);
    if (rel < 0) return -1;
    if (rel > 0) {
        snprintf(resolved + 10, sizeof resolved - 10, "%s", given + rel);
        s = resolved;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    size_t len = strlen(s);
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return -1;
    bool date_only = (size_t)n == len;
    if (!date_only) {
        int m = 0;
        if (sscanf(s + n, " %2d:%2d%n", &h, &mi, &m) != 2) return -1;
        n += m;
        if ((size_t)n < len) {
            if (sscanf(s + n, ":%2d%n", &sec, &m) != 1) return -1;
            n += m;
        }
        if ((size_t)n != len) return -1;
    }
    char iso[64], back[64];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, mo, d, h, mi, sec);
    if (feed_parse_time(iso, out)) return -1;
    feed_format_time(*out, back, sizeof back);
    if (strcmp(iso, back) != 0) return -1; /* 2026-02-30 or 25:00 */
    if (date_only && end_of_day) *out += 24 * 3600;
    return 0;
}

static int get_time(Record *r, const char *key, bool required, bool end_of_day, int64_t *out, Err *err)
{
    const char *s;
    *out = 0;
    if (get_text(r, key, required, 64, &s, err)) return -1;
    if (!s) return 0;
    if (parse_time(s, end_of_day, r->file->today, out))
        return rec_fail(r, record_field(r, key)->line, err,
                        "%s: \"%s\" is not a time like 2026-11-20, 2026-11-20 09:00 or 今天+3", key, s);
    return 0;
}

static int set_time(json_t *o, const char *key, int64_t t)
{
    char buf[64];
    feed_format_time(t, buf, sizeof buf);
    return json_object_set_new(o, key, json_string(buf));
}

/* ---- the load context ---------------------------------------------- */

typedef struct {
    const char *dir;
    const char *href_prefix;
    json_t *categories, *items, *notices, *answers; /* the upsert arrays */
    json_t *category_ids; /* id -> line in catalog.txt */
    json_t *item_ids; /* id -> file name */
    int64_t today; /* what relative dates count from */
    ScriptDetector *detect; /* opened on first need: most folders say nothing of their script */
} Load;

/* The script of a text the author did not mark, by OpenCC. */
static int detect_lang(Load *L, const char *text, Lang *out, Err *err)
{
    if (!L->detect && script_detector_open(&L->detect, err) != 0) return -1;
    return script_detect(L->detect, text, out, NULL, NULL, err);
}

/* ---- catalog.txt ------------------------------------------------------ */

/* Columns separated by '|' (or the full-width ｜).  Returns the count. */
static int split_columns(char *line, char **cols, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *bar = strchr(p, '|');
        char *wide = strstr(p, "\xef\xbd\x9c");
        size_t skip = 1;
        if (wide && (!bar || wide < bar)) {
            bar = wide;
            skip = 3;
        }
        cols[n++] = p;
        if (!bar) break;
        *bar = '\0';
        p = bar + skip;
    }
    for (int i = 0; i < n; i++) cols[i] = trim(cols[i]);
    return n;
}

/* Columns of indentation: a space 1, a tab 4, a full-width space 2. */
static int indent_width(const char *line)
{
    int w = 0;
    for (;;) {
        if (*line == ' ' || *line == '\t') w += *line++ == '\t' ? 4 : 1;
        else if (strncmp(line, IDEOGRAPHIC_SPACE, 3) == 0) line += 3, w += 2;
        else return w;
    }
}

typedef struct {
    int indent[FEED_MAX_DEPTH];
    char id[FEED_MAX_DEPTH][PROTO_ID_MAX];
    int children[FEED_MAX_DEPTH + 1]; /* entries met so far under the open parent of each level */
    int depth;
} CatalogStack;

/* Finds the level of a line from its indentation, as in an outline:
 * deeper than the line before = its child, equal to an open level = a
 * sibling there. */
static int catalog_level(const TextFile *t, CatalogStack *st, int w, Err *err)
{
    if (st->depth == 0) {
        if (w != 0) return err_set(err, "%s:%d: a first-level category must not be indented", t->path, t->line);
        return 1;
    }
    if (w > st->indent[st->depth - 1]) {
        if (st->depth == FEED_MAX_DEPTH)
            return err_set(err, "%s:%d: too deep: the catalog has at most three levels (一级/二级/三级目录)", t->path,
                           t->line);
        return st->depth + 1;
    }
    for (int level = st->depth; level >= 1; level--)
        if (st->indent[level - 1] == w) return level;
    return err_set(err, "%s:%d: the indentation does not line up with any category above it", t->path, t->line);
}

static int catalog_line(Load *L, TextFile *t, CatalogStack *st, char *raw, Err *err)
{
    int w = indent_width(raw);
    int level = catalog_level(t, st, w, err);
    if (level < 0) return -1;
    char *cols[7];
    int n = split_columns(trim(raw), cols, 7);
    if (n < 2 || n > 6 || !*cols[1])
        return err_set(
            err, "%s:%d: expected \"id | name | icon | order | rules | lang\" (all but id and name may be left out)",
            t->path, t->line);
    const char *id = cols[0], *name = cols[1], *icon = n > 2 ? cols[2] : "";
    if (!proto_id_valid(id))
        return err_set(err, "%s:%d: \"%s\" is not an id (1-63 characters of A-Z a-z 0-9 - _ .)", t->path, t->line, id);
    json_t *seen = json_object_get(L->category_ids, id);
    if (seen)
        return err_set(err, "%s:%d: the id \"%s\" is already used on line %d", t->path, t->line, id,
                       (int)json_integer_value(seen));
    if (strlen(name) > FEED_MAX_NAME || has_control(name, false))
        return err_set(err, "%s:%d: the name is longer than %d bytes or has a tab or control character", t->path,
                       t->line, FEED_MAX_NAME);
    if (strlen(icon) > FEED_MAX_ICON || strspn(icon, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(icon))
        return err_set(err, "%s:%d: the icon \"%s\" is not an icon name (lower-case letters, digits, - and _)", t->path,
                       t->line, icon);
    st->depth = level;
    st->indent[level - 1] = w;
    snprintf(st->id[level - 1], PROTO_ID_MAX, "%s", id);
    st->children[level] = 0;
    int sort = ++st->children[level - 1];
    if (n > 3 && *cols[3]) {
        char *end;
        long v = strtol(cols[3], &end, 10);
        if (*end || v < -1000000 || v > 1000000)
            return err_set(err, "%s:%d: the order \"%s\" is not a whole number", t->path, t->line, cols[3]);
        sort = (int)v;
    }
    Lang lang;
    if (n > 5 && *cols[5]) {
        int v = match_word(lang_spellings, 2, cols[5]);
        if (v < 0)
            return err_set(err, "%s:%d: the language \"%s\" is not zh-Hans or zh-Hant (简体, 繁體)", t->path, t->line,
                           cols[5]);
        lang = (Lang)v;
    } else if (detect_lang(L, name, &lang, err) != 0) {
        return -1;
    }
    json_t *c = json_object();
    json_object_set_new(c, "id", json_string(id));
    if (level > 1) json_object_set_new(c, "parent", json_string(st->id[level - 2]));
    json_object_set_new(c, "name", json_string(name));
    if (*icon) json_object_set_new(c, "icon", json_string(icon));
    json_object_set_new(c, "sort", json_integer(sort));
    json_object_set_new(c, "lang", json_string(lang_word(lang)));
    if (n > 4 && *cols[4]) {
        json_t *rules;
        if (catalog_rules_parse(cols[4], &rules, err)) {
            json_decref(c);
            return err_prefix(err, "%s:%d: ", t->path, t->line);
        }
        json_object_set_new(c, "rules", rules);
    }
    json_array_append_new(L->categories, c);
    json_object_set_new(L->category_ids, id, json_integer(t->line));
    return 0;
}

static int load_catalog(Load *L, Err *err)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, L->dir, AUTHORING_CATALOG, err)) return -1;
    TextFile t;
    if (text_read(&t, path, MAX_LIST_FILE, err)) return -1;
    CatalogStack st = {0};
    char *line;
    int rc = 0;
    while (rc == 0 && (line = text_next_line(&t)) != NULL) {
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        rc = catalog_line(L, &t, &st, line, err);
    }
    if (rc == 0 && json_array_size(L->categories) == 0) rc = err_set(err, "%s: holds no categories", path);
    text_free(&t);
    return rc;
}

/* ---- images ------------------------------------------------------------ */

static bool safe_file_name(const char *name)
{
    return *name && name[0] != '/' && !strstr(name, "..") && !strchr(name, ':') && !strchr(name, '\\');
}

/* An attachment line's kind: "image:" (PNG, JPEG) or "pdf:" (a document,
 * its pages shown one by one).  Each checks the file with the rule every
 * program shares (proto/image.h, proto/pdf.h), from its bytes, not from
 * its name, so a file no kiosk can show is refused here, before it is
 * published. */
typedef struct AttachmentKind {
    const char *key;
    const char *example;
    const char *(*type)(const char *data, size_t len, Err *err);
} AttachmentKind;

static const char *image_type(const char *data, size_t len, Err *err)
{
    ImageInfo info;
    return image_check(data, len, &info, err) ? NULL : image_mime(info.format);
}

static const char *pdf_type(const char *data, size_t len, Err *err)
{
    PdfProbe probe;
    return pdf_probe(data, len, &probe, err) ? NULL : PROTO_PDF_TYPE;
}

static const AttachmentKind attachment_kinds[] = {
    {"image", "image: chart.png | caption", image_type},
    {"pdf", "pdf: notice.pdf | caption", pdf_type},
};

static const char *file_type(const AttachmentKind *k, const char *path, Err *err)
{
    char *data;
    size_t len;
    if (bytes_read_file(path, FEED_MAX_ATTACHMENT_BYTES, &data, &len, err)) return NULL;
    const char *type = k->type(data, len, err);
    free(data);
    return type;
}

/* "image: chart.png | caption" or "pdf: notice.pdf | caption" -> one attachment. */
static int file_attachment(Load *L, Record *r, Field *f, const AttachmentKind *k, json_t *list, Err *err)
{
    char value[FEED_MAX_HREF + FEED_MAX_CAPTION + 16];
    if (strlen(f->value) >= sizeof value)
        return rec_fail(r, f->line, err, "%s: the line is longer than %zu bytes", k->key, sizeof value - 1);
    snprintf(value, sizeof value, "%s", f->value);
    char *cols[2];
    int n = split_columns(value, cols, 2);
    const char *name = cols[0], *caption = n > 1 ? cols[1] : "";
    if (!*name) return rec_fail(r, f->line, err, "%s: the file name is missing (%s)", k->key, k->example);
    if (!safe_file_name(name))
        return rec_fail(r, f->line, err, "%s: \"%s\" must be a file name inside the folder (no /, .. or :)", k->key,
                        name);
    if (strlen(caption) > FEED_MAX_CAPTION)
        return rec_fail(r, f->line, err, "%s: the caption is longer than %d bytes", k->key, FEED_MAX_CAPTION);
    char path[PATH_MAX];
    if (path_join(path, sizeof path, L->dir, name, err)) return -1;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return rec_fail(r, f->line, err, "%s: \"%s\" is not in the folder %s", k->key, name, L->dir);
    if (st.st_size == 0 || st.st_size > FEED_MAX_ATTACHMENT_BYTES)
        return rec_fail(r, f->line, err, "%s: \"%s\" is %lld bytes; it must be 1 byte to 32 MiB", k->key, name,
                        (long long)st.st_size);
    Err e;
    const char *type = file_type(k, path, &e);
    if (!type) return rec_fail(r, f->line, err, "%s: \"%s\": %s", k->key, name, e.msg);
    char hex[65], href[FEED_MAX_HREF + 64];
    int64_t size;
    if (blobs_hash_file(path, hex, &size, &e)) return rec_fail(r, f->line, err, "%s: %s", k->key, e.msg);
    snprintf(href, sizeof href, "%s%s", L->href_prefix, name);
    if (strlen(href) > FEED_MAX_HREF)
        return rec_fail(r, f->line, err, "%s: the path is longer than %d bytes", k->key, FEED_MAX_HREF);
    json_t *a = json_object();
    json_object_set_new(a, "sha256", json_string(hex));
    json_object_set_new(a, "size", json_integer(size));
    json_object_set_new(a, "type", json_string(type));
    if (*caption) json_object_set_new(a, "caption", json_string(caption));
    json_object_set_new(a, "href", json_string(href));
    json_array_append_new(list, a);
    return 0;
}

/* ---- item files ------------------------------------------------------- */

static const char *const item_keys[] = {"id",      "category", "title", "unit",   "published",
                                        "expires", "period",   "scope", "pinned", "urgent",
                                        "image",   "pdf",      "lang",  "format", NULL};

/* The images first, in their order, then the PDFs: [图N] counts the
 * image lines, so a PDF line anywhere never renumbers the pictures. */
static int item_attachments(Load *L, Record *r, json_t *item, Err *err)
{
    json_t *list = json_array();
    int count = 0, images = 0;
    for (size_t k = 0; k < sizeof attachment_kinds / sizeof attachment_kinds[0]; k++) {
        const AttachmentKind *kind = &attachment_kinds[k];
        for (int i = 0; i < r->nfields; i++) {
            if (strcmp(r->fields[i].key, kind->key) != 0) continue;
            if (++count > FEED_MAX_ATTACHMENTS) {
                json_decref(list);
                return rec_fail(r, r->fields[i].line, err, "%s: at most %d images and PDFs per item", kind->key,
                                FEED_MAX_ATTACHMENTS);
            }
            if (file_attachment(L, r, &r->fields[i], kind, list, err)) {
                json_decref(list);
                return -1;
            }
        }
        if (k == 0) images = count;
    }
    if (r->last_figure > images) {
        json_decref(list);
        return rec_fail(r, r->last_figure_line, err, "[图%d] places image %d, but the item has %d image line(s)",
                        r->last_figure, r->last_figure, images);
    }
    if (count) json_object_set_new(item, "attachments", list);
    else json_decref(list);
    return 0;
}

/* The item's id: the "id:" line, or else the file name without ".txt". */
static int item_id(Record *r, const char *file_name, char *id, Err *err)
{
    const char *given;
    if (get_id(r, "id", false, &given, err)) return -1;
    if (given) {
        snprintf(id, PROTO_ID_MAX, "%s", given);
        return 0;
    }
    size_t n = strlen(file_name) - 4;
    if (n == 0 || n >= PROTO_ID_MAX) return rec_fail(r, r->line, err, "id: is missing and the file name is no id");
    memcpy(id, file_name, n);
    id[n] = '\0';
    if (!proto_id_valid(id))
        return rec_fail(r, r->line, err, "id: is missing, and the file name \"%s\" cannot serve as one", file_name);
    return 0;
}

static int item_build(Load *L, Record *r, const char *file_name, json_t *it, Err *err)
{
    char id[PROTO_ID_MAX];
    const char *category, *title, *unit;
    int64_t published, expires;
    int period, scope, lang, format;
    bool pinned, urgent;
    if (record_check_keys(r, item_keys, "image pdf", err) || item_id(r, file_name, id, err) ||
        get_id(r, "category", true, &category, err) || get_text(r, "title", true, FEED_MAX_TITLE, &title, err) ||
        get_text(r, "unit", false, FEED_MAX_UNIT, &unit, err) ||
        get_time(r, "published", true, false, &published, err) || get_time(r, "expires", false, true, &expires, err) ||
        get_word(r, "period", true, 0, period_spellings, 4,
                 "长期, 定期, 分期, 即时 (or long_term, periodic, phased, immediate)", &period, err) ||
        get_word(r, "scope", true, 0, scope_spellings, 2, "社会, 党内 (or public, internal)", &scope, err) ||
        get_bool(r, "pinned", &pinned, err) || get_bool(r, "urgent", &urgent, err) ||
        get_word(r, "lang", false, -1, lang_spellings, 2, "zh-Hans, zh-Hant (简体, 繁體)", &lang, err) ||
        get_word(r, "format", false, BODY_PLAIN, format_spellings, 2, "plain, markdown", &format, err))
        return -1;
    if (!json_object_get(L->category_ids, category))
        return rec_fail(r, record_field(r, "category")->line, err, "category: \"%s\" is not in %s", category,
                        AUTHORING_CATALOG);
    if (expires && expires <= published)
        return rec_fail(r, record_field(r, "expires")->line, err, "expires: must be after published");
    if (!r->body) return rec_fail(r, r->line, err, "the item has no text after its header");
    if (strlen(r->body) > FEED_MAX_BODY)
        return rec_fail(r, r->body_line, err, "the text is %zu bytes long; at most %d are allowed", strlen(r->body),
                        FEED_MAX_BODY);
    json_t *prev = json_object_get(L->item_ids, id);
    if (prev) return rec_fail(r, r->line, err, "the id \"%s\" is already used by %s", id, json_string_value(prev));
    json_object_set_new(it, "id", json_string(id));
    json_object_set_new(it, "category", json_string(category));
    json_object_set_new(it, "title", json_string(title));
    json_object_set_new(it, "body", json_string(r->body));
    if (unit) json_object_set_new(it, "unit", json_string(unit));
    set_time(it, "published_at", published);
    if (expires) set_time(it, "expires_at", expires);
    json_object_set_new(it, "period", json_string(period_word((Period)period)));
    json_object_set_new(it, "scope", json_string(scope_word((Scope)scope)));
    json_object_set_new(it, "pinned", json_boolean(pinned));
    json_object_set_new(it, "urgent", json_boolean(urgent));
    if (lang < 0) {
        /* Not said: OpenCC decides from the title and the text together. */
        size_t n = strlen(title) + strlen(r->body) + 2;
        char *both = malloc(n);
        if (!both) return err_set(err, "out of memory");
        snprintf(both, n, "%s\n%s", title, r->body);
        Lang found;
        int rc = detect_lang(L, both, &found, err);
        free(both);
        if (rc != 0) return rec_fail(r, r->line, err, "%s", err->msg);
        lang = (int)found;
    }
    json_object_set_new(it, "lang", json_string(lang_word((Lang)lang)));
    json_object_set_new(it, "body_format", json_string(body_format_word((BodyFormat)format)));
    if (item_attachments(L, r, it, err)) return -1;
    json_object_set_new(L->item_ids, id, json_string(file_name));
    return 0;
}

static int load_item(Load *L, const char *file_name, Err *err)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, L->dir, file_name, err)) return -1;
    TextFile t;
    if (text_read(&t, path, MAX_ITEM_FILE, err)) return -1;
    t.today = L->today;
    Record r;
    int rc = record_read(&t, false, &r, err);
    if (rc == 1) rc = err_set(err, "%s: is empty; an item needs a header and a text", path);
    json_t *it = json_object();
    if (rc == 0) rc = item_build(L, &r, file_name, it, err);
    if (rc == 0) json_array_append(L->items, it);
    json_decref(it);
    record_free(&r);
    text_free(&t);
    return rc;
}

static bool is_item_file(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.' || n < 5 || strcmp(name + n - 4, ".txt") != 0) return false;
    return strcmp(name, AUTHORING_CATALOG) != 0 && strcmp(name, AUTHORING_NOTICES) != 0 &&
           strcmp(name, AUTHORING_ANSWERS) != 0;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Item files in name order, so the feed does not depend on the order in
 * which the file system lists them. */
static int load_items(Load *L, Err *err)
{
    DIR *d = opendir(L->dir);
    if (!d) return err_set(err, "%s: cannot open the folder: %s", L->dir, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_item_file(e->d_name)) continue;
        char **grown = n < MAX_ITEMS ? realloc(names, (n + 1) * sizeof *names) : NULL;
        if (!grown) {
            rc = err_set(err, "%s: more than %d item files, or out of memory", L->dir, MAX_ITEMS);
            break;
        }
        names = grown;
        if (!(names[n] = strdup(e->d_name))) rc = err_set(err, "out of memory");
        else n++;
    }
    closedir(d);
    if (names) qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; rc == 0 && i < n; i++) rc = load_item(L, names[i], err);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* ---- notices.txt and answers.txt -------------------------------------- */

static const char *const notice_keys[] = {"id", "urgent", "period", "starts", "ends", "order", NULL};
static const char *const answer_keys[] = {"id", "question", "item", "asked", "answered", NULL};

static int record_unique_id(Record *r, json_t *seen, const char **id, Err *err)
{
    if (get_id(r, "id", true, id, err)) return -1;
    json_t *prev = json_object_get(seen, *id);
    if (prev)
        return rec_fail(r, record_field(r, "id")->line, err, "the id \"%s\" is already used on line %d", *id,
                        (int)json_integer_value(prev));
    json_object_set_new(seen, *id, json_integer(record_field(r, "id")->line));
    return 0;
}

static int notice_build(Load *L, Record *r, json_t *seen, json_t *n, Err *err)
{
    const char *id;
    bool urgent;
    int period, order;
    int64_t starts, ends;
    if (record_check_keys(r, notice_keys, NULL, err) || record_unique_id(r, seen, &id, err) ||
        get_bool(r, "urgent", &urgent, err) ||
        get_word(r, "period", false, PERIOD_IMMEDIATE, period_spellings, 4, "长期, 定期, 分期, 即时", &period, err) ||
        get_time(r, "starts", false, false, &starts, err) || get_time(r, "ends", false, true, &ends, err) ||
        get_int(r, "order", (int)json_array_size(L->notices) + 1, &order, err))
        return -1;
    if (!r->body) return rec_fail(r, r->line, err, "the notice has no text after its header");
    if (strchr(r->body, '\n')) return rec_fail(r, r->body_line, err, "a notice is one line of text");
    if (strchr(r->body, '\t')) return rec_fail(r, r->body_line, err, "a notice must not contain a tab");
    if (strlen(r->body) > FEED_MAX_NOTICE)
        return rec_fail(r, r->body_line, err, "the notice is longer than %d bytes", FEED_MAX_NOTICE);
    if (starts && ends && ends <= starts)
        return rec_fail(r, record_field(r, "ends")->line, err, "ends: must be after starts");
    json_object_set_new(n, "id", json_string(id));
    json_object_set_new(n, "text", json_string(r->body));
    json_object_set_new(n, "urgent", json_boolean(urgent));
    json_object_set_new(n, "period", json_string(period_word((Period)period)));
    if (starts) set_time(n, "starts_at", starts);
    if (ends) set_time(n, "ends_at", ends);
    json_object_set_new(n, "sort", json_integer(order));
    return 0;
}

static int answer_build(Load *L, Record *r, json_t *seen, json_t *a, Err *err)
{
    const char *id, *question, *item;
    int64_t asked, answered;
    if (record_check_keys(r, answer_keys, NULL, err) || record_unique_id(r, seen, &id, err) ||
        get_text(r, "question", true, FEED_MAX_QUESTION, &question, err) || get_id(r, "item", false, &item, err) ||
        get_time(r, "asked", false, false, &asked, err) || get_time(r, "answered", true, false, &answered, err))
        return -1;
    if (item && !json_object_get(L->item_ids, item))
        return rec_fail(r, record_field(r, "item")->line, err, "item: there is no item \"%s\" in the folder", item);
    if (!r->body) return rec_fail(r, r->line, err, "the answer text is missing after the header");
    if (strlen(r->body) > FEED_MAX_ANSWER)
        return rec_fail(r, r->body_line, err, "the answer is longer than %d bytes", FEED_MAX_ANSWER);
    json_object_set_new(a, "id", json_string(id));
    json_object_set_new(a, "question", json_string(question));
    json_object_set_new(a, "answer", json_string(r->body));
    if (item) json_object_set_new(a, "item", json_string(item));
    if (asked) set_time(a, "asked_at", asked);
    set_time(a, "answered_at", answered);
    return 0;
}

typedef int (*RecordBuilder)(Load *L, Record *r, json_t *seen, json_t *out, Err *err);

/* A file of records separated by "===" lines; absent = none. */
static int load_records(Load *L, const char *name, RecordBuilder build, json_t *array, Err *err)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, L->dir, name, err)) return -1;
    if (access(path, F_OK) != 0 && errno == ENOENT) return 0;
    TextFile t;
    if (text_read(&t, path, MAX_LIST_FILE, err)) return -1;
    t.today = L->today;
    json_t *seen = json_object();
    int rc = 0;
    for (;;) {
        Record r;
        rc = record_read(&t, true, &r, err);
        json_t *o = json_object();
        if (rc == 0) rc = build(L, &r, seen, o, err);
        if (rc == 0) json_array_append(array, o);
        json_decref(o);
        record_free(&r);
        if (rc != 0) break;
    }
    json_decref(seen);
    text_free(&t);
    return rc < 0 ? -1 : 0;
}

/* ---- the document ----------------------------------------------------- */

static json_t *section(json_t *upserts)
{
    json_t *s = json_object();
    json_object_set_new(s, "upsert", upserts);
    return s;
}

/* The safety net: the document must pass the feed rules every kiosk
 * applies (proto/feed.h). */
static int check_with_feed_rules(const char *dir, const json_t *doc, Err *err)
{
    char *text = authoring_feed_text(doc);
    if (!text) return err_set(err, "out of memory");
    Err e;
    int rc = feed_parse(text, strlen(text), NULL, &e);
    free(text);
    if (rc) return err_set(err, "%s: the feed made from this folder is refused by the feed rules: %s", dir, e.msg);
    return 0;
}

int authoring_load(const char *dir, const AuthoringOptions *opt, json_t **out, Err *err)
{
    *out = NULL;
    if (opt->revision < 0) return err_set(err, "the revision must be 0 or more");
    Load L = {
        .dir = dir,
        .href_prefix = opt->href_prefix ? opt->href_prefix : "",
        .today = opt->today ? opt->today : (int64_t)time(NULL),
        .categories = json_array(),
        .items = json_array(),
        .notices = json_array(),
        .answers = json_array(),
        .category_ids = json_object(),
        .item_ids = json_object(),
    };
    json_t *doc = json_object();
    json_object_set_new(doc, "format", json_string(FEED_FORMAT));
    json_object_set_new(doc, "version", json_integer(FEED_VERSION));
    json_object_set_new(doc, "kind", json_string("snapshot"));
    json_object_set_new(doc, "revision", json_integer(opt->revision));
    json_object_set_new(doc, "categories", section(L.categories));
    json_object_set_new(doc, "items", section(L.items));
    json_object_set_new(doc, "notices", section(L.notices));
    json_object_set_new(doc, "answers", section(L.answers));
    int rc = load_catalog(&L, err);
    if (rc == 0) rc = load_items(&L, err);
    if (rc == 0) rc = load_records(&L, AUTHORING_NOTICES, notice_build, L.notices, err);
    if (rc == 0) rc = load_records(&L, AUTHORING_ANSWERS, answer_build, L.answers, err);
    if (rc == 0) rc = check_with_feed_rules(dir, doc, err);
    json_decref(L.category_ids);
    json_decref(L.item_ids);
    script_detector_close(L.detect);
    if (rc) {
        json_decref(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

int authoring_drop_internal(json_t *doc)
{
    json_t *items = json_object_get(json_object_get(doc, "items"), "upsert");
    int dropped = 0;
    for (size_t i = json_array_size(items); i-- > 0;) {
        const char *scope = json_string_value(json_object_get(json_array_get(items, i), "scope"));
        if (scope_parse(scope) == SCOPE_PUBLIC) continue;
        json_array_remove(items, i);
        dropped++;
    }
    return dropped;
}

char *authoring_feed_text(const json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) return NULL;
    size_t n = strlen(text);
    char *grown = realloc(text, n + 2);
    if (!grown) {
        free(text);
        return NULL;
    }
    grown[n] = '\n';
    grown[n + 1] = '\0';
    return grown;
}

int authoring_write_feed(const json_t *doc, const char *path, Err *err)
{
    char *text = authoring_feed_text(doc);
    if (!text) return err_set(err, "out of memory");
    char tmp[PATH_MAX];
    if (path_format(tmp, sizeof tmp, err, "%s.tmp", path)) {
        free(text);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        free(text);
        return err_set(err, "%s: cannot create: %s", tmp, strerror(errno));
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    free(text);
    int saved = errno;
    bool ok = done == len && fsync(fd) == 0;
    if (!ok && done == len) saved = errno;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        if (ok) saved = errno;
        unlink(tmp);
        return err_set(err, "%s: cannot write: %s", path, strerror(saved));
    }
    return 0;
}
