/* cmd_archive.c — kioskctl audit verify (is the tamper-evident record
 * intact, and where does it break) and kioskctl archive (the yearly archive
 * a records office keeps: one folder per year with every published
 * version, its approvals and withdrawals as JSON, and the images). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin_client.h"
#include "blobs.h"
#include "commands.h"
#include "number.h"
#include "path.h"

int cmd_audit_verify(int argc, char **argv)
{
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, "/v1/admin/audit/verify", &ans);
    if (!c) return 1;
    long long n = (long long)json_integer_value(json_object_get(ans, "entries"));
    int rc = 0;
    if (json_is_true(json_object_get(ans, "ok"))) {
        printf("归档记录完整：%lld "
               "条，哈希链无断点。最后一条的哈希：\n%"
               "s\n（请另行记下它：以后核对时，若它不在链中，说明末尾的记录被删除）\n",
               n, admin_text(ans, "head"));
    } else {
        json_t *e = json_object_get(ans, "entry");
        printf("归档记录被改动：哈希链在第 %lld 条断开（之前 %lld 条完好）。\n  原因：%s\n  该条：%s %s %s %s\n",
               (long long)json_integer_value(json_object_get(ans, "broken_at")), n, admin_text(ans, "reason"),
               admin_text(e, "admin"), admin_text(e, "action"), admin_text(e, "target"), admin_text(e, "detail"));
        rc = 1;
    }
    json_decref(ans);
    admin_client_close(c);
    return rc;
}

static int write_json(const char *path, json_t *v, Err *err)
{
    if (json_dump_file(v, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0) return err_set(err, "%s：无法写入", path);
    return 0;
}

/* Fetches every image of the year into DIR/images (names: sha256.png/.jpg). */
static int fetch_images(AdminClient *c, json_t *images, const char *dir, int *count, Err *err)
{
    size_t i;
    json_t *sha;
    json_array_foreach (images, i, sha) {
        char url[128], path[PATH_MAX];
        snprintf(url, sizeof url, "/v1/admin/blobs/%s", json_string_value(sha));
        char *data;
        size_t len;
        if (admin_get_bytes(c, url, &data, &len, err)) return err_prefix(err, "图片 %s：", json_string_value(sha));
        bool png = len >= 4 && memcmp(data, "\x89PNG", 4) == 0;
        if (path_format(path, sizeof path, err, "%s/%s.%s", dir, json_string_value(sha), png ? "png" : "jpg")) {
            free(data);
            return -1;
        }
        FILE *f = fopen(path, "wb");
        int bad = !f || fwrite(data, 1, len, f) != len;
        if (f && fclose(f)) bad = 1;
        free(data);
        if (bad) return err_set(err, "%s：无法写入", path);
        (*count)++;
    }
    return 0;
}

int cmd_archive(int argc, char **argv)
{
    const char *year_text = admin_opt(argc, argv, "--year", NULL), *out = admin_opt(argc, argv, "-o", "archive");
    int year;
    if (!year_text || number_parse_int(year_text, 2000, 2999, &year)) {
        fprintf(stderr, "用法：kioskctl archive --year 2026 [-o 目录] [--org 组织ID]\n");
        return 2;
    }
    char path[256], dir[PATH_MAX], images[PATH_MAX], file[PATH_MAX];
    const char *org = admin_opt(argc, argv, "--org", NULL);
    snprintf(path, sizeof path, "/v1/admin/archive/%d%s%s", year, org ? "?org=" : "", org ? org : "");
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, path, &ans);
    if (!c) return 1;
    int count = 0;
    Err err;
    int rc = path_format(dir, sizeof dir, &err, "%s/%d", out, year);
    if (!rc) rc = path_join(images, sizeof images, dir, "images", &err);
    if (!rc) rc = blobs_mkdirs(images, &err);
    static const char *const parts[] = {"revisions", "audit", "chain"};
    for (int i = 0; i < 3 && !rc; i++) {
        rc = path_format(file, sizeof file, &err, "%s/%s.json", dir, parts[i]);
        if (!rc) rc = write_json(file, json_object_get(ans, parts[i]), &err);
    }
    if (!rc) rc = fetch_images(c, json_object_get(ans, "images"), images, &count, &err);
    if (rc) {
        json_decref(ans);
        return admin_failed(c, &err);
    }
    printf("%d 年归档已写入 %s：公开事项版本 %zu 个，归档记录 %zu 条，图片 %d 张；哈希链%s\n", year, dir,
           json_array_size(json_object_get(ans, "revisions")), json_array_size(json_object_get(ans, "audit")), count,
           json_is_true(json_object_get(json_object_get(ans, "chain"), "ok")) ? "完整" : "已断开（见 chain.json）");
    json_decref(ans);
    admin_client_close(c);
    return 0;
}
