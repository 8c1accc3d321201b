/* test_text.c — fonts, Chinese line breaking and text rendering, on the
 * real fonts and the real SDL software renderer.
 *
 * The corpus (tests/corpus/zh_paragraphs.txt, one paragraph a line,
 * Simplified and Traditional Chinese with full-width punctuation, Latin
 * words, numbers and URLs) is laid out at many widths and sizes, and every
 * line is checked against the clreq rules with this file's own lists of
 * forbidden characters, against an independent SDL_ttf measurement and
 * against the pixels the renderer actually drew. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <SDL_ttf.h>
#include <unistr.h>

#include "text.h"

#define CORPUS "tests/corpus/zh_paragraphs.txt"

typedef struct Fixture {
    Config cfg;
    Fonts *fonts;
    char *corpus;
    TTF_Font *noto[3]; /* independent handles for measuring: 32 px, 40 px, 40 px bold */
} Fixture;

static Fixture fx;

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = '\0';
    fclose(fp);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    config_defaults(&fx.cfg);
    Err err = {0};
    if (fonts_open(&fx.cfg, &fx.fonts, &err) != 0) {
        fprintf(stderr, "fonts_open: %s\n", err.msg);
        return -1;
    }
    fx.corpus = read_file(CORPUS);
    if (!fx.corpus) return -1;
    /* Keep the fonts' SDL_ttf alive for the independent handles. */
    if (TTF_Init() != 0) return -1;
    fx.noto[0] = TTF_OpenFontIndex(fx.cfg.font_regular, 32, fx.cfg.font_face_index);
    fx.noto[1] = TTF_OpenFontIndex(fx.cfg.font_regular, 40, fx.cfg.font_face_index);
    fx.noto[2] = TTF_OpenFontIndex(fx.cfg.font_bold, 40, fx.cfg.font_face_index);
    return fx.noto[0] && fx.noto[1] && fx.noto[2] ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    TTF_CloseFont(fx.noto[0]);
    TTF_CloseFont(fx.noto[1]);
    TTF_CloseFont(fx.noto[2]);
    TTF_Quit();
    fonts_close(fx.fonts);
    free(fx.corpus);
    return 0;
}

/* ---- the rules, listed independently of text.c ---- */

static const char *const NO_START[] = {"，", "。", "、", "；", "：", "？", "！", "）", "」", "』", "》", "”",  "’", "…",
                                       "％", "%",  ",",  ".",  ";",  ":",  "?",  "!",  ")",  "〕", "·",  "～", "‰"};
static const char *const NO_END[] = {"（", "「", "『", "《", "“", "‘", "(", "〔"};

static uint32_t cp_of(const char *s)
{
    ucs4_t cp;
    u8_mbtouc(&cp, (const uint8_t *)s, strlen(s));
    return cp;
}

static bool in_list(uint32_t cp, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp_of(list[i]) == cp) return true;
    return false;
}

static uint32_t first_cp(const TextBlock *b, const TextLine *l)
{
    if (l->len == 0) return 0;
    ucs4_t cp;
    u8_mbtouc(&cp, (const uint8_t *)b->text + l->start, (size_t)l->len);
    return cp;
}

static uint32_t last_cp(const TextBlock *b, const TextLine *l)
{
    if (l->len == 0) return 0;
    const uint8_t *start = (const uint8_t *)b->text + l->start;
    ucs4_t cp = 0;
    u8_prev(&cp, start + l->len, start);
    return cp;
}

static bool is_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

static char *line_text(const TextBlock *b, const TextLine *l)
{
    char *s = malloc((size_t)l->len + 1);
    memcpy(s, b->text + l->start, (size_t)l->len);
    s[l->len] = '\0';
    return s;
}

/* Width of the line as SDL_ttf measures it with its own handle, when the
 * main face draws every character of it (else -1). */
static int independent_width(TTF_Font *font, const TextBlock *b, const TextLine *l)
{
    char *s = line_text(b, l);
    const uint8_t *p = (const uint8_t *)s;
    size_t n = strlen(s);
    int w = -1;
    bool covered = true;
    while (n > 0) {
        ucs4_t cp;
        int len = u8_mbtouc(&cp, p, n);
        if (!TTF_GlyphIsProvided32(font, cp)) covered = false;
        p += len;
        n -= (size_t)len;
    }
    if (covered && TTF_SizeUTF8(font, s, &w, NULL) != 0) w = -1;
    free(s);
    return w;
}

static bool is_word_byte(char c)
{
    return is_alnum((uint32_t)(unsigned char)c) || c == '.' || c == '-' || c == '_' || c == '/' || c == ':';
}

/* Width of the Latin word (letters, digits and . - _ / : as in URLs and
 * phone numbers) around a byte offset, with the opening and closing
 * punctuation glued to its ends: a word may only be cut when it is wider
 * than the line. */
static int word_width_at(TTF_Font *font, const TextBlock *b, int at)
{
    int from = at, to = at;
    while (from > 0 && is_word_byte(b->text[from - 1])) from--;
    while (b->text[to] && is_word_byte(b->text[to])) to++;
    while (from > 0) {
        ucs4_t cp = 0;
        const uint8_t *prev = u8_prev(&cp, (const uint8_t *)b->text + from, (const uint8_t *)b->text);
        if (!prev || !in_list(cp, NO_END, sizeof NO_END / sizeof NO_END[0])) break;
        from = (int)(prev - (const uint8_t *)b->text);
    }
    for (;;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, (const uint8_t *)b->text + to, strlen(b->text + to));
        if (!b->text[to] || !in_list(cp, NO_START, sizeof NO_START / sizeof NO_START[0])) break;
        to += n;
    }
    char word[256];
    snprintf(word, sizeof word, "%.*s", to - from, b->text + from);
    int w = 0;
    TTF_SizeUTF8(font, word, &w, NULL);
    return w;
}

