/*
 * test_search.c — the search index over a known data set built in the test:
 * the tokenizer's folding (accents, case, Arabic forms, Han pairs), accented,
 * Arabic and Chinese queries with the expected hits in order, prefixes as
 * the person types, the reader's language first, FTS syntax in a query,
 * marks and a long summary cut around its match, a second pack's article
 * shadowed by the first's, the index file rebuilt only when the packs
 * change, and building and querying with a failing SQLite allocation.
 */
#include "check.h"
#include "sqlfault.h"
#include "faro.h"
#include "schema.h"
#include "search.h"
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEARCH_SNIPPET_TEST_MAX 170     /* 160 bytes cut, plus "…" twice */

static char err[FARO_MAX_ERRLEN];
static char tmpdir[] = "/tmp/faro-test-search-XXXXXX";

/* id, topic, lang, title, summary, body */
static const char *const articles[][6] = {
    { "creole", "talk", "es", "Hablar kreyòl en el albergue", "Hay intérpretes de Kreyòl.",
      "Pide un **intérprete** en la recepción." },
    { "creole", "talk", "ht", "Pale kreyòl nan abri a", "Gen entèprèt.", "Mande yon entèprèt." },
    { "family", "family", "ar", "التواصل مع الأسرة", "اتصل بأُسْرَتِكَ مجانًا من هنا.",
      "يمكنك الاتصال مع العائلة في أي بلد." },
    { "family", "family", "es", "Contactar a tu familia", "Llamadas gratis a tu familia.",
      "Puedes llamar a cualquier país." },
    { "rights", "rights", "zh", "你的权利", "寻求庇护的权利受到保护。", "任何人都可以申请庇护。" },
    { "rights", "rights", "es", "Tus derechos", "Pedir asilo es un derecho.",
      "Nadie puede devolverte a un país donde corres peligro." },
    { "consulates", "help", "es", "Consulados y embajadas", "Tu consulado puede ayudarte.",
      "Lleva copias de tus documentos." },
    { "consulates", "help", "en", "Consulates and embassies", "Your consulate can help.",
      "Bring copies of your documents." },
    { "health", "help", "es", "Salud y atención médica", "Atención gratuita en la clínica.",
      "Consulta sin cita previa." },
    { "long", "help", "pt", "Texto longo",
      "Uma frase bem comprida que continua e continua sem parar para encher espaço antes da "
      "palavra alvo que procuramos aqui no meio e depois segue ainda mais texto para passar "
      "do limite do trecho mostrado na lista de resultados da busca.", "" },
};

/* id, kind, lang, name, notes, city, nationalities */
static const char *const services[][7] = {
    { "consulate-ht", "consulate", "es", "Consulado de Haití (ejemplo)", "Pasaportes.",
      "Tapachula", "HT" },
    { "consulate-ht", "consulate", "fr", "Consulat d'Haïti (exemple)", "Passeports.",
      "Tapachula", "HT" },
    { "red-cross", "family", "es", "Cruz Roja: contacto familiar (ejemplo)",
      "Llamadas gratuitas.", "Tapachula", "*" },
    { "red-cross", "family", "ar", "الصليب الأحمر: التواصل العائلي (مثال)", "مكالمات مجانية.",
      "Tapachula", "*" },
};

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    CHECK(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
    return rc;
}

static void insert(sqlite3 *db, const char *sql, int n, const char *const *vals)
{
    sqlite3_stmt *st = NULL;
    CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

static void add_articles(sqlite3 *db)
{
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++) {
        const char *const *a = articles[i];
        insert(db, "INSERT OR IGNORE INTO articles VALUES(?1, ?2, 0)", 2, a);
        insert(db, "INSERT INTO article_text VALUES(?1, ?3, ?4, ?5, ?6)", 6, a);
    }
}

