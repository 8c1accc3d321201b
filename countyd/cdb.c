#include "cdb.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cases.h"
#include "sqlutil.h"

/* How errors name this database (sqlutil.h); cdb_open prefixes the path. */
#define WHERE "database"

/* Feeds this transaction changed (for the long-poll). */
#define CDB_MAX_TX_FEEDS 256

struct Cdb {
    sqlite3 *db;
    int64_t tx_revision; /* the revision this write transaction created, 0 = none yet */
    char (*tx_feeds)[CDB_ID_SIZE];
    size_t n_tx_feeds, cap_tx_feeds;
    bool tx_feeds_overflow; /* more than fit: wake every waiter */
};

/* migrations[i] brings user_version i to i+1.  Append only. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO meta VALUES ('revision', 0);"
    /* The latest revision at which each kiosk-visible entity changed: a
     * delta from any revision is 'everything changed after it', so the
     * log needs one row per entity, never more. */
    "CREATE TABLE changes (entity TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  PRIMARY KEY (entity, id));"
    "CREATE INDEX changes_revision ON changes(revision);"
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, admin TEXT NOT NULL,"
    "  action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE admins (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
    "CREATE TABLE kiosks (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', token_hash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, last_seen INTEGER, app_version TEXT, revision INTEGER, outbox INTEGER,"
    "  last_error TEXT, uptime INTEGER, free_disk INTEGER, clock_skew INTEGER, address TEXT);"
    "CREATE TABLE heartbeats (seq INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, at INTEGER NOT NULL,"
    "  app_version TEXT, revision INTEGER, outbox INTEGER, last_error TEXT, uptime INTEGER, free_disk INTEGER);"
    "CREATE INDEX heartbeats_kiosk ON heartbeats(kiosk, at);"
    "CREATE TABLE kiosk_settings (kiosk TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (kiosk, key));"
    "CREATE TABLE kiosk_commands (kiosk TEXT NOT NULL, command TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (kiosk, command));"
    "CREATE TABLE categories (id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL);"
    /* content = the working version; published = what kiosks have (NULL
     * when nothing is published); live = published and public. */
    "CREATE TABLE items (id TEXT PRIMARY KEY, category TEXT NOT NULL, title TEXT NOT NULL,"
    "  scope TEXT NOT NULL CHECK (scope IN ('public','internal')),"
    "  state TEXT NOT NULL CHECK (state IN ('drafted','reviewed','approved','published','withdrawn')),"
    "  content TEXT NOT NULL, published TEXT, published_revision INTEGER, live INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE INDEX items_live ON items(live);"
    "CREATE TABLE notices (id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL);"
    "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, type TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE feedback (id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, kind TEXT NOT NULL,"
    "  item TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', rating INTEGER NOT NULL DEFAULT 0,"
    "  rating_levels INTEGER NOT NULL DEFAULT 0, reasons TEXT NOT NULL DEFAULT '[]',"
    "  comment TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL, received_at INTEGER NOT NULL);"
    "CREATE INDEX feedback_received ON feedback(received_at);"
    "CREATE TABLE replies (id INTEGER PRIMARY KEY, feedback TEXT NOT NULL, text TEXT NOT NULL,"
    "  question TEXT NOT NULL DEFAULT '', public INTEGER NOT NULL, admin TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX replies_feedback ON replies(feedback);",
    /* 1 -> 2: public answers written by the county (answers.txt), beside
     * those that come from replies to feedback. */
    "CREATE TABLE answers (id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL);",
    /* 2 -> 3: item views the kiosks report in their heartbeats, summed per
     * item and kiosk (no foreign key: a withdrawn item keeps its count). */
    "CREATE TABLE item_views (item TEXT NOT NULL, kiosk TEXT NOT NULL, views INTEGER NOT NULL,"
    "  PRIMARY KEY (item, kiosk));",
    /* 3 -> 4: the tree of Party organisations (docs/ADMIN.md "Organisations").
     * Everything that exists goes to the root organisation, which is named
     * later (kioskctl org-set root --name ...): while its name is empty the
     * kiosks keep the name in their kiosk.conf.  Items, notices and answers
     * get an owner and an audience (own = the owner's kiosks, subtree = also
     * every organisation below); what was there reached every kiosk, so it
     * keeps 'subtree'.  The change log becomes per organisation: a kiosk's
     * delta is what changed in its own organisation's feed. */
    "CREATE TABLE orgs (id TEXT PRIMARY KEY, parent TEXT, name TEXT NOT NULL, short_name TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL, CHECK ((id = 'root') = (parent IS NULL)));"
    "CREATE INDEX orgs_parent ON orgs(parent);"
    "INSERT INTO orgs (id, parent, name, short_name, created_at) VALUES ('root', NULL, '', '', strftime('%s', 'now'));"
    "ALTER TABLE admins ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE admins ADD COLUMN roles TEXT NOT NULL DEFAULT 'draft,review,approve,manage';"
    "ALTER TABLE kiosks ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE kiosks ADD COLUMN feed_base INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX kiosks_org ON kiosks(org);"
    "CREATE TABLE kiosk_moves (seq INTEGER PRIMARY KEY, kiosk TEXT NOT NULL, from_org TEXT NOT NULL,"
    "  to_org TEXT NOT NULL, revision INTEGER NOT NULL, at INTEGER NOT NULL, admin TEXT NOT NULL);"
    "CREATE INDEX kiosk_moves_kiosk ON kiosk_moves(kiosk, revision);"
    "ALTER TABLE items ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE items ADD COLUMN audience TEXT NOT NULL DEFAULT 'subtree' CHECK (audience IN ('own','subtree'));"
    "ALTER TABLE items ADD COLUMN live_audience TEXT NOT NULL DEFAULT 'subtree' CHECK (live_audience IN "
    "('own','subtree'));"
    "CREATE INDEX items_org_live ON items(org, live);"
    "ALTER TABLE notices ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE notices ADD COLUMN audience TEXT NOT NULL DEFAULT 'subtree' CHECK (audience IN ('own','subtree'));"
    "CREATE INDEX notices_org ON notices(org);"
    "ALTER TABLE answers ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE answers ADD COLUMN audience TEXT NOT NULL DEFAULT 'subtree' CHECK (audience IN ('own','subtree'));"
    "CREATE INDEX answers_org ON answers(org);"
    "ALTER TABLE feedback ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "CREATE INDEX feedback_org ON feedback(org, received_at);"
    "ALTER TABLE audit ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "CREATE TABLE feed_changes (org TEXT NOT NULL, entity TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  PRIMARY KEY (org, entity, id));"
    "CREATE INDEX feed_changes_revision ON feed_changes(org, revision);"
    "INSERT INTO feed_changes (org, entity, id, revision) SELECT 'root', entity, id, revision FROM changes;"
    "DROP TABLE changes;",
    /* 4 -> 5: the review cycle with separate people and public reasons.
     * reviewed_by = who reviewed the current working version (it may not
     * approve it); a withdrawal keeps its reason and time, which kiosks
     * show to a visitor who had the item open. */
    "ALTER TABLE items ADD COLUMN reviewed_by TEXT;"
    "ALTER TABLE items ADD COLUMN withdraw_reason TEXT;"
    "ALTER TABLE items ADD COLUMN withdrawn_at INTEGER;",
    /* 5 -> 6: the web console's passwords (argon2id) and sessions
     * (accounts.c); a session's token is kept only as its SHA-256. */
    "CREATE TABLE console_passwords (admin TEXT PRIMARY KEY, hash TEXT NOT NULL, must_change INTEGER NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0, changed_at INTEGER NOT NULL);"
    "CREATE TABLE console_sessions (token_hash TEXT PRIMARY KEY, admin TEXT NOT NULL, csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE INDEX console_sessions_admin ON console_sessions(admin);",
    /* 6 -> 7: feedback is known by the kiosk and the id that kiosk gave it
     * (PROTOCOL.md: "from this kiosk"); two kiosks that happen to send the
     * same id are both stored.  `id` stays the admins' name for an entry:
     * the submission id, or "<submission id>.<kiosk>" when another kiosk's
     * entry has that id already (a submission id has no '.'). */
    "ALTER TABLE feedback ADD COLUMN submission TEXT NOT NULL DEFAULT '';"
    "UPDATE feedback SET submission = id;"
    "CREATE UNIQUE INDEX feedback_kiosk_submission ON feedback(kiosk, submission);",
    /* 7 -> 8: the catalog as the level above sets it: the county's
     * standard entries (root) and organisations' own additions, each with
     * its rules (公开形式, 范围, 时限; catalog.h). */
    "ALTER TABLE categories ADD COLUMN org TEXT NOT NULL DEFAULT 'root';"
    "ALTER TABLE categories ADD COLUMN rules TEXT NOT NULL DEFAULT '{}';",
    /* 8 -> 9: the database's identity (PROTOCOL.md "Which database"), made
     * at random when the database is made and again by --new-identity
     * after a backup is restored, so that a kiosk can tell a server that
     * went back to an older revision from a stale copy of the same one. */
    "INSERT INTO meta (key, value) VALUES ('database_id', random() & 0x7fffffffffffffff);",
    /* 9 -> 10: the tamper-evident record (audit.h): each entry carries the
     * hash of the one before and its own (the entries already there are
     * chained by audit_seal right after this step); every published
     * version of an item is kept for the yearly archive. */
    "ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE published_revisions (seq INTEGER PRIMARY KEY, item TEXT NOT NULL, org TEXT NOT NULL,"
    "  revision INTEGER, doc TEXT NOT NULL, at INTEGER NOT NULL, admin TEXT NOT NULL);"
    "CREATE INDEX published_revisions_at ON published_revisions(at);"
    "INSERT INTO published_revisions (item, org, revision, doc, at, admin)"
    "  SELECT id, org, published_revision, published, updated_at, updated_by FROM items WHERE published IS NOT NULL;",
    /* 10 -> 11: feedback as cases (cases.h): status, handler, due time and
     * the receipt number, unique (NULL only for a clash or an id from before
     * the id rule).  The cases of the submissions already there are opened
     * by cases_backfill right after this step; every feedback row and audit
     * entry stays as it was.  replies.checked = the privacy review passed
     * the text, so a kiosk may show it to whoever types the receipt: private
     * replies written before this step were never reviewed, and stay off
     * the screens. */
    "CREATE TABLE cases (feedback TEXT PRIMARY KEY, receipt TEXT UNIQUE, receipt_clash INTEGER NOT NULL DEFAULT 0,"
    "  org TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (status IN ('pending','in_progress','answered','notified')), handler TEXT, due_at INTEGER,"
    "  answered_at INTEGER, notified_at INTEGER, updated_at INTEGER NOT NULL);"
    "CREATE INDEX cases_org ON cases(org, status, due_at);"
    "ALTER TABLE replies ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;"
    "UPDATE replies SET checked = 1 WHERE public = 1;",
    /* 11 -> 12: item views by day (China Standard Time, "2026-11-20"), for
     * the statistics over time: the day a heartbeat arrived, or the day a
     * kiosk says they happened (views_by_day).  item_views keeps the
     * totals; the views counted before this step have no day and stay in
     * the totals only. */
    "CREATE TABLE item_views_daily (day TEXT NOT NULL, item TEXT NOT NULL, kiosk TEXT NOT NULL,"
    "  views INTEGER NOT NULL, PRIMARY KEY (day, item, kiosk));",
    /* 12 -> 13: each kiosk's newest remote screenshot and the request for
     * the next one (kiosks.h): one row per kiosk, the picture kept while a
     * new one is asked for. */
    "CREATE TABLE kiosk_screenshots (kiosk TEXT PRIMARY KEY, state TEXT NOT NULL"
    "  CHECK (state IN ('pending','deferred','failed','ready')), requested_at INTEGER NOT NULL,"
    "  requested_by TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', reported_at INTEGER,"
    "  png BLOB, width INTEGER, height INTEGER, taken_at INTEGER);",
};

