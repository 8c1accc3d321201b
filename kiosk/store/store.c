#include "store.h"

#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monoclock.h"
#include "receipt.h"
#include "path.h"
#include "sqlutil.h"

typedef struct FileCheck FileCheck;

struct Store {
    sqlite3 *db;
    SqlCache *writes; /* the write statements, prepared once per connection (NULL read-only) */
    char path[1024];
    FileCheck *check; /* the whole-file check beside the kiosk's start (store_open_kiosk) */
};

/* ---- the visibility rule ---------------------------------------------
 * An item may reach a screen only if it is public (社会), not deleted, in
 * a live category, inside its publication window at :now, and every image
 * it has is on disk and verified.  Internal (党内) items may be stored (a
 * snapshot can hold them) but no query for a screen can return them. */
#define VISIBLE_ITEM(i)                                                                                                \
    " " i ".scope = 'public' AND " i ".deleted = 0"                                                                    \
    " AND " i ".published_at <= :now"                                                                                  \
    " AND (" i ".expires_at = 0 OR " i ".expires_at > :now)"                                                           \
    " AND EXISTS (SELECT 1 FROM categories vc WHERE vc.id = " i ".category_id"                                         \
    "             AND vc.deleted = 0)"                                                                                 \
    " AND NOT EXISTS (SELECT 1 FROM attachments va WHERE va.item_id = " i ".id"                                        \
    "                 AND va.sha256 NOT IN (SELECT sha256 FROM blobs)) "

/* A stored word back to its enum; the schema's CHECK keeps them known. */
static int word_or(int parsed, int fallback) { return parsed < 0 ? fallback : parsed; }

/* What no kiosk keeps: items that are not public, and every row a
 * withdrawal or a snapshot deleted, with their text.  Run at the end of
 * every feed document and by the migration to schema 4. */
#define PURGE_HIDDEN_SQL                                                                                               \
    "DELETE FROM attachments WHERE item_id IN (SELECT id FROM items WHERE deleted = 1 OR scope != 'public');"          \
    "DELETE FROM items WHERE deleted = 1 OR scope != 'public';"                                                        \
    "DELETE FROM notices WHERE deleted = 1;"                                                                           \
    "DELETE FROM answers WHERE deleted = 1;"                                                                           \
    "DELETE FROM categories WHERE deleted = 1;"

/* ---- migrations --------------------------------------------------------
 * migrations[i] brings user_version i to i+1.  Append only: a shipped
 * step is never edited, so every kiosk in the field ends on one schema. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE categories ("
    "  id TEXT PRIMARY KEY, parent_id TEXT, name TEXT NOT NULL, icon TEXT NOT NULL DEFAULT '',"
    "  sort INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX categories_parent ON categories(parent_id);"
    "CREATE TABLE items ("
    /* body last: columns after a large value are reached only through its
     * overflow pages, and every list query reads the columns before it. */
    "  id TEXT PRIMARY KEY, category_id TEXT NOT NULL, title TEXT NOT NULL,"
    "  unit TEXT NOT NULL DEFAULT '', published_at INTEGER NOT NULL, expires_at INTEGER NOT NULL DEFAULT 0,"
    "  period TEXT NOT NULL CHECK (period IN ('long_term','periodic','phased','immediate')),"
    "  scope TEXT NOT NULL CHECK (scope IN ('public','internal')),"
    "  pinned INTEGER NOT NULL DEFAULT 0, urgent INTEGER NOT NULL DEFAULT 0,"
    "  revision INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL);"
    "CREATE INDEX items_visible ON items(category_id, scope, deleted, published_at, expires_at, id);"
    "CREATE TABLE attachments ("
    "  item_id TEXT NOT NULL, seq INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    "  mime TEXT NOT NULL, caption TEXT NOT NULL DEFAULT '', href TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (item_id, seq));"
    "CREATE INDEX attachments_sha ON attachments(sha256);"
    "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, verified_at INTEGER NOT NULL);"
    "CREATE TABLE notices ("
    "  id TEXT PRIMARY KEY, text TEXT NOT NULL, urgent INTEGER NOT NULL DEFAULT 0,"
    "  period TEXT NOT NULL DEFAULT 'immediate', starts_at INTEGER NOT NULL DEFAULT 0,"
    "  ends_at INTEGER NOT NULL DEFAULT 0, sort INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE answers ("
    "  id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL, item_id TEXT NOT NULL DEFAULT '',"
    "  asked_at INTEGER NOT NULL DEFAULT 0, answered_at INTEGER NOT NULL DEFAULT 0,"
    "  deleted INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE feedback_outbox ("
    "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, target_item TEXT NOT NULL DEFAULT '',"
    "  target_category TEXT NOT NULL DEFAULT '', rating INTEGER NOT NULL DEFAULT 0,"
    "  rating_levels INTEGER NOT NULL DEFAULT 5, reasons TEXT NOT NULL DEFAULT '[]',"
    "  comment TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL, sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX feedback_unsent ON feedback_outbox(sent_at, created_at);"
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE view_counts (item_id TEXT PRIMARY KEY, count INTEGER NOT NULL DEFAULT 0);",
    /* 1 -> 2: how many of an item's views the server has acknowledged.
     * A running total beside `count` (rather than a row per view or a
     * reset to 0) keeps store_item_viewed a single upsert, and a view
     * counted while a heartbeat is in flight is never lost: the
     * acknowledgement adds exactly what was sent. */
    "ALTER TABLE view_counts ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;",
    /* 2 -> 3: the script of items and categories (SC or TC face) and the
     * format of a body (plain lines or Markdown with tables). */
    "ALTER TABLE items ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-Hans' CHECK (lang IN ('zh-Hans','zh-Hant'));"
    "ALTER TABLE items ADD COLUMN body_format TEXT NOT NULL DEFAULT 'plain'"
    "  CHECK (body_format IN ('plain','markdown'));"
    "ALTER TABLE categories ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-Hans' CHECK (lang IN ('zh-Hans','zh-Hant'));",
    /* 3 -> 4: a lobby kiosk's disk holds no 党内 and no withdrawn text.
     * Older kiosks stored internal items (hidden by VISIBLE_ITEM) and kept
     * deleted rows with their text; both go (secure_delete, set at open,
     * overwrites the freed space). */
    PURGE_HIDDEN_SQL,
    /* 4 -> 5: the public explanations of changes and withdrawals (seed
     * 004).  A withdrawal keeps the item's id and the reason only, never
     * the item's text. */
    "ALTER TABLE items ADD COLUMN change_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE items ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE withdrawals (item_id TEXT PRIMARY KEY, reason TEXT NOT NULL, withdrawn_at INTEGER NOT NULL);",
    /* 5 -> 6: views by the day (China Standard Time) they were made, so
     * that views made offline count on their own day at the server
     * (views_by_day).  The views of older kiosks have no day: they get the
     * day of this migration, the last day they can have been made on (the
     * day they reach the server would be later still). */
    "ALTER TABLE view_counts RENAME TO view_counts_undated;"
    "CREATE TABLE view_counts (item_id TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0,"
    "  reported INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (item_id, day));"
    "INSERT INTO view_counts SELECT item_id, date('now', '+8 hours'), count, reported FROM view_counts_undated;"
    "DROP TABLE view_counts_undated;",
};
#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(MIGRATION_COUNT == STORE_SCHEMA_VERSION, "one migration per schema version");

