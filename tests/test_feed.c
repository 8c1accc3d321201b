/* The feed importer: valid documents, invalid ones (nothing applied),
 * hostile ones (deep nesting, huge strings, invalid UTF-8, wrong types,
 * duplicate ids), and a snapshot whose process is killed half-way
 * (nothing applied either). */
#include "testutil.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "import.h"
#include "store.h"

#define HEAD "\"format\":\"dangwu-feed\",\"version\":1,"
#define CATS                                                                                                           \
    "\"categories\":{\"upsert\":[{\"id\":\"c1\",\"name\":\"党组织决议\",\"sort\":1},"                             \
    "{\"id\":\"c1a\",\"parent\":\"c1\",\"name\":\"重要决策\"}]}"
#define ITEM_P(id, period, scope, extra)                                                                               \
    "{\"id\":\"" id "\",\"category\":\"c1a\",\"title\":\"标题\",\"body\":\"第一段。\\n第二段。\","           \
    "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"" period "\",\"scope\":\"" scope "\"" extra "}"
#define ITEM(id, extra) ITEM_P(id, "periodic", "public", extra)

static const char *const valid_snapshot =
    "{" HEAD "\"kind\":\"snapshot\",\"revision\":10," CATS ","
    "\"items\":{\"upsert\":[" ITEM("i1", "") "," ITEM(
        "i2", ",\"pinned\":true,\"urgent\":true") "]},"
                                                  "\"notices\":{\"upsert\":[{\"id\":\"n1\",\"text\":"
                                                  "\"本周五为党务公开日\",\"urgent\":true}]},"
                                                  "\"answers\":{\"upsert\":[{\"id\":\"a1\",\"question\":\"何时公开?\","
                                                  "\"answer\":\"每月一次。\","
                                                  "\"answered_at\":\"2026-11-02T10:00:00+08:00\"}]}}";

static int import(Store *s, const char *doc, Err *err)
{
    FeedResult res;
    return feed_import_buffer(s, doc, strlen(doc), &res, err);
}

