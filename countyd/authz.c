#include "authz.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "orgs.h"

static const struct {
    Role role;
    const char *word, *label;
} roles[] = {
    {ROLE_DRAFT, "draft", "起草"},         {ROLE_REVIEW, "review", "审核"}, {ROLE_APPROVE, "approve", "审批"},
    {ROLE_SUPERVISE, "supervise", "监督"}, {ROLE_MANAGE, "manage", "管理"},
};

#define ROLE_COUNT (sizeof roles / sizeof roles[0])

/* Which roles allow each action (any one of them suffices). */
static const struct {
    unsigned needs;
    const char *doing;
} actions[] = {
    [AUTHZ_READ] = {ROLE_ALL, "查看"},
    [AUTHZ_READ_REPORTS] = {ROLE_SUPERVISE | ROLE_APPROVE, "查看举报"},
    [AUTHZ_DRAFT] = {ROLE_DRAFT, "起草和修改"},
    [AUTHZ_REVIEW] = {ROLE_REVIEW, "审核"},
    [AUTHZ_APPROVE] = {ROLE_APPROVE, "审批和发布"},
    [AUTHZ_MANAGE] = {ROLE_MANAGE, "管理组织、管理员和触控屏"},
};

int authz_roles_parse(const char *text, unsigned *out, Err *err)
{
    *out = 0;
    const char *p = text ? text : "";
    while (*p) {
        size_t n = strcspn(p, ", ");
        bool known = false;
        for (size_t i = 0; i < ROLE_COUNT && n; i++)
            if (strlen(roles[i].word) == n && strncmp(p, roles[i].word, n) == 0) {
                *out |= roles[i].role;
                known = true;
            }
        if (n && !known)
            return err_set(
                err, "roles：\"%.*s\" 不是角色（draft 起草、review 审核、approve 审批、supervise 监督、manage 管理）",
                (int)n, p);
        p += n;
        while (*p == ',' || *p == ' ') p++;
    }
    if (!*out) return err_set(err, "roles：至少要有一个角色（draft、review、approve、supervise、manage）");
    if ((*out & ROLE_SUPERVISE) && (*out & ~(unsigned)(ROLE_SUPERVISE)))
        return err_set(err, "roles：监督（supervise）是只读角色，不能与其他角色同时授予");
    return 0;
}

static void join(unsigned bits, bool label, char *buf, size_t size)
{
    size_t used = 0;
    if (size) buf[0] = '\0';
    for (size_t i = 0; i < ROLE_COUNT; i++) {
        if (!(bits & roles[i].role)) continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? (label ? "、" : ",") : "",
                         label ? roles[i].label : roles[i].word);
        if (n < 0 || (size_t)n >= size - used) return;
        used += (size_t)n;
    }
}

void authz_roles_format(unsigned bits, char *buf, size_t size) { join(bits, false, buf, size); }
void authz_roles_label(unsigned bits, char *buf, size_t size) { join(bits, true, buf, size); }

int authz_actor(Cdb *db, const char *name, Actor *out, Err *err)
{
    memset(out, 0, sizeof *out);
    json_t *row;
    int rc = cdb_row(db, &row, err, "SELECT name, org, roles FROM admins WHERE name = ?", "s", name ? name : "");
    if (rc) return rc;
    snprintf(out->name, sizeof out->name, "%s", json_string_value(json_object_get(row, "name")));
    snprintf(out->org, sizeof out->org, "%s", json_string_value(json_object_get(row, "org")));
    Err ignored;
    /* A stored list is one this program wrote; an unreadable one grants nothing. */
    if (authz_roles_parse(json_string_value(json_object_get(row, "roles")), &out->roles, &ignored)) out->roles = 0;
    json_decref(row);
    return 0;
}

int authz_check(Cdb *db, const Actor *who, AuthzAction what, const char *org, Err *err)
{
    if (!org_exists(db, org)) return err_refuse(err, ERR_NOT_FOUND, "没有组织 %s", org ? org : "");
    if (!(who->roles & actions[what].needs)) {
        char have[96], need[96];
        authz_roles_label(who->roles, have, sizeof have);
        authz_roles_label(actions[what].needs, need, sizeof need);
        return err_refuse(err, ERR_FORBIDDEN, "无权%s：管理员 %s 的角色是 %s，需要 %s", actions[what].doing, who->name,
                          have[0] ? have : "（无）", need);
    }
    int within = org_within(db, who->org, org);
    if (within < 0) return err_set(err, "cannot read the organisation tree");
    if (!within)
        return err_refuse(err, ERR_FORBIDDEN, "无权%s：%s 不属于管理员 %s 所在组织（%s）及其下级", actions[what].doing,
                          org, who->name, who->org);
    return 0;
}
