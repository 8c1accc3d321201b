/* pdfpage.c — see pdfpage.h. */
#include "pdfpage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define TEX_MAX 12

typedef struct PageTex {
    PdfJob job;
    SDL_Texture *tex; /* NULL: failed */
    char msg[160];
    unsigned used;
} PageTex;

struct UiPdf {
    Ui *ui;
    PdfWorker *worker;
    bool broken; /* the worker could not start: every document fails */
    void (*ready)(void);
    PdfJob want[PDF_WANT_MAX];
    int nwant;
    bool asked; /* the last frame asked the worker for something */
    PageTex tex[TEX_MAX];
    int ntex;
    unsigned frame;
    PdfInfo info; /* scratch for one lookup */
};

void ui_pdf_on_ready(Ui *ui, void (*ready)(void))
{
    UiPdf **slot = ui_pdf_slot(ui);
    if (*slot) (*slot)->ready = ready;
    else {
        *slot = calloc(1, sizeof **slot);
        if (*slot) {
            (*slot)->ui = ui;
            (*slot)->ready = ready;
        }
    }
}

/* The state, with its worker started on first use. */
static UiPdf *state(Ui *ui)
{
    UiPdf **slot = ui_pdf_slot(ui);
    if (!*slot) ui_pdf_on_ready(ui, NULL);
    UiPdf *p = *slot;
    if (p && !p->worker && !p->broken) {
        Err err;
        if (pdf_worker_start(ui_image_dir(ui), p->ready, &p->worker, &err) != 0) {
            log_error("pdf: %s", err.msg);
            p->broken = true;
        }
    }
    return p && p->worker ? p : NULL;
}

static bool same_job(const PdfJob *a, const PdfJob *b)
{
    return a->page == b->page && a->w == b->w && a->h == b->h && strcmp(a->sha, b->sha) == 0;
}

static void want(UiPdf *p, const char *sha, int page, int w, int h)
{
    PdfJob j = {.page = page, .w = w, .h = h};
    snprintf(j.sha, sizeof j.sha, "%s", sha);
    for (int i = 0; i < p->nwant; i++)
        if (same_job(&p->want[i], &j)) return;
    if (p->nwant < PDF_WANT_MAX) p->want[p->nwant++] = j;
}

PdfState ui_pdf_pages(Ui *ui, const char *sha, int *pages, char *msg, size_t msg_size)
{
    UiPdf *p = state(ui);
    if (!p) {
        if (msg) snprintf(msg, msg_size, "文件暂时无法显示");
        return PDF_FAILED;
    }
    PdfState st = pdf_worker_info(p->worker, sha, &p->info, msg, msg_size);
    if (st == PDF_PENDING) want(p, sha, -1, 0, 0);
    if (st == PDF_READY) *pages = p->info.pages;
    return st;
}

int ui_pdf_page_size(Ui *ui, const char *sha, int page, float *w_pt, float *h_pt)
{
    UiPdf *p = state(ui);
    if (!p || pdf_worker_info(p->worker, sha, &p->info, NULL, 0) != PDF_READY || page < 0 || page >= p->info.pages)
        return -1;
    *w_pt = p->info.w_pt[page];
    *h_pt = p->info.h_pt[page];
    return 0;
}

/* The texture of that job: cached, just finished (made now), or NULL
 * (then asked for, unless it failed: *failed). */
static PageTex *page_tex(UiPdf *p, const PdfJob *j)
{
    for (int i = 0; i < p->ntex; i++)
        if (same_job(&p->tex[i].job, j)) {
            p->tex[i].used = p->frame;
            return &p->tex[i];
        }
    SDL_Surface *s;
    char msg[160] = "";
    PdfState st = pdf_worker_take(p->worker, j, &s, msg, sizeof msg);
    if (st == PDF_PENDING) {
        want(p, j->sha, j->page, j->w, j->h);
        return NULL;
    }
    if (p->ntex == TEX_MAX) {
        /* Full (a frame asking for more than it shows): the least recent goes. */
        int old = 0;
        for (int i = 1; i < p->ntex; i++)
            if (p->tex[i].used < p->tex[old].used) old = i;
        if (p->tex[old].tex) SDL_DestroyTexture(p->tex[old].tex);
        p->tex[old] = p->tex[--p->ntex];
    }
    PageTex *t = &p->tex[p->ntex++];
    *t = (PageTex){.job = *j, .used = p->frame};
    snprintf(t->msg, sizeof t->msg, "%s", msg);
    if (s) {
        t->tex = SDL_CreateTextureFromSurface(ui_renderer(p->ui), s);
        if (!t->tex) {
            log_warn("pdf: page %d of %s: %s", j->page + 1, j->sha, SDL_GetError());
            snprintf(t->msg, sizeof t->msg, "内存不足，无法显示这一页");
        }
        SDL_FreeSurface(s);
    }
    return t;
}

