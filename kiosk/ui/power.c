#include "power.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "monoclock.h"

extern char **environ;

#define POLL_MS 100 /* how often a running command is looked at */
#define COMMAND_LIMIT_MS 30000 /* a command still running then is killed */

static const char *const state_names[] = {"panel_off", "panel_on"};

void power_init(Power *p, const char *off, const char *on)
{
    memset(p, 0, sizeof *p);
    p->command[PANEL_OFF] = off ? off : "";
    p->command[PANEL_ON] = on ? on : "";
    p->wanted = PANEL_UNKNOWN;
    p->started = PANEL_UNKNOWN;
}

/* A failure is said once; the next success says it works again. */
static void note_result(Power *p, PanelState s, bool ok, const char *how)
{
    if (ok) {
        if (p->failing[s]) log_info("power: %s works again: %s", state_names[s], p->command[s]);
        p->failing[s] = false;
        return;
    }
    p->failures[s]++;
    if (!p->failing[s])
        log_warn("power: %s failed (%s): %s; the panel may stay %s (said once, until it works again; "
                 "docs/DEPLOY.md)",
                 state_names[s], how, p->command[s], s == PANEL_OFF ? "lit" : "dark");
    p->failing[s] = true;
}

static void start(Power *p, PanelState s)
{
    p->started = s;
    if (!p->command[s][0]) return;
    p->runs[s]++;
    /* stdin from /dev/null: the kiosk's stdin is the tty (StandardInput=tty),
     * which a command must not read; stdout and stderr go to the journal. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    char *argv[] = {"sh", "-c", (char *)p->command[s], NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        note_result(p, s, false, strerror(rc));
        return;
    }
    p->child = pid;
    p->child_since = monoclock_ms();
}

static void start_wanted(Power *p)
{
    if (p->child || p->wanted == PANEL_UNKNOWN || p->wanted == p->started) return;
    start(p, p->wanted);
}

void power_want(Power *p, bool on)
{
    p->wanted = on ? PANEL_ON : PANEL_OFF;
    start_wanted(p);
}

static void reap(Power *p, int status)
{
    PanelState s = p->started;
    p->child = 0;
    char how[48];
    if (WIFEXITED(status)) snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
    else snprintf(how, sizeof how, "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    note_result(p, s, WIFEXITED(status) && WEXITSTATUS(status) == 0, how);
}

int power_poll(Power *p)
{
    if (p->child) {
        int status;
        pid_t got = waitpid(p->child, &status, WNOHANG);
        if (got == p->child) {
            reap(p, status);
        } else if (got < 0 && errno != EINTR) {
            p->child = 0; /* reaped elsewhere: nothing more to learn */
        } else if (monoclock_ms() - p->child_since >= COMMAND_LIMIT_MS) {
            /* A hung bus (CEC, DDC/CI) must not keep every later change
             * from running: kill it and wait for its end, which is now. */
            kill(p->child, SIGKILL);
            if (waitpid(p->child, &status, 0) == p->child) {
                p->child = 0;
                note_result(p, p->started, false, "still running after 30 s, killed");
            }
        }
    }
    start_wanted(p);
    return p->child ? POLL_MS : -1;
}

bool power_busy(const Power *p) { return p->child != 0 || (p->wanted != PANEL_UNKNOWN && p->wanted != p->started); }

void power_release(Power *p)
{
    if (p->child) {
        int status;
        if (waitpid(p->child, &status, WNOHANG) == p->child) reap(p, status);
    }
    p->child = 0;
}
