/*
 * cfg.c — reads the kiosk's YAML configuration over built-in defaults.
 *
 * Each key has a small setter that validates its value; a bad key keeps
 * its default and is reported, so a typo never stops a kiosk from starting.
 * The emergency list is checked entry by entry: a bad entry is reported
 * with its own line and skipped, and the numbers that are right still
 * reach the SOS screen.
 */
#include "cfg.h"
#include "intl.h"
#include "log.h"
#include "yml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The built-in SOS numbers: reserved fictional numbers (NANP 555-01xx),
 * marked as examples until the administrator sets the real ones. */
static const cfg_emergency default_emergency[] = {
    { "sos.kind.police", "+1 202 555 0190", "police", 1 },
    { "sos.kind.ambulance", "+1 202 555 0191", "ambulance", 1 },
    { "sos.kind.staff", "+1 202 555 0192", "staff", 1 },
    { "sos.kind.child", "+1 202 555 0193", "child", 1 },
};

static const char *const emergency_kinds[] = { "police", "ambulance", "fire", "staff", "child", "hotline",
                                               "other" };

int cfg_emergency_kind_valid(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof emergency_kinds / sizeof *emergency_kinds; i++)
        if (!strcmp(kind, emergency_kinds[i]))
            return 1;
    return 0;
}

void cfg_defaults(cfg *c)
{
    memset(c, 0, sizeof *c);
    c->idle_timeout_s = 90;
    c->width = 1280;
    c->height = 800;
    c->stale_days = 365;
    c->text_cache_mb = 16;
    c->admin_taps = 5;
    c->admin_window_s = 3;
    c->poll_s = 3600;
    c->nemergency = (int)(sizeof default_emergency / sizeof *default_emergency);
    memcpy(c->emergency, default_emergency, sizeof default_emergency);
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "true") || !strcmp(s, "yes")) { *out = 1; return 0; }
    if (!strcmp(s, "false") || !strcmp(s, "no")) { *out = 0; return 0; }
    return -1;
}

static int set_path(char *dst, const char *s)
{
    if (!s || strlen(s) >= CFG_PATH_MAX)
        return -1;
    strcpy(dst, s);
    return 0;
}

static int set_langs(cfg *c, const yml_node *seq)
{
    int n = 0;
    if (yml_type(seq) != YML_SEQ || yml_len(seq) > FARO_MAX_LANGS)
        return -1;
    for (int i = 0; i < yml_len(seq); i++) {
        const char *s = yml_str(yml_at(seq, i));
        if (!intl_lang_valid(s))
            return -1;
        strcpy(c->langs[n++], s);
    }
    c->nlangs = n;
    return 0;
}

/* A mirror: an http:// or https:// URL without spaces or control bytes. */
static int valid_url(const char *s)
{
    if (!s || strlen(s) >= CFG_URL_MAX || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* A subscription: a pack id, optionally ending in '*' (a prefix), or "*". */
static int valid_subscription(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > FARO_MAX_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
              s[i] == '-' || (s[i] == '*' && i == n - 1)))
            return 0;
    return 1;
}

/* A list of strings checked by `valid`, into rows of `width` bytes. */
static int set_list(const yml_node *seq, int (*valid)(const char *), char *rows, size_t width,
                    int max, int *count)
{
    if (yml_type(seq) != YML_SEQ || yml_len(seq) > max)
        return -1;
    for (int i = 0; i < yml_len(seq); i++)
        if (!valid(yml_str(yml_at(seq, i))))
            return -1;
    for (int i = 0; i < yml_len(seq); i++)
        snprintf(rows + (size_t)i * width, width, "%s", yml_str(yml_at(seq, i)));
    *count = yml_len(seq);
    return 0;
}

static int set_usb_roots(cfg *c, const yml_node *seq)
{
    if (yml_type(seq) != YML_SEQ || yml_len(seq) > CFG_MAX_USB_ROOTS)
        return -1;
    for (int i = 0; i < yml_len(seq); i++) {
        const char *p = yml_str(yml_at(seq, i));
        if (!p || p[0] != '/' || strlen(p) >= CFG_PATH_MAX)
            return -1;
    }
    for (int i = 0; i < yml_len(seq); i++)
        strcpy(c->usb_roots[i], yml_str(yml_at(seq, i)));
    c->nusb_roots = yml_len(seq);
    return 0;
}

/* ---- the emergency list ---- */

/* A phone number as people write it: an optional '+', then digits, spaces
 * and dashes, 2 to 15 digits. */
static int valid_number(const char *s)
{
    int digits = 0;
    if (!s || strlen(s) >= CFG_EMERGENCY_NUMBER)
        return 0;
    for (const char *p = *s == '+' ? s + 1 : s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != ' ' && *p != '-')
            return 0;
    }
    return digits >= 2 && digits <= 15;
}

