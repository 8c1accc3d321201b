/* accounts.h — the web console's passwords and sessions (docs/CONSOLE.md).
 *
 * Owns the console_passwords table (an admin's password as an argon2id
 * hash from libargon2, the forced change after a password was set by
 * someone else, the count of failed logins and the lockout) and the
 * console_sessions table (a session is a random token in an HttpOnly,
 * SameSite=Strict cookie, stored only as its SHA-256, with a CSRF token
 * the page sends back on every change, an idle expiry and an absolute
 * one).  A session acts as its admin: the same routes, the same checks as
 * the admin's bearer token (routes.c).
 *
 * Results: 0, -1 (server fault) or an AccountResult. */
#ifndef COUNTYD_ACCOUNTS_H
#define COUNTYD_ACCOUNTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "cdb.h"
#include "err.h"

#define ACCOUNT_MAX_FAILURES 5 /* wrong passwords in a row before the lockout */
#define ACCOUNT_LOCK_SECONDS (15 * 60)
#define ACCOUNT_MIN_PASSWORD 10 /* characters (bytes of UTF-8 count as one each) */
#define ACCOUNT_MAX_PASSWORD 200
#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_MAX_SECONDS (12 * 60 * 60)
#define SESSION_COOKIE "dw_session"

typedef enum {
    ACCOUNT_BAD_LOGIN = 1, /* 401: unknown name or wrong password (never says which) */
    ACCOUNT_LOCKED, /* 429: too many failures; Err says until when */
    ACCOUNT_WEAK_PASSWORD, /* 400: the new password breaks a rule; Err says which */
    ACCOUNT_NO_ADMIN, /* 404: no such admin */
} AccountResult;

typedef struct {
    char token[AUTH_TOKEN_LEN + 1]; /* the cookie's value, known only to the browser */
    char csrf[AUTH_TOKEN_LEN + 1];
    char admin[128];
    bool must_change; /* only the password change is allowed */
    int64_t expires_at;
} Session;

/* Sets a password for an existing admin.  `must_change`: the admin must
 * choose a new one at the next login (a password someone else set). */
int account_set_password(Cdb *db, const char *actor, const char *admin, const char *password, bool must_change,
                         Err *err);
/* A random first password for `admin` (must be changed at first login),
 * written to `out` (at least 17 bytes); clears a lockout. */
int account_initial_password(Cdb *db, const char *actor, const char *admin, char *out, size_t size, Err *err);
/* Checks name and password; on success opens a session.  Failures count
 * towards the lockout; a locked account is refused without checking. */
int account_login(Cdb *db, const char *name, const char *password, Session *out, Err *err);
/* Changes the session's admin's own password (the old one must be right);
 * lifts must_change and ends the admin's other sessions. */
int account_change_password(Cdb *db, const Session *s, const char *old_password, const char *new_password, Err *err);
/* 0 and the session for a cookie token (extending its idle expiry), 1 when
 * the token is unknown or expired, -1 on a fault. */
int session_find(Cdb *db, const char *token, Session *out, Err *err);
int session_end(Cdb *db, const char *token, Err *err);
/* Constant-time comparison of the CSRF token a request carries. */
bool session_csrf_ok(const Session *s, const char *presented);
/* {"name","org","roles","has_password","must_change","locked_until","failures",
 * "last_login"} per admin of `top` and below. */
int accounts_list(Cdb *db, const char *top, json_t **out, Err *err);

#endif
