#include "admins.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "validate.h"

int admin_add(Cdb *db, const char *name, char token[AUTH_TOKEN_LEN + 1], Err *err)
{
    if (!validate_id(name)) return err_set(err, "\"%s\" is not an admin name (1-63 of A-Z a-z 0-9 - _ .)", name);
    char hash[AUTH_HASH_LEN + 1];
    if (auth_new_token(token, hash, err) || cdb_begin(db, err)) return -1;
    if (cdb_exec(db, err,
                 "INSERT INTO admins (name, token_hash, created_at) VALUES (?, ?, ?)"
                 " ON CONFLICT(name) DO UPDATE SET token_hash = excluded.token_hash",
                 "ssi", name, hash, (int64_t)time(NULL)) ||
        cdb_audit(db, "countyd", "admin-token", name, "", err)) {
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

int admin_count(Cdb *db) { return (int)cdb_int(db, 0, "SELECT count(*) FROM admins", NULL); }