static void add_services(sqlite3 *db)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        const char *const *v = services[i];
        insert(db, "INSERT OR IGNORE INTO services VALUES(?1, ?2, ?4, 'MX', 'Chiapas', ?6, "
               "'Calle 1', NULL, NULL, '+12025550143', '', '', 'es', 'free', ?7, "
               "'2026-01-01', 'Ed', 1, 0)", 7, v);
        insert(db, "INSERT INTO service_text VALUES(?1, ?3, ?4, ?5)", 5, v);
    }
}

/* A small pack "org.test.other" with an article id the first pack has. */
static void make_other_pack(const char *path)
{
    sqlite3 *db = NULL;
    unlink(path);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK, "open %s", path);
    exec(db, SCHEMA_SQL);
    exec(db, "INSERT INTO meta VALUES('format', '1'), ('id', 'org.test.other'), ('version', '1'),"
             " ('layer', 'site'), ('type', 'content');"
             "INSERT INTO articles VALUES('creole', 'talk', 0), ('extra', 'talk', 1);"
             "INSERT INTO article_text VALUES('creole', 'es', 'Otro kreyòl', 'Otro.', ''),"
             " ('extra', 'es', 'Otro artículo', 'Algo más.', '');");
    sqlite3_close(db);
}

/* A pack file with the data set above (version picks the meta version). */
static void make_pack(const char *path, int version)
{
    sqlite3 *db = NULL;
    char sql[256];
    unlink(path);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK, "open %s", path);
    exec(db, SCHEMA_SQL);
    snprintf(sql, sizeof sql, "INSERT INTO meta VALUES('format', '%d'), ('id', 'org.test.search'),"
             " ('version', '%d'), ('layer', 'base'), ('type', 'content')", FARO_PACK_FORMAT, version);
    exec(db, sql);
    add_articles(db);
    add_services(db);
    sqlite3_close(db);
}

static store *open_store(const char *pack)
{
    store *st = store_new();
    CHECK(st && store_add_file(st, pack, err, sizeof err) == 0, "store: %s", err);
    return st;
}

static void check_tokens(const char *text, const char *want)
{
    char out[512];
    int n = search_tokens(text, out, sizeof out);
    CHECK(n > 0, "tokens of %s: %d", text, n);
    CHECK_STR(out, want);
}

static void test_tokens(void)
{
    check_tokens("Kreyòl ÉCOLE l'eau Straße", "kreyol ecole l eau strasse");
    check_tokens("أُسْرَة إِلى آمن ٱلله مستشفـــى", "اسره الي امن الله|له مستشفي");
    check_tokens("الأسرة", "الاسره|اسره");
    check_tokens("你的权利", "你的|你 的权|的 权利|权 利");
    check_tokens("call +1 202 ٣٤٥", "call 1 202 345");
    /* invalid UTF-8 (tok_decode, ICU's U8_NEXT): each bad byte is one U+FFFD,
     * a word break, exactly as the hand decoder did */
    check_tokens("a\xC0\xAF" "b", "a b");                 /* overlong '/' */
    check_tokens("x\xED\xA0\x80y", "x y");               /* a UTF-16 surrogate */
    check_tokens("\xF4\x90\x80\x80z", "z");             /* past U+10FFFF */
    check_tokens("ok\xE2\x82", "ok");                     /* truncated at the end */
    check_tokens("\xE2\x82\x41", "a");                   /* truncated before a letter */
    check_tokens("\xF0\x8F\xBF\xBF" "e", "e");          /* overlong 4-byte */
    char out[8];
    CHECK(search_tokens("", out, sizeof out) == 0 && out[0] == '\0', "empty text");
    CHECK(search_tokens(NULL, out, sizeof out) == FARO_EINVAL, "NULL text");
}

