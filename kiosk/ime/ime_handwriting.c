#include "ime_handwriting.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zinnia.h>

#include "dynlib.h"

struct ImeHandwriting {
    zinnia_recognizer_t *recognizer;
    zinnia_character_t *character;
    const char *model; /* the model file, mapped read-only */
    size_t model_size;
    bool keep_pages; /* bench_ime's comparison only */
    int strokes; /* strokes begun so far */
    int points; /* points over all strokes */
};

/* libzinnia (and the C++ runtime it needs) is opened when the pad is
 * first shown (common/dynlib.h), so that a kiosk nobody writes on maps
 * none of it; once open it stays for the process. */
#define ZINNIA_CALLS(X)                                                                                                \
    X(recognizer_new)                                                                                                  \
    X(recognizer_open_from_ptr)                                                                                        \
    X(recognizer_strerror)                                                                                             \
    X(recognizer_destroy)                                                                                              \
    X(recognizer_classify)                                                                                             \
    X(character_new)                                                                                                   \
    X(character_destroy)                                                                                               \
    X(character_clear)                                                                                                 \
    X(character_set_width)                                                                                             \
    X(character_set_height)                                                                                            \
    X(character_add)                                                                                                   \
    X(character_strerror)                                                                                              \
    X(character_stroke_size)                                                                                           \
    X(character_x)                                                                                                     \
    X(character_y)                                                                                                     \
    X(result_size)                                                                                                     \
    X(result_value)                                                                                                    \
    X(result_score)                                                                                                    \
    X(result_destroy)

#define ZINNIA_POINTER(name) __typeof__(zinnia_##name) *name;
static struct {
    void *lib;
    ZINNIA_CALLS(ZINNIA_POINTER)
} zn;

static int load_zinnia(Err *err)
{
    if (zn.lib) return 0;
#define ZINNIA_SYMBOL(name) {"zinnia_" #name, &zn.name},
    static const DynSym calls[] = {ZINNIA_CALLS(ZINNIA_SYMBOL)};
    return dynlib_open("libzinnia.so.0", "libzinnia0", calls, sizeof calls / sizeof calls[0], &zn.lib, err);
}

/* The model is mapped here rather than by zinnia, so that its pages can
 * be let go after each recognition (drop_model_pages). */
