/* sample_pdf — draws the sample content's PDF document and the hostile
 * PDFs the tests open.
 *
 *   build/sample_pdf sample OUT.pdf FONT.ttf     a 红头文件 of three A4 pages
 *   build/sample_pdf hostile DIR FONT.ttf        DIR/{three-pages,too-many-pages,
 *                                                huge-page,truncated,corrupt,encrypted}.pdf
 *
 * Drawn with cairo's PDF surface, the text in HanaMin (a Mincho face, the
 * 宋体 look of printed notices, from fonts-hanazono) through cairo's
 * FreeType backend, embedded as a subset as an exported notice carries
 * its fonts.  (Not Noto CJK: cairo 1.16's subset of its CID-keyed CFF
 * face loses some glyphs, 如 among them, when poppler draws it back.)  The sample is a notice of the fictional
 * 中共青禾镇委员会 with a red header (红头), a red rule, a document number,
 * the body, a table of village finances and a round red seal drawn with
 * shapes; its text is the project's own.  The creation date is fixed so
 * that `make sample` makes the same bytes (the feed names them by sha256). */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A4_W 595.0
#define A4_H 842.0
#define MARGIN 72.0
#define FIXED_DATE "2026-11-20T09:00:00+08:00"

static cairo_font_face_t *face;

static void set_font(cairo_t *cr, double size)
{
    cairo_set_font_face(cr, face);
    cairo_set_font_size(cr, size);
}

static void red(cairo_t *cr) { cairo_set_source_rgb(cr, 0.80, 0.07, 0.07); }
static void ink(cairo_t *cr) { cairo_set_source_rgb(cr, 0.1, 0.1, 0.12); }

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

static void centred(cairo_t *cr, const char *s, double y)
{
    cairo_move_to(cr, (A4_W - text_width(cr, s)) / 2, y);
    cairo_show_text(cr, s);
}

/* Length of the UTF-8 character at s. */
static int u8len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* A paragraph with a two-character indent, wrapped at the margins; a
 * closing mark may hang past the edge rather than start a line. Returns y. */
static double paragraph(cairo_t *cr, const char *text, double y, double size)
{
    const double left = MARGIN, width = A4_W - 2 * MARGIN, lead = size * 1.8;
    double x = left + 2 * size;
    set_font(cr, size);
    ink(cr);
    for (const char *p = text; *p;) {
        int n = u8len(p);
        char ch[5] = {0};
        memcpy(ch, p, (size_t)n);
        double w = text_width(cr, ch);
        bool closing = strstr("，。、；：）》”！？", ch) != NULL;
        if (x + w > left + width + 0.5 && !closing) {
            x = left;
            y += lead;
        }
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, ch);
        x += w;
        p += n;
    }
    return y + lead;
}

/* The seal: a red ring, a five-pointed star, the organisation's name
 * round the upper arc and 专用章 under the star. */
static void seal(cairo_t *cr, double cx, double cy, double r)
{
    red(cr);
    cairo_set_line_width(cr, 3.2);
    cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, cy - r * 0.30);
    for (int i = 1; i <= 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5, rr = i % 2 ? r * 0.12 : r * 0.30;
        cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
    const char *name = "中共青禾镇委员会";
    int count = 8;
    set_font(cr, r * 0.26);
    for (int i = 0, off = 0; i < count; i++) {
        int n = u8len(name + off);
        char ch[5] = {0};
        memcpy(ch, name + off, (size_t)n);
        off += n;
        double a = -M_PI / 2 + (i - (count - 1) / 2.0) * (M_PI * 1.05 / count);
        cairo_save(cr);
        cairo_translate(cr, cx + (r * 0.72) * cos(a), cy + (r * 0.72) * sin(a));
        cairo_rotate(cr, a + M_PI / 2);
        cairo_move_to(cr, -text_width(cr, ch) / 2, r * 0.09);
        cairo_show_text(cr, ch);
        cairo_restore(cr);
    }
    set_font(cr, r * 0.2);
    cairo_move_to(cr, cx - text_width(cr, "党务公开专用章") / 2, cy + r * 0.55);
    cairo_show_text(cr, "党务公开专用章");
}

static void page_number(cairo_t *cr, int n, int of)
{
    char s[32];
    snprintf(s, sizeof s, "— %d / %d —", n, of);
    set_font(cr, 10.5);
    ink(cr);
    centred(cr, s, A4_H - 40);
}

