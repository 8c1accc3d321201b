/* test_ime.c — the keyboard's engines with their real Debian data:
 * librime with luna_pinyin_simp (deployed afresh into the scratch folder)
 * and zinnia with the tegaki Simplified Chinese model.  The data are found
 * through the same Config defaults the kiosk uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ime_handwriting.h"
#include "ime_pinyin.h"

static Config cfg;
static ImePinyin *pinyin;
static ImeHandwriting *hw;
static char user_dir[1100];

static const char *scratch(void)
{
    const char *t = getenv("KIOSK_TEST_TMP");
    return t && *t ? t : "/tmp";
}

static int open_engines(void **state)
{
    (void)state;
    Err err;
    config_defaults(&cfg);
    snprintf(user_dir, sizeof user_dir, "%s/rime-%d", scratch(), (int)getpid());
    if (ime_pinyin_open(cfg.rime_shared_dir, user_dir, &pinyin, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    if (ime_pinyin_wait_ready(pinyin, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    if (ime_handwriting_open(cfg.handwriting_model, &hw, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int close_engines(void **state)
{
    (void)state;
    ime_pinyin_close(pinyin);
    ime_handwriting_close(hw);
    return 0;
}

static int reset_input(void **state)
{
    (void)state;
    ime_pinyin_clear(pinyin);
    ime_handwriting_clear(hw);
    return 0;
}

static void type_word(const char *letters)
{
    for (const char *c = letters; *c; c++) assert_int_equal(ime_pinyin_type(pinyin, *c), 0);
}

/* Index of `want` in the first `n` candidates, or -1. */
static int find_candidate(const char *want, int n)
{
    ImeCandidates page;
    Err err;
    assert_int_equal(ime_pinyin_candidates(pinyin, 0, n, &page, &err), 0);
    for (int i = 0; i < page.count; i++)
        if (strcmp(page.text[i], want) == 0) return page.first + i;
    return -1;
}

static void test_nihao_commits_simplified(void **state)
{
    (void)state;
    type_word("nihao");
    assert_true(ime_pinyin_composing(pinyin));
    assert_string_equal(ime_pinyin_preedit(pinyin), "ni hao");
    int i = find_candidate("你好", 5);
    assert_true(i >= 0);
    char out[128];
    Err err;
    assert_int_equal(ime_pinyin_choose(pinyin, i, out, sizeof out, &err), 1);
    assert_string_equal(out, "你好");
    assert_false(ime_pinyin_composing(pinyin));
    assert_string_equal(ime_pinyin_preedit(pinyin), "");
}

static void test_output_is_simplified(void **state)
{
    (void)state;
    type_word("guojia");
    assert_int_equal(find_candidate("国家", 1), 0);
    assert_int_equal(find_candidate("國家", 9), -1);
}

static void test_phrase_dangwugongkai(void **state)
{
    (void)state;
    type_word("dangwugongkai");
    int i = find_candidate("党务公开", 5);
    assert_true(i >= 0);
    char out[128];
    Err err;
    assert_int_equal(ime_pinyin_choose(pinyin, i, out, sizeof out, &err), 1);
    assert_string_equal(out, "党务公开");
}

/* Choosing 你 for "nihao" leaves "hao" to choose; the second choice
 * commits both characters together. */
static void test_choice_by_parts(void **state)
{
    (void)state;
    type_word("nihao");
    int i = find_candidate("你", 9);
    assert_true(i >= 0);
    char out[128];
    Err err;
    assert_int_equal(ime_pinyin_choose(pinyin, i, out, sizeof out, &err), 0);
    assert_true(ime_pinyin_composing(pinyin));
    assert_string_equal(ime_pinyin_preedit(pinyin), "你hao");
    i = find_candidate("好", 5);
    assert_true(i >= 0);
    assert_int_equal(ime_pinyin_choose(pinyin, i, out, sizeof out, &err), 1);
    assert_string_equal(out, "你好");
}

