/* proto/: the one id and sha256 check, the vocabularies, and the feed
 * rules on their own (no store): a sink sees every checked entry, a
 * snapshot's catalog shape is checked from the document alone, and a
 * document with a fault reaches no sink callback past it; the fast JSON
 * loader builds what jansson's own loader would, and refuses what it
 * refuses. */
#include "testutil.h"

#include "feed.h"
#include "jsonload.h"
#include "receipt.h"
#include "wire.h"

#define HEAD "\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"snapshot\",\"revision\":3,"
#define ITEM(id, cat)                                                                                                  \
    "{\"id\":\"" id "\",\"category\":\"" cat "\",\"title\":\"标题\",\"body\":\"正文。\","                         \
    "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"public\"}"

static void ids_and_names_have_one_rule(void **state)
{
    (void)state;
    assert_true(proto_id_valid("gk-2026_031.a"));
    assert_false(proto_id_valid(""));
    assert_false(proto_id_valid(NULL));
    assert_false(proto_id_valid("有中文"));
    assert_false(proto_id_valid("a b"));
    char longest[PROTO_ID_MAX];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    assert_true(proto_id_valid(longest));
    char too_long[PROTO_ID_MAX + 1];
    memset(too_long, 'x', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = '\0';
    assert_false(proto_id_valid(too_long));

    assert_true(proto_feedback_id_valid("0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"));
    assert_false(proto_feedback_id_valid("short"));
    assert_false(proto_feedback_id_valid("has.dot.in.it"));

    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_true(proto_sha256_valid(sha));
    assert_false(proto_sha256_valid("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
    assert_false(proto_sha256_valid("9f86d0"));
    assert_false(proto_sha256_valid(NULL));
    assert_true(proto_image_type_valid("image/jpeg"));
    assert_false(proto_image_type_valid("image/gif"));
}

static void vocabularies_go_both_ways(void **state)
{
    (void)state;
    for (int p = PERIOD_LONG_TERM; p <= PERIOD_IMMEDIATE; p++)
        assert_int_equal(period_parse(period_word((Period)p)), p);
    assert_string_equal(period_label(PERIOD_PHASED), "分期");
    assert_int_equal(scope_parse("internal"), SCOPE_INTERNAL);
    assert_int_equal(feedback_kind_parse("request"), FEEDBACK_REQUEST);
    assert_string_equal(feedback_kind_word(FEEDBACK_COMMENT), "comment");
    assert_int_equal(period_parse("weekly"), -1);
    assert_int_equal(scope_parse(NULL), -1);
    assert_null(period_word((Period)9));
    assert_null(feedback_kind_word((FeedbackKind)-1));
}

/* The receipt number is one rule on both sides: the same id always gives
 * the same twelve digits, the check digit catches a wrong or swapped digit,
 * and what a visitor types (full-width digits, spaces) reads back. */
static void receipts_are_checked_numbers(void **state)
{
    (void)state;
    char a[RECEIPT_DIGITS + 1], b[RECEIPT_DIGITS + 1], typed[RECEIPT_DIGITS + 1];
    Err err = {0};
    assert_int_equal(receipt_from_feedback_id("0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b", a, &err), 0);
    assert_int_equal(receipt_from_feedback_id("0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5b", b, &err), 0);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), RECEIPT_DIGITS);
    assert_int_equal(receipt_from_feedback_id("0f8e2c1a-5b6d-4e7f-8a9b-0c1d2e3f4a5c", b, &err), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(receipt_from_feedback_id("short", b, &err), -1);

    char text[RECEIPT_TEXT_MAX];
    receipt_format(a, text);
    assert_int_equal(strlen(text), 14);
    assert_int_equal(receipt_normalize(text, typed, &err), 0);
    assert_string_equal(typed, a);
    /* 4821 written in full-width digits with an ideographic space */
    assert_int_equal(receipt_normalize("４８２１\u3000", typed, &err), -1); /* too short */
    char wide[64];
    snprintf(wide, sizeof wide, "\xef\xbc%c%s", (char)(0x90 + a[0] - '0'), a + 1);
    assert_int_equal(receipt_normalize(wide, typed, &err), 0);
    assert_string_equal(typed, a);

    char wrong[RECEIPT_DIGITS + 1];
    memcpy(wrong, a, sizeof wrong);
    wrong[3] = wrong[3] == '9' ? '0' : (char)(wrong[3] + 1);
    assert_int_equal(receipt_normalize(wrong, typed, &err), -1);
    memcpy(wrong, a, sizeof wrong);
    if (wrong[4] != wrong[5]) {
        char t = wrong[4];
        wrong[4] = wrong[5];
        wrong[5] = t;
        assert_int_equal(receipt_normalize(wrong, typed, &err), -1);
    }
    assert_int_equal(receipt_normalize("1234x", typed, &err), -1);
    assert_int_equal(receipt_normalize("1234567890123", typed, &err), -1);
    assert_int_equal(receipt_normalize(NULL, typed, &err), -1);

    assert_false(receipt_kind_has_receipt(FEEDBACK_RATING));
    assert_true(receipt_kind_has_receipt(FEEDBACK_REQUEST));
    assert_true(receipt_kind_has_receipt(FEEDBACK_REPORT));
    for (int s = CASE_PENDING; s <= CASE_NOTIFIED; s++)
        assert_int_equal(case_status_parse(case_status_word((CaseStatus)s)), s);
    assert_string_equal(case_status_label(CASE_ANSWERED), "已答复");
    assert_int_equal(case_status_parse("done"), -1);
    assert_null(case_status_label((CaseStatus)7));
    assert_int_equal(feedback_kind_parse("report"), FEEDBACK_REPORT);
}

typedef struct {
    int categories, items, removes, withdrawals;
    bool began;
    char last_id[PROTO_ID_MAX];
    char change_reason[64], withdrawal_reason[64];
    int64_t changed_at, withdrawn_at;
} Seen;

static int on_begin(void *ctx, const FeedHeader *h, bool *skip, Err *err)
{
    (void)skip;
    (void)err;
    Seen *s = ctx;
    s->began = h->snapshot && h->revision == 3;
    return 0;
}

static int on_category(void *ctx, const FeedCategory *c, Err *err)
{
    (void)err;
    Seen *s = ctx;
    s->categories++;
    snprintf(s->last_id, sizeof s->last_id, "%s", c->id);
    return 0;
}

static int on_item(void *ctx, const FeedItem *it, Err *err)
{
    (void)err;
    Seen *s = ctx;
    s->items++;
    snprintf(s->last_id, sizeof s->last_id, "%s", it->id);
    snprintf(s->change_reason, sizeof s->change_reason, "%s", it->change_reason ? it->change_reason : "(none)");
    s->changed_at = it->changed_at;
    return 0;
}

static int on_withdrawal(void *ctx, const FeedWithdrawal *w, Err *err)
{
    (void)err;
    Seen *s = ctx;
    s->withdrawals++;
    snprintf(s->last_id, sizeof s->last_id, "%s", w->id);
    snprintf(s->withdrawal_reason, sizeof s->withdrawal_reason, "%s", w->reason);
    s->withdrawn_at = w->withdrawn_at;
    return 0;
}

static int on_remove(void *ctx, FeedSection section, const char *id, Err *err)
{
    (void)err;
    (void)id;
    Seen *s = ctx;
    if (section == FEED_NOTICES) s->removes++;
    return 0;
}

static int parse(const char *doc, Seen *seen, Err *err)
{
    FeedSink sink = {.ctx = seen,
                     .begin = on_begin,
                     .category = on_category,
                     .item = on_item,
                     .remove = on_remove,
                     .withdrawal = on_withdrawal};
    return feed_parse(doc, strlen(doc), seen ? &sink : NULL, err);
}

static void a_sink_sees_each_checked_entry(void **state)
{
    (void)state;
    Seen seen = {0};
    Err err;
    const char *doc = "{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c1\",\"name\":\"决议\"},"
                      "{\"id\":\"c2\",\"parent\":\"c1\",\"name\":\"决策\"}]},"
                      "\"items\":{\"upsert\":[" ITEM("i1", "c2") "]},\"notices\":{\"delete\":[\"old\"]}}";
    if (parse(doc, &seen, &err)) fail_msg("%s", err.msg);
    assert_true(seen.began);
    assert_int_equal(seen.categories, 2);
    assert_int_equal(seen.items, 1);
    assert_int_equal(seen.removes, 1);
    assert_string_equal(seen.change_reason, "(none)");
    assert_int_equal(seen.changed_at, 0);
    assert_int_equal(seen.withdrawals, 0);
    assert_int_equal(parse(doc, NULL, &err), 0);
}

/* 更正说明 with an item, 撤回原因 in "withdrawals" (seed 004), and the
 * limits on both. */
static void change_and_withdrawal_reasons_are_checked(void **state)
{
    (void)state;
    Seen seen = {0};
    Err err;
    int64_t changed, withdrawn;
    assert_int_equal(feed_parse_time("2026-11-20T10:00:00+08:00", &changed), 0);
    assert_int_equal(feed_parse_time("2026-11-21T09:00:00+08:00", &withdrawn), 0);
    const char *doc = "{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c1\",\"name\":\"决议\"}]},"
                      "\"items\":{\"upsert\":[{\"id\":\"i1\",\"category\":\"c1\",\"title\":\"t\",\"body\":\"b\","
                      "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"public\","
                      "\"change_reason\":\"数字有误\",\"changed_at\":\"2026-11-20T10:00:00+08:00\"}]},"
                      "\"withdrawals\":[{\"id\":\"gone-1\",\"reason\":\"公示期满\","
                      "\"withdrawn_at\":\"2026-11-21T09:00:00+08:00\"}]}";
    if (parse(doc, &seen, &err)) fail_msg("%s", err.msg);
    assert_string_equal(seen.change_reason, "数字有误");
    assert_int_equal(seen.changed_at, changed);
    assert_int_equal(seen.withdrawals, 1);
    assert_string_equal(seen.last_id, "gone-1");
    assert_string_equal(seen.withdrawal_reason, "公示期满");
    assert_int_equal(seen.withdrawn_at, withdrawn);

    /* A reason of FEED_MAX_REASON bytes passes; one more byte does not. */
    char reason[FEED_MAX_REASON + 2];
    memset(reason, 'x', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    char big[2048];
    for (int extra = 0; extra < 2; extra++) {
        reason[FEED_MAX_REASON + extra] = '\0';
        snprintf(big, sizeof big,
                 "{" HEAD "\"withdrawals\":[{\"id\":\"g\",\"reason\":\"%s\",\"withdrawn_at\":"
                 "\"2026-11-21T09:00:00+08:00\"}]}",
                 reason);
        assert_int_equal(parse(big, NULL, &err), extra ? -1 : 0);
        reason[FEED_MAX_REASON + extra] = 'x';
    }
    assert_non_null(strstr(err.msg, "withdrawals[0].reason: is 501 bytes long"));
}

static void a_fault_stops_before_later_entries(void **state)
{
    (void)state;
    Seen seen = {0};
    Err err;
    const char *doc = "{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c1\",\"name\":\"决议\"}]},"
                      "\"items\":{\"upsert\":[{\"id\":\"bad id\"}," ITEM("i2", "c1") "]}}";
    assert_int_equal(parse(doc, &seen, &err), -1);
    assert_non_null(strstr(err.msg, "items.upsert[0].id"));
    assert_int_equal(seen.items, 0);
}

static void a_snapshot_catalog_is_checked_without_a_store(void **state)
{
    (void)state;
    Err err;
    static const struct {
        const char *doc, *expect;
    } cases[] = {
        {"{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c2\",\"parent\":\"gone\",\"name\":\"x\"}]}}",
         "its parent category does not exist: category \"c2\""},
        {"{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"a\",\"parent\":\"b\",\"name\":\"x\"},"
         "{\"id\":\"b\",\"parent\":\"a\",\"name\":\"y\"}]}}",
         "deeper than three levels (or has a cycle)"},
        {"{" HEAD
         "\"categories\":{\"upsert\":[{\"id\":\"a\",\"name\":\"1\"},{\"id\":\"b\",\"parent\":\"a\",\"name\":\"2\"},"
         "{\"id\":\"c\",\"parent\":\"b\",\"name\":\"3\"},{\"id\":\"d\",\"parent\":\"c\",\"name\":\"4\"}]}}",
         "deeper than three levels"},
        {"{" HEAD "\"items\":{\"upsert\":[" ITEM("orphan", "nowhere") "]}}",
         "its category does not exist: item \"orphan\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(parse(cases[i].doc, NULL, &err), -1);
        if (!strstr(err.msg, cases[i].expect)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].expect);
    }
    /* A delta's items may name categories the receiver already has. */
    const char *delta = "{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":1,"
                        "\"revision\":2,\"items\":{\"upsert\":[" ITEM("i9", "elsewhere") "]}}";
    if (parse(delta, NULL, &err)) fail_msg("%s", err.msg);
}

/* A control character anywhere in a text is found, whichever of the
 * eight bytes the checker reads at once it falls on; in a body newline,
 * tab and carriage return are allowed, in a title none of them. */
static void control_characters_are_found_at_every_position(void **state)
{
    (void)state;
    static const char *const controls[] = {"\\u0001", "\\u001f", "\\u007f", "\\n", "\\t", "\\r", "\\b"};
    char doc[1024], text[64];
    Err err;
    for (size_t c = 0; c < sizeof controls / sizeof controls[0]; c++) {
        bool allowed_in_body = c >= 3 && c <= 5;
        for (int at = 0; at < 24; at++) {
            /* 0 to 23 bytes before it: every alignment in a word. */
            snprintf(text, sizeof text, "%.*s%s%.*s", at, "abcdefghijklmnopqrstuvwx", controls[c], 24 - at,
                     "ABCDEFGHIJKLMNOPQRSTUVWX");
            snprintf(doc, sizeof doc,
                     "{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c\",\"name\":\"c\"}]},"
                     "\"items\":{\"upsert\":[{\"id\":\"i\",\"category\":\"c\",\"title\":\"%s\",\"body\":\"%s\","
                     "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"public\"}]}}",
                     text, text);
            assert_int_equal(parse(doc, NULL, &err), -1);
            assert_non_null(strstr(err.msg, ".title: contains a control character"));
            /* The same in the body only. */
            snprintf(doc, sizeof doc,
                     "{" HEAD "\"categories\":{\"upsert\":[{\"id\":\"c\",\"name\":\"c\"}]},"
                     "\"items\":{\"upsert\":[{\"id\":\"i\",\"category\":\"c\",\"title\":\"t\",\"body\":\"%s\","
                     "\"published_at\":\"2026-11-01T09:00:00+08:00\",\"period\":\"periodic\",\"scope\":\"public\"}]}}",
                     text);
            assert_int_equal(parse(doc, NULL, &err), allowed_in_body ? 0 : -1);
            if (!allowed_in_body) assert_non_null(strstr(err.msg, ".body: contains a control character"));
        }
    }
}

/* The same text through proto_json_load and json_loadb with
 * JSON_REJECT_DUPLICATES: both refuse it, or both build equal trees. */
static void loads_as_jansson_does(const char *text, size_t len)
{
    json_error_t jerr;
    json_t *want = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *got = NULL;
    Err err = {0};
    int rc = proto_json_load(text, len, &got, &err);
    if (!want && rc == 0) fail_msg("accepted what jansson refuses (%s): %.*s", jerr.text, (int)len, text);
    if (want && rc != 0) fail_msg("refused what jansson accepts (%s): %.*s", err.msg, (int)len, text);
    if (want && !json_equal(want, got)) fail_msg("another tree than jansson's: %.*s", (int)len, text);
    if (!want) assert_non_null(strstr(err.msg, "line "));
    json_decref(want);
    json_decref(got);
}

static void the_fast_loader_reads_json_as_jansson_does(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{}",
        "[]",
        " {\"a\": [1, -0, 2.5, 1e3, -1E-2, true, false, null, \"x\"]} \r\n\t",
        "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
        "{\"\":1}",
        "{\"中文键\":\"正文\\n第二行\\t\\\"引号\\\"\\\\\\/\"}",
        "{\"e\":\"\\u4e2d\\u6587\\ud83d\\ude00\\u00e9\"}",
        "{\"big\":9223372036854775807,\"small\":-9223372036854775808}",
        "{\"tiny\":1e-400}",
        /* refused */
        "",
        " ",
        "1",
        "\"text\"",
        "null",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[+1]",
        "[1e]",
        "[0x10]",
        "[NaN]",
        "[Infinity]",
        "[9223372036854775808]",
        "[1e400]",
        "{\"a\":1}{}",
        "{\"a\":1} x",
        "[1] // c",
        "/* c */ []",
        "{\"a\":1,\"a\":2}",
        "{\"o\":{\"k\":1,\"k\":1}}",
        "[\"\\u0000\"]",
        "{\"\\u0000\":1}",
        "[\"\\ud800\"]",
        "[\"\\ud800x\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"\\udc00\"]",
        "[\"\\ude00\\ud83d\"]",
        "[\"\\x41\"]",
        "[\"\\u12\"]",
        "[\"a\tb\"]",
        "[\"a\nb\"]",
        "[\x0b1]",
        "[1\x0c]",
        "[\"\xc0\xaf\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xf5\x80\x80\x80\"]",
        "[\"\xe4\xb8\"]",
        "{\"\xc0\xaf\":1}",
        "[\"\xff\"]",
        "\xef\xbb\xbf{}",
        "[tru]",
        "[nul]",
        "[\"unterminated]",
        "{}\"",
        "[] \"abc",
        "{} 1",
        "{}\n\"\\u00",
        "{\"a\":[]} \t\r\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) loads_as_jansson_does(texts[i], strlen(texts[i]));
    /* A NUL byte in the text itself. */
    loads_as_jansson_does("[\"a\0b\"]", 6);
    /* Stricter than jansson, which skips a NUL byte right after a number. */
    static const struct {
        const char *text;
        size_t len;
    } nul[] = {{"[1\0]", 4}, {"{\"a\":34\0}", 9}};
    for (size_t i = 0; i < sizeof nul / sizeof nul[0]; i++) {
        json_t *root, *lax = json_loadb(nul[i].text, nul[i].len, 0, NULL);
        Err err;
        assert_non_null(lax);
        json_decref(lax);
        assert_int_equal(proto_json_load(nul[i].text, nul[i].len, &root, &err), -1);
        assert_non_null(strstr(err.msg, "NUL byte"));
    }
}

static void the_fast_loader_says_where_and_stops_at_depth(void **state)
{
    (void)state;
    json_t *root;
    Err err;
    const char *twice = "{\"a\": 1,\n \"a\": 2}", *commas = "{\n\n  \"a\": [1, 2,, 3]}";
    assert_int_equal(proto_json_load(twice, strlen(twice), &root, &err), -1);
    assert_non_null(strstr(err.msg, "line 2, column"));
    assert_non_null(strstr(err.msg, "duplicate object key"));
    assert_int_equal(proto_json_load(commas, strlen(commas), &root, &err), -1);
    assert_non_null(strstr(err.msg, "line 3, column"));

    char deep[2 * PROTO_JSON_MAX_DEPTH + 3];
    memset(deep, '[', PROTO_JSON_MAX_DEPTH);
    memset(deep + PROTO_JSON_MAX_DEPTH, ']', PROTO_JSON_MAX_DEPTH);
    assert_int_equal(proto_json_load(deep, 2 * PROTO_JSON_MAX_DEPTH, &root, &err), 0);
    json_decref(root);
    memmove(deep + 1, deep, 2 * PROTO_JSON_MAX_DEPTH);
    deep[0] = '[';
    deep[2 * PROTO_JSON_MAX_DEPTH + 1] = ']';
    assert_int_equal(proto_json_load(deep, 2 * PROTO_JSON_MAX_DEPTH + 2, &root, &err), -1);
    assert_non_null(strstr(err.msg, "maximum nesting depth"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_and_names_have_one_rule),
        cmocka_unit_test(vocabularies_go_both_ways),
        cmocka_unit_test(receipts_are_checked_numbers),
        cmocka_unit_test(a_sink_sees_each_checked_entry),
        cmocka_unit_test(change_and_withdrawal_reasons_are_checked),
        cmocka_unit_test(a_fault_stops_before_later_entries),
        cmocka_unit_test(a_snapshot_catalog_is_checked_without_a_store),
        cmocka_unit_test(control_characters_are_found_at_every_position),
        cmocka_unit_test(the_fast_loader_reads_json_as_jansson_does),
        cmocka_unit_test(the_fast_loader_says_where_and_stops_at_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
