/* preview.c — 预览: an item as the kiosk will show it, drawn by the kiosk.
 *
 * Instead of imitating the kiosk's layout in HTML, countyd runs the kiosk
 * program itself (`kiosk --headless`, docs/HEADLESS.md) on a one-item
 * feed, in landscape and in portrait, and serves the PNG of every page of
 * the reader.  Each run is a child process with its own scratch folder,
 * database and image cache, stopped when it takes longer than
 * preview_timeout_s.  A first run per orientation photographs page 1 and
 * finds the number of pages (from the reader's pager in the dump); a
 * second one, only when there are more, photographs each page.  Previews
 * are kept for an hour.
 *
 * Routes: POST /v1/admin/preview (a feed item, as PUT /v1/admin/items
 * takes it) and GET /v1/admin/previews/ID/ORIENTATION-pN.png. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "blobfile.h"
#include "bytes.h"
#include "content.h"
#include "log.h"
#include "monoclock.h"
#include "path.h"
#include "wire.h"

#define PREVIEW_MAX_PAGES 20
#define PREVIEW_KEEP_SECONDS 3600
#define PREVIEW_CATEGORY "preview"

static const struct {
    const char *name, *size;
} orientations[] = {{"landscape", "1920x1080"}, {"portrait", "1080x1920"}};
#define ORIENTATIONS 2

static int previews_root(const App *app, char *buf, size_t size, Err *err)
{
    char copy[PATH_MAX];
    if (path_format(copy, sizeof copy, err, "%s", app->db_path)) return -1;
    if (path_join(buf, size, dirname(copy), "countyd-previews", err)) return -1;
    return blobs_mkdirs(buf, err);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char sub[PATH_MAX];
        /* A name too long to join is skipped, never cut into another's. */
        if (path_join(sub, sizeof sub, path, e->d_name, NULL)) continue;
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(sub);
        else unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

static void remove_old_previews(const char *root)
{
    DIR *d = opendir(root);
    if (!d) return;
    struct dirent *e;
    time_t now = time(NULL);
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "p-", 2) != 0) continue;
        char path[PATH_MAX];
        if (path_join(path, sizeof path, root, e->d_name, NULL)) continue;
        struct stat st;
        if (stat(path, &st) == 0 && now - st.st_mtime > PREVIEW_KEEP_SECONDS) remove_tree(path);
    }
    closedir(d);
}

static int write_text(const char *path, const char *text, Err *err)
{
    FILE *f = fopen(path, "w");
    if (!f) return err_set(err, "%s: %s", path, strerror(errno));
    int bad = fputs(text, f) < 0;
    if (fclose(f) != 0 || bad) return err_set(err, "%s: cannot write", path);
    return 0;
}

/* The kiosk.conf of a preview: the configured one with the store, the
 * image cache and the window replaced. */
static int write_config(const App *app, const char *dir, const char *orientation, Err *err)
{
    char *base;
    size_t len;
    if (bytes_read_file(app->preview_config, 1 << 20, &base, &len, err)) return err_prefix(err, "preview_config: ");
    char out_path[PATH_MAX], rime[PATH_MAX];
    if (path_join(rime, sizeof rime, dir, "../rime", err) ||
        path_format(out_path, sizeof out_path, err, "%s/%s.conf", dir, orientation)) {
        free(base);
        return -1;
    }
    FILE *f = fopen(out_path, "w");
    if (!f) {
        free(base);
        return err_set(err, "%s: %s", out_path, strerror(errno));
    }
    char *rest = base;
    for (char *line = strsep(&rest, "\n"); line; line = strsep(&rest, "\n")) {
        if (strncmp(line, "database", 8) == 0) fprintf(f, "database = %s/%s.db\n", dir, orientation);
        else if (strncmp(line, "cache_dir", 9) == 0) fprintf(f, "cache_dir = %s/cache-%s\n", dir, orientation);
        else if (strncmp(line, "rime_user_dir", 13) == 0) fprintf(f, "rime_user_dir = %s\n", rime);
        else if (strncmp(line, "fullscreen", 10) == 0) fprintf(f, "fullscreen = false\n");
        else fprintf(f, "%s\n", line);
    }
    free(base);
    if (fclose(f) != 0) return err_set(err, "%s: cannot write", out_path);
    return 0;
}

/* The one-item feed: the item under a first-level category named as its
 * own, inside its window now and public (a 党内 item is previewed as the
 * kiosk would draw it, although no kiosk will receive it), its images
 * linked from the server's store. */
