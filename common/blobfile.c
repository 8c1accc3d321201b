#include "blobfile.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"

int blobs_path(const char *cache_dir, const char *sha256, char *buf, size_t size, Err *err)
{
    return path_format(buf, size, err, "%s/%.2s/%s", cache_dir, sha256, sha256);
}

int blobs_mkdirs(const char *path, Err *err)
{
    char tmp[PATH_MAX];
    if (path_format(tmp, sizeof tmp, err, "%s", path)) return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return err_set(err, "%s: cannot create: %s", tmp, strerror(errno));
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

struct BlobWriter {
    char sha256[65];
    int64_t size, got;
    int fd;
    EVP_MD_CTX *md;
    char tmp[PATH_MAX], final[PATH_MAX];
};

void blobs_writer_abort(BlobWriter *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    unlink(w->tmp);
    EVP_MD_CTX_free(w->md);
    free(w);
}

/* Writes to CACHE/ab/.tmp-<pid>-<tid>-<sha>; commit fsyncs and renames it
 * into place.  The thread id keeps two threads of one process that fetch
 * the same image at once (the sync's content and image fetchers) out of
 * each other's file. */
int blobs_writer_open(const char *cache_dir, const char *sha256, int64_t size, BlobWriter **out, Err *err)
{
    char dir[PATH_MAX];
    BlobWriter *w = calloc(1, sizeof *w);
    if (!w) return err_set(err, "out of memory");
    w->fd = -1;
    snprintf(w->sha256, sizeof w->sha256, "%s", sha256);
    w->size = size;
    if (blobs_path(cache_dir, sha256, w->final, sizeof w->final, err) ||
        path_format(dir, sizeof dir, err, "%s/%.2s", cache_dir, sha256) ||
        path_format(w->tmp, sizeof w->tmp, err, "%s/.tmp-%ld-%ld-%s", dir, (long)getpid(), (long)gettid(), sha256)) {
        free(w);
        return -1;
    }
    w->md = EVP_MD_CTX_new();
    if (!w->md || EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
        free(w);
        return err_set(err, "cannot start a sha256 digest");
    }
    if (blobs_mkdirs(dir, err)) {
        EVP_MD_CTX_free(w->md);
        free(w);
        return -1;
    }
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (w->fd < 0) {
        err_set(err, "%s: cannot create: %s", w->tmp, strerror(errno));
        blobs_writer_abort(w);
        return -1;
    }
    *out = w;
    return 0;
}

int blobs_writer_write(BlobWriter *w, const void *data, size_t n, Err *err)
{
    if (w->size > 0 && w->got + (int64_t)n > w->size)
        return err_set(err, "attachment %.12s…: more than the %lld bytes expected", w->sha256, (long long)w->size);
    EVP_DigestUpdate(w->md, data, n);
    w->got += (int64_t)n;
    const char *p = data;
    while (n > 0) {
        ssize_t wr = write(w->fd, p, n);
        if (wr < 0 && errno == EINTR) continue;
        if (wr <= 0) return err_set(err, "%s: write failed: %s", w->tmp, strerror(errno));
        p += wr;
        n -= (size_t)wr;
    }
    return 0;
}

int blobs_writer_commit(BlobWriter *w, Err *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[65];
    EVP_DigestFinal_ex(w->md, md, &mdlen);
    to_hex(md, hex);
    int rc = 0;
    if (w->size > 0 && w->got != w->size)
        rc = err_set(err, "attachment %.12s…: %lld bytes received, %lld expected", w->sha256, (long long)w->got,
                     (long long)w->size);
    else if (strcmp(hex, w->sha256) != 0)
        rc =
            err_set(err, "attachment %.12s…: content has sha256 %.12s…, so it is corrupt or truncated", w->sha256, hex);
    else if (fsync(w->fd) != 0) rc = err_set(err, "%s: cannot flush to disk: %s", w->tmp, strerror(errno));
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) != 0 && rc == 0) rc = err_set(err, "%s: cannot flush to disk: %s", w->tmp, strerror(errno));
    if (rc == 0 && rename(w->tmp, w->final) != 0)
        rc = err_set(err, "%s: cannot rename into place: %s", w->final, strerror(errno));
    blobs_writer_abort(w); /* frees; the temporary is gone (renamed or removed) */
    return rc;
}

int blobs_put_buffer(const char *cache_dir, const void *data, size_t len, const char *sha256, int64_t size, Err *err)
{
    BlobWriter *w = NULL;
    if (size > 0 && (int64_t)len != size)
        return err_set(err, "attachment %.12s…: %zu bytes received, %lld expected", sha256, len, (long long)size);
    if (blobs_writer_open(cache_dir, sha256, size, &w, err)) return -1;
    if (blobs_writer_write(w, data, len, err)) {
        blobs_writer_abort(w);
        return -1;
    }
    return blobs_writer_commit(w, err);
}

int blobs_put_file(const char *cache_dir, const char *src, const char *sha256, int64_t size, Err *err)
{
    FILE *f = fopen(src, "rb");
    if (!f) return err_set(err, "%s: cannot open: %s", src, strerror(errno));
    BlobWriter *w = NULL;
    if (blobs_writer_open(cache_dir, sha256, size, &w, err)) {
        fclose(f);
        return -1;
    }
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (blobs_writer_write(w, buf, n, err)) {
            fclose(f);
            blobs_writer_abort(w);
            return -1;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        blobs_writer_abort(w);
        return err_set(err, "%s: read error", src);
    }
    return blobs_writer_commit(w, err);
}

int blobs_verify(const char *cache_dir, const char *sha256, Err *err)
{
    char path[PATH_MAX], hex[65];
    if (blobs_path(cache_dir, sha256, path, sizeof path, err)) return -1;
    if (blobs_hash_file(path, hex, NULL, err)) return -1;
    if (strcmp(hex, sha256) != 0) return err_set(err, "%s: content does not match its name", path);
    return 0;
}
