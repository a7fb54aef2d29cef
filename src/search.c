/*
 * search.c — the kiosk's own full-text index over every article and service.
 *
 * The index is a SQLite database the kiosk builds from the open store; packs
 * never carry one (FTS shadow tables arriving from outside would be attack
 * surface).  Its idea is to do the expensive things once, at build time, in
 * a custom FTS5 tokenizer, so that a query is a few index look-ups:
 *
 *  - the tokenizer ("faro") segments text into words with ICU's word break
 *    iterator, then folds each word: NFKC + case folding, NFD, combining
 *    accents and Arabic tashkeel/tatweel/hamza marks dropped, ٱ→ا ى→ي ة→ه
 *    (and Persian ی ک to Arabic), digits of any script to ASCII, NFC.  The
 *    same code folds the query, so "kreyol" meets "Kreyòl" and "اسرة" meets
 *    "أُسْرَة".  Apostrophes split words ("l'eau" is "l" "eau"); an Arabic
 *    word with the article ال is indexed with and without it.
 *  - Han and kana runs (no spaces between words) become one token per
 *    character plus, at the same position, one per pair of neighbours; a
 *    query of two or more characters becomes the phrase of its pairs, so
 *    any substring is found, and one character finds itself.
 *  - prefix indexes of 1 to 6 characters make every prefix the person
 *    types on the way to a word one look-up instead of a merge of the
 *    doclists of every term that starts with it.
 *  - rowids carry the language in their high bits (lang index << 32), so
 *    "the reader's language first" is a rowid range per language.
 *  - ranking is limited to what can be shown: per language, at most
 *    SEARCH_RANK_CAP matches are scored (bm25, title weighing most) and
 *    sorted.  When a language has more matches than that (a one-letter
 *    prefix), its title matches (capped too) come first, then the others:
 *    a short prefix never ranks the whole collection, and as the person
 *    types on, the matches fall under the cap and the order is exact.
 *  - marks (the matched words in a title or snippet) are found by running
 *    the same tokenizer over that one short text, and the snippet is the
 *    summary (or notes), cut around its first match when long.
 *
 * Tables: info(format, packs), langs(idx, tag), docs(kind, id, lang, title,
 * summary, body NULL) and the external-content fts5(title, summary, body).
 * Bodies are indexed (Markdown turned to plain text) but not stored.  The
 * query connection is read-only, locked once and memory-mapped.
 *
 * Invariants:
 *  1. An index whose info.packs equals the store's pack list (ids,
 *     versions and creation times in precedence order) and info.format equals SEARCH_FORMAT
 *     was completely built from those packs; any other index is rebuilt.
 *  2. A rebuild writes path.tmp and renames it over path: a power cut
 *     leaves the old index or none, never half of one.
 *  3. Queries never write: the file is opened read-only after building.
 */
#include "search.h"
#include "faro.h"
#include "fsio.h"
#include "intl.h"
#include "mdoc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#include <sqlite3.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define SEARCH_FORMAT      "2"          /* bump when the tokenizer or tables change */
#define SEARCH_MAX_LANGS   64           /* language buckets; more share the last one */
#define SEARCH_MAX_WORD    64           /* UTF-16 units of a word looked at */
#define SEARCH_FOLD_CAP    256          /* UTF-16 units of a folded word */
#define SEARCH_PACKS_LEN   (FARO_MAX_PACKS * (FARO_MAX_ID_LEN + 200))  /* id@version@hash list */
#define SEARCH_MMAP_BYTES  "268435456"  /* map up to 256 MB of the index file */
#define SEARCH_RANK_CAP    200          /* matches ranked per language and pass */
#define SEARCH_SNIPPET_BYTES 160        /* a longer summary is cut around its first match */
#define SEARCH_MAX_QTOKENS 32           /* query tokens used for marking */

#define INDEX_SQL \
    "CREATE TABLE info(key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
    "CREATE TABLE langs(idx INTEGER PRIMARY KEY, tag TEXT NOT NULL);" \
    "CREATE TABLE docs(rowid INTEGER PRIMARY KEY, kind INTEGER NOT NULL, id TEXT NOT NULL," \
    " lang TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT);" \
    "CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, content='docs'," \
    " content_rowid='rowid', tokenize='faro', prefix='1 2 3 4 5 6');"

/* Candidates of one language bucket, in rowid order, capped: ranking
 * (bm25, title weighing most) is done on these only. */
#define CANDIDATE_SQL \
    "SELECT rowid, bm25(fts, 10.0, 4.0, 1.0) FROM fts" \
    " WHERE fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 LIMIT ?4"

struct search_index {
    sqlite3 *db;
    struct tok *tok;            /* folds queries (NULL until the first one) */
    sqlite3_stmt *q_match, *q_doc;
    int rebuilt;
    int nlangs;
    char langs[SEARCH_MAX_LANGS][FARO_MAX_LANG_LEN + 1];   /* bucket i+1 */
    char path[4096];            /* "" for memory */
};


/* ================================================================ tokenizer */

/* One tokenizer: ICU's word iterator and the buffers it reuses. */
typedef struct tok {
    UBreakIterator *brk;
    const UNormalizer2 *nfkc_cf, *nfd, *nfc;
    UChar *u16;                 /* the text in UTF-16 */
    int *off;                   /* off[i]: byte offset of unit i (n + 1 entries) */
    int cap;
} tok;

/* Receives one token: text (UTF-8, len bytes), its byte range in the
 * input, and whether it shares the previous token's position. */
typedef int tok_emit_fn(void *ctx, int colocated, const char *text, int len,
                        int start, int end);

enum { TOK_DOCUMENT = 0, TOK_QUERY = 1 };

static void tok_free(tok *t)
{
    if (!t)
        return;
    ubrk_close(t->brk);
    free(t->u16);
    free(t->off);
    free(t);
}

static tok *tok_new(void)
{
    UErrorCode st = U_ZERO_ERROR;
    tok *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->brk = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    t->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    t->nfd = unorm2_getNFDInstance(&st);
    t->nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        tok_free(t);
        return NULL;
    }
    return t;
}

