/* cmd_admin.c — kioskctl's admin commands: they talk to countyd's admin
 * API (docs/PROTOCOL.md, docs/ADMIN.md) and print what happened.
 *
 * publish/update read an authoring folder with kioskctl/authoring.c and send
 * only what the server does not have yet: missing images, then the
 * category tree, items and notices; countyd itself decides what changed. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "admin_client.h"
#include "number.h"
#include "authoring.h"
#include "bytes.h"
#include "commands.h"
#include "feed.h"
#include "path.h"

/* An option that must be a whole number in lo..hi; a typo is refused, not read as 0. */
static int int_option(int argc, char **argv, const char *name, int dflt, int lo, int hi, int *out)
{
    const char *text = admin_opt(argc, argv, name, NULL);
    *out = dflt;
    if (!text) return 0;
    if (number_parse_int(text, lo, hi, out) == 0) return 0;
    fprintf(stderr, "kioskctl: %s 须为 %d 到 %d 之间的整数，而不是 \"%s\"\n", name, lo, hi, text);
    return -1;
}

/* Chinese names of the machine words countyd sends (each three characters,
 * so that columns line up). */
static const char *label_of(const char *const (*table)[2], size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i][0], word) == 0) return table[i][1];
    return word;
}

static const char *state_label(const char *state)
{
    static const char *const names[][2] = {
        {"drafted", "待审核"},   {"reviewed", "待审批"},  {"approved", "待发布"},
        {"published", "已公开"}, {"withdrawn", "已撤回"},
    };
    return label_of(names, sizeof names / sizeof names[0], state);
}

/* ---- kiosks -------------------------------------------------------------------------------- */

/* The kiosk's CA file as one line of base64, "" when there is none. */
static int ca_base64(const char *path, char **out, Err *err)
{
    *out = NULL;
    if (!path || !*path) return (*out = strdup("")) ? 0 : err_set(err, "内存不足");
    char *pem;
    size_t len;
    if (bytes_read_file(path, 64 * 1024, &pem, &len, err)) return err_prefix(err, "触控屏用的CA证书：");
    if (!strstr(pem, "-----BEGIN CERTIFICATE-----")) {
        free(pem);
        return err_set(err, "%s：不是PEM格式的证书（应有 -----BEGIN CERTIFICATE-----）", path);
    }
    *out = malloc(4 * ((len + 2) / 3) + 1);
    if (*out) EVP_EncodeBlock((unsigned char *)*out, (const unsigned char *)pem, (int)len);
    free(pem);
    return *out ? 0 : err_set(err, "内存不足");
}

/* What the technician needs on the new kiosk (docs/DEPLOY.md): the one
 * command for an installed kiosk, or the same as a file for a USB stick,
 * and the [sync] lines for a kiosk run from a checkout (last, so they can
 * be cut off the end of the output). */
static int print_enrolment(const char *id, const char *token, const char *server, const char *ca_path,
                           const char *enrol_file, Err *err)
{
    char *ca;
    if (ca_base64(ca_path, &ca, err)) return -1;
    if (enrol_file) {
        FILE *f = fopen(enrol_file, "wx");
        if (!f) {
            free(ca);
            return err_set(err, "%s：无法新建开通文件（此文件不能已经存在）：%s", enrol_file, strerror(errno));
        }
        fchmod(fileno(f), 0600);
        fprintf(f,
                "# 党务公开触控屏 %s 的开通文件，内含这台触控屏的秘密令牌。\n"
                "# 在触控屏上运行：sudo dangwu-kiosk-enrol 本文件   用完即删。\n"
                "server=%s\nid=%s\ntoken=%s\nca=%s\n",
                id, server, id, token, ca);
        if (fclose(f) != 0) {
            free(ca);
            return err_set(err, "%s：开通文件写入失败", enrol_file);
        }
        printf("触控屏 %s 已登记。令牌只写在 %s 里（权限600），不再显示。\n"
               "把它拷到U盘，在触控屏上以 root 运行：\n\n    dangwu-kiosk-enrol /media/usb/%s\n\n",
               id, enrol_file, strrchr(enrol_file, '/') ? strrchr(enrol_file, '/') + 1 : enrol_file);
    } else {
        printf("触控屏 %s 已登记。令牌只显示这一次。\n"
               "在装好 dangwu-kiosk 软件包的触控屏上，以 root 运行这一条命令：\n\n"
               "    dangwu-kiosk-enrol --server '%s' --id '%s' --token '%s'%s%s%s\n\n",
               id, server, id, token, ca[0] ? " --ca '" : "", ca, ca[0] ? "'" : "");
    }
    printf("从源码目录运行的触控屏，则把下面几行写进它的 kiosk.conf：\n\n"
           "[sync]\nserver_url = %s\nkiosk_id = %s\ntoken = %s\n",
           server, id, token);
    if (ca_path && *ca_path) printf("ca_file = %s\n", ca_path);
    free(ca);
    return 0;
}