static void page_one(cairo_t *cr)
{
    /* The red header, heavy as a 小标宋 title: filled and outlined. */
    red(cr);
    set_font(cr, 36);
    const char *head = "中共青禾镇委员会文件";
    cairo_move_to(cr, (A4_W - text_width(cr, head)) / 2, 130);
    cairo_text_path(cr, head);
    cairo_set_line_width(cr, 1.2);
    cairo_fill_preserve(cr);
    cairo_stroke(cr);
    set_font(cr, 14);
    ink(cr);
    centred(cr, "青禾委〔2026〕15号", 178);
    red(cr);
    cairo_set_line_width(cr, 2.4);
    cairo_move_to(cr, MARGIN, 192);
    cairo_line_to(cr, A4_W - MARGIN, 192);
    cairo_stroke(cr);
    ink(cr);
    set_font(cr, 19);
    centred(cr, "关于公开2026年村级集体资金使用情况的通知", 240);
    double y = 290;
    set_font(cr, 13);
    cairo_move_to(cr, MARGIN, y);
    cairo_show_text(cr, "各村党组织、镇直各单位：");
    y += 13 * 1.8;
    y = paragraph(cr,
                  "为落实党务、村务、财务公开制度，接受党员群众监督，镇党委决定将各村2026年前三季度集体资金收支情况"
                  "在镇便民服务中心和各村党群服务中心的触控屏上公开。现将有关事项通知如下。",
                  y, 13);
    y = paragraph(cr,
                  "一、公开内容。各村集体经营收入、上级补助资金、村级公益事业支出和干部报酬发放情况，"
                  "以村报账员核对、村务监督委员会审核后的账目为准，金额精确到元。",
                  y, 13);
    y = paragraph(cr,
                  "二、公开时间。每季度结束后十五日内公开一次，公开期不少于三十日。"
                  "重大支出在发生后七日内单独公开。",
                  y, 13);
    paragraph(cr,
              "三、意见反馈。党员群众对公开内容有疑问的，可以在触控屏上留言，也可以拨打镇纪委监督电话，"
              "镇党委将在十个工作日内答复。",
              y, 13);
    page_number(cr, 1, 3);
}

/* Page 2: the finance table (三资) with a header row and a total. */
static void page_two(cairo_t *cr)
{
    static const char *const rows[][4] = {
        {"村名", "集体收入（元）", "公益支出（元）", "结余（元）"},
        {"青禾村", "186,420", "121,300", "65,120"},
        {"柳塘村", "142,880", "98,650", "44,230"},
        {"石桥村", "208,150", "160,420", "47,730"},
        {"东坪村", "97,300", "71,880", "25,420"},
        {"西岭村", "88,600", "60,150", "28,450"},
        {"合计", "723,350", "512,400", "210,950"},
    };
    ink(cr);
    set_font(cr, 17);
    centred(cr, "2026年前三季度各村集体资金收支情况", 110);
    const double x0 = MARGIN, col[4] = {100, 117, 117, 117}, row_h = 34, y0 = 140;
    int nrows = (int)(sizeof rows / sizeof rows[0]);
    for (int r = 0; r < nrows; r++) {
        double y = y0 + r * row_h, x = x0;
        if (r == 0 || r == nrows - 1) {
            cairo_set_source_rgb(cr, 0.96, 0.92, 0.90);
            cairo_rectangle(cr, x0, y, 451, row_h);
            cairo_fill(cr);
        }
        ink(cr);
        set_font(cr, 12.5);
        for (int c = 0; c < 4; c++) {
            double w = text_width(cr, rows[r][c]);
            cairo_move_to(cr, c == 0 ? x + 10 : x + col[c] - w - 10, y + row_h * 0.64);
            cairo_show_text(cr, rows[r][c]);
            x += col[c];
        }
    }
    cairo_set_line_width(cr, 0.8);
    for (int r = 0; r <= nrows; r++) {
        cairo_move_to(cr, x0, y0 + r * row_h);
        cairo_line_to(cr, x0 + 451, y0 + r * row_h);
    }
    for (int c = 0, x = (int)x0; c <= 4; c++) {
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y0 + nrows * row_h);
        if (c < 4) x += (int)col[c];
    }
    cairo_stroke(cr);
    paragraph(cr, "以上数据由各村报账员提供，经镇农村集体资产管理服务中心核对，村务监督委员会审核。",
              y0 + nrows * row_h + 40, 12.5);
    page_number(cr, 2, 3);
}

static void page_three(cairo_t *cr)
{
    double y = paragraph(cr,
                         "四、工作要求。各村党组织书记是公开工作第一责任人，要确保公开内容真实、完整、及时，"
                         "不得以其他材料代替财务账目。对弄虚作假、拖延公开的，镇纪委将严肃追究责任。",
                         110, 13);
    paragraph(cr, "特此通知。", y, 13);
    ink(cr);
    set_font(cr, 13);
    const char *sign = "中共青禾镇委员会", *date = "2026年11月20日";
    cairo_move_to(cr, A4_W - MARGIN - text_width(cr, sign) - 20, y + 110);
    cairo_show_text(cr, sign);
    cairo_move_to(cr, A4_W - MARGIN - text_width(cr, date) - 20, y + 136);
    cairo_show_text(cr, date);
    /* Pressed over the signature and the date, as a seal is. */
    seal(cr, A4_W - MARGIN - 20 - text_width(cr, sign) / 2, y + 118, 56);
    cairo_set_line_width(cr, 0.8);
    ink(cr);
    cairo_move_to(cr, MARGIN, A4_H - 110);
    cairo_line_to(cr, A4_W - MARGIN, A4_H - 110);
    cairo_stroke(cr);
    set_font(cr, 11);
    cairo_move_to(cr, MARGIN, A4_H - 92);
    cairo_show_text(cr, "抄送：镇纪委，各村务监督委员会。");
    page_number(cr, 3, 3);
}

