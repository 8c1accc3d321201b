/* test_authoring — the authoring folder format (kioskctl/authoring.c).
 *
 * Builds real folders in $KIOSK_TEST_TMP, loads them, imports the result
 * into a real SQLite store, and checks that every kind of mistake is
 * reported as "FILE:LINE: what is wrong" without producing a document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authoring.h"
#include "testutil.h"
#include "blobs.h"
#include "import.h"
#include "store.h"
#include "testutil.h"

#define SAMPLE_PNG "assets/sample/content/ztdr-2026-11.png"

static char dir[1024];

static void write_file(const char *name, const char *text)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *name)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void unlink_in_dir(const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(unlink(path), 0);
}

static const char good_catalog[] = "# a comment\n"
                                   "jc | 党组织决议、决定及执行情况 | decision\n"
                                   "  jc-hy | 会议决定\n"
                                   "\t jc-hy-dw ｜ 党委会议 | | 7\n"
                                   "\xe3\x80\x80jc-jh | 工作计划\n"
                                   "\n"
                                   "sx | 党的思想建设情况 | study | 5\n";

static const char good_item[] = "category: jc-hy-dw\n"
                                "title: 第10次党委会决定事项\n"
                                "unit: 中共青禾镇委员会\n"
                                "published: 2026-11-18 10:00\n"
                                "expires: 2026-12-31\n"
                                "period: 定期\n"
                                "scope: 社会\n"
                                "pinned: 是\n"
                                "pdf: notice.pdf | 原件\n"
                                "image: photo.png | 会议现场\n"
                                "\n"
                                "\xe3\x80\x80\xe3\x80\x80第一段，前面的全角空格会去掉。\n"
                                "\n"
                                "[图1]\n"
                                "    第二段。\n";

/* Windows line ends and a byte-order mark, Traditional words, an explicit
 * id, a "---" header end, an RFC 3339 time. */
static const char good_item_crlf[] = "\xef\xbb\xbfid: sx-2026.02\r\n"
                                     "category: sx\r\n"
                                     "title: 學習計劃\r\n"
                                     "published: 2026-11-01T09:00:00+08:00\r\n"
                                     "period: 長期\r\n"
                                     "scope: 黨內\r\n"
                                     "urgent: yes\r\n"
                                     "image: photo.png\r\n"
                                     "---\r\n"
                                     "正文一行。\r\n"
                                     "[圖1]\r\n"
                                     "[圖片說明]\r\n";

static const char good_notices[] = "id: n1\n"
                                   "urgent: 是\n"
                                   "ends: 2026-11-23\n"
                                   "\n"
                                   "停水通知。\n"
                                   "===\n"
                                   "id: n2\n"
                                   "period: 长期\n"
                                   "\n"
                                   "欢迎使用党务公开触控屏。\n";

static const char good_answers[] = "id: a1\n"
                                   "question: 路灯什么时候修？\n"
                                   "item: jc-hy-10\n"
                                   "asked: 2026-11-01\n"
                                   "answered: 2026-11-10 09:30\n"
                                   "\n"
                                   "已经修好。\n"
                                   "第二段答复。\n";

static void make_good_folder(void)
{
    write_file(AUTHORING_CATALOG, good_catalog);
    write_file("jc-hy-10.txt", good_item);
    write_file("sx-2.txt", good_item_crlf);
    write_file(AUTHORING_NOTICES, good_notices);
    write_file(AUTHORING_ANSWERS, good_answers);
    write_file("README.md", "not an item: only .txt files are\n");
    copy_file(SAMPLE_PNG, "photo.png");
    copy_file("tests/data/pdf/three-pages.pdf", "notice.pdf");
    copy_file("tests/data/pdf/truncated.pdf", "cut.pdf");
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("KIOSK_TEST_TMP");
    static int n;
    snprintf(dir, sizeof dir, "%s/authoring-%d", tmp ? tmp : "/tmp", ++n);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return -1;
    if (mkdir(dir, 0755) != 0) return -1;
    make_good_folder();
    return 0;
}

