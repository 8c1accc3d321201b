/* text.c — Chinese line layout and block rendering (see text.h).
 *
 * Owns the path from a UTF-8 string to laid-out lines and from lines to a
 * texture.  Break opportunities come from libunibreak (UAX #14, language
 * "zh"); grapheme clusters and UTF-8 decoding from libunistring.  On top of
 * them this file applies, by hand, the basic line-start and line-end rules
 * of the W3C clreq (Requirements for Chinese Text Layout) — no Debian
 * library implements them — and fits lines greedily against the real font
 * metrics, so a line is never wider than the width it was given. */
#include "text.h"

#include <linebreak.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unictype.h>
#include <unistr.h>

#include "fonts.h"
#include "log.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 … */
#define ELLIPSIS_CP 0x2026u
#define DEFAULT_LINE_SPACING_PCT 150
/* Where the baseline sits inside the em box (Noto Sans CJK: ideographic
 * top 880, bottom -120 units per 1000); every font of a line shares it. */
#define BASELINE_EM_FRACTION 0.88

/* ---- clreq rules (hand-written: libunibreak implements UAX #14 only) ---- */

/* Punctuation that must not begin a line: pause and stop marks, closing
 * quotes and brackets, the ellipsis, interpuncts and percent signs
 * (clreq 3.1.7, GB/T 15834). */
static bool clreq_no_line_start(uint32_t cp)
{
    static const uint32_t list[] =
        {
            0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF0E, /* ，。、；：？！． */
            0xFF09, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x3017, 0x3019,
            0x301B, 0xFF3D, 0xFF5D, 0x201D, 0x2019, 0x301E, 0x301F, 0x00BB, 0x203A, /* ” ’ 〞 〟 » › */
            0x2026, 0x2025, 0x22EF, 0x00B7, 0x30FB, 0xFF65, 0x2027, /* … ‥ ⋯ · ・ */
            0xFF05, 0x0025, 0x2030, 0x2103, 0xFF5E, 0x301C, /* ％ % ‰ ℃ ～ 〜 */
            0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57, 0xFE5A, 0xFE5C,
            0xFE5E, 0xFF61, 0xFF63, 0xFF64, /* halfwidth 。」、 */
            ',',    '.',    ';',    ':',    '?',    '!',    ')',    ']',    '}',
        };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp) return true;
    return false;
}

/* Opening quotes and brackets must not end a line. */
static bool clreq_no_line_end(uint32_t cp)
{
    static const uint32_t list[] = {
        0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0xFF3B, 0xFF5B,
        0x201C, 0x2018, 0x301D, 0x00AB, 0x2039, 0xFE59, 0xFE5B, 0xFE5D, 0xFF62, '(',    '[',    '{',
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp) return true;
    return false;
}

/* The two-character dash —— and ellipsis …… are never split. */
static bool clreq_inseparable(uint32_t a, uint32_t b)
{
    return a == b && (a == 0x2014 || a == 0x2015 || a == 0x2026 || a == 0x22EF || a == 0x2E3A);
}

static bool is_break_space(uint32_t cp) { return cp == ' ' || cp == 0x3000; }

/* ---- input cleaning ---- */

/* A private copy in which every invalid sequence is U+FFFD, tabs are
 * spaces, CR, other control characters and byte-order marks are gone and
 * U+2028/2029 are '\n', so that everything after this works on clean
 * UTF-8. */
static char *sanitize(const char *utf8)
{
    size_t n = strlen(utf8);
    /* An invalid byte (1) becomes 3 bytes at most. */
    uint8_t *out = malloc(n * 3 + 1);
    if (!out) return NULL;
    const uint8_t *s = (const uint8_t *)utf8;
    size_t o = 0;
    while (n > 0) {
        ucs4_t cp;
        int len = u8_mbtouc(&cp, s, n);
        s += len;
        n -= (size_t)len;
        if (cp == '\t') cp = ' ';
        if (cp == 0x2028 || cp == 0x2029) cp = '\n';
        if (cp != '\n' && (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xFEFF)) continue;
        o += (size_t)u8_uctomb(out + o, cp, 4);
    }
    out[o] = '\0';
    return (char *)out;
}

/* Unicode white space as a reader sees it: what libunistring calls white
 * space (U+0020, U+3000, U+00A0, U+2000–U+200A, …) plus the invisible
 * zero-width space and byte-order mark that editors leave behind. */
static bool is_blank_cp(uint32_t cp)
{
    return cp == 0x200B || cp == 0xFEFF || (cp != '\n' && uc_is_property_white_space(cp));
}

/* Removes the last code point of out[0..*o): the single white space a
 * collapsed run leaves at a paragraph's end. */
static void drop_last_char(const char *out, size_t *o)
{
    while (*o > 0 && ((unsigned char)out[*o - 1] & 0xC0) == 0x80) (*o)--;
    if (*o > 0) (*o)--;
}

