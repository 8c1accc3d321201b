/* pdf.c — the byte-level rule of pdf.h.  Every search is bounded by the
 * file's length and each scan moves forward, so the time is linear in the
 * file whatever its bytes (tests/fuzz/fuzz_pdf.c). */
#include "pdf.h"

#include <ctype.h>
#include <string.h>

#include "protolimits.h"

#define HEAD_WINDOW 1024 /* the header may follow some junk (the spec allows it) */
#define TAIL_WINDOW 1024
#define TRAILER_WINDOW 4096 /* how far past startxref's target the trailer is read */

static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    return n <= len ? memmem(hay, len, needle, n) : NULL;
}

/* The last occurrence of needle in hay[0..len). */
static const char *find_last(const char *hay, size_t len, const char *needle)
{
    const char *last = NULL, *p = hay;
    size_t n = strlen(needle);
    while ((p = find(p, len - (size_t)(p - hay), needle)) != NULL) {
        last = p;
        p += n;
        if ((size_t)(p - hay) >= len) break;
    }
    return last;
}

/* PDF's delimiters and white space end a name: "/Pages" is not "/PagesX". */
static int ends_name(const char *p, const char *end)
{
    return p >= end || isspace((unsigned char)*p) || strchr("/<>[]()%{}", *p);
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p)) p++;
    return p;
}

/* A decimal number at p (at most 9 digits), or -1. */
static long read_number(const char *p, const char *end)
{
    long v = 0;
    int digits = 0;
    while (p < end && isdigit((unsigned char)*p) && digits < 10) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    return digits == 0 || digits > 9 ? -1 : v;
}

int pdf_looks_like(const void *data, size_t len)
{
    return find(data, len < HEAD_WINDOW ? len : HEAD_WINDOW, "%PDF-") != NULL;
}

static int read_version(const char *d, size_t len, PdfProbe *out, Err *err)
{
    out->fault = PDF_NOT_PDF;
    const char *h = find(d, len < HEAD_WINDOW ? len : HEAD_WINDOW, "%PDF-");
    if (!h) return err_set(err, "这不是 PDF 文件（文件开头没有 %%PDF- 标记）");
    const char *v = h + 5, *end = d + len;
    if (end - v < 3 || !isdigit((unsigned char)v[0]) || v[1] != '.' || !isdigit((unsigned char)v[2]))
        return err_set(err, "这不是有效的 PDF 文件（版本号不可读）");
    out->version = (v[0] - '0') * 10 + (v[2] - '0');
    if (out->version < 10 || out->version > 20 || (out->version > 17 && out->version != 20))
        return err_set(err, "PDF 版本 %c.%c 不受支持（支持 1.0 至 2.0）", v[0], v[2]);
    return 0;
}

/* startxref, the offset after it, and %%EOF after that, all in the tail. */
static int read_startxref(const char *d, size_t len, long *offset, PdfProbe *out, Err *err)
{
    size_t tail = len < TAIL_WINDOW ? len : TAIL_WINDOW;
    const char *t = d + len - tail, *end = d + len;
    const char *eof = find_last(t, tail, "%%EOF");
    const char *sx = find_last(t, tail, "startxref");
    if (!eof || !sx || sx > eof)
        return err_set(err, "PDF 文件不完整（结尾缺少 %%%%EOF），可能在复制或上传时被截断，请重新导出");
    *offset = read_number(skip_space(sx + 9, end), end);
    out->fault = PDF_BROKEN;
    if (*offset < 0 || (size_t)*offset >= len)
        return err_set(err, "PDF 文件已损坏（startxref 指向文件之外），请重新导出");
    return 0;
}

/* The trailer dictionary at the cross-reference section startxref points
 * at: a classic "xref ... trailer << >>", or a cross-reference stream's
 * dictionary ("N 0 obj << /Type /XRef ... >> stream"). */
