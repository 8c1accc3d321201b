#include "ime_handwriting.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zinnia.h>

#include "dynlib.h"

/* The model is read in this many parts, each a zinnia model of its own
 * over a run of the file's characters (split_model): a recognition maps
 * and lets go of one part (3.4 MB) at a time, never the whole 27 MB. */
#define MODEL_PARTS 8

typedef struct ModelPart {
    zinnia_recognizer_t *recognizer;
    size_t from, to; /* its bytes in the file, header included */
} ModelPart;

struct ImeHandwriting {
    ModelPart part[MODEL_PARTS];
    int parts;
    zinnia_character_t *character;
    char *model; /* the model file, mapped private (split_model writes the parts' headers) */
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
 * be let go after each recognition (drop_pages). */
static int map_model(ImeHandwriting *h, const char *path, Err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(err, "%s: cannot open the handwriting model: %m", path);
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return err_set(err, "%s: the handwriting model is empty or unreadable", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return err_set(err, "%s: cannot map the handwriting model: %m", path);
    h->model = p;
    h->model_size = (size_t)st.st_size;
    return 0;
}

/* A recognition reads the whole 27 MB model (one score per character of
 * GB 2312), and every page read stays in the kiosk's resident memory
 * until the mapping goes.  The file's pages stay in the kernel's page
 * cache, so dropping them from the mapping after each part of each
 * recognition costs the next one only minor faults (about 4 ms,
 * bench_ime) and keeps the kiosk's memory with the pad open what it is
 * without it, but for the one part being read. */
static void drop_pages(const ImeHandwriting *h, size_t from, size_t to)
{
    if (!h->model || h->keep_pages) return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), start = from / page * page;
    madvise(h->model + start, to - start, MADV_DONTNEED);
}

static void drop_model_pages(const ImeHandwriting *h) { drop_pages(h, 0, h->model_size); }

/* zinnia's model file (zinnia/recognizer.cpp, DIC_VERSION 1): a header of
 * three little-endian 32-bit words (DIC_MAGIC_ID xor the file's size, the
 * version, the number of characters), then per character 16 bytes of its
 * UTF-8, a float bias and (index, value) pairs of 8 bytes ending with
 * index -1.  Each character is scored on its own (bias + a dot product),
 * so parts of the list are models of their own whose results merge by
 * score into what the whole model answers. */
#define ZINNIA_MAGIC 0xef71821u
#define ZINNIA_HEADER 12
#define ZINNIA_CHAR 20 /* the character and its bias */

static uint32_t get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void put_header(char *at, size_t size, uint32_t version, uint32_t count)
{
    uint32_t w[3] = {ZINNIA_MAGIC ^ (uint32_t)size, version, count};
    memcpy(at, w, sizeof w);
}

/* The offset just past the character entry at off; 0 when the file ends
 * inside it. */
static size_t entry_end(const char *m, size_t size, size_t off)
{
    off += ZINNIA_CHAR;
    for (; off + 8 <= size; off += 8)
        if ((int32_t)get32(m + off) == -1) return off + 8;
    return 0;
}

/* Opens the model as MODEL_PARTS zinnia models over consecutive runs of
 * its characters.  Each part's header is written over the 12 bytes before
 * its first character (the end of the previous part's last entry) in this
 * private mapping just long enough for zinnia to read it; letting the
 * pages go afterwards brings back the file's own bytes, which is all a
 * recognition reads. */
static int split_model(ImeHandwriting *h, const char *path, Err *err)
{
    char *m = h->model;
    size_t size = h->model_size;
    if (size < ZINNIA_HEADER || (get32(m) ^ ZINNIA_MAGIC) != size)
        return err_set(err, "%s: not a zinnia model (its header does not match its size)", path);
    uint32_t version = get32(m + 4), count = get32(m + 8);
    if (count == 0) return err_set(err, "%s: the handwriting model holds no character", path);
    uint32_t per = (count + MODEL_PARTS - 1) / MODEL_PARTS, done = 0;
    size_t off = ZINNIA_HEADER;
    h->parts = 0;
    while (done < count) {
        uint32_t n = count - done < per ? count - done : per;
        size_t from = off - ZINNIA_HEADER;
        for (uint32_t i = 0; i < n; i++)
            if (!(off = entry_end(m, size, off))) return err_set(err, "%s: the handwriting model is cut short", path);
        ModelPart *part = &h->part[h->parts++];
        part->from = from;
        part->to = off;
        part->recognizer = zn.recognizer_new();
        if (!part->recognizer) return err_set(err, "out of memory");
        put_header(m + from, off - from, version, n);
        if (!zn.recognizer_open_from_ptr(part->recognizer, m + from, off - from))
            return err_set(err, "%s: not a zinnia model: %s", path, zn.recognizer_strerror(part->recognizer));
        done += n;
    }
    if (off != size) return err_set(err, "%s: the handwriting model has bytes past its last character", path);
    /* The headers written go (their copy-on-write pages with the rest),
     * and the mapping is read-only from now on. */
    madvise(m, size, MADV_DONTNEED);
    mprotect(m, size, PROT_READ);
    return 0;
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
    h->character = zn.character_new();
    if (!h->character) {
        ime_handwriting_close(h);
        return err_set(err, "out of memory");
    }
    if (map_model(h, model_path, err) || split_model(h, model_path, err)) {
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
    for (int i = 0; i < h->parts; i++)
        if (h->part[i].recognizer) zn.recognizer_destroy(h->part[i].recognizer);
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

/* Whether a ranks before b in zinnia's own order over the whole model:
 * higher score first, and on a tie the character later in the file (it
 * sorts pairs of score and pointer into the file). */
static bool zinnia_before(float score_a, const char *a, float score_b, const char *b)
{
    return score_a != score_b ? score_a > score_b : a > b;
}

/* Merges a part's best `want` into best[0..*n) (zinnia's order, at most
 * want kept); at[i] is where best[i] is in the file, the tie-break. */
static int classify_part(ImeHandwriting *h, const ModelPart *part, int want, ImeHwCandidate *best, const char **at,
                         int *n, Err *err)
{
    zinnia_result_t *result = zn.recognizer_classify(part->recognizer, h->character, (size_t)want);
    if (!result) return err_set(err, "zinnia could not classify: %s", zn.recognizer_strerror(part->recognizer));
    int got = (int)zn.result_size(result);
    for (int i = 0; i < got && i < want; i++) {
        const char *text = zn.result_value(result, (size_t)i);
        float score = zn.result_score(result, (size_t)i);
        int j = *n < want ? (*n)++ : want;
        for (; j > 0 && zinnia_before(score, text, best[j - 1].score, at[j - 1]); j--) {
            if (j < want) best[j] = best[j - 1], at[j] = at[j - 1];
        }
        if (j >= want) break; /* the rest of this part ranks lower still */
        best[j].score = score;
        snprintf(best[j].text, sizeof best[j].text, "%s", text);
        at[j] = text;
    }
    zn.result_destroy(result);
    return 0;
}

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
    ImeHwCandidate all[IME_HW_CLASSIFY_MAX] = {0};
    int want = max * 2 < IME_HW_CLASSIFY_MAX ? max * 2 : IME_HW_CLASSIFY_MAX;
    const char *at[IME_HW_CLASSIFY_MAX];
    int n = 0;
    for (int p = 0; p < h->parts; p++) {
        if (classify_part(h, &h->part[p], want, all, at, &n, err)) return -1;
        drop_pages(h, h->part[p].from, h->part[p].to);
    }
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
