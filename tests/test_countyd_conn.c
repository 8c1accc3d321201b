/* countyd's connection policy, end to end: the real bin/countyd on
 * 127.0.0.1, clients of raw sockets from other loopback addresses.
 *   - a client that trickles its request head a byte at a time (so that
 *     it is never silent) is closed at the header timeout, while a held
 *     kiosk and an admin keep being answered;
 *   - connections over the per-address limit are closed unanswered, other
 *     addresses are served, and the address is served again once it is
 *     under the limit;
 *   - a kiosk that hangs up during its long-poll is released at once
 *     (countyd's status stops counting it), not at the wait's end;
 *   - the kiosks one publish wakes get one answer, built once;
 *   - a kiosk given a new token is refused with the old one from the
 *     moment the new one is issued, while it keeps asking with the old one
 *     (a countyd that kept credentials in memory must not answer from them);
 *   - countyd's end of a held long-poll has TCP keepalive with the
 *     configured timings, and a kiosk that vanishes without a word (its
 *     socket closed in TCP_REPAIR mode sends nothing) is released by the
 *     first unanswered probe, not at the end of its wait. */
#include "countyd_util.h"
#include "bytes.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/pidfd.h>

static Countyd srv;
static char kiosk_token[80];

/* A TCP connection to countyd from the loopback address `from`. */
static int connect_from(const char *from)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in me = {.sin_family = AF_INET},
                       to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, from, &me.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static bool send_text(int fd, const char *text)
{
    size_t n = strlen(text);
    return send(fd, text, n, MSG_NOSIGNAL) == (ssize_t)n;
}

/* Whether the server has closed fd (without waiting). */
static bool closed_now(int fd)
{
    char buf[256];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

/* Reads the answer on fd (at most `seconds`): its status, 0 when the
 * server closed the connection without answering, -1 on a timeout. */
static int read_status(int fd, double seconds)
{
    char head[4096];
    size_t got = 0;
    for (double end = test_now_s() + seconds; test_now_s() < end;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) continue;
        ssize_t n = recv(fd, head + got, sizeof head - 1 - got, 0);
        if (n <= 0) return got ? -1 : 0;
        got += (size_t)n;
        head[got] = '\0';
        /* Enough to know the status; the body does not matter here. */
        if (strstr(head, "\r\n\r\n")) return strncmp(head, "HTTP/1.1 ", 9) == 0 ? (int)strtol(head + 9, NULL, 10) : -1;
    }
    return -1;
}

/* An admin's status request from `from`, closed after the answer: its status, 0 if refused unanswered. */
static int admin_status_from(const char *from)
{
    int fd = connect_from(from);
    if (fd < 0) return 0;
    char req[512];
    snprintf(req, sizeof req,
             "GET /v1/admin/status HTTP/1.1\r\nHost: county\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
             srv.admin_token);
    int status = send_text(fd, req) ? read_status(fd, 5.0) : 0;
    close(fd);
    return status;
}

static long long feed_revision(void)
{
    json_t *st = countyd_admin_ok(&srv, "GET", "/v1/admin/status", NULL);
    long long rev = json_integer_value(json_object_get(st, "revision"));
    json_decref(st);
    return rev;
}