/* A digest of everything the store holds, to prove "nothing changed". */
static void fingerprint(Store *s, const char *path, char *out, size_t size)
{
    (void)s;
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "SELECT (SELECT group_concat(id || deleted || title || revision) FROM items) || '|' ||"
                       " (SELECT group_concat(id || deleted || name) FROM categories) || '|' ||"
                       " (SELECT group_concat(id || deleted || text) FROM notices) || '|' ||"
                       " (SELECT group_concat(key || value) FROM sync_state) || '|' ||"
                       " (SELECT group_concat(item_id || reason || withdrawn_at) FROM withdrawals) || '|' ||"
                       " (SELECT group_concat(id || change_reason || changed_at) FROM items)",
                       -1, &st, NULL);
    sqlite3_step(st);
    snprintf(out, size, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void valid_snapshot_is_applied(void **state)
{
    (void)state;
    Store *s = test_store_fresh("valid.db");
    FeedResult res;
    Err err;
    assert_int_equal(feed_import_buffer(s, valid_snapshot, strlen(valid_snapshot), &res, &err), 0);
    assert_true(res.snapshot);
    assert_int_equal(res.revision, 10);
    assert_int_equal(res.upserts, 6);
    assert_int_equal(test_revision(s), 10);
    int64_t now = time(NULL);
    StoreItem it;
    assert_int_equal(store_item_get(s, "i2", now, &it, &err), 0);
    assert_true(it.s.pinned && it.s.urgent);
    assert_string_equal(it.body, "第一段。\n第二段。");
    store_item_free(&it);
    StoreAnswer *answers;
    int n, total;
    assert_int_equal(store_answers(s, 0, 10, &answers, &n, &total, &err), 0);
    assert_int_equal(total, 1);
    store_free(answers);
    store_close(s);
}

static void snapshot_replaces_everything(void **state)
{
    (void)state;
    Store *s = test_store_fresh("replace.db");
    Err err;
    assert_int_equal(import(s, valid_snapshot, &err), 0);
    const char *smaller =
        "{" HEAD "\"kind\":\"snapshot\",\"revision\":11," CATS ",\"items\":{\"upsert\":[" ITEM("i1", "") "]}}";
    assert_int_equal(import(s, smaller, &err), 0);
    StoreItem it;
    assert_int_equal(store_item_get(s, "i2", time(NULL), &it, &err), 1);
    StoreNotice *notices;
    int n;
    assert_int_equal(store_notices(s, time(NULL), &notices, &n, &err), 0);
    assert_int_equal(n, 0);
    store_free(notices);
    store_close(s);
}

static int64_t count_in(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int64_t n = test_query_int(db, sql);
    sqlite3_close(db);
    return n;
}

#define IMAGE(n)                                                                                                       \
    "{\"sha256\":\"" n "000000000000000000000000000000000000000000000000000000000000000\","                            \
    "\"type\":\"image/png\",\"size\":10}"

/* A snapshot over a full store writes only what changed (store.c keeps
 * unchanged rows), yet ends exactly as if it had replaced everything: a
 * changed item changed, its images one fewer, an item that became internal
 * gone, a category no longer named gone, the rest as they were. */
static void snapshot_over_a_snapshot_keeps_only_what_it_names(void **state)
{
    (void)state;
    const char *path = test_path("resync.db");
    store_delete_files(path);
    Store *s;
    Err err;
    assert_int_equal(store_open(path, &s, &err), 0);
    const char *first =
        "{" HEAD "\"kind\":\"snapshot\",\"revision\":1,\"categories\":{\"upsert\":[{\"id\":\"c1\",\"name\":\"一\"},"
        "{\"id\":\"c1a\",\"parent\":\"c1\",\"name\":\"甲\"},{\"id\":\"c2\",\"name\":\"二\"}]},"
        "\"items\":{\"upsert\":[" ITEM("i1", ",\"attachments\":[" IMAGE("1") "," IMAGE("2") "]") "," ITEM(
            "i2", "") "," ITEM("i3", "") "]},\"notices\":{\"upsert\":[{\"id\":\"n1\",\"text\":\"通知\"}]}}";
    assert_int_equal(import(s, first, &err), 0);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM attachments"), 2);
    const char *second = "{" HEAD "\"kind\":\"snapshot\",\"revision\":2," CATS ",\"items\":{\"upsert\":[" ITEM(
        "i1", ",\"revision\":2,\"attachments\":[" IMAGE("1") "]") "," ITEM("i2", "") "," ITEM_P("i3", "periodic",
                                                                                                "internal", "") "]}}";
    FeedResult res;
    assert_int_equal(feed_import_buffer(s, second, strlen(second), &res, &err), 0);
    assert_false(res.unchanged);
    assert_int_equal(test_revision(s), 2);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM attachments"), 1);
    assert_int_equal(count_in(path, "SELECT revision FROM items WHERE id = 'i1'"), 2);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM items WHERE id = 'i2' AND deleted = 0"), 1);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM items WHERE id = 'i3'"), 0);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM categories"), 2);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM categories WHERE id = 'c1' AND name = '党组织决议'"), 1);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM notices"), 0);
    /* The same snapshot once more at a new revision changes no row. */
    const char *third_head = "{" HEAD "\"kind\":\"snapshot\",\"revision\":3,";
    char third[4096];
    snprintf(third, sizeof third, "%s%s", third_head, strstr(second, "\"revision\":2,") + strlen("\"revision\":2,"));
    assert_int_equal(import(s, third, &err), 0);
    assert_int_equal(test_revision(s), 3);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM items WHERE deleted = 0"), 2);
    assert_int_equal(count_in(path, "SELECT COUNT(*) FROM attachments"), 1);
    store_close(s);
}

