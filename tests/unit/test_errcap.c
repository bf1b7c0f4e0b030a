/* Unit tests: stderr captured around a call, forwarded, its reason kept. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errcap.h"

/* Point stderr at a file for the test; *saved is the real one. */
static FILE *
to_file(int *saved)
{
	FILE	*f = tmpfile();

	assert_non_null(f);
	fflush(stderr);
	*saved = dup(STDERR_FILENO);
	assert_true(dup2(fileno(f), STDERR_FILENO) != -1);
	return f;
}

/* Put the real stderr back and return what the file got. */
static char *
from_file(FILE *f, int saved)
{
	static char	buf[4096];
	size_t		n;

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_reason_and_forwarded(void **state)
{
	struct errcap	 ec;
	FILE		*f;
	char		*line;
	int		 saved;

	(void)state;
	f = to_file(&saved);
	errcap_begin(&ec);
	fprintf(stderr, "x265 [info]: HEVC encoder version 3.5\n");
	fprintf(stderr, "x265 [error]: Picture size must be at least one CTU\n");
	fprintf(stderr, "x265 [info]: more\r\n\n");
	line = errcap_end(&ec, "[error]");
	assert_string_equal(line, "x265 [error]: Picture size must be at least one CTU");
	free(line);
	/* nothing said is lost: all of it reaches the real stderr */
	assert_string_equal(from_file(f, saved),
	    "x265 [info]: HEVC encoder version 3.5\n"
	    "x265 [error]: Picture size must be at least one CTU\n"
	    "x265 [info]: more\r\n\n");
}

static void
test_last_line_without_word(void **state)
{
	struct errcap	 ec;
	FILE		*f;
	char		*line;
	int		 saved;

	(void)state;
	f = to_file(&saved);
	errcap_begin(&ec);
	fprintf(stderr, "first\nsecond");
	line = errcap_end(&ec, "[error]");
	assert_string_equal(line, "second");
	free(line);
	from_file(f, saved);
}

static void
test_nothing_said(void **state)
{
	struct errcap	 ec;

	(void)state;
	errcap_begin(&ec);
	assert_null(errcap_end(&ec, "[error]"));
	/* stderr is the real one again */
	assert_true(fcntl(STDERR_FILENO, F_GETFD) != -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_and_forwarded),
		cmocka_unit_test(test_last_line_without_word),
		cmocka_unit_test(test_nothing_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
