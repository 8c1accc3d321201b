#include "err.h"

#include <stdio.h>
#include <string.h>

void err_vset(Err *err, ErrKind kind, const char *fmt, va_list ap)
{
    if (!err) return;
    err->kind = kind;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

void err_kind_set(Err *err, ErrKind kind, const char *fmt, ...)
{
    if (!err) return;
    if (!fmt) { /* err_mark: the message is there already */
        err->kind = kind;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, kind, fmt, ap);
    va_end(ap);
}

void err_vprefix(Err *err, const char *fmt, va_list ap)
{
    if (!err) return;
    char prefix[sizeof err->msg];
    char old[sizeof err->msg];
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
}
