/*
 * csv.h — an RFC 4180 CSV reader for directories kept in spreadsheets.
 *
 * Reads the whole text at once into records of fields; remembers the line
 * each record starts on so that callers can say "services.csv:12:phones: ...".
 * Quoted fields (with doubled quotes and newlines inside), CRLF or LF line
 * ends and a leading UTF-8 byte order mark are accepted; blank lines are
 * skipped.  Bounded by FARO_MAX_CSV_ROWS, FARO_MAX_CSV_COLS and
 * FARO_MAX_FIELD_BYTES.
 */
#ifndef FARO_CSV_H
#define FARO_CSV_H

#include <stddef.h>

typedef struct csv csv;

/* Parses `len` bytes of `buf` (need not be NUL-terminated).  Returns the
 * table (free with csv_free) or NULL with err set to "<name>:<line>: <reason>"
 * (unterminated quote, text after a closing quote, NUL byte, too many rows,
 * columns or bytes in a field, out of memory). */
csv *csv_parse(const char *buf, size_t len, const char *name, char *err, size_t errlen);

void csv_free(csv *t);                          /* accepts NULL */

/* Number of records, the header row included (0 for an empty file). */
int csv_rows(const csv *t);

/* Number of fields in record `row`, 0 when out of range. */
int csv_cols(const csv *t, int row);

/* Field `col` of record `row` (NUL-terminated, owned by the table), or NULL
 * when either is out of range. */
const char *csv_field(const csv *t, int row, int col);

/* 1-based line of the file where record `row` starts, 0 when out of range. */
int csv_line(const csv *t, int row);

/* Index of the column whose header (record 0) is exactly `name`, or -1. */
int csv_find_col(const csv *t, const char *name);

#endif
