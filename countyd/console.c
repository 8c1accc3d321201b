/* console.c — the web console (管理后台, docs/CONSOLE.md): its files, its
 * log-in and log-out, password changes and resets, the cookie sessions that
 * stand in for an admin token.  The pages' lists (accounts, categories,
 * notices, statistics) are list routes of api_admin.c.
 *
 * The console is a few static files (console/ in the repository, or the
 * installed copy named by console_dir) and a small script that calls the
 * admin API under /v1/admin/ like kioskctl does; a request with the
 * session cookie is the admin's request, checked by the same handlers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "admins.h"
#include "api.h"
#include "app.h"
#include "auth.h"
#include "log.h"

/* What the browser may load: only this server (no CDN, no inline script),
 * never framed. */
#define CONSOLE_CSP                                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self';"         \
    " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static const struct {
    const char *ext, *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return NULL;
    for (size_t i = 0; i < sizeof content_types / sizeof content_types[0]; i++)
        if (strcmp(dot, content_types[i].ext) == 0) return content_types[i].type;
    return NULL;
}

/* A console file name: one path segment of [a-z0-9._-], not starting with
 * a dot, so nothing outside console_dir can be named. */
static int valid_file_name(const char *name)
{
    if (!name[0] || name[0] == '.' || strlen(name) > 100) return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')) return 0;
    return 1;
}

static void security_headers(Request *r)
{
    http_add_header(r, "Content-Security-Policy", CONSOLE_CSP);
    http_add_header(r, "X-Content-Type-Options", "nosniff");
    http_add_header(r, "Referrer-Policy", "no-referrer");
    http_add_header(r, "X-Frame-Options", "DENY");
}

void console_redirect(Request *r)
{
    http_add_header(r, "Location", "/console/");
    http_reply_empty(r, 302);
}

/* The files change only with a new release, and every one is revalidated
 * (no-cache + an ETag of size and time), so an upgrade is seen at once and
 * an unchanged file costs a 304. */
void console_static(Request *r)
{
    App *app = r->app;
    const char *name = r->params[0] ? r->params[0] : "index.html";
    const char *type = content_type_of(name);
    if (!valid_file_name(name) || !type) return http_reply_error(r, 404, "not_found", "no such console file");
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", app->console_dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        if (errno != ENOENT) log_warn("console: %s: %s", path, strerror(errno));
        return http_reply_error(r, 404, "not_found", "no such console file");
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size, (unsigned long long)st.st_mtime);
    http_add_header(r, "ETag", etag);
    http_add_header(r, "Cache-Control", "no-cache");
    security_headers(r);
    const char *inm = http_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        return http_reply_empty(r, 304);
    }
    http_reply_file(r, fd, (int64_t)st.st_size, type);
}

/* ---- sessions ----------------------------------------------------------- */

static void set_cookie(Request *r, const char *value, int max_age)
{
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", SESSION_COOKIE, value,
             max_age, http_is_tls(r) ? "; Secure" : "");
    http_add_header(r, "Set-Cookie", cookie);
}

/* A password travels only over HTTPS, or over plain HTTP from this very
 * machine (the technician's first log-in, the tests). */
static int password_transport_ok(Request *r)
{
    char addr[64];
    if (http_is_tls(r) || strcmp(http_client_address(r, addr, sizeof addr), "127.0.0.1") == 0) return 1;
    http_reply_error(r, 403, "https_required", "密码只能通过 HTTPS 发送：请用 https:// 地址打开管理后台");
    return 0;
}

int console_authorize(Request *r, AuthKind kind, Session *s)
{
    Cdb *db = http_db(r);
    if (!db) return -1;
    Err err;
    int rc = session_find(db, http_cookie(r, SESSION_COOKIE), s, &err);
    if (rc < 0) {
        http_reply_internal(r, &err);
        return -1;
    }
    if (rc) {
        http_reply_error(r, 401, "unauthorized", "登录已过期，请重新登录");
        return -1;
    }
    int safe = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (!safe && !session_csrf_ok(s, http_header(r, "X-CSRF-Token"))) {
        http_reply_error(r, 403, "csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试");
        return -1;
    }
    if (kind == AUTH_ADMIN && s->must_change) {
        http_reply_error(r, 403, "password_change_required", "请先修改初始密码");
        return -1;
    }
    snprintf(r->actor, sizeof r->actor, "%s", s->admin);
    return 0;
}

static int has_route(const char *method, const char *pattern)
{
    for (size_t i = 0; i < api_route_count; i++)
        if (strcmp(api_routes[i].method, method) == 0 && strcmp(api_routes[i].pattern, pattern) == 0) return 1;
    return 0;
}

/* The session as the page needs it, with the parts of the admin API this
 * server has (so the page never asks for what is not there). */
