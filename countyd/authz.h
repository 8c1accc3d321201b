/* authz.h — who may do what on which organisation: the one decision.
 *
 * Every admin belongs to one organisation and holds roles (docs/ADMIN.md
 * "Admins and roles"):
 *
 *   draft     起草  write items' working versions, notices, answers, replies
 *   review    审核  review a drafted item
 *   approve   审批  approve, publish, withdraw; public replies; the catalog
 *   supervise 监督  read-only: sees everything in the subtree, changes nothing
 *   manage    管理  organisations below, admins, kiosks and their settings
 *
 * and acts only within its organisation's subtree (the organisation and
 * every one below it).  authz_check() is the only place that decides; the
 * token API (routes.c, api_admin.c) and the web console's cookie sessions
 * both load an Actor with authz_actor() and ask authz_check() before each
 * action.  A refusal is ERR_FORBIDDEN (HTTP 403) with a sentence in Chinese
 * that says why — never a 404, which would tell "it exists" from "you may
 * not" only by accident.
 *
 * Rules about one item's history (the reviewer of a revision may not
 * approve it) are content.c's: they depend on the item, not on the admin. */
#ifndef COUNTYD_AUTHZ_H
#define COUNTYD_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include "cdb.h"
#include "err.h"

typedef enum {
    ROLE_DRAFT = 1 << 0,
    ROLE_REVIEW = 1 << 1,
    ROLE_APPROVE = 1 << 2,
    ROLE_SUPERVISE = 1 << 3,
    ROLE_MANAGE = 1 << 4,
} Role;

#define ROLE_ALL (ROLE_DRAFT | ROLE_REVIEW | ROLE_APPROVE | ROLE_SUPERVISE | ROLE_MANAGE)

typedef struct {
    char name[CDB_ID_SIZE];
    char org[CDB_ID_SIZE];
    unsigned roles; /* Role bits */
} Actor;

typedef enum {
    AUTHZ_READ, /* see items, kiosks, feedback, audit: any role */
    AUTHZ_READ_REPORTS, /* see feedback marked 举报: supervise or approve */
    AUTHZ_DRAFT,
    AUTHZ_REVIEW,
    AUTHZ_APPROVE,
    AUTHZ_MANAGE,
} AuthzAction;

/* Loads the admin `name`: 0, 1 when there is no such admin, -1 on a fault. */
int authz_actor(Cdb *db, const char *name, Actor *out, Err *err);

/* 0 when `who` may do `what` on organisation `org`; -1 with ERR_FORBIDDEN (Err says
 * why, in Chinese), ERR_NOT_FOUND when the organisation does not exist, or ERR_FAULT
 * on a fault. */
int authz_check(Cdb *db, const Actor *who, AuthzAction what, const char *org, Err *err);

/* "draft,review" -> bits; -1 (and Err) on an unknown word or an empty list. */
int authz_roles_parse(const char *text, unsigned *roles, Err *err);
/* Bits -> "draft,review" (machine words, as stored and sent). */
void authz_roles_format(unsigned roles, char *buf, size_t size);
/* Bits -> "起草、审核" for people. */
void authz_roles_label(unsigned roles, char *buf, size_t size);

#endif
