#include "headless.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "blobs.h"
#include "body.h"
#include "import.h"
#include "log.h"
#include "pdfpage.h"
#include "screen_feedback.h"
#include "number.h"

#define TAP_MS 80
#define SETTLE_MS 300
#define HEADLESS_WRITE_SETTLE_MS 2000 /* real time a line waits for the feedback writer (docs/HEADLESS.md) */
#define MAX_ARGS 8

typedef struct Run {
    App *app;
    const Config *cfg;
    const char *script;
    int line;
    char shots[PATH_MAX];
    Err err; /* why the script stops, printed after its line number */
    SyncThread *sync; /* started by sync-start */
    Store *locker; /* lock-store: a connection of its own holding the write lock */
    char kept_id[96]; /* remember-place: a widget whose place must not change */
    SDL_Rect kept_rect;
} Run;

static int fail(Run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Run *r, const char *fmt, ...)
{
    char msg[sizeof r->err.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(&r->err, "%s", msg);
}

/* Hands every queued event to the app and lets it react at once. */
static void process_events(App *app)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) app_handle_event(app, &e);
    app_advance(app, 0);
}

/* SIGTERM and SIGINT reach SDL as SDL_QUIT; it is looked for, not taken,
 * between lines. */
static bool quit_asked(App *app)
{
    SDL_PumpEvents();
    return app_quitting(app) || SDL_HasEvent(SDL_QUIT);
}

/* Real time passes in short sleeps, reading events between them, so a
 * SIGTERM (SDL's SDL_QUIT) ends the hold at once. */
static void hold(App *app, uint32_t ms)
{
    uint32_t start = SDL_GetTicks();
    while (!app_quitting(app) && SDL_GetTicks() - start < ms) {
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, 50)) app_handle_event(app, &e);
    }
}

static void push_finger(App *app, Uint32 type, SDL_FingerID finger, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = finger;
    int px, py;
    app_to_output(app, x, y, &e.tfinger.x, &e.tfinger.y, &px, &py);
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
    process_events(app);
}

static void push_mouse(App *app, Uint32 type, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    float u, v;
    app_to_output(app, x, y, &u, &v, &x, &y);
    if (type == SDL_MOUSEMOTION) {
        e.motion.x = x;
        e.motion.y = y;
        e.motion.state = SDL_BUTTON_LMASK;
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = x;
        e.button.y = y;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.clicks = 1;
    }
    SDL_PushEvent(&e);
    process_events(app);
}

typedef enum { POINTER_DOWN, POINTER_MOVE, POINTER_UP } PointerPhase;

/* One event of the first finger, or of the left mouse button. */
static void push_pointer(App *app, PointerPhase phase, bool mouse, int x, int y)
{
    static const Uint32 finger_types[] = {SDL_FINGERDOWN, SDL_FINGERMOTION, SDL_FINGERUP};
    static const Uint32 mouse_types[] = {SDL_MOUSEBUTTONDOWN, SDL_MOUSEMOTION, SDL_MOUSEBUTTONUP};
    if (mouse) push_mouse(app, mouse_types[phase], x, y);
    else push_finger(app, finger_types[phase], 0, x, y);
}

/* Down, held for ms, up, then the screen settles: a tap, a click or a
 * long press. */
static void press_at(App *app, int x, int y, uint32_t ms, bool mouse)
{
    push_pointer(app, POINTER_DOWN, mouse, x, y);
    app_advance(app, ms);
    push_pointer(app, POINTER_UP, mouse, x, y);
    app_advance(app, SETTLE_MS);
}

static void tap(App *app, int x, int y) { press_at(app, x, y, TAP_MS, false); }

static void tap_widget(App *app, const Widget *w) { tap(app, w->rect.x + w->rect.w / 2, w->rect.y + w->rect.h / 2); }

static void drag(App *app, int x1, int y1, int x2, int y2, int ms, bool mouse)
{
    push_pointer(app, POINTER_DOWN, mouse, x1, y1);
    int steps = ms / 16 > 0 ? ms / 16 : 1;
    for (int i = 1; i <= steps; i++) {
        app_advance(app, (uint32_t)(ms / steps));
        push_pointer(app, POINTER_MOVE, mouse, x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps);
    }
    push_pointer(app, POINTER_UP, mouse, x2, y2);
    app_advance(app, SETTLE_MS);
}

/* Two fingers side by side around (x, y), their distance going from d1 to
 * d2 and their midpoint moving by (dx, dy) over ms: a pinch (d2 > d1 zooms
 * in), or with d1 == d2 a two-finger drag. */
static void pinch(App *app, int x, int y, int d1, int d2, int ms, int dx, int dy)
{
    push_finger(app, SDL_FINGERDOWN, 0, x - d1 / 2, y);
    push_finger(app, SDL_FINGERDOWN, 1, x + d1 / 2, y);
    int steps = ms / 16 > 0 ? ms / 16 : 1, d = d1, cx = x, cy = y;
    for (int i = 1; i <= steps; i++) {
        app_advance(app, (uint32_t)(ms / steps));
        d = d1 + (d2 - d1) * i / steps;
        cx = x + dx * i / steps;
        cy = y + dy * i / steps;
        push_finger(app, SDL_FINGERMOTION, 0, cx - d / 2, cy);
        push_finger(app, SDL_FINGERMOTION, 1, cx + d / 2, cy);
    }
    push_finger(app, SDL_FINGERUP, 1, cx + d / 2, cy);
    push_finger(app, SDL_FINGERUP, 0, cx - d / 2, cy);
    app_advance(app, SETTLE_MS);
}

/* Two quick taps at one place (a double tap zooms). */
static void double_tap(App *app, int x, int y)
{
    push_finger(app, SDL_FINGERDOWN, 0, x, y);
    app_advance(app, TAP_MS);
    push_finger(app, SDL_FINGERUP, 0, x, y);
    app_advance(app, 120);
    push_finger(app, SDL_FINGERDOWN, 0, x, y);
    app_advance(app, TAP_MS);
    push_finger(app, SDL_FINGERUP, 0, x, y);
    app_advance(app, SETTLE_MS);
}

/* The touchable widget whose id is, or whose text equals, what. */
static const Widget *find_target(App *app, const char *what)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (w[i].touch && strcmp(w[i].id, what) == 0) return &w[i];
    for (int i = 0; i < n; i++)
        if (w[i].touch && strcmp(w[i].text, what) == 0) return &w[i];
    return NULL;
}

static bool text_shown(App *app, const char *what)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (strstr(w[i].text, what)) return true;
    return false;
}

