/* bench_chromium.c — the kiosk beside a Chromium kiosk page showing the
 * same content, as a county weighing "just use a browser" would compare
 * them on one PC.
 *
 * Both show the home screen of the sample content (assets/sample: the
 * unit's name, the eight first-level categories with their item counts,
 * the ticker) at 1920x1080 with software rendering, on an Xvfb the bench
 * starts (benchutil.h; so both present every frame to a real X server, as
 * on a kiosk PC): the real bin/kiosk (not headless), and Debian's chromium
 * with --kiosk --disable-gpu, on a page this bench writes from the same
 * feed.  Without Xvfb, the kiosk on SDL's dummy driver and Chromium in its
 * headless mode, neither presenting anything (nothing is fetched: the page and its beacon are served by
 * libmicrohttpd on 127.0.0.1; fonts are the system's Noto Sans CJK SC, the
 * file the kiosk uses).  The ticker is the sample's notices joined into one
 * line, long enough to scroll on both (the kiosk by its ticker_speed, the
 * page by a CSS animation at the same speed).  Each run, for each:
 *   first paint  from fork() to the first frame: the kiosk's READY=1 on a
 *                notify socket (sent once its first frame is presented,
 *                kiosk/ui/watchdog.h), the page's first-contentful-paint
 *                (PerformanceObserver) arriving as a request at the bench;
 *   PSS          2 s later, /proc/PID/smaps_rollup summed over the program's
 *                processes (Chromium's browser, zygotes, renderer, GPU and
 *                utility processes: every descendant);
 *   idle CPU     the processes' CPU time (/proc/PID/stat) over SPAN s with
 *                the ticker scrolling, as a share of one core, and the X
 *                server's over the same span (its work for what each
 *                program presents).
 * A first run of each is not counted (it fills the page cache and
 * deploys the kiosk's pinyin data); the profile (--user-data-dir) is
 * fresh for the bench.  Prints p50/p99/max of each and the ratios
 * (Chromium / kiosk) of the p50s, with the machine's load first and last.
 *
 * Skipped with one line when Chromium is not installed.  BENCH_RUNS
 * (default 5) and BENCH_SPAN_S (default 10) change the counts; CHROMIUM
 * the browser; BENCH_KEEP=1 keeps the scratch folder (the page as
 * page.html, the programs' logs).  Takes about (SPAN + 5) s x 2 x (RUNS + 1). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <ftw.h>

#include "blobs.h"
#include "benchkiosk.h"
#include "benchutil.h"
#include "config.h"
#include "import.h"
#include "monoclock.h"
#include "number.h"
#include "store.h"

#define SAMPLE "assets/sample"
#define WIDTH 1920
#define HEIGHT 1080
#define MAX_RUNS 50
#define SETTLE_MS 2000
#define START_TIMEOUT_MS 60000
#define TICKER_NOTICE "bench-ticker"

typedef struct Figures {
    double paint_ms[MAX_RUNS], pss_mib[MAX_RUNS], cpu_pct[MAX_RUNS];
    double x_cpu_pct[MAX_RUNS]; /* the X server's, drawing what the program presents */
    int n;
} Figures;

typedef struct Bench {
    char dir[256]; /* scratch */
    char kiosk_conf[512], notify_path[300], chromium[256];
    int notify_sock;
    struct MHD_Daemon *httpd;
    int port;
    char *page;
    pthread_mutex_t lock;
    pthread_cond_t painted_cond;
    int painted; /* beacons received */
    int runs, span_s;
    BenchDisplay display; /* the X server both show on, or the dummy driver (benchutil.h) */
    StoreCategory *cats; /* the kiosk's catalog, for the page's tiles */
    int ncats;
} Bench;

static void die(const char *what)
{
    fprintf(stderr, "bench_chromium: %s\n", what);
    exit(1);
}

/* ---- the content, for both ------------------------------------------- */

/* Text for HTML: & < > " escaped. */
static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') fputs("&amp;", f);
        else if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

