/* PDF attachments: the byte rule every program applies (proto/pdf.h) on
 * the committed sample and hostile files and on crafted bytes; the
 * kiosk's full check and render with the real poppler (pdfrender.h); and
 * the worker thread: what is wanted is rendered off the caller's thread,
 * what is no longer wanted is dropped, a failure is an answer, not a
 * wait. */
#include "testutil.h"

#include <sys/stat.h>

#include "blobfile.h"
#include "bytes.h"
#include "pdf.h"
#include "pdfrender.h"
#include "wire.h"

#define DATA "tests/data/pdf/"

static char *load(const char *path, size_t *len)
{
    char *data;
    Err err;
    if (bytes_read_file(path, PDF_MAX_BYTES, &data, len, &err)) fail_msg("%s", err.msg);
    return data;
}

static PdfFault probe_file(const char *name, PdfProbe *p, Err *err)
{
    char path[256];
    snprintf(path, sizeof path, DATA "%s", name);
    size_t len;
    char *data = load(path, &len);
    int rc = pdf_probe(data, len, p, err);
    free(data);
    assert_int_equal(rc, p->fault == PDF_OK ? 0 : -1);
    return p->fault;
}

static void the_byte_rule_names_each_fault(void **state)
{
    (void)state;
    PdfProbe p;
    Err err;
    assert_int_equal(probe_file("three-pages.pdf", &p, &err), PDF_OK);
    assert_int_equal(p.pages, 3);
    assert_int_equal(p.version, 15);
    assert_int_equal(probe_file("truncated.pdf", &p, &err), PDF_CUT_SHORT);
    assert_non_null(strstr(err.msg, "截断"));
    assert_int_equal(probe_file("encrypted.pdf", &p, &err), PDF_LOCKED);
    assert_non_null(strstr(err.msg, "密码"));
    assert_int_equal(probe_file("too-many-pages.pdf", &p, &err), PDF_TOO_MANY_PAGES);
    assert_non_null(strstr(err.msg, "201 页"));
    /* These two pass the byte rule: only a parser sees what is wrong. */
    assert_int_equal(probe_file("corrupt.pdf", &p, &err), PDF_OK);
    assert_int_equal(probe_file("huge-page.pdf", &p, &err), PDF_OK);

    static const struct {
        const char *bytes;
        PdfFault fault;
    } cases[] = {
        {"", PDF_NOT_PDF},
        {"GIF89a not a pdf at all", PDF_NOT_PDF},
        {"%PDF-9.9\n%%EOF", PDF_NOT_PDF},
        {"%PDF-1.4\n1 0 obj << >> endobj\n", PDF_CUT_SHORT},
        {"%PDF-1.4\nstartxref\n999999\n%%EOF\n", PDF_BROKEN},
        {"%PDF-1.4\nstartxref\n3\n%%EOF\n", PDF_BROKEN},
        /* a cross-reference stream's dictionary naming /Encrypt */
        {"%PDF-1.7\n5 0 obj\n<< /Type /XRef /Encrypt 6 0 R /Size 7 "
         ">>\nstream\nxx\nendstream\nendobj\nstartxref\n9\n%%EOF\n",
         PDF_LOCKED},
        /* /EncryptMetadata is not /Encrypt */
        {"%PDF-1.7\n5 0 obj\n<< /Type /XRef /EncryptMetadata true >>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF\n",
         PDF_OK},
        {"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\nxref\ntrailer << >>\nstartxref\n61\n%%EOF",
         PDF_TOO_MANY_PAGES},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = pdf_probe(cases[i].bytes, strlen(cases[i].bytes), &p, &err);
        if (p.fault != cases[i].fault || rc != (cases[i].fault == PDF_OK ? 0 : -1))
            fail_msg("case %zu: fault %d, rc %d (%s)", i, p.fault, rc, rc ? err.msg : "");
    }
    assert_true(proto_attachment_type_valid(PROTO_PDF_TYPE));
    assert_false(proto_image_type_valid(PROTO_PDF_TYPE));
    assert_false(proto_attachment_type_valid("application/x-pdf"));
}

