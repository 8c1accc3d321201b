#include "blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "log.h"

void blobs_path(const char *cache_dir, const char *sha256, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%.2s/%s", cache_dir, sha256, sha256);
}

int blobs_mkdirs(const char *path, Err *err)
{
    char tmp[1024];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return err_set(err, "%s: path too long", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return err_set(err, "%s: cannot create: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return err_set(err, "%s: cannot create: %s", tmp, strerror(errno));
    return 0;
}

static void to_hex(const unsigned char *md, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

static void hash_buffer(const void *data, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    to_hex(md, hex);
}

int blobs_hash_file(const char *path, char hex[65], int64_t *size, Err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, "%s: cannot open: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        fclose(f);
        EVP_MD_CTX_free(ctx);
        return err_set(err, "cannot start a sha256 digest");
    }
    unsigned char buf[65536];
    size_t n;
    int64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        total += (int64_t)n;
    }
    bool failed = ferror(f);
    fclose(f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (failed) return err_set(err, "%s: read error", path);
    to_hex(md, hex);
    if (size) *size = total;
    return 0;
}

/* Writes to CACHE/ab/.tmp-<pid>-<sha>, fsyncs, renames into place. */
static int write_atomically(const char *cache_dir, const char *sha256, const void *data, size_t len, Err *err)
{
    char final[1200], dir[1100], tmp[1300];
    blobs_path(cache_dir, sha256, final, sizeof final);
    snprintf(dir, sizeof dir, "%s/%.2s", cache_dir, sha256);
    snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-%s", dir, (long)getpid(), sha256);
    if (blobs_mkdirs(dir, err)) return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return err_set(err, "%s: cannot create: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return err_set(err, "%s: write failed: %s", tmp, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return err_set(err, "%s: cannot flush to disk: %s", tmp, strerror(e));
    }
    if (rename(tmp, final) != 0) {
        int e = errno;
        unlink(tmp);
        return err_set(err, "%s: cannot rename into place: %s", final, strerror(e));
    }
    return 0;
}

int blobs_put_buffer(const char *cache_dir, const void *data, size_t len, const char *sha256, int64_t size, Err *err)
{
    char hex[65];
    if (size > 0 && (int64_t)len != size)
        return err_set(err, "attachment %.12s…: %zu bytes received, %lld expected", sha256, len, (long long)size);
    hash_buffer(data, len, hex);
    if (strcmp(hex, sha256) != 0)
        return err_set(err, "attachment %.12s…: content has sha256 %.12s…, so it is corrupt or truncated", sha256, hex);
    return write_atomically(cache_dir, sha256, data, len, err);
}

int blobs_put_file(const char *cache_dir, const char *src, const char *sha256, int64_t size, Err *err)
{
    char *data = NULL;
    size_t len = 0;
    if (bytes_read_file(src, 64 * 1024 * 1024, &data, &len, err)) return -1;
    int rc = blobs_put_buffer(cache_dir, data, len, sha256, size, err);
    free(data);
    return rc;
}

int blobs_verify(const char *cache_dir, const char *sha256, Err *err)
{
    char path[1200], hex[65];
    blobs_path(cache_dir, sha256, path, sizeof path);
    if (blobs_hash_file(path, hex, NULL, err)) return -1;
    if (strcmp(hex, sha256) != 0) return err_set(err, "%s: content does not match its name", path);
    return 0;
}

/* An href from a feed is only followed inside base_dir: no absolute
 * paths, no "..", no URL schemes. */
static bool safe_relative(const char *href)
{
    if (!*href || href[0] == '/' || strstr(href, "..") || strchr(href, ':')) return false;
    return true;
}

int blobs_fetch_local(Store *s, const char *cache_dir, const char *base_dir, int *fetched, Err *err)
{
    StoreBlobRef *refs;
    int n;
    *fetched = 0;
    if (store_blobs_missing(s, &refs, &n, err)) return -1;
    int failures = 0;
    for (int i = 0; i < n; i++) {
        Err e;
        if (blobs_verify(cache_dir, refs[i].sha256, &e) != 0) {
            char src[2100];
            if (!safe_relative(refs[i].href)) {
                log_warn("blobs: attachment %.12s… has no usable local href \"%s\"", refs[i].sha256, refs[i].href);
                failures++;
                continue;
            }
            snprintf(src, sizeof src, "%s/%s", base_dir, refs[i].href);
            if (blobs_put_file(cache_dir, src, refs[i].sha256, refs[i].size, &e) != 0) {
                log_warn("blobs: %s", e.msg);
                failures++;
                continue;
            }
        }
        if (store_blob_set_present(s, refs[i].sha256, true, &e) != 0) {
            free(refs);
            *err = e;
            return -1;
        }
        (*fetched)++;
    }
    free(refs);
    if (failures) log_warn("blobs: %d attachment(s) missing; the items that use them stay hidden", failures);
    return 0;
}

static bool all_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
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
        char sub[1100];
        snprintf(sub, sizeof sub, "%s/%s", cache_dir, d->d_name);
        DIR *dir = opendir(sub);
        if (!dir) continue;
        struct dirent *f;
        while ((f = readdir(dir)) != NULL) {
            char path[1400];
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            struct stat st;
            bool temporary = strncmp(f->d_name, ".tmp-", 5) == 0;
            bool blob = all_hex(f->d_name, 64);
            if (!temporary && !blob) continue;
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
            /* A temporary is what a killed process left half written. */
            bool stale = temporary || store_blob_referenced(s, f->d_name) == 0;
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