char *text_tidy_paragraphs(const char *utf8)
{
    size_t n = strlen(utf8);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const uint8_t *s = (const uint8_t *)utf8, *end = s + n;
    size_t o = 0, para_start = 0; /* para_start: where the current paragraph begins in out */
    bool in_blank = false; /* the last character copied is white space */
    while (s < end) {
        ucs4_t cp;
        int len = u8_mbtouc(&cp, s, (size_t)(end - s));
        if (cp == '\r' && s + 1 < end && s[1] == '\n') len = 2;
        if (cp == '\r' || cp == '\n') {
            if (in_blank) drop_last_char(out, &o);
            if (o > para_start) {
                out[o++] = '\n';
                para_start = o;
            }
            in_blank = false;
        } else if (is_blank_cp(cp)) {
            if (o > para_start && !in_blank) {
                memcpy(out + o, s, (size_t)len);
                o += (size_t)len;
                in_blank = true;
            }
        } else {
            memcpy(out + o, s, (size_t)len);
            o += (size_t)len;
            in_blank = false;
        }
        s += len;
    }
    if (in_blank) drop_last_char(out, &o);
    if (o > 0 && o == para_start) o--; /* the last paragraph needs no '\n' after it */
    out[o] = '\0';
    return out;
}

/* ---- runs: consecutive characters drawn by the same font ---- */

typedef void (*RunFn)(void *ctx, FontSlot slot, const char *s, int len, int x);

/* The chain's slot for cp, the main face being the SC or TC one. */
static FontSlot style_slot(Fonts *f, const TextStyle *st, uint32_t cp)
{
    FontSlot slot = fonts_pick(f, st->bold, cp);
    return slot == 0 ? fonts_main_slot(f, st->lang) : slot;
}

/* A space keeps the font of the character before it, so that a run of
 * Latin words is not cut into pieces at every space. */
static FontSlot char_slot(Fonts *f, const TextStyle *st, FontSlot prev, uint32_t cp)
{
    if (cp == ' ' && prev >= 0) return prev;
    return style_slot(f, st, cp);
}

/* Walks s[0..len) run by run, calls fn (if any) with each run and its x,
 * and returns the total width.  Measuring and drawing both go through
 * here, so the width the layout checks is the width that is drawn. */
static int for_each_run(Fonts *f, const TextStyle *st, const char *s, int len, RunFn fn, void *ctx)
{
    int x = 0, run_start = 0;
    FontSlot run_slot = -1;
    for (int i = 0; i < len;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, (const uint8_t *)s + i, (size_t)(len - i));
        FontSlot slot = char_slot(f, st, run_slot, cp);
        if (slot != run_slot && run_slot >= 0) {
            if (fn) fn(ctx, run_slot, s + run_start, i - run_start, x);
            x += fonts_run_width(f, run_slot, st->bold, st->size_px, s + run_start, i - run_start);
            run_start = i;
        }
        run_slot = slot;
        i += n;
    }
    if (run_slot >= 0 && len > run_start) {
        if (fn) fn(ctx, run_slot, s + run_start, len - run_start, x);
        x += fonts_run_width(f, run_slot, st->bold, st->size_px, s + run_start, len - run_start);
    }
    return x;
}

static int ellipsis_width(Fonts *f, const TextStyle *st)
{
    return for_each_run(f, st, ELLIPSIS, (int)strlen(ELLIPSIS), NULL, NULL);
}

/* ---- justification and punctuation compression (clreq 3.1.6, 3.8) ----
 *
 * Hand-written like the line rules: no Debian library justifies CJK text
 * or knows which half of a full-width mark is blank.  A line is cut into
 * units — one Han character or punctuation mark (with its combining
 * marks; —— and …… stay one unit), one space, or a whole run of Latin
 * letters and digits, which is never spread apart.  Adjacent full-width
 * marks give up one blank half (”。 → ”。 in 1.5 em), an opening mark at the
 * start of a line and a closing mark at its end give up their outer blank
 * half, and a full line of a paragraph (not its last) gets the room left
 * spread evenly over the gaps between its units, so that its right edge
 * is the column's.  Which half of a mark is blank is read from the glyph
 * itself, so the SC face (，。 at the bottom left) and the TC face (，。
 * centred, kept whole) each get what their shapes allow. */

enum { BLANK_LEFT = 1, BLANK_RIGHT = 2 };

typedef struct Unit {
    int start, len; /* bytes in the block text */
    int adv; /* natural width */
    int trim_l, trim_r; /* blank given up at either side */
    int x; /* where its box (after trimming) starts */
    bool punct; /* a full-width CJK punctuation mark */
    uint8_t blank; /* BLANK_LEFT / BLANK_RIGHT: a blank half it may give up */
} Unit;

typedef struct Units {
    Unit *u;
    int n, cap;
} Units;

static bool is_wide(uint32_t cp);

/* Han characters, CJK symbols and punctuation and full-width forms: one
 * advance each, whatever their neighbours (the dashes, the ellipsis and the
 * curly quotes are not among them: HarfBuzz joins —— and kerns quotes). */
static bool on_em_grid(uint32_t cp)
{
    return uc_is_property_ideographic(cp) || (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60);
}

/* ---- one paragraph, decoded ---- */

typedef struct CharInfo {
    uint32_t cp;
    int off; /* byte offset in the block text */
    int adv; /* advance in pixels (an estimate: no kerning) */
    bool break_after; /* a line may end after this character */
    bool cluster_start; /* a grapheme cluster begins here */
    bool exact; /* adv is exactly what SDL_ttf measures (see range_width) */
} CharInfo;