/* The schema version after which audit_seal chains the entries, and the
 * one after which cases_backfill opens the cases of earlier feedback. */
#define AUDIT_CHAIN_SCHEMA 10
#define CASES_SCHEMA 11

_Static_assert(sizeof migrations / sizeof migrations[0] == CDB_SCHEMA_VERSION, "one migration per schema version");

static int exec_script(Cdb *db, const char *sql, Err *err) { return sql_exec_script(db->db, WHERE, sql, err); }

/* Inside the step's transaction: the step that starts the audit chain
 * seals the entries already there. */
static int after_migration(void *ctx, int version, Err *err)
{
    if (version == AUDIT_CHAIN_SCHEMA) return audit_seal(ctx, err);
    if (version == CASES_SCHEMA) return cases_backfill(ctx, err);
    return 0;
}

static int migrate(Cdb *db, Err *err)
{
    int count = (int)(sizeof migrations / sizeof migrations[0]);
    return sql_migrate(db->db, "database", migrations, count, "use a newer countyd", after_migration, db, NULL, err);
}

int cdb_open(const char *path, Cdb **out, Err *err)
{
    Cdb *db = calloc(1, sizeof *db);
    if (!db) return err_set(err, "out of memory");
    if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        err_set(err, "%s: cannot open database: %s", path, db->db ? sqlite3_errmsg(db->db) : "out of memory");
        cdb_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db->db, 10000);
    if (exec_script(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err) || migrate(db, err)) {
        err_prefix(err, "%s: ", path);
        cdb_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void cdb_close(Cdb *db)
{
    if (!db) return;
    sqlite3_close(db->db);
    free(db->tx_feeds);
    free(db);
}

/* ---- statements ------------------------------------------------------- */

static json_t *column_value(sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, col));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, col));
    case SQLITE_NULL: return json_null();
    default: return json_stringn((const char *)sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
    }
}

