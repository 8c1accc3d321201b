/* blobfile.h — files named by their sha256, for the kiosk's image cache
 * and the county server's attachment folder alike.
 *
 * Owns the layout DIR/ab/abcdef… and the writing discipline: a file is
 * written to DIR/ab/.tmp-<pid>-<tid>-<sha256>, fsync'd and renamed, so a killed
 * process or a full disk never leaves a half file under a real name, and
 * bytes are stored only after their hash was checked. */
#ifndef COMMON_BLOBFILE_H
#define COMMON_BLOBFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* CACHE/ab/abcdef… for a sha256 in hex; -1 (Err) when it does not fit
 * (a PATH_MAX buffer always fits a cache folder that exists). */
int blobs_path(const char *cache_dir, const char *sha256, char *buf, size_t size, Err *err);

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

/* Creates a folder and its parents (like mkdir -p). */
int blobs_mkdirs(const char *path, Err *err);

#endif
