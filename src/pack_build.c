/*
 * pack_build.c — lint a content folder and build it into a pack.
 *
 * The idea: one loader reads the whole folder into a `content` model
 * (pack.yaml, the article folders, topics.yaml, services.csv, media/,
 * audio/: recordings decoded whole by ogg_probe, see load_audio) and
 * never stops at the first problem: every check adds a line to a lint
 * report and carries on with whatever still makes sense.  Lint is the
 * loader plus the cross-checks (topics <-> articles, translations, the
 * links and images inside every Markdown body, parsed with md4c).  Build
 * is lint, then — only when the report is empty — a writer that turns the
 * model into SQLite rows (schema.h) in one transaction, VACUUMs, closes,
 * and puts "<out>.tmp" in place of "<out>" with fsio_commit (fsync,
 * rename, fsync of the folder).  Because lint already
 * proved every reference, the writer only copies.  Besides problems, the
 * report keeps notes (a recording's length, each language's audio
 * coverage) that never fail a build.
 *
 * Messages are "FILE:LINE: reason" with FILE relative to the folder, so an
 * editor can jump to the spot; the report sorts them by file and line.
 * Every input file is bounded (FARO_MAX_FILE_BYTES) and checked to be UTF-8
 * before anything parses it.  Reproducible builds: rows are inserted in a
 * fixed order (folders are read sorted) and "created" honours
 * SOURCE_DATE_EPOCH, so the same folder gives the same bytes.
 */
#include "pack_build.h"
#include "csv.h"
#include "faro.h"
#include "fsio.h"
#include "icons.h"
#include "intl.h"
#include "lcheck.h"
#include "lpack.h"
#include "ogg.h"
#include "schema.h"
#include "voices.h"
#include "yml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <md4c.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <unicode/utf8.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The report                                                          */

typedef struct {
    char *file;         /* sort key: the FILE part */
    int line;           /* sort key: 0 for whole-file problems */
    int seq;            /* discovery order, the last sort key */
    char *msg;
} lint_msg;

struct lint_report {
    lint_msg *msgs;
    int kept, cap;
    int count;
    char **notes;       /* what lint tells besides problems (audio: durations, coverage) */
    int nnotes, cap_notes;
};

lint_report *lint_report_new(void)
{
    return calloc(1, sizeof(lint_report));
}

void lint_report_free(lint_report *rep)
{
    if (!rep)
        return;
    for (int i = 0; i < rep->kept; i++) {
        free(rep->msgs[i].file);
        free(rep->msgs[i].msg);
    }
    free(rep->msgs);
    for (int i = 0; i < rep->nnotes; i++)
        free(rep->notes[i]);
    free(rep->notes);
    free(rep);
}

int lint_report_count(const lint_report *rep)
{
    return rep ? rep->count : 0;
}

int lint_report_kept(const lint_report *rep)
{
    return rep ? rep->kept : 0;
}

const char *lint_report_at(const lint_report *rep, int i)
{
    return rep && i >= 0 && i < rep->kept ? rep->msgs[i].msg : NULL;
}

/* Keeps one message: "file[:line][:column]: reason".  Out of memory only
 * loses the message (the count still goes up, so the build still fails). */
static void report_vadd(lint_report *rep, const char *file, int line, const char *column,
                        const char *fmt, va_list ap)
{
    rep->count++;
    if (rep->kept >= LINT_MAX_MESSAGES)
        return;
    if (rep->kept == rep->cap) {
        int cap = rep->cap ? rep->cap * 2 : 32;
        lint_msg *m = realloc(rep->msgs, (size_t)cap * sizeof *m);
        if (!m)
            return;
        rep->msgs = m;
        rep->cap = cap;
    }
    char reason[FARO_MAX_ERRLEN], where[FARO_MAX_ERRLEN], msg[2 * FARO_MAX_ERRLEN + 8];
    vsnprintf(reason, sizeof reason, fmt, ap);
    int n = snprintf(where, sizeof where, "%s", file);
    if (line > 0 && n >= 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, ":%d", line);
    if (column && n >= 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, ":%s", column);
    snprintf(msg, sizeof msg, "%s: %s", where, reason);
    lint_msg *m = &rep->msgs[rep->kept];
    m->file = strdup(file);
    m->msg = strdup(msg);
    m->line = line;
    m->seq = rep->count;
    if (!m->file || !m->msg) {
        free(m->file);
        free(m->msg);
        return;
    }
    rep->kept++;
}

static void report_add(lint_report *rep, const char *file, int line, const char *column,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vadd(rep, file, line, column, fmt, ap);
    va_end(ap);
}

int lint_report_notes(const lint_report *rep)
{
    return rep ? rep->nnotes : 0;
}

const char *lint_report_note(const lint_report *rep, int i)
{
    return rep && i >= 0 && i < rep->nnotes ? rep->notes[i] : NULL;
}

/* Keeps one note (not a problem: the count stays); out of memory loses it. */
static void report_note(lint_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_note(lint_report *rep, const char *fmt, ...)
{
    char line[FARO_MAX_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (rep->nnotes >= LINT_MAX_MESSAGES)
        return;
    if (rep->nnotes == rep->cap_notes) {
        int cap = rep->cap_notes ? rep->cap_notes * 2 : 16;
        char **n = realloc(rep->notes, (size_t)cap * sizeof *n);
        if (!n)
            return;
        rep->notes = n;
        rep->cap_notes = cap;
    }
    if ((rep->notes[rep->nnotes] = strdup(line)) != NULL)
        rep->nnotes++;
}

static int msg_cmp(const void *a, const void *b)
{
    const lint_msg *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void report_sort(lint_report *rep)
{
    if (rep->kept > 1)
        qsort(rep->msgs, (size_t)rep->kept, sizeof *rep->msgs, msg_cmp);
}

/* ------------------------------------------------------------------ */
/* Validators                                                          */

/* Returns 0 when s[0..len) is valid UTF-8 (ICU's U8_NEXT: no overlongs,
 * surrogates, truncated sequences or code points past U+10FFFF), else the
 * 1-based line of the first bad byte. */
static int utf8_bad_line(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    int32_t i = 0, n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    int line = 1;
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0)
            return line;
        if (c == '\n')
            line++;
    }
    return 0;
}

static int is_lower_digit(int c, const char *extra)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr(extra, c));
}

/* Topic, article and service ids: [a-z0-9-], 1..FARO_MAX_ID_LEN. */
static int valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > FARO_MAX_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_lower_digit(s[i], "-"))
            return 0;
    return 1;
}

/* Pack ids: reverse DNS, [a-z0-9.-], at least two non-empty labels. */
static int valid_pack_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > FARO_MAX_ID_LEN || s[0] == '.' || s[n - 1] == '.' ||
        !strchr(s, '.') || strstr(s, ".."))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_lower_digit(s[i], ".-"))
            return 0;
    return 1;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* E.164: '+', then 8 to 15 digits, the first not 0. */