static int tok_reserve(tok *t, int n)
{
    if (n + 1 <= t->cap)
        return 0;
    int cap = t->cap ? t->cap : 1024;
    while (cap < n + 1)
        cap *= 2;
    UChar *u = realloc(t->u16, (size_t)cap * sizeof *u);
    if (u)
        t->u16 = u;
    int *o = realloc(t->off, (size_t)cap * sizeof *o);
    if (o)
        t->off = o;
    if (!u || !o)
        return -1;
    t->cap = cap;
    return 0;
}

/* Decodes UTF-8 into t->u16 (invalid bytes become U+FFFD, one per byte),
 * keeping each unit's byte offset.  Returns the number of units or -1. */
static int tok_decode(tok *t, const char *text, int len)
{
    const uint8_t *s = (const uint8_t *)text;
    int32_t i = 0, n = 0;
    if (tok_reserve(t, len + 1) < 0)
        return -1;
    while (i < len) {
        int32_t start = i;
        UChar32 cp;
        U8_NEXT(s, i, len, cp);
        if (cp < 0) {
            cp = 0xFFFD;
            i = start + 1;
        }
        t->off[n] = start;
        if (U_IS_SUPPLEMENTARY(cp)) {
            t->u16[n++] = U16_LEAD(cp);
            t->off[n] = start;
            t->u16[n++] = U16_TRAIL(cp);
        } else {
            t->u16[n++] = (UChar)cp;
        }
    }
    t->off[n] = len;
    return n;
}

/* Marks and letters the fold drops or maps (after NFD).  Returns the code
 * point to keep, or -1 to drop it. */
static int32_t fold_char(UChar32 c)
{
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
        (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
        (c >= 0xFE20 && c <= 0xFE2F))
        return -1;                              /* Latin, Greek, Cyrillic accents */
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 ||
        (c >= 0x0610 && c <= 0x061A) || (c >= 0x06D6 && c <= 0x06ED && c != 0x06E5 &&
                                         c != 0x06E6 && c != 0x06E9))
        return -1;                              /* tashkeel, hamza marks, tatweel */
    switch (c) {
    case 0x0671: return 0x0627;                 /* alef wasla -> alef */
    case 0x0649: return 0x064A;                 /* alef maksura -> ya */
    case 0x06CC: return 0x064A;                 /* Persian ya -> ya */
    case 0x0629: return 0x0647;                 /* ta marbuta -> ha */
    case 0x06A9: return 0x0643;                 /* Persian kaf -> kaf */
    default: break;
    }
    if (c > 0x7F && u_charType(c) == U_DECIMAL_DIGIT_NUMBER)
        return '0' + u_charDigitValue(c);
    return c;
}

/* The fold of src[0..n) without ICU for plain ASCII: lower case. */
static int fold_ascii(const UChar *src, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        if (src[i] >= 0x80)
            return -1;
        out[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    }
    return n;
}

/* Folds one word (see the opening comment) into out as UTF-8; returns its
 * length (0 when nothing is left) or -1. */
static int fold_word(const tok *t, const UChar *src, int n, char *out, int outcap)
{
    UChar a[SEARCH_FOLD_CAP], b[SEARCH_FOLD_CAP];
    UErrorCode st = U_ZERO_ERROR;
    int32_t len, k = 0, i = 0;
    if (n > SEARCH_MAX_WORD)
        n = U16_IS_LEAD(src[SEARCH_MAX_WORD - 1]) ? SEARCH_MAX_WORD - 1 : SEARCH_MAX_WORD;
    if ((len = fold_ascii(src, n, out)) >= 0)
        return len;
    len = unorm2_normalize(t->nfkc_cf, src, n, a, SEARCH_FOLD_CAP, &st);
    len = unorm2_normalize(t->nfd, a, len, b, SEARCH_FOLD_CAP, &st);
    if (U_FAILURE(st))
        return -1;
    while (i < len) {
        UChar32 c;
        U16_NEXT(b, i, len, c);
        int32_t m = fold_char(c);
        if (m >= 0)
            U16_APPEND_UNSAFE(a, k, m);
    }
    len = unorm2_normalize(t->nfc, a, k, b, SEARCH_FOLD_CAP, &st);
    u_strToUTF8(out, outcap, &k, b, len, &st);
    return U_FAILURE(st) || k >= outcap ? -1 : k;
}

/* Emits the word u16[s..e) as one token (nothing when it folds to "").
 * In documents an Arabic word with the article ال is also indexed without
 * it, at the same position, so "اسرة" finds "الأسرة". */
static int emit_word(tok *t, int s, int e, int colocated, int mode, tok_emit_fn *emit,
                     void *ctx)
{
    static const char al[] = "\xD8\xA7\xD9\x84";     /* ال */
    char buf[SEARCH_FOLD_CAP * 3];
    int n = fold_word(t, t->u16 + s, e - s, buf, (int)sizeof buf), rc;
    if (n <= 0)
        return 0;
    rc = emit(ctx, colocated, buf, n, t->off[s], t->off[e]);
    if (rc == 0 && mode == TOK_DOCUMENT && n >= 8 && memcmp(buf, al, 4) == 0)
        rc = emit(ctx, 1, buf + 4, n - 4, t->off[s], t->off[e]);
    return rc;
}

static int is_apostrophe(UChar c)
{
    return c == '\'' || c == 0x2019;
}

/* A letter or number word: apostrophes split it ("l'eau" -> l, eau). */
static int emit_letters(tok *t, int s, int e, int mode, tok_emit_fn *emit, void *ctx)
{
    int rc = 0, start = s;
    for (int i = s; i <= e && rc == 0; i++)
        if (i == e || is_apostrophe(t->u16[i])) {
            if (i > start)
                rc = emit_word(t, start, i, 0, mode, emit, ctx);
            start = i + 1;
        }
    return rc;
}

/* A Han/kana run: in documents every character, with the pair it starts
 * at the same position first; in queries the pairs (or the one character). */
