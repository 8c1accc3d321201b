/* privacy.h — the privacy review (保密审查/脱密处理, seed 002) before anything
 * public leaves the server.
 *
 * Scans text for what must not be published by accident:
 *
 *   身份证号   18 characters, 17 digits and a check digit (0-9 or X) that
 *              is right by GB 11643 (ISO 7064 MOD 11-2);
 *   手机号     mainland mobile numbers: 11 digits 1[3-9]…, also written
 *              with spaces or hyphens (138 0013 8000, +86 138-0013-8000);
 *   银行卡号   16-19 digits (spaces or hyphens between groups allowed)
 *              passing the Luhn check;
 *   来访者信息 the names and phone numbers visitors left in feedback to
 *              the organisation or those below it (so that a public answer
 *              or an item never repeats them).
 *
 * A run of digits is taken as a whole: a 20-digit file number is none of
 * the above.  Each finding is {"kind", "label", "text" (masked), "field"}.
 * content.c runs it when an item is approved, when a notice or an authored
 * answer is stored and when a reply is made public; a finding blocks that
 * step (ERR_PRIVACY) until the text is edited or a reason to keep it is
 * recorded (e.g. a 任前公示 names the candidate). */
#ifndef COUNTYD_PRIVACY_H
#define COUNTYD_PRIVACY_H

#include <jansson.h>

#include "cdb.h"
#include "err.h"

/* Appends the findings in `text` (field = where it was, for the message). */
void privacy_scan_text(const char *text, const char *field, json_t *findings);
/* Appends the visitors' names and phones of feedback to `org` and below
 * that occur in `text`. */
int privacy_scan_visitors(Cdb *db, const char *org, const char *text, const char *field, json_t *findings, Err *err);

/* Scans every text of a feed entry (title, body, captions; question and
 * answer; a notice's text) for organisation `org`. */
int privacy_scan_entry(Cdb *db, const char *org, json_t *entry, json_t **findings, Err *err);

/* -1 with ERR_PRIVACY and a message listing the findings, unless there are none
 * (0) or `reason` records why they must stay (0; the caller audits it). */
int privacy_verdict(json_t *findings, const char *reason, Err *err);

#endif
