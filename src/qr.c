/*
 * qr.c — the texts behind the take-away QR codes, and their encoding.
 *
 * A phone camera understands three things well: a vCard (it offers to save
 * a contact), a tel: URI (it offers to call) and plain text.  The vCard is
 * version 3.0 (RFC 2426), which every phone's contact app reads: values
 * escaped (\\ \, \; \n), CRLF line ends, lines folded at 75 octets on a
 * character boundary.  Everything is written into the caller's buffer by a
 * small bounded writer that remembers an overflow instead of truncating
 * silently.  libqrencode does the encoding (byte mode, level M: readable
 * with 15 % of the code damaged or glared); its matrix is copied into a
 * plain 0/1 array so nothing outside this file sees libqrencode.
 */
#include "qr.h"
#include "faro.h"
#include "mdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
#include <unicode/utf8.h>

#define VCARD_FOLD 75       /* octets per vCard line before folding */

/* A bounded writer into the caller's buffer. */
typedef struct writer {
    char *buf;
    size_t cap, used;
    size_t line;            /* octets on the current vCard line */
    int fold, overflow;
} writer;

static void put_bytes(writer *w, const char *s, size_t n)
{
    if (w->overflow || w->used + n + 1 > w->cap) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->used, s, n);
    w->used += n;
    w->buf[w->used] = '\0';
}

/* Bytes of the character at s (a NUL-terminated string, *s not NUL):
 * ICU's U8_FWD_1 over at most 4 bytes, so an invalid or truncated
 * sequence is its maximal subpart and a stray byte is 1. */
static size_t char_len(const char *s)
{
    int32_t i = 0, n = (int32_t)strnlen(s, 4);
    U8_FWD_1((const uint8_t *)s, i, n);
    return (size_t)i;
}

/* Appends one character (n bytes), folding the line first when needed. */
static void put_char(writer *w, const char *s, size_t n)
{
    if (w->fold && w->line + n > VCARD_FOLD) {
        put_bytes(w, "\r\n ", 3);
        w->line = 1;
    }
    put_bytes(w, s, n);
    w->line += n;
}

static void put_str(writer *w, const char *s)
{
    while (*s) {
        size_t n = char_len(s);
        put_char(w, s, n);
        s += n;
    }
}

/* A vCard value: \ , ; escaped with a backslash, newlines as \n, CR dropped. */
static void put_value(writer *w, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == ',' || *s == ';') {
            char esc[2] = { '\\', *s };
            put_char(w, esc, 2);
        } else if (*s == '\n') {
            put_char(w, "\\n", 2);
        } else if (*s != '\r') {
            size_t n = char_len(s);
            put_char(w, s, n);
            s += n - 1;
        }
    }
}

static void end_line(writer *w)
{
    put_bytes(w, "\r\n", 2);
    w->line = 0;
}

/* One property line: NAME:value (value escaped). */
static void put_prop(writer *w, const char *name, const char *value)
{
    put_str(w, name);
    put_str(w, ":");
    put_value(w, value);
    end_line(w);
}

