/* fonts.c — the font chain: regular, bold and fallback faces from the
 * config, each opened once per weight and set to the pixel size a caller
 * asks for, with a cache of glyph advances per size.  See fonts.h and
 * text.h. */
#include "fonts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unictype.h>
#include <unistd.h>
#include <unistr.h>

#include "log.h"

#define MAX_SLOTS (1 + CONFIG_MAX_FALLBACK_FONTS)
#define ALL_SLOTS (MAX_SLOTS + 1) /* the chain, then FONT_SLOT_HANT */
#define MAX_FILES (2 + CONFIG_MAX_FALLBACK_FONTS)
#define OPEN_SIZE_PX 40
#define MIN_SIZE_PX 1
#define MAX_SIZE_PX 2000

/* A font file opened once and shared by every face opened from it, read
 * with pread(2) through a small SDL_RWops per face (its own offset, no
 * lseek) and a few cached blocks.  Not mmap(2): a mapped CJK collection is
 * 20 MB, and every page FreeType touched stayed in the kiosk's RSS and PSS
 * (16 MB of the two Noto files after browsing: fault-around maps 64 KB
 * around each glyph read), while what pread copies lives in the blocks
 * below and the file stays in the page cache, shared and reclaimable.  The
 * blocks, because FreeType reads a CFF glyph in several small pieces (its
 * index offsets, then the charstring, then subroutines): a syscall each
 * made text rendering half as slow again (bench_text: 5.2 -> 7.9 ms a
 * page; 114,000 reads).  FONT_BLOCKS x FONT_BLOCK_SIZE, 512 KB a file
 * opened (two at most unless a rare character needs a fallback), holds
 * the tables, index pages and common glyphs a page of text rereads: 7,700
 * reads in bench_text, where 32 blocks still left 36,000. */
#define FONT_BLOCK_SIZE 4096
#define FONT_BLOCKS 128

typedef struct FontBlock {
    Sint64 index; /* offset / FONT_BLOCK_SIZE; -1: empty */
    unsigned used;
    int len; /* short at the end of the file */
    unsigned char data[FONT_BLOCK_SIZE];
} FontBlock;

typedef struct FontFile {
    char path[1024];
    int fd; /* -1: could not be opened */
    Sint64 size;
    unsigned clock;
    FontBlock *blocks; /* FONT_BLOCKS of them */
} FontFile;

typedef struct FaceStream {
    FontFile *file;
    Sint64 pos;
} FaceStream;

/* Open-addressing map code point -> advance for one face at one size, for
 * the greedy line filler (SDL_ttf would reload the glyph from FreeType on
 * every metrics call). */
typedef struct AdvanceMap {
    FontSlot slot;
    bool bold;
    int size_px;
    uint32_t *keys; /* cp + 1, 0 = empty */
    int *advances;
    int cap, used;
} AdvanceMap;

/* One TTF_Font per (font, weight), resized with TTF_SetFontSize: a face of
 * Noto Sans CJK costs about 2.7 MB, so a face per pixel size would grow
 * with every size the screens use. */
typedef struct Face {
    TTF_Font *font;
    int size_px;
    bool resize_failed; /* logged once */
    bool open_failed; /* a fallback that could not be opened when first needed */
} Face;

struct Fonts {
    FontFile files[MAX_FILES];
    int file_count;
    char main_path[2][1024]; /* [0] regular, [1] bold */
    bool synthetic_bold; /* no bold file: regular face with TTF_STYLE_BOLD */
    int face_index, face_index_hant;
    bool hant_tried, have_hant; /* the Traditional face looked for; it opened */
    char fallback_path[CONFIG_MAX_FALLBACK_FONTS][1024];
    int fallback_count;
    Face faces[2][ALL_SLOTS]; /* [bold][slot] */
    AdvanceMap *maps;
    int map_count, map_cap;
    char *scratch;
    int scratch_cap;
    SDL_Surface *canvas;
};

static int slot_count(const Fonts *f) { return 1 + f->fallback_count; }

