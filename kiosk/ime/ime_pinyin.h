/* ime_pinyin.h — pinyin input for the on-screen keyboard, through librime.
 *
 * Owns the one librime instance of the process (librime keeps global
 * state, so there is at most one ImePinyin open at a time) and its input
 * session.  The schema is luna_pinyin_simp from Debian's
 * rime-data-luna-pinyin, so the output is Simplified Chinese (你好, 国家).
 *
 * Engine data: librime compiles the schema from the shared data folder
 * (Debian's /usr/share/rime-data, using its prebuilt tables) into a user
 * folder (var/rime by default).  ime_pinyin_open() starts that deployment
 * on librime's own maintenance thread and returns at once, so the UI never
 * waits: ime_pinyin_ready() says when typing works (the first start takes
 * about a second on a cheap PC, later starts only check file times).  The
 * user folder also receives two small patch files that limit the
 * deployment to the one schema and switch off the user dictionary: a
 * public kiosk must not learn (and later suggest) what a visitor typed.
 *
 * All other functions are for the UI thread. */
#ifndef KIOSK_IME_PINYIN_H
#define KIOSK_IME_PINYIN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define IME_CANDIDATE_MAX 64 /* bytes of one candidate (UTF-8) */
#define IME_PAGE_MAX 16 /* candidates on one page, at most */

typedef struct ImePinyin ImePinyin;

typedef struct ImeCandidates {
    char text[IME_PAGE_MAX][IME_CANDIDATE_MAX];
    int count; /* in text[] */
    int first; /* index of text[0] in the whole list */
    bool more; /* a further page exists */
} ImeCandidates;

/* Starts the engine: checks that the schema is in shared_dir, creates
 * user_dir, and starts the deployment in the background. */
int ime_pinyin_open(const char *shared_dir, const char *user_dir, ImePinyin **out, Err *err);
void ime_pinyin_close(ImePinyin *p);

/* true once the deployment has finished and a session is ready; false
 * while it runs.  -1 (with err) when the deployment failed. */
int ime_pinyin_ready(ImePinyin *p, Err *err);
/* Blocks until the deployment has finished (tests, kioskctl). */
int ime_pinyin_wait_ready(ImePinyin *p, Err *err);

/* Types one key: a letter a-z (upper case is folded) or the syllable
 * separator '\''.  0 when taken, 1 when the key is not pinyin (the caller
 * then inserts it as it is), -1 when the engine is not ready. */
int ime_pinyin_type(ImePinyin *p, char c);
/* Removes the last typed letter; 1 when there was nothing to remove. */
int ime_pinyin_backspace(ImePinyin *p);
/* Drops everything typed and not yet committed. */
void ime_pinyin_clear(ImePinyin *p);
/* true while there are letters waiting for a choice. */
bool ime_pinyin_composing(ImePinyin *p);
/* The letters typed, split into syllables ("ni hao"), or the characters
 * already chosen followed by the rest ("你hao"); "" when not composing. */
const char *ime_pinyin_preedit(ImePinyin *p);

/* Up to `count` candidates (at most IME_PAGE_MAX) starting at index
 * `first` of the whole list; the keyboard shows as many as fit its bar and
 * asks for the next ones from where the shown ones end.  Empty when not
 * composing or past the end. */
int ime_pinyin_candidates(ImePinyin *p, int first, int count, ImeCandidates *out, Err *err);

/* Chooses candidate `index` of the whole list (ImeCandidates.first + i).
 * When the choice completes the input, the text is committed: copied to
 * committed (NUL-terminated) and 1 is returned.  When it covers only the
 * first syllables (你 for "nihao"), 0 is returned and the candidates now
 * continue with the rest.  -1 on a bad index. */
int ime_pinyin_choose(ImePinyin *p, int index, char *committed, size_t size, Err *err);

/* Commits the letters as typed (for a visitor who wants Latin text after
 * all); 1 and the text in committed, 0 when not composing. */
int ime_pinyin_commit_raw(ImePinyin *p, char *committed, size_t size);

#endif