int cmd_kiosk_add(int argc, char **argv)
{
    static const char *const valued[] = {"--name",     "--unit",       "--org", "--kiosk-server",
                                         "--kiosk-ca", "--enrol-file", NULL};
    const char *id = admin_arg(argc, argv, 0, valued);
    if (!id)
        return admin_usage("kiosk-add 触控屏ID [--name \"安放地点\"] [--org 组织ID] [--unit \"页头单位名称\"]\n"
                           "    [--kiosk-server 触控屏用的地址] [--kiosk-ca CA证书] [--enrol-file 文件]");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    const char *admin_server = admin_opt(argc, argv, "--server", getenv("KIOSKCTL_SERVER"));
    const char *server = admin_opt(argc, argv, "--kiosk-server", admin_server ? admin_server : "http://127.0.0.1:8750");
    const char *ca =
        admin_opt(argc, argv, "--kiosk-ca", admin_opt(argc, argv, "--ca-file", getenv("KIOSKCTL_CA_FILE")));
    const char *enrol_file = admin_opt(argc, argv, "--enrol-file", NULL);
    Err err;
    char *check;
    if (ca_base64(ca, &check, &err)) return admin_failed(c, &err); /* before the kiosk gets a token */
    free(check);
    json_t *body = json_pack("{s:s,s:s}", "id", id, "name", admin_opt(argc, argv, "--name", ""));
    const char *unit = admin_opt(argc, argv, "--unit", NULL), *org = admin_opt(argc, argv, "--org", NULL);
    if (unit) json_object_set_new(body, "unit_name", json_string(unit));
    if (org) json_object_set_new(body, "org", json_string(org));
    json_t *ans;
    int rc = admin_call(c, "POST", "/v1/admin/kiosks", body, &ans, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    rc = print_enrolment(id, admin_text(ans, "token"), server, ca, enrol_file, &err);
    json_decref(ans);
    if (rc) return admin_failed(c, &err);
    admin_client_close(c);
    return 0;
}

/* An integer field as text, "-" when absent. */
static const char *int_text(json_t *o, const char *key, char *buf, size_t size)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v)) snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    else snprintf(buf, size, "-");
    return buf;
}

static void age_text(json_t *k, char *buf, size_t size)
{
    json_t *secs = json_object_get(k, "silent_seconds");
    long long s = json_integer_value(secs);
    if (!json_is_integer(secs)) snprintf(buf, size, "从未联系");
    else if (s < 120) snprintf(buf, size, "%lld 秒前", s);
    else if (s < 7200) snprintf(buf, size, "%lld 分钟前", s / 60);
    else if (s < 172800) snprintf(buf, size, "%lld 小时前", s / 3600);
    else snprintf(buf, size, "%lld 天前", s / 86400);
}

static void print_kiosk(json_t *k)
{
    char rev[32], outbox[32], age[32], behind[48] = "";
    /* Behind its own organisation's feed, not the county's revision. */
    json_t *r = json_object_get(k, "revision");
    long long feed_rev = json_integer_value(json_object_get(k, "feed_revision"));
    if (json_is_integer(r) && json_integer_value(r) < feed_rev)
        snprintf(behind, sizeof behind, "（落后 %lld）", feed_rev - (long long)json_integer_value(r));
    age_text(k, age, sizeof age);
    json_t *disk = json_object_get(k, "free_disk");
    char disk_text[32] = "-";
    if (json_is_integer(disk))
        snprintf(disk_text, sizeof disk_text, "%lld MB", (long long)(json_integer_value(disk) / (1024 * 1024)));
    /* 正常 and 失联 are both two characters wide. */
    printf("%s %-18s 组织 %s  心跳 %s  版本号 %s%s  待上传 %s  程序 %s  剩余磁盘 %s\n",
           json_integer_value(json_object_get(k, "silent")) ? "失联" : "正常", admin_text(k, "id"),
           admin_text(k, "org"), age, int_text(k, "revision", rev, sizeof rev), behind,
           int_text(k, "outbox", outbox, sizeof outbox),
           admin_text(k, "app_version")[0] ? admin_text(k, "app_version") : "-", disk_text);
    if (admin_text(k, "last_error")[0]) printf("       最近的错误：%s\n", admin_text(k, "last_error"));
    /* A wrong clock shows items outside their publication window, so it is worth a line. */
    long long skew = json_integer_value(json_object_get(k, "clock_skew"));
    if (skew > 300 || skew < -300)
        printf("       它的时钟%s %lld 分钟：请检查它的时间设置\n", skew > 0 ? "快" : "慢",
               (skew < 0 ? -skew : skew) / 60);
}

int cmd_kiosks(int argc, char **argv)
{
    int silent_minutes;
    if (int_option(argc, argv, "--silent-minutes", 0, 0, 1000000, &silent_minutes)) return 2;
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/kiosks?silent_minutes=%d", silent_minutes);
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, path, &ans);
    if (!c) return 1;
    long long server_rev = json_integer_value(json_object_get(ans, "revision"));
    json_t *list = json_object_get(ans, "kiosks");
    size_t i, silent = 0;
    json_t *k;
    printf("服务器版本号 %lld，触控屏 %zu 台\n", server_rev, json_array_size(list));
    json_array_foreach (list, i, k) {
        print_kiosk(k);
        if (json_integer_value(json_object_get(k, "silent"))) silent++;
    }
    if (silent) printf("%zu 台触控屏失联：请检查电源和网络\n", silent);
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* "内容清楚,更新及时" (ASCII or full-width commas) -> ["内容清楚","更新及时"]. */
static json_t *reasons_list(const char *text)
{
    json_t *list = json_array();
    while (*text) {
        const char *ascii = strchr(text, ','), *wide = strstr(text, "\xef\xbc\x8c");
        const char *end = ascii && (!wide || ascii < wide) ? ascii : wide;
        size_t n = end ? (size_t)(end - text) : strlen(text);
        if (n) json_array_append_new(list, json_stringn(text, n));
        if (!end) break;
        text = end + (end == ascii ? 1 : 3);
    }
    return list;
}

