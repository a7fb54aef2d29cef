/*
 * voices.c — the one table of which Faro language has which eSpeak NG voice.
 *
 * Speech synthesis, audio coverage in faro-pack lint and the console, and
 * the language screen's "no voice" note all ask this table, so they never
 * disagree.  Tags compare without regard to case; a regional tag that is
 * not listed uses its base language's voice.  The voice names are those
 * `espeak-ng --voices` lists on Debian (espeak-ng-data 1.51+).  Portuguese
 * speaks Brazilian (the kiosks stand in the Americas); "pt-PT" asks for
 * the European voice.  Tigrinya has no eSpeak NG voice: it is spoken only
 * from recordings a pack carries.
 */
#include "voices.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct { const char *lang, *voice; } voices[] = {
    { "es", "es" },   { "es-419", "es-419" }, { "en", "en" }, { "fr", "fr" },
    { "ht", "ht" },   { "pt", "pt-br" },      { "pt-BR", "pt-br" }, { "pt-PT", "pt" },
    { "ar", "ar" },   { "bn", "bn" },         { "hi", "hi" }, { "ne", "ne" },
    { "ur", "ur" },   { "fa", "fa" },         { "am", "am" }, { "zh", "cmn" },
};

static const char *lookup(const char *lang, size_t len)
{
    for (size_t i = 0; i < sizeof voices / sizeof voices[0]; i++)
        if (strlen(voices[i].lang) == len && strncasecmp(voices[i].lang, lang, len) == 0)
            return voices[i].voice;
    return NULL;
}

const char *voices_espeak(const char *lang)
{
    if (!lang || !*lang) return NULL;
    const char *voice = lookup(lang, strlen(lang));
    return voice ? voice : lookup(lang, strcspn(lang, "-_"));
}