typedef struct Para {
    int n; /* code points */
    CharInfo *c;
    int cap;
    int end; /* byte offset just past the paragraph */
    char *scratch; /* per-byte results from the libraries */
    int scratch_cap;
} Para;

typedef struct Layout {
    Fonts *f;
    const TextStyle *st;
    const char *text; /* sanitized block text */
    int max_width, max_lines, flags;
    int indent_px, ellipsis_px;
    TextBlock *out;
    int line_cap;
    Para para;
    Units units; /* scratch for TEXT_JUSTIFY lines */
} Layout;

static void para_free(Para *p)
{
    free(p->c);
    free(p->scratch);
}

static int para_reserve(Para *p, int n_cp, int n_bytes)
{
    if (n_cp > p->cap) {
        int cap = n_cp > 64 ? n_cp : 64;
        CharInfo *c = realloc(p->c, (size_t)cap * sizeof *c);
        if (!c) return -1;
        p->c = c;
        p->cap = cap;
    }
    if (n_bytes + 1 > p->scratch_cap) {
        char *sc = realloc(p->scratch, (size_t)n_bytes + 1);
        if (!sc) return -1;
        p->scratch = sc;
        p->scratch_cap = n_bytes + 1;
    }
    return 0;
}

/* Byte offset of character i; i == n gives the paragraph end. */
static int offset_of(const Para *p, int i) { return i < p->n ? p->c[i].off : p->end; }

/* Decodes text[start..end) and finds where lines may break. */
static int para_load(Layout *L, int start, int end)
{
    Para *p = &L->para;
    const uint8_t *s = (const uint8_t *)L->text + start;
    int len = end - start;
    if (para_reserve(p, len, len) != 0) return -1;
    p->n = 0;
    p->end = end;
    FontSlot prev = -1;
    for (int i = 0; i < len;) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, s + i, (size_t)(len - i));
        FontSlot slot = char_slot(L->f, L->st, prev, cp);
        p->c[p->n++] = (CharInfo){
            .cp = cp,
            .off = start + i,
            .adv = fonts_advance(L->f, slot, L->st->bold, L->st->size_px, cp),
            .exact = !L->st->bold && (slot == 0 || slot == FONT_SLOT_HANT) && on_em_grid(cp),
        };
        prev = slot;
        i += n;
    }
    if (len == 0) return 0;

    u8_grapheme_breaks(s, (size_t)len, p->scratch);
    for (int i = 0; i < p->n; i++) p->c[i].cluster_start = p->scratch[p->c[i].off - start] != 0;

    set_linebreaks_utf8(s, (size_t)len, "zh", p->scratch);
    for (int i = 0; i + 1 < p->n; i++) {
        char lb = p->scratch[p->c[i + 1].off - 1 - start];
        bool allowed = lb == LINEBREAK_ALLOWBREAK || lb == LINEBREAK_MUSTBREAK;
        uint32_t a = p->c[i].cp, b = p->c[i + 1].cp;
        p->c[i].break_after = allowed && !clreq_no_line_end(a) && !clreq_no_line_start(b) && !clreq_inseparable(a, b) &&
                              p->c[i + 1].cluster_start;
    }
    p->c[p->n - 1].break_after = true;
    return 0;
}

/* The width SDL_ttf gives text[from..to).  Characters on the em grid of
 * the main face (Han, kana, full-width punctuation: no kerning, no
 * shaping between them in Noto Sans CJK, and the regular weight adds no
 * emboldening) are summed from the cached advances; only the runs between
 * them (Latin words, numbers, fallback fonts) go through HarfBuzz, which
 * made measuring most of the layout's time.  test_text checks every line
 * against an independent SDL_ttf measurement. */
static int range_width(Layout *L, int from, int to)
{
    const Para *p = &L->para;
    int w = 0;
    for (int i = from; i < to;) {
        if (p->c[i].exact) {
            w += p->c[i].adv;
            i++;
            continue;
        }
        int j = i + 1;
        while (j < to && !p->c[j].exact) j++;
        int start = offset_of(p, i);
        w += for_each_run(L->f, L->st, L->text + start, offset_of(p, j) - start, NULL, NULL);
        i = j;
    }
    return w;
}

/* The next cluster start after i (or n). */
static int next_cluster(const Para *p, int i)
{
    for (i++; i < p->n && !p->c[i].cluster_start; i++) {
    }
    return i;
}

/* The last cluster start before i that is not before from (from itself
 * when there is none). */
static int cluster_before(const Para *p, int from, int i)
{
    for (i--; i > from && !p->c[i].cluster_start; i--) {
    }
    return i > from ? i : from;
}

/* A word wider than the whole line is cut between characters, never
 * inside a cluster, and not right before punctuation that may not start a
 * line when an earlier cut is possible. */
static int emergency_end(const Para *p, int from, int overflow_at)
{
    int cut = p->c[overflow_at].cluster_start ? overflow_at : cluster_before(p, from, overflow_at);
    if (cut <= from) return next_cluster(p, from);
    int e = cut;
    while (e > from && clreq_no_line_start(p->c[e].cp)) e = cluster_before(p, from, e);
    return e > from ? e : cut;
}

/* Greedy fit by the advance estimate: returns the index just past the last
 * character of the line that starts at from.  Spaces never overflow a
 * line; they are trimmed from its end. */