/* The kiosk's long-poll on a connection of its own from `from`; -1 if it could not be sent. */
static int long_poll_from(const char *from, long long since)
{
    int fd = connect_from(from);
    if (fd < 0) return -1;
    char req[512];
    snprintf(req, sizeof req,
             "GET /v1/content?since=%lld&wait=60 HTTP/1.1\r\nHost: county\r\nAuthorization: Bearer %s\r\n"
             "X-Kiosk-Id: hall-1\r\n\r\n",
             since, kiosk_token);
    if (!send_text(fd, req)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void publish_notice(const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/notices/%s", id);
    json_decref(countyd_admin_ok(&srv, "PUT", path, "{\"text\":\"今天下午三点召开党员大会\"}"));
}

/* countyd again on the same database and port, with these options. */
static void relaunch(const char *const *options)
{
    countyd_stop(&srv);
    countyd_launch_with(&srv, options);
}

static bool log_mentions(const char *text)
{
    char *log;
    size_t len;
    Err err;
    if (bytes_read_file(srv.log, 64 << 20, &log, &len, &err)) return false;
    bool found = strstr(log, text) != NULL;
    free(log);
    return found;
}

#define LORISES 10
#define HEAD_TIMEOUT_S 5

/* Whether every trickling client is still connected. */
static bool all_open(const int *fds, const bool *closed)
{
    for (int i = 0; i < LORISES; i++)
        if (closed[i] || closed_now(fds[i])) return false;
    return true;
}

/* What closes a trickling client, and that nothing else is held up by
 * them, is told by states, not by the clock: the client timeout is far
 * beyond the test, so only the header timeout can close them (and the log
 * says it did); an admin's request is answered while all of them are
 * still connected. */
static void slow_heads_are_closed_at_the_header_timeout(void **state)
{
    (void)state;
    static const char *const options[] = {
        "--header-timeout", "5", "--client-timeout", "600", "--max-per-address", "32", NULL};
    relaunch(options);
    int poll_fd = long_poll_from("127.0.0.1", feed_revision());
    assert_true(poll_fd >= 0);
    assert_true(countyd_wait_held(&srv, 1, 30));
    int loris[LORISES];
    bool closed[LORISES] = {false};
    double opened[LORISES];
    for (int i = 0; i < LORISES; i++) {
        loris[i] = connect_from("127.0.0.2");
        assert_true(loris[i] >= 0);
        assert_true(send_text(loris[i], "GET /v1/admin/status HTTP/1.1\r\nHost: county\r\n"));
        opened[i] = test_now_s();
    }
    /* A byte every 200 ms, until countyd has closed every one; the limit
     * is only there to fail with a message (nothing else would close them). */
    int open = LORISES, answered_while_all_open = 0;
    for (double limit = test_now_s() + 120; open > 0 && test_now_s() < limit;) {
        for (int i = 0; i < LORISES; i++) {
            if (closed[i]) continue;
            if (!send_text(loris[i], "X") || closed_now(loris[i])) {
                closed[i] = true;
                double after = test_now_s() - opened[i];
                printf("trickling client %d closed %.2f s after it connected\n", i, after);
                /* Never before its head was due (lateness on a loaded machine is no fault). */
                assert_true(after >= HEAD_TIMEOUT_S - 0.5);
                open--;
            }
        }
        if (open == LORISES) {
            Reply r = countyd_admin(&srv, "GET", "/v1/admin/status", NULL);
            assert_int_equal(r.status, 200);
            reply_free(&r);
            if (all_open(loris, closed)) answered_while_all_open++;
        }
        struct timespec pause = {0, 200 * 1000000L};
        nanosleep(&pause, NULL);
    }
    assert_int_equal(open, 0);
    printf("%d trickling clients closed; %d admin requests answered while all of them were connected\n", LORISES,
           answered_while_all_open);
    assert_true(answered_while_all_open >= 1);
    for (int i = 0; i < LORISES; i++) close(loris[i]);
    assert_true(log_mentions("had not sent a complete request head within 5 s"));
    /* The held kiosk was left alone, and hears of a publish. */
    assert_true(countyd_wait_held(&srv, 1, 5));
    publish_notice("loris");
    assert_int_equal(read_status(poll_fd, 10.0), 200);
    close(poll_fd);
}

#define PER_ADDRESS 4

static void connections_over_the_per_address_limit_are_refused(void **state)
{
    (void)state;
    static const char *const options[] = {
        "--max-per-address", "4", "--header-timeout", "60", "--client-timeout", "60", NULL};
    relaunch(options);
    /* Four idle connections from one address (a NAT, say), each counted
     * once countyd has taken it: the last one answers a request. */
    int idle[PER_ADDRESS];
    for (int i = 0; i < PER_ADDRESS; i++) {
        idle[i] = connect_from("127.0.0.3");
        assert_true(idle[i] >= 0);
    }
    char req[512];
    snprintf(req, sizeof req, "GET /v1/admin/status HTTP/1.1\r\nHost: county\r\nAuthorization: Bearer %s\r\n\r\n",
             srv.admin_token);
    assert_true(send_text(idle[PER_ADDRESS - 1], req));
    assert_int_equal(read_status(idle[PER_ADDRESS - 1], 5.0), 200);
    /* A fifth from the same address: closed without an answer. */
    int refused = admin_status_from("127.0.0.3");
    printf("a fifth connection from 127.0.0.3: %d (0: closed unanswered)\n", refused);
    assert_int_equal(refused, 0);
    /* Another address is served as before. */
    assert_int_equal(admin_status_from("127.0.0.4"), 200);
    assert_true(log_mentions("connection limit"));
    /* Once one of the four is gone, the address is served again. */
    close(idle[0]);
    int status = 0;
    for (double end = test_now_s() + 10; status != 200 && test_now_s() < end;) status = admin_status_from("127.0.0.3");
    assert_int_equal(status, 200);
    for (int i = 1; i < PER_ADDRESS; i++) close(idle[i]);
}

static void a_hung_up_long_poll_is_released_at_once(void **state)
{
    (void)state;
    relaunch(NULL);
    int fd = long_poll_from("127.0.0.1", feed_revision());
    assert_true(fd >= 0);
    assert_true(countyd_wait_held(&srv, 1, 30));
    close(fd);
    double t0 = test_now_s();
    assert_true(countyd_wait_held(&srv, 0, 5));
    printf("a hung-up long-poll released %.3f s after the kiosk closed it (its wait was 60 s)\n", test_now_s() - t0);
    /* Many kiosks hanging up while others are woken by a publish: every
     * one ends exactly once, the ones still there get the notice. */
    enum { N = 40 };
    int fds[N];
    long long since = feed_revision();
    for (int i = 0; i < N; i++) {
        fds[i] = long_poll_from(i % 2 ? "127.0.0.5" : "127.0.0.6", since);
        assert_true(fds[i] >= 0);
    }
    assert_true(countyd_wait_held(&srv, N, 30));
    for (int i = 0; i < N; i += 2) close(fds[i]);
    publish_notice("hangup");
    for (int i = 1; i < N; i += 2) {
        assert_int_equal(read_status(fds[i], 10.0), 200);
        close(fds[i]);
    }
    assert_true(countyd_wait_held(&srv, 0, 5));
    /* And countyd still serves. */
    fd = long_poll_from("127.0.0.1", feed_revision());
    assert_true(countyd_wait_held(&srv, 1, 10));
    publish_notice("after");
    assert_int_equal(read_status(fd, 10.0), 200);
    close(fd);
}

/* The whole answer on fd (head and body, by its Content-Length); NULL on a timeout. */
static char *read_answer(int fd, double seconds)
{
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    for (double end = test_now_s() + seconds; buf && test_now_s() < end;) {
        buf[got] = '\0';
        char *body = strstr(buf, "\r\n\r\n");
        const char *cl = body ? strcasestr(buf, "\r\nContent-Length:") : NULL;
        if (body && cl && got - (size_t)(body + 4 - buf) >= strtoull(cl + 17, NULL, 10)) return buf;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) continue;
        ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
    }
    free(buf);
    return NULL;
}

static long long status_number(const char *key)
{
    json_t *st = countyd_admin_ok(&srv, "GET", "/v1/admin/status", NULL);
    long long v = json_integer_value(json_object_get(st, key));
    json_decref(st);
    return v;
}

/* The kiosks a publish wakes get one answer, built once: the same
 * revision and the same bytes for every one. */
static void one_publish_is_answered_from_one_document(void **state)
{
    (void)state;
    relaunch(NULL);
    enum { N = 20 };
    int fds[N];
    long long since = feed_revision();
    for (int i = 0; i < N; i++) assert_true((fds[i] = long_poll_from("127.0.0.1", since)) >= 0);
    assert_true(countyd_wait_held(&srv, N, 30));
    long long built = status_number("feeds_built");
    publish_notice("shared");
    char *first_body = NULL, first_etag[64] = "";
    for (int i = 0; i < N; i++) {
        char *answer = read_answer(fds[i], 10.0);
        assert_non_null(answer);
        assert_int_equal(strncmp(answer, "HTTP/1.1 200", 12), 0);
        const char *etag = strcasestr(answer, "\r\nETag: ");
        assert_non_null(etag);
        char tag[64];
        snprintf(tag, sizeof tag, "%.*s", (int)strcspn(etag + 8, "\r"), etag + 8);
        assert_non_null(strcasestr(answer, "\r\nX-Database-Id: "));
        const char *body = strstr(answer, "\r\n\r\n") + 4;
        if (i == 0) {
            first_body = strdup(body);
            snprintf(first_etag, sizeof first_etag, "%s", tag);
        } else {
            assert_string_equal(tag, first_etag);
            assert_string_equal(body, first_body);
        }
        free(answer);
        close(fds[i]);
    }
    assert_non_null(strstr(first_body, "今天下午三点召开党员大会"));
    free(first_body);
    printf("%d kiosks woken by one publish: %lld feed document(s) built\n", N, status_number("feeds_built") - built);
    assert_int_equal(status_number("feeds_built") - built, 1);
}

/* countyd's end of the connection fd, as the kernel shows it in
 * /proc/net/tcp: its timer (2 = keepalive) with the seconds left on it,
 * and its socket's inode. */
typedef struct {
    int timer;
    double timer_s;
    unsigned long inode;
} ServerEnd;

static bool server_end_of(int fd, ServerEnd *out)
{
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    if (getsockname(fd, (struct sockaddr *)&me, &len) != 0) return false;
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f) return false;
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned local_ip, local_port, rem_ip, rem_port, state, timer;
        unsigned long when, inode;
        if (sscanf(line, " %*d: %x:%x %x:%x %x %*x:%*x %x:%lx %*x %*u %*u %lu", &local_ip, &local_port, &rem_ip,
                   &rem_port, &state, &timer, &when, &inode) != 8)
            continue;
        /* The addresses are in network order, printed as a host-order number. */
        if ((int)local_port != srv.port || rem_port != ntohs(me.sin_port) || rem_ip != me.sin_addr.s_addr) continue;
        *out = (ServerEnd){.timer = (int)timer, .timer_s = (double)when / (double)sysconf(_SC_CLK_TCK), .inode = inode};
        found = true;
    }
    fclose(f);
    return found;
}