static int write_feed(Cdb *db, const App *app, const char *dir, json_t *item, Err *err)
{
    char category[512] = "预览", name[512] = "";
    const char *cat_id = json_string_value(json_object_get(item, "category"));
    if (cat_id &&
        cdb_text(db, name, sizeof name, NULL, "SELECT json_extract(doc, '$.name') FROM categories WHERE id = ?", "s",
                 cat_id) == 0 &&
        name[0])
        snprintf(category, sizeof category, "%s", name);
    time_t yesterday = time(NULL) - 86400;
    char published[40];
    strftime(published, sizeof published, "%Y-%m-%dT%H:%M:%SZ", gmtime(&yesterday));
    json_t *copy = json_deep_copy(item);
    if (!json_is_string(json_object_get(copy, "id"))) json_object_set_new(copy, "id", json_string("preview-item"));
    json_object_set_new(copy, "category", json_string(PREVIEW_CATEGORY));
    json_object_set_new(copy, "scope", json_string("public"));
    json_object_set_new(copy, "published_at", json_string(published));
    json_object_del(copy, "expires_at");
    char blob_root[PATH_MAX];
    if (!realpath(app->blob_dir, blob_root)) snprintf(blob_root, sizeof blob_root, "%s", app->blob_dir);
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get(copy, "attachments"), i, a) {
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        char type[32], src[PATH_MAX], link[PATH_MAX];
        int64_t size;
        if (!proto_sha256_valid(sha) || content_blob_info(db, sha, type, sizeof type, &size, NULL)) {
            json_decref(copy);
            return err_set(err, "attachments[%zu]: the server has no such image; upload it first", i);
        }
        if (blobs_path(blob_root, sha, src, sizeof src, err) || path_join(link, sizeof link, dir, sha, err)) {
            json_decref(copy);
            return -1;
        }
        if (symlink(src, link) != 0 && errno != EEXIST) {
            json_decref(copy);
            return err_set(err, "%s: %s", link, strerror(errno));
        }
        json_object_set_new(a, "href", json_string(sha));
    }
    json_t *feed = json_pack("{s:s,s:i,s:s,s:i,s:{s:[{s:s,s:s}]},s:{s:[o]}}", "format", "dangwu-feed", "version", 1,
                             "kind", "snapshot", "revision", 1, "categories", "upsert", "id", PREVIEW_CATEGORY, "name",
                             category, "items", "upsert", copy);
    char path[PATH_MAX];
    if (path_join(path, sizeof path, dir, "feed.json", err)) {
        json_decref(feed);
        return -1;
    }
    int rc = json_dump_file(feed, path, JSON_COMPACT) == 0 ? 0 : err_set(err, "%s: cannot write", path);
    json_decref(feed);
    return rc;
}

/* The headless script: open the item from home, then either photograph
 * and dump its first page (pages == 0) or photograph pages 1..pages.
 * Each page waits for its PDF pages (wait-pdf: the kiosk renders them on
 * a worker thread; an item without a PDF does not wait), so that the
 * preview shows them, and the first dump counts a PDF's real pages. */
static int write_script(const char *dir, const char *orientation, int pages, Err *err)
{
    char text[4096], path[PATH_MAX];
    int n = snprintf(text, sizeof text, "import %s/feed.json\ntap-first cat:\ntap-first item:\nexpect-screen reader\n",
                     dir);
    if (pages == 0) n += snprintf(text + n, sizeof text - (size_t)n, "wait-pdf\nscreenshot p1\ndump first\n");
    for (int p = 1; p <= pages; p++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%swait-pdf\nscreenshot p%d\n",
                      p > 1 ? "tap-text pager.next\n" : "", p);
    if (path_format(path, sizeof path, err, "%s/%s-%d.txt", dir, orientation, pages)) return -1;
    return write_text(path, text, err);
}

extern char **environ;

/* Everything is prepared before fork(): countyd has many threads, so the
 * child may only call async-signal-safe functions until execve(). */
