#include "orgs.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "validate.h"

/* Full names are what a kiosk header shows; short names fit a list column. */
#define ORG_NAME_MAX 255
#define ORG_SHORT_MAX 60

static int check_name(const char *what, const char *text, size_t max, bool required, Err *err)
{
    size_t n = text ? strlen(text) : 0;
    if (required && n == 0) return err_refuse(err, ERR_BAD_REQUEST, "%s：不能为空", what);
    if (n > max) return err_refuse(err, ERR_BAD_REQUEST, "%s：最多 %zu 字节", what, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return err_refuse(err, ERR_BAD_REQUEST, "%s：不能含控制字符", what);
    return 0;
}

/* A query that fails answers "no", and "no" refuses what was asked. */
int org_exists(Cdb *db, const char *id)
{
    int64_t n = 0;
    return id && cdb_int(db, &n, NULL, "SELECT count(*) FROM orgs WHERE id = ?", "s", id) == 0 && n > 0;
}

static int depth_of(Cdb *db, const char *id, int64_t *out, Err *err)
{
    return cdb_int(db, out, err, ORGS_LINEAGE_CTE " SELECT count(*) FROM lineage", "s", id);
}

int org_create(Cdb *db, const char *admin, const char *id, const char *parent, const char *name, const char *short_name,
               Err *err)
{
    if (!proto_id_valid(id))
        return err_refuse(err, ERR_BAD_REQUEST, "\"%s\" 不是组织代码（1-63 个 A-Z a-z 0-9 - _ . 字符）", id ? id : "");
    int rc = check_name("name（全称）", name, ORG_NAME_MAX, true, err);
    if (!rc) rc = check_name("short_name（简称）", short_name, ORG_SHORT_MAX, false, err);
    if (rc) return rc;
    if (!org_exists(db, parent)) return err_refuse(err, ERR_NOT_FOUND, "没有上级组织 %s", parent ? parent : "");
    int64_t depth;
    if (depth_of(db, parent, &depth, err)) return -1;
    if (depth >= ORG_MAX_DEPTH) return err_refuse(err, ERR_BAD_REQUEST, "组织层级最多 %d 级", ORG_MAX_DEPTH);
    if (cdb_begin(db, err)) return -1;
    if (org_exists(db, id)) {
        cdb_rollback(db);
        return err_refuse(err, ERR_CONFLICT, "组织代码 %s 已被使用", id);
    }
    char detail[600];
    snprintf(detail, sizeof detail, "上级 %s：%s", parent, name);
    /* The new organisation's change log starts as a copy of its parent's:
     * whatever the parent's feed ever held is all a new organisation's feed
     * can hold at first (categories and what the ancestors show below). */
    rc = cdb_exec(db, err, "INSERT INTO orgs (id, parent, name, short_name, created_at) VALUES (?, ?, ?, ?, ?)",
                  "ssssi", id, parent, name, short_name ? short_name : "", (int64_t)time(NULL));
    if (!rc)
        rc = cdb_exec(db, err,
                      "INSERT INTO feed_changes (org, entity, id, revision) SELECT ?, entity, id, revision"
                      " FROM feed_changes WHERE org = ?",
                      "ss", id, parent);
    if (!rc) rc = cdb_audit(db, admin, id, "org-create", id, detail, err);
    if (rc) {
        cdb_rollback(db);
        return rc;
    }
    return cdb_commit(db, NULL, err);
}

int org_update(Cdb *db, const char *admin, const char *id, const char *name, const char *short_name, Err *err)
{
    int rc = name ? check_name("name（全称）", name, ORG_NAME_MAX, true, err) : 0;
    if (!rc && short_name) rc = check_name("short_name（简称）", short_name, ORG_SHORT_MAX, false, err);
    if (rc) return rc;
    if (!org_exists(db, id)) return err_refuse(err, ERR_NOT_FOUND, "没有组织 %s", id);
    char detail[600];
    snprintf(detail, sizeof detail, "%s%s%s%s", name ? "全称 " : "", name ? name : "", short_name ? " 简称 " : "",
             short_name ? short_name : "");
    if (cdb_begin(db, err)) return -1;
    rc =
        cdb_exec(db, err, "UPDATE orgs SET name = coalesce(?, name), short_name = coalesce(?, short_name) WHERE id = ?",
                 "sss", name, short_name, id);
    if (!rc) rc = cdb_audit(db, admin, id, "org-edit", id, detail, err);
    if (rc) {
        cdb_rollback(db);
        return rc;
    }
    return cdb_commit(db, NULL, err);
}

int orgs_list(Cdb *db, const char *top, json_t **out, Err *err)
{
    /* Depth-first order by a path of ids, so that children follow their parent. */
    return cdb_rows(db, out, err,
                    "WITH RECURSIVE tree(id, parent, name, short_name, depth, path) AS ("
                    " SELECT id, parent, name, short_name, 0, id FROM orgs WHERE id = ?1"
                    " UNION ALL SELECT o.id, o.parent, o.name, o.short_name, t.depth + 1, t.path || char(1) || o.id"
                    " FROM orgs o JOIN tree t ON o.parent = t.id)"
                    " SELECT id, parent, name, short_name, depth,"
                    " (SELECT count(*) FROM kiosks k WHERE k.org = tree.id) AS kiosks,"
                    " (SELECT count(*) FROM admins a WHERE a.org = tree.id) AS admins"
                    " FROM tree ORDER BY path",
                    "s", top);
}

int org_get(Cdb *db, const char *id, json_t **out, Err *err)
{
    int rc = cdb_row(db, out, err, "SELECT id, parent, name, short_name FROM orgs WHERE id = ?", "s", id ? id : "");
    if (rc == 1) return err_refuse(err, ERR_NOT_FOUND, "没有组织 %s", id ? id : "");
    return rc;
}

int org_within(Cdb *db, const char *top, const char *org)
{
    if (!top || !org) return 0;
    if (strcmp(top, org) == 0) return org_exists(db, org);
    Err err;
    char found[8];
    int rc = cdb_text(db, found, sizeof found, &err, ORGS_LINEAGE_CTE " SELECT 1 FROM lineage WHERE id = ?2", "ss", org,
                      top);
    return rc < 0 ? -1 : rc == 0;
}
