#include "accounts.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admins.h"
#include "app.h"
#include "orgs.h"

/* argon2id with the parameters OWASP recommends for interactive logins
 * (19 MiB, 2 passes, 1 lane): about 30 ms here, so a login costs nothing
 * noticeable and a stolen database costs an attacker as much per guess. */
#define ARGON_T 2
#define ARGON_M_KIB (19 * 1024)
#define ARGON_P 1
#define ARGON_SALT 16
#define ARGON_HASH 32
#define ARGON_ENCODED 128

static int hash_password(const char *password, char encoded[ARGON_ENCODED], Err *err)
{
    unsigned char salt[ARGON_SALT];
    if (RAND_bytes(salt, sizeof salt) != 1) return err_set(err, "cannot get random bytes for a salt");
    int rc = argon2id_hash_encoded(ARGON_T, ARGON_M_KIB, ARGON_P, password, strlen(password), salt, sizeof salt,
                                   ARGON_HASH, encoded, ARGON_ENCODED);
    if (rc != ARGON2_OK) return err_set(err, "argon2id: %s", argon2_error_message(rc));
    return 0;
}

/* The rules a new password must meet, in the words the console shows. */
static int check_password(const char *password, const char *admin, Err *err)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    if (chars < ACCOUNT_MIN_PASSWORD) {
        err_set(err, "新密码至少 %d 个字符", ACCOUNT_MIN_PASSWORD);
        return ACCOUNT_WEAK_PASSWORD;
    }
    if (strlen(password) > ACCOUNT_MAX_PASSWORD) {
        err_set(err, "新密码最多 %d 个字节", ACCOUNT_MAX_PASSWORD);
        return ACCOUNT_WEAK_PASSWORD;
    }
    if (strstr(password, admin)) {
        err_set(err, "新密码不能包含用户名");
        return ACCOUNT_WEAK_PASSWORD;
    }
    return 0;
}

/* 归档 under the organisation of the admin whose account it is. */
static int audit(Cdb *db, const char *actor, const char *action, const char *admin, const char *detail, Err *err)
{
    char org[CDB_ID_SIZE] = ORG_ROOT;
    if (admin_org(db, admin, org, sizeof org, err) < 0) return -1;
    return cdb_audit(db, actor, org, action, admin, detail, err);
}

/* A query that fails answers "no", and "no" refuses what was asked. */
static int admin_exists(Cdb *db, const char *admin)
{
    int64_t n = 0;
    return cdb_int(db, &n, NULL, "SELECT count(*) FROM admins WHERE name = ?", "s", admin) == 0 && n > 0;
}

static int store_password(Cdb *db, const char *actor, const char *admin, const char *password, bool must_change,
                          Err *err)
{
    char encoded[ARGON_ENCODED];
    if (hash_password(password, encoded, err) || cdb_begin(db, err)) return -1;
    if (cdb_exec(db, err,
                 "INSERT INTO console_passwords (admin, hash, must_change, failures, locked_until, changed_at)"
                 " VALUES (?1, ?2, ?3, 0, 0, ?4) ON CONFLICT(admin) DO UPDATE SET hash = ?2, must_change = ?3,"
                 " failures = 0, locked_until = 0, changed_at = ?4",
                 "ssdi", admin, encoded, must_change ? 1 : 0, (int64_t)time(NULL)) ||
        cdb_exec(db, err, "DELETE FROM console_sessions WHERE admin = ?", "s", admin) ||
        audit(db, actor, "console-password", admin, must_change ? "已设初始密码，首次登录时须修改" : "本人已修改",
              err)) {
        cdb_rollback(db);
        return -1;
    }
    return cdb_commit(db, NULL, err);
}

int account_set_password(Cdb *db, const char *actor, const char *admin, const char *password, bool must_change,
                         Err *err)
{
    if (!admin_exists(db, admin)) {
        err_set(err, "没有管理员 %s", admin);
        return ACCOUNT_NO_ADMIN;
    }
    int rc = check_password(password, admin, err);
    if (rc) return rc;
    return store_password(db, actor, admin, password, must_change, err);
}

