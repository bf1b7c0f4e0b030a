/* Unit tests: QP files, their scene changes and their bad lines. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qpfile.h"

/* Parse text for a film of frames frames; the cause on failure. */
static char *
parse(const char *text, int64_t frames, int64_t **cuts, size_t *n)
{
	char	*cause = NULL;

	if (qpfile_parse(text, strlen(text), frames, cuts, n, &cause) == 0)
		return NULL;
	assert_non_null(cause);
	assert_null(*cuts);
	return cause;
}

/* I, i and K start scenes; P, B, b do not; frame 0 is no cut. */
static void
test_types(void **state)
{
	int64_t	*cuts;
	size_t	 n;

	(void)state;
	assert_null(parse("0 I -1\n10 P\n24 I -1\n50 i 20\n51 B\n"
	    "70 K\n80 b\n", 100, &cuts, &n));
	assert_int_equal(n, 3);
	assert_int_equal(cuts[0], 24);
	assert_int_equal(cuts[1], 50);
	assert_int_equal(cuts[2], 70);
	free(cuts);
}

/* Comments, blank lines, CRLF and a last line without newline. */
static void
test_format(void **state)
{
	int64_t	*cuts;
	size_t	 n;

	(void)state;
	assert_null(parse("# scenes\r\n\r\n  12 I -1\r\n\n33 I", 0, &cuts,
	    &n));
	assert_int_equal(n, 2);
	assert_int_equal(cuts[0], 12);
	assert_int_equal(cuts[1], 33);
	free(cuts);
	assert_null(parse("", 10, &cuts, &n));
	assert_int_equal(n, 0);
}

/* Bad lines are reported by number. */
static void
test_bad_lines(void **state)
{
	static const struct {
		const char	*text;
		const char	*cause;
	} bad[] = {
		{ "10 I\nx I\n", "line 2: expected a frame number" },
		{ "10 I\n\n20 X -1\n", "line 3: expected a frame type "
		    "(I, i, K, P, B or b)" },
		{ "10\n", "line 1: expected a frame type (I, i, K, P, B or "
		    "b)" },
		{ "10 I abc\n", "line 1: expected a QP (-1..81) or nothing "
		    "after the frame type" },
		{ "10 I 20 30\n", "line 1: unexpected text after the QP" },
		{ "10 I\n5 I\n", "line 2: frame 5 does not follow frame 10" },
		{ "10 I\n10 P\n", "line 2: frame 10 does not follow frame 10" },
		{ "-3 I\n", "line 1: expected a frame number" },
		{ "10 II\n", "line 1: expected a frame type (I, i, K, P, B or "
		    "b)" },
	};
	int64_t	*cuts;
	size_t	 n, i;
	char	*cause;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = parse(bad[i].text, 100, &cuts, &n);
		assert_non_null(cause);
		assert_string_equal(cause, bad[i].cause);
		free(cause);
	}
}

/* A frame past the film's end. */
static void
test_beyond(void **state)
{
	int64_t	*cuts;
	size_t	 n;
	char	*cause;

	(void)state;
	cause = parse("24 I\n100 I\n", 100, &cuts, &n);
	assert_string_equal(cause, "line 2: frame 100 is beyond the end "
	    "(100 frames)");
	free(cause);
	assert_null(parse("24 I\n99 I\n", 100, &cuts, &n));
	assert_int_equal(n, 2);
	free(cuts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_beyond),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
