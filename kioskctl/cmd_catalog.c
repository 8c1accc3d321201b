/* cmd_catalog.c — kioskctl's commands for the catalog (公开目录): the
 * county's standard entries and an organisation's own additions with their
 * rules, and the overdue list of 定期 entries (docs/ADMIN.md "公开目录"). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_client.h"
#include "catalog_rules.h"
#include "commands.h"

/* The rules as people write them: 社会 定期 每季度 1-10日 公示15天 公开栏. */
static void rules_text(json_t *rules, char *out, size_t size)
{
    static const char *const names[][2] = {
        {"public", "社会"},  {"internal", "党内"}, {"fixed", "固定"},       {"periodic", "定期"},
        {"anytime", "随时"}, {"monthly", "每月"},  {"quarterly", "每季度"},
    };
    static const char *const keys[] = {"scope", "timing", "cadence"};
    out[0] = '\0';
    for (size_t k = 0; k < 3; k++) {
        const char *v = admin_text(rules, keys[k]);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(v, names[i][0]) == 0) snprintf(out + strlen(out), size - strlen(out), "%s ", names[i][1]);
    }
    json_t *days = json_object_get(rules, "days");
    if (days)
        snprintf(out + strlen(out), size - strlen(out), "%lld-%lld日 ",
                 (long long)json_integer_value(json_array_get(days, 0)),
                 (long long)json_integer_value(json_array_get(days, 1)));
    if (json_object_get(rules, "min_days"))
        snprintf(out + strlen(out), size - strlen(out), "公示%lld天 ",
                 (long long)json_integer_value(json_object_get(rules, "min_days")));
    snprintf(out + strlen(out), size - strlen(out), "%s", admin_text(rules, "channels"));
}

int cmd_catalog(int argc, char **argv)
{
    char path[256] = "/v1/admin/catalog";
    const char *org = admin_opt(argc, argv, "--org", NULL);
    if (org) snprintf(path, sizeof path, "/v1/admin/catalog?org=%s", org);
    json_t *ans;
    AdminClient *c = admin_get(argc, argv, path, &ans);
    if (!c) return 1;
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(ans, "catalog"), i, e) {
        char rules[512];
        rules_text(json_object_get(e, "effective"), rules, sizeof rules);
        bool own = json_object_size(json_object_get(e, "rules")) > 0;
        printf("%-14s %s%s  [%s]%s%s\n", admin_text(e, "id"), admin_text(e, "name"),
               strcmp(admin_text(e, "org"), "root") ? "（本组织增设）" : "", admin_text(e, "org"), rules[0] ? "  " : "",
               rules);
        if (rules[0] && !own) printf("%14s （规则继承上级目录）\n", "");
    }
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_catalog_add(int argc, char **argv)
{
    static const char *const valued[] = {"--parent", "--name", "--rules", "--org", "--sort", NULL};
    const char *id = admin_arg(argc, argv, 0, valued), *parent = admin_opt(argc, argv, "--parent", NULL);
    const char *name = admin_opt(argc, argv, "--name", NULL);
    if (!id || !parent || !name)
        return admin_usage(
            "catalog-add 目录ID --parent 上级目录ID --name 名称 [--rules \"社会 定期 每月 1-10日 公示15天 "
            "公开栏\"] [--org 组织ID]");
    json_t *body = json_pack("{s:s,s:s}", "parent", parent, "name", name);
    Err err;
    const char *words = admin_opt(argc, argv, "--rules", NULL);
    if (words) {
        json_t *rules;
        if (catalog_rules_parse(words, &rules, &err)) {
            json_decref(body);
            fprintf(stderr, "kioskctl：--rules：%s\n", err.msg);
            return 2;
        }
        json_object_set_new(body, "rules", rules);
    }
    const char *org = admin_opt(argc, argv, "--org", NULL);
    if (org) json_object_set_new(body, "org", json_string(org));
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) {
        json_decref(body);
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/categories/%s", id);
    json_t *ans;
    int rc = admin_call(c, "PUT", path, body, &ans, &err);
    json_decref(body);
    if (rc) return admin_failed(c, &err);
    printf("目录 %s 已%s（组织 %s）；本组织及下级的触控屏随即更新\n", id,
           json_is_true(json_object_get(ans, "changed")) ? "保存" : "是这样，未改动", admin_text(ans, "org"));
    json_decref(ans);
    admin_client_close(c);
    return 0;
}

int cmd_catalog_delete(int argc, char **argv)
{
    const char *id = admin_arg(argc, argv, 0, NULL);
    if (!id) return admin_usage("catalog-delete 目录ID");
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[256];
    snprintf(path, sizeof path, "/v1/admin/categories/%s", id);
    Err err;
    if (admin_call(c, "DELETE", path, NULL, NULL, &err)) return admin_failed(c, &err);
    printf("目录 %s 已删除\n", id);
    admin_client_close(c);
    return 0;
}

int cmd_overdue(int argc, char **argv)
{
    if (admin_flag(argc, argv, "--cases")) return cmd_cases_overdue(argc, argv);
    AdminClient *c = admin_client_open(argc, argv);
    if (!c) return 1;
    char path[512] = "/v1/admin/overdue";
    const char *org = admin_opt(argc, argv, "--org", NULL), *at = admin_opt(argc, argv, "--at", NULL);
    char *esc = at ? admin_escape(c, at) : NULL;
    snprintf(path, sizeof path, "/v1/admin/overdue?%s%s%s%s", org ? "org=" : "", org ? org : "", esc ? "&at=" : "",
             esc ? esc : "");
    free(esc);
    json_t *ans;
    Err err;
    if (admin_call(c, "GET", path, NULL, &ans, &err)) return admin_failed(c, &err);
    json_t *list = json_object_get(ans, "overdue");
    size_t i, late = 0;
    json_t *o;
    json_array_foreach (list, i, o) {
        json_t *days = json_object_get(o, "days");
        bool is_late = json_is_true(json_object_get(o, "late"));
        late += is_late;
        printf("%s %-12s %-14s %s  %s\n", is_late ? "逾期  " : "待公开", admin_text(o, "org"),
               admin_text(o, "category"), admin_text(o, "name"), admin_text(o, "period"));
        if (days)
            printf("       %s 本期公开日 %lld-%lld 日\n", admin_text(o, "org_name"),
                   (long long)json_integer_value(json_array_get(days, 0)),
                   (long long)json_integer_value(json_array_get(days, 1)));
    }
    printf("定期公开目录中本期尚未公开 %zu 项，其中已过公开日 %zu 项\n", json_array_size(list), late);
    json_decref(ans);
    admin_client_close(c);
    return 0;
}
