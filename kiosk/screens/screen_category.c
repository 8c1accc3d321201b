/* screen_category.c — one category: its sub-categories as tabs (second
 * level, and a row of third-level ones under the chosen tab), and its
 * items as a paged list (title, date, period, 新 / 急 badges). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "screens.h"

#define MAX_TABS 24
#define MORE_TABS "more.tabs"
#define MORE_SUBTABS "more.subtabs"

typedef struct Category {
    StoreCategory root;
    StoreCategory tabs[MAX_TABS]; /* children of root */
    int tab_count;
    StoreCategory subtabs[MAX_TABS]; /* children of the chosen tab */
    int subtab_count;
    char tab[PROTO_ID_MAX]; /* chosen second level ("" = all) */
    char subtab[PROTO_ID_MAX]; /* chosen third level ("" = all of the tab) */
    int tab_first, tab_next; /* which tabs show when they need 更多… */
    int sub_first, sub_next;
    StoreItemSummary *items;
    int item_count, total;
    int page, per_page;
    bool loaded_page;
} Category;

static const char *listed_id(const Category *c)
{
    if (c->subtab[0]) return c->subtab;
    if (c->tab[0]) return c->tab;
    return c->root.id;
}

static int pages_of(const Category *c)
{
    if (c->per_page <= 0 || c->total == 0) return 1;
    return (c->total + c->per_page - 1) / c->per_page;
}

static void load_items(App *app, Category *c)
{
    Err err;
    store_free(c->items);
    c->items = NULL;
    c->item_count = 0;
    if (c->per_page <= 0) return;
    if (store_items_page(app_store(app), listed_id(c), app_time(app), c->page * c->per_page, c->per_page, &c->items,
                         &c->item_count, &c->total, &err) != 0) {
        log_error("category: %s", err.msg);
        return;
    }
    if (c->page > 0 && c->item_count == 0 && c->total > 0) {
        c->page = pages_of(c) - 1;
        load_items(app, c);
    }
}

/* Reads the catalog; false when the root category is no longer shown. */
static bool load_catalog(App *app, Category *c)
{
    Err err;
    StoreCategory *all = NULL;
    int n = 0;
    if (store_catalog(app_store(app), app_time(app), &all, &n, &err) != 0) {
        log_error("category: %s", err.msg);
        return false;
    }
    bool found = false, tab_found = false, subtab_found = false;
    c->tab_count = c->subtab_count = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].id, c->root.id) == 0) {
            c->root = all[i];
            found = true;
        }
        if (strcmp(all[i].parent_id, c->root.id) == 0 && c->tab_count < MAX_TABS) {
            c->tabs[c->tab_count++] = all[i];
            if (strcmp(all[i].id, c->tab) == 0) tab_found = true;
        }
    }
    if (!tab_found) c->tab[0] = '\0';
    for (int i = 0; c->tab[0] && i < n; i++)
        if (strcmp(all[i].parent_id, c->tab) == 0 && c->subtab_count < MAX_TABS) {
            c->subtabs[c->subtab_count++] = all[i];
            if (strcmp(all[i].id, c->subtab) == 0) subtab_found = true;
        }
    if (!subtab_found) c->subtab[0] = '\0';
    store_free(all);
    return found;
}

static int category_enter(App *app, void *st, const char *arg)
{
    Category *c = st;
    snprintf(c->root.id, sizeof c->root.id, "%s", arg);
    if (!load_catalog(app, c)) {
        log_warn("category: \"%s\" is not shown (no visible items)", arg);
        return -1;
    }
    return 0;
}

static void category_leave(App *app, void *st)
{
    (void)app;
    store_free(((Category *)st)->items);
}

static bool category_refresh(App *app, void *st)
{
    Category *c = st;
    if (!load_catalog(app, c)) return false;
    load_items(app, c);
    return true;
}

static bool has_page(const Category *c, int page) { return page >= 0 && page < pages_of(c) && page != c->page; }