static json_t *entry(json_t *doc, const char *section, size_t i)
{
    return json_array_get(json_object_get(json_object_get(doc, section), "upsert"), i);
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* Relative dates count from the day the feed is made for, in China
 * Standard Time (midnight of 11-22 in Beijing is 16:00 on 11-21 in UTC). */
static void test_relative_dates(void **state)
{
    (void)state;
    write_file(AUTHORING_NOTICES, "id: n1\nstarts: 今天-1 18:00\nends: 今天+6\n\n停水通知。\n"
                                  "===\nid: n2\nstarts: today\nends: 今天+1天\n\n公示。\n");
    AuthoringOptions opt = {.revision = 1, .today = 1795312800 /* 2026-11-22 10:00 +08:00 */};
    json_t *doc;
    Err err = {0};
    if (authoring_load(dir, &opt, &doc, &err)) fail_msg("%s", err.msg);
    json_t *n = entry(doc, "notices", 0);
    assert_string_equal(str(n, "starts_at"), "2026-11-21T18:00:00+08:00");
    assert_string_equal(str(n, "ends_at"), "2026-11-29T00:00:00+08:00"); /* a date alone: its end */
    n = entry(doc, "notices", 1);
    assert_string_equal(str(n, "starts_at"), "2026-11-22T00:00:00+08:00");
    assert_string_equal(str(n, "ends_at"), "2026-11-24T00:00:00+08:00");
    json_decref(doc);
    /* 2026-11-21 23:30 in Beijing is still the 21st. */
    opt.today = 1795312800 - 10 * 3600 - 1800;
    if (authoring_load(dir, &opt, &doc, &err)) fail_msg("%s", err.msg);
    assert_string_equal(str(entry(doc, "notices", 1), "starts_at"), "2026-11-21T00:00:00+08:00");
    json_decref(doc);
    write_file(AUTHORING_NOTICES, "id: n1\nends: 今天+x\n\n停水通知。\n");
    assert_int_equal(authoring_load(dir, &opt, &doc, &err), -1);
    if (!strstr(err.msg, "今天+3")) fail_msg("error \"%s\" does not show the relative form", err.msg);
}

static void test_good_folder(void **state)
{
    (void)state;
    AuthoringOptions opt = {.revision = 7, .href_prefix = "content/"};
    json_t *doc;
    Err err = {0};
    int rc = authoring_load(dir, &opt, &doc, &err);
    if (rc) fail_msg("%s", err.msg);

    assert_string_equal(str(doc, "kind"), "snapshot");
    assert_int_equal(json_integer_value(json_object_get(doc, "revision")), 7);

    assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "categories"), "upsert")), 5);
    json_t *c = entry(doc, "categories", 2);
    assert_string_equal(str(c, "id"), "jc-hy-dw");
    assert_string_equal(str(c, "parent"), "jc-hy");
    assert_int_equal(json_integer_value(json_object_get(c, "sort")), 7);
    assert_null(json_object_get(entry(doc, "categories", 0), "parent"));
    assert_string_equal(str(entry(doc, "categories", 0), "icon"), "decision");
    assert_int_equal(json_integer_value(json_object_get(entry(doc, "categories", 3), "sort")), 2);
    assert_string_equal(str(entry(doc, "categories", 3), "parent"), "jc");
    assert_int_equal(json_integer_value(json_object_get(entry(doc, "categories", 4), "sort")), 5);

    /* items in file-name order; the first one's id is its file name */
    json_t *it = entry(doc, "items", 0);
    assert_string_equal(str(it, "id"), "jc-hy-10");
    assert_string_equal(str(it, "period"), "periodic");
    assert_string_equal(str(it, "scope"), "public");
    assert_string_equal(str(it, "published_at"), "2026-11-18T10:00:00+08:00");
    assert_string_equal(str(it, "expires_at"), "2027-01-01T00:00:00+08:00");
    assert_string_equal(str(it, "body"), "第一段，前面的全角空格会去掉。\n[图1]\n第二段。");
    assert_true(json_is_true(json_object_get(it, "pinned")));
    assert_true(json_is_false(json_object_get(it, "urgent")));
    json_t *a = json_array_get(json_object_get(it, "attachments"), 0);
    char hex[65];
    int64_t size;
    assert_int_equal(blobs_hash_file(SAMPLE_PNG, hex, &size, &err), 0);
    assert_string_equal(str(a, "sha256"), hex);
    assert_int_equal(json_integer_value(json_object_get(a, "size")), size);
    assert_string_equal(str(a, "type"), "image/png");
    assert_string_equal(str(a, "caption"), "会议现场");
    assert_string_equal(str(a, "href"), "content/photo.png");
    /* The PDF after the images whatever its line's place ([图1] is the photo). */
    a = json_array_get(json_object_get(it, "attachments"), 1);
    assert_string_equal(str(a, "type"), "application/pdf");
    assert_string_equal(str(a, "caption"), "原件");
    assert_string_equal(str(a, "href"), "content/notice.pdf");

    it = entry(doc, "items", 1);
    assert_string_equal(str(it, "id"), "sx-2026.02");
    assert_string_equal(str(it, "title"), "學習計劃");
    assert_string_equal(str(it, "period"), "long_term");
    assert_string_equal(str(it, "scope"), "internal");
    assert_string_equal(str(it, "body"), "正文一行。\n[图1]\n[圖片說明]");
    assert_true(json_is_true(json_object_get(it, "urgent")));
    assert_null(json_object_get(it, "expires_at"));
    /* No lang key: OpenCC finds 學習計劃 Traditional, the other item Simplified. */
    assert_string_equal(str(it, "lang"), "zh-Hant");
    assert_string_equal(str(entry(doc, "items", 0), "lang"), "zh-Hans");
    assert_string_equal(str(entry(doc, "categories", 0), "lang"), "zh-Hans");
    assert_string_equal(str(it, "body_format"), "plain");

    json_t *n = entry(doc, "notices", 0);
    assert_string_equal(str(n, "text"), "停水通知。");
    assert_true(json_is_true(json_object_get(n, "urgent")));
    assert_string_equal(str(n, "period"), "immediate");
    assert_string_equal(str(n, "ends_at"), "2026-11-24T00:00:00+08:00");
    assert_int_equal(json_integer_value(json_object_get(n, "sort")), 1);
    assert_string_equal(str(entry(doc, "notices", 1), "period"), "long_term");

    json_t *ans = entry(doc, "answers", 0);
    assert_string_equal(str(ans, "answer"), "已经修好。\n第二段答复。");
    assert_string_equal(str(ans, "item"), "jc-hy-10");
    assert_string_equal(str(ans, "answered_at"), "2026-11-10T09:30:00+08:00");

    /* The same folder gives the same text, and the text imports into a
     * real store, where the public item is visible and the 党内 one not. */
    char *text = authoring_feed_text(doc);
    json_t *again;
    assert_int_equal(authoring_load(dir, &opt, &again, &err), 0);
    char *text2 = authoring_feed_text(again);
    assert_string_equal(text, text2);
    free(text2);
    json_decref(again);

    char db[1200], feed[1200];
    snprintf(db, sizeof db, "%s/k.db", dir);
    snprintf(feed, sizeof feed, "%s/feed.json", dir);
    assert_int_equal(authoring_write_feed(doc, feed, &err), 0);
    Store *s;
    FeedResult res;
    assert_int_equal(store_open(db, &s, &err), 0);
    rc = feed_import_file(s, feed, &res, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(res.revision, 7);
    int fetched;
    char cache[1200];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    /* the hrefs say content/photo.png: import as if the folder were named content */
    char parent[1200];
    snprintf(parent, sizeof parent, "%s/up", dir);
    mkdir(parent, 0755);
    char link[1300];
    snprintf(link, sizeof link, "%s/content", parent);
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(blobs_mkdirs(cache, &err), 0);
    assert_int_equal(blobs_fetch_local(s, cache, parent, &fetched, &err), 0);
    assert_int_equal(fetched, 2); /* the photo and the PDF */
    int64_t now;
    assert_int_equal(feed_parse_time("2026-11-20T12:00:00+08:00", &now), 0);
    StoreItem item;
    assert_int_equal(store_item_get(s, "jc-hy-10", now, &item, &err), 0);
    assert_int_equal(item.s.image_count, 2);
    assert_string_equal(item.images[1].mime, "application/pdf");
    store_item_free(&item);
    assert_int_equal(store_item_get(s, "sx-2026.02", now, &item, &err), 1);
    store_close(s);
    free(text);
    json_decref(doc);
}

