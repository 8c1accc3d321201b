/* common/: the path helpers fail on truncation rather than name another
 * file; an Err keeps its kind through err_prefix; err_mark gives one; the
 * statement cache runs the same statement again with new arguments, fails
 * closed and leaves nothing open. */
#include "testutil.h"

#include "blobfile.h"
#include "dynlib.h"
#include "path.h"
#include "ratelimit.h"
#include "sqlutil.h"

static void a_path_that_does_not_fit_fails(void **state)
{
    (void)state;
    char out[16];
    Err err;
    assert_int_equal(path_join(out, sizeof out, "/var/cache", "ab", &err), 0);
    assert_string_equal(out, "/var/cache/ab");
    assert_int_equal(path_join(out, sizeof out, "/var/cache", "abcdef", &err), -1);
    assert_string_equal(out, "");
    assert_non_null(strstr(err.msg, "longer than the 15 allowed"));
    assert_int_equal(path_format(out, sizeof out, &err, "%s-%d", "x", 42), 0);
    assert_string_equal(out, "x-42");
    char big[PATH_MAX];
    assert_int_equal(blobs_path("/var/cache", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", big,
                                sizeof big, &err),
                     0);
    assert_string_equal(big, "/var/cache/9f/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    assert_int_equal(blobs_path("/var/cache", "9f86d0", out, sizeof out, &err), -1);
}

static void errors_carry_their_kind(void **state)
{
    (void)state;
    Err err;
    assert_int_equal(err_set(&err, "disk full"), -1);
    assert_int_equal(err.kind, ERR_FAULT);
    assert_int_equal(err_refuse(&err, ERR_NOT_FOUND, "there is no item %s", "x"), -1);
    assert_int_equal(err.kind, ERR_NOT_FOUND);
    err_prefix(&err, "items: ");
    assert_string_equal(err.msg, "items: there is no item x");
    assert_int_equal(err.kind, ERR_NOT_FOUND);
    err_set(&err, "title: is missing");
    assert_int_equal(err_mark(&err, ERR_BAD_REQUEST), -1);
    assert_int_equal(err.kind, ERR_BAD_REQUEST);
    assert_string_equal(err.msg, "title: is missing");
}

static int cache_run(SqlCache *c, Err *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sql_cache_run(c, err, sql, fmt, ap);
    va_end(ap);
    return rc;
}

/* No statement of the connection is left stepping (a read transaction
 * held open) after a call, whichever way it ended. */
static void assert_nothing_busy(sqlite3 *db)
{
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
        assert_false(sqlite3_stmt_busy(st));
}

static void the_statement_cache_reuses_and_fails_closed(void **state)
{
    (void)state;
    const char *path = test_path("cache.db");
    unlink(path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL)", NULL, NULL, NULL),
                     SQLITE_OK);
    SqlCache *c;
    Err err;
    assert_int_equal(sql_cache_open(db, path, &c, &err), 0);

    /* One text, many rows: one prepared statement, the caller's buffer
     * reused for every id (the text is read during the call only). */
    static const char insert[] = "INSERT INTO t(id, n) VALUES (?1, ?2)";
    char id[16];
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "row-%d", i);
        assert_int_equal(cache_run(c, &err, insert, "si", id, (int64_t)i), 0);
    }
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM t"), 500);
    assert_int_equal(test_query_int(db, "SELECT n FROM t WHERE id = 'row-321'"), 321);
    int statements = 0;
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st)) statements++;
    assert_int_equal(statements, 1);

    /* A failing step is an error with SQLite's message, and the statement
     * is ready again for the next row. */
    assert_int_equal(cache_run(c, &err, insert, "si", "row-7", (int64_t)7), -1);
    assert_non_null(strstr(err.msg, "writing"));
    assert_non_null(strstr(err.msg, "UNIQUE"));
    assert_nothing_busy(db);
    assert_int_equal(cache_run(c, &err, insert, "si", "row-new", (int64_t)1), 0);
    assert_int_equal(cache_run(c, &err, "INSERT INTO nowhere VALUES (?1)", "s", "x"), -1);
    assert_non_null(strstr(err.msg, "preparing"));
    assert_int_equal(cache_run(c, &err, insert, "x", "?"), -1);
    assert_non_null(strstr(err.msg, "binding"));
    assert_nothing_busy(db);

    /* More texts than slots: the ones beyond run uncached, still right. */
    char sql[128];
    for (int i = 0; i < SQL_CACHE_SLOTS + 10; i++) {
        snprintf(sql, sizeof sql, "UPDATE t SET n = n + %d WHERE id = ?1", i + 1);
        assert_int_equal(cache_run(c, &err, sql, "s", "row-0"), 0);
    }
    int64_t expect = (SQL_CACHE_SLOTS + 10) * (SQL_CACHE_SLOTS + 11) / 2;
    assert_int_equal(test_query_int(db, "SELECT n FROM t WHERE id = 'row-0'"), expect);
    assert_nothing_busy(db);

    /* Closing the cache finalizes every statement: the connection closes. */
    sql_cache_close(c);
    assert_null(sqlite3_next_stmt(db, NULL));
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* 60 an hour, 10 at once: the eleventh in a row waits a minute, and a
 * minute later one more is allowed; another key is untouched. */