static int map_model(ImeHandwriting *h, const char *path, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(err, "%s: cannot open the handwriting model: %m", path);
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return err_set(err, "%s: the handwriting model is empty or unreadable", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return err_set(err, "%s: cannot map the handwriting model: %m", path);
    h->model = p;
    h->model_size = (size_t)st.st_size;
    return 0;
}

/* A recognition reads the whole 27 MB model (one score per character of
 * GB 2312), and every page read stays in the kiosk's resident memory
 * until the mapping goes.  The file's pages stay in the kernel's page
 * cache, so dropping them from the mapping after each recognition costs
 * the next one only minor faults (bench_ime) and keeps the kiosk's
 * memory with the pad open what it is without it. */
static void drop_model_pages(const ImeHandwriting *h)
{
    if (h->model && !h->keep_pages) madvise((void *)h->model, h->model_size, MADV_DONTNEED);
}

void ime_handwriting_keep_model_pages(ImeHandwriting *h, bool keep) { h->keep_pages = keep; }

int ime_handwriting_open(const char *model_path, ImeHandwriting **out, Err *err)
{
    *out = NULL;
    struct stat st;
    if (stat(model_path, &st) != 0)
        return err_set(err,
                       "%s: missing; the handwriting model comes from the Debian package "
                       "tegaki-zinnia-simplified-chinese",
                       model_path);
    if (load_zinnia(err)) return -1;
    ImeHandwriting *h = calloc(1, sizeof *h);
    if (!h) return err_set(err, "out of memory");
    h->recognizer = zn.recognizer_new();
    h->character = zn.character_new();
    if (!h->recognizer || !h->character) {
        ime_handwriting_close(h);
        return err_set(err, "out of memory");
    }
    if (map_model(h, model_path, err)) {
        ime_handwriting_close(h);
        return -1;
    }
    if (!zn.recognizer_open_from_ptr(h->recognizer, h->model, h->model_size)) {
        err_set(err, "%s: not a zinnia model: %s", model_path, zn.recognizer_strerror(h->recognizer));
        ime_handwriting_close(h);
        return -1;
    }
    drop_model_pages(h); /* opening checked every character's entry */
    ime_handwriting_clear(h);
    *out = h;
    return 0;
}

void ime_handwriting_close(ImeHandwriting *h)
{
    if (!h) return;
    if (h->character) zn.character_destroy(h->character);
    if (h->recognizer) zn.recognizer_destroy(h->recognizer);
    if (h->model) munmap((void *)h->model, h->model_size);
    free(h);
}

void ime_handwriting_clear(ImeHandwriting *h)
{
    zn.character_clear(h->character);
    zn.character_set_width(h->character, IME_HW_MODEL_SIZE);
    zn.character_set_height(h->character, IME_HW_MODEL_SIZE);
    h->strokes = 0;
    h->points = 0;
}

int ime_handwriting_stroke_count(const ImeHandwriting *h) { return h->strokes; }

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Screen point -> model square.  The pad's longer side maps to the full
 * model size and the shorter one is centred, so proportions survive. */
static void to_model(const ImeHwPad *pad, int x, int y, int *mx, int *my)
{
    int side = pad->w > pad->h ? pad->w : pad->h;
    if (side < 1) side = 1;
    int off_x = (side - pad->w) / 2, off_y = (side - pad->h) / 2;
    int px = clamp(x - pad->x, 0, pad->w) + off_x;
    int py = clamp(y - pad->y, 0, pad->h) + off_y;
    *mx = (int)((long)px * (IME_HW_MODEL_SIZE - 1) / side);
    *my = (int)((long)py * (IME_HW_MODEL_SIZE - 1) / side);
}

static int add_to_stroke(ImeHandwriting *h, const ImeHwPad *pad, int x, int y, Err *err)
{
    if (h->points >= IME_HW_MAX_POINTS)
        return err_set(err, "this character already has %d points; clear the pad", IME_HW_MAX_POINTS);
    int mx, my;
    to_model(pad, x, y, &mx, &my);
    if (!zn.character_add(h->character, (size_t)(h->strokes - 1), mx, my))
        return err_set(err, "zinnia did not take the point: %s", zn.character_strerror(h->character));
    h->points++;
    return 0;
}

int ime_handwriting_begin_stroke(ImeHandwriting *h, const ImeHwPad *pad, int x, int y, Err *err)
{
    if (h->strokes >= IME_HW_MAX_STROKES)
        return err_set(err, "this character already has %d strokes; clear the pad", IME_HW_MAX_STROKES);
    h->strokes++;
    if (add_to_stroke(h, pad, x, y, err) == 0) return 0;
    h->strokes--;
    return -1;
}

int ime_handwriting_add_point(ImeHandwriting *h, const ImeHwPad *pad, int x, int y, Err *err)
{
    if (h->strokes == 0) return ime_handwriting_begin_stroke(h, pad, x, y, err);
    return add_to_stroke(h, pad, x, y, err);
}

/* zinnia has no call to remove a stroke, so the character is rebuilt from
 * the strokes that stay. */
void ime_handwriting_undo_stroke(ImeHandwriting *h)
{
    if (h->strokes == 0) return;
    zinnia_character_t *old = h->character;
    zinnia_character_t *fresh = zn.character_new();
    if (!fresh) return;
    zn.character_set_width(fresh, IME_HW_MODEL_SIZE);
    zn.character_set_height(fresh, IME_HW_MODEL_SIZE);
    int kept = h->strokes - 1, points = 0;
    for (int s = 0; s < kept; s++) {
        size_t n = zn.character_stroke_size(old, (size_t)s);
        for (size_t i = 0; i < n; i++)
            zn.character_add(fresh, (size_t)s, zn.character_x(old, (size_t)s, i), zn.character_y(old, (size_t)s, i));
        points += (int)n;
    }
    zn.character_destroy(old);
    h->character = fresh;
    h->strokes = kept;
    h->points = points;
}

/* Components that are rarely written alone: a radical such as 亻 or 氵
 * often scores near the whole character (亻 beside 人, 廾 beside 大) and
 * must not push it down.  Each ranks as if its score were lower by its
 * penalty, so it stays first only when the strokes clearly form it (氵 or
 * a lone 亻 beat every whole character by more than that).  囗 is the
 * look-alike of 口 and yields to it always. */
static const struct {
    const char *text;
    float penalty;
} COMPONENTS[] = {
    {"囗", 2.0f}, {"亻", 0.5f}, {"彳", 0.5f}, {"氵", 0.5f}, {"冫", 0.5f}, {"讠", 0.5f}, {"扌", 0.5f}, {"忄", 0.5f},
    {"犭", 0.5f}, {"纟", 0.5f}, {"饣", 0.5f}, {"钅", 0.5f}, {"礻", 0.5f}, {"衤", 0.5f}, {"阝", 0.5f}, {"刂", 0.5f},
    {"卩", 0.5f}, {"廴", 0.5f}, {"辶", 0.5f}, {"宀", 0.5f}, {"冖", 0.5f}, {"艹", 0.5f}, {"灬", 0.5f}, {"丬", 0.5f},
    {"爫", 0.5f}, {"丷", 0.5f}, {"廾", 0.5f}, {"勹", 0.5f}, {"匚", 0.5f}, {"冂", 0.5f}, {"凵", 0.5f}, {"亠", 0.5f},
    {"彐", 0.5f}, {"疒", 0.5f}, {"攵", 0.5f}, {"夂", 0.5f}, {"罒", 0.5f}, {"虍", 0.5f}, {"丨", 0.5f}, {"丿", 0.5f},
    {"乚", 0.5f}, {"亅", 0.5f}, {"丶", 0.5f},
};

static float rank_score(const ImeHwCandidate *c)
{
    for (size_t i = 0; i < sizeof COMPONENTS / sizeof COMPONENTS[0]; i++)
        if (strcmp(c->text, COMPONENTS[i].text) == 0) return c->score - COMPONENTS[i].penalty;
    return c->score;
}

int ime_handwriting_recognize(ImeHandwriting *h, ImeHwCandidate *out, int max, int *count, Err *err)
{
    *count = 0;
    if (h->strokes == 0 || max <= 0) return 0;
    /* Ask for more than shown, so whole characters just below the cut can
     * come up past the components ranked down. */
    ImeHwCandidate all[IME_HW_CLASSIFY_MAX];
    int want = max * 2 < IME_HW_CLASSIFY_MAX ? max * 2 : IME_HW_CLASSIFY_MAX;
    zinnia_result_t *result = zn.recognizer_classify(h->recognizer, h->character, (size_t)want);
    if (!result) return err_set(err, "zinnia could not classify: %s", zn.recognizer_strerror(h->recognizer));
    int n = (int)zn.result_size(result);
    if (n > want) n = want;
    for (int i = 0; i < n; i++) {
        snprintf(all[i].text, sizeof all[i].text, "%s", zn.result_value(result, (size_t)i));
        all[i].score = zn.result_score(result, (size_t)i);
    }
    zn.result_destroy(result);
    drop_model_pages(h);
    /* A stable insertion sort by rank: few candidates, order kept on ties. */
    for (int i = 1; i < n; i++) {
        ImeHwCandidate c = all[i];
        int j = i;
        for (; j > 0 && rank_score(&all[j - 1]) < rank_score(&c); j--) all[j] = all[j - 1];
        all[j] = c;
    }
    *count = n < max ? n : max;
    memcpy(out, all, (size_t)*count * sizeof *out);
    return 0;
}
