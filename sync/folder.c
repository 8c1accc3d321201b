/* folder.c — a file:// source: a folder or a USB stick.
 *
 * Reads DIR/feed.json when it changed and its revision differs from the
 * store's, and copies missing attachments from beside it.  There is no way
 * back: feedback stays in the outbox. */
#include "session.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blobs.h"
#include "feed.h"
#include "path.h"

static RoundResult read_feed_file(Session *ss, const char *path, const struct stat *st, bool *changed)
{
    if (st->st_size > FEED_MAX_BYTES) return session_fail(ss, ROUND_ERROR, "%s: larger than a feed may be", path);
    FILE *f = fopen(path, "rb");
    if (!f) return session_fail(ss, ROUND_OFFLINE, "%s: cannot open: %s", path, strerror(errno));
    char *data = malloc((size_t)st->st_size + 1);
    size_t len = data ? fread(data, 1, (size_t)st->st_size, f) : 0;
    fclose(f);
    if (!data) return session_fail(ss, ROUND_ERROR, "out of memory");
    /* Import only when the file is at another revision than the store:
     * a USB stick left in the kiosk is read again and again.  The JSON is
     * read once, for that look and for the import. */
    FeedDoc *doc;
    Err e;
    int loaded = feed_doc_load(data, len, &doc, &e);
    free(data);
    if (loaded) return session_fail(ss, ROUND_ERROR, "%s: %s", path, e.msg);
    json_t *rev = json_object_get(feed_doc_json(doc), "revision");
    int64_t current;
    bool known = store_revision(ss->store, &current, NULL) == 0; /* unknown: import, which says why */
    bool same = known && json_is_integer(rev) && json_integer_value(rev) == current && !ss->want_snapshot;
    RoundResult r = ROUND_OK;
    if (!same && sync_apply_feed(ss, doc, changed, &e) != ROUND_OK)
        r = session_fail(ss, ROUND_ERROR, "%s: %s", path, e.msg);
    feed_doc_free(doc);
    if (r == ROUND_OK) {
        ss->feed_mtime = st->st_mtime;
        ss->feed_size = st->st_size;
    }
    return r;
}

RoundResult sync_folder_round(Session *ss, bool *changed)
{
    char path[PATH_MAX];
    struct stat st;
    Err e;
    if (path_join(path, sizeof path, ss->folder, "feed.json", &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    if (stat(path, &st) != 0)
        return session_fail(ss, ROUND_OFFLINE, "%s: %s (is the USB stick or folder there?)", path, strerror(errno));
    RoundResult r = ROUND_OK;
    if (st.st_mtime != ss->feed_mtime || st.st_size != ss->feed_size) r = read_feed_file(ss, path, &st, changed);
    if (r != ROUND_OK) return r;
    int fetched = 0, failed = 0;
    if (blobs_fetch_local_counted(ss->store, ss->cfg->cache_dir, ss->folder, &fetched, &failed, &e))
        return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    if (fetched > 0) *changed = true;
    if (failed > 0)
        return session_fail(
            ss, ROUND_ERROR,
            "%s: %d attachment(s) missing or not matching the feed; the items that use them stay hidden", ss->folder,
            failed);
    return ROUND_OK;
}