static void go_page(App *app, Category *c, int page)
{
    if (!has_page(c, page)) return;
    app_transition(app, page > c->page ? 1 : -1);
    c->page = page;
    load_items(app, c);
}

/* A finger drags the list: the page beside it (app.h, turn_page). */
static bool category_turn_page(App *app, void *st, int dir)
{
    Category *c = st;
    if (!has_page(c, c->page + dir)) return false;
    c->page += dir;
    load_items(app, c);
    return true;
}

static void category_event(App *app, void *st, const ScreenEvent *ev)
{
    Category *c = st;
    if (ev->kind == INPUT_SWIPE) {
        if (abs(ev->dx) >= abs(ev->dy)) go_page(app, c, c->page + (ev->dx < 0 ? 1 : -1));
        else go_page(app, c, c->page + (ev->dy < 0 ? 1 : -1));
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, PAGER_NEXT) == 0) go_page(app, c, c->page + 1);
    else if (strcmp(ev->id, PAGER_PREV) == 0) go_page(app, c, c->page - 1);
    else if (strncmp(ev->id, "item:", 5) == 0) app_open(app, "reader", ev->id + 5);
    else if (strcmp(ev->id, MORE_TABS) == 0) c->tab_first = c->tab_next;
    else if (strcmp(ev->id, MORE_SUBTABS) == 0) c->sub_first = c->sub_next;
    else if (strncmp(ev->id, "tab:", 4) == 0 || strncmp(ev->id, "sub:", 4) == 0) {
        bool sub = ev->id[0] == 's';
        char *dst = sub ? c->subtab : c->tab;
        if (strcmp(dst, ev->id + 4) == 0) return;
        snprintf(dst, PROTO_ID_MAX, "%s", ev->id + 4);
        if (!sub) {
            c->subtab[0] = '\0';
            c->sub_first = 0;
        }
        c->page = 0;
        load_catalog(app, c);
        load_items(app, c);
    }
}

/* One tab: a pill with its name, recorded as a WIDGET_TAB. */
static void draw_tab(Ui *ui, SDL_Rect r, const char *wid, const char *name, bool on, TextSpec *spec)
{
    bool pressed = strcmp(ui_pressed(ui), wid) == 0;
    ui_round(ui, r, r.h / 2, on ? ui_theme.accent : pressed ? ui_theme.pressed_card : ui_theme.card);
    if (!on) ui_round_outline(ui, r, r.h / 2, ui_px(ui, 2), ui_theme.card_line);
    spec->color = on ? ui_theme.header_text : ui_theme.text;
    int tw, th;
    ui_text_size(ui, name, spec, r.w, r.h, &tw, &th);
    ui_text_kind(ui, -1, NULL, r, name, spec);
    Widget *wd = ui_record(ui, WIDGET_TAB, wid, name, r, true);
    if (wd) wd->text_rect = ui_drift(ui, (SDL_Rect){r.x + (r.w - tw) / 2, r.y + (r.h - th) / 2, tw, th});
}

static int tab_width(Ui *ui, const char *name, const TextSpec *spec, int max_w)
{
    int pad = ui_px(ui, 30), tw, th;
    ui_text_size(ui, name, spec, max_w - 2 * pad, spec->size * 2, &tw, &th);
    return tw + 2 * pad < ui_px(ui, 140) ? ui_px(ui, 140) : tw + 2 * pad;
}

/* 全部 and the tabs from first on, in at most max_rows rows; when they do
 * not all fit, the last place is 更多…, which shows the next ones.  Ids:
 * prefix + tab id, and more_id for 更多….  *next receives the first tab not
 * shown (0 when the rest all fit).  Returns the height used (0: none). */
