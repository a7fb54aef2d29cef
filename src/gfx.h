/*
 * gfx.h — the one place where the widget tree meets SDL: draws a tree with
 * an SDL_Renderer (a window's, or a software renderer on a surface for
 * headless runs) and saves screenshots.
 */
#ifndef FARO_GFX_H
#define FARO_GFX_H

#include "txt.h"
#include "ui.h"

struct SDL_Renderer;
struct SDL_Surface;
struct SDL_Window;

/* 1 when the video driver gives a window a plain framebuffer that SDL's
 * software renderer draws into without OpenGL (x11, offscreen, dummy);
 * 0 for drivers that have none (kmsdrm, wayland): there the framebuffer is
 * a texture of a GL(ES) renderer.  NULL counts as 0. */
int gfx_driver_has_framebuffer(const char *driver);

/* 1 when SDL_WaitEventTimeout really sleeps on this video driver (x11,
 * wayland, windows, cocoa); 0 where SDL 2.26 polls every millisecond
 * instead (kmsdrm, offscreen, dummy): there the loop sleeps in a waker
 * (waker.h).  NULL counts as 0. */
int gfx_driver_sleeps(const char *driver);

/* Creates the window's renderer the way its video driver allows: SDL's
 * software renderer on a plain framebuffer where the driver has one (no
 * Mesa loaded), else the software renderer over a GL-backed framebuffer,
 * else any renderer the driver offers.  Logs the choice.  Returns the
 * renderer (the caller destroys it) or NULL with err naming the driver
 * and SDL's reason. */
struct SDL_Renderer *gfx_window_renderer(struct SDL_Window *win, char *err, size_t errlen);

/* Clears and draws the whole tree (does not present).  A frame without a
 * QR code drops the one kept from earlier frames (a take-away payload is
 * not kept past the screens that show it).  Returns 0 or a negative
 * FARO_E* code when SDL fails (logged). */
int gfx_draw(struct SDL_Renderer *r, txt_ctx *txt, const ui_tree *t);

/* The same, with the article pictures of img (UI_IMAGE widgets): a
 * picture not decoded yet is an empty frame, one that cannot be shown a
 * frame with its alt text (img may be NULL: every picture is that). */
struct img_ctx;
int gfx_draw_img(struct SDL_Renderer *r, txt_ctx *txt, struct img_ctx *img, const ui_tree *t);

/* Drops what gfx keeps for a renderer (call before destroying it). */
void gfx_forget(void);

/* Overwrites what SDL keeps of handled input events (its free list holds
 * their entries whole, typed text included): call on the UI thread when a
 * visit ends.  Events still queued are kept.  Does nothing before SDL's
 * events are initialised. */
void gfx_forget_input(void);

/* Writes the renderer's current picture (w x h) to a PNG file.  Returns 0
 * or a negative FARO_E* code with err set. */
int gfx_save_png(struct SDL_Renderer *r, int w, int h, const char *path, char *err, size_t errlen);

#endif