static FontFile *open_file(Fonts *f, const char *path)
{
    for (int i = 0; i < f->file_count; i++)
        if (strcmp(f->files[i].path, path) == 0) return f->files[i].fd >= 0 ? &f->files[i] : NULL;
    if (f->file_count == MAX_FILES) return NULL;
    FontFile *m = &f->files[f->file_count++];
    snprintf(m->path, sizeof m->path, "%s", path);
    m->fd = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return NULL;
    FontBlock *blocks = fstat(fd, &st) == 0 && st.st_size > 0 ? malloc(FONT_BLOCKS * sizeof *blocks) : NULL;
    if (!blocks) {
        close(fd);
        return NULL;
    }
    for (int i = 0; i < FONT_BLOCKS; i++) blocks[i].index = -1, blocks[i].used = 0, blocks[i].len = 0;
    m->fd = fd;
    m->blocks = blocks;
    m->size = (Sint64)st.st_size;
    return m;
}

/* The cached block of the file at index, read in when missing (the least
 * recently used one goes); NULL when it cannot be read. */
static const FontBlock *file_block(FontFile *file, Sint64 index)
{
    FontBlock *oldest = &file->blocks[0];
    file->clock++;
    for (int i = 0; i < FONT_BLOCKS; i++) {
        FontBlock *b = &file->blocks[i];
        if (b->index == index) {
            b->used = file->clock;
            return b;
        }
        if (b->used < oldest->used) oldest = b;
    }
    ssize_t n;
    do n = pread(file->fd, oldest->data, FONT_BLOCK_SIZE, (off_t)(index * FONT_BLOCK_SIZE));
    while (n < 0 && errno == EINTR);
    if (n <= 0) return NULL;
    oldest->index = index;
    oldest->used = file->clock;
    oldest->len = (int)n;
    return oldest;
}

static Sint64 SDLCALL stream_size(SDL_RWops *rw) { return ((FaceStream *)rw->hidden.unknown.data1)->file->size; }

static Sint64 SDLCALL stream_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
    FaceStream *s = rw->hidden.unknown.data1;
    Sint64 base = whence == RW_SEEK_SET ? 0 : whence == RW_SEEK_CUR ? s->pos : s->file->size;
    if (base + offset < 0) return SDL_SetError("fonts: seek before the start of %s", s->file->path);
    s->pos = base + offset;
    return s->pos;
}

static size_t SDLCALL stream_read(SDL_RWops *rw, void *buf, size_t size, size_t count)
{
    FaceStream *s = rw->hidden.unknown.data1;
    size_t want = size * count, got = 0;
    while (size > 0 && got < want) {
        Sint64 at = s->pos + (Sint64)got;
        const FontBlock *b = file_block(s->file, at / FONT_BLOCK_SIZE);
        int from = (int)(at % FONT_BLOCK_SIZE);
        if (!b || from >= b->len) break;
        size_t n = (size_t)(b->len - from) < want - got ? (size_t)(b->len - from) : want - got;
        memcpy((char *)buf + got, b->data + from, n);
        got += n;
    }
    s->pos += (Sint64)got;
    return size > 0 ? got / size : 0;
}

static size_t SDLCALL stream_write(SDL_RWops *rw, const void *buf, size_t size, size_t count)
{
    (void)rw, (void)buf, (void)size, (void)count;
    SDL_SetError("fonts: a font file is read-only");
    return 0;
}

static int SDLCALL stream_close(SDL_RWops *rw)
{
    free(rw->hidden.unknown.data1);
    SDL_FreeRW(rw);
    return 0;
}

/* A stream of its own over a shared file (SDL_ttf closes it with the face). */
static SDL_RWops *file_stream(FontFile *file)
{
    FaceStream *s = calloc(1, sizeof *s);
    SDL_RWops *rw = s ? SDL_AllocRW() : NULL;
    if (!rw) {
        free(s);
        return NULL;
    }
    s->file = file;
    rw->type = SDL_RWOPS_UNKNOWN;
    rw->size = stream_size;
    rw->seek = stream_seek;
    rw->read = stream_read;
    rw->write = stream_write;
    rw->close = stream_close;
    rw->hidden.unknown.data1 = s;
    return rw;
}

static const char *slot_path(const Fonts *f, FontSlot slot, bool bold)
{
    return slot == 0 || slot == FONT_SLOT_HANT ? f->main_path[bold && !f->synthetic_bold] : f->fallback_path[slot - 1];
}

/* Opens the face of a slot and weight; false (SDL_ttf's error set) when
 * the file is missing or not a font. */