/* '+' then 8 to 15 digits, the first not 0. */
static int valid_e164(const char *s, size_t n)
{
    if (n < 9 || n > 16 || s[0] != '+' || s[1] == '0')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* One TEL line per valid number of a ';' list; *count bounds them. */
static void put_phones(writer *w, const char *list, const char *type, int *count)
{
    while (*list && *count < QR_MAX_PHONES) {
        size_t n = strcspn(list, ";"), skip = 0;
        while (skip < n && list[skip] == ' ')
            skip++;
        char num[20];
        size_t m = n - skip;
        while (m > 0 && list[skip + m - 1] == ' ')
            m--;
        if (m < sizeof num && valid_e164(list + skip, m)) {
            memcpy(num, list + skip, m);
            num[m] = '\0';
            put_str(w, "TEL;TYPE=");
            put_str(w, type);
            put_str(w, ":");
            put_str(w, num);
            end_line(w);
            (*count)++;
        }
        list += n + (list[n] == ';');
    }
}

/* ADR: post office box; extended; street; locality; region; code; country. */
static void put_address(writer *w, const struct store_service *v)
{
    if (!v->address[0] && !v->city[0] && !v->region[0] && !v->country[0])
        return;
    put_str(w, "ADR;TYPE=WORK:;;");
    put_value(w, v->address);
    put_str(w, ";");
    put_value(w, v->city);
    put_str(w, ";");
    put_value(w, v->region);
    put_str(w, ";;");
    put_value(w, v->country);
    end_line(w);
}

static int finish(writer *w)
{
    if (w->overflow || w->used > QR_MAX_TEXT) {
        if (w->cap)
            w->buf[0] = '\0';
        return FARO_ELIMIT;
    }
    return (int)w->used;
}

int qr_vcard(const struct store_service *v, const char *example_note, char *buf, size_t len)
{
    writer w = { buf, len, 0, 0, 1, 0 };
    int phones = 0;
    if (!v || !buf || len == 0)
        return FARO_EINVAL;
    buf[0] = '\0';
    put_str(&w, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
    w.line = 0;
    put_str(&w, "N:");
    put_value(&w, v->name);
    put_str(&w, ";;;;");
    end_line(&w);
    put_prop(&w, "FN", v->name);
    put_prop(&w, "ORG", v->name);
    put_phones(&w, v->phones, "VOICE", &phones);
    put_phones(&w, v->messaging, "CELL", &phones);
    put_address(&w, v);
    if (v->example && example_note && example_note[0])
        put_prop(&w, "NOTE", example_note);
    put_str(&w, "END:VCARD");
    end_line(&w);
    return finish(&w);
}

int qr_tel_uri(const char *phone, char *buf, size_t len)
{
    if (!phone || !buf || !valid_e164(phone, strlen(phone)))
        return FARO_EINVAL;
    if ((size_t)snprintf(buf, len, "tel:%s", phone) >= len)
        return FARO_ELIMIT;
    return (int)strlen(buf);
}

/* ---------------------------------------------------------------- card */

/* Bytes of s up to and including its first sentence end (". ", "。",
 * "? ", "! ", "؟"), or all of it. */
static size_t first_sentence(const char *s)
{
    static const char *const ends[] = { ". ", "? ", "! ", "。", "؟", "।" };
    size_t best = strlen(s);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        const char *p = strstr(s, ends[i]);
        size_t n = strlen(ends[i]);
        if (p && (size_t)(p - s) + n < best)
            best = (size_t)(p - s) + (ends[i][n - 1] == ' ' ? n - 1 : n);
    }
    return best;
}

/* Appends one line of the card when it fits whole; cuts it at a character
 * boundary with "…" when at least a few words fit.  0 while there is room. */
static int card_line(writer *w, size_t max, const char *prefix, const char *s, size_t n)
{
    size_t need = strlen(prefix) + n + 1, room = max - w->used;
    if (need > room) {
        if (room < strlen(prefix) + 24)
            return -1;
        n = room - strlen(prefix) - 1 - strlen("…");
        while (n > 0 && U8_IS_TRAIL(s[n]))
            n--;
        put_str(w, prefix);
        put_bytes(w, s, n);
        put_str(w, "…\n");
        return -1;
    }
    put_str(w, prefix);
    put_bytes(w, s, n);
    put_str(w, "\n");
    return 0;
}

static int card_body(writer *w, size_t max, const mdoc *d)
{
    int bullets = 0;
    for (int i = 0; i < d->nblocks; i++)
        bullets += d->blocks[i].kind == MDOC_LI && d->blocks[i].depth == 1;
    for (int i = 0; i < d->nblocks; i++) {
        const mdoc_block *b = &d->blocks[i];
        if (bullets && b->kind == MDOC_LI && b->depth == 1) {
            if (card_line(w, max, "• ", b->text, strlen(b->text)) < 0)
                return 0;
        } else if (!bullets && b->kind == MDOC_P) {
            if (card_line(w, max, "", b->text, first_sentence(b->text)) < 0)
                return 0;
        }
    }
    return 0;
}

int qr_article_card(const char *title, const char *markdown, char *buf, size_t len)
{
    writer w = { buf, len, 0, 0, 0, 0 };
    size_t max = len - 1 < QR_CARD_MAX_BYTES ? len - 1 : QR_CARD_MAX_BYTES;
    mdoc *d;
    if (!title || !markdown || !buf || len < 2)
        return FARO_EINVAL;
    buf[0] = '\0';
    if (!(d = mdoc_parse(markdown, strlen(markdown))))
        return FARO_ENOMEM;
    if (card_line(&w, max, "", title, strlen(title)) == 0) {
        put_str(&w, "\n");
        card_body(&w, max, d);
    }
    mdoc_free(d);
    while (w.used > 0 && buf[w.used - 1] == '\n')
        buf[--w.used] = '\0';
    return w.overflow ? FARO_ELIMIT : (int)w.used;
}

/* ---------------------------------------------------------------- encoding */

/* 1 when text has a byte outside ASCII. */
static int has_non_ascii(const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)text[i] >= 0x80)
            return 1;
    return 0;
}

/* libqrencode's code for text: byte mode, level M, and the ECI 26
 * designator ("the bytes are UTF-8") when the text is not plain ASCII, or
 * decoders guess (zbar reads "Haití" as Shift-JIS without it). */
static QRcode *encode_bytes(const char *text, size_t n)
{
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    QRcode *c = NULL;
    if (!in)
        return NULL;
    if ((!has_non_ascii(text, n) || QRinput_appendECIheader(in, 26) == 0) &&
        QRinput_append(in, QR_MODE_8, (int)n, (const unsigned char *)text) == 0)
        c = QRcode_encodeInput(in);
    QRinput_free(in);
    return c;
}

qr_code *qr_encode(const char *text, char *err, size_t errlen)
{
    size_t n = text ? strlen(text) : 0;
    QRcode *c;
    qr_code *q;
    if (!text || n == 0 || n > QR_MAX_TEXT) {
        snprintf(err, errlen, "qr: text empty or longer than %d bytes", QR_MAX_TEXT);
        return NULL;
    }
    if (!(c = encode_bytes(text, n))) {
        snprintf(err, errlen, "qr: cannot encode %zu bytes", n);
        return NULL;
    }
    q = malloc(sizeof *q);
    if (q && !(q->modules = malloc((size_t)c->width * (size_t)c->width)))
        q = (free(q), NULL);
    if (q) {
        q->width = c->width;
        for (int i = 0; i < c->width * c->width; i++)
            q->modules[i] = c->data[i] & 1;
    } else {
        snprintf(err, errlen, "out of memory");
    }
    QRcode_free(c);
    return q;
}

void qr_free(qr_code *q)
{
    if (!q)
        return;
    free(q->modules);
    free(q);
}