/* The sample's notices joined into one line: long enough to scroll. */
static char *ticker_text(json_t *feed)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) die("out of memory");
    json_t *n;
    size_t i;
    json_array_foreach (json_object_get(json_object_get(feed, "notices"), "upsert"), i, n)
        fprintf(f, "%s%s", i ? "　　" : "", json_string_value(json_object_get(n, "text")));
    fclose(f);
    return text;
}

/* The home screen as a web page: the same header, tiles and ticker as the
 * kiosk's (kiosk/screens/screen_home.c): its first-level categories and
 * their counts as the kiosk's store gives them now, and a beacon at the
 * first contentful paint. */
static char *make_page(const StoreCategory *cats, int ncats, const char *unit, const char *ticker, int ticker_speed)
{
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    if (!f) die("out of memory");
    fputs("<!doctype html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>党务公开</title><style>\n"
          "html,body{margin:0;width:1920px;height:1080px;overflow:hidden;background:#f7f2ea;"
          "font-family:'Noto Sans CJK SC',sans-serif;color:#2b2420}\n"
          "header{height:124px;background:#a01c20;color:#fff;display:flex;align-items:center;padding:0 48px}\n"
          "header .star{color:#ffd666;font-size:64px;margin-right:24px}\n"
          "header h1{font-size:50px;margin:0;flex:1}header .clock{text-align:right;font-size:36px}\n"
          "header .sync{font-size:28px;opacity:.8}\n"
          "main{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:32px;padding:40px 48px}\n"
          ".tile{background:#fff;border:2px solid #e6dccd;border-radius:18px;height:210px;padding:24px;"
          "box-sizing:border-box}\n"
          ".tile .count{font-size:34px;color:#6b5f55}.tile .name{font-size:42px;font-weight:bold;margin-top:40px;"
          "white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
          ".actions{display:flex;justify-content:flex-end;gap:32px;padding:0 48px}\n"
          ".actions .hint{flex:1;font-size:36px;color:#6b5f55;align-self:center}\n"
          ".actions button{font:bold 40px 'Noto Sans CJK SC';width:320px;height:100px;border-radius:12px;"
          "border:2px solid #a01c20;background:#fff;color:#a01c20}.actions button.primary{background:#a01c20;"
          "color:#fff}\n"
          ".ticker{position:absolute;left:0;right:0;bottom:0;height:100px;background:#f1e6d6;"
          "border-top:3px solid #a01c20;overflow:hidden;display:flex;align-items:center}\n"
          ".ticker .badge{background:#a01c20;color:#fff;font-size:34px;padding:4px 16px;border-radius:10px;"
          "margin:0 24px 0 36px;z-index:1;white-space:nowrap;flex-shrink:0}\n"
          ".ticker .run{white-space:nowrap;font-size:40px;animation:run linear infinite}\n"
          "@keyframes run{from{transform:translateX(0)}to{transform:translateX(var(--run))}}\n"
          "</style></head><body>\n<header><span class=\"star\">★</span><h1>",
          f);
    html_text(f, unit);
    fputs("</h1><div><div class=\"clock\" id=\"clock\"></div><div class=\"sync\">● 离线</div></div></header>\n<main>",
          f);
    for (int i = 0; i < ncats; i++) {
        if (cats[i].level != 1) continue;
        fprintf(f, "<div class=\"tile\"><div class=\"count\">共 %d 条</div><div class=\"name\">", cats[i].item_count);
        html_text(f, cats[i].name);
        fputs("</div></div>", f);
    }
    fputs("</main>\n<div class=\"actions\"><span class=\"hint\">轻触栏目，查看公开内容</span>"
          "<button>回复公开</button><button class=\"primary\">意见建议</button></div>\n"
          "<div class=\"ticker\"><span class=\"badge\">通知</span><span class=\"run\" id=\"run\">",
          f);
    html_text(f, ticker);
    fprintf(f,
            "</span></div>\n<script>\n"
            "const w=['日','一','二','三','四','五','六'],d=new Date();\n"
            "document.getElementById('clock').textContent=d.getFullYear()+'年'+(d.getMonth()+1)+'月'+d.getDate()+"
            "'日 星期'+w[d.getDay()]+' '+String(d.getHours()).padStart(2,'0')+':'+String(d.getMinutes())"
            ".padStart(2,'0');\n"
            "const run=document.getElementById('run'),px=run.scrollWidth+1920/3;\n"
            "run.style.setProperty('--run','-'+px+'px');run.style.animationDuration=(px/%d)+'s';\n"
            "new PerformanceObserver(l=>{for(const e of l.getEntries())if(e.name==='first-contentful-paint')"
            "fetch('/painted')}).observe({type:'paint',buffered:true});\n"
            "</script></body></html>\n",
            ticker_speed);
    fclose(f);
    return page;
}

