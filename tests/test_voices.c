/*
 * test_voices.c — the language -> eSpeak NG voice table: every kiosk
 * language has its voice except Tigrinya, regional tags fall back to their
 * base language, case does not matter, unknown and empty tags have none;
 * and every voice named is one the installed espeak-ng lists.
 */
#include "check.h"
#include "voices.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *lang, *voice; } want[] = {
    { "es", "es" }, { "en", "en" }, { "fr", "fr" }, { "ht", "ht" }, { "pt", "pt-br" },
    { "ar", "ar" }, { "bn", "bn" }, { "hi", "hi" }, { "ne", "ne" }, { "ur", "ur" },
    { "fa", "fa" }, { "am", "am" }, { "zh", "cmn" },
    { "es-419", "es-419" }, { "es-MX", "es" }, { "ES", "es" }, { "zh-Hans", "cmn" },
    { "pt-PT", "pt" }, { "pt-br", "pt-br" }, { "fr_CA", "fr" },
};

/* 1 when `espeak-ng --voices` lists voice (second column), -1 when
 * espeak-ng cannot be run. */
static int espeak_has(const char *voice)
{
    char cmd[128], line[256], lang[64];
    int found = 0;
    snprintf(cmd, sizeof cmd, "espeak-ng --voices 2>/dev/null");
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof line, p))
        if (sscanf(line, "%*s %63s", lang) == 1 && strcmp(lang, voice) == 0)
            found = 1;
    pclose(p);
    return found;
}

int main(void)
{
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK_STR(voices_espeak(want[i].lang), want[i].voice);
    static const char *const none[] = { "ti", "ti-ER", "xx", "", "-", "e", "english" };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        CHECK(voices_espeak(none[i]) == NULL, "'%s' has no voice", none[i]);
    CHECK(voices_espeak(NULL) == NULL, "NULL");
    /* "en" and "fr" are espeak-ng aliases it resolves itself; the others are listed. */
    static const char *const listed[] = { "es", "es-419", "ht", "pt", "pt-br", "ar", "bn", "hi",
                                          "ne", "ur", "fa", "am", "cmn" };
    for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++)
        CHECK(espeak_has(listed[i]) == 1, "espeak-ng lists voice %s", listed[i]);
    CHECK(system("echo x | espeak-ng -v en --stdout >/dev/null 2>&1") == 0, "espeak-ng -v en");
    CHECK(system("echo x | espeak-ng -v fr --stdout >/dev/null 2>&1") == 0, "espeak-ng -v fr");
    return check_done();
}