/* The widget (touchable or not) whose id is id, or NULL. */
static const Widget *widget_by_id(App *app, const char *id)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (strcmp(w[i].id, id) == 0) return &w[i];
    return NULL;
}

static bool rect_inside(SDL_Rect in, SDL_Rect out, int slack)
{
    return in.x >= out.x - slack && in.y >= out.y - slack && in.x + in.w <= out.x + out.w + slack &&
           in.y + in.h <= out.y + out.h + slack;
}

static int check_layout(Run *r)
{
    App *app = r->app;
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    int min = ui_px(app_ui(app), UI_MIN_TARGET);
    SDL_Rect screen = {0, 0, app_width(app), app_height(app)};
    for (int i = 0; i < n; i++) {
        const Widget *a = &w[i];
        if (a->text_rect.w > 0 && !rect_inside(a->text_rect, a->rect, 1))
            return fail(r, "%s text \"%s\" at %d,%d %dx%d is outside its box %d,%d %dx%d", ui_widget_kind_name(a->kind),
                        a->text, a->text_rect.x, a->text_rect.y, a->text_rect.w, a->text_rect.h, a->rect.x, a->rect.y,
                        a->rect.w, a->rect.h);
        if (!a->touch) continue;
        if (a->rect.w < min || a->rect.h < min)
            return fail(r, "touch target \"%s\" (%s) is %dx%d, smaller than %dx%d", a->id, a->text, a->rect.w,
                        a->rect.h, min, min);
        if (!rect_inside(a->rect, screen, 0)) return fail(r, "touch target \"%s\" is partly off the screen", a->id);
        for (int j = i + 1; j < n; j++) {
            SDL_Rect x;
            if (w[j].touch && SDL_IntersectRect(&a->rect, &w[j].rect, &x))
                return fail(r, "touch targets \"%s\" and \"%s\" overlap", a->id, w[j].id);
        }
    }
    return 0;
}

static int check_glyphs(Run *r)
{
    int n;
    const Widget *w = ui_widgets(app_ui(r->app), &n);
    for (int i = 0; i < n; i++) {
        uint32_t cp = 0;
        if (w[i].kind == WIDGET_ICON && !w[i].touch && !w[i].text_rect.w) continue; /* icon names are not shown */
        if (fonts_missing_glyphs(app_fonts(r->app), w[i].text, &cp) > 0)
            return fail(r, "no font has U+%04X, shown in \"%s\"", (unsigned)cp, w[i].text);
    }
    return 0;
}

/* Everything but white space, for comparing text across line breaks: all
 * Unicode white space (U+3000 indents, no-break spaces, …), which the
 * layout drops at line ends and paragraph starts. */