/* ---- bad input: each case replaces one file of the good folder ------- */

typedef struct {
    const char *file; /* written into the folder (NULL = none) */
    const char *text;
    const char *expect; /* must appear in the error, after the folder path */
} BadCase;

static void expect_failure(const char *file, const char *text, const char *expect)
{
    if (file) write_file(file, text);
    AuthoringOptions opt = {.revision = 1};
    json_t *doc = NULL;
    Err err = {0};
    int rc = authoring_load(dir, &opt, &doc, &err);
    if (rc == 0) fail_msg("accepted a folder with bad %s (expected \"%s\")", file, expect);
    assert_null(doc);
    if (!strstr(err.msg, expect)) fail_msg("error \"%s\" does not contain \"%s\"", err.msg, expect);
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "%s/", dir);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0) fail_msg("error \"%s\" does not name the file", err.msg);
}

static void test_bad_items(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\ncolour: red\n\ntext\n",
         "x.txt:6: unknown key \"colour\""},
        {"x.txt", "category: jc\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:1: title: is missing"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: weekly\nscope: 社会\n\ntext\n",
         "x.txt:4: period: must be one of"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-13-01\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:3: published: \"2026-13-01\" is not a time"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-02-30\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:3: published"},
        {"x.txt",
         "category: jc\ntitle: t\npublished: 2026-11-18\nexpires: 2026-11-01\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:4: expires: must be after published"},
        {"x.txt", "category: nowhere\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:1: category: \"nowhere\" is not in catalog.txt"},
        {"x.txt", "category: jc\ntitle: t\ntitle: u\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:3: title: appears twice (first on line 2)"},
        {"x.txt", "category: jc\ntitle: t\nimage: nope.png\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\ntext\n",
         "x.txt:3: image: \"nope.png\" is not in the folder"},
        {"x.txt",
         "category: jc\ntitle: t\nimage: ../etc/passwd\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:3: image: \"../etc/passwd\" must be a file name inside the folder"},
        {"x.txt", "category: jc\ntitle: t\nimage: catalog.txt\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:3: image: \"catalog.txt\": neither a PNG nor a JPEG"},
        {"x.txt", "category: jc\ntitle t\n", "x.txt:2: expected \"key: value\""},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n",
         "x.txt:1: the item has no text"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nline\nbad \x01 byte\n",
         "x.txt:8: the text contains a control character"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nok\n\xe4\xb8 cut\n",
         "x.txt:8: is not valid UTF-8"},
        {"x.txt", "category: jc\ntitle: \xc0\xaf overlong\n", "x.txt:2: is not valid UTF-8"},
        {"x.txt", "category: jc\nid: bad id!\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:2: id: \"bad id!\" is not an id"},
        {"x y.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x y.txt:1: id: is missing, and the file name"},
        {"x.txt", "id: jc-hy-10\ncategory: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:1: the id \"jc-hy-10\" is already used by jc-hy-10.txt"},
        {"x.txt", "", "x.txt: is empty"},
        {"x.txt", "\xe9\x83\xa8\xe9\x97\xa8\n", "x.txt:1: expected \"key: value\""},
        {"x.txt", "category: jc\ntitle: a\ttab\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:2: title: contains a tab"},
        {"x.txt",
         "category: jc\ntitle: t\nimage: photo.png\npublished: 2026-11-18\nperiod: 即时\nscope: "
         "社会\n\n一\n[图1]\n[圖2]\n",
         "x.txt:10: [图2] places image 2, but the item has 1 image line(s)"},
        {"x.txt", "category: jc\ntitle: t\npinned: maybe\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
         "x.txt:3: pinned: must be one of yes, no"},
        {"x.txt", "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\n\nt\n", "x.txt:1: scope: is missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/x.txt", dir);
        unlink(path);
        snprintf(path, sizeof path, "%s/x y.txt", dir);
        unlink(path);
        expect_failure(cases[i].file, cases[i].text, cases[i].expect);
    }
}

