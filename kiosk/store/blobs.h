/* blobs.h — the kiosk's image cache: which files the store needs.
 *
 * The files themselves (named by sha256, written atomically, verified)
 * are common/blobfile.h's.  This module ties them to the store: a file is
 * marked present in the store only after its hash was checked; an item
 * becomes visible only when all its images are present; files no live
 * item refers to are collected. */
#ifndef KIOSK_BLOBS_H
#define KIOSK_BLOBS_H

#include <stdint.h>

#include "blobfile.h"
#include "err.h"
#include "store.h"

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
 * deleted).  `removed` counts deleted files.  When the store cannot say
 * whether a file is in use, nothing more is deleted and it returns -1. */
int blobs_collect_garbage(Store *s, const char *cache_dir, int64_t budget_bytes, int *removed, Err *err);

#endif
