/* testutil.h — small helpers shared by the cmocka tests (header-only,
 * because each test is one program linked against the module libraries). */
#ifndef KIOSK_TESTUTIL_H
#define KIOSK_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <png.h>
#include <sqlite3.h>
#include <zlib.h>

#include "store.h"

/* A fresh path inside the test's scratch folder ($KIOSK_TEST_TMP, made by
 * scripts/run-tests.sh; /tmp when a test is run by hand). */
static inline const char *test_path(const char *name)
{
    static char paths[8][1024];
    static int next;
    const char *dir = getenv("KIOSK_TEST_TMP");
    char *p = paths[next++ % 8];
    snprintf(p, 1024, "%s/%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(), name);
    return p;
}

static inline void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Appends text to the string in buf (size bytes); the tests' strcat. */
static inline void test_append(char *buf, size_t size, const char *text)
{
    size_t used = strlen(buf);
    assert_true(used + strlen(text) < size);
    snprintf(buf + used, size - used, "%s", text);
}

/* SQL that takes a store back from schema 6 to schema 5 (views without
 * their day, summed per item), for tests of older migrations. */
#define TEST_UNDO_SCHEMA_6                                                                                             \
    "CREATE TABLE view_counts_5 (item_id TEXT PRIMARY KEY, count INTEGER NOT NULL DEFAULT 0,"                          \
    "  reported INTEGER NOT NULL DEFAULT 0);"                                                                          \
    "INSERT INTO view_counts_5 SELECT item_id, sum(count), sum(reported) FROM view_counts GROUP BY item_id;"           \
    "DROP TABLE view_counts; ALTER TABLE view_counts_5 RENAME TO view_counts;"

/* SQL that takes a store back from schema 5 to schema 4 (without the
 * columns and table of the change and withdrawal notes), for tests of
 * older migrations. */
#define TEST_UNDO_SCHEMA_5                                                                                             \
    "ALTER TABLE items DROP COLUMN change_reason; ALTER TABLE items DROP COLUMN changed_at;"                           \
    "DROP TABLE withdrawals;"

/* A store on a fresh, empty database file `name` in the scratch folder. */
static inline Store *test_store_fresh(const char *name)
{
    const char *path = test_path(name);
    store_delete_files(path);
    Store *s;
    Err err;
    if (store_open(path, &s, &err) != 0) fail_msg("%s", err.msg);
    return s;
}

/* Seconds on the monotonic clock, for timing what a test waits for. */
static inline double test_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The store's counts for a test, which fails on a query error (a count
 * never stands for one). */