/* "kind:id:lang" of each hit, joined by spaces. */
static const char *hits_str(search_index *ix, const char *q, const char *const *langs)
{
    static char buf[1024];
    search_hits *h = NULL;
    size_t used = 0;
    int n = search_query(ix, q, langs, 20, &h, err, sizeof err);
    buf[0] = '\0';
    CHECK(n >= 0 && h, "query %s: %s", q, err);
    for (int i = 0; h && i < h->n; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s:%s:%s", i ? " " : "",
                                 h->hits[i].kind == SEARCH_ARTICLE ? "a" : "s",
                                 h->hits[i].id, h->hits[i].lang);
    search_hits_free(h);
    return buf;
}

static const char *const es[] = { "es", NULL };
static const char *const en[] = { "en", NULL };
static const char *const ar[] = { "ar", NULL };
static const char *const zh[] = { "zh", NULL };

static void test_accents(search_index *ix)
{
    CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    CHECK_STR(hits_str(ix, "KREYÒL", NULL), "a:creole:es");
    CHECK_STR(hits_str(ix, "kre", es), "a:creole:es");
    CHECK_STR(hits_str(ix, "kreyol", (const char *const[]){ "ht", NULL }), "a:creole:ht");
    CHECK_STR(hits_str(ix, "haiti", es), "s:consulate-ht:es");
    CHECK_STR(hits_str(ix, "interprete", es), "a:creole:es");   /* in the body */
    CHECK_STR(hits_str(ix, "tapachula cruz", es), "s:red-cross:es");
}

static void test_order(search_index *ix)
{
    /* title matches rank first; the reader's language, then the others */
    CHECK_STR(hits_str(ix, "consul", es), "a:consulates:es s:consulate-ht:es a:health:es");
    CHECK_STR(hits_str(ix, "consul", en), "a:consulates:en s:consulate-ht:es a:health:es");
    CHECK_STR(hits_str(ix, "consul ", en), "");                 /* a whole word now */
    CHECK_STR(hits_str(ix, "consulates ", en), "a:consulates:en");
    CHECK_STR(hits_str(ix, "famil", es), "a:family:es s:red-cross:es");
}

static void test_arabic(search_index *ix)
{
    CHECK_STR(hits_str(ix, "الاسرة", ar), "a:family:ar");
    CHECK_STR(hits_str(ix, "أسرة", ar), "a:family:ar");        /* without the article */
    CHECK_STR(hits_str(ix, "بأسرتك", ar), "a:family:ar");       /* tashkeel removed */
    CHECK_STR(hits_str(ix, "مجانية", ar), "s:red-cross:ar");
    CHECK_STR(hits_str(ix, "التواصل", ar), "s:red-cross:ar a:family:ar");  /* both titles */
    CHECK_STR(hits_str(ix, "الت", es), "s:red-cross:ar a:family:ar");
    CHECK_STR(hits_str(ix, "العائلة", ar), "a:family:ar");       /* in the body */
}

static void test_chinese(search_index *ix)
{
    CHECK_STR(hits_str(ix, "权利", zh), "a:rights:zh");
    CHECK_STR(hits_str(ix, "权", zh), "a:rights:zh");
    CHECK_STR(hits_str(ix, "庇护", zh), "a:rights:zh");
    CHECK_STR(hits_str(ix, "利受", zh), "a:rights:zh");        /* across word boundaries */
    CHECK_STR(hits_str(ix, "申请庇护", es), "a:rights:zh");
    CHECK_STR(hits_str(ix, "护权", zh), "");
}

static void test_marks(search_index *ix)
{
    search_hits *h = NULL;
    int n = search_query(ix, "kreyol", es, 5, &h, err, sizeof err);
    CHECK(n == 1 && h->n == 1, "one hit: %d %s", n, err);
    if (n == 1) {
        const search_hit *x = &h->hits[0];
        CHECK_STR(x->title, "Hablar kreyòl en el albergue");
        CHECK_STR(x->snippet, "Hay intérpretes de Kreyòl.");
        CHECK(x->ntitle_marks == 1 && x->title_marks[0].start == 7 &&
              x->title_marks[0].end == 14, "title mark %d", x->ntitle_marks);
        CHECK(x->nsnippet_marks == 1 && x->snippet_marks[0].start == 20 &&
              x->snippet_marks[0].end == 27, "snippet mark %d", x->nsnippet_marks);
    }
    search_hits_free(h);
    n = search_query(ix, "权利", zh, 5, &h, err, sizeof err);
    CHECK(n == 1 && h->hits[0].ntitle_marks == 1, "han mark");
    if (n == 1)
        CHECK(h->hits[0].title_marks[0].start == 6 && h->hits[0].title_marks[0].end == 12,
              "han mark %d-%d", h->hits[0].title_marks[0].start, h->hits[0].title_marks[0].end);
    search_hits_free(h);
}