static char *squeeze(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        ucs4_t cp;
        int len = u8_mbtouc(&cp, p, (size_t)(end - p));
        if (!uc_is_property_white_space(cp) && cp != 0x200B && cp != 0xFEFF) {
            memcpy(o, p, (size_t)len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    return out;
}

/* Lines of body text (a table row counts as one) and images on the current screen. */
static void page_content(App *app, int *lines, int *images)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    *lines = *images = 0;
    for (int i = 0; i < n; i++) {
        if (w[i].kind == WIDGET_IMAGE) (*images)++;
        *lines += w[i].lines + (strncmp(w[i].id, "trow:", 5) == 0);
    }
}

/* The reader's body text is drawn with the face named (the dump's "face"). */
static int expect_body_face(Run *r, const char *family)
{
    int n, bodies = 0;
    const Widget *w = ui_widgets(app_ui(r->app), &n);
    for (int i = 0; i < n; i++) {
        if (strcmp(w[i].id, UI_BODY_ID) != 0) continue;
        bodies++;
        const char *face = fonts_family(app_fonts(r->app), (int)w[i].lang);
        if (strcmp(face, family) != 0) return fail(r, "the body is drawn with %s, not %s", face, family);
    }
    if (bodies == 0) return fail(r, "expect-body-face: no body text on the %s screen", app_screen_name(r->app));
    return 0;
}

/* A reader page shows some text or an image: never a blank page. */
static int check_not_blank(Run *r)
{
    if (strcmp(app_screen_name(r->app), "reader") != 0) return fail(r, "check-not-blank: not on the reader screen");
    int lines, images;
    page_content(r->app, &lines, &images);
    if (lines == 0 && images == 0) return fail(r, "the page shows no text, no table row and no image");
    return 0;
}

/* Removes paragraphs that are image markers ([图N]). */
static void drop_markers(char *s)
{
    char *p;
    while ((p = strstr(s, "[图")) != NULL) {
        char *end = strchr(p, ']');
        if (!end) break;
        memmove(p, end + 1, strlen(end + 1) + 1);
    }
}

static int append(char **buf, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *b = realloc(*buf, *len + n + 1);
    if (!b) return -1;
    memcpy(b + *len, text, n + 1);
    *buf = b;
    *len += n;
    return 0;
}

/* On the reader: pages forward with the 下一页 button to the last page,
 * and checks that the pages together show the whole body, in order. */
/* Table rows read so far, as table * 100000 + row. */
typedef struct RowsSeen {
    int *v;
    int n, cap;
    unsigned long long tables; /* tables begun on an earlier page (bit per table index < 64) */
} RowsSeen;

static bool rows_seen_has(const RowsSeen *rs, int key)
{
    for (int i = 0; i < rs->n; i++)
        if (rs->v[i] == key) return true;
    return false;
}

/* Every table row on the page is whole (above the bars at the bottom), shown
 * on one page only, and a table continued from an earlier page starts this
 * page with its header row again. */
static int check_table_rows(Run *r, RowsSeen *rs)
{
    int n, bottom = app_height(r->app);
    const Widget *w = ui_widgets(app_ui(r->app), &n);
    for (int i = 0; i < n; i++)
        if (w[i].touch && (strncmp(w[i].id, "nav.", 4) == 0 || strncmp(w[i].id, "pager.", 6) == 0) &&
            w[i].rect.y < bottom)
            bottom = w[i].rect.y;
    unsigned long long here = 0;
    for (int i = 0; i < n; i++) {
        int t, row, used = 0;
        if (sscanf(w[i].id, "trow:%d:%d%n", &t, &row, &used) != 2 || t < 0 || t >= 64) continue;
        bool repeat = strcmp(w[i].id + used, ":repeat") == 0;
        if (w[i].rect.y + w[i].rect.h > bottom + 1)
            return fail(r, "table %d row %d is cut at the foot of the page", t, row);
        if (!(here & (1ull << t)) && (rs->tables & (1ull << t)) && !(row == 0 && repeat))
            return fail(r, "table %d continues without its header row", t);
        here |= 1ull << t;
        if (repeat) continue;
        int key = t * 100000 + row;
        if (rows_seen_has(rs, key)) return fail(r, "table %d row %d is split over two pages", t, row);
        if (rs->n == rs->cap) {
            int cap = rs->cap ? rs->cap * 2 : 64;
            int *v = realloc(rs->v, (size_t)cap * sizeof *v);
            if (!v) return fail(r, "out of memory");
            rs->v = v;
            rs->cap = cap;
        }
        rs->v[rs->n++] = key;
    }
    rs->tables |= here;
    return 0;
}

/* What the reader should show of an item, white space aside. */
static char *expected_text(const StoreItem *it)
{
    if (it->body_format != BODY_MARKDOWN) {
        char *want = squeeze(it->body);
        if (want) drop_markers(want);
        return want;
    }
    Body doc;
    Err err;
    if (body_parse(it->body, true, it->s.image_count, &doc, &err) != 0) return NULL;
    char *plain = body_plain_text(&doc);
    body_free(&doc);
    char *want = plain ? squeeze(plain) : NULL;
    free(plain);
    return want;
}

/* On the reader: pages forward with the 下一页 button to the last page,
 * and checks that the pages together show the whole body, in order, with
 * every table row whole and on one page. */
/* A guard against a pager that never ends, above any real item: a
 * 100,000-character item in large text is about 1,300 pages at 1080p
 * (bench_soak reads one). */
#define READ_ITEM_MAX_PAGES 3000

static int read_item(Run *r)
{
    App *app = r->app;
    if (strcmp(app_screen_name(app), "reader") != 0) return fail(r, "read-item: not on the reader screen");
    StoreItem it;
    Err err;
    if (store_item_get(app_store(app), app_screen_arg(app), app_time(app), &it, &err) != 0)
        return fail(r, "read-item: the item is not visible");
    char *seen = NULL;
    size_t len = 0;
    int pages = 0, rc = 0;
    RowsSeen rows = {0};
    for (;;) {
        app_render(app);
        if (check_layout(r) || check_glyphs(r) || check_not_blank(r) || check_table_rows(r, &rows)) {
            char why[sizeof r->err.msg];
            snprintf(why, sizeof why, "%s", r->err.msg);
            free(seen);
            free(rows.v);
            store_item_free(&it);
            return fail(r, "read-item \"%s\": page %d: %s", it.s.id, pages + 1, why);
        }
        int n;
        const Widget *w = ui_widgets(app_ui(app), &n);
        for (int i = 0; i < n; i++)
            if (strcmp(w[i].id, UI_BODY_ID) == 0 || (strncmp(w[i].id, "trow:", 5) == 0 && !strstr(w[i].id, ":repeat")))
                append(&seen, &len, w[i].text);
        pages++;
        const Widget *next = find_target(app, PAGER_NEXT);
        if (!next || pages > READ_ITEM_MAX_PAGES) break;
        tap_widget(app, next);
    }
    char *want = expected_text(&it), *got = squeeze(seen ? seen : "");
    if (!want || !got) rc = fail(r, "read-item: out of memory");
    else if (strcmp(want, got) != 0) {
        size_t k = 0;
        while (want[k] && want[k] == got[k]) k++;
        rc = fail(r, "read-item: %d pages show %zu of %zu bytes of the body; they differ at byte %zu (\"%.30s\")",
                  pages, strlen(got), strlen(want), k, want + k);
    } else {
        log_info("headless: read \"%s\" in %d pages, %d table rows", it.s.id, pages, rows.n);
    }
    free(want);
    free(got);
    free(seen);
    free(rows.v);
    store_item_free(&it);
    return rc;
}

/* The ids of touchable widgets starting with prefix, in screen order. */
static int collect_ids(App *app, const char *prefix, char (*ids)[96], int max)
{
    int n, count = 0;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n && count < max; i++)
        if (w[i].touch && strncmp(w[i].id, prefix, strlen(prefix)) == 0) snprintf(ids[count++], 96, "%s", w[i].id);
    return count;
}

static int tap_id(Run *r, const char *id)
{
    app_render(r->app);
    const Widget *w = find_target(r->app, id);
    if (!w) return fail(r, "nothing touchable has the id \"%s\" on the %s screen", id, app_screen_name(r->app));
    tap_widget(r->app, w);
    return 0;
}

static int expect_screen(Run *r, const char *name)
{
    app_render(r->app);
    if (strcmp(app_screen_name(r->app), name) != 0)
        return fail(r, "expected the %s screen, but the %s screen is shown", name, app_screen_name(r->app));
    return 0;
}

static int check_screen(Run *r)
{
    app_render(r->app);
    return check_layout(r) || check_glyphs(r) ? -1 : 0;
}

#define MAX_VISIT 64

/* Every item of the category on screen, page by page: open it, read it
 * to the end with every page checked, come back. */
static int visit_category(Run *r, int *items)
{
    for (int page = 0;; page++) {
        if (check_screen(r)) return -1;
        char rows[MAX_VISIT][96];
        int n = collect_ids(r->app, "item:", rows, MAX_VISIT);
        for (int i = 0; i < n; i++) {
            if (tap_id(r, rows[i]) || expect_screen(r, "reader") || read_item(r)) return -1;
            (*items)++;
            if (tap_id(r, NAV_BACK) || expect_screen(r, "category")) return -1;
        }
        app_render(r->app);
        if (!find_target(r->app, PAGER_NEXT)) return 0;
        if (tap_id(r, PAGER_NEXT)) return -1;
    }
}

/* From the home screen: every category, every item, every page. */
static int visit_all(Run *r)
{
    if (expect_screen(r, "home") || check_screen(r)) return -1;
    char cats[MAX_VISIT][96];
    int n = collect_ids(r->app, "cat:", cats, MAX_VISIT), items = 0;
    if (n == 0) return fail(r, "visit-all: the home screen shows no categories");
    for (int i = 0; i < n; i++) {
        if (tap_id(r, cats[i]) || expect_screen(r, "category") || visit_category(r, &items)) return -1;
        if (tap_id(r, NAV_HOME) || expect_screen(r, "home")) return -1;
    }
    log_info("headless: visited %d categories and %d items", n, items);
    return 0;
}

static int glyphs_of(Run *r, const char *what, const char *text)
{
    uint32_t cp = 0;
    if (text && fonts_missing_glyphs(app_fonts(r->app), text, &cp) > 0)
        return fail(r, "no font has U+%04X, used in %s", (unsigned)cp, what);
    return 0;
}

