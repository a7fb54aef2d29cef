/*
 * lcheck.c — the translation coordinator's check of locale files.
 *
 * The idea: every locale file is loaded into a YAML tree (yml.c, bounded)
 * and checked on its own first (meta fields, direction against ICU's idea
 * of the script's direction, plural categories against ICU's CLDR rules
 * for that language, value shapes); then lcheck_run walks the source
 * (en.yaml) key by key against each file, counting translated, missing
 * and unreviewed strings and comparing the {placeholders} of each string.
 * Nothing stops at the first problem: each one becomes a message with the
 * file and line, sorted at the end, so the output is the same every run.
 *
 * Plural rules.  A plural string is a mapping of CLDR categories.  A
 * category the language does not have is an error (that text could never
 * be shown), so is a missing "other" (the last resort of loc_plural).  A
 * category the language has and that some count from 0 to
 * LCHECK_PLURAL_PROBE selects, but that the file lacks, is a warning:
 * "other" is shown instead.  Categories only reachable by huge or
 * compact numbers (Spanish "many" is for "1 millón de") are optional.
 *
 * Placeholders.  A plain string must have exactly the source's set.  Each
 * form of a plural string may use only placeholders the source uses and
 * must keep every placeholder of the source's "other" form except {count}
 * (a form for one may say "one article" without the digit).
 */
#include "lcheck.h"
#include "fsio.h"
#include "intl.h"
#include "yml.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/upluralrules.h>

#define LCHECK_PLURAL_PROBE 1000     /* counts tried to find the needed forms */
#define LCHECK_MAX_CATS 6            /* zero one two few many other */
#define LCHECK_MAX_PH 16             /* placeholders in one string */
#define LCHECK_PH_LEN 32

typedef struct {
    char *file;
    int line, seq, error;
    char *text;
} lc_msg;

typedef struct {
    lcheck_lang row;
    yml_node *root;
    const yml_node *meta, *strings;
} entry;

typedef struct {
    char name[LCHECK_MAX_CATS][8];
    int n;
    char needed[LCHECK_MAX_CATS][8];
    int nneeded;
} cats;

struct lcheck {
    entry e[LCHECK_MAX_LANGS];
    int n;
    yml_node *src_root;              /* owned when set by lcheck_set_source */
    const yml_node *src_strings;
    int src_entry;                   /* index in e[] of en.yaml, or -1 */
    char known[LCHECK_MAX_LANGS][FARO_MAX_LANG_LEN + 1];
    int nknown;
    lc_msg *msgs;
    int nmsgs, cap, errors, warnings;
    int oom;
};

lcheck *lcheck_new(void)
{
    lcheck *c = calloc(1, sizeof *c);
    if (c)
        c->src_entry = -1;
    return c;
}