static int valid_e164(const char *s)
{
    size_t n = strlen(s);
    if (n < 9 || n > 16 || s[0] != '+' || s[1] == '0')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* The reserved fictional range: +1, any area code, 555-0100 to 555-0199. */
static int fictional_number(const char *s)
{
    return strlen(s) == 12 && strncmp(s, "+1", 2) == 0 && strncmp(s + 5, "55501", 5) == 0;
}

/* ISO 3166-1 alpha-2, all officially assigned codes (249). */
static const char country_codes[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
    "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL "
    "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM "
    "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD "
    "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

static int valid_country(const char *s)
{
    if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
        return 0;
    for (const char *p = country_codes;; p += 3) {
        if (p[0] == s[0] && p[1] == s[1])
            return 1;
        if (!p[2])
            return 0;
    }
}

/* YYYY-MM-DD, a real calendar date. */
static int valid_date(const char *s)
{
    static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* 1 when YYYY-MM-DD is after tomorrow (UTC, the real clock: a date the
 * entry cannot have been checked on; a day of slack for time zones). */
static int date_in_future(const char *s)
{
    time_t now = time(NULL) + 86400;
    struct tm tm;
    char today[16];
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    return strcmp(s, today) > 0;
}

static int valid_kind(const char *s)
{
    static const char *const kinds[] = SCHEMA_KINDS;
    for (int i = 0; i < SCHEMA_NKINDS; i++)
        if (strcmp(s, kinds[i]) == 0)
            return 1;
    return 0;
}

/* A positive decimal integer that fits an int. */
static int parse_version(const char *s)
{
    if (!is_digit(s[0]) || s[0] == '0' || strlen(s) > 9)
        return -1;
    for (const char *p = s; *p; p++)
        if (!is_digit(*p))
            return -1;
    return atoi(s);
}

/* A decimal number in [lo, hi]; 0 on success. */
static int parse_coord(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || v != v || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The content model                                                   */

typedef struct {
    char lang[FARO_MAX_LANG_LEN + 1];
    char *path;             /* "articles/<id>/<lang>.md" */
    char *text;             /* the whole file, NUL-terminated */
    size_t len;
    size_t body_off;        /* where the Markdown starts */
    yml_node *front;        /* NULL when the front matter is broken */
} art_file;

typedef struct {
    char *id;
    art_file *files;
    int nfiles, cap_files;
    int topic;              /* index into topics, -1 when unlisted */
    int position;           /* in its topic's list */
    int listed_line;        /* line of topics.yaml listing it */
} article;

typedef struct {
    const char *id, *icon;  /* owned by the topics.yaml tree */
    const yml_node *node;
} topic;

enum svc_col {
    COL_ID, COL_KIND, COL_NAME, COL_COUNTRY, COL_REGION, COL_CITY, COL_ADDRESS,
    COL_LAT, COL_LON, COL_PHONES, COL_MESSAGING, COL_HOURS, COL_LANGUAGES, COL_COST,
    COL_NATIONALITIES, COL_VERIFIED, COL_VERIFIED_BY, COL_EXAMPLE, COL_NOTES, NCOLS
};

static const char *const svc_col_names[NCOLS] = {
    "id", "kind", "name", "country", "region", "city", "address", "lat", "lon",
    "phones", "messaging", "hours", "languages", "cost", "nationalities", "verified",
    "verified_by", "example", "notes"
};

static const int svc_required[] = { COL_ID, COL_KIND, COL_NAME, COL_COUNTRY, COL_COST,
                                    COL_VERIFIED, COL_EXAMPLE };

/* audio/<lang>/<kind>-<id>.opus files that probed well (see load_audio). */
typedef struct {
    char **files;                   /* "audio/<lang>/<kind>-<id>.opus", in folder order */
    char (*langs)[FARO_MAX_LANG_LEN + 1];
    int n, cap;
    int present;                    /* the folder has audio/ */
    double seconds[FARO_MAX_LANGS]; /* recorded length per pack language */
} recordings;

typedef struct {
    const char *dir;
    lint_report *rep;
    int fatal;                      /* FARO_ENOMEM when memory ran out */
    yml_node *pack;
    const char *langs[FARO_MAX_LANGS];
    int nlangs;
    int nrequired;                  /* langs[0..nrequired) are complete; the rest partial */
    int langs_known;                /* pack.yaml gave a usable list */
    yml_node *topics_doc;
    topic *topics;
    int ntopics, cap_topics;
    article *articles;
    int narticles, cap_articles;
    char *services_text;
    csv *services;                  /* NULL when absent or broken */
    int services_broken;            /* present but unusable: skip links to it */
    struct svc_ref *svc_index;      /* service ids sorted, for bisection */
    int nsvc_index;
    const char *svc_file;           /* "services.csv" or "services.yaml" */
    int *svc_lines;                 /* services.yaml: line of each row, else NULL */
    int col[NCOLS];                 /* column index in services.csv, -1 absent */
    int name_col[FARO_MAX_LANGS], notes_col[FARO_MAX_LANGS];
    char **media;                   /* "media/<file>", sorted; "locales/<lang>.yaml" in a locale pack */
    int nmedia, cap_media;
    int is_locale;                  /* pack.yaml type: locale (see load_locales) */
    recordings audio;               /* audio/ (see load_audio) */
} content;

static void add(content *c, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vadd(c->rep, file, line, NULL, fmt, ap);
    va_end(ap);
}

static void add_cell(content *c, int line, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_vadd(c->rep, c->svc_file, line, column, fmt, ap);
    va_end(ap);
}

/* Skips "<digits>:" at *p; returns the number, or 0 if absent. */
static int take_number(const char **p)
{
    const char *q = *p;
    int v = atoi(q);
    while (is_digit(*q))
        q++;
    if (q == *p || *q != ':')
        return 0;
    *p = q + 1;
    return v;
}

/* Adds a message formatted "<file>:<line>[:<col>]: reason" by yml or csv. */
static void add_parsed(content *c, const char *file, const char *msg)
{
    size_t n = strlen(file);
    int line = 0, col = 0;
    char colstr[16];
    if (strncmp(msg, file, n) == 0 && msg[n] == ':') {
        msg += n + 1;
        line = take_number(&msg);
        col = take_number(&msg);
        if (*msg == ' ')
            msg++;
    }
    snprintf(colstr, sizeof colstr, "%d", col);
    report_add(c->rep, file, line, col > 0 ? colstr : NULL, "%s", msg);
}

/* Makes room for one more item in a growing array; 0 or -1 (and fatal). */
static int grow(content *c, void **arr, int *cap, int n, size_t size)
{
    if (n < *cap)
        return 0;
    int ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, (size_t)ncap * size);
    if (!p) {
        c->fatal = FARO_ENOMEM;
        return -1;
    }
    memset((char *)p + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
    *arr = p;
    *cap = ncap;
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 2);
    if (!s)
        return NULL;
    memcpy(s, a, na);
    s[na] = '/';
    memcpy(s + na + 1, b, nb + 1);
    return s;
}

/* Size of an open file, capped at FARO_MAX_FILE_BYTES + 1 so that reading
 * one byte more than that tells "too big" (and a file that grows while we
 * read it is cut there, never overflowing). */
static size_t file_size(FILE *f)
{
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || st.st_size < 0 || st.st_size > FARO_MAX_FILE_BYTES)
        return (size_t)FARO_MAX_FILE_BYTES + 1;
    return (size_t)st.st_size;
}

/* Reads dir/rel (bounded, NUL-terminated).  Reports and returns NULL when
 * missing (if `required`), unreadable, too big or not UTF-8. */
static char *read_rel(content *c, const char *rel, int required, size_t *len)
{
    char *path = join(c->dir, rel), *buf = NULL;
    long n = path ? fsio_read(path, FARO_MAX_FILE_BYTES, 0, &buf, NULL, 0) : FARO_ENOMEM;
    int bad = 0;
    free(path);
    if (n == FARO_ENOMEM)
        c->fatal = FARO_ENOMEM;
    else if (n == FARO_ENOTFOUND && required)
        add(c, rel, 0, "missing file");
    else if (n == FARO_ELIMIT)
        add(c, rel, 0, "file too big (more than %u bytes)", FARO_MAX_FILE_BYTES);
    else if (n < 0 && n != FARO_ENOTFOUND)
        add(c, rel, 0, "cannot read: %s", strerror(errno));
    else if (n >= 0 && (bad = utf8_bad_line(buf, (size_t)n)) != 0)
        add(c, rel, bad, "invalid UTF-8");
    if (bad) {
        free(buf);
        buf = NULL;
    }
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

static yml_node *load_yaml(content *c, const char *rel, int required)
{
    size_t len = 0;
    char err[FARO_MAX_ERRLEN];
    char *text = read_rel(c, rel, required, &len);
    if (!text)
        return NULL;
    yml_node *root = yml_load_buf(text, len, rel, err, sizeof err);
    free(text);
    if (!root)
        add_parsed(c, rel, err);
    else if (yml_type(root) != YML_MAP) {
        add(c, rel, yml_line(root), "expected a mapping of fields");
        yml_free(root);
        root = NULL;
    }
    return root;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir/rel (no dot files); *n = -1 when it does not exist. */
static char **list_dir(content *c, const char *rel, int *n)
{
    char *path = join(c->dir, rel);
    DIR *d = path ? opendir(path) : NULL;
    char **names = NULL;
    int cap = 0;
    *n = -1;
    free(path);
    if (!d)
        return NULL;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (grow(c, (void **)&names, &cap, *n, sizeof *names) < 0 ||
            !(names[*n] = strdup(e->d_name))) {
            c->fatal = FARO_ENOMEM;
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(names, (size_t)*n, sizeof *names, name_cmp);
    return names;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int is_dir(content *c, const char *rel)
{
    char *path = join(c->dir, rel);
    struct stat st;
    int ok = path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    free(path);
    return ok;
}

static int lang_index(const content *c, const char *lang)
{
    for (int i = 0; i < c->nlangs; i++)
        if (strcmp(c->langs[i], lang) == 0)
            return i;
    return -1;
}

/* Reports keys of `map` that are not in the NULL-terminated `allowed`. */
static void check_keys(content *c, const char *file, const yml_node *map,
                       const char *const *allowed)
{
    for (int i = 0; i < yml_len(map); i++) {
        const char *k = yml_key_at(map, i);
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(k, *a) == 0;
        if (!ok)
            add(c, file, yml_line(yml_at(map, i)), "unknown field '%s'", k);
    }
}

/* The scalar under `key`, or NULL after reporting it missing / empty /
 * not a single value.  `what` prefixes the message (e.g. "topic 'x': "). */
static const char *need_str(content *c, const char *file, const yml_node *map,
                            const char *key, const char *what)
{
    const yml_node *v = yml_get(map, key);
    const char *s = yml_str(v);
    if (!v)
        add(c, file, yml_line(map) > 1 ? yml_line(map) : 0,
            "%smissing required field '%s'", what, key);
    else if (!s)
        add(c, file, yml_line(v), "%s'%s' must be a single value", what, key);
    else if (!*s)
        add(c, file, yml_line(v), "%s'%s' is empty", what, key);
    return s && *s ? s : NULL;
}

/* A { lang: text } map: every pack language present and non-empty, no
 * language outside the pack's. */
static void check_translated(content *c, const char *file, const yml_node *map,
                             const char *key, const char *what)
{
    const yml_node *v = yml_get(map, key);
    if (!v) {
        add(c, file, yml_line(map) > 1 ? yml_line(map) : 0,
            "%smissing required field '%s'", what, key);
        return;
    }
    if (yml_type(v) != YML_MAP) {
        add(c, file, yml_line(v), "%s'%s' must map languages to text", what, key);
        return;
    }
    for (int i = 0; i < yml_len(v); i++) {
        const char *lang = yml_key_at(v, i), *s = yml_str(yml_at(v, i));
        if (c->langs_known && lang_index(c, lang) < 0)
            add(c, file, yml_line(yml_at(v, i)), "%slanguage '%s' is not one of the pack's languages",
                what, lang);
        else if (!s || !*s)
            add(c, file, yml_line(yml_at(v, i)), "%s'%s' in '%s' is empty", what, key, lang);
    }
    for (int i = 0; i < c->nrequired; i++)
        if (!yml_get(v, c->langs[i]))
            add(c, file, yml_line(v), "%smissing translation '%s' of %s", what, c->langs[i], key);
}

/* ------------------------------------------------------------------ */
/* pack.yaml                                                           */

/* Appends the languages of `field` (languages: complete, every item has
 * them; partial_languages: allowed, items may lack them). */
static void load_languages(content *c, const yml_node *list, const char *field)
{
    if (yml_type(list) != YML_SEQ || yml_len(list) == 0) {
        add(c, "pack.yaml", yml_line(list), "'%s' must be a list of language tags", field);
        return;
    }
    int ok = 1;
    for (int i = 0; i < yml_len(list); i++) {
        const yml_node *item = yml_at(list, i);
        const char *lang = yml_str(item);
        if (!lang || !intl_lang_valid(lang)) {
            add(c, "pack.yaml", yml_line(item), "bad language tag '%s'", lang ? lang : "");
            ok = 0;
        } else if (lang_index(c, lang) >= 0) {
            add(c, "pack.yaml", yml_line(item), "language '%s' listed twice", lang);
        } else if (c->nlangs == FARO_MAX_LANGS) {
            add(c, "pack.yaml", yml_line(item), "more than %d languages", FARO_MAX_LANGS);
            ok = 0;
            break;
        } else {
            c->langs[c->nlangs++] = lang;
        }
    }
    if (strcmp(field, "languages") == 0)
        c->langs_known = ok;
    if (!ok)
        c->nlangs = strcmp(field, "languages") == 0 ? 0 : c->nrequired;
}

static void check_choice(content *c, const char *key, const char *const *choices)
{
    const char *s = need_str(c, "pack.yaml", c->pack, key, "");
    if (!s)
        return;
    for (const char *const *p = choices; *p; p++)
        if (strcmp(s, *p) == 0)
            return;
    add(c, "pack.yaml", yml_line(yml_get(c->pack, key)), "unknown %s '%s'", key, s);
}

static void load_pack(content *c)
{
    static const char *const keys[] = { "id", "version", "layer", "type", "languages",
                                        "partial_languages", "title", "expires", NULL };
    static const char *const layers[] = { "base", "site", NULL };
    static const char *const types[] = { "content", "locale", NULL };
    c->pack = load_yaml(c, "pack.yaml", 1);
    if (!c->pack)
        return;
    check_keys(c, "pack.yaml", c->pack, keys);
    const char *id = need_str(c, "pack.yaml", c->pack, "id", "");
    if (id && !valid_pack_id(id))
        add(c, "pack.yaml", yml_line(yml_get(c->pack, "id")),
            "bad pack id '%s' (reverse DNS: a-z, 0-9, '-' and '.', like org.example.kiosk)", id);
    const char *version = need_str(c, "pack.yaml", c->pack, "version", "");
    if (version && parse_version(version) < 1)
        add(c, "pack.yaml", yml_line(yml_get(c->pack, "version")),
            "version must be a positive integer, not '%s'", version);
    check_choice(c, "layer", layers);
    check_choice(c, "type", types);
    c->is_locale = strcmp(yml_get_str(c->pack, "type", ""), "locale") == 0;
    if (!yml_get(c->pack, "languages"))
        add(c, "pack.yaml", 0, "missing required field 'languages'");
    else
        load_languages(c, yml_get(c->pack, "languages"), "languages");
    c->nrequired = c->nlangs;
    if (c->langs_known && yml_get(c->pack, "partial_languages"))
        load_languages(c, yml_get(c->pack, "partial_languages"), "partial_languages");
    check_translated(c, "pack.yaml", c->pack, "title", "");
    const char *expires = yml_get_str(c->pack, "expires", NULL);
    if (expires && !valid_date(expires))
        add(c, "pack.yaml", yml_line(yml_get(c->pack, "expires")),
            "bad date '%s' (YYYY-MM-DD)", expires);
}

/* ------------------------------------------------------------------ */
/* articles/<id>/<lang>.md                                             */

/* Length of the line at text[off], its line end included. */
static size_t line_len(const char *text, size_t len, size_t off)
{
    const char *nl = memchr(text + off, '\n', len - off);
    return nl ? (size_t)(nl - (text + off)) + 1 : len - off;
}

static int is_marker_line(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return n == 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0);
}

/* Finds the front matter: "---" line, YAML, "---" line.  Returns the
 * length of the YAML part (from the file start, opening line included, so
 * libyaml's lines are the file's lines) and sets body_off; -1 if absent. */
static long split_front(const char *text, size_t len, size_t *body_off)
{
    size_t off = (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    size_t n = line_len(text, len, off);
    if (!is_marker_line(text + off, n) || text[off] != '-')
        return -1;
    for (off += n; off < len; off += n) {
        n = line_len(text, len, off);
        if (is_marker_line(text + off, n)) {
            *body_off = off + n;
            return (long)off;
        }
    }
    return -2;
}

static void check_front(content *c, article *a, art_file *f)
{
    static const char *const keys[] = { "title", "summary", "translation", NULL };
    static const char *const kinds[] = { "original", "machine-assisted", "reviewed", NULL };
    check_keys(c, f->path, f->front, keys);
    need_str(c, f->path, f->front, "title", "");
    need_str(c, f->path, f->front, "summary", "");
    const char *t = yml_get_str(f->front, "translation", NULL);
    if (!t && yml_get(f->front, "translation"))
        add(c, f->path, yml_line(yml_get(f->front, "translation")), "'translation' must be a single value");
    if (!t)
        return;
    for (const char *const *k = kinds; *k; k++)
        if (strcmp(t, *k) == 0)
            return;
    add(c, f->path, yml_line(yml_get(f->front, "translation")),
        "unknown translation '%s' (original, machine-assisted or reviewed)", t);
}

static void load_article_file(content *c, article *a, art_file *f)
{
    char err[FARO_MAX_ERRLEN];
    f->text = read_rel(c, f->path, 1, &f->len);
    if (!f->text)
        return;
    long yaml_len = split_front(f->text, f->len, &f->body_off);
    if (yaml_len == -1) {
        add(c, f->path, 1, "missing front matter (the file must start with a '---' line)");
        return;
    }
    if (yaml_len == -2) {
        add(c, f->path, 1, "front matter is not closed by a '---' line");
        return;
    }
    f->front = yml_load_buf(f->text, (size_t)yaml_len, f->path, err, sizeof err);
    if (!f->front) {
        add_parsed(c, f->path, err);
        return;
    }
    if (yml_type(f->front) != YML_MAP) {
        add(c, f->path, 2, "front matter must be a mapping of fields");
        yml_free(f->front);
        f->front = NULL;
        return;
    }
    check_front(c, a, f);
}

/* Looks at one file name inside an article folder; adds it when it is a
 * <lang>.md the pack uses. */
static void scan_article_file(content *c, article *a, const char *name)
{
    char *rel_dir = join("articles", a->id), *path = rel_dir ? join(rel_dir, name) : NULL;
    size_t n = strlen(name);
    char lang[FARO_MAX_LANG_LEN + 1];
    free(rel_dir);
    if (!path) {
        c->fatal = FARO_ENOMEM;
        return;
    }
    if (n < 4 || strcmp(name + n - 3, ".md") != 0 || n - 3 > FARO_MAX_LANG_LEN) {
        add(c, path, 0, "unexpected file (articles hold <language>.md files)");
        goto done;
    }
    memcpy(lang, name, n - 3);
    lang[n - 3] = '\0';
    if (!intl_lang_valid(lang)) {
        add(c, path, 0, "bad language tag '%s'", lang);
        goto done;
    }
    if (c->langs_known && lang_index(c, lang) < 0) {
        add(c, path, 0, "language '%s' is not one of the pack's languages", lang);
        goto done;
    }
    if (grow(c, (void **)&a->files, &a->cap_files, a->nfiles, sizeof *a->files) < 0)
        goto done;
    art_file *f = &a->files[a->nfiles++];
    memcpy(f->lang, lang, n - 2);
    f->path = path;
    path = NULL;
    load_article_file(c, a, f);
done:
    free(path);
}

static void scan_article(content *c, const char *name)
{
    char *rel = join("articles", name);
    char slash[FARO_MAX_ERRLEN];
    if (!rel) {
        c->fatal = FARO_ENOMEM;
        return;
    }
    snprintf(slash, sizeof slash, "%s/", rel);
    int nfiles = 0;
    char **files = NULL;
    if (!is_dir(c, rel)) {
        add(c, rel, 0, "unexpected file (articles/ holds one folder per article)");
    } else if (!valid_id(name)) {
        add(c, slash, 0, "bad id '%s' (use a-z, 0-9 and '-', at most %d characters)",
            name, FARO_MAX_ID_LEN);
    } else if (grow(c, (void **)&c->articles, &c->cap_articles, c->narticles,
                    sizeof *c->articles) == 0) {
        article *a = &c->articles[c->narticles++];
        a->id = strdup(name);
        a->topic = -1;
        files = list_dir(c, rel, &nfiles);
        for (int i = 0; a->id && i < nfiles && !c->fatal; i++)
            scan_article_file(c, a, files[i]);
    }
    free_names(files, nfiles);
    free(rel);
}

static void scan_articles(content *c)
{
    int n;
    char **names = list_dir(c, "articles", &n);
    for (int i = 0; i < n && !c->fatal; i++)
        scan_article(c, names[i]);
    free_names(names, n);
}

static article *find_article(content *c, const char *id)
{
    for (int i = 0; i < c->narticles; i++)
        if (strcmp(c->articles[i].id, id) == 0)
            return &c->articles[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* topics.yaml                                                         */

static void list_topic_articles(content *c, int t, const char *what)
{
    const yml_node *list = yml_get(c->topics[t].node, "articles");
    if (!list) {
        add(c, "topics.yaml", yml_line(c->topics[t].node), "%smissing required field 'articles'", what);
        return;
    }
    if (yml_type(list) != YML_SEQ || yml_len(list) == 0) {
        add(c, "topics.yaml", yml_line(list), "%s'articles' must be a list of article ids", what);
        return;
    }
    for (int i = 0; i < yml_len(list); i++) {
        const yml_node *item = yml_at(list, i);
        const char *id = yml_str(item);
        article *a = id ? find_article(c, id) : NULL;
        if (!id)
            add(c, "topics.yaml", yml_line(item), "%sarticle ids must be single values", what);
        else if (!a)
            add(c, "topics.yaml", yml_line(item), "unknown article '%s'", id);
        else if (a->topic >= 0)
            add(c, "topics.yaml", yml_line(item), "article '%s' is already listed in topic '%s' (line %d)",
                id, c->topics[a->topic].id, a->listed_line);
        else {
            a->topic = t;
            a->position = i;
            a->listed_line = yml_line(item);
        }
    }
}

static int find_topic(const content *c, const char *id)
{
    for (int i = 0; i < c->ntopics; i++)
        if (c->topics[i].id && strcmp(c->topics[i].id, id) == 0)
            return i;
    return -1;
}

static void load_topic(content *c, const yml_node *node)
{
    static const char *const keys[] = { "id", "icon", "title", "summary", "articles", NULL };
    char what[FARO_MAX_ERRLEN] = "";
    if (yml_type(node) != YML_MAP) {
        add(c, "topics.yaml", yml_line(node), "a topic must be a mapping of fields");
        return;
    }
    check_keys(c, "topics.yaml", node, keys);
    const char *id = need_str(c, "topics.yaml", node, "id", "");
    int line = yml_line(yml_get(node, "id"));
    if (id && !valid_id(id))
        add(c, "topics.yaml", line, "bad id '%s' (use a-z, 0-9 and '-', at most %d characters)",
            id, FARO_MAX_ID_LEN);
    else if (id && find_topic(c, id) >= 0)
        add(c, "topics.yaml", line, "duplicate topic id '%s'", id);
    if (id)
        snprintf(what, sizeof what, "topic '%s': ", id);
    const char *icon = need_str(c, "topics.yaml", node, "icon", what);
    if (icon && icons_codepoint(icon) < 0)
        add(c, "topics.yaml", yml_line(yml_get(node, "icon")),
            "unknown icon '%s' (see the names in src/icons.c)", icon);
    check_translated(c, "topics.yaml", node, "title", what);
    check_translated(c, "topics.yaml", node, "summary", what);
    if (grow(c, (void **)&c->topics, &c->cap_topics, c->ntopics, sizeof *c->topics) < 0)
        return;
    c->topics[c->ntopics] = (topic){ id, icon, node };
    list_topic_articles(c, c->ntopics++, what);
}

static void load_topics(content *c)
{
    static const char *const keys[] = { "topics", NULL };
    c->topics_doc = load_yaml(c, "topics.yaml", 1);
    if (!c->topics_doc)
        return;
    check_keys(c, "topics.yaml", c->topics_doc, keys);
    const yml_node *list = yml_get(c->topics_doc, "topics");
    if (!list) {
        add(c, "topics.yaml", 0, "missing required field 'topics'");
        return;
    }
    if (yml_type(list) != YML_SEQ || yml_len(list) == 0) {
        add(c, "topics.yaml", yml_line(list), "'topics' must be a list of topics");
        return;
    }
    for (int i = 0; i < yml_len(list) && !c->fatal; i++)
        load_topic(c, yml_at(list, i));
}

/* ------------------------------------------------------------------ */
/* services.csv                                                        */

/* Line where service row `row` (0 = the header) was written. */
static int svc_line(const content *c, int row)
{
    return c->svc_lines ? c->svc_lines[row] : csv_line(c->services, row);
}

static int header_lang_col(content *c, const char *h, int col)
{
    int is_name = strncmp(h, "name_", 5) == 0, is_notes = strncmp(h, "notes_", 6) == 0;
    if (!is_name && !is_notes)
        return 0;
    const char *lang = h + (is_name ? 5 : 6);
    int li = lang_index(c, lang);
    if (li < 0) {
        if (c->langs_known)
            add(c, c->svc_file, svc_line(c, 0),
                "column '%s': language '%s' is not one of the pack's languages", h, lang);
        return 1;
    }
    if (is_name)
        c->name_col[li] = col;
    else
        c->notes_col[li] = col;
    return 1;
}

/* Maps header names to columns; 0 when the header is usable. */
static int read_header(content *c)
{
    const csv *t = c->services;
    int line = svc_line(c, 0), bad = 0;
    for (int i = 0; i < NCOLS; i++)
        c->col[i] = -1;
    for (int i = 0; i < FARO_MAX_LANGS; i++)
        c->name_col[i] = c->notes_col[i] = -1;
    for (int i = 0; i < csv_cols(t, 0); i++) {
        const char *h = csv_field(t, 0, i);
        int k = 0;
        while (k < NCOLS && strcmp(h, svc_col_names[k]) != 0)
            k++;
        if (k < NCOLS && c->col[k] >= 0)
            add(c, c->svc_file, line, "column '%s' appears twice", h), bad = 1;
        else if (k < NCOLS)
            c->col[k] = i;
        else if (!header_lang_col(c, h, i))
            add(c, c->svc_file, line, "unknown column '%s'", h);
    }
    for (size_t i = 0; i < sizeof svc_required / sizeof svc_required[0]; i++)
        if (c->col[svc_required[i]] < 0)
            add(c, c->svc_file, line, "missing required column '%s'",
                svc_col_names[svc_required[i]]), bad = 1;
    return bad ? -1 : 0;
}

static const char *cell(const content *c, int row, int col)
{
    const char *s = c->col[col] >= 0 ? csv_field(c->services, row, c->col[col]) : NULL;
    return s ? s : "";
}

/* Calls check(c, line, column, item) for each ';'-separated item, trimmed. */
static void each_item(content *c, int row, int col,
                      void (*check)(content *, int, const char *, const char *, int))
{
    const char *s = cell(c, row, col);
    int example = strcmp(cell(c, row, COL_EXAMPLE), "yes") == 0;
    while (*s) {
        const char *end = strchr(s, ';');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        char item[256];
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n >= sizeof item)
            n = sizeof item - 1;
        memcpy(item, s, n);
        item[n] = '\0';
        if (n)
            check(c, svc_line(c, row), svc_col_names[col], item, example);
        s = end ? end + 1 : s + strlen(s);
    }
}

static void check_phone(content *c, int line, const char *column, const char *item, int example)
{
    if (!valid_e164(item))
        add_cell(c, line, column, "'%s' is not an E.164 number (+ then 8 to 15 digits)", item);
    else if (example && !fictional_number(item))
        add_cell(c, line, column,
                 "'%s': example entries may only use the fictional numbers +1 NPA 555-0100 to 555-0199",
                 item);
}

static void check_lang_item(content *c, int line, const char *column, const char *item, int example)
{
    if (!intl_lang_valid(item))
        add_cell(c, line, column, "bad language tag '%s'", item);
}

static void check_nationality(content *c, int line, const char *column, const char *item,
                              int example)
{
    if (strcmp(item, "*") != 0 && !valid_country(item))
        add_cell(c, line, column, "unknown country code '%s'", item);
}

typedef struct svc_ref {
    const char *id;
    int row;
} svc_ref;

static int svc_ref_cmp(const void *a, const void *b)
{
    const svc_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Sorts the service ids once (duplicates and links are then found by
 * bisection, not by scanning 100,000 rows for each row). */
static void index_services(content *c)
{
    int n = csv_rows(c->services) - 1;
    c->svc_index = malloc((size_t)(n > 0 ? n : 1) * sizeof *c->svc_index);
    if (!c->svc_index) {
        c->fatal = FARO_ENOMEM;
        return;
    }
    for (int r = 1; r <= n; r++)
        c->svc_index[r - 1] = (svc_ref){ cell(c, r, COL_ID), r };
    qsort(c->svc_index, (size_t)n, sizeof *c->svc_index, svc_ref_cmp);
    c->nsvc_index = n;
}

/* The first row (in file order) whose id is `id`, or -1. */
static int first_row_with_id(const content *c, const char *id)
{
    int lo = 0, hi = c->nsvc_index - 1, found = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, cmp = strcmp(id, c->svc_index[mid].id);
        if (cmp == 0)
            found = c->svc_index[mid].row;
        if (cmp <= 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return found;
}

static void check_service_id(content *c, int row, int line)
{
    const char *id = cell(c, row, COL_ID);
    int first;
    if (!*id)
        add_cell(c, line, "id", "missing");
    else if (!valid_id(id))
        add_cell(c, line, "id", "bad id '%s' (use a-z, 0-9 and '-', at most %d characters)",
                 id, FARO_MAX_ID_LEN);
    else if ((first = first_row_with_id(c, id)) > 0 && first != row)
        add_cell(c, line, "id", "duplicate id '%s' (first on line %d)", id,
                 svc_line(c, first));
}

static void check_coords(content *c, int row, int line)
{
    const char *lat = cell(c, row, COL_LAT), *lon = cell(c, row, COL_LON);
    double v;
    if (*lat && parse_coord(lat, -90, 90, &v) < 0)
        add_cell(c, line, "lat", "'%s' is not a latitude (-90 to 90)", lat);
    if (*lon && parse_coord(lon, -180, 180, &v) < 0)
        add_cell(c, line, "lon", "'%s' is not a longitude (-180 to 180)", lon);
    if (!*lat != !*lon)
        add_cell(c, line, *lat ? "lon" : "lat", "missing (lat and lon go together)");
}

static void check_service_codes(content *c, int row, int line)
{
    const char *country = cell(c, row, COL_COUNTRY), *cost = cell(c, row, COL_COST);
    const char *verified = cell(c, row, COL_VERIFIED), *example = cell(c, row, COL_EXAMPLE);
    const char *kind = cell(c, row, COL_KIND);
    if (!*kind)
        add_cell(c, line, "kind", "missing");
    else if (!valid_kind(kind))
        add_cell(c, line, "kind", "unknown kind '%s'", kind);
    if (!*country)
        add_cell(c, line, "country", "missing");
    else if (!valid_country(country))
        add_cell(c, line, "country", "unknown country code '%s' (ISO 3166-1 alpha-2)", country);
    if (!*cost)
        add_cell(c, line, "cost", "missing");
    else if (strcmp(cost, "free") && strcmp(cost, "low") && strcmp(cost, "paid"))
        add_cell(c, line, "cost", "unknown cost '%s' (free, low or paid)", cost);
    if (!*verified)
        add_cell(c, line, "verified", "missing (the date it was last checked, YYYY-MM-DD)");
    else if (!valid_date(verified))
        add_cell(c, line, "verified", "bad date '%s' (YYYY-MM-DD)", verified);
    else if (date_in_future(verified))
        add_cell(c, line, "verified", "'%s' is in the future", verified);
    if (!*example)
        add_cell(c, line, "example", "missing (yes or no)");
    else if (strcmp(example, "yes") && strcmp(example, "no"))
        add_cell(c, line, "example", "'%s' must be yes or no", example);
}

/* A consulate represents one country: nationalities holds exactly its code. */
static void check_consulate(content *c, int row, int line)
{
    const char *nat = cell(c, row, COL_NATIONALITIES);
    if (strcmp(cell(c, row, COL_KIND), "consulate") != 0)
        return;
    if (!*nat)
        add_cell(c, line, "nationalities", "missing (the country the consulate represents)");
    else if (strchr(nat, ';') || strcmp(nat, "*") == 0)
        add_cell(c, line, "nationalities",
                 "'%s': a consulate represents one country (one ISO code)", nat);
}

static void check_service(content *c, int row)
{
    int line = svc_line(c, row);
    int want = csv_cols(c->services, 0), got = csv_cols(c->services, row);
    if (got != want) {
        add(c, c->svc_file, line, "row has %d fields, the header has %d", got, want);
        return;
    }
    check_service_id(c, row, line);
    if (!*cell(c, row, COL_NAME))
        add_cell(c, line, "name", "missing");
    check_service_codes(c, row, line);
    check_coords(c, row, line);
    check_consulate(c, row, line);
    each_item(c, row, COL_PHONES, check_phone);
    each_item(c, row, COL_MESSAGING, check_phone);
    each_item(c, row, COL_LANGUAGES, check_lang_item);
    each_item(c, row, COL_NATIONALITIES, check_nationality);
}

/* A growing text buffer for services_yaml_to_csv. */
typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} text_buf;

static void tb_put(text_buf *b, const char *s, size_t n)
{
    if (b->failed || b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = b->failed ? NULL : realloc(b->p, cap);
        if (!q) {
            b->failed = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Appends one CSV field, quoted, with inner quotes doubled. */
static void tb_field(text_buf *b, const char *s, int first)
{
    tb_put(b, first ? "\"" : ",\"", first ? 1 : 2);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
        tb_put(b, s, (size_t)(q - s) + 1), tb_put(b, "\"", 1);
    tb_put(b, s, strlen(s));
    tb_put(b, "\"", 1);
}

/* A service field written in YAML: a value, or a list of values joined by ';'. */
static void tb_yaml_value(content *c, text_buf *b, const yml_node *v, const char *key, int first)
{
    if (yml_type(v) == YML_SCALAR || !v) {
        tb_field(b, v ? yml_str(v) : "", first);
        return;
    }
    text_buf joined = { 0 };
    tb_put(&joined, "", 0);
    for (int i = 0; yml_type(v) == YML_SEQ && i < yml_len(v); i++) {
        const char *item = yml_str(yml_at(v, i));
        if (!item)
            break;
        if (i)
            tb_put(&joined, ";", 1);
        tb_put(&joined, item, strlen(item));
    }
    if (yml_type(v) == YML_MAP || (yml_type(v) == YML_SEQ && yml_len(v) &&
                                   !yml_str(yml_at(v, yml_len(v) - 1))))
        add(c, "services.yaml", yml_line(v), "'%s' must be a value or a list of values", key);
    tb_field(b, joined.p ? joined.p : "", first);
    free(joined.p);
}

/* The columns of services.yaml: every key used, in order of first use. */
static int yaml_columns(const yml_node *list, const char **cols, int max)
{
    int n = 0;
    for (int i = 0; i < yml_len(list); i++)
        for (int k = 0; k < yml_len(yml_at(list, i)); k++) {
            const char *key = yml_key_at(yml_at(list, i), k);
            int seen = 0;
            for (int j = 0; j < n && !seen; j++)
                seen = strcmp(cols[j], key) == 0;
            if (!seen && n < max)
                cols[n++] = key;
        }
    return n;
}

/* Writes services.yaml's list as CSV text, so that one checker serves
 * both files; svc_lines maps each CSV row back to its YAML line. */
static char *services_yaml_to_csv(content *c, const yml_node *list, size_t *len)
{
    const char *cols[FARO_MAX_CSV_COLS + 1];
    int ncols = yaml_columns(list, cols, FARO_MAX_CSV_COLS + 1);
    text_buf b = { 0 };
    c->svc_lines = calloc((size_t)yml_len(list) + 1, sizeof *c->svc_lines);
    if (!c->svc_lines) {
        c->fatal = FARO_ENOMEM;
        return NULL;
    }
    c->svc_lines[0] = yml_line(list);
    for (int k = 0; k < ncols; k++)
        tb_field(&b, cols[k], k == 0);
    for (int i = 0; i < yml_len(list); i++) {
        const yml_node *item = yml_at(list, i);
        c->svc_lines[i + 1] = yml_line(item);
        if (yml_type(item) != YML_MAP)
            add(c, "services.yaml", yml_line(item), "a service must be a mapping of fields");
        tb_put(&b, "\n", 1);
        for (int k = 0; k < ncols; k++)
            tb_yaml_value(c, &b, yml_get(item, cols[k]), cols[k], k == 0);
    }
    if (b.failed)
        c->fatal = FARO_ENOMEM;
    *len = b.len;
    return b.p;
}

/* Reads services.yaml ("services:" then a list of services with the same
 * fields as the CSV columns) as CSV text; NULL if absent or broken. */
static char *read_services_yaml(content *c, size_t *len)
{
    static const char *const keys[] = { "services", NULL };
    yml_node *doc = load_yaml(c, "services.yaml", 1);
    char *text = NULL;
    if (!doc)
        return NULL;
    check_keys(c, "services.yaml", doc, keys);
    const yml_node *list = yml_get(doc, "services");
    if (yml_type(list) != YML_SEQ)
        add(c, "services.yaml", yml_line(list), "'services' must be a list of services");
    else
        text = services_yaml_to_csv(c, list, len);
    yml_free(doc);
    return text;
}

static int rel_exists(content *c, const char *rel)
{
    char *path = join(c->dir, rel);
    struct stat st;
    int ok = path && stat(path, &st) == 0;
    free(path);
    return ok;
}

static void load_services(content *c)
{
    int before = c->rep->count, yaml = rel_exists(c, "services.yaml");
    size_t len = 0;
    char err[FARO_MAX_ERRLEN];
    c->svc_file = yaml ? "services.yaml" : "services.csv";
    if (yaml && rel_exists(c, "services.csv"))
        add(c, "services.yaml", 0, "write the directory in services.csv or services.yaml, not both");
    c->services_text = yaml ? read_services_yaml(c, &len) : read_rel(c, "services.csv", 0, &len);
    if (!c->services_text) {
        c->services_broken = c->rep->count > before;    /* present but unreadable */
        return;
    }
    c->services = csv_parse(c->services_text, len, c->svc_file, err, sizeof err);
    if (!c->services) {
        add_parsed(c, c->svc_file, err);
        c->services_broken = 1;
        return;
    }
    if (csv_rows(c->services) == 0) {
        add(c, c->svc_file, 0, "empty file (a header row is required)");
        goto broken;
    }
    if (read_header(c) < 0)
        goto broken;
    index_services(c);
    for (int r = 1; r < csv_rows(c->services) && !c->fatal; r++)
        check_service(c, r);
    return;
broken:
    csv_free(c->services);
    c->services = NULL;
    c->services_broken = 1;
}

static int find_service(const content *c, const char *id)
{
    return c->services ? first_row_with_id(c, id) : -1;
}

/* ------------------------------------------------------------------ */
/* media/                                                              */

static const char *media_mime(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    if (strcmp(dot, ".png") == 0)
        return "image/png";
    if (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0)
        return "image/jpeg";
    return NULL;
}

/* Checks one media file: size bound and the image signature its name
 * promises.  0 when it can go into the pack. */
static int check_media_file(content *c, const char *rel, const char *mime)
{
    unsigned char head[8] = { 0 };
    char *path = join(c->dir, rel);
    FILE *f = path ? fopen(path, "rb") : NULL;
    int rc = -1;
    free(path);
    if (!f) {
        add(c, rel, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    size_t n = fread(head, 1, sizeof head, f);
    int png = strcmp(mime, "image/png") == 0;
    if (file_size(f) > FARO_MAX_FILE_BYTES)
        add(c, rel, 0, "file too big (more than %u bytes)", FARO_MAX_FILE_BYTES);
    else if (png && (n < 8 || memcmp(head, "\x89PNG\r\n\x1a\n", 8) != 0))
        add(c, rel, 0, "not a PNG image");
    else if (!png && (n < 3 || memcmp(head, "\xFF\xD8\xFF", 3) != 0))
        add(c, rel, 0, "not a JPEG image");
    else
        rc = 0;
    fclose(f);
    return rc;
}

/* Lists media/.  A bad image (too big, wrong signature) is reported and
 * still listed, so that articles showing it are not also told it is
 * missing; its own problem is enough to stop the build. */
static void load_media(content *c)
{
    int n;
    char **names = list_dir(c, "media", &n);
    for (int i = 0; i < n && !c->fatal; i++) {
        char *rel = join("media", names[i]);
        if (!rel || grow(c, (void **)&c->media, &c->cap_media, c->nmedia, sizeof *c->media) < 0) {
            c->fatal = FARO_ENOMEM;
            free(rel);
            break;
        }
        if (!media_mime(names[i]) || is_dir(c, rel)) {
            add(c, rel, 0, "unexpected file (media/ holds .png and .jpg images)");
            free(rel);
            continue;
        }
        check_media_file(c, rel, media_mime(names[i]));
        c->media[c->nmedia++] = rel;
    }
    free_names(names, n);
}

static int find_media(const content *c, const char *name)
{
    for (int i = 0; i < c->nmedia; i++)
        if (strcmp(c->media[i], name) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Cross-checks: translations, listing, links and images               */

typedef struct {
    content *c;
    const art_file *f;
} link_ctx;

/* Line in f of a pointer md4c gave us (into the file text when the
 * attribute needed no unescaping; else search for the text). */
static int line_of(const art_file *f, const char *p, const char *s)
{
    if (p < f->text || p >= f->text + f->len)
        p = strstr(f->text + f->body_off, s);
    int line = 1;
    for (const char *q = f->text; p && q < p; q++)
        line += *q == '\n';
    return line;
}

static void check_faro_link(content *c, const art_file *f, int line, const char *target)
{
    const char *rest = target + 5, *slash = strchr(rest, '/');
    const char *id = slash ? slash + 1 : "";
    size_t n = slash ? (size_t)(slash - rest) : 0;
    int ok;
    if (n == 7 && strncmp(rest, "article", 7) == 0)
        ok = find_article(c, id) != NULL;
    else if (n == 5 && strncmp(rest, "topic", 5) == 0)
        ok = !c->topics_doc || find_topic(c, id) >= 0;
    else if (n == 7 && strncmp(rest, "service", 7) == 0)
        ok = c->services_broken || find_service(c, id) > 0;
    else if (n == 9 && strncmp(rest, "directory", 9) == 0)
        ok = valid_kind(id);
    else {
        add(c, f->path, line, "unknown link '%s' (faro:article/, faro:topic/, faro:service/ "
            "or faro:directory/)", target);
        return;
    }
    if (!ok)
        add(c, f->path, line, "broken link '%s'", target);
}

static void check_link(link_ctx *x, const MD_ATTRIBUTE *href)
{
    char target[1024];
    size_t n = href->size < sizeof target ? href->size : sizeof target - 1;
    memcpy(target, href->text, n);
    target[n] = '\0';
    int line = line_of(x->f, href->text, target);
    if (strncmp(target, "faro:", 5) == 0)
        check_faro_link(x->c, x->f, line, target);
    else if (strncmp(target, "https://", 8) && strncmp(target, "http://", 7) &&
             strncmp(target, "tel:", 4) && strncmp(target, "mailto:", 7))
        add(x->c, x->f->path, line, "unsupported link '%s' (use faro:, https:, tel: or mailto:)",
            target);
}

static void check_image(link_ctx *x, const MD_ATTRIBUTE *src)
{
    char name[1024];
    size_t n = src->size < sizeof name ? src->size : sizeof name - 1;
    memcpy(name, src->text, n);
    name[n] = '\0';
    if (find_media(x->c, name) < 0)
        add(x->c, x->f->path, line_of(x->f, src->text, name), "missing image '%s'%s", name,
            strncmp(name, "media/", 6) ? " (images live in media/)" : "");
}

static int md_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
    if (type == MD_SPAN_A)
        check_link(user, &((MD_SPAN_A_DETAIL *)detail)->href);
    else if (type == MD_SPAN_IMG)
        check_image(user, &((MD_SPAN_IMG_DETAIL *)detail)->src);
    return 0;
}

static int md_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    return 0;
}

static int md_span(MD_SPANTYPE type, void *detail, void *user)
{
    return 0;
}

static int md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
    return 0;
}

static void check_body(content *c, const art_file *f)
{
    MD_PARSER parser = { 0, MD_FLAG_NOHTML, md_block, md_block, md_enter_span, md_span,
                         md_text, NULL, NULL };
    link_ctx x = { c, f };
    md_parse(f->text + f->body_off, (MD_SIZE)(f->len - f->body_off), &parser, &x);
}

static void check_article(content *c, const article *a)
{
    char folder[FARO_MAX_ERRLEN];
    snprintf(folder, sizeof folder, "articles/%s/", a->id);
    if (a->topic < 0 && c->topics_doc)         /* a broken topics.yaml says so itself */
        add(c, folder, 0, "not listed in any topic");
    for (int i = 0; i < c->nrequired; i++) {
        int found = 0;
        for (int k = 0; k < a->nfiles && !found; k++)
            found = strcmp(a->files[k].lang, c->langs[i]) == 0;
        if (!found)
            add(c, folder, 0, "missing translation '%s'", c->langs[i]);
    }
    for (int k = 0; k < a->nfiles; k++)
        if (a->files[k].front)
            check_body(c, &a->files[k]);
}

/* ------------------------------------------------------------------ */
/* locales/<lang>.yaml: a translation pack (type: locale)              */

/* "locales/fr.yaml" -> "locale/fr.yaml", the media row name (lpack.h). */
static const char *locale_row(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", LPACK_PREFIX, rel + strlen("locales/"));
    return buf;
}

/* A locale pack carries only pack.yaml and locales/: anything a content
 * pack would have is reported. */
static void refuse_content(content *c)
{
    static const char *const parts[] = { "topics.yaml", "articles", "services.csv",
                                         "services.yaml", "media" };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (rel_exists(c, parts[i]))
            add(c, parts[i], 0, "a locale pack cannot change content: it carries only pack.yaml "
                "and locales/");
}

/* The source (en.yaml) for a pack without one: FARO_LOCALES or ./locales.
 * Its languages are known fallbacks; a missing source is reported. */
static void locale_source(content *c, lcheck *lc)
{
    char err[FARO_MAX_ERRLEN], path[PATH_MAX];
    const char *ref = getenv("FARO_LOCALES") ? getenv("FARO_LOCALES") : "locales";
    int n = 0;
    snprintf(path, sizeof path, "%s/en.yaml", ref);
    if (lcheck_set_source(lc, path, err, sizeof err) != 0) {
        add(c, "locales", 0, "no en.yaml to compare with: add locales/en.yaml or set FARO_LOCALES "
            "to the kiosk's locales folder (%s)", err);
        return;
    }
    content ref_c = { .dir = ref, .rep = c->rep };
    char **names = list_dir(&ref_c, ".", &n);
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".yaml") == 0) {
            names[i][strlen(names[i]) - 5] = 0;
            lcheck_add_known(lc, names[i]);
        }
    free_names(names, n);
}

/* Adds one locales/ file to the check and to the files the pack carries. */
static void add_locale_file(content *c, lcheck *lc, const char *name)
{
    char *rel = join("locales", name);
    size_t len = 0, n = strlen(name);
    if (!rel || grow(c, (void **)&c->media, &c->cap_media, c->nmedia, sizeof *c->media) < 0) {
        free(rel);
        c->fatal = FARO_ENOMEM;
        return;
    }
    if (n <= 5 || strcmp(name + n - 5, ".yaml") != 0 || is_dir(c, rel)) {
        add(c, rel, 0, "unexpected file (locales/ holds <lang>.yaml files)");
        free(rel);
        return;
    }
    char *text = read_rel(c, rel, 1, &len);
    if (text && lcheck_add_buf(lc, rel, text, len) == FARO_ENOMEM)
        c->fatal = FARO_ENOMEM;
    free(text);
    c->media[c->nmedia++] = rel;
}

/* Every file's language must be one of the pack's languages, and back. */
static void check_locale_langs(content *c, const lcheck *lc)
{
    for (int i = 0; i < lcheck_count(lc); i++)
        if (c->langs_known && lang_index(c, lcheck_at(lc, i)->lang) < 0)
            add(c, lcheck_at(lc, i)->file, 0, "language '%s' is not in pack.yaml languages",
                lcheck_at(lc, i)->lang);
    for (int k = 0; k < c->nlangs; k++) {
        int found = 0;
        for (int i = 0; i < lcheck_count(lc); i++)
            found |= strcmp(lcheck_at(lc, i)->lang, c->langs[k]) == 0;
        if (!found)
            add(c, "locales", 0, "no %s.yaml for pack language '%s'", c->langs[k], c->langs[k]);
    }
}

/* Loads and checks locales/ with lcheck; only its errors are reported
 * (its warnings and counts are for `faro-pack locale check`). */
static void load_locales(content *c)
{
    int n = 0;
    lcheck *lc = lcheck_new();
    char **names = lc ? list_dir(c, "locales", &n) : NULL;
    refuse_content(c);
    if (!lc) {
        c->fatal = FARO_ENOMEM;
        return;
    }
    if (n <= 0)
        add(c, "locales", 0, "%s (a locale pack holds locales/<lang>.yaml)", n < 0 ? "missing folder" : "empty folder");
    if (!rel_exists(c, "locales/en.yaml"))
        locale_source(c, lc);
    for (int i = 0; i < n && !c->fatal; i++)
        add_locale_file(c, lc, names[i]);
    free_names(names, n);
    lcheck_run(lc);
    for (int i = 0; i < lcheck_messages(lc); i++) {
        int error = 0;
        const char *m = lcheck_message(lc, i, &error);
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%.*s", (int)strcspn(m, ":"), m);
        if (error)
            add_parsed(c, file, m);
    }
    check_locale_langs(c, lc);
    lcheck_free(lc);
}

/* ------------------------------------------------------------------ */
/* audio/<lang>/<kind>-<id>.opus: recorded voices                      */

static const char *const audio_kinds[] = { "article", "topic", "service" };
#define AUDIO_NKINDS 3
#define AUDIO_LAYOUT "audio/<lang>/ holds article-<id>.opus, topic-<id>.opus and service-<id>.opus"

/* Splits "<kind>-<id>.opus" into its kind (index into audio_kinds) and id
 * (into id[], FARO_MAX_ID_LEN + 1 bytes); -1 when the name is not that. */
static int recording_name(const char *name, char *id)
{
    size_t n = strlen(name);
    if (n <= 5 || strcmp(name + n - 5, ".opus") != 0)
        return -1;
    for (int k = 0; k < AUDIO_NKINDS; k++) {
        size_t kn = strlen(audio_kinds[k]);
        if (strncmp(name, audio_kinds[k], kn) != 0 || name[kn] != '-')
            continue;
        size_t idn = n - 5 - kn - 1;
        if (idn == 0 || idn > FARO_MAX_ID_LEN)
            return -1;
        memcpy(id, name + kn + 1, idn);
        id[idn] = 0;
        return valid_id(id) ? k : -1;
    }
    return -1;
}

/* A service has words in language i when it is a complete language or
 * its row gives a name or notes for it (the rule write_services follows). */
static int service_has_lang(const content *c, int row, int i)
{
    if (i < c->nrequired)
        return 1;
    const char *name = csv_field(c->services, row, c->name_col[i]);
    const char *notes = csv_field(c->services, row, c->notes_col[i]);
    return (name && *name) || (notes && *notes);
}

/* 1 when item (kind, id) has text in pack language i, 0 when it has none
 * there, -1 when the id does not exist. */
static int item_has_lang(content *c, int kind, const char *id, int i)
{
    if (kind == 0) {
        const article *a = find_article(c, id);
        if (!a)
            return -1;
        for (int k = 0; k < a->nfiles; k++)
            if (strcmp(a->files[k].lang, c->langs[i]) == 0)
                return 1;
        return 0;
    }
    if (kind == 1) {
        int t = find_topic(c, id);
        if (t < 0)
            return -1;
        return yml_get_str(yml_get(c->topics[t].node, "title"), c->langs[i], NULL) != NULL;
    }
    int row = find_service(c, id);
    return row < 0 ? -1 : service_has_lang(c, row, i);
}

/* Keeps one good recording (its name and language) for the writer. */
static void keep_recording(content *c, char *rel, int lang)
{
    if (c->audio.n == c->audio.cap) {
        int cap = c->audio.cap ? c->audio.cap * 2 : 16;
        char **f = realloc(c->audio.files, (size_t)cap * sizeof *f);
        if (f)
            c->audio.files = f;
        void *l = f ? realloc(c->audio.langs, (size_t)cap * sizeof *c->audio.langs) : NULL;
        if (!l) {
            c->fatal = FARO_ENOMEM;
            free(rel);
            return;
        }
        c->audio.langs = l;
        c->audio.cap = cap;
    }
    snprintf(c->audio.langs[c->audio.n], sizeof c->audio.langs[0], "%s", c->langs[lang]);
    c->audio.files[c->audio.n++] = rel;
}

/* Reads and decodes one recording; a note with its length when good. */
static int probe_recording(content *c, const char *rel, double *seconds)
{
    char *path = join(c->dir, rel), *buf = NULL, err[FARO_MAX_ERRLEN] = "";
    long n = path ? fsio_read(path, OGG_MAX_BYTES, 0, &buf, NULL, 0) : FARO_ENOMEM;
    int channels = 0, rc = -1;
    free(path);
    if (n == FARO_ELIMIT)
        add(c, rel, 0, "file too big (more than %u bytes)", OGG_MAX_BYTES);
    else if (n < 0)
        add(c, rel, 0, "cannot read: %s", strerror(errno));
    else if (ogg_probe(buf, (size_t)n, seconds, &channels, err, sizeof err) != 0)
        add(c, rel, 0, "%s", err);
    else {
        report_note(c->rep, "%s: %.2f s, %s", rel, *seconds, channels == 1 ? "mono" : "stereo");
        rc = 0;
    }
    free(buf);
    return rc;
}

/* Checks audio/<lang>/<name>: its name, that its item exists in that
 * language, and the recording itself. */
static void check_recording(content *c, int lang, const char *name)
{
    char id[FARO_MAX_ID_LEN + 1], *rel = malloc(strlen(c->langs[lang]) + strlen(name) + 8);
    double seconds = 0;
    if (!rel) {
        c->fatal = FARO_ENOMEM;
        return;
    }
    sprintf(rel, "audio/%s/%s", c->langs[lang], name);
    int kind = recording_name(name, id), has = kind < 0 ? 0 : item_has_lang(c, kind, id, lang);
    if (kind < 0 || is_dir(c, rel))
        add(c, rel, 0, "unexpected file (" AUDIO_LAYOUT ")");
    else if (has < 0)
        add(c, rel, 0, "a recording for unknown %s '%s'", audio_kinds[kind], id);
    else if (has == 0)
        add(c, rel, 0, "%s '%s' has no text in '%s' to record", audio_kinds[kind], id,
            c->langs[lang]);
    else if (probe_recording(c, rel, &seconds) == 0) {
        c->audio.seconds[lang] += seconds;
        keep_recording(c, rel, lang);
        return;
    }
    free(rel);
}

/* Checks one audio/<lang>/ folder. */
static void load_audio_lang(content *c, const char *lang)
{
    char rel[FARO_MAX_ERRLEN];
    int n = 0, i = lang_index(c, lang);
    snprintf(rel, sizeof rel, "audio/%s", lang);
    if (!is_dir(c, rel)) {
        add(c, rel, 0, "unexpected file (audio/ holds one folder per pack language)");
        return;
    }
    if (i < 0) {
        add(c, rel, 0, "language '%s' is not in pack.yaml languages", lang);
        return;
    }
    char **names = list_dir(c, rel, &n);
    for (int k = 0; k < n && !c->fatal; k++)
        check_recording(c, i, names[k]);
    free_names(names, n);
}

/* Items (articles, topic titles, service names) with text in language i,
 * per kind. */
static void count_items(content *c, int i, int items[AUDIO_NKINDS])
{
    items[0] = items[1] = items[2] = 0;
    for (int a = 0; a < c->narticles; a++)
        items[0] += item_has_lang(c, 0, c->articles[a].id, i) == 1;
    for (int t = 0; t < c->ntopics; t++)
        items[1] += c->topics[t].id && item_has_lang(c, 1, c->topics[t].id, i) == 1;
    for (int r = 1; c->services && r < csv_rows(c->services); r++)
        items[2] += service_has_lang(c, r, i);
}

/* Recordings kept for language i, per kind. */
static void count_recorded(const content *c, int i, int rec[AUDIO_NKINDS])
{
    size_t skip = strlen("audio/") + strlen(c->langs[i]) + 1;
    rec[0] = rec[1] = rec[2] = 0;
    for (int k = 0; k < c->audio.n; k++) {
        if (strcmp(c->audio.langs[k], c->langs[i]) != 0)
            continue;
        const char *name = c->audio.files[k] + skip;
        for (int kind = 0; kind < AUDIO_NKINDS; kind++)
            rec[kind] += strncmp(name, audio_kinds[kind], strlen(audio_kinds[kind])) == 0;
    }
}

/* One note per pack language: recorded, synthetic and voiceless items. */
static void note_coverage(content *c)
{
    for (int i = 0; i < c->nlangs; i++) {
        int items[AUDIO_NKINDS], rec[AUDIO_NKINDS];
        count_items(c, i, items);
        count_recorded(c, i, rec);
        int total = items[0] + items[1] + items[2], recorded = rec[0] + rec[1] + rec[2];
        const char *voice = voices_espeak(c->langs[i]);
        char synth[FARO_MAX_LANG_LEN + 48];
        if (voice)
            snprintf(synth, sizeof synth, "%d synthetic (espeak-ng voice %s)", total - recorded, voice);
        else
            snprintf(synth, sizeof synth, "0 synthetic (no voice)");
        report_note(c->rep, "audio %s: %d of %d recorded (articles %d/%d, topics %d/%d, "
                    "services %d/%d, %.1f s), %s, %d without a voice", c->langs[i], recorded,
                    total, rec[0], items[0], rec[1], items[1], rec[2], items[2],
                    c->audio.seconds[i], synth, voice ? 0 : total - recorded);
    }
}

/* Lists audio/ (when there is one): every recording checked, then the
 * coverage of each pack language noted. */
static void load_audio(content *c)
{
    int n = 0;
    if (c->fatal || !rel_exists(c, "audio"))
        return;
    c->audio.present = 1;
    if (!is_dir(c, "audio")) {
        add(c, "audio", 0, "not a folder (audio/ holds one folder per pack language)");
        return;
    }
    char **names = list_dir(c, "audio", &n);
    for (int i = 0; i < n && !c->fatal; i++)
        load_audio_lang(c, names[i]);
    free_names(names, n);
    if (c->langs_known)
        note_coverage(c);
}

/* ------------------------------------------------------------------ */
/* Loading and freeing the model                                       */

static void content_free(content *c)
{
    yml_free(c->pack);
    yml_free(c->topics_doc);
    free(c->topics);
    for (int i = 0; i < c->narticles; i++) {
        article *a = &c->articles[i];
        for (int k = 0; k < a->nfiles; k++) {
            free(a->files[k].path);
            free(a->files[k].text);
            yml_free(a->files[k].front);
        }
        free(a->files);
        free(a->id);
    }
    free(c->articles);
    csv_free(c->services);
    free(c->services_text);
    free(c->svc_lines);
    free(c->svc_index);
    free_names(c->media, c->nmedia);
    free_names(c->audio.files, c->audio.n);
    free(c->audio.langs);
}

/* Loads and checks everything; returns 0 or a fatal FARO_E* code. */
static int content_load(content *c, const char *dir, lint_report *rep, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->dir = dir;
    c->rep = rep;
    if (!is_dir(c, ".")) {
        snprintf(err, errlen, "%s: not a content folder: %s", dir, strerror(errno ? errno : ENOTDIR));
        return FARO_EIO;
    }
    load_pack(c);
    if (c->is_locale) {
        load_locales(c);
        report_sort(rep);
        return c->fatal;
    }
    scan_articles(c);
    load_topics(c);
    load_services(c);
    load_media(c);
    for (int i = 0; i < c->narticles && !c->fatal; i++)
        check_article(c, &c->articles[i]);
    load_audio(c);
    report_sort(rep);
    if (c->fatal)
        snprintf(err, errlen, "%s: out of memory", dir);
    return c->fatal;
}

int lint_dir(const char *dir, lint_report *rep, char *err, size_t errlen)
{
    content c;
    int rc = content_load(&c, dir, rep, err, errlen);
    content_free(&c);
    return rc < 0 ? rc : lint_report_count(rep);
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc;                 /* first failure, FARO_ESQL */
    char *err;
    size_t errlen;
} writer;

static void w_fail(writer *w, const char *what)
{
    if (w->rc == 0)
        snprintf(w->err, w->errlen, "%s: %s", what, sqlite3_errmsg(w->db));
    w->rc = FARO_ESQL;
}

static void w_exec(writer *w, const char *sql)
{
    if (w->rc == 0 && sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        w_fail(w, "cannot write the pack");
}

static void w_prepare(writer *w, const char *sql)
{
    sqlite3_finalize(w->st);
    w->st = NULL;
    if (w->rc == 0 && sqlite3_prepare_v2(w->db, sql, -1, &w->st, NULL) != SQLITE_OK)
        w_fail(w, "cannot write the pack");
}

/* Binds the texts (NULL -> SQL NULL) to ?1..?n, steps and resets. */
static void w_row(writer *w, int n, const char *const *vals)
{
    if (w->rc)
        return;
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(w->st, i + 1, vals[i], -1, SQLITE_STATIC);
    if (sqlite3_step(w->st) != SQLITE_DONE)
        w_fail(w, "cannot write the pack");
    sqlite3_reset(w->st);
    sqlite3_clear_bindings(w->st);
}

static void w_meta(writer *w, const char *key, const char *value)
{
    const char *vals[] = { key, value };
    w_row(w, 2, vals);
}

static void created_time(char *buf, size_t len)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long t = sde ? strtoll(sde, &end, 10) : 0;
    time_t now = (sde && end && !*end && t >= 0) ? (time_t)t : time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_meta(writer *w, const content *c)
{
    char num[32], created[32], langs[FARO_MAX_LANGS * (FARO_MAX_LANG_LEN + 1) + 1] = "";
    w_prepare(w, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
    snprintf(num, sizeof num, "%d", FARO_PACK_FORMAT);
    w_meta(w, "format", num);
    w_meta(w, "id", yml_get_str(c->pack, "id", ""));
    snprintf(num, sizeof num, "%d", parse_version(yml_get_str(c->pack, "version", "")));
    w_meta(w, "version", num);
    w_meta(w, "layer", yml_get_str(c->pack, "layer", ""));
    w_meta(w, "type", yml_get_str(c->pack, "type", ""));
    for (int i = 0; i < c->nlangs; i++) {
        if (i)
            strcat(langs, ",");
        strcat(langs, c->langs[i]);
    }
    w_meta(w, "languages", langs);
    const yml_node *title = yml_get(c->pack, "title");
    for (int i = 0; i < c->nlangs; i++) {
        char key[64];
        snprintf(key, sizeof key, "title.%s", c->langs[i]);
        w_meta(w, key, yml_get_str(title, c->langs[i], ""));
    }
    created_time(created, sizeof created);
    w_meta(w, "created", created);
    if (yml_get_str(c->pack, "expires", NULL))
        w_meta(w, "expires", yml_get_str(c->pack, "expires", NULL));
}

static void write_topics(writer *w, const content *c)
{
    char pos[16];
    w_prepare(w, "INSERT INTO topics(id, position, icon) VALUES(?1, ?2, ?3)");
    for (int t = 0; t < c->ntopics; t++) {
        snprintf(pos, sizeof pos, "%d", t);
        const char *vals[] = { c->topics[t].id, pos, c->topics[t].icon };
        w_row(w, 3, vals);
    }
    w_prepare(w, "INSERT INTO topic_text(topic, lang, title, summary) VALUES(?1, ?2, ?3, ?4)");
    for (int t = 0; t < c->ntopics; t++)
        for (int i = 0; i < c->nlangs; i++) {
            const yml_node *n = c->topics[t].node;
            if (i >= c->nrequired && !yml_get_str(yml_get(n, "title"), c->langs[i], NULL))
                continue;
            const char *vals[] = { c->topics[t].id, c->langs[i],
                                   yml_get_str(yml_get(n, "title"), c->langs[i], ""),
                                   yml_get_str(yml_get(n, "summary"), c->langs[i], "") };
            w_row(w, 4, vals);
        }
}

static void write_articles(writer *w, const content *c)
{
    char pos[16];
    w_prepare(w, "INSERT INTO articles(id, topic, position) VALUES(?1, ?2, ?3)");
    for (int i = 0; i < c->narticles; i++) {
        const article *a = &c->articles[i];
        snprintf(pos, sizeof pos, "%d", a->position);
        const char *vals[] = { a->id, c->topics[a->topic].id, pos };
        w_row(w, 3, vals);
    }
    w_prepare(w, "INSERT INTO article_text(article, lang, title, summary, body)"
                 " VALUES(?1, ?2, ?3, ?4, ?5)");
    for (int i = 0; i < c->narticles; i++)
        for (int k = 0; k < c->articles[i].nfiles; k++) {
            const art_file *f = &c->articles[i].files[k];
            const char *vals[] = { c->articles[i].id, f->lang,
                                   yml_get_str(f->front, "title", ""),
                                   yml_get_str(f->front, "summary", ""),
                                   f->text + f->body_off };
            w_row(w, 5, vals);
        }
}

static void write_service(writer *w, const content *c, int r)
{
    char pos[16];
    snprintf(pos, sizeof pos, "%d", r - 1);
    const char *lat = cell(c, r, COL_LAT), *lon = cell(c, r, COL_LON);
    const char *vals[] = {
        cell(c, r, COL_ID), cell(c, r, COL_KIND), cell(c, r, COL_NAME), cell(c, r, COL_COUNTRY),
        cell(c, r, COL_REGION), cell(c, r, COL_CITY), cell(c, r, COL_ADDRESS),
        *lat ? lat : NULL, *lon ? lon : NULL, cell(c, r, COL_PHONES), cell(c, r, COL_MESSAGING),
        cell(c, r, COL_HOURS), cell(c, r, COL_LANGUAGES), cell(c, r, COL_COST),
        cell(c, r, COL_NATIONALITIES), cell(c, r, COL_VERIFIED), cell(c, r, COL_VERIFIED_BY),
        strcmp(cell(c, r, COL_EXAMPLE), "yes") == 0 ? "1" : "0", pos
    };
    w_row(w, 19, vals);
}

static void write_services(writer *w, const content *c)
{
    if (!c->services)
        return;
    w_prepare(w, "INSERT INTO services(id, kind, name, country, region, city, address,"
                 " lat, lon, phones, messaging, hours, languages, cost, nationalities,"
                 " verified, verified_by, example, position) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
                 " ?7, CAST(?8 AS REAL), CAST(?9 AS REAL), ?10, ?11, ?12, ?13, ?14, ?15,"
                 " ?16, ?17, CAST(?18 AS INTEGER), CAST(?19 AS INTEGER))");
    for (int r = 1; r < csv_rows(c->services); r++)
        write_service(w, c, r);
    w_prepare(w, "INSERT INTO service_text(service, lang, name, notes) VALUES(?1, ?2, ?3, ?4)");
    for (int r = 1; r < csv_rows(c->services); r++)
        for (int i = 0; i < c->nlangs; i++) {
            const char *name = csv_field(c->services, r, c->name_col[i]);
            const char *notes = csv_field(c->services, r, c->notes_col[i]);
            if (i >= c->nrequired && !(name && *name) && !(notes && *notes))
                continue;               /* a partial language without its own words */
            const char *vals[] = { cell(c, r, COL_ID), c->langs[i],
                                   name && *name ? name : cell(c, r, COL_NAME),
                                   notes ? notes : cell(c, r, COL_NOTES) };
            w_row(w, 4, vals);
        }
}

/* Reads one media file into memory (bounded); NULL with err set. */
static void *read_media(const content *c, const char *rel, size_t *len, char *err, size_t errlen)
{
    char *path = join(c->dir, rel), *buf = NULL;
    long n = path ? fsio_read(path, FARO_MAX_FILE_BYTES, 0, &buf, NULL, 0) : FARO_ENOMEM;
    free(path);
    if (n < 0)
        snprintf(err, errlen, "%s: cannot read (or larger than %u bytes)", rel,
                 FARO_MAX_FILE_BYTES);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

static void write_media(writer *w, const content *c)
{
    w_prepare(w, "INSERT INTO media(name, mime, data) VALUES(?1, ?2, ?3)");
    for (int i = 0; i < c->nmedia && w->rc == 0; i++) {
        char row[FARO_MAX_LANG_LEN + 32];
        const char *name = c->is_locale ? locale_row(c->media[i], row, sizeof row) : c->media[i];
        size_t len = 0;
        void *data = read_media(c, c->media[i], &len, w->err, w->errlen);
        if (!data) {
            w->rc = FARO_EIO;
            break;
        }
        sqlite3_bind_text(w->st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->st, 2, c->is_locale ? LPACK_MIME : media_mime(c->media[i]), -1, SQLITE_STATIC);
        sqlite3_bind_blob(w->st, 3, data, (int)len, free);
        if (sqlite3_step(w->st) != SQLITE_DONE)
            w_fail(w, "cannot write the pack");
        sqlite3_reset(w->st);
    }
}

/* Stores every recording lint kept as media, mime audio/ogg, under its
 * own name ("audio/<lang>/<kind>-<id>.opus"). */
static void write_audio(writer *w, const content *c)
{
    w_prepare(w, "INSERT INTO media(name, mime, data) VALUES(?1, 'audio/ogg', ?2)");
    for (int i = 0; i < c->audio.n && w->rc == 0; i++) {
        char *path = join(c->dir, c->audio.files[i]), *data = NULL;
        long n = path ? fsio_read(path, OGG_MAX_BYTES, 0, &data, w->err, w->errlen) : FARO_ENOMEM;
        free(path);
        if (n < 0) {
            w->rc = n == FARO_ENOMEM ? FARO_ENOMEM : FARO_EIO;
            break;
        }
        sqlite3_bind_text(w->st, 1, c->audio.files[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob(w->st, 2, data, (int)n, free);
        if (sqlite3_step(w->st) != SQLITE_DONE)
            w_fail(w, "cannot write the pack");
        sqlite3_reset(w->st);
    }
}

/* Writes the whole pack to `path` (which must not exist). */
static int write_pack(const content *c, const char *path, char *err, size_t errlen)
{
    writer w = { .err = err, .errlen = errlen };
    if (sqlite3_open_v2(path, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        w_fail(&w, path);
    w_exec(&w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;"
               " BEGIN;");
    w_exec(&w, SCHEMA_SQL);
    write_meta(&w, c);
    write_topics(&w, c);
    write_articles(&w, c);
    write_services(&w, c);
    write_media(&w, c);
    write_audio(&w, c);
    sqlite3_finalize(w.st);
    w_exec(&w, "COMMIT; VACUUM;");
    if (sqlite3_close(w.db) != SQLITE_OK && w.rc == 0) {
        snprintf(err, errlen, "%s: cannot close the pack", path);
        w.rc = FARO_ESQL;
    }
    return w.rc;
}

static void fill_stats(pack_build_stats *s, const content *c, const char *out)
{
    struct stat st;
    s->languages = c->nlangs;
    s->topics = c->ntopics;
    s->articles = c->narticles;
    s->services = c->services ? csv_rows(c->services) - 1 : 0;
    s->media = c->nmedia;
    s->bytes = stat(out, &st) == 0 ? (long long)st.st_size : 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int pack_build_dir(const char *dir, const char *out, lint_report *rep,
                   pack_build_stats *stats, char *err, size_t errlen)
{
    double start = now_ms();
    content c;
    char tmp[PATH_MAX];
    int rc = content_load(&c, dir, rep, err, errlen);
    if (rc == 0 && lint_report_count(rep) > 0) {
        snprintf(err, errlen, "%s: %d problem%s, no pack written", dir, lint_report_count(rep),
                 lint_report_count(rep) == 1 ? "" : "s");
        rc = FARO_EPARSE;
    }
    if (rc == 0 && snprintf(tmp, sizeof tmp, "%s.tmp", out) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", out);
        rc = FARO_EINVAL;
    }
    if (rc == 0) {
        unlink(tmp);
        rc = write_pack(&c, tmp, err, errlen);
        if (rc == 0)
            rc = fsio_commit(tmp, out, err, errlen);
        if (rc < 0)
            unlink(tmp);
    }
    if (rc == 0 && stats) {
        fill_stats(stats, &c, out);
        stats->ms = now_ms() - start;
    }
    content_free(&c);
    return rc;
}