/* kiosk-set ID|all KEY VALUE: unit_name, ticker_speed, screen_on, reasons (comma-separated). */
int cmd_kiosk_set(int argc, char **argv)
{
    const char *id = admin_arg(argc, argv, 0, NULL), *key = admin_arg(argc, argv, 1, NULL);
    const char *value = admin_arg(argc, argv, 2, NULL);
    if (!id || !key || !value)
        return admin_usage(
            "kiosk-set 触控屏ID|all unit_name|ticker_speed|screen_on|reasons 值   （值为 \"-\" 表示删除该设置）");
    json_t *v;
    if (strcmp(value, "-") == 0) v = json_null();
    else if (strcmp(key, "ticker_speed") == 0) {
        int speed;
        if (number_parse_int(value, 0, 10000, &speed)) return admin_usage("kiosk-set 触控屏ID ticker_speed 每秒像素数");
        v = json_integer(speed);
    } else if (strcmp(key, "reasons") == 0) {
        v = reasons_list(value);
    } else v = json_string(value);
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(v);
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/kiosks/%s/settings", strcmp(id, "all") == 0 ? "*" : id);
    json_t *body = json_object();
    json_object_set_new(body, key, v);
    Err err;
    int rc = admin_call(c, "PUT", path, body, NULL, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    printf("%s：%s 已设置；触控屏在下一次心跳时生效\n", id, key);
    admin_client_close(c);
    return 0;
}

int cmd_resync(int argc, char **argv)
{
    const char *id = admin_arg(argc, argv, 0, NULL);
    if (!id) return admin_usage("resync 触控屏ID|all");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/kiosks/%s/commands", strcmp(id, "all") == 0 ? "*" : id);
    json_t *body = json_pack("{s:s}", "command", "resync");
    Err err;
    int rc = admin_call(c, "POST", path, body, NULL, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    printf("%s 将在下一次心跳后重新下载全部内容\n", id);
    admin_client_close(c);
    return 0;
}

/* The kiosk's screenshot_state in the kiosks list, into state (and its
 * note); -1 with Err when the list cannot be had or lacks the kiosk. */
static int screenshot_state(AdminClient *c, const char *id, char *state, size_t size, char *note, size_t note_size,
                            Err *err)
{
    json_t *ans, *k;
    size_t i;
    if (admin_call(c, "GET", "/v1/admin/kiosks", NULL, &ans, err)) return -1;
    int rc = err_set(err, "服务器的触控屏列表里没有 %s", id);
    json_array_foreach (json_object_get(ans, "kiosks"), i, k) {
        if (strcmp(admin_text(k, "id"), id) != 0) continue;
        snprintf(state, size, "%s", admin_text(k, "screenshot_state"));
        snprintf(note, note_size, "%s", admin_text(k, "screenshot_note"));
        rc = 0;
    }
    json_decref(ans);
    return rc;
}

/* kiosk-screenshot ID FILE.png [--wait S]: asks for a screenshot, waits for
 * the kiosk's picture (it comes with its next heartbeat) and saves it. */
int cmd_kiosk_screenshot(int argc, char **argv)
{
    static const char *const valued[] = {"--wait", NULL};
    const char *id = admin_arg(argc, argv, 0, valued), *out = admin_arg(argc, argv, 1, valued);
    int wait_s;
    if (!id || !out) return admin_usage("kiosk-screenshot 触控屏ID 文件.png [--wait 秒]");
    if (int_option(argc, argv, "--wait", 360, 0, 3600, &wait_s)) return 2;
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[256], state[32] = "", note[256] = "";
    snprintf(path, sizeof path, "/v1/admin/kiosks/%s/screenshot", id);
    Err err;
    if (admin_call(c, "POST", path, NULL, NULL, &err)) return admin_failed(c, &err);
    printf("%s：已请求截图，在线的触控屏几秒内截取\n", id);
    bool said_deferred = false;
    for (time_t end = time(NULL) + wait_s;; nanosleep(&(struct timespec){.tv_nsec = 500 * 1000 * 1000}, NULL)) {
        if (screenshot_state(c, id, state, sizeof state, note, sizeof note, &err)) return admin_failed(c, &err);
        if (strcmp(state, "ready") == 0 || strcmp(state, "failed") == 0 || strcmp(state, "expired") == 0) break;
        if (strcmp(state, "deferred") == 0 && !said_deferred) {
            printf("%s：访客正在使用，稍后自动截图\n", id);
            said_deferred = true;
        }
        if (time(NULL) >= end) {
            fprintf(stderr, "%s：%d 秒内没有送来截图；请求 30 分钟内有效，截图送到后在管理后台“概览”可见\n", id,
                    wait_s);
            admin_client_close(c);
            return 1;
        }
    }
    if (strcmp(state, "ready") != 0) {
        err_set(&err, "%s：%s", id, strcmp(state, "failed") == 0 ? note : "触控屏 30 分钟内没有送来截图");
        return admin_failed(c, &err);
    }
    char *png;
    size_t len;
    if (admin_get_bytes(c, path, &png, &len, &err)) return admin_failed(c, &err);
    FILE *f = fopen(out, "wb");
    bool bad = !f || fwrite(png, 1, len, f) != len;
    if (f && fclose(f)) bad = true;
    free(png);
    if (bad) {
        err_set(&err, "%s：无法写入：%s", out, strerror(errno));
        return admin_failed(c, &err);
    }
    printf("%s：截图已保存到 %s（%zu 字节）\n", id, out, len);
    admin_client_close(c);
    return 0;
}

/* ---- the review cycle ------------------------------------------------------------------------ */

/* --privacy-reason TEXT: why a privacy finding must stay (保密审查), for approve, reply, notice-add. */
static const char *privacy_reason;

static int item_step(AdminClient *c, const char *id, const char *step, const char *note, char *state, size_t size,
                     Err *err)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, step);
    json_t *body = note ? json_pack("{s:s}", "note", note) : json_object();
    if (privacy_reason) json_object_set_new(body, "privacy_reason", json_string(privacy_reason));
    json_t *ans;
    int rc = admin_call(c, "POST", path, body, &ans, err);
    json_decref(body);
    if (rc) return -1;
    snprintf(state, size, "%s", admin_text(ans, "state"));
    json_decref(ans);
    return 0;
}

