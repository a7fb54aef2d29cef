/*
 * kbd.c — on-screen keyboard layouts as data, and a bounded text editor.
 *
 * The layouts are static tables (the K* macros below keep each key on one
 * short line): Latin with a row of the accented letters Spanish, French,
 * Haitian Creole and Portuguese use, plus long-press alternatives on the
 * base letters; Arabic in the usual Arabic typewriter order, with alef
 * forms and Persian/Urdu letters as alternatives; Devanagari for Hindi and
 * Nepali with independent vowels, vowel signs (shown on a dotted circle),
 * consonants, virama, anusvara, candrabindu, visarga and danda.  Every
 * layout ends with the same special row: switch, space, clear.
 *
 * kbd_edit never holds invalid UTF-8 and never more than its bound; the
 * backspace finds the last grapheme boundary with ICU's character break
 * iterator over the text converted to UTF-16.
 */
#include "kbd.h"
#include "faro.h"

#include <string.h>
#include <strings.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define K(s)        { s, s, NULL, 2, KBD_INSERT, 0 }
#define KA(s, alts) { s, s, alts, 2, KBD_INSERT, 0 }
#define KM(label, s) { label, s, NULL, 2, KBD_INSERT, 0 }
#define KBACK       { "backspace", NULL, NULL, 3, KBD_BACKSPACE, 1 }
#define KSWITCH     { "language", NULL, NULL, 3, KBD_SWITCH, 1 }
#define KSPACE      { "space_bar", NULL, NULL, 10, KBD_SPACE, 1 }
#define KCLEAR      { "clear", NULL, NULL, 3, KBD_CLEAR, 1 }
#define ROW(keys)   { keys, (int)(sizeof keys / sizeof keys[0]) }

/* ---------------------------------------------------------------- Latin */

static const kbd_key latin_digits[] = {
    K("1"), K("2"), K("3"), K("4"), K("5"), K("6"), K("7"), K("8"), K("9"), K("0"),
};
static const kbd_key latin_top[] = {
    K("q"), KA("w", NULL), KA("e", "é è ê ë"), K("r"), K("t"), KA("y", "ÿ"),
    KA("u", "ú ù û ü"), KA("i", "í ì î ï"), KA("o", "ó ò ô ö õ"), K("p"),
};
static const kbd_key latin_middle[] = {
    KA("a", "á à â ä ã"), K("s"), K("d"), K("f"), K("g"), K("h"), K("j"), K("k"),
    K("l"), K("ñ"),
};
static const kbd_key latin_bottom[] = {
    K("z"), K("x"), KA("c", "ç"), K("v"), K("b"), KA("n", "ñ"), K("m"), K("'"), KBACK,
};
static const kbd_key latin_accents[] = {
    K("á"), K("é"), K("í"), K("ó"), K("ú"), K("ñ"), K("ç"), K("è"), K("ò"), K("à"),
    K("ê"), K("ô"), K("ù"), K("ü"), K("ï"),
};
static const kbd_key special_row[] = { KSWITCH, KSPACE, KCLEAR };

static const kbd_row latin_rows[] = {
    ROW(latin_digits), ROW(latin_top), ROW(latin_middle), ROW(latin_bottom),
    ROW(latin_accents), ROW(special_row),
};

/* ---------------------------------------------------------------- Arabic */