static bool open_face(Fonts *f, FontSlot slot, bool bold)
{
    const char *path = slot_path(f, slot, bold);
    long index = slot == 0 ? f->face_index : slot == FONT_SLOT_HANT ? f->face_index_hant : 0;
    FontFile *file = open_file(f, path);
    SDL_RWops *rw = file ? file_stream(file) : NULL;
    TTF_Font *font =
        rw ? TTF_OpenFontIndexRW(rw, 1, OPEN_SIZE_PX, index) : TTF_OpenFontIndex(path, OPEN_SIZE_PX, index);
    if (!font) return false;
    /* Faces without a bold file of their own are emboldened by FreeType. */
    if (bold && ((slot > 0 && slot != FONT_SLOT_HANT) || f->synthetic_bold)) TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    f->faces[bold][slot] = (Face){.font = font, .size_px = OPEN_SIZE_PX};
    return true;
}

int fonts_open(const Config *cfg, Fonts **out, Err *err)
{
    *out = NULL;
    if (TTF_Init() != 0) return err_set(err, "fonts: SDL_ttf cannot start: %s", TTF_GetError());
    Fonts *f = calloc(1, sizeof *f);
    if (!f) {
        TTF_Quit();
        return err_set(err, "fonts: out of memory");
    }
    snprintf(f->main_path[0], sizeof f->main_path[0], "%s", cfg->font_regular);
    snprintf(f->main_path[1], sizeof f->main_path[1], "%s", cfg->font_bold[0] ? cfg->font_bold : cfg->font_regular);
    f->face_index = cfg->font_face_index;
    f->face_index_hant = cfg->font_face_index_hant;

    if (!open_face(f, 0, false)) {
        err_set(err, "fonts: cannot open the regular font %s (face %d): %s — install fonts-noto-cjk and run make",
                cfg->font_regular, cfg->font_face_index, TTF_GetError());
        fonts_close(f);
        return -1;
    }
    /* Without a bold file of its own, bold is the regular face emboldened. */
    f->synthetic_bold = strcmp(f->main_path[0], f->main_path[1]) == 0;
    if (!open_face(f, 0, true)) {
        log_warn("fonts: cannot open the bold font %s (%s); emboldening %s instead", f->main_path[1], TTF_GetError(),
                 f->main_path[0]);
        f->synthetic_bold = true;
        open_face(f, 0, true);
    }
    /* The Traditional faces of the same collection open when zh-Hant text
     * first needs them (fonts_main_slot): 2.2 MB of FreeType's a face,
     * which most kiosks, showing only Simplified text, never need. */
    /* Fallbacks are only looked for here; each is opened when a character
     * first needs it (fallback_face): the rare-character fonts (HanaMin A
     * and B, 50 MB) are never touched by most texts. */
    for (int i = 0; i < cfg->font_fallback_count && i < CONFIG_MAX_FALLBACK_FONTS; i++) {
        if (access(cfg->font_fallback[i], R_OK) != 0) {
            log_warn("fonts: cannot read the fallback font %s (%s); skipping it", cfg->font_fallback[i],
                     strerror(errno));
            continue;
        }
        FontSlot slot = 1 + f->fallback_count++;
        snprintf(f->fallback_path[slot - 1], sizeof f->fallback_path[0], "%s", cfg->font_fallback[i]);
    }
    *out = f;
    return 0;
}

static void advance_map_free(AdvanceMap *m)
{
    free(m->keys);
    free(m->advances);
    m->keys = NULL;
    m->advances = NULL;
    m->cap = m->used = 0;
}

void fonts_close(Fonts *f)
{
    if (!f) return;
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < ALL_SLOTS; s++)
            if (f->faces[b][s].font) TTF_CloseFont(f->faces[b][s].font);
    for (int i = 0; i < f->map_count; i++) advance_map_free(&f->maps[i]);
    for (int i = 0; i < f->file_count; i++)
        if (f->files[i].fd >= 0) close(f->files[i].fd);
    for (int i = 0; i < f->file_count; i++) free(f->files[i].blocks);
    SDL_FreeSurface(f->canvas);
    free(f->maps);
    free(f->scratch);
    free(f);
    TTF_Quit();
}

/* The face of a slot and weight, a fallback opened at its first use. */
static TTF_Font *chain_face(Fonts *f, FontSlot slot, bool bold)
{
    Face *face = &f->faces[bold][slot];
    if (face->font || face->open_failed || slot == 0 || slot == FONT_SLOT_HANT) return face->font;
    if (open_face(f, slot, bold)) {
        log_info("fonts: fallback %s opened (%s)", slot_path(f, slot, bold), bold ? "bold" : "regular");
        return face->font;
    }
    log_warn("fonts: cannot open the fallback font %s (%s); skipping it", slot_path(f, slot, bold), TTF_GetError());
    face->open_failed = true;
    return NULL;
}