/* The kiosk's database: the sample snapshot and its images, then a delta
 * that puts the one long ticker notice in place of the sample's.  Periodic:
 * an urgent or 即时 (immediate) notice would stand still in the strip under
 * the header (kiosk/ui/urgent.h), and the kiosk's ticker would not move. */
static void prepare_kiosk(Bench *b, json_t *feed, const char *ticker)
{
    char db[512], cache[512], delta[512];
    snprintf(db, sizeof db, "%s/kiosk.db", b->dir);
    snprintf(cache, sizeof cache, "%s/cache", b->dir);
    snprintf(delta, sizeof delta, "%s/ticker.json", b->dir);
    json_t *del = json_array();
    json_t *n;
    size_t i;
    json_array_foreach (json_object_get(json_object_get(feed, "notices"), "upsert"), i, n)
        json_array_append(del, json_object_get(n, "id"));
    json_int_t base = json_integer_value(json_object_get(feed, "revision"));
    json_t *doc = json_pack("{s:s,s:i,s:s,s:I,s:I,s:{s:[{s:s,s:s,s:s,s:i}],s:o}}", "format", "dangwu-feed", "version",
                            1, "kind", "delta", "base_revision", base, "revision", base + 1, "notices", "upsert", "id",
                            TICKER_NOTICE, "text", ticker, "period", "periodic", "sort", 0, "delete", del);
    if (!doc || json_dump_file(doc, delta, 0) != 0) die("cannot write the ticker delta");
    json_decref(doc);
    Store *s;
    Err err;
    FeedResult res;
    int fetched;
    if (store_open(db, &s, &err) || feed_import_file(s, SAMPLE "/feed.json", &res, &err) || blobs_mkdirs(cache, &err) ||
        blobs_fetch_local(s, cache, SAMPLE, &fetched, &err) || feed_import_file(s, delta, &res, &err) ||
        store_catalog(s, (int64_t)time(NULL), &b->cats, &b->ncats, &err)) {
        fprintf(stderr, "bench_chromium: the kiosk's database: %s\n", err.msg);
        exit(1);
    }
    store_close(s);
    snprintf(b->kiosk_conf, sizeof b->kiosk_conf, "%s/kiosk.conf", b->dir);
    FILE *f = fopen(b->kiosk_conf, "w");
    if (!f) die("cannot write kiosk.conf");
    /* A folder that is not there: the sync stays offline and changes
     * nothing, as a kiosk's sync between two rounds. */
    fprintf(f,
            "[display]\nfullscreen = false\nwidth = %d\nheight = %d\n[store]\ndatabase = %s\ncache_dir = %s\n"
            "[sync]\nserver_url = file://%s/no-server\n[input]\nrime_user_dir = %s/rime\n",
            WIDTH, HEIGHT, db, cache, b->dir, b->dir);
    fclose(f);
}

/* ---- the page's server ------------------------------------------------ */

static enum MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)method, (void)version, (void)upload, (void)upload_size, (void)con_cls;
    Bench *b = cls;
    struct MHD_Response *r;
    unsigned status = MHD_HTTP_OK;
    if (strcmp(url, "/") == 0) {
        r = MHD_create_response_from_buffer(strlen(b->page), b->page, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    } else {
        if (strcmp(url, "/painted") == 0) {
            pthread_mutex_lock(&b->lock);
            b->painted++;
            pthread_cond_broadcast(&b->painted_cond);
            pthread_mutex_unlock(&b->lock);
            status = MHD_HTTP_NO_CONTENT;
        } else {
            status = MHD_HTTP_NOT_FOUND; /* the favicon */
        }
        r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    }
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

static void start_server(Bench *b)
{
    pthread_mutex_init(&b->lock, NULL);
    monoclock_cond_init(&b->painted_cond);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    b->httpd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve, b, MHD_OPTION_SOCK_ADDR,
                                (struct sockaddr *)&addr, MHD_OPTION_END);
    if (!b->httpd) die("cannot start the page's server on 127.0.0.1");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(b->httpd, MHD_DAEMON_INFO_BIND_PORT);
    b->port = info ? info->port : 0;
    if (!b->port) die("the page's server has no port");
}

