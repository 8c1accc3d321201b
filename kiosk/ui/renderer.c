#include "renderer.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define GL_RENDERER_NAME 0x1F01 /* GL_RENDERER, without pulling in the GL headers */

bool renderer_gl_is_software(const char *gl_renderer)
{
    static const char *const software[] = {"llvmpipe", "softpipe", "swrast", "software rasterizer", "lavapipe"};
    if (!gl_renderer) return true;
    for (size_t i = 0; i < sizeof software / sizeof software[0]; i++)
        if (strcasestr(gl_renderer, software[i])) return true;
    return false;
}

/* A GPU the kernel drives shows as a render node; with none, there is
 * nothing to probe. */
static bool has_render_node(void)
{
    DIR *d = opendir("/dev/dri");
    if (!d) return false;
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));) found = strncmp(e->d_name, "renderD", 7) == 0;
    closedir(d);
    return found;
}

/* The GL_RENDERER string of a throw-away context on a hidden window, or
 * "" when OpenGL does not start. */
static void probe_gl(char *name, size_t size)
{
    name[0] = '\0';
    SDL_Window *w = SDL_CreateWindow("probe", 0, 0, 16, 16, SDL_WINDOW_OPENGL | SDL_WINDOW_HIDDEN);
    if (!w) return;
    SDL_GLContext ctx = SDL_GL_CreateContext(w);
    if (ctx) {
        typedef const unsigned char *(*GetString)(unsigned int);
        GetString get = (GetString)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
        const unsigned char *s = get ? get(GL_RENDERER_NAME) : NULL;
        snprintf(name, size, "%s", s ? (const char *)s : "");
        SDL_GL_DeleteContext(ctx);
    }
    SDL_DestroyWindow(w);
}

/* Decides between GPU and software; the reason goes to why. */
static bool want_gpu(RendererChoice choice, bool headless, char *why, size_t size)
{
    if (headless) return snprintf(why, size, "headless runs draw in software") < 0;
    if (choice == RENDERER_SOFTWARE) return snprintf(why, size, "kiosk.conf says renderer = software") < 0;
    if (choice == RENDERER_GPU) return snprintf(why, size, "kiosk.conf says renderer = gpu") >= 0;
    if (!has_render_node()) return snprintf(why, size, "no GPU (no /dev/dri/renderD*)") < 0;
    char gl[128];
    probe_gl(gl, sizeof gl);
    if (!gl[0]) return snprintf(why, size, "OpenGL does not start (%s)", SDL_GetError()) < 0;
    if (renderer_gl_is_software(gl)) return snprintf(why, size, "OpenGL is a software rasteriser (%s)", gl) < 0;
    return snprintf(why, size, "GPU: %s", gl) >= 0;
}

SDL_Renderer *renderer_create(SDL_Window *win, RendererChoice choice, bool headless, char *why, size_t why_size,
                              Err *err)
{
    bool gpu = want_gpu(choice, headless, why, why_size);
    SDL_Renderer *r = NULL;
    if (gpu) {
        r = SDL_CreateRenderer(win, -1,
                               SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC | SDL_RENDERER_TARGETTEXTURE);
        if (!r) {
            size_t used = strlen(why);
            snprintf(why + used, why_size - used, "; the GPU renderer failed (%s)", SDL_GetError());
        }
    }
    if (!r) {
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE);
    }
    if (!r) {
        err_set(err, "cannot draw in the window: %s", SDL_GetError());
        return NULL;
    }
    SDL_RendererInfo info;
    SDL_GetRendererInfo(r, &info);
    log_info("renderer: %s, because %s", info.name, why);
    return r;
}
