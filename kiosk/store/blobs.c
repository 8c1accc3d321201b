#include "blobs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

/* An href from a feed is only followed inside base_dir: no absolute
 * paths, no "..", no URL schemes. */
static bool safe_relative(const char *href)
{
    if (!*href || href[0] == '/' || strstr(href, "..") || strchr(href, ':')) return false;
    return true;
}

/* One declaration: the file copied in (or found intact) and marked
 * present; 1 when it cannot be had from this declaration. */
static int fetch_one_local(Store *s, const char *cache_dir, const char *base_dir, const StoreBlobRef *ref, Err *err)
{
    Err e;
    if (blobs_verify(cache_dir, ref->sha256, &e) != 0) {
        char src[PATH_MAX];
        if (!safe_relative(ref->href)) {
            log_warn("blobs: attachment %.12s… has no usable local href \"%s\"", ref->sha256, ref->href);
            return 1;
        }
        if (path_join(src, sizeof src, base_dir, ref->href, &e) ||
            blobs_put_file(cache_dir, src, ref->sha256, ref->size, &e) != 0) {
            log_warn("blobs: %s", e.msg);
            return 1;
        }
    }
    return store_blob_set_present(s, ref->sha256, true, err);
}

int blobs_fetch_local_counted(Store *s, const char *cache_dir, const char *base_dir, int *fetched, int *failed,
                              Err *err)
{
    StoreBlobRef *refs;
    int n;
    *fetched = *failed = 0;
    if (store_blobs_missing(s, &refs, &n, err)) return -1;
    for (int i = 0; i < n; i++) {
        bool first_of_hash = i == 0 || strcmp(refs[i].sha256, refs[i - 1].sha256) != 0;
        bool last_of_hash = i == n - 1 || strcmp(refs[i].sha256, refs[i + 1].sha256) != 0;
        /* Rows of one sha256 are adjacent: another item's declaration may have brought it. */
        bool present = false; /* when the store cannot say: copied again, which is harmless */
        if (!first_of_hash && store_blob_is_present(s, refs[i].sha256, &present, NULL) == 0 && present) continue;
        int rc = fetch_one_local(s, cache_dir, base_dir, &refs[i], err);
        if (rc < 0) {
            free(refs);
            return -1;
        }
        if (rc == 0) (*fetched)++;
        else if (last_of_hash) (*failed)++;
    }
    free(refs);
    if (*failed) log_warn("blobs: %d attachment(s) missing; the items that use them stay hidden", *failed);
    return 0;
}

int blobs_fetch_local(Store *s, const char *cache_dir, const char *base_dir, int *fetched, Err *err)
{
    int failed;
    return blobs_fetch_local_counted(s, cache_dir, base_dir, fetched, &failed, err);
}

static bool all_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* .tmp-<pid>-<tid>-<sha256>, written by this process (blobfile.c's name). */
static bool own_temporary(const char *name)
{
    char mine[32];
    snprintf(mine, sizeof mine, ".tmp-%ld-", (long)getpid());
    return strncmp(name, mine, strlen(mine)) == 0;
}

/* Only names this module writes are ever deleted: CACHE/ab/<sha256> and
 * CACHE/ab/.tmp-<pid>-<sha256>; anything else in the folder is left alone. */
int blobs_collect_garbage(Store *s, const char *cache_dir, int64_t budget_bytes, int *removed, Err *err)
{
    *removed = 0;
    DIR *top = opendir(cache_dir);
    if (!top) return errno == ENOENT ? 0 : err_set(err, "%s: cannot list: %s", cache_dir, strerror(errno));
    int64_t kept = 0;
    struct dirent *d;
    while ((d = readdir(top)) != NULL) {
        if (!all_hex(d->d_name, 2)) continue;
        char sub[PATH_MAX];
        if (path_join(sub, sizeof sub, cache_dir, d->d_name, NULL)) continue; /* no cache file has such a name */
        DIR *dir = opendir(sub);
        if (!dir) continue;
        struct dirent *f;
        while ((f = readdir(dir)) != NULL) {
            char path[PATH_MAX];
            if (path_join(path, sizeof path, sub, f->d_name, NULL)) continue;
            struct stat st;
            bool temporary = strncmp(f->d_name, ".tmp-", 5) == 0 && !own_temporary(f->d_name);
            bool blob = proto_sha256_valid(f->d_name);
            if (!temporary && !blob) continue;
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
            /* A temporary of another process is what a killed process
             * left half written (this process's own are downloads in
             * progress on another thread: the sync's image fetcher).  A
             * file is deleted only when the store says no live item uses
             * it; when the store cannot say, nothing more is deleted. */
            bool used = false;
            if (blob && store_blob_referenced(s, f->d_name, &used, err)) {
                closedir(dir);
                closedir(top);
                return err_prefix(err, "blobs: cannot tell which images are in use, so none are deleted: ");
            }
            bool stale = temporary || !used;
            if (stale && unlink(path) == 0) {
                if (blob) store_blob_set_present(s, f->d_name, false, NULL);
                (*removed)++;
                continue;
            }
            kept += st.st_size;
        }
        closedir(dir);
    }
    closedir(top);
    if (budget_bytes > 0 && kept > budget_bytes)
        log_warn("blobs: cache holds %lld MB of images in use, over its budget of %lld MB", (long long)(kept >> 20),
                 (long long)(budget_bytes >> 20));
    return 0;
}
