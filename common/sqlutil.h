/* sqlutil.h — format-string binding and statement running over sqlite3.
 *
 * Owns the statement helpers that the kiosk's content store (store.c) and
 * the county server's database (countyd/cdb.c) share, so that a query
 * there is one line of SQL and one line of arguments.  It knows nothing of
 * either schema; how rows become C structs or JSON stays with each owner.
 *
 * Argument lists are described by a format string, one letter per `?N`
 * in order: s = text (NULL binds NULL), i = int64_t, d = int.  Errors read
 * "<where>: <step>: <SQLite's message>", where `where` names the database
 * to the person reading the log (its path, or "database"). */
#ifndef KIOSK_SQLUTIL_H
#define KIOSK_SQLUTIL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Binds the arguments `fmt` describes to ?1, ?2, ...; an SQLite code.
 * s text, i int64_t, d int, b a blob (two arguments: the bytes and their
 * count as a size_t).  Text is copied (SQLITE_TRANSIENT): the statement
 * may outlive it. */
int sql_bind_args(sqlite3_stmt *st, const char *fmt, va_list ap);

/* Prepares `sql` and binds its arguments; NULL (and Err) on failure. */
sqlite3_stmt *sql_prepare(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap);

/* Runs SQL text without arguments (schema scripts, PRAGMAs, BEGIN/COMMIT). */
int sql_exec_script(sqlite3 *db, const char *where, const char *sql, Err *err);

/* Runs a statement to its end, ignoring any rows (writes). */
int sql_run(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap);

/* A connection's prepared statements, kept across calls and keyed by their
 * SQL text, so that a write run once per row (an import of 10,000 items)
 * is compiled once, not once per row.  Statements are prepared with
 * SQLITE_PREPARE_PERSISTENT (SQLite keeps them out of its short-lived
 * lookaside memory) and re-prepared by SQLite itself when the schema
 * changes.  At most SQL_CACHE_SLOTS texts are kept; a text beyond them is
 * prepared and finalized per call as sql_run does, so the cache bounds
 * memory without ever refusing a statement.  One cache per connection,
 * used by the thread that owns the connection; sql_cache_close finalizes
 * every statement and comes before sqlite3_close. */
#define SQL_CACHE_SLOTS 64
typedef struct SqlCache SqlCache;
int sql_cache_open(sqlite3 *db, const char *where, SqlCache **out, Err *err);
void sql_cache_close(SqlCache *c);
/* sql_run through the cache.  Text arguments are bound without a copy
 * (they are read during the call only: the statement is reset and its
 * bindings cleared before this returns, on success and on failure). */
int sql_cache_run(SqlCache *c, Err *err, const char *sql, const char *fmt, va_list ap);

/* The first column of the first row: as text into buf (when given, "" for
 * NULL) and as an integer into *num (when given).  0 when there was a row,
 * 1 when there was none, -1 (and Err) on failure. */
int sql_first_column(sqlite3 *db, const char *where, Err *err, char *buf, size_t size, int64_t *num, const char *sql,
                     const char *fmt, va_list ap);

/* Brings a database forward to schema `count` (PRAGMA user_version):
 * steps[i] turns version i into i+1, each step in its own BEGIN IMMEDIATE
 * transaction, the version read again under that lock, so two
 * connections opening the same file at once migrate it once.  `after`
 * (may be NULL) runs in the step's transaction with the version reached,
 * for what SQL alone cannot do.  A database newer than `count` is
 * refused, the message ending in `newer_hint` ("upgrade the kiosk").
 * *from (when given) is the version found. */
typedef int (*SqlMigrateHook)(void *ctx, int version, Err *err);
int sql_migrate(sqlite3 *db, const char *where, const char *const *steps, int count, const char *newer_hint,
                SqlMigrateHook after, void *ctx, int *from, Err *err);

/* Column `col` of the current row as text into dst ("" for NULL). */
void sql_copy_text(char *dst, size_t size, sqlite3_stmt *st, int col);

#endif
