/* cmd_orgs.c — kioskctl's commands for the organisation tree, admins and
 * their roles, and moving kiosks between organisations (docs/ADMIN.md
 * "组织、管理员和角色").  They speak Chinese to people; the words sent to
 * countyd (draft, review, approve, supervise, manage) stay English. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_client.h"
#include "commands.h"

/* Sends one request (stealing `body`) and prints `done` on success. */
static int call_and_say(int argc, char **argv, const char *method, const char *path, json_t *body, const char *done)
{
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(body);
        return 1;
    }
    Err err;
    int rc = admin_call(c, method, path, body, NULL, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    printf("%s\n", done);
    admin_client_close(c);
    return 0;
}

/* Roles as people read them: "draft,review" -> "起草、审核". */
static void role_labels(const char *words, char *out, size_t size)
{
    static const char *const map[][2] = {
        {"draft", "起草"}, {"review", "审核"}, {"approve", "审批"}, {"supervise", "监督"}, {"manage", "管理"},
    };
    out[0] = '\0';
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(words, map[i][0]))
            snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? "、" : "", map[i][1]);
}

int cmd_orgs(int argc, char **argv)
{
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, "/v1/admin/orgs", &ans);
    if (!c) return 1;
    size_t i;
    json_t *o;
    json_array_foreach (json_object_get(ans, "orgs"), i, o) {
        int depth = (int)json_integer_value(json_object_get(o, "depth"));
        printf("%*s%s  %s（%s）  触控屏 %lld 台，管理员 %lld 人\n", depth * 2, "", admin_text(o, "id"),
               admin_text(o, "name")[0] ? admin_text(o, "name") : "（未命名）", admin_text(o, "short_name"),
               (long long)json_integer_value(json_object_get(o, "kiosks")),
               (long long)json_integer_value(json_object_get(o, "admins")));
    }
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_org_add(int argc, char **argv)
{
    static const char *const valued[] = {"--parent", "--name", "--short", NULL};
    const char *id = admin_arg(argc, argv, 0, valued), *name = admin_opt(argc, argv, "--name", NULL);
    if (!id || !name) return admin_usage("org-add ID --name 全称 [--short 简称] [--parent 上级组织ID]");
    json_t *body =
        json_pack("{s:s,s:s,s:s}", "id", id, "name", name, "short_name", admin_opt(argc, argv, "--short", ""));
    const char *parent = admin_opt(argc, argv, "--parent", NULL);
    if (parent) json_object_set_new(body, "parent", json_string(parent));
    char done[256];
    snprintf(done, sizeof done, "已建立组织 %s", id);
    return call_and_say(argc, argv, "POST", "/v1/admin/orgs", body, done);
}

int cmd_org_set(int argc, char **argv)
{
    static const char *const valued[] = {"--name", "--short", NULL};
    const char *id = admin_arg(argc, argv, 0, valued);
    const char *name = admin_opt(argc, argv, "--name", NULL), *short_name = admin_opt(argc, argv, "--short", NULL);
    if (!id || (!name && !short_name)) return admin_usage("org-set ID [--name 全称] [--short 简称]");
    json_t *body = json_object();
    if (name) json_object_set_new(body, "name", json_string(name));
    if (short_name) json_object_set_new(body, "short_name", json_string(short_name));
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/orgs/%s", id);
    char done[256];
    snprintf(done, sizeof done, "组织 %s 已修改；各触控屏在下一次心跳时更新名称", id);
    return call_and_say(argc, argv, "PUT", path, body, done);
}

int cmd_admins(int argc, char **argv)
{
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, "/v1/admin/admins", &ans);
    if (!c) return 1;
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get(ans, "admins"), i, a) {
        char labels[128];
        role_labels(admin_text(a, "roles"), labels, sizeof labels);
        printf("%-16s 组织 %-12s 角色 %s\n", admin_text(a, "name"), admin_text(a, "org"), labels);
    }
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_admin_add(int argc, char **argv)
{
    static const char *const valued[] = {"--org", "--roles", NULL};
    const char *name = admin_arg(argc, argv, 0, valued), *roles = admin_opt(argc, argv, "--roles", NULL);
    if (!name || !roles)
        return admin_usage("admin-add 名字 --roles draft,review,approve,supervise,manage [--org 组织ID]\n"
                           "  角色：draft 起草、review 审核、approve 审批、supervise 监督（只读）、manage 管理");
    json_t *body = json_pack("{s:s,s:s}", "name", name, "roles", roles);
    const char *org = admin_opt(argc, argv, "--org", NULL);
    if (org) json_object_set_new(body, "org", json_string(org));
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(body);
        return 1;
    }
    json_t *ans;
    Err err;
    int rc = admin_call(c, "POST", "/v1/admin/admins", body, &ans, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    char labels[128];
    role_labels(roles, labels, sizeof labels);
    printf("管理员 %s（组织 %s，角色 %s）。令牌只显示这一次，请交给本人妥善保管：\n%s\n", name, admin_text(ans, "org"),
           labels, admin_text(ans, "token"));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_kiosk_move(int argc, char **argv)
{
    static const char *const valued[] = {"--org", NULL};
    const char *id = admin_arg(argc, argv, 0, valued), *org = admin_opt(argc, argv, "--org", NULL);
    if (!id || !org) return admin_usage("kiosk-move 触控屏ID --org 组织ID");
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/kiosks/%s/move", id);
    char done[256];
    snprintf(done, sizeof done, "触控屏 %s 已划归组织 %s；它下一次同步时换成该组织的公开内容", id, org);
    return call_and_say(argc, argv, "POST", path, json_pack("{s:s}", "org", org), done);
}