static const kbd_key arabic_digits[] = {
    KA("١", "1"), KA("٢", "2"), KA("٣", "3"), KA("٤", "4"), KA("٥", "5"),
    KA("٦", "6"), KA("٧", "7"), KA("٨", "8"), KA("٩", "9"), KA("٠", "0"),
};
static const kbd_key arabic_top[] = {
    K("ض"), K("ص"), K("ث"), K("ق"), K("ف"), KA("غ", "ڠ"), K("ع"), KA("ه", "ہ ھ"),
    K("خ"), K("ح"), KA("ج", "چ"),
};
static const kbd_key arabic_middle[] = {
    K("ش"), K("س"), KA("ي", "ی ے"), KA("ب", "پ"), K("ل"), KA("ا", "أ إ آ ٱ"), KA("ت", "ٹ"),
    KA("ن", "ں"), K("م"), KA("ك", "ک گ"), K("ط"),
};
static const kbd_key arabic_bottom[] = {
    K("ئ"), K("ء"), K("ؤ"), KA("ر", "ڑ"), K("ى"), K("ة"), K("و"), KA("ز", "ژ"),
    K("ظ"), KA("د", "ڈ"), K("ذ"), KBACK,
};
static const kbd_row arabic_rows[] = {
    ROW(arabic_digits), ROW(arabic_top), ROW(arabic_middle), ROW(arabic_bottom),
    ROW(special_row),
};

/* ---------------------------------------------------------------- Devanagari */

static const kbd_key deva_vowels[] = {
    K("अ"), K("आ"), K("इ"), K("ई"), K("उ"), K("ऊ"), K("ऋ"), K("ए"), K("ऐ"), K("ओ"), K("औ"),
};
static const kbd_key deva_signs[] = {   /* vowel signs on a dotted circle, virama */
    KM("◌ा", "ा"), KM("◌ि", "ि"), KM("◌ी", "ी"), KM("◌ु", "ु"), KM("◌ू", "ू"),
    KM("◌ृ", "ृ"), KM("◌े", "े"), KM("◌ै", "ै"), KM("◌ो", "ो"), KM("◌ौ", "ौ"),
    KM("◌्", "्"),
};
static const kbd_key deva_cons1[] = {
    K("क"), K("ख"), K("ग"), K("घ"), K("ङ"), K("च"), K("छ"), KA("ज", "ज़"), K("झ"),
    K("ञ"), K("ट"),
};
static const kbd_key deva_cons2[] = {
    K("ठ"), KA("ड", "ड़"), KA("ढ", "ढ़"), K("ण"), K("त"), K("थ"), K("द"), K("ध"), K("न"),
    K("प"), KA("फ", "फ़"),
};
static const kbd_key deva_cons3[] = {
    K("ब"), K("भ"), K("म"), K("य"), K("र"), K("ल"), K("व"), K("श"), K("ष"), K("स"),
    K("ह"), KBACK,
};
static const kbd_key deva_marks[] = {
    KM("◌ं", "ं"), KM("◌ँ", "ँ"), KM("◌ः", "ः"), K("।"), KA("०", "0"), KA("१", "1"),
    KA("२", "2"), KA("३", "3"), KA("४", "4"), KA("५", "5"),
};
static const kbd_row deva_rows[] = {
    ROW(deva_vowels), ROW(deva_signs), ROW(deva_cons1), ROW(deva_cons2), ROW(deva_cons3),
    ROW(deva_marks), ROW(special_row),
};

static const kbd_layout layouts[KBD_NLAYOUTS] = {
    { KBD_LATIN, "latin", 0, latin_rows, (int)(sizeof latin_rows / sizeof latin_rows[0]) },
    { KBD_ARABIC, "arabic", 1, arabic_rows, (int)(sizeof arabic_rows / sizeof arabic_rows[0]) },
    { KBD_DEVANAGARI, "devanagari", 0, deva_rows, (int)(sizeof deva_rows / sizeof deva_rows[0]) },
};

const kbd_layout *kbd_layout_get(int id)
{
    return id >= 0 && id < KBD_NLAYOUTS ? &layouts[id] : NULL;
}

/* 1 when the language subtag of tag is lang ("ar-EG" is "ar"). */
static int lang_is(const char *tag, const char *lang)
{
    size_t n = strlen(lang);
    return strncasecmp(tag, lang, n) == 0 && (tag[n] == '\0' || tag[n] == '-' || tag[n] == '_');
}