static int run_step(int argc, char **argv, const char *step)
{
    static const char *const valued[] = {"--note", "--privacy-reason", NULL};
    const char *id = admin_arg(argc, argv, 0, valued);
    privacy_reason = admin_opt(argc, argv, "--privacy-reason", NULL);
    if (!id) {
        char usage[128];
        snprintf(usage, sizeof usage, "%s 事项ID [--note 说明或理由] [--privacy-reason 保留理由]", step);
        return admin_usage(usage);
    }
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char state[32];
    Err err;
    if (item_step(c, id, step, admin_opt(argc, argv, "--note", NULL), state, sizeof state, &err))
        return admin_failed(c, &err);
    printf("%s 现在%s（%s）\n", id, state_label(state), state);
    admin_client_close(c);
    return 0;
}

int cmd_review(int argc, char **argv) { return run_step(argc, argv, "review"); }
int cmd_approve(int argc, char **argv) { return run_step(argc, argv, "approve"); }
int cmd_withdraw(int argc, char **argv) { return run_step(argc, argv, "withdraw"); }

int cmd_items(int argc, char **argv)
{
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, "/v1/admin/items", &ans);
    if (!c) return 1;
    size_t i;
    json_t *it;
    /* 浏览 = views reported by all kiosks.  The labels of a column have the
     * same number of characters, because printf pads by bytes, not columns. */
    printf("状态   范围 受众   组织         事项ID                     浏览 标题\n");
    json_array_foreach (json_object_get(ans, "items"), i, it)
        printf("%s %s %s %-12s %-24s %6lld %s%s\n", state_label(admin_text(it, "state")),
               strcmp(admin_text(it, "scope"), "public") == 0 ? "社会" : "党内",
               strcmp(admin_text(it, "audience"), "own") == 0 ? "仅本级" : "含下级", admin_text(it, "org"),
               admin_text(it, "id"), (long long)json_integer_value(json_object_get(it, "views")),
               admin_text(it, "title"), json_integer_value(json_object_get(it, "on_kiosks")) ? "  [已上屏]" : "");
    printf("内容版本号 %lld\n", (long long)json_integer_value(json_object_get(ans, "revision")));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* ---- publishing a folder ----------------------------------------------------------------------- */

static json_t *upserts(json_t *doc, const char *section)
{
    json_t *a = json_object_get(json_object_get(doc, section), "upsert");
    return a ? a : json_array();
}

/* Uploads the images the server does not have yet. */
static int upload_images(AdminClient *c, const char *dir, json_t *items, int *uploaded, Err *err)
{
    json_t *wanted = json_array(), *files = json_object();
    size_t i, j;
    json_t *it, *a;
    json_array_foreach (items, i, it)
        json_array_foreach (json_object_get(it, "attachments"), j, a) {
            const char *sha = admin_text(a, "sha256");
            if (json_object_get(files, sha)) continue;
            json_object_set(files, sha, a);
            json_array_append_new(wanted, json_string(sha));
        }
    json_t *body = json_pack("{s:O}", "sha256", wanted), *ans = NULL;
    int rc = admin_call(c, "POST", "/v1/admin/blobs/missing", body, &ans, err);
    json_decref(body);
    json_t *sha;
    json_array_foreach (rc ? NULL : json_object_get(ans, "missing"), i, sha) {
        json_t *att = json_object_get(files, json_string_value(sha));
        char path[PATH_MAX], url[128];
        if ((rc = path_join(path, sizeof path, dir, admin_text(att, "href"), err))) break;
        snprintf(url, sizeof url, "/v1/admin/blobs/%s", json_string_value(sha));
        FILE *f = fopen(path, "rb");
        size_t size = (size_t)json_integer_value(json_object_get(att, "size"));
        char *data = malloc(size ? size : 1);
        if (!f || !data || fread(data, 1, size, f) != size) rc = err_set(err, "%s：读不出这张图片", path);
        if (f) fclose(f);
        if (!rc) rc = admin_put_bytes(c, url, admin_text(att, "type"), data, size, err);
        free(data);
        if (rc) break;
        (*uploaded)++;
    }
    json_decref(ans);
    json_decref(wanted);
    json_decref(files);
    return rc;
}

