#include "sqlutil.h"

#include <stdio.h>

int sql_bind_args(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    for (int i = 0; fmt && fmt[i]; i++) {
        int rc;
        switch (fmt[i]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
            break;
        }
        case 'i': rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t)); break;
        case 'd': rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
        default: return SQLITE_MISUSE;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

static int db_error(sqlite3 *db, const char *where, Err *err, const char *step)
{
    return err_set(err, "%s: %s: %s", where, step, sqlite3_errmsg(db));
}

sqlite3_stmt *sql_prepare(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_error(db, where, err, "preparing a query");
        return NULL;
    }
    if (sql_bind_args(st, fmt, ap) != SQLITE_OK) {
        db_error(db, where, err, "binding a query");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int sql_exec_script(sqlite3 *db, const char *where, const char *sql, Err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    err_set(err, "%s: %s", where, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

int sql_run(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = sql_prepare(db, where, err, sql, fmt, ap);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) continue;
    /* The message belongs to the connection until the next call on it. */
    if (rc != SQLITE_DONE) db_error(db, where, err, "writing");
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

void sql_copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", v ? (const char *)v : "");
}

int sql_first_column(sqlite3 *db, const char *where, Err *err, char *buf, size_t size, int64_t *num, const char *sql,
                     const char *fmt, va_list ap)
{
    sqlite3_stmt *st = sql_prepare(db, where, err, sql, fmt, ap);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (buf) sql_copy_text(buf, size, st, 0);
        if (num) *num = sqlite3_column_int64(st, 0);
    } else if (rc != SQLITE_DONE) {
        db_error(db, where, err, "reading");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* PRAGMA user_version, read with the statement helpers. */
static int schema_version(sqlite3 *db, const char *where, int *out, Err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, where, err, "reading the schema version");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int(st, 0);
    else db_error(db, where, err, "reading the schema version");
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int sql_migrate(sqlite3 *db, const char *where, const char *const *steps, int count, const char *newer_hint,
                SqlMigrateHook after, void *ctx, int *from, Err *err)
{
    int version;
    if (schema_version(db, where, &version, err)) return -1;
    if (from) *from = version;
    if (version > count)
        return err_set(err, "%s: schema version %d is newer than this program knows (%d); %s", where, version, count,
                       newer_hint);
    while (version < count) {
        if (sql_exec_script(db, where, "BEGIN IMMEDIATE", err)) return -1;
        /* Another connection (the kiosk's UI and sync thread open the same
         * file at start; two countyd processes may share one) may have
         * migrated while this one waited for the lock. */
        if (schema_version(db, where, &version, err)) {
            sql_exec_script(db, where, "ROLLBACK", NULL);
            return -1;
        }
        if (version >= count) {
            sql_exec_script(db, where, "ROLLBACK", NULL);
            break;
        }
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version + 1);
        if (sql_exec_script(db, where, steps[version], err) || sql_exec_script(db, where, bump, err) ||
            (after && after(ctx, version + 1, err))) {
            sql_exec_script(db, where, "ROLLBACK", NULL);
            return err_prefix(err, "migration to schema %d failed: ", version + 1);
        }
        if (sql_exec_script(db, where, "COMMIT", err)) {
            sql_exec_script(db, where, "ROLLBACK", NULL);
            return -1;
        }
        version++;
    }
    return 0;
}