static void delta_applies_only_on_its_base(void **state)
{
    (void)state;
    Store *s = test_store_fresh("delta.db");
    Err err;
    FeedResult res;
    assert_int_equal(import(s, valid_snapshot, &err), 0);
    const char *delta = "{" HEAD "\"kind\":\"delta\",\"base_revision\":10,\"revision\":12,"
                        "\"items\":{\"upsert\":[" ITEM("i3", "") "],\"delete\":[\"i1\"]}}";
    assert_int_equal(feed_import_buffer(s, delta, strlen(delta), &res, &err), 0);
    assert_int_equal(test_revision(s), 12);
    StoreItem it;
    assert_int_equal(store_item_get(s, "i1", time(NULL), &it, &err), 1);
    assert_int_equal(store_item_get(s, "i3", time(NULL), &it, &err), 0);
    store_item_free(&it);

    /* The same delta again (a retried download) changes nothing. */
    assert_int_equal(feed_import_buffer(s, delta, strlen(delta), &res, &err), 0);
    assert_true(res.unchanged);

    const char *gap =
        "{" HEAD "\"kind\":\"delta\",\"base_revision\":13,\"revision\":14,\"items\":{\"delete\":[\"i2\"]}}";
    assert_int_equal(import(s, gap, &err), -1);
    assert_non_null(strstr(err.msg, "applies to revision 13, but the store is at 12"));
    store_close(s);
}

