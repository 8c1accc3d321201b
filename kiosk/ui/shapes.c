/* shapes.c — smooth pictures drawn from shapes (see shapes.h). */
#include "shapes.h"

#include <math.h>
#include <stdio.h>

#define MAX_PRIMS 6
#define MAX_POINTS 12

/* A disc, or a polyline stroke of half-width r; coordinates are fractions
 * of the picture's side. */
typedef struct Prim {
    int points; /* 1 = a disc at pts[0] */
    float pts[MAX_POINTS][2];
    float r;
    SDL_Color c;
} Prim;

typedef struct Picture {
    Prim prim[MAX_PRIMS];
    int count;
} Picture;

static float seg_dist(float px, float py, const float *a, const float *b)
{
    float vx = b[0] - a[0], vy = b[1] - a[1], wx = px - a[0], wy = py - a[1];
    float len2 = vx * vx + vy * vy;
    float t = len2 > 0 ? (wx * vx + wy * vy) / len2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    float dx = wx - t * vx, dy = wy - t * vy;
    return sqrtf(dx * dx + dy * dy);
}

/* Distance in pixels from (px, py) to the primitive's edge; negative inside. */
static float prim_dist(const Prim *p, float px, float py, float side)
{
    float d;
    if (p->points == 1) {
        float dx = px - p->pts[0][0] * side, dy = py - p->pts[0][1] * side;
        d = sqrtf(dx * dx + dy * dy);
    } else {
        d = INFINITY;
        for (int i = 0; i + 1 < p->points; i++) {
            float a[2] = {p->pts[i][0] * side, p->pts[i][1] * side};
            float b[2] = {p->pts[i + 1][0] * side, p->pts[i + 1][1] * side};
            float s = seg_dist(px, py, a, b);
            if (s < d) d = s;
        }
    }
    return d - p->r * side;
}

/* Each primitive over the ones before it, with its coverage as alpha. */
static void paint(SDL_Surface *s, const void *ctx)
{
    const Picture *pic = ctx;
    float side = (float)(s->w < s->h ? s->w : s->h);
    for (int y = 0; y < s->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            float r = 0, g = 0, b = 0, a = 0; /* premultiplied */
            for (int i = 0; i < pic->count; i++) {
                const Prim *p = &pic->prim[i];
                float cover = 0.5f - prim_dist(p, x + 0.5f, y + 0.5f, side);
                if (cover <= 0) continue;
                if (cover > 1) cover = 1;
                float sa = cover * p->c.a / 255.0f;
                r = p->c.r / 255.0f * sa + r * (1 - sa);
                g = p->c.g / 255.0f * sa + g * (1 - sa);
                b = p->c.b / 255.0f * sa + b * (1 - sa);
                a = sa + a * (1 - sa);
            }
            if (a <= 0) continue;
            row[x] = (Uint32)lroundf(a * 255) << 24 | (Uint32)lroundf(r / a * 255) << 16 |
                     (Uint32)lroundf(g / a * 255) << 8 | (Uint32)lroundf(b / a * 255);
        }
    }
}

static void add_disc(Picture *p, float x, float y, float r, SDL_Color c)
{
    if (p->count == MAX_PRIMS) return;
    p->prim[p->count++] = (Prim){.points = 1, .pts = {{x, y}}, .r = r, .c = c};
}

static Prim *add_stroke(Picture *p, float r, SDL_Color c)
{
    if (p->count == MAX_PRIMS) return NULL;
    Prim *s = &p->prim[p->count++];
    *s = (Prim){.points = 0, .r = r, .c = c};
    return s;
}

static void stroke_point(Prim *s, float x, float y)
{
    if (!s || s->points == MAX_POINTS) return;
    s->pts[s->points][0] = x;
    s->pts[s->points][1] = y;
    s->points++;
}

static void colour_key(char *buf, size_t size, const char *what, int n, SDL_Color a, SDL_Color b)
{
    snprintf(buf, size, "%s%d.%02x%02x%02x%02x.%02x%02x%02x%02x", what, n, a.r, a.g, a.b, a.a, b.r, b.g, b.b, b.a);
}

void shapes_tick(Ui *ui, SDL_Rect r, SDL_Color disc, SDL_Color mark)
{
    Picture pic = {0};
    add_disc(&pic, 0.5f, 0.5f, 0.5f - 1.0f / (float)(r.w > 2 ? r.w : 2), disc);
    Prim *s = add_stroke(&pic, 0.045f, mark);
    stroke_point(s, 0.28f, 0.53f);
    stroke_point(s, 0.44f, 0.68f);
    stroke_point(s, 0.73f, 0.37f);
    char key[64];
    colour_key(key, sizeof key, "tick", 0, disc, mark);
    ui_picture(ui, key, r, paint, &pic);
}

void shapes_face(Ui *ui, SDL_Rect r, int mood, SDL_Color face, SDL_Color features)
{
    Picture pic = {0};
    add_disc(&pic, 0.5f, 0.5f, 0.5f - 1.0f / (float)(r.w > 2 ? r.w : 2), face);
    add_disc(&pic, 0.35f, 0.40f, 0.065f, features);
    add_disc(&pic, 0.65f, 0.40f, 0.065f, features);
    /* The mouth: a parabola whose middle sinks for a smile and rises for
     * a frown; level for the middle mood. */
    float bend = 0.055f * (float)mood, base = 0.68f - bend / 2;
    Prim *m = add_stroke(&pic, 0.038f, features);
    for (int i = 0; i <= 8; i++) {
        float t = (float)i / 8 * 2 - 1;
        stroke_point(m, 0.5f + 0.19f * t, base + bend * (1 - t * t));
    }
    char key[64];
    colour_key(key, sizeof key, "face", mood, face, features);
    ui_picture(ui, key, r, paint, &pic);
}
