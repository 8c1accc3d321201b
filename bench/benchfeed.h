/* benchfeed.h — a county-sized feed for the benchmarks that need one
 * (bench_store applies it, bench_startup starts the kiosk on it): 8 x 6 x 4
 * categories, N items of about BODY characters each (every fifth with two
 * images, every tenth internal, every 500th pinned), 50 notices and 200
 * answers, as one snapshot document; and a delta that changes some of them.
 *
 * Header-only, like benchutil.h. */
#ifndef BENCH_BENCHFEED_H
#define BENCH_BENCHFEED_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

static inline json_t *bench_feed_categories(void)
{
    json_t *cats = json_array();
    char id[64], parent[64];
    for (int a = 0; a < 8; a++) {
        snprintf(id, sizeof id, "c%d", a);
        json_array_append_new(cats, json_pack("{s:s, s:s, s:i}", "id", id, "name", "一级目录", "sort", a));
        for (int b = 0; b < 6; b++) {
            snprintf(parent, sizeof parent, "c%d", a);
            snprintf(id, sizeof id, "c%d-%d", a, b);
            json_array_append_new(cats, json_pack("{s:s, s:s, s:s}", "id", id, "parent", parent, "name", "二级目录"));
            for (int c = 0; c < 4; c++) {
                snprintf(parent, sizeof parent, "c%d-%d", a, b);
                snprintf(id, sizeof id, "c%d-%d-%d", a, b, c);
                json_array_append_new(cats,
                                      json_pack("{s:s, s:s, s:s}", "id", id, "parent", parent, "name", "三级目录"));
            }
        }
    }
    return cats;
}

/* A body of about `chars` characters in lines of one sentence. */
static inline char *bench_feed_body(int chars)
{
    static const char para[] =
        "本季度镇党委召开党委会议，研究部署基层党建、乡村振兴和为民办实事等工作，现将有关情况公开如下。";
    size_t cap = (size_t)chars * 3 + sizeof para + 1, len = 0;
    char *body = malloc(cap);
    if (!body) return NULL;
    while (len + sizeof para < (size_t)chars * 3) {
        memcpy(body + len, para, sizeof para - 1);
        len += sizeof para - 1;
        body[len++] = '\n';
    }
    body[len] = '\0';
    return body;
}

static inline json_t *bench_feed_attachments(int i)
{
    json_t *list = json_array();
    for (int k = 0; k < 2; k++) {
        char sha[65];
        /* Distinct, well-formed hashes; the files need not exist for an import. */
        snprintf(sha, sizeof sha, "%056x%08x", k, i);
        json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:s}", "sha256", sha, "type", "image/jpeg", "size",
                                              200000 + i, "caption", "会议现场"));
    }
    return list;
}

static inline json_t *bench_feed_item(int i, const char *body, int64_t revision)
{
    char id[64], cat[64], day[40];
    snprintf(id, sizeof id, "item-%d", i);
    snprintf(cat, sizeof cat, "c%d-%d-%d", i % 8, (i / 8) % 6, (i / 48) % 4);
    snprintf(day, sizeof day, "2026-%02d-%02dT09:00:00+08:00", 1 + i % 10, 1 + i % 28);
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "id", id, "category", cat, "title",
                           "关于二〇二六年第三季度党费收缴使用情况的公示", "body", body, "published_at", day, "period",
                           "periodic", "scope", i % 10 == 0 ? "internal" : "public", "pinned", i % 500 == 0, "revision",
                           (json_int_t)revision);
    if (i % 5 == 0) json_object_set_new(it, "attachments", bench_feed_attachments(i));
    return it;
}

static inline char *bench_feed_dump(json_t *doc, size_t *len)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    *len = text ? strlen(text) : 0;
    json_decref(doc);
    return text;
}

static inline char *bench_build_feed(int items, int body_chars, int64_t revision, size_t *len)
{
    json_t *list = json_array(), *notices = json_array(), *answers = json_array();
    char id[64];
    char *body = bench_feed_body(body_chars);
    if (!body) return NULL;
    for (int i = 0; i < items; i++) json_array_append_new(list, bench_feed_item(i, body, i % 10 == 1 ? revision : 1));
    free(body);
    if ((int)json_array_size(list) != items) {
        json_decref(list);
        json_decref(notices);
        json_decref(answers);
        return NULL;
    }
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "notice-%d", i);
        json_array_append_new(notices,
                              json_pack("{s:s, s:s, s:b}", "id", id, "text",
                                        "镇党委将于本周五上午召开党员大会，请各支部党员准时参加。", "urgent", i == 0));
    }
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "answer-%d", i);
        json_array_append_new(answers,
                              json_pack("{s:s, s:s, s:s, s:s}", "id", id, "question", "村里的党费使用情况在哪里公开？",
                                        "answer", "已在本屏党费收缴使用栏目公开，每季度更新一次。", "answered_at",
                                        "2026-10-08T10:00:00+08:00"));
    }
    json_t *doc = json_pack("{s:s, s:i, s:s, s:I, s:{s:o}, s:{s:o}, s:{s:o}, s:{s:o}}", "format", FEED_FORMAT,
                            "version", FEED_VERSION, "kind", "snapshot", "revision", (json_int_t)revision, "categories",
                            "upsert", bench_feed_categories(), "items", "upsert", list, "notices", "upsert", notices,
                            "answers", "upsert", answers);
    return bench_feed_dump(doc, len);
}

/* A delta from `base` that changes `count` items spread over the store
 * (a new body each, at the delta's revision). */
static inline char *bench_build_delta(int items, int count, int body_chars, int64_t base, size_t *len)
{
    json_t *list = json_array();
    char *body = bench_feed_body(body_chars);
    if (!body) return NULL;
    memcpy(body, "该", strlen("该")); /* another text than the snapshot's ("本…"), of the same length */
    for (int k = 0; k < count && k < items; k++) {
        int i = (int)((long long)k * items / count) | 1; /* odd: public items, so the change is a write */
        json_array_append_new(list, bench_feed_item(i < items ? i : items - 1, body, base + 1));
    }
    free(body);
    if ((int)json_array_size(list) != (count < items ? count : items)) {
        json_decref(list);
        return NULL;
    }
    json_t *doc =
        json_pack("{s:s, s:i, s:s, s:I, s:I, s:{s:o}}", "format", FEED_FORMAT, "version", FEED_VERSION, "kind", "delta",
                  "base_revision", (json_int_t)base, "revision", (json_int_t)(base + 1), "items", "upsert", list);
    return bench_feed_dump(doc, len);
}

#endif
