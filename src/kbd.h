/*
 * kbd.h — the on-screen keyboard as data, and the text it edits.
 *
 * A layout is rows of keys; a key has the label it shows, the text it
 * inserts, its width in key units and, for letters with accents or
 * variants, the alternatives a long press offers.  Special keys
 * (backspace, space, clear, switch layout) carry an action and a Material
 * Icons name as label (no words: nothing here needs translating).  The
 * screen draws and hit-tests the keys; this module only says what they are.
 *
 * kbd_edit is the text being typed: a bounded UTF-8 buffer where insert
 * refuses what does not fit whole and backspace removes one grapheme
 * cluster (a letter with its accents, a Devanagari consonant with its
 * vowel sign), as ICU segments them.
 */
#ifndef FARO_KBD_H
#define FARO_KBD_H

#include <stddef.h>

enum kbd_layout_id { KBD_LATIN = 0, KBD_ARABIC = 1, KBD_DEVANAGARI = 2, KBD_NLAYOUTS = 3 };

enum kbd_action {
    KBD_INSERT = 0,     /* inserts key.text */
    KBD_BACKSPACE,      /* removes the last grapheme cluster */
    KBD_SPACE,          /* inserts " " */
    KBD_CLEAR,          /* empties the text */
    KBD_SWITCH,         /* next layout (kbd_next_layout) */
};

typedef struct kbd_key {
    const char *label;  /* UTF-8 shown on the key; an icon name when icon = 1 */
    const char *text;   /* inserted by KBD_INSERT, NULL for the other actions */
    const char *alts;   /* long-press alternatives separated by spaces, or NULL */
    int width;          /* in half key units: a letter is 2, space 10 */
    int action;         /* enum kbd_action */
    int icon;           /* 1: label is a Material Icons name */
} kbd_key;

typedef struct kbd_row {
    const kbd_key *keys;
    int nkeys;
} kbd_row;

typedef struct kbd_layout {
    int id;             /* enum kbd_layout_id */
    const char *name;   /* "latin", "arabic", "devanagari" */
    int rtl;            /* 1: rows are laid out right to left */
    const kbd_row *rows;
    int nrows;
} kbd_layout;

/* The layout `id`, or NULL when out of range.  Static data, never freed. */
const kbd_layout *kbd_layout_get(int id);

/* The layout a language types with by default: es fr ht pt en -> Latin,
 * ar ur fa -> Arabic, hi ne -> Devanagari, anything else (or NULL) -> Latin.
 * The language subtag decides ("ar-EG" is Arabic). */
int kbd_layout_for_lang(const char *lang);

/* The layout a KBD_SWITCH key leads to from `id` (they cycle). */
int kbd_next_layout(int id);

/* Number of keys of a layout whose label or alternatives hold `text`
 * exactly (for tests and for checking a layout covers an alphabet). */
int kbd_layout_has(const kbd_layout *l, const char *text);

/* ---------------------------------------------------------------- editing */

#define KBD_EDIT_BYTES 256   /* largest text a kbd_edit holds (SEARCH_MAX_QUERY) */

typedef struct kbd_edit {
    char buf[KBD_EDIT_BYTES + 1];   /* NUL-terminated UTF-8 */
    size_t len;                     /* bytes in buf */
    size_t max;                     /* bound in bytes, <= KBD_EDIT_BYTES */
} kbd_edit;

/* Empties e and sets its bound (0 or more than KBD_EDIT_BYTES: KBD_EDIT_BYTES). */
void kbd_edit_init(kbd_edit *e, size_t max);

/* Appends text (valid UTF-8).  Returns 0, FARO_ELIMIT when it would not
 * fit whole (nothing is inserted), FARO_EINVAL for invalid UTF-8 or NULL. */
int kbd_edit_insert(kbd_edit *e, const char *text);

/* Removes the last grapheme cluster.  Returns the bytes removed (0 when
 * the text is empty) or a negative FARO_E* code. */
int kbd_edit_backspace(kbd_edit *e);

/* Empties the text (the bound stays). */
void kbd_edit_clear(kbd_edit *e);

/* Applies a key: insert, space, backspace or clear (switch does nothing
 * here).  Returns what the matching kbd_edit_* call returns. */
int kbd_edit_key(kbd_edit *e, const kbd_key *k);

#endif
