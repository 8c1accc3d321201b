/* urgent.h — the urgent news every screen carries.
 *
 * Owns which notices must reach a passer-by now — the urgent ones and the
 * 即时 (immediate) ones inside their publication window — which of them is
 * shown (they take turns every URGENT_TURN_MS), and the one way they are
 * drawn: urgent_draw() lays a notice out into whatever box it is given.
 * The app uses it for the red strip under the header of every screen
 * (URGENT_STRIP) and for the calm line on the dark sleep screen
 * (URGENT_CALM); a remote emergency takeover (a full-screen message an
 * admin sends to chosen kiosks) would call it with the whole window. */
#ifndef KIOSK_URGENT_H
#define KIOSK_URGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "ui.h"

#define URGENT_TURN_MS 8000

typedef enum { URGENT_STRIP, URGENT_CALM } UrgentLook;

typedef struct Urgent {
    StoreNotice *notices; /* store_free'd */
    int count;
    int shown;
    uint32_t since; /* loop ms when `shown` came up */
} Urgent;

/* true for a notice this module shows (urgent, or 即时). */
bool urgent_notice(const StoreNotice *n);
/* Reloads from the store at wall time now; keeps the one shown when it is
 * still there.  On an error the previous list stays (logged). */
void urgent_load(Urgent *u, Store *s, int64_t now, uint32_t ms);
void urgent_free(Urgent *u);
/* The notice shown now, or NULL when none. */
const StoreNotice *urgent_current(const Urgent *u);
/* Gives the next notice its turn when the time has come at ms; true when
 * it did (the screen must be drawn again). */
bool urgent_turn(Urgent *u, uint32_t ms);
/* ms until the next turn, -1 when nothing changes by itself. */
int urgent_wake(const Urgent *u, uint32_t ms);
/* Height of the strip for a window w wide: enough for the longest notice
 * (at most three lines), so the layout does not jump between turns; 0 when
 * there is nothing urgent. */
int urgent_strip_height(Urgent *u, Ui *ui, int w);
/* Draws notice n in box (badge, then text filling the box). */
void urgent_draw(Ui *ui, const StoreNotice *n, SDL_Rect box, UrgentLook look);

#endif
