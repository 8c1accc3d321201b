/* countyd — the county server: kiosks sync content from it and report to
 * it; admins publish through it with kioskctl (docs/ADMIN.md).
 *
 * This file owns start-up: the settings (an INI file via common/inifile.h, overridden
 * by command-line flags), the one-off --add-admin, and a clean stop on
 * SIGTERM/SIGINT: held long-polls are released, the daemon's threads are
 * joined, the database is left consistent. */
#include <libgen.h>
#include <malloc.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/crypto.h>
#include <unistd.h>

#include "accounts.h"
#include "admins.h"
#include "api.h"
#include "app.h"
#include "authz.h"
#include "blobfile.h"
#include "bytes.h"
#include "cdb.h"
#include "httpd.h"
#include "inifile.h"
#include "log.h"
#include "longpoll.h"
#include "protolimits.h"
#include "ratelimit.h"
#include "orgs.h"
#include "validate.h"

typedef struct {
    App app;
    char listen[128];
    char log_file[1024];
    int log_level;
    int max_connections, max_per_address, client_timeout_s, header_timeout_s, workers;
    int keepalive_idle_s, keepalive_interval_s, keepalive_probes;
    char add_admin[128];
    char admin_org[128]; /* --org: the new admin's organisation (root) */
    char admin_roles[128]; /* --roles: its roles (all) */
    char console_password[128];
    char tls_cert[1024], tls_key[1024];
    bool blob_dir_set;
    bool new_identity; /* --new-identity: after restoring a backup */
} Settings;

static void usage(void)
{
    printf("usage: countyd [options]\n"
           "  --config FILE         INI file with a [countyd] section (keys as the options, '-' as '_')\n"
           "  --db FILE             the database (default var/countyd.db)\n"
           "  --listen ADDR:PORT    where to listen (default 127.0.0.1:8750)\n"
           "  --blobs DIR           attachment files (default: countyd-blobs beside the database)\n"
           "  --log-level LEVEL     debug, info, warn or error (default info)\n"
           "  --log-file FILE       also log to this file\n"
           "  --max-wait SECONDS    longest long-poll granted to kiosks, 0..120 (default 90)\n"
           "  --silent-minutes N    flag kiosks without a heartbeat for N minutes (default 30)\n"
           "  --max-connections N   concurrent connections, held long-polls included (default 20000)\n"
           "  --max-per-address N   concurrent connections from one address (default 64)\n"
           "  --workers N           threads that answer requests (default 4); held long-polls need none\n"
           "  --client-timeout S    a client silent this long, or sending a request body for 3x this, is\n"
           "                        dropped (default 10)\n"
           "  --header-timeout S    a connection that has not sent a whole request head this long after it\n"
           "                        opened (or after its last answer) is closed (default 10)\n"
           "  --keepalive-idle S    TCP keepalive: a connection silent this long is probed, 1..7200 (default 60) ...\n"
           "  --keepalive-interval S  ... every S seconds, 1..600 (default 10) ...\n"
           "  --keepalive-probes N  ... and closed (a held long-poll released) after N unanswered, 1..20 (default 3)\n"
           "  --tls-cert FILE       serve HTTPS with this PEM certificate (chain) ...\n"
           "  --tls-key FILE        ... and this PEM key (both or neither)\n"
           "  --console-dir DIR     the web console's files (default: console/ beside bin/)\n"
           "  --preview-kiosk FILE  the kiosk program that renders previews (default: kiosk beside countyd)\n"
           "  --preview-config FILE the kiosk.conf previews start from (default: kiosk.conf above bin/)\n"
           "  --preview-timeout S   stop a preview that takes longer, 5..300 (default 60)\n"
           "  --receipt-lookups N   receipt lookups one kiosk may make an hour, up to 10 of them in a row\n"
           "                        (default 60; 0 = no limit)\n"
           "  --case-due-request N  a 依申请公开 request is due N working days after it came, 0..365\n"
           "                        (default 15; 0 = no due date); also --case-due-comment, --case-due-report\n"
           "  --case-holidays LIST  dates that are not working days: 2026-10-01,2026-10-02,...\n"
           "  --case-workdays LIST  weekend dates that are working days (调休): 2026-09-27,...\n"
           "  --new-identity        give the database a new identity (after restoring a backup), exit\n"
           "  --add-admin NAME      create admin NAME (or give it a new token), print the token, exit\n"
           "    --org ID            ... of this organisation (default root, the county)\n"
           "    --roles LIST        ... with these roles: draft,review,approve,supervise,manage\n"
           "                        (default draft,review,approve,manage)\n"
           "  --console-password NAME  give admin NAME a new first password for the web console, print it, exit\n");
}

