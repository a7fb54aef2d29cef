/*
 * loc.c — locale files loaded into YAML trees and looked up by key.
 *
 * Each locale keeps its parsed tree; a lookup walks the language's chain
 * (itself, its fallbacks, English) and returns the first hit.  Plural
 * forms are chosen with ICU's uplrules for the language, so Arabic gets
 * its six categories without any rule written here.  Lookups happen when
 * a screen is built, never per frame.
 *
 * A translation pack (lpack.c) lays its files over the shipped ones with
 * loc_overlay_buf: the overlay's strings are looked up first, the shipped
 * file still answers for keys the overlay lacks (an older pack on a newer
 * kiosk), and the newest overlay's meta is the language's meta.
 */
#include "loc.h"
#include "faro.h"
#include "intl.h"
#include "log.h"
#include "yml.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/upluralrules.h>

#define LOC_MAX 64

typedef struct locale {
    char code[FARO_MAX_LANG_LEN + 1];
    yml_node *root;
    const yml_node *strings;
    const char *endonym;
    const char *fallback[LOC_MAX_CHAIN];
    int nfallback, rtl, reviewed;
    /* overlays (translation packs), newest last: their strings win over
     * `strings`, and the newest one's meta is the locale's meta */
    yml_node *over[LOC_MAX_OVERLAYS];
    const yml_node *over_strings[LOC_MAX_OVERLAYS];
    int nover;
} locale;

struct loc_set {
    locale loc[LOC_MAX];
    int n;
};

loc_set *loc_new(void) { return calloc(1, sizeof(loc_set)); }

static void locale_free(locale *lc)
{
    yml_free(lc->root);
    for (int i = 0; i < lc->nover; i++)
        yml_free(lc->over[i]);
}

void loc_free(loc_set *L)
{
    if (!L)
        return;
    for (int i = 0; i < L->n; i++)
        locale_free(&L->loc[i]);
    free(L);
}

static const locale *find(const loc_set *L, const char *lang)
{
    for (int i = 0; lang && i < L->n; i++)
        if (!strcmp(L->loc[i].code, lang))
            return &L->loc[i];
    return NULL;
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *why)
{
    snprintf(err, errlen, "%s:%d: %s", path, line, why);
    return FARO_EPARSE;
}

/* Checks the meta block and fills `lc`.  Returns 0 or FARO_EPARSE. */
static int read_meta(locale *lc, const yml_node *root, const char *path, char *err, size_t errlen)
{
    const yml_node *meta = yml_get(root, "meta");
    const char *lang = yml_get_str(meta, "lang", NULL);
    const char *dir = yml_get_str(meta, "direction", "ltr");
    const yml_node *fb = yml_get(meta, "fallback");
    if (yml_type(meta) != YML_MAP)
        return fail(err, errlen, path, yml_line(root), "missing 'meta' block");
    if (!intl_lang_valid(lang))
        return fail(err, errlen, path, yml_line(meta), "meta.lang missing or not a language tag");
    if (strcmp(dir, "ltr") && strcmp(dir, "rtl"))
        return fail(err, errlen, path, yml_line(yml_get(meta, "direction")), "meta.direction must be ltr or rtl");
    if (fb && (yml_type(fb) != YML_SEQ || yml_len(fb) > LOC_MAX_CHAIN - 2))
        return fail(err, errlen, path, yml_line(fb), "meta.fallback must be a short list of languages");
    strcpy(lc->code, lang);
    lc->endonym = yml_get_str(meta, "endonym", lc->code);
    lc->rtl = !strcmp(dir, "rtl");
    lc->reviewed = !strcmp(yml_get_str(meta, "reviewed", "false"), "true");
    lc->nfallback = 0;
    for (int i = 0; fb && i < yml_len(fb); i++) {
        const char *f = yml_str(yml_at(fb, i));
        if (!f)
            return fail(err, errlen, path, yml_line(yml_at(fb, i)), "meta.fallback entries must be language tags");
        lc->fallback[lc->nfallback++] = f;
    }
    return 0;
}

/* Layers the checked file lc over slot: its strings first, its meta. */
static void add_overlay(locale *slot, const locale *lc)
{
    slot->over[slot->nover] = lc->root;
    slot->over_strings[slot->nover++] = lc->strings;
    slot->endonym = lc->endonym;
    slot->rtl = lc->rtl;
    slot->reviewed = lc->reviewed;
    slot->nfallback = lc->nfallback;
    memcpy(slot->fallback, lc->fallback, sizeof slot->fallback);
}

