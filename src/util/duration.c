/* duration.c -- durations as people type them, and back. No I/O. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/duration.h"
#include "util/err.h"

static const struct {
	const char *name;
	long secs;
} units[] = {
	{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "hrs", 3600 }, { "hour", 3600 },
	{ "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
};

/* The seconds of the unit name s (len bytes), or 0. */
static long
unit_secs(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == len &&
		    strncasecmp(units[i].name, s, len) == 0)
			return units[i].secs;
	return 0;
}

/* Parse "1.5h", "90m", "1h30m", "off". */
int
duration_parse(const char *s, long *secs)
{
	/* In thousandths of a second, so 1.5h and 0.5m are exact. */
	long long total = 0, whole, frac, scale, unit;
	const char *p = s, *u;
	int terms = 0;

	*secs = 0;
	if (strcasecmp(s, "off") == 0)
		return 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p < '0' || *p > '9')
			return ERR_INVAL;
		for (whole = 0; *p >= '0' && *p <= '9'; p++)
			if ((whole = whole * 10 + (*p - '0')) > DURATION_MAX)
				return ERR_INVAL;
		frac = 0;
		scale = 1000;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return ERR_INVAL;
			for (; *p >= '0' && *p <= '9'; p++) {
				if (scale == 1)
					return ERR_INVAL;
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
		while (*p == ' ')
			p++;
		for (u = p; (*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
		    *p <= 'Z'); p++)
			;
		if (p == u)
			unit = 1;
		else if ((unit = unit_secs(u, (size_t)(p - u))) == 0)
			return ERR_INVAL;
		total += (whole * 1000 + frac) * unit;
		if (total > (long long)DURATION_MAX * 1000)
			return ERR_INVAL;
		terms++;
		/* A bare number must be alone ("90", not "1h 30"). */
		if (p == u && (terms > 1 || *p != '\0'))
			return ERR_INVAL;
	}
	if (terms == 0)
		return ERR_INVAL;
	*secs = (long)((total + 500) / 1000);
	if (*secs == 0 && total > 0)
		*secs = 1;	/* never "off" by rounding */
	return 0;
}

/* A duration for people, in its two largest units. */
void
duration_words(char *buf, size_t n, long secs)
{
	static const struct {
		long secs;
		const char *one, *many;
	} w[] = {
		{ 604800, "week", "weeks" }, { 86400, "day", "days" },
		{ 3600, "h", "h" }, { 60, "min", "min" }, { 1, "s", "s" },
	};
	size_t i, off = 0;
	long v;
	int parts = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (secs <= 0) {
		snprintf(buf, n, "off");
		return;
	}
	for (i = 0; i < sizeof w / sizeof w[0] && parts < 2; i++) {
		if ((v = secs / w[i].secs) == 0) {
			if (parts > 0)
				break;	/* not "1 day 5 s" */
			continue;
		}
		secs -= v * w[i].secs;
		if (off < n)
			off += (size_t)snprintf(buf + off, n - off, "%s%ld %s",
			    parts > 0 ? " " : "", v, v == 1 ? w[i].one :
			    w[i].many);
		parts++;
	}
}