static void test_backspace_and_clear(void **state)
{
    (void)state;
    type_word("nihaom");
    assert_string_equal(ime_pinyin_preedit(pinyin), "ni hao m");
    assert_int_equal(ime_pinyin_backspace(pinyin), 0);
    assert_string_equal(ime_pinyin_preedit(pinyin), "ni hao");
    assert_true(find_candidate("你好", 5) >= 0);
    for (int k = 0; k < 5; k++) assert_int_equal(ime_pinyin_backspace(pinyin), 0);
    assert_false(ime_pinyin_composing(pinyin));
    assert_int_equal(ime_pinyin_backspace(pinyin), 1);

    type_word("gongkai");
    ime_pinyin_clear(pinyin);
    assert_false(ime_pinyin_composing(pinyin));
    ImeCandidates page;
    Err err;
    assert_int_equal(ime_pinyin_candidates(pinyin, 0, 5, &page, &err), 0);
    assert_int_equal(page.count, 0);
    char out[16];
    assert_int_equal(ime_pinyin_choose(pinyin, 0, out, sizeof out, &err), -1);
}

static void test_pages_do_not_overlap(void **state)
{
    (void)state;
    type_word("shi");
    ImeCandidates a, b;
    Err err;
    assert_int_equal(ime_pinyin_candidates(pinyin, 0, 8, &a, &err), 0);
    assert_int_equal(ime_pinyin_candidates(pinyin, 8, 8, &b, &err), 0);
    assert_int_equal(a.count, 8);
    assert_true(a.more);
    assert_int_equal(b.first, 8);
    assert_true(b.count > 0);
    for (int i = 0; i < a.count; i++)
        for (int j = 0; j < b.count; j++) assert_string_not_equal(a.text[i], b.text[j]);
    char out[64];
    assert_int_equal(ime_pinyin_choose(pinyin, b.first, out, sizeof out, &err), 1);
    assert_string_equal(out, b.text[0]);
    assert_int_equal(ime_pinyin_candidates(pinyin, 0, IME_PAGE_MAX + 1, &a, &err), -1);
    assert_int_equal(ime_pinyin_candidates(pinyin, -1, 8, &a, &err), -1);
}

static void test_keys_that_are_not_pinyin(void **state)
{
    (void)state;
    assert_int_equal(ime_pinyin_type(pinyin, '1'), 1);
    assert_int_equal(ime_pinyin_type(pinyin, '\''), 1); /* no syllable to separate */
    assert_int_equal(ime_pinyin_type(pinyin, ','), 1);
    type_word("XIAN"); /* upper case is folded */
    assert_int_equal(ime_pinyin_type(pinyin, '\''), 0);
    assert_int_equal(ime_pinyin_type(pinyin, '1'), 1);
    char out[64];
    assert_int_equal(ime_pinyin_commit_raw(pinyin, out, sizeof out), 1);
    assert_string_equal(out, "xian'");
    assert_false(ime_pinyin_composing(pinyin));
}

/* A public kiosk must not remember what visitors typed. */
static void test_no_user_dictionary(void **state)
{
    (void)state;
    type_word("zhangsan");
    char out[64];
    Err err;
    assert_int_equal(ime_pinyin_choose(pinyin, 0, out, sizeof out, &err), 1);
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/luna_pinyin.userdb", user_dir);
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/luna_pinyin_simp.userdb", user_dir);
    assert_int_not_equal(stat(path, &st), 0);
}

static void test_missing_schema_is_a_clear_error(void **state)
{
    (void)state;
    ImePinyin *p = NULL;
    Err err;
    assert_int_equal(ime_pinyin_open("/nonexistent/rime-data", user_dir, &p, &err), -1);
    assert_null(p);
    assert_non_null(strstr(err.msg, "rime-data-luna-pinyin"));
    assert_int_equal(ime_pinyin_open(cfg.rime_shared_dir, user_dir, &p, &err), -1);
    assert_non_null(strstr(err.msg, "already open"));
}

/* A restart: a user folder that cannot be made is a clear error; the
 * real one has the data deployed already, so typing works at once,
 * without waiting for librime's maintenance thread. */
static void test_restart(void **state)
{
    (void)state;
    ime_pinyin_close(pinyin);
    pinyin = NULL;
    Err err;
    char path[1200];
    snprintf(path, sizeof path, "%s/a-file", scratch());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/a-file/rime", scratch());
    assert_int_equal(ime_pinyin_open(cfg.rime_shared_dir, path, &pinyin, &err), -1);
    assert_null(pinyin);
    assert_non_null(strstr(err.msg, "a-file/rime: cannot create"));

    assert_int_equal(ime_pinyin_open(cfg.rime_shared_dir, user_dir, &pinyin, &err), 0);
    assert_int_equal(ime_pinyin_ready(pinyin, &err), 1);
    type_word("nihao");
    assert_int_equal(find_candidate("你好", 1), 0);
}

