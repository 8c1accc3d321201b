#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "inifile.h"
#include "log.h"

/* One row per key: the table is the single place that knows a key's
 * section, type, range and where it lives in Config. */
typedef enum {
    T_STR,
    T_INT,
    T_BOOL,
    T_ORIENT,
    T_TURN,
    T_RENDERER,
    T_LOGLEVEL,
    T_FONTLIST,
    T_REASONS,
    T_HOURS,
    T_URL
} KeyType;

typedef struct {
    const char *section, *name;
    KeyType type;
    size_t offset, size;
    int min, max;
} Key;

#define STR(sec, key, field)                                                                                           \
    {                                                                                                                  \
        sec, key, T_STR, offsetof(Config, field), sizeof(((Config *)0)->field), 0, 0                                   \
    }
#define INT(sec, key, field, lo, hi)                                                                                   \
    {                                                                                                                  \
        sec, key, T_INT, offsetof(Config, field), sizeof(int), lo, hi                                                  \
    }
#define BOOL(sec, key, field)                                                                                          \
    {                                                                                                                  \
        sec, key, T_BOOL, offsetof(Config, field), sizeof(bool), 0, 0                                                  \
    }
#define OTHER(sec, key, type, field)                                                                                   \
    {                                                                                                                  \
        sec, key, type, offsetof(Config, field), sizeof(((Config *)0)->field), 0, 0                                    \
    }

static const Key keys[] = {
    STR("unit", "name", unit_name),
    BOOL("display", "fullscreen", fullscreen),
    INT("display", "width", width, 320, 7680),
    INT("display", "height", height, 240, 7680),
    OTHER("display", "orientation", T_ORIENT, orientation),
    OTHER("display", "turn", T_TURN, turn_degrees),
    OTHER("display", "renderer", T_RENDERER, renderer),
    INT("display", "text_scale", text_scale_percent, 50, 300),
    STR("fonts", "regular", font_regular),
    STR("fonts", "bold", font_bold),
    INT("fonts", "face_index", font_face_index, 0, 64),
    INT("fonts", "face_index_hant", font_face_index_hant, 0, 64),
    OTHER("fonts", "fallback", T_FONTLIST, font_fallback),
    STR("store", "database", db_path),
    STR("store", "cache_dir", cache_dir),
    INT("store", "cache_budget_mb", cache_budget_mb, 16, 1048576),
    OTHER("sync", "server_url", T_URL, server_url),
    STR("sync", "kiosk_id", kiosk_id),
    STR("sync", "token", token),
    STR("sync", "ca_file", ca_file),
    STR("sync", "enrolment", enrolment_file),
    INT("sync", "interval", sync_interval_s, 5, 86400),
    INT("sync", "connect_timeout", connect_timeout_s, 1, 300),
    INT("screen", "idle_timeout", idle_timeout_s, 10, 3600),
    INT("screen", "attract_timeout", attract_timeout_s, 10, 86400),
    INT("screen", "ticker_speed", ticker_speed, 10, 1000),
    OTHER("screen", "screen_on", T_HOURS, screen_on),
    STR("screen", "panel_off", panel_off),
    STR("screen", "panel_on", panel_on),
    BOOL("feedback", "enabled", feedback_enabled),
    INT("feedback", "rating_levels", rating_levels, 2, 5),
    OTHER("feedback", "reasons", T_REASONS, reasons),
    INT("feedback", "rate_limit_per_hour", rate_limit_per_hour, 1, 10000),
    INT("feedback", "duplicate_window", duplicate_window_s, 0, 86400),
    INT("feedback", "ime_release_minutes", ime_release_minutes, 1, 1440),
    STR("input", "rime_data", rime_shared_dir),
    STR("input", "rime_user_dir", rime_user_dir),
    STR("input", "handwriting_model", handwriting_model),
    OTHER("log", "level", T_LOGLEVEL, log_level),
    STR("log", "file", log_file),
};

