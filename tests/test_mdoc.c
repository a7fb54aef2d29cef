/* test_mdoc.c — Markdown to blocks: headings, paragraphs, nested lists, bold, links, bad input. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "mdoc.h"

static void test_blocks(void)
{
    const char *md = "# Title\n\nA **bold** word and a [link](faro:article/x).\n\n"
                     "## Sub\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n\n---\n\n> quoted\n";
    mdoc *d = mdoc_parse(md, strlen(md));
    CHECK(d != NULL, "parsed");
    if (!d)
        return;
    CHECK(d->nblocks == 10, "10 blocks, got %d", d->nblocks);
    CHECK(d->blocks[0].kind == MDOC_H1, "h1");
    CHECK_STR(d->blocks[0].text, "Title");
    CHECK(d->blocks[1].kind == MDOC_P, "paragraph");
    CHECK_STR(d->blocks[1].text, "A bold word and a link.");
    CHECK(d->blocks[1].nbold == 2, "two bold ranges (strong and link)");
    CHECK(d->blocks[1].bold[0].start == 2 && d->blocks[1].bold[0].end == 6, "bold range");
    CHECK(d->blocks[3].kind == MDOC_LI && d->blocks[3].depth == 1, "list item");
    CHECK(d->blocks[5].kind == MDOC_LI && d->blocks[5].depth == 2, "nested item depth 2");
    CHECK_STR(d->blocks[5].text, "nested");
    CHECK(d->blocks[6].ordinal == 1 && d->blocks[7].ordinal == 2, "ordered numbers");
    CHECK(d->blocks[8].kind == MDOC_HR, "rule");
    CHECK(d->blocks[9].kind == MDOC_QUOTE, "quote");
    CHECK(d->nlinks == 1, "one link");
    CHECK_STR(d->links[0].target, "faro:article/x");
    CHECK_STR(d->links[0].label, "link");
    mdoc_free(d);
}

static void test_odd_input(void)
{
    const char *html = "<script>alert(1)</script>\n\nText &amp; more &bogus; ![img](media/a.png)\n";
    mdoc *d = mdoc_parse(html, strlen(html));
    CHECK(d != NULL, "raw HTML does not stop parsing");
    if (d) {
        CHECK(d->nblocks >= 2 && d->blocks[d->nblocks - 1].kind == MDOC_IMAGE, "the image is a block of its own");
        CHECK_CONTAINS(d->blocks[d->nblocks - 2].text, "Text & more");
        CHECK(strstr(d->blocks[d->nblocks - 2].text, "script") == NULL, "HTML dropped");
        mdoc_free(d);
    }
    /* truncated in the middle of a multibyte character and of emphasis */
    const char *cut = "**bold and caf\xc3";
    d = mdoc_parse(cut, strlen(cut));
    CHECK(d != NULL, "truncated input parses");
    mdoc_free(d);
    /* oversized input is refused, not parsed */
    size_t big = (4u << 20) + 1;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    CHECK(mdoc_parse(huge, big) == NULL, "oversized refused");
    free(huge);
    d = mdoc_parse("", 0);
    CHECK(d && d->nblocks == 0, "empty document");
    mdoc_free(d);
    mdoc_free(NULL);
}

int main(void)
{
    test_blocks();
    test_odd_input();
    return check_done();
}
