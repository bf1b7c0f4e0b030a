/* Unit tests: active hours, their windows and the next change. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hours.h"

/* A local time: 2026-12-07 is a Monday. */
static time_t
at(int mday, int hour, int min)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static struct hours *
parse(const char *a, const char *b)
{
	char		*texts[2] = { (char *)a, (char *)b };
	char		*cause = NULL;
	struct hours	*s;

	s = hours_parse(texts, b != NULL ? 2 : 1, &cause);
	assert_non_null(s);
	assert_null(cause);
	return s;
}

/* An overnight window on weekdays runs into the next morning. */
static void
test_overnight(void **state)
{
	struct hours	*s = parse("Mon-Fri 19:00-07:00", NULL);

	(void)state;
	assert_false(hours_active(s, at(7, 18, 59)));	/* Mon */
	assert_true(hours_active(s, at(7, 19, 0)));
	assert_true(hours_active(s, at(8, 6, 59)));	/* Tue morning */
	assert_false(hours_active(s, at(8, 7, 0)));
	assert_true(hours_active(s, at(12, 6, 0)));	/* Sat, from Fri */
	assert_false(hours_active(s, at(12, 19, 30)));	/* Sat evening */
	assert_false(hours_active(s, at(7, 3, 0)));	/* Mon, after Sun */
	free(s);
}

/* Whole days, and two windows together. */
static void
test_weekend(void **state)
{
	struct hours	*s = parse("Mon-Fri 19:00-07:00",
	    "Sat-Sun 00:00-24:00");

	(void)state;
	assert_true(hours_active(s, at(12, 12, 0)));	/* Sat noon */
	assert_true(hours_active(s, at(13, 23, 59)));	/* Sun night */
	assert_false(hours_active(s, at(14, 0, 0)));	/* Mon 00:00 */
	assert_true(hours_active(s, at(11, 23, 0)));	/* Fri night */
	free(s);
}

/* The next change: the window's edge, across days and the week. */
static void
test_next(void **state)
{
	struct hours	*s = parse("Mon-Fri 19:00-07:00", NULL);

	(void)state;
	assert_int_equal(hours_next(s, at(7, 12, 30) + 17), at(7, 19, 0));
	assert_int_equal(hours_next(s, at(7, 19, 0)), at(8, 7, 0));
	/* Saturday 07:00 to Monday 19:00. */
	assert_int_equal(hours_next(s, at(12, 7, 0)), at(14, 19, 0));
	free(s);
	s = parse("00:00-24:00", NULL);
	assert_true(hours_active(s, at(9, 3, 0)));
	assert_int_equal(hours_next(s, at(9, 3, 0)), -1);
	free(s);
}

/* Day lists and ranges that wrap. */
static void
test_days(void **state)
{
	struct hours	*s = parse("Fri-Mon 10:00-11:00", "wed 08:00-09:00");

	(void)state;
	assert_true(hours_active(s, at(7, 10, 30)));	/* Mon */
	assert_false(hours_active(s, at(8, 10, 30)));	/* Tue */
	assert_true(hours_active(s, at(9, 8, 30)));	/* Wed */
	assert_true(hours_active(s, at(13, 10, 0)));	/* Sun */
	free(s);
	s = parse("Mon,Thu 01:00-02:00", NULL);
	assert_true(hours_active(s, at(10, 1, 59)));	/* Thu */
	assert_false(hours_active(s, at(9, 1, 30)));	/* Wed */
	free(s);
}

/* What is no window is an error naming it. */
static void
test_bad(void **state)
{
	const char	*bad[] = {
		"Mon-Fri", "Mon-Fri 19:00", "Mon-Fri 25:00-07:00",
		"Mon-Fri 19:00-07:60", "Funday 10:00-11:00",
		"Mon-Fri 19:00-24:01", "Mon-Fri 24:00-07:00", "",
		"Mon-Fri 7:00-19:00", "Mon-Fri, 10:00-11:00",
	};
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hours_check((char *)bad[i], &cause), -1);
		assert_non_null(strstr(cause, bad[i]));
		free(cause);
		cause = NULL;
	}
	assert_int_equal(hours_check("Sat-Sun 00:00-24:00", &cause), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overnight),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_bad),
	};

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