static int fit_estimate(const Layout *L, int from, int avail)
{
    const Para *p = &L->para;
    int w = 0, last_break = -1;
    for (int i = from; i < p->n; i++) {
        if (!is_break_space(p->c[i].cp) && i > from && w + p->c[i].adv > avail) {
            if (last_break >= from) return last_break + 1;
            return emergency_end(p, from, i);
        }
        w += p->c[i].adv;
        if (p->c[i].break_after) last_break = i;
    }
    return p->n;
}

static int trim_trailing_spaces(const Para *p, int from, int end)
{
    while (end > from + 1 && is_break_space(p->c[end - 1].cp)) end--;
    return end;
}

/* One step shorter: back to the previous break opportunity, or by one
 * cluster when the line holds a single unbreakable word. */
static int shorten(const Para *p, int from, int end)
{
    for (int b = end - 2; b >= from; b--)
        if (p->c[b].break_after) return b + 1;
    int c = cluster_before(p, from, end);
    return c > from ? c : next_cluster(p, from);
}

/* The end of the next break opportunity after end, or -1 when the line
 * up to it would be wider than limit by the advance estimate (the scan
 * stops there, so a paragraph without breaks is never walked to its end). */
static int next_break_within(const Para *p, int from, int end, int limit)
{
    int w = 0;
    for (int i = from; i < p->n; i++) {
        w += p->c[i].adv;
        if (w > limit) return -1;
        if (i >= end && p->c[i].break_after) return i + 1;
    }
    return p->n;
}

/* The end of the line starting at from, settled on the exact width: the
 * estimate ignores kerning and emboldening, so the line is shortened while
 * too wide, or else lengthened while the next word still fits. */
static int fit_line(Layout *L, int from, int avail, int *width)
{
    const Para *p = &L->para;
    int end = fit_estimate(L, from, avail);
    bool shortened = false;
    for (;;) {
        int visible = trim_trailing_spaces(p, from, end);
        *width = range_width(L, from, visible);
        if (*width <= avail || next_cluster(p, from) >= visible) break;
        end = shorten(p, from, end);
        shortened = true;
    }
    /* The estimate is off by kerning and emboldening, a few per cent;
     * what the estimate puts far beyond the line is not measured. */
    int limit = avail + avail / 4 + L->st->size_px;
    while (!shortened && end < p->n) {
        int longer = next_break_within(p, from, end, limit);
        if (longer < 0) break;
        int w = range_width(L, from, trim_trailing_spaces(p, from, longer));
        if (w > avail) break;
        end = longer;
        *width = w;
    }
    return end;
}

/* The last allowed line: as many clusters as fit before an added "…";
 * opening punctuation and spaces are not left dangling before it. */
static int fit_ellipsized(Layout *L, int from, int avail, int *width)
{
    const Para *p = &L->para;
    int room = avail - L->ellipsis_px;
    int w = 0, end = from;
    while (end < p->n) {
        int next = next_cluster(p, end);
        int add = 0;
        for (int i = end; i < next; i++) add += p->c[i].adv;
        if (w + add > room) break;
        w += add;
        end = next;
    }
    for (;;) {
        while (end > from && (is_break_space(p->c[end - 1].cp) || clreq_no_line_end(p->c[end - 1].cp)))
            end = cluster_before(p, from, end);
        *width = end > from ? range_width(L, from, end) : 0;
        if (*width <= room || end == from) break;
        end = cluster_before(p, from, end);
    }
    *width += L->ellipsis_px;
    return end;
}

static int add_line(Layout *L, int from, int to, int x, int width, bool para_start, bool ellipsized)
{
    TextBlock *b = L->out;
    if (b->line_count == L->line_cap) {
        int cap = L->line_cap ? L->line_cap * 2 : 16;
        TextLine *lines = realloc(b->lines, (size_t)cap * sizeof *lines);
        if (!lines) return -1;
        b->lines = lines;
        L->line_cap = cap;
    }
    const Para *p = &L->para;
    int start = offset_of(p, from);
    int end = offset_of(p, to);
    b->lines[b->line_count] = (TextLine){
        .start = start,
        .len = end - start,
        .x = x,
        .y = b->line_count * b->line_height,
        .width = width,
        .paragraph_start = para_start,
        .ellipsized = ellipsized,
    };
    b->line_count++;
    if (x + width > b->width) b->width = x + width;
    return 0;
}

/* Characters set on the em grid: Han, kana, Hangul, CJK symbols and
 * punctuation, full-width forms, and the quotes and dashes a Chinese font
 * sets full width. */
static bool is_wide(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x20000 && cp <= 0x3FFFF) || (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2014 || cp == 0x2015 ||
           cp == 0x2026 || cp == 0x00B7 || cp == 0xFFFD;
}

static bool is_mark(uint32_t cp) { return cp == 0x200D || uc_is_general_category(cp, UC_CATEGORY_M); }

static bool is_cjk_punct(uint32_t cp) { return is_wide(cp) && (clreq_no_line_start(cp) || clreq_no_line_end(cp)); }

/* Which blank half a full-width mark may give up, from its glyph: ink in
 * the left half only leaves the right half blank, and the other way. */