/* An image no kiosk can show is refused when the feed is made, with the
 * rule the kiosks apply (proto/image.h), not published to fail on screen. */
static void test_image_too_large_for_a_kiosk(void **state)
{
    (void)state;
    char path[2048];
    snprintf(path, sizeof path, "%s/huge.png", dir);
    test_write_png(path, 30000, 30000, PNG_COLOR_TYPE_GRAY, 8, false, NULL, NULL, 0);
    expect_failure("x.txt",
                   "category: jc\ntitle: t\nimage: huge.png\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
                   "x.txt:3: image: \"huge.png\": the image is 30000 x 30000 pixels");
}

/* A PDF is checked with the rule countyd and the kiosks apply (proto/pdf.h). */
static void test_pdf_checked_like_on_kiosks(void **state)
{
    (void)state;
    expect_failure("x.txt",
                   "category: jc\ntitle: t\npdf: cut.pdf\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
                   "x.txt:3: pdf: \"cut.pdf\": PDF 文件不完整");
    expect_failure("x.txt",
                   "category: jc\ntitle: t\npdf: photo.png\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
                   "x.txt:3: pdf: \"photo.png\": 这不是 PDF 文件");
}

static void test_title_too_long(void **state)
{
    (void)state;
    char text[4096] = "category: jc\ntitle: ";
    for (int i = 0; i < 400; i++) test_append(text, sizeof text, "长");
    test_append(text, sizeof text, "\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n");
    expect_failure("x.txt", text, "x.txt:2: title: is 1200 bytes long; at most 1000 are allowed");
}

