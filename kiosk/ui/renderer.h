/* renderer.h — which SDL renderer fits this PC, and why.
 *
 * A kiosk PC often has no GPU driver: its only OpenGL is Mesa's software
 * rasteriser (llvmpipe, softpipe, swrast).  SDL's accelerated renderer then
 * runs OpenGL in software on the CPU, which costs hundreds of milliseconds
 * at start-up, about 100 MB of memory and more CPU per frame than SDL's
 * own software renderer.  So, unless kiosk.conf says otherwise ([display]
 * renderer), the kiosk uses the GPU only when there is a real one, and
 * otherwise SDL's software path end to end (SDL_FRAMEBUFFER_ACCELERATION
 * off, so the window surface is not put on GL either).  The choice and the
 * reason are logged. */
#ifndef KIOSK_RENDERER_H
#define KIOSK_RENDERER_H

#include <SDL.h>
#include <stdbool.h>

#include "config.h"
#include "err.h"

/* Whether an OpenGL GL_RENDERER string names a software rasteriser. */
bool renderer_gl_is_software(const char *gl_renderer);

/* Creates the renderer of win as `choice` says (auto: probe the GPU);
 * NULL and Err when none can be made.  `why` receives the reason logged. */
SDL_Renderer *renderer_create(SDL_Window *win, RendererChoice choice, bool headless, char *why, size_t why_size,
                              Err *err);

#endif
