#include "wire.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool all_in(const char *s, size_t n, const char *allowed) { return strspn(s, allowed) == n; }

#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
#define FEEDBACK_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"

bool proto_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n > 0 && n < PROTO_ID_MAX && all_in(id, n, ID_CHARS);
}

bool proto_feedback_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n >= FEEDBACK_ID_MIN && n <= FEEDBACK_ID_MAX && all_in(id, n, FEEDBACK_ID_CHARS);
}

bool proto_sha256_valid(const char *hex)
{
    return hex && strlen(hex) == PROTO_SHA256_HEX && all_in(hex, PROTO_SHA256_HEX, "0123456789abcdef");
}

bool proto_image_type_valid(const char *mime)
{
    return mime && (strcmp(mime, "image/png") == 0 || strcmp(mime, "image/jpeg") == 0);
}

bool proto_pdf_type(const char *mime) { return mime && strcmp(mime, PROTO_PDF_TYPE) == 0; }

bool proto_attachment_type_valid(const char *mime) { return proto_image_type_valid(mime) || proto_pdf_type(mime); }

/* ---- vocabularies ---------------------------------------------------------- */

static const char *const period_words[] = {"long_term", "periodic", "phased", "immediate"};
static const char *const period_labels[] = {"长期", "定期", "分期", "即时"};
static const char *const scope_words[] = {"public", "internal"};
static const char *const feedback_words[] = {"rating", "comment", "request", "report"};
static const char *const lang_words[] = {"zh-Hans", "zh-Hant"};
static const char *const body_format_words[] = {"plain", "markdown"};
#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

static int word_index(const char *const *words, int n, const char *word)
{
    for (int i = 0; word && i < n; i++)
        if (strcmp(words[i], word) == 0) return i;
    return -1;
}

static const char *word_at(const char *const *words, int n, unsigned i) { return i < (unsigned)n ? words[i] : NULL; }

int period_parse(const char *word) { return word_index(period_words, COUNT(period_words), word); }
const char *period_word(Period p) { return word_at(period_words, COUNT(period_words), (unsigned)p); }
const char *period_label(Period p) { return word_at(period_labels, COUNT(period_labels), (unsigned)p); }
int scope_parse(const char *word) { return word_index(scope_words, COUNT(scope_words), word); }
const char *scope_word(Scope s) { return word_at(scope_words, COUNT(scope_words), (unsigned)s); }
int lang_parse(const char *word) { return word_index(lang_words, COUNT(lang_words), word); }
const char *lang_word(Lang l) { return word_at(lang_words, COUNT(lang_words), (unsigned)l); }
int body_format_parse(const char *word) { return word_index(body_format_words, COUNT(body_format_words), word); }
const char *body_format_word(BodyFormat f) { return word_at(body_format_words, COUNT(body_format_words), (unsigned)f); }
int feedback_kind_parse(const char *word) { return word_index(feedback_words, COUNT(feedback_words), word); }
const char *feedback_kind_word(FeedbackKind k) { return word_at(feedback_words, COUNT(feedback_words), (unsigned)k); }

/* ---- time -------------------------------------------------------------------- */

/* sscanf + timegm instead of strptime: strptime accepts single-digit
 * fields and leading blanks, and the sanitizer's interceptor for it
 * misreports the end pointer. */
int feed_parse_time(const char *text, int64_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19) return -1;
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

/* `t`'s calendar fields in China Standard Time. */
static struct tm cst_fields(int64_t t)
{
    time_t local = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    return tm;
}

void feed_format_time(int64_t t, char *buf, size_t size)
{
    struct tm tm = cst_fields(t);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

int feed_parse_day(const char *text, int64_t *out)
{
    char time_text[32];
    if (!text || strlen(text) != 10) return -1;
    snprintf(time_text, sizeof time_text, "%sT00:00:00+08:00", text);
    return feed_parse_time(time_text, out);
}

void feed_format_day(int64_t t, char *buf, size_t size)
{
    struct tm tm = cst_fields(t);
    strftime(buf, size, "%Y-%m-%d", &tm);
}
