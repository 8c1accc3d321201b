/* sample_images — draws the charts and illustrations of the sample content.
 *
 *   build/sample_images OUTDIR FONT_REGULAR.ttc FONT_BOLD.ttc
 *
 * Renders with SDL2's software renderer into plain surfaces (no window, no
 * display needed), writes text with SDL2_ttf and the Noto CJK fonts, and
 * saves PNGs with SDL2_image.  The figures in the charts are the figures
 * written in the items that show them (the .txt files in assets/sample/content), so
 * when one changes the other must too.  `make sample` runs this and then
 * rebuilds assets/sample/feed.json. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 1200
#define H 750
#define TTC_SC 2 /* the Simplified Chinese face inside the Noto CJK collection */

typedef struct {
    SDL_Surface *surface;
    SDL_Renderer *r;
} Canvas;

typedef struct {
    TTF_Font *title, *label, *small;
} Fonts;

static const SDL_Color INK = {40, 40, 48, 255};
static const SDL_Color GREY = {120, 120, 130, 255};
static const SDL_Color RED = {196, 30, 36, 255};
static const SDL_Color GOLD = {232, 180, 60, 255};
static const SDL_Color PAPER = {252, 249, 242, 255};
static const SDL_Color PALE_RED = {240, 170, 160, 255};
static const SDL_Color BLUE = {60, 110, 170, 255};
static const SDL_Color GREEN = {70, 150, 90, 255};
static const SDL_Color WHITE = {255, 255, 255, 255};
static const SDL_Color LINE = {200, 196, 188, 255};

static int canvas_open(Canvas *c, int w, int h, SDL_Color bg)
{
    c->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
    if (!c->surface) return -1;
    c->r = SDL_CreateSoftwareRenderer(c->surface);
    if (!c->r) {
        SDL_FreeSurface(c->surface);
        return -1;
    }
    SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(c->r, bg.r, bg.g, bg.b, 255);
    SDL_RenderClear(c->r);
    return 0;
}

static int canvas_save(Canvas *c, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    SDL_RenderPresent(c->r);
    int rc = IMG_SavePNG(c->surface, path);
    if (rc) fprintf(stderr, "sample_images: %s: %s\n", path, IMG_GetError());
    else printf("wrote %s\n", path);
    SDL_DestroyRenderer(c->r);
    SDL_FreeSurface(c->surface);
    return rc;
}

static void fill_rect(Canvas *c, int x, int y, int w, int h, SDL_Color col)
{
    SDL_SetRenderDrawColor(c->r, col.r, col.g, col.b, col.a);
    SDL_RenderFillRect(c->r, &(SDL_Rect){x, y, w, h});
}

static void frame_rect(Canvas *c, int x, int y, int w, int h, int thick, SDL_Color col)
{
    fill_rect(c, x, y, w, thick, col);
    fill_rect(c, x, y + h - thick, w, thick, col);
    fill_rect(c, x, y, thick, h, col);
    fill_rect(c, x + w - thick, y, thick, h, col);
}

static SDL_Vertex vertex(float x, float y, SDL_Color col) { return (SDL_Vertex){.position = {x, y}, .color = col}; }

/* A filled circle sector from angle a0 to a1 (radians, 0 = up, clockwise). */
static void sector(Canvas *c, float cx, float cy, float radius, float a0, float a1, SDL_Color col)
{
    int steps = (int)(fabsf(a1 - a0) * radius / 4) + 2;
    for (int i = 0; i < steps; i++) {
        float t0 = a0 + (a1 - a0) * i / steps, t1 = a0 + (a1 - a0) * (i + 1) / steps;
        SDL_Vertex v[3] = {vertex(cx, cy, col), vertex(cx + radius * sinf(t0), cy - radius * cosf(t0), col),
                           vertex(cx + radius * sinf(t1), cy - radius * cosf(t1), col)};
        SDL_RenderGeometry(c->r, NULL, v, 3, NULL, 0);
    }
}