int kbd_layout_for_lang(const char *lang)
{
    static const char *const arabic[] = { "ar", "ur", "fa", "ps" };
    static const char *const deva[] = { "hi", "ne", "mr" };
    if (!lang)
        return KBD_LATIN;
    for (size_t i = 0; i < sizeof arabic / sizeof arabic[0]; i++)
        if (lang_is(lang, arabic[i]))
            return KBD_ARABIC;
    for (size_t i = 0; i < sizeof deva / sizeof deva[0]; i++)
        if (lang_is(lang, deva[i]))
            return KBD_DEVANAGARI;
    return KBD_LATIN;
}

int kbd_next_layout(int id)
{
    return id >= 0 && id < KBD_NLAYOUTS - 1 ? id + 1 : 0;
}

/* 1 when the space-separated list holds word exactly. */
static int list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p; p += strcspn(p, " "), p += *p == ' ') {
        if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

int kbd_layout_has(const kbd_layout *l, const char *text)
{
    int count = 0;
    for (int r = 0; l && text && r < l->nrows; r++)
        for (int k = 0; k < l->rows[r].nkeys; k++) {
            const kbd_key *key = &l->rows[r].keys[k];
            count += (key->text && strcmp(key->text, text) == 0) || list_has(key->alts, text);
        }
    return count;
}

/* ---------------------------------------------------------------- editing */

void kbd_edit_init(kbd_edit *e, size_t max)
{
    e->buf[0] = '\0';
    e->len = 0;
    e->max = max == 0 || max > KBD_EDIT_BYTES ? KBD_EDIT_BYTES : max;
}

void kbd_edit_clear(kbd_edit *e)
{
    e->buf[0] = '\0';
    e->len = 0;
}

/* 1 when s[0..n) is valid UTF-8 (ICU's U8_NEXT decodes every character). */
static int valid_utf8(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t i = 0, len = (int32_t)n;
    while (i < len) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0)
            return 0;
    }
    return 1;
}

int kbd_edit_insert(kbd_edit *e, const char *text)
{
    size_t n;
    if (!e || !text)
        return FARO_EINVAL;
    n = strlen(text);
    if (n > KBD_EDIT_BYTES || !valid_utf8(text, n))
        return n > KBD_EDIT_BYTES ? FARO_ELIMIT : FARO_EINVAL;
    if (e->len + n > e->max)
        return FARO_ELIMIT;
    memcpy(e->buf + e->len, text, n + 1);
    e->len += n;
    return 0;
}

int kbd_edit_backspace(kbd_edit *e)
{
    UChar u[KBD_EDIT_BYTES + 1];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0, cut16, cut8 = 0;
    if (!e)
        return FARO_EINVAL;
    if (e->len == 0)
        return 0;
    u_strFromUTF8(u, KBD_EDIT_BYTES + 1, &n16, e->buf, (int32_t)e->len, &st);
    UBreakIterator *bi = ubrk_open(UBRK_CHARACTER, "", u, n16, &st);
    if (U_FAILURE(st))
        return FARO_ENOMEM;
    cut16 = ubrk_preceding(bi, n16);
    ubrk_close(bi);
    if (cut16 == UBRK_DONE)
        cut16 = 0;
    u_strToUTF8(NULL, 0, &cut8, u, cut16, &st);    /* bytes before the boundary */
    int removed = (int)e->len - cut8;
    e->len = (size_t)cut8;
    e->buf[e->len] = '\0';
    return removed;
}

int kbd_edit_key(kbd_edit *e, const kbd_key *k)
{
    if (!e || !k)
        return FARO_EINVAL;
    switch (k->action) {
    case KBD_INSERT: return kbd_edit_insert(e, k->text);
    case KBD_SPACE: return kbd_edit_insert(e, " ");
    case KBD_BACKSPACE: return kbd_edit_backspace(e);
    case KBD_CLEAR: kbd_edit_clear(e); return 0;
    default: return 0;
    }
}