static int emit_cjk(tok *t, int s, int e, int mode, tok_emit_fn *emit, void *ctx)
{
    int cps[SEARCH_MAX_WORD + 1], n = 0, i = s, rc = 0;
    while (i < e && n < SEARCH_MAX_WORD) {
        cps[n++] = i;
        U16_FWD_1(t->u16, i, e);
    }
    cps[n] = i;
    for (int k = 0; k < n && rc == 0; k++) {
        int pair = k + 1 < n;
        if (mode == TOK_QUERY) {
            if (pair || n == 1)
                rc = emit_word(t, cps[k], cps[k + (pair ? 2 : 1)], 0, mode, emit, ctx);
            continue;
        }
        if (pair)
            rc = emit_word(t, cps[k], cps[k + 2], 0, mode, emit, ctx);
        if (rc == 0)
            rc = emit_word(t, cps[k], cps[k + 1], pair, mode, emit, ctx);
    }
    return rc;
}

static int is_cjk_status(int status)
{
    return status >= UBRK_WORD_KANA && status < UBRK_WORD_IDEO_LIMIT;
}

/* Tokenizes UTF-8 text; emit returns non-zero to stop (returned as is). */
static int tok_run(tok *t, int mode, const char *text, int len, tok_emit_fn *emit, void *ctx)
{
    UErrorCode st = U_ZERO_ERROR;
    int n = tok_decode(t, text, len), rc = 0, cjk_start = -1, prev_end = 0;
    if (n < 0)
        return SQLITE_NOMEM;
    ubrk_setText(t->brk, t->u16, n, &st);
    if (U_FAILURE(st))
        return SQLITE_ERROR;
    for (int32_t s = ubrk_first(t->brk), e; rc == 0 && (e = ubrk_next(t->brk)) != UBRK_DONE; s = e) {
        int status = ubrk_getRuleStatus(t->brk);
        if (cjk_start >= 0 && (!is_cjk_status(status) || s != prev_end)) {
            rc = emit_cjk(t, cjk_start, prev_end, mode, emit, ctx);
            cjk_start = -1;
        }
        if (rc || status < UBRK_WORD_NONE_LIMIT)
            continue;
        if (is_cjk_status(status)) {
            if (cjk_start < 0)
                cjk_start = s;
            prev_end = e;
        } else {
            rc = emit_letters(t, s, e, mode, emit, ctx);
        }
    }
    if (rc == 0 && cjk_start >= 0)
        rc = emit_cjk(t, cjk_start, prev_end, mode, emit, ctx);
    return rc;
}

/* Zeroes the tokenizer's buffers: after a query they hold what the
 * person typed (the break iterator only points into them). */
static void tok_wipe(tok *t)
{
    if (t && t->cap) {
        explicit_bzero(t->u16, (size_t)t->cap * sizeof *t->u16);
        explicit_bzero(t->off, (size_t)t->cap * sizeof *t->off);
    }
}

/* ---- the FTS5 side ---- */

typedef struct fts_call {
    void *ctx;
    int (*token)(void *, int, const char *, int, int, int);
} fts_call;

static int fts_emit(void *ctx, int colocated, const char *text, int len, int start, int end)
{
    fts_call *c = ctx;
    return c->token(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, text, len, start, end);
}

static int fts_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    tok *t = tok_new();
    *out = (Fts5Tokenizer *)t;
    return t ? SQLITE_OK : SQLITE_NOMEM;
}

static void fts_delete(Fts5Tokenizer *t)
{
    tok_free((tok *)t);
}

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
                        int (*token)(void *, int, const char *, int, int, int))
{
    fts_call c = { ctx, token };
    int mode = (flags & FTS5_TOKENIZE_QUERY) ? TOK_QUERY : TOK_DOCUMENT;
    int rc = tok_run((tok *)t, mode, text ? text : "", text ? len : 0, fts_emit, &c);
    if (mode == TOK_QUERY)
        tok_wipe((tok *)t);             /* a MATCH expression: what the person typed */
    return rc;
}

/* Registers the "faro" tokenizer on db. */
static int register_tokenizer(sqlite3 *db)
{
    static fts5_tokenizer methods = { fts_create, fts_delete, fts_tokenize };
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (!api)
        return -1;
    return api->xCreateTokenizer(api, "faro", NULL, &methods, NULL) == SQLITE_OK ? 0 : -1;
}

/* ---- search_tokens ---- */

typedef struct text_out {
    char *buf;
    size_t len, cap;
    int n;
} text_out;

static int collect_token(void *ctx, int colocated, const char *text, int len, int start, int end)
{
    text_out *o = ctx;
    size_t need = (size_t)len + (o->n ? 1 : 0);
    if (o->len + need < o->cap) {
        if (o->n)
            o->buf[o->len++] = colocated ? '|' : ' ';
        memcpy(o->buf + o->len, text, (size_t)len);
        o->len += (size_t)len;
        o->buf[o->len] = '\0';
    }
    o->n++;
    return 0;
}

int search_tokens(const char *text, char *out, size_t outlen)
{
    text_out o = { out, 0, outlen, 0 };
    tok *t;
    int rc;
    if (!text || !out || outlen == 0)
        return FARO_EINVAL;
    out[0] = '\0';
    if (!(t = tok_new()))
        return FARO_ENOMEM;
    rc = tok_run(t, TOK_DOCUMENT, text, (int)strlen(text), collect_token, &o);
    tok_free(t);
    return rc ? FARO_ENOMEM : o.n;
}

/* ================================================================ building */

typedef struct builder {
    sqlite3 *db;
    sqlite3_stmt *ins_doc, *ins_fts;
    int nlangs;
    char langs[SEARCH_MAX_LANGS][FARO_MAX_LANG_LEN + 1];
    sqlite3_int64 seq[SEARCH_MAX_LANGS + 1];
    text_out body;              /* plain text of the current body */
    int oom;                    /* memory ran out */
    int failed;                 /* a callback stopped the walk (err not yet set) */
} builder;