static void disc(Canvas *c, float cx, float cy, float radius, SDL_Color col)
{
    sector(c, cx, cy, radius, 0, 2 * (float)M_PI, col);
}

/* A line of the given width, as a quad. */
static void thick_line(Canvas *c, float x0, float y0, float x1, float y1, float width, SDL_Color col)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len == 0) return;
    float nx = -dy / len * width / 2, ny = dx / len * width / 2;
    SDL_Vertex v[4] = {vertex(x0 + nx, y0 + ny, col), vertex(x1 + nx, y1 + ny, col), vertex(x1 - nx, y1 - ny, col),
                       vertex(x0 - nx, y0 - ny, col)};
    int idx[6] = {0, 1, 2, 0, 2, 3};
    SDL_RenderGeometry(c->r, NULL, v, 4, idx, 6);
}

static void dashed_line(Canvas *c, float x0, float y0, float x1, float y1, float width, SDL_Color col)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    for (float s = 0; s < len; s += 28) {
        float e = fminf(s + 16, len);
        thick_line(c, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len, y0 + dy * e / len, width, col);
    }
}

static void arrow(Canvas *c, float x0, float y0, float x1, float y1, SDL_Color col)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    float ux = dx / len, uy = dy / len;
    thick_line(c, x0, y0, x1 - ux * 14, y1 - uy * 14, 5, col);
    SDL_Vertex v[3] = {vertex(x1, y1, col), vertex(x1 - ux * 20 - uy * 11, y1 - uy * 20 + ux * 11, col),
                       vertex(x1 - ux * 20 + uy * 11, y1 - uy * 20 - ux * 11, col)};
    SDL_RenderGeometry(c->r, NULL, v, 3, NULL, 0);
}

typedef enum { LEFT, CENTER, RIGHT } Align;

/* Draws UTF-8 text with its top at y; x is the left edge, the centre or the
 * right edge.  Returns the width drawn. */
static int text(Canvas *c, TTF_Font *font, const char *s, int x, int y, SDL_Color col, Align align)
{
    SDL_Surface *glyphs = TTF_RenderUTF8_Blended(font, s, col);
    if (!glyphs) return 0;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(c->r, glyphs);
    int w = glyphs->w, h = glyphs->h;
    SDL_FreeSurface(glyphs);
    if (!tex) return 0;
    int left = align == LEFT ? x : align == CENTER ? x - w / 2 : x - w;
    SDL_RenderCopy(c->r, tex, NULL, &(SDL_Rect){left, y, w, h});
    SDL_DestroyTexture(tex);
    return w;
}

static void heading(Canvas *c, const Fonts *f, const char *title, const char *subtitle)
{
    fill_rect(c, 0, 0, c->surface->w, 8, RED);
    text(c, f->title, title, c->surface->w / 2, 28, INK, CENTER);
    if (subtitle) text(c, f->small, subtitle, c->surface->w / 2, 88, GREY, CENTER);
}

static void legend(Canvas *c, const Fonts *f, int x, int y, SDL_Color col, const char *label)
{
    fill_rect(c, x, y + 6, 22, 22, col);
    text(c, f->small, label, x + 32, y, INK, LEFT);
}

/* ---- the pictures ---------------------------------------------------- */

