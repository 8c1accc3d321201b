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

/* Binds the arguments `fmt` describes to ?1, ?2, ...; an SQLite code. */
int sql_bind_args(sqlite3_stmt *st, const char *fmt, va_list ap);

/* Prepares `sql` and binds its arguments; NULL (and Err) on failure. */
sqlite3_stmt *sql_prepare(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap);

/* Runs SQL text without arguments (schema scripts, PRAGMAs, BEGIN/COMMIT). */
int sql_exec_script(sqlite3 *db, const char *where, const char *sql, Err *err);

/* Runs a statement to its end, ignoring any rows (writes). */
int sql_run(sqlite3 *db, const char *where, Err *err, const char *sql, const char *fmt, va_list ap);

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