static uint8_t punct_blank(Fonts *f, const TextStyle *st, uint32_t cp, int adv)
{
    if (adv < st->size_px * 9 / 10) return 0;
    TTF_Font *face = fonts_face(f, style_slot(f, st, cp), st->bold, st->size_px);
    int minx, maxx, miny, maxy, a;
    if (!face || TTF_GlyphMetrics32(face, cp, &minx, &maxx, &miny, &maxy, &a) != 0) return 0;
    int half = adv / 2, slack = adv / 16;
    if (maxx <= half + slack) return BLANK_RIGHT;
    if (minx >= half - slack) return BLANK_LEFT;
    return 0;
}

static int units_push(Units *us, Unit u)
{
    if (us->n == us->cap) {
        int cap = us->cap ? us->cap * 2 : 64;
        Unit *n = realloc(us->u, (size_t)cap * sizeof *n);
        if (!n) return -1;
        us->u = n;
        us->cap = cap;
    }
    us->u[us->n++] = u;
    return 0;
}

static uint32_t cp_at(const char *text, int i, int end, int *len)
{
    ucs4_t cp;
    *len = u8_mbtouc(&cp, (const uint8_t *)text + i, (size_t)(end - i));
    return cp;
}

/* Cuts text[start..start+len) into units with their natural widths. */
static int units_of(Fonts *f, const TextStyle *st, const char *text, int start, int len, Units *us)
{
    us->n = 0;
    int end = start + len;
    for (int i = start; i < end;) {
        int n, m;
        uint32_t cp = cp_at(text, i, end, &n);
        int j = i + n;
        if (is_break_space(cp) || is_wide(cp)) {
            for (; j < end; j += m) {
                uint32_t next = cp_at(text, j, end, &m);
                if (!is_mark(next) && !clreq_inseparable(cp, next)) break;
            }
        } else {
            for (; j < end; j += m) {
                uint32_t next = cp_at(text, j, end, &m);
                if (is_break_space(next) || is_wide(next)) break;
            }
        }
        Unit u = {.start = i, .len = j - i};
        if (j == i + n) {
            u.adv = fonts_advance(f, style_slot(f, st, cp), st->bold, st->size_px, cp);
            u.punct = is_cjk_punct(cp);
            if (u.punct) u.blank = punct_blank(f, st, cp, u.adv);
        } else {
            u.adv = for_each_run(f, st, text + i, j - i, NULL, NULL);
        }
        if (units_push(us, u) != 0) return -1;
        i = j;
    }
    return 0;
}

/* The blank halves a line gives up; returns its width after them. */
static int compress_units(Units *us, bool paragraph_start, int *compressed)
{
    Unit *u = us->u;
    int n = us->n, count = 0;
    for (int k = 0; k + 1 < n; k++) {
        if (!u[k].punct || !u[k + 1].punct) continue;
        if ((u[k].blank & BLANK_RIGHT) && !u[k].trim_r) u[k].trim_r = u[k].adv / 2, count++;
        else if ((u[k + 1].blank & BLANK_LEFT) && !u[k + 1].trim_l) u[k + 1].trim_l = u[k + 1].adv / 2, count++;
    }
    /* A paragraph's first line keeps its opening mark whole after the indent. */
    if (n > 0 && !paragraph_start && (u[0].blank & BLANK_LEFT) && !u[0].trim_l) u[0].trim_l = u[0].adv / 2, count++;
    if (n > 0 && (u[n - 1].blank & BLANK_RIGHT) && !u[n - 1].trim_r) u[n - 1].trim_r = u[n - 1].adv / 2, count++;
    int w = 0;
    for (int k = 0; k < n; k++) w += u[k].adv - u[k].trim_l - u[k].trim_r;
    if (compressed) *compressed = count;
    return w;
}

/* Units of a laid-out line with their x: the line's extra room (when it
 * is justified) goes evenly into the gaps, the remainder pixel by pixel. */
static int place_units(Fonts *f, const TextStyle *st, const char *text, const TextLine *ln, Units *us)
{
    if (units_of(f, st, text, ln->start, ln->len, us) != 0) return -1;
    int natural = compress_units(us, ln->paragraph_start, NULL);
    int extra = ln->justified ? ln->width - natural : 0, gaps = us->n - 1, x = ln->x;
    for (int k = 0; k < us->n; k++) {
        Unit *u = &us->u[k];
        u->x = x;
        x += u->adv - u->trim_l - u->trim_r;
        if (k < gaps) x += (int)((long)extra * (k + 1) / gaps - (long)extra * k / gaps);
    }
    return 0;
}

/* Sets a TEXT_JUSTIFY line's width: compressed, and justified when it is a
 * full line of its paragraph and the gaps stay under an em each (a line cut
 * short by a long word is left ragged rather than torn apart). */
static int settle_spaced_line(Layout *L, TextLine *ln, bool last_of_paragraph)
{
    if (units_of(L->f, L->st, L->text, ln->start, ln->len, &L->units) != 0) return -1;
    int compressed = 0;
    int natural = compress_units(&L->units, ln->paragraph_start, &compressed);
    int avail = L->max_width - ln->x, gaps = L->units.n - 1;
    ln->spaced = true;
    ln->compressed = (short)compressed;
    ln->width = natural;
    if (!last_of_paragraph && !ln->ellipsized && gaps > 0 && avail - natural <= gaps * L->st->size_px) {
        ln->justified = true;
        ln->width = avail;
    }
    if (ln->x + ln->width > L->out->width) L->out->width = ln->x + ln->width;
    return 0;
}