static char *without_spaces(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    size_t o = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n') continue;
        if (strncmp(s, "　", 3) == 0) {
            s += 2;
            continue;
        }
        out[o++] = *s;
    }
    out[o] = '\0';
    return out;
}

static int count_paragraphs(const char *s)
{
    int n = 1;
    size_t len = strlen(s);
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '\n') n++;
    return n;
}

/* Every property a laid-out block must have. */
static void check_block(const TextBlock *b, const char *source, const TextStyle *st, int max_width, bool indent)
{
    assert_true(st->size_px == 32 || st->size_px == 40);
    TTF_Font *ref = st->size_px == 32 ? fx.noto[0] : fx.noto[st->bold ? 2 : 1];
    int paragraphs = 0;
    size_t joined_cap = strlen(b->text) + 1, joined_len = 0;
    char *joined = calloc(joined_cap, 1);
    for (int i = 0; i < b->line_count; i++) {
        const TextLine *l = &b->lines[i];
        assert_int_equal(l->y, i * b->line_height);
        assert_true(l->x + l->width <= max_width);
        if (ref) {
            int w = independent_width(ref, b, l);
            if (w >= 0) assert_true(l->x + w <= max_width);
        }
        uint32_t first = first_cp(b, l), last = last_cp(b, l);
        if (!l->paragraph_start && in_list(first, NO_START, sizeof NO_START / sizeof NO_START[0])) {
            char *t = line_text(b, l);
            fail_msg("width %d: line %d starts with forbidden U+%04X: %s", max_width, i, first, t);
        }
        if (in_list(last, NO_END, sizeof NO_END / sizeof NO_END[0]) && !l->ellipsized) {
            char *t = line_text(b, l);
            fail_msg("width %d: line %d ends with opening U+%04X: %s", max_width, i, last, t);
        }
        if (i + 1 < b->line_count && !b->lines[i + 1].paragraph_start && is_alnum(last) &&
            is_alnum(first_cp(b, &b->lines[i + 1])) && b->lines[i + 1].start == l->start + l->len &&
            word_width_at(ref, b, l->start + l->len) <= max_width - l->x) {
            char *t = line_text(b, l);
            fail_msg("width %d: a Latin word or number is cut after line %d: %s", max_width, i, t);
        }
        if (l->paragraph_start) {
            paragraphs++;
            if (l->len > 0) assert_int_equal(l->x, indent ? 2 * st->size_px : 0);
        } else {
            assert_int_equal(l->x, 0);
        }
        memcpy(joined + joined_len, b->text + l->start, (size_t)l->len);
        joined_len += (size_t)l->len;
    }
    assert_int_equal(paragraphs, count_paragraphs(source));
    /* Nothing lost or repeated: only spaces at the breaks may go. */
    char *a = without_spaces(source), *c = without_spaces(joined);
    assert_string_equal(a, c);
    free(a);
    free(c);
    free(joined);
    assert_int_equal(b->height, b->line_count * b->line_height);
}

static void layout_checked(const char *text, const TextStyle *st, int width, int flags)
{
    TextBlock b;
    Err err = {0};
    assert_int_equal(text_layout(fx.fonts, text, st, width, 0, flags, &b, &err), 0);
    check_block(&b, text, st, width, (flags & TEXT_INDENT_PARAGRAPHS) != 0);
    text_block_free(&b);
}

/* ---- tests ---- */

static void test_corpus_rules_at_many_widths(void **state)
{
    (void)state;
    TextStyle body = {.size_px = 40, .color = {0, 0, 0, 255}};
    TextStyle small = {.size_px = 32, .color = {0, 0, 0, 255}};
    TextStyle bold = {.size_px = 40, .bold = true, .color = {0, 0, 0, 255}};
    for (int w = 330; w <= 1400; w += 23) {
        layout_checked(fx.corpus, &body, w, TEXT_INDENT_PARAGRAPHS);
        layout_checked(fx.corpus, &small, w - 7, 0);
    }
    for (int w = 400; w <= 1000; w += 97) layout_checked(fx.corpus, &bold, w, TEXT_INDENT_PARAGRAPHS);
}

/* A closing mark that would land at a line start pulls the character
 * before it down; an opening mark that would end a line goes down too. */
static void test_punctuation_pulls_previous_character_down(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    TextBlock b;
    Err err;
    /* Exactly ten characters fit; the eleventh is a full stop. */
    assert_int_equal(text_layout(fx.fonts, "一二三四五六七八九十。下一句", &st, 400, 0, 0, &b, &err), 0);
    assert_true(b.line_count >= 2);
    assert_int_equal(first_cp(&b, &b.lines[1]), cp_of("十"));
    assert_int_equal(last_cp(&b, &b.lines[0]), cp_of("九"));
    text_block_free(&b);

    /* The tenth character is an opening bracket: it moves to line two. */
    assert_int_equal(text_layout(fx.fonts, "一二三四五六七八九（十）", &st, 400, 0, 0, &b, &err), 0);
    assert_int_equal(b.line_count, 2);
    assert_int_equal(first_cp(&b, &b.lines[1]), cp_of("（"));
    text_block_free(&b);

    /* Two closing marks in a row: both stay off the line start. */
    assert_int_equal(text_layout(fx.fonts, "一二三四五六七八「九」。再见", &st, 400, 0, 0, &b, &err), 0);
    for (int i = 1; i < b.line_count; i++)
        assert_false(in_list(first_cp(&b, &b.lines[i]), NO_START, sizeof NO_START / sizeof NO_START[0]));
    text_block_free(&b);
}

