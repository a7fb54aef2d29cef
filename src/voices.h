/*
 * voices.h — the one table of which Faro language speaks with which
 * eSpeak NG voice.  See voices.c.
 */
#ifndef FARO_VOICES_H
#define FARO_VOICES_H

/*
 * The eSpeak NG voice name for the BCP 47 tag lang (as given to
 * `espeak-ng -v`): "es" -> "es", "zh" -> "cmn", "pt" -> "pt-br".  A tag not
 * in the table falls back to its base language ("es-MX" -> "es").  Returns
 * a static string, or NULL when the language has no synthetic voice
 * (Tigrinya "ti", an unknown tag, NULL or "").
 */
const char *voices_espeak(const char *lang);

#endif
