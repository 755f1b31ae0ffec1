/* duration.h -- durations as people type them ("90s", "1.5h", "1h30m"). */
#ifndef WARREN_DURATION_H
#define WARREN_DURATION_H

#include <stddef.h>

#define DURATION_MAX	(4 * 7 * 86400)	/* 4 weeks, the longest */

/*
 * Parse a duration: one or more NUMBER UNIT terms ("30s", "90m", "1.5h",
 * "1h30m", "2 days"), NUMBER a decimal with at most three decimals, UNIT
 * s/sec/second(s), m/min/minute(s), h/hour(s), d/day(s), w/week(s), or
 * none for seconds; "off" and "0" are 0. Rounds to whole seconds.
 * 0 with *secs in [0, DURATION_MAX], or ERR_INVAL (also when over).
 */
int duration_parse(const char *, long *secs);
/* "1 h 30 min", "2 days", "off": for people. */
void duration_words(char *, size_t, long secs);

#endif
