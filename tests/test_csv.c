/*
 * test_csv.c — the RFC 4180 reader: quoting, line ends, BOM, record lines,
 * and refusal of unterminated quotes, too many columns, oversized fields;
 * a generated 10,000-row file parses with the right count.
 */
#include "check.h"
#include "csv.h"
#include "faro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[FARO_MAX_ERRLEN];

static csv *parse(const char *text)
{
    return csv_parse(text, strlen(text), "s.csv", err, sizeof err);
}

static void test_basic(void)
{
    csv *t = parse("id,name,notes\na,Alpha,\nb,\"Beta, Inc.\",x\n");
    CHECK(t != NULL, "%s", err);
    CHECK(csv_rows(t) == 3, "rows %d", csv_rows(t));
    CHECK(csv_cols(t, 0) == 3 && csv_cols(t, 1) == 3, "cols");
    CHECK_STR(csv_field(t, 1, 1), "Alpha");
    CHECK_STR(csv_field(t, 1, 2), "");
    CHECK_STR(csv_field(t, 2, 1), "Beta, Inc.");
    CHECK(csv_find_col(t, "notes") == 2 && csv_find_col(t, "nope") == -1, "find col");
    CHECK(csv_line(t, 2) == 3, "line %d", csv_line(t, 2));
    CHECK(csv_field(t, 3, 0) == NULL && csv_field(t, 1, 3) == NULL, "out of range");
    CHECK(csv_field(t, -1, 0) == NULL && csv_line(t, 9) == 0, "out of range");
    csv_free(t);
    csv_free(NULL);
}

static void test_quotes_newlines(void)
{
    csv *t = parse("id,notes\r\n"
                   "a,\"line one\r\nline two\"\r\n"
                   "b,\"she said \"\"hi\"\"\"\r\n"
                   "\r\n"
                   "c,\"\"\r\n");
    CHECK(t != NULL, "%s", err);
    CHECK(csv_rows(t) == 4, "rows %d", csv_rows(t));
    CHECK_STR(csv_field(t, 1, 1), "line one\r\nline two");
    CHECK_STR(csv_field(t, 2, 1), "she said \"hi\"");
    CHECK_STR(csv_field(t, 3, 1), "");
    CHECK(csv_line(t, 1) == 2, "a on line %d", csv_line(t, 1));
    CHECK(csv_line(t, 2) == 4, "b on line %d", csv_line(t, 2));
    CHECK(csv_line(t, 3) == 6, "c on line %d (blank line skipped)", csv_line(t, 3));
    csv_free(t);
}

static void test_bom_and_ends(void)
{
    csv *t = parse("\xEF\xBB\xBFid,name\nx,y");
    CHECK(t != NULL, "%s", err);
    CHECK(csv_find_col(t, "id") == 0, "BOM skipped");
    CHECK(csv_rows(t) == 2, "last line without newline");
    CHECK_STR(csv_field(t, 1, 1), "y");
    csv_free(t);
    t = parse("");
    CHECK(t && csv_rows(t) == 0, "empty file");
    csv_free(t);
    t = parse("a,b\n1,\"2\"");
    CHECK(t && csv_rows(t) == 2, "quoted field at EOF");
    CHECK_STR(csv_field(t, 1, 1), "2");
    csv_free(t);
}

static void test_errors(void)
{
    CHECK(parse("id,notes\na,b\nc,\"open\nstill open\n") == NULL, "unterminated");
    CHECK_STR(err, "s.csv:3: unterminated quoted field");
    CHECK(parse("id\n\"a\"b\n") == NULL, "text after quote");
    CHECK_STR(err, "s.csv:2: text after a closing quote");
    CHECK(csv_parse("a\nb\0c\n", 6, "s.csv", err, sizeof err) == NULL, "NUL byte");
    CHECK_STR(err, "s.csv:2: NUL byte in field");

    char line[FARO_MAX_CSV_COLS * 2 + 8];
    char *p = line;
    for (int i = 0; i <= FARO_MAX_CSV_COLS; i++) {
        *p++ = 'x';
        *p++ = ',';
    }
    p[-1] = '\n';
    *p = '\0';
    char doc[sizeof line + 8];
    snprintf(doc, sizeof doc, "a\n%s", line);
    CHECK(parse(doc) == NULL, "too many columns");
    CHECK_STR(err, "s.csv:2: more than 64 columns");
    line[strlen(line) - 3] = '\n';              /* exactly 64 columns */
    line[strlen(line) - 2] = '\0';
    csv *t = parse(line);
    CHECK(t && csv_cols(t, 0) == FARO_MAX_CSV_COLS, "64 columns are fine: %s", err);
    csv_free(t);
}

static void test_oversized(void)
{
    size_t n = FARO_MAX_FIELD_BYTES + 1;
    char *doc = malloc(n + 16);
    strcpy(doc, "id\n\"");
    memset(doc + 4, 'x', n);
    strcpy(doc + 4 + n, "\"\n");
    CHECK(parse(doc) == NULL, "oversized quoted field");
    CHECK_STR(err, "s.csv:2: field longer than 65536 bytes");
    memset(doc + 3, 'y', n);
    strcpy(doc + 3 + n, "\n");
    CHECK(parse(doc) == NULL, "oversized plain field");
    CHECK_STR(err, "s.csv:2: field longer than 65536 bytes");
    doc[3 + n - 1] = '\0';                      /* exactly the bound */
    csv *t = parse(doc);
    CHECK(t && strlen(csv_field(t, 1, 0)) == FARO_MAX_FIELD_BYTES, "bound itself is fine");
    csv_free(t);
    free(doc);
}

static void test_many_rows(void)
{
    size_t cap = 10001 * 64;
    char *doc = malloc(cap);
    size_t len = (size_t)snprintf(doc, cap, "id,name,phones\n");
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(doc + len, cap - len,
                                "svc-%d,\"Service %d, \"\"example\"\"\",+1202555%04d\n",
                                i, i, i % 10000);
    csv *t = csv_parse(doc, len, "big.csv", err, sizeof err);
    CHECK(t != NULL, "%s", err);
    CHECK(csv_rows(t) == 10001, "rows %d", csv_rows(t));
    CHECK_STR(csv_field(t, 10000, 0), "svc-9999");
    CHECK_STR(csv_field(t, 5000, 1), "Service 4999, \"example\"");
    CHECK(csv_line(t, 10000) == 10001, "line %d", csv_line(t, 10000));
    csv_free(t);
    free(doc);

    /* one row past the bound */
    size_t rows = FARO_MAX_CSV_ROWS + 1;
    doc = malloc(rows * 2 + 1);
    for (size_t i = 0; i < rows; i++) {
        doc[2 * i] = 'x';
        doc[2 * i + 1] = '\n';
    }
    CHECK(csv_parse(doc, rows * 2, "big.csv", err, sizeof err) == NULL, "too many rows");
    CHECK_STR(err, "big.csv:100001: more than 100000 rows");
    free(doc);
}

int main(void)
{
    test_basic();
    test_quotes_newlines();
    test_bom_and_ends();
    test_errors();
    test_oversized();
    test_many_rows();
    return check_done();
}