/* Every visible text in the store (catalog, items with captions,
 * notices) against the fonts: no tofu anywhere, not only on screen. */
static int check_content_glyphs(Run *r)
{
    Store *s = app_store(r->app);
    int64_t now = app_time(r->app);
    Err err;
    StoreCategory *cats = NULL;
    int nc = 0, rc = 0, checked = 0;
    if (store_catalog(s, now, &cats, &nc, &err)) return fail(r, "%s", err.msg);
    for (int i = 0; i < nc && rc == 0; i++) {
        rc = glyphs_of(r, cats[i].name, cats[i].name);
        if (cats[i].level != 1) continue;
        StoreItemSummary *items = NULL;
        int ni = 0, total = 0;
        if (store_items_page(s, cats[i].id, now, 0, 100000, &items, &ni, &total, &err)) {
            rc = fail(r, "%s", err.msg);
            break;
        }
        for (int j = 0; j < ni && rc == 0; j++) {
            StoreItem it;
            if (store_item_get(s, items[j].id, now, &it, &err) != 0) continue;
            rc = glyphs_of(r, it.s.id, it.s.title) || glyphs_of(r, it.s.id, it.body) || glyphs_of(r, it.s.id, it.unit);
            for (int k = 0; k < it.s.image_count && rc == 0; k++) rc = glyphs_of(r, it.s.id, it.images[k].caption);
            store_item_free(&it);
            checked++;
        }
        store_free(items);
    }
    store_free(cats);
    StoreNotice *notices = NULL;
    int nn = 0;
    if (rc == 0 && store_notices(s, now, &notices, &nn, &err) == 0)
        for (int i = 0; i < nn && rc == 0; i++) rc = glyphs_of(r, "a notice", notices[i].text);
    store_free(notices);
    if (rc == 0 && checked == 0) return fail(r, "check-content-glyphs: the store shows no items");
    if (rc == 0) log_info("headless: %d items and %d notices have every glyph", checked, nn);
    return rc ? -1 : 0;
}

/* Applies a feed through a connection of its own, as the sync thread
 * would, then raises the content-changed event. */
static int import_feed(Run *r, const char *file)
{
    Store *s;
    Err err;
    FeedResult res;
    if (store_open(r->cfg->db_path, &s, &err)) return fail(r, "import: %s", err.msg);
    int rc = feed_import_file(s, file, &res, &err);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file);
    int fetched = 0;
    if (rc == 0 && (blobs_mkdirs(r->cfg->cache_dir, &err) ||
                    blobs_fetch_local(s, r->cfg->cache_dir, dirname(dir), &fetched, &err)))
        rc = -1;
    store_close(s);
    if (rc) return fail(r, "import %s: %s", file, err.msg);
    app_post_content_changed();
    process_events(r->app);
    return 0;
}

/* Writes a sync_state key as the sync thread does (own connection), then
 * raises the status event. */
static int set_state(Run *r, const char *key, const char *value)
{
    Store *s;
    Err err;
    if (store_open(r->cfg->db_path, &s, &err)) return fail(r, "state: %s", err.msg);
    int rc = store_state_set(s, key, value, &err);
    store_close(s);
    if (rc) return fail(r, "state: %s", err.msg);
    app_sync_notify(NULL, SYNC_STATUS_CHANGED);
    process_events(r->app);
    return 0;
}

/* The write lock held by a connection of its own, as the sync thread
 * holds it while it applies a snapshot, until unlock-store: what must
 * write meanwhile (the feedback writer) waits, while reads and the
 * screen go on. */
static int lock_store(Run *r)
{
    if (r->locker) return fail(r, "lock-store: the store is locked already");
    Err err;
    if (store_open(r->cfg->db_path, &r->locker, &err)) return fail(r, "lock-store: %s", err.msg);
    if (store_write_begin(r->locker, &err) == 0) return 0;
    store_close(r->locker);
    r->locker = NULL;
    return fail(r, "lock-store: %s", err.msg);
}

static int unlock_store(Run *r)
{
    if (!r->locker) return fail(r, "unlock-store: the store is not locked");
    Err err;
    int rc = store_write_commit(r->locker, &err);
    store_close(r->locker);
    r->locker = NULL;
    return rc ? fail(r, "unlock-store: %s", err.msg) : 0;
}

static int cmd_lock_store(Run *r, int argc, char **argv) { return (void)argc, (void)argv, lock_store(r); }
static int cmd_unlock_store(Run *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (unlock_store(r)) return -1;
    /* What waited for the lock is written now: the next line sees it. */
    if (feedback_screens_settle(true, HEADLESS_WRITE_SETTLE_MS) != 0) process_events(r->app);
    return 0;
}

/* The real sync thread, as bin/kiosk starts it on a screen, for scripts
 * that follow content or feedback to a server (the script's clock does
 * not reach it: it runs in real time). */
static int start_sync(Run *r)
{
    if (r->sync) return fail(r, "sync-start: the sync thread runs already");
    Err err;
    if (sync_start(r->cfg, app_sync_notify, NULL, &r->sync, &err)) return fail(r, "sync-start: %s", err.msg);
    app_set_sync(r->app, r->sync);
    return 0;
}

/* Waits (real time, up to 30 s) until sync_state KEY is VALUE.  What the
 * sync thread asks of the screen meanwhile (a remote screenshot's frame)
 * is drawn as it would be on a screen. */
static int wait_state(Run *r, const char *key, const char *value)
{
    char have[256] = "";
    for (int waited = 0; waited < 30000; waited += 50) {
        if (store_state_get(app_store(r->app), key, have, sizeof have) == 0 && strcmp(have, value) == 0) {
            process_events(r->app);
            return 0;
        }
        hold(r->app, 50);
        process_events(r->app);
        if (app_quitting(r->app)) return 0;
    }
    return fail(r, "wait-state: %s is \"%s\" after 30 s, not \"%s\"", key, have, value);
}

/* Waits (real time, up to 30 s) until some widget shows TEXT: what the
 * sync thread answers (a receipt lookup) arrives as an event, in real
 * time, while the script's clock stands still. */
static int wait_text(Run *r, const char *text)
{
    for (int waited = 0; waited < 30000; waited += 50) {
        process_events(r->app);
        app_render(r->app);
        if (text_shown(r->app, text)) return 0;
        if (app_quitting(r->app)) return 0;
        hold(r->app, 50);
    }
    return fail(r, "wait-text: \"%s\" is not shown on the %s screen after 30 s", text, app_screen_name(r->app));
}