/* Takes an item as far towards published as this admin may: the reviewer
 * of a version may not approve it (403), so one admin's --approve stops at
 * "reviewed" and a second admin's --approve takes it the rest of the way.
 * *waiting is set when it stopped before published. */
static int push_through(AdminClient *c, const char *id, const char *state, const char *note, bool *waiting, Err *err)
{
    static const char *const order[][2] = {{"drafted", "review"}, {"reviewed", "approve"}, {"approved", "publish"}};
    char now[32];
    snprintf(now, sizeof now, "%s", state);
    bool moved = false;
    *waiting = false;
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(now, order[i][0]) != 0) continue;
        if (item_step(c, id, order[i][1], note, now, sizeof now, err)) {
            if (strstr(err->msg, "409 privacy_review")) {
                /* The approver edits the text, or approves this one item with --privacy-reason. */
                printf("  %-24s %s（%s）\n", id, state_label(now),
                       strstr(err->msg, "保密审查") ? strstr(err->msg, "保密审查") : err->msg);
                *waiting = true;
                return 0;
            }
            if (!strstr(err->msg, "403 forbidden")) return -1;
            printf("  %-24s %s（须由另一位管理员%s）\n", id, state_label(now),
                   strcmp(order[i][1], "review") == 0 ? "审核" : "审批");
            *waiting = true;
            return 0;
        }
        moved = true;
    }
    if (moved) printf("  %-24s %s\n", id, state_label(now));
    return 0;
}

/* What the server said of one item it stored: changed or not, then on
 * with --approve as far as this admin may. */
static int after_put(AdminClient *c, json_t *ans, int approve, const char *note, int *changed, int *pending, Err *err)
{
    const char *id = admin_text(ans, "id"), *state = admin_text(ans, "state");
    if (json_is_true(json_object_get(ans, "changed"))) {
        (*changed)++;
        printf("  %-24s %s\n", id, "已更改");
    }
    bool waiting = false;
    int rc = 0;
    if (approve) rc = push_through(c, id, state, note, &waiting, err);
    else waiting = strcmp(state, "published") != 0 && strcmp(state, "withdrawn") != 0;
    if (waiting) (*pending)++;
    return rc ? err_prefix(err, "item %s: ", id) : 0;
}

/* The items go up ADMIN_MAX_BATCH to a request (PUT /v1/admin/items: each
 * batch stored all or nothing, checked by one run of the feed rules); the
 * review steps stay one item at a time, since one item's privacy finding
 * or a reviewer who may not approve must not hold back the others. */
static int send_items(AdminClient *c, json_t *items, int approve, const char *note, int *changed, int *pending,
                      Err *err)
{
    size_t n = json_array_size(items);
    for (size_t from = 0; from < n; from += ADMIN_MAX_BATCH) {
        json_t *batch = json_array();
        for (size_t i = from; i < n && i < from + ADMIN_MAX_BATCH; i++)
            json_array_append(batch, json_array_get(items, i));
        json_t *body = json_pack("{s:o}", "items", batch), *ans = NULL;
        int rc = admin_call(c, "PUT", "/v1/admin/items", body, &ans, err);
        json_decref(body);
        size_t i;
        json_t *w, *state;
        json_array_foreach (rc ? NULL : json_object_get(ans, "warnings"), i, w)
            printf("  提醒：%s\n", json_string_value(w));
        json_array_foreach (rc ? NULL : json_object_get(ans, "items"), i, state)
            if ((rc = after_put(c, state, approve, note, changed, pending, err))) break;
        json_decref(ans);
        if (rc) return -1;
    }
    return 0;
}

/* Notices and public answers: live at once; unchanged ones change nothing. */
static int send_entries(AdminClient *c, const char *section, json_t *entries, Err *err)
{
    size_t i;
    json_t *n;
    json_array_foreach (entries, i, n) {
        char path[256];
        snprintf(path, sizeof path, "/v1/admin/%s/%s", section, admin_text(n, "id"));
        if (admin_call(c, "PUT", path, n, NULL, err)) return err_prefix(err, "%s %s: ", section, admin_text(n, "id"));
    }
    return 0;
}

/* Items of the folder's organisation on the server that the folder no
 * longer has (publish never withdraws by itself). */
static void report_absent(AdminClient *c, json_t *items, const char *org)
{
    json_t *ans;
    Err err;
    if (admin_call(c, "GET", "/v1/admin/items", NULL, &ans, &err)) return;
    size_t i, j;
    json_t *s, *it;
    json_array_foreach (json_object_get(ans, "items"), i, s) {
        if (strcmp(admin_text(s, "state"), "withdrawn") == 0 || strcmp(admin_text(s, "org"), org) != 0) continue;
        bool found = false;
        json_array_foreach (items, j, it)
            if (strcmp(admin_text(it, "id"), admin_text(s, "id")) == 0) found = true;
        if (!found)
            printf("  %-24s 在服务器上，但不在文件夹里（要撤下：kioskctl withdraw %s --note 理由）\n",
                   admin_text(s, "id"), admin_text(s, "id"));
    }
    json_decref(ans);
}

