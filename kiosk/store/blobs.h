/* blobs.h — the on-disk cache of attachment files (images).
 *
 * Owns the cache folder: each file is stored under its sha256
 * (CACHE/ab/abcdef…), written to a temporary name, fsync'd and renamed, so
 * a killed process or a full disk never leaves a half file under a real
 * name.  A file is marked present in the store only after its hash was
 * checked; an item becomes visible only when all its images are present. */
#ifndef KIOSK_BLOBS_H
#define KIOSK_BLOBS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* CACHE/ab/abcdef… for a sha256 in hex. */
void blobs_path(const char *cache_dir, const char *sha256, char *buf, size_t size);

/* Hash of a file (hex) and its size. */
int blobs_hash_file(const char *path, char hex[65], int64_t *size, Err *err);

/* Stores bytes under their hash after checking them against `sha256`
 * (and `size` when > 0); a mismatch stores nothing. */
int blobs_put_buffer(const char *cache_dir, const void *data, size_t len, const char *sha256, int64_t size, Err *err);
int blobs_put_file(const char *cache_dir, const char *src, const char *sha256, int64_t size, Err *err);

/* The same, for bytes that arrive in pieces (a download): they go to a
 * temporary file and into a running sha256, so memory stays small
 * whatever the size; more bytes than `size` (when > 0) are refused at
 * once.  blobs_writer_commit checks size and hash, fsyncs and renames the
 * file into place, or removes it; either way the writer is freed, as it
 * is by blobs_writer_abort. */
typedef struct BlobWriter BlobWriter;
int blobs_writer_open(const char *cache_dir, const char *sha256, int64_t size, BlobWriter **out, Err *err);
int blobs_writer_write(BlobWriter *w, const void *data, size_t n, Err *err);
int blobs_writer_commit(BlobWriter *w, Err *err);
void blobs_writer_abort(BlobWriter *w);

/* 0 when the cached file exists and has the right hash. */
int blobs_verify(const char *cache_dir, const char *sha256, Err *err);

/* For a folder feed (kioskctl import, file:// sync): every missing
 * attachment whose href is a path relative to `base_dir` is copied into
 * the cache, checked and marked present.  A file already cached and
 * intact is marked present without copying. */
int blobs_fetch_local(Store *s, const char *cache_dir, const char *base_dir, int *fetched, Err *err);
/* The same, and `failed` counts the images that could not be had (their
 * items stay hidden), for a caller that must say so. */
int blobs_fetch_local_counted(Store *s, const char *cache_dir, const char *base_dir, int *fetched, int *failed,
                              Err *err);

/* Deletes cached files no live item refers to; then, while the cache is
 * over `budget_bytes`, says so in the log (files in use are never
 * deleted).  `removed` counts deleted files. */
int blobs_collect_garbage(Store *s, const char *cache_dir, int64_t budget_bytes, int *removed, Err *err);

/* Creates a folder and its parents (like mkdir -p). */
int blobs_mkdirs(const char *path, Err *err);

#endif