static void test_too_many_images(void **state)
{
    (void)state;
    char text[8192] = "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n";
    for (int i = 0; i < 33; i++) test_append(text, sizeof text, "image: photo.png\n");
    test_append(text, sizeof text, "\nt\n");
    expect_failure("x.txt", text, "x.txt:38: image: at most 32 images and PDFs per item");
}

/* The author's word wins over detection, in the catalog and in an item,
 * and a Traditional category name is found by itself. */
static void test_language(void **state)
{
    (void)state;
    write_file(AUTHORING_CATALOG, "jc | 党组织决议 | decision\n  jc-a | 會議決定\n  jc-b | 会议决定 | | | | 繁體\n");
    write_file("a.txt",
               "category: jc-a\ntitle: 通知\nlang: zh-Hant\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\n"
               "这是简体字写的正文。\n");
    write_file("b.txt", "category: jc-a\ntitle: 學習\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\n"
                        "這是用繁體字寫的正文，鎮黨委將在觸控屏上公開。\n");
    unlink_in_dir("jc-hy-10.txt");
    unlink_in_dir("sx-2.txt");
    unlink_in_dir(AUTHORING_ANSWERS);
    AuthoringOptions opt = {.revision = 1};
    json_t *doc;
    Err err = {0};
    if (authoring_load(dir, &opt, &doc, &err)) fail_msg("%s", err.msg);
    assert_string_equal(str(entry(doc, "categories", 0), "lang"), "zh-Hans");
    assert_string_equal(str(entry(doc, "categories", 1), "lang"), "zh-Hant");
    assert_string_equal(str(entry(doc, "categories", 2), "lang"), "zh-Hant");
    assert_string_equal(str(entry(doc, "items", 0), "lang"), "zh-Hant");
    assert_string_equal(str(entry(doc, "items", 1), "lang"), "zh-Hant");
    json_decref(doc);
    expect_failure("c.txt",
                   "category: jc\ntitle: t\nlang: 粤语\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\n\nt\n",
                   "c.txt:3: lang: must be one of zh-Hans, zh-Hant");
}

static void test_unknown_key_lists_known_ones(void **state)
{
    (void)state;
    expect_failure("x.txt", "titel: t\n\nt\n", "x.txt:1: unknown key \"titel\" (known keys: id, category, title");
}

static void test_huge_file(void **state)
{
    (void)state;
    char path[2048];
    snprintf(path, sizeof path, "%s/huge.txt", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 3LL * 1024 * 1024 * 1024), 0); /* sparse: costs no disk */
    close(fd);
    expect_failure(NULL, NULL, "huge.txt: is 3221225472 bytes; at most");
}

static void test_fifo_and_long_image_line(void **state)
{
    (void)state;
    char path[2048];
    snprintf(path, sizeof path, "%s/pipe.txt", dir);
    assert_int_equal(mkfifo(path, 0644), 0); /* nobody writes to it: reading it would hang */
    expect_failure(NULL, NULL, "pipe.txt: is not a regular file");
    assert_int_equal(unlink(path), 0);

    char text[4096] = "category: jc\ntitle: t\npublished: 2026-11-18\nperiod: 即时\nscope: 社会\nimage: photo.png | ";
    for (int i = 0; i < 1600; i++) test_append(text, sizeof text, "x");
    test_append(text, sizeof text, "\n\nt\n");
    expect_failure("x.txt", text, "x.txt:6: image: the line is longer than");
}

