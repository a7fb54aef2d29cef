/*
 * intl.h — names and dates in the reader's language, from ICU's CLDR data:
 * country and language names ("Haití" for HT in Spanish), long dates
 * ("1 de octubre de 2026"), and day arithmetic for staleness.  Nothing here
 * is translated by hand.
 */
#ifndef FARO_INTL_H
#define FARO_INTL_H

#include <stddef.h>

/*
 * The one language-tag rule (config, console, lint, locale check): 1 when
 * tag is a BCP 47 tag of the shapes Faro uses, else 0.  A 2-3 letter
 * lower-case language ("es", "ti"), then subtags ICU reads as well-formed
 * BCP 47 (uloc_forLanguageTag over the whole tag, and back with
 * uloc_toLanguageTag): "es-419", "zh-Hans", "pt-BR", "sr-Latn-RS".  At
 * most FARO_MAX_LANG_LEN bytes.  Refused: "", "e", "ES", "es-", a subtag
 * of more than 8, anything with '_' or '/' or '.' — a POSIX locale name
 * "es_ES" is not a tag (write "es-ES"), and a tag names files, so "../x"
 * can never be one.
 */
int intl_lang_valid(const char *tag);

/* Name of ISO 3166 country `code` in language `lang`; the code when unknown.
 * Returns the length written into buf. */
int intl_country_name(const char *code, const char *lang, char *buf, size_t size);

/* Name of language tag `tag` in language `lang` (e.g. "fr" in es: "francés"). */
int intl_language_name(const char *tag, const char *lang, char *buf, size_t size);

/* YYYY-MM-DD as a long date in `lang`; the input itself when not a date. */
int intl_date(const char *ymd, const char *lang, char *buf, size_t size);

/* Opening hours written like "Mo-Fr 09:00-17:00; Sa 09:00-13:00" (a small
 * part of OpenStreetMap's opening_hours) with the day names in `lang`, one
 * rule a line ("lunes–viernes 09:00–17:00").  Anything it does not
 * understand is copied as written.  Returns the length. */
int intl_hours(const char *hours, const char *lang, char *buf, size_t size);

/* Days since 1970-01-01 of YYYY-MM-DD, or -1 when not a valid date. */
long intl_days(const char *ymd);

/* A country for the nationality picker: its ISO 3166-1 alpha-2 code and
 * its name in the reader's language. */
typedef struct intl_country {
    char code[4];
    char name[96];
} intl_country;

/*
 * Every ISO 3166-1 country ICU knows (about 250; codes without a name in
 * CLDR are left out), named in `lang` and sorted by `lang`'s collation
 * (ucol: "Bélgica" before "Belice" in es, alef forms together in ar).
 * *out is a malloc'd array (free with intl_countries_free).  Returns the
 * count, or a negative FARO_E* code with *out NULL.
 */
int intl_countries(const char *lang, intl_country **out);
void intl_countries_free(intl_country *list);            /* accepts NULL */

/* Sorts n countries by name in `lang`'s collation (e.g. a picker's list
 * of the countries that have a consulate here).  Returns 0 or a negative
 * FARO_E* code (the array is then unchanged). */
int intl_countries_sort(const char *lang, intl_country *list, int n);

#endif