static int set_int(const char *name, const char *value, int lo, int hi, int *out, Err *err)
{
    char *end;
    long v = strtol(value, &end, 10);
    if (!*value || *end || v < lo || v > hi) return err_set(err, "%s: must be a whole number %d..%d", name, lo, hi);
    *out = (int)v;
    return 0;
}

/* The settings that are a whole number in a range. */
static const struct {
    const char *name;
    int lo, hi;
    size_t offset; /* of the int in Settings */
} int_settings[] = {
    {"max-wait", 0, 120, offsetof(Settings, app.max_wait_s)},
    {"silent-minutes", 1, 100000, offsetof(Settings, app.silent_minutes)},
    {"max-connections", 16, 100000, offsetof(Settings, max_connections)},
    {"max-per-address", 2, 100000, offsetof(Settings, max_per_address)},
    {"workers", 1, 64, offsetof(Settings, workers)},
    {"client-timeout", 2, 600, offsetof(Settings, client_timeout_s)},
    {"header-timeout", 1, 600, offsetof(Settings, header_timeout_s)},
    {"keepalive-idle", 1, 7200, offsetof(Settings, keepalive_idle_s)},
    {"keepalive-interval", 1, 600, offsetof(Settings, keepalive_interval_s)},
    {"keepalive-probes", 1, 20, offsetof(Settings, keepalive_probes)},
    {"preview-timeout", 5, 300, offsetof(Settings, app.preview_timeout_s)},
    {"receipt-lookups", 0, 100000, offsetof(Settings, app.receipt_lookups_per_hour)},
};

/* One setting by its name (options without "--", '-' or '_' alike). */
static int apply_setting(Settings *s, const char *name, const char *value, Err *err)
{
    char key[64];
    snprintf(key, sizeof key, "%s", name);
    for (char *p = key; *p; p++)
        if (*p == '_') *p = '-';
    for (size_t i = 0; i < sizeof int_settings / sizeof int_settings[0]; i++)
        if (strcmp(key, int_settings[i].name) == 0)
            return set_int(key, value, int_settings[i].lo, int_settings[i].hi,
                           (int *)((char *)s + int_settings[i].offset), err);
    if (strcmp(key, "db") == 0) snprintf(s->app.db_path, sizeof s->app.db_path, "%s", value);
    else if (strcmp(key, "listen") == 0) snprintf(s->listen, sizeof s->listen, "%s", value);
    else if (strcmp(key, "blobs") == 0) {
        snprintf(s->app.blob_dir, sizeof s->app.blob_dir, "%s", value);
        s->blob_dir_set = true;
    } else if (strcmp(key, "log-level") == 0) {
        if ((s->log_level = log_level_parse(value)) < 0) return err_set(err, "log-level: debug, info, warn or error");
    } else if (strcmp(key, "log-file") == 0) snprintf(s->log_file, sizeof s->log_file, "%s", value);
    else if (strcmp(key, "tls-cert") == 0) snprintf(s->tls_cert, sizeof s->tls_cert, "%s", value);
    else if (strcmp(key, "tls-key") == 0) snprintf(s->tls_key, sizeof s->tls_key, "%s", value);
    else if (strcmp(key, "console-dir") == 0) snprintf(s->app.console_dir, sizeof s->app.console_dir, "%s", value);
    else if (strcmp(key, "preview-kiosk") == 0)
        snprintf(s->app.preview_kiosk, sizeof s->app.preview_kiosk, "%s", value);
    else if (strcmp(key, "preview-config") == 0)
        snprintf(s->app.preview_config, sizeof s->app.preview_config, "%s", value);
    else if (strncmp(key, "case-due-", 9) == 0 && feedback_kind_parse(key + 9) > FEEDBACK_RATING)
        return set_int(key, value, 0, CASE_MAX_DUE_DAYS, &s->app.case_rules.due_days[feedback_kind_parse(key + 9)],
                       err);
    else if (strcmp(key, "case-holidays") == 0) {
        if (case_rules_dates(value, s->app.case_rules.holidays, &s->app.case_rules.n_holidays, err))
            return err_prefix(err, "case-holidays: ");
    } else if (strcmp(key, "case-workdays") == 0) {
        if (case_rules_dates(value, s->app.case_rules.workdays, &s->app.case_rules.n_workdays, err))
            return err_prefix(err, "case-workdays: ");
    } else return err_set(err, "unknown setting \"%s\" (see countyd --help)", name);
    return 0;
}

