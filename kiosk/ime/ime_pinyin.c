#include "ime_pinyin.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <rime_api.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blobs.h"
#include "dynlib.h"
#include "log.h"
#include "path.h"

#define SCHEMA_ID "luna_pinyin_simp"
#define INPUT_MAX 60 /* letters; longer input only slows the engine */
#define KEY_BACKSPACE 0xff08 /* X11 keysym, what librime expects */

/* Written into the user folder before deploying.  librime merges
 * NAME.custom.yaml into NAME.yaml: deploy only the one schema we use (a
 * fraction of a second instead of seconds for all of Debian's), and keep
 * no user dictionary on a public machine. */
static const char DEFAULT_PATCH[] = "# Written by the kiosk (ime_pinyin.c); changes are overwritten.\n"
                                    "patch:\n"
                                    "  schema_list:\n"
                                    "    - schema: " SCHEMA_ID "\n";
static const char SCHEMA_PATCH[] = "# Written by the kiosk (ime_pinyin.c); changes are overwritten.\n"
                                   "patch:\n"
                                   "  translator/enable_user_dict: false\n";

typedef enum { DEPLOY_RUNNING, DEPLOY_DONE, DEPLOY_FAILED } DeployState;

struct ImePinyin {
    RimeApi *api;
    RimeSessionId session; /* 0 until ready */
    _Atomic int deploy; /* DeployState, set from librime's thread */
    char shared_dir[PATH_MAX];
    char user_dir[PATH_MAX];
    char preedit[512];
};

static bool engine_open; /* librime is one per process */
static bool engine_set_up; /* RimeSetup (logging) may run only once */

/* librime and its C++ dependencies (boost, glog, yaml-cpp, leveldb,
 * marisa, OpenCC, ICU) are opened when the keyboard first needs pinyin
 * (common/dynlib.h), so that a kiosk nobody writes on maps, relocates
 * and keeps none of them.  Its whole API is one table of functions from
 * rime_get_api.  Once open it stays open: glog, which it starts, cannot
 * be started twice in a process. */
static RimeApi *load_rime(Err *err)
{
    static RimeApi *api;
    if (api) return api;
    RimeApi *(*get_api)(void) = NULL;
    void *lib;
    const DynSym calls[] = {{"rime_get_api", &get_api}};
    if (dynlib_open("librime.so.1", "librime1", calls, 1, &lib, err)) return NULL;
    api = get_api();
    if (!api) err_set(err, "librime.so.1 gave no API table");
    return api;
}

static void on_rime_message(void *context, RimeSessionId session, const char *type, const char *value)
{
    ImePinyin *p = context;
    (void)session;
    if (strcmp(type, "deploy") != 0) return;
    if (strcmp(value, "success") == 0) atomic_store(&p->deploy, DEPLOY_DONE);
    else if (strcmp(value, "failure") == 0) atomic_store(&p->deploy, DEPLOY_FAILED);
}

/* Writes the file only when its content differs: librime redeploys when a
 * file in the user folder is newer than its last build. */
static int write_if_changed(const char *dir, const char *name, const char *content, Err *err)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, dir, name, err)) return -1;
    char old[512] = "";
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(old, 1, sizeof old - 1, f);
        old[n] = '\0';
        fclose(f);
        if (strcmp(old, content) == 0) return 0;
    }
    f = fopen(path, "w");
    if (!f) return err_set(err, "%s: cannot write: %s", path, strerror(errno));
    bool ok = fputs(content, f) >= 0;
    if (fclose(f) != 0 || !ok) return err_set(err, "%s: cannot write: %s", path, strerror(errno));
    return 0;
}

static int check_shared_data(const char *shared_dir, Err *err)
{
    char path[PATH_MAX];
    struct stat st;
    if (path_format(path, sizeof path, err, "%s/%s.schema.yaml", shared_dir, SCHEMA_ID)) return -1;
    if (stat(path, &st) != 0)
        return err_set(err, "%s: missing; the pinyin schema comes from the Debian package rime-data-luna-pinyin", path);
    return 0;
}

static void fill_traits(ImePinyin *p, RimeTraits *t)
{
    t->shared_data_dir = p->shared_dir;
    t->user_data_dir = p->user_dir;
    t->distribution_name = "dangwu-kiosk";
    t->distribution_code_name = "dangwu-kiosk";
    t->distribution_version = "1";
    t->app_name = "rime.dangwu-kiosk";
    t->min_log_level = 2; /* errors only */
    t->log_dir = ""; /* "" = stderr, next to our own log lines */
}

int ime_pinyin_open(const char *shared_dir, const char *user_dir, ImePinyin **out, Err *err)
{
    *out = NULL;
    if (check_shared_data(shared_dir, err)) return -1;
    if (engine_open) return err_set(err, "the pinyin engine is already open (librime allows one per process)");
    if (blobs_mkdirs(user_dir, err)) return -1;
    if (write_if_changed(user_dir, "default.custom.yaml", DEFAULT_PATCH, err)) return -1;
    if (write_if_changed(user_dir, SCHEMA_ID ".custom.yaml", SCHEMA_PATCH, err)) return -1;

    RimeApi *api = load_rime(err);
    if (!api) return -1;
    ImePinyin *p = calloc(1, sizeof *p);
    if (!p) return err_set(err, "out of memory");
    p->api = api;
    if (path_format(p->shared_dir, sizeof p->shared_dir, err, "%s", shared_dir) ||
        path_format(p->user_dir, sizeof p->user_dir, err, "%s", user_dir)) {
        free(p);
        return -1;
    }
    atomic_store(&p->deploy, DEPLOY_RUNNING);

    RIME_STRUCT(RimeTraits, traits);
    fill_traits(p, &traits);
    if (!engine_set_up) {
        p->api->setup(&traits);
        engine_set_up = true;
    }
    p->api->set_notification_handler(on_rime_message, p);
    p->api->initialize(&traits);
    engine_open = true;
    /* false means nothing changed since the last deployment: ready now. */
    if (!p->api->start_maintenance(False)) atomic_store(&p->deploy, DEPLOY_DONE);
    *out = p;
    return 0;
}