/* ---- processes -------------------------------------------------------- */

typedef struct Proc {
    int pid, ppid;
    double cpu_ms;
} Proc;

/* Every process on the machine with its parent and CPU time; n of them. */
static int list_procs(Proc *out, int max)
{
    DIR *d = opendir("/proc");
    if (!d) die("cannot read /proc");
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        int pid, ppid;
        double cpu;
        if (number_parse_int(e->d_name, 1, 1 << 30, &pid) != 0 || bench_proc_cpu_ms(pid, &ppid, &cpu) != 0) continue;
        out[n++] = (Proc){pid, ppid, cpu};
    }
    closedir(d);
    return n;
}

static bool descends(const Proc *all, int n, int pid, int root)
{
    for (int depth = 0; depth < 64; depth++) {
        if (pid == root) return true;
        int parent = -1;
        for (int i = 0; i < n; i++)
            if (all[i].pid == pid) parent = all[i].ppid;
        if (parent <= 1) return false;
        pid = parent;
    }
    return false;
}

#define MAX_PROCS 8192
static Proc procs[MAX_PROCS];

/* The program's processes (root and every descendant): their PIDs into
 * tree, their CPU time (ms) summed into *cpu_ms; how many. */
static int tree(int root, int *pids, int max, double *cpu_ms)
{
    int n = list_procs(procs, MAX_PROCS), k = 0;
    *cpu_ms = 0;
    for (int i = 0; i < n && k < max; i++)
        if (descends(procs, n, procs[i].pid, root)) {
            pids[k++] = procs[i].pid;
            *cpu_ms += procs[i].cpu_ms;
        }
    return k;
}

static double pss_mib(int root)
{
    int pids[512];
    double ticks;
    int k = tree(root, pids, 512, &ticks);
    double kb = 0;
    for (int i = 0; i < k; i++) {
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pids[i]);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        long v;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Pss: %ld kB", &v) == 1) kb += (double)v;
        fclose(f);
    }
    return kb / 1024;
}

static double cpu_ms(int root)
{
    int pids[512];
    double ms;
    tree(root, pids, 512, &ms);
    return ms;
}