static bool lines_full(const Layout *L) { return L->max_lines > 0 && L->out->line_count >= L->max_lines; }

/* The next line is the last one max_lines allows. */
static bool last_line_allowed(const Layout *L) { return L->max_lines > 0 && L->out->line_count + 1 == L->max_lines; }

/* Lays out text[start..stop), one paragraph; more_after tells whether
 * text follows it (the last allowed line then ends with … when asked). */
static int layout_paragraph(Layout *L, int start, int stop, bool more_after)
{
    if (para_load(L, start, stop) != 0) return -1;
    const Para *p = &L->para;
    bool indent = (L->flags & TEXT_INDENT_PARAGRAPHS) != 0;
    int from = 0;
    /* Typed indents ("　　" or spaces) would double the automatic one. */
    if (indent)
        while (from < p->n && is_break_space(p->c[from].cp)) from++;
    bool ellipsize = (L->flags & TEXT_ELLIPSIZE) != 0;
    if (from == p->n) {
        bool cut = ellipsize && more_after && last_line_allowed(L);
        return add_line(L, from, from, 0, cut ? L->ellipsis_px : 0, true, cut);
    }

    bool first = true;
    while (from < p->n && !lines_full(L)) {
        int x = first && indent ? L->indent_px : 0;
        int avail = L->max_width - x;
        if (avail < 1) avail = 1;
        int width;
        int end = fit_line(L, from, avail, &width);
        int next = end;
        while (next < p->n && is_break_space(p->c[next].cp)) next++;
        if (ellipsize && last_line_allowed(L) && (next < p->n || more_after)) {
            int e = fit_ellipsized(L, from, avail, &width);
            return add_line(L, from, e, x, width, first, true);
        }
        if (add_line(L, from, trim_trailing_spaces(p, from, end), x, width, first, false) != 0) return -1;
        if ((L->flags & TEXT_JUSTIFY) &&
            settle_spaced_line(L, &L->out->lines[L->out->line_count - 1], next >= p->n) != 0)
            return -1;
        from = next;
        first = false;
    }
    return 0;
}

int text_block_mark(TextBlock *b, const TextMark *marks, int count, SDL_Color color)
{
    free(b->marks);
    b->marks = NULL;
    b->mark_count = 0;
    if (count <= 0) return 0;
    b->marks = malloc((size_t)count * sizeof *marks);
    if (!b->marks) return -1;
    memcpy(b->marks, marks, (size_t)count * sizeof *marks);
    b->mark_count = count;
    b->mark_color = color;
    return 0;
}

static bool marked(const TextBlock *b, int offset)
{
    for (int i = 0; i < b->mark_count; i++)
        if (offset >= b->marks[i].start && offset < b->marks[i].end) return true;
    return false;
}

/* Flush-right or centred lines: the room left goes before the line. */
static void align_lines(TextBlock *b, int flags)
{
    if (!(flags & (TEXT_ALIGN_RIGHT | TEXT_ALIGN_CENTER))) return;
    for (int i = 0; i < b->line_count; i++) {
        TextLine *l = &b->lines[i];
        int room = b->max_width - l->x - l->width;
        if (room <= 0) continue;
        l->x += flags & TEXT_ALIGN_RIGHT ? room : room / 2;
        if (l->x + l->width > b->width) b->width = l->x + l->width;
    }
}

void text_block_free(TextBlock *b)
{
    if (!b) return;
    free(b->text);
    free(b->lines);
    free(b->marks);
    memset(b, 0, sizeof *b);
}

static int line_height_of(const TextStyle *st)
{
    int pct = st->line_spacing_pct > 0 ? st->line_spacing_pct : DEFAULT_LINE_SPACING_PCT;
    int h = st->size_px * pct / 100;
    return h > 0 ? h : 1;
}

static int check_style(const TextStyle *st, Err *err)
{
    if (!st) return err_set(err, "text: no style given");
    if (st->size_px < 1 || st->size_px > 2000)
        return err_set(err, "text: font size %d px is out of range", st->size_px);
    return 0;
}

static int layout_at_width(Fonts *f, const char *utf8, const TextStyle *style, int max_width, int max_lines, int flags,
                           TextBlock *out, Err *err)
{
    memset(out, 0, sizeof *out);
    if (!f || !utf8) return err_set(err, "text: layout needs fonts and a text");
    if (check_style(style, err) != 0) return -1;
    if (max_width < 1) return err_set(err, "text: line width %d px is too small", max_width);

    static pthread_once_t linebreak_ready = PTHREAD_ONCE_INIT;
    pthread_once(&linebreak_ready, init_linebreak);
    out->text = sanitize(utf8);
    if (!out->text) return err_set(err, "text: out of memory");
    out->style = *style;
    out->max_width = max_width;
    out->line_height = line_height_of(style);

    Layout L = {
        .f = f,
        .st = style,
        .text = out->text,
        .max_width = max_width,
        .max_lines = max_lines > 0 ? max_lines : 0,
        .flags = flags,
        .out = out,
    };
    L.indent_px = 2 * fonts_advance(f, style_slot(f, style, 0x3000), style->bold, style->size_px, 0x3000);
    L.ellipsis_px = ellipsis_width(f, style);

    int total = (int)strlen(out->text);
    int rc = 0;
    for (int start = 0; start <= total && !lines_full(&L);) {
        const char *nl = memchr(out->text + start, '\n', (size_t)(total - start));
        int end = nl ? (int)(nl - out->text) : total;
        /* A final '\n' ends the last paragraph; it does not open another. */
        bool more = nl != NULL && end + 1 < total;
        rc = layout_paragraph(&L, start, end, more);
        if (rc != 0 || !more) break;
        start = end + 1;
    }
    para_free(&L.para);
    free(L.units.u);
    if (rc != 0) {
        text_block_free(out);
        return err_set(err, "text: out of memory");
    }
    out->height = out->line_count * out->line_height;
    align_lines(out, flags);
    return 0;
}

