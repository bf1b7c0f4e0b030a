/*
 * Active hours: a week of windows in local time ("Mon-Fri 19:00-07:00",
 * "Sat-Sun 00:00-24:00") in which distencd starts jobs.  Pure arithmetic
 * on the minutes of a week, Monday 00:00 first; no state but the windows.
 */
#ifndef SCHED_H
#define SCHED_H

#include <time.h>

#define SCHED_MINUTES	(7 * 24 * 60)

struct sched {
	unsigned char	 on[SCHED_MINUTES / 8];	/* a bit per minute */
};

int	 sched_add(struct sched *, const char *, char **);
struct sched *sched_parse(char *const *, size_t, char **);
int	 sched_active(const struct sched *, time_t);
time_t	 sched_next(const struct sched *, time_t);
int	 sched_check(char *, char **);

#endif
