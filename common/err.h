/* err.h — the one error convention, used by every program.
 *
 *   - A call that can fail returns 0 on success and -1 on failure, and
 *     fills the caller's Err with a sentence a person can act on:
 *     `return err_set(err, "...", ...);`.  Callers pass it up (adding
 *     context with err_prefix) or log it; nothing prints and carries on.
 *   - A lookup of one thing may return 1 for "not there"; nothing else
 *     is ever returned, so 1 cannot be mistaken for a failure.
 *   - A count or a yes/no question answers through an out parameter and
 *     returns the status separately (`int store_blob_referenced(Store *,
 *     const char *sha, bool *used, Err *)`): a failed query is never read
 *     as "0" or "no".  Whoever acts on the answer fails closed — when it
 *     cannot tell, it does not delete, does not let through.
 *   - Messages travel only in Err; there are no message buffers beside it.
 *     Where the reader is a visitor or a client rather than the log, Err
 *     holds the sentence for them (feedback_form_check) and `kind` says
 *     what sort of failure it is (countyd answers 400, 404, 409 ... by it).
 *   - A NULL Err is allowed where the caller does not care. */
#ifndef KIOSK_ERR_H
#define KIOSK_ERR_H

#include <stdarg.h>

/* What sort of failure an Err describes.  Most code never sets one and
 * leaves ERR_FAULT (something broke: a database, a disk, memory); a
 * server tells a client to change its request with the others. */
typedef enum {
    ERR_FAULT = 0, /* the program or its environment failed */
    ERR_BAD_REQUEST, /* the request is malformed or breaks a rule */
    ERR_NOT_FOUND, /* what the request names does not exist */
    ERR_FORBIDDEN, /* the asker may not do this (role, organisation) */
    ERR_WRONG_STATE, /* not now: the thing is in another state */
    ERR_CONFLICT, /* it collides with what is already there */
    ERR_PRIVACY, /* countyd's privacy review found personal data (privacy.h) */
    ERR_HASH_MISMATCH, /* bytes do not match the hash they came with */
    ERR_UNSUPPORTED_TYPE, /* a kind of content that is not accepted */
} ErrKind;

typedef struct Err {
    char msg[512];
    ErrKind kind;
} Err;

/* The va_list forms of err_set and err_prefix; they return nothing, the
 * inline wrappers below return the -1. */
void err_vset(Err *err, ErrKind kind, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
void err_vprefix(Err *err, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Sets err->msg from a printf-style format (kind ERR_FAULT) and returns
 * -1, so that a failing path reads `return err_set(err, "...", ...);`.
 * Inline, so that the compiler and its analyzer see that it is always -1
 * (what follows `return err_set(...)` is never a success). */
__attribute__((format(printf, 2, 3))) static inline int err_set(Err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, ERR_FAULT, fmt, ap);
    va_end(ap);
    return -1;
}

/* The same with a kind: `return err_refuse(err, ERR_NOT_FOUND, "...")`.
 * A macro around err_kind_set so that the compiler sees the -1 (and
 * knows what follows a refusal is not reached with success). */
void err_kind_set(Err *err, ErrKind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define err_refuse(err, kind, ...) (err_kind_set((err), (kind), __VA_ARGS__), -1)

/* Gives an Err already filled a kind, and returns -1: countyd marks the
 * feed rules' message as the client's fault (ERR_BAD_REQUEST). */
#define err_mark(err, kind) (err_kind_set((err), (kind), NULL), -1)

/* Prefixes the existing message with more context ("feed.json: " + msg);
 * keeps the kind. */
__attribute__((format(printf, 2, 3))) static inline int err_prefix(Err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vprefix(err, fmt, ap);
    va_end(ap);
    return -1;
}

#endif