/* --org and --audience: who owns what the folder holds, and who sees it. */
static void set_owner(json_t *entries, const char *org, const char *audience)
{
    size_t i;
    json_t *e;
    json_array_foreach (entries, i, e) {
        if (org) json_object_set_new(e, "org", json_string(org));
        if (audience) json_object_set_new(e, "audience", json_string(audience));
    }
}

/* The county's catalog is set at the root by those who approve there; a
 * township's folder brings its items, not a catalog of its own. */
static bool may_set_catalog(AdminClient *c, char *own_org, size_t size)
{
    json_t *ans;
    Err err;
    snprintf(own_org, size, "root");
    if (admin_call(c, "GET", "/v1/admin/status", NULL, &ans, &err)) return true;
    snprintf(own_org, size, "%s", admin_text(json_object_get(ans, "org"), "id"));
    bool root = strcmp(own_org, "root") == 0;
    bool approves = strstr(admin_text(ans, "roles"), "approve") != NULL;
    json_decref(ans);
    return root && approves;
}

static int publish_folder(int argc, char **argv, const char *usage)
{
    static const char *const valued[] = {"--note", "--org", "--audience", NULL};
    const char *dir = admin_arg(argc, argv, 0, valued);
    if (!dir) return admin_usage(usage);
    json_t *doc;
    Err err;
    AuthoringOptions opt = {.revision = 0, .href_prefix = ""};
    if (authoring_load(dir, &opt, &doc, &err)) {
        fprintf(stderr, "kioskctl: %s\n", err.msg);
        return 1;
    }
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(doc);
        return 1;
    }
    int approve = admin_flag(argc, argv, "--approve"), uploaded = 0, changed = 0, pending = 0;
    const char *note = admin_opt(argc, argv, "--note", NULL);
    json_t *items = upserts(doc, "items"), *ans = NULL;
    json_t *cats = json_pack("{s:O}", "categories", upserts(doc, "categories"));
    printf("发布 %s：目录 %zu 个，事项 %zu 条，通知 %zu 条，公开答复 %zu 条\n", dir,
           json_array_size(upserts(doc, "categories")), json_array_size(items),
           json_array_size(upserts(doc, "notices")), json_array_size(upserts(doc, "answers")));
    const char *org = admin_opt(argc, argv, "--org", NULL), *audience = admin_opt(argc, argv, "--audience", NULL);
    set_owner(items, org, audience);
    set_owner(upserts(doc, "notices"), org, audience);
    set_owner(upserts(doc, "answers"), org, audience);
    int rc = upload_images(c, dir, items, &uploaded, &err);
    char own_org[80] = "root";
    if (!rc && may_set_catalog(c, own_org, sizeof own_org))
        rc = admin_call(c, "PUT", "/v1/admin/categories", cats, &ans, &err);
    else if (!rc) printf("目录由县委统一设置：catalog.txt 不发送，事项按县里的目录归类\n");
    if (!rc) rc = send_items(c, items, approve, note, &changed, &pending, &err);
    if (!rc) rc = send_entries(c, "notices", upserts(doc, "notices"), &err);
    if (!rc) rc = send_entries(c, "answers", upserts(doc, "answers"), &err);
    json_decref(cats);
    if (!rc) {
        printf("上传图片 %d 张，目录变更 %lld 个，事项变更 %d 条\n", uploaded,
               (long long)json_integer_value(json_object_get(ans, "changed")), changed);
        if (pending)
            printf("%d 条事项等待审核、审批：kioskctl items；kioskctl review ID；kioskctl approve ID；kioskctl publish "
                   "ID\n",
                   pending);
        report_absent(c, items, org ? org : own_org);
    }
    json_decref(ans);
    json_decref(doc);
    if (rc) return admin_failed(c, &err);
    admin_client_close(c);
    return 0;
}

/* publish DIR sends a folder; publish ITEM is the 实施公开 step of one item. */
int cmd_publish(int argc, char **argv)
{
    static const char *const valued[] = {"--note", NULL};
    const char *target = admin_arg(argc, argv, 0, valued);
    struct stat st;
    if (target && stat(target, &st) == 0 && S_ISDIR(st.st_mode))
        return publish_folder(argc, argv,
                              "publish 文件夹 [--approve] [--note 说明] [--org 组织ID] [--audience own|subtree]");
    return run_step(argc, argv, "publish");
}

int cmd_update(int argc, char **argv)
{
    return publish_folder(argc, argv,
                          "update 文件夹 [--approve] [--note 说明] [--org 组织ID] [--audience own|subtree]");
}

/* ---- notices ------------------------------------------------------------------------------------ */