/* Waits (real time, up to 30 s) until the PDF pages the screen asks for
 * are rendered and shown: the worker renders in real time, off the
 * script's clock, as it does off the UI thread on a screen. */
static int wait_pdf(Run *r)
{
    for (int waited = 0; waited < 30000; waited += 10) {
        process_events(r->app);
        app_render(r->app);
        if (!ui_pdf_busy(app_ui(r->app))) return 0;
        SDL_Delay(10);
        if (app_quitting(r->app)) return 0;
    }
    return fail(r, "wait-pdf: the PDF pages are not rendered after 30 s");
}

static int out_path(Run *r, const char *name, const char *ext, char *buf, size_t size)
{
    Err err;
    if (blobs_mkdirs(r->shots, &err)) return fail(r, "%s", err.msg);
    snprintf(buf, size, "%s/%s%s", r->shots, name, ext);
    return 0;
}

/* stroke TARGET X,Y X,Y ...: one finger drawn through the points, given in
 * percent of the box of the widget TARGET (an id, touchable or not), so a
 * script writes on the handwriting pad in any orientation. */
static int stroke(Run *r, char *spec)
{
    App *app = r->app;
    app_render(app);
    char *save = NULL, *target = strtok_r(spec, " \t", &save);
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n), *box = NULL;
    for (int i = 0; target && i < n && !box; i++)
        if (strcmp(w[i].id, target) == 0) box = &w[i];
    if (!box) return fail(r, "stroke: no widget \"%s\" on the %s screen", target ? target : "", app_screen_name(app));
    SDL_Rect b = box->rect;
    int count = 0, px = 0, py = 0;
    for (char *pt = strtok_r(NULL, " \t", &save); pt; pt = strtok_r(NULL, " \t", &save)) {
        int x, y;
        if (sscanf(pt, "%d,%d", &x, &y) != 2 || x < 0 || x > 100 || y < 0 || y > 100)
            return fail(r, "stroke: \"%s\" is not X,Y in percent of the box", pt);
        px = b.x + b.w * x / 100;
        py = b.y + b.h * y / 100;
        if (count++ == 0) {
            push_finger(app, SDL_FINGERDOWN, 0, px, py);
            continue;
        }
        app_advance(app, 16);
        push_finger(app, SDL_FINGERMOTION, 0, px, py);
    }
    if (count < 2) return fail(r, "usage: stroke TARGET X,Y X,Y [X,Y ...]");
    push_finger(app, SDL_FINGERUP, 0, px, py);
    app_advance(app, 16);
    return 0;
}

/* ---- numbers: a typo fails the script at its line, it never taps (0,0) */

#define COORD_MAX 100000 /* px: beyond any screen, below any overflow */
#define MS_MAX (24 * 3600 * 1000) /* a day of the script's clock */

static int number(Run *r, const char *text, const char *what, int lo, int hi, int *out)
{
    if (number_parse_int(text, lo, hi, out) == 0) return 0;
    return fail(r, "%s: \"%s\" is not a whole number %d..%d", what, text, lo, hi);
}

/* argv[first], argv[first + 1] as a point X Y. */
static int point(Run *r, char **argv, int first, int *x, int *y)
{
    return number(r, argv[first], "X", 0, COORD_MAX, x) || number(r, argv[first + 1], "Y", 0, COORD_MAX, y);
}

static int millis(Run *r, const char *text, uint32_t *out)
{
    int ms;
    if (number(r, text, "MS", 0, MS_MAX, &ms)) return -1;
    *out = (uint32_t)ms;
    return 0;
}

/* "ID TEXT" (a command's rest of line) into its two parts. */
static int id_and_text(Run *r, char *rest, const char *usage, char **text)
{
    *text = strchr(rest, ' ');
    if (!*text) return fail(r, "usage: %s", usage);
    *(*text)++ = '\0';
    return 0;
}

/* ---- the commands (docs/HEADLESS.md), one function each ------------------ */

static int cmd_tap(Run *r, int argc, char **argv)
{
    (void)argc;
    int x, y;
    if (point(r, argv, 1, &x, &y)) return -1;
    press_at(r->app, x, y, TAP_MS, argv[0][0] == 'c'); /* click: the mouse */
    return 0;
}

static int cmd_tap_until(Run *r, int argc, char **argv)
{
    (void)argc;
    char *text;
    if (id_and_text(r, argv[1], "tap-until ID TEXT", &text)) return -1;
    for (int i = 0; i < 20 && !text_shown(r->app, text); i++) {
        if (tap_id(r, argv[1])) return -1;
        app_render(r->app);
    }
    if (!text_shown(r->app, text)) return fail(r, "\"%s\" not shown after tapping %s 20 times", text, argv[1]);
    return 0;
}

static int cmd_tap_first(Run *r, int argc, char **argv)
{
    (void)argc;
    char id[1][96];
    if (collect_ids(r->app, argv[1], id, 1) != 1)
        return fail(r, "nothing touchable has an id starting with \"%s\"", argv[1]);
    return tap_id(r, id[0]);
}

static int cmd_tap_text(Run *r, int argc, char **argv)
{
    (void)argc;
    const Widget *w = find_target(r->app, argv[1]);
    if (!w) return fail(r, "nothing touchable shows \"%s\" on the %s screen", argv[1], app_screen_name(r->app));
    tap_widget(r->app, w);
    return 0;
}

static int cmd_finger(Run *r, int argc, char **argv)
{
    int x, y, finger = 0;
    if (point(r, argv, 1, &x, &y) || (argc == 4 && number(r, argv[3], "FINGER", 0, 9, &finger))) return -1;
    push_finger(r->app, argv[0][0] == 'd' ? SDL_FINGERDOWN : SDL_FINGERUP, finger, x, y);
    return 0;
}

static int cmd_expect_pressed(Run *r, int argc, char **argv)
{
    (void)argc;
    /* No render here: the frame drawn right after the touch must already
     * show it. */
    const char *want = strcmp(argv[1], "\"\"") == 0 ? "" : argv[1];
    int n;
    const Widget *w = ui_widgets(app_ui(r->app), &n);
    const char *shown = "";
    for (int i = 0; i < n; i++)
        if (w[i].pressed) shown = w[i].id;
    if (strcmp(shown, want) != 0) return fail(r, "the frame shows \"%s\" pressed, expected \"%s\"", shown, want);
    return 0;
}

