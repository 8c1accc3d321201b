/* admins.h — the county's admins and their tokens.
 *
 * Admins are created only on the server machine (countyd --add-admin),
 * never over the network; each has its own token so that the audit trail
 * names a person. */
#ifndef COUNTYD_ADMINS_H
#define COUNTYD_ADMINS_H

#include "auth.h"
#include "cdb.h"
#include "err.h"

/* Creates the admin, or gives an existing one a new token. */
int admin_add(Cdb *db, const char *name, char token[AUTH_TOKEN_LEN + 1], Err *err);
/* 0 and the admin's name when the token is an admin's, 1 when not. */
int admin_by_token(Cdb *db, const char *token, char *name, size_t size);
int admin_count(Cdb *db);

#endif