static void test_latin_words_and_numbers_stay_whole(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    const char *text = "截至2026年第3季度，全镇WiFi覆盖率为97.6%，详见https://dwgk.example.gov.cn/report，"
                       "联系电话0571-88886666，版本v2.6.1已上线。";
    for (int w = 260; w <= 900; w += 11) layout_checked(text, &st, w, 0);

    /* A word wider than the line is cut between characters, never lost. */
    TextBlock b;
    Err err;
    const char *long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
    assert_int_equal(text_layout(fx.fonts, long_word, &st, 200, 0, 0, &b, &err), 0);
    assert_true(b.line_count > 3);
    for (int i = 0; i < b.line_count; i++) {
        assert_true(b.lines[i].width <= 200);
        assert_true(b.lines[i].len > 0);
    }
    text_block_free(&b);
}

/* Lays every chunk of the corpus out at exactly its measured width (one
 * line) and one pixel less (more lines, each fitting): the layout packs by
 * the exact width, not by a sum of advances that ignores kerning and
 * emboldening. */
static void check_exact_fit(Fonts *fonts, const TextStyle *st, const char *chunk)
{
    int w = text_measure(fonts, chunk, st);
    TextBlock b;
    Err err;
    assert_int_equal(text_layout(fonts, chunk, st, w, 0, 0, &b, &err), 0);
    if (b.line_count != 1) fail_msg("\"%s\" is %d px wide but did not fit in %d px", chunk, w, w);
    text_block_free(&b);
    assert_int_equal(text_layout(fonts, chunk, st, w - 1, 0, 0, &b, &err), 0);
    if (b.line_count < 2) fail_msg("\"%s\" is %d px wide but fit in %d px", chunk, w, w - 1);
    for (int i = 0; i < b.line_count; i++) assert_true(b.lines[i].width <= w - 1);
    text_block_free(&b);
}

static void check_exact_fit_corpus(Fonts *fonts, const TextStyle *st)
{
    const char *extra[] = {"AVAVAV Wafj", "ffffff jjjj ///", "საქართველო ქართული", "党务ქართ公开fj"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) check_exact_fit(fonts, st, extra[i]);
    const uint8_t *s = (const uint8_t *)fx.corpus;
    size_t n = strlen(fx.corpus);
    for (size_t at = 0; at < n; at += 37) {
        while (at < n && (s[at] & 0xC0) == 0x80) at++;
        char chunk[96];
        size_t len = 0;
        const uint8_t *p = s + at;
        for (int k = 0; k < 12 && p + len < s + n; k++) {
            int cl = u8_mblen(p + len, (size_t)(s + n - p - len));
            if (cl < 1 || len + (size_t)cl >= sizeof chunk) break;
            len += (size_t)cl;
        }
        memcpy(chunk, p, len);
        chunk[len] = '\0';
        if (strchr(chunk, '\n') || chunk[0] == ' ' || chunk[len - 1] == ' ') continue;
        if (in_list(cp_of(chunk), NO_START, sizeof NO_START / sizeof NO_START[0])) continue;
        check_exact_fit(fonts, st, chunk);
    }
}

static void test_lines_packed_by_exact_width(void **state)
{
    (void)state;
    TextStyle regular = {.size_px = 40}, bold = {.size_px = 40, .bold = true};
    check_exact_fit_corpus(fx.fonts, &regular);
    check_exact_fit_corpus(fx.fonts, &bold);

    Config cfg = fx.cfg;
    snprintf(cfg.font_bold, sizeof cfg.font_bold, "/nonexistent/bold.ttc");
    Fonts *emboldened;
    Err err;
    assert_int_equal(fonts_open(&cfg, &emboldened, &err), 0);
    check_exact_fit_corpus(emboldened, &bold);
    fonts_close(emboldened);

    /* DejaVu Sans as the main font: some of its glyphs reach past their
     * advance, so a sum of advances is narrower than the drawn line. */
    cfg = fx.cfg;
    snprintf(cfg.font_regular, sizeof cfg.font_regular, "%s", fx.cfg.font_fallback[0]);
    cfg.font_face_index = 0;
    Fonts *latin;
    assert_int_equal(fonts_open(&cfg, &latin, &err), 0);
    TextStyle odd = {.size_px = 37};
    check_exact_fit(latin, &odd, "ffffff jjjj ///");
    check_exact_fit_corpus(latin, &regular);
    fonts_close(latin);
}

static void test_indent_on_every_paragraph(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    TextBlock b;
    Err err;
    const char *text =
        "　　第一段已经手工缩进了两格。\n第二段没有缩进，但是很长，需要折成好几行来显示才行。\n\n第四段在空行之后。\n";
    assert_int_equal(text_layout(fx.fonts, text, &st, 500, 0, TEXT_INDENT_PARAGRAPHS, &b, &err), 0);
    int starts = 0;
    for (int i = 0; i < b.line_count; i++) {
        const TextLine *l = &b.lines[i];
        if (!l->paragraph_start) {
            assert_int_equal(l->x, 0);
            continue;
        }
        starts++;
        if (l->len == 0) continue;
        assert_int_equal(l->x, 80);
        /* The typed indent is not doubled. */
        assert_int_not_equal(first_cp(&b, l), 0x3000);
    }
    assert_int_equal(starts, 4); /* the final '\n' opens no fifth paragraph */
    text_block_free(&b);

    assert_int_equal(text_layout(fx.fonts, "没有缩进标志的段落。", &st, 500, 0, 0, &b, &err), 0);
    assert_int_equal(b.lines[0].x, 0);
    text_block_free(&b);
}