static int cmd_multi_tap(Run *r, int argc, char **argv)
{
    (void)argc;
    int x, y, x2, y2;
    if (point(r, argv, 1, &x, &y) || point(r, argv, 3, &x2, &y2)) return -1;
    push_finger(r->app, SDL_FINGERDOWN, 0, x, y);
    push_finger(r->app, SDL_FINGERDOWN, 1, x2, y2);
    app_advance(r->app, TAP_MS);
    push_finger(r->app, SDL_FINGERUP, 1, x2, y2);
    push_finger(r->app, SDL_FINGERUP, 0, x, y);
    app_advance(r->app, SETTLE_MS);
    return 0;
}

static int cmd_swipe(Run *r, int argc, char **argv)
{
    (void)argc;
    int x1, y1, x2, y2, ms;
    if (point(r, argv, 1, &x1, &y1) || point(r, argv, 3, &x2, &y2) || number(r, argv[5], "MS", 0, MS_MAX, &ms))
        return -1;
    drag(r->app, x1, y1, x2, y2, ms, argv[0][0] == 'd'); /* drag: the mouse */
    return 0;
}

static int cmd_press(Run *r, int argc, char **argv)
{
    (void)argc;
    int x, y;
    uint32_t ms;
    if (point(r, argv, 1, &x, &y) || millis(r, argv[3], &ms)) return -1;
    press_at(r->app, x, y, ms, false);
    return 0;
}

/* pinch X Y FROM TO MS DX DY: two fingers about (X, Y), FROM px apart
 * going to TO px, the midpoint moving by (DX, DY). */
static int cmd_pinch(Run *r, int argc, char **argv)
{
    (void)argc;
    int x, y, from, to, ms, dx, dy;
    if (point(r, argv, 1, &x, &y) || number(r, argv[3], "FROM", 0, COORD_MAX, &from) ||
        number(r, argv[4], "TO", 0, COORD_MAX, &to) || number(r, argv[5], "MS", 0, MS_MAX, &ms) ||
        number(r, argv[6], "DX", -COORD_MAX, COORD_MAX, &dx) || number(r, argv[7], "DY", -COORD_MAX, COORD_MAX, &dy))
        return -1;
    pinch(r->app, x, y, from, to, ms, dx, dy);
    return 0;
}

static int cmd_double_tap(Run *r, int argc, char **argv)
{
    (void)argc;
    int x, y;
    if (point(r, argv, 1, &x, &y)) return -1;
    double_tap(r->app, x, y);
    return 0;
}

static int cmd_sync_start(Run *r, int argc, char **argv) { return (void)argc, (void)argv, start_sync(r); }

static int cmd_wait_pdf(Run *r, int argc, char **argv) { return (void)argc, (void)argv, wait_pdf(r); }

static int cmd_wait_state(Run *r, int argc, char **argv)
{
    (void)argc;
    return wait_state(r, argv[1], argv[2]);
}

static int cmd_wait_text(Run *r, int argc, char **argv)
{
    (void)argc;
    return wait_text(r, argv[1]);
}

static int cmd_expect_body_face(Run *r, int argc, char **argv)
{
    (void)argc;
    return expect_body_face(r, argv[1]);
}

static int cmd_stroke(Run *r, int argc, char **argv)
{
    (void)argc;
    return stroke(r, argv[1]);
}

/* Real time passes, the script's clock stands still: a test kills the
 * kiosk during it (tests/feedback_durable.sh). */
static int cmd_hold(Run *r, int argc, char **argv)
{
    (void)argc;
    uint32_t ms;
    if (millis(r, argv[1], &ms)) return -1;
    hold(r->app, ms);
    return 0;
}

static int cmd_wait(Run *r, int argc, char **argv)
{
    (void)argc;
    uint32_t ms;
    if (millis(r, argv[1], &ms)) return -1;
    app_advance(r->app, ms);
    return 0;
}

static int cmd_clock(Run *r, int argc, char **argv)
{
    (void)argc;
    int64_t t;
    if (feed_parse_time(argv[1], &t) != 0) return fail(r, "usage: clock " PROTO_TIME_EXAMPLE);
    app_set_wall_time(r->app, t);
    app_advance(r->app, 0);
    return 0;
}

static int cmd_screenshot(Run *r, int argc, char **argv)
{
    (void)argc;
    char path[PATH_MAX];
    Err err;
    if (out_path(r, argv[1], ".png", path, sizeof path)) return -1;
    app_render(r->app);
    return app_screenshot(r->app, path, &err) ? fail(r, "%s", err.msg) : 0;
}

static int cmd_dump(Run *r, int argc, char **argv)
{
    (void)argc;
    char path[PATH_MAX];
    Err err;
    if (out_path(r, argv[1], ".json", path, sizeof path)) return -1;
    return app_dump(r->app, path, &err) ? fail(r, "%s", err.msg) : 0;
}

static int cmd_state(Run *r, int argc, char **argv)
{
    (void)argc;
    return set_state(r, argv[1], argv[2]);
}

static int cmd_lose_textures(Run *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    SDL_Event e = {.type = SDL_RENDER_TARGETS_RESET};
    SDL_PushEvent(&e);
    process_events(r->app);
    return 0;
}

static int cmd_import(Run *r, int argc, char **argv)
{
    (void)argc;
    return import_feed(r, argv[1]);
}

static int cmd_expect_screen(Run *r, int argc, char **argv)
{
    (void)argc;
    return expect_screen(r, argv[1]);
}

static int cmd_expect_text(Run *r, int argc, char **argv)
{
    (void)argc;
    bool want = strcmp(argv[0], "expect-text") == 0;
    if (text_shown(r->app, argv[1]) != want)
        return fail(r, "\"%s\" is %s on the %s screen", argv[1], want ? "not shown" : "shown", app_screen_name(r->app));
    return 0;
}

static int cmd_expect_depth(Run *r, int argc, char **argv)
{
    (void)argc;
    int depth;
    if (number(r, argv[1], "N", 0, 1000, &depth)) return -1;
    if (app_depth(r->app) != depth) return fail(r, "%d screens are open, expected %d", app_depth(r->app), depth);
    return 0;
}

/* expect-panel on|off: the panel command last run was that one, and it
 * has ended (waits for it in real time, up to 10 s). */
static int cmd_expect_panel(Run *r, int argc, char **argv)
{
    (void)argc;
    const char *state = app_panel_settle(r->app, 10000);
    if (!state) return fail(r, "expect-panel: a panel command still runs after 10 s");
    if (strcmp(state, argv[1]) != 0)
        return fail(r, "expect-panel: the panel was switched %s last, expected %s", state[0] ? state : "never",
                    argv[1]);
    return 0;
}