/* Keys of [countyd]; other sections are another program's. */
static int on_ini(void *ctx, const char *section, const char *name, const char *value, Err *err)
{
    if (strcmp(section, "countyd") != 0) return 0;
    return apply_setting(ctx, name, value, err);
}

static int load_ini(Settings *s, const char *path, Err *err) { return inifile_load(path, on_ini, s, err); }

/* The console and the preview kiosk default to their places in a build
 * tree or an install: bin/countyd, bin/kiosk, console/, kiosk.conf. */
static void default_paths(App *app)
{
    char exe[1024], dir[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    snprintf(dir, sizeof dir, "%s", dirname(exe));
    if (!app->console_dir[0]) snprintf(app->console_dir, sizeof app->console_dir, "%s/../console", dir);
    if (!app->preview_kiosk[0]) snprintf(app->preview_kiosk, sizeof app->preview_kiosk, "%s/kiosk", dir);
    if (!app->preview_config[0]) snprintf(app->preview_config, sizeof app->preview_config, "%s/../kiosk.conf", dir);
}

/* After a backup was restored: kiosks that saw a later revision of this
 * database must learn that it is another one, and resync to it. */
static int new_identity(Cdb *db)
{
    Err err;
    char id[24];
    if (cdb_new_database_id(db, &err)) {
        fprintf(stderr, "countyd: %s\n", err.msg);
        return 1;
    }
    if (cdb_database_id(db, id, sizeof id, &err)) {
        fprintf(stderr, "countyd: %s\n", err.msg);
        return 1;
    }
    printf("the database's identity is now %s; kiosks will fetch a full snapshot from it\n", id);
    return 0;
}

/* Returns 0 to run, 1 after --help, -1 on a bad option. */
static int parse_args(Settings *s, int argc, char **argv, Err *err)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && load_ini(s, argv[i + 1], err)) return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 1;
        }
        if (strcmp(a, "--new-identity") == 0) {
            s->new_identity = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || i + 1 >= argc)
            return err_set(err, "%s: expected an option with a value (see countyd --help)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--config") == 0) continue;
        if (strcmp(a, "--add-admin") == 0) snprintf(s->add_admin, sizeof s->add_admin, "%s", v);
        else if (strcmp(a, "--org") == 0) snprintf(s->admin_org, sizeof s->admin_org, "%s", v);
        else if (strcmp(a, "--roles") == 0) snprintf(s->admin_roles, sizeof s->admin_roles, "%s", v);
        else if (strcmp(a, "--console-password") == 0)
            snprintf(s->console_password, sizeof s->console_password, "%s", v);
        else if (apply_setting(s, a + 2, v, err)) return -1;
    }
    if ((s->tls_cert[0] != 0) != (s->tls_key[0] != 0))
        return err_set(err, "tls-cert and tls-key go together: give both, or neither for plain HTTP");
    default_paths(&s->app);
    if (!s->blob_dir_set) {
        char copy[1024];
        snprintf(copy, sizeof copy, "%s", s->app.db_path);
        snprintf(s->app.blob_dir, sizeof s->app.blob_dir, "%s/countyd-blobs", dirname(copy));
    }
    return 0;
}