/* countyd's own descriptor of the socket with this inode, duplicated into
 * this process (pidfd_getfd: countyd is our child); -1 if not found. */
static int countyd_socket(unsigned long inode)
{
    char dir[64], want[64];
    snprintf(dir, sizeof dir, "/proc/%d/fd", (int)srv.pid);
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    DIR *d = opendir(dir);
    if (!d) return -1;
    int target = -1;
    for (struct dirent *e; target < 0 && (e = readdir(d));) {
        char path[320], link[64];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n <= 0) continue;
        link[n] = '\0';
        if (strcmp(link, want) == 0) target = (int)strtol(e->d_name, NULL, 10);
    }
    closedir(d);
    int pidfd = target >= 0 ? pidfd_open(srv.pid, 0) : -1;
    int fd = pidfd >= 0 ? pidfd_getfd(pidfd, target, 0) : -1;
    if (pidfd >= 0) close(pidfd);
    return fd;
}

static int sockopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

/* A held long-poll's socket on countyd's side: keepalive on, with these
 * timings, and its timer running (at most `idle` seconds away). */
static void check_keepalive_of_a_held_poll(const char *from, int idle, int interval, int probes)
{
    int fd = long_poll_from(from, feed_revision());
    assert_true(fd >= 0);
    assert_true(countyd_wait_held(&srv, 1, 30));
    ServerEnd end;
    assert_true(server_end_of(fd, &end));
    printf("countyd's end of a held long-poll from %s: timer %d (2 = keepalive), %.2f s left\n", from, end.timer,
           end.timer_s);
    assert_int_equal(end.timer, 2);
    assert_true(end.timer_s > 0 && end.timer_s <= idle);
    int theirs = countyd_socket(end.inode);
    assert_true(theirs >= 0);
    printf("its options: SO_KEEPALIVE %d, TCP_KEEPIDLE %d, TCP_KEEPINTVL %d, TCP_KEEPCNT %d\n",
           sockopt(theirs, SOL_SOCKET, SO_KEEPALIVE), sockopt(theirs, IPPROTO_TCP, TCP_KEEPIDLE),
           sockopt(theirs, IPPROTO_TCP, TCP_KEEPINTVL), sockopt(theirs, IPPROTO_TCP, TCP_KEEPCNT));
    assert_int_equal(sockopt(theirs, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(sockopt(theirs, IPPROTO_TCP, TCP_KEEPIDLE), idle);
    assert_int_equal(sockopt(theirs, IPPROTO_TCP, TCP_KEEPINTVL), interval);
    assert_int_equal(sockopt(theirs, IPPROTO_TCP, TCP_KEEPCNT), probes);
    close(theirs);
    close(fd);
    assert_true(countyd_wait_held(&srv, 0, 10));
}

static void held_long_polls_have_tcp_keepalive(void **state)
{
    (void)state;
    /* The defaults (60 s, 10 s, 3 probes), then the settings applied. */
    relaunch(NULL);
    check_keepalive_of_a_held_poll("127.0.0.7", 60, 10, 3);
    static const char *const options[] = {
        "--keepalive-idle", "37", "--keepalive-interval", "7", "--keepalive-probes", "4", NULL};
    relaunch(options);
    check_keepalive_of_a_held_poll("127.0.0.8", 37, 7, 4);
}

/* A kiosk that loses power sends no FIN; one that comes back has
 * forgotten the connection.  TCP_REPAIR mode lets this test close its
 * socket as silently (it needs CAP_NET_ADMIN); countyd's keepalive probe
 * is then answered by a reset, and the held long-poll must be let go. */
static void a_kiosk_gone_without_a_word_is_released(void **state)
{
    (void)state;
    static const char *const options[] = {
        "--keepalive-idle", "1", "--keepalive-interval", "1", "--keepalive-probes", "2", NULL};
    relaunch(options);
    int fd = long_poll_from("127.0.0.10", feed_revision());
    assert_true(fd >= 0);
    assert_true(countyd_wait_held(&srv, 1, 30));
    int on = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof on) != 0) {
        printf("skipped: TCP_REPAIR needs CAP_NET_ADMIN (%s)\n", strerror(errno));
        close(fd);
        skip();
    }
    close(fd);
    double t0 = test_now_s();
    /* Its wait is 30 s (countyd_util.h gives --max-wait 30): within 15
     * only the keepalive probe (after 1 s, answered by a reset) can end it. */
    assert_true(countyd_wait_held(&srv, 0, 15));
    printf("a kiosk gone without a word released %.1f s after it vanished (keepalive after 1 s)\n", test_now_s() - t0);
}