static int cmd_expect_body_lines(Run *r, int argc, char **argv)
{
    (void)argc;
    int min, lines, images;
    if (number(r, argv[1], "MIN", 0, 100000, &min)) return -1;
    page_content(r->app, &lines, &images);
    if (lines < min) return fail(r, "the page shows %d lines of text, expected at least %d", lines, min);
    return 0;
}

static int cmd_expect_screen_or_text(Run *r, int argc, char **argv)
{
    (void)argc;
    char *text;
    if (id_and_text(r, argv[1], "expect-screen-or-text NAME TEXT", &text)) return -1;
    if (strcmp(app_screen_name(r->app), argv[1]) != 0 && !text_shown(r->app, text))
        return fail(r, "neither the %s screen nor \"%s\" is shown (the %s screen is)", argv[1], text,
                    app_screen_name(r->app));
    return 0;
}

/* expect-order ID ID ...: the widgets come in reading order, each below the
 * one before it, or on the same row to its right. */
static int cmd_expect_order(Run *r, int argc, char **argv)
{
    (void)argc;
    char *save = NULL, *prev_id = NULL;
    SDL_Rect prev = {0};
    for (char *id = strtok_r(argv[1], " \t", &save); id; id = strtok_r(NULL, " \t", &save)) {
        const Widget *w = widget_by_id(r->app, id);
        if (!w) return fail(r, "no widget with the id \"%s\" on the %s screen", id, app_screen_name(r->app));
        SDL_Rect c = w->rect;
        bool below = c.y >= prev.y + prev.h / 2;
        bool same_row_right = abs(c.y - prev.y) < prev.h / 2 && c.x >= prev.x + prev.w / 2;
        if (prev_id && !below && !same_row_right)
            return fail(r, "%s (%d,%d) does not come after %s (%d,%d) in reading order", id, c.x, c.y, prev_id, prev.x,
                        prev.y);
        prev_id = id;
        prev = c;
    }
    return 0;
}

/* remember-place ID, then expect-unmoved ID: the widget has not moved
 * (beyond the few px of the drift against burn-in). */
static int cmd_place(Run *r, int argc, char **argv)
{
    (void)argc;
    const Widget *w = widget_by_id(r->app, argv[1]);
    if (!w) return fail(r, "no widget with the id \"%s\" on the %s screen", argv[1], app_screen_name(r->app));
    if (argv[0][0] == 'r') {
        snprintf(r->kept_id, sizeof r->kept_id, "%s", argv[1]);
        r->kept_rect = w->rect;
        return 0;
    }
    if (strcmp(r->kept_id, argv[1]) != 0) return fail(r, "expect-unmoved %s: remember-place it first", argv[1]);
    SDL_Rect a = r->kept_rect, b = w->rect;
    if (abs(a.x - b.x) > 6 || abs(a.y - b.y) > 6 || a.w != b.w || a.h != b.h)
        return fail(r, "%s moved from %d,%d %dx%d to %d,%d %dx%d", argv[1], a.x, a.y, a.w, a.h, b.x, b.y, b.w, b.h);
    return 0;
}

/* The checks that take no arguments. */
static int cmd_check_layout(Run *r, int argc, char **argv) { return (void)argc, (void)argv, check_layout(r); }
static int cmd_check_glyphs(Run *r, int argc, char **argv) { return (void)argc, (void)argv, check_glyphs(r); }
static int cmd_read_item(Run *r, int argc, char **argv) { return (void)argc, (void)argv, read_item(r); }
static int cmd_check_not_blank(Run *r, int argc, char **argv) { return (void)argc, (void)argv, check_not_blank(r); }

/* The text and picture caches keep within their budget (ui.c), however
 * many pages were read. */
static int cmd_check_cache(Run *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    size_t held = ui_cache_bytes(app_ui(r->app)), budget = ui_cache_budget(app_ui(r->app));
    log_info("headless: check-cache: %zu of %zu bytes of textures cached", held, budget);
    if (held > budget) return fail(r, "check-cache: %zu bytes of textures cached, the budget is %zu", held, budget);
    return 0;
}
/* 下一页 on the reader, whose frames must only copy textures made while
 * the page was read (docs/SCREENS.md): no body piece rendered cold. */
static int cmd_turn_cached(Run *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (strcmp(app_screen_name(r->app), "reader") != 0) return fail(r, "turn-cached: not on the reader screen");
    unsigned before = ui_cold_blocks(app_ui(r->app));
    if (tap_id(r, PAGER_NEXT)) return -1;
    app_render(r->app);
    unsigned cold = ui_cold_blocks(app_ui(r->app)) - before;
    if (cold) return fail(r, "turn-cached: the turn rendered %u piece(s) of the body that were not prepared", cold);
    return 0;
}
static int cmd_visit_all(Run *r, int argc, char **argv) { return (void)argc, (void)argv, visit_all(r); }
static int cmd_check_content_glyphs(Run *r, int argc, char **argv)
{
    return (void)argc, (void)argv, check_content_glyphs(r);
}

typedef int (*CommandFn)(Run *r, int argc, char **argv);

/* One row per command.  `args` words follow the command (up to
 * `max_args`); with `rest`, the one argument is the rest of the line
 * (text with spaces).  `render` draws the frame first, for the commands
 * that look at what the screen shows. */
typedef struct {
    const char *name;
    int args, max_args;
    bool rest, render;
    const char *usage;
    CommandFn run;
} Command;

