/* cmd_sync.c — `kioskctl sync`: the kiosk's sync without its screen.
 *
 * With --once it runs one full round (content, attachments, feedback,
 * heartbeat) and exits: 0 when everything went through, 1 otherwise —
 * for tests, for a cron job, and for loading a USB stick's content with
 * --server file:///media/usb/dangwu.  Without --once it runs the sync
 * thread in the foreground until Ctrl-C or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "sync.h"

/* The kiosk's sync.state words (the API's, kept in the store) in the words
 * of the kiosk's own sync mark. */
static const char *state_words(const char *state)
{
    static const char *const words[][2] = {
        {"ok", "已同步"}, {"offline", "离线"}, {"error", "同步异常"}, {"", "未同步"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(state, words[i][0]) == 0) return words[i][1];
    return state;
}

static void print_status(const Config *cfg)
{
    Store *s;
    Err err;
    if (store_open(cfg->db_path, &s, &err)) return;
    char state[32] = "", last_error[512] = "";
    store_state_get(s, "sync.state", state, sizeof state);
    store_state_get(s, "sync.last_error", last_error, sizeof last_error);
    int64_t revision;
    int outbox;
    if (store_revision(s, &revision, &err) || store_feedback_outbox_length(s, &outbox, &err)) {
        fprintf(stderr, "同步：无法读取触控屏的数据库：%s\n", err.msg);
        store_close(s);
        return;
    }
    bool ok = strcmp(state, "ok") == 0;
    printf("同步：%s，内容版本号 %lld，待上传意见 %d 条%s%s\n", state_words(state), (long long)revision, outbox,
           !ok && last_error[0] ? "；最近的错误：" : "", ok ? "" : last_error);
    store_close(s);
}

static int run_foreground(const Config *cfg)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Blocked before the thread starts, so only sigwait below sees them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    SyncThread *t;
    Err err;
    if (sync_start(cfg, NULL, NULL, &t, &err)) {
        fprintf(stderr, "kioskctl sync：%s\n", err.msg);
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    log_info("sync: stopping (signal %d)", sig);
    sync_stop(t);
    print_status(cfg);
    return 0;
}

static int sync_usage(FILE *out)
{
    fprintf(out, "用法：kioskctl sync [--config 文件] [--server URL] [--db 数据库] [--log-level 级别] [--once]\n"
                 "  与县服务器（或 file:// 文件夹，如U盘）同步，不开屏幕；设置取自 kiosk.conf（--config）。\n"
                 "  --once：同步一轮后退出，全部成功时退出码为 0，否则为 1；不加则一直同步，直到 Ctrl-C。\n");
    return out == stdout ? 0 : 2;
}

int cmd_sync(int argc, char **argv)
{
    /* The kiosk's own option parser reads the options that make sense
     * without a screen; it wants a program name first.  The screen's
     * options (--windowed, --headless, ...) are refused here. */
    static const char *const passed[] = {"--config", "--server", "--db", "--log-level"};
    char *args[64];
    int n = 0;
    bool once = false;
    args[n++] = "kioskctl sync";
    for (int i = 0; i < argc && n < 62; i++) {
        if (strcmp(argv[i], "--once") == 0) {
            once = true;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0) return sync_usage(stdout);
        bool known = false;
        for (size_t k = 0; k < sizeof passed / sizeof passed[0]; k++) known = known || strcmp(argv[i], passed[k]) == 0;
        if (!known || i + 1 >= argc) {
            fprintf(stderr, "kioskctl sync：%s %s\n", argv[i], known ? "后面要有一个值" : "不是这里的选项");
            return sync_usage(stderr);
        }
        args[n++] = argv[i];
        args[n++] = argv[++i];
    }
    args[n] = NULL;
    Config cfg;
    Err err;
    int rc = config_init(&cfg, n, args, &err);
    if (rc == 1) return 0;
    if (rc != 0) {
        fprintf(stderr, "kioskctl sync：设置有误：%s\n", err.msg);
        return 2;
    }
    log_set_level(cfg.log_level);
    if (!once) return run_foreground(&cfg);
    rc = sync_run_once(&cfg, &err);
    if (rc != 0) fprintf(stderr, "kioskctl sync：这一轮没有全部完成：%s\n", err.msg);
    print_status(&cfg);
    return rc == 0 ? 0 : 1;
}