/* Checks a parsed locale file and puts it in L (taking root, even on
 * error); over: layered over an existing locale of the same language. */
static int load_tree(loc_set *L, yml_node *root, const char *path, int over, char *err, size_t errlen)
{
    locale lc;
    memset(&lc, 0, sizeof lc);
    lc.root = root;
    if (!lc.root)
        return FARO_EPARSE;
    int rc = read_meta(&lc, lc.root, path, err, errlen);
    lc.strings = yml_get(lc.root, "strings");
    if (rc == 0 && yml_type(lc.strings) != YML_MAP)
        rc = fail(err, errlen, path, yml_line(lc.root), "missing 'strings' mapping");
    locale *slot = (locale *)find(L, lc.code);
    if (rc == 0 && !slot && L->n == LOC_MAX)
        rc = fail(err, errlen, path, 1, "too many locales");
    if (rc == 0 && over && slot && slot->nover == LOC_MAX_OVERLAYS)
        rc = fail(err, errlen, path, 1, "too many translation packs for this language");
    if (rc != 0) {
        yml_free(lc.root);
        return rc;
    }
    if (over && slot) {
        add_overlay(slot, &lc);
        return 0;
    }
    if (slot)
        locale_free(slot);
    else
        slot = &L->loc[L->n++];
    *slot = lc;
    return 0;
}

int loc_load_file(loc_set *L, const char *path, char *err, size_t errlen)
{
    return load_tree(L, yml_load_file(path, err, errlen), path, 0, err, errlen);
}

int loc_load_buf(loc_set *L, const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
    return load_tree(L, yml_load_buf(buf, len, name, err, errlen), name, 0, err, errlen);
}

int loc_overlay_buf(loc_set *L, const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
    return load_tree(L, yml_load_buf(buf, len, name, err, errlen), name, 1, err, errlen);
}

static int is_yaml_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".yaml") && name[0] != '.';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int loc_load_dir(loc_set *L, const char *dir)
{
    char *names[LOC_MAX];
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        log_msg("locales: cannot open folder %s", dir);
        return 0;
    }
    for (struct dirent *e; (e = readdir(d)) && n < LOC_MAX;)
        if (is_yaml_name(e->d_name))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        char path[1024], err[FARO_MAX_ERRLEN];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && loc_load_file(L, path, err, sizeof err) != 0)
            log_msg("locales: %s (skipped)", err);
        free(names[i]);
    }
    for (int i = 0; i < L->n; i++)
        for (int k = 0; k < L->loc[i].nfallback; k++)
            if (!find(L, L->loc[i].fallback[k]))
                log_msg("locales: %s falls back to unknown language '%s'", L->loc[i].code,
                        L->loc[i].fallback[k]);
    return L->n;
}

int loc_count(const loc_set *L) { return L->n; }

const char *loc_code(const loc_set *L, int i) { return (i >= 0 && i < L->n) ? L->loc[i].code : NULL; }

int loc_has(const loc_set *L, const char *lang) { return find(L, lang) != NULL; }

const char *loc_endonym(const loc_set *L, const char *lang)
{
    const locale *lc = find(L, lang);
    return lc ? lc->endonym : lang;
}

int loc_is_rtl(const loc_set *L, const char *lang)
{
    const locale *lc = find(L, lang);
    return lc ? lc->rtl : 0;
}

int loc_reviewed(const loc_set *L, const char *lang)
{
    const locale *lc = find(L, lang);
    return lc ? lc->reviewed : 0;
}

static int chain_add(const char **out, int n, const char *lang)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(out[i], lang))
            return n;
    if (n < LOC_MAX_CHAIN)
        out[n++] = lang;
    return n;
}

int loc_chain(const loc_set *L, const char *lang, const char **out)
{
    int n = 0;
    if (lang) {
        const locale *lc = find(L, lang);
        n = chain_add(out, n, lc ? lc->code : lang);
        /* breadth-first over fallbacks, bounded by LOC_MAX_CHAIN */
        for (int i = 0; i < n && n < LOC_MAX_CHAIN; i++) {
            const locale *f = find(L, out[i]);
            for (int k = 0; f && k < f->nfallback; k++)
                n = chain_add(out, n, f->fallback[k]);
        }
    }
    n = chain_add(out, n, "en");
    out[n] = NULL;
    return n;
}