static json_t *session_json(Request *r, const Session *s)
{
    json_t *features = json_pack("{s:b,s:b,s:b,s:b}", "admins", has_route("GET", "/v1/admin/admins"), "audit_verify",
                                 has_route("GET", "/v1/admin/audit/verify"), "overdue",
                                 has_route("GET", "/v1/admin/overdue"), "cases", has_route("GET", "/v1/admin/cases"));
    char org[CDB_ID_SIZE] = "";
    Cdb *db = http_db(r);
    if (db) admin_org(db, s->admin, org, sizeof org, NULL);
    return json_pack("{s:b,s:s,s:s,s:s,s:b,s:I,s:b,s:o}", "logged_in", 1, "admin", s->admin, "org", org, "csrf",
                     s->csrf, "must_change", s->must_change, "expires_in", (json_int_t)(s->expires_at - time(NULL)),
                     "https", http_is_tls(r), "features", features);
}

static const char *body_text(json_t *body, const char *key)
{
    const char *v = json_string_value(json_object_get(body, key));
    return v ? v : "";
}

static void reply_account_failure(Request *r, int rc, const Err *err)
{
    switch (rc) {
    case ACCOUNT_BAD_LOGIN: return http_reply_error(r, 401, "bad_login", "%s", err->msg);
    case ACCOUNT_LOCKED: return http_reply_error(r, 429, "locked", "%s", err->msg);
    case ACCOUNT_WEAK_PASSWORD: return http_reply_error(r, 400, "weak_password", "%s", err->msg);
    case ACCOUNT_NO_ADMIN: return http_reply_error(r, 404, "not_found", "%s", err->msg);
    default: return http_reply_internal(r, err);
    }
}

void console_login(Request *r)
{
    if (!password_transport_ok(r)) return;
    json_t *body = http_body_json(r);
    if (!body) return;
    Cdb *db = http_db(r);
    if (!db) {
        json_decref(body);
        return;
    }
    Session s;
    Err err;
    int rc = account_login(db, body_text(body, "name"), body_text(body, "password"), &s, &err);
    json_decref(body);
    if (rc) return reply_account_failure(r, rc, &err);
    set_cookie(r, s.token, SESSION_MAX_SECONDS);
    http_add_header(r, "Cache-Control", "no-store");
    http_reply_json(r, 200, session_json(r, &s));
}

/* 200 either way: a page opened without a session asks here first, and a
 * 401 would read as an error in the browser's console. */
void console_session(Request *r)
{
    Session s;
    Cdb *db = http_db(r);
    if (!db) return;
    Err err;
    int rc = session_find(db, http_cookie(r, SESSION_COOKIE), &s, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (rc) return http_reply_json(r, 200, json_pack("{s:b}", "logged_in", 0));
    http_add_header(r, "Cache-Control", "no-store");
    http_reply_json(r, 200, session_json(r, &s));
}

void console_logout(Request *r)
{
    Session s;
    if (console_authorize(r, AUTH_SESSION, &s)) return;
    Err err;
    if (session_end(http_db(r), s.token, &err)) return http_reply_internal(r, &err);
    set_cookie(r, "", 0);
    http_reply_json(r, 200, json_pack("{s:b}", "ended", 1));
}

void console_password(Request *r)
{
    Session s;
    if (!password_transport_ok(r) || console_authorize(r, AUTH_SESSION, &s)) return;
    json_t *body = http_body_json(r);
    if (!body) return;
    Err err;
    int rc = account_change_password(http_db(r), &s, body_text(body, "old"), body_text(body, "new"), &err);
    json_decref(body);
    if (rc) return reply_account_failure(r, rc, &err);
    s.must_change = false;
    http_reply_json(r, 200, session_json(r, &s));
}

/* A new first password for another admin, shown once to the one who set
 * it; the admin must change it at the next log-in. */
void console_account_reset(Request *r)
{
    Cdb *db;
    Actor who;
    char org[CDB_ID_SIZE];
    Err err;
    if (!password_transport_ok(r) || api_actor(r, &db, &who)) return;
    int found = admin_org(db, r->params[0], org, sizeof org, &err);
    if (found < 0) return http_reply_internal(r, &err);
    if (found) return http_reply_error(r, 404, "not_found", "没有管理员 %s", r->params[0]);
    if (api_allowed(r, db, &who, AUTHZ_MANAGE, org)) return;
    char password[32];
    int rc = account_initial_password(db, r->actor, r->params[0], password, sizeof password, &err);
    if (rc) return reply_account_failure(r, rc, &err);
    http_add_header(r, "Cache-Control", "no-store");
    http_reply_json(r, 200, json_pack("{s:s,s:s}", "admin", r->params[0], "password", password));
}