/* ---- handwriting ------------------------------------------------------ */

/* A pad wider than tall, away from the screen's origin, like the
 * keyboard's. */
static const ImeHwPad pad = {.x = 300, .y = 500, .w = 640, .h = 480};

typedef struct {
    float x, y; /* 0..1 in the square the character fills */
} Pt;

/* Draws a polyline through the given points, as a finger would: many
 * small moves in screen coordinates. */
static void draw_stroke(const Pt *pts, int n)
{
    Err err;
    int side = pad.h, left = pad.x + (pad.w - side) / 2, top = pad.y;
    for (int k = 0; k + 1 < n; k++) {
        for (int step = 0; step <= 10; step++) {
            if (k > 0 && step == 0) continue;
            float t = (float)step / 10.0f;
            int x = left + (int)((pts[k].x + (pts[k + 1].x - pts[k].x) * t) * (float)side);
            int y = top + (int)((pts[k].y + (pts[k + 1].y - pts[k].y) * t) * (float)side);
            if (k == 0 && step == 0) assert_int_equal(ime_handwriting_begin_stroke(hw, &pad, x, y, &err), 0);
            else assert_int_equal(ime_handwriting_add_point(hw, &pad, x, y, &err), 0);
        }
    }
}

#define STROKE(...)                                                                                                    \
    do {                                                                                                               \
        const Pt s_[] = {__VA_ARGS__};                                                                                 \
        draw_stroke(s_, (int)(sizeof s_ / sizeof s_[0]));                                                              \
    } while (0)

static void assert_in_top5(const char *want)
{
    ImeHwCandidate c[5];
    int n;
    Err err;
    assert_int_equal(ime_handwriting_recognize(hw, c, 5, &n, &err), 0);
    assert_int_equal(n, 5);
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].text, want) == 0) return;
    fail_msg("%s not among %s %s %s %s %s", want, c[0].text, c[1].text, c[2].text, c[3].text, c[4].text);
}

/* 口 and 大 as a careful hand writes them. */
static void write_kou(void)
{
    STROKE({0.2f, 0.2f}, {0.2f, 0.8f});
    STROKE({0.2f, 0.2f}, {0.8f, 0.2f}, {0.8f, 0.8f});
    STROKE({0.2f, 0.78f}, {0.8f, 0.78f});
}

static void write_da(void)
{
    STROKE({0.15f, 0.4f}, {0.85f, 0.4f});
    STROKE({0.5f, 0.1f}, {0.5f, 0.4f}, {0.4f, 0.65f}, {0.15f, 0.9f});
    STROKE({0.5f, 0.4f}, {0.65f, 0.65f}, {0.88f, 0.9f});
}

static void test_hw_yi(void **state)
{
    (void)state;
    STROKE({0.1f, 0.5f}, {0.9f, 0.5f});
    assert_in_top5("一");
}

static void test_hw_shi(void **state)
{
    (void)state;
    STROKE({0.1f, 0.45f}, {0.9f, 0.45f});
    STROKE({0.5f, 0.1f}, {0.5f, 0.9f});
    assert_in_top5("十");
}

static void test_hw_ren(void **state)
{
    (void)state;
    STROKE({0.5f, 0.1f}, {0.45f, 0.45f}, {0.3f, 0.7f}, {0.1f, 0.9f});
    STROKE({0.48f, 0.4f}, {0.65f, 0.65f}, {0.9f, 0.9f});
    assert_in_top5("人");
}

static void test_hw_kou(void **state)
{
    (void)state;
    write_kou();
    assert_in_top5("口");
}

static void test_hw_da(void **state)
{
    (void)state;
    write_da();
    assert_in_top5("大");
}

/* The best candidate, after the ranking that puts whole characters above
 * components unless the strokes clearly form the component. */
