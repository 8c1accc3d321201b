/* test_keyboard.c — the on-screen keyboard's editing, driven by the same
 * widget ids a tap delivers, with the real engines: length limits counted
 * in characters, 删除 taking a whole character (never half of one in
 * UTF-8), 清空, the phone field taking digits only, pinyin settled on a
 * mode switch and on 完成, and a detached keyboard ignoring keys. */
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

static int open_keyboard(void **state)
{
    (void)state;
    Config cfg;
    config_defaults(&cfg);
    const char *tmp = getenv("KIOSK_TEST_TMP");
    snprintf(cfg.rime_user_dir, sizeof cfg.rime_user_dir, "%s/rime-kb-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    Err err;
    if (keyboard_open(&cfg, &kb, &err)) return -1;
    keyboard_wait_ready(kb);
    return keyboard_mode_available(kb, KB_PINYIN) && keyboard_mode_available(kb, KB_HANDWRITING) ? 0 : -1;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_counts_characters),        cmocka_unit_test(test_buffer_size_is_respected),
        cmocka_unit_test(test_phone_takes_digits_only),        cmocka_unit_test(test_pinyin_settles_on_switch_and_done),
        cmocka_unit_test(test_detached_keyboard_ignores_keys),
    };
    return cmocka_run_group_tests(tests, open_keyboard, close_keyboard);
}