void lcheck_free(lcheck *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        yml_free(c->e[i].root);
    yml_free(c->src_root);
    for (int i = 0; i < c->nmsgs; i++) {
        free(c->msgs[i].file);
        free(c->msgs[i].text);
    }
    free(c->msgs);
    free(c);
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static void msg_push(lcheck *c, const char *file, int line, int error, const char *text)
{
    if (c->nmsgs == c->cap) {
        int cap = c->cap ? c->cap * 2 : 64;
        lc_msg *m = realloc(c->msgs, cap * sizeof *m);
        if (!m) {
            c->oom = 1;
            return;
        }
        c->msgs = m;
        c->cap = cap;
    }
    lc_msg *m = &c->msgs[c->nmsgs];
    m->file = strdup(file);
    m->text = strdup(text);
    if (!m->file || !m->text) {
        free(m->file);
        free(m->text);
        c->oom = 1;
        return;
    }
    m->line = line;
    m->error = error;
    m->seq = c->nmsgs++;
    *(error ? &c->errors : &c->warnings) += 1;
}

/* Adds "FILE:LINE: [warning: ]reason" and counts it in the row. */
static void report(lcheck *c, entry *en, int line, int error, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(lcheck *c, entry *en, int line, int error, const char *fmt, ...)
{
    char reason[FARO_MAX_ERRLEN], text[FARO_MAX_ERRLEN + 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(text, sizeof text, "%s:%d: %s%s", en->row.file, line, error ? "" : "warning: ", reason);
    else
        snprintf(text, sizeof text, "%s: %s%s", en->row.file, error ? "" : "warning: ", reason);
    msg_push(c, en->row.file, line, error, text);
    *(error ? &en->row.errors : &en->row.warnings) += 1;
}

static int msg_cmp(const void *a, const void *b)
{
    const lc_msg *x = a, *y = b;
    int d = strcmp(x->file, y->file);
    if (d == 0)
        d = x->line - y->line;
    return d ? d : x->seq - y->seq;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

/* "dir/fr.yaml" -> "fr" (bounded). */
static void base_lang(const char *name, char *out, size_t size)
{
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    size_t n = strcspn(b, ".");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), b);
}

static int is_bool(const char *s) { return s && (!strcmp(s, "true") || !strcmp(s, "false")); }

/* The plural categories of lang, and those some small count selects. */
static void plural_cats(const char *lang, cats *k)
{
    UErrorCode st = U_ZERO_ERROR;
    UPluralRules *pr = uplrules_open(lang, &st);
    UEnumeration *e = U_SUCCESS(st) ? uplrules_getKeywords(pr, &st) : NULL;
    memset(k, 0, sizeof *k);
    for (const char *s; e && k->n < LCHECK_MAX_CATS && (s = uenum_next(e, NULL, &st));)
        snprintf(k->name[k->n++], sizeof k->name[0], "%s", s);
    uenum_close(e);
    for (int n = 0; U_SUCCESS(st) && n <= LCHECK_PLURAL_PROBE; n++) {
        UChar kw[16];
        char cat[8];
        int len = uplrules_select(pr, n, kw, 16, &st);
        for (int i = 0; i < len && i < 7; i++)
            cat[i] = (char)kw[i];
        cat[len < 7 ? len : 7] = 0;
        int have = 0;
        for (int i = 0; i < k->nneeded; i++)
            have |= !strcmp(k->needed[i], cat);
        if (!have && k->nneeded < LCHECK_MAX_CATS)
            strcpy(k->needed[k->nneeded++], cat);
    }
    if (k->n == 0)
        strcpy(k->name[k->n++], "other");
    uplrules_close(pr);
}

static int cats_has(const char (*list)[8], int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i], s))
            return 1;
    return 0;
}