static void assert_first(const char *want, const char *below)
{
    ImeHwCandidate c[10];
    int n;
    Err err;
    assert_int_equal(ime_handwriting_recognize(hw, c, 10, &n, &err), 0);
    assert_true(n > 0);
    if (strcmp(c[0].text, want) != 0) fail_msg("%s first, expected %s", c[0].text, want);
    for (int i = 0; below && i < n; i++)
        if (strcmp(c[i].text, below) == 0) return;
    if (below) fail_msg("%s is not among the candidates at all", below);
}

/* 人, 大 and 口 come before the components zinnia scores about as high
 * (亻, 廾, 囗), which stay offered further down. */
static void test_hw_whole_before_component(void **state)
{
    (void)state;
    STROKE({0.5f, 0.1f}, {0.45f, 0.45f}, {0.3f, 0.7f}, {0.1f, 0.9f});
    STROKE({0.48f, 0.4f}, {0.65f, 0.65f}, {0.9f, 0.9f});
    assert_first("人", "亻");
    ime_handwriting_clear(hw);
    write_da();
    assert_first("大", "廾");
    ime_handwriting_clear(hw);
    write_kou();
    assert_first("口", NULL);
}

/* Strokes that clearly are one component keep it first: 氵 and a narrow 亻. */
static void test_hw_clear_component(void **state)
{
    (void)state;
    STROKE({0.2f, 0.15f}, {0.3f, 0.25f});
    STROKE({0.15f, 0.4f}, {0.28f, 0.5f});
    STROKE({0.1f, 0.85f}, {0.3f, 0.6f});
    assert_first("氵", NULL);
    ime_handwriting_clear(hw);
    STROKE({0.4f, 0.1f}, {0.1f, 0.5f});
    STROKE({0.3f, 0.35f}, {0.3f, 0.9f});
    assert_first("亻", NULL);
}

/* Undoing the vertical stroke of 十 leaves 一; clearing leaves nothing. */
static void test_hw_undo_and_clear(void **state)
{
    (void)state;
    STROKE({0.1f, 0.5f}, {0.9f, 0.5f});
    STROKE({0.5f, 0.1f}, {0.5f, 0.9f});
    assert_int_equal(ime_handwriting_stroke_count(hw), 2);
    assert_in_top5("十");
    ime_handwriting_undo_stroke(hw);
    assert_int_equal(ime_handwriting_stroke_count(hw), 1);
    assert_in_top5("一");
    ime_handwriting_clear(hw);
    ImeHwCandidate c[5];
    int n = -1;
    Err err;
    assert_int_equal(ime_handwriting_recognize(hw, c, 5, &n, &err), 0);
    assert_int_equal(n, 0);
}

/* Points beyond the pad are clamped, and the limits hold. */
static void test_hw_limits(void **state)
{
    (void)state;
    Err err;
    assert_int_equal(ime_handwriting_begin_stroke(hw, &pad, -5000, 99999, &err), 0);
    for (int i = 1; i < IME_HW_MAX_POINTS; i++)
        assert_int_equal(ime_handwriting_add_point(hw, &pad, pad.x + i % pad.w, pad.y, &err), 0);
    assert_int_equal(ime_handwriting_add_point(hw, &pad, pad.x, pad.y, &err), -1);
    ime_handwriting_clear(hw);
    for (int i = 0; i < IME_HW_MAX_STROKES; i++)
        assert_int_equal(ime_handwriting_begin_stroke(hw, &pad, pad.x + i, pad.y + i, &err), 0);
    assert_int_equal(ime_handwriting_begin_stroke(hw, &pad, pad.x, pad.y, &err), -1);
    assert_int_equal(ime_handwriting_stroke_count(hw), IME_HW_MAX_STROKES);
}

/* kB of the model file's mapping in this process's memory, from
 * /proc/self/smaps (the line after the mapping's header that says Rss). */
static long model_resident_kb(void)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[1400];
    long kb = -1, v;
    bool in_model = false;
    while (fgets(line, sizeof line, f)) {
        if (strchr(line, '-') && strstr(line, cfg.handwriting_model)) in_model = true;
        else if (in_model && sscanf(line, "Rss: %ld kB", &v) == 1) {
            kb = kb < 0 ? v : kb + v;
            in_model = false;
        }
    }
    fclose(f);
    return kb;
}

/* A recognition reads the whole 27 MB model; its pages are let go of
 * after it, so the kiosk's memory with the pad open does not keep them,
 * and the next recognition (reading them again from the page cache)
 * gives the same answer. */