static const Command commands[] = {
    {"tap", 2, 2, false, false, "tap X Y", cmd_tap},
    {"click", 2, 2, false, false, "click X Y", cmd_tap},
    {"tap-until", 1, 1, true, false, "tap-until ID TEXT", cmd_tap_until},
    {"tap-first", 1, 1, false, true, "tap-first ID-PREFIX", cmd_tap_first},
    {"tap-text", 1, 1, true, true, "tap-text TEXT-OR-ID", cmd_tap_text},
    {"down", 2, 3, false, false, "down X Y [FINGER]", cmd_finger},
    {"up", 2, 3, false, false, "up X Y [FINGER]", cmd_finger},
    {"expect-pressed", 1, 1, true, false, "expect-pressed ID (\"\" for none)", cmd_expect_pressed},
    {"multi-tap", 4, 4, false, false, "multi-tap X Y X2 Y2", cmd_multi_tap},
    {"swipe", 5, 5, false, false, "swipe X1 Y1 X2 Y2 MS", cmd_swipe},
    {"drag", 5, 5, false, false, "drag X1 Y1 X2 Y2 MS", cmd_swipe},
    {"press", 3, 3, false, false, "press X Y MS", cmd_press},
    {"pinch", 7, 7, false, false, "pinch X Y FROM TO MS DX DY", cmd_pinch},
    {"double-tap", 2, 2, false, false, "double-tap X Y", cmd_double_tap},
    {"stroke", 1, 1, true, false, "stroke TARGET X,Y X,Y [X,Y ...]", cmd_stroke},
    {"hold", 1, 1, false, false, "hold MS", cmd_hold},
    {"wait", 1, 1, false, false, "wait MS", cmd_wait},
    {"clock", 1, 1, false, false, "clock " PROTO_TIME_EXAMPLE, cmd_clock},
    {"screenshot", 1, 1, false, false, "screenshot NAME", cmd_screenshot},
    {"dump", 1, 1, false, false, "dump NAME", cmd_dump},
    {"state", 2, 2, false, false, "state KEY VALUE", cmd_state},
    {"lose-textures", 0, 0, false, false, "lose-textures", cmd_lose_textures},
    {"import", 1, 1, false, false, "import FILE", cmd_import},
    {"sync-start", 0, 0, false, false, "sync-start", cmd_sync_start},
    {"lock-store", 0, 0, false, false, "lock-store", cmd_lock_store},
    {"unlock-store", 0, 0, false, false, "unlock-store", cmd_unlock_store},
    {"wait-state", 2, 2, false, false, "wait-state KEY VALUE", cmd_wait_state},
    {"wait-text", 1, 1, true, false, "wait-text TEXT", cmd_wait_text},
    {"wait-pdf", 0, 0, false, false, "wait-pdf", cmd_wait_pdf},
    {"expect-screen", 1, 1, true, true, "expect-screen NAME", cmd_expect_screen},
    {"expect-text", 1, 1, true, true, "expect-text TEXT", cmd_expect_text},
    {"expect-no-text", 1, 1, true, true, "expect-no-text TEXT", cmd_expect_text},
    {"expect-depth", 1, 1, true, true, "expect-depth N", cmd_expect_depth},
    {"expect-panel", 1, 1, false, false, "expect-panel on|off", cmd_expect_panel},
    {"expect-body-lines", 1, 1, true, true, "expect-body-lines MIN", cmd_expect_body_lines},
    {"expect-body-face", 1, 1, true, true, "expect-body-face FAMILY", cmd_expect_body_face},
    {"expect-screen-or-text", 1, 1, true, true, "expect-screen-or-text NAME TEXT", cmd_expect_screen_or_text},
    {"expect-order", 1, 1, true, true, "expect-order ID ID ...", cmd_expect_order},
    {"remember-place", 1, 1, false, true, "remember-place ID", cmd_place},
    {"expect-unmoved", 1, 1, false, true, "expect-unmoved ID", cmd_place},
    {"check-layout", 0, 0, false, true, "check-layout", cmd_check_layout},
    {"check-glyphs", 0, 0, false, true, "check-glyphs", cmd_check_glyphs},
    {"read-item", 0, 0, false, true, "read-item", cmd_read_item},
    {"check-not-blank", 0, 0, false, true, "check-not-blank", cmd_check_not_blank},
    {"check-cache", 0, 0, false, true, "check-cache", cmd_check_cache},
    {"visit-all", 0, 0, false, true, "visit-all", cmd_visit_all},
    {"turn-cached", 0, 0, false, true, "turn-cached", cmd_turn_cached},
    {"check-content-glyphs", 0, 0, false, true, "check-content-glyphs", cmd_check_content_glyphs},
};

static const Command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* Splits a line into words after its command: argv[0] is the command,
 * and for a command with `rest` argv[1] is the rest of the line. */
static int split(char *line, const Command **cmd, char **argv, int max)
{
    int n = 0;
    char *p = line;
    *cmd = NULL;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        argv[n++] = p;
        if (n == 2 && *cmd && (*cmd)->rest) return n;
        p += strcspn(p, " \t");
        if (*p) *p++ = '\0';
        if (n == 1) *cmd = find_command(argv[0]);
    }
    p += strspn(p, " \t");
    return *p ? max + 1 : n; /* max + 1: more words than any command takes */
}

static int run_line(Run *r, char *line)
{
    char *argv[MAX_ARGS];
    const Command *cmd;
    int argc = split(line, &cmd, argv, MAX_ARGS);
    if (argc == 0 || argv[0][0] == '#') return 0;
    if (!cmd) return fail(r, "unknown command \"%s\" (see docs/HEADLESS.md)", argv[0]);
    if (argc - 1 < cmd->args || argc - 1 > cmd->max_args) return fail(r, "usage: %s", cmd->usage);
    if (cmd->render) app_render(r->app);
    int rc = cmd->run(r, argc, argv);
    /* A submission handed to the feedback writer is committed in real
     * time, off the script's clock: the next line sees its outcome, as a
     * visitor would a moment later, unless the database stays locked
     * (then the screen still says 正在保存…). */
    if (rc == 0 && feedback_screens_settle(false, HEADLESS_WRITE_SETTLE_MS) != 0) process_events(r->app);
    return rc;
}

int headless_run(App *app, const Config *cfg, const char *script_path)
{
    Run r = {.app = app, .cfg = cfg, .script = script_path};
    snprintf(r.shots, sizeof r.shots, "%s", cfg->screenshot_dir[0] ? cfg->screenshot_dir : ".");
    FILE *f = fopen(script_path, "r");
    if (!f) {
        log_error("headless: %s: %s", script_path, strerror(errno));
        return 1;
    }
    app_advance(app, 0);
    char line[2048];
    int rc = 0;
    bool stopped = false;
    while (fgets(line, sizeof line, f)) {
        if (quit_asked(app)) {
            log_info("headless: %s: stopped before line %d (SIGTERM or SIGINT)", script_path, r.line + 1);
            stopped = true;
            break;
        }
        r.line++;
        line[strcspn(line, "\r\n")] = '\0';
        if (run_line(&r, line) != 0) {
            fprintf(stderr, "%s:%d: %s\n", script_path, r.line, r.err.msg);
            rc = 1;
            break;
        }
    }
    fclose(f);
    if (r.locker) unlock_store(&r); /* not waited for here: the kiosk's exit commits what is queued */
    if (r.sync) {
        app_set_sync(app, NULL);
        sync_stop(r.sync);
    }
    if (rc == 0 && !stopped) log_info("headless: %s: %d lines, all checks held", script_path, r.line);
    return rc;
}
