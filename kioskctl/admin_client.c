#include "admin_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVER "http://127.0.0.1:8750"

struct AdminClient {
    CURL *curl;
    char server[1024];
    char auth[512];
    char ca_file[1024];
};

typedef struct {
    char *data;
    size_t len;
} Buffer;

const char *admin_opt(int argc, char **argv, const char *name, const char *dflt)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return dflt;
}

int admin_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

static int takes_value(const char *arg, const char *const *valued)
{
    static const char *const connection[] = {"--server", "--token", "--ca-file", NULL};
    for (int i = 0; connection[i]; i++)
        if (strcmp(arg, connection[i]) == 0) return 1;
    for (int i = 0; valued && valued[i]; i++)
        if (strcmp(arg, valued[i]) == 0) return 1;
    return 0;
}

const char *admin_arg(int argc, char **argv, int n, const char *const *valued)
{
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (takes_value(argv[i], valued)) i++;
            continue;
        }
        if (n-- == 0) return argv[i];
    }
    return NULL;
}

AdminClient *admin_client_open(int argc, char **argv)
{
    const char *server = admin_opt(argc, argv, "--server", getenv("KIOSKCTL_SERVER"));
    const char *token = admin_opt(argc, argv, "--token", getenv("KIOSKCTL_TOKEN"));
    const char *ca = admin_opt(argc, argv, "--ca-file", getenv("KIOSKCTL_CA_FILE"));
    if (!token || !*token) {
        fprintf(stderr,
                "kioskctl：需要管理员令牌：--token 令牌 或环境变量 KIOSKCTL_TOKEN"
                "（在服务器上用 countyd --db 数据库 --add-admin 名字 生成，或由管理员用 kioskctl admin-add 建立）\n");
        return NULL;
    }
    AdminClient *c = calloc(1, sizeof *c);
    if (!c || !(c->curl = curl_easy_init())) {
        fprintf(stderr, "kioskctl：无法启动 libcurl\n");
        free(c);
        return NULL;
    }
    snprintf(c->server, sizeof c->server, "%s", server && *server ? server : DEFAULT_SERVER);
    size_t n = strlen(c->server);
    while (n && c->server[n - 1] == '/') c->server[--n] = '\0';
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", token);
    snprintf(c->ca_file, sizeof c->ca_file, "%s", ca ? ca : "");
    return c;
}

void admin_client_close(AdminClient *c)
{
    if (!c) return;
    curl_easy_cleanup(c->curl);
    free(c);
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *user)
{
    Buffer *b = user;
    size_t n = size * nmemb;
    char *nd = realloc(b->data, b->len + n + 1);
    if (!nd) return 0;
    b->data = nd;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* One line out of an error answer: "409 wrong_state: item ... is drafted". */
static int describe_failure(long status, const Buffer *b, Err *err)
{
    json_t *doc = b->data ? json_loads(b->data, 0, NULL) : NULL;
    json_t *e = json_object_get(doc, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (code && msg) err_set(err, "服务器答复 %ld %s：%s", status, code, msg);
    else err_set(err, "服务器答复 HTTP %ld，没有说明原因", status);
    json_decref(doc);
    return -1;
}

/* One request; the answer parsed as JSON into *answer, or its bytes kept
 * in *bytes (malloc'd) and *nbytes (either may be NULL). */
static int perform(AdminClient *c, const char *method, const char *path, const char *type, const void *data, size_t len,
                   json_t **answer, char **bytes, size_t *nbytes, Err *err)
{
    char url[2048], content_type[128];
    snprintf(url, sizeof url, "%s%s", c->server, path);
    snprintf(content_type, sizeof content_type, "Content-Type: %s", type);
    struct curl_slist *headers = curl_slist_append(NULL, c->auth);
    headers = curl_slist_append(headers, content_type);
    headers = curl_slist_append(headers, "Expect:");
    Buffer b = {0};
    CURL *h = c->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kioskctl/1");
    if (c->ca_file[0]) curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (data) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    int result = 0;
    if (rc != CURLE_OK) result = err_set(err, "%s: %s", c->server, curl_easy_strerror(rc));
    else if (status < 200 || status > 299) result = describe_failure(status, &b, err);
    else if (answer) {
        json_error_t je;
        *answer = json_loads(b.data ? b.data : "", 0, &je);
        if (!*answer) result = err_set(err, "服务器的答复不是 JSON：%s", je.text);
    } else if (bytes) {
        *bytes = b.data;
        *nbytes = b.len;
        b.data = NULL;
    }
    free(b.data);
    return result;
}

int admin_call(AdminClient *c, const char *method, const char *path, json_t *body, json_t **answer, Err *err)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (body && !text) return err_set(err, "out of memory");
    int rc = perform(c, method, path, "application/json", text ? text : (strcmp(method, "GET") ? "" : NULL),
                     text ? strlen(text) : 0, answer, NULL, NULL, err);
    free(text);
    return rc;
}

int admin_put_bytes(AdminClient *c, const char *path, const char *type, const void *data, size_t len, Err *err)
{
    return perform(c, "PUT", path, type, data, len, NULL, NULL, NULL, err);
}

int admin_get_bytes(AdminClient *c, const char *path, char **data, size_t *len, Err *err)
{
    *data = NULL;
    *len = 0;
    return perform(c, "GET", path, "application/octet-stream", NULL, 0, NULL, data, len, err);
}

char *admin_escape(AdminClient *c, const char *text)
{
    char *e = curl_easy_escape(c->curl, text, 0);
    char *copy = e ? strdup(e) : NULL;
    curl_free(e);
    return copy;
}

int admin_usage(const char *usage)
{
    fprintf(stderr, "用法：kioskctl %s\n" CONNECTION_HELP, usage);
    return 2;
}

AdminClient *admin_get(int argc, char **argv, const char *path, json_t **answer)
{
    AdminClient *c = admin_client_open(argc, argv);
    Err err;
    if (c && admin_call(c, "GET", path, NULL, answer, &err)) {
        admin_failed(c, &err);
        return NULL;
    }
    return c;
}

int admin_failed(AdminClient *c, const Err *err)
{
    fprintf(stderr, "kioskctl：%s\n", err->msg);
    admin_client_close(c);
    return 1;
}

const char *admin_text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

const char *admin_kind_label(const char *kind)
{
    static const char *const names[][2] = {
        {"rating", "满意度"}, {"comment", "意见建议"}, {"request", "依申请公开"}, {"report", "举报"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], kind) == 0) return names[i][1];
    return kind;
}