/* A kiosk's content request with this token: its status. */
static long kiosk_status(const char *id, const char *token)
{
    char auth[128], kid[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", id);
    const char *headers[] = {auth, kid, NULL};
    Reply r = countyd_call(&srv, "GET", "/v1/content?since=0", headers, NULL, 0);
    long status = r.status;
    reply_free(&r);
    return status;
}

/* Asks with the old token, over and over, noting when each request was sent. */
typedef struct {
    const char *token;
    atomic_bool stop;
    double sent[4096];
    long status[4096];
    atomic_int n; /* written by the client, read by the test */
} OldTokenClient;

static void *ask_with_old_token(void *arg)
{
    OldTokenClient *c = arg;
    for (int i = 0; !atomic_load(&c->stop) && i < 4096; i++) {
        c->sent[i] = test_now_s();
        c->status[i] = kiosk_status("hall-9", c->token);
        atomic_store(&c->n, i + 1);
    }
    return NULL;
}

static void a_new_token_refuses_the_old_one_at_once(void **state)
{
    (void)state;
    relaunch(NULL);
    char old_token[80], new_token[80];
    countyd_add_kiosk(&srv, "hall-9", old_token);
    /* Taken a few times first: a countyd that kept what it checked would have kept it. */
    for (int i = 0; i < 3; i++) assert_int_equal(kiosk_status("hall-9", old_token), 200);
    for (int round = 0; round < 5; round++) {
        static OldTokenClient client;
        memset(&client, 0, sizeof client);
        client.token = old_token;
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, ask_with_old_token, &client), 0);
        while (client.n < 5) sched_yield();
        countyd_add_kiosk(&srv, "hall-9", new_token);
        double issued = test_now_s();
        /* The old token is refused, the new one taken, from now on. */
        assert_int_equal(kiosk_status("hall-9", old_token), 401);
        assert_int_equal(kiosk_status("hall-9", new_token), 200);
        int after = client.n + 5;
        while (client.n < after && client.n < 4096) sched_yield();
        atomic_store(&client.stop, true);
        pthread_join(t, NULL);
        int late = 0, before = 0;
        for (int i = 0; i < client.n; i++) {
            if (client.sent[i] < issued) before += client.status[i] == 200;
            else {
                late++;
                assert_int_equal(client.status[i], 401);
            }
        }
        printf("round %d: the old token taken %d times before the new one was issued, refused all %d times after\n",
               round + 1, before, late);
        assert_true(before >= 1 && late >= 5);
        memcpy(old_token, new_token, sizeof old_token);
    }
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    countyd_start(&srv, "countyd-conn");
    countyd_add_kiosk(&srv, "hall-1", kiosk_token);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = countyd_stop_cleanly(&srv);
    curl_global_cleanup();
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slow_heads_are_closed_at_the_header_timeout),
        cmocka_unit_test(connections_over_the_per_address_limit_are_refused),
        cmocka_unit_test(a_hung_up_long_poll_is_released_at_once),
        cmocka_unit_test(one_publish_is_answered_from_one_document),
        cmocka_unit_test(held_long_polls_have_tcp_keepalive),
        cmocka_unit_test(a_new_token_refuses_the_old_one_at_once),
        cmocka_unit_test(a_kiosk_gone_without_a_word_is_released),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
