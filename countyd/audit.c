#include "audit.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "orgs.h"

/* The text an entry's hash is taken over: a compact JSON array, so that no
 * field can run into the next. */
static int entry_hash(int64_t seq, int64_t at, const char *admin, const char *org, const char *action,
                      const char *target, const char *detail, const char *prev, char out[AUTH_HASH_LEN + 1], Err *err)
{
    json_t *a =
        json_pack("[I,I,s,s,s,s,s,s]", (json_int_t)seq, (json_int_t)at, admin, org, action, target, detail, prev);
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    if (!text) return err_set(err, "audit: cannot encode entry %lld", (long long)seq);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, strlen(text), md);
    free(text);
    auth_hex(md, sizeof md, out);
    return 0;
}

static const char *field(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

static int row_hash(json_t *row, const char *prev, char out[AUTH_HASH_LEN + 1], Err *err)
{
    return entry_hash(json_integer_value(json_object_get(row, "seq")), json_integer_value(json_object_get(row, "at")),
                      field(row, "admin"), field(row, "org"), field(row, "action"), field(row, "target"),
                      field(row, "detail"), prev, out, err);
}

int cdb_audit(Cdb *db, const char *admin, const char *org, const char *action, const char *target, const char *detail,
              Err *err)
{
    /* Always inside the caller's write transaction: entries are appended one
     * at a time, each after the one whose hash it carries. */
    json_t *last;
    int rc = cdb_row(db, &last, err, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL);
    if (rc < 0) return -1;
    int64_t seq = last ? json_integer_value(json_object_get(last, "seq")) + 1 : 1;
    char prev[AUTH_HASH_LEN + 1], hash[AUTH_HASH_LEN + 1];
    snprintf(prev, sizeof prev, "%s", last ? field(last, "hash") : "");
    json_decref(last);
    int64_t at = (int64_t)time(NULL);
    if (!org) org = ORG_ROOT;
    if (!detail) detail = "";
    if (entry_hash(seq, at, admin, org, action, target, detail, prev, hash, err)) return -1;
    return cdb_exec(db, err,
                    "INSERT INTO audit (seq, at, admin, org, action, target, detail, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "iisssssss", seq, at, admin, org, action, target, detail, prev, hash);
}

int cdb_audit_list(Cdb *db, const char *top, int limit, json_t **out, Err *err)
{
    return cdb_rows(db, out, err,
                    ORGS_SUBTREE_CTE " SELECT * FROM (SELECT seq, " SQL_TIME(
                        "at") " AS at, admin, org, action, target,"
                              " detail, hash FROM audit WHERE org IN (SELECT id FROM subtree) ORDER BY seq DESC LIMIT "
                              "?2) ORDER BY seq",
                    "sd", top, limit);
}

int audit_seal(Cdb *db, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err, "SELECT seq, at, admin, org, action, target, detail, hash FROM audit ORDER BY seq",
                 NULL))
        return -1;
    char prev[AUTH_HASH_LEN + 1] = "";
    size_t i;
    json_t *row;
    int rc = 0;
    json_array_foreach (rows, i, row) {
        if (field(row, "hash")[0]) {
            snprintf(prev, sizeof prev, "%s", field(row, "hash"));
            continue;
        }
        char hash[AUTH_HASH_LEN + 1];
        if ((rc = row_hash(row, prev, hash, err))) break;
        if ((rc = cdb_exec(db, err, "UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", "ssi", prev, hash,
                           (int64_t)json_integer_value(json_object_get(row, "seq")))))
            break;
        snprintf(prev, sizeof prev, "%s", hash);
    }
    json_decref(rows);
    return rc;
}

static json_t *broken(json_t *row, size_t entries, const char *reason)
{
    return json_pack("{s:b,s:I,s:I,s:s,s:O}", "ok", 0, "entries", (json_int_t)entries, "broken_at",
                     json_integer_value(json_object_get(row, "seq")), "reason", reason, "entry", row);
}

