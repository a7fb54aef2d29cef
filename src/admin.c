/*
 * admin.c — the administrator's console, minus the screens: status,
 * languages shown, anonymous usage counts and their export, self-check.
 *
 * The idea: the console is a thin screen over facts this module gathers
 * from the system (statvfs, /proc/uptime, the clock passed in), the store
 * (packs open, how much of them has a recorded or synthetic voice) and
 * the state database (settings, usage, pack hashes), and
 * it never speaks English: each result is a locale key and a value.
 * Privacy is enforced here, where the data enters: a usage row is a day,
 * a content id and a language tag — anything that is not an id is
 * refused, so free text (a search, a name) can never be counted.  A view
 * is counted in memory; the counts reach the database at most once an
 * hour and when the day changes (admin_usage_flush), never once per view,
 * so the database's write-ahead log cannot replay the order of a visit.  The
 * export writes to a stick the same way the kiosk writes anything that
 * must survive a pull (fsio_write_at: temporary file, fsync, rename,
 * fsync the folder), and never through a symlink.
 */
#include "admin.h"
#include "fsio.h"
#include "imgdec.h"
#include "intl.h"
#include "sig.h"
#include "speech.h"
#include "voices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_YEAR_2100 4102444800L       /* 2100-01-01T00:00:00Z */
#define KEY_LANGS "admin.languages"
#define KEY_PRUNED "admin.usage_pruned"

/* ------------------------------------------------------------------ */
/* Status                                                              */

static long read_uptime(void)
{
    double up = -1;
    FILE *f = fopen("/proc/uptime", "r");
    if (f) {
        if (fscanf(f, "%lf", &up) != 1)
            up = -1;
        fclose(f);
    }
    return up < 0 ? -1 : (long)up;
}

static void copy_packs(store *st, admin_status *out, int *rc)
{
    static const char *const langs[] = { "en", NULL };
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    if (!st)
        return;
    *rc = store_packs(st, langs, &r, err, sizeof err);
    for (int i = 0; *rc == 0 && i < r->n && out->npacks < FARO_MAX_PACKS; i++) {
        const store_pack_info *p = &r->u.packs[i];
        admin_pack *a = &out->packs[out->npacks++];
        snprintf(a->id, sizeof a->id, "%s", p->id);
        snprintf(a->layer, sizeof a->layer, "%s", p->layer);
        snprintf(a->type, sizeof a->type, "%s", p->type);
        snprintf(a->created, sizeof a->created, "%s", p->created);
        snprintf(a->source, sizeof a->source, "%s", p->source);
        a->version = p->version;
    }
    store_result_free(r);
}

int admin_status_get(store *st, const char *data_dir, long now_s, admin_status *out)
{
    struct statvfs vfs;
    int rc = 0;
    memset(out, 0, sizeof *out);
    out->version = FARO_VERSION;
    out->now_s = now_s;
    out->uptime_s = read_uptime();
    out->storage_free = out->storage_total = -1;
    if (data_dir && statvfs(data_dir, &vfs) == 0) {
        out->storage_free = (long long)vfs.f_bavail * (long long)vfs.f_frsize;
        out->storage_total = (long long)vfs.f_blocks * (long long)vfs.f_frsize;
    }
    copy_packs(st, out, &rc);
    return rc;
}

int admin_audio_get(store *st, const char *const *langs, int n, admin_audio *out)
{
    char err[FARO_MAX_ERRLEN];
    if (!st)
        return FARO_EINVAL;
    for (int i = 0; i < n; i++) {
        store_coverage cov;
        int rc = store_coverage_get(st, langs[i], &cov, err, sizeof err);
        if (rc < 0)
            return rc;
        admin_audio *a = &out[i];
        snprintf(a->lang, sizeof a->lang, "%s", langs[i]);
        a->items = cov.items;
        a->recorded = cov.recorded;
        a->synthetic = voices_espeak(langs[i]) ? cov.items - cov.recorded : 0;
        a->none = cov.items - cov.recorded - a->synthetic;
    }
    return n;
}

void admin_format_bytes(long long n, char *buf, size_t size)
{
    static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
    double v = (double)(n < 0 ? 0 : n);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    if (u == 0 || v >= 100)
        snprintf(buf, size, "%.0f %s", v, unit[u]);
    else
        snprintf(buf, size, "%.1f %s", v, unit[u]);
}

