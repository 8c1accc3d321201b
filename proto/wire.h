/* wire.h — the rules every program applies to what travels between them:
 * ids, attachment names (sha256), the vocabularies of the feed and of
 * feedback, and the time format.  Defined once here; the kiosk, kioskctl
 * and countyd all call these (docs/FEED.md, docs/PROTOCOL.md). */
#ifndef PROTO_WIRE_H
#define PROTO_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protolimits.h"

/* ---- ids and names ----------------------------------------------------- */

#define PROTO_ID_RULE "1-63 characters of A-Z a-z 0-9 - _ ."

/* An id of a category, item, notice, answer or kiosk: PROTO_ID_RULE.
 * NULL is not an id. */
bool proto_id_valid(const char *id);
/* A feedback submission's id: FEEDBACK_ID_MIN..FEEDBACK_ID_MAX of
 * A-Z a-z 0-9 -. */
bool proto_feedback_id_valid(const char *id);
/* An attachment's name: 64 lowercase hexadecimal digits. */
bool proto_sha256_valid(const char *hex);
/* The attachment types a feed may carry: pictures (image/png, image/jpeg)
 * and documents (application/pdf, proto/pdf.h). */
#define PROTO_PDF_TYPE "application/pdf"
#define PROTO_ATTACHMENT_TYPES "image/png, image/jpeg or application/pdf"
bool proto_attachment_type_valid(const char *mime);
/* A picture: image/png or image/jpeg. */
bool proto_image_type_valid(const char *mime);
/* A document: application/pdf. */
bool proto_pdf_type(const char *mime);

/* The header of a 304 that ends a kiosk's content long-poll early because
 * the server has something for it outside the feed (a command, such as a
 * screenshot asked for on the console): the kiosk sends its heartbeat at
 * once and reads the command from its answer (docs/PROTOCOL.md). */
#define PROTO_CALL_HEADER "X-Kiosk-Call"
#define PROTO_CALL_HEARTBEAT "heartbeat"

/* ---- vocabularies -------------------------------------------------------
 * The words on the wire and the enums the programs use.  *_parse returns
 * -1 for a word that is not in the vocabulary (and for NULL); *_word and
 * *_label return NULL for a value out of range. */

typedef enum { PERIOD_LONG_TERM, PERIOD_PERIODIC, PERIOD_PHASED, PERIOD_IMMEDIATE } Period;
#define PERIOD_WORDS "long_term, periodic, phased, immediate"
int period_parse(const char *word);
const char *period_word(Period p);
const char *period_label(Period p); /* 长期/定期/分期/即时, what a visitor reads */

typedef enum { SCOPE_PUBLIC, SCOPE_INTERNAL } Scope;
#define SCOPE_WORDS "public, internal"
int scope_parse(const char *word);
const char *scope_word(Scope s);

/* The script a text is written in (the feed's "lang": BCP 47 "zh-Hans",
 * "zh-Hant"): it chooses the SC or TC face. */
typedef enum { LANG_HANS, LANG_HANT } Lang;
#define LANG_WORDS "zh-Hans, zh-Hant"
int lang_parse(const char *word);
const char *lang_word(Lang l);

/* How an item's body is written (the feed's "body_format"): "plain", one
 * paragraph a line, or "markdown", CommonMark with GFM tables (FEED.md). */
typedef enum { BODY_PLAIN, BODY_MARKDOWN } BodyFormat;
#define BODY_FORMAT_WORDS "plain, markdown"
int body_format_parse(const char *word);
const char *body_format_word(BodyFormat f);

/* A report (举报) is a comment meant for the supervising role (监督, e.g.
 * the 纪委): it is handled as a case like a request. */
typedef enum { FEEDBACK_RATING, FEEDBACK_COMMENT, FEEDBACK_REQUEST, FEEDBACK_REPORT } FeedbackKind;
#define FEEDBACK_KIND_WORDS "rating, comment, request, report"
int feedback_kind_parse(const char *word);
const char *feedback_kind_word(FeedbackKind k);

/* ---- time ---------------------------------------------------------------- */

#define PROTO_TIME_EXAMPLE "2026-11-01T09:00:00+08:00"
/* "2026-11-01T09:00:00+08:00" (or ...Z): RFC 3339 with fixed-width fields
 * -> seconds since the epoch.  0 on success, -1 when it is no such time. */
int feed_parse_time(const char *text, int64_t *out);
/* The inverse, in China Standard Time (+08:00), for writing feeds; `size`
 * of at least 26 bytes. */
void feed_format_time(int64_t t, char *buf, size_t size);

/* A calendar day in China Standard Time, "2026-11-01" (views are counted
 * by day).  feed_parse_day -> the day's first second; -1 when it is no such
 * day.  feed_format_day: the day `t` falls on, into PROTO_DAY_SIZE bytes. */
#define PROTO_DAY_EXAMPLE "2026-11-01"
#define PROTO_DAY_SIZE 11
int feed_parse_day(const char *text, int64_t *out);
void feed_format_day(int64_t t, char *buf, size_t size);

#endif
