#include "watchdog.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "number.h"

static int interval_ms = -1;
static bool pinged;
static uint32_t last_ping;

/* In the kiosk's unit the main process is the compositor (cage) and the
 * kiosk its child, so WATCHDOG_PID names the parent, and
 * sd_watchdog_enabled() declines a watchdog meant for someone else.  The
 * unit's NotifyAccess=all lets the child's pings count, so the parent's
 * watchdog is taken as this process's own. */
static uint64_t parent_watchdog_usec(void)
{
    int64_t pid, usec;
    if (number_parse(getenv("WATCHDOG_PID"), 1, INT32_MAX, &pid) || pid != (int64_t)getppid()) return 0;
    if (number_parse(getenv("WATCHDOG_USEC"), 1, INT64_MAX, &usec)) return 0;
    return (uint64_t)usec;
}

void watchdog_init(void)
{
    uint64_t usec = 0;
    int rc = sd_watchdog_enabled(0, &usec);
    if (rc < 0) log_warn("watchdog: WATCHDOG_USEC is not usable, running without a watchdog");
    if (rc == 0) usec = parent_watchdog_usec();
    if (rc < 0 || usec == 0) return;
    uint64_t ms = usec / 3000;
    interval_ms = ms < 1 ? 1 : ms > 600000 ? 600000 : (int)ms;
    log_info("watchdog: the service manager expects a sign of life every %llu ms; the UI loop pings every %d ms",
             (unsigned long long)(usec / 1000), interval_ms);
}

int watchdog_interval_ms(void) { return interval_ms; }

static void notify(const char *state)
{
    int rc = sd_notify(0, state);
    if (rc < 0) log_warn("watchdog: cannot tell the service manager \"%s\" (error %d)", state, -rc);
}

void watchdog_ready(void) { notify("READY=1"); }

void watchdog_ping(uint32_t now_ms)
{
    if (interval_ms < 0) return;
    if (pinged && now_ms - last_ping < (uint32_t)interval_ms) return;
    pinged = true;
    last_ping = now_ms;
    notify("WATCHDOG=1");
}

void watchdog_stopping(void) { notify("STOPPING=1"); }