void ime_pinyin_close(ImePinyin *p)
{
    if (!p) return;
    p->api->join_maintenance_thread();
    if (p->session) p->api->destroy_session(p->session);
    p->api->set_notification_handler(NULL, NULL);
    p->api->finalize();
    engine_open = false;
    free(p);
}

static int start_session(ImePinyin *p, Err *err)
{
    p->api->join_maintenance_thread(); /* already finished; reaps the thread */
    RimeSessionId s = p->api->create_session();
    if (!s) return err_set(err, "librime could not create an input session");
    if (!p->api->select_schema(s, SCHEMA_ID)) {
        p->api->destroy_session(s);
        return err_set(err, "librime could not load the schema %s from %s", SCHEMA_ID, p->user_dir);
    }
    p->api->set_option(s, "ascii_mode", False);
    p->session = s;
    /* The deployment ran on librime's maintenance thread, in a malloc
     * arena of its own; what it freed stays in that arena's pages until
     * trimmed (5.5 MiB of the keyboard's memory, bench_memory). */
    malloc_trim(0);
    log_info("ime: pinyin ready (librime %s, schema %s)", p->api->get_version(), SCHEMA_ID);
    return 0;
}

int ime_pinyin_ready(ImePinyin *p, Err *err)
{
    if (p->session) return 1;
    int state = atomic_load(&p->deploy);
    if (state == DEPLOY_RUNNING) return 0;
    if (state == DEPLOY_FAILED)
        return err_set(err, "librime could not deploy %s into %s (see its messages in the log)", SCHEMA_ID,
                       p->user_dir);
    return start_session(p, err) == 0 ? 1 : -1;
}

int ime_pinyin_wait_ready(ImePinyin *p, Err *err)
{
    p->api->join_maintenance_thread();
    int rc = ime_pinyin_ready(p, err);
    if (rc == 0) return err_set(err, "librime's deployment ended without a result");
    return rc < 0 ? -1 : 0;
}

int ime_pinyin_type(ImePinyin *p, char c)
{
    if (!p->session) return -1;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    bool letter = c >= 'a' && c <= 'z';
    if (!letter && !(c == '\'' && ime_pinyin_composing(p))) return 1;
    const char *input = p->api->get_input(p->session);
    if (input && strlen(input) >= INPUT_MAX) return 0;
    return p->api->process_key(p->session, c, 0) ? 0 : 1;
}

bool ime_pinyin_composing(ImePinyin *p)
{
    if (!p->session) return false;
    const char *input = p->api->get_input(p->session);
    return input && *input;
}

int ime_pinyin_backspace(ImePinyin *p)
{
    if (!ime_pinyin_composing(p)) return 1;
    p->api->process_key(p->session, KEY_BACKSPACE, 0);
    return 0;
}

void ime_pinyin_clear(ImePinyin *p)
{
    if (p->session) p->api->clear_composition(p->session);
}

const char *ime_pinyin_preedit(ImePinyin *p)
{
    p->preedit[0] = '\0';
    if (!ime_pinyin_composing(p)) return p->preedit;
    RIME_STRUCT(RimeContext, ctx);
    if (p->api->get_context(p->session, &ctx)) {
        if (ctx.composition.preedit) snprintf(p->preedit, sizeof p->preedit, "%s", ctx.composition.preedit);
        p->api->free_context(&ctx);
    }
    return p->preedit;
}

int ime_pinyin_candidates(ImePinyin *p, int first, int count, ImeCandidates *out, Err *err)
{
    memset(out, 0, sizeof *out);
    if (first < 0 || count < 1 || count > IME_PAGE_MAX)
        return err_set(err, "candidates from %d, %d of them, is out of range (1..%d at a time)", first, count,
                       IME_PAGE_MAX);
    out->first = first;
    if (!ime_pinyin_composing(p)) return 0;
    RimeCandidateListIterator it = {0};
    if (!p->api->candidate_list_from_index(p->session, &it, out->first)) return 0;
    while (p->api->candidate_list_next(&it)) {
        if (out->count == count) {
            out->more = true;
            break;
        }
        snprintf(out->text[out->count++], IME_CANDIDATE_MAX, "%s", it.candidate.text ? it.candidate.text : "");
    }
    p->api->candidate_list_end(&it);
    return 0;
}

/* Takes the text librime has committed, if any. */
static int take_commit(ImePinyin *p, char *committed, size_t size)
{
    RIME_STRUCT(RimeCommit, commit);
    if (!p->api->get_commit(p->session, &commit)) return 0;
    snprintf(committed, size, "%s", commit.text ? commit.text : "");
    p->api->free_commit(&commit);
    return 1;
}

int ime_pinyin_choose(ImePinyin *p, int index, char *committed, size_t size, Err *err)
{
    if (size) committed[0] = '\0';
    if (!ime_pinyin_composing(p)) return err_set(err, "no pinyin typed, nothing to choose");
    if (index < 0 || !p->api->select_candidate(p->session, (size_t)index))
        return err_set(err, "there is no candidate %d", index);
    return take_commit(p, committed, size);
}

int ime_pinyin_commit_raw(ImePinyin *p, char *committed, size_t size)
{
    if (size) committed[0] = '\0';
    if (!ime_pinyin_composing(p)) return 0;
    snprintf(committed, size, "%s", p->api->get_input(p->session));
    p->api->clear_composition(p->session);
    return 1;
}