static void test_long_snippet(search_index *ix)
{
    search_hits *h = NULL;
    int n = search_query(ix, "alvo", (const char *const[]){ "pt", NULL }, 5, &h, err, sizeof err);
    CHECK(n == 1, "one hit: %d", n);
    if (n == 1) {
        const search_hit *x = &h->hits[0];
        size_t len = strlen(x->snippet);
        CHECK(len <= SEARCH_SNIPPET_TEST_MAX && len > 60, "snippet of %zu bytes", len);
        CHECK(strncmp(x->snippet, "…", 3) == 0 && strcmp(x->snippet + len - 3, "…") == 0,
              "cut on both sides: %s", x->snippet);
        CHECK(x->nsnippet_marks == 1 && strncmp(x->snippet + x->snippet_marks[0].start, "alvo", 4) == 0 &&
              x->snippet_marks[0].end - x->snippet_marks[0].start == 4, "mark on alvo");
    }
    search_hits_free(h);
}

/* A second pack with the same article id: the first pack added wins. */
static void test_two_packs(const char *pack, const char *other)
{
    store *st = open_store(pack);
    CHECK(store_add_file(st, other, err, sizeof err) == 0, "second pack: %s", err);
    search_index *ix = search_open(NULL, st, err, sizeof err);
    CHECK(ix != NULL, "%s", err);
    CHECK_STR(hits_str(ix, "otro", es), "a:extra:es");          /* its creole is shadowed */
    CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    search_close(ix);
    store_free(st);
}

static void test_odd_queries(search_index *ix)
{
    static const char *const odd[] = { "", "   ", "\"", "*", "-", "con\" OR \"x", "NEAR(a b)",
                                       "a:b", "((", "^kre", "\xff\xfe", "'", "…" };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        search_hits *h = NULL;
        int n = search_query(ix, odd[i], es, 20, &h, err, sizeof err);
        CHECK(n >= 0 && h, "odd query '%s': %d %s", odd[i], n, err);
        search_hits_free(h);
    }
    CHECK_STR(hits_str(ix, "\"kreyol\"", es), "a:creole:es");
    char long_q[SEARCH_MAX_QUERY * 3];
    memset(long_q, 'a', sizeof long_q - 1);
    long_q[sizeof long_q - 1] = '\0';
    search_hits *h = NULL;
    CHECK(search_query(ix, long_q, es, 20, &h, err, sizeof err) == 0, "long query");
    search_hits_free(h);
    CHECK(search_query(ix, "x", es, 0, &h, err, sizeof err) == FARO_EINVAL && !h, "limit 0");
    CHECK(search_query(ix, NULL, es, 5, &h, err, sizeof err) == FARO_EINVAL, "NULL query");
    search_hits_free(NULL);
    search_close(NULL);
}

