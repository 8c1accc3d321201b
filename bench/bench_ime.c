/* bench_ime — how quickly the on-screen keyboard's engines answer.
 *
 * With the real Debian data, as the kiosk finds it (Config defaults):
 *   - pinyin: the first deployment into a fresh folder (done on a
 *     background thread in the kiosk) and a restart over deployed data;
 *     then one keystroke = one letter typed plus the first page of
 *     candidates read, over a set of phrases, and choosing a phrase;
 *   - handwriting: opening the model; one recognition (top 10) of a
 *     character of 1 to 6 strokes, as after every stroke a visitor draws,
 *     with the model's pages let go after each (the kiosk's way) and, for
 *     comparison, kept;
 *   - loading on first use (keyboard.c opens each engine when its mode is
 *     first shown and frees both after the keyboard was closed for a
 *     while): what the UI thread spends in each open and in the release,
 *     pinyin's time to ready in the background, and this process's RSS and
 *     PSS without the engines, with them, and after they were released.
 * A keystroke or a stroke must answer well inside one frame (16 ms) on a
 * cheap kiosk PC.  Prints figures; asserts nothing. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "config.h"
#include "ime_handwriting.h"
#include "ime_pinyin.h"
#include "monoclock.h"

static const char *const PHRASES[] = {"dangwugongkai", "nihao",          "cunwucaiwu",
                                      "gengxintaiman", "zhiyuanfuwu",    "xuanjuhouxuanren",
                                      "lujiangaizao",  "shenqinggongkai"};
#define ROUNDS 20

static int bench_pinyin(const Config *cfg, const char *dir)
{
    ImePinyin *p;
    Err err;
    double t0 = monoclock_ms();
    if (ime_pinyin_open(cfg->rime_shared_dir, dir, &p, &err) || ime_pinyin_wait_ready(p, &err)) {
        fprintf(stderr, "bench_ime: %s\n", err.msg);
        return 1;
    }
    printf("pinyin: first deployment into a fresh folder: %.0f ms (background thread in the kiosk)\n",
           monoclock_ms() - t0);
    ime_pinyin_close(p);
    t0 = monoclock_ms();
    if (ime_pinyin_open(cfg->rime_shared_dir, dir, &p, &err) || ime_pinyin_wait_ready(p, &err)) {
        fprintf(stderr, "bench_ime: %s\n", err.msg);
        return 1;
    }
    printf("pinyin: restart over deployed data: %.1f ms\n", monoclock_ms() - t0);

    double worst = 0, total = 0, choose_total = 0;
    int keys = 0, chosen = 0;
    ImeCandidates page;
    char out[256];
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < sizeof PHRASES / sizeof PHRASES[0]; i++) {
            for (const char *c = PHRASES[i]; *c; c++) {
                double k0 = monoclock_ms();
                ime_pinyin_type(p, *c);
                ime_pinyin_preedit(p);
                ime_pinyin_candidates(p, 0, 10, &page, &err);
                double d = monoclock_ms() - k0;
                total += d;
                if (d > worst) worst = d;
                keys++;
            }
            double c0 = monoclock_ms();
            ime_pinyin_choose(p, 0, out, sizeof out, &err);
            choose_total += monoclock_ms() - c0;
            chosen++;
            ime_pinyin_clear(p);
        }
    }
    printf("pinyin: %d keystrokes (letter + preedit + 10 candidates): mean %.2f ms, worst %.2f ms\n", keys,
           total / keys, worst);
    printf("pinyin: choosing a candidate: mean %.3f ms over %d\n", choose_total / chosen, chosen);
    ime_pinyin_close(p);
    return 0;
}

static int bench_handwriting(const Config *cfg)
{
    ImeHandwriting *h;
    Err err;
    double t0 = monoclock_ms();
    if (ime_handwriting_open(cfg->handwriting_model, &h, &err)) {
        fprintf(stderr, "bench_ime: %s\n", err.msg);
        return 1;
    }
    printf("handwriting: opening the model: %.1f ms\n", monoclock_ms() - t0);
    ImeHwPad pad = {0, 0, 600, 600};
    ImeHwCandidate c[10];
    /* The kiosk lets the model's pages go after each recognition, so the
     * next one maps them again from the page cache; the same recognitions
     * with the pages kept, interleaved so that both see the same load,
     * show what that costs. */
    static const char *const how[2] = {"pages let go (the kiosk)", "pages kept"};
    for (int strokes = 1; strokes <= 6; strokes++) {
        double total[2] = {0, 0}, worst[2] = {0, 0};
        for (int r = 0; r < 2 * ROUNDS; r++) {
            int keep = r % 2;
            ime_handwriting_keep_model_pages(h, keep);
            ime_handwriting_clear(h);
            for (int s = 0; s < strokes; s++) {
                int y = 60 + s * 90;
                ime_handwriting_begin_stroke(h, &pad, 60, y, &err);
                for (int x = 80; x <= 540; x += 20) ime_handwriting_add_point(h, &pad, x, y + (x % 60) / 6, &err);
            }
            int n;
            if (keep) ime_handwriting_recognize(h, c, 10, &n, &err); /* maps the pages and keeps them */
            double k0 = monoclock_ms();
            ime_handwriting_recognize(h, c, 10, &n, &err);
            double d = monoclock_ms() - k0;
            total[keep] += d;
            if (d > worst[keep]) worst[keep] = d;
            if (keep) {
                /* lets them go again: the next round starts as the kiosk does */
                ime_handwriting_keep_model_pages(h, false);
                ime_handwriting_recognize(h, c, 10, &n, &err);
            }
        }
        for (int k = 0; k < 2; k++)
            printf("handwriting: recognising %d stroke(s), top 10, %s: mean %.2f ms, worst %.2f ms\n", strokes, how[k],
                   total[k] / ROUNDS, worst[k]);
    }
    ime_handwriting_keep_model_pages(h, false);
    ime_handwriting_close(h);
    return 0;
}

