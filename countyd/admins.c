#include "admins.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "authz.h"
#include "orgs.h"
#include "validate.h"

int admin_add(Cdb *db, const char *by, const char *name, const char *org, unsigned roles,
              char token[AUTH_TOKEN_LEN + 1], Err *err)
{
    if (!proto_id_valid(name))
        return err_refuse(err, ERR_BAD_REQUEST, "\"%s\" 不是管理员名（1-63 个 A-Z a-z 0-9 - _ . 字符）",
                          name ? name : "");
    if (!org_exists(db, org)) return err_refuse(err, ERR_NOT_FOUND, "没有组织 %s", org ? org : "");
    char role_words[96], detail[200], hash[AUTH_HASH_LEN + 1];
    authz_roles_format(roles, role_words, sizeof role_words);
    if (!role_words[0]) return err_refuse(err, ERR_BAD_REQUEST, "roles：至少要有一个角色");
    snprintf(detail, sizeof detail, "%s %s", org, role_words);
    if (auth_new_token(token, hash, err) || cdb_begin(db, err)) return -1;
    if (cdb_exec(db, err,
                 "INSERT INTO admins (name, token_hash, created_at, org, roles) VALUES (?, ?, ?, ?, ?)"
                 " ON CONFLICT(name) DO UPDATE SET token_hash = excluded.token_hash, org = excluded.org,"
                 " roles = excluded.roles",
                 "ssiss", name, hash, (int64_t)time(NULL), org, role_words) ||
        cdb_audit(db, by, org, "admin-token", name, detail, err)) {
        cdb_rollback(db);
        return -1;
    }
    return cdb_commit(db, NULL, err);
}

int admin_by_token(Cdb *db, const char *token, char *name, size_t size)
{
    if (!token) return 1;
    char hash[AUTH_HASH_LEN + 1];
    auth_hash(token, hash);
    /* The hash of a 256-bit random token is the lookup key; comparing it in
     * SQL leaks nothing useful about any other token. */
    return cdb_text(db, name, size, NULL, "SELECT name FROM admins WHERE token_hash = ?", "s", hash) == 0 ? 0 : 1;
}

int admin_count(Cdb *db, int64_t *out, Err *err) { return cdb_int(db, out, err, "SELECT count(*) FROM admins", NULL); }

int admins_list(Cdb *db, const char *top, json_t **out, Err *err)
{
    return cdb_rows(db, out, err,
                    ORGS_SUBTREE_CTE " SELECT name, org, roles, " SQL_TIME(
                        "created_at") " AS created_at FROM admins"
                                      " WHERE org IN (SELECT id FROM subtree) ORDER BY org, name",
                    "s", top);
}

int admin_org(Cdb *db, const char *name, char *org, size_t size, Err *err)
{
    return cdb_text(db, org, size, err, "SELECT org FROM admins WHERE name = ?", "s", name ? name : "");
}