static int add_admin(Cdb *db, const Settings *s)
{
    char token[AUTH_TOKEN_LEN + 1];
    Err err;
    unsigned roles = ROLE_DRAFT | ROLE_REVIEW | ROLE_APPROVE | ROLE_MANAGE;
    if (s->admin_roles[0] && authz_roles_parse(s->admin_roles, &roles, &err)) {
        fprintf(stderr, "countyd: %s\n", err.msg);
        return 2;
    }
    const char *name = s->add_admin;
    if (admin_add(db, "countyd", name, s->admin_org[0] ? s->admin_org : ORG_ROOT, roles, token, &err)) {
        fprintf(stderr, "countyd: %s\n", err.msg);
        return 1;
    }
    printf("admin %s; token (shown only now, keep it secret):\n%s\n", name, token);
    printf("use it with:  export KIOSKCTL_TOKEN=%s\n", token);
    return 0;
}

static int initial_password(Cdb *db, const char *name)
{
    char password[32];
    Err err;
    if (account_initial_password(db, "countyd", name, password, sizeof password, &err)) {
        fprintf(stderr, "countyd: %s\n", err.msg);
        return 1;
    }
    printf("管理员 %s 的初始密码（只显示这一次，首次登录时必须修改）：\n%s\n", name, password);
    return 0;
}

static int prepare_storage(const Settings *s, Cdb **db)
{
    Err err;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", s->app.db_path);
    if (blobs_mkdirs(dirname(dir), &err) || blobs_mkdirs(s->app.blob_dir, &err) || cdb_open(s->app.db_path, db, &err)) {
        log_error("countyd: %s", err.msg);
        return -1;
    }
    return 0;
}

/* Each connection is a file descriptor, plus a few for the database and
 * the workers: raise the soft limit as far as the system allows; when it
 * is still too low for --max-connections, take fewer connections (an
 * accept that fails for want of descriptors would refuse kiosks at
 * random) and say so. */
#define RESERVED_FILES 64
static void raise_file_limit(int *max_connections)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
    rlim_t wanted = (rlim_t)*max_connections + RESERVED_FILES;
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= wanted) return;
    int fit = lim.rlim_cur > 16 + RESERVED_FILES ? (int)(lim.rlim_cur - RESERVED_FILES) : 16;
    log_warn("countyd: the open files limit is %llu, too low for --max-connections %d; taking %d connections (raise "
             "it with ulimit -n or LimitNOFILE=, or lower --max-connections)",
             (unsigned long long)lim.rlim_cur, *max_connections, fit);
    *max_connections = fit;
}

static void free_pem(char *cert, char *key)
{
    if (key) OPENSSL_cleanse(key, strlen(key));
    free(key);
    free(cert);
}

/* Ten lookups in a row, or fewer when the hour allows fewer. */
static int lookup_burst(int per_hour)
{
    return per_hour > 0 && per_hour < RECEIPT_LOOKUP_BURST ? per_hour : RECEIPT_LOOKUP_BURST;
}