static void the_kiosk_checks_pages_before_it_renders(void **state)
{
    (void)state;
    PdfInfo *info = malloc(sizeof *info);
    PdfDoc *doc;
    Err err;
    assert_int_equal(pdf_open(DATA "three-pages.pdf", &doc, info, &err), 0);
    assert_int_equal(info->pages, 3);
    assert_true(info->w_pt[0] > 594 && info->w_pt[0] < 596 && info->h_pt[2] > 841 && info->h_pt[2] < 843);
    SDL_Surface *s = pdf_render(doc, 0, 1920, 1080, &err);
    assert_non_null(s);
    /* Fitted by height, A4's aspect kept. */
    assert_int_equal(s->h, 1080);
    assert_true(s->w >= 762 && s->w <= 765);
    /* The red header is red, the margin white. */
    Uint32 *px = s->pixels;
    int pitch = s->pitch / 4;
    Uint8 r, g, b;
    SDL_GetRGB(px[10 * pitch + 10], s->format, &r, &g, &b);
    assert_true(r == 255 && g == 255 && b == 255);
    int red = 0;
    for (int y = 120; y < 190; y++)
        for (int x = 100; x < s->w - 100; x++) {
            SDL_GetRGB(px[y * pitch + x], s->format, &r, &g, &b);
            red += r > 150 && g < 80 && b < 80;
        }
    assert_true(red > 500);
    SDL_FreeSurface(s);
    assert_null(pdf_render(doc, 3, 100, 100, &err));
    assert_null(pdf_render(doc, 0, 20000, 20000, &err));
    pdf_close(doc);

    static const struct {
        const char *file, *says;
    } hostile[] = {
        {"corrupt.pdf", "文件已损坏"},           {"truncated.pdf", "文件不完整"},      {"encrypted.pdf", "密码"},
        {"too-many-pages.pdf", "文件共 201 页"}, {"huge-page.pdf", "文件第 1 页过大"},
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, DATA "%s", hostile[i].file);
        doc = NULL;
        assert_int_equal(pdf_open(path, &doc, info, &err), -1);
        assert_null(doc);
        if (!strstr(err.msg, hostile[i].says))
            fail_msg("%s: \"%s\" lacks \"%s\"", hostile[i].file, err.msg, hostile[i].says);
    }
    assert_int_equal(pdf_open(DATA "no-such.pdf", &doc, info, &err), -1);
    free(info);
}

/* The worker reads attachments from a cache folder named by sha256. */
static void cache_file(const char *dir, const char *name, char sha[65])
{
    char src[256], dst[1200];
    snprintf(src, sizeof src, DATA "%s", name);
    size_t len;
    char *data = load(src, &len);
    int64_t size;
    Err err;
    assert_int_equal(blobs_hash_file(src, sha, &size, &err), 0);
    assert_int_equal(blobs_put_buffer(dir, data, len, sha, size, &err), 0);
    assert_int_equal(blobs_path(dir, sha, dst, sizeof dst, &err), 0);
    free(data);
}

static volatile int woken;
static void on_ready(void) { __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST); }

static void wait_idle(PdfWorker *w)
{
    for (int i = 0; i < 3000 && pdf_worker_busy(w); i++) usleep(10000);
    assert_false(pdf_worker_busy(w));
}

static void the_worker_renders_what_is_wanted_and_keeps_nothing_else(void **state)
{
    (void)state;
    const char *dir = test_path("pdfcache");
    assert_int_equal(mkdir(dir, 0755), 0);
    char good[65], bad[65];
    cache_file(dir, "three-pages.pdf", good);
    cache_file(dir, "encrypted.pdf", bad);
    PdfWorker *w;
    Err err;
    assert_int_equal(pdf_worker_start(dir, on_ready, &w, &err), 0);
    PdfInfo *info = malloc(sizeof *info);
    char msg[160];
    assert_int_equal(pdf_worker_info(w, good, info, msg, sizeof msg), PDF_PENDING);

    PdfJob jobs[3] = {{.page = -1}, {.page = 0, .w = 800, .h = 600}, {.page = 1, .w = 800, .h = 600}};
    for (int i = 0; i < 3; i++) snprintf(jobs[i].sha, sizeof jobs[i].sha, "%s", good);
    pdf_worker_want(w, jobs, 3);
    wait_idle(w);
    assert_true(woken >= 1);
    assert_int_equal(pdf_worker_info(w, good, info, msg, sizeof msg), PDF_READY);
    assert_int_equal(info->pages, 3);
    SDL_Surface *s;
    assert_int_equal(pdf_worker_take(w, &jobs[1], &s, msg, sizeof msg), PDF_READY);
    assert_non_null(s);
    assert_int_equal(s->h, 600);
    SDL_FreeSurface(s);
    /* Taken once: the caller keeps it now. */
    assert_int_equal(pdf_worker_take(w, &jobs[1], &s, msg, sizeof msg), PDF_PENDING);

    /* Page 2 is no longer wanted: dropped, not handed over later. */
    pdf_worker_want(w, jobs, 1);
    assert_int_equal(pdf_worker_take(w, &jobs[2], &s, msg, sizeof msg), PDF_PENDING);
    assert_null(s);

    /* A document that cannot be shown answers at once with the reason. */
    PdfJob locked = {.page = 0, .w = 800, .h = 600};
    snprintf(locked.sha, sizeof locked.sha, "%s", bad);
    pdf_worker_want(w, &locked, 1);
    wait_idle(w);
    assert_int_equal(pdf_worker_info(w, bad, info, msg, sizeof msg), PDF_FAILED);
    assert_non_null(strstr(msg, "密码"));
    assert_int_equal(pdf_worker_take(w, &locked, &s, msg, sizeof msg), PDF_FAILED);
    pdf_worker_want(w, NULL, 0);
    pdf_worker_stop(w);
    free(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_byte_rule_names_each_fault),
        cmocka_unit_test(the_kiosk_checks_pages_before_it_renders),
        cmocka_unit_test(the_worker_renders_what_is_wanted_and_keeps_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
