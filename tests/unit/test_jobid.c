/* Unit tests: job ids for awkward names, stable and safe as file names. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jobid.h"

/* Every byte of an id is one a file name can hold anywhere. */
static void
assert_safe(const char *id)
{
	const char	*p;

	assert_true(strlen(id) > 17 && strlen(id) < JOBID_MAX);
	assert_true(id[0] != '.');
	for (p = id; *p != '\0'; p++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p));
}

static void
test_readable(void **state)
{
	char	id[JOBID_MAX];

	(void)state;
	jobid_make("Season 1/Show S01E01.mkv", 1234, 1700000000, id,
	    sizeof(id));
	assert_safe(id);
	assert_memory_equal(id, "Season_1_Show_S01E01.mkv-", 25);
}

/* The same source gives the same id, on any host, at any time. */
static void
test_stable(void **state)
{
	char	a[JOBID_MAX], b[JOBID_MAX];

	(void)state;
	jobid_make("a/b.mkv", 10, 20, a, sizeof(a));
	jobid_make("a/b.mkv", 10, 20, b, sizeof(b));
	assert_string_equal(a, b);
	/* A known value (FNV-1a computed independently): ids never change
	 * between versions, or between hosts of different byte order. */
	assert_string_equal(a, "a_b.mkv-1b8d2b0ea5bbfd98");
}

/* A changed size or mtime, or another path, is another job. */
static void
test_changes(void **state)
{
	char	a[JOBID_MAX], b[JOBID_MAX];

	(void)state;
	jobid_make("x.mkv", 10, 20, a, sizeof(a));
	jobid_make("x.mkv", 11, 20, b, sizeof(b));
	assert_string_not_equal(a, b);
	jobid_make("x.mkv", 10, 21, b, sizeof(b));
	assert_string_not_equal(a, b);
	/* Names that read the same once made safe still differ. */
	jobid_make("x mkv", 10, 20, a, sizeof(a));
	jobid_make("x_mkv", 10, 20, b, sizeof(b));
	assert_string_not_equal(a, b);
	/* The size and mtime are kept apart: 1,23 is not 12,3. */
	jobid_make("x", 1, 23, a, sizeof(a));
	jobid_make("x", 12, 3, b, sizeof(b));
	assert_string_not_equal(a, b);
}

/* Quotes, newlines, slashes, non-UTF-8 bytes, a leading dot. */
static void
test_hostile(void **state)
{
	char	id[JOBID_MAX];

	(void)state;
	jobid_make("a'b\"c\nd/../e\xff\xfe.mkv", 1, 2, id, sizeof(id));
	assert_safe(id);	/* no '/', so ".." in it is only a name */
	jobid_make(".hidden", 1, 2, id, sizeof(id));
	assert_safe(id);
	jobid_make("", 0, 0, id, sizeof(id));
	assert_int_equal(id[0], '-');
}

/* Very long names are cut, and still tell long names apart. */
static void
test_long(void **state)
{
	char	name[5000], a[JOBID_MAX], b[JOBID_MAX];

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	jobid_make(name, 1, 2, a, sizeof(a));
	assert_safe(a);
	assert_int_equal(strlen(a), 80 + 1 + 16);
	name[4000] = 'y';
	jobid_make(name, 1, 2, b, sizeof(b));
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readable),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