static void test_ellipsis(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 48, .bold = true};
    const char *title = "关于2026年第三季度村级财务收支情况及集体资产处置结果的公示（第二批）";
    TextBlock b;
    Err err;
    for (int lines = 1; lines <= 2; lines++) {
        for (int w = 300; w <= 900; w += 150) {
            assert_int_equal(text_layout(fx.fonts, title, &st, w, 0, 0, &b, &err), 0);
            bool too_long = b.line_count > lines;
            text_block_free(&b);
            assert_int_equal(text_layout(fx.fonts, title, &st, w, lines, TEXT_ELLIPSIZE, &b, &err), 0);
            assert_int_equal(b.line_count, too_long ? lines : b.line_count);
            const TextLine *last = &b.lines[b.line_count - 1];
            assert_int_equal(last->ellipsized, too_long);
            if (!too_long) {
                text_block_free(&b);
                continue;
            }
            assert_true(last->width <= w);
            assert_true(last->len > 0);
            assert_int_equal(strncmp(b.text + last->start, title + last->start, (size_t)last->len), 0);
            assert_false(in_list(last_cp(&b, last), NO_END, sizeof NO_END / sizeof NO_END[0]));
            text_block_free(&b);
        }
    }
    /* A title that fits is left alone. */
    assert_int_equal(text_layout(fx.fonts, "党务公开", &st, 900, 1, TEXT_ELLIPSIZE, &b, &err), 0);
    assert_int_equal(b.line_count, 1);
    assert_false(b.lines[0].ellipsized);
    text_block_free(&b);
    /* Cut at a blank line: the blank line shows the … */
    assert_int_equal(text_layout(fx.fonts, "标题\n\n正文", &st, 900, 2, TEXT_ELLIPSIZE, &b, &err), 0);
    assert_int_equal(b.line_count, 2);
    assert_true(b.lines[1].ellipsized);
    assert_true(b.lines[1].width > 0);
    text_block_free(&b);
    /* Without the flag, max_lines only cuts. */
    assert_int_equal(text_layout(fx.fonts, title, &st, 300, 2, 0, &b, &err), 0);
    assert_int_equal(b.line_count, 2);
    assert_false(b.lines[1].ellipsized);
    text_block_free(&b);
}

static int chars_in_line(const TextBlock *b, int i)
{
    int n = 0;
    for (int k = 0; k < b->lines[i].len; k++)
        if (((unsigned char)b->text[b->lines[i].start + k] & 0xC0) != 0x80) n++;
    return n;
}

/* A width at which the natural layout leaves one character alone on the
 * second line; TEXT_NO_RUNT must give the same two lines with at least
 * two characters on the last, and leave layouts without a runt alone. */
static void test_titles_never_end_in_one_lone_character(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 42, .bold = true};
    static const char *const titles[] = {"干部选任和管理情况", "其他应当公开的事项", "黨風廉政建設情況通報"};
    for (size_t t = 0; t < sizeof titles / sizeof titles[0]; t++) {
        /* Everything but the last character fits: the last one is a runt. */
        char head[64];
        size_t len = strlen(titles[t]);
        memcpy(head, titles[t], len - 3);
        head[len - 3] = '\0';
        int width = text_measure(fx.fonts, head, &st) + 2;
        TextBlock plain, fixed;
        Err err;
        assert_int_equal(text_layout(fx.fonts, titles[t], &st, width, 2, TEXT_ELLIPSIZE, &plain, &err), 0);
        assert_int_equal(plain.line_count, 2);
        assert_int_equal(chars_in_line(&plain, 1), 1);
        assert_int_equal(text_layout(fx.fonts, titles[t], &st, width, 2, TEXT_ELLIPSIZE | TEXT_NO_RUNT, &fixed, &err),
                         0);
        assert_int_equal(fixed.line_count, 2);
        assert_true(chars_in_line(&fixed, 1) >= 2);
        assert_false(fixed.lines[1].ellipsized);
        assert_true(fixed.lines[0].width <= width);
        text_block_free(&plain);
        text_block_free(&fixed);
    }
    /* Natural breaks that leave no runt are kept as they are. */
    const char *fine = "联系和服务党员、群众情况";
    int width = text_measure(fx.fonts, "联系和服务党员、", &st) + 2;
    TextBlock a, b;
    Err err;
    assert_int_equal(text_layout(fx.fonts, fine, &st, width, 2, 0, &a, &err), 0);
    assert_int_equal(text_layout(fx.fonts, fine, &st, width, 2, TEXT_NO_RUNT, &b, &err), 0);
    assert_int_equal(a.lines[0].len, b.lines[0].len);
    text_block_free(&a);
    text_block_free(&b);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    const char bad[] = "\xef\xbb\xbf党务\xff\xfe公开\xc3(\xe4\xb8 truncated\xed\xa0\x80 surrogate\xf4\x90\x80\x80 "
                       "end\x01\t\r\n下一段\xe4";
    TextBlock b;
    Err err;
    assert_int_equal(text_layout(fx.fonts, bad, &st, 300, 0, TEXT_INDENT_PARAGRAPHS, &b, &err), 0);
    assert_null(u8_check((const uint8_t *)b.text, strlen(b.text)));
    assert_non_null(strstr(b.text, "\xef\xbf\xbd"));
    assert_null(strchr(b.text, '\r'));
    assert_null(strchr(b.text, '\x01'));
    assert_null(strstr(b.text, "\xef\xbb\xbf")); /* no byte-order mark */
    assert_true(b.line_count >= 2);
    for (int i = 0; i < b.line_count; i++) assert_true(b.lines[i].x + b.lines[i].width <= 300);
    text_block_free(&b);
    assert_int_equal(fonts_missing_glyphs(fx.fonts, bad, NULL), 0);
    assert_true(text_measure(fx.fonts, bad, &st) > 0);
}