static void test_file_index(const char *pack, const char *pack2)
{
    char path[512];
    store *st = open_store(pack), *st2 = open_store(pack2);
    snprintf(path, sizeof path, "%s/search.db", tmpdir);
    search_index *ix = search_open(path, st, err, sizeof err);
    CHECK(ix && search_rebuilt(ix) == 1, "first open builds: %s", err);
    CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    search_close(ix);
    ix = search_open(path, st, err, sizeof err);
    CHECK(ix && search_rebuilt(ix) == 0, "same packs: no rebuild: %s", err);
    CHECK(search_refresh(ix, st, err, sizeof err) == 0 && search_rebuilt(ix) == 0, "refresh same");
    CHECK(search_refresh(ix, st2, err, sizeof err) == 0 && search_rebuilt(ix) == 1,
          "refresh on a new version: %s", err);
    CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    search_close(ix);
    ix = search_open(path, st2, err, sizeof err);
    CHECK(ix && search_rebuilt(ix) == 0, "new version recorded");
    search_close(ix);
    FILE *f = fopen(path, "w");                 /* a damaged index is rebuilt */
    fputs("not a database", f);
    fclose(f);
    ix = search_open(path, st2, err, sizeof err);
    CHECK(ix && search_rebuilt(ix) == 1, "damaged file rebuilt: %s", err);
    CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    search_close(ix);
    snprintf(path, sizeof path, "%s/search.db.tmp", tmpdir);
    CHECK(access(path, F_OK) != 0, "no tmp left");
    ix = search_open("/nonexistent-dir/x/search.db", st, err, sizeof err);
    CHECK(ix == NULL && err[0], "unwritable path fails with a message");
    store_free(st);
    store_free(st2);
}

/* ---- fault injection: the Nth SQLite allocation fails once ---- */

/* Building the index and querying it with allocation n failing, for n up
 * to a run that needs no failure (sparser as n grows): never a crash or a
 * leak, a failed open says why, and a clean open afterwards answers. */
static void test_faults(const char *pack)
{
    store *st = open_store(pack);
    int opened = 0, refused = 0, done = 0;
    for (long n = 0; n < 200000 && !done; n += 1 + n / 64) {
        search_hits *h = NULL;
        err[0] = '\0';
        injected = 0;
        fail_countdown = n;
        search_index *ix = search_open(NULL, st, err, sizeof err);
        if (ix) {
            search_query(ix, "kreyol", es, 5, &h, err, sizeof err);
            search_hits_free(h);
            search_query(ix, "权利", zh, 5, &h, err, sizeof err);
            search_hits_free(h);
        } else {
            CHECK(err[0] != '\0', "failed open at %ld without a message", n);
        }
        search_close(ix);
        fail_countdown = -1;
        done = !injected;
        opened += ix != NULL;
        refused += ix == NULL;
    }
    CHECK(done && refused > 0 && opened > 0, "faults: done %d, refused %d, opened %d", done,
          refused, opened);
    search_index *ix = search_open(NULL, st, err, sizeof err);
    CHECK(ix != NULL, "clean open after faults: %s", err);
    if (ix)
        CHECK_STR(hits_str(ix, "kreyol", es), "a:creole:es");
    search_close(ix);
    store_free(st);
}

int main(void)
{
    char pack[512], pack2[512], cmd[600];
    CHECK(install_fault_allocator() == SQLITE_OK, "fault allocator");
    CHECK(mkdtemp(tmpdir) != NULL, "mkdtemp");
    snprintf(pack, sizeof pack, "%s/a.faro", tmpdir);
    snprintf(pack2, sizeof pack2, "%s/b.faro", tmpdir);
    make_pack(pack, 1);
    make_pack(pack2, 2);
    test_tokens();
    store *st = open_store(pack);
    search_index *ix = search_open(NULL, st, err, sizeof err);
    CHECK(ix != NULL, "open in memory: %s", err);
    if (ix) {
        test_accents(ix);
        test_order(ix);
        test_arabic(ix);
        test_chinese(ix);
        test_marks(ix);
        test_long_snippet(ix);
        test_odd_queries(ix);
    }
    search_close(ix);
    store_free(st);
    test_file_index(pack, pack2);
    char other[512];
    snprintf(other, sizeof other, "%s/other.faro", tmpdir);
    make_other_pack(other);
    test_two_packs(pack, other);
    test_faults(pack);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done();
}