static void test_hw_model_pages_let_go(void **state)
{
    (void)state;
    write_da();
    assert_in_top5("大");
    long after = model_resident_kb();
    assert_true(after >= 0); /* the model is mapped */
    assert_true(after < 1024);
    ime_handwriting_keep_model_pages(hw, true);
    assert_in_top5("大");
    assert_true(model_resident_kb() > 16 * 1024); /* what a recognition reads, kept */
    ime_handwriting_keep_model_pages(hw, false);
    assert_in_top5("大");
    assert_true(model_resident_kb() < 1024);
}

/* Closed and opened again (the keyboard's release after
 * ime_release_minutes, then the next visitor): the parts are made again
 * from the file and answer as before. */
static void test_hw_reopen(void **state)
{
    (void)state;
    Err err;
    ime_handwriting_close(hw);
    hw = NULL;
    assert_int_equal(ime_handwriting_open(cfg.handwriting_model, &hw, &err), 0);
    write_kou();
    assert_in_top5("口");
    assert_true(model_resident_kb() < 1024);
}

static void test_hw_missing_model(void **state)
{
    (void)state;
    ImeHandwriting *h = NULL;
    Err err;
    assert_int_equal(ime_handwriting_open("/nonexistent/handwriting-zh_CN.model", &h, &err), -1);
    assert_null(h);
    assert_non_null(strstr(err.msg, "tegaki-zinnia-simplified-chinese"));
    char path[1200];
    snprintf(path, sizeof path, "%s/not-a-model", scratch());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a model\n", f);
    fclose(f);
    assert_int_equal(ime_handwriting_open(path, &h, &err), -1);
    assert_null(h);

    /* The model's first megabyte with a header that matches its size:
     * read in parts, it ends inside a character's entry. */
    FILE *in = fopen(cfg.handwriting_model, "rb");
    assert_non_null(in);
    static char head[1 << 20];
    assert_int_equal(fread(head, 1, sizeof head, in), sizeof head);
    fclose(in);
    uint32_t magic = 0xef71821u ^ (uint32_t)sizeof head; /* zinnia's DIC_MAGIC_ID xor the size */
    memcpy(head, &magic, sizeof magic);
    snprintf(path, sizeof path, "%s/cut-model", scratch());
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    assert_int_equal(ime_handwriting_open(path, &h, &err), -1);
    assert_null(h);
    assert_non_null(strstr(err.msg, "cut short"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nihao_commits_simplified, reset_input),
        cmocka_unit_test_setup(test_output_is_simplified, reset_input),
        cmocka_unit_test_setup(test_phrase_dangwugongkai, reset_input),
        cmocka_unit_test_setup(test_choice_by_parts, reset_input),
        cmocka_unit_test_setup(test_backspace_and_clear, reset_input),
        cmocka_unit_test_setup(test_pages_do_not_overlap, reset_input),
        cmocka_unit_test_setup(test_keys_that_are_not_pinyin, reset_input),
        cmocka_unit_test_setup(test_no_user_dictionary, reset_input),
        cmocka_unit_test_setup(test_missing_schema_is_a_clear_error, reset_input),
        cmocka_unit_test_setup(test_restart, reset_input),
        cmocka_unit_test_setup(test_hw_yi, reset_input),
        cmocka_unit_test_setup(test_hw_shi, reset_input),
        cmocka_unit_test_setup(test_hw_ren, reset_input),
        cmocka_unit_test_setup(test_hw_kou, reset_input),
        cmocka_unit_test_setup(test_hw_da, reset_input),
        cmocka_unit_test_setup(test_hw_whole_before_component, reset_input),
        cmocka_unit_test_setup(test_hw_clear_component, reset_input),
        cmocka_unit_test_setup(test_hw_undo_and_clear, reset_input),
        cmocka_unit_test_setup(test_hw_limits, reset_input),
        cmocka_unit_test_setup(test_hw_model_pages_let_go, reset_input),
        cmocka_unit_test_setup(test_hw_reopen, reset_input),
        cmocka_unit_test_setup(test_hw_missing_model, reset_input),
    };
    return cmocka_run_group_tests(tests, open_engines, close_engines);
}