static int trailer_encrypted(const char *d, size_t len, long offset, int *encrypted, Err *err)
{
    const char *at = d + offset, *end = d + len;
    const char *stop;
    if ((size_t)(end - at) >= 4 && memcmp(at, "xref", 4) == 0) {
        const char *tr = find(at, (size_t)(end - at), "trailer");
        if (!tr) return err_set(err, "PDF 文件已损坏（找不到 trailer），请重新导出");
        at = tr;
        stop = find(at, (size_t)(end - at), "startxref");
    } else {
        size_t room = (size_t)(end - at) < TRAILER_WINDOW ? (size_t)(end - at) : TRAILER_WINDOW;
        if (!isdigit((unsigned char)*at) || !find(at, room, "obj"))
            return err_set(err, "PDF 文件已损坏（startxref 未指向交叉引用表），请重新导出");
        stop = find(at, room, "stream");
        if (!stop) stop = at + room;
    }
    if (!stop) stop = end;
    const char *enc = find(at, (size_t)(stop - at), "/Encrypt");
    *encrypted = enc && ends_name(enc + 8, stop);
    return 0;
}

/* The largest /Count of a dictionary that says /Type /Pages: the root of
 * the page tree counts every page.  -1 when none is in plain text. */
static long plain_page_count(const char *d, size_t len)
{
    const char *end = d + len, *p = d;
    long best = -1;
    while ((p = find(p, (size_t)(end - p), "/Type")) != NULL) {
        const char *q = skip_space(p + 5, end);
        p += 5;
        if ((size_t)(end - q) < 6 || memcmp(q, "/Pages", 6) != 0 || !ends_name(q + 6, end)) continue;
        /* The dictionary around it: from the last "obj" before to "endobj". */
        size_t back = (size_t)(q - d) < 512 ? (size_t)(q - d) : 512;
        const char *from = q - back;
        const char *obj = find_last(from, back, "obj");
        if (obj) from = obj;
        const char *to = find(q, (size_t)(end - q), "endobj");
        if (!to || to - q > 4096) to = (size_t)(end - q) > 4096 ? q + 4096 : end;
        const char *c = find(from, (size_t)(to - from), "/Count");
        if (!c || !ends_name(c + 6, to)) continue;
        long n = read_number(skip_space(c + 6, to), to);
        if (n > best) best = n;
    }
    return best;
}

int pdf_probe(const void *data, size_t len, PdfProbe *out, Err *err)
{
    const char *d = data;
    memset(out, 0, sizeof *out);
    out->pages = -1;
    out->fault = PDF_NOT_PDF;
    if (len == 0) return err_set(err, "文件是空的");
    out->fault = PDF_TOO_LARGE;
    if (len > (size_t)PDF_MAX_BYTES)
        return err_set(err, "PDF 文件有 %.1f MiB，超过上限 %lld MiB", (double)len / 1048576.0,
                       (long long)PDF_MAX_BYTES / 1048576);
    if (read_version(d, len, out, err)) return -1;
    long offset = 0;
    out->fault = PDF_CUT_SHORT;
    if (read_startxref(d, len, &offset, out, err)) return -1;
    int encrypted = 0;
    out->fault = PDF_BROKEN;
    if (trailer_encrypted(d, len, offset, &encrypted, err)) return -1;
    out->fault = PDF_LOCKED;
    if (encrypted) return err_set(err, "PDF 文件设置了密码或加密保护，触控屏无法打开：请取消保护后重新导出");
    long pages = plain_page_count(d, len);
    out->pages = pages > PDF_MAX_PAGES * 1000L ? PDF_MAX_PAGES * 1000 : (int)pages;
    out->fault = PDF_TOO_MANY_PAGES;
    if (pages == 0) return err_set(err, "PDF 文件没有页面");
    if (pages > PDF_MAX_PAGES)
        return err_set(err, "PDF 文件有 %ld 页，触控屏最多显示 %d 页：请拆分后分别发布", pages, PDF_MAX_PAGES);
    out->fault = PDF_OK;
    return 0;
}
