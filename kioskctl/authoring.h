/* authoring.h — the authoring folder (docs/AUTHORING.md) turned into a feed.
 *
 * Owns the plain-text format in which county staff write content: one text
 * file per item (a "key: value" header, then the body), images beside
 * them, the category tree in catalog.txt, ticker notices in notices.txt and
 * public answers in answers.txt.  authoring_load() reads such a folder and
 * builds a feed snapshot (docs/FEED.md) as a jansson document, hashing each
 * image; every mistake is reported as "FILE:LINE: what is wrong".  The
 * finished document is also run through the real importer (into a
 * throw-away in-memory store), so whatever this module accepts, a kiosk
 * accepts too.
 *
 * Used by `kioskctl feed DIR` (writes the snapshot to a file) and
 * `kioskctl publish DIR` (sends it to countyd). */
#ifndef SYNC_AUTHORING_H
#define SYNC_AUTHORING_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

/* The special files of a folder; every other *.txt file is one item. */
#define AUTHORING_CATALOG "catalog.txt"
#define AUTHORING_NOTICES "notices.txt" /* optional */
#define AUTHORING_ANSWERS "answers.txt" /* optional */

typedef struct AuthoringOptions {
    int64_t revision; /* the snapshot's "revision" (>= 0) */
    /* Put before each image's file name to make its href, so that the
     * href is relative to where the feed file will be written: "content/"
     * for a feed written beside the folder.  NULL or "" = relative to the
     * folder itself. */
    const char *href_prefix;
    /* A moment of the day relative dates ("今天+3") count from, in China
     * Standard Time; 0 = now. */
    int64_t today;
} AuthoringOptions;

/* Reads the folder `dir` and builds a snapshot document in *out (the
 * caller json_decref()s it).  On error nothing is returned and err says
 * "FILE:LINE: what is wrong" (or "FILE: ..." for whole-file problems). */
int authoring_load(const char *dir, const AuthoringOptions *opt, json_t **out, Err *err);

/* Takes the 党内 (internal) items out of the document, for a feed a kiosk
 * will read: a lobby kiosk's disk never holds internal text.  Returns how
 * many were taken out. */
int authoring_drop_internal(json_t *doc);

/* The document as feed text, the one way every caller writes it (stable
 * key order, two-space indent, UTF-8, final newline), so that a feed
 * regenerated from the same folder is byte for byte the same.  malloc'd;
 * NULL when out of memory. */
char *authoring_feed_text(const json_t *doc);

/* Writes the text to `path` atomically (temporary file, fsync, rename). */
int authoring_write_feed(const json_t *doc, const char *path, Err *err);

#endif