/* The node for key along the chain (scalar or plural map), or NULL. */
static const yml_node *lookup(const loc_set *L, const char *lang, const char *key)
{
    const char *chain[LOC_MAX_CHAIN + 1];
    loc_chain(L, lang, chain);
    for (int i = 0; chain[i]; i++) {
        const locale *lc = find(L, chain[i]);
        for (int k = lc ? lc->nover - 1 : -1; k >= 0; k--)
            if (yml_get(lc->over_strings[k], key))
                return yml_get(lc->over_strings[k], key);
        const yml_node *v = lc ? yml_get(lc->strings, key) : NULL;
        if (v)
            return v;
    }
    return NULL;
}

const char *loc_str(const loc_set *L, const char *lang, const char *key)
{
    const yml_node *v = lookup(L, lang, key);
    const char *s = yml_str(v);
    if (!s && yml_type(v) == YML_MAP)
        s = yml_get_str(v, "other", NULL);
    return s ? s : key;
}

/* Copies tmpl into buf, replacing {name} by the matching value in args. */
static int substitute(const char *tmpl, char *buf, size_t size, const char **args, int nargs)
{
    size_t o = 0;
    if (size == 0)
        return 0;
    for (const char *p = tmpl; *p && o + 1 < size;) {
        const char *close = (*p == '{') ? strchr(p, '}') : NULL;
        const char *val = NULL;
        for (int i = 0; close && i + 1 < nargs; i += 2)
            if (strlen(args[i]) == (size_t)(close - p - 1) && !strncmp(p + 1, args[i], close - p - 1))
                val = args[i + 1];
        if (val) {
            size_t vl = strlen(val);
            if (vl > size - 1 - o)
                vl = size - 1 - o;
            memcpy(buf + o, val, vl);
            o += vl;
            p = close + 1;
        } else {
            buf[o++] = *p++;
        }
    }
    buf[o] = 0;
    return (int)o;
}

#define LOC_MAX_ARGS 16

static int collect_args(va_list ap, const char **args)
{
    int n = 0;
    for (const char *name; n + 2 <= LOC_MAX_ARGS && (name = va_arg(ap, const char *));) {
        args[n++] = name;
        args[n++] = va_arg(ap, const char *);
    }
    return n;
}

int loc_format(const loc_set *L, const char *lang, const char *key, char *buf, size_t size, ...)
{
    const char *args[LOC_MAX_ARGS];
    va_list ap;
    va_start(ap, size);
    int n = collect_args(ap, args);
    va_end(ap);
    return substitute(loc_str(L, lang, key), buf, size, args, n);
}

/* CLDR plural category of n in lang ("one", "few", ...), via ICU. */
static void plural_category(const char *lang, long n, char *cat, size_t size)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar kw[32];
    UPluralRules *pr = uplrules_open(lang, &st);
    snprintf(cat, size, "other");
    if (U_FAILURE(st))
        return;
    int len = uplrules_select(pr, (double)n, kw, 32, &st);
    if (U_SUCCESS(st) && len > 0 && (size_t)len < size) {
        for (int i = 0; i < len; i++)
            cat[i] = (char)kw[i];
        cat[len] = 0;
    }
    uplrules_close(pr);
}

int loc_plural(const loc_set *L, const char *lang, const char *key, long n, char *buf, size_t size, ...)
{
    const char *args[LOC_MAX_ARGS + 2];
    char num[32], cat[16];
    va_list ap;
    va_start(ap, size);
    int na = collect_args(ap, args);
    va_end(ap);
    snprintf(num, sizeof num, "%ld", n);
    args[na++] = "count";
    args[na++] = num;
    const yml_node *v = lookup(L, lang, key);
    const char *tmpl = yml_str(v);
    if (!tmpl && yml_type(v) == YML_MAP) {
        plural_category(lang, n, cat, sizeof cat);
        tmpl = yml_get_str(v, cat, NULL);
        if (!tmpl)
            tmpl = yml_get_str(v, "other", key);
    }
    return substitute(tmpl ? tmpl : key, buf, size, args, na);
}
