/* cmd_import.c — `kioskctl import FILE [--db DB] [--cache DIR]`: a feed
 * file applied to a kiosk's database by hand, its images copied into the
 * cache from beside it.  A feed that fails its checks changes nothing. */
#include <libgen.h>
#include <stdio.h>

#include "admin_client.h"
#include "blobs.h"
#include "commands.h"
#include "err.h"
#include "import.h"
#include "store.h"

static const char *result_kind(const FeedResult *res)
{
    return res->unchanged ? "已是最新" : res->snapshot ? "快照" : "增量";
}

int cmd_import(int argc, char **argv)
{
    if (argc < 1 || argv[0][0] == '-') {
        fprintf(stderr, "用法：kioskctl import 文件 [--db 数据库] [--cache 目录]\n"
                        "  把 feed 文件导入触控屏的数据库，图片从文件旁边复制到缓存目录\n");
        return 2;
    }
    const char *file = argv[0];
    const char *db = admin_opt(argc, argv, "--db", "var/kiosk.db");
    const char *cache = admin_opt(argc, argv, "--cache", "var/cache");
    Store *s;
    Err err;
    FeedResult res;
    if (store_open(db, &s, &err)) {
        fprintf(stderr, "kioskctl：无法打开触控屏数据库：%s\n", err.msg);
        return 1;
    }
    if (feed_import_file(s, file, &res, &err)) {
        fprintf(stderr, "kioskctl：导入失败，数据库没有任何改动：%s\n", err.msg);
        store_close(s);
        return 1;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file);
    int fetched = 0;
    if (blobs_mkdirs(cache, &err) || blobs_fetch_local(s, cache, dirname(dir), &fetched, &err)) {
        fprintf(stderr, "kioskctl：内容已导入，但附件出错：%s\n", err.msg);
        store_close(s);
        return 1;
    }
    printf("已导入 %s：%s，版本号 %lld，新增或更新 %d 条，删除 %d 条，附件 %d 个就绪\n", file, result_kind(&res),
           (long long)res.revision, res.upserts, res.deletes, fetched);
    store_close(s);
    return 0;
}
