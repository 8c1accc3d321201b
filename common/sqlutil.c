#include "sqlutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `text` says how SQLite treats the text: SQLITE_TRANSIENT copies it,
 * SQLITE_STATIC reads it where it is until the bindings are cleared. */
static int bind_args(sqlite3_stmt *st, const char *fmt, va_list ap, sqlite3_destructor_type text)
{
    for (int i = 0; fmt && fmt[i]; i++) {
        int rc;
        switch (fmt[i]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, i + 1, v, -1, text) : sqlite3_bind_null(st, i + 1);
            break;
        }
        case 'i': rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t)); break;
        case 'd': rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
        case 'b': { /* a blob: its bytes, then their count as a size_t */
            const void *v = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            rc = sqlite3_bind_blob64(st, i + 1, v, n, text);
            break;
        }
        default: return SQLITE_MISUSE;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

int sql_bind_args(sqlite3_stmt *st, const char *fmt, va_list ap) { return bind_args(st, fmt, ap, SQLITE_TRANSIENT); }

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

/* ---- the statement cache ---------------------------------------------- */

typedef struct {
    char *sql; /* NULL: a free slot */
    uint32_t hash;
    sqlite3_stmt *st;
    const char *last_text; /* the caller's text it was last found by */
} CachedStatement;

struct SqlCache {
    sqlite3 *db;
    char where[256];
    CachedStatement slot[SQL_CACHE_SLOTS];
};

/* FNV-1a: the SQL texts are string literals of a few hundred bytes; the
 * hash only spares most strcmp calls on the way to the right slot. */
static uint32_t text_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int sql_cache_open(sqlite3 *db, const char *where, SqlCache **out, Err *err)
{
    SqlCache *c = calloc(1, sizeof *c);
    if (!c) return err_set(err, "out of memory");
    c->db = db;
    snprintf(c->where, sizeof c->where, "%s", where);
    *out = c;
    return 0;
}

void sql_cache_close(SqlCache *c)
{
    if (!c) return;
    for (int i = 0; i < SQL_CACHE_SLOTS; i++) {
        sqlite3_finalize(c->slot[i].st);
        free(c->slot[i].sql);
    }
    free(c);
}

/* make analyze: the text's copy lives in c->slot[] (freed by
 * sql_cache_close); the analyzer does not follow it into the slot.  Only
 * gcc has the analyzer; clang (the fuzzers' compiler) would refuse the
 * unknown warning name. */
#ifndef __clang__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
/* The cached statement for `sql`, prepared on first use; NULL (and Err)
 * when it cannot be prepared.  *owned is set when the cache is full and
 * the caller must finalize the statement itself. */
static sqlite3_stmt *cache_get(SqlCache *c, const char *sql, bool *owned, Err *err)
{
    /* The texts are string literals: the one found last time at this
     * address is the likeliest, and a strcmp is much cheaper than the
     * hash (an import runs 60,000 statements). */
    for (int i = 0; i < SQL_CACHE_SLOTS; i++) {
        CachedStatement *e = &c->slot[i];
        if (e->last_text == sql && strcmp(e->sql, sql) == 0) {
            *owned = false;
            return e->st;
        }
    }
    uint32_t h = text_hash(sql);
    CachedStatement *free_slot = NULL;
    for (int i = 0; i < SQL_CACHE_SLOTS; i++) {
        CachedStatement *e = &c->slot[i];
        if (!e->sql) {
            if (!free_slot) free_slot = e;
            continue;
        }
        if (e->hash == h && strcmp(e->sql, sql) == 0) {
            *owned = false;
            e->last_text = sql;
            return e->st;
        }
    }
    sqlite3_stmt *st = NULL;
    char *copy = free_slot ? strdup(sql) : NULL;
    unsigned flags = copy ? SQLITE_PREPARE_PERSISTENT : 0;
    if (sqlite3_prepare_v3(c->db, sql, -1, flags, &st, NULL) != SQLITE_OK) {
        free(copy);
        db_error(c->db, c->where, err, "preparing a query");
        return NULL;
    }
    *owned = copy == NULL;
    if (copy) *free_slot = (CachedStatement){.sql = copy, .hash = h, .st = st, .last_text = sql};
    return st;
}
#ifndef __clang__
#pragma GCC diagnostic pop
#endif

int sql_cache_run(SqlCache *c, Err *err, const char *sql, const char *fmt, va_list ap)
{
    bool owned;
    sqlite3_stmt *st = cache_get(c, sql, &owned, err);
    if (!st) return -1;
    int rc = bind_args(st, fmt, ap, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        db_error(c->db, c->where, err, "binding a query");
    } else {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) continue;
        /* The message belongs to the connection until the next call on it:
         * read it before the reset. */
        if (rc != SQLITE_DONE) db_error(c->db, c->where, err, "writing");
    }
    /* No statement stays mid-step (it would hold a read transaction open)
     * or keeps a pointer to the caller's text. */
    if (owned) {
        sqlite3_finalize(st);
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
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
