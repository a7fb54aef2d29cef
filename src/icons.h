/*
 * icons.h — Material Icons names allowed in content, and their code points
 * in assets' MaterialIcons-Regular.ttf (see icons.c for how the table was made).
 */
#ifndef FARO_ICONS_H
#define FARO_ICONS_H

/* Returns the Unicode code point (private use area) of the icon called
 * `name` (e.g. "warning" -> 0xE002), or -1 if the name is unknown or NULL. */
int icons_codepoint(const char *name);

/* Number of known icons, and the i-th name in sorted order (NULL when out
 * of range); for listing them in messages and tests. */
int icons_count(void);
const char *icons_name_at(int i);

#endif