void config_defaults(Config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->unit_name, sizeof cfg->unit_name, "中共青禾镇委员会");
    cfg->fullscreen = true;
    cfg->width = 1920;
    cfg->height = 1080;
    cfg->orientation = ORIENT_LANDSCAPE;
    cfg->turn_degrees = CONFIG_TURN_AUTO;
    cfg->text_scale_percent = 100;
    snprintf(cfg->font_regular, sizeof cfg->font_regular, "fonts/NotoSansCJK-Regular.ttc");
    snprintf(cfg->font_bold, sizeof cfg->font_bold, "fonts/NotoSansCJK-Bold.ttc");
    cfg->font_face_index = 2; /* Noto Sans CJK SC inside the collection */
    cfg->font_face_index_hant = 3; /* Noto Sans CJK TC: items and categories in zh-Hant */
    /* DejaVu for Latin, Greek, Cyrillic and symbols; HanaMin B for CJK
     * Extensions B-F (rare characters of people's names); Symbola for
     * emoji; HanaMin A for compatibility ideographs and what else the
     * others lack (docs/TYPOGRAPHY.md). */
    static const char *const fallbacks[] = {"fonts/DejaVuSans.ttf", "fonts/HanaMinB.ttf", "fonts/Symbola.ttf",
                                            "fonts/HanaMinA.ttf"};
    cfg->font_fallback_count = (int)(sizeof fallbacks / sizeof fallbacks[0]);
    for (int i = 0; i < cfg->font_fallback_count; i++)
        snprintf(cfg->font_fallback[i], sizeof cfg->font_fallback[i], "%s", fallbacks[i]);
    snprintf(cfg->db_path, sizeof cfg->db_path, "var/kiosk.db");
    snprintf(cfg->cache_dir, sizeof cfg->cache_dir, "var/cache");
    cfg->cache_budget_mb = 2048;
    snprintf(cfg->server_url, sizeof cfg->server_url, "file://assets/sample");
    cfg->sync_interval_s = 300;
    cfg->connect_timeout_s = 10;
    cfg->idle_timeout_s = 90;
    cfg->attract_timeout_s = 180;
    cfg->ticker_speed = 80;
    cfg->feedback_enabled = true;
    cfg->rating_levels = 5;
    static const char *const reasons[] = {"内容及时", "内容清楚", "内容不全", "更新太慢", "看不懂", "字太小"};
    cfg->reason_count = (int)(sizeof reasons / sizeof reasons[0]);
    for (int i = 0; i < cfg->reason_count; i++) snprintf(cfg->reasons[i], sizeof cfg->reasons[i], "%s", reasons[i]);
    cfg->rate_limit_per_hour = 30;
    cfg->ime_release_minutes = 10;
    cfg->duplicate_window_s = 600;
    snprintf(cfg->rime_shared_dir, sizeof cfg->rime_shared_dir, "/usr/share/rime-data");
    snprintf(cfg->rime_user_dir, sizeof cfg->rime_user_dir, "var/rime");
    snprintf(cfg->handwriting_model, sizeof cfg->handwriting_model,
             "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model");
    cfg->log_level = LOG_INFO;
    snprintf(cfg->config_path, sizeof cfg->config_path, "kiosk.conf");
}

static int parse_int(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0') return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* "07:00-20:00": two valid times of day. */
static int valid_hours(const char *s)
{
    int h1, m1, h2, m2, n = 0;
    if (!*s) return 1;
    if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 || s[n] != '\0') return 0;
    return h1 >= 0 && h1 <= 24 && h2 >= 0 && h2 <= 24 && m1 >= 0 && m1 < 60 && m2 >= 0 && m2 < 60;
}

/* Splits "a; b; c" into fixed-size slots; returns how many, or -1 when
 * there are too many or one is too long. */
static int split_list(const char *value, char *slots, size_t slot_size, int max)
{
    int n = 0;
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == ';') p++;
        if (!*p) break;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ') len--;
        if (n == max || len >= slot_size) return -1;
        memcpy(slots + (size_t)n * slot_size, p, len);
        slots[(size_t)n * slot_size + len] = '\0';
        n++;
        p += end ? (size_t)(end - p) : strlen(p);
    }
    return n;
}