static bool block_ellipsized(const TextBlock *b) { return b->line_count > 0 && b->lines[b->line_count - 1].ellipsized; }

static int last_line_chars(const TextBlock *b)
{
    const TextLine *l = &b->lines[b->line_count - 1];
    int n = 0;
    for (int i = 0; i < l->len; i++)
        if (((unsigned char)b->text[l->start + i] & 0xC0) != 0x80) n++;
    return n;
}

/* Runt avoidance (no library offers it for our own layout): a wrapped
 * title whose last line is one lone character (管理情 / 况) is laid out
 * again one em narrower at a time, keeping the number of lines, until
 * the last line holds at least two.  Narrowing only as far as needed keeps
 * the natural breaks (联系和服务党员、/ 群众情况) wherever they are fine. */
static int layout_without_runt(Fonts *f, const char *utf8, const TextStyle *style, int max_width, int max_lines,
                               int flags, TextBlock *out, Err *err)
{
    if (layout_at_width(f, utf8, style, max_width, max_lines, flags, out, err) != 0) return -1;
    int lines = out->line_count;
    if (lines < 2 || block_ellipsized(out) || last_line_chars(out) > 1) return 0;
    for (int w = max_width - style->size_px; w >= max_width / 2; w -= style->size_px) {
        TextBlock trial;
        if (layout_at_width(f, utf8, style, w, max_lines, flags, &trial, err) != 0) return -1;
        if (trial.line_count != lines || block_ellipsized(&trial)) {
            text_block_free(&trial);
            return 0;
        }
        if (last_line_chars(&trial) > 1) {
            text_block_free(out);
            *out = trial;
            out->max_width = max_width;
            return 0;
        }
        text_block_free(&trial);
    }
    return 0;
}

int text_layout(Fonts *f, const char *utf8, const TextStyle *style, int max_width, int max_lines, int flags,
                TextBlock *out, Err *err)
{
    if (flags & TEXT_NO_RUNT) return layout_without_runt(f, utf8, style, max_width, max_lines, flags, out, err);
    return layout_at_width(f, utf8, style, max_width, max_lines, flags, out, err);
}

int text_measure(Fonts *f, const char *utf8, const TextStyle *style)
{
    if (!f || !utf8 || check_style(style, NULL) != 0) return 0;
    char *clean = sanitize(utf8);
    if (!clean) return 0;
    int widest = 0;
    for (char *p = clean;;) {
        char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        int w = for_each_run(f, style, p, len, NULL, NULL);
        if (w > widest) widest = w;
        if (!nl) break;
        p = nl + 1;
    }
    free(clean);
    return widest;
}

int text_line_units(Fonts *f, const TextBlock *b, int line, TextUnit *out, int max)
{
    if (!f || !b || line < 0 || line >= b->line_count) return 0;
    const TextLine *ln = &b->lines[line];
    Units us = {0};
    TextLine plain = *ln;
    if (!ln->spaced) plain.justified = false;
    if (place_units(f, &b->style, b->text, &plain, &us) != 0) {
        free(us.u);
        return -1;
    }
    if (!ln->spaced) /* drawn as runs: no compression */
        for (int k = 0, x = ln->x; k < us.n; k++) {
            us.u[k].x = x;
            us.u[k].trim_l = us.u[k].trim_r = 0;
            x += us.u[k].adv;
        }
    for (int k = 0; k < us.n && k < max; k++) {
        const Unit *u = &us.u[k];
        out[k] = (TextUnit){u->start, u->len, u->x, u->adv - u->trim_l - u->trim_r, u->adv};
    }
    int n = us.n;
    free(us.u);
    return n;
}

/* ---- rendering ---- */

typedef struct Painter {
    Fonts *f;
    const TextStyle *st;
    SDL_Surface *dst;
    int x0, baseline;
    int failures;
    SDL_Color color; /* of the run being drawn */
    Units units; /* scratch for spaced lines */
} Painter;

static void paint_run(void *ctx, FontSlot slot, const char *s, int len, int x)
{
    Painter *pt = ctx;
    SDL_Surface *run = fonts_run_render(pt->f, slot, pt->st->bold, pt->st->size_px, s, len, pt->color);
    if (!run) {
        pt->failures++;
        return;
    }
    TTF_Font *face = fonts_face(pt->f, slot, pt->st->bold, pt->st->size_px);
    SDL_Rect at = {pt->x0 + x, pt->baseline - (face ? TTF_FontAscent(face) : 0), run->w, run->h};
    SDL_SetSurfaceBlendMode(run, SDL_BLENDMODE_BLEND);
    SDL_BlitSurface(run, NULL, pt->dst, &at);
    SDL_FreeSurface(run);
}