static int draw_tabs(Ui *ui, SDL_Rect row, const char *prefix, const char *more_id, const StoreCategory *tabs, int n,
                     const char *chosen, bool small, int max_rows, int first, int *next)
{
    *next = 0;
    if (n == 0) return 0;
    int h = ui_px(ui, small ? 84 : 92), gap = ui_px(ui, 16);
    TextSpec spec = {
        .size = ui_font(ui, small ? 34 : 38), .bold = !small, .middle = true, .align = ALIGN_CENTER, .max_lines = 1};
    int more_w = tab_width(ui, "更多…", &spec, row.w);
    int x = row.x, y = row.y, rows = 1, right = row.x + row.w;
    int hidden = n; /* the first tab not shown */
    for (int i = -1; i < n; i++) {
        if (i >= 0 && i < first) continue;
        const char *id = i < 0 ? "" : tabs[i].id;
        const char *name = i < 0 ? "全部" : tabs[i].name;
        int w = tab_width(ui, name, &spec, row.w);
        if (x + w > right && x > row.x && rows < max_rows) {
            x = row.x;
            y += h + gap;
            rows++;
        }
        bool last = i == n - 1;
        int room = right - x - (rows == max_rows && !last ? gap + more_w : 0);
        if (w > room) {
            /* The first tab of a page always shows (shortened if need be),
             * so 更多… always moves on. */
            if (i != first || room < ui_px(ui, 140)) {
                hidden = i;
                break;
            }
            w = room;
        }
        char wid[96];
        snprintf(wid, sizeof wid, "%s%s", prefix, id);
        draw_tab(ui, (SDL_Rect){x, y, w, h}, wid, name, strcmp(id, chosen) == 0, &spec);
        x += w + gap;
    }
    if (hidden < n || first > 0) {
        if (x + more_w > right) { /* only when a single tab fills the last row */
            x = row.x;
            y += h + gap;
        }
        draw_tab(ui, (SDL_Rect){x, y, more_w, h}, more_id, "更多…", false, &spec);
        *next = hidden < n ? hidden : 0;
    }
    return y + h - row.y;
}

static void draw_row(App *app, Ui *ui, const StoreItemSummary *it, SDL_Rect r)
{
    char id[96];
    snprintf(id, sizeof id, "item:%s", it->id);
    bool pressed = strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 14), pad = ui_px(ui, 28);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 4 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    ui_fill(ui, (SDL_Rect){r.x, r.y + rad, ui_px(ui, 8), r.h - 2 * rad},
            it->urgent ? ui_theme.badge_urgent : ui_theme.accent);
    int meta_h = ui_px(ui, 44);
    bool portrait = app_portrait(app);
    TextSpec title = {.size = ui_font(ui, 40),
                      .bold = true,
                      .color = ui_theme.text,
                      .max_lines = portrait ? 2 : 1,
                      .middle = true,
                      .flags = TEXT_NO_RUNT,
                      .lang = screens_text_lang(it->lang)};
    ui_text(ui, (SDL_Rect){r.x + pad, r.y + ui_px(ui, 10), r.w - 2 * pad, r.h - meta_h - ui_px(ui, 22)}, it->title,
            &title);
    int x = r.x + pad, y = r.y + r.h - meta_h - ui_px(ui, 10);
    char date[64];
    screens_format_date(it->published_at, date, sizeof date);
    TextSpec meta = {.size = ui_font(ui, 32), .color = ui_theme.text_soft, .middle = true, .max_lines = 1};
    int tw, th;
    ui_text_size(ui, date, &meta, ui_px(ui, 400), meta_h, &tw, &th);
    ui_text(ui, (SDL_Rect){x, y, tw, meta_h}, date, &meta);
    x += tw + ui_px(ui, 20);
    int bh = ui_px(ui, 42), by = y + (meta_h - bh) / 2;
    char period[32];
    snprintf(period, sizeof period, "%s公开", period_label(it->period));
    x += ui_badge(ui, x, by, bh, period, ui_theme.badge_period, ui_theme.header_text) + ui_px(ui, 12);
    if (it->urgent) x += ui_badge(ui, x, by, bh, "急", ui_theme.badge_urgent, ui_theme.header_text) + ui_px(ui, 12);
    if (it->is_new) x += ui_badge(ui, x, by, bh, "新", ui_theme.badge_new, ui_theme.header_text) + ui_px(ui, 12);
    if (it->pinned) ui_badge(ui, x, by, bh, "置顶", ui_theme.accent_dark, ui_theme.header_text);
    ui_record(ui, WIDGET_ROW, id, it->title, r, true);
}