static void load_from_file_names_the_file(void **state)
{
    (void)state;
    Store *s = test_store_fresh("file.db");
    const char *path = test_path("feed.json");
    test_write_file(path, "{" HEAD "\"kind\":\"snapshot\"}");
    FeedResult res;
    Err err;
    assert_int_equal(feed_import_file(s, path, &res, &err), -1);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "document.revision: is missing"));
    assert_int_equal(feed_import_file(s, "/nonexistent/feed.json", &res, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
    store_close(s);
}

/* Each bad document must fail, change nothing, and say where. */
static void invalid_documents_change_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *words;
    } cases[] = {
        {"", "line 1"},
        {"[1,2,3]", "must be a JSON object"},
        {"{\"format\":\"other\"}", "document.format"},
        {"{" HEAD "\"kind\":\"sideways\",\"revision\":1}", "document.kind"},
        {"{\"format\":\"dangwu-feed\",\"version\":2,\"kind\":\"snapshot\",\"revision\":1}", "version"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":-1}", "document.revision: is out of range"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":\"20\"}", "document.revision: must be a whole number"},
        {"{" HEAD "\"kind\":\"delta\",\"revision\":20}", "base_revision: is missing"},
        /* partly invalid: valid entries first, one bad one last */
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("ok1", "") "," ITEM_P("bad", "weekly", "public", "") "]}}",
         "items.upsert[1].period: must be one of"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("x", "") "," ITEM("x", "") "]}}",
         "items.upsert[1].id: \"x\" appears twice"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[{\"id\":\"t\",\"category\":\"c1a\","
         "\"title\":5,\"body\":\"b\",\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":"
         "\"public\"}]}}",
         "items.upsert[0].title: must be a string"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("p", ",\"pinned\":\"yes\"") "]}}",
         "items.upsert[0].pinned: must be true or false"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("w", ",\"expires_at\":\"2026-10-01T00:00:00+08:00\"") "]}}",
         "expires_at: must be later than published_at"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[{\"id\":\"t\",\"category\":\"c1a\","
         "\"title\":\"t\",\"body\":\"b\",\"published_at\":\"yesterday\",\"period\":\"periodic\",\"scope\":\"public\"}]}"
         "}",
         "published_at: is not a time"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM_P("s", "periodic", "secret", "") "]}}",
         "items.upsert[0].scope: must be one of public, internal"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("l", ",\"lang\":\"zh-CN\"") "]}}",
         "items.upsert[0].lang: must be one of zh-Hans, zh-Hant"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("f", ",\"body_format\":\"html\"") "]}}",
         "items.upsert[0].body_format: must be one of plain, markdown"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("o", "") "]},\"items\":{}}",
         "duplicate object key"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS ",\"items\":{\"upsert\":[" ITEM("bad id!", "") "]}}",
         "items.upsert[0].id: must be 1-63 characters"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"items\":{\"upsert\":[" ITEM("orphan", "") "]}}",
         "its category does not exist: item \"orphan\""},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"categories\":{\"upsert\":[{\"id\":\"a\",\"name\":\"1\"},"
         "{\"id\":\"b\",\"parent\":\"a\",\"name\":\"2\"},{\"id\":\"c\",\"parent\":\"b\",\"name\":\"3\"},"
         "{\"id\":\"d\",\"parent\":\"c\",\"name\":\"4\"}]}}",
         "deeper than three levels"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"categories\":{\"upsert\":[{\"id\":\"a\",\"parent\":\"b\","
         "\"name\":\"1\"},"
         "{\"id\":\"b\",\"parent\":\"a\",\"name\":\"2\"}]}}",
         "three levels (or has a cycle)"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS ",\"items\":{\"upsert\":[" ITEM(
             "img", ",\"attachments\":[{\"sha256\":\"XYZ\",\"size\":5,\"type\":\"image/png\"}]") "]}}",
         "attachments[0].sha256"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS ",\"items\":{\"upsert\":[" ITEM(
             "img", ",\"attachments\":[{\"sha256\":"
                    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"size\":5,"
                    "\"type\":\"application/x-sh\"}]") "]}}",
         "attachments[0].type"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[{\"id\":\"t\",\"category\":\"c1a\","
         "\"title\":\"a\\u0007b\",\"body\":\"b\",\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":"
         "\"periodic\",\"scope\":\"public\"}]}}",
         "title: contains a control character"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[{\"id\":\"t\",\"category\":\"c1a\","
         "\"title\":\"a\\u0000b\",\"body\":\"b\",\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":"
         "\"periodic\",\"scope\":\"public\"}]}}",
         "\\u0000"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"items\":[1]}", "items: must be an object"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"notices\":{\"upsert\":[\"text\"]}}",
         "notices.upsert[0]: must be an object"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"notices\":{\"upsert\":[{\"id\":\"n\",\"text\":\"t\"}],"
         "\"delete\":[\"n\"]}}",
         "both upserted and deleted"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20,\"answers\":{\"upsert\":[{\"id\":\"a\",\"question\":\"q\","
         "\"answer\":\"a\"}]}}",
         "answers.upsert[0].answered_at: is missing"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("r", ",\"change_reason\":5") "]}}",
         "items.upsert[0].change_reason: must be a string"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"items\":{\"upsert\":[" ITEM("r", ",\"change_reason\":\"更正\",\"changed_at\":\"昨天\"") "]}}",
         "items.upsert[0].changed_at: is not a time"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS ",\"withdrawals\":{}}",
         "withdrawals: must be an array"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS ",\"withdrawals\":[\"i1\"]}",
         "withdrawals[0]: must be an object"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"withdrawals\":[{\"id\":\"bad id!\",\"reason\":\"r\",\"withdrawn_at\":\"2026-11-20T10:00:00+08:00\"}]}",
         "withdrawals[0].id: must be 1-63 characters"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"withdrawals\":[{\"id\":\"i1\",\"withdrawn_at\":\"2026-11-20T10:00:00+08:00\"}]}",
         "withdrawals[0].reason: is missing"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"withdrawals\":[{\"id\":\"i1\",\"reason\":\"r\",\"withdrawn_at\":\"soon\"}]}",
         "withdrawals[0].withdrawn_at: is not a time"},
        {"{" HEAD "\"kind\":\"snapshot\",\"revision\":20," CATS
         ",\"withdrawals\":[{\"id\":\"i1\",\"reason\":\"r\",\"withdrawn_at\":\"2026-11-20T10:00:00+08:00\"},"
         "{\"id\":\"i1\",\"reason\":\"r\",\"withdrawn_at\":\"2026-11-20T10:00:00+08:00\"}]}",
         "appears twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Store *s = test_store_fresh("invalid.db");
        Err err = {0};
        char before[8192], after[8192];
        assert_int_equal(import(s, valid_snapshot, &err), 0);
        fingerprint(s, test_path("invalid.db"), before, sizeof before);
        if (import(s, cases[i].doc, &err) != -1) fail_msg("case %zu was accepted", i);
        if (!strstr(err.msg, cases[i].words)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].words);
        fingerprint(s, test_path("invalid.db"), after, sizeof after);
        assert_string_equal(before, after);
        store_close(s);
    }
}

static void invalid_utf8_is_rejected(void **state)
{
    (void)state;
    Store *s = test_store_fresh("utf8.db");
    Err err;
    const char doc[] =
        "{" HEAD
        "\"kind\":\"snapshot\",\"revision\":1,\"notices\":{\"upsert\":[{\"id\":\"n\",\"text\":\"\xe4\xb8\"}]}}";
    assert_int_equal(import(s, doc, &err), -1);
    assert_non_null(strstr(err.msg, "line 1"));
    assert_int_equal(test_revision(s), 0);
    store_close(s);
}

static void deep_nesting_is_refused_without_crashing(void **state)
{
    (void)state;
    Store *s = test_store_fresh("deep.db");
    size_t depth = 200000;
    size_t size = depth * 2 + 256;
    char *doc = malloc(size);
    size_t n = (size_t)snprintf(doc, size, "{" HEAD "\"kind\":\"snapshot\",\"revision\":1,\"x\":");
    memset(doc + n, '[', depth);
    memset(doc + n + depth, ']', depth);
    snprintf(doc + n + 2 * depth, size - n - 2 * depth, "}");
    Err err;
    assert_int_equal(import(s, doc, &err), -1);
    assert_non_null(strstr(err.msg, "depth"));
    free(doc);
    store_close(s);
}

static void huge_strings_are_refused(void **state)
{
    (void)state;
    Store *s = test_store_fresh("huge.db");
    size_t big = 3 * 1024 * 1024;
    size_t size = big + 1024;
    char *doc = malloc(size);
    int n = snprintf(doc, size,
                     "{" HEAD "\"kind\":\"snapshot\",\"revision\":1," CATS ",\"items\":{\"upsert\":[{\"id\":\"h\","
                     "\"category\":\"c1a\",\"title\":\"t\",\"published_at\":\"2026-11-01T09:00:00+08:00\","
                     "\"period\":\"periodic\",\"scope\":\"public\",\"body\":\"");
    memset(doc + n, 'x', big);
    snprintf(doc + n + big, size - (size_t)n - big, "\"}]}}");
    Err err;
    assert_int_equal(import(s, doc, &err), -1);
    assert_non_null(strstr(err.msg, "items.upsert[0].body: is 3145728 bytes long"));
    assert_int_equal(test_revision(s), 0);

    /* A whole document over the limit is refused before parsing. */
    FeedResult res;
    assert_int_equal(feed_import_buffer(s, doc, (size_t)FEED_MAX_BYTES + 1, &res, &err), -1);
    assert_non_null(strstr(err.msg, "at most"));
    free(doc);
    store_close(s);
}

static void internal_items_are_stored_but_never_shown(void **state)
{
    (void)state;
    Store *s = test_store_fresh("internal.db");
    Err err;
    const char *doc =
        "{" HEAD "\"kind\":\"snapshot\",\"revision\":3," CATS
        ",\"items\":{\"upsert\":[" ITEM("pub", "") "," ITEM_P("int", "periodic", "internal", ",\"pinned\":true") "]}}";
    assert_int_equal(import(s, doc, &err), 0);
    StoreItem it;
    assert_int_equal(store_item_get(s, "int", time(NULL), &it, &err), 1);
    StoreItemSummary *items;
    int n, total;
    assert_int_equal(store_items_page(s, "c1", time(NULL), 0, 50, &items, &n, &total, &err), 0);
    assert_int_equal(total, 1);
    assert_string_equal(items[0].id, "pub");
    store_free(items);
    store_close(s);
}

/* Whether the database file or its WAL holds the bytes anywhere (free
 * pages included). */
static bool file_holds(const char *db_path, const char *text)
{
    static const char *const suffixes[] = {"", "-wal"};
    for (int k = 0; k < 2; k++) {
        char path[1100];
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[k]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static char buf[8 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (memmem(buf, n, text, strlen(text))) return true;
    }
    return false;
}

#define ITEM_B(id, scope, body)                                                                                        \
    "{\"id\":\"" id "\",\"category\":\"c1a\",\"title\":\"" body "\",\"body\":\"" body "\","                            \
    "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"" scope "\"}"

/* A lobby kiosk's disk never holds internal text, nor the text of what
 * was withdrawn (a delta's delete, or left out of a snapshot). */
/* A snapshot of `items` items named PREFIX-N with bodies of about 2 KB. */
static char *big_snapshot(int items, int revision, const char *prefix, size_t *len)
{
    static const char line[] = "镇党委研究部署基层党建和为民办实事工作，现将有关情况公开如下。\\n";
    size_t cap = (size_t)items * (sizeof line * 30 + 300) + 1024, n = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    n += (size_t)snprintf(doc + n, cap - n,
                          "{" HEAD "\"kind\":\"snapshot\",\"revision\":%d," CATS ",\"items\":{\"upsert\":[", revision);
    for (int i = 0; i < items; i++) {
        n += (size_t)snprintf(doc + n, cap - n,
                              "%s{\"id\":\"%s-%d\",\"category\":\"c1a\",\"title\":\"标题%d\",\"published_at\":"
                              "\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"public\",\"body\":\"",
                              i ? "," : "", prefix, i, i);
        for (int k = 0; k < 30; k++) n += (size_t)snprintf(doc + n, cap - n, "%s", line);
        n += (size_t)snprintf(doc + n, cap - n, "\"}");
    }
    n += (size_t)snprintf(doc + n, cap - n, "]}}");
    assert_true(n < cap - 1);
    *len = n;
    return doc;
}

static void a_killed_snapshot_leaves_the_old_content(void **state)
{
    (void)state;
    const char *path = test_path("killed.db");
    store_delete_files(path);
    Store *s;
    Err err;
    FeedResult res;
    size_t old_len, new_len;
    char *old_doc = big_snapshot(100, 1, "old", &old_len), *new_doc = big_snapshot(20000, 2, "new", &new_len);
    assert_int_equal(store_open(path, &s, &err), 0);
    assert_int_equal(feed_import_buffer(s, old_doc, old_len, &res, &err), 0);
    store_close(s); /* the last connection: its log is copied and removed */
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (store_open(path, &s, &err) || feed_import_buffer(s, new_doc, new_len, &res, &err)) _exit(2);
        _exit(0);
    }
    /* Killed once the transaction has written part of the new snapshot
     * to the log (the page cache spills 40 MB long before the COMMIT). */
    bool killed = false, ended = false;
    struct stat st;
    while (!killed && !ended) {
        if (stat(wal, &st) == 0 && st.st_size > (8 << 20)) killed = kill(pid, SIGKILL) == 0;
        ended = waitpid(pid, NULL, WNOHANG) == pid;
        usleep(200);
    }
    if (!ended) waitpid(pid, NULL, 0);
    if (!killed) fail_msg("the import ended before it could be interrupted");

    StoreStart start;
    assert_int_equal(store_open_kiosk(path, &s, &start, &err), 0);
    assert_string_equal(start.moved_to, ""); /* quick_check passed */
    assert_false(start.read_only);
    assert_int_equal(test_revision(s), 1);
    assert_int_equal(test_count_rows(path, "items"), 100);
    StoreItem it;
    assert_int_equal(store_item_get(s, "old-42", time(NULL), &it, &err), 0);
    store_item_free(&it);
    assert_int_equal(store_item_get(s, "new-42", time(NULL), &it, &err), 1);
    /* And the same snapshot, not interrupted, applies whole. */
    assert_int_equal(feed_import_buffer(s, new_doc, new_len, &res, &err), 0);
    assert_int_equal(test_count_rows(path, "items"), 20000);
    store_close(s);
    free(old_doc);
    free(new_doc);
}

static void internal_and_withdrawn_text_never_on_disk(void **state)
{
    (void)state;
    Store *s = test_store_fresh("secret.db");
    const char *path = test_path("secret.db");
    Err err;
    const char *doc = "{" HEAD "\"kind\":\"snapshot\",\"revision\":3," CATS
                      ",\"items\":{\"upsert\":[" ITEM_B("pub", "public", "WITHDRAWN-BODY-1") "," ITEM_B(
                          "int", "internal", "INTERNAL-BODY-2") "," ITEM_B("old", "public", "DROPPED-BODY-3") "]}}";
    assert_int_equal(import(s, doc, &err), 0);
    const char *delta = "{" HEAD "\"kind\":\"delta\",\"base_revision\":3,\"revision\":4,"
                        "\"items\":{\"delete\":[\"pub\"]}}";
    assert_int_equal(import(s, delta, &err), 0);
    const char *snap = "{" HEAD "\"kind\":\"snapshot\",\"revision\":5," CATS
                       ",\"items\":{\"upsert\":[" ITEM_B("new", "public", "KEPT-BODY-4") "]}}";
    assert_int_equal(import(s, snap, &err), 0);
    store_close(s);
    assert_true(file_holds(path, "KEPT-BODY-4"));
    assert_false(file_holds(path, "INTERNAL-BODY-2"));
    assert_false(file_holds(path, "WITHDRAWN-BODY-1"));
    assert_false(file_holds(path, "DROPPED-BODY-3"));
}

/* A database from before schema 4 holding an internal item and a deleted
 * one: the migration purges both. */
static void migration_purges_internal_and_deleted_text(void **state)
{
    (void)state;
    Store *s = test_store_fresh("purge.db");
    store_close(s);
    const char *path = test_path("purge.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO categories(id, name) VALUES ('c1', '分类');"
                     "INSERT INTO items(id, category_id, title, published_at, period, scope, body, deleted)"
                     " VALUES ('i1', 'c1', 'OLD-INTERNAL-5', 0, 'periodic', 'internal', 'OLD-INTERNAL-5', 0),"
                     " ('i2', 'c1', 'OLD-DELETED-6', 0, 'periodic', 'public', 'OLD-DELETED-6', 1),"
                     " ('i3', 'c1', 'OLD-KEPT-7', 0, 'periodic', 'public', 'OLD-KEPT-7', 0);" TEST_UNDO_SCHEMA_6
                         TEST_UNDO_SCHEMA_5 "PRAGMA user_version = 3",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_true(file_holds(path, "OLD-INTERNAL-5"));
    Err err;
    assert_int_equal(store_open(path, &s, &err), 0);
    assert_int_equal(test_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(s);
    assert_false(file_holds(path, "OLD-INTERNAL-5"));
    assert_false(file_holds(path, "OLD-DELETED-6"));
    assert_true(file_holds(path, "OLD-KEPT-7"));
}

/* 更正说明 and 撤回原因 (seed 004): kept with the item, and for a
 * withdrawn item its reason alone, never its text; at most
 * STORE_WITHDRAWALS_KEPT of them, the newest. */
static void change_and_withdrawal_notes_are_kept(void **state)
{
    (void)state;
    Store *s = test_store_fresh("notes.db");
    const char *path = test_path("notes.db");
    Err err;
    StoreNote note;
    assert_int_equal(import(s, valid_snapshot, &err), 0);
    assert_int_equal(store_item_change_note(s, "i1", &note, &err), 1);
    const char *change =
        "{" HEAD "\"kind\":\"delta\",\"base_revision\":10,\"revision\":11,\"items\":{\"upsert\":[" ITEM_B(
            "i1", "public", "CORRECTED-BODY-8") "]}}";
    char doc[2048];
    snprintf(doc, sizeof doc,
             "%.*s,\"change_reason\":\"数字有误，已更正\",\"changed_at\":\"2026-11-20T10:00:00+08:00\"}]}}",
             (int)(strlen(change) - 4), change);
    assert_int_equal(import(s, doc, &err), 0);
    assert_int_equal(store_item_change_note(s, "i1", &note, &err), 0);
    assert_string_equal(note.reason, "数字有误，已更正");
    int64_t at;
    assert_int_equal(feed_parse_time("2026-11-20T10:00:00+08:00", &at), 0);
    assert_int_equal(note.at, at);
    assert_int_equal(store_withdrawal_get(s, "i1", &note, &err), 1);

    /* Kept for 180 days: dated by the real clock, as the purge is. */
    time_t now = time(NULL);
    char when[40];
    feed_format_time((int64_t)now - 2 * 86400, when, sizeof when);
    snprintf(doc, sizeof doc,
             "{" HEAD "\"kind\":\"delta\",\"base_revision\":11,\"revision\":12,\"items\":{\"delete\":[\"i1\"]},"
             "\"withdrawals\":[{\"id\":\"i1\",\"reason\":\"公示期满\",\"withdrawn_at\":\"%s\"}]}",
             when);
    assert_int_equal(import(s, doc, &err), 0);
    assert_int_equal(store_withdrawal_get(s, "i1", &note, &err), 0);
    assert_string_equal(note.reason, "公示期满");
    assert_int_equal(store_item_change_note(s, "i1", &note, &err), 1);

    /* More withdrawals than are kept: the newest stay. */
    char *many = malloc(64 * 1024);
    assert_non_null(many);
    int len =
        snprintf(many, 64 * 1024, "{" HEAD "\"kind\":\"delta\",\"base_revision\":12,\"revision\":13,\"withdrawals\":[");
    for (int i = 0; i < STORE_WITHDRAWALS_KEPT + 5; i++) {
        feed_format_time((int64_t)now - 86400 + i, when, sizeof when);
        len += snprintf(many + len, 64 * 1024 - (size_t)len,
                        "%s{\"id\":\"w%d\",\"reason\":\"r\",\"withdrawn_at\":\"%s\"}", i ? "," : "", i, when);
    }
    snprintf(many + len, 64 * 1024 - (size_t)len, "]}");
    assert_int_equal(import(s, many, &err), 0);
    free(many);
    assert_int_equal(store_withdrawal_get(s, "w4", &note, &err), 1);
    assert_int_equal(store_withdrawal_get(s, "w5", &note, &err), 0);
    assert_int_equal(store_withdrawal_get(s, "i1", &note, &err), 1); /* older than all of them */
    store_close(s);
    assert_false(file_holds(path, "CORRECTED-BODY-8"));
}

static void times_parse_with_offsets(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(feed_parse_time("2026-11-22T14:05:00+08:00", &t), 0);
    assert_int_equal(t, 1795327500);
    assert_int_equal(feed_parse_time("2026-11-22T06:05:00Z", &t), 0);
    assert_int_equal(t, 1795327500);
    assert_int_equal(feed_parse_time("2026-11-22T01:05:00-05:00", &t), 0);
    assert_int_equal(t, 1795327500);
    assert_int_equal(feed_parse_time("2026-11-22 14:05:00", &t), -1);
    assert_int_equal(feed_parse_time("2026-11-22T14:05:00+8", &t), -1);
    assert_int_equal(feed_parse_time("2026-13-22T14:05:00Z", &t), -1);
    assert_int_equal(feed_parse_time("2026-11-22T14:05:00Zjunk", &t), -1);
    assert_int_equal(feed_parse_time("2026-02-30T00:00:00Z", &t), -1);
    assert_int_equal(feed_parse_time("2026-1-22T14:05:00Z", &t), -1);
    assert_int_equal(feed_parse_time(" 2026-11-22T14:05:00Z", &t), -1);
    char buf[40];
    feed_format_time(1795327500, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-22T14:05:00+08:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_snapshot_is_applied),
        cmocka_unit_test(snapshot_replaces_everything),
        cmocka_unit_test(snapshot_over_a_snapshot_keeps_only_what_it_names),
        cmocka_unit_test(delta_applies_only_on_its_base),
        cmocka_unit_test(load_from_file_names_the_file),
        cmocka_unit_test(invalid_documents_change_nothing),
        cmocka_unit_test(invalid_utf8_is_rejected),
        cmocka_unit_test(deep_nesting_is_refused_without_crashing),
        cmocka_unit_test(huge_strings_are_refused),
        cmocka_unit_test(internal_items_are_stored_but_never_shown),
        cmocka_unit_test(internal_and_withdrawn_text_never_on_disk),
        cmocka_unit_test(a_killed_snapshot_leaves_the_old_content),
        cmocka_unit_test(migration_purges_internal_and_deleted_text),
        cmocka_unit_test(change_and_withdrawal_notes_are_kept),
        cmocka_unit_test(times_parse_with_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