int audit_verify(Cdb *db, json_t **out, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err,
                 "SELECT seq, at, admin, org, action, target, detail, prev_hash, hash FROM audit ORDER BY seq", NULL))
        return -1;
    char prev[AUTH_HASH_LEN + 1] = "";
    int64_t last_seq = 0;
    size_t i;
    json_t *row;
    *out = NULL;
    json_array_foreach (rows, i, row) {
        int64_t seq = json_integer_value(json_object_get(row, "seq"));
        char hash[AUTH_HASH_LEN + 1];
        if (row_hash(row, field(row, "prev_hash"), hash, err)) {
            json_decref(rows);
            return -1;
        }
        const char *reason = NULL;
        if (seq != last_seq + 1) reason = "此条之前缺少记录（序号不连续）";
        else if (strcmp(field(row, "prev_hash"), prev) != 0)
            reason = "此条记下的上一条哈希与上一条不符（之前的记录被改动、插入或删除）";
        else if (strcmp(hash, field(row, "hash")) != 0) reason = "此条的内容与它的哈希不符（此条被改动过）";
        if (reason) {
            *out = broken(row, i, reason);
            break;
        }
        snprintf(prev, sizeof prev, "%s", hash);
        last_seq = seq;
    }
    if (!*out) *out = json_pack("{s:b,s:I,s:s}", "ok", 1, "entries", (json_int_t)json_array_size(rows), "head", prev);
    json_decref(rows);
    return 0;
}

int audit_keep_revision(Cdb *db, const char *admin, const char *item, const char *org, int64_t revision,
                        const char *doc, Err *err)
{
    return cdb_exec(db, err,
                    "INSERT INTO published_revisions (item, org, revision, doc, at, admin) VALUES (?, ?, ?, ?, ?, ?)",
                    "ssisis", item, org, revision, doc, (int64_t)time(NULL), admin);
}

/* [start, end) of `year` in China Standard Time. */
static void year_bounds(int year, int64_t *start, int64_t *end)
{
    struct tm a = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1},
              b = {.tm_year = year + 1 - 1900, .tm_mon = 0, .tm_mday = 1};
    *start = (int64_t)timegm(&a) - 8 * 3600;
    *end = (int64_t)timegm(&b) - 8 * 3600;
}

int audit_archive_year(Cdb *db, const char *top, int year, json_t **out, Err *err)
{
    int64_t start, end;
    year_bounds(year, &start, &end);
    json_t *revisions = NULL, *entries = NULL, *chain = NULL;
    int rc = cdb_rows(
        db, &revisions, err,
        ORGS_SUBTREE_CTE " SELECT item, org, revision, " SQL_TIME(
            "at") " AS published_at, admin AS published_by,"
                  " doc FROM published_revisions WHERE org IN (SELECT id FROM subtree) AND at >= ?2 AND at < ?3"
                  " ORDER BY seq",
        "sii", top, start, end);
    if (!rc)
        rc = cdb_rows(
            db, &entries, err,
            ORGS_SUBTREE_CTE " SELECT seq, " SQL_TIME(
                "at") " AS at, admin, org, action, target, detail, prev_hash,"
                      " hash FROM audit WHERE org IN (SELECT id FROM subtree) AND at >= ?2 AND at < ?3 ORDER BY seq",
            "sii", top, start, end);
    if (!rc) rc = audit_verify(db, &chain, err);
    json_t *images = json_array(), *seen = json_object();
    size_t i, j;
    json_t *r, *a;
    json_array_foreach (rc ? NULL : revisions, i, r) {
        json_t *content = json_loads(field(r, "doc"), 0, NULL);
        json_object_del(r, "doc");
        json_object_set_new(r, "content", content ? content : json_null());
        json_array_foreach (json_object_get(content, "attachments"), j, a) {
            const char *sha = field(a, "sha256");
            if (!*sha || json_object_get(seen, sha)) continue;
            json_object_set_new(seen, sha, json_true());
            json_array_append_new(images, json_string(sha));
        }
        char target[128];
        snprintf(target, sizeof target, "item:%s", field(r, "item"));
        json_t *history = json_array();
        json_t *e;
        size_t k;
        json_array_foreach (entries, k, e)
            if (strcmp(field(e, "target"), target) == 0) json_array_append(history, e);
        json_object_set_new(r, "history", history);
    }
    json_decref(seen);
    if (rc) {
        json_decref(revisions);
        json_decref(entries);
        json_decref(chain);
        json_decref(images);
        return rc;
    }
    *out = json_pack("{s:i,s:s,s:o,s:o,s:o,s:o}", "year", year, "org", top, "revisions", revisions, "audit", entries,
                     "images", images, "chain", chain);
    return 0;
}