static pid_t start_kiosk(const App *app, const char *dir, int o, int pages)
{
    char conf[PATH_MAX], script[PATH_MAX], shots[PATH_MAX], log_path[PATH_MAX], db[PATH_MAX], workdir[PATH_MAX];
    const char *name = orientations[o].name;
    if (path_format(conf, sizeof conf, NULL, "%s/%s.conf", dir, name) ||
        path_format(script, sizeof script, NULL, "%s/%s-%d.txt", dir, name, pages) ||
        path_join(shots, sizeof shots, dir, name, NULL) ||
        path_format(log_path, sizeof log_path, NULL, "%s/%s-%d.log", dir, name, pages) ||
        path_format(db, sizeof db, NULL, "%s/%s-%d.db", dir, name, pages) ||
        path_format(workdir, sizeof workdir, NULL, "%s", app->preview_config)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char *folder = dirname(workdir);
    char orientation_flag[32];
    snprintf(orientation_flag, sizeof orientation_flag, "--%s", orientations[o].name);
    const char *argv[] = {app->preview_kiosk,
                          "--config",
                          conf,
                          "--db",
                          db,
                          "--headless",
                          script,
                          "--shots",
                          shots,
                          "--windowed",
                          "--size",
                          orientations[o].size,
                          orientation_flag,
                          "--log-level",
                          "warn",
                          NULL};
    size_t n = 0;
    while (environ[n]) n++;
    const char **envp = calloc(n + 4, sizeof *envp);
    if (!envp) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "SDL_", 4) != 0) envp[k++] = environ[i];
    envp[k++] = "SDL_VIDEODRIVER=dummy";
    envp[k++] = "SDL_AUDIODRIVER=dummy";
    envp[k++] = "SDL_RENDER_DRIVER=software";
    envp[k] = NULL;
    sigset_t none;
    sigemptyset(&none);
    pid_t pid = fork();
    if (pid != 0) {
        free(envp);
        return pid;
    }
    /* The child: its own process group (so a timeout stops all of it), no
     * blocked signals, the kiosk's folder as working folder (its relative
     * font paths), its output to a log the server reads on failure. */
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    if (chdir(folder) != 0) _exit(126);
    execve(app->preview_kiosk, (char *const *)argv, (char *const *)envp);
    static const char msg[] = "cannot start the preview kiosk program (preview_kiosk)\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(127);
    _exit(127);
}

/* The last line of a run's log: the kiosk's own words for what failed. */
static void last_log_line(const char *dir, int o, int pages, char *buf, size_t size)
{
    char path[PATH_MAX], *text;
    size_t len;
    Err ignored;
    snprintf(buf, size, "no message");
    if (path_format(path, sizeof path, NULL, "%s/%s-%d.log", dir, orientations[o].name, pages)) return;
    if (bytes_read_file(path, 1 << 20, &text, &len, &ignored)) return;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) text[--len] = '\0';
    char *line = strrchr(text, '\n');
    line = line ? line + 1 : text;
    /* The kiosk names the scratch files; the admin needs only what is wrong. */
    char *what = strstr(line, "feed.json: ");
    while (what && strstr(what + 1, "feed.json: ")) what = strstr(what + 1, "feed.json: ");
    snprintf(buf, size, "%s", what ? what + strlen("feed.json: ") : line);
    free(text);
}

/* Runs both orientations at once (pages[o] as in write_script; -1 = not
 * this orientation) and waits for them, stopping both at the deadline. */
static int run_both(const App *app, const char *dir, const int pages[ORIENTATIONS], Err *err)
{
    pid_t pids[ORIENTATIONS] = {0};
    for (int o = 0; o < ORIENTATIONS; o++) {
        if (pages[o] < 0) continue;
        if (write_script(dir, orientations[o].name, pages[o], err)) return -1;
        if ((pids[o] = start_kiosk(app, dir, o, pages[o])) < 0)
            return err_set(err, "cannot start the preview kiosk: %s", strerror(errno));
    }
    double deadline = monoclock_ms() + app->preview_timeout_s * 1000.0;
    int status[ORIENTATIONS] = {0}, left = 0;
    for (int o = 0; o < ORIENTATIONS; o++) left += pids[o] > 0;
    while (left > 0) {
        for (int o = 0; o < ORIENTATIONS; o++) {
            if (pids[o] <= 0) continue;
            if (waitpid(pids[o], &status[o], WNOHANG) == pids[o]) {
                pids[o] = 0;
                left--;
            }
        }
        if (left && monoclock_ms() > deadline) {
            for (int o = 0; o < ORIENTATIONS; o++)
                if (pids[o] > 0) {
                    kill(-pids[o], SIGKILL);
                    waitpid(pids[o], NULL, 0);
                }
            return err_set(err, "预览超过 %d 秒仍未完成，已停止", app->preview_timeout_s);
        }
        if (left) usleep(20 * 1000);
    }
    for (int o = 0; o < ORIENTATIONS; o++) {
        if (pages[o] < 0 || (WIFEXITED(status[o]) && WEXITSTATUS(status[o]) == 0)) continue;
        char line[400];
        last_log_line(dir, o, pages[o], line, sizeof line);
        return err_set(err, "预览（%s）失败：%s", o == 0 ? "横屏" : "竖屏", line);
    }
    return 0;
}