/* Bucket (1..SEARCH_MAX_LANGS) of a language tag, added when new. */
static int lang_bucket(builder *b, const char *lang)
{
    int i;
    for (i = 0; i < b->nlangs; i++)
        if (strcasecmp(b->langs[i], lang) == 0)
            return i + 1;
    if (b->nlangs == SEARCH_MAX_LANGS)
        return SEARCH_MAX_LANGS;
    snprintf(b->langs[b->nlangs], sizeof b->langs[0], "%s", lang);
    return ++b->nlangs;
}

/* Appends s to the body text, control characters (and so the snippet
 * markers) turned into spaces. */
static void body_put(builder *b, const char *s)
{
    size_t n = strlen(s);
    if (b->body.len + n + 2 > b->body.cap) {
        size_t cap = b->body.cap ? b->body.cap : 4096;
        while (cap < b->body.len + n + 2)
            cap *= 2;
        char *p = realloc(b->body.buf, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->body.buf = p;
        b->body.cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        b->body.buf[b->body.len++] = c < 0x20 && c != '\n' ? ' ' : (char)c;
    }
    b->body.buf[b->body.len++] = '\n';
    b->body.buf[b->body.len] = '\0';
}

static void body_reset(builder *b)
{
    b->body.len = 0;
    if (b->body.buf)
        b->body.buf[0] = '\0';
}

/* A copy of s with control characters as spaces (malloc'd, NULL on OOM). */
static char *clean_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n')
            *p = ' ';
    return d;
}

