/* cmd_feed.c — `kioskctl feed DIR [-o FILE] [--revision N] [--today DATE]`.
 *
 * Turns an authoring folder (docs/AUTHORING.md) into a feed snapshot.  The
 * images stay where they are: each attachment's href is the image's path
 * relative to the folder the feed file is written to, so the feed can be
 * imported (`kioskctl import FILE`) or served from a folder as it is. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authoring.h"
#include "commands.h"
#include "feed.h"

static int feed_usage(void)
{
    fprintf(stderr, "用法：kioskctl feed 文件夹 [-o 文件] [--revision N] [--today 2026-11-22]\n"
                    "  把编写文件夹生成 feed 快照，写到文件（不加 -o 则写到标准输出）；\n"
                    "  相对日期（今天+3）从 --today 那天算起（不加则从今天算起）\n");
    return 2;
}

/* The prefix that makes an image's file name in `dir` relative to the
 * folder `out_dir`: "" when they are the same folder, "content/" when dir
 * is out_dir/content.  Hrefs may not climb with "..", so dir must be
 * inside out_dir. */
static int href_prefix(const char *dir, const char *out_dir, char *prefix, size_t size)
{
    char real_dir[PATH_MAX], real_out[PATH_MAX];
    if (!realpath(dir, real_dir)) {
        fprintf(stderr, "kioskctl：%s：%s\n", dir, strerror(errno));
        return -1;
    }
    if (!realpath(out_dir, real_out)) {
        fprintf(stderr, "kioskctl：%s：%s\n", out_dir, strerror(errno));
        return -1;
    }
    size_t n = strlen(real_out);
    if (strcmp(real_out, "/") == 0) n = 0;
    if (strcmp(real_dir, real_out) == 0) {
        prefix[0] = '\0';
        return 0;
    }
    if (strncmp(real_dir, real_out, n) != 0 || real_dir[n] != '/') {
        fprintf(stderr, "kioskctl：feed 文件须写在 %s 或它的上级文件夹里，才能找到其中的图片\n", dir);
        return -1;
    }
    snprintf(prefix, size, "%s/", real_dir + n + 1);
    return 0;
}

static int parse_revision(const char *text, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(text, &end, 10);
    return errno || *end || !*text || *out < 0 ? -1 : 0;
}

int cmd_feed(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    long long revision = 1;
    int64_t today = 0;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--revision") == 0 && i + 1 < argc) {
            if (parse_revision(argv[++i], &revision)) {
                fprintf(stderr, "kioskctl：--revision 须为不小于 0 的整数，而不是 \"%s\"\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc) {
            char iso[64];
            snprintf(iso, sizeof iso, "%.10sT12:00:00+08:00", argv[++i]);
            if (strlen(argv[i]) != 10 || feed_parse_time(iso, &today)) {
                fprintf(stderr, "kioskctl：--today 须为 2026-11-22 这样的日期，而不是 \"%s\"\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-' || dir) return feed_usage();
        else dir = argv[i];
    }
    if (!dir) return feed_usage();
    char out_dir[PATH_MAX], prefix[PATH_MAX];
    snprintf(out_dir, sizeof out_dir, "%s", out ? out : ".");
    if (href_prefix(dir, out ? dirname(out_dir) : ".", prefix, sizeof prefix)) return 1;
    AuthoringOptions opt = {.revision = revision, .href_prefix = prefix, .today = today};
    json_t *doc;
    Err err;
    if (authoring_load(dir, &opt, &doc, &err)) {
        fprintf(stderr, "kioskctl：%s\n", err.msg);
        return 1;
    }
    int internal = authoring_drop_internal(doc);
    if (internal > 0)
        fprintf(stderr, "kioskctl：%d 条党内事项未写入：给触控屏的 feed 只含向社会公开的事项\n", internal);
    int rc = 0;
    if (out) {
        if (authoring_write_feed(doc, out, &err)) {
            fprintf(stderr, "kioskctl：%s\n", err.msg);
            rc = 1;
        } else {
            fprintf(stderr, "已写入 %s：版本号 %lld，目录 %zu 个，事项 %zu 条，通知 %zu 条，答复 %zu 条\n", out,
                    revision, json_array_size(json_object_get(json_object_get(doc, "categories"), "upsert")),
                    json_array_size(json_object_get(json_object_get(doc, "items"), "upsert")),
                    json_array_size(json_object_get(json_object_get(doc, "notices"), "upsert")),
                    json_array_size(json_object_get(json_object_get(doc, "answers"), "upsert")));
        }
    } else {
        char *text = authoring_feed_text(doc);
        if (!text || fputs(text, stdout) == EOF || fflush(stdout) != 0) {
            fprintf(stderr, "kioskctl：无法把 feed 写到标准输出\n");
            rc = 1;
        }
        free(text);
    }
    json_decref(doc);
    return rc;
}
