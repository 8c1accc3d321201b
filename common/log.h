/* log.h — one line per event, to stderr (and a file when configured).
 *
 * Format: "2026-11-22 14:05:03 WARN  sync: server answered 503".
 * Thread-safe: the sync thread and the UI thread both log. */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } LogLevel;

void log_set_level(LogLevel level);
/* Also append to this file; NULL stops writing to a file. Returns -1 if
 * the file cannot be opened (logging to stderr goes on). */
int log_set_file(const char *path);
/* "debug", "info", "warn", "error" -> level; -1 for anything else. */
int log_level_parse(const char *name);

void log_msg(LogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
