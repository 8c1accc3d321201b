/* Config: the shipped kiosk.conf, broken files, the command line. */
#include "testutil.h"

#include "config.h"

/* Loads `text` as a config file; returns config_load_file's result. */
static int load_text(Config *cfg, const char *text, Err *err)
{
    const char *path = test_path("kiosk.conf");
    test_write_file(path, text);
    config_defaults(cfg);
    return config_load_file(cfg, path, err);
}

/* The comments in kiosk.conf promise the defaults; hold them to it. */
static void shipped_file_states_the_defaults(void **state)
{
    (void)state;
    Config defaults, loaded;
    Err err;
    config_defaults(&defaults);
    config_defaults(&loaded);
    assert_int_equal(config_load_file(&loaded, "kiosk.conf", &err), 0);
    assert_memory_equal(&defaults, &loaded, sizeof defaults);
    assert_int_equal(loaded.reason_count, 6);
    assert_string_equal(loaded.reasons[1], "内容清楚");
    assert_string_equal(loaded.unit_name, "中共青禾镇委员会");
}

static void good_values_are_read(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    assert_int_equal(load_text(&cfg,
                               "[unit]\nname = 中共白石乡委员会\n"
                               "[display]\nfullscreen = no\norientation = portrait\nwidth=1080\nheight=1920\n"
                               "[screen]\nidle_timeout = 45\nscreen_on = 07:30-19:00\n"
                               "[feedback]\nreasons = 好;很好;非常好\n",
                               &err),
                     0);
    assert_string_equal(cfg.unit_name, "中共白石乡委员会");
    assert_false(cfg.fullscreen);
    assert_int_equal(cfg.orientation, ORIENT_PORTRAIT);
    assert_int_equal(cfg.width, 1080);
    assert_int_equal(cfg.idle_timeout_s, 45);
    assert_string_equal(cfg.screen_on, "07:30-19:00");
    assert_int_equal(cfg.reason_count, 3);
    assert_string_equal(cfg.reasons[2], "非常好");
}

/* Each bad file must fail with PATH:LINE and a message naming the problem. */
static void bad_lines_are_reported_with_their_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *words;
    } cases[] = {
        {"[display]\nwidth = 1920\ncolour = red\n", 3, "unknown key \"colour\" in [display]"},
        {"[display]\nwidth = wide\n", 2, "whole number"},
        {"[display]\nwidth = 99999\n", 2, "between 320 and 7680"},
        {"[display]\nfullscreen = maybe\n", 2, "true or false"},
        {"[display]\norientation = sideways\n", 2, "landscape or portrait"},
        {"[log]\nlevel = loud\n", 2, "debug, info, warn or error"},
        {"[screen]\nscreen_on = 7 to 8\n", 2, "07:00-20:00"},
        {"[screen]\nidle_timeout = 5\n", 2, "between 10 and 3600"},
        {"[sync]\nserver_url = ftp://county.example\n", 2, "https://, http:// or file://"},
        {"[sync]\nserver_url =\n", 2, "https://, http:// or file://"},
        {"name = x\n", 1, "outside any [section]"},
        {"[unit]\nthis line has no equals sign\n", 2, "not a \"key = value\" line"},
        {"[nosuch]\nkey = 1\n", 2, "unknown key \"key\" in [nosuch]"},
        {"[feedback]\nreasons = a;b;c;d;e;f;g;h;i;j;k;l;m\n", 2, "at most 12"},
        {"[display]\nwidth = 1920\n[display]\nheight = 12x\n", 4, "whole number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Config cfg;
        Err err = {0};
        assert_int_equal(load_text(&cfg, cases[i].text, &err), -1);
        char where[64];
        snprintf(where, sizeof where, "kiosk.conf:%d: ", cases[i].line);
        if (!strstr(err.msg, where) || !strstr(err.msg, cases[i].words))
            fail_msg("case %zu: got \"%s\", wanted \"%s\" and \"%s\"", i, err.msg, where, cases[i].words);
    }
}

/* Writes `len` bytes (NULs included) as the config file and loads it. */
static int load_bytes(Config *cfg, const char *bytes, size_t len, Err *err)
{
    const char *path = test_path("kiosk.conf");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    config_defaults(cfg);
    return config_load_file(cfg, path, err);
}

static void assert_refused_at(int rc, const Err *err, int line, const char *words)
{
    char where[64];
    snprintf(where, sizeof where, "kiosk.conf:%d: ", line);
    assert_int_equal(rc, -1);
    if (!strstr(err->msg, where) || !strstr(err->msg, words))
        fail_msg("got \"%s\", wanted \"%s\" and \"%s\"", err->msg, where, words);
}

