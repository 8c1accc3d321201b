/* config.h — kiosk.conf and the command line.
 *
 * Owns the Config struct: every setting the kiosk reads, with its default.
 * The file is INI (parsed by inih); the command line overrides it.  Any
 * unknown key or invalid value is an error "kiosk.conf:LINE: ..." and the
 * program exits with status 2 (see main.c). */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdbool.h>

#include "err.h"

#define CONFIG_MAX_FALLBACK_FONTS 4
#define CONFIG_MAX_REASONS 12
#define CONFIG_TURN_AUTO -1 /* turn by 90 when the output's shape is not the orientation's */

typedef enum { ORIENT_LANDSCAPE, ORIENT_PORTRAIT } Orientation;
typedef enum { RENDERER_AUTO, RENDERER_SOFTWARE, RENDERER_GPU } RendererChoice;

typedef struct Config {
    /* [unit] */
    char unit_name[256]; /* 中共青禾镇委员会 */

    /* [display] */
    bool fullscreen;
    int width, height; /* window size when not full screen */
    Orientation orientation;
    RendererChoice renderer; /* auto: the GPU when there is a real one (kiosk/ui/renderer.h) */
    int turn_degrees; /* picture turned clockwise on the output: 0/90/180/270, or CONFIG_TURN_AUTO */
    int text_scale_percent; /* 100 = sizes designed for 1080p at 1 m */

    /* [fonts] */
    char font_regular[1024];
    char font_bold[1024];
    int font_face_index; /* face inside a .ttc collection */
    int font_face_index_hant; /* the face for Traditional text (zh-Hant) in the same collection */
    char font_fallback[CONFIG_MAX_FALLBACK_FONTS][1024];
    int font_fallback_count;

    /* [store] */
    char db_path[1024];
    char cache_dir[1024];
    int cache_budget_mb;

    /* [sync] */
    char server_url[1024];
    char kiosk_id[128];
    char token[256];
    char ca_file[1024];
    char enrolment_file[1024]; /* more [sync] settings, from dangwu-kiosk-enrol */
    int sync_interval_s;
    int connect_timeout_s;

    /* [screen] */
    int idle_timeout_s;
    int attract_timeout_s;
    int ticker_speed; /* pixels per second */
    char screen_on[16]; /* "07:00-20:00", empty = always on */
    char panel_off[200]; /* shell commands switching the panel (kiosk/ui/power.h); "" none */
    char panel_on[200];

    /* [feedback] */
    bool feedback_enabled;
    int rating_levels; /* 2..5 */
    char reasons[CONFIG_MAX_REASONS][64];
    int reason_count;
    int rate_limit_per_hour;
    int duplicate_window_s;
    int ime_release_minutes; /* input engines freed after the keyboard was closed this long */

    /* [input] the on-screen keyboard's engines (data from Debian packages) */
    char rime_shared_dir[1024]; /* schemas: /usr/share/rime-data (rime-data-luna-pinyin) */
    char rime_user_dir[1024]; /* engine data deployed there at first start: var/rime */
    char handwriting_model[1024]; /* zinnia model (tegaki-zinnia-simplified-chinese) */

    /* [log] */
    int log_level; /* LogLevel */
    char log_file[1024];

    /* command line only */
    bool headless;
    char headless_script[1024];
    char screenshot_dir[1024];
    char config_path[1024];
} Config;

/* Fills every field with its default (the values documented in kiosk.conf). */
void config_defaults(Config *cfg);

/* Reads an INI file over the current values.  On error err->msg is
 * "PATH:LINE: what is wrong". */
int config_load_file(Config *cfg, const char *path, Err *err);

/* Parses argv: --config is looked at first (by the caller, via
 * config_find_path), then the file, then the other options override it.
 * Returns 0 to run, 1 when --help was printed, -1 on a bad option. */
int config_apply_args(Config *cfg, int argc, char **argv, Err *err);

/* The --config value in argv, or "kiosk.conf". */
const char *config_find_path(int argc, char **argv);

/* Defaults, then the file, then the command line: what main() calls.
 * Returns 0 to run, 1 after --help, -1 on error (exit status 2). */
int config_init(Config *cfg, int argc, char **argv, Err *err);

void config_print_usage(const char *argv0);

#endif
