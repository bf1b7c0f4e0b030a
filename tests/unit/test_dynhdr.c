/* Unit tests: what a job does with Dolby Vision and HDR10+ sources. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dynhdr.h"

static const struct dynhdr	none = { 0, -1, -1, 0 };
static const struct dynhdr	p81 = { 1, 8, 1, 0 };
static const struct dynhdr	p84 = { 1, 8, 4, 0 };
static const struct dynhdr	p5 = { 1, 5, 0, 0 };
static const struct dynhdr	rpu_only = { 1, -1, -1, 0 };
static const struct dynhdr	plus = { 0, -1, -1, 1 };

/* Without dynamic metadata there is nothing to decide. */
static void
test_none(void **state)
{
	char	why[256];

	(void)state;
	assert_int_equal(dynhdr_decide(&none, DYNAMIC_HDR_FAIL, why,
	    sizeof(why)), DYNHDR_NONE);
	assert_string_equal(why, "");
}

/* fail (the default) refuses every kind, naming it and the way out. */
static void
test_fail_refuses(void **state)
{
	char	why[256];

	(void)state;
	assert_int_equal(dynhdr_decide(&p81, DYNAMIC_HDR_FAIL, why,
	    sizeof(why)), DYNHDR_REFUSE);
	assert_non_null(strstr(why, "Dolby Vision profile 8.1"));
	assert_non_null(strstr(why, "dynamic_hdr = \"base\""));
	assert_int_equal(dynhdr_decide(&plus, DYNAMIC_HDR_FAIL, why,
	    sizeof(why)), DYNHDR_REFUSE);
	assert_non_null(strstr(why, "HDR10+"));
}

/* base: profile 8.1 and 8.4 and HDR10+ keep their base layer. */
static void
test_base_compatible(void **state)
{
	char	why[256];

	(void)state;
	assert_int_equal(dynhdr_decide(&p81, DYNAMIC_HDR_BASE, why,
	    sizeof(why)), DYNHDR_BASE);
	assert_non_null(strstr(why, "base layer"));
	assert_int_equal(dynhdr_decide(&p84, DYNAMIC_HDR_BASE, why,
	    sizeof(why)), DYNHDR_BASE);
	assert_int_equal(dynhdr_decide(&plus, DYNAMIC_HDR_BASE, why,
	    sizeof(why)), DYNHDR_BASE);
}

/* base: profile 5, or a profile not known, is still refused. */
static void
test_base_profile5(void **state)
{
	char	why[256];

	(void)state;
	assert_int_equal(dynhdr_decide(&p5, DYNAMIC_HDR_BASE, why,
	    sizeof(why)), DYNHDR_REFUSE);
	assert_non_null(strstr(why, "profile 5"));
	assert_non_null(strstr(why, "colours would be wrong"));
	assert_int_equal(dynhdr_decide(&rpu_only, DYNAMIC_HDR_BASE, why,
	    sizeof(why)), DYNHDR_REFUSE);
}

/* Both kinds named together. */
static void
test_describe(void **state)
{
	struct dynhdr	both = { 1, 8, 1, 1 };
	char		buf[128];

	(void)state;
	dynhdr_describe(&both, buf, sizeof(buf));
	assert_string_equal(buf, "Dolby Vision profile 8.1, HDR10+");
	dynhdr_describe(&p5, buf, sizeof(buf));
	assert_string_equal(buf, "Dolby Vision profile 5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_fail_refuses),
		cmocka_unit_test(test_base_compatible),
		cmocka_unit_test(test_base_profile5),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