/* A label: text of less than CFG_EMERGENCY_LABEL bytes without control bytes. */
static int valid_label(const char *s)
{
    if (!s || strlen(s) >= CFG_EMERGENCY_LABEL)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* Checks one entry into *out; returns NULL or what is wrong with it. */
static const char *emergency_entry(const yml_node *m, cfg_emergency *out)
{
    memset(out, 0, sizeof *out);
    if (yml_type(m) != YML_MAP)
        return "an entry must be a mapping {label, number, kind}";
    for (int i = 0; i < yml_len(m); i++) {
        const char *k = yml_key_at(m, i), *v = yml_str(yml_at(m, i));
        if (!strcmp(k, "number") && valid_number(v))
            strcpy(out->number, v);
        else if (!strcmp(k, "label") && valid_label(v))
            strcpy(out->label, v);
        else if (!strcmp(k, "kind") && cfg_emergency_kind_valid(v))
            strcpy(out->kind, v);
        else if (strcmp(k, "example") || parse_bool(v, &out->example) != 0)
            return !strcmp(k, "number") ? "bad number (digits, spaces, dashes, an optional +)"
                 : !strcmp(k, "kind") ? "unknown kind (police, ambulance, fire, staff, child, hotline, other)"
                 : !strcmp(k, "label") ? "bad label (text of at most 127 bytes)"
                 : !strcmp(k, "example") ? "bad value for example (true or false)" : "unknown field";
    }
    if (!*out->number)
        return "the entry has no number";
    if (!*out->kind)
        strcpy(out->kind, "other");
    return NULL;
}

/* Reads the emergency list; each bad entry is reported (with its line) and
 * skipped.  Returns 0, or -3 when some entry was reported. */
static int set_emergency(cfg *c, const yml_node *seq, const char *path, char *err, size_t errlen)
{
    cfg_emergency kept[CFG_MAX_EMERGENCY];
    int n = 0, bad = 0;
    if (yml_type(seq) != YML_SEQ)
        return -1;
    for (int i = 0; i < yml_len(seq); i++) {
        const yml_node *m = yml_at(seq, i);
        const char *why = n == CFG_MAX_EMERGENCY ? "too many entries (at most 12)" : emergency_entry(m, &kept[n]);
        if (!why) {
            n++;
            continue;
        }
        char msg[FARO_MAX_ERRLEN];
        snprintf(msg, sizeof msg, "%s:%d: emergency entry %d: %s; skipped", path, yml_line(m), i + 1, why);
        log_msg("config: %s", msg);
        if (!bad++)
            snprintf(err, errlen, "%s", msg);
    }
    if (n > 0) {                        /* no valid entry: the examples stay, marked as such */
        memcpy(c->emergency, kept, (size_t)n * sizeof *kept);
        c->nemergency = n;
    }
    return bad ? -3 : 0;
}

static int apply_key(cfg *c, const char *key, const yml_node *v)
{
    const char *s = yml_str(v);
    if (!strcmp(key, "data_dir")) return set_path(c->data_dir, s);
    if (!strcmp(key, "assets_dir")) return set_path(c->assets_dir, s);
    if (!strcmp(key, "locales_dir")) return set_path(c->locales_dir, s);
    if (!strcmp(key, "languages")) return set_langs(c, v);
    if (!strcmp(key, "idle_timeout_s")) return parse_int(s, 5, 86400, &c->idle_timeout_s);
    if (!strcmp(key, "fullscreen")) return parse_bool(s, &c->fullscreen);
    if (!strcmp(key, "desktop")) return parse_bool(s, &c->desktop);
    if (!strcmp(key, "width")) return parse_int(s, 320, 7680, &c->width);
    if (!strcmp(key, "height")) return parse_int(s, 240, 4320, &c->height);
    if (!strcmp(key, "usb_roots")) return set_usb_roots(c, v);
    if (!strcmp(key, "admin_taps")) return parse_int(s, 3, 15, &c->admin_taps);
    if (!strcmp(key, "admin_window_s")) return parse_int(s, 1, 30, &c->admin_window_s);
    if (!strcmp(key, "city")) return s && strlen(s) < sizeof c->city ? (strcpy(c->city, s), 0) : -1;
    if (!strcmp(key, "stale_days")) return parse_int(s, 1, 36500, &c->stale_days);
    if (!strcmp(key, "text_cache_mb")) return parse_int(s, 1, 1024, &c->text_cache_mb);
    if (!strcmp(key, "mirrors"))
        return set_list(v, valid_url, c->mirrors[0], sizeof c->mirrors[0], CFG_MAX_MIRRORS, &c->nmirrors);
    if (!strcmp(key, "subscribe"))
        return set_list(v, valid_subscription, c->subscribe[0], sizeof c->subscribe[0],
                        CFG_MAX_SUBSCRIBE, &c->nsubscribe);
    if (!strcmp(key, "poll_s")) return parse_int(s, 60, 604800, &c->poll_s);
    if (!strcmp(key, "ca_file")) return set_path(c->ca_file, s);
    return -2;
}

int cfg_load(cfg *c, const char *path, char *err, size_t errlen)
{
    int rc = 0;
    yml_node *root = yml_load_file(path, err, errlen);
    if (!root) {
        log_msg("config: %s", err);
        return FARO_EPARSE;
    }
    if (yml_type(root) != YML_MAP) {
        snprintf(err, errlen, "%s:%d: the configuration must be a mapping of keys", path, yml_line(root));
        log_msg("config: %s", err);
        yml_free(root);
        return FARO_EPARSE;
    }
    for (int i = 0; i < yml_len(root); i++) {
        const char *key = yml_key_at(root, i);
        const yml_node *v = yml_at(root, i);
        int r = !strcmp(key, "emergency") ? set_emergency(c, v, path, rc ? NULL : err, rc ? 0 : errlen)
                                          : apply_key(c, key, v);
        if (r == -3)
            rc = FARO_EPARSE;
        if (r == 0 || r == -3)
            continue;
        char msg[FARO_MAX_ERRLEN];
        snprintf(msg, sizeof msg, "%s:%d: %s '%s'; keeping the default", path, yml_line(v),
                 r == -2 ? "unknown key" : "bad value for", key);
        log_msg("config: %s", msg);
        if (rc == 0)
            snprintf(err, errlen, "%s", msg);
        rc = FARO_EPARSE;
    }
    yml_free(root);
    return rc;
}
