/* Unit tests: progressive, interlaced or telecined, from idet's counts. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "deint.h"

static struct deint_counts
counts(int64_t tff, int64_t prog, int64_t rep, int flagged, int num, int den)
{
	struct deint_counts	k;

	memset(&k, 0, sizeof(k));
	k.tff = tff;
	k.progressive = prog;
	k.rep_top = rep / 2;
	k.rep_bottom = rep - rep / 2;
	k.rep_neither = tff + prog - rep;
	k.flagged = flagged;
	k.fps_num = num;
	k.fps_den = den;
	return k;
}

/* Combed frames in a stream flagged interlaced: deinterlaced. */
static void
test_interlaced(void **state)
{
	struct deint_counts	k = counts(150, 0, 0, 1, 25, 1);
	char			why[512];

	(void)state;
	assert_int_equal(deint_decide(&k, DEINT_AUTO, why, sizeof(why)),
	    DEINT_INTERLACED);
	assert_non_null(strstr(why, "interlaced: "));
	assert_non_null(strstr(why, "150 tff"));
	assert_int_equal(deint_decide(&k, DEINT_OFF, why, sizeof(why)),
	    DEINT_PROGRESSIVE);
}

/* idet's combing alone does not deinterlace a progressive stream. */
static void
test_combing_not_flagged(void **state)
{
	struct deint_counts	k = counts(140, 10, 0, 0, 25, 1);
	char			why[512];

	(void)state;
	assert_int_equal(deint_decide(&k, DEINT_AUTO, why, sizeof(why)),
	    DEINT_PROGRESSIVE);
	assert_non_null(strstr(why, "deinterlace = \"on\""));
	assert_int_equal(deint_decide(&k, DEINT_ON, why, sizeof(why)),
	    DEINT_INTERLACED);
}

/* Flagged interlaced but progressive frames (PsF): left alone. */
static void
test_flagged_progressive(void **state)
{
	struct deint_counts	k = counts(3, 147, 0, 1, 25, 1);
	char			why[512];

	(void)state;
	assert_int_equal(deint_decide(&k, DEINT_AUTO, why, sizeof(why)),
	    DEINT_PROGRESSIVE);
}

/* Repeated fields in 29.97: telecine, undone even when "on". */
static void
test_telecine(void **state)
{
	struct deint_counts	k = counts(180, 0, 72, 0, 30000, 1001);
	char			why[512];

	(void)state;
	assert_int_equal(deint_decide(&k, DEINT_AUTO, why, sizeof(why)),
	    DEINT_TELECINE);
	assert_non_null(strstr(why, "pulldown"));
	assert_int_equal(deint_decide(&k, DEINT_ON, why, sizeof(why)),
	    DEINT_TELECINE);
	assert_int_equal(deint_decide(&k, DEINT_OFF, why, sizeof(why)),
	    DEINT_PROGRESSIVE);
	/* the same pattern at 25 fps is no 3:2 pulldown */
	k.fps_num = 25;
	k.fps_den = 1;
	assert_int_equal(deint_decide(&k, DEINT_AUTO, why, sizeof(why)),
	    DEINT_PROGRESSIVE);
}

/* Frames out: one per frame, or 4 of each whole cycle of 5. */
static void
test_frames(void **state)
{
	(void)state;
	assert_int_equal(deint_frames(DEINT_PROGRESSIVE, 103), 103);
	assert_int_equal(deint_frames(DEINT_INTERLACED, 103), 103);
	assert_int_equal(deint_frames(DEINT_TELECINE, 100), 80);
	assert_int_equal(deint_frames(DEINT_TELECINE, 103), 83);
	assert_int_equal(deint_frames(DEINT_TELECINE, 104), 84);
	assert_int_equal(deint_frames(DEINT_TELECINE, 105), 84);
	assert_int_equal(deint_frames(DEINT_TELECINE, 4), 4);
	assert_int_equal(deint_frames(DEINT_TELECINE, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interlaced),
		cmocka_unit_test(test_combing_not_flagged),
		cmocka_unit_test(test_flagged_progressive),
		cmocka_unit_test(test_telecine),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