void admin_day(long now_s, char *buf, size_t size)
{
    time_t t = (time_t)now_s;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}

/* ------------------------------------------------------------------ */
/* Languages shown                                                     */

/* A language tag, by the one rule (intl_lang_valid). */
static int valid_lang(const char *s)
{
    return intl_lang_valid(s);
}

int admin_languages_get(state *s, char langs[][FARO_MAX_LANG_LEN + 1], int max)
{
    char buf[FARO_MAX_LANGS * (FARO_MAX_LANG_LEN + 1) + 1], *save = NULL;
    int n = 0;
    if (!s || state_get(s, KEY_LANGS, buf, sizeof buf) != 0)
        return 0;
    for (char *t = strtok_r(buf, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
        if (valid_lang(t))
            snprintf(langs[n++], FARO_MAX_LANG_LEN + 1, "%s", t);
    return n;
}

int admin_languages_set(state *s, const char *const *langs, int n)
{
    char buf[FARO_MAX_LANGS * (FARO_MAX_LANG_LEN + 1) + 1] = "";
    if (n < 1 || n > FARO_MAX_LANGS)
        return FARO_EINVAL;
    for (int i = 0; i < n; i++) {
        if (!valid_lang(langs[i]))
            return FARO_EINVAL;
        if (i)
            strcat(buf, ",");
        strcat(buf, langs[i]);
    }
    return state_set(s, KEY_LANGS, buf);
}

/* ------------------------------------------------------------------ */
/* Usage counts                                                        */

static int valid_topic(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= FARO_MAX_ID_LEN &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

/* Prunes old rows once per local day. */
static int prune_daily(state *s, const char *today)
{
    char last[16];
    if (state_get(s, KEY_PRUNED, last, sizeof last) == 0 && strcmp(last, today) == 0)
        return 0;
    int rc = state_usage_prune(s, today, ADMIN_USAGE_KEEP_DAYS);
    return rc < 0 ? rc : state_set(s, KEY_PRUNED, today);
}

int admin_usage_flush(state *s, long now_s, int force)
{
    char today[16], then[16];
    if (!s)
        return FARO_EINVAL;
    long since = state_usage_since(s);
    if (since < 0)
        return 0;
    admin_day(now_s, today, sizeof today);
    admin_day(since, then, sizeof then);
    if (!force && now_s - since < ADMIN_USAGE_WRITE_S && now_s >= since && strcmp(today, then) == 0)
        return 0;
    int rc = state_usage_write(s);
    if (rc == 0)
        rc = prune_daily(s, today);
    return rc < 0 ? rc : 1;
}

int admin_usage_view(state *s, long now_s, const char *topic, const char *lang)
{
    char day[16];
    if (!s || !valid_topic(topic) || !valid_lang(lang))
        return FARO_EINVAL;
    int rc = admin_usage_flush(s, now_s, 0);       /* an hour passed, or the day changed */
    admin_day(now_s, day, sizeof day);
    if (rc >= 0 && (rc = state_usage_count(s, day, topic, lang, now_s)) == FARO_ELIMIT &&
        (rc = admin_usage_flush(s, now_s, 1)) >= 0)
        rc = state_usage_count(s, day, topic, lang, now_s);
    return rc < 0 ? rc : 0;
}

/* Opens dir for writing into: a real folder, not a symlink. */
static int open_export_dir(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (!dir || lstat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: %s", dir ? dir : "(none)", strerror(errno ? errno : ENOENT));
        return FARO_ENOTFOUND;
    }
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a folder (symlinks are refused)", dir);
        return FARO_EINVAL;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return FARO_EIO;
    }
    return fd;
}

/* The usage CSV in a malloc'd buffer (*text, *len; caller frees): the row
 * count, or a negative code with err set. */
static int usage_text(state *s, char **text, size_t *len, char *err, size_t errlen)
{
    FILE *f = open_memstream(text, len);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return FARO_ENOMEM;
    }
    int n = state_usage_csv(s, f);
    if (fclose(f) != 0 && n >= 0) {
        snprintf(err, errlen, "out of memory");
        n = FARO_ENOMEM;
    }
    if (n < 0 && n != FARO_ENOMEM)
        snprintf(err, errlen, "cannot read the usage counts");
    return n;
}

int admin_usage_export(state *s, const char *dir, long now_s, char *name, size_t namelen,
                       char *err, size_t errlen)
{
    char day[16], final[64], *text = NULL;
    size_t len = 0;
    int dfd = open_export_dir(dir, err, errlen);
    if (dfd < 0)
        return dfd;
    int rc = admin_usage_flush(s, now_s, 1);       /* the counts still in memory go too */
    if (rc < 0) {
        snprintf(err, errlen, "cannot write the usage counts");
        close(dfd);
        return rc;
    }
    admin_day(now_s, day, sizeof day);
    snprintf(final, sizeof final, "faro-usage-%s.csv", day);
    rc = usage_text(s, &text, &len, err, errlen);
    if (rc >= 0) {
        int w = fsio_write_at(dfd, dir, final, text, len, 0644, err, errlen);
        rc = w < 0 ? w : rc;
    }
    free(text);
    close(dfd);
    if (rc >= 0 && name)
        snprintf(name, namelen, "%s", final);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Self-check                                                          */

/* The font files txt.c opens (its face_files, regular faces and icons). */
static const char *const needed_fonts[] = {
    "NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansDevanagari-Regular.ttf",
    "NotoSansBengali-Regular.ttf", "NotoSansEthiopic-Regular.ttf", "NotoSansSC-Subset.otf",
    "MaterialIcons-Regular.ttf",
};

static void result(admin_check *c, const char *name, int ok, const char *fail_key)
{
    c->name_key = name;
    c->ok = ok;
    c->result_key = ok > 0 ? "admin.check.ok" : ok < 0 ? "admin.check.skipped" : fail_key;
}

static void check_storage(const admin_env *e, admin_check *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/.faro-selfcheck", e->data_dir ? e->data_dir : ".");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    int ok = fd >= 0 && write(fd, "faro\n", 5) == 5;
    ok = ok && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = unlink(path) == 0 && ok;
    snprintf(c->detail, sizeof c->detail, "%s", e->data_dir ? e->data_dir : ".");
    result(c, "admin.check.storage", ok, "admin.check.storage_fail");
}

/* 1 when the installed pack file still hashes to what was recorded. */
static int pack_unchanged(const admin_env *e, const char *dir, const char *name)
{
    char path[2048], id[FARO_MAX_ID_LEN + 1], want[2 * SIG_HASH_BYTES + 1], got[2 * SIG_HASH_BYTES + 1];
    char err[FARO_MAX_ERRLEN];
    unsigned char hash[SIG_HASH_BYTES];
    long version;
    snprintf(path, sizeof path, "%.1000s/%.256s", dir, name);
    snprintf(id, sizeof id, "%.*s", (int)(strlen(name) - 5), name);
    if (state_pack_seen(e->st, id, &version, want, sizeof want) != 0 ||
        sig_hash_file(path, FARO_MAX_PACK_BYTES, hash, err, sizeof err) != 0)
        return 0;
    sig_hash_hex(hash, got);
    return strcmp(got, want) == 0;
}

static void check_signatures(const admin_env *e, admin_check *c)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/packs", e->data_dir ? e->data_dir : ".");
    DIR *d = e->st ? opendir(dir) : NULL;
    int ok = e->st ? 1 : -1;
    for (struct dirent *en; d && ok > 0 && (en = readdir(d));) {
        size_t n = strlen(en->d_name);
        if (n > 5 && n - 5 <= FARO_MAX_ID_LEN && !strcmp(en->d_name + n - 5, ".faro") &&
            en->d_name[0] != '.' && !pack_unchanged(e, dir, en->d_name)) {
            ok = 0;
            snprintf(c->detail, sizeof c->detail, "%.*s", (int)(n - 5), en->d_name);
        }
    }
    if (d)
        closedir(d);
    result(c, "admin.check.signatures", ok, "admin.check.signature_fail");
}

static void check_fonts(const admin_env *e, admin_check *c)
{
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof needed_fonts / sizeof *needed_fonts; i++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", e->font_dir ? e->font_dir : ".", needed_fonts[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 || access(path, R_OK) != 0) {
            ok = 0;
            snprintf(c->detail, sizeof c->detail, "%s", needed_fonts[i]);
        }
    }
    result(c, "admin.check.fonts", ok, "admin.check.fonts_fail");
}