static void cats_join(const cats *k, char *buf, size_t size)
{
    buf[0] = 0;
    for (int i = 0; i < k->n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", k->name[i]);
}

/* ------------------------------------------------------------------ */
/* One file on its own                                                 */

static void check_fallback(lcheck *c, entry *en, const yml_node *fb)
{
    if (yml_type(fb) != YML_SEQ) {
        report(c, en, yml_line(fb), 1, "meta.fallback must be a list of languages, like [fr, en]");
        return;
    }
    for (int i = 0; i < yml_len(fb); i++) {
        const char *f = yml_str(yml_at(fb, i));
        if (!f || !intl_lang_valid(f))
            report(c, en, yml_line(yml_at(fb, i)), 1, "meta.fallback: '%s' is not a language tag",
                   f ? f : "(list)");
        else if (!strcmp(f, en->row.lang))
            report(c, en, yml_line(yml_at(fb, i)), 1, "meta.fallback: %s falls back to itself", f);
    }
}

static void check_direction(lcheck *c, entry *en, const yml_node *meta)
{
    const yml_node *d = yml_get(meta, "direction");
    const char *dir = yml_str(d);
    if (!dir || (strcmp(dir, "ltr") && strcmp(dir, "rtl"))) {
        report(c, en, yml_line(d), 1, "meta.direction must be ltr or rtl, not '%s'", dir ? dir : "(list)");
        return;
    }
    en->row.rtl = !strcmp(dir, "rtl");
    int icu_rtl = intl_lang_valid(en->row.lang) ? uloc_isRightToLeft(en->row.lang) : en->row.rtl;
    if (icu_rtl != en->row.rtl)
        report(c, en, yml_line(d), 1, "meta.direction is %s but %s is written %s", dir,
               en->row.lang, icu_rtl ? "right to left (rtl)" : "left to right (ltr)");
}

/* meta.lang: present, a tag, the file's name.  Sets row.lang. */
static void check_lang(lcheck *c, entry *en, const yml_node *meta, const char *fname_lang)
{
    const yml_node *l = yml_get(meta, "lang");
    const char *lang = yml_str(l);
    if (!lang || !intl_lang_valid(lang)) {
        report(c, en, yml_line(l), 1, "meta.lang '%s' is not a language tag (like fr or zh-Hans)",
               lang ? lang : "(list)");
        return;
    }
    snprintf(en->row.lang, sizeof en->row.lang, "%s", lang);
    if (strcmp(lang, fname_lang))
        report(c, en, yml_line(l), 1, "meta.lang is '%s' but the file is named for '%s'", lang,
               fname_lang);
}

static void check_meta(lcheck *c, entry *en, const char *fname_lang)
{
    static const char *const need[] = { "lang", "endonym", "direction", "fallback", "reviewed" };
    const yml_node *meta = en->meta;
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!yml_get(meta, need[i]))
            report(c, en, yml_line(meta), 1, "missing meta field '%s'", need[i]);
    for (int i = 0; i < yml_len(meta); i++) {
        const char *k = yml_key_at(meta, i);
        int known = !strcmp(k, "note");
        for (size_t j = 0; j < sizeof need / sizeof *need; j++)
            known |= !strcmp(k, need[j]);
        if (!known)
            report(c, en, yml_line(yml_at(meta, i)), 0, "unknown meta field '%s'", k);
    }
    if (yml_get(meta, "lang"))
        check_lang(c, en, meta, fname_lang);
    const char *endonym = yml_get_str(meta, "endonym", NULL);
    if (yml_get(meta, "endonym") && (!endonym || !*endonym))
        report(c, en, yml_line(yml_get(meta, "endonym")), 1, "meta.endonym must be the language's own name");
    if (endonym && *endonym)
        snprintf(en->row.endonym, sizeof en->row.endonym, "%s", endonym);
    if (yml_get(meta, "direction"))
        check_direction(c, en, meta);
    if (yml_get(meta, "fallback"))
        check_fallback(c, en, yml_get(meta, "fallback"));
    const char *rev = yml_get_str(meta, "reviewed", NULL);
    if (yml_get(meta, "reviewed") && !is_bool(rev))
        report(c, en, yml_line(yml_get(meta, "reviewed")), 1, "meta.reviewed must be true or false");
    en->row.reviewed = rev && !strcmp(rev, "true");
}

static void check_plural_forms(lcheck *c, entry *en, const char *key, const yml_node *v, const cats *k)
{
    char list[64];
    int bad = 0;
    for (int i = 0; i < yml_len(v); i++) {
        const char *cat = yml_key_at(v, i);
        if (!cats_has(k->name, k->n, cat)) {
            cats_join(k, list, sizeof list);
            report(c, en, yml_line(yml_at(v, i)), 1,
                   "%s: plural form '%s' is not a CLDR category of %s (it has: %s)", key, cat,
                   en->row.lang, list);
            bad = 1;
        } else if (yml_type(yml_at(v, i)) != YML_SCALAR) {
            report(c, en, yml_line(yml_at(v, i)), 1, "%s.%s: must be a text", key, cat);
            bad = 1;
        }
    }
    if (!yml_get(v, "other")) {
        report(c, en, yml_line(v), 1, "%s: plural forms lack 'other' (the form shown when no other fits)", key);
        bad = 1;
    }
    for (int i = 0; i < k->nneeded; i++)
        if (strcmp(k->needed[i], "other") && !yml_get(v, k->needed[i]))
            report(c, en, yml_line(v), 0, "%s: missing plural form '%s' (the 'other' form is shown instead)",
                   key, k->needed[i]);
    en->row.plurals += bad;
}