static void a_rate_limit_allows_a_burst_then_its_rate(void **state)
{
    (void)state;
    RateLimit *rl;
    Err err;
    assert_int_equal(ratelimit_new(60, 10, &rl, &err), 0);
    int retry = -1;
    double t = 1000;
    for (int i = 0; i < 10; i++) assert_int_equal(ratelimit_take(rl, "k-1", t, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "k-1", t, &retry), 1);
    assert_int_equal(retry, 60);
    assert_int_equal(ratelimit_take(rl, "k-2", t, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "k-1", t + 30000, &retry), 1);
    assert_int_equal(retry, 30);
    assert_int_equal(ratelimit_take(rl, "k-1", t + 60000, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "k-1", t + 60000, &retry), 1);
    ratelimit_free(rl);
    /* 0 an hour: no limit. */
    assert_int_equal(ratelimit_new(0, 1, &rl, &err), 0);
    for (int i = 0; i < 100; i++) assert_int_equal(ratelimit_take(rl, "k-1", t, &retry), 0);
    ratelimit_free(rl);
    assert_int_equal(ratelimit_new(-1, 1, &rl, &err), -1);
}

/* Far more keys than slots: the table does not grow, and a key that has
 * used up its bucket keeps it — the fuller buckets of new keys give way. */
static void a_rate_limit_stays_bounded_and_keeps_an_exhausted_key(void **state)
{
    (void)state;
    RateLimit *rl;
    Err err;
    assert_int_equal(ratelimit_new(60, 2, &rl, &err), 0);
    int retry;
    assert_int_equal(ratelimit_take(rl, "spent", 0, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "spent", 0, &retry), 0);
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "kiosk-%d", i);
        assert_int_equal(ratelimit_take(rl, key, 1, &retry), 0);
    }
    assert_int_equal(ratelimit_take(rl, "spent", 2, &retry), 1);
    ratelimit_free(rl);
}

/* A library opened when needed: its symbols land in the caller's
 * pointers; a missing library or symbol fails with its name and leaves
 * the pointers alone. */
static void a_library_opens_when_needed_or_says_what_is_missing(void **state)
{
    (void)state;
    const char *(*version_of_zlib)(void) = NULL;
    void *lib = NULL;
    Err err;
    const DynSym syms[] = {{"zlibVersion", &version_of_zlib}};
    assert_int_equal(dynlib_open("libz.so.1", "zlib1g", syms, 1, &lib, &err), 0);
    assert_non_null(version_of_zlib);
    assert_int_equal(version_of_zlib()[0], '1');
    dynlib_close(lib);

    const char *(*absent)(void) = NULL;
    const DynSym missing[] = {{"zlibVersion", &version_of_zlib}, {"no_such_function_here", &absent}};
    version_of_zlib = NULL;
    assert_int_equal(dynlib_open("libz.so.1", NULL, missing, 2, &lib, &err), -1);
    assert_non_null(strstr(err.msg, "no_such_function_here"));
    assert_null(version_of_zlib);
    assert_null(absent);

    assert_int_equal(dynlib_open("libno-such-library.so.9", "no-such-package", syms, 1, &lib, &err), -1);
    assert_non_null(strstr(err.msg, "libno-such-library.so.9"));
    assert_non_null(strstr(err.msg, "no-such-package"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_path_that_does_not_fit_fails),
        cmocka_unit_test(errors_carry_their_kind),
        cmocka_unit_test(the_statement_cache_reuses_and_fails_closed),
        cmocka_unit_test(a_rate_limit_allows_a_burst_then_its_rate),
        cmocka_unit_test(a_rate_limit_stays_bounded_and_keeps_an_exhausted_key),
        cmocka_unit_test(a_library_opens_when_needed_or_says_what_is_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
