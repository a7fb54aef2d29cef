/*
 * test_qr.c — take-away QR codes: the vCard text (escaping, folding, phones,
 * address, the example note), tel: URIs, an article's text card within its
 * bound, and codes decoded back by a real decoder: each is drawn to a PNG
 * (quiet zone 4, 8 px a module) and read with zbarimg (zbar-tools), which
 * must return exactly the text encoded.
 */
#include "check.h"
#include "faro.h"
#include "qr.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[FARO_MAX_ERRLEN];

static struct store_service service(void)
{
    struct store_service v = { 0 };
    v.id = "consulate-ht-example";
    v.kind = "consulate";
    v.name = "Consulado de Haití (ejemplo)";
    v.notes = "";
    v.lang = "es";
    v.country = "MX";
    v.region = "Chiapas";
    v.city = "Tapachula";
    v.address = "Avenida Ejemplo 101, Centro; planta baja";
    v.phones = "+12025550101; +12025550102";
    v.messaging = "+12025550103";
    v.hours = v.languages = v.cost = v.nationalities = v.verified = v.verified_by = "";
    v.example = 1;
    return v;
}

static void test_vcard(void)
{
    struct store_service v = service();
    char buf[2048];
    int n = qr_vcard(&v, "ejemplo", buf, sizeof buf);
    CHECK(n > 0 && (size_t)n == strlen(buf), "vcard: %d", n);
    CHECK_STR(buf,
              "BEGIN:VCARD\r\nVERSION:3.0\r\n"
              "N:Consulado de Haití (ejemplo);;;;\r\n"
              "FN:Consulado de Haití (ejemplo)\r\n"
              "ORG:Consulado de Haití (ejemplo)\r\n"
              "TEL;TYPE=VOICE:+12025550101\r\n"
              "TEL;TYPE=VOICE:+12025550102\r\n"
              "TEL;TYPE=CELL:+12025550103\r\n"
              "ADR;TYPE=WORK:;;Avenida Ejemplo 101\\, Centro\\; planta baja;Tapachula;Chiapa\r\n"
              " s;;MX\r\n"
              "NOTE:ejemplo\r\n"
              "END:VCARD\r\n");
    v.example = 0;
    v.name = "A\\B\nC";
    v.phones = "555 0101;+0123456789;+12025550101";
    v.messaging = "";
    v.address = v.city = v.region = v.country = "";
    n = qr_vcard(&v, "ejemplo", buf, sizeof buf);
    CHECK_STR(buf, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:A\\\\B\\nC;;;;\r\nFN:A\\\\B\\nC\r\n"
                   "ORG:A\\\\B\\nC\r\nTEL;TYPE=VOICE:+12025550101\r\nEND:VCARD\r\n");
    /* folding never splits a character: an Arabic name of 2-byte letters */
    v.name = "قنصلية جمهورية هايتي في تاباتشولا، قسم الشؤون القنصلية (مثال)";
    n = qr_vcard(&v, NULL, buf, sizeof buf);
    CHECK(n > 0, "arabic vcard");
    for (char *line = buf; line && *line; ) {
        char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        CHECK(len <= 75, "line of %zu octets", len);
        CHECK(((unsigned char)line[0] & 0xC0) != 0x80 &&
              (line[0] != ' ' || ((unsigned char)line[1] & 0xC0) != 0x80), "split character");
        line = end ? end + 2 : NULL;
    }
    /* nor a 4-byte one (char_len: ICU's U8_FWD_1) */
    v.name = "👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍";
    n = qr_vcard(&v, NULL, buf, sizeof buf);
    CHECK(n > 0, "emoji vcard");
    for (char *line = buf; line && *line; ) {
        char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        CHECK(len <= 75, "line of %zu octets", len);
        CHECK(((unsigned char)line[0] & 0xC0) != 0x80 &&
              (line[0] != ' ' || ((unsigned char)line[1] & 0xC0) != 0x80), "split emoji");
        line = end ? end + 2 : NULL;
    }
    /* invalid bytes (overlong, surrogate, past U+10FFFF, truncated) pass through
     * whole: unfolded, the card holds them as given */
    char bad[256] = "", unfolded[4096];
    for (int i = 0; i < 8; i++)
        strcat(bad, "\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82");
    v.name = bad;
    n = qr_vcard(&v, NULL, buf, sizeof buf);
    size_t u = 0;
    for (const char *p = buf; *p && u + 1 < sizeof unfolded; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') { p += 2; continue; }
        unfolded[u++] = *p;
    }
    unfolded[u] = '\0';
    CHECK(n > 0 && strstr(unfolded, bad) != NULL, "invalid bytes kept");
    CHECK(qr_vcard(&v, NULL, buf, 40) == FARO_ELIMIT && buf[0] == '\0', "too small");
    CHECK(qr_vcard(NULL, NULL, buf, sizeof buf) == FARO_EINVAL, "NULL service");
}