static void check_strings(lcheck *c, entry *en)
{
    const yml_node *s = en->strings;
    if (yml_type(s) != YML_MAP) {
        report(c, en, yml_line(s ? s : en->root), 1, "missing 'strings' mapping");
        return;
    }
    if (yml_len(s) > FARO_MAX_STRINGS)
        report(c, en, yml_line(s), 1, "more than %d strings", FARO_MAX_STRINGS);
    cats k;
    plural_cats(en->row.lang, &k);
    for (int i = 0; i < yml_len(s); i++) {
        const yml_node *v = yml_at(s, i);
        const char *key = yml_key_at(s, i);
        if (yml_type(v) == YML_MAP)
            check_plural_forms(c, en, key, v, &k);
        else if (yml_type(v) != YML_SCALAR)
            report(c, en, yml_line(v), 1, "%s: must be a text or a mapping of plural forms", key);
        else if (!*yml_str(v))
            report(c, en, yml_line(v), 0, "%s: empty text (nothing would be shown)", key);
    }
}

static entry *entry_add(lcheck *c, const char *name)
{
    if (c->n == LCHECK_MAX_LANGS)
        return NULL;
    entry *en = &c->e[c->n++];
    memset(en, 0, sizeof *en);
    snprintf(en->row.file, sizeof en->row.file, "%s", name);
    base_lang(name, en->row.lang, sizeof en->row.lang);
    memcpy(en->row.endonym, en->row.lang, sizeof en->row.lang);
    return en;
}

/* Adds a yml error "name:line:col: reason" as a message of en. */
static void report_yaml(lcheck *c, entry *en, const char *err)
{
    const char *p = err + strlen(en->row.file);
    int line = (*p == ':') ? atoi(p + 1) : 0;
    msg_push(c, en->row.file, line, 1, err);
    en->row.errors++;
}

int lcheck_add_buf(lcheck *c, const char *name, const char *buf, size_t len)
{
    char err[FARO_MAX_ERRLEN], fname_lang[FARO_MAX_LANG_LEN + 1];
    entry *en = entry_add(c, name);
    if (!en)
        return FARO_ELIMIT;
    snprintf(fname_lang, sizeof fname_lang, "%s", en->row.lang);
    en->root = yml_load_buf(buf, len, en->row.file, err, sizeof err);
    if (!en->root) {
        report_yaml(c, en, err);
        return c->oom ? FARO_ENOMEM : 0;
    }
    en->meta = yml_get(en->root, "meta");
    en->strings = yml_get(en->root, "strings");
    if (yml_type(en->meta) != YML_MAP)
        report(c, en, yml_line(en->root), 1, "missing 'meta' block (lang, endonym, direction, fallback, reviewed)");
    else
        check_meta(c, en, fname_lang);
    check_strings(c, en);
    en->row.valid = yml_type(en->meta) == YML_MAP && yml_type(en->strings) == YML_MAP;
    return c->oom ? FARO_ENOMEM : 0;
}

