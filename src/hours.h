/*
 * Active hours: a week of windows in local time ("Mon-Fri 19:00-07:00",
 * "Sat-Sun 00:00-24:00") in which distencd starts jobs.  Pure arithmetic
 * on the minutes of a week, Monday 00:00 first; no state but the windows.
 */
#ifndef HOURS_H
#define HOURS_H

#include <time.h>

#define HOURS_MINUTES	(7 * 24 * 60)

struct hours {
	unsigned char	 on[HOURS_MINUTES / 8];	/* a bit per minute */
};

int	 hours_add(struct hours *, const char *, char **);
struct hours *hours_parse(char *const *, size_t, char **);
int	 hours_active(const struct hours *, time_t);
time_t	 hours_next(const struct hours *, time_t);
int	 hours_check(char *, char **);

#endif
