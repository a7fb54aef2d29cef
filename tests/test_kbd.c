/*
 * test_kbd.c — keyboard layouts as data (every layout has its special keys,
 * Latin every accent the default languages use, Arabic every letter and
 * hamza form, Devanagari vowels, signs and virama), the default layout per
 * language, and the bounded editor: insert, backspace by grapheme cluster
 * (accents, decomposed accents, Devanagari vowel signs, emoji), bounds and
 * invalid UTF-8.
 */
#include "check.h"
#include "faro.h"
#include "kbd.h"

#include <string.h>

static int count_action(const kbd_layout *l, int action)
{
    int n = 0;
    for (int r = 0; r < l->nrows; r++)
        for (int k = 0; k < l->rows[r].nkeys; k++)
            n += l->rows[r].keys[k].action == action;
    return n;
}

static void check_all(const kbd_layout *l, const char *list)
{
    char item[16];
    for (const char *p = list; *p; ) {
        size_t n = strcspn(p, " ");
        memcpy(item, p, n);
        item[n] = '\0';
        CHECK(kbd_layout_has(l, item) > 0, "%s layout lacks '%s'", l->name, item);
        p += n + (p[n] == ' ');
    }
}

static void test_layouts(void)
{
    for (int id = 0; id < KBD_NLAYOUTS; id++) {
        const kbd_layout *l = kbd_layout_get(id);
        CHECK(l && l->id == id && l->nrows >= 4, "layout %d", id);
        if (!l)
            continue;
        CHECK(count_action(l, KBD_BACKSPACE) == 1 && count_action(l, KBD_SPACE) == 1 &&
              count_action(l, KBD_CLEAR) == 1 && count_action(l, KBD_SWITCH) == 1,
              "%s: special keys", l->name);
        for (int r = 0; r < l->nrows; r++) {
            CHECK(l->rows[r].nkeys > 0 && l->rows[r].nkeys <= 15, "%s row %d", l->name, r);
            for (int k = 0; k < l->rows[r].nkeys; k++) {
                const kbd_key *key = &l->rows[r].keys[k];
                CHECK(key->label && key->label[0] && key->width >= 2, "%s key", l->name);
                CHECK((key->action == KBD_INSERT) == (key->text != NULL), "%s text", l->name);
                CHECK(key->icon == (key->action != KBD_INSERT), "%s icon", l->name);
            }
        }
    }
    CHECK(kbd_layout_get(-1) == NULL && kbd_layout_get(KBD_NLAYOUTS) == NULL, "range");
    check_all(kbd_layout_get(KBD_LATIN),
              "a z q m á é í ó ú ñ ç è ò à ê ô ù ü ï â ã õ ë 0 9 '");
    check_all(kbd_layout_get(KBD_ARABIC),
              "ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي "
              "أ إ آ ء ؤ ئ ة ى پ چ ژ گ ی ٠ ١ 0");
    check_all(kbd_layout_get(KBD_DEVANAGARI),
              "अ आ इ ई उ ऊ ए ऐ ओ औ क ख ग घ च ज ट ड त द न प ब म य र ल व श स ह "
              "ा ि ी ु ू े ै ो ौ ् ं ँ । ०");
    CHECK(kbd_layout_get(KBD_ARABIC)->rtl == 1 && kbd_layout_get(KBD_LATIN)->rtl == 0, "rtl");
    CHECK(kbd_layout_has(kbd_layout_get(KBD_LATIN), "ب") == 0, "no Arabic in Latin");
}

static void test_default_layout(void)
{
    static const char *const latin[] = { "es", "fr", "ht", "pt", "en", "zh", "sw", "ES" };
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
        CHECK(kbd_layout_for_lang(latin[i]) == KBD_LATIN, "%s", latin[i]);
    CHECK(kbd_layout_for_lang("ar") == KBD_ARABIC && kbd_layout_for_lang("ur") == KBD_ARABIC &&
          kbd_layout_for_lang("fa") == KBD_ARABIC && kbd_layout_for_lang("ar-EG") == KBD_ARABIC,
          "Arabic script languages");
    CHECK(kbd_layout_for_lang("hi") == KBD_DEVANAGARI && kbd_layout_for_lang("ne") == KBD_DEVANAGARI,
          "Devanagari");
    CHECK(kbd_layout_for_lang("arn") == KBD_LATIN && kbd_layout_for_lang(NULL) == KBD_LATIN,
          "subtag must match whole");
    CHECK(kbd_next_layout(KBD_LATIN) == KBD_ARABIC && kbd_next_layout(KBD_ARABIC) == KBD_DEVANAGARI &&
          kbd_next_layout(KBD_DEVANAGARI) == KBD_LATIN && kbd_next_layout(99) == KBD_LATIN, "cycle");
}