/* Columns narrower than one character: one cluster per line, nothing lost,
 * and the layout ends. */
static void test_narrower_than_a_character(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    const char *text = "党务，公开「WiFi」2026年……e\xcc\x81t\xc3\xa9";
    for (int w = 1; w <= 41; w += 20) {
        TextBlock b;
        Err err;
        assert_int_equal(text_layout(fx.fonts, text, &st, w, 0, TEXT_INDENT_PARAGRAPHS, &b, &err), 0);
        size_t total = 0;
        for (int i = 0; i < b.line_count; i++) {
            const TextLine *l = &b.lines[i];
            assert_true(l->len > 0);
            total += (size_t)l->len;
            /* e + combining acute stays one cluster */
            assert_false(l->start > 0 && (unsigned char)b.text[l->start] == 0xcc);
        }
        assert_int_equal(total, strlen(b.text));
        text_block_free(&b);
    }
    TextBlock b;
    Err err = {0};
    assert_int_equal(text_layout(fx.fonts, text, &st, 0, 0, 0, &b, &err), -1);
    assert_true(strlen(err.msg) > 0);
    TextStyle none = {.size_px = 0};
    assert_int_equal(text_layout(fx.fonts, text, &none, 100, 0, 0, &b, &err), -1);
    assert_int_equal(text_layout(fx.fonts, NULL, &st, 100, 0, 0, &b, &err), -1);
}

static void test_no_tofu_simplified_and_traditional(void **state)
{
    (void)state;
    uint32_t first = 0;
    assert_int_equal(fonts_missing_glyphs(fx.fonts, fx.corpus, &first), 0);
    const char *traditional = "黨務公開 鄉鎮 發佈 觸控屏 資訊 幹部 審議 體制 龜鬱齣灣裡麵 「」『』《》〈〉";
    assert_int_equal(fonts_missing_glyphs(fx.fonts, traditional, &first), 0);
    /* Invisible characters need no glyph: zero-width space, joiner,
     * variation selector. */
    assert_int_equal(fonts_missing_glyphs(fx.fonts, "党\u200b务\u200d公\ufe0f开", &first), 0);
    /* The check can fail: a private-use and a non-character are missing. */
    assert_int_equal(fonts_missing_glyphs(fx.fonts, "党\xee\x80\x80务\xf4\x8f\xbf\xbd", &first), 2);
    assert_int_equal(first, 0xE000);
}

/* Georgian is not in Noto Sans CJK; DejaVu Sans, the fallback, has it. */
static void test_fallback_font_chain(void **state)
{
    (void)state;
    const char *georgian = "საქართველო";
    assert_true(fonts_has_glyph(fx.fonts, cp_of("ქ")));
    assert_int_equal(fonts_missing_glyphs(fx.fonts, georgian, NULL), 0);

    Config no_fallback = fx.cfg;
    no_fallback.font_fallback_count = 0;
    Fonts *bare;
    Err err;
    assert_int_equal(fonts_open(&no_fallback, &bare, &err), 0);
    assert_int_equal(fonts_missing_glyphs(bare, georgian, NULL), 10);
    assert_int_equal(fonts_missing_glyphs(bare, "党务公开", NULL), 0);
    fonts_close(bare);

    /* Mixed runs measure as the sum of their parts. */
    TextStyle st = {.size_px = 40};
    int mixed = text_measure(fx.fonts, "党务ქართ公开", &st);
    assert_true(mixed > text_measure(fx.fonts, "党务公开", &st));
}

static void test_fonts_open_errors(void **state)
{
    (void)state;
    Config cfg = fx.cfg;
    snprintf(cfg.font_regular, sizeof cfg.font_regular, "/nonexistent/font.ttc");
    Fonts *f = (Fonts *)1;
    Err err = {0};
    assert_int_equal(fonts_open(&cfg, &f, &err), -1);
    assert_null(f);
    assert_non_null(strstr(err.msg, "/nonexistent/font.ttc"));

    /* A missing bold file falls back to emboldening the regular face. */
    cfg = fx.cfg;
    snprintf(cfg.font_bold, sizeof cfg.font_bold, "/nonexistent/bold.ttc");
    assert_int_equal(fonts_open(&cfg, &f, &err), 0);
    TextStyle st = {.size_px = 40, .bold = true};
    assert_true(text_measure(f, "党务公开", &st) > 0);
    fonts_close(f);
}

static void test_measure(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40};
    assert_int_equal(text_measure(fx.fonts, "", &st), 0);
    assert_int_equal(text_measure(fx.fonts, "党务公开", &st), 160);
    int w;
    TTF_SizeUTF8(fx.noto[1], "WiFi 2026", &w, NULL);
    assert_int_equal(text_measure(fx.fonts, "WiFi 2026", &st), w);
    /* The widest paragraph counts. */
    assert_int_equal(text_measure(fx.fonts, "党务\n党务公开\n公开", &st), 160);
}

