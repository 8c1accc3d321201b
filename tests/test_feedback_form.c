/* test_feedback_form.c — the feedback form's rules against a real SQLite
 * outbox: checks, phone masking, UUIDs, rate limit, duplicates, clearing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "feedback_form.h"
#include "receipt.h"
#include "testutil.h"

static int64_t test_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define NOW 1795000000 /* 2026-11-18, a fixed "true time" for the test */

typedef struct {
    Config cfg;
    Store *store;
    FeedbackWriter *writer;
    FeedbackForm form;
    FeedbackRules rules;
    char path[1100];
} Fixture;

static const FeedbackTarget item = {.item_id = "item-7", .category_id = "cat-2", .label = "《关于换届选举的公告》"};

static int setup(void **state)
{
    Fixture *fx = calloc(1, sizeof *fx);
    static int n;
    const char *tmp = getenv("KIOSK_TEST_TMP");
    snprintf(fx->path, sizeof fx->path, "%s/feedback-%d-%d.db", tmp && *tmp ? tmp : "/tmp", (int)getpid(), n++);
    Err err;
    if (store_open(fx->path, &fx->store, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    if (feedback_writer_start(fx->path, FEEDBACK_WRITER_DEADLINE_MS, NULL, &fx->writer, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    config_defaults(&fx->cfg);
    fx->rules.rate_limit_per_hour = 3;
    fx->rules.duplicate_window_s = 600;
    feedback_form_init(&fx->form, &fx->cfg, fx->store, &item);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fixture *fx = *state;
    feedback_writer_stop(fx->writer);
    store_close(fx->store);
    unlink(fx->path);
    free(fx);
    return 0;
}

/* Hands the form over: FEEDBACK_SAVING and the ticket, or why not. */
static FeedbackResult hand_over(Fixture *fx, int64_t now, unsigned *ticket, char *id, char *msg)
{
    Err err;
    FeedbackResult r = feedback_form_submit(&fx->form, fx->writer, &fx->rules, now, ticket, id, &err);
    snprintf(msg, 256, "%s", r == FEEDBACK_SAVING ? "" : err.msg);
    return r;
}

/* Waits (real time) for the writer's outcome, as the screen does between
 * frames, and collects it. */
static FeedbackResult outcome(Fixture *fx, unsigned ticket, char *msg)
{
    Err err;
    assert_int_equal(feedback_writer_settle(fx->writer, NULL, 30000) >= 0, 1);
    FeedbackResult r = feedback_form_collect(&fx->form, fx->writer, ticket, &err);
    snprintf(msg, 256, "%s", r == FEEDBACK_SAVED ? "" : err.msg);
    return r;
}

/* msg: what the screen shows (the thanks, or the sentence in Err); the
 * whole way from 提交 to the outcome. */
static FeedbackResult submit(Fixture *fx, int64_t now, char *id, char *msg)
{
    const char *thanks = feedback_form_thanks(&fx->form);
    unsigned ticket;
    FeedbackResult r = hand_over(fx, now, &ticket, id, msg);
    if (r != FEEDBACK_SAVING) return r;
    r = outcome(fx, ticket, msg);
    if (r == FEEDBACK_SAVED) snprintf(msg, 256, "%s", thanks);
    if (r != FEEDBACK_SAVED) id[0] = '\0';
    return r;
}

static StoreFeedback *pending(Fixture *fx, int *count)
{
    StoreFeedback *all = NULL;
    Err err;
    assert_int_equal(store_feedback_pending(fx->store, 100, &all, count, &err), 0);
    return all;
}

static void test_rating_labels(void **state)
{
    (void)state;
    assert_string_equal(feedback_rating_label(5, 1), "非常满意");
    assert_string_equal(feedback_rating_label(5, 3), "基本满意");
    assert_string_equal(feedback_rating_label(5, 5), "非常不满意");
    assert_string_equal(feedback_rating_label(3, 2), "基本满意");
    assert_string_equal(feedback_rating_label(2, 2), "不满意");
    assert_null(feedback_rating_label(5, 6));
    assert_null(feedback_rating_label(6, 1));
    assert_null(feedback_rating_label(5, 0));
}

static void test_phone_form_and_mask(void **state)
{
    (void)state;
    assert_true(feedback_phone_valid("13812345678"));
    assert_true(feedback_phone_valid("19900001111"));
    assert_false(feedback_phone_valid("12812345678")); /* 12x is not a mobile prefix */
    assert_false(feedback_phone_valid("1381234567")); /* 10 digits */
    assert_false(feedback_phone_valid("138123456789"));
    assert_false(feedback_phone_valid("1381234567a"));
    assert_false(feedback_phone_valid(""));
    char m[32];
    feedback_phone_mask("13812345678", m, sizeof m);
    assert_string_equal(m, "138****5678");
    feedback_phone_mask("13812", m, sizeof m);
    assert_string_equal(m, "138**");
}

static void test_uuid_v4_and_unique(void **state)
{
    (void)state;
    char a[37], b[37];
    Err err;
    assert_int_equal(feedback_uuid(a, &err), 0);
    assert_int_equal(feedback_uuid(b, &err), 0);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_string_not_equal(a, b);
}

/* One tap: a rating alone is a complete submission. */
static void test_rating_only_is_saved_durably(void **state)
{
    Fixture *fx = *state;
    fx->form.rating = 2;
    char id[37], msg[256];
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    assert_string_equal(msg, "感谢您的评价");
    assert_false(feedback_form_touched(&fx->form));
    assert_string_equal(fx->form.target.item_id, "item-7");

    /* A second connection (as after a restart) sees it. */
    Store *again;
    Err err;
    assert_int_equal(store_open(fx->path, &again, &err), 0);
    StoreFeedback *all = NULL;
    int n;
    assert_int_equal(store_feedback_pending(again, 10, &all, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(all[0].id, id);
    assert_int_equal(all[0].kind, FEEDBACK_RATING);
    assert_int_equal(all[0].rating, 2);
    assert_int_equal(all[0].rating_levels, 5);
    assert_string_equal(all[0].target_item, "item-7");
    assert_string_equal(all[0].target_category, "cat-2");
    assert_int_equal(all[0].created_at, NOW);
    assert_string_equal(all[0].reasons, "[]");
    store_free(all);
    store_close(again);
}

static void test_comment_with_reasons_and_contact(void **state)
{
    Fixture *fx = *state;
    fx->form.rating = 4;
    fx->form.reason_on[2] = true; /* 内容不全 */
    fx->form.reason_on[4] = true; /* 看不懂 */
    snprintf(fx->form.comment, sizeof fx->form.comment, "希望把村务开支写得更细一些，字再大一点。");
    snprintf(fx->form.name, sizeof fx->form.name, "王大伯");
    snprintf(fx->form.phone, sizeof fx->form.phone, "13912345678");
    char id[37], msg[256];
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    int n;
    StoreFeedback *all = pending(fx, &n);
    assert_int_equal(n, 1);
    assert_int_equal(all[0].kind, FEEDBACK_COMMENT);
    assert_int_equal(all[0].rating, 4);
    assert_string_equal(all[0].reasons, "[\"内容不全\",\"看不懂\"]");
    assert_string_equal(all[0].comment, "希望把村务开支写得更细一些，字再大一点。");
    assert_string_equal(all[0].name, "王大伯");
    assert_string_equal(all[0].phone, "13912345678");
    store_free(all);
    assert_string_equal(fx->form.phone, "");
    assert_string_equal(fx->form.comment, "");
}

static void test_checks(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE); /* nothing entered */
    assert_non_null(strstr(msg, "满意程度"));
    snprintf(fx->form.comment, sizeof fx->form.comment, "　 "); /* only spaces */
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    fx->form.rating = 1;
    snprintf(fx->form.phone, sizeof fx->form.phone, "1381234");
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    assert_non_null(strstr(msg, "手机号码"));
    int n;
    store_free(pending(fx, &n));
    assert_int_equal(n, 0);
    assert_true(feedback_form_touched(&fx->form)); /* nothing lost on a failed check */
}

static void test_request_needs_name_and_phone(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    fx->form.purpose = FORM_REQUEST;
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    snprintf(fx->form.comment, sizeof fx->form.comment, "请公开今年村道修缮的预算和施工单位");
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    assert_non_null(strstr(msg, "姓名"));
    snprintf(fx->form.name, sizeof fx->form.name, "李梅");
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    assert_non_null(strstr(msg, "手机号码"));
    snprintf(fx->form.phone, sizeof fx->form.phone, "15800001234");
    fx->form.rating = 3; /* a request carries no rating */
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    int n;
    StoreFeedback *all = pending(fx, &n);
    assert_int_equal(n, 1);
    assert_int_equal(all[0].kind, FEEDBACK_REQUEST);
    assert_int_equal(all[0].rating, 0);
    assert_string_equal(all[0].name, "李梅");
    store_free(all);
    assert_int_equal(fx->form.purpose, FORM_OPINION);
}

/* A report needs only what is reported: anonymous is allowed.  It carries
 * no rating, is saved as kind report, and its thanks and receipt come
 * from the kind. */
static void test_report_may_be_anonymous(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    fx->form.purpose = FORM_REPORT;
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    assert_non_null(strstr(msg, "请写下您要反映的问题"));
    assert_null(strstr(msg, "姓名"));
    snprintf(fx->form.comment, sizeof fx->form.comment, "村务公开栏的低保名单与实际不符");
    snprintf(fx->form.phone, sizeof fx->form.phone, "1580000"); /* a phone given must still be valid */
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_INCOMPLETE);
    assert_non_null(strstr(msg, "手机号码应为11位"));
    fx->form.phone[0] = '\0';
    fx->form.rating = 2;
    assert_int_equal(feedback_form_kind(&fx->form), FEEDBACK_REPORT);
    assert_string_equal(feedback_form_thanks(&fx->form), "我们会认真核查处理");
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    int n;
    StoreFeedback *all = pending(fx, &n);
    assert_int_equal(n, 1);
    assert_int_equal(all[0].kind, FEEDBACK_REPORT);
    assert_int_equal(all[0].rating, 0);
    assert_string_equal(all[0].name, "");
    assert_string_equal(all[0].id, id);
    assert_true(receipt_kind_has_receipt(all[0].kind));
    store_free(all);
    assert_int_equal(fx->form.purpose, FORM_OPINION);
}

static void test_identical_submission_dropped(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    snprintf(fx->form.comment, sizeof fx->form.comment, "公告栏的字太小了");
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    snprintf(fx->form.comment, sizeof fx->form.comment, "公告栏的字太小了");
    assert_int_equal(submit(fx, NOW + 300, id, msg), FEEDBACK_DUPLICATE);
    assert_false(feedback_form_touched(&fx->form));
    snprintf(fx->form.comment, sizeof fx->form.comment, "公告栏的字太小了！"); /* different: saved */
    assert_int_equal(submit(fx, NOW + 301, id, msg), FEEDBACK_SAVED);
    snprintf(fx->form.comment, sizeof fx->form.comment, "公告栏的字太小了"); /* after the window */
    assert_int_equal(submit(fx, NOW + 601, id, msg), FEEDBACK_SAVED);
    int n;
    store_free(pending(fx, &n));
    assert_int_equal(n, 3);
}

/* A bare rating repeated at once is the same visitor's double tap; the
 * same rating a few minutes later is most likely the next visitor's. */
static void test_bare_rating_repeat_window(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    fx->form.rating = 2;
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    fx->form.rating = 2;
    assert_int_equal(submit(fx, NOW + 20, id, msg), FEEDBACK_DUPLICATE);
    fx->form.rating = 2;
    assert_int_equal(submit(fx, NOW + FEEDBACK_RATING_REPEAT_S + 1, id, msg), FEEDBACK_SAVED);
    fx->form.rating = 2; /* with a reason it is not bare: the full window */
    fx->form.reason_on[0] = true;
    assert_int_equal(submit(fx, NOW + 200, id, msg), FEEDBACK_SAVED);
    fx->form.rating = 2;
    fx->form.reason_on[0] = true;
    assert_int_equal(submit(fx, NOW + 500, id, msg), FEEDBACK_DUPLICATE);
    int n;
    store_free(pending(fx, &n));
    assert_int_equal(n, 3);
}

static void test_rate_limit_per_hour(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    for (int i = 1; i <= 3; i++) {
        fx->form.rating = i;
        assert_int_equal(submit(fx, NOW + i, id, msg), FEEDBACK_SAVED);
    }
    fx->form.rating = 4;
    assert_int_equal(submit(fx, NOW + 10, id, msg), FEEDBACK_RATE_LIMITED);
    assert_non_null(strstr(msg, "上限"));
    assert_int_equal(fx->form.rating, 4); /* kept: the visitor may try later */
    assert_int_equal(submit(fx, NOW + 3602, id, msg), FEEDBACK_SAVED);
    int n;
    store_free(pending(fx, &n));
    assert_int_equal(n, 4);
}

/* Fails closed: when the duplicate rule or the rate limit cannot be
 * checked, nothing is saved and the visitor is asked to try later. */
static void test_unchecked_rules_refuse(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    /* Reads of the outbox fail, writes would still succeed. */
    test_break_reads(fx->path, "feedback_outbox");
    fx->form.rating = 1;
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_FAILED); /* the duplicate check */
    assert_string_equal(msg, "暂时无法提交，请稍后再试");
    fx->rules.duplicate_window_s = 0; /* no duplicate check: the rate limit */
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_FAILED);
    assert_string_equal(msg, "暂时无法提交，请稍后再试");
    assert_int_equal(fx->form.rating, 1); /* kept for the retry */
    assert_string_equal(id, "");
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox_real"), 0);
}

/* A clock that ran months ahead and was then set right: what was stamped
 * in the "future" neither fills the hourly limit nor makes the same
 * rating a duplicate now. */
static void test_clock_corrected_after_running_ahead(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    int64_t ahead = NOW + 90 * 86400;
    for (int i = 0; i < 3; i++) {
        fx->form.rating = 2;
        fx->form.reason_on[i] = true;
        assert_int_equal(submit(fx, ahead + i, id, msg), FEEDBACK_SAVED);
    }
    fx->form.rating = 2;
    fx->form.reason_on[0] = true;
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_SAVED);
    fx->form.rating = 2;
    fx->form.reason_on[0] = true;
    assert_int_equal(submit(fx, NOW + 1, id, msg), FEEDBACK_DUPLICATE); /* the true-time one still counts */
    int n;
    store_free(pending(fx, &n));
    assert_int_equal(n, 4);
}

/* Another connection (the sync thread applying a snapshot) holds the
 * write lock from a second sqlite3 connection. */
static sqlite3 *lock_database(Fixture *fx)
{
    sqlite3 *sync_db;
    assert_int_equal(sqlite3_open(fx->path, &sync_db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(sync_db, "BEGIN IMMEDIATE; UPDATE sync_state SET value = value", NULL, NULL, NULL),
                     SQLITE_OK);
    return sync_db;
}

static void unlock_database(sqlite3 *sync_db)
{
    assert_int_equal(sqlite3_exec(sync_db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sync_db);
}

/* The sync thread holds a write transaction for seconds while it applies
 * a large snapshot: the hand-over does not wait for it, the outcome stays
 * "saving" while the lock is held (the words still on the form), and once
 * the lock is released the row is committed, once. */
static void test_submit_behind_a_long_write(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    sqlite3 *sync_db = lock_database(fx);
    snprintf(fx->form.comment, sizeof fx->form.comment, "楼道灯坏了");
    unsigned ticket;
    assert_int_equal(hand_over(fx, NOW, &ticket, id, msg), FEEDBACK_SAVING);
    assert_int_not_equal(ticket, 0);
    /* The writer is still waiting for the lock 1 s later (its deadline is 10 s). */
    assert_int_equal(feedback_writer_settle(fx->writer, NULL, 1000), -1);
    Err err;
    assert_int_equal(feedback_form_collect(&fx->form, fx->writer, ticket, &err), FEEDBACK_SAVING);
    assert_string_equal(fx->form.comment, "楼道灯坏了");
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox"), 0);
    unlock_database(sync_db);
    assert_int_equal(outcome(fx, ticket, msg), FEEDBACK_SAVED);
    assert_false(feedback_form_touched(&fx->form));
    int n;
    StoreFeedback *all = pending(fx, &n);
    assert_int_equal(n, 1);
    assert_string_equal(all[0].id, id);
    assert_string_equal(all[0].comment, "楼道灯坏了");
    store_free(all);
    /* Collected once: a second collect knows no such ticket. */
    assert_int_equal(feedback_form_collect(&fx->form, fx->writer, ticket, &err), FEEDBACK_FAILED);
}

/* A lock held past the writer's deadline: not saved, the visitor is asked
 * to press again, the words stay; pressing again once it is free saves. */
static void test_lock_past_the_deadline(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    feedback_writer_stop(fx->writer);
    Err err;
    assert_int_equal(feedback_writer_start(fx->path, 600, NULL, &fx->writer, &err), 0);
    sqlite3 *sync_db = lock_database(fx);
    snprintf(fx->form.comment, sizeof fx->form.comment, "楼道灯坏了");
    int64_t start = test_ms();
    assert_int_equal(submit(fx, NOW, id, msg), FEEDBACK_FAILED);
    assert_true(test_ms() - start >= 600 - 50); /* it did try until its deadline */
    assert_non_null(strstr(msg, "再按一次提交"));
    assert_string_equal(fx->form.comment, "楼道灯坏了");
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox"), 0);
    unlock_database(sync_db);
    assert_int_equal(submit(fx, NOW + 3, id, msg), FEEDBACK_SAVED);
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox"), 1);
}

/* Stopping (the kiosk's exit) commits what is still queued behind a lock
 * that is released meanwhile: nothing handed over is dropped. */
static void *release_later(void *arg)
{
    usleep(300 * 1000);
    unlock_database(arg);
    return NULL;
}

static void test_stop_commits_the_queue(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    sqlite3 *sync_db = lock_database(fx);
    unsigned ticket;
    for (int i = 1; i <= 3; i++) {
        fx->form.rating = i;
        assert_int_equal(hand_over(fx, NOW + i, &ticket, id, msg), FEEDBACK_SAVING);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, release_later, sync_db), 0);
    feedback_writer_stop(fx->writer);
    fx->writer = NULL;
    pthread_join(t, NULL);
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox"), 3);
}

/* Two identical submissions handed over at once (a double tap) are
 * judged in order by the writer: the second is a duplicate. */
static void test_double_tap_saved_once(void **state)
{
    Fixture *fx = *state;
    char id[37], msg[256];
    unsigned first, second;
    snprintf(fx->form.comment, sizeof fx->form.comment, "电梯该修了");
    assert_int_equal(hand_over(fx, NOW, &first, id, msg), FEEDBACK_SAVING);
    assert_int_equal(hand_over(fx, NOW, &second, id, msg), FEEDBACK_SAVING);
    assert_int_equal(outcome(fx, first, msg), FEEDBACK_SAVED);
    snprintf(fx->form.comment, sizeof fx->form.comment, "电梯该修了");
    assert_int_equal(outcome(fx, second, msg), FEEDBACK_DUPLICATE);
    assert_int_equal(test_count_rows(fx->path, "feedback_outbox"), 1);
}

static void test_synced_reasons_replace_config(void **state)
{
    Fixture *fx = *state;
    Err err;
    assert_int_equal(store_state_set(fx->store, FEEDBACK_STATE_REASONS, "[\"办事方便\",\"公开及时\",\"\"]", &err), 0);
    feedback_form_init(&fx->form, &fx->cfg, fx->store, &item);
    assert_int_equal(fx->form.reason_count, 2);
    assert_string_equal(fx->form.reasons[1], "公开及时");
    assert_int_equal(store_state_set(fx->store, FEEDBACK_STATE_REASONS, "态度好; 等太久 ;", &err), 0);
    feedback_form_init(&fx->form, &fx->cfg, fx->store, &item);
    assert_int_equal(fx->form.reason_count, 2);
    assert_string_equal(fx->form.reasons[1], "等太久");
    assert_int_equal(store_state_set(fx->store, FEEDBACK_STATE_REASONS, "[broken", &err), 0);
    feedback_form_init(&fx->form, &fx->cfg, fx->store, &item);
    assert_int_equal(fx->form.reason_count, fx->cfg.reason_count);
    assert_string_equal(fx->form.reasons[0], fx->cfg.reasons[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rating_labels),
        cmocka_unit_test(test_phone_form_and_mask),
        cmocka_unit_test(test_uuid_v4_and_unique),
        cmocka_unit_test_setup_teardown(test_rating_only_is_saved_durably, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comment_with_reasons_and_contact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_needs_name_and_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identical_submission_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_rating_repeat_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_may_be_anonymous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit_per_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unchecked_rules_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_corrected_after_running_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_behind_a_long_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_past_the_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_commits_the_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_tap_saved_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synced_reasons_replace_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