/* Ends the program and everything it started. */
static void stop(int pid)
{
    int pids[512];
    double ticks;
    int k = tree(pid, pids, 512, &ticks);
    kill(pid, SIGTERM);
    for (int waited = 0; waited < 5000; waited += 20) {
        if (waitpid(pid, NULL, WNOHANG) == pid) goto reaped;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
reaped:
    for (int i = 0; i < k; i++)
        if (pids[i] != pid) kill(pids[i], SIGKILL);
}

/* Whether the programs show on an X server: the bench's Xvfb, or one that
 * SDL_VIDEODRIVER=x11 and DISPLAY name (its CPU is then not counted). */
static bool on_x_server(void)
{
    const char *driver = getenv("SDL_VIDEODRIVER"), *display = getenv("DISPLAY");
    return driver && strcmp(driver, "x11") == 0 && display && *display;
}

static int spawn(Bench *b, const char *log, char *const argv[], bool kiosk)
{
    int pid = fork();
    if (pid < 0) die("fork failed");
    if (pid > 0) return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    if (kiosk) {
        char me[32];
        snprintf(me, sizeof me, "%d", (int)getpid());
        setenv("NOTIFY_SOCKET", b->notify_path, 1);
        /* Pings every 10 s, as under the unit's WatchdogSec=30. */
        setenv("WATCHDOG_USEC", "30000000", 1);
        setenv("WATCHDOG_PID", me, 1);
    } else {
        char home[300];
        snprintf(home, sizeof home, "%s/home", b->dir);
        mkdir(home, 0700);
        setenv("HOME", home, 1);
    }
    execv(argv[0], argv);
    _exit(127);
}

/* Waits for the page's first-paint beacon number `want`; the ms, or -1. */
static double wait_painted(Bench *b, double t0, int want)
{
    pthread_mutex_lock(&b->lock);
    struct timespec until = monoclock_deadline(START_TIMEOUT_MS);
    while (b->painted < want)
        if (pthread_cond_timedwait(&b->painted_cond, &b->lock, &until) == ETIMEDOUT) break;
    bool got = b->painted >= want;
    pthread_mutex_unlock(&b->lock);
    return got ? monoclock_ms() - t0 : -1;
}

/* One run of one program: first paint, PSS, idle CPU into f (when counted). */
static void run_one(Bench *b, bool kiosk, int run, Figures *f)
{
    char log[300], profile[300], url[64], size[32];
    snprintf(log, sizeof log, "%s/%s-%d.log", b->dir, kiosk ? "kiosk" : "chromium", run);
    snprintf(profile, sizeof profile, "--user-data-dir=%s/profile", b->dir);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", b->port);
    snprintf(size, sizeof size, "--window-size=%d,%d", WIDTH, HEIGHT);
    char kiosk_bin[300];
    snprintf(kiosk_bin, sizeof kiosk_bin, "%s/kiosk", getenv("BIN") && *getenv("BIN") ? getenv("BIN") : "bin");
    char *kiosk_argv[] = {kiosk_bin, "--config", b->kiosk_conf, NULL};
    /* On an X server Chromium shows the page as a kiosk PC would run it
     * (--kiosk, a full-screen window it presents to); without one, its
     * headless mode, which presents nothing, like the dummy driver. */
    bool on_x = on_x_server(), xvfb = b->display.xvfb > 0;
    char *chromium_argv[24];
    int n = 0;
    chromium_argv[n++] = b->chromium;
    if (on_x) {
        chromium_argv[n++] = "--kiosk";
        chromium_argv[n++] = "--ozone-platform=x11";
    } else {
        chromium_argv[n++] = "--headless";
    }
    static char *const common[] = {
        "--no-sandbox",   "--disable-gpu",  "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--no-default-browser-check",      "--hide-scrollbars",
        "--mute-audio"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) chromium_argv[n++] = common[i];
    chromium_argv[n++] = profile;
    chromium_argv[n++] = size;
    chromium_argv[n++] = url;
    chromium_argv[n] = NULL;
    double t0 = monoclock_ms();
    int pid = spawn(b, log, kiosk ? kiosk_argv : chromium_argv, kiosk);
    double paint = kiosk ? bench_wait_ready(b->notify_sock, t0, START_TIMEOUT_MS) : wait_painted(b, t0, run + 1);
    if (paint < 0) {
        stop(pid);
        fprintf(stderr, "bench_chromium: %s showed no first frame in %d s (its log: %s)\n",
                kiosk ? "the kiosk" : "Chromium", START_TIMEOUT_MS / 1000, log);
        exit(1);
    }
    usleep(SETTLE_MS * 1000);
    double pss = pss_mib(pid);
    double x0 = 0, x1 = 0;
    if (xvfb) bench_proc_cpu_ms(b->display.xvfb, NULL, &x0);
    double c0 = cpu_ms(pid), w0 = monoclock_ms();
    usleep((useconds_t)b->span_s * 1000000);
    double c1 = cpu_ms(pid), w1 = monoclock_ms();
    if (xvfb) bench_proc_cpu_ms(b->display.xvfb, NULL, &x1);
    stop(pid);
    if (run == 0) return; /* the warm-up */
    f->paint_ms[f->n] = paint;
    f->pss_mib[f->n] = pss;
    f->cpu_pct[f->n] = (c1 - c0) / (w1 - w0) * 100;
    f->x_cpu_pct[f->n] = (x1 - x0) / (w1 - w0) * 100;
    f->n++;
}

//* Nearest-rank percentile of n values (sorted in place). */
static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, bench_by_value);
    int rank = (int)(p / 100 * n + 0.999999);
    if (rank < 1) rank = 1;
    return v[rank - 1];
}