/* 党费: 2025 by quarter beside 2026 Q1-Q3 (zz-dangfei-2026q3.txt). */
static int draw_party_dues(const char *dir, const Fonts *f)
{
    static const double y2025[4] = {17820, 17900, 18050, 18120};
    static const double y2026[3] = {18460, 18520, 18735};
    static const char *const quarters[4] = {"第一季度", "第二季度", "第三季度", "第四季度"};
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "党费收缴情况（按季度，单位：元）", "中共青禾镇委员会 · 2026年第三季度公开");
    int x0 = 140, y0 = 640, top = 170;
    double lo = 16000, hi = 19500;
    for (int v = 16000; v <= 19500; v += 500) {
        int y = y0 - (int)((v - lo) / (hi - lo) * (y0 - top));
        fill_rect(&c, x0, y, 980, 1, LINE);
        char label[16];
        snprintf(label, sizeof label, "%d", v);
        text(&c, f->small, label, x0 - 12, y - 16, GREY, RIGHT);
    }
    for (int q = 0; q < 4; q++) {
        int gx = x0 + 40 + q * 245;
        int h25 = (int)((y2025[q] - lo) / (hi - lo) * (y0 - top));
        fill_rect(&c, gx, y0 - h25, 80, h25, PALE_RED);
        if (q < 3) {
            int h26 = (int)((y2026[q] - lo) / (hi - lo) * (y0 - top));
            fill_rect(&c, gx + 92, y0 - h26, 80, h26, RED);
            char v[16];
            snprintf(v, sizeof v, "%.0f", y2026[q]);
            text(&c, f->small, v, gx + 132, y0 - h26 - 36, RED, CENTER);
        } else {
            text(&c, f->small, "待公开", gx + 132, y0 - 40, GREY, CENTER);
        }
        text(&c, f->label, quarters[q], gx + 86, y0 + 14, INK, CENTER);
    }
    fill_rect(&c, x0, y0, 980, 3, INK);
    legend(&c, f, 760, 120, PALE_RED, "2025年");
    legend(&c, f, 900, 120, RED, "2026年");
    return canvas_save(&c, dir, "dangfei-2026q3.png");
}

/* 为民办实事: progress of the ten projects (fw-shishi-2026.txt). */
static int draw_projects(const char *dir, const Fonts *f)
{
    static const struct {
        const char *name;
        int percent;
    } p[10] = {
        {"柳塘村供水管网改造", 100}, {"石桥村村道硬化2.3公里", 100}, {"镇卫生院中医馆", 100},
        {"东坪村日间照料中心", 100}, {"集镇路灯更换186盏", 100},     {"西岭村便民桥重建", 100},
        {"镇中心小学食堂改造", 85},  {"农贸市场雨棚修缮", 70},       {"青禾村垃圾分类站", 60},
        {"老旧小区加装扶手", 40},
    };
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "2026年为民办实事项目进度", "截至2026年11月14日 · 共10项，已完成6项");
    int done = 0;
    for (int i = 0; i < 10; i++) {
        int y = 140 + i * 58;
        text(&c, f->label, p[i].name, 70, y + 4, INK, LEFT);
        fill_rect(&c, 430, y + 12, 400, 26, LINE);
        SDL_Color col = p[i].percent == 100 ? GREEN : GOLD;
        fill_rect(&c, 430, y + 12, 4 * p[i].percent, 26, col);
        char pct[16];
        snprintf(pct, sizeof pct, "%d%%", p[i].percent);
        text(&c, f->small, pct, 845, y + 6, INK, LEFT);
        done += p[i].percent == 100;
    }
    float cx = 1040, cy = 420, radius = 110;
    sector(&c, cx, cy, radius, 0, 2 * (float)M_PI * done / 10, GREEN);
    sector(&c, cx, cy, radius, 2 * (float)M_PI * done / 10, 2 * (float)M_PI, GOLD);
    disc(&c, cx, cy, 70, PAPER);
    char summary[32];
    snprintf(summary, sizeof summary, "%d/10", done);
    text(&c, f->title, summary, (int)cx, (int)cy - 36, INK, CENTER);
    legend(&c, f, 960, 560, GREEN, "已完成");
    legend(&c, f, 960, 600, GOLD, "在建");
    return canvas_save(&c, dir, "shishi-2026.png");
}

