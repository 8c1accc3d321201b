/* inifile.h — the one reader of INI settings files (kiosk.conf, countyd's
 * --config), on inih.
 *
 * Owns the file's syntax and how its faults read: every "key = value" is
 * handed to the caller, who decides what it means; the first fault ends
 * the load as "PATH:LINE: what", whether it is the caller's ("ticker_speed
 * must be 20..400") or the file's: a line that is neither "key = value"
 * nor a [section] header, a line too long for inih, a NUL byte, invalid
 * UTF-8, an indented continuation line, a key set twice. */
#ifndef COMMON_INIFILE_H
#define COMMON_INIFILE_H

#include "err.h"

/* One key of the file: 0, or -1 with Err saying what is wrong with it.
 * `section` is "" for keys before any [section]. */
typedef int (*IniKeyFn)(void *ctx, const char *section, const char *key, const char *value, Err *err);

/* Reads `path`, calling on_key for each key in order.  0 when the whole
 * file was read and every key accepted; else -1 and Err. */
int inifile_load(const char *path, IniKeyFn on_key, void *ctx, Err *err);

#endif