int account_initial_password(Cdb *db, const char *actor, const char *admin, char *out, size_t size, Err *err)
{
    /* 16 characters without look-alikes (0/O, 1/l/I), easy to read out. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char raw[16];
    if (size < sizeof raw + 1) return err_set(err, "password buffer too small");
    if (RAND_bytes(raw, sizeof raw) != 1) return err_set(err, "cannot get random bytes for a password");
    for (size_t i = 0; i < sizeof raw; i++) out[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    out[sizeof raw] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    if (!admin_exists(db, admin)) {
        err_set(err, "没有管理员 %s", admin);
        return ACCOUNT_NO_ADMIN;
    }
    return store_password(db, actor, admin, out, true, err);
}

/* Counts a failure; the fifth in a row locks the account. */
static int record_failure(Cdb *db, const char *name, Err *err)
{
    int64_t now = time(NULL);
    if (cdb_begin(db, err)) return -1;
    if (cdb_exec(db, err,
                 "UPDATE console_passwords SET failures = failures + 1,"
                 " locked_until = CASE WHEN failures + 1 >= ?2 THEN ?3 ELSE locked_until END WHERE admin = ?1",
                 "sdi", name, ACCOUNT_MAX_FAILURES, now + ACCOUNT_LOCK_SECONDS) ||
        audit(db, name, "console-login-failed", name, "", err)) {
        cdb_rollback(db);
        return -1;
    }
    return cdb_commit(db, NULL, err);
}

static int open_session(Cdb *db, const char *name, bool must_change, Session *out, Err *err)
{
    char hash[AUTH_HASH_LEN + 1], unused[AUTH_HASH_LEN + 1];
    int64_t now = time(NULL);
    memset(out, 0, sizeof *out);
    if (auth_new_token(out->token, hash, err) || auth_new_token(out->csrf, unused, err)) return -1;
    snprintf(out->admin, sizeof out->admin, "%s", name);
    out->must_change = must_change;
    out->expires_at = now + SESSION_IDLE_SECONDS;
    if (cdb_begin(db, err)) return -1;
    if (cdb_exec(db, err, "DELETE FROM console_sessions WHERE expires_at < ? OR created_at < ?", "ii", now,
                 now - SESSION_MAX_SECONDS) ||
        cdb_exec(db, err, "UPDATE console_passwords SET failures = 0, locked_until = 0 WHERE admin = ?", "s", name) ||
        cdb_exec(
            db, err,
            "INSERT INTO console_sessions (token_hash, admin, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            "sssii", hash, name, out->csrf, now, out->expires_at) ||
        audit(db, name, "console-login", name, "", err)) {
        cdb_rollback(db);
        return -1;
    }
    return cdb_commit(db, NULL, err);
}

int account_login(Cdb *db, const char *name, const char *password, Session *out, Err *err)
{
    json_t *row = NULL;
    int rc = cdb_row(db, &row, err, "SELECT hash, must_change, locked_until FROM console_passwords WHERE admin = ?",
                     "s", name);
    if (rc < 0) return -1;
    if (rc == 1) {
        /* Hash anyway, so that a wrong name takes as long as a wrong password. */
        char encoded[ARGON_ENCODED];
        if (hash_password(password, encoded, err)) return -1;
        err_set(err, "用户名或密码不正确");
        return ACCOUNT_BAD_LOGIN;
    }
    int64_t locked_until = json_integer_value(json_object_get(row, "locked_until"));
    int64_t now = time(NULL);
    if (locked_until > now) {
        json_decref(row);
        err_set(err, "连续 %d 次密码错误，账号已锁定，请 %lld 分钟后再试，或请管理员重置密码", ACCOUNT_MAX_FAILURES,
                (long long)((locked_until - now + 59) / 60));
        return ACCOUNT_LOCKED;
    }
    const char *hash = json_string_value(json_object_get(row, "hash"));
    bool must_change = json_integer_value(json_object_get(row, "must_change")) != 0;
    int verified = argon2id_verify(hash, password, strlen(password));
    json_decref(row);
    if (verified != ARGON2_OK) {
        if (record_failure(db, name, err)) return -1;
        err_set(err, "用户名或密码不正确");
        return ACCOUNT_BAD_LOGIN;
    }
    return open_session(db, name, must_change, out, err);
}

int account_change_password(Cdb *db, const Session *s, const char *old_password, const char *new_password, Err *err)
{
    char hash[ARGON_ENCODED];
    if (cdb_text(db, hash, sizeof hash, err, "SELECT hash FROM console_passwords WHERE admin = ?", "s", s->admin))
        return -1;
    if (argon2id_verify(hash, old_password, strlen(old_password)) != ARGON2_OK) {
        err_set(err, "原密码不正确");
        return ACCOUNT_BAD_LOGIN;
    }
    if (strcmp(old_password, new_password) == 0) {
        err_set(err, "新密码不能与原密码相同");
        return ACCOUNT_WEAK_PASSWORD;
    }
    int rc = check_password(new_password, s->admin, err);
    if (rc) return rc;
    if (store_password(db, s->admin, s->admin, new_password, false, err)) return -1;
    /* store_password ended every session of the admin; this one goes on. */
    char token_hash[AUTH_HASH_LEN + 1];
    auth_hash(s->token, token_hash);
    return cdb_exec(
        db, err,
        "INSERT INTO console_sessions (token_hash, admin, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        "sssii", token_hash, s->admin, s->csrf, (int64_t)time(NULL), s->expires_at);
}

int session_find(Cdb *db, const char *token, Session *out, Err *err)
{
    if (!token || strlen(token) != AUTH_TOKEN_LEN) return 1;
    char hash[AUTH_HASH_LEN + 1];
    auth_hash(token, hash);
    int64_t now = time(NULL);
    json_t *row = NULL;
    int rc = cdb_row(db, &row, err,
                     "SELECT s.admin, s.csrf, s.expires_at, s.created_at, p.must_change FROM console_sessions s"
                     " JOIN console_passwords p ON p.admin = s.admin WHERE s.token_hash = ?",
                     "s", hash);
    if (rc) return rc;
    int64_t expires = json_integer_value(json_object_get(row, "expires_at"));
    int64_t created = json_integer_value(json_object_get(row, "created_at"));
    memset(out, 0, sizeof *out);
    snprintf(out->token, sizeof out->token, "%s", token);
    snprintf(out->admin, sizeof out->admin, "%s", json_string_value(json_object_get(row, "admin")));
    snprintf(out->csrf, sizeof out->csrf, "%s", json_string_value(json_object_get(row, "csrf")));
    out->must_change = json_integer_value(json_object_get(row, "must_change")) != 0;
    json_decref(row);
    if (expires <= now || created + SESSION_MAX_SECONDS <= now) return 1;
    out->expires_at = expires;
    /* Extend the idle expiry, but write at most once a minute per session. */
    int64_t wanted = now + SESSION_IDLE_SECONDS;
    if (created + SESSION_MAX_SECONDS < wanted) wanted = created + SESSION_MAX_SECONDS;
    if (wanted - expires >= 60) {
        if (cdb_exec(db, err, "UPDATE console_sessions SET expires_at = ? WHERE token_hash = ?", "is", wanted, hash))
            return -1;
        out->expires_at = wanted;
    }
    return 0;
}

int session_end(Cdb *db, const char *token, Err *err)
{
    if (!token) return 0;
    char hash[AUTH_HASH_LEN + 1];
    auth_hash(token, hash);
    return cdb_exec(db, err, "DELETE FROM console_sessions WHERE token_hash = ?", "s", hash);
}

bool session_csrf_ok(const Session *s, const char *presented)
{
    if (!presented || strlen(presented) != AUTH_TOKEN_LEN || strlen(s->csrf) != AUTH_TOKEN_LEN) return false;
    return CRYPTO_memcmp(s->csrf, presented, AUTH_TOKEN_LEN) == 0;
}

int accounts_list(Cdb *db, const char *top, json_t **out, Err *err)
{
    return cdb_rows(
        db, out, err,
        ORGS_SUBTREE_CTE
        " SELECT a.name, a.org, a.roles, p.admin IS NOT NULL AS has_password,"
        " coalesce(p.must_change, 0) AS must_change, coalesce(p.failures, 0) AS failures,"
        " CASE WHEN coalesce(p.locked_until, 0) > ?2 THEN " SQL_TIME(
            "p.locked_until") " ELSE '' END"
                              " AS locked_until, (SELECT " SQL_TIME(
                                  "max(at)") " FROM audit WHERE action = 'console-login'"
                                             " AND target = a.name) AS last_login FROM admins a LEFT JOIN "
                                             "console_passwords p ON p.admin = a.name"
                                             " WHERE a.org IN (SELECT id FROM subtree) ORDER BY a.org, a.name",
        "si", top, (int64_t)time(NULL));
}