/* The water main of the 三重一大 decision (jc-gongshui-2026.txt). */
static int draw_pipeline_map(const char *dir, const Fonts *f)
{
    static const struct {
        const char *name;
        float x, y;
    } v[6] = {{"镇水厂", 600, 420}, {"青禾村", 420, 300}, {"柳塘村", 300, 520},
              {"石桥村", 820, 260}, {"东坪村", 960, 480}, {"西岭村", 180, 230}};
    Canvas c;
    if (canvas_open(&c, W, H, (SDL_Color){238, 243, 232, 255})) return -1;
    heading(&c, f, "农村供水管网改造示意图", "示意图，不按比例");
    for (int i = 0; i < 40; i++) {
        float t0 = i / 40.0f, t1 = (i + 1) / 40.0f;
        thick_line(&c, 60 + t0 * 1080, 690 - 70 * sinf(t0 * 3.1f), 60 + t1 * 1080, 690 - 70 * sinf(t1 * 3.1f), 34,
                   (SDL_Color){150, 190, 225, 255});
    }
    text(&c, f->small, "青禾河", 1040, 600, BLUE, LEFT);
    thick_line(&c, 600, 420, 420, 300, 9, BLUE);
    thick_line(&c, 600, 420, 300, 520, 9, BLUE);
    thick_line(&c, 600, 420, 820, 260, 9, BLUE);
    dashed_line(&c, 600, 420, 960, 480, 9, BLUE);
    dashed_line(&c, 420, 300, 180, 230, 9, BLUE);
    for (int i = 0; i < 6; i++) {
        disc(&c, v[i].x, v[i].y, i == 0 ? 30 : 22, i == 0 ? RED : INK);
        disc(&c, v[i].x, v[i].y, i == 0 ? 18 : 12, WHITE);
        text(&c, f->label, v[i].name, (int)v[i].x, (int)v[i].y + 30, INK, CENTER);
    }
    thick_line(&c, 70, 140, 130, 140, 9, BLUE);
    text(&c, f->small, "已完工（一期）", 145, 124, INK, LEFT);
    dashed_line(&c, 70, 185, 130, 185, 9, BLUE);
    text(&c, f->small, "在建（二期）", 145, 169, INK, LEFT);
    thick_line(&c, 1100, 130, 1100, 190, 4, INK);
    SDL_Vertex n[3] = {vertex(1100, 115, INK), vertex(1088, 145, INK), vertex(1112, 145, INK)};
    SDL_RenderGeometry(c.r, NULL, n, 3, NULL, 0);
    text(&c, f->label, "北", 1100, 195, INK, CENTER);
    return canvas_save(&c, dir, "gongshui-map.png");
}

/* A person seen from the front: head and shoulders. */
static void person(Canvas *c, float x, float y, float scale, SDL_Color coat)
{
    sector(c, x, y + 62 * scale, 40 * scale, -(float)M_PI / 2, (float)M_PI / 2, coat);
    disc(c, x, y, 22 * scale, (SDL_Color){236, 200, 170, 255});
    sector(c, x, y - 4 * scale, 23 * scale, -(float)M_PI / 2, (float)M_PI / 2, (SDL_Color){50, 45, 45, 255});
}

/* The 主题党日 meeting room (sx-ztdr-2026-11.txt). */
static int draw_meeting(const char *dir, const Fonts *f)
{
    static const SDL_Color coats[4] = {{60, 70, 90, 255}, {90, 90, 100, 255}, {120, 60, 50, 255}, {70, 90, 80, 255}};
    Canvas c;
    if (canvas_open(&c, W, H, (SDL_Color){246, 236, 220, 255})) return -1;
    fill_rect(&c, 0, 520, W, 230, (SDL_Color){190, 150, 110, 255});
    fill_rect(&c, 200, 40, 800, 90, RED);
    text(&c, f->title, "青禾镇党委十一月主题党日", 600, 56, GOLD, CENTER);
    fill_rect(&c, 80, 160, 150, 100, RED);
    disc(&c, 115, 195, 20, GOLD);
    fill_rect(&c, 960, 160, 170, 230, WHITE);
    frame_rect(&c, 960, 160, 170, 230, 4, GREY);
    text(&c, f->small, "学习议程", 1045, 175, INK, CENTER);
    for (int i = 0; i < 5; i++) fill_rect(&c, 985, 220 + i * 32, 120 - (i % 2) * 30, 8, LINE);
    for (int row = 0; row < 2; row++)
        for (int i = 0; i < 6; i++) {
            float x = 300 + i * 110 + row * 55, y = 330 + row * 50;
            person(&c, x, y, row ? 1.0f : 0.85f, coats[(i + row) % 4]);
        }
    fill_rect(&c, 220, 460, 760, 40, (SDL_Color){130, 90, 60, 255});
    fill_rect(&c, 250, 500, 20, 120, (SDL_Color){110, 75, 50, 255});
    fill_rect(&c, 930, 500, 20, 120, (SDL_Color){110, 75, 50, 255});
    for (int i = 0; i < 6; i++) fill_rect(&c, 280 + i * 115, 466, 60, 22, WHITE);
    text(&c, f->small, "示意图", 1150, 700, GREY, RIGHT);
    return canvas_save(&c, dir, "ztdr-2026-11.png");
}

