#include "screens.h"

#include <stdio.h>
#include <time.h>

void screens_register_builtin(App *app)
{
    app_register(app, &screen_home);
    app_register(app, &screen_category);
    app_register(app, &screen_reader);
    app_register(app, &screen_image);
    app_register(app, &screen_table);
    app_register(app, &screen_pdf);
    app_register(app, &screen_attract);
    app_register(app, &screen_sleep);
}

void screens_format_date(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    snprintf(buf, size, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

TextLang screens_text_lang(Lang lang) { return lang == LANG_HANT ? TEXT_LANG_HANT : TEXT_LANG_HANS; }
