/* screens.h — the kiosk's own screens (each in screen_*.c).
 *
 *   home      categories as tiles, notices ticker, 意见建议 / 回复公开
 *   category  one first-level category: tabs for its sub-categories, a
 *             paged list of items
 *   reader    one item laid out into pages, images inline, large-text toggle
 *   image     one image of an item, as large as the screen allows
 *   attract   the calm carousel of pinned items shown when nobody is there
 *   sleep     a dark screen with a dim clock outside the screen's hours
 *
 * Arguments passed to app_open(): category "CATEGORY_ID", reader "ITEM_ID",
 * image "ITEM_ID#N" (N from 0).  The feedback screens of the feedback
 * issue register themselves under SCREEN_FEEDBACK / SCREEN_ANSWERS. */
#ifndef KIOSK_SCREENS_H
#define KIOSK_SCREENS_H

#include "app.h"

extern const ScreenOps screen_home;
extern const ScreenOps screen_category;
extern const ScreenOps screen_reader;
extern const ScreenOps screen_image;
extern const ScreenOps screen_table;
extern const ScreenOps screen_pdf;
extern const ScreenOps screen_attract;
extern const ScreenOps screen_sleep;

/* Registers the screens above; home is the first screen. */
void screens_register_builtin(App *app);

/* Shared helpers for the screens. */
/* "2026年11月20日" */
void screens_format_date(int64_t t, char *buf, size_t size);

/* The face for text in a language: TC for zh-Hant items and categories. */
TextLang screens_text_lang(Lang lang);

#endif
