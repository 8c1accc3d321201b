#include "catalog_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words with a fixed meaning: the rule key and its value. */
static const struct {
    const char *word, *key, *value;
} words[] = {
    {"社会", "scope", "public"},      {"社會", "scope", "public"},        {"党内", "scope", "internal"},
    {"黨內", "scope", "internal"},    {"固定", "timing", "fixed"},        {"长期", "timing", "fixed"},
    {"定期", "timing", "periodic"},   {"随时", "timing", "anytime"},      {"隨時", "timing", "anytime"},
    {"即时", "timing", "anytime"},    {"每月", "cadence", "monthly"},     {"月度", "cadence", "monthly"},
    {"按月", "cadence", "monthly"},   {"每季度", "cadence", "quarterly"}, {"季度", "cadence", "quarterly"},
    {"每季", "cadence", "quarterly"}, {"按季", "cadence", "quarterly"},
};

static int set_once(json_t *rules, const char *key, json_t *value, const char *word, Err *err)
{
    json_t *had = json_object_get(rules, key);
    if (had && !json_equal(had, value)) {
        json_decref(value);
        return err_set(err, "规则“%s”与前面的同类规则矛盾", word);
    }
    json_object_set_new(rules, key, value);
    return 0;
}

/* "1-10日" (also "1～10日", "1—10日", "1至10日") -> [1, 10]. */
static int days_word(const char *w, json_t *rules, Err *err)
{
    char *end;
    long from = strtol(w, &end, 10);
    if (end == w) return 1;
    static const char *const dashes[] = {"-", "～", "—", "至", "~", NULL};
    size_t skip = 0;
    for (int i = 0; dashes[i] && !skip; i++)
        if (strncmp(end, dashes[i], strlen(dashes[i])) == 0) skip = strlen(dashes[i]);
    if (!skip) return 1;
    const char *p = end + skip;
    long to = strtol(p, &end, 10);
    if (end == p || strcmp(end, "日") != 0) return 1;
    if (from < 1 || to < from || to > 92) return err_set(err, "“%s”：公开日应为 1-31 之内、从小到大", w);
    return set_once(rules, "days", json_pack("[i,i]", (int)from, (int)to), w, err);
}

/* "公示15天" or "至少15天" -> 15. */
static int min_days_word(const char *w, json_t *rules, Err *err)
{
    const char *p = strncmp(w, "公示", 6) == 0 ? w + 6 : strncmp(w, "至少", 6) == 0 ? w + 6 : NULL;
    if (!p) return 1;
    char *end;
    long n = strtol(p, &end, 10);
    if (end == p || strcmp(end, "天") != 0) return 1;
    if (n < 1 || n > 366) return err_set(err, "“%s”：公示天数应为 1-366", w);
    return set_once(rules, "min_days", json_integer(n), w, err);
}

static int one_word(const char *w, json_t *rules, char *channels, size_t size, Err *err)
{
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(w, words[i].word) == 0) return set_once(rules, words[i].key, json_string(words[i].value), w, err);
    int rc = days_word(w, rules, err);
    if (rc <= 0) return rc;
    rc = min_days_word(w, rules, err);
    if (rc <= 0) return rc;
    size_t used = strlen(channels);
    snprintf(channels + used, size - used, "%s%s", used ? " " : "", w);
    return 0;
}

int catalog_rules_parse(const char *text, json_t **out, Err *err)
{
    static const char *const separators[] = {" ", "\t", "　", "、", ",", "，", NULL};
    json_t *rules = json_object();
    char channels[256] = "", word[128];
    const char *p = text ? text : "";
    while (*p) {
        size_t n = 0, skip = 0;
        while (p[n]) {
            for (int i = 0; separators[i] && !skip; i++)
                if (strncmp(p + n, separators[i], strlen(separators[i])) == 0) skip = strlen(separators[i]);
            if (skip) break;
            n++;
        }
        if (n >= sizeof word) {
            json_decref(rules);
            return err_set(err, "规则里的一个词太长：%.40s…", p);
        }
        if (n) {
            memcpy(word, p, n);
            word[n] = '\0';
            if (one_word(word, rules, channels, sizeof channels, err)) {
                json_decref(rules);
                return -1;
            }
        }
        p += n + skip;
    }
    if (channels[0]) json_object_set_new(rules, "channels", json_string(channels));
    if (json_object_get(rules, "cadence") && !json_object_get(rules, "timing"))
        json_object_set_new(rules, "timing", json_string("periodic"));
    *out = rules;
    return 0;
}