/* This program's build day (__DATE__, "Mmm dd yyyy") at 00:00 UTC. */
static long build_time(void)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *d = __DATE__;
    const char *m = strstr(months, (char[4]){ d[0], d[1], d[2], 0 });
    struct tm tm = { .tm_mday = atoi(d + 4), .tm_mon = m ? (int)(m - months) / 3 : 0,
                     .tm_year = atoi(d + 7) - 1900 };
    return (long)timegm(&tm);
}

static void check_clock(const admin_env *e, admin_check *c)
{
    time_t t = (time_t)e->now_s;
    struct tm tm;
    int ok = e->now_s >= build_time() - 86400 && e->now_s < ADMIN_YEAR_2100;
    int behind = e->floor_s > 0 && e->now_s < e->floor_s - 86400;
    if (behind) {                       /* the detail is the date the clock should be past */
        t = (time_t)e->floor_s;
        ok = 0;
    }
    if (localtime_r(&t, &tm))
        strftime(c->detail, sizeof c->detail, behind ? "%Y-%m-%d" : "%Y-%m-%d %H:%M", &tm);
    result(c, "admin.check.clock", ok, behind ? "admin.check.clock_behind" : "admin.check.clock_fail");
}

typedef struct image_walk { store *content; admin_check *c; int bad; } image_walk;