int cmd_notice_add(int argc, char **argv)
{
    static const char *const valued[] = {"--id",  "--period",   "--starts",         "--ends", "--sort",
                                         "--org", "--audience", "--privacy-reason", NULL};
    const char *text = admin_arg(argc, argv, 0, valued);
    if (!text)
        return admin_usage("notice-add 通知文字 [--id ID] [--urgent] [--period immediate|periodic|phased|long_term] "
                           "[--starts 时间] [--ends 时间] [--sort N] [--org 组织ID] [--audience own|subtree]");
    char id[64];
    snprintf(id, sizeof id, "%s", admin_opt(argc, argv, "--id", ""));
    /* Random bits beside the time: two notices added in one second must not
     * share an id, or the second would replace the first. */
    unsigned char rnd[4] = {0};
    if (!id[0] && RAND_bytes(rnd, sizeof rnd) != 1) {
        fprintf(stderr, "kioskctl：无法生成随机的通知编号\n");
        return 1;
    }
    if (!id[0])
        snprintf(id, sizeof id, "notice-%lld-%02x%02x%02x%02x", (long long)time(NULL), rnd[0], rnd[1], rnd[2], rnd[3]);
    json_t *n = json_pack("{s:s,s:s,s:b,s:s}", "id", id, "text", text, "urgent", admin_flag(argc, argv, "--urgent"),
                          "period", admin_opt(argc, argv, "--period", "immediate"));
    if (admin_opt(argc, argv, "--starts", NULL))
        json_object_set_new(n, "starts_at", json_string(admin_opt(argc, argv, "--starts", NULL)));
    if (admin_opt(argc, argv, "--ends", NULL))
        json_object_set_new(n, "ends_at", json_string(admin_opt(argc, argv, "--ends", NULL)));
    if (admin_opt(argc, argv, "--org", NULL))
        json_object_set_new(n, "org", json_string(admin_opt(argc, argv, "--org", NULL)));
    if (admin_opt(argc, argv, "--privacy-reason", NULL))
        json_object_set_new(n, "privacy_reason", json_string(admin_opt(argc, argv, "--privacy-reason", NULL)));
    if (admin_opt(argc, argv, "--audience", NULL))
        json_object_set_new(n, "audience", json_string(admin_opt(argc, argv, "--audience", NULL)));
    int sort;
    if (int_option(argc, argv, "--sort", 0, -1000000, 1000000, &sort)) {
        json_decref(n);
        return 2;
    }
    if (admin_opt(argc, argv, "--sort", NULL)) json_object_set_new(n, "sort", json_integer(sort));
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(n);
        return 1;
    }
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/notices/%s", id);
    Err err;
    json_t *ans;
    int rc = admin_call(c, "PUT", path, n, &ans, &err);
    json_decref(n);
    if (rc) return admin_failed(c, &err);
    printf("通知 %s 已上触控屏滚动条（版本号 %lld）\n", id,
           (long long)json_integer_value(json_object_get(ans, "revision")));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_notice_delete(int argc, char **argv)
{
    const char *id = admin_arg(argc, argv, 0, NULL);
    if (!id) return admin_usage("notice-delete 通知ID");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/notices/%s", id);
    Err err;
    if (admin_call(c, "DELETE", path, NULL, NULL, &err)) return admin_failed(c, &err);
    printf("通知 %s 已删除\n", id);
    admin_client_close(c);
    return 0;
}

/* ---- feedback ------------------------------------------------------------------------------------ */

static json_t *fetch_feedback(AdminClient *c, int argc, char **argv, Err *err)
{
    char path[256] = "/v1/admin/feedback";
    const char *since = admin_opt(argc, argv, "--since", NULL);
    if (since) {
        char *esc = admin_escape(c, since);
        snprintf(path, sizeof path, "/v1/admin/feedback?since=%s", esc ? esc : "");
        free(esc);
    }
    json_t *ans;
    if (admin_call(c, "GET", path, NULL, &ans, err)) return NULL;
    return ans;
}

static void print_feedback(json_t *f)
{
    char rating[48] = "";
    if (strcmp(admin_text(f, "kind"), "rating") == 0)
        snprintf(rating, sizeof rating, " 评价 %lld/%lld", (long long)json_integer_value(json_object_get(f, "rating")),
                 (long long)json_integer_value(json_object_get(f, "rating_levels")));
    printf("%s  %s  %s%s  触控屏 %s%s%s\n", admin_text(f, "id"), admin_text(f, "created_at"),
           admin_kind_label(admin_text(f, "kind")), rating, admin_text(f, "kiosk"),
           admin_text(f, "item")[0] ? "  关于 " : "", admin_text(f, "item"));
    json_t *reasons = json_object_get(f, "reasons");
    if (json_array_size(reasons)) {
        char *r = json_dumps(reasons, JSON_COMPACT);
        printf("    理由：%s\n", r ? r : "");
        free(r);
    }
    if (admin_text(f, "comment")[0]) printf("    %s\n", admin_text(f, "comment"));
    if (admin_text(f, "name")[0] || admin_text(f, "phone")[0])
        printf("    联系方式：%s %s\n", admin_text(f, "name"), admin_text(f, "phone"));
    size_t i;
    json_t *r;
    json_array_foreach (json_object_get(f, "replies"), i, r)
        printf("    %s 于 %s 答复%s：%s\n", admin_text(r, "admin"), admin_text(r, "at"),
               json_integer_value(json_object_get(r, "public")) ? "（公开）" : "", admin_text(r, "text"));
}

