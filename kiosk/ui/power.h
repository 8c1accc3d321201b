/* power.h — the display panel's power, switched by a command.
 *
 * Outside the screen_on hours the kiosk shows its dark sleep screen; a
 * black picture still keeps a panel's backlight lit for the night, so the
 * app also runs `[screen] panel_off` then, and `panel_on` when the sleep
 * screen is left (a touch, the hours beginning) and once at start-up.  What
 * the commands do depends on the machine — a backlight, HDMI-CEC for a TV,
 * DDC/CI, X's DPMS — so they are settings: the package's kiosk.conf runs
 * /usr/lib/dangwu/dangwu-display-power, which picks what the machine has
 * (docs/DEPLOY.md); empty (the checkout's default) switches nothing.
 *
 * A command runs through /bin/sh with posix_spawn and is never waited for:
 * the UI loop polls for its end (power_poll) and never blocks on a panel
 * or a slow bus.  One command runs at a time; a change asked meanwhile runs
 * when it ends, so the last state asked is the one the panel is left in.
 * A command that fails (a non-zero status, a signal, no /bin/sh, or 30 s
 * without ending, after which it is killed) is logged the first time only,
 * and again once it works; the screen is drawn as before either way. */
#ifndef KIOSK_POWER_H
#define KIOSK_POWER_H

#include <stdbool.h>
#include <sys/types.h>

typedef enum { PANEL_UNKNOWN = -1, PANEL_OFF = 0, PANEL_ON = 1 } PanelState;

typedef struct Power {
    const char *command[2]; /* [PANEL_OFF], [PANEL_ON]; "" = none */
    PanelState wanted; /* what the app asked for last */
    PanelState started; /* what the last command started was for */
    pid_t child; /* the command running; 0 none */
    double child_since; /* when it started (monoclock_ms) */
    bool failing[2]; /* the last run of that command failed (and was logged) */
    int runs[2], failures[2]; /* counts, for the log and the tests */
} Power;

/* off and on are the commands ("" for none); they must outlive p. */
void power_init(Power *p, const char *off, const char *on);

/* Asks for the panel on or off: starts its command when that is not the
 * state last started and no command is running. */
void power_want(Power *p, bool on);

/* Reaps a command that ended (logging a failure), kills one that ran too
 * long, and starts the state asked meanwhile.  Returns the milliseconds
 * until it wants to be called again: -1 when no command runs. */
int power_poll(Power *p);

/* Whether a command is still running or waits to run. */
bool power_busy(const Power *p);

/* The kiosk is stopping: a command still running is left to end by itself
 * (its process is not waited for). */
void power_release(Power *p);

#endif