static void test_bad_catalog(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {AUTHORING_CATALOG, "jc | 决议\n  jc-a | 二级\n    jc-b | 三级\n      jc-c | 四级\n",
         "catalog.txt:4: too deep"},
        {AUTHORING_CATALOG, "jc | 决议\n    jc-a | 二级\n  jc-b | 错位\n",
         "catalog.txt:3: the indentation does not line up"},
        {AUTHORING_CATALOG, "  jc | 决议\n", "catalog.txt:1: a first-level category must not be indented"},
        {AUTHORING_CATALOG, "jc | 决议\nsx | 思想\njc | 又一个\n",
         "catalog.txt:3: the id \"jc\" is already used on line 1"},
        {AUTHORING_CATALOG, "jc\n", "catalog.txt:1: expected \"id | name | icon | order | rules | lang\""},
        {AUTHORING_CATALOG, "jc | 决议 | Decision!\n", "catalog.txt:1: the icon \"Decision!\" is not an icon name"},
        {AUTHORING_CATALOG, "jc | 决议 | decision | first\n",
         "catalog.txt:1: the order \"first\" is not a whole number"},
        {AUTHORING_CATALOG, "jc | 决\xff议\n", "catalog.txt:1: is not valid UTF-8"},
        {AUTHORING_CATALOG, "# only a comment\n", "catalog.txt: holds no categories"},
        {AUTHORING_CATALOG, "jc | 决\t议\n", "catalog.txt:1: the name is longer than 400 bytes or has a tab"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_failure(cases[i].file, cases[i].text, cases[i].expect);
}

static void test_missing_catalog(void **state)
{
    (void)state;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, AUTHORING_CATALOG);
    assert_int_equal(unlink(path), 0);
    expect_failure(NULL, NULL, "catalog.txt: cannot open");
}

static void test_bad_notices_and_answers(void **state)
{
    (void)state;
    static const BadCase cases[] = {
        {AUTHORING_NOTICES, "id: n1\n\n第一行\n第二行\n", "notices.txt:3: a notice is one line of text"},
        {AUTHORING_NOTICES, "id: n1\n\n一\n===\nid: n1\n\n二\n",
         "notices.txt:5: the id \"n1\" is already used on line 1"},
        {AUTHORING_NOTICES, "id: n1\nstarts: 2026-11-20\nends: 2026-11-01\n\n一\n",
         "notices.txt:3: ends: must be after"},
        {AUTHORING_NOTICES, "id: n1\n\n有\t制表符\n", "notices.txt:3: a notice must not contain a tab"},
        {AUTHORING_NOTICES, "id: n1\nurgent: 是\n", "notices.txt:1: the notice has no text"},
        {AUTHORING_NOTICES, "id: n1\ntext: 一\n\n一\n", "notices.txt:2: unknown key \"text\""},
        {AUTHORING_ANSWERS, "id: a1\nquestion: 问？\nitem: nothing\nanswered: 2026-11-10\n\n答。\n",
         "answers.txt:3: item: there is no item \"nothing\""},
        {AUTHORING_ANSWERS, "id: a1\nquestion: 问？\n\n答。\n", "answers.txt:1: answered: is missing"},
        {AUTHORING_ANSWERS, "\n\n答复没有题头。\n", "answers.txt:3: expected \"key: value\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        make_good_folder();
        expect_failure(cases[i].file, cases[i].text, cases[i].expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_folder, setup),
        cmocka_unit_test_setup(test_relative_dates, setup),
        cmocka_unit_test_setup(test_bad_items, setup),
        cmocka_unit_test_setup(test_image_too_large_for_a_kiosk, setup),
        cmocka_unit_test_setup(test_pdf_checked_like_on_kiosks, setup),
        cmocka_unit_test_setup(test_title_too_long, setup),
        cmocka_unit_test_setup(test_too_many_images, setup),
        cmocka_unit_test_setup(test_unknown_key_lists_known_ones, setup),
        cmocka_unit_test_setup(test_language, setup),
        cmocka_unit_test_setup(test_huge_file, setup),
        cmocka_unit_test_setup(test_fifo_and_long_image_line, setup),
        cmocka_unit_test_setup(test_bad_catalog, setup),
        cmocka_unit_test_setup(test_missing_catalog, setup),
        cmocka_unit_test_setup(test_bad_notices_and_answers, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