static void paint_line(Painter *pt, const TextBlock *b, const TextLine *line, int top)
{
    pt->x0 = line->x;
    pt->baseline = top + (b->line_height - b->style.size_px) / 2 + (int)(b->style.size_px * BASELINE_EM_FRACTION + 0.5);
    if (line->spaced) {
        if (place_units(pt->f, pt->st, b->text, line, &pt->units) != 0) {
            pt->failures++;
            return;
        }
        for (int k = 0; k < pt->units.n; k++) {
            const Unit *u = &pt->units.u[k];
            pt->x0 = u->x - u->trim_l;
            pt->color = b->mark_count && marked(b, u->start) ? b->mark_color : b->style.color;
            for_each_run(pt->f, pt->st, b->text + u->start, u->len, paint_run, pt);
        }
        pt->color = b->style.color;
        return;
    }
    int w = for_each_run(pt->f, pt->st, b->text + line->start, line->len, paint_run, pt);
    if (line->ellipsized) {
        pt->x0 += w;
        for_each_run(pt->f, pt->st, ELLIPSIS, (int)strlen(ELLIPSIS), paint_run, pt);
    }
}

/* SDL's software renderer keeps a texture as a surface in memory: text is
 * painted straight into it (locked), with no canvas of the block's size
 * beside it (a page of the reader is 4-5 MB) and no copy.  A GPU
 * renderer's streaming texture would keep a second copy in memory for
 * ever, so there the block is composed on the shared canvas and uploaded. */
static bool is_software(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    return SDL_GetRendererInfo(r, &info) == 0 && info.name && strcmp(info.name, "software") == 0;
}

/* The locked pixels of a streaming texture as a surface to paint on (freed
 * with SDL_FreeSurface before the texture is unlocked); NULL on failure,
 * the texture left unlocked. */
static SDL_Surface *locked_surface(SDL_Texture *tex, int w, int h)
{
    void *pixels;
    int pitch;
    if (SDL_LockTexture(tex, NULL, &pixels, &pitch) != 0) return NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(pixels, w, h, 32, pitch, SDL_PIXELFORMAT_ARGB8888);
    if (!s) SDL_UnlockTexture(tex);
    return s;
}

SDL_Texture *text_render(SDL_Renderer *r, Fonts *f, const TextBlock *b, int first, int count, Err *err)
{
    if (!r || !f || !b) {
        err_set(err, "text: render needs a renderer, fonts and a block");
        return NULL;
    }
    if (first < 0) first = 0;
    if (first + count > b->line_count) count = b->line_count - first;
    if (count < 1) {
        err_set(err, "text: no lines to render (first %d of %d)", first, b->line_count);
        return NULL;
    }
    int w = b->width > 0 ? b->width : 1;
    int h = count * b->line_height;
    bool direct = is_software(r);
    SDL_Texture *tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888,
                                         direct ? SDL_TEXTUREACCESS_STREAMING : SDL_TEXTUREACCESS_STATIC, w, h);
    SDL_Surface *canvas = tex ? direct ? locked_surface(tex, w, h) : fonts_canvas(f, w, h) : NULL;
    if (!canvas) {
        err_set(err, "text: cannot make a %dx%d texture: %s", w, h, SDL_GetError());
        if (tex) SDL_DestroyTexture(tex);
        return NULL;
    }
    /* Transparent pixels already carry the text colour, so that blending
     * the glyphs in leaves no dark fringe around them. */
    SDL_Rect area = {0, 0, w, h};
    SDL_SetClipRect(canvas, &area);
    SDL_Color c = b->style.color;
    SDL_FillRect(canvas, &area, SDL_MapRGBA(canvas->format, c.r, c.g, c.b, 0));
    Painter pt = {.f = f, .st = &b->style, .dst = canvas, .color = b->style.color};
    int top0 = b->lines[first].y;
    for (int i = first; i < first + count; i++) paint_line(&pt, b, &b->lines[i], b->lines[i].y - top0);
    free(pt.units.u);
    if (pt.failures) log_warn("text: %d runs could not be drawn: %s", pt.failures, TTF_GetError());
    if (direct) {
        SDL_FreeSurface(canvas);
        SDL_UnlockTexture(tex);
    } else if (SDL_UpdateTexture(tex, NULL, canvas->pixels, canvas->pitch) != 0) {
        err_set(err, "text: cannot fill a %dx%d texture: %s", w, h, SDL_GetError());
        SDL_DestroyTexture(tex);
        return NULL;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    return tex;
}

SDL_Texture *text_render_line(SDL_Renderer *r, Fonts *f, const char *utf8, const TextStyle *style, int max_width,
                              int *w, int *h, Err *err)
{
    TextBlock b;
    if (text_layout(f, utf8, style, max_width, 1, TEXT_ELLIPSIZE, &b, err) != 0) return NULL;
    SDL_Texture *tex = text_render(r, f, &b, 0, b.line_count, err);
    if (tex) {
        if (w) *w = b.width > 0 ? b.width : 1;
        if (h) *h = b.line_height;
    }
    text_block_free(&b);
    return tex;
}