static int set_value(Config *cfg, const Key *k, const char *value, Err *err)
{
    char *field = (char *)cfg + k->offset;
    long v;
    switch (k->type) {
    case T_STR:
        if (strlen(value) >= k->size)
            return err_set(err, "value of %s is too long (at most %zu bytes)", k->name, k->size - 1);
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case T_INT:
        if (parse_int(value, &v) != 0) return err_set(err, "%s must be a whole number, not \"%s\"", k->name, value);
        if (v < k->min || v > k->max)
            return err_set(err, "%s must be between %d and %d, not %ld", k->name, k->min, k->max, v);
        *(int *)field = (int)v;
        return 0;
    case T_BOOL:
        if (parse_bool(value, (bool *)field) != 0)
            return err_set(err, "%s must be true or false, not \"%s\"", k->name, value);
        return 0;
    case T_ORIENT:
        if (strcmp(value, "landscape") == 0) cfg->orientation = ORIENT_LANDSCAPE;
        else if (strcmp(value, "portrait") == 0) cfg->orientation = ORIENT_PORTRAIT;
        else return err_set(err, "orientation must be landscape or portrait, not \"%s\"", value);
        return 0;
    case T_TURN:
        if (strcmp(value, "auto") == 0) cfg->turn_degrees = CONFIG_TURN_AUTO;
        else if (strcmp(value, "0") == 0 || strcmp(value, "90") == 0 || strcmp(value, "180") == 0 ||
                 strcmp(value, "270") == 0)
            cfg->turn_degrees = (int)strtol(value, NULL, 10);
        else return err_set(err, "turn must be auto, 0, 90, 180 or 270, not \"%s\"", value);
        return 0;
    case T_RENDERER:
        if (strcmp(value, "auto") == 0) cfg->renderer = RENDERER_AUTO;
        else if (strcmp(value, "software") == 0) cfg->renderer = RENDERER_SOFTWARE;
        else if (strcmp(value, "gpu") == 0) cfg->renderer = RENDERER_GPU;
        else return err_set(err, "renderer must be auto, software or gpu, not \"%s\"", value);
        return 0;
    case T_LOGLEVEL:
        if (log_level_parse(value) < 0)
            return err_set(err, "level must be debug, info, warn or error, not \"%s\"", value);
        cfg->log_level = log_level_parse(value);
        return 0;
    case T_FONTLIST: {
        int n = split_list(value, &cfg->font_fallback[0][0], sizeof cfg->font_fallback[0], CONFIG_MAX_FALLBACK_FONTS);
        if (n < 0) return err_set(err, "fallback takes at most %d paths separated by ';'", CONFIG_MAX_FALLBACK_FONTS);
        cfg->font_fallback_count = n;
        return 0;
    }
    case T_REASONS: {
        int n = split_list(value, &cfg->reasons[0][0], sizeof cfg->reasons[0], CONFIG_MAX_REASONS);
        if (n < 0) return err_set(err, "reasons takes at most %d short phrases separated by ';'", CONFIG_MAX_REASONS);
        cfg->reason_count = n;
        return 0;
    }
    case T_URL:
        if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0 &&
            strncmp(value, "file://", 7) != 0)
            return err_set(err, "server_url must start with https://, http:// or file://, not \"%s\"", value);
        if (strlen(value) >= k->size) return err_set(err, "server_url is too long (at most %zu bytes)", k->size - 1);
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case T_HOURS:
        if (!valid_hours(value))
            return err_set(err, "screen_on must look like 07:00-20:00 (or be empty), not \"%s\"", value);
        snprintf(cfg->screen_on, sizeof cfg->screen_on, "%s", value);
        return 0;
    }
    return err_set(err, "internal: unhandled key type");
}

static int on_ini_key(void *ctx, const char *section, const char *name, const char *value, Err *err)
{
    Config *cfg = ctx;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return set_value(cfg, &keys[i], value, err);
    if (!*section) return err_set(err, "key \"%s\" is outside any [section]", name);
    return err_set(err, "unknown key \"%s\" in [%s]", name, section);
}

int config_load_file(Config *cfg, const char *path, Err *err) { return inifile_load(path, on_ini_key, cfg, err); }

const char *config_find_path(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0) return argv[i] + 9;
    }
    return "kiosk.conf";
}

void config_print_usage(const char *argv0)
{
    printf("usage: %s [options]\n"
           "  --config FILE      read settings from FILE (default kiosk.conf)\n"
           "  --windowed         run in a window instead of full screen\n"
           "  --size WxH         window size, e.g. 1080x1920\n"
           "  --portrait         portrait layout (the window is turned if needed)\n"
           "  --landscape        landscape layout\n"
           "  --db FILE          the content database (default var/kiosk.db)\n"
           "  --server URL       the county server, or file://DIR for a folder feed\n"
           "  --headless SCRIPT  no display: run a touch script (see docs/HEADLESS.md)\n"
           "  --shots DIR        where --headless writes screenshots (default .)\n"
           "  --log-level LEVEL  debug, info, warn or error\n"
           "  --help             show this text\n",
           argv0);
}

