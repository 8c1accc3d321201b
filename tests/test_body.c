/* test_body.c — plain and Markdown bodies into blocks (kiosk/text/body.c),
 * with md4c doing the Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "body.h"

static const char MD[] = "# 一、基本情况\n\n"
                         "本季度按照《**规定**》收缴党费，坚持*按月交纳*。\n"
                         "第二行接在同一段。\n\n"
                         "## （一）收缴\n\n"
                         "表：各支部收缴情况\n\n"
                         "| 支部 | 金额（元） | 备注 |\n"
                         "|:---|---:|:---:|\n"
                         "| 第一支部 | 1,200.00 | **按时** |\n"
                         "| 第二支部 | 980.50 | |\n\n"
                         "1. 慰问困难党员；\n"
                         "2. 教育培训：\n"
                         "   - 学习资料；\n"
                         "   - 场地。\n\n"
                         "[图1]\n\n"
                         "[图9]\n\n"
                         "::: 落款\n中共青禾镇委员会\n2026年10月12日\n:::\n";

static void test_markdown_blocks(void **state)
{
    (void)state;
    Body b;
    Err err = {0};
    assert_int_equal(body_parse(MD, true, 1, &b, &err), 0);
    const BodyKind kinds[] = {BODY_HEADING, BODY_PARA, BODY_HEADING, BODY_TABLE, BODY_ITEM, BODY_ITEM,
                              BODY_ITEM,    BODY_ITEM, BODY_IMAGE,   BODY_PARA,  BODY_SIGN};
    assert_int_equal(b.count, (int)(sizeof kinds / sizeof kinds[0]));
    for (int i = 0; i < b.count; i++) assert_int_equal(b.blocks[i].kind, kinds[i]);
    assert_int_equal(b.blocks[0].level, 1);
    assert_string_equal(b.blocks[0].t.text, "一、基本情况");
    assert_int_equal(b.blocks[2].level, 2);
    /* Chinese lines join without a space; emphasis spans point at their bytes. */
    const BodyText *p = &b.blocks[1].t;
    assert_string_equal(p->text, "本季度按照《规定》收缴党费，坚持按月交纳。第二行接在同一段。");
    assert_int_equal(p->span_count, 2);
    assert_memory_equal(p->text + p->spans[0].start, "规定", strlen("规定"));
    assert_int_equal(p->spans[0].end - p->spans[0].start, (int)strlen("规定"));
    assert_memory_equal(p->text + p->spans[1].start, "按月交纳", strlen("按月交纳"));
    /* The table: its caption from the paragraph above, alignments, cells. */
    const BodyTable *t = b.blocks[3].table;
    assert_string_equal(t->caption, "各支部收缴情况");
    assert_int_equal(t->cols, 3);
    assert_int_equal(t->rows, 3);
    assert_int_equal(t->align[0], CELL_LEFT);
    assert_int_equal(t->align[1], CELL_RIGHT);
    assert_int_equal(t->align[2], CELL_CENTER);
    assert_string_equal(t->cells[1].text, "金额（元）");
    assert_string_equal(t->cells[3 + 1].text, "1,200.00");
    assert_int_equal(t->cells[3 + 2].span_count, 1);
    assert_string_equal(t->cells[6 + 2].text, "");
    /* Lists: markers, nesting. */
    assert_string_equal(b.blocks[4].marker, "1.");
    assert_string_equal(b.blocks[5].marker, "2.");
    assert_int_equal(b.blocks[5].level, 1);
    assert_string_equal(b.blocks[6].marker, "◦");
    assert_int_equal(b.blocks[6].level, 2);
    /* [图1] places image 0; [图9] (no 9th image) stays text. */
    assert_int_equal(b.blocks[8].image, 0);
    assert_string_equal(b.blocks[9].t.text, "[图9]");
    /* 落款: its lines, without the fences. */
    assert_string_equal(b.blocks[10].t.text, "中共青禾镇委员会\n2026年10月12日");
    char *plain = body_plain_text(&b);
    assert_non_null(strstr(plain, "各支部收缴情况\n支部\n金额（元）\n备注\n第一支部\n"));
    free(plain);
    body_free(&b);
}

/* Plain bodies: one paragraph a line, CR LF and blank runs gone. */
static void test_plain_blocks(void **state)
{
    (void)state;
    Body b;
    Err err = {0};
    assert_int_equal(body_parse("\r\n\r\n　　第一段。\r\n   \r\n[图1]\r\n# 不是标题\r\n", false, 1, &b, &err), 0);
    assert_int_equal(b.count, 3);
    assert_int_equal(b.blocks[0].kind, BODY_PARA);
    assert_string_equal(b.blocks[0].t.text, "第一段。");
    assert_int_equal(b.blocks[1].kind, BODY_IMAGE);
    assert_int_equal(b.blocks[2].kind, BODY_PARA);
    assert_string_equal(b.blocks[2].t.text, "# 不是标题");
    body_free(&b);
}

/* Whatever the bytes, a result or a clear error, never a crash. */
static void test_hostile(void **state)
{
    (void)state;
    static const char *const inputs[] = {"",
                                         "|",
                                         "| a |\n|---|\n",
                                         "::: 落款\n:::",
                                         "*",
                                         "**a",
                                         "\xff\xfe\x00",
                                         "- - - - - - - - - - - - -",
                                         "> > > > > 引用",
                                         "```\n代码\n```",
                                         "| a | b |\n|---|---|\n| 1 | 2 | 3 | 4 |\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        Body b;
        Err err = {0};
        assert_int_equal(body_parse(inputs[i], true, 0, &b, &err), 0);
        char *plain = body_plain_text(&b);
        assert_non_null(plain);
        free(plain);
        body_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown_blocks),
        cmocka_unit_test(test_plain_blocks),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
