/*
 * qr.h — take-away QR codes: what a phone camera turns into a contact, a
 * call or a short note, so a person leaves with the information and the
 * kiosk keeps nothing.
 *
 * Three texts are made here (vCard 3.0 of a service, a tel: URI, a short
 * text card of an article's key points) and any text is encoded by
 * libqrencode into a module matrix the screen draws as it likes (no SDL
 * here).  All texts are UTF-8 and bounded by QR_MAX_TEXT, well under what
 * a version-40 code holds, and small enough to scan from a screen.
 */
#ifndef FARO_QR_H
#define FARO_QR_H

#include <stddef.h>
#include "store.h"

#define QR_MAX_TEXT        1200   /* bytes of any text encoded */
#define QR_CARD_MAX_BYTES  600    /* an article's text card */
#define QR_MAX_PHONES      8      /* TEL lines in one vCard */

/* A QR code: width x width modules, row by row, 1 = dark.  The caller
 * adds the quiet zone (4 modules of light around it) when drawing. */
typedef struct qr_code {
    int width;
    unsigned char *modules;
} qr_code;

/*
 * The vCard 3.0 of service v (CRLF line ends, lines folded at 75 octets
 * without splitting a character): FN and ORG (the name), N, one TEL per
 * phone (TYPE=VOICE) and per messaging number (TYPE=CELL), ADR (address,
 * city, region, country code), and NOTE:`example_note` when the service is
 * an example and example_note is not NULL (the caller passes the word from
 * its locale).  , ; \ and newlines in values are escaped.  Writes it
 * NUL-terminated into buf.  Returns its length, or FARO_ELIMIT when it
 * does not fit in len (or QR_MAX_TEXT), FARO_EINVAL on NULL arguments.
 */
int qr_vcard(const struct store_service *v, const char *example_note, char *buf, size_t len);

/* "tel:+12025550143" for an E.164 number ('+' then 8 to 15 digits).
 * Returns the length, FARO_EINVAL for anything else, FARO_ELIMIT when
 * len is too small. */
int qr_tel_uri(const char *phone, char *buf, size_t len);

/*
 * A short text card of an article: its title, a blank line, then its
 * bullet points (top-level list items of the Markdown body, "• " each on
 * its own line) or, when it has none, the first sentences of its
 * paragraphs; cut at a line or character boundary so that the whole card
 * is at most QR_CARD_MAX_BYTES (and len - 1) bytes.  Returns the length
 * or a negative FARO_E* code.
 */
int qr_article_card(const char *title, const char *markdown, char *buf, size_t len);

/* Encodes UTF-8 text (at most QR_MAX_TEXT bytes) as a QR code, byte mode
 * (with the ECI designator for UTF-8 when the text is not ASCII), error
 * correction level M, smallest version that holds it.  Returns the
 * code (free with qr_free) or NULL with err set. */
qr_code *qr_encode(const char *text, char *err, size_t errlen);

void qr_free(qr_code *q);                       /* accepts NULL */

#endif