static int copy_arg(char *dst, size_t size, const char *value, const char *opt, Err *err)
{
    if (strlen(value) >= size) return err_set(err, "%s: value too long", opt);
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

int config_apply_args(Config *cfg, int argc, char **argv, Err *err)
{
    enum {
        O_CONFIG = 256,
        O_WINDOWED,
        O_SIZE,
        O_PORTRAIT,
        O_LANDSCAPE,
        O_DB,
        O_SERVER,
        O_HEADLESS,
        O_SHOTS,
        O_LOG,
        O_HELP
    };
    static const struct option opts[] = {
        {"config", required_argument, 0, O_CONFIG}, {"windowed", no_argument, 0, O_WINDOWED},
        {"size", required_argument, 0, O_SIZE},     {"portrait", no_argument, 0, O_PORTRAIT},
        {"landscape", no_argument, 0, O_LANDSCAPE}, {"db", required_argument, 0, O_DB},
        {"server", required_argument, 0, O_SERVER}, {"headless", required_argument, 0, O_HEADLESS},
        {"shots", required_argument, 0, O_SHOTS},   {"log-level", required_argument, 0, O_LOG},
        {"help", no_argument, 0, O_HELP},           {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int c, w, h, n;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_CONFIG: break; /* already read by config_find_path */
        case O_WINDOWED: cfg->fullscreen = false; break;
        case O_SIZE:
            n = 0;
            if (sscanf(optarg, "%dx%d%n", &w, &h, &n) != 2 || optarg[n] || w < 320 || h < 240 || w > 7680 || h > 7680)
                return err_set(err, "--size must look like 1920x1080, not \"%s\"", optarg);
            cfg->width = w;
            cfg->height = h;
            break;
        case O_PORTRAIT: cfg->orientation = ORIENT_PORTRAIT; break;
        case O_LANDSCAPE: cfg->orientation = ORIENT_LANDSCAPE; break;
        case O_DB:
            if (copy_arg(cfg->db_path, sizeof cfg->db_path, optarg, "--db", err)) return -1;
            break;
        case O_SERVER:
            if (copy_arg(cfg->server_url, sizeof cfg->server_url, optarg, "--server", err)) return -1;
            break;
        case O_HEADLESS:
            cfg->headless = true;
            if (copy_arg(cfg->headless_script, sizeof cfg->headless_script, optarg, "--headless", err)) return -1;
            break;
        case O_SHOTS:
            if (copy_arg(cfg->screenshot_dir, sizeof cfg->screenshot_dir, optarg, "--shots", err)) return -1;
            break;
        case O_LOG:
            if (log_level_parse(optarg) < 0) return err_set(err, "--log-level must be debug, info, warn or error");
            cfg->log_level = log_level_parse(optarg);
            break;
        case O_HELP: config_print_usage(argv[0]); return 1;
        default:
            if (optopt) return err_set(err, "option %s needs a value (see --help)", argv[optind - 1]);
            return err_set(err, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return err_set(err, "unexpected argument \"%s\" (see --help)", argv[optind]);
    return 0;
}

/* The [sync] settings dangwu-kiosk-enrol wrote for this kiosk (its id,
 * token, server and CA), kept apart from kiosk.conf because the token is
 * a secret and kiosk.conf a packaged file anyone may read.  Not there yet
 * means not enrolled yet; there but unreadable or wrong stops start-up. */
static int load_enrolment(Config *cfg, Err *err)
{
    if (!cfg->enrolment_file[0] || access(cfg->enrolment_file, F_OK) != 0) return 0;
    return config_load_file(cfg, cfg->enrolment_file, err);
}

int config_init(Config *cfg, int argc, char **argv, Err *err)
{
    config_defaults(cfg);
    const char *path = config_find_path(argc, argv);
    if (copy_arg(cfg->config_path, sizeof cfg->config_path, path, "--config", err)) return -1;
    if (config_load_file(cfg, path, err) != 0) return -1;
    if (load_enrolment(cfg, err) != 0) return -1;
    return config_apply_args(cfg, argc, argv, err);
}
