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

/* Clears and draws the whole tree (does not present).  Returns 0 or a
 * negative FARO_E* code when SDL fails (logged). */
int gfx_draw(struct SDL_Renderer *r, txt_ctx *txt, const ui_tree *t);

/* Drops what gfx keeps for a renderer (call before destroying it). */
void gfx_forget(void);

/* Writes the renderer's current picture (w x h) to a PNG file.  Returns 0
 * or a negative FARO_E* code with err set. */
int gfx_save_png(struct SDL_Renderer *r, int w, int h, const char *path, char *err, size_t errlen);

#endif