static json_t *row_object(sqlite3_stmt *st)
{
    json_t *o = json_object();
    for (int c = 0; c < sqlite3_column_count(st); c++)
        json_object_set_new(o, sqlite3_column_name(st, c), column_value(st, c));
    return o;
}

/* Steps through every row, collecting the first `limit` (0: all). */
static int collect(Cdb *db, Err *err, json_t *rows_out, int limit, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = sql_prepare(db->db, WHERE, err, sql, fmt, ap);
    if (!st) return -1;
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (limit == 0 || n < limit) json_array_append_new(rows_out, row_object(st));
        n++;
    }
    if (rc != SQLITE_DONE) err_set(err, WHERE ": reading: %s", sqlite3_errmsg(db->db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int cdb_exec(Cdb *db, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sql_run(db->db, WHERE, err, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int cdb_changes(Cdb *db) { return sqlite3_changes(db->db); }

int64_t cdb_last_insert_id(Cdb *db) { return (int64_t)sqlite3_last_insert_rowid(db->db); }

int cdb_rows(Cdb *db, json_t **out, Err *err, const char *sql, const char *fmt, ...)
{
    json_t *rows = json_array();
    va_list ap;
    va_start(ap, fmt);
    int rc = collect(db, err, rows, 0, sql, fmt, ap);
    va_end(ap);
    if (rc) {
        json_decref(rows);
        return -1;
    }
    *out = rows;
    return 0;
}

json_t *cdb_column(json_t *rows, const char *name)
{
    json_t *column = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) json_array_append(column, json_object_get(row, name));
    json_decref(rows);
    return column;
}

int cdb_row(Cdb *db, json_t **out, Err *err, const char *sql, const char *fmt, ...)
{
    json_t *rows = json_array();
    va_list ap;
    va_start(ap, fmt);
    int rc = collect(db, err, rows, 1, sql, fmt, ap);
    va_end(ap);
    *out = NULL;
    if (rc == 0 && json_array_size(rows) == 0) rc = 1;
    if (rc == 0) *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
}

int cdb_text(Cdb *db, char *buf, size_t size, Err *err, const char *sql, const char *fmt, ...)
{
    if (size) buf[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    int rc = sql_first_column(db->db, WHERE, err, buf, size, NULL, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int cdb_int(Cdb *db, int64_t *out, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sql_first_column(db->db, WHERE, err, NULL, 0, out, sql, fmt, ap);
    va_end(ap);
    if (rc == 1) return err_set(err, "%s: no answer to a query that always has one", WHERE);
    return rc;
}

int cdb_blob(Cdb *db, void **data, size_t *len, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = sql_prepare(db->db, WHERE, err, sql, fmt, ap);
    va_end(ap);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    *data = NULL;
    *len = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *data = malloc(n ? n : 1);
        if (*data) memcpy(*data, sqlite3_column_blob(st, 0), n);
        *len = n;
        rc = *data ? 0 : err_set(err, WHERE ": out of memory for %zu bytes", n);
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        rc = 1;
    } else {
        rc = err_set(err, WHERE ": reading: %s", sqlite3_errmsg(db->db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- transactions, revision, audit ------------------------------------ */

static void reset_tx(Cdb *db)
{
    db->tx_revision = 0;
    db->n_tx_feeds = 0;
    db->tx_feeds_overflow = false;
}

int cdb_begin(Cdb *db, Err *err)
{
    reset_tx(db);
    return exec_script(db, "BEGIN IMMEDIATE", err);
}

int cdb_commit(Cdb *db, int64_t *new_revision, Err *err)
{
    if (exec_script(db, "COMMIT", err)) {
        cdb_rollback(db);
        return -1;
    }
    if (new_revision) *new_revision = db->tx_revision;
    db->tx_revision = 0;
    return 0;
}

void cdb_rollback(Cdb *db)
{
    reset_tx(db);
    if (!sqlite3_get_autocommit(db->db)) sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

int cdb_begin_read(Cdb *db, Err *err) { return exec_script(db, "BEGIN", err); }

void cdb_end_read(Cdb *db)
{
    if (!sqlite3_get_autocommit(db->db)) sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
}

int cdb_revision(Cdb *db, int64_t *out, Err *err)
{
    return cdb_int(db, out, err, "SELECT value FROM meta WHERE key = 'revision'", NULL);
}

int cdb_database_id(Cdb *db, char *buf, size_t size, Err *err)
{
    int64_t id;
    if (cdb_int(db, &id, err, "SELECT value FROM meta WHERE key = 'database_id'", NULL)) return -1;
    snprintf(buf, size, "%016llx", (unsigned long long)id);
    return 0;
}

int cdb_new_database_id(Cdb *db, Err *err)
{
    return cdb_exec(db, err, "UPDATE meta SET value = random() & 0x7fffffffffffffff WHERE key = 'database_id'", NULL);
}

int64_t cdb_tx_revision(Cdb *db) { return db->tx_revision; }

int64_t cdb_take_revision(Cdb *db, Err *err)
{
    if (!db->tx_revision) {
        int64_t current;
        if (cdb_revision(db, &current, err)) return -1;
        int64_t next = current + 1;
        if (cdb_exec(db, err, "UPDATE meta SET value = ? WHERE key = 'revision'", "i", next)) return -1;
        db->tx_revision = next;
    }
    return db->tx_revision;
}

void cdb_note_feed(Cdb *db, const char *org)
{
    for (size_t i = 0; i < db->n_tx_feeds; i++)
        if (strcmp(db->tx_feeds[i], org) == 0) return;
    if (db->n_tx_feeds == CDB_MAX_TX_FEEDS) {
        db->tx_feeds_overflow = true;
        return;
    }
    if (db->n_tx_feeds == db->cap_tx_feeds) {
        size_t cap = db->cap_tx_feeds ? db->cap_tx_feeds * 2 : 8;
        void *grown = realloc(db->tx_feeds, cap * sizeof *db->tx_feeds);
        if (!grown) {
            db->tx_feeds_overflow = true;
            return;
        }
        db->tx_feeds = grown;
        db->cap_tx_feeds = cap;
    }
    snprintf(db->tx_feeds[db->n_tx_feeds++], CDB_ID_SIZE, "%s", org);
}

size_t cdb_tx_feeds(Cdb *db, const char *orgs[], size_t max, bool *all)
{
    size_t n = db->n_tx_feeds < max ? db->n_tx_feeds : max;
    for (size_t i = 0; i < n; i++) orgs[i] = db->tx_feeds[i];
    *all = db->tx_feeds_overflow || db->n_tx_feeds > max;
    return n;
}