static cairo_surface_t *pdf_surface(const char *path, double w, double h)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, w, h);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, FIXED_DATE);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "关于公开2026年村级集体资金使用情况的通知");
    return s;
}

static int finish(cairo_surface_t *s, cairo_t *cr, const char *path)
{
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "sample_pdf: %s: %s\n", path, cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

static int write_sample(const char *path)
{
    cairo_surface_t *s = pdf_surface(path, A4_W, A4_H);
    cairo_t *cr = cairo_create(s);
    page_one(cr);
    cairo_show_page(cr);
    page_two(cr);
    cairo_show_page(cr);
    page_three(cr);
    cairo_show_page(cr);
    return finish(s, cr, path);
}

static int write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "sample_pdf: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* A hand-written file ending "startxref\n": the xref's offset and %%EOF follow. */
static int write_with_tail(const char *path, const char *body)
{
    char doc[2048];
    const char *xref = strstr(body, "\nxref\n");
    int len = snprintf(doc, sizeof doc, "%s%d\n%%%%EOF\n", body, xref ? (int)(xref - body) + 1 : 0);
    return write_bytes(path, doc, (size_t)len);
}

/* The files the tests open, each failing one check of proto/pdf.h or
 * kiosk/ui/pdfrender.h. */
static int write_hostile(const char *dir)
{
    char path[1024], sample[1024];
    int rc = 0;
    /* One page more than a kiosk shows. */
    snprintf(path, sizeof path, "%s/too-many-pages.pdf", dir);
    cairo_surface_t *s = pdf_surface(path, 200, 200);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 201; i++) cairo_show_page(cr);
    rc |= finish(s, cr, path);
    /* A page 3 m wide. */
    snprintf(path, sizeof path, "%s/huge-page.pdf", dir);
    s = pdf_surface(path, 8500, 600);
    cr = cairo_create(s);
    cairo_rectangle(cr, 10, 10, 100, 100);
    cairo_fill(cr);
    cairo_show_page(cr);
    rc |= finish(s, cr, path);
    /* The sample whole, and cut in half as a failed copy leaves it. */
    snprintf(sample, sizeof sample, "%s/three-pages.pdf", dir);
    rc |= write_sample(sample);
    FILE *f = fopen(sample, "rb");
    static char buf[1 << 20];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    snprintf(path, sizeof path, "%s/truncated.pdf", dir);
    rc |= n ? write_bytes(path, buf, n / 2) : -1;
    /* The outline of a PDF around nothing: no catalog, no pages. */
    static const char corrupt[] = "%PDF-1.4\n1 0 obj\n<< /Garbage [ 1 2 >>\nendobj\n"
                                  "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n";
    snprintf(path, sizeof path, "%s/corrupt.pdf", dir);
    rc |= write_with_tail(path, corrupt);
    /* Locked with a password (the standard security handler). */
    static const char locked[] =
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
        "4 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -4 /O "
        "<0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef>"
        " /U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >>\nendobj\n"
        "xref\n0 5\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
        "0000000186 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff>"
        " <00112233445566778899aabbccddeeff>] >>\nstartxref\n";
    snprintf(path, sizeof path, "%s/encrypted.pdf", dir);
    rc |= write_with_tail(path, locked);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "sample") != 0 && strcmp(argv[1], "hostile") != 0)) {
        fprintf(stderr, "usage: sample_pdf sample OUT.pdf FONT.ttf | sample_pdf hostile DIR FONT.ttf\n");
        return 2;
    }
    FT_Library ft;
    FT_Face ftface;
    if (FT_Init_FreeType(&ft) || FT_New_Face(ft, argv[3], 0, &ftface)) {
        fprintf(stderr, "sample_pdf: cannot open the font %s\n", argv[3]);
        return 1;
    }
    face = cairo_ft_font_face_create_for_ft_face(ftface, 0);
    int rc = strcmp(argv[1], "sample") == 0 ? write_sample(argv[2]) : write_hostile(argv[2]);
    cairo_font_face_destroy(face);
    FT_Done_Face(ftface);
    FT_Done_FreeType(ft);
    return rc ? 1 : 0;
}
