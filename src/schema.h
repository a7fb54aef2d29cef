/*
 * schema.h — the SQL schema of a Faro pack (format FARO_PACK_FORMAT).
 *
 * A pack is one SQLite database.  faro-pack build creates it with
 * SCHEMA_SQL; the store opens it read-only and checks SCHEMA_TABLES against
 * sqlite_schema so that a pack with extra tables, views or triggers is
 * refused.  Every text a person reads is per language (lang = BCP 47 tag);
 * the store picks the reader's language, then its fallback chain.
 *
 * Content links inside Markdown bodies use the faro: scheme:
 *   faro:article/<id>  faro:topic/<id>  faro:service/<id>  faro:directory/<kind>
 *
 * meta keys: format, id, version, layer (base|site), type (content|locale|keys),
 * title.<lang>, created (ISO 8601 UTC), languages (comma list), expires (optional).
 */
#ifndef FARO_SCHEMA_H
#define FARO_SCHEMA_H

#define SCHEMA_SQL \
"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n" \
"CREATE TABLE topics(id TEXT PRIMARY KEY, position INTEGER NOT NULL, icon TEXT NOT NULL) WITHOUT ROWID;\n" \
"CREATE TABLE topic_text(topic TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL," \
" summary TEXT NOT NULL, PRIMARY KEY(topic, lang)) WITHOUT ROWID;\n" \
"CREATE TABLE articles(id TEXT PRIMARY KEY, topic TEXT NOT NULL, position INTEGER NOT NULL) WITHOUT ROWID;\n" \
"CREATE TABLE article_text(article TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL," \
" summary TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY(article, lang)) WITHOUT ROWID;\n" \
"CREATE TABLE services(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL," \
" country TEXT NOT NULL, region TEXT NOT NULL, city TEXT NOT NULL, address TEXT NOT NULL," \
" lat REAL, lon REAL, phones TEXT NOT NULL, messaging TEXT NOT NULL, hours TEXT NOT NULL," \
" languages TEXT NOT NULL, cost TEXT NOT NULL, nationalities TEXT NOT NULL," \
" verified TEXT NOT NULL, verified_by TEXT NOT NULL, example INTEGER NOT NULL," \
" position INTEGER NOT NULL) WITHOUT ROWID;\n" \
"CREATE TABLE service_text(service TEXT NOT NULL, lang TEXT NOT NULL, name TEXT NOT NULL," \
" notes TEXT NOT NULL, PRIMARY KEY(service, lang)) WITHOUT ROWID;\n" \
"CREATE TABLE media(name TEXT PRIMARY KEY, mime TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;\n"

/* Tables a valid pack has, and nothing else (no views, no triggers). */
#define SCHEMA_TABLES { "meta", "topics", "topic_text", "articles", "article_text", \
                        "services", "service_text", "media" }
#define SCHEMA_NTABLES 8

/* Service kinds, in the order the directory shows their chips.  Services
 * of kind "emergency" (a site's police line, its staff on duty) are also
 * shown first on the SOS screen. */
#define SCHEMA_KINDS { "consulate", "family", "health", "psychosocial", "legal", \
                       "shelter", "food", "child", "hotline", "migration", "emergency" }
#define SCHEMA_NKINDS 11

#endif
