/* cdb.h — countyd's own SQLite database: schema, migrations, query helpers.
 *
 * Owns the county schema (not the kiosk's: the county keeps review states,
 * kiosks, heartbeats, feedback and an audit trail) and its migrations via
 * PRAGMA user_version.  Domain modules (content.c, kiosks.c, feedback.c,
 * feedgen.c) hold their own SQL and run it through the helpers here, which
 * turn result rows into jansson objects keyed by column name.
 *
 * One Cdb per request thread (SQLite connections are cheap to open; WAL
 * mode lets readers run beside the one writer).  Argument lists are
 * described by a format string, as in common/sqlutil.h: s = text (NULL
 * binds NULL), i = int64, d = int. */
#ifndef COUNTYD_CDB_H
#define COUNTYD_CDB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CDB_SCHEMA_VERSION 13

/* Bytes for an id (entity, organisation, admin) with its NUL. */
#define CDB_ID_SIZE 80

typedef struct Cdb Cdb;

int cdb_open(const char *path, Cdb **out, Err *err);
void cdb_close(Cdb *db);

/* A write transaction (BEGIN IMMEDIATE).  Changes that kiosks can see are
 * marked by audience.c (audience_mark), which takes the next content
 * revision with cdb_take_revision() (later marks in the transaction share
 * it) and notes each organisation whose feed changed.  cdb_commit() reports
 * the revision the transaction created (0 when it marked nothing). */
int cdb_begin(Cdb *db, Err *err);
int cdb_commit(Cdb *db, int64_t *new_revision, Err *err);
void cdb_rollback(Cdb *db);
/* A read transaction, so that a feed document sees one revision. */
int cdb_begin_read(Cdb *db, Err *err);
void cdb_end_read(Cdb *db);

/* The content revision the database is at. */
int cdb_revision(Cdb *db, int64_t *out, Err *err);
/* The database's identity as 16 hex digits (sent to kiosks as
 * X-Database-Id), and a new one for a database restored from a backup. */
int cdb_database_id(Cdb *db, char *buf, size_t size, Err *err);
int cdb_new_database_id(Cdb *db, Err *err);
/* The revision the current write transaction created, 0 if none yet. */
int64_t cdb_tx_revision(Cdb *db);
/* The revision of this write transaction, taken on first call; -1 on a fault. */
int64_t cdb_take_revision(Cdb *db, Err *err);
/* Notes a feed this transaction changed: an organisation's id, or
 * "kiosk:ID" for a kiosk moved to another organisation. */
void cdb_note_feed(Cdb *db, const char *feed);
/* The feeds noted since cdb_begin (valid until the next one); *all is
 * true when there were more than `max` (then wake everyone). */
size_t cdb_tx_feeds(Cdb *db, const char *orgs[], size_t max, bool *all);
/* 归档: who (admin, of organisation org) did what to what, and when; in a
 * write transaction.  Implemented in audit.c, which chains the entries. */
int cdb_audit(Cdb *db, const char *admin, const char *org, const char *action, const char *target, const char *detail,
              Err *err);

/* The latest `limit` audit entries about `top` and the organisations
 * below it, oldest first. */
int cdb_audit_list(Cdb *db, const char *top, int limit, json_t **out, Err *err);

/* Runs a statement that returns no rows. */
int cdb_exec(Cdb *db, Err *err, const char *sql, const char *fmt, ...);
/* Rows changed by the last cdb_exec, and the rowid it inserted. */
int cdb_changes(Cdb *db);
int64_t cdb_last_insert_id(Cdb *db);
/* All rows as a JSON array of objects. */
int cdb_rows(Cdb *db, json_t **out, Err *err, const char *sql, const char *fmt, ...);
/* Column `name` of every row of cdb_rows' answer, as a JSON array (`rows`
 * is freed). */
json_t *cdb_column(json_t *rows, const char *name);
/* The first row as an object; 1 (and *out = NULL) when there is none. */
int cdb_row(Cdb *db, json_t **out, Err *err, const char *sql, const char *fmt, ...);
/* The first column of the first row as text; 1 when there is no row. */
int cdb_text(Cdb *db, char *buf, size_t size, Err *err, const char *sql, const char *fmt, ...);
/* The first column of the first row as an integer: for counts and yes/no
 * questions, whose query always has a row.  -1 (and Err) when it fails or
 * has none, so a failure is never read as 0. */
int cdb_int(Cdb *db, int64_t *out, Err *err, const char *sql, const char *fmt, ...);
/* The first column of the first row as bytes (a blob): *data malloc'd
 * (free it), *len its size; 1 when there is no row or the value is NULL. */
int cdb_blob(Cdb *db, void **data, size_t *len, Err *err, const char *sql, const char *fmt, ...);

#endif
