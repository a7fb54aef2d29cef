/*
 * mdoc.h — an article's Markdown turned into blocks the reader screen lays
 * out: headings, paragraphs, list items (with depth and number), quotes and
 * rules, each a plain UTF-8 string with its bold ranges; images as blocks
 * of their own (an image inside a paragraph splits it); plus the list of
 * links the article makes, which the reader shows as large buttons.
 */
#ifndef FARO_MDOC_H
#define FARO_MDOC_H

#include <stddef.h>
#include "txt.h"

enum mdoc_kind { MDOC_H1 = 1, MDOC_H2, MDOC_H3, MDOC_P, MDOC_LI, MDOC_QUOTE, MDOC_HR,
                 MDOC_IMAGE      /* text is the alt text; src and title are set */
};

typedef struct mdoc_block {
    int kind;
    int depth;          /* list nesting, 1 for a top-level item */
    int ordinal;        /* number of an ordered list item, 0 for bullets */
    char *text;         /* NUL-terminated UTF-8 */
    txt_mark *bold;     /* bold byte ranges within text (strong and links) */
    int nbold;
    int cont;           /* 1: the rest of the list item before it (an image came between) */
    char *src;          /* MDOC_IMAGE: "media/x.png"; NULL otherwise */
    char *title;        /* MDOC_IMAGE: its title (the caption), "" when none */
} mdoc_block;

typedef struct mdoc_link {
    char *target;       /* e.g. "faro:article/smuggling" */
    char *label;        /* the link's text */
} mdoc_link;

typedef struct mdoc {
    mdoc_block *blocks;
    int nblocks;
    mdoc_link *links;
    int nlinks;
} mdoc;

/*
 * Parses Markdown (len bytes) with md4c.  Returns a document (free with
 * mdoc_free) or NULL when out of memory or the input exceeds
 * FARO_MAX_FILE_BYTES.  Never fails on odd Markdown: unknown constructs
 * become paragraphs or are dropped (raw HTML is ignored).
 */
mdoc *mdoc_parse(const char *markdown, size_t len);
void mdoc_free(mdoc *d);

#endif
