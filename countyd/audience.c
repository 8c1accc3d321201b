#include "audience.h"

#include <string.h>

#include "longpoll.h"

static const char *const words[] = {[AUDIENCE_OWN] = "own", [AUDIENCE_SUBTREE] = "subtree"};
static const char *const labels[] = {[AUDIENCE_OWN] = "本组织", [AUDIENCE_SUBTREE] = "本组织及下级"};

int audience_parse(const char *word)
{
    for (int i = 0; i < 2; i++)
        if (word && strcmp(word, words[i]) == 0) return i;
    return -1;
}

const char *audience_word(Audience a) { return words[a]; }
const char *audience_label(Audience a) { return labels[a]; }

int audience_of(json_t *entity, Audience *out, Err *err)
{
    json_t *aud = json_object_get(entity, "audience");
    int a = aud ? audience_parse(json_string_value(aud)) : AUDIENCE_SUBTREE;
    if (a < 0)
        return err_refuse(err, ERR_BAD_REQUEST,
                          "audience: must be \"own\" (本组织的触控屏) or \"subtree\" (本组织及下级的触控屏)");
    *out = (Audience)a;
    return 0;
}

int audience_affected_orgs(Cdb *db, const char *owner, bool reaches_below, json_t **orgs, Err *err)
{
    json_t *rows;
    int rc = reaches_below ? cdb_rows(db, &rows, err, ORGS_SUBTREE_CTE " SELECT id FROM subtree", "s", owner)
                           : cdb_rows(db, &rows, err, "SELECT id FROM orgs WHERE id = ?", "s", owner);
    if (rc) return -1;
    *orgs = cdb_column(rows, "id");
    return 0;
}

int audience_mark(Cdb *db, const char *entity, const char *id, const char *owner, bool reaches_below, Err *err)
{
    int64_t rev = cdb_take_revision(db, err);
    if (rev < 0) return -1;
    json_t *orgs;
    if (audience_affected_orgs(db, owner, reaches_below, &orgs, err)) return -1;
    size_t i;
    json_t *org;
    int rc = 0;
    json_array_foreach (orgs, i, org) {
        rc = cdb_exec(db, err, "INSERT OR REPLACE INTO feed_changes (org, entity, id, revision) VALUES (?, ?, ?, ?)",
                      "sssi", json_string_value(org), entity, id, rev);
        if (rc) break;
        cdb_note_feed(db, json_string_value(org));
    }
    json_decref(orgs);
    return rc;
}

int audience_commit(Cdb *db, Err *err)
{
    int64_t rev = 0;
    if (cdb_commit(db, &rev, err)) return -1;
    if (!rev) return 0;
    const char *feeds[256];
    bool all;
    size_t n = cdb_tx_feeds(db, feeds, sizeof feeds / sizeof feeds[0], &all);
    longpoll_announce(rev, feeds, n, all);
    return 0;
}
