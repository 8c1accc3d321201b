#include "inifile.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <string.h>

typedef struct {
    IniKeyFn on_key;
    void *ctx;
    Err first;        /* the first fault; inih would read on, we report one */
    bool failed;
} Load;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    Load *l = user;
    if (l->failed) return 0;
    if (l->on_key(l->ctx, section, name, value, &l->first) == 0) return 1;
    l->failed = true;
    return 0;
}

int inifile_load(const char *path, IniKeyFn on_key, void *ctx, Err *err)
{
    Load l = {.on_key = on_key, .ctx = ctx};
    errno = 0;
    int line = ini_parse(path, on_ini, &l);
    if (line == -1) return err_set(err, "%s: cannot open: %s", path, errno ? strerror(errno) : "unknown error");
    if (line == -2) return err_set(err, "%s: out of memory while reading", path);
    if (line > 0 && l.failed) return err_set(err, "%s:%d: %s", path, line, l.first.msg);
    /* inih reports a line it cannot parse at all (no '=', no ']'). */
    if (line > 0) return err_set(err, "%s:%d: not a \"key = value\" line or a [section] header", path, line);
    return 0;
}