/* The number of pages from the dump of the first page ("第 1/N 页"; an
 * item of one page has no pager). */
static int page_count(const char *dir, int o)
{
    char path[PATH_MAX];
    if (path_format(path, sizeof path, NULL, "%s/%s/first.json", dir, orientations[o].name)) return 1;
    json_t *dump = json_load_file(path, 0, NULL);
    int pages = 1;
    size_t i;
    json_t *w;
    json_array_foreach (json_object_get(dump, "widgets"), i, w) {
        const char *kind = json_string_value(json_object_get(w, "kind"));
        const char *text = json_string_value(json_object_get(w, "text"));
        int page, count;
        if (kind && text && strcmp(kind, "pager") == 0 && sscanf(text, "第 %d/%d 页", &page, &count) == 2)
            pages = count;
    }
    json_decref(dump);
    return pages < 1 ? 1 : pages > PREVIEW_MAX_PAGES ? PREVIEW_MAX_PAGES : pages;
}

static int render(const App *app, Cdb *db, json_t *item, char *id, size_t id_size, json_t **out, Err *err)
{
    char root[PATH_MAX], dir[PATH_MAX];
    if (previews_root(app, root, sizeof root, err)) return -1;
    remove_old_previews(root);
    if (path_join(dir, sizeof dir, root, "p-XXXXXX", err)) return -1;
    if (!mkdtemp(dir)) return err_set(err, "%s: %s", dir, strerror(errno));
    snprintf(id, id_size, "%s", strrchr(dir, '/') + 3);
    int pages[ORIENTATIONS] = {0, 0};
    if (write_feed(db, app, dir, item, err)) return err_mark(err, ERR_BAD_REQUEST);
    for (int o = 0; o < ORIENTATIONS; o++)
        if (write_config(app, dir, orientations[o].name, err)) return -1;
    if (run_both(app, dir, pages, err)) return err_mark(err, ERR_BAD_REQUEST);
    /* The first run photographed page 1; a second is needed only for
     * orientations with more pages. */
    int more[ORIENTATIONS];
    for (int o = 0; o < ORIENTATIONS; o++) {
        pages[o] = page_count(dir, o);
        more[o] = pages[o] > 1 ? pages[o] : -1;
    }
    if ((more[0] > 0 || more[1] > 0) && run_both(app, dir, more, err)) return err_mark(err, ERR_BAD_REQUEST);
    *out = json_object();
    for (int o = 0; o < ORIENTATIONS; o++) {
        json_t *list = json_array();
        for (int p = 1; p <= pages[o]; p++) {
            char url[256];
            snprintf(url, sizeof url, "/v1/admin/previews/%s/%s-p%d.png", id, orientations[o].name, p);
            json_array_append_new(list, json_string(url));
        }
        json_object_set_new(*out, orientations[o].name, list);
    }
    return 0;
}

void api_admin_preview(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    json_t *item = http_body_json(r);
    if (!item) return;
    char id[16];
    json_t *pages = NULL;
    Err err;
    double started = monoclock_ms();
    int rc = render(r->app, db, item, id, sizeof id, &pages, &err);
    json_decref(item);
    if (rc) return api_reply_failure(r, &err);
    json_object_set_new(pages, "id", json_string(id));
    json_object_set_new(pages, "ms", json_integer((json_int_t)(monoclock_ms() - started)));
    http_reply_json(r, 200, pages);
}

void api_admin_preview_page(Request *r)
{
    const char *id = r->params[0], *name = r->params[1];
    char orientation[16];
    int page;
    char tail[8] = "";
    if (strlen(id) != 6 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != 6 ||
        sscanf(name, "%15[a-z]-p%d.pn%1s", orientation, &page, tail) != 3 || strcmp(tail, "g") != 0 ||
        (strcmp(orientation, "landscape") != 0 && strcmp(orientation, "portrait") != 0))
        return http_reply_error(r, 404, "not_found", "no such preview page");
    char root[PATH_MAX], path[PATH_MAX];
    Err err;
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    if (previews_root(r->app, root, sizeof root, &err)) return http_reply_internal(r, &err);
    if (path_format(path, sizeof path, &err, "%s/p-%s/%s/p%d.png", root, id, orientation, page))
        return http_reply_error(r, 404, "not_found", "no such preview page");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return http_reply_error(r, 404, "not_found", "no such preview page (previews are kept for an hour)");
    }
    http_add_header(r, "Cache-Control", "private, max-age=3600");
    http_reply_file(r, fd, (int64_t)st.st_size, "image/png");
}