/* Reads a whole file (bounded by FARO_MAX_FILE_BYTES); NULL on failure. */
static char *read_all(const char *path, size_t *len)
{
    char *buf;
    long n = fsio_read(path, FARO_MAX_FILE_BYTES, 0, &buf, NULL, 0);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

int lcheck_add_file(lcheck *c, const char *path, const char *name)
{
    size_t len = 0;
    char *buf = read_all(path, &len);
    if (!buf) {
        entry *en = entry_add(c, name ? name : path);
        if (!en)
            return FARO_ELIMIT;
        report(c, en, 0, 1, "cannot read (missing, unreadable or larger than %u bytes)", FARO_MAX_FILE_BYTES);
        return FARO_EIO;
    }
    int rc = lcheck_add_buf(c, name ? name : path, buf, len);
    free(buf);
    return rc;
}

int lcheck_set_source(lcheck *c, const char *path, char *err, size_t errlen)
{
    yml_node *root = yml_load_file(path, err, errlen);
    if (!root)
        return FARO_EPARSE;
    if (yml_type(yml_get(root, "strings")) != YML_MAP) {
        snprintf(err, errlen, "%s: missing 'strings' mapping", path);
        yml_free(root);
        return FARO_EPARSE;
    }
    yml_free(c->src_root);
    c->src_root = root;
    c->src_strings = yml_get(root, "strings");
    c->src_entry = -1;
    return lcheck_add_known(c, yml_get_str(yml_get(root, "meta"), "lang", "en"));
}

int lcheck_add_known(lcheck *c, const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (c->nknown == LCHECK_MAX_LANGS || n > FARO_MAX_LANG_LEN)
        return FARO_ELIMIT;
    memmove(c->known[c->nknown], lang, n);
    c->known[c->nknown++][n] = 0;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Cross-checks                                                        */

typedef struct {
    char name[LCHECK_MAX_PH][LCHECK_PH_LEN];
    int n;
} ph_set;

static int ph_has(const ph_set *p, const char *s)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], s))
            return 1;
    return 0;
}

/* Adds the {name} placeholders of text to p (names: letters, digits, _). */
static void ph_scan(const char *text, ph_set *p)
{
    for (const char *s = text ? strchr(text, '{') : NULL; s; s = strchr(s + 1, '{')) {
        size_t n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (n == 0 || n >= LCHECK_PH_LEN || s[1 + n] != '}' || p->n == LCHECK_MAX_PH)
            continue;
        char name[LCHECK_PH_LEN];
        snprintf(name, sizeof name, "%.*s", (int)n, s + 1);
        if (!ph_has(p, name))
            strcpy(p->name[p->n++], name);
    }
}

/* Placeholders of a string node: a scalar, or all forms of a plural. */
static void ph_of(const yml_node *v, ph_set *p)
{
    memset(p, 0, sizeof *p);
    if (yml_type(v) == YML_SCALAR)
        ph_scan(yml_str(v), p);
    for (int i = 0; yml_type(v) == YML_MAP && i < yml_len(v); i++)
        ph_scan(yml_str(yml_at(v, i)), p);
}

/* Compares one text with the source sets; 1 when it differs (reported). */
static int ph_compare(lcheck *c, entry *en, const char *key, const yml_node *t,
                      const ph_set *allowed, const ph_set *required, const char *skip)
{
    ph_set got;
    int bad = 0;
    ph_of(t, &got);
    for (int i = 0; i < got.n; i++)
        if (!ph_has(allowed, got.name[i])) {
            report(c, en, yml_line(t), 1, "%s: placeholder {%s} is not in the source text", key, got.name[i]);
            bad = 1;
        }
    for (int i = 0; i < required->n; i++)
        if (!ph_has(&got, required->name[i]) && (!skip || strcmp(skip, required->name[i]))) {
            report(c, en, yml_line(t), 1, "%s: placeholder {%s} of the source text is missing", key,
                   required->name[i]);
            bad = 1;
        }
    return bad;
}