/* Decodes one picture as the reader would; stops the walk at the first failure. */
static int image_decodes(void *user, const char *name)
{
    image_walk *iw = user;
    char err[FARO_MAX_ERRLEN], why[160];
    void *bytes = NULL;
    size_t len = 0;
    uint8_t *px = NULL;
    int w, h;
    int ok = store_media(iw->content, name, &bytes, &len, err, sizeof err) == 0 &&
             imgdec_decode(bytes, len, 1, &px, &w, &h, why, sizeof why) == 0;
    free(bytes);
    free(px);
    if (!ok) {
        snprintf(iw->c->detail, sizeof iw->c->detail, "%s", name);
        iw->bad = 1;
    }
    return iw->bad;
}

static void check_images(const admin_env *e, admin_check *c)
{
    char err[FARO_MAX_ERRLEN];
    image_walk iw = { e->content, c, 0 };
    int ok = -1;
    if (e->content)
        ok = store_each_image(e->content, image_decodes, &iw, err, sizeof err) == 0 && !iw.bad;
    result(c, "admin.check.images", ok, "admin.check.images_fail");
}

static void check_speech(const admin_env *e, admin_check *c)
{
    static const char *const fail_keys[] = {
        [SPEECH_NO_PROGRAM] = "admin.check.speech_no_program", [SPEECH_NO_DEVICE] = "admin.check.speech_no_device",
        [SPEECH_NO_VOICE] = "admin.check.speech_no_voice", [SPEECH_BAD_RECORDING] = "admin.check.speech_bad_recording",
    };
    int fault = e->speech ? speech_status(e->speech, c->detail, sizeof c->detail) : SPEECH_OK;
    int known = fault > SPEECH_OK && fault <= SPEECH_BAD_RECORDING;
    result(c, "admin.check.speech", !e->speech ? -1 : fault == SPEECH_OK,
           known ? fail_keys[fault] : "admin.check.speech_no_device");
}

int admin_selfcheck(const admin_env *e, admin_check out[ADMIN_NCHECKS])
{
    int failed = 0;
    memset(out, 0, ADMIN_NCHECKS * sizeof *out);
    check_storage(e, &out[ADMIN_CHECK_STORAGE]);
    check_signatures(e, &out[ADMIN_CHECK_SIGNATURES]);
    check_fonts(e, &out[ADMIN_CHECK_FONTS]);
    check_clock(e, &out[ADMIN_CHECK_CLOCK]);
    check_images(e, &out[ADMIN_CHECK_IMAGES]);
    check_speech(e, &out[ADMIN_CHECK_SPEECH]);
    for (int i = 0; i < ADMIN_NCHECKS; i++)
        failed += out[i].ok == 0;
    return failed;
}