static inline int64_t test_revision(Store *s)
{
    int64_t v = -1;
    Err err;
    if (store_revision(s, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

static inline int test_schema_version(Store *s)
{
    int v = -1;
    Err err;
    if (store_schema_version(s, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

static inline int test_outbox_length(Store *s)
{
    int v = -1;
    Err err;
    if (store_feedback_outbox_length(s, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

static inline int64_t test_view_count(Store *s, const char *id)
{
    int64_t v = -1;
    Err err;
    if (store_view_count(s, id, &v, &err)) fail_msg("%s", err.msg);
    return v;
}

/* Breaks a database under a Store that has it open: another connection
 * renames `table` away, so every query of the Store that uses it fails
 * (what a damaged or half-migrated file does).  For the fail-closed tests. */
static inline void test_break_table(const char *db_path, const char *table)
{
    sqlite3 *db;
    char sql[160], *msg = NULL;
    snprintf(sql, sizeof sql, "ALTER TABLE %s RENAME TO %s_gone", table, table);
    if (sqlite3_open(db_path, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("cannot break %s in %s: %s", table, db_path, msg ? msg : sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* Makes every read of `table` fail while writes still succeed: the
 * table moves to TABLE_real, a view TABLE over it fails when stepped (an
 * integer overflow in its WHERE), and an INSTEAD OF trigger passes
 * inserts through (columns left out take their defaults).  This is the
 * case that tells a check which fails closed from one that fails open:
 * the write after a failed check would succeed. */
static inline void test_break_reads(const char *db_path, const char *table)
{
    sqlite3 *db;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) fail_msg("%s: %s", db_path, sqlite3_errmsg(db));
    char sql[4096], cols[1500] = "", vals[2500] = "", *msg = NULL;
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *dflt = (const char *)sqlite3_column_text(st, 4);
        size_t cl = strlen(cols), vl = strlen(vals);
        snprintf(cols + cl, sizeof cols - cl, "%s%s", cl ? ", " : "", name);
        snprintf(vals + vl, sizeof vals - vl, "%sCOALESCE(new.%s, %s)", vl ? ", " : "", name, dflt ? dflt : "NULL");
    }
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql,
             "ALTER TABLE %s RENAME TO %s_real;"
             "CREATE VIEW %s AS SELECT * FROM %s_real WHERE abs(-9223372036854775807 - 1) > 0;"
             "CREATE TRIGGER %s_insert INSTEAD OF INSERT ON %s BEGIN INSERT INTO %s_real (%s) VALUES (%s); END;",
             table, table, table, table, table, table, table, cols, vals);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("cannot break reads of %s: %s", table, msg);
    sqlite3_close(db);
}

/* The first column of a query's row, on the test's own connection; a
 * query that fails or has no row fails the test. */
static inline int64_t test_query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Rows in a table, read with a connection of the test's own. */
static inline int test_count_rows(const char *db_path, const char *table)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    if (sqlite3_open(db_path, &db) != SQLITE_OK || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", db_path, sqlite3_errmsg(db));
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- images ---- */

/* A real 1 x 1 PNG: countyd and kioskctl read the header of every image
 * (proto/image.h).  Bytes appended after it (after IEND) are ignored by
 * decoders, so a test can make many different files from it. */
static const char test_tiny_png[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00"
    "\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78"
    "\x9c\x63\x38\x91\x62\x04\x00\x03\x56\x01\x5f\xe8\x17\x84\x52\x00\x00\x00\x00\x49\x45"
    "\x4e\x44\xae\x42\x60\x82";

typedef void (*TestRowFn)(int y, uint8_t *row, int w);

/* A PNG of w x h; rows from row_fn (NULL: the header and one row, as a
 * file cut short).  Z_RLE keeps a huge plain image quick to write. */
static inline void test_write_png(const char *path, int w, int h, int color, int depth, bool interlace,
                                  TestRowFn row_fn, const png_color *palette, int palette_len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    if (setjmp(png_jmpbuf(png))) fail_msg("libpng could not write %s", path);
    png_init_io(png, f);
    if (row_fn) png_set_compression_strategy(png, Z_RLE);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (palette) {
        png_set_PLTE(png, info, palette, palette_len);
        png_byte alpha[2] = {0, 255};
        png_set_tRNS(png, info, alpha, 2, NULL);
    }
    if (!row_fn) png_set_compression_level(png, 0); /* stored: the first row is written out at once */
    png_write_info(png, info);
    if (row_fn) {
        png_set_filter(png, 0, PNG_FILTER_NONE);
        size_t rowbytes = png_get_rowbytes(png, info);
        uint8_t *row = calloc(1, rowbytes + (size_t)w * 8); /* solid_row fills w pixels of up to 8 bytes */
        int passes = png_set_interlace_handling(png);
        for (int p = 0; p < passes; p++)
            for (int y = 0; y < h; y++) {
                row_fn(y, row, w);
                png_write_row(png, row);
            }
        png_write_end(png, NULL);
        free(row);
    } else {
        size_t rowbytes = png_get_rowbytes(png, info);
        uint8_t *row = calloc(1, rowbytes);
        for (size_t done = 0; done < 65536; done += rowbytes) png_write_row(png, row);
        png_write_flush(png);
        free(row);
    }
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

#endif