static int serve(Settings *s, Cdb *db)
{
    raise_file_limit(&s->max_connections);
    int64_t revision, admins;
    Err err;
    if (cdb_revision(db, &revision, &err) || admin_count(db, &admins, &err)) {
        log_error("countyd: %s", err.msg);
        return 1;
    }
    if (admins == 0)
        log_warn("countyd: there is no admin yet; create one with:  countyd --db %s --add-admin NAME", s->app.db_path);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    /* Blocked before the daemon starts, so its threads inherit the mask and
     * only sigwait() below sees the signals. */
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (longpoll_init(&err) ||
        ratelimit_new(s->app.receipt_lookups_per_hour, lookup_burst(s->app.receipt_lookups_per_hour),
                      &s->app.receipt_lookups, &err)) {
        log_error("countyd: %s", err.msg);
        return 1;
    }
    HttpConf conf = {
        .listen = s->listen,
        .routes = api_routes,
        .route_count = api_route_count,
        .authorize = api_authorize,
        .db_path = s->app.db_path,
        .app = &s->app,
        .max_connections = s->max_connections,
        .workers = s->workers,
        .max_per_address = s->max_per_address,
        .client_timeout_s = s->client_timeout_s,
        .header_timeout_s = s->header_timeout_s,
        .keepalive_idle_s = s->keepalive_idle_s,
        .keepalive_interval_s = s->keepalive_interval_s,
        .keepalive_probes = s->keepalive_probes,
    };
    HttpServer *server;
    char *cert = NULL, *key = NULL;
    size_t len;
    if (s->tls_cert[0] && (bytes_read_file(s->tls_cert, 1 << 20, &cert, &len, &err) ||
                           bytes_read_file(s->tls_key, 1 << 20, &key, &len, &err))) {
        log_error("countyd: %s", err.msg);
        free(cert);
        return 1;
    }
    conf.tls_cert_pem = cert;
    conf.tls_key_pem = key;
    /* libmicrohttpd keeps pointers to the PEM text: it lives until the stop. */
    if (http_start(&conf, &server, &err)) {
        log_error("countyd: %s", err.msg);
        free_pem(cert, key);
        ratelimit_free(s->app.receipt_lookups);
        return 1;
    }
    log_info("countyd: listening on %s (port %d), %s, console %s, database %s, revision %lld, attachments in %s",
             s->listen, http_port(server), s->tls_cert[0] ? "https" : "http", s->app.console_dir, s->app.db_path,
             (long long)revision, s->app.blob_dir);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("countyd: %s received, stopping", strsignal(sig));
    /* Quiet first (no new connections), release the held long-polls, and
     * give their 503 answers a moment to leave before the sockets close. */
    http_quiesce(server);
    longpoll_shutdown();
    struct timespec flush = {0, 300 * 1000000L};
    nanosleep(&flush, NULL);
    http_stop(server);
    free_pem(cert, key);
    ratelimit_free(s->app.receipt_lookups);
    log_info("countyd: stopped");
    return 0;
}

int main(int argc, char **argv)
{
    /* Feed documents of megabytes (snapshots and their copies for each
     * request) are mapped and unmapped one by one: glibc would otherwise
     * raise its mmap threshold once the first is freed and keep the memory
     * of every later one in its heaps (tens of MB with 15,000 kiosks). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    Settings s = {
        .app = {.db_path = "var/countyd.db",
                .max_wait_s = 90,
                .silent_minutes = 30,
                .preview_timeout_s = 60,
                .receipt_lookups_per_hour = RECEIPT_LOOKUPS_PER_HOUR},
        .listen = "127.0.0.1:8750",
        .log_level = LOG_INFO,
        .max_connections = 20000,
        .max_per_address = 64,
        .workers = HTTP_DEFAULT_WORKERS,
        .client_timeout_s = 10,
        .header_timeout_s = HTTP_DEFAULT_HEADER_TIMEOUT_S,
        .keepalive_idle_s = HTTP_DEFAULT_KEEPALIVE_IDLE_S,
        .keepalive_interval_s = HTTP_DEFAULT_KEEPALIVE_INTERVAL_S,
        .keepalive_probes = HTTP_DEFAULT_KEEPALIVE_PROBES,
    };
    case_rules_default(&s.app.case_rules);
    Err err;
    int rc = parse_args(&s, argc, argv, &err);
    if (rc) {
        if (rc < 0) fprintf(stderr, "countyd: %s\n", err.msg);
        return rc < 0 ? 2 : 0;
    }
    log_set_level((LogLevel)s.log_level);
    if (s.log_file[0] && log_set_file(s.log_file)) log_warn("countyd: cannot open log file %s", s.log_file);
    Cdb *db;
    if (prepare_storage(&s, &db)) return 1;
    if (s.new_identity) rc = new_identity(db);
    else if (s.add_admin[0]) rc = add_admin(db, &s);
    if (!rc && s.console_password[0]) rc = initial_password(db, s.console_password);
    if (!s.new_identity && !s.add_admin[0] && !s.console_password[0]) rc = serve(&s, db);
    cdb_close(db);
    return rc;
}
