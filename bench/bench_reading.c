/* bench_reading.c — how long the reader takes to lay out a long structured
 * item: a 10,000-character Markdown body with headings, lists and two
 * tables, parsed by md4c (kiosk/text/body.c), every paragraph laid out
 * justified and every table laid out to the column (reader_table.c), as
 * the reader does when an item opens or 大字阅读 is toggled.  Prints
 * p50/p99/max over the runs and the machine's load; no display needed. */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "benchutil.h"
#include "body.h"
#include "bytes.h"
#include "monoclock.h"
#include "reader_table.h"

#define CORPUS "tests/corpus/justify_zh.txt"
#define TARGET_CHARS 10000
#define RUNS 40
#define COLUMN_W 1560
#define BODY_PX 42
#define TABLE_PX 36

static void add(char **s, size_t *len, size_t *cap, const char *t)
{
    size_t n = strlen(t);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *s = realloc(*s, *cap);
        if (!*s) exit(1);
    }
    memcpy(*s + *len, t, n + 1);
    *len += n;
}

static size_t chars_of(const char *s) { return u8_mbsnlen((const uint8_t *)s, strlen(s)); }

static void add_table(char **s, size_t *len, size_t *cap, int number, int rows)
{
    char line[512];
    snprintf(line, sizeof line,
             "表：第%d张表 各党支部党费收缴情况\n\n| 党支部 | 应交人数 | 实交人数 | 金额（元） | 备注 |\n"
             "|:---|---:|---:|---:|:---:|\n",
             number);
    add(s, len, cap, line);
    for (int k = 0; k < rows; k++) {
        snprintf(line, sizeof line, "| 第%d党支部（含流动党员%d名） | %d | %d | %d.50 | %s |\n", k + 1, k % 4,
                 20 + k % 9, 20 + k % 9 - (k % 3 == 0), 1200 + k * 37,
                 k % 3 ? "按时足额" : "1人因外出务工延期，已于季度内补交");
        add(s, len, cap, line);
    }
    add(s, len, cap, "\n");
}

/* Headings, paragraphs from the corpus, a list, and two tables, until the
 * text holds TARGET_CHARS characters. */
static char *make_item(const char *corpus)
{
    char *s = NULL;
    size_t len = 0, cap = 0;
    add(&s, &len, &cap, "# 一、基本情况\n\n");
    add_table(&s, &len, &cap, 1, 30);
    int part = 0;
    while (chars_of(s) < TARGET_CHARS) {
        for (const char *p = corpus; *p && chars_of(s) < TARGET_CHARS;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            if (n) {
                char *para = strndup(p, n);
                add(&s, &len, &cap, para);
                add(&s, &len, &cap, "\n\n");
                free(para);
            }
            p += n + (nl ? 1 : 0);
        }
        char head[64];
        snprintf(head, sizeof head, "## （%d）续\n\n1. 第一项；\n2. 第二项。\n\n", ++part);
        add(&s, &len, &cap, head);
        if (part == 2) add_table(&s, &len, &cap, 2, 24);
    }
    return s;
}

static double last_cpu;

static double layout_once(Ui *ui, Fonts *fonts, const char *md, int *blocks, int *tables, int *lines)
{
    double t0 = monoclock_ms(), c0 = bench_thread_cpu_ms();
    Body doc;
    Err err;
    if (body_parse(md, true, 0, &doc, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    TextStyle body = {.size_px = BODY_PX, .color = {30, 30, 30, 255}, .line_spacing_pct = 165};
    *blocks = doc.count;
    *tables = *lines = 0;
    for (int i = 0; i < doc.count; i++) {
        const BodyBlock *blk = &doc.blocks[i];
        if (blk->kind == BODY_TABLE) {
            TableLayout t;
            if (table_layout(ui, blk->table, COLUMN_W, TABLE_PX, TEXT_LANG_HANS, &t, &err) != 0) exit(1);
            (*tables)++;
            table_layout_free(&t);
            continue;
        }
        if (blk->kind == BODY_IMAGE) continue;
        TextBlock b;
        if (text_layout(fonts, blk->t.text, &body, COLUMN_W, 0, TEXT_INDENT_PARAGRAPHS | TEXT_JUSTIFY, &b, &err) != 0)
            exit(1);
        *lines += b.line_count;
        text_block_free(&b);
    }
    body_free(&doc);
    last_cpu = bench_thread_cpu_ms() - c0;
    return monoclock_ms() - t0;
}

int main(void)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(0) != 0) return 1;
    Config cfg;
    config_defaults(&cfg);
    Fonts *fonts;
    Err err;
    if (fonts_open(&cfg, &fonts, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surface);
    Ui *ui;
    if (!r || ui_create(r, fonts, "/nonexistent", 1920, 1080, 100, &ui, &err) != 0) {
        fprintf(stderr, "ui: %s\n", err.msg);
        return 1;
    }
    char *corpus = NULL;
    size_t corpus_len;
    if (bytes_read_file(CORPUS, 1 << 20, &corpus, &corpus_len, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    char *md = make_item(corpus);
    double ms[RUNS], cpu[RUNS];
    int blocks = 0, tables = 0, lines = 0;
    double first = layout_once(ui, fonts, md, &blocks, &tables, &lines);
    for (int i = 0; i < RUNS; i++) {
        ms[i] = layout_once(ui, fonts, md, &blocks, &tables, &lines);
        cpu[i] = last_cpu;
    }
    qsort(ms, RUNS, sizeof ms[0], bench_by_value);
    qsort(cpu, RUNS, sizeof cpu[0], bench_by_value);
    printf("structured item: %zu characters, %d blocks (%d tables), %d text lines, column %d px, %d px body\n",
           chars_of(md), blocks, tables, lines, COLUMN_W, BODY_PX);
    printf("  layout (parse + text + tables): first %.1f ms; p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d runs "
           "(target <= 20 ms)\n",
           first, ms[RUNS / 2], ms[RUNS * 99 / 100], ms[RUNS - 1], RUNS);
    printf("  layout, CPU time of the thread: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", cpu[RUNS / 2],
           cpu[RUNS * 99 / 100], cpu[RUNS - 1]);
    bench_print_load("after");
    free(md);
    free(corpus);
    ui_destroy(ui);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surface);
    fonts_close(fonts);
    SDL_Quit();
    return 0;
}
