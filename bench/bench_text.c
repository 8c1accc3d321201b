/* bench_text.c — how long Chinese layout and page rendering take.
 *
 * Lays out a 5,000-character article (the test corpus repeated) at the
 * 1080p body size in a landscape and a portrait reading column, renders
 * it page by page into textures with the software renderer, and prints
 * the times and the memory each cached page texture holds; then times
 * hostile input.  Runs in a few seconds; no display needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "bytes.h"
#include "monoclock.h"
#include "text.h"

#define CORPUS "tests/corpus/zh_paragraphs.txt"
#define ARTICLE_CHARS 5000
#define BODY_PX 44
#define RUNS 5

/* The corpus repeated until the article holds ARTICLE_CHARS code points. */
static char *make_article(const char *corpus)
{
    size_t clen = strlen(corpus);
    size_t cap = clen * (ARTICLE_CHARS / 100 + 2) + 1;
    char *out = malloc(cap);
    size_t o = 0, chars = 0;
    while (chars < ARTICLE_CHARS) {
        const uint8_t *s = (const uint8_t *)corpus;
        while (*s && chars < ARTICLE_CHARS) {
            int n = u8_mblen(s, strlen((const char *)s));
            if (n < 1) n = 1;
            memcpy(out + o, s, (size_t)n);
            o += (size_t)n;
            s += n;
            chars++;
        }
    }
    out[o] = '\0';
    return out;
}

static int bench_column(Fonts *fonts, SDL_Renderer *r, const char *article, const char *name, int column_w, int page_h)
{
    TextStyle body = {.size_px = BODY_PX, .color = {30, 30, 30, 255}};
    TextBlock b;
    Err err;
    double first = 0, total = 0;
    for (int i = 0; i < RUNS; i++) {
        double t0 = monoclock_ms();
        if (text_layout(fonts, article, &body, column_w, 0, TEXT_INDENT_PARAGRAPHS, &b, &err) != 0) {
            fprintf(stderr, "layout: %s\n", err.msg);
            return -1;
        }
        double ms = monoclock_ms() - t0;
        if (i == 0) first = ms;
        total += ms;
        if (i + 1 < RUNS) text_block_free(&b);
    }
    int lines_per_page = page_h / b.line_height;
    int pages = (b.line_count + lines_per_page - 1) / lines_per_page;
    printf("%s: %d chars, %d px body, column %d px: %d lines, %d pages of %d lines\n", name, ARTICLE_CHARS, BODY_PX,
           column_w, b.line_count, pages, lines_per_page);
    printf("  layout: first %.1f ms, mean of %d %.1f ms\n", first, RUNS, total / RUNS);

    double render_total = 0, render_first = 0;
    long bytes = 0;
    for (int p = 0; p < pages; p++) {
        double t0 = monoclock_ms();
        SDL_Texture *tex = text_render(r, fonts, &b, p * lines_per_page, lines_per_page, &err);
        double ms = monoclock_ms() - t0;
        if (!tex) {
            fprintf(stderr, "render: %s\n", err.msg);
            text_block_free(&b);
            return -1;
        }
        int w, h;
        SDL_QueryTexture(tex, NULL, NULL, &w, &h);
        if (p == 0) {
            render_first = ms;
            bytes = (long)w * h * 4;
        }
        render_total += ms;
        SDL_DestroyTexture(tex);
    }
    printf("  render: first page %.1f ms, mean per page %.1f ms\n", render_first, render_total / pages);
    printf("  memory: %.2f MB per cached page texture (%d x %d ARGB)\n", (double)bytes / (1024.0 * 1024.0), b.width,
           lines_per_page * b.line_height);
    text_block_free(&b);
    return 0;
}

/* Input nobody should send but somebody will: one word of 50,000 letters,
 * 50,000 commas (no break allowed anywhere), 50,000 Han characters in one
 * paragraph, laid out into a 1,600 px column. */
static void bench_hostile(Fonts *fonts)
{
    static const struct {
        const char *name, *unit;
    } cases[] = {{"one 50,000-letter word", "a"}, {"50,000 commas", "，"}, {"50,000 Han, one paragraph", "党"}};
    TextStyle body = {.size_px = BODY_PX};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t ulen = strlen(cases[c].unit);
        char *text = malloc(50000 * ulen + 1);
        for (int i = 0; i < 50000; i++) memcpy(text + (size_t)i * ulen, cases[c].unit, ulen);
        text[50000 * ulen] = '\0';
        TextBlock b;
        Err err;
        double t0 = monoclock_ms();
        int rc = text_layout(fonts, text, &body, 1600, 0, 0, &b, &err);
        double ms = monoclock_ms() - t0;
        printf("hostile: %s: %.1f ms, %d lines\n", cases[c].name, ms, rc == 0 ? b.line_count : -1);
        if (rc == 0) text_block_free(&b);
        free(text);
    }
}

static long rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "VmRSS:", 6) == 0) sscanf(line + 6, "%ld", &kb);
    fclose(fp);
    return kb;
}

/* The screens use a handful of sizes, the large-text toggle more: the
 * memory the fonts hold must not grow with each size used. */
static void bench_many_sizes(Fonts *fonts)
{
    long before = rss_kb();
    for (int size = 20; size < 100; size += 4) {
        for (int bold = 0; bold < 2; bold++) {
            TextStyle st = {.size_px = size, .bold = bold};
            text_measure(fonts, "党务公开栏为进一步加强基层党组织建设 WiFi 2026", &st);
        }
    }
    printf("fonts: 20 sizes x 2 weights used: resident memory %+ld kB\n", rss_kb() - before);
}

int main(void)
{
    Config cfg;
    config_defaults(&cfg);
    Fonts *fonts;
    Err err;
    double t0 = monoclock_ms();
    if (fonts_open(&cfg, &fonts, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("fonts_open: %.1f ms\n", monoclock_ms() - t0);
    char *corpus = NULL;
    size_t corpus_len;
    if (bytes_read_file(CORPUS, 1024 * 1024, &corpus, &corpus_len, &err)) {
        fprintf(stderr, "%s (run from the top folder)\n", err.msg);
        return 1;
    }
    char *article = make_article(corpus);
    SDL_Surface *screen = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = screen ? SDL_CreateSoftwareRenderer(screen) : NULL;
    int rc = 1;
    if (r && bench_column(fonts, r, article, "landscape 1920x1080", 1600, 760) == 0 &&
        bench_column(fonts, r, article, "portrait 1080x1920", 960, 1500) == 0)
        rc = 0;
    bench_hostile(fonts);
    bench_many_sizes(fonts);
    if (r) SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
    free(article);
    free(corpus);
    fonts_close(fonts);
    return rc;
}