static void box(Canvas *c, const Fonts *f, int cx, int y, int w, const char *label, SDL_Color fill, SDL_Color ink)
{
    fill_rect(c, cx - w / 2, y, w, 56, fill);
    frame_rect(c, cx - w / 2, y, w, 56, 2, INK);
    text(c, f->small, label, cx, y + 12, ink, CENTER);
}

/* The township's Party organisations (zz-zuzhi-shezhi.txt). */
static int draw_org_chart(const char *dir, const Fonts *f)
{
    static const char *const branches[6] = {"机关党支部",     "村党组织（9个）", "社区党支部",
                                            "中心小学党支部", "卫生院党支部",    "非公企业党支部"};
    static const char *const villages[9] = {"青禾村", "柳塘村", "石桥村", "东坪村", "西岭村",
                                            "南湾村", "河口村", "松林村", "白杨村"};
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "青禾镇基层党组织设置", "1个镇党委 · 14个基层党支部（党总支） · 党员586名");
    box(&c, f, 600, 130, 300, "中共青禾镇委员会", RED, WHITE);
    fill_rect(&c, 598, 186, 4, 40, INK);
    fill_rect(&c, 110, 224, 980, 4, INK);
    for (int i = 0; i < 6; i++) {
        int x = 110 + i * 196;
        fill_rect(&c, x - 2, 224, 4, 36, INK);
        box(&c, f, x, 260, 180, branches[i], WHITE, INK);
    }
    fill_rect(&c, 304, 316, 4, 40, INK);
    fill_rect(&c, 110, 354, 800, 4, INK);
    for (int i = 0; i < 9; i++) {
        int x = 110 + i * 100;
        fill_rect(&c, x - 2, 354, 4, 30, INK);
        fill_rect(&c, x - 44, 384, 88, 150, WHITE);
        frame_rect(&c, x - 44, 384, 88, 150, 2, GREY);
        char vertical[64] = "";
        text(&c, f->small, villages[i], x, 400, INK, CENTER);
        snprintf(vertical, sizeof vertical, "党支部");
        text(&c, f->small, vertical, x, 440, GREY, CENTER);
    }
    text(&c, f->small, "东坪村、河口村为党总支，下设网格党小组", 600, 570, GREY, CENTER);
    return canvas_save(&c, dir, "zuzhi-shezhi.png");
}

/* The steps of a disclosure on request (qt-yishenqing.txt). */
static int draw_request_flow(const char *dir, const Fonts *f)
{
    static const char *const steps[5] = {"提出申请", "登记受理", "审核", "答复申请人", "登记归档"};
    static const char *const notes[5] = {"书面或口头申请", "当场出具回执", "会同承办部门审核", "15个工作日内",
                                         "资料立卷保存"};
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "依申请公开办理流程", "党员、群众均可申请，一般在15个工作日内答复");
    for (int i = 0; i < 5; i++) {
        int cx = 130 + i * 235, y = 300;
        box(&c, f, cx, y, 190, steps[i], i == 4 ? GREEN : RED, WHITE);
        text(&c, f->small, notes[i], cx, y + 80, INK, CENTER);
        if (i < 4) arrow(&c, (float)cx + 100, y + 28, (float)cx + 130, y + 28, INK);
    }
    box(&c, f, 600, 520, 420, "不能公开的，书面说明理由", WHITE, INK);
    thick_line(&c, 600, 430, 600, 510, 4, GREY);
    return canvas_save(&c, dir, "yishenqing-liucheng.png");
}