int cmd_feedback(int argc, char **argv)
{
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    Err err;
    json_t *ans = fetch_feedback(c, argc, argv, &err);
    if (!ans) return admin_failed(c, &err);
    size_t i;
    json_t *f;
    json_t *list = json_object_get(ans, "feedback");
    json_array_foreach (list, i, f) print_feedback(f);
    printf("共 %zu 条\n", json_array_size(list));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *out, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"') fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else fputs(s, out);
    fputs(last ? "\r\n" : ",", out);
}

static void csv_row(FILE *out, json_t *f)
{
    static const char *const text_cols[] = {"id", "kiosk", "created_at", "received_at", "kind", "item", "category"};
    for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++)
        csv_field(out, admin_text(f, text_cols[i]), false);
    char num[32];
    csv_field(out, int_text(f, "rating", num, sizeof num), false);
    csv_field(out, int_text(f, "rating_levels", num, sizeof num), false);
    char reasons[1024] = "";
    size_t i;
    json_t *r;
    json_array_foreach (json_object_get(f, "reasons"), i, r)
        snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s", i ? "；" : "",
                 json_string_value(r));
    csv_field(out, reasons, false);
    csv_field(out, admin_text(f, "comment"), false);
    csv_field(out, admin_text(f, "name"), false);
    csv_field(out, admin_text(f, "phone"), false);
    char replies[8192] = "";
    json_array_foreach (json_object_get(f, "replies"), i, r)
        snprintf(replies + strlen(replies), sizeof replies - strlen(replies), "%s%s%s", i ? "\n" : "",
                 json_integer_value(json_object_get(r, "public")) ? "[公开] " : "", admin_text(r, "text"));
    csv_field(out, replies, true);
}

int cmd_feedback_export(int argc, char **argv)
{
    const char *file = admin_opt(argc, argv, "--csv", NULL);
    if (!file) return admin_usage("feedback-export --csv 文件 [--since 时间]");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    Err err;
    json_t *ans = fetch_feedback(c, argc, argv, &err);
    if (!ans) return admin_failed(c, &err);
    bool to_stdout = strcmp(file, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(file, "wb");
    if (!out) {
        err_set(&err, "%s：无法写入这个文件", file);
        json_decref(ans);
        return admin_failed(c, &err);
    }
    /* The byte order mark makes spreadsheet programs read the file as UTF-8. */
    fputs("\xEF\xBB\xBF", out);
    fputs("id,kiosk,created_at,received_at,kind,item,category,rating,rating_levels,reasons,comment,name,phone,"
          "replies\r\n",
          out);
    size_t i;
    json_t *f, *list = json_object_get(ans, "feedback");
    json_array_foreach (list, i, f) csv_row(out, f);
    int bad;
    if (to_stdout) bad = fflush(out) != 0;
    else bad = fclose(out) != 0;
    if (bad) {
        err_set(&err, "%s：写入失败（磁盘满了？）", file);
        json_decref(ans);
        return admin_failed(c, &err);
    }
    if (!to_stdout) printf("%zu 条已写入 %s\n", json_array_size(list), file);
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_reply(int argc, char **argv)
{
    static const char *const valued[] = {"--question", "--privacy-reason", NULL};
    const char *id = admin_arg(argc, argv, 0, valued), *text = admin_arg(argc, argv, 1, valued);
    if (!id || !text) return admin_usage("reply 意见ID 答复内容 [--public] [--question \"重新表述的问题\"]");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    int public = admin_flag(argc, argv, "--public");
    json_t *body = json_pack("{s:s,s:b}", "text", text, "public", public);
    const char *q = admin_opt(argc, argv, "--question", NULL);
    if (q) json_object_set_new(body, "question", json_string(q));
    const char *keep = admin_opt(argc, argv, "--privacy-reason", NULL);
    if (keep) json_object_set_new(body, "privacy_reason", json_string(keep));
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/feedback/%s/reply", id);
    json_t *ans;
    Err err;
    int rc = admin_call(c, "POST", path, body, &ans, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    printf("答复 %lld 已记录%s\n", (long long)json_integer_value(json_object_get(ans, "reply_id")),
           public ? "；作为公开答复显示在触控屏上（不含姓名和电话）" : "");
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

/* ---- the audit trail (归档) --------------------------------------------------------------------- */

int cmd_audit(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "verify") == 0) return cmd_audit_verify(argc - 1, argv + 1);
    int limit;
    if (int_option(argc, argv, "--limit", 50, 1, 10000, &limit)) return 2;
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/audit?limit=%d", limit);
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, path, &ans);
    if (!c) return 1;
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get(ans, "audit"), i, a) {
        const char *detail = admin_text(a, "detail");
        size_t n = strlen(detail), shown = n;
        if (n > 120) /* cut long details at a character boundary, not inside a UTF-8 sequence */
            for (shown = 120; shown > 0 && ((unsigned char)detail[shown] & 0xC0) == 0x80; shown--) continue;
        printf("%s  %-10s %-15s %s%s%.*s%s\n", admin_text(a, "at"), admin_text(a, "admin"), admin_text(a, "action"),
               admin_text(a, "target"), *detail ? "  " : "", (int)shown, detail, shown < n ? "…" : "");
    }
    json_decref(ans);
    admin_client_close(c);
    return 0;
}