/* Draws the texture onto a white canvas and returns the canvas. */
static SDL_Surface *draw_on_canvas(SDL_Texture *(*make)(SDL_Renderer *, void *), void *ctx, int cw, int ch, int *tw,
                                   int *th)
{
    SDL_Surface *canvas = SDL_CreateRGBSurfaceWithFormat(0, cw, ch, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(canvas);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(canvas);
    assert_non_null(r);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    SDL_Texture *tex = make(r, ctx);
    assert_non_null(tex);
    Uint32 format;
    int access;
    SDL_QueryTexture(tex, &format, &access, tw, th);
    assert_true(SDL_ISPIXELFORMAT_ALPHA(format));
    SDL_Rect dst = {0, 0, *tw, *th};
    SDL_RenderCopy(r, tex, NULL, &dst);
    SDL_RenderPresent(r);
    SDL_DestroyTexture(tex);
    SDL_DestroyRenderer(r);
    return canvas;
}

static bool ink_at(SDL_Surface *s, int x, int y)
{
    Uint32 px = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
    Uint8 r, g, b;
    SDL_GetRGB(px, s->format, &r, &g, &b);
    return r < 160 && g < 160 && b < 160;
}

static int count_ink(SDL_Surface *s, int w, int h)
{
    int n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) n += ink_at(s, x, y);
    return n;
}

typedef struct LineCase {
    Fonts *fonts;
    bool bold;
} LineCase;

static SDL_Texture *make_weighted_line(SDL_Renderer *r, void *ctx)
{
    LineCase *lc = ctx;
    TextStyle st = {.size_px = 48, .bold = lc->bold, .color = {0, 0, 0, 255}};
    Err err;
    return text_render_line(r, lc->fonts, "党务公开栏", &st, 600, NULL, NULL, &err);
}

/* No bold file configured: bold is still visibly bolder than regular. */
static void test_bold_without_bold_file(void **state)
{
    (void)state;
    Config cfg = fx.cfg;
    cfg.font_bold[0] = '\0';
    Fonts *f;
    Err err;
    assert_int_equal(fonts_open(&cfg, &f, &err), 0);
    int ink[2], tw, th;
    for (int bold = 0; bold < 2; bold++) {
        LineCase lc = {f, bold};
        SDL_Surface *canvas = draw_on_canvas(make_weighted_line, &lc, 600, 100, &tw, &th);
        ink[bold] = count_ink(canvas, tw, th);
        SDL_FreeSurface(canvas);
    }
    fonts_close(f);
    assert_true(ink[0] > 0);
    assert_true(ink[1] * 10 > ink[0] * 12);
}

typedef struct RenderCase {
    const TextBlock *b;
    int first, count;
} RenderCase;

static SDL_Texture *make_block(SDL_Renderer *r, void *ctx)
{
    RenderCase *rc = ctx;
    Err err;
    return text_render(r, fx.fonts, rc->b, rc->first, rc->count, &err);
}

static void test_render_block(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40, .color = {20, 20, 20, 255}};
    TextBlock b;
    Err err;
    const int max_width = 700;
    assert_int_equal(text_layout(fx.fonts, fx.corpus, &st, max_width, 0, TEXT_INDENT_PARAGRAPHS, &b, &err), 0);
    RenderCase rc = {&b, 0, b.line_count};
    int tw, th;
    SDL_Surface *canvas = draw_on_canvas(make_block, &rc, max_width + 50, b.height + 10, &tw, &th);
    assert_int_equal(tw, b.width);
    assert_int_equal(th, b.height);
    assert_true(b.width <= max_width);
    /* Each line drew ink, and none beyond its measured width. */
    for (int i = 0; i < b.line_count; i++) {
        const TextLine *l = &b.lines[i];
        if (l->len == 0) continue;
        int inked = 0, rightmost = -1;
        for (int y = l->y; y < l->y + b.line_height; y++)
            for (int x = 0; x < max_width + 50; x++)
                if (ink_at(canvas, x, y)) {
                    inked++;
                    if (x > rightmost) rightmost = x;
                }
        assert_true(inked > l->len); /* a few dark pixels per byte at least */
        assert_true(rightmost < l->x + l->width);
        assert_true(rightmost >= l->x + l->width - st.size_px);
    }
    SDL_FreeSurface(canvas);

    /* A page: lines 3..7 only, in a texture of five lines. */
    rc = (RenderCase){&b, 3, 5};
    canvas = draw_on_canvas(make_block, &rc, max_width, 5 * b.line_height, &tw, &th);
    assert_int_equal(th, 5 * b.line_height);
    SDL_FreeSurface(canvas);
    text_block_free(&b);
}

static SDL_Texture *make_line(SDL_Renderer *r, void *ctx)
{
    int *size = ctx;
    TextStyle st = {.size_px = 48, .bold = true, .color = {0, 0, 0, 255}};
    Err err;
    return text_render_line(r, fx.fonts, "关于2026年第三季度村级财务收支情况的公示", &st, 400, &size[0], &size[1],
                            &err);
}

static void test_render_line_ellipsized(void **state)
{
    (void)state;
    int size[2] = {0, 0}, tw, th;
    SDL_Surface *canvas = draw_on_canvas(make_line, size, 500, 100, &tw, &th);
    assert_int_equal(tw, size[0]);
    assert_int_equal(th, size[1]);
    assert_true(tw <= 400 && tw > 300);
    /* The ellipsis is drawn at the end: ink in the last em. */
    int inked = 0;
    for (int y = 0; y < th; y++)
        for (int x = tw - 48; x < tw; x++) inked += ink_at(canvas, x, y);
    assert_true(inked > 0);
    SDL_FreeSurface(canvas);
}