/* This process's RSS and PSS (MiB), from /proc/self/smaps_rollup. */
static void print_memory(const char *when)
{
    char line[256];
    double rss = -1, pss = -1;
    long v;
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "Rss: %ld kB", &v) == 1) rss = (double)v / 1024;
        else if (sscanf(line, "Pss: %ld kB", &v) == 1) pss = (double)v / 1024;
    }
    if (f) fclose(f);
    printf("memory %-40s RSS %6.1f MiB  PSS %6.1f MiB\n", when, rss, pss);
}

#define LOAD_ROUNDS 20

/* What the keyboard does on first use and on release, LOAD_ROUNDS times
 * over deployed data (the first deployment is measured above). */
static int bench_loading(const Config *cfg, const char *dir)
{
    static double open_p[LOAD_ROUNDS], ready_p[LOAD_ROUNDS], open_h[LOAD_ROUNDS], release[LOAD_ROUNDS];
    Err err;
    for (int r = 0; r < LOAD_ROUNDS; r++) {
        ImePinyin *p;
        ImeHandwriting *h;
        double t0 = monoclock_ms();
        if (ime_pinyin_open(cfg->rime_shared_dir, dir, &p, &err)) goto fail;
        open_p[r] = monoclock_ms() - t0;
        if (ime_pinyin_wait_ready(p, &err)) goto fail;
        ready_p[r] = monoclock_ms() - t0;
        t0 = monoclock_ms();
        if (ime_handwriting_open(cfg->handwriting_model, &h, &err)) goto fail;
        open_h[r] = monoclock_ms() - t0;
        if (r == 0) {
            /* What a visitor's typing touches: the pages of the tables
             * and of the model that one word and one character read. */
            ImeCandidates page;
            for (const char *c = "dangwugongkai"; *c; c++) ime_pinyin_type(p, *c);
            ime_pinyin_candidates(p, 0, 10, &page, &err);
            ime_pinyin_clear(p);
            ImeHwPad pad = {0, 0, 600, 600};
            ImeHwCandidate c[10];
            int n;
            ime_handwriting_begin_stroke(h, &pad, 60, 300, &err);
            for (int x = 80; x <= 540; x += 20) ime_handwriting_add_point(h, &pad, x, 300, &err);
            ime_handwriting_recognize(h, c, 10, &n, &err);
            print_memory("with both engines, after typing:");
        }
        t0 = monoclock_ms();
        ime_pinyin_close(p);
        ime_handwriting_close(h);
        malloc_trim(0); /* as keyboard.c does after a release */
        release[r] = monoclock_ms() - t0;
        if (r == 0) print_memory("after releasing both (first load):");
    }
    bench_print_spread("pinyin open (UI thread)", open_p, LOAD_ROUNDS);
    bench_print_spread("pinyin open to ready (background)", ready_p, LOAD_ROUNDS);
    bench_print_spread("handwriting open (UI thread)", open_h, LOAD_ROUNDS);
    bench_print_spread("release, both (UI thread)", release, LOAD_ROUNDS);
    return 0;
fail:
    fprintf(stderr, "bench_ime: %s\n", err.msg);
    return 1;
}

int main(void)
{
    bench_print_load("before");
    print_memory("at start, without the engines:");
    Config cfg;
    config_defaults(&cfg);
    char dir[] = "/tmp/bench-ime-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_ime: mkdtemp");
        return 1;
    }
    char rime[64];
    snprintf(rime, sizeof rime, "%s/rime", dir);
    int rc = bench_pinyin(&cfg, rime) || bench_handwriting(&cfg) || bench_loading(&cfg, rime);
    bench_print_load("after");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_ime: could not remove %s\n", dir);
    return rc;
}
