/*
 * The daemon's active hours (hours.c has the windows): whether it is
 * inside them, starting jobs, or outside, starting none and, with
 * outside_hours "pause", holding its workers stopped; and how that
 * reads in its status.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "djob.h"
#include "hours.h"
#include "log.h"
#include "pool.h"

/* Where the daemon stands with its active hours, in a few words. */
void
djob_hours_text(const struct daemon *d, char *buf, size_t len)
{
	struct tm	tm;
	char		when[64] = "";

	if (d->hours == NULL) {
		*buf = '\0';
		return;
	}
	if (d->hours_next != -1) {
		localtime_r(&d->hours_next, &tm);
		strftime(when, sizeof(when), " until %a %Y-%m-%d %H:%M %Z",
		    &tm);
	}
	snprintf(buf, len, "%s%s%s", d->outside ? "outside" : "inside",
	    d->outside ? (d->held ? " (workers stopped)" :
	    " (running jobs finish)") : "", when);
}


/* The active hours of the configuration (checked when it was read). */
void
djob_hours_load(struct daemon *d)
{
	char	*cause = NULL;

	free(d->hours);
	d->hours = NULL;
	d->hours_next = -1;
	if (d->conf->nactive_hours > 0 && (d->hours = hours_parse(
	    d->conf->active_hours, d->conf->nactive_hours, &cause)) == NULL)
		fatalx("active_hours: %s", cause);
	d->outside = -1;	/* said again by djob_hours() */
}

/*
 * Outside the active hours no job starts; with outside_hours "pause" the
 * running workers are stopped (SIGSTOP) and continued (SIGCONT) when a
 * window opens or the daemon stops.  Claims are the daemon's to renew,
 * so they stay held meanwhile.
 */
void
djob_hours(struct daemon *d)
{
	time_t	now = time(NULL);
	int	outside, hold;

	outside = d->hours != NULL && !hours_active(d->hours, now);
	if (outside != d->outside || (d->hours_next != -1 &&
	    now >= d->hours_next)) {
		d->hours_next = d->hours != NULL ? hours_next(d->hours, now) :
		    -1;
		if (d->hours != NULL)
			log_info("%s active hours: %s", outside ? "outside" :
			    "inside", outside ? "no job starts" :
			    "jobs start");
		d->outside = outside;
		d->dirty = 1;
	}
	hold = outside && strcmp(d->conf->outside_hours, "pause") == 0 &&
	    !d->stopping;
	if (hold != d->held) {
		pool_signal(d->workers, hold ? SIGSTOP : SIGCONT);
		d->held = hold;
		d->dirty = 1;
		log_info("%s %d workers", hold ? "stopped (SIGSTOP)" :
		    "continued (SIGCONT)", djob_count(d, DJ_RUNNING));
	}
}