static PdfJob job_of(const char *sha, int page, int w, int h)
{
    PdfJob j = {.page = page, .w = w, .h = h};
    snprintf(j.sha, sizeof j.sha, "%s", sha);
    return j;
}

PdfState ui_pdf_draw(Ui *ui, SDL_Rect dst, const char *sha, int page, int rw, int rh, char *msg, size_t msg_size)
{
    UiPdf *p = state(ui);
    if (!p) {
        if (msg) snprintf(msg, msg_size, "文件暂时无法显示");
        return PDF_FAILED;
    }
    PdfJob j = job_of(sha, page, rw, rh);
    PageTex *t = page_tex(p, &j);
    if (t && !t->tex) {
        if (msg) snprintf(msg, msg_size, "%s", t->msg);
        return PDF_FAILED;
    }
    PageTex *shown = t;
    for (int i = 0; !shown && i < p->ntex; i++)
        if (p->tex[i].tex && p->tex[i].job.page == page && strcmp(p->tex[i].job.sha, sha) == 0) shown = &p->tex[i];
    if (shown) {
        shown->used = p->frame;
        SDL_Rect at = ui_drift(ui, dst);
        SDL_RenderCopy(ui_renderer(ui), shown->tex, NULL, &at);
    }
    return t ? PDF_READY : PDF_PENDING;
}

void ui_pdf_prefetch(Ui *ui, const char *sha, int page, int rw, int rh)
{
    UiPdf *p = state(ui);
    if (!p) return;
    PdfJob j = job_of(sha, page, rw, rh);
    page_tex(p, &j);
}

SDL_Rect ui_pdf_fit(Ui *ui, SDL_Rect box, const char *sha, int page)
{
    float w, h;
    if (ui_pdf_page_size(ui, sha, page, &w, &h) != 0) return box;
    float k = fminf(box.w / w, box.h / h);
    SDL_Rect r = {0, 0, (int)(w * k), (int)(h * k)};
    r.x = box.x + (box.w - r.w) / 2;
    r.y = box.y + (box.h - r.h) / 2;
    return r;
}

PdfState ui_pdf_page(Ui *ui, const char *id, SDL_Rect box, const char *sha, int page, const char *label)
{
    char msg[160] = "";
    int pages = 0;
    PdfState st = ui_pdf_pages(ui, sha, &pages, msg, sizeof msg);
    SDL_Rect at = box;
    if (st == PDF_READY) {
        at = ui_pdf_fit(ui, box, sha, page);
        st = ui_pdf_draw(ui, at, sha, page, at.w, at.h, msg, sizeof msg);
    }
    if (st != PDF_READY) {
        /* A sheet of paper's calm outline while it is drawn; the reason
         * on it when it cannot be. */
        ui_round(ui, at, ui_px(ui, 10), ui_theme.card_line);
        TextSpec spec = {.size = ui_font(ui, 36),
                         .color = st == PDF_FAILED ? ui_theme.text : ui_theme.text_soft,
                         .align = ALIGN_CENTER,
                         .middle = true};
        SDL_Rect in = {at.x + ui_px(ui, 24), at.y, at.w - ui_px(ui, 48), at.h};
        ui_text_kind(ui, WIDGET_NOTE, NULL, in, st == PDF_FAILED ? msg : "正在打开文件……", &spec);
    }
    ui_record(ui, WIDGET_IMAGE, id, label, at, id != NULL);
    return st;
}

bool ui_pdf_busy(Ui *ui)
{
    UiPdf *p = *ui_pdf_slot(ui);
    return p && p->worker && (p->asked || pdf_worker_busy(p->worker));
}

void ui_pdf_end_frame(UiPdf *p)
{
    if (!p) return;
    if (p->worker) pdf_worker_want(p->worker, p->want, p->nwant);
    p->asked = p->nwant > 0;
    p->nwant = 0;
    int keep = 0;
    for (int i = 0; i < p->ntex; i++) {
        if (p->tex[i].used != p->frame) {
            if (p->tex[i].tex) SDL_DestroyTexture(p->tex[i].tex);
            continue;
        }
        p->tex[keep++] = p->tex[i];
    }
    p->ntex = keep;
    p->frame++;
}

void ui_pdf_forget(UiPdf *p)
{
    if (!p) return;
    for (int i = 0; i < p->ntex; i++)
        if (p->tex[i].tex) SDL_DestroyTexture(p->tex[i].tex);
    p->ntex = 0;
}

void ui_pdf_free(UiPdf *p)
{
    if (!p) return;
    ui_pdf_forget(p);
    pdf_worker_stop(p->worker);
    free(p);
}