/* Bodies as clerks paste them: CR LF, runs of blank and white-space-only
 * lines, indents of every kind, runs of spaces inside a line. */
static void test_tidy_paragraphs(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\r\n\r\n\r\n一段。\r\n\r\n二段。\r\n", "一段。\n二段。"},
        {"\r一段。\r\r二段。", "一段。\n二段。"},
        {"　　一段。\n \t　\n\u00a0\u3000二段。   \n\n\n", "一段。\n二段。"},
        {"姓名　　张三  \t 李四", "姓名　张三 李四"},
        {"a \u3000 b", "a b"},
        {"\u200b\ufeff\n\n  \n", ""},
        {"", ""},
        {"[图1]\n\n\n正文", "[图1]\n正文"},
        {"行尾空格 \u3000\r\n下一行", "行尾空格\n下一行"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = text_tidy_paragraphs(cases[i].in);
        assert_non_null(got);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

/* ---- justification and punctuation compression ---- */

#define JUSTIFY_CORPUS "tests/corpus/justify_zh.txt"

/* Simplified-face shapes (Noto Sans CJK SC): closing marks and pause and
 * stop marks have their ink in the left half, opening marks in the right. */
static const char *const SC_CLOSE[] = {"，", "。", "、", "）", "」", "』", "》", "】", "〕", "”", "’"};
static const char *const SC_OPEN[] = {"（", "「", "『", "《", "【", "〔", "“", "‘"};
static const char *const SC_OTHER_PUNCT[] = {"：", "；", "！", "？"};

static bool unit_in(const TextBlock *b, const TextUnit *u, const char *const *list, size_t n)
{
    ucs4_t cp;
    int len = u8_mbtouc(&cp, (const uint8_t *)b->text + u->start, (size_t)u->len);
    return len == u->len && in_list(cp, list, n);
}

#define IN(list) unit_in(b, u, list, sizeof list / sizeof list[0])

static bool is_close(const TextBlock *b, const TextUnit *u) { return IN(SC_CLOSE); }
static bool is_open(const TextBlock *b, const TextUnit *u) { return IN(SC_OPEN); }
static bool is_punct(const TextBlock *b, const TextUnit *u)
{
    return IN(SC_CLOSE) || IN(SC_OPEN) || IN(SC_OTHER_PUNCT);
}

typedef struct JustifyCount {
    int full_lines, justified, pairs, edges;
} JustifyCount;

static void check_justified(const TextBlock *b, int max_width, JustifyCount *c)
{
    int em = b->style.size_px;
    for (int i = 0; i < b->line_count; i++) {
        const TextLine *l = &b->lines[i];
        TextUnit us[512];
        int n = text_line_units(fx.fonts, b, i, us, 512);
        assert_true(n > 0 && n <= 512);
        assert_true(l->spaced);
        for (int k = 0; k + 1 < n; k++) assert_true(us[k].x + us[k].width <= us[k + 1].x);
        int right = us[n - 1].x + us[n - 1].width;
        assert_int_equal(right, l->x + l->width);
        bool last = i + 1 == b->line_count || b->lines[i + 1].paragraph_start;
        if (last) {
            assert_false(l->justified);
        } else {
            c->full_lines++;
            if (l->justified) {
                c->justified++;
                if (abs(right - max_width) > 1) fail_msg("width %d: justified line %d ends at %d", max_width, i, right);
            }
        }
        for (int k = 0; k + 1 < n; k++) {
            const TextUnit *a = &us[k], *z = &us[k + 1];
            if (!is_punct(b, a) || !is_punct(b, z) || !(is_close(b, a) || is_open(b, z))) continue;
            if (a->width + z->width > a->advance + z->advance - em / 2)
                fail_msg("width %d: line %d: adjacent marks at byte %d not compressed", max_width, i, a->start);
            c->pairs++;
        }
        if (!l->paragraph_start && is_open(b, &us[0])) {
            assert_true(us[0].width <= us[0].advance / 2 + 1);
            c->edges++;
        }
        if (is_close(b, &us[n - 1])) {
            assert_true(us[n - 1].width <= us[n - 1].advance / 2 + 1);
            c->edges++;
        }
    }
}

/* A corpus written for this test (Simplified and Traditional, quotes in
 * quotes, book titles after colons, numbers, a URL, —— and ……): at every
 * width no line-start or line-end rule is broken, no word is cut, every
 * full line of a paragraph is justified to the column within 1 px (all
 * but those a long word leaves too short), adjacent marks and marks at
 * the line edges are compressed to half width. */
static void test_justified_corpus(void **state)
{
    (void)state;
    char *corpus = read_file(JUSTIFY_CORPUS);
    assert_non_null(corpus);
    TextStyle body = {.size_px = 40, .color = {0, 0, 0, 255}};
    JustifyCount c = {0};
    for (int w = 520; w <= 1560; w += 37) {
        TextBlock b;
        Err err = {0};
        assert_int_equal(text_layout(fx.fonts, corpus, &body, w, 0, TEXT_INDENT_PARAGRAPHS | TEXT_JUSTIFY, &b, &err),
                         0);
        check_block(&b, corpus, &body, w, true);
        check_justified(&b, w, &c);
        text_block_free(&b);
    }
    print_message("justify: %d of %d full lines justified, %d adjacent pairs and %d line-edge marks compressed\n",
                  c.justified, c.full_lines, c.pairs, c.edges);
    assert_true(c.justified * 100 >= c.full_lines * 98);
    assert_true(c.pairs > 100);
    assert_true(c.edges > 20);
    free(corpus);
}

/* Compression by itself, on one line: ”。 and 。」 and ）、 take 1.5 em,
 * not 2; without TEXT_JUSTIFY nothing changes. */
static void test_compression_of_adjacent_marks(void **state)
{
    (void)state;
    TextStyle st = {.size_px = 40, .color = {0, 0, 0, 255}};
    const char *text = "他说：“好。”（一）、《章程》。";
    TextBlock plain, packed;
    Err err = {0};
    assert_int_equal(text_layout(fx.fonts, text, &st, 4000, 0, 0, &plain, &err), 0);
    assert_int_equal(text_layout(fx.fonts, text, &st, 4000, 0, TEXT_JUSTIFY, &packed, &err), 0);
    assert_int_equal(plain.line_count, 1);
    assert_int_equal(packed.line_count, 1);
    /* ：“ ”（ ）、 、《 》。 lose half an em each (。” too), the closing 。 at the end another half. */
    assert_true(packed.lines[0].compressed >= 6);
    assert_int_equal(plain.lines[0].width - packed.lines[0].width, packed.lines[0].compressed * 20);
    assert_false(packed.lines[0].justified);
    text_block_free(&plain);
    text_block_free(&packed);
}

/* The pixels: a justified block has ink up to (not past) the column's
 * right edge on every full line. */
static void test_render_justified(void **state)
{
    (void)state;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 900, 900, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    assert_non_null(r);
    char *corpus = read_file(JUSTIFY_CORPUS);
    char *first = strndup(corpus, (size_t)(strchr(corpus, '\n') - corpus));
    TextStyle st = {.size_px = 40, .color = {0, 0, 0, 255}, .line_spacing_pct = 150};
    TextBlock b;
    Err err = {0};
    int w = 700;
    assert_int_equal(text_layout(fx.fonts, first, &st, w, 0, TEXT_INDENT_PARAGRAPHS | TEXT_JUSTIFY, &b, &err), 0);
    SDL_Texture *t = text_render(r, fx.fonts, &b, 0, b.line_count, &err);
    assert_non_null(t);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    SDL_Rect dst = {0, 0, b.width, b.line_count * b.line_height};
    SDL_RenderCopy(r, t, NULL, &dst);
    SDL_RenderPresent(r);
    assert_true(b.width <= w);
    for (int i = 0; i < b.line_count; i++) {
        int rightmost = -1;
        for (int y = i * b.line_height; y < (i + 1) * b.line_height; y++)
            for (int x = 0; x < s->w; x++) {
                uint32_t px = ((uint32_t *)((uint8_t *)s->pixels + y * s->pitch))[x];
                if ((px & 0xFF) < 128 && x > rightmost) rightmost = x;
            }
        assert_true(rightmost < w);
        if (b.lines[i].justified) assert_true(rightmost >= w - st.size_px / 2);
    }
    SDL_DestroyTexture(t);
    text_block_free(&b);
    free(first);
    free(corpus);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
}

/* zh-Hant text is drawn with the TC face of the collection (faces 2 and 3
 * of NotoSansCJK-*.ttc are SC and TC), whose ，。 sit in the middle of
 * the em: they keep their width, while brackets still compress. */
static void test_traditional_face(void **state)
{
    (void)state;
    assert_string_equal(fonts_family(fx.fonts, TEXT_LANG_HANS), "Noto Sans CJK SC");
    assert_string_equal(fonts_family(fx.fonts, TEXT_LANG_HANT), "Noto Sans CJK TC");
    TextStyle sc = {.size_px = 40, .color = {0, 0, 0, 255}}, tc = sc;
    tc.lang = TEXT_LANG_HANT;
    const char *text = "好。」（一）。";
    for (int k = 0; k < 2; k++) {
        TextBlock b;
        Err err = {0};
        assert_int_equal(text_layout(fx.fonts, text, k ? &tc : &sc, 4000, 0, TEXT_JUSTIFY, &b, &err), 0);
        TextUnit us[16];
        int n = text_line_units(fx.fonts, &b, 0, us, 16);
        assert_int_equal(n, 7);
        /* 。 before 」: half in SC, whole in TC (centred), where 」 gives up nothing; */
        if (k) assert_int_equal(us[1].width, us[1].advance);
        else assert_int_equal(us[1].width, us[1].advance / 2);
        /* 」（ : the closing bracket's blank right half goes in both faces. */
        assert_int_equal(us[2].width, us[2].advance / 2);
        text_block_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_rules_at_many_widths),
        cmocka_unit_test(test_punctuation_pulls_previous_character_down),
        cmocka_unit_test(test_latin_words_and_numbers_stay_whole),
        cmocka_unit_test(test_lines_packed_by_exact_width),
        cmocka_unit_test(test_indent_on_every_paragraph),
        cmocka_unit_test(test_ellipsis),
        cmocka_unit_test(test_titles_never_end_in_one_lone_character),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_narrower_than_a_character),
        cmocka_unit_test(test_no_tofu_simplified_and_traditional),
        cmocka_unit_test(test_fallback_font_chain),
        cmocka_unit_test(test_fonts_open_errors),
        cmocka_unit_test(test_bold_without_bold_file),
        cmocka_unit_test(test_measure),
        cmocka_unit_test(test_render_block),
        cmocka_unit_test(test_render_line_ellipsized),
        cmocka_unit_test(test_tidy_paragraphs),
        cmocka_unit_test(test_justified_corpus),
        cmocka_unit_test(test_compression_of_adjacent_marks),
        cmocka_unit_test(test_render_justified),
        cmocka_unit_test(test_traditional_face),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