static void test_edit(void)
{
    kbd_edit e;
    kbd_edit_init(&e, 0);
    CHECK(e.max == KBD_EDIT_BYTES && e.len == 0 && e.buf[0] == '\0', "init");
    CHECK(kbd_edit_backspace(&e) == 0, "backspace on empty");
    CHECK(kbd_edit_insert(&e, "cafe") == 0 && kbd_edit_insert(&e, "\xCC\x81") == 0, "insert");
    CHECK(kbd_edit_backspace(&e) == 3, "e + combining acute is one grapheme");
    CHECK_STR(e.buf, "caf");
    CHECK(kbd_edit_insert(&e, "é") == 0 && kbd_edit_backspace(&e) == 2, "precomposed é");
    kbd_edit_clear(&e);
    CHECK(kbd_edit_insert(&e, "किताब") == 0, "hindi");
    CHECK(kbd_edit_backspace(&e) == 3 && kbd_edit_backspace(&e) == 6, "ब, then ता");
    CHECK_STR(e.buf, "कि");
    CHECK(kbd_edit_backspace(&e) == 6 && e.len == 0, "कि is one cluster");
    CHECK(kbd_edit_insert(&e, "👍🏽") == 0 && kbd_edit_backspace(&e) == 8, "emoji with skin tone");
    CHECK(kbd_edit_insert(&e, "لا") == 0 && kbd_edit_backspace(&e) == 2, "Arabic lam alef: two");
    CHECK(kbd_edit_insert(&e, "\xff") == FARO_EINVAL && kbd_edit_insert(&e, "\xC3") == FARO_EINVAL,
          "invalid UTF-8 refused");
    kbd_edit_clear(&e);
    CHECK(kbd_edit_insert(&e, "\xC0\xAF") == FARO_EINVAL, "overlong refused");
    CHECK(kbd_edit_insert(&e, "\xED\xA0\x80") == FARO_EINVAL, "surrogate refused");
    CHECK(kbd_edit_insert(&e, "\xF4\x90\x80\x80") == FARO_EINVAL, "past U+10FFFF refused");
    CHECK(kbd_edit_insert(&e, "a\xE2\x82") == FARO_EINVAL, "truncated refused");
    CHECK(e.len == 0, "nothing inserted");
    CHECK(kbd_edit_insert(&e, "\xF4\x8F\xBF\xBF") == 0 && e.len == 4, "U+10FFFF accepted");
    kbd_edit_clear(&e);
    CHECK(kbd_edit_insert(NULL, "a") == FARO_EINVAL && kbd_edit_insert(&e, NULL) == FARO_EINVAL, "NULL");
    kbd_edit_init(&e, 5);
    CHECK(kbd_edit_insert(&e, "abcd") == 0 && kbd_edit_insert(&e, "é") == FARO_ELIMIT, "bound");
    CHECK_STR(e.buf, "abcd");
    CHECK(kbd_edit_insert(&e, "e") == 0 && e.len == 5 && kbd_edit_insert(&e, "f") == FARO_ELIMIT,
          "exactly the bound");
}

/* Types by pressing keys found in the layout. */
static void press(kbd_edit *e, const kbd_layout *l, const char *label, int action)
{
    for (int r = 0; r < l->nrows; r++)
        for (int k = 0; k < l->rows[r].nkeys; k++) {
            const kbd_key *key = &l->rows[r].keys[k];
            if (key->action == action && (!label || strcmp(key->label, label) == 0)) {
                kbd_edit_key(e, key);
                return;
            }
        }
    CHECK(0, "no key %s", label ? label : "(special)");
}

static void test_keys(void)
{
    kbd_edit e;
    const kbd_layout *latin = kbd_layout_get(KBD_LATIN), *deva = kbd_layout_get(KBD_DEVANAGARI);
    kbd_edit_init(&e, 0);
    press(&e, latin, "k", KBD_INSERT);
    press(&e, latin, "r", KBD_INSERT);
    press(&e, latin, "e", KBD_INSERT);
    press(&e, latin, NULL, KBD_SPACE);
    press(&e, latin, "ò", KBD_INSERT);
    CHECK_STR(e.buf, "kre ò");
    press(&e, latin, NULL, KBD_BACKSPACE);
    CHECK_STR(e.buf, "kre ");
    press(&e, latin, NULL, KBD_CLEAR);
    CHECK_STR(e.buf, "");
    press(&e, deva, "क", KBD_INSERT);
    press(&e, deva, "◌ि", KBD_INSERT);
    CHECK_STR(e.buf, "कि");
    CHECK(kbd_edit_key(&e, NULL) == FARO_EINVAL, "NULL key");
}

int main(void)
{
    test_layouts();
    test_default_layout();
    test_edit();
    test_keys();
    return check_done();
}
