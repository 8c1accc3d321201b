/* kioskctl — the command-line tool for kiosks and county admins.
 *
 * Each subcommand is one function in a table; `kioskctl help` lists them.
 * Local subcommands work on a kiosk database; the admin subcommands talk to
 * countyd (see docs/ADMIN.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

typedef struct {
    const char *name, *usage, *summary;
    int (*run)(int argc, char **argv);
} Command;

static const Command commands[] = {
    {"import", "import 文件 [--db 数据库] [--cache 目录]", "把一个 feed 文件导入触控屏数据库", cmd_import},
    {"sync", "sync [--config 文件] [--server URL] [--once]", "与县服务器（或 file:// 文件夹）同步，不开屏幕", cmd_sync},
    {"feed", "feed 文件夹 [-o 文件] [--revision N]", "把编写文件夹生成 feed 快照", cmd_feed},
    {"orgs", "orgs", "组织树：本组织及下级", cmd_orgs},
    {"org-add", "org-add ID --name 全称 [--short 简称] [--parent ID]", "建立下级组织", cmd_org_add},
    {"org-set", "org-set ID [--name 全称] [--short 简称]", "修改组织名称（触控屏页头随之更新）", cmd_org_set},
    {"admins", "admins", "本组织及下级的管理员和角色", cmd_admins},
    {"admin-add", "admin-add 名字 --roles 角色 [--org ID]", "建立管理员（或换发令牌），授予角色", cmd_admin_add},
    {"catalog", "catalog [--org ID]", "公开目录：县里的标准目录、本组织增设的目录及其规则", cmd_catalog},
    {"catalog-add", "catalog-add 目录ID --parent 上级目录 --name 名称 [--rules 规则] [--org ID]",
     "增设本组织的目录（或修改）", cmd_catalog_add},
    {"catalog-delete", "catalog-delete 目录ID", "删除本组织增设的目录", cmd_catalog_delete},
    {"overdue", "overdue [--org ID] [--at 时间]", "定期公开目录中本期还没有公开的事项（逾期清单）", cmd_overdue},
    {"overdue", "overdue --cases", "逾期未办结的意见、申请和举报（同 cases --overdue）", cmd_overdue},
    {"kiosk-add", "kiosk-add 触控屏ID [--name 地点] [--org ID] [--enrol-file 文件] ...",
     "登记触控屏，显示给技术员的一条开通命令", cmd_kiosk_add},
    {"kiosk-move", "kiosk-move 触控屏ID --org ID", "把触控屏划归另一个组织", cmd_kiosk_move},
    {"kiosks", "kiosks [--silent-minutes N]", "触控屏：最近心跳、内容版本号、待上传的意见", cmd_kiosks},
    {"kiosk-set", "kiosk-set 触控屏ID|all 设置 值", "下发设置（unit_name、ticker_speed、screen_on、reasons）",
     cmd_kiosk_set},
    {"resync", "resync 触控屏ID|all", "让触控屏重新下载全部内容", cmd_resync},
    {"kiosk-screenshot", "kiosk-screenshot 触控屏ID 文件.png [--wait 秒]",
     "取一张触控屏当前画面的截图（有访客输入时稍后自动截取）", cmd_kiosk_screenshot},
    {"publish", "publish 文件夹 [--approve] [--note 说明] [--org ID] [--audience own|subtree]",
     "把编写文件夹发送到县服务器（提出）", cmd_publish},
    {"publish", "publish 事项ID [--note 理由]", "实施公开：发布已审批的事项（更改已公开的事项须写理由）", cmd_publish},
    {"update", "update 文件夹 [--approve] [--note 说明]", "再次发送修改过的文件夹（只有改动的事项重新走流程）",
     cmd_update},
    {"items", "items", "服务器上的事项及其状态、浏览量", cmd_items},
    {"review", "review 事项ID [--note 说明]", "审核：把待审核的事项标为已审核", cmd_review},
    {"approve", "approve 事项ID [--note 说明]", "审批：审批已审核的事项（审核人不能审批同一版本）", cmd_approve},
    {"withdraw", "withdraw 事项ID --note 理由", "撤回：从所有触控屏上撤下（理由向群众显示）", cmd_withdraw},
    {"notice-add", "notice-add 通知文字 [--id ID] [--urgent] ...", "在触控屏滚动条上发布通知", cmd_notice_add},
    {"notice-delete", "notice-delete 通知ID", "删除滚动条通知", cmd_notice_delete},
    {"feedback", "feedback [--since 时间]", "群众的意见建议及答复", cmd_feedback},
    {"feedback-export", "feedback-export --csv 文件 [--since 时间]", "把意见建议导出为 CSV（UTF-8）",
     cmd_feedback_export},
    {"reply", "reply 意见ID 答复内容 [--public] [--question 问题]", "答复意见；--public 作为公开答复上屏", cmd_reply},
    {"cases", "cases [--status 状态] [--kind 类别] [--overdue] [--limit N]",
     "意见、依申请公开和举报的办理：回执号、状态、办理人、应办结日期、逾期", cmd_cases},
    {"case", "case 编号|回执号 [take | assign 管理员 | status 状态 | notify | reply 答复内容 ...]",
     "查看一件的经过；接办、指派、改状态、标记已告知、答复", cmd_case},
    {"satisfaction", "satisfaction", "满意率：按组织、目录和月份（只计评价）", cmd_satisfaction},
    {"audit", "audit [--limit N]", "归档：谁在什么时候改了什么", cmd_audit},
    {"audit", "audit verify", "核对归档记录的哈希链是否完整，断在哪一条", cmd_audit},
    {"archive", "archive --year 2026 [-o 目录] [--org ID]", "导出年度归档：每个公开版本、审批与撤回记录（JSON）和图片",
     cmd_archive},
};

static void usage(void)
{
    /* Usage and summary on lines of their own: Chinese text does not pad into columns. */
    printf("用法：kioskctl 命令 [参数]\n\n命令：\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %s\n      %s\n", commands[i].usage, commands[i].summary);
    printf("\n连接县服务器的命令都接受 --server URL --token 令牌 [--ca-file PEM]"
           "（或环境变量 KIOSKCTL_SERVER、KIOSKCTL_TOKEN、KIOSKCTL_CA_FILE）。\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage();
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "kioskctl：没有 \"%s\" 这个命令（见 kioskctl help）\n", argv[1]);
    return 2;
}
