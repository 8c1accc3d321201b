#include "err.h"

#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 0))) static int err_vset(Err *err, ErrKind kind, const char *fmt, va_list ap)
{
    if (!err) return -1;
    err->kind = kind;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return -1;
}

int err_set(Err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, ERR_FAULT, fmt, ap);
    va_end(ap);
    return -1;
}

void err_kind_set(Err *err, ErrKind kind, const char *fmt, ...)
{
    if (!err) return;
    if (!fmt) {   /* err_mark: the message is there already */
        err->kind = kind;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, kind, fmt, ap);
    va_end(ap);
}

int err_prefix(Err *err, const char *fmt, ...)
{
    if (!err) return -1;
    char prefix[sizeof err->msg];
    char old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
    return -1;
}
