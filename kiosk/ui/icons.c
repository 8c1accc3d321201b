#include "icons.h"

#include <math.h>
#include <string.h>

typedef void (*IconFn)(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg);

static SDL_Rect box(float x, float y, float w, float h) { return (SDL_Rect){(int)x, (int)y, (int)w, (int)h}; }

/* The drift is added by ui_*, so shapes use undrifted coordinates. */
static void star_at(Ui *ui, float cx, float cy, float r, SDL_Color c)
{
    SDL_FPoint p[12];
    p[0] = (SDL_FPoint){cx, cy};
    for (int i = 0; i <= 10; i++) {
        float a = -(float)M_PI / 2 + (float)M_PI * i / 5;
        float rr = (i % 2) ? r * 0.40f : r;
        p[i + 1] = (SDL_FPoint){cx + rr * cosf(a), cy + rr * sinf(a)};
    }
    ui_polygon(ui, p, 12, c);
}

void icon_draw_star(Ui *ui, SDL_Rect r, SDL_Color c) { star_at(ui, r.x + r.w / 2.0f, r.y + r.h / 2.0f, r.w / 2.0f, c); }

/* 决议: a page with lines and a tick. */
static void draw_decision(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    ui_round(ui, box(x + s * .18f, y + s * .08f, s * .64f, s * .84f), (int)(s * .06f), c);
    ui_round(ui, box(x + s * .24f, y + s * .14f, s * .52f, s * .72f), (int)(s * .03f), bg);
    for (int i = 0; i < 3; i++) ui_fill(ui, box(x + s * .32f, y + s * (.25f + .12f * i), s * .36f, s * .05f), c);
    ui_thick_line(ui, x + s * .36f, y + s * .68f, x + s * .46f, y + s * .77f, s * .07f, c);
    ui_thick_line(ui, x + s * .45f, y + s * .77f, x + s * .66f, y + s * .58f, s * .07f, c);
}

/* 学习: an open book. */
static void draw_study(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    SDL_FPoint left[4] = {{x + s * .08f, y + s * .24f},
                          {x + s * .48f, y + s * .32f},
                          {x + s * .48f, y + s * .86f},
                          {x + s * .08f, y + s * .78f}};
    SDL_FPoint right[4] = {{x + s * .52f, y + s * .32f},
                           {x + s * .92f, y + s * .24f},
                           {x + s * .92f, y + s * .78f},
                           {x + s * .52f, y + s * .86f}};
    ui_polygon(ui, left, 4, c);
    ui_polygon(ui, right, 4, c);
    for (int i = 0; i < 3; i++) {
        float yy = y + s * (.42f + .13f * i);
        ui_thick_line(ui, x + s * .16f, yy, x + s * .40f, yy + s * .04f, s * .035f, bg);
        ui_thick_line(ui, x + s * .60f, yy + s * .04f, x + s * .84f, yy, s * .035f, bg);
    }
    star_at(ui, x + s * .5f, y + s * .13f, s * .11f, c);
}

static void person(Ui *ui, float cx, float top, float s, SDL_Color c)
{
    ui_disc(ui, (int)cx, (int)(top + s * .13f), (int)(s * .12f), c);
    ui_round(ui, box(cx - s * .19f, top + s * .29f, s * .38f, s * .34f), (int)(s * .14f), c);
}

/* 组织: three people. */
static void draw_organization(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    (void)bg;
    person(ui, x + s * .24f, y + s * .26f, s * .8f, c);
    person(ui, x + s * .76f, y + s * .26f, s * .8f, c);
    person(ui, x + s * .5f, y + s * .14f, s, c);
    ui_fill(ui, box(x + s * .08f, y + s * .84f, s * .84f, s * .06f), c);
}

/* 干部: a person with a star. */
static void draw_cadre(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    (void)bg;
    person(ui, x + s * .42f, y + s * .12f, s * 1.15f, c);
    star_at(ui, x + s * .78f, y + s * .26f, s * .16f, c);
    ui_fill(ui, box(x + s * .12f, y + s * .86f, s * .76f, s * .06f), c);
}

/* 廉政: a shield with a tick. */
static void draw_integrity(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    SDL_FPoint p[7] = {{x + s * .5f, y + s * .55f}, {x + s * .5f, y + s * .06f}, {x + s * .86f, y + s * .2f},
                       {x + s * .8f, y + s * .62f}, {x + s * .5f, y + s * .94f}, {x + s * .2f, y + s * .62f},
                       {x + s * .14f, y + s * .2f}};
    SDL_FPoint q[8];
    memcpy(q, p, sizeof p);
    q[7] = p[1];
    ui_polygon(ui, q, 8, c);
    ui_thick_line(ui, x + s * .34f, y + s * .5f, x + s * .46f, y + s * .63f, s * .08f, bg);
    ui_thick_line(ui, x + s * .45f, y + s * .63f, x + s * .68f, y + s * .38f, s * .08f, bg);
}

