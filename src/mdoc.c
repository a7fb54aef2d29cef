/*
 * mdoc.c — md4c callbacks that collect an article into flat blocks.
 *
 * md4c reports nested blocks and spans; the reader only needs a flat list
 * of text blocks with bold ranges, so leaf blocks (H, P, LI text, CODE)
 * accumulate text into one growing buffer and each close turns it into a
 * block.  A paragraph inside a list item continues the item.  Links are
 * drawn bold in the text and collected so the screen can offer them as
 * buttons.  An image ends the block it sits in and becomes an MDOC_IMAGE
 * block (alt text, source, title); the text after it starts a new block
 * of the same kind.
 */
#include "mdoc.h"
#include "faro.h"

#include <md4c.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf { char *p; size_t len, cap; } buf;

typedef struct builder {
    mdoc *doc;
    size_t cap_blocks, cap_links;
    buf text;
    txt_mark *bold;
    int nbold, cap_bold, bold_start, in_block, kind;
    int list_depth, ordinal[16], ordered[16], li_pending, li_cont;
    int in_img, link_start, oom, img_kind;
    char *link_target;
    buf alt;
    char *img_src, *img_title;
} builder;

static int buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static void add_bold(builder *b, int start, int end)
{
    if (end <= start)
        return;
    size_t cap = b->cap_bold;
    if (grow((void **)&b->bold, &cap, b->nbold + 1, sizeof *b->bold)) {
        b->oom = 1;
        return;
    }
    b->cap_bold = (int)cap;
    b->bold[b->nbold++] = (txt_mark){ start, end };
}

static void start_block(builder *b, int kind)
{
    b->text.len = 0;
    if (b->text.p)
        b->text.p[0] = 0;
    b->nbold = 0;
    b->in_block = 1;
    b->kind = kind;
}

/* Trims trailing spaces and turns the text into a block (empty text is dropped). */
static void end_block(builder *b)
{
    mdoc *d = b->doc;
    b->in_block = 0;
    while (b->text.len && b->text.p[b->text.len - 1] == ' ')
        b->text.p[--b->text.len] = 0;
    if (b->text.len == 0 && b->kind != MDOC_HR)
        return;
    if (grow((void **)&d->blocks, &b->cap_blocks, d->nblocks + 1, sizeof *d->blocks)) {
        b->oom = 1;
        return;
    }
    mdoc_block *blk = &d->blocks[d->nblocks];
    memset(blk, 0, sizeof *blk);
    blk->kind = b->kind;
    blk->depth = b->kind == MDOC_LI ? b->list_depth : 0;
    blk->ordinal = (b->kind == MDOC_LI && b->list_depth > 0 && b->list_depth <= 16 &&
                    b->ordered[b->list_depth - 1]) ? b->ordinal[b->list_depth - 1] : 0;
    blk->cont = b->kind == MDOC_LI && b->li_cont;
    blk->text = strndup(b->text.p ? b->text.p : "", b->text.len);
    if (b->nbold) {
        blk->bold = malloc(b->nbold * sizeof *blk->bold);
        if (blk->bold)
            memcpy(blk->bold, b->bold, b->nbold * sizeof *blk->bold);
        blk->nbold = blk->bold ? b->nbold : 0;
    }
    if (!blk->text) {
        free(blk->bold);
        b->oom = 1;
        return;
    }
    d->nblocks++;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    builder *b = ud;
    int depth = b->list_depth;
    switch (type) {
    case MD_BLOCK_H: {
        unsigned level = ((MD_BLOCK_H_DETAIL *)detail)->level;
        start_block(b, level <= 1 ? MDOC_H1 : level == 2 ? MDOC_H2 : MDOC_H3);
        break;
    }
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (b->in_block)
            end_block(b);
        if (depth < 16) {
            b->ordered[depth] = type == MD_BLOCK_OL;
            b->ordinal[depth] = type == MD_BLOCK_OL ? (int)((MD_BLOCK_OL_DETAIL *)detail)->start - 1 : 0;
        }
        b->list_depth++;
        break;
    case MD_BLOCK_LI:
        if (depth > 0 && depth <= 16)
            b->ordinal[depth - 1]++;
        b->li_cont = 0;
        start_block(b, MDOC_LI);
        break;
    case MD_BLOCK_P:
        if (!(b->in_block && b->kind == MDOC_LI && b->text.len == 0))
            start_block(b, b->kind == MDOC_QUOTE && b->in_block ? MDOC_QUOTE : MDOC_P);
        break;
    case MD_BLOCK_QUOTE:
        start_block(b, MDOC_QUOTE);
        b->in_block = 1;
        break;
    case MD_BLOCK_HR:
        start_block(b, MDOC_HR);
        break;
    case MD_BLOCK_CODE:
    case MD_BLOCK_TD:
    case MD_BLOCK_TH:
        start_block(b, MDOC_P);
        break;
    default:
        break;
    }
    return b->oom;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    builder *b = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        b->list_depth--;
        break;
    case MD_BLOCK_H: case MD_BLOCK_LI: case MD_BLOCK_P: case MD_BLOCK_HR:
    case MD_BLOCK_CODE: case MD_BLOCK_TD: case MD_BLOCK_TH: case MD_BLOCK_QUOTE:
        if (b->in_block)
            end_block(b);
        break;
    default:
        break;
    }
    return b->oom;
}

static char *attr_dup(const MD_ATTRIBUTE *a)
{
    return strndup(a->text ? a->text : "", a->text ? a->size : 0);
}