FontSlot fonts_pick(Fonts *f, bool bold, uint32_t cp)
{
    for (FontSlot s = 0; s < slot_count(f); s++) {
        TTF_Font *font = chain_face(f, s, bold);
        if (font && TTF_GlyphIsProvided32(font, cp)) return s;
    }
    return 0;
}

bool fonts_has_glyph(Fonts *f, uint32_t codepoint)
{
    for (FontSlot s = 0; s < slot_count(f); s++) {
        TTF_Font *font = chain_face(f, s, false);
        if (font && TTF_GlyphIsProvided32(font, codepoint)) return true;
    }
    return false;
}

int fonts_missing_glyphs(Fonts *f, const char *utf8, uint32_t *first_missing)
{
    const uint8_t *s = (const uint8_t *)utf8;
    size_t n = strlen(utf8);
    int missing = 0;
    if (first_missing) *first_missing = 0;
    while (n > 0) {
        ucs4_t cp;
        int len = u8_mbtouc(&cp, s, n);
        s += len;
        n -= (size_t)len;
        /* Control characters are never drawn (the layout drops them), and
         * invisible ones (zero-width space and joiner, variation selectors)
         * need no glyph. */
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || uc_is_property_default_ignorable_code_point(cp)) continue;
        if (fonts_has_glyph(f, cp)) continue;
        if (missing == 0 && first_missing) *first_missing = cp;
        missing++;
    }
    return missing;
}

static int clamp_size(int size_px)
{
    return size_px < MIN_SIZE_PX ? MIN_SIZE_PX : size_px > MAX_SIZE_PX ? MAX_SIZE_PX : size_px;
}

/* Opens the Traditional faces the first time they are asked for; without
 * them zh-Hant text is drawn with the main face (logged once). */
static bool hant_open(Fonts *f)
{
    if (f->hant_tried) return f->have_hant;
    f->hant_tried = true;
    f->have_hant = open_face(f, FONT_SLOT_HANT, false);
    if (f->have_hant && !open_face(f, FONT_SLOT_HANT, true)) {
        TTF_CloseFont(f->faces[0][FONT_SLOT_HANT].font);
        f->faces[0][FONT_SLOT_HANT].font = NULL;
        f->have_hant = false;
    }
    if (!f->have_hant)
        log_warn("fonts: no face %d in %s (%s); Traditional text uses the main face", f->face_index_hant,
                 f->main_path[0], TTF_GetError());
    return f->have_hant;
}

FontSlot fonts_main_slot(Fonts *f, int lang) { return lang == TEXT_LANG_HANT && hant_open(f) ? FONT_SLOT_HANT : 0; }

const char *fonts_family(Fonts *f, int lang)
{
    TTF_Font *font = f->faces[0][fonts_main_slot(f, lang)].font;
    const char *name = font ? TTF_FontFaceFamilyName(font) : NULL;
    return name ? name : "";
}

TTF_Font *fonts_face(Fonts *f, FontSlot slot, bool bold, int size_px)
{
    if (slot < 0 || (slot >= slot_count(f) && slot != FONT_SLOT_HANT)) slot = 0;
    Face *face = &f->faces[bold][slot];
    if (!chain_face(f, slot, bold)) return NULL;
    size_px = clamp_size(size_px);
    if (face->size_px == size_px) return face->font;
    if (TTF_SetFontSize(face->font, size_px) != 0) {
        if (!face->resize_failed)
            log_error("fonts: cannot set %s to %d px: %s", slot_path(f, slot, bold), size_px, TTF_GetError());
        face->resize_failed = true;
        return NULL;
    }
    face->size_px = size_px;
    return face->font;
}

static int *advance_map_slot(AdvanceMap *m, uint32_t cp, bool *found)
{
    uint32_t key = cp + 1;
    uint32_t mask = (uint32_t)m->cap - 1;
    for (uint32_t i = (key * 2654435761u) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key) {
            *found = true;
            return &m->advances[i];
        }
        if (m->keys[i] == 0) {
            *found = false;
            m->keys[i] = key;
            m->used++;
            return &m->advances[i];
        }
    }
}

