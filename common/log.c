#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static LogLevel min_level = LOG_INFO;
static FILE *log_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};

void log_set_level(LogLevel level) { min_level = level; }

int log_set_file(const char *path)
{
    pthread_mutex_lock(&log_lock);
    if (log_file) fclose(log_file);
    log_file = path ? fopen(path, "a") : NULL;
    int rc = (path && !log_file) ? -1 : 0;
    pthread_mutex_unlock(&log_lock);
    return rc;
}

int log_level_parse(const char *name)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0) return i;
    return -1;
}

void log_msg(LogLevel level, const char *fmt, ...)
{
    if (level < min_level) return;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);

    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s %s %s\n", stamp, level_names[level], line);
    if (log_file) {
        fprintf(log_file, "%s %s %s\n", stamp, level_names[level], line);
        fflush(log_file);
    }
    pthread_mutex_unlock(&log_lock);
}
