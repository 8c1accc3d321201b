/* test_keyboard.c — the on-screen keyboard's editing, driven by the same
 * widget ids a tap delivers, with the real engines: length limits counted
 * in characters, 删除 taking a whole character (never half of one in
 * UTF-8), 清空, the phone field taking digits only, pinyin settled on a
 * mode switch and on 完成, a detached keyboard ignoring keys, and the
 * engines loaded on first use, released after the configured time closed
 * (the app's clock passed in, no waiting) and loaded again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "keyboard.h"

static Keyboard *kb;
static Config cfg; /* the keyboard keeps a pointer to it */

static int open_keyboard(void **state)
{
    (void)state;
    config_defaults(&cfg);
    const char *tmp = getenv("KIOSK_TEST_TMP");
    snprintf(cfg.rime_user_dir, sizeof cfg.rime_user_dir, "%s/rime-kb-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    Err err;
    if (keyboard_open(&cfg, &kb, &err)) return -1;
    keyboard_wait_ready(kb); /* every pinyin open below waits for its deployment */
    char buf[8] = "";
    keyboard_attach(kb, buf, sizeof buf, 5, KB_FIELD_TEXT);
    bool both = keyboard_mode_available(kb, KB_PINYIN) && keyboard_mode_available(kb, KB_HANDWRITING);
    keyboard_detach(kb);
    return both ? 0 : -1;
}

static int close_keyboard(void **state)
{
    (void)state;
    keyboard_close(kb);
    return 0;
}

static void tap(const char *id) { assert_int_not_equal(keyboard_tap(kb, id), KB_IGNORED); }

/* Letters typed one key at a time, as a visitor's finger does. */
static void tap_letters(const char *letters)
{
    for (const char *c = letters; *c; c++) {
        char id[16];
        snprintf(id, sizeof id, "kb.char:%c", *c);
        tap(id);
    }
}

static void test_limit_counts_characters(void **state)
{
    (void)state;
    char buf[64] = "";
    keyboard_attach(kb, buf, sizeof buf, 3, KB_FIELD_TEXT);
    keyboard_set_mode(kb, KB_DIGITS);
    tap("kb.char:2");
    tap("kb.char:0");
    tap("kb.char:年");
    tap("kb.char:月"); /* a 4th character: not taken */
    assert_string_equal(buf, "20年");
    tap("kb.del"); /* one whole character of three bytes */
    assert_string_equal(buf, "20");
    tap("kb.clear");
    assert_string_equal(buf, "");
    tap("kb.del"); /* nothing left: nothing happens */
    assert_string_equal(buf, "");
    keyboard_detach(kb);
}

static void test_buffer_size_is_respected(void **state)
{
    (void)state;
    char buf[5] = ""; /* room for one Chinese character and a digit */
    keyboard_attach(kb, buf, sizeof buf, 100, KB_FIELD_TEXT);
    keyboard_set_mode(kb, KB_DIGITS);
    tap("kb.char:年");
    tap("kb.char:月");
    tap("kb.char:1");
    assert_string_equal(buf, "年1");
    keyboard_detach(kb);
}

static void test_phone_takes_digits_only(void **state)
{
    (void)state;
    char buf[32] = "";
    keyboard_attach(kb, buf, sizeof buf, 11, KB_FIELD_PHONE);
    assert_int_equal(keyboard_mode(kb), KB_DIGITS);
    keyboard_set_mode(kb, KB_PINYIN); /* no other mode for a phone */
    assert_int_equal(keyboard_mode(kb), KB_DIGITS);
    tap("kb.char:1");
    tap("kb.char:年");
    tap("kb.char:a");
    tap("kb.space");
    assert_string_equal(buf, "1");
    assert_int_equal(keyboard_tap(kb, "kb.done"), KB_DONE);
    keyboard_detach(kb);
}

static void test_pinyin_settles_on_switch_and_done(void **state)
{
    (void)state;
    char buf[128] = "";
    keyboard_attach(kb, buf, sizeof buf, 50, KB_FIELD_TEXT);
    keyboard_set_mode(kb, KB_PINYIN);
    tap_letters("nihao");
    assert_string_equal(buf, ""); /* still composing */
    keyboard_set_mode(kb, KB_SYMBOLS); /* takes the first candidate */
    assert_string_equal(buf, "你好");
    tap("kb.char:！");
    keyboard_set_mode(kb, KB_PINYIN);
    tap_letters("ma");
    assert_int_equal(keyboard_tap(kb, "kb.done"), KB_DONE);
    assert_string_equal(buf, "你好！吗");
    tap_letters("ni");
    keyboard_set_mode(kb, KB_LATIN); /* letters meant as Latin */
    assert_string_equal(buf, "你好！吗ni");
    tap("kb.caps");
    tap("kb.char:k");
    assert_string_equal(buf, "你好！吗niK");
    keyboard_detach(kb);
}

static void test_detached_keyboard_ignores_keys(void **state)
{
    (void)state;
    assert_false(keyboard_attached(kb));
    assert_int_equal(keyboard_tap(kb, "kb.char:1"), KB_IGNORED);
    char buf[8] = "";
    keyboard_attach(kb, buf, sizeof buf, 5, KB_FIELD_TEXT);
    assert_int_equal(keyboard_tap(kb, "fb.submit"), KB_IGNORED); /* not a key */
    keyboard_detach(kb);
}

static void test_engines_load_on_use_and_release_when_closed(void **state)
{
    (void)state;
    /* librime allows one engine per process: the shared keyboard lets
     * go of its own first, as a kiosk does after the default 10 minutes. */
    keyboard_release_idle(kb, 0);
    assert_int_equal(keyboard_release_idle(kb, 10u * 60000u), -1);
    assert_false(keyboard_engine_loaded(kb, KB_PINYIN));
    static Config lazy;
    lazy = cfg;
    lazy.ime_release_minutes = 2;
    snprintf(lazy.handwriting_model, sizeof lazy.handwriting_model, "%s.missing", cfg.handwriting_model);
    Keyboard *k;
    Err err;
    assert_int_equal(keyboard_open(&lazy, &k, &err), 0);
    keyboard_wait_ready(k);
    assert_false(keyboard_engine_loaded(k, KB_PINYIN));
    assert_false(keyboard_engine_loaded(k, KB_HANDWRITING));

    char buf[64] = "";
    keyboard_attach(k, buf, sizeof buf, 20, KB_FIELD_TEXT); /* 拼音 shows first */
    assert_true(keyboard_engine_loaded(k, KB_PINYIN));
    assert_false(keyboard_engine_loaded(k, KB_HANDWRITING));
    assert_int_equal(keyboard_tap(k, "kb.char:n"), KB_HANDLED);
    assert_int_equal(keyboard_tap(k, "kb.char:i"), KB_HANDLED);
    assert_int_equal(keyboard_tap(k, "kb.space"), KB_HANDLED);
    assert_string_equal(buf, "你");

    /* A missing model: the pad does not open, nothing crashes … */
    keyboard_set_mode(k, KB_HANDWRITING);
    assert_int_equal(keyboard_mode(k), KB_PINYIN);
    assert_false(keyboard_engine_loaded(k, KB_HANDWRITING));
    /* … and the next field tries again, when the model is there. */
    snprintf(lazy.handwriting_model, sizeof lazy.handwriting_model, "%s", cfg.handwriting_model);
    keyboard_detach(k);
    keyboard_attach(k, buf, sizeof buf, 20, KB_FIELD_TEXT);
    keyboard_set_mode(k, KB_HANDWRITING);
    assert_int_equal(keyboard_mode(k), KB_HANDWRITING);
    assert_true(keyboard_engine_loaded(k, KB_HANDWRITING));

    /* Never while attached, however long the visitor takes. */
    assert_int_equal(keyboard_release_idle(k, 1000), -1);
    assert_int_equal(keyboard_release_idle(k, 10u * 60000u), -1);
    assert_true(keyboard_engine_loaded(k, KB_PINYIN));
    keyboard_detach(k);
    assert_int_equal(keyboard_release_idle(k, 700000), 120000);
    assert_int_equal(keyboard_release_idle(k, 700000 + 119999), 1);
    assert_true(keyboard_engine_loaded(k, KB_PINYIN));
    assert_true(keyboard_engine_loaded(k, KB_HANDWRITING));
    assert_int_equal(keyboard_release_idle(k, 700000 + 120000), -1);
    assert_false(keyboard_engine_loaded(k, KB_PINYIN));
    assert_false(keyboard_engine_loaded(k, KB_HANDWRITING));
    assert_string_equal(buf, "你"); /* the text lives in the field */

    /* Back again: 手写 was the last way of writing, 拼音 reloads when shown. */
    keyboard_attach(k, buf, sizeof buf, 20, KB_FIELD_TEXT);
    assert_int_equal(keyboard_mode(k), KB_HANDWRITING);
    assert_true(keyboard_engine_loaded(k, KB_HANDWRITING));
    assert_false(keyboard_engine_loaded(k, KB_PINYIN));
    keyboard_set_mode(k, KB_PINYIN);
    assert_true(keyboard_engine_loaded(k, KB_PINYIN));
    for (const char *c = "guojia"; *c; c++) {
        char id[16];
        snprintf(id, sizeof id, "kb.char:%c", *c);
        assert_int_equal(keyboard_tap(k, id), KB_HANDLED);
    }
    assert_int_equal(keyboard_tap(k, "kb.done"), KB_DONE);
    assert_string_equal(buf, "你国家");
    keyboard_detach(k);
    keyboard_close(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_counts_characters),
        cmocka_unit_test(test_buffer_size_is_respected),
        cmocka_unit_test(test_phone_takes_digits_only),
        cmocka_unit_test(test_pinyin_settles_on_switch_and_done),
        cmocka_unit_test(test_detached_keyboard_ignores_keys),
        cmocka_unit_test(test_engines_load_on_use_and_release_when_closed),
    };
    return cmocka_run_group_tests(tests, open_keyboard, close_keyboard);
}
