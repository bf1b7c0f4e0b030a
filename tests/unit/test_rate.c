/* Unit tests: bitrate from bits per pixel, stats room, ETA. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rate.h"

/* 1920x800 at 24000/1001 and 0.06 bpp is 2210 kbps. */
static void
test_kbps_film(void **state)
{
	(void)state;
	assert_int_equal(rate_kbps(0.06, 1920, 800, 24000, 1001), 2210);
}

/* Cropping lowers the rate in proportion to the picture. */
static void
test_kbps_crop(void **state)
{
	int	full, cropped;

	(void)state;
	full = rate_kbps(0.05, 1920, 1080, 25, 1);
	cropped = rate_kbps(0.05, 1920, 800, 25, 1);
	assert_int_equal(full, 2592);
	assert_int_equal(cropped, 1920);
}

static void
test_kbps_small(void **state)
{
	(void)state;
	/* Tiny pictures still get at least 1 kbps. */
	assert_int_equal(rate_kbps(0.001, 16, 16, 1, 1), 1);
	assert_int_equal(rate_kbps(0.06, 320, 136, 25, 1), 65);
}

static void
test_kbps_bad(void **state)
{
	(void)state;
	assert_int_equal(rate_kbps(0, 1920, 1080, 25, 1), 0);
	assert_int_equal(rate_kbps(0.05, 0, 1080, 25, 1), 0);
	assert_int_equal(rate_kbps(0.05, 1920, 1080, 25, 0), 0);
	assert_int_equal(rate_kbps(-1, 1920, 1080, 25, 1), 0);
}

/* A 1.5 Mbit/s web rip: 2210 kbps from bpp is capped at 0.7 of it. */
static void
test_bound_cap(void **state)
{
	enum rate_bound	b;

	(void)state;
	assert_int_equal(rate_bound(2210, 1500, 0.7, 0, &b), 1050);
	assert_int_equal(b, RATE_SOURCE_CAP);
	assert_int_equal(rate_bound(800, 1500, 0.7, 0, &b), 800);
	assert_int_equal(b, RATE_UNBOUND);
}

/* The floor wins over the cap; unknown sources and share 0 do not cap. */
static void
test_bound_floor(void **state)
{
	enum rate_bound	b;

	(void)state;
	assert_int_equal(rate_bound(2210, 500, 0.7, 600, &b), 600);
	assert_int_equal(b, RATE_FLOOR);
	assert_int_equal(rate_bound(2210, 0, 0.7, 0, &b), 2210);
	assert_int_equal(b, RATE_UNBOUND);
	assert_int_equal(rate_bound(2210, 1500, 0, 0, &b), 2210);
	assert_int_equal(b, RATE_UNBOUND);
	assert_int_equal(rate_bound(0, 1500, 0.7, 0, &b), 0);
	assert_int_equal(b, RATE_UNBOUND);
}

/* Huge figures are capped rather than overflowing. */
static void
test_kbps_cap(void **state)
{
	(void)state;
	assert_int_equal(rate_kbps(10, 8192, 8192, 240, 1), 2000000);
}

/* An hour of 1080p24: about 8 KB a frame, some 900 MB in all. */
static void
test_stats_hour(void **state)
{
	int64_t	b;

	(void)state;
	b = rate_stats_bytes(86400, 1920, 1080);
	assert_int_equal(b, (int64_t)86400 * (256 + 120 * 68) * 5 / 4);
	assert_true(b > 800 * 1000 * 1000 && b < 1000LL * 1000 * 1000);
	assert_int_equal(rate_stats_bytes(0, 1920, 1080), 0);
	assert_int_equal(rate_stats_bytes(10, 0, 1080), 0);
}

/* Pass 1's analysis for an hour of 1080p24: 30 x 17 coding tree units. */
static void
test_analysis_hour(void **state)
{
	int64_t	b;

	(void)state;
	b = rate_analysis_bytes(86400, 1920, 1080);
	assert_int_equal(b, (int64_t)86400 * 30 * 17 * 256 * 5 / 4);
	assert_true(b > rate_stats_bytes(86400, 1920, 1080));
	assert_int_equal(rate_analysis_bytes(0, 1920, 1080), 0);
	assert_int_equal(rate_analysis_bytes(10, 1920, 0), 0);
}

static void
test_eta(void **state)
{
	(void)state;
	assert_true(rate_eta(100, 1100, 50) == 20.0);
	assert_true(rate_eta(0, 100, 0) < 0);
	assert_true(rate_eta(200, 100, 10) < 0);
	assert_true(rate_eta(0, 0, 10) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kbps_film),
		cmocka_unit_test(test_kbps_crop),
		cmocka_unit_test(test_kbps_small),
		cmocka_unit_test(test_kbps_bad),
		cmocka_unit_test(test_kbps_cap),
		cmocka_unit_test(test_bound_cap),
		cmocka_unit_test(test_bound_floor),
		cmocka_unit_test(test_stats_hour),
		cmocka_unit_test(test_analysis_hour),
		cmocka_unit_test(test_eta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