static void category_draw(App *app, void *st, Ui *ui)
{
    Category *c = st;
    bool portrait = app_portrait(app);
    Chrome ch = app_chrome(app, true);
    app_draw_header(app, ui, &ch);
    int m = ui_px(ui, portrait ? 40 : 56);
    SDL_Rect b = {ch.body.x + m, ch.body.y + ui_px(ui, 24), ch.body.w - 2 * m, ch.body.h - ui_px(ui, 36)};
    TextSpec title = {.size = ui_font(ui, 52),
                      .bold = true,
                      .color = ui_theme.accent_dark,
                      .middle = true,
                      .max_lines = 1,
                      .lang = screens_text_lang(c->root.lang)};
    int title_h = ui_px(ui, 84);
    int cw = ui_px(ui, 220);
    ui_text(ui, (SDL_Rect){b.x, b.y, b.w - cw, title_h}, c->root.name, &title);
    int y = b.y + title_h + ui_px(ui, 16);
    int used = draw_tabs(ui, (SDL_Rect){b.x, y, b.w, 0}, "tab:", MORE_TABS, c->tabs, c->tab_count, c->tab, false, 2,
                         c->tab_first, &c->tab_next);
    if (used) y += used + ui_px(ui, 16);
    used = draw_tabs(ui, (SDL_Rect){b.x + ui_px(ui, 24), y, b.w - ui_px(ui, 24), 0}, "sub:", MORE_SUBTABS, c->subtabs,
                     c->subtab_count, c->subtab, true, 1, c->sub_first, &c->sub_next);
    if (used) y += used + ui_px(ui, 16);
    y += ui_px(ui, 8);

    int row_h = ui_px(ui, portrait ? 188 : 124), gap = ui_px(ui, 14);
    int list_h = b.y + b.h - y;
    int per_page = (list_h + gap) / (row_h + gap);
    if (per_page < 1) per_page = 1;
    if (per_page != c->per_page) {
        /* The first layout (or a new size) decides the page size; keep the
         * first item shown on screen. */
        int first = c->page * (c->per_page > 0 ? c->per_page : 1);
        c->per_page = per_page;
        c->page = first / per_page;
        load_items(app, c);
    }
    /* The count after the list is loaded (the first frame loads it). */
    char count[64];
    snprintf(count, sizeof count, "共 %d 条", c->total);
    TextSpec cs = {
        .size = ui_font(ui, 34), .color = ui_theme.text_soft, .middle = true, .align = ALIGN_RIGHT, .max_lines = 1};
    ui_text(ui, (SDL_Rect){b.x + b.w - cw, b.y, cw, title_h}, count, &cs);
    for (int i = 0; i < c->item_count; i++)
        draw_row(app, ui, &c->items[i], (SDL_Rect){b.x, y + i * (row_h + gap), b.w, row_h});
    if (c->total == 0) {
        TextSpec note = {.size = ui_font(ui, 44),
                         .color = ui_theme.text_soft,
                         .align = ALIGN_CENTER,
                         .middle = true,
                         .max_lines = 2};
        ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){b.x, y, b.w, list_h}, "该栏目暂无公开内容", &note);
    }
    app_draw_pager(app, ui, &ch, c->page, pages_of(c));
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_category = {
    .name = "category",
    .state_size = sizeof(Category),
    .enter = category_enter,
    .leave = category_leave,
    .event = category_event,
    .draw = category_draw,
    .refresh = category_refresh,
    .turn_page = category_turn_page,
    .first_note = "已是第一页",
    .last_note = "已是最后一页",
};