static void print_row(const char *what, const char *unit, double *k, double *c, int n)
{
    double k50 = pct(k, n, 50), c50 = pct(c, n, 50);
    printf("  %-22s kiosk p50 %8.1f p99 %8.1f max %8.1f | chromium p50 %8.1f p99 %8.1f max %8.1f %s | "
           "chromium/kiosk %.1fx\n",
           what, k50, pct(k, n, 99), k[n - 1], c50, pct(c, n, 99), c[n - 1], unit, k50 > 0 ? c50 / k50 : 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static const char *find_chromium(void)
{
    const char *env = getenv("CHROMIUM");
    if (env && *env) return access(env, X_OK) == 0 ? env : NULL;
    static const char *const names[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (access(names[i], X_OK) == 0) return names[i];
    return NULL;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *chromium = find_chromium();
    if (!chromium) {
        printf("bench_chromium: skipped: Chromium is not installed (apt install chromium; or CHROMIUM=path)\n");
        return 0;
    }
    static Bench b;
    bench_display_start(&b.display, WIDTH, HEIGHT);
    snprintf(b.chromium, sizeof b.chromium, "%s", chromium);
    b.runs = bench_env_int("BENCH_RUNS", 5, 1, MAX_RUNS - 1);
    b.span_s = bench_env_int("BENCH_SPAN_S", 10, 1, 600);
    snprintf(b.dir, sizeof b.dir, "%s/bench-chromium.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(b.dir)) die("cannot make a scratch folder");

    json_error_t jerr;
    json_t *feed = json_load_file(SAMPLE "/feed.json", 0, &jerr);
    if (!feed) die("cannot read " SAMPLE "/feed.json (run from the top of the tree)");
    Config cfg;
    config_defaults(&cfg); /* the unit's name and the ticker's speed, as the kiosk has them */
    char *ticker = ticker_text(feed);
    prepare_kiosk(&b, feed, ticker);
    b.page = make_page(b.cats, b.ncats, cfg.unit_name, ticker, cfg.ticker_speed);
    store_free(b.cats);
    char page_path[300];
    snprintf(page_path, sizeof page_path, "%s/page.html", b.dir);
    FILE *pf = fopen(page_path, "w");
    if (!pf || fputs(b.page, pf) == EOF || fclose(pf) != 0) die("cannot write page.html");
    free(ticker);
    json_decref(feed);
    start_server(&b);

    snprintf(b.notify_path, sizeof b.notify_path, "%s/notify", b.dir);
    b.notify_sock = bench_notify_open(b.notify_path);
    if (b.notify_sock < 0) die("cannot make the notify socket");

    printf("bench_chromium: the kiosk and a Chromium kiosk page (%s, %s) with the same sample content, %dx%d, "
           "software rendering, ticker scrolling; %d runs after a warm-up, idle CPU over %d s; video driver %s\n",
           chromium, on_x_server() ? "--kiosk on the X server" : "--headless", WIDTH, HEIGHT, b.runs, b.span_s,
           b.display.driver);
    bench_print_load("before");
    Figures k = {0}, c = {0};
    for (int run = 0; run <= b.runs; run++) {
        run_one(&b, true, run, &k);
        run_one(&b, false, run, &c);
    }
    print_row("first paint", "ms", k.paint_ms, c.paint_ms, k.n);
    print_row("PSS", "MiB", k.pss_mib, c.pss_mib, k.n);
    print_row("idle CPU (one core)", "%", k.cpu_pct, c.cpu_pct, k.n);
    if (b.display.xvfb > 0) print_row("X server CPU (one core)", "%", k.x_cpu_pct, c.x_cpu_pct, k.n);
    bench_print_load("after");
    MHD_stop_daemon(b.httpd);
    close(b.notify_sock);
    bench_display_stop(&b.display);
    if (getenv("BENCH_KEEP")) printf("  kept %s: page.html, kiosk.conf, the programs' logs\n", b.dir);
    else if (nftw(b.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "bench_chromium: could not remove %s\n", b.dir);
    return 0;
}