static void test_tel(void)
{
    char buf[32];
    CHECK(qr_tel_uri("+12025550143", buf, sizeof buf) == 16, "tel");
    CHECK_STR(buf, "tel:+12025550143");
    CHECK(qr_tel_uri("2025550143", buf, sizeof buf) == FARO_EINVAL, "no plus");
    CHECK(qr_tel_uri("+1 202 555", buf, sizeof buf) == FARO_EINVAL, "spaces");
    CHECK(qr_tel_uri("+12025550143", buf, 8) == FARO_ELIMIT, "small buffer");
}

static void test_card(void)
{
    char buf[1024];
    int n = qr_article_card("Llamar a tu familia",
                            "## Cómo\n\nPrimero esto. Después lo otro.\n\n"
                            "- Usa el **teléfono** gratis.\n- Pide ayuda.\n  - no esto\n", buf, sizeof buf);
    CHECK(n > 0, "card %d", n);
    CHECK_STR(buf, "Llamar a tu familia\n\n• Usa el teléfono gratis.\n• Pide ayuda.");
    n = qr_article_card("Title", "One sentence here. And another.\n\nSecond para. More.\n", buf,
                        sizeof buf);
    CHECK_STR(buf, "Title\n\nOne sentence here.\nSecond para.");
    /* a long article stays under the bound, cut at a character */
    char md[8192];
    size_t used = 0;
    for (int i = 0; i < 60; i++)
        used += (size_t)snprintf(md + used, sizeof md - used, "- نقطة رقم %d من النقاط المهمة\n", i);
    n = qr_article_card("عنوان", md, buf, sizeof buf);
    CHECK(n > 0 && n <= QR_CARD_MAX_BYTES && (size_t)n == strlen(buf), "bounded: %d", n);
    CHECK(((unsigned char)buf[n - 1] & 0xC0) != 0xC0, "ends on a whole character");
    CHECK(qr_article_card("t", "x", buf, 1) == FARO_EINVAL, "tiny buffer");
}

/* Draws q to a PNG (quiet zone 4, scale 8) and decodes it with zbarimg. */
static int decode(const qr_code *q, const char *png, char *out, size_t outlen)
{
    int scale = 8, size = (q->width + 8) * scale;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_ARGB8888);
    char cmd[512];
    if (!s)
        return -1;
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 255, 255, 255));
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++)
            if (q->modules[y * q->width + x]) {
                SDL_Rect r = { (x + 4) * scale, (y + 4) * scale, scale, scale };
                SDL_FillRect(s, &r, SDL_MapRGB(s->format, 0, 0, 0));
            }
    int rc = IMG_SavePNG(s, png);
    SDL_FreeSurface(s);
    if (rc != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", png);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    if (n > 0 && out[n - 1] == '\n')
        out[n - 1] = '\0';              /* zbarimg ends each symbol with a newline */
    return pclose(p) == 0 ? 0 : -1;
}

static void check_roundtrip(const char *text, const char *png)
{
    char out[4096];
    qr_code *q = qr_encode(text, err, sizeof err);
    CHECK(q != NULL && q->width >= 21 && (q->width - 17) % 4 == 0, "encode: %s", err);
    if (!q)
        return;
    CHECK(decode(q, png, out, sizeof out) == 0, "zbarimg failed on %s", png);
    CHECK_STR(out, text);
    qr_free(q);
}

static void test_roundtrip(void)
{
    char dir[] = "/tmp/faro-test-qr-XXXXXX", png[64], vcard[2048], card[1024];
    struct store_service v = service();
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(qr_vcard(&v, "ejemplo", vcard, sizeof vcard) > 0, "vcard");
    snprintf(png, sizeof png, "%s/vcard.png", dir);
    check_roundtrip(vcard, png);
    v.name = "قنصلية هايتي (مثال)";
    CHECK(qr_vcard(&v, "مثال", vcard, sizeof vcard) > 0, "arabic vcard");
    snprintf(png, sizeof png, "%s/vcard-ar.png", dir);
    check_roundtrip(vcard, png);
    snprintf(png, sizeof png, "%s/tel.png", dir);
    check_roundtrip("tel:+12025550143", png);
    CHECK(qr_article_card("告诉家人你平安", "- 免费电话\n- 红十字会可以帮助你\n", card, sizeof card) > 0, "zh card");
    snprintf(png, sizeof png, "%s/card.png", dir);
    check_roundtrip(card, png);
    CHECK(qr_encode("", err, sizeof err) == NULL && err[0], "empty text refused");
    qr_free(NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

int main(void)
{
    test_vcard();
    test_tel();
    test_card();
    test_roundtrip();
    return check_done();
}
