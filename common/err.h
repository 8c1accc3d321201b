/* err.h — the one error-handling style used everywhere.
 *
 * A function that can fail returns 0 on success and -1 on failure, and
 * fills the caller's Err with a sentence a person can act on.  Callers
 * either pass the Err up unchanged or log it; they never print and carry
 * on silently.  A NULL Err is allowed where the caller does not care. */
#ifndef KIOSK_ERR_H
#define KIOSK_ERR_H

#include <stdarg.h>

typedef struct Err {
    char msg[512];
} Err;

/* Sets err->msg from a printf-style format and returns -1, so that a
 * failing path reads `return err_set(err, "...", ...);`. */
int err_set(Err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with more context ("feed.json: " + msg). */
int err_prefix(Err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