static void add_link(builder *b, int start)
{
    mdoc *d = b->doc;
    if (!b->link_target)
        return;
    if (grow((void **)&d->links, &b->cap_links, d->nlinks + 1, sizeof *d->links)) {
        b->oom = 1;
        return;
    }
    d->links[d->nlinks].target = b->link_target;
    d->links[d->nlinks].label = strndup(b->text.p ? b->text.p + start : "", b->text.len - start);
    b->link_target = NULL;
    if (!d->links[d->nlinks].label) {
        free(d->links[d->nlinks].target);
        b->oom = 1;
        return;
    }
    d->nlinks++;
}

/* An image: the block so far is done; the alt text is collected apart. */
static void enter_image(builder *b, const MD_SPAN_IMG_DETAIL *d)
{
    if (b->in_img++)
        return;
    int before = b->doc->nblocks;
    b->img_kind = b->in_block ? b->kind : 0;
    if (b->in_block)
        end_block(b);
    /* the item's mark was drawn already when its text before the image was */
    b->li_cont = b->img_kind == MDOC_LI && (b->li_cont || b->doc->nblocks > before);
    b->alt.len = 0;
    free(b->img_src);
    free(b->img_title);
    b->img_src = attr_dup(&d->src);
    b->img_title = attr_dup(&d->title);
    if (!b->img_src || !b->img_title)
        b->oom = 1;
}

/* The image block, then the text after it continues a block of the same kind. */
static void leave_image(builder *b)
{
    if (--b->in_img || b->oom)
        return;
    start_block(b, MDOC_IMAGE);
    if (b->alt.len && buf_add(&b->text, b->alt.p, b->alt.len))
        b->oom = 1;
    mdoc *d = b->doc;
    int n = d->nblocks;
    b->kind = MDOC_IMAGE;
    end_block(b);
    if (d->nblocks == n) {              /* no alt text: still a block */
        if (grow((void **)&d->blocks, &b->cap_blocks, d->nblocks + 1, sizeof *d->blocks)) {
            b->oom = 1;
            return;
        }
        memset(&d->blocks[n], 0, sizeof d->blocks[n]);
        d->blocks[n].kind = MDOC_IMAGE;
        d->blocks[n].text = strdup("");
        d->nblocks += d->blocks[n].text != NULL;
    }
    if (d->nblocks > n) {
        d->blocks[n].src = b->img_src;
        d->blocks[n].title = b->img_title;
        b->img_src = b->img_title = NULL;
    }
    if (b->img_kind)
        start_block(b, b->img_kind);
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    builder *b = ud;
    if (type == MD_SPAN_STRONG)
        b->bold_start = (int)b->text.len;
    else if (type == MD_SPAN_A) {
        free(b->link_target);
        b->link_target = attr_dup(&((MD_SPAN_A_DETAIL *)detail)->href);
        b->link_start = (int)b->text.len;
    } else if (type == MD_SPAN_IMG)
        enter_image(b, detail);
    return b->oom;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    builder *b = ud;
    (void)detail;
    if (type == MD_SPAN_STRONG)
        add_bold(b, b->bold_start, (int)b->text.len);
    else if (type == MD_SPAN_A) {
        add_bold(b, b->link_start, (int)b->text.len);
        add_link(b, b->link_start);
    } else if (type == MD_SPAN_IMG)
        leave_image(b);
    return b->oom;
}

static const char *entity(const MD_CHAR *t, MD_SIZE n)
{
    static const struct { const char *name, *utf8; } map[] = {
        { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
        { "&nbsp;", "\xc2\xa0" }, { "&apos;", "'" }, { "&shy;", "" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strlen(map[i].name) == n && !memcmp(map[i].name, t, n))
            return map[i].utf8;
    return "\xef\xbf\xbd";
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *t, MD_SIZE n, void *ud)
{
    builder *b = ud;
    int r = 0;
    if (b->in_img && type != MD_TEXT_HTML) {
        if (buf_add(&b->alt, t, n))
            b->oom = 1;
        return b->oom;
    }
    if (!b->in_block || type == MD_TEXT_HTML)
        return 0;
    if (type == MD_TEXT_SOFTBR)
        r = buf_add(&b->text, " ", 1);
    else if (type == MD_TEXT_BR)
        r = buf_add(&b->text, "\n", 1);
    else if (type == MD_TEXT_ENTITY) {
        const char *u = entity(t, n);
        r = buf_add(&b->text, u, strlen(u));
    } else if (type == MD_TEXT_NULLCHAR)
        r = buf_add(&b->text, "\xef\xbf\xbd", 3);
    else
        r = buf_add(&b->text, t, n);
    if (r)
        b->oom = 1;
    return b->oom;
}

mdoc *mdoc_parse(const char *markdown, size_t len)
{
    MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEAUTOLINKS,
        .enter_block = on_enter_block, .leave_block = on_leave_block,
        .enter_span = on_enter_span, .leave_span = on_leave_span,
        .text = on_text,
    };
    builder b;
    if (len > FARO_MAX_FILE_BYTES)
        return NULL;
    memset(&b, 0, sizeof b);
    b.doc = calloc(1, sizeof *b.doc);
    if (!b.doc)
        return NULL;
    int rc = md_parse(markdown, (MD_SIZE)len, &parser, &b);
    free(b.text.p);
    free(b.bold);
    free(b.link_target);
    free(b.alt.p);
    free(b.img_src);
    free(b.img_title);
    if (rc != 0 || b.oom) {
        mdoc_free(b.doc);
        return NULL;
    }
    return b.doc;
}

void mdoc_free(mdoc *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nblocks; i++) {
        free(d->blocks[i].text);
        free(d->blocks[i].bold);
        free(d->blocks[i].src);
        free(d->blocks[i].title);
    }
    for (int i = 0; i < d->nlinks; i++) {
        free(d->links[i].target);
        free(d->links[i].label);
    }
    free(d->blocks);
    free(d->links);
    free(d);
}
