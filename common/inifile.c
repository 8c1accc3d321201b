#include "inifile.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

/* inih reads through a fixed buffer of INI_MAX_LINE bytes (200 in
 * Debian's build): a longer line would be cut, its rest parsed as a line
 * of its own (a second key smuggled in a long value) and every line
 * number after it off by one.  So the file reaches inih through
 * read_line, which reads whole lines itself, counts them, and stops the
 * parse at a line inih cannot take whole, or that holds a NUL byte or is
 * not UTF-8 -- with that line's number. */
typedef struct {
    char *name; /* "section\nkey" */
    int line;
} Seen;

typedef struct {
    IniKeyFn on_key;
    void *ctx;
    FILE *file;
    char *buf;
    size_t cap;
    int line; /* the line inih is parsing */
    bool continuation; /* that line starts with a blank */
    Seen *seen; /* keys set so far, to refuse one set twice */
    size_t seen_count;
    Err first; /* the first fault; we report one */
    bool failed;
} Load;

static char *fail_line(Load *l, const char *msg)
{
    err_set(&l->first, "%s", msg);
    l->failed = true;
    return NULL;
}

static char *read_line(char *str, int num, void *stream)
{
    Load *l = stream;
    if (l->failed) return NULL;
    ssize_t n = getline(&l->buf, &l->cap, l->file);
    if (n < 0) return NULL;
    l->line++;
    if (strlen(l->buf) != (size_t)n) return fail_line(l, "the line holds a NUL byte");
    size_t body = (size_t)n;
    while (body > 0 && (l->buf[body - 1] == '\n' || l->buf[body - 1] == '\r')) body--;
    if (body + 2 > (size_t)num) {
        char msg[64];
        snprintf(msg, sizeof msg, "the line is too long (at most %d bytes)", num - 2);
        return fail_line(l, msg);
    }
    if (u8_check((const uint8_t *)l->buf, body))
        return fail_line(l, "the line is not valid UTF-8 (save the file as UTF-8)");
    l->continuation = body > 0 && (l->buf[0] == ' ' || l->buf[0] == '\t');
    memcpy(str, l->buf, body);
    str[body] = '\n';
    str[body + 1] = '\0';
    return str;
}

/* The line `section`/`name` was set on before, or 0; remembers this one. */
static int set_before(Load *l, const char *section, const char *name)
{
    size_t len = strlen(section) + strlen(name) + 2;
    char *key = malloc(len);
    if (!key) return 0;
    snprintf(key, len, "%s\n%s", section, name);
    for (size_t i = 0; i < l->seen_count; i++) {
        if (strcmp(l->seen[i].name, key) != 0) continue;
        free(key);
        return l->seen[i].line;
    }
    Seen *grown = realloc(l->seen, (l->seen_count + 1) * sizeof *grown);
    if (!grown) {
        free(key);
        return 0;
    }
    l->seen = grown;
    l->seen[l->seen_count++] = (Seen){key, l->line};
    return 0;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    Load *l = user;
    if (l->failed) return 0;
    l->failed = true;
    if (l->continuation)
        return err_set(&l->first, "an indented line continues \"%s\"; write the value on one line", name), 0;
    int first = set_before(l, section, name);
    if (first) return err_set(&l->first, "\"%s\" in [%s] is set twice (first on line %d)", name, section, first), 0;
    if (l->on_key(l->ctx, section, name, value, &l->first)) return 0;
    l->failed = false;
    return 1;
}

int inifile_load(const char *path, IniKeyFn on_key, void *ctx, Err *err)
{
    Load l = {.on_key = on_key, .ctx = ctx, .file = fopen(path, "r")};
    if (!l.file) return err_set(err, "%s: cannot open: %s", path, strerror(errno));
    int rc = ini_parse_stream(read_line, &l, on_ini, &l);
    bool read_failed = ferror(l.file);
    fclose(l.file);
    free(l.buf);
    for (size_t i = 0; i < l.seen_count; i++) free(l.seen[i].name);
    free(l.seen);
    if (rc == -2) return err_set(err, "%s: out of memory while reading", path);
    if (l.failed) return err_set(err, "%s:%d: %s", path, l.line, l.first.msg);
    if (read_failed) return err_set(err, "%s: cannot read: %s", path, strerror(errno));
    /* inih reports a line it cannot parse at all (no '=', no ']'). */
    if (rc > 0) return err_set(err, "%s:%d: not a \"key = value\" line or a [section] header", path, rc);
    return 0;
}
