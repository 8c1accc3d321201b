/* test_watchdog.c — the real bin/kiosk (its UI loop, not headless) against a
 * notify socket this test makes, as systemd would for Type=notify with
 * WatchdogSec= (no systemd needed): READY=1 once the first frame is drawn,
 * WATCHDOG=1 again and again while the screen is still and idle, none any
 * more once the loop is made to hang (SIGUSR1, kiosk/app.c), and
 * STOPPING=1 then exit status 0 on SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "testutil.h"

/* WatchdogSec=0.9 s: the loop must wake and ping at least every 0.3 s. */
#define WATCHDOG_USEC "900000"

typedef struct {
    int sock;
    pid_t pid;
    char sock_path[108];
} Kiosk;

static const char *bin_path(void)
{
    static char path[1024];
    const char *bin = getenv("BIN");
    snprintf(path, sizeof path, "%s/kiosk", bin && *bin ? bin : "bin");
    return path;
}

/* A kiosk with an empty store and no sync: nothing on its home screen
 * moves, so its loop would sleep until the next minute without the
 * watchdog's bound. */
/* watchdog_pid_parent: WATCHDOG_PID names the kiosk's parent, as in the
 * kiosk's unit where cage is the main process; otherwise the kiosk itself. */
static void kiosk_start(Kiosk *k, bool watchdog_pid_parent)
{
    pid_t parent = getpid();
    const char *conf = test_path("watchdog.conf");
    char text[2048];
    snprintf(text, sizeof text,
             "[display]\nfullscreen = false\nwidth = 640\nheight = 360\n"
             "[store]\ndatabase = %s\ncache_dir = %s\n"
             "[sync]\nserver_url = file://%s\n"
             "[input]\nrime_user_dir = %s\n",
             test_path("watchdog.db"), test_path("watchdog-cache"), test_path("no-feed"), test_path("watchdog-rime"));
    test_write_file(conf, text);

    snprintf(k->sock_path, sizeof k->sock_path, "%s", test_path("notify"));
    unlink(k->sock_path);
    k->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(k->sock >= 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", k->sock_path);
    assert_int_equal(bind(k->sock, (struct sockaddr *)&addr, sizeof addr), 0);

    const char *log_path = test_path("watchdog-kiosk.log"); /* in the parent: the name has its pid */
    k->pid = fork();
    assert_true(k->pid >= 0);
    if (k->pid == 0) {
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int)(watchdog_pid_parent ? parent : getpid()));
        setenv("NOTIFY_SOCKET", k->sock_path, 1);
        setenv("WATCHDOG_USEC", WATCHDOG_USEC, 1);
        setenv("WATCHDOG_PID", pid, 1);
        /* A non-headless kiosk on SDL's dummy driver, named on purpose
         * (kiosk/main.c refuses it otherwise). */
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) dup2(log, 2);
        execl(bin_path(), "kiosk", "--config", conf, "--log-level", "debug", (char *)NULL);
        _exit(127);
    }
}

/* The next message on the socket within timeout_s; "" on time-out. */
static const char *next_message(Kiosk *k, double timeout_s)
{
    static char msg[256];
    struct pollfd p = {.fd = k->sock, .events = POLLIN};
    int rc = poll(&p, 1, (int)(timeout_s * 1000));
    if (rc <= 0) return "";
    ssize_t n = recv(k->sock, msg, sizeof msg - 1, 0);
    if (n < 0) return "";
    msg[n] = '\0';
    return msg;
}

/* Still running (or hung); WNOWAIT leaves the exit status for waitpid. */
static bool alive(pid_t pid)
{
    siginfo_t info = {0};
    return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

/* Waits up to timeout_s for a message containing `what` (less if the
 * kiosk ends before). */
static bool wait_for(Kiosk *k, const char *what, double timeout_s)
{
    double end = test_now_s() + timeout_s;
    for (double left = timeout_s; left > 0; left = end - test_now_s()) {
        if (strstr(next_message(k, left < 0.5 ? left : 0.5), what)) return true;
        if (!alive(k->pid)) return false;
    }
    return false;
}

/* WATCHDOG=1 messages seen in the next `seconds`. */
static int pings_within(Kiosk *k, double seconds)
{
    int n = 0;
    double end = test_now_s() + seconds;
    for (double left = seconds; left > 0; left = end - test_now_s())
        if (strstr(next_message(k, left), "WATCHDOG=1")) n++;
    return n;
}

static void kiosk_kill(Kiosk *k)
{
    kill(k->pid, SIGKILL);
    waitpid(k->pid, NULL, 0);
    close(k->sock);
    unlink(k->sock_path);
}

static void test_idle_keeps_pinging_hang_stops(void **state)
{
    (void)state;
    Kiosk k = {0};
    kiosk_start(&k, true);
    if (!wait_for(&k, "READY=1", 30)) {
        kiosk_kill(&k);
        fail_msg("no READY=1 from the kiosk (log: %s)", test_path("watchdog-kiosk.log"));
    }
    /* Idle and still for 3 s: a ping every 0.3 s means about 10; fewer than
     * 3 in any 0.9 s would be a restart. */
    int idle = pings_within(&k, 3.0);
    print_message("idle for 3 s: %d pings\n", idle);
    if (idle < 7) {
        kiosk_kill(&k);
        fail_msg("an idle kiosk sent only %d pings in 3 s (WatchdogSec 0.9 s)", idle);
    }
    assert_int_equal(kill(k.pid, SIGUSR1), 0);
    /* The loop sees the request at its next wake-up (0.3 s at most); one
     * ping may still be on its way. */
    pings_within(&k, 0.6);
    int hung = pings_within(&k, 2.0);
    bool still_running = alive(k.pid);
    kiosk_kill(&k);
    assert_true(still_running); /* hung, not crashed: only the watchdog can tell */
    assert_int_equal(hung, 0);
}

static void test_sigterm_stops_cleanly(void **state)
{
    (void)state;
    /* With WATCHDOG_PID its own (no compositor above it) it pings too. */
    Kiosk k = {0};
    kiosk_start(&k, false);
    if (!wait_for(&k, "READY=1", 30)) {
        kiosk_kill(&k);
        fail_msg("no READY=1 from the kiosk");
    }
    bool pinging = wait_for(&k, "WATCHDOG=1", 2);
    assert_int_equal(kill(k.pid, SIGTERM), 0);
    bool stopping = wait_for(&k, "STOPPING=1", 10);
    int status = -1;
    double end = test_now_s() + 10;
    while (test_now_s() < end && waitpid(k.pid, &status, WNOHANG) == 0) usleep(20000);
    if (!WIFEXITED(status)) kiosk_kill(&k);
    else close(k.sock);
    assert_true(pinging);
    assert_true(stopping);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    alarm(120); /* the test's time limit */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_keeps_pinging_hang_stops),
        cmocka_unit_test(test_sigterm_stops_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
