/*
 * faro_pack.c — the `faro-pack` command: the content editor's tool.
 *
 *   faro-pack lint DIR              print every problem of a content folder
 *   faro-pack build DIR -o OUT      lint, then write the pack OUT (.faro)
 *
 * The work is in pack_build.c; this file only parses arguments, prints the
 * report ("FILE:LINE: reason" lines on stdout, as editors and CI expect)
 * and turns results into exit codes: 0 clean, 1 problems found, 2 usage or
 * I/O error.  Subcommands live in one table: keygen, sign, verify, inspect
 * and publish are added there by the packs issue.
 */
#include "faro.h"
#include "pack_build.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: faro-pack lint DIR\n"
            "       faro-pack build DIR -o OUT.faro\n"
            "       faro-pack --version\n");
}

/* Prints the kept messages, then how many were not shown. */
static void print_report(const lint_report *rep, const char *dir)
{
    for (int i = 0; i < lint_report_kept(rep); i++)
        printf("%s\n", lint_report_at(rep, i));
    int hidden = lint_report_count(rep) - lint_report_kept(rep);
    if (hidden > 0)
        printf("%s: %d more problems not shown\n", dir, hidden);
}

static int cmd_lint(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    if (argc != 3) {
        usage(stderr);
        return 2;
    }
    lint_report *rep = lint_report_new();
    if (!rep) {
        fprintf(stderr, "faro-pack: out of memory\n");
        return 2;
    }
    int n = lint_dir(argv[2], rep, err, sizeof err);
    print_report(rep, argv[2]);
    lint_report_free(rep);
    if (n < 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 2;
    }
    return n > 0 ? 1 : 0;
}

static int cmd_build(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    if (argc != 5 || strcmp(argv[3], "-o") != 0) {
        usage(stderr);
        return 2;
    }
    lint_report *rep = lint_report_new();
    if (!rep) {
        fprintf(stderr, "faro-pack: out of memory\n");
        return 2;
    }
    pack_build_stats st;
    int rc = pack_build_dir(argv[2], argv[4], rep, &st, err, sizeof err);
    print_report(rep, argv[2]);
    lint_report_free(rep);
    if (rc < 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return rc == FARO_EPARSE ? 1 : 2;
    }
    printf("%s: %d topics, %d articles, %d languages, %d services, %d images, %lld bytes\n",
           argv[4], st.topics, st.articles, st.languages, st.services, st.media, st.bytes);
    printf("pack_build_ms: %.1f ms\n", st.ms);
    return 0;
}

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    { "lint", cmd_lint },
    { "build", cmd_build },
    /* keygen, sign, verify, inspect, publish: added by the packs issue */
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("faro-pack %s (pack format %d)\n", FARO_VERSION, FARO_PACK_FORMAT);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc, argv);
    usage(stderr);
    return 2;
}
