/*
 * csv.c — RFC 4180 reader: one pass over the bytes, fields unquoted into
 * one arena.
 *
 * NGOs keep directories in spreadsheets, and spreadsheets export CSV with
 * all the RFC 4180 corners: quoted fields, doubled quotes, line breaks inside
 * quotes, CRLF, a byte order mark.  The idea: the unquoted text of every
 * field is never longer than its source, so a single arena of (input + one
 * NUL per field) bytes holds all fields, and the table is three arrays:
 * the arena, field offsets, and records (first field, count, start line).
 * No per-field allocation, so 10,000 rows parse in a blink.  A scanner
 * struct walks the input; every error names the line where it was found
 * (or, for an unterminated quote, where the quote opened).
 */
#include "csv.h"
#include "faro.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int first;      /* index of the record's first field in field_off */
    int count;      /* fields in the record */
    int line;       /* 1-based line where it starts */
} csv_record;

struct csv {
    char *arena;            /* all fields, each NUL-terminated */
    size_t arena_len;
    size_t *field_off;      /* offset of each field in arena */
    int nfields, cap_fields;
    csv_record *records;
    int nrecords, cap_records;
};

typedef struct {
    const char *buf;
    size_t len, pos;
    int line;
    const char *name;
    char *err;
    size_t errlen;
    csv *t;
} scanner;

static int fail(scanner *s, int line, const char *fmt, ...)
{
    char reason[FARO_MAX_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (s->err && s->errlen)
        snprintf(s->err, s->errlen, "%s:%d: %s", s->name, line, reason);
    return FARO_EPARSE;
}

void csv_free(csv *t)
{
    if (!t)
        return;
    free(t->arena);
    free(t->field_off);
    free(t->records);
    free(t);
}

static int peek(const scanner *s)
{
    return s->pos < s->len ? (unsigned char)s->buf[s->pos] : -1;
}

/* True (and consumes it) when a line end (LF, CRLF or lone CR) is next. */
static int take_eol(scanner *s)
{
    int c = peek(s);
    if (c == '\n') {
        s->pos++;
    } else if (c == '\r') {
        s->pos++;
        if (peek(s) == '\n')
            s->pos++;
    } else {
        return 0;
    }
    s->line++;
    return 1;
}

static int push_field(scanner *s, size_t start)
{
    csv *t = s->t;
    if (t->nfields == t->cap_fields) {
        int cap = t->cap_fields ? t->cap_fields * 2 : 64;
        size_t *off = realloc(t->field_off, (size_t)cap * sizeof *off);
        if (!off)
            return fail(s, s->line, "out of memory");
        t->field_off = off;
        t->cap_fields = cap;
    }
    t->field_off[t->nfields++] = start;
    t->arena[t->arena_len++] = '\0';
    return 0;
}

static int put_byte(scanner *s, size_t start, int c, int line)
{
    if (s->t->arena_len - start >= FARO_MAX_FIELD_BYTES)
        return fail(s, line, "field longer than %d bytes", FARO_MAX_FIELD_BYTES);
    if (c == 0)
        return fail(s, s->line, "NUL byte in field");
    s->t->arena[s->t->arena_len++] = (char)c;
    return 0;
}

static int scan_quoted(scanner *s, size_t start)
{
    int open_line = s->line;
    s->pos++;                                   /* opening quote */
    for (;;) {
        int c = peek(s);
        if (c < 0)
            return fail(s, open_line, "unterminated quoted field");
        s->pos++;
        if (c == '"') {
            if (peek(s) != '"')
                break;
            s->pos++;
        } else if (c == '\n') {
            s->line++;
        }
        if (put_byte(s, start, c, open_line) < 0)
            return FARO_EPARSE;
    }
    int c = peek(s);
    if (c >= 0 && c != ',' && c != '\n' && c != '\r')
        return fail(s, s->line, "text after a closing quote");
    return 0;
}

static int scan_plain(scanner *s, size_t start)
{
    for (;;) {
        int c = peek(s);
        if (c < 0 || c == ',' || c == '\n' || c == '\r')
            return 0;
        s->pos++;
        if (put_byte(s, start, c, s->line) < 0)
            return FARO_EPARSE;
    }
}

/* One field, unquoted into the arena. */
static int scan_field(scanner *s)
{
    size_t start = s->t->arena_len;
    int rc = peek(s) == '"' ? scan_quoted(s, start) : scan_plain(s, start);
    return rc < 0 ? rc : push_field(s, start);
}

static int push_record(scanner *s, int first, int line)
{
    csv *t = s->t;
    if (t->nrecords >= FARO_MAX_CSV_ROWS)
        return fail(s, line, "more than %d rows", FARO_MAX_CSV_ROWS);
    if (t->nrecords == t->cap_records) {
        int cap = t->cap_records ? t->cap_records * 2 : 64;
        csv_record *r = realloc(t->records, (size_t)cap * sizeof *r);
        if (!r)
            return fail(s, line, "out of memory");
        t->records = r;
        t->cap_records = cap;
    }
    t->records[t->nrecords++] = (csv_record){ first, t->nfields - first, line };
    return 0;
}

/* One record: fields separated by commas up to a line end or the end. */
static int scan_record(scanner *s)
{
    int line = s->line, first = s->t->nfields;
    for (;;) {
        if (s->t->nfields - first >= FARO_MAX_CSV_COLS)
            return fail(s, line, "more than %d columns", FARO_MAX_CSV_COLS);
        if (scan_field(s) < 0)
            return FARO_EPARSE;
        if (peek(s) != ',')
            break;
        s->pos++;
    }
    take_eol(s);
    return push_record(s, first, line);
}

csv *csv_parse(const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
    scanner s = { .buf = buf, .len = len, .line = 1, .name = name ? name : "(csv)",
                  .err = err, .errlen = errlen };
    if (err && errlen)
        err[0] = '\0';
    if (len > FARO_MAX_FILE_BYTES) {
        fail(&s, 1, "file too big (more than %u bytes)", FARO_MAX_FILE_BYTES);
        return NULL;
    }
    s.t = calloc(1, sizeof *s.t);
    if (!s.t || !(s.t->arena = malloc(2 * len + 1))) {
        fail(&s, 1, "out of memory");
        goto fail;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        s.pos = 3;
    while (s.pos < s.len) {
        if (take_eol(&s))                       /* blank line */
            continue;
        if (scan_record(&s) < 0)
            goto fail;
    }
    return s.t;
fail:
    csv_free(s.t);
    return NULL;
}

int csv_rows(const csv *t)
{
    return t ? t->nrecords : 0;
}

int csv_cols(const csv *t, int row)
{
    return t && row >= 0 && row < t->nrecords ? t->records[row].count : 0;
}

const char *csv_field(const csv *t, int row, int col)
{
    if (col < 0 || col >= csv_cols(t, row))
        return NULL;
    return t->arena + t->field_off[t->records[row].first + col];
}

int csv_line(const csv *t, int row)
{
    return t && row >= 0 && row < t->nrecords ? t->records[row].line : 0;
}

int csv_find_col(const csv *t, const char *name)
{
    for (int i = 0; i < csv_cols(t, 0); i++)
        if (strcmp(csv_field(t, 0, i), name) == 0)
            return i;
    return -1;
}
