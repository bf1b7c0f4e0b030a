/*
 * Active hours (see hours.h): windows parsed into a bit per minute of the
 * week, and the questions the daemon asks of them: is a time inside, and
 * when does that change next.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hours.h"
#include "xmalloc.h"

static const char *const hours_days[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* A day's name (three letters, any case): 0 for Monday, or -1. */
static int
hours_day(const char *s, size_t len)
{
	int	i;

	if (len != 3)
		return -1;
	for (i = 0; i < 7; i++)
		if (strncasecmp(s, hours_days[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM" (00:00 to 24:00): minutes of the day, or -1. */
static int
hours_clock(const char *s, size_t len)
{
	int	h, m;

	if (len != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* The days of "Mon-Fri,Sun" as bits (Monday the lowest); 0 when bad. */
static int
hours_dayset(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *comma, *dash;
	int		 a, b, set = 0;

	if (len == 0 || s[len - 1] == ',')
		return 0;
	while (p < end) {
		if ((comma = memchr(p, ',', end - p)) == NULL)
			comma = end;
		if ((dash = memchr(p, '-', comma - p)) == NULL) {
			if ((a = hours_day(p, comma - p)) == -1)
				return 0;
			b = a;
		} else if ((a = hours_day(p, dash - p)) == -1 ||
		    (b = hours_day(dash + 1, comma - dash - 1)) == -1)
			return 0;
		for (;; a = (a + 1) % 7) {	/* Fri-Mon wraps */
			set |= 1 << a;
			if (a == b)
				break;
		}
		p = comma + 1;
	}
	return set;
}

static void
hours_set(struct hours *s, int minute)
{
	minute %= HOURS_MINUTES;
	s->on[minute / 8] |= 1 << (minute % 8);
}

/*
 * Add one window, "[DAYS ]HH:MM-HH:MM": from the start on each of the
 * days (every day when none are given) to the end, on the next day when
 * the end is not after the start.  -1 and a cause when it is no window.
 */
int
hours_add(struct hours *s, const char *text, char **cause)
{
	const char	*p = text, *sp, *times;
	int		 days = 0x7f, start, end, d, m;

	while (*p == ' ')
		p++;
	if ((sp = strchr(p, ' ')) != NULL) {
		if ((days = hours_dayset(p, sp - p)) == 0)
			goto bad;
		times = sp + 1;
		while (*times == ' ')
			times++;
	} else
		times = p;
	if (strlen(times) != 11 || times[5] != '-' ||
	    (start = hours_clock(times, 5)) == -1 ||
	    (end = hours_clock(times + 6, 5)) == -1 || start == 24 * 60)
		goto bad;
	if (end <= start)
		end += 24 * 60;		/* into the next day */
	for (d = 0; d < 7; d++)
		if (days & (1 << d))
			for (m = start; m < end; m++)
				hours_set(s, d * 24 * 60 + m);
	return 0;
bad:
	xasprintf(cause, "\"%s\" is not a window like \"Mon-Fri 19:00-07:00\" "
	    "or \"Sat-Sun 00:00-24:00\"", text);
	return -1;
}

/* A setting's check: one window (see hours_add). */
int
hours_check(char *text, char **cause)
{
	struct hours	s;

	memset(&s, 0, sizeof(s));
	return hours_add(&s, text, cause);
}

/* The windows of n texts; NULL and a cause when one is bad. */
struct hours *
hours_parse(char *const *texts, size_t n, char **cause)
{
	struct hours	*s;
	size_t		 i;

	s = xcalloc(1, sizeof(*s));
	for (i = 0; i < n; i++)
		if (hours_add(s, texts[i], cause) != 0) {
			free(s);
			return NULL;
		}
	return s;
}

/* The minute of the week of local time tm. */
static int
hours_minute(const struct tm *tm)
{
	return ((tm->tm_wday + 6) % 7) * 24 * 60 + tm->tm_hour * 60 +
	    tm->tm_min;
}

static int
hours_on(const struct hours *s, int minute)
{
	minute %= HOURS_MINUTES;
	return (s->on[minute / 8] >> (minute % 8)) & 1;
}

/* Whether t (local time) is inside a window. */
int
hours_active(const struct hours *s, time_t t)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	return hours_on(s, hours_minute(&tm));
}

/* When after t it next goes in or out of a window; -1 for never. */
time_t
hours_next(const struct hours *s, time_t t)
{
	struct tm	tm;
	int		m, k, now;

	localtime_r(&t, &tm);
	m = hours_minute(&tm);
	now = hours_on(s, m);
	for (k = 1; k <= HOURS_MINUTES; k++)
		if (hours_on(s, m + k) != now)
			break;
	if (k > HOURS_MINUTES)
		return -1;
	tm.tm_min += k;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}