static int db_error(Store *s, Err *err, const char *what)
{
    return err_set(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec_sql(Store *s, const char *sql, Err *err) { return sql_exec_script(s->db, s->path, sql, err); }

/* The first column of the first row as an integer into *out: 0, or -1
 * (and Err) when the query fails or has no row.  For counts and yes/no
 * questions, whose query always has a row: a failure is never "0". */
static int query_intv(Store *s, Err *err, int64_t *out, const char *sql, const char *fmt, va_list ap)
{
    int rc = sql_first_column(s->db, s->path, err, NULL, 0, out, sql, fmt, ap);
    if (rc == 1) return err_set(err, "%s: no answer to a query that always has one", s->path);
    return rc;
}

static int query_int(Store *s, Err *err, int64_t *out, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = query_intv(s, err, out, sql, fmt, ap);
    va_end(ap);
    return rc;
}

static int query_count(Store *s, Err *err, int *out, const char *sql, const char *fmt, ...)
{
    int64_t v = 0;
    va_list ap;
    va_start(ap, fmt);
    int rc = query_intv(s, err, &v, sql, fmt, ap);
    va_end(ap);
    if (rc == 0) *out = (int)v;
    return rc;
}

static int query_bool(Store *s, Err *err, bool *out, const char *sql, const char *fmt, ...)
{
    int64_t v = 0;
    va_list ap;
    va_start(ap, fmt);
    int rc = query_intv(s, err, &v, sql, fmt, ap);
    va_end(ap);
    if (rc == 0) *out = v != 0;
    return rc;
}

int store_schema_version(Store *s, int *out, Err *err) { return query_count(s, err, out, "PRAGMA user_version", NULL); }

static int migrate(Store *s, Err *err)
{
    int from;
    if (sql_migrate(s->db, s->path, migrations, MIGRATION_COUNT, "upgrade the kiosk", NULL, NULL, &from, err))
        return -1;
    /* Creating a new database is routine; upgrading one is worth a line. */
    if (from == 0) log_debug("store: %s created with schema %d", s->path, MIGRATION_COUNT);
    else if (from < MIGRATION_COUNT) log_info("store: %s migrated to schema %d", s->path, MIGRATION_COUNT);
    return 0;
}

/* One try at opening: 0, or -1 and Err with *busy telling whether the
 * cause was another connection's lock. */
static int store_open_once(const char *path, Store **out, bool *busy, Err *err)
{
    *busy = false;
    Store *s = calloc(1, sizeof *s);
    if (!s) return err_set(err, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK) {
        err_set(err, "%s: cannot open database: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    if (sql_cache_open(s->db, s->path, &s->writes, err)) {
        store_close(s);
        return -1;
    }
    /* secure_delete: deleted text (a withdrawn item) is overwritten on
     * disk, not left in free pages.  The temporary table of what a snapshot
     * keeps (store_snapshot_keep) belongs to this connection and is made
     * once, so that no import changes a schema under the cached
     * statements. */
    if (exec_sql(s,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                 "PRAGMA secure_delete=ON;"
                 "CREATE TEMP TABLE snapshot_kept (section INTEGER NOT NULL, id TEXT NOT NULL,"
                 " PRIMARY KEY (section, id)) WITHOUT ROWID;",
                 err) ||
        migrate(s, err)) {
        *busy = (sqlite3_errcode(s->db) & 0xff) == SQLITE_BUSY;
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* SQLite answers SQLITE_BUSY without calling the busy handler in the
 * moments around a WAL file's life: while the last connection closing
 * checkpoints and removes it, and while the first one opening runs its
 * recovery (sqlite.org/wal.html, "Sometimes Queries Return SQLITE_BUSY In
 * WAL Mode").  The kiosk's threads and kioskctl open and close the file
 * at any time, so opening waits out such a moment here, for as long as a
 * lock is waited for elsewhere. */
int store_open(const char *path, Store **out, Err *err)
{
    double give_up = monoclock_ms() + STORE_BUSY_TIMEOUT_MS;
    for (;;) {
        bool busy;
        if (store_open_once(path, out, &busy, err) == 0) return 0;
        if (!busy || monoclock_ms() > give_up) return -1;
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void file_check_stop(FileCheck *c);

void store_close(Store *s)
{
    if (!s) return;
    file_check_stop(s->check);
    /* A connection with statements still prepared does not close. */
    sql_cache_close(s->writes);
    sqlite3_close(s->db);
    free(s);
}

/* ---- the kiosk's start-up --------------------------------------------- */

static bool code_is_corrupt(int code) { return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB; }

static bool code_is_unwritable(int code)
{
    int c = code & 0xff;
    return c == SQLITE_READONLY || c == SQLITE_FULL || c == SQLITE_CANTOPEN || c == SQLITE_PERM ||
           code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_SHMOPEN ||
           code == SQLITE_IOERR_SHMSIZE;
}

/* An existing database opened without writing anything: mode=ro, and when
 * even that needs a -shm it cannot create (a read-only folder), as an
 * immutable file. */
static int open_read_only(const char *path, Store **out, Err *err)
{
    static const char *const modes[] = {"ro", "ro&immutable=1"};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char *uri = sqlite3_mprintf("file:%s?mode=%s", path, modes[i]);
        Store *s = calloc(1, sizeof *s);
        if (!uri || !s) {
            sqlite3_free(uri);
            free(s);
            return err_set(err, "out of memory");
        }
        snprintf(s->path, sizeof s->path, "%s", path);
        int rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, NULL);
        sqlite3_free(uri);
        int version = -1;
        if (rc == SQLITE_OK) store_schema_version(s, &version, NULL);
        if (rc == SQLITE_OK && version == STORE_SCHEMA_VERSION) {
            sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
            *out = s;
            return 0;
        }
        if (rc == SQLITE_OK && i == 0)
            err_set(err, "%s: cannot be read without writing: %s", path, sqlite3_errmsg(s->db));
        else if (rc == SQLITE_OK)
            err_set(err, "%s: schema %d, not %d, and it cannot be migrated read-only", path, version,
                    STORE_SCHEMA_VERSION);
        else err_set(err, "%s: cannot be opened read-only: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
    }
    return -1;
}

/* PRAGMA quick_check (of one table and its indexes when table is not
 * NULL) on db: "ok", or its first complaint in why. */
static bool quick_check_ok(sqlite3 *db, const char *table, char *why, size_t size)
{
    sqlite3_stmt *st = NULL;
    char *sql = table ? sqlite3_mprintf("PRAGMA quick_check(\"%w\")", table) : sqlite3_mprintf("PRAGMA quick_check");
    snprintf(why, size, "%s", "cannot run");
    if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        sql_copy_text(why, size, st, 0);
    else snprintf(why, size, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return strcmp(why, "ok") == 0;
}

/* ---- the whole-file check ----------------------------------------------
 * PRAGMA quick_check reads every page of the file: 0.2 s for a store of
 * 10,000 items (38 MB, nearly all of it the items table) on the 2-core
 * development machine, most of the kiosk's start-up.  So before the first
 * frame every table but the items is checked in full and the items table's
 * first rows are read (a truncated copy, garbage or a bad first page shows
 * there); the whole file is checked beside the first frame, on a read-only
 * connection of its own (WAL lets it read while the UI and sync threads
 * work).  Damage it finds is logged and marked in a file beside the
 * database (PATH.damaged), and the kiosk is stopped as by the service
 * (SIGTERM): the service starts it again, and store_open_kiosk, seeing the
 * mark, checks the whole file before anything is shown and sets the damaged
 * one aside (replace_corrupt). */
#define BIG_TABLE "items"

struct FileCheck {
    char path[1024];
    pthread_t thread;
    pthread_mutex_t lock;
    sqlite3 *db; /* while the check runs: sqlite3_interrupt stops it */
    bool stopping;
};

static void damaged_mark(const char *path, char *out, size_t size) { snprintf(out, size, "%s.damaged", path); }

static void *file_check_main(void *arg)
{
    FileCheck *c = arg;
    sqlite3 *db = NULL;
    char why[200] = "cannot open";
    pthread_mutex_lock(&c->lock);
    bool go = !c->stopping && sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;
    if (go) c->db = db;
    pthread_mutex_unlock(&c->lock);
    bool ok = !go || quick_check_ok(db, NULL, why, sizeof why);
    pthread_mutex_lock(&c->lock);
    c->db = NULL;
    bool stopped = c->stopping;
    pthread_mutex_unlock(&c->lock);
    int code = db ? sqlite3_errcode(db) : SQLITE_OK;
    sqlite3_close(db);
    /* Interrupted by store_close, or busy: not a finding. */
    if (ok || stopped || code == SQLITE_INTERRUPT || code == SQLITE_BUSY) return NULL;
    char mark[1100];
    damaged_mark(c->path, mark, sizeof mark);
    FILE *f = fopen(mark, "w");
    if (f) fprintf(f, "%s\n", why);
    if (!f || fclose(f) != 0) log_error("store: cannot write %s", mark);
    log_error("store: %s is damaged (PRAGMA quick_check: %s); stopping, so that the next start sets it aside", c->path,
              why);
    kill(getpid(), SIGTERM);
    return NULL;
}

static FileCheck *file_check_start(const char *path)
{
    FileCheck *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    snprintf(c->path, sizeof c->path, "%s", path);
    pthread_mutex_init(&c->lock, NULL);
    if (pthread_create(&c->thread, NULL, file_check_main, c) != 0) {
        log_warn("store: no thread for the whole-file check of %s; it is checked at the next start", path);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return NULL;
    }
    return c;
}

static void file_check_stop(FileCheck *c)
{
    if (!c) return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    if (c->db) sqlite3_interrupt(c->db);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The check before the first frame: the whole file when it was marked
 * damaged, else every table but BIG_TABLE in full and BIG_TABLE's first
 * rows read. */
static bool start_check_ok(Store *s, bool whole, char *why, size_t size)
{
    if (whole) return quick_check_ok(s->db, NULL, why, size);
    sqlite3_stmt *st = NULL;
    bool ok =
        sqlite3_prepare_v2(s->db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> '" BIG_TABLE "'", -1,
                           &st, NULL) == SQLITE_OK;
    int rc = SQLITE_ROW;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = quick_check_ok(s->db, (const char *)sqlite3_column_text(st, 0), why, size);
    if (ok && rc != SQLITE_DONE) ok = false, snprintf(why, size, "%s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    st = NULL;
    if (ok && (sqlite3_prepare_v2(s->db, "SELECT * FROM " BIG_TABLE " LIMIT 8", -1, &st, NULL) != SQLITE_OK ||
               ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE)))
        ok = false, snprintf(why, size, "%s", sqlite3_errmsg(s->db));
    while (ok && rc == SQLITE_ROW) rc = sqlite3_step(st);
    if (ok && rc != SQLITE_DONE) ok = false, snprintf(why, size, "%s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return ok;
}

/* Opens the database for writing; *code is SQLite's result when it fails.
 * A write of the start time proves it takes writes (a full disk is only
 * seen when something is written).  whole: check the whole file now (it
 * was marked damaged, or it is being replaced), else beside the start. */
static int open_and_probe(const char *path, bool whole, Store **out, int *code, Err *err)
{
    Store *s = NULL;
    *code = SQLITE_OK;
    if (store_open(path, &s, err) == 0) {
        char stamp[32];
        snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
        char check[200];
        if (!start_check_ok(s, whole, check, sizeof check)) {
            *code = SQLITE_CORRUPT;
            err_set(err, "%s: PRAGMA quick_check: %s", path, check);
        } else if (store_state_set(s, "store.opened_at", stamp, err) == 0) {
            if (!whole) s->check = file_check_start(path);
            *out = s;
            return 0;
        }
    }
    if (*code == SQLITE_OK) *code = s ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
    store_close(s);
    return -1;
}

static int open_failure_code(const char *path)
{
    /* store_open closed its connection: ask SQLite again what it sees. */
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
    if (rc != SQLITE_OK && db) rc = sqlite3_extended_errcode(db);
    sqlite3_close(db);
    return rc;
}

/* The unsent feedback of a corrupt database, as far as it can be read. */
static int salvage_feedback(const char *path, StoreFeedback **rows, int *count)
{
    Store *old = NULL;
    Err e;
    *rows = NULL;
    *count = 0;
    if (open_read_only(path, &old, &e) != 0) return -1;
    int rc = store_feedback_pending(old, 100000, rows, count, &e);
    if (rc) log_warn("store: no feedback could be read from the damaged %s: %s", path, e.msg);
    store_close(old);
    return rc;
}

static void move_aside(const char *path, char *moved_to, size_t size)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(moved_to, size, "%s.corrupt-%s", path, stamp);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char from[1200], to[1300];
        snprintf(from, sizeof from, "%s%s", path, suffixes[i]);
        snprintf(to, sizeof to, "%s%s", moved_to, suffixes[i]);
        if (rename(from, to) != 0 && i == 0) log_warn("store: cannot move %s aside: %m", from);
    }
}

static int replace_corrupt(const char *path, Store **out, StoreStart *start, Err *err)
{
    StoreFeedback *rows;
    int count;
    salvage_feedback(path, &rows, &count);
    move_aside(path, start->moved_to, sizeof start->moved_to);
    int code;
    if (open_and_probe(path, true, out, &code, err) != 0) {
        store_free(rows);
        return err_prefix(err, "a fresh database after moving the damaged one to %s: ", start->moved_to);
    }
    for (int i = 0; i < count; i++) {
        Err e;
        if (store_feedback_add(*out, &rows[i], &e) == 0) start->salvaged++;
        else log_warn("store: feedback %s from the damaged database not kept: %s", rows[i].id, e.msg);
    }
    store_free(rows);
    log_warn("store: %s was damaged; kept as %s, %d unsent feedback submission(s) saved from it, a fresh database "
             "made (the sync thread fills it again)",
             path, start->moved_to, start->salvaged);
    return 0;
}

/* A full disk shows in SQLite as SQLITE_FULL, or as a disk I/O error when
 * the -shm cannot grow: the folder's free space tells them apart. */
static bool disk_full(const char *path)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", path);
    struct statvfs vfs;
    return statvfs(dirname(dir), &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < 64 * 1024;
}

int store_open_kiosk(const char *path, Store **out, StoreStart *start, Err *err)
{
    memset(start, 0, sizeof *start);
    *out = NULL;
    int code;
    char mark[1100];
    damaged_mark(path, mark, sizeof mark);
    bool marked = access(mark, F_OK) == 0;
    int rc = open_and_probe(path, marked, out, &code, err);
    if (marked) unlink(mark);
    if (rc == 0) return 0;
    if (code == SQLITE_ERROR || code == SQLITE_OK) code = open_failure_code(path);
    if (code_is_corrupt(code)) return replace_corrupt(path, out, start, err);
    if (!code_is_unwritable(code)) return -1;
    Err why = *err;
    if (open_read_only(path, out, err) != 0) return err_prefix(err, "%s; and read-only: ", why.msg);
    start->read_only = true;
    snprintf(start->why, sizeof start->why, "%s",
             (code & 0xff) == SQLITE_FULL || disk_full(path) ? "存储已满" : "存储只读");
    log_warn("store: %s cannot be written (%s); showing what it holds, read-only, without syncing", path, why.msg);
    return 0;
}

void store_delete_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char file[PATH_MAX];
        if (path_format(file, sizeof file, NULL, "%s%s", path, suffixes[i]) == 0) unlink(file);
    }
}

void store_free(void *array) { free(array); }

/* ---- statement helpers -------------------------------------------------
 * Arguments are bound from a format string (sqlutil.h); named ":now" is
 * bound by bind_now(). */
static sqlite3_stmt *prepare(Store *s, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = sql_prepare(s->db, s->path, err, sql, fmt, ap);
    va_end(ap);
    return st;
}

/* Queries that apply VISIBLE_ITEM use named parameters only (":now",
 * ":id", ...): SQLite numbers a named parameter after the highest index
 * seen so far, so mixing it with ?1 would give two names one slot. */
static void bind_now(sqlite3_stmt *st, int64_t now)
{
    int idx = sqlite3_bind_parameter_index(st, ":now");
    if (idx > 0) sqlite3_bind_int64(st, idx, now);
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *value)
{
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), value, -1, SQLITE_TRANSIENT);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int value)
{
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, name), value);
}

/* Runs a statement that returns no rows, prepared once per connection (a
 * read-only connection has no cache: its writes fail anyway). */
static int run(Store *s, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = s->writes ? sql_cache_run(s->writes, err, sql, fmt, ap) : sql_run(s->db, s->path, err, sql, fmt, ap);
    va_end(ap);
    return rc;
}

/* Collects rows into a growing array: each call to grow() gives room for
 * one more element. */
static void *grow(void **array, int *count, int *cap, size_t elem)
{
    if (*count == *cap) {
        int ncap = *cap ? *cap * 2 : 16;
        void *n = realloc(*array, (size_t)ncap * elem);
        if (!n) return NULL;
        *array = n;
        *cap = ncap;
    }
    void *slot = (char *)*array + (size_t)(*count)++ * elem;
    memset(slot, 0, elem);
    return slot;
}

typedef void (*RowReader)(sqlite3_stmt *st, void *slot);

/* Steps through st, reading each row into a new array element. */
static int collect(Store *s, sqlite3_stmt *st, size_t elem, RowReader read, void **out, int *count, Err *err)
{
    void *array = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        void *slot = grow(&array, &n, &cap, elem);
        if (!slot) {
            rc = SQLITE_NOMEM;
            break;
        }
        read(st, slot);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(array);
        return rc == SQLITE_NOMEM ? err_set(err, "out of memory") : db_error(s, err, "reading");
    }
    *out = array;
    *count = n;
    return 0;
}

/* ---- reads ------------------------------------------------------------ */

static void read_category(sqlite3_stmt *st, void *slot)
{
    StoreCategory *c = slot;
    sql_copy_text(c->id, sizeof c->id, st, 0);
    sql_copy_text(c->parent_id, sizeof c->parent_id, st, 1);
    sql_copy_text(c->name, sizeof c->name, st, 2);
    sql_copy_text(c->icon, sizeof c->icon, st, 3);
    c->sort = sqlite3_column_int(st, 4);
    c->level = sqlite3_column_int(st, 5);
    c->item_count = sqlite3_column_int(st, 6);
    c->new_count = sqlite3_column_int(st, 7);
    c->lang = (Lang)word_or(lang_parse((const char *)sqlite3_column_text(st, 8)), LANG_HANS);
}

int store_catalog(Store *s, int64_t now, StoreCategory **out, int *count, Err *err)
{
    /* vis: visible items counted once per category (one pass over the
     * items); tree: live categories with their level; anc: each category
     * paired with itself and its descendants (a few hundred rows), to roll
     * the counts up the tree. */
    static const char sql[] =
        "WITH RECURSIVE vis(cat, n, fresh) AS ("
        "  SELECT i.category_id, COUNT(*), SUM(i.published_at > :now - 86400 * 7)"
        "  FROM items i WHERE" VISIBLE_ITEM(
            "i") "GROUP BY i.category_id),"
                 " tree(id, level) AS ("
                 "  SELECT id, 1 FROM categories WHERE deleted = 0 AND (parent_id IS NULL OR parent_id = '')"
                 "  UNION ALL SELECT c.id, t.level + 1 FROM categories c JOIN tree t ON c.parent_id = t.id"
                 "  WHERE c.deleted = 0 AND t.level < 3),"
                 " anc(top, id) AS ("
                 "  SELECT id, id FROM tree"
                 "  UNION ALL SELECT a.top, c.id FROM categories c JOIN anc a ON c.parent_id = a.id WHERE c.deleted = "
                 "0),"
                 " counts(id, n, fresh) AS ("
                 "  SELECT a.top, SUM(v.n), SUM(v.fresh) FROM anc a JOIN vis v ON v.cat = a.id GROUP BY a.top)"
                 "SELECT c.id, COALESCE(c.parent_id, ''), c.name, c.icon, c.sort, t.level, n.n, n.fresh, c.lang"
                 " FROM categories c JOIN tree t ON t.id = c.id JOIN counts n ON n.id = c.id"
                 " ORDER BY t.level, c.sort, c.name";
    sqlite3_stmt *st = prepare(s, err, sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    return collect(s, st, sizeof(StoreCategory), read_category, (void **)out, count, err);
}

#define SUMMARY_COLUMNS                                                                                                \
    "i.id, i.category_id, i.title, i.published_at, i.period, i.pinned, i.urgent,"                                      \
    " i.published_at > :now - 86400 * 7,"                                                                              \
    " (SELECT COUNT(*) FROM attachments a WHERE a.item_id = i.id), i.lang"

static void read_summary(sqlite3_stmt *st, void *slot)
{
    StoreItemSummary *it = slot;
    sql_copy_text(it->id, sizeof it->id, st, 0);
    sql_copy_text(it->category_id, sizeof it->category_id, st, 1);
    sql_copy_text(it->title, sizeof it->title, st, 2);
    it->published_at = sqlite3_column_int64(st, 3);
    int p = period_parse((const char *)sqlite3_column_text(st, 4));
    it->period = p < 0 ? PERIOD_LONG_TERM : (Period)p;
    it->pinned = sqlite3_column_int(st, 5);
    it->urgent = sqlite3_column_int(st, 6);
    it->is_new = sqlite3_column_int(st, 7);
    it->image_count = sqlite3_column_int(st, 8);
    it->lang = (Lang)word_or(lang_parse((const char *)sqlite3_column_text(st, 9)), LANG_HANS);
}

#define SUBTREE_CTE                                                                                                    \
    "WITH RECURSIVE sub(id, depth) AS (SELECT id, 1 FROM categories WHERE id = :cat AND deleted = 0"                   \
    " UNION ALL SELECT c.id, sub.depth + 1 FROM categories c JOIN sub ON c.parent_id = sub.id"                         \
    " WHERE c.deleted = 0 AND sub.depth < 3) "

int store_items_page(Store *s, const char *category_id, int64_t now, int offset, int limit, StoreItemSummary **out,
                     int *count, int *total, Err *err)
{
    static const char count_sql[] =
        SUBTREE_CTE "SELECT COUNT(*) FROM items i WHERE i.category_id IN (SELECT id FROM sub) AND" VISIBLE_ITEM("i");
    static const char page_sql[] = SUBTREE_CTE
        "SELECT " SUMMARY_COLUMNS " FROM items i WHERE i.category_id IN (SELECT id FROM sub) AND" VISIBLE_ITEM(
            "i") "ORDER BY i.pinned DESC, i.published_at DESC, i.id LIMIT :limit OFFSET :offset";
    sqlite3_stmt *st = prepare(s, err, count_sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    bind_named_text(st, ":cat", category_id);
    *total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);

    st = prepare(s, err, page_sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    bind_named_text(st, ":cat", category_id);
    bind_named_int(st, ":limit", limit);
    bind_named_int(st, ":offset", offset);
    return collect(s, st, sizeof(StoreItemSummary), read_summary, (void **)out, count, err);
}

int store_items_pinned(Store *s, int64_t now, int limit, StoreItemSummary **out, int *count, Err *err)
{
    static const char sql[] =
        "SELECT " SUMMARY_COLUMNS
        " FROM items i WHERE i.pinned = 1 AND" VISIBLE_ITEM("i") "ORDER BY i.published_at DESC, i.id LIMIT :limit";
    sqlite3_stmt *st = prepare(s, err, sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    bind_named_int(st, ":limit", limit);
    return collect(s, st, sizeof(StoreItemSummary), read_summary, (void **)out, count, err);
}

static void read_image(sqlite3_stmt *st, void *slot)
{
    StoreImage *im = slot;
    sql_copy_text(im->sha256, sizeof im->sha256, st, 0);
    sql_copy_text(im->mime, sizeof im->mime, st, 1);
    sql_copy_text(im->caption, sizeof im->caption, st, 2);
    im->size = sqlite3_column_int64(st, 3);
}

int store_item_get(Store *s, const char *id, int64_t now, StoreItem *out, Err *err)
{
    static const char sql[] = "SELECT " SUMMARY_COLUMNS ", i.unit, i.expires_at, i.revision, i.body_format, i.body"
                              " FROM items i WHERE i.id = :id AND" VISIBLE_ITEM("i");
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prepare(s, err, sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    bind_named_text(st, ":id", id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? 1 : db_error(s, err, "reading an item");
    }
    read_summary(st, &out->s);
    sql_copy_text(out->unit, sizeof out->unit, st, 10);
    out->expires_at = sqlite3_column_int64(st, 11);
    out->revision = sqlite3_column_int64(st, 12);
    out->body_format = (BodyFormat)word_or(body_format_parse((const char *)sqlite3_column_text(st, 13)), BODY_PLAIN);
    const char *body = (const char *)sqlite3_column_text(st, 14);
    out->body = strdup(body ? body : "");
    sqlite3_finalize(st);
    if (!out->body) return err_set(err, "out of memory");

    st =
        prepare(s, err, "SELECT sha256, mime, caption, size FROM attachments WHERE item_id = ?1 ORDER BY seq", "s", id);
    int n = 0;
    if (!st || collect(s, st, sizeof(StoreImage), read_image, (void **)&out->images, &n, err)) {
        store_item_free(out);
        return -1;
    }
    out->s.image_count = n;
    return 0;
}

void store_item_free(StoreItem *item)
{
    free(item->body);
    free(item->images);
    item->body = NULL;
    item->images = NULL;
}

static void read_notice(sqlite3_stmt *st, void *slot)
{
    StoreNotice *n = slot;
    sql_copy_text(n->id, sizeof n->id, st, 0);
    sql_copy_text(n->text, sizeof n->text, st, 1);
    n->urgent = sqlite3_column_int(st, 2);
    int p = period_parse((const char *)sqlite3_column_text(st, 3));
    n->period = p < 0 ? PERIOD_IMMEDIATE : (Period)p;
}

int store_notices(Store *s, int64_t now, StoreNotice **out, int *count, Err *err)
{
    static const char sql[] = "SELECT id, text, urgent, period FROM notices"
                              " WHERE deleted = 0 AND starts_at <= :now AND (ends_at = 0 OR ends_at > :now)"
                              " ORDER BY urgent DESC, period = 'immediate' DESC, sort, starts_at DESC, id";
    sqlite3_stmt *st = prepare(s, err, sql, NULL);
    if (!st) return -1;
    bind_now(st, now);
    return collect(s, st, sizeof(StoreNotice), read_notice, (void **)out, count, err);
}

static void read_answer(sqlite3_stmt *st, void *slot)
{
    StoreAnswer *a = slot;
    sql_copy_text(a->id, sizeof a->id, st, 0);
    sql_copy_text(a->question, sizeof a->question, st, 1);
    sql_copy_text(a->answer, sizeof a->answer, st, 2);
    a->asked_at = sqlite3_column_int64(st, 3);
    a->answered_at = sqlite3_column_int64(st, 4);
    sql_copy_text(a->item_id, sizeof a->item_id, st, 5);
}

int store_answers(Store *s, int offset, int limit, StoreAnswer **out, int *count, int *total, Err *err)
{
    if (query_count(s, err, total, "SELECT COUNT(*) FROM answers WHERE deleted = 0", NULL)) return -1;
    sqlite3_stmt *st = prepare(s, err,
                               "SELECT id, question, answer, asked_at, answered_at, item_id FROM answers"
                               " WHERE deleted = 0 ORDER BY answered_at DESC, id LIMIT ?1 OFFSET ?2",
                               "dd", limit, offset);
    if (!st) return -1;
    return collect(s, st, sizeof(StoreAnswer), read_answer, (void **)out, count, err);
}

int store_next_change(Store *s, int64_t now, int64_t *at, Err *err)
{
    /* Every instant after `now` at which a screen query's answer can
     * change with no new content: an item's window opens or closes, its
     * 新 badge (7 days, as in SUMMARY_COLUMNS and store_catalog) ends, a
     * notice starts or ends. */
    static const char sql[] =
        "SELECT COALESCE(MIN(t), 0) FROM ("
        " SELECT published_at AS t FROM items WHERE scope = 'public' AND deleted = 0 AND published_at > ?1"
        " UNION ALL SELECT expires_at FROM items WHERE scope = 'public' AND deleted = 0 AND expires_at > ?1"
        " UNION ALL SELECT published_at + 86400 * 7 FROM items"
        "  WHERE scope = 'public' AND deleted = 0 AND published_at + 86400 * 7 > ?1"
        " UNION ALL SELECT starts_at FROM notices WHERE deleted = 0 AND starts_at > ?1"
        " UNION ALL SELECT ends_at FROM notices WHERE deleted = 0 AND ends_at > ?1)";
    return query_int(s, err, at, sql, "i", now);
}

int store_item_viewed(Store *s, const char *id, const char *day, int64_t views, Err *err)
{
    return run(s, err,
               "INSERT INTO view_counts(item_id, day, count) VALUES (?1, ?2, ?3)"
               " ON CONFLICT(item_id, day) DO UPDATE SET count = count + ?3",
               "ssi", id, day, views);
}

int store_view_count(Store *s, const char *id, int64_t *out, Err *err)
{
    return query_int(s, err, out, "SELECT COALESCE((SELECT sum(count) FROM view_counts WHERE item_id = ?1), 0)", "s",
                     id);
}

static void read_views(sqlite3_stmt *st, void *slot)
{
    StoreViews *v = slot;
    sql_copy_text(v->item_id, sizeof v->item_id, st, 0);
    sql_copy_text(v->day, sizeof v->day, st, 1);
    v->count = sqlite3_column_int64(st, 2);
}

int store_views_unreported(Store *s, int limit, StoreViews **out, int *count, Err *err)
{
    sqlite3_stmt *st = prepare(s, err,
                               "SELECT item_id, day, count - reported AS unreported FROM view_counts"
                               " WHERE count > reported ORDER BY day, unreported DESC, item_id LIMIT ?1",
                               "d", limit);
    if (!st) return -1;
    return collect(s, st, sizeof(StoreViews), read_views, (void **)out, count, err);
}

int store_views_mark_reported(Store *s, const StoreViews *views, int count, const char *today, Err *err)
{
    if (store_write_begin(s, err)) return -1;
    for (int i = 0; i < count; i++)
        if (run(s, err, "UPDATE view_counts SET reported = min(count, reported + ?3) WHERE item_id = ?1 AND day = ?2",
                "ssi", views[i].item_id, views[i].day, views[i].count)) {
            store_write_rollback(s);
            return -1;
        }
    /* A past day whose views the server has all is done with: the table
     * holds what is still to report and today's, however long the kiosk runs. */
    if (run(s, err, "DELETE FROM view_counts WHERE count = reported AND day < ?1", "s", today) ||
        store_write_commit(s, err)) {
        store_write_rollback(s);
        return -1;
    }
    return 0;
}

/* ---- state ------------------------------------------------------------ */

static int query_text(Store *s, char *buf, size_t size, const char *sql, const char *fmt, ...)
{
    if (size) buf[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    int rc = sql_first_column(s->db, s->path, NULL, buf, size, NULL, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int store_state_get(Store *s, const char *key, char *buf, size_t size)
{
    return query_text(s, buf, size, "SELECT value FROM sync_state WHERE key = ?1", "s", key);
}

int store_state_set(Store *s, const char *key, const char *value, Err *err)
{
    return run(s, err, "INSERT OR REPLACE INTO sync_state(key, value) VALUES (?1, ?2)", "ss", key, value);
}

int store_revision(Store *s, int64_t *out, Err *err)
{
    return query_int(s, err, out,
                     "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'revision'), 0)",
                     NULL);
}

int store_set_revision(Store *s, int64_t revision, Err *err)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)revision);
    return store_state_set(s, "revision", buf, err);
}

/* ---- writes ----------------------------------------------------------- */

int store_write_begin(Store *s, Err *err) { return exec_sql(s, "BEGIN IMMEDIATE", err); }
int store_write_commit(Store *s, Err *err) { return exec_sql(s, "COMMIT", err); }

#define WAL_AUTOCHECKPOINT_PAGES 1000 /* SQLite's default, for every other write */

int store_write_commit_large(Store *s, double *commit_ms, double *checkpoint_ms, Err *err)
{
    sqlite3_wal_autocheckpoint(s->db, 0);
    double t0 = monoclock_ms();
    int rc = exec_sql(s, "COMMIT", err);
    double t1 = monoclock_ms();
    sqlite3_wal_autocheckpoint(s->db, WAL_AUTOCHECKPOINT_PAGES);
    if (rc == 0) sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    *commit_ms = t1 - t0;
    *checkpoint_ms = monoclock_ms() - t1;
    return rc;
}

void store_write_rollback(Store *s)
{
    if (!sqlite3_get_autocommit(s->db)) exec_sql(s, "ROLLBACK", NULL);
}

/* A snapshot replaces everything, but rewriting every row twice (all
 * marked deleted, then each brought back) would cost a 10,000-item store
 * every row and index entry twice over.  Instead the snapshot notes what
 * it names in the connection's temporary snapshot_kept, the upserts leave
 * unchanged rows as they are, and at the end only the rows it did not name
 * are marked deleted. */
int store_snapshot_begin(Store *s, Err *err) { return exec_sql(s, "DELETE FROM temp.snapshot_kept", err); }

int store_snapshot_keep(Store *s, FeedSection section, const char *id, Err *err)
{
    return run(s, err, "INSERT OR IGNORE INTO temp.snapshot_kept(section, id) VALUES (?1, ?2)", "ds", (int)section, id);
}

int store_snapshot_end(Store *s, Err *err)
{
    static const char *const tables[FEED_SECTION_COUNT] = {
        [FEED_CATEGORIES] = "categories",
        [FEED_ITEMS] = "items",
        [FEED_NOTICES] = "notices",
        [FEED_ANSWERS] = "answers",
    };
    for (int i = 0; i < FEED_SECTION_COUNT; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "UPDATE %s SET deleted = 1 WHERE deleted = 0"
                 " AND id NOT IN (SELECT id FROM temp.snapshot_kept WHERE section = %d)",
                 tables[i], i);
        if (exec_sql(s, sql, err)) return -1;
    }
    return exec_sql(s, "DELETE FROM temp.snapshot_kept", err);
}

/* Withdrawals are kept for the visitor who had the item open or follows a
 * link to it: the newest STORE_WITHDRAWALS_KEPT of the last
 * STORE_WITHDRAWAL_DAYS days, so that the table stays small. */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define PURGE_WITHDRAWALS_SQL                                                                                          \
    "DELETE FROM withdrawals WHERE withdrawn_at < CAST(strftime('%s', 'now') AS INTEGER) - 86400 * " STRINGIFY(        \
        STORE_WITHDRAWAL_DAYS) " OR item_id NOT IN (SELECT item_id FROM withdrawals"                                   \
                               " ORDER BY withdrawn_at DESC, item_id LIMIT " STRINGIFY(STORE_WITHDRAWALS_KEPT) ");"

int store_purge_hidden(Store *s, Err *err) { return exec_sql(s, PURGE_HIDDEN_SQL PURGE_WITHDRAWALS_SQL, err); }

int store_withdrawal_add(Store *s, const FeedWithdrawal *w, Err *err)
{
    return run(s, err, "INSERT OR REPLACE INTO withdrawals(item_id, reason, withdrawn_at) VALUES (?1, ?2, ?3)", "ssi",
               w->id, w->reason, w->withdrawn_at);
}

static int read_note(Store *s, const char *sql, const char *id, StoreNote *out, Err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prepare(s, err, sql, "s", id);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sql_copy_text(out->reason, sizeof out->reason, st, 0);
        out->at = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return out->reason[0] ? 0 : 1;
    return rc == SQLITE_DONE ? 1 : db_error(s, err, "reading a public explanation");
}

int store_item_change_note(Store *s, const char *id, StoreNote *out, Err *err)
{
    return read_note(s, "SELECT change_reason, changed_at FROM items WHERE id = ?1 AND deleted = 0", id, out, err);
}

int store_withdrawal_get(Store *s, const char *id, StoreNote *out, Err *err)
{
    return read_note(s, "SELECT reason, withdrawn_at FROM withdrawals WHERE item_id = ?1", id, out, err);
}

int store_category_upsert(Store *s, const FeedCategory *c, Err *err)
{
    return run(s, err,
               "INSERT INTO categories(id, parent_id, name, icon, sort, lang, deleted)"
               " VALUES (?1, NULLIF(?2, ''), ?3, ?4, ?5, ?6, 0)"
               " ON CONFLICT(id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,"
               " icon = excluded.icon, sort = excluded.sort, lang = excluded.lang, deleted = 0"
               " WHERE (parent_id, name, icon, sort, lang, deleted)"
               " IS NOT (excluded.parent_id, excluded.name, excluded.icon, excluded.sort, excluded.lang, 0)",
               "ssssds", c->id, c->parent_id ? c->parent_id : "", c->name, c->icon ? c->icon : "", c->sort,
               lang_word(c->lang));
}

#define CATEGORY_AND_BELOW                                                                                             \
    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) "

int store_category_delete(Store *s, const char *id, Err *err)
{
    if (run(s, err, CATEGORY_AND_BELOW "UPDATE items SET deleted = 1 WHERE category_id IN (SELECT id FROM sub)", "s",
            id))
        return -1;
    return run(s, err, CATEGORY_AND_BELOW "UPDATE categories SET deleted = 1 WHERE id IN (SELECT id FROM sub)", "s",
               id);
}

int store_item_upsert(Store *s, const FeedItem *it, Err *err)
{
    if (run(s, err,
            "INSERT INTO items(id, category_id, title, body, unit, published_at, expires_at, period, scope,"
            " pinned, urgent, revision, lang, body_format, change_reason, changed_at, deleted)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 0)"
            " ON CONFLICT(id) DO UPDATE SET category_id = excluded.category_id, title = excluded.title,"
            " body = excluded.body, unit = excluded.unit, published_at = excluded.published_at,"
            " expires_at = excluded.expires_at, period = excluded.period, scope = excluded.scope,"
            " pinned = excluded.pinned, urgent = excluded.urgent, revision = excluded.revision,"
            " lang = excluded.lang, body_format = excluded.body_format, change_reason = excluded.change_reason,"
            " changed_at = excluded.changed_at, deleted = 0"
            /* A row that is already so is not written again (a resync
             * brings back thousands of unchanged items). */
            " WHERE (category_id, title, body, unit, published_at, expires_at, period, scope, pinned, urgent,"
            " revision, lang, body_format, change_reason, changed_at, deleted) IS NOT (excluded.category_id,"
            " excluded.title, excluded.body, excluded.unit, excluded.published_at, excluded.expires_at,"
            " excluded.period, excluded.scope, excluded.pinned, excluded.urgent, excluded.revision, excluded.lang,"
            " excluded.body_format, excluded.change_reason, excluded.changed_at, 0)",
            "sssssiissddisssi", it->id, it->category_id, it->title, it->body, it->unit ? it->unit : "",
            it->published_at, it->expires_at, period_word(it->period), scope_word(it->scope), (int)it->pinned,
            (int)it->urgent, it->revision, lang_word(it->lang), body_format_word(it->body_format),
            it->change_reason ? it->change_reason : "", it->changed_at))
        return -1;
    for (int i = 0; i < it->attachment_count; i++) {
        const FeedAttachment *a = &it->attachments[i];
        if (run(s, err,
                "INSERT INTO attachments(item_id, seq, sha256, size, mime, caption, href)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                " ON CONFLICT(item_id, seq) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
                " mime = excluded.mime, caption = excluded.caption, href = excluded.href"
                " WHERE (sha256, size, mime, caption, href)"
                " IS NOT (excluded.sha256, excluded.size, excluded.mime, excluded.caption, excluded.href)",
                "sdsisss", it->id, i, a->sha256, a->size, a->mime, a->caption ? a->caption : "",
                a->href ? a->href : ""))
            return -1;
    }
    /* The images the item no longer has. */
    return run(s, err, "DELETE FROM attachments WHERE item_id = ?1 AND seq >= ?2", "sd", it->id, it->attachment_count);
}

int store_item_delete(Store *s, const char *id, Err *err)
{
    return run(s, err, "UPDATE items SET deleted = 1 WHERE id = ?1", "s", id);
}

int store_notice_upsert(Store *s, const FeedNotice *n, Err *err)
{
    return run(s, err,
               "INSERT INTO notices(id, text, urgent, period, starts_at, ends_at, sort, deleted)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)"
               " ON CONFLICT(id) DO UPDATE SET text = excluded.text, urgent = excluded.urgent,"
               " period = excluded.period, starts_at = excluded.starts_at, ends_at = excluded.ends_at,"
               " sort = excluded.sort, deleted = 0",
               "ssdsiid", n->id, n->text, (int)n->urgent, period_word(n->period), n->starts_at, n->ends_at, n->sort);
}

int store_notice_delete(Store *s, const char *id, Err *err)
{
    return run(s, err, "UPDATE notices SET deleted = 1 WHERE id = ?1", "s", id);
}

int store_answer_upsert(Store *s, const FeedAnswer *a, Err *err)
{
    return run(s, err,
               "INSERT INTO answers(id, question, answer, item_id, asked_at, answered_at, deleted)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)"
               " ON CONFLICT(id) DO UPDATE SET question = excluded.question, answer = excluded.answer,"
               " item_id = excluded.item_id, asked_at = excluded.asked_at,"
               " answered_at = excluded.answered_at, deleted = 0",
               "ssssii", a->id, a->question, a->answer, a->item_id ? a->item_id : "", a->asked_at, a->answered_at);
}

int store_answer_delete(Store *s, const char *id, Err *err)
{
    return run(s, err, "UPDATE answers SET deleted = 1 WHERE id = ?1", "s", id);
}

/* Reports the first id a check query returns, if any. */
static int check_none(Store *s, Err *err, const char *sql, const char *what)
{
    sqlite3_stmt *st = prepare(s, err, sql, NULL);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err_set(err, "%s \"%s\"", what, (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_error(s, err, "checking the catalog");
}

int store_check_integrity(Store *s, Err *err)
{
    /* up(start, id, d): walk up from every live category; d is the depth
     * reached.  A walk deeper than three means a fourth level or a cycle. */
    static const char depth_sql[] =
        "WITH RECURSIVE up(start, id, d) AS ("
        "  SELECT id, parent_id, 1 FROM categories WHERE deleted = 0"
        "  UNION ALL SELECT up.start, c.parent_id, up.d + 1 FROM up JOIN categories c ON c.id = up.id"
        "  WHERE up.id IS NOT NULL AND up.d <= 4)"
        "SELECT start FROM up WHERE d > 3 LIMIT 1";
    if (check_none(s, err,
                   "SELECT c.id FROM categories c WHERE c.deleted = 0 AND c.parent_id IS NOT NULL"
                   " AND NOT EXISTS (SELECT 1 FROM categories p WHERE p.id = c.parent_id AND p.deleted = 0) LIMIT 1",
                   "its parent category does not exist: category"))
        return -1;
    if (check_none(s, err, depth_sql, "the catalog is deeper than three levels (or has a cycle) at category"))
        return -1;
    return check_none(s, err,
                      "SELECT i.id FROM items i WHERE i.deleted = 0 AND NOT EXISTS"
                      " (SELECT 1 FROM categories c WHERE c.id = i.category_id AND c.deleted = 0) LIMIT 1",
                      "its category does not exist: item");
}

/* ---- attachments ------------------------------------------------------ */

static void read_blobref(sqlite3_stmt *st, void *slot)
{
    StoreBlobRef *b = slot;
    sql_copy_text(b->sha256, sizeof b->sha256, st, 0);
    sql_copy_text(b->href, sizeof b->href, st, 1);
    b->size = sqlite3_column_int64(st, 2);
}

int store_blobs_missing(Store *s, StoreBlobRef **out, int *count, Err *err)
{
    sqlite3_stmt *st =
        prepare(s, err,
                "SELECT a.sha256, a.href, a.size FROM attachments a JOIN items i ON i.id = a.item_id"
                " WHERE i.deleted = 0 AND i.scope = 'public' AND a.sha256 NOT IN (SELECT sha256 FROM blobs)"
                " GROUP BY a.sha256, a.size, a.href ORDER BY a.sha256, a.size, a.href",
                NULL);
    if (!st) return -1;
    return collect(s, st, sizeof(StoreBlobRef), read_blobref, (void **)out, count, err);
}

int store_blobs_present(Store *s, StoreBlobRef **out, int *count, Err *err)
{
    sqlite3_stmt *st = prepare(s, err, "SELECT sha256, '', size FROM blobs ORDER BY sha256", NULL);
    if (!st) return -1;
    return collect(s, st, sizeof(StoreBlobRef), read_blobref, (void **)out, count, err);
}

int store_blob_set_present(Store *s, const char *sha256, bool present, Err *err)
{
    if (!present) return run(s, err, "DELETE FROM blobs WHERE sha256 = ?1", "s", sha256);
    return run(s, err,
               "INSERT OR REPLACE INTO blobs(sha256, size, verified_at)"
               " VALUES (?1, COALESCE((SELECT MAX(size) FROM attachments WHERE sha256 = ?1), 0), strftime('%s','now'))",
               "s", sha256);
}

int store_blob_is_present(Store *s, const char *sha256, bool *out, Err *err)
{
    return query_bool(s, err, out, "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)", "s", sha256);
}

int store_blob_referenced(Store *s, const char *sha256, bool *out, Err *err)
{
    return query_bool(s, err, out,
                      "SELECT EXISTS (SELECT 1 FROM attachments a JOIN items i ON i.id = a.item_id"
                      " WHERE a.sha256 = ?1 AND i.deleted = 0)",
                      "s", sha256);
}

/* ---- feedback outbox -------------------------------------------------- */

int store_feedback_add(Store *s, const StoreFeedback *f, Err *err)
{
    /* synchronous=FULL (set at open) makes the COMMIT reach the disk
     * before we return, so 提交成功 is only shown for what survives a
     * power cut. */
    return run(s, err,
               "INSERT INTO feedback_outbox(id, kind, target_item, target_category, rating, rating_levels,"
               " reasons, comment, name, phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
               "ssssddssssi", f->id, feedback_kind_word(f->kind), f->target_item, f->target_category, f->rating,
               f->rating_levels, f->reasons[0] ? f->reasons : "[]", f->comment, f->name, f->phone, f->created_at);
}

/* One transaction for the checks and the insert: the rules see every
 * submission committed before this one, whichever connection wrote it,
 * and nothing can slip in between the check and the row. */
static int add_checked_locked(Store *s, const StoreFeedback *f, int duplicate_window_s, int rate_limit_per_hour,
                              StoreFeedbackOutcome *out, Err *err)
{
    int64_t now = f->created_at;
    bool duplicate = false;
    if (duplicate_window_s > 0 && store_feedback_duplicate(s, f, now - duplicate_window_s, now, &duplicate, err))
        return err_prefix(err, "cannot check for a duplicate, so nothing is saved: ");
    if (duplicate) {
        *out = STORE_FEEDBACK_DUPLICATE;
        return 0;
    }
    int last_hour = 0;
    if (store_feedback_count_since(s, now - 3600, now, &last_hour, err))
        return err_prefix(err, "cannot check the rate limit, so nothing is saved: ");
    if (last_hour >= rate_limit_per_hour) {
        *out = STORE_FEEDBACK_RATE_LIMITED;
        return 0;
    }
    if (store_feedback_add(s, f, err)) return err_prefix(err, "not saved: ");
    *out = STORE_FEEDBACK_SAVED;
    return 0;
}

int store_feedback_add_checked(Store *s, const StoreFeedback *f, int duplicate_window_s, int rate_limit_per_hour,
                               int wait_ms, StoreFeedbackOutcome *out, Err *err)
{
    sqlite3_busy_timeout(s->db, wait_ms);
    int rc = store_write_begin(s, err);
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
    if (rc) return err_prefix(err, "not saved: ");
    if (add_checked_locked(s, f, duplicate_window_s, rate_limit_per_hour, out, err) == 0 &&
        store_write_commit(s, err) == 0)
        return 0;
    exec_sql(s, "ROLLBACK", NULL);
    return -1;
}

bool store_busy(Store *s)
{
    int code = sqlite3_errcode(s->db);
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

/* A kind this program does not know (a row written by a newer version
 * before a downgrade): outside the vocabulary, so feedback_kind_word()
 * gives NULL, and store_feedback_pending holds the row back rather than
 * uploading it as something it is not. */
#define UNKNOWN_KIND ((FeedbackKind)(FEEDBACK_REPORT + 1))

static void read_feedback(sqlite3_stmt *st, void *slot)
{
    StoreFeedback *f = slot;
    sql_copy_text(f->id, sizeof f->id, st, 0);
    int k = feedback_kind_parse((const char *)sqlite3_column_text(st, 1));
    f->kind = k < 0 ? UNKNOWN_KIND : (FeedbackKind)k;
    sql_copy_text(f->target_item, sizeof f->target_item, st, 2);
    sql_copy_text(f->target_category, sizeof f->target_category, st, 3);
    f->rating = sqlite3_column_int(st, 4);
    f->rating_levels = sqlite3_column_int(st, 5);
    sql_copy_text(f->reasons, sizeof f->reasons, st, 6);
    sql_copy_text(f->comment, sizeof f->comment, st, 7);
    sql_copy_text(f->name, sizeof f->name, st, 8);
    sql_copy_text(f->phone, sizeof f->phone, st, 9);
    f->created_at = sqlite3_column_int64(st, 10);
    f->attempts = sqlite3_column_int(st, 11);
}

int store_feedback_pending(Store *s, int max, StoreFeedback **out, int *count, Err *err)
{
    sqlite3_stmt *st = prepare(s, err,
                               "SELECT id, kind, target_item, target_category, rating, rating_levels, reasons, comment,"
                               " name, phone, created_at, attempts FROM feedback_outbox WHERE sent_at IS NULL"
                               " ORDER BY created_at, id LIMIT ?1",
                               "d", max);
    if (!st) return -1;
    if (collect(s, st, sizeof(StoreFeedback), read_feedback, (void **)out, count, err)) return -1;
    StoreFeedback *rows = *out;
    int kept = 0;
    for (int i = 0; i < *count; i++) {
        if (!feedback_kind_word(rows[i].kind)) {
            log_warn("store: submission %s has a kind this kiosk does not know; it stays in the outbox, not sent",
                     rows[i].id);
            continue;
        }
        if (kept != i) rows[kept] = rows[i];
        kept++;
    }
    *count = kept;
    return 0;
}

int store_feedback_mark_sent(Store *s, const char *id, int64_t now, Err *err)
{
    return run(s, err, "UPDATE feedback_outbox SET sent_at = ?2, name = '', phone = '' WHERE id = ?1", "si", id, now);
}

int store_feedback_note_attempt(Store *s, const char *id, const char *error, Err *err)
{
    return run(s, err, "UPDATE feedback_outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1", "ss", id,
               error ? error : "");
}

/* Receipt numbers are not stored: each is worked out from its id by the
 * rule countyd shares (a few microseconds each), so there is no column
 * that could disagree with the id. */
int store_feedback_unsent_receipt(Store *s, const char *digits, bool *out, Err *err)
{
    sqlite3_stmt *st = prepare(s, err, "SELECT id FROM feedback_outbox WHERE sent_at IS NULL", NULL);
    if (!st) return -1;
    int rc = SQLITE_DONE;
    *out = false;
    while (!*out && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char receipt[RECEIPT_DIGITS + 1];
        const char *id = (const char *)sqlite3_column_text(st, 0);
        *out = id && receipt_from_feedback_id(id, receipt, NULL) == 0 && strcmp(receipt, digits) == 0;
    }
    if (!*out && rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return db_error(s, err, "reading the outbox");
    }
    sqlite3_finalize(st);
    return 0;
}

int store_feedback_outbox_length(Store *s, int *out, Err *err)
{
    return query_count(s, err, out, "SELECT COUNT(*) FROM feedback_outbox WHERE sent_at IS NULL", NULL);
}

/* Both windows are closed at `now` too: submissions stamped in the future
 * by a clock that ran ahead and was then corrected are not "recent", or a
 * kiosk would refuse everything until real time caught up with them. */
int store_feedback_count_since(Store *s, int64_t since, int64_t now, int *out, Err *err)
{
    return query_count(s, err, out, "SELECT COUNT(*) FROM feedback_outbox WHERE created_at BETWEEN ?1 AND ?2", "ii",
                       since, now);
}

int store_feedback_duplicate(Store *s, const StoreFeedback *f, int64_t since, int64_t now, bool *out, Err *err)
{
    return query_bool(s, err, out,
                      "SELECT EXISTS (SELECT 1 FROM feedback_outbox WHERE created_at BETWEEN ?1 AND ?8 AND kind = ?2"
                      " AND target_item = ?3 AND target_category = ?4 AND rating = ?5 AND comment = ?6"
                      " AND reasons = ?7)",
                      "isssdssi", since, feedback_kind_word(f->kind), f->target_item, f->target_category, f->rating,
                      f->comment, f->reasons[0] ? f->reasons : "[]", now);
}
