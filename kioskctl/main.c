/* kioskctl — the command-line tool for kiosks and county admins.
 *
 * Each subcommand is one function in a table; `kioskctl help` lists them.
 * Local subcommands work on a kiosk database; the admin subcommands talk to
 * countyd (see docs/ADMIN.md). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "commands.h"
#include "err.h"
#include "feed.h"
#include "log.h"
#include "store.h"

typedef struct {
    const char *name, *usage, *summary;
    int (*run)(int argc, char **argv);
} Command;

/* Finds "--name VALUE" in argv; NULL when absent. */
static const char *opt_value(int argc, char **argv, const char *name, const char *dflt)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return dflt;
}

static int cmd_import(int argc, char **argv)
{
    if (argc < 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: kioskctl import FILE [--db DB] [--cache DIR]\n");
        return 2;
    }
    const char *file = argv[0];
    const char *db = opt_value(argc, argv, "--db", "var/kiosk.db");
    const char *cache = opt_value(argc, argv, "--cache", "var/cache");
    Store *s;
    Err err;
    FeedResult res;
    if (store_open(db, &s, &err)) {
        fprintf(stderr, "kioskctl: %s\n", err.msg);
        return 1;
    }
    if (feed_import_file(s, file, &res, &err)) {
        fprintf(stderr, "kioskctl: import failed, nothing was changed: %s\n", err.msg);
        store_close(s);
        return 1;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file);
    int fetched = 0;
    if (blobs_mkdirs(cache, &err) || blobs_fetch_local(s, cache, dirname(dir), &fetched, &err)) {
        fprintf(stderr, "kioskctl: content imported, but attachments failed: %s\n", err.msg);
        store_close(s);
        return 1;
    }
    printf("imported %s: %s to revision %lld, %d upserts, %d deletions, %d attachments ready\n", file,
           res.unchanged ? "already at" : (res.snapshot ? "snapshot" : "delta"), (long long)res.revision, res.upserts,
           res.deletes, fetched);
    store_close(s);
    return 0;
}

static const Command commands[] = {
    {"import", "import FILE [--db DB] [--cache DIR]", "apply a feed document to a kiosk database", cmd_import},
    {"sync", "sync [--config FILE] [--server URL] [--once]", "sync with the county server (or a file:// folder)",
     cmd_sync},
    {"feed", "feed DIR [-o FILE] [--revision N]", "make a feed snapshot from an authoring folder", cmd_feed},
    {"kiosk-add", "kiosk-add ID [--name TEXT] [--org ID] [--unit TEXT]", "register a kiosk with countyd, print its token", cmd_kiosk_add},
    {"kiosks", "kiosks [--silent-minutes N]", "kiosks with last heartbeat, revision, outbox", cmd_kiosks},
    {"kiosk-set", "kiosk-set ID|all KEY VALUE", "push a setting (unit_name, ticker_speed, ...)", cmd_kiosk_set},
    {"resync", "resync ID|all", "make kiosks fetch all content again", cmd_resync},
    {"publish", "publish DIR [--approve] [--note TEXT] [--org ORG] [--audience own|subtree]", "send an authoring folder to countyd", cmd_publish},
    {"publish", "publish ITEM [--note TEXT]", "实施公开: publish an approved item", cmd_publish},
    {"update", "update DIR [--approve] [--note TEXT]", "send a changed folder again (only changes count)", cmd_update},
    {"items", "items", "items on countyd with their review state", cmd_items},
    {"review", "review ITEM [--note TEXT]", "审核: mark a drafted item reviewed", cmd_review},
    {"approve", "approve ITEM [--note TEXT]", "审批: approve a reviewed item", cmd_approve},
    {"withdraw", "withdraw ITEM [--note TEXT]", "take an item off every kiosk", cmd_withdraw},
    {"notice-add", "notice-add TEXT [--id ID] [--urgent] ...", "put a notice on the kiosks' ticker", cmd_notice_add},
    {"notice-delete", "notice-delete ID", "remove a ticker notice", cmd_notice_delete},
    {"feedback", "feedback [--since TIME]", "list visitors' feedback with replies", cmd_feedback},
    {"feedback-export", "feedback-export --csv FILE [--since TIME]", "write feedback as CSV (UTF-8)", cmd_feedback_export},
    {"reply", "reply FEEDBACK-ID TEXT [--public] [--question TEXT]", "answer feedback; --public shows it on kiosks", cmd_reply},
    {"audit", "audit [--limit N]", "归档: who changed what, and when", cmd_audit},
    {"orgs", "orgs", "组织树：本组织及下级", cmd_orgs},
    {"org-add", "org-add ID --name 全称 [--short 简称] [--parent ID]", "建立下级组织", cmd_org_add},
    {"org-set", "org-set ID [--name 全称] [--short 简称]", "修改组织名称（触控屏页头随之更新）", cmd_org_set},
    {"admins", "admins", "本组织及下级的管理员和角色", cmd_admins},
    {"admin-add", "admin-add 名字 --roles 角色 [--org ID]", "建立管理员（或换发令牌），授予角色", cmd_admin_add},
    {"kiosk-move", "kiosk-move 触控屏ID --org ID", "把触控屏划归另一个组织", cmd_kiosk_move},
};

static void usage(void)
{
    printf("usage: kioskctl COMMAND [arguments]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %-44s %s\n", commands[i].usage, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage();
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "kioskctl: unknown command \"%s\" (see kioskctl help)\n", argv[1]);
    return 2;
}