/* make analyze: the analyzer loses the arrays when `bigger` is copied into
 * *m and reports them leaked; they are freed by advance_map_free(m). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static int advance_map_grow(AdvanceMap *m)
{
    AdvanceMap bigger = {.slot = m->slot, .bold = m->bold, .size_px = m->size_px};
    bigger.cap = m->cap ? m->cap * 2 : 256;
    bigger.keys = calloc((size_t)bigger.cap, sizeof *bigger.keys);
    bigger.advances = calloc((size_t)bigger.cap, sizeof *bigger.advances);
    if (!bigger.keys || !bigger.advances) {
        advance_map_free(&bigger);
        return -1;
    }
    for (int i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        bool found;
        *advance_map_slot(&bigger, m->keys[i] - 1, &found) = m->advances[i];
    }
    advance_map_free(m);
    *m = bigger;
    return 0;
}
#pragma GCC diagnostic pop

static AdvanceMap *find_map(Fonts *f, FontSlot slot, bool bold, int size_px)
{
    for (int i = 0; i < f->map_count; i++) {
        AdvanceMap *m = &f->maps[i];
        if (m->slot == slot && m->bold == bold && m->size_px == size_px) return m;
    }
    if (f->map_count == f->map_cap) {
        int cap = f->map_cap ? f->map_cap * 2 : 16;
        AdvanceMap *maps = realloc(f->maps, (size_t)cap * sizeof *maps);
        if (!maps) return NULL;
        f->maps = maps;
        f->map_cap = cap;
    }
    AdvanceMap *m = &f->maps[f->map_count++];
    *m = (AdvanceMap){.slot = slot, .bold = bold, .size_px = size_px};
    return m;
}

int fonts_advance(Fonts *f, FontSlot slot, bool bold, int size_px, uint32_t cp)
{
    if (slot < 0 || slot >= slot_count(f)) slot = 0;
    size_px = clamp_size(size_px);
    AdvanceMap *m = find_map(f, slot, bold, size_px);
    if (!m || ((m->used + 1) * 4 >= m->cap * 3 && advance_map_grow(m) != 0)) return size_px;
    bool found;
    int *advance = advance_map_slot(m, cp, &found);
    if (found) return *advance;
    TTF_Font *font = fonts_face(f, slot, bold, size_px);
    int value = 0;
    if (!font || TTF_GlyphMetrics32(font, cp, NULL, NULL, NULL, NULL, &value) != 0) value = 0;
    *advance = value;
    return value;
}

/* SDL_ttf takes NUL-terminated strings; runs are slices of a longer text. */
static const char *terminated(Fonts *f, const char *utf8, int len)
{
    if (len + 1 > f->scratch_cap) {
        int cap = len + 1 > 256 ? len + 1 : 256;
        char *buf = realloc(f->scratch, (size_t)cap);
        if (!buf) return NULL;
        f->scratch = buf;
        f->scratch_cap = cap;
    }
    memcpy(f->scratch, utf8, (size_t)len);
    f->scratch[len] = '\0';
    return f->scratch;
}

int fonts_run_width(Fonts *f, FontSlot slot, bool bold, int size_px, const char *utf8, int len)
{
    TTF_Font *font = fonts_face(f, slot, bold, size_px);
    const char *s = terminated(f, utf8, len);
    if (!font || !s || len <= 0) return 0;
    int w = 0;
    if (TTF_SizeUTF8(font, s, &w, NULL) != 0) return 0;
    return w;
}

SDL_Surface *fonts_run_render(Fonts *f, FontSlot slot, bool bold, int size_px, const char *utf8, int len,
                              SDL_Color color)
{
    TTF_Font *font = fonts_face(f, slot, bold, size_px);
    const char *s = terminated(f, utf8, len);
    if (!font || !s || len <= 0) return NULL;
    return TTF_RenderUTF8_Blended(font, s, color);
}

SDL_Surface *fonts_canvas(Fonts *f, int w, int h)
{
    if (f->canvas && f->canvas->w >= w && f->canvas->h >= h) return f->canvas;
    int cw = f->canvas && f->canvas->w > w ? f->canvas->w : w;
    int ch = f->canvas && f->canvas->h > h ? f->canvas->h : h;
    SDL_Surface *bigger = SDL_CreateRGBSurfaceWithFormat(0, cw, ch, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!bigger) return NULL;
    SDL_FreeSurface(f->canvas);
    f->canvas = bigger;
    return bigger;
}