/* Bytes a text editor would not save: invalid UTF-8 and NUL are refused
 * with their line, never passed on to the screen or the server. */
static void invalid_utf8_and_nul_are_refused(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    static const char bad_utf8[] = "[unit]\nname = \xff\xfe\n[screen]\nidle_timeout = 60\n";
    assert_refused_at(load_bytes(&cfg, bad_utf8, sizeof bad_utf8 - 1, &err), &err, 2, "UTF-8");
    static const char nul[] = "[sync]\nkiosk_id = kiosk-1\n[unit]\nname = 中共\0青禾镇\n";
    assert_refused_at(load_bytes(&cfg, nul, sizeof nul - 1, &err), &err, 4, "NUL");
}

/* inih cuts lines at 200 bytes; the rest of a long line used to be read as
 * a line of its own, so a crafted token could set a second key, and every
 * line number after it was off. */
static void long_lines_are_refused_with_their_line(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    char text[8192];
    char pad[4000];
    memset(pad, 'a', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    /* "token = " and 191 bytes fill inih's buffer: the rest was a key. */
    snprintf(text, sizeof text, "[sync]\n# a comment\ntoken = %.191sserver_url = http://evil.example\n", pad);
    assert_refused_at(load_text(&cfg, text, &err), &err, 3, "too long");
    snprintf(text, sizeof text, "[sync]\ntoken = %.*s\n[screen]\nidle_timeout = 5\n", 3000, pad + 200);
    assert_refused_at(load_text(&cfg, text, &err), &err, 2, "too long");
    /* The longest line that fits is read whole. */
    snprintf(text, sizeof text, "[sync]\ntoken = %.*s\n[screen]\nidle_timeout = 60\n", 198 - 8, pad + 200);
    assert_int_equal(load_text(&cfg, text, &err), 0);
    assert_int_equal(strlen(cfg.token), 190);
    assert_int_equal(cfg.idle_timeout_s, 60);
}

static void duplicate_keys_are_refused(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    assert_refused_at(load_text(&cfg,
                                "[screen]\nidle_timeout = 60\n\n[display]\nwidth=1080\n[screen]\n"
                                "idle_timeout = 30\n",
                                &err),
                      &err, 7, "set twice (first on line 2)");
    assert_refused_at(load_text(&cfg, "[unit]\nname = 中共青禾镇委员会\n  第二行\n", &err), &err, 3, "one line");
}

static void missing_file_is_an_error(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    config_defaults(&cfg);
    assert_int_equal(config_load_file(&cfg, "/nonexistent/kiosk.conf", &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
}

static void command_line_overrides_the_file(void **state)
{
    (void)state;
    const char *path = test_path("cli.conf");
    test_write_file(path, "[store]\ndatabase = from-file.db\n[display]\nfullscreen = true\n");
    char *argv[] = {"kiosk",     "--config",   (char *)path, "--windowed",  "--size",
                    "1080x1920", "--portrait", "--db",       "from-cli.db", NULL};
    Config cfg;
    Err err;
    assert_int_equal(config_init(&cfg, 9, argv, &err), 0);
    assert_false(cfg.fullscreen);
    assert_int_equal(cfg.width, 1080);
    assert_int_equal(cfg.height, 1920);
    assert_int_equal(cfg.orientation, ORIENT_PORTRAIT);
    assert_string_equal(cfg.db_path, "from-cli.db");
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    const char *path = test_path("empty.conf");
    test_write_file(path, "");
    char *bad_size[] = {"kiosk", "--config", (char *)path, "--size", "huge", NULL};
    char *unknown[] = {"kiosk", "--config", (char *)path, "--fly", NULL};
    char *stray[] = {"kiosk", "--config", (char *)path, "extra", NULL};
    Config cfg;
    Err err;
    assert_int_equal(config_init(&cfg, 5, bad_size, &err), -1);
    assert_non_null(strstr(err.msg, "--size"));
    assert_int_equal(config_init(&cfg, 4, unknown, &err), -1);
    assert_non_null(strstr(err.msg, "unknown option --fly"));
    assert_int_equal(config_init(&cfg, 4, stray, &err), -1);
    assert_non_null(strstr(err.msg, "unexpected argument"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_file_states_the_defaults),
        cmocka_unit_test(good_values_are_read),
        cmocka_unit_test(bad_lines_are_reported_with_their_line),
        cmocka_unit_test(invalid_utf8_and_nul_are_refused),
        cmocka_unit_test(long_lines_are_refused_with_their_line),
        cmocka_unit_test(duplicate_keys_are_refused),
        cmocka_unit_test(missing_file_is_an_error),
        cmocka_unit_test(command_line_overrides_the_file),
        cmocka_unit_test(bad_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