static void check_placeholders(lcheck *c, entry *en, const char *key, const yml_node *src,
                               const yml_node *v)
{
    ph_set all, other;
    int bad = 0;
    ph_of(src, &all);
    if (yml_type(src) == YML_MAP)
        ph_of(yml_get(src, "other"), &other);
    else
        other = all;
    if (yml_type(v) == YML_MAP && yml_type(src) != YML_MAP) {
        report(c, en, yml_line(v), 1, "%s: has plural forms but the source is one text", key);
        bad = 1;
    }
    for (int i = 0; yml_type(v) == YML_MAP && !bad && i < yml_len(v); i++)
        bad |= ph_compare(c, en, key, yml_at(v, i), &all, &other, "count");
    if (yml_type(v) == YML_SCALAR)
        bad |= ph_compare(c, en, key, v, &all, &other, yml_type(src) == YML_MAP ? "count" : NULL);
    en->row.placeholders += bad;
}

static int is_known(const lcheck *c, const char *lang)
{
    for (int i = 0; i < c->n; i++)
        if (c->e[i].row.valid && !strcmp(c->e[i].row.lang, lang))
            return 1;
    for (int i = 0; i < c->nknown; i++)
        if (!strcmp(c->known[i], lang))
            return 1;
    return 0;
}

static void check_fallbacks_known(lcheck *c, entry *en)
{
    const yml_node *fb = yml_get(en->meta, "fallback");
    for (int i = 0; yml_type(fb) == YML_SEQ && i < yml_len(fb); i++) {
        const char *f = yml_str(yml_at(fb, i));
        if (f && intl_lang_valid(f) && strcmp(f, en->row.lang) && !is_known(c, f))
            report(c, en, yml_line(yml_at(fb, i)), 1, "meta.fallback: unknown language '%s' (no %s.yaml)", f, f);
    }
}

static void cross_check(lcheck *c, entry *en)
{
    const yml_node *src = c->src_strings, *s = en->strings;
    int is_source = c->src_entry >= 0 && en == &c->e[c->src_entry];
    for (int i = 0; src && i < yml_len(src); i++) {
        const yml_node *v = yml_get(s, yml_key_at(src, i));
        if (!v || (yml_type(v) == YML_SCALAR && !*yml_str(v))) {
            en->row.missing++;
            continue;
        }
        en->row.translated++;
        en->row.unreviewed += !en->row.reviewed;
        if (!is_source)
            check_placeholders(c, en, yml_key_at(src, i), yml_at(src, i), v);
    }
    for (int i = 0; src && yml_type(s) == YML_MAP && i < yml_len(s); i++)
        if (!yml_get(src, yml_key_at(s, i))) {
            en->row.extra++;
            report(c, en, yml_line(yml_at(s, i)), 0, "%s: unknown key (not in the source en.yaml)",
                   yml_key_at(s, i));
        }
}

static void pick_source(lcheck *c)
{
    if (c->src_strings)
        return;
    for (int i = 0; i < c->n; i++)
        if (c->e[i].row.valid && !strcmp(c->e[i].row.lang, "en")) {
            c->src_entry = i;
            c->src_strings = c->e[i].strings;
            return;
        }
}

int lcheck_run(lcheck *c)
{
    pick_source(c);
    for (int i = 0; i < c->n; i++) {
        entry *en = &c->e[i];
        if (!en->row.valid) {
            en->row.missing = lcheck_source_keys(c);
            continue;
        }
        check_fallbacks_known(c, en);
        cross_check(c, en);
    }
    if (c->nmsgs)
        qsort(c->msgs, c->nmsgs, sizeof *c->msgs, msg_cmp);
    return c->errors;
}

/* ------------------------------------------------------------------ */
/* A folder                                                            */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_yaml_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".yaml") && name[0] != '.';
}

/* Sorted *.yaml names of dir (at most LCHECK_MAX_LANGS); -1 when unreadable. */
static int list_yaml(const char *dir, char **names)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d)) && n < LCHECK_MAX_LANGS;)
        if (is_yaml_name(e->d_name) && (names[n] = strdup(e->d_name)))
            n++;
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    return n;
}