/* Inserts one document: docs row and its index entry. */
static int add_doc(builder *b, int kind, const char *id, const char *lang,
                   const char *title, const char *summary)
{
    int bucket = lang_bucket(b, lang);
    sqlite3_int64 rowid = ((sqlite3_int64)bucket << 32) | ++b->seq[bucket];
    char *t = clean_dup(title), *s = clean_dup(summary);
    int rc = SQLITE_NOMEM;
    if (t && s && !b->oom) {
        sqlite3_bind_int64(b->ins_doc, 1, rowid);
        sqlite3_bind_int(b->ins_doc, 2, kind);
        sqlite3_bind_text(b->ins_doc, 3, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(b->ins_doc, 4, lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(b->ins_doc, 5, t, -1, SQLITE_STATIC);
        sqlite3_bind_text(b->ins_doc, 6, s, -1, SQLITE_STATIC);
        rc = sqlite3_step(b->ins_doc);
        sqlite3_reset(b->ins_doc);
    }
    if (rc == SQLITE_DONE) {
        sqlite3_bind_int64(b->ins_fts, 1, rowid);
        sqlite3_bind_text(b->ins_fts, 2, t, -1, SQLITE_STATIC);
        sqlite3_bind_text(b->ins_fts, 3, s, -1, SQLITE_STATIC);
        sqlite3_bind_text(b->ins_fts, 4, b->body.buf ? b->body.buf : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(b->ins_fts);
        sqlite3_reset(b->ins_fts);
    }
    free(t);
    free(s);
    if (rc == SQLITE_DONE)
        return 0;
    b->failed = 1;
    if (rc == SQLITE_NOMEM)
        b->oom = 1;
    return b->oom ? FARO_ENOMEM : FARO_ESQL;
}

static int add_article(void *user, const struct store_article *a)
{
    builder *b = user;
    mdoc *d = mdoc_parse(a->body, strlen(a->body));
    body_reset(b);
    for (int i = 0; d && i < d->nblocks; i++)
        body_put(b, d->blocks[i].text);
    mdoc_free(d);
    if (!d && a->body[0])
        b->oom = 1;
    return add_doc(b, SEARCH_ARTICLE, a->id, a->lang, a->title, a->summary);
}

/* Country names of a ';' list (or one code) in lang, into the body. */
static void put_countries(builder *b, const char *list, const char *lang)
{
    char code[8], name[128];
    while (*list) {
        size_t n = strcspn(list, ";");
        if (n > 0 && n < sizeof code) {
            memcpy(code, list, n);
            code[n] = '\0';
            if (strcmp(code, "*") != 0 && intl_country_name(code, lang, name, sizeof name) > 0)
                body_put(b, name);
        }
        list += n + (list[n] == ';');
    }
}

static int add_service(void *user, const struct store_service *v)
{
    builder *b = user;
    const char *lang = v->lang[0] ? v->lang : "en";
    body_reset(b);
    body_put(b, v->city);
    body_put(b, v->region);
    body_put(b, v->address);
    put_countries(b, v->country, lang);
    put_countries(b, v->nationalities, lang);
    body_put(b, v->phones);
    body_put(b, v->messaging);
    return add_doc(b, SEARCH_SERVICE, v->id, v->lang, v->name, v->notes);
}

/* "id@version@created,..." of the store's packs, in precedence order (a
 * rebuilt pack with the same version, as in development, counts as new). */
static int packs_signature(store *st, char *sig, size_t len, char *err, size_t errlen)
{
    store_result *r = NULL;
    size_t used = 0;
    int rc = store_packs(st, NULL, &r, err, errlen);
    if (rc < 0)
        return rc;
    sig[0] = '\0';
    for (int i = 0; i < r->n && used < len; i++)
        used += (size_t)snprintf(sig + used, len - used, "%s%s@%ld@%.40s", i ? "," : "",
                                 r->u.packs[i].id, r->u.packs[i].version,
                                 r->u.packs[i].created);
    store_result_free(r);
    if (used >= len)
        return faro_fail(err, errlen, FARO_ELIMIT, "search: pack list too long");
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Records the formats, the packs and the language buckets. */
static int write_info(builder *b, const char *sig)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, "INSERT INTO info VALUES('format', ?1), ('packs', ?2)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, SEARCH_FORMAT, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(b->db, "INSERT INTO langs VALUES(?1, ?2)", -1, &st, NULL);
    for (int i = 0; rc == SQLITE_OK && i < b->nlangs; i++) {
        sqlite3_bind_int(st, 1, i + 1);
        sqlite3_bind_text(st, 2, b->langs[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Fills an empty database with the index of every text in the store. */
static int fill_index(sqlite3 *db, store *st, const char *sig, char *err, size_t errlen)
{
    builder b = { .db = db };
    int rc = 0;
    if (exec(db, "BEGIN") || exec(db, INDEX_SQL) ||
        sqlite3_prepare_v2(db, "INSERT INTO docs VALUES(?1, ?2, ?3, ?4, ?5, ?6, NULL)", -1,
                           &b.ins_doc, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, title, summary, body)"
                           " VALUES(?1, ?2, ?3, ?4)", -1, &b.ins_fts, NULL) != SQLITE_OK)
        rc = faro_fail(err, errlen, FARO_ESQL, "search: %s", sqlite3_errmsg(db));
    if (rc == 0 && ((rc = store_each_article_text(st, add_article, &b, err, errlen)) != 0 ||
                    (rc = store_each_service_text(st, add_service, &b, err, errlen)) != 0))
        rc = b.failed ? faro_fail(err, errlen, rc, "search: %s",
                             b.oom ? "out of memory" : sqlite3_errmsg(db)) : rc;
    if (rc == 0 && (write_info(&b, sig) || exec(db, "INSERT INTO fts(fts) VALUES('optimize')") ||
                    exec(db, "COMMIT")))
        rc = faro_fail(err, errlen, FARO_ESQL, "search: %s", sqlite3_errmsg(db));
    sqlite3_finalize(b.ins_doc);
    sqlite3_finalize(b.ins_fts);
    free(b.body.buf);
    if (rc)
        exec(db, "ROLLBACK");
    return rc;
}

/* Opens a connection with the tokenizer registered. */
static int open_db(const char *path, int flags, sqlite3 **db, char *err, size_t errlen)
{
    if (sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = faro_fail(err, errlen, FARO_EIO, "search: %s: %s", path,
                      *db ? sqlite3_errmsg(*db) : "out of memory");
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    if (register_tokenizer(*db) < 0) {
        sqlite3_close(*db);
        *db = NULL;
        return faro_fail(err, errlen, FARO_ESQL, "search: SQLite has no FTS5");
    }
    return 0;
}

/* Builds the index into path.tmp, then puts it in place (fsio_commit). */
static int build_file(const char *path, store *st, const char *sig, char *err, size_t errlen)
{
    char tmp[4200];
    sqlite3 *db = NULL;
    int rc;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    if ((rc = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db, err, errlen)))
        return rc;
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
    rc = fill_index(db, st, sig, err, errlen);
    sqlite3_close(db);
    if (rc) {
        unlink(tmp);
        return rc;
    }
    return fsio_commit(tmp, path, err, errlen);
}

/* ================================================================ opening */

/* info.format and info.packs match: the index is up to date. */
static int index_matches(sqlite3 *db, const char *sig)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "SELECT (SELECT value FROM info WHERE key = 'format') = ?1"
                           " AND (SELECT value FROM info WHERE key = 'packs') = ?2",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, SEARCH_FORMAT, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    }
    sqlite3_finalize(st);
    return ok;
}

/* Reads the language buckets and prepares the queries of a built index. */
static int attach_db(search_index *ix, sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    ix->nlangs = 0;
    /* sorter in memory; the file mapped (read without copies) and locked
     * once for the connection, not once per statement */
    exec(db, "PRAGMA temp_store=MEMORY; PRAGMA locking_mode=EXCLUSIVE;"
         " PRAGMA mmap_size=" SEARCH_MMAP_BYTES);
    if (sqlite3_prepare_v2(db, "SELECT idx, tag FROM langs ORDER BY idx", -1, &st, NULL))
        goto sql_error;
    while (sqlite3_step(st) == SQLITE_ROW && ix->nlangs < SEARCH_MAX_LANGS)
        snprintf(ix->langs[ix->nlangs++], sizeof ix->langs[0], "%s",
                 (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v3(db, CANDIDATE_SQL, -1, SQLITE_PREPARE_PERSISTENT, &ix->q_match,
                           NULL) ||
        sqlite3_prepare_v3(db, "SELECT kind, id, lang, title, summary FROM docs WHERE rowid = ?1",
                           -1,
                           SQLITE_PREPARE_PERSISTENT, &ix->q_doc, NULL))
        goto sql_error;
    ix->db = db;
    return 0;
sql_error:
    faro_fail(err, errlen, FARO_ESQL, "search: %s", sqlite3_errmsg(db));
    sqlite3_finalize(ix->q_match);
    sqlite3_finalize(ix->q_doc);
    ix->q_match = ix->q_doc = NULL;
    return FARO_ESQL;
}

static void detach_db(search_index *ix)
{
    sqlite3_finalize(ix->q_match);
    sqlite3_finalize(ix->q_doc);
    sqlite3_close(ix->db);
    ix->q_match = ix->q_doc = NULL;
    ix->db = NULL;
}

/* The file index, when it exists and matches sig; else NULL. */
static sqlite3 *open_current(const char *path, const char *sig)
{
    sqlite3 *db = NULL;
    char err[FARO_MAX_ERRLEN];
    if (access(path, R_OK) != 0 || open_db(path, SQLITE_OPEN_READONLY, &db, err, sizeof err))
        return NULL;
    if (!index_matches(db, sig)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Makes ix answer from an index of st's packs (sig), building one if needed. */
static int load(search_index *ix, store *st, const char *sig, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    int rc;
    ix->rebuilt = 0;
    if (ix->path[0] && (db = open_current(ix->path, sig)) != NULL)
        return attach_db(ix, db, err, errlen);
    ix->rebuilt = 1;
    if (ix->path[0]) {
        if ((rc = build_file(ix->path, st, sig, err, errlen)) ||
            (rc = open_db(ix->path, SQLITE_OPEN_READONLY, &db, err, errlen)))
            return rc;
    } else if ((rc = open_db(":memory:", SQLITE_OPEN_READWRITE, &db, err, errlen)) ||
               (rc = fill_index(db, st, sig, err, errlen))) {
        sqlite3_close(db);
        return rc;
    }
    if ((rc = attach_db(ix, db, err, errlen)))
        sqlite3_close(db);
    return rc;
}

search_index *search_open(const char *path, store *st, char *err, size_t errlen)
{
    char sig[SEARCH_PACKS_LEN];
    search_index *ix;
    if (!st) {
        faro_fail(err, errlen, FARO_EINVAL, "search: no store given");
        return NULL;
    }
    if (path && strlen(path) >= sizeof ix->path - 8) {
        faro_fail(err, errlen, FARO_EINVAL, "search: index path too long");
        return NULL;
    }
    if (packs_signature(st, sig, sizeof sig, err, errlen) < 0)
        return NULL;
    if (!(ix = calloc(1, sizeof *ix))) {
        faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
        return NULL;
    }
    if (path && strcmp(path, ":memory:") != 0)
        snprintf(ix->path, sizeof ix->path, "%s", path);
    if (load(ix, st, sig, err, errlen) < 0) {
        search_close(ix);
        return NULL;
    }
    return ix;
}

search_index *search_open_kept(const char *path, const char *key, char *err, size_t errlen)
{
    search_index *ix;
    sqlite3 *db;
    if (!path || !key || strlen(path) >= sizeof ix->path - 8) {
        faro_fail(err, errlen, FARO_EINVAL, "search: no index path or key given");
        return NULL;
    }
    if (!(db = open_current(path, key))) {
        faro_fail(err, errlen, FARO_ENOTFOUND, "search: %s is missing or was built from other "
                  "packs", path);
        return NULL;
    }
    if (!(ix = calloc(1, sizeof *ix))) {
        sqlite3_close(db);
        faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(ix->path, sizeof ix->path, "%s", path);
    if (attach_db(ix, db, err, errlen) != 0) {
        sqlite3_close(db);
        free(ix);
        return NULL;
    }
    return ix;
}

int search_build(const char *path, store *st, const char *key, char *err, size_t errlen)
{
    if (!path || !st || !key || strlen(path) >= 4096 - 8)
        return faro_fail(err, errlen, FARO_EINVAL, "search: no index path, store or key given");
    return build_file(path, st, key, err, errlen);
}

int search_rebuilt(const search_index *ix)
{
    return ix ? ix->rebuilt : 0;
}

int search_refresh(search_index *ix, store *st, char *err, size_t errlen)
{
    char sig[SEARCH_PACKS_LEN];
    search_index next;
    int rc;
    if (!ix || !st)
        return faro_fail(err, errlen, FARO_EINVAL, "search: no index or store given");
    if ((rc = packs_signature(st, sig, sizeof sig, err, errlen)) < 0)
        return rc;
    if (index_matches(ix->db, sig)) {
        ix->rebuilt = 0;
        return 0;
    }
    memset(&next, 0, sizeof next);
    memcpy(next.path, ix->path, sizeof next.path);
    next.tok = ix->tok;
    if (ix->path[0])
        detach_db(ix);          /* the file is replaced under us: reopen it */
    if ((rc = load(&next, st, sig, err, errlen)) < 0) {
        if (!ix->db && ix->path[0]) {
            sqlite3 *db = NULL;
            if (open_db(ix->path, SQLITE_OPEN_READONLY, &db, NULL, 0) == 0 &&
                attach_db(ix, db, NULL, 0) != 0)
                sqlite3_close(db);
        }
        return rc;
    }
    detach_db(ix);
    *ix = next;
    return 0;
}

void search_close(search_index *ix)
{
    if (!ix)
        return;
    detach_db(ix);
    tok_free(ix->tok);
    free(ix);
}

/* ================================================================ querying */

/* A folded query token; the last one of a prefix query is a prefix. */
typedef struct qtoken {
    char text[SEARCH_FOLD_CAP];
    int len, prefix;
} qtoken;

typedef struct query {
    char expr[3 * SEARCH_MAX_QUERY + 16];         /* every column */
    char title_expr[3 * SEARCH_MAX_QUERY + 32];   /* "{title} : (expr)" */
    qtoken tok[SEARCH_MAX_QTOKENS];
    int ntok, chunk_tokens;
} query;

/* A match waiting to be ranked. */
typedef struct candidate {
    sqlite3_int64 rowid;
    double score;               /* bm25: lower is better */
} candidate;

/* The hits object: `pub` first, then room for SEARCH_MAX_HITS. */
typedef struct hits_box {
    search_hits pub;
    search_hit items[SEARCH_MAX_HITS];
    txt_mark marks[SEARCH_MAX_HITS][2][SEARCH_MAX_MARKS];
    char *block[SEARCH_MAX_HITS];       /* the strings of each hit */
    candidate cand[2 * SEARCH_RANK_CAP];
} hits_box;

void search_hits_free(search_hits *h)
{
    hits_box *b = (hits_box *)h;
    if (!b)
        return;
    for (int i = 0; i < b->pub.n; i++) {
        explicit_bzero(b->block[i], malloc_usable_size(b->block[i]));
        free(b->block[i]);
    }
    explicit_bzero(b, sizeof *b);       /* what a visit searched for, by its answers */
    free(b);
}

/* ---- the expression ---- */

static int keep_qtoken(void *ctx, int colocated, const char *text, int len, int start, int end)
{
    query *q = ctx;
    q->chunk_tokens++;
    if (q->ntok < SEARCH_MAX_QTOKENS && len < SEARCH_FOLD_CAP) {
        memcpy(q->tok[q->ntok].text, text, (size_t)len);
        q->tok[q->ntok].len = len;
        q->tok[q->ntok++].prefix = 0;
    }
    return 0;
}

static int is_space_at(const char *s, size_t *n)
{
    unsigned char c = (unsigned char)s[0];
    *n = 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 1;
    *n = 2;
    if (c == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 1;                                       /* no-break space */
    *n = 3;
    return c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80;
}

/* Appends one word as an FTS5 string ("" doubles a quote). */
static void put_word(char *expr, size_t *used, const char *w, size_t n, int prefix)
{
    expr[(*used)++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '"')
            expr[(*used)++] = '"';
        expr[(*used)++] = w[i];
    }
    expr[(*used)++] = '"';
    if (prefix)
        expr[(*used)++] = '*';
    expr[(*used)++] = ' ';
    expr[*used] = '\0';
}

/* Turns what the person typed into FTS5 expressions: every word that has
 * tokens, quoted (so nothing typed is FTS5 syntax), the last one a prefix
 * unless a space follows it; keeps the folded tokens for marking.
 * Returns the number of words. */
static int build_match(tok *t, const char *text, size_t len, query *q)
{
    size_t used = 0, i = 0, sp, last_n = 0;
    const char *last = NULL;
    int words = 0, prefix;
    q->ntok = 0;
    while (i < len) {
        if (is_space_at(text + i, &sp) && i + sp <= len) {
            i += sp;
            continue;
        }
        size_t start = i;
        while (i < len && !(is_space_at(text + i, &sp) && i + sp <= len))
            i++;
        q->chunk_tokens = 0;
        tok_run(t, TOK_QUERY, text + start, (int)(i - start), keep_qtoken, q);
        if (q->chunk_tokens == 0)
            continue;
        if (last)
            put_word(q->expr, &used, last, last_n, 0);
        last = text + start;
        last_n = i - start;
        words++;
    }
    q->expr[used] = '\0';
    prefix = last && i == last_n + (size_t)(last - text);
    if (last)
        put_word(q->expr, &used, last, last_n, prefix);
    if (prefix && q->ntok > 0)
        q->tok[q->ntok - 1].prefix = 1;
    snprintf(q->title_expr, sizeof q->title_expr, "{title} : (%s)", q->expr);
    return words;
}

/* ---- marks and snippets ---- */

typedef struct mark_ctx {
    const query *q;
    txt_mark *marks;
    int n;
} mark_ctx;

static int token_matches(const query *q, const char *text, int len)
{
    for (int i = 0; i < q->ntok; i++) {
        const qtoken *k = &q->tok[i];
        if ((len == k->len || (k->prefix && len > k->len)) &&
            memcmp(text, k->text, (size_t)k->len) == 0)
            return 1;
    }
    return 0;
}

/* Marks a document token that is one of the query's (overlaps merged). */
static int mark_token(void *ctx, int colocated, const char *text, int len, int start, int end)
{
    mark_ctx *m = ctx;
    if (!token_matches(m->q, text, len))
        return 0;
    if (m->n > 0 && start <= m->marks[m->n - 1].end) {
        if (end > m->marks[m->n - 1].end)
            m->marks[m->n - 1].end = end;
    } else if (m->n < SEARCH_MAX_MARKS) {
        m->marks[m->n++] = (txt_mark){ start, end };
    }
    return 0;
}

static int find_marks(tok *t, const query *q, const char *text, txt_mark *marks)
{
    mark_ctx m = { q, marks, 0 };
    tok_run(t, TOK_DOCUMENT, text, (int)strlen(text), mark_token, &m);
    return m.n;
}

/* Start of the character at or after i (UTF-8). */
static size_t char_start(const char *s, size_t i)
{
    while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Cuts a long summary to SEARCH_SNIPPET_BYTES around its first mark, at
 * spaces when there are any nearby, with "…" where it was cut; moves the
 * marks with it.  dst has SEARCH_SNIPPET_BYTES + 8 bytes. */
static void make_snippet(const char *src, txt_mark *marks, int *nmarks, char *dst)
{
    size_t len = strlen(src), from = 0, to = len, k, used = 0;
    int n = 0;
    if (len > SEARCH_SNIPPET_BYTES) {
        if (*nmarks > 0 && marks[0].start > 40)
            from = char_start(src, (size_t)marks[0].start - 40);
        for (k = from; from > 0 && k < from + 20 && k < len; k++)
            if (src[k] == ' ') {
                from = k + 1;
                break;
            }
        to = from + SEARCH_SNIPPET_BYTES < len ? from + SEARCH_SNIPPET_BYTES : len;
        while (to < len && to > from && ((unsigned char)src[to] & 0xC0) == 0x80)
            to--;
        for (k = to; to < len && k > to - 30 && k > from; k--)
            if (src[k] == ' ') {
                to = k;
                break;
            }
    }
    if (from > 0)
        used += (size_t)sprintf(dst, "…");
    memcpy(dst + used, src + from, to - from);
    snprintf(dst + used + (to - from), 8, "%s", to < len ? "…" : "");
    for (int i = 0; i < *nmarks; i++)
        if ((size_t)marks[i].start >= from && (size_t)marks[i].end <= to)
            marks[n++] = (txt_mark){ marks[i].start - (int)from + (int)used,
                                     marks[i].end - (int)from + (int)used };
    *nmarks = n;
}

/* ---- hits ---- */

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* 1 when (kind, id) is already among the hits. */
static int have_hit(const hits_box *b, int kind, const char *id)
{
    for (int i = 0; i < b->pub.n; i++)
        if (b->items[i].kind == kind && strcmp(b->items[i].id, id) == 0)
            return 1;
    return 0;
}

/* Fills hit k from the docs row in d; 0 or FARO_ENOMEM. */
static int fill_hit(search_index *ix, hits_box *b, const query *q, sqlite3_stmt *d)
{
    int k = b->pub.n;
    search_hit *h = &b->items[k];
    const char *id = col_text(d, 1), *lang = col_text(d, 2), *title = col_text(d, 3);
    size_t lid = strlen(id) + 1, llang = strlen(lang) + 1, ltitle = strlen(title) + 1;
    char *blk = malloc(lid + llang + ltitle + SEARCH_SNIPPET_BYTES + 8);
    if (!blk)
        return FARO_ENOMEM;
    h->kind = sqlite3_column_int(d, 0);
    h->id = memcpy(blk, id, lid);
    h->lang = memcpy(blk + lid, lang, llang);
    h->title = memcpy(blk + lid + llang, title, ltitle);
    h->title_marks = b->marks[k][0];
    h->ntitle_marks = find_marks(ix->tok, q, title, b->marks[k][0]);
    h->snippet = blk + lid + llang + ltitle;
    h->snippet_marks = b->marks[k][1];
    h->nsnippet_marks = find_marks(ix->tok, q, col_text(d, 4), b->marks[k][1]);
    make_snippet(col_text(d, 4), b->marks[k][1], &h->nsnippet_marks, blk + lid + llang + ltitle);
    b->block[k] = blk;
    b->pub.n++;
    return 0;
}

/* Adds the document `rowid` unless its article or service is there already. */
static int add_hit(search_index *ix, hits_box *b, const query *q, sqlite3_int64 rowid)
{
    sqlite3_stmt *d = ix->q_doc;
    int rc = 0;
    sqlite3_bind_int64(d, 1, rowid);
    if (sqlite3_step(d) == SQLITE_ROW && !have_hit(b, sqlite3_column_int(d, 0), col_text(d, 1)))
        rc = fill_hit(ix, b, q, d);
    sqlite3_reset(d);
    sqlite3_clear_bindings(d);
    return rc;
}

/* ---- ranking ---- */

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static int have_candidate(const candidate *c, int n, sqlite3_int64 rowid)
{
    for (int i = 0; i < n; i++)
        if (c[i].rowid == rowid)
            return 1;
    return 0;
}

/* Appends up to SEARCH_RANK_CAP matches of expr in bucket to c[n..),
 * sorted among themselves; returns the new n or FARO_ESQL. */
static int gather(search_index *ix, const char *expr, int bucket, candidate *c, int n)
{
    sqlite3_stmt *m = ix->q_match;
    int start = n, step;
    sqlite3_bind_text(m, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(m, 2, (sqlite3_int64)bucket << 32);
    sqlite3_bind_int64(m, 3, ((sqlite3_int64)bucket << 32) | 0xFFFFFFFF);
    sqlite3_bind_int(m, 4, SEARCH_RANK_CAP);
    while ((step = sqlite3_step(m)) == SQLITE_ROW)
        c[n++] = (candidate){ sqlite3_column_int64(m, 0), sqlite3_column_double(m, 1) };
    sqlite3_reset(m);
    sqlite3_clear_bindings(m);
    if (step != SQLITE_DONE)
        return FARO_ESQL;
    qsort(c + start, (size_t)(n - start), sizeof *c, cmp_candidate);
    return n;
}

/* The candidates of one bucket, ranked, into c[0..]: all matches when
 * there are at most SEARCH_RANK_CAP (exact bm25 order); when there are
 * more, the (capped) title matches first, then the other capped matches,
 * so that a short prefix never ranks the whole collection.  Returns the
 * count or FARO_ESQL. */
static int rank_bucket(search_index *ix, const query *q, int bucket, candidate *c)
{
    candidate *all = c + SEARCH_RANK_CAP;
    int nall = gather(ix, q->expr, bucket, all, 0), n, i;
    if (nall < SEARCH_RANK_CAP) {
        memmove(c, all, (size_t)(nall > 0 ? nall : 0) * sizeof *c);
        return nall;
    }
    if ((n = gather(ix, q->title_expr, bucket, c, 0)) < 0)
        return n;
    int ntitle = n;
    for (i = 0; i < nall; i++)          /* writes never pass the reads: n <= CAP + i */
        if (!have_candidate(c, ntitle, all[i].rowid))
            c[n++] = all[i];
    return n;
}

/* One language bucket: adds its best hits until there are `limit`. */
static int query_bucket(search_index *ix, hits_box *b, const query *q, int bucket,
                        int limit, char *err, size_t errlen)
{
    int n = rank_bucket(ix, q, bucket, b->cand), rc = 0;
    if (n < 0)
        return faro_fail(err, errlen, FARO_ESQL, "search: %s", sqlite3_errmsg(ix->db));
    for (int i = 0; i < n && b->pub.n < limit && rc == 0; i++)
        rc = add_hit(ix, b, q, b->cand[i].rowid);
    return rc ? faro_fail(err, errlen, rc, "out of memory") : 0;
}

/* The buckets in the order they are asked: the chain's, then the rest. */
static int bucket_order(const search_index *ix, const char *const *langs, int *order)
{
    int n = 0, used[SEARCH_MAX_LANGS] = {0};
    for (int c = 0; langs && langs[c] && c < FARO_MAX_LANGS; c++)
        for (int i = 0; i < ix->nlangs; i++)
            if (!used[i] && strcasecmp(ix->langs[i], langs[c]) == 0) {
                used[i] = 1;
                order[n++] = i + 1;
            }
    for (int i = 0; i < ix->nlangs; i++)
        if (!used[i])
            order[n++] = i + 1;
    return n;
}

/* The query cut to SEARCH_MAX_QUERY bytes at a character boundary. */
static size_t query_len(const char *q)
{
    size_t n = strnlen(q, SEARCH_MAX_QUERY + 1);
    if (n > SEARCH_MAX_QUERY) {
        n = SEARCH_MAX_QUERY;
        while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

int search_query(search_index *ix, const char *text, const char *const *langs,
                 int limit, search_hits **out, char *err, size_t errlen)
{
    int order[SEARCH_MAX_LANGS], norder, rc = 0;
    query *q = NULL;
    hits_box *b = NULL;
    *out = NULL;
    if (!ix || !ix->db || !text || limit < 1 || limit > SEARCH_MAX_HITS)
        return faro_fail(err, errlen, FARO_EINVAL, "search: bad arguments");
    if ((!ix->tok && !(ix->tok = tok_new())) || !(q = malloc(sizeof *q)) ||
        !(b = calloc(1, sizeof *b))) {
        rc = faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
        goto done;
    }
    b->pub.hits = b->items;
    if (build_match(ix->tok, text, query_len(text), q) > 0) {
        norder = bucket_order(ix, langs, order);
        for (int i = 0; i < norder && b->pub.n < limit && rc == 0; i++)
            rc = query_bucket(ix, b, q, order[i], limit, err, errlen);
    }
done:
    /* the query, its folded words and the tokenizer's copy of them are
     * the person's words: wiped, not only freed */
    if (q)
        explicit_bzero(q, sizeof *q);
    free(q);
    tok_wipe(ix->tok);
    if (rc < 0) {
        search_hits_free(b ? &b->pub : NULL);
        return rc;
    }
    *out = &b->pub;
    return b->pub.n;
}