/* 服务群众: a heart. */
static void draw_service(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    (void)bg;
    ui_disc(ui, (int)(x + s * .32f), (int)(y + s * .36f), (int)(s * .2f), c);
    ui_disc(ui, (int)(x + s * .68f), (int)(y + s * .36f), (int)(s * .2f), c);
    SDL_FPoint p[4] = {{x + s * .5f, y + s * .88f},
                       {x + s * .135f, y + s * .45f},
                       {x + s * .5f, y + s * .4f},
                       {x + s * .865f, y + s * .45f}};
    ui_polygon(ui, p, 4, c);
}

/* 财务: a coin with ¥. */
static void draw_finance(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    ui_disc(ui, (int)(x + s * .5f), (int)(y + s * .5f), (int)(s * .42f), c);
    ui_disc(ui, (int)(x + s * .5f), (int)(y + s * .5f), (int)(s * .34f), bg);
    float w = s * .07f;
    ui_thick_line(ui, x + s * .36f, y + s * .28f, x + s * .5f, y + s * .47f, w, c);
    ui_thick_line(ui, x + s * .64f, y + s * .28f, x + s * .5f, y + s * .47f, w, c);
    ui_thick_line(ui, x + s * .5f, y + s * .46f, x + s * .5f, y + s * .74f, w, c);
    ui_thick_line(ui, x + s * .37f, y + s * .52f, x + s * .63f, y + s * .52f, w * .8f, c);
    ui_thick_line(ui, x + s * .37f, y + s * .62f, x + s * .63f, y + s * .62f, w * .8f, c);
}

/* 其他: a list. */
static void draw_other(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    (void)bg;
    for (int i = 0; i < 3; i++) {
        float yy = y + s * (.24f + .26f * i);
        ui_disc(ui, (int)(x + s * .18f), (int)yy, (int)(s * .07f), c);
        ui_round(ui, box(x + s * .32f, yy - s * .05f, s * .56f, s * .1f), (int)(s * .04f), c);
    }
}

/* 班子建设: a flag. */
static void draw_flag(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    (void)bg;
    ui_fill(ui, box(x + s * .16f, y + s * .1f, s * .07f, s * .82f), c);
    SDL_FPoint p[4] = {{x + s * .23f, y + s * .12f},
                       {x + s * .86f, y + s * .2f},
                       {x + s * .86f, y + s * .56f},
                       {x + s * .23f, y + s * .5f}};
    ui_polygon(ui, p, 4, c);
}

/* Unknown names: a star in a ring. */
static void draw_emblem(Ui *ui, float x, float y, float s, SDL_Color c, SDL_Color bg)
{
    ui_disc(ui, (int)(x + s * .5f), (int)(y + s * .5f), (int)(s * .44f), c);
    ui_disc(ui, (int)(x + s * .5f), (int)(y + s * .5f), (int)(s * .36f), bg);
    star_at(ui, x + s * .5f, y + s * .52f, s * .28f, c);
}

static const struct {
    const char *name;
    IconFn draw;
} icons[] = {
    {"decision", draw_decision},   {"resolution", draw_decision},  {"study", draw_study},
    {"ideology", draw_study},      {"education", draw_study},      {"organization", draw_organization},
    {"branch", draw_organization}, {"members", draw_organization}, {"cadre", draw_cadre},
    {"personnel", draw_cadre},     {"integrity", draw_integrity},  {"discipline", draw_integrity},
    {"shield", draw_integrity},    {"service", draw_service},      {"masses", draw_service},
    {"people", draw_service},      {"finance", draw_finance},      {"dues", draw_finance},
    {"money", draw_finance},       {"other", draw_other},          {"notice", draw_other},
    {"list", draw_other},          {"leadership", draw_flag},      {"flag", draw_flag},
    {"team", draw_flag},
};

static IconFn find(const char *name)
{
    for (size_t i = 0; name && i < sizeof icons / sizeof icons[0]; i++)
        if (strcmp(icons[i].name, name) == 0) return icons[i].draw;
    return NULL;
}

void icon_draw(Ui *ui, const char *name, SDL_Rect r, SDL_Color c, SDL_Color bg)
{
    IconFn fn = find(name);
    float s = (float)(r.w < r.h ? r.w : r.h);
    if (ui_visible(ui, r)) (fn ? fn : draw_emblem)(ui, (float)r.x, (float)r.y, s, c, bg);
    ui_record(ui, WIDGET_ICON, NULL, name ? name : "", r, false);
}