int lcheck_dir(lcheck *c, const char *dir, char *err, size_t errlen)
{
    char *names[LCHECK_MAX_LANGS];
    int n = list_yaml(dir, names), have_en = 0, rc = 0;
    if (n < 0) {
        snprintf(err, errlen, "%s: cannot open folder: %s", dir, strerror(errno));
        return FARO_EIO;
    }
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        have_en |= !strcmp(names[i], "en.yaml");
        if (rc == 0 || rc == FARO_EIO)
            rc = lcheck_add_file(c, path, path);
        free(names[i]);
    }
    if (!have_en) {
        snprintf(err, errlen, "%s: no en.yaml (the source every translation is compared with)", dir);
        return FARO_ENOTFOUND;
    }
    if (rc == FARO_ENOMEM || rc == FARO_ELIMIT) {
        snprintf(err, errlen, "%s: %s", dir, rc == FARO_ENOMEM ? "out of memory" : "too many locale files");
        return rc;
    }
    return lcheck_run(c);
}

/* ------------------------------------------------------------------ */
/* Reading the results                                                 */

int lcheck_count(const lcheck *c) { return c->n; }

const lcheck_lang *lcheck_at(const lcheck *c, int i) { return i >= 0 && i < c->n ? &c->e[i].row : NULL; }

int lcheck_source_keys(const lcheck *c) { return yml_len(c->src_strings); }

int lcheck_messages(const lcheck *c) { return c->nmsgs; }

const char *lcheck_message(const lcheck *c, int i, int *is_error)
{
    if (i < 0 || i >= c->nmsgs)
        return NULL;
    if (is_error)
        *is_error = c->msgs[i].error;
    return c->msgs[i].text;
}

int lcheck_errors(const lcheck *c) { return c->errors; }

int lcheck_warnings(const lcheck *c) { return c->warnings; }

static void print_missing(const lcheck *c, FILE *f)
{
    for (int i = 0; i < c->n; i++) {
        const entry *en = &c->e[i];
        for (int k = 0; en->row.valid && k < yml_len(c->src_strings); k++) {
            const yml_node *v = yml_get(en->strings, yml_key_at(c->src_strings, k));
            if (!v || (yml_type(v) == YML_SCALAR && !*yml_str(v)))
                fprintf(f, "%s: missing '%s'\n", en->row.file, yml_key_at(c->src_strings, k));
        }
    }
}

static void print_row(FILE *f, const lcheck_lang *r)
{
    fprintf(f, "%-8s %-3s %-8s %10d %7d %10d %12d %7d %5d %6d %8d  %s\n", r->lang,
            r->rtl ? "rtl" : "ltr", !r->valid ? "-" : r->reviewed ? "yes" : "no", r->translated,
            r->missing, r->unreviewed, r->placeholders, r->plurals, r->extra, r->errors,
            r->warnings, r->valid ? r->endonym : "(file not readable as a locale)");
}

void lcheck_print(const lcheck *c, FILE *f, int verbose)
{
    lcheck_lang tot;
    memset(&tot, 0, sizeof tot);
    for (int i = 0; i < c->nmsgs; i++)
        fprintf(f, "%s\n", c->msgs[i].text);
    if (verbose)
        print_missing(c, f);
    fprintf(f, "%-8s %-3s %-8s %10s %7s %10s %12s %7s %5s %6s %8s  %s\n", "lang", "dir", "reviewed",
            "translated", "missing", "unreviewed", "placeholders", "plurals", "extra", "errors",
            "warnings", "language");
    for (int i = 0; i < c->n; i++) {
        const lcheck_lang *r = &c->e[i].row;
        print_row(f, r);
        tot.translated += r->translated;
        tot.missing += r->missing;
        tot.unreviewed += r->unreviewed;
        tot.placeholders += r->placeholders;
        tot.plurals += r->plurals;
        tot.extra += r->extra;
    }
    fprintf(f, "%d languages, %d source strings: %d translated, %d missing, %d unreviewed; "
               "%d errors, %d warnings\n", c->n, lcheck_source_keys(c), tot.translated, tot.missing,
            tot.unreviewed, c->errors, c->warnings);
}
