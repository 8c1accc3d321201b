/* watchdog.h — telling the service manager that the program is up and
 * still alive, through sd_notify(3) from Debian's libsystemd.
 *
 * The kiosk's unit (deploy/dangwu-kiosk.service) has Type=notify and
 * WatchdogSec=: systemd restarts the kiosk when no WATCHDOG=1 arrives in
 * that time.  The UI loop itself pings (there is no thread of its own for
 * it), so a loop that stops turning — a deadlock, a library that hangs —
 * stops the pings, while a still screen that is merely idle goes on
 * pinging because the loop wakes at least every watchdog_interval_ms().
 * Without NOTIFY_SOCKET (started by hand, most tests) every call does
 * nothing. */
#ifndef KIOSK_WATCHDOG_H
#define KIOSK_WATCHDOG_H

#include <stdint.h>

/* Reads WATCHDOG_USEC (and WATCHDOG_PID) from the environment. */
void watchdog_init(void);

/* The longest the loop may sleep between two pings: a third of the
 * service's WatchdogSec, so one late wake-up is not yet a restart.
 * -1 when there is no watchdog. */
int watchdog_interval_ms(void);

/* READY=1: started, the first frame is on screen. */
void watchdog_ready(void);

/* WATCHDOG=1, sent when at least watchdog_interval_ms() have passed since
 * the last one (now_ms is any monotonic millisecond clock). */
void watchdog_ping(uint32_t now_ms);

/* STOPPING=1: a clean stop has begun. */
void watchdog_stopping(void);

#endif
