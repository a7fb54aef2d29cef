/*
 * timefloor.h — a clock that lies: the newest signed time seen, kept as a
 * floor under the kiosk's wall clock.
 *
 * Boards without a battery clock boot in 1970 or at the last shutdown.
 * Every pack carries its signed `created` time (meta), so the newest one
 * the kiosk holds is a moment that has certainly passed.  The app never
 * lets its wall clock run behind that floor (a service checked last year
 * stays marked old; usage is not counted under 1970-01-01), and the
 * console says when the system clock is behind it.  The floor is kept in
 * the state database, so a pack removed later still counts.
 */
#ifndef FARO_TIMEFLOOR_H
#define FARO_TIMEFLOOR_H

#include "state.h"
#include "store.h"

#define TIMEFLOOR_KEY "clock.floor"
#define TIMEFLOOR_MAX 4102444800L       /* 2100-01-01: a later "signed time" is not believed */

/* Seconds since 1970 (UTC) for "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[Z]";
 * -1 for anything else. */
long timefloor_parse(const char *iso);

/* The newest `created` among the packs the store holds; 0 when none. */
long timefloor_of_store(store *st);

/* The floor kept in the state database; 0 when none (or s is NULL). */
long timefloor_get(state *s);

/* Keeps t as the floor when it is later than the kept one and before
 * TIMEFLOOR_MAX (one write, only when it rises).  Returns the floor now in
 * force (0 when none). */
long timefloor_raise(state *s, long t);

#endif