/* 信访 by kind, third quarter (fw-xinfang-2026q3.txt). */
static int draw_petitions(const char *dir, const Fonts *f)
{
    static const struct {
        const char *kind;
        int count;
        SDL_Color col;
    } k[6] = {{"邻里纠纷", 12, {196, 30, 36, 255}}, {"土地承包", 8, {232, 140, 60, 255}},
              {"社会保障", 7, {232, 190, 60, 255}}, {"环境卫生", 6, {70, 150, 90, 255}},
              {"道路交通", 5, {60, 110, 170, 255}}, {"其他", 4, {140, 120, 170, 255}}};
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "第三季度信访事项分类", "共受理42件，已办结40件，办结率95.2%");
    int total = 0;
    for (int i = 0; i < 6; i++) total += k[i].count;
    float a = 0;
    for (int i = 0; i < 6; i++) {
        float b = a + 2 * (float)M_PI * k[i].count / total;
        sector(&c, 400, 420, 230, a, b, k[i].col);
        a = b;
    }
    for (int i = 0; i < 6; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s  %d件", k[i].kind, k[i].count);
        legend(&c, f, 760, 220 + i * 62, k[i].col, label);
    }
    return canvas_save(&c, dir, "xinfang-2026q3.png");
}

/* The weeks of the 廉政教育月 (lz-jiaoyuyue-2026.txt). */
static int draw_integrity_month(const char *dir, const Fonts *f)
{
    static const char *const weeks[4][2] = {{"第一周", "动员部署 · 廉政党课"},
                                            {"第二周", "参观警示教育基地"},
                                            {"第三周", "家风故事分享会"},
                                            {"第四周", "廉政知识测试 · 总结"}};
    Canvas c;
    if (canvas_open(&c, W, H, PAPER)) return -1;
    heading(&c, f, "2026年廉政教育月安排", "11月18日至12月15日");
    for (int i = 0; i < 4; i++) {
        int y = 150 + i * 140;
        disc(&c, 160, (float)y + 45, 44, i < 1 ? RED : PALE_RED);
        text(&c, f->small, weeks[i][0], 160, y + 29, i < 1 ? WHITE : INK, CENTER);
        if (i < 3) fill_rect(&c, 157, y + 90, 6, 94, LINE);
        fill_rect(&c, 240, y + 10, 860, 72, WHITE);
        frame_rect(&c, 240, y + 10, 860, 72, 2, LINE);
        text(&c, f->label, weeks[i][1], 270, y + 26, INK, LEFT);
    }
    return canvas_save(&c, dir, "lianzheng-yue.png");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s OUTDIR FONT_REGULAR.ttc FONT_BOLD.ttc\n", argv[0]);
        return 2;
    }
    if (SDL_Init(0) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "sample_images: cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    Fonts f = {TTF_OpenFontIndex(argv[3], 44, TTC_SC), TTF_OpenFontIndex(argv[2], 28, TTC_SC),
               TTF_OpenFontIndex(argv[2], 24, TTC_SC)};
    if (!f.title || !f.label || !f.small) {
        fprintf(stderr, "sample_images: cannot open the fonts: %s\n", TTF_GetError());
        return 1;
    }
    int (*const pictures[])(const char *, const Fonts *) = {
        draw_party_dues, draw_projects,     draw_pipeline_map, draw_meeting,
        draw_org_chart,  draw_request_flow, draw_petitions,    draw_integrity_month,
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof pictures / sizeof pictures[0]; i++) failed += pictures[i](argv[1], &f) != 0;
    TTF_CloseFont(f.title);
    TTF_CloseFont(f.label);
    TTF_CloseFont(f.small);
    TTF_Quit();
    SDL_Quit();
    return failed ? 1 : 0;
}
