/* admins.h — the county's admins, their organisations, roles and tokens.
 *
 * The first admin is created on the server machine (countyd --add-admin),
 * never over the network; after that an admin with the manage role (管理)
 * creates admins in its own organisation and those below it.  Each person
 * has an own name and token so that the audit trail names a person; what
 * an admin may do is authz.h's decision. */
#ifndef COUNTYD_ADMINS_H
#define COUNTYD_ADMINS_H

#include <jansson.h>

#include "auth.h"
#include "cdb.h"
#include "err.h"

/* Creates admin `name` in organisation `org` with `roles` (authz.h bits),
 * or gives an existing one a new token and those org and roles.  `by` is
 * who does it (an admin's name, or "countyd" on the server machine). */
int admin_add(Cdb *db, const char *by, const char *name, const char *org, unsigned roles,
              char token[AUTH_TOKEN_LEN + 1], Err *err);
/* 0 and the admin's name when the token is an admin's, 1 when not. */
int admin_by_token(Cdb *db, const char *token, char *name, size_t size);
int admin_count(Cdb *db, int64_t *out, Err *err);
/* Admins of `top` and below: [{"name","org","roles","created_at"}]. */
int admins_list(Cdb *db, const char *top, json_t **out, Err *err);
/* The organisation of admin `name`: 0, 1 when there is none, -1 on a fault. */
int admin_org(Cdb *db, const char *name, char *org, size_t size, Err *err);

#endif
