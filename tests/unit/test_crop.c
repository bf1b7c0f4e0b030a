/* Unit tests for black-border detection (src/crop.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crop.h"

#define LIMIT	24	/* black threshold, 8-bit scale */
#define PAD	16	/* bytes of padding at the end of every row */

/* A synthetic luma plane. */
struct frame {
	uint8_t	*buf;
	int	 w;
	int	 h;
	int	 depth;
	int	 linesize;
	uint32_t seed;
};

static void
frame_init(struct frame *f, int w, int h, int depth)
{
	f->w = w;
	f->h = h;
	f->depth = depth;
	f->linesize = w * (depth > 8 ? 2 : 1) + PAD;
	f->buf = test_malloc((size_t)f->linesize * h);
	/* Fill the padding with white: the scan must never look at it. */
	memset(f->buf, 0xff, (size_t)f->linesize * h);
	f->seed = 12345;
}

static void
frame_free(struct frame *f)
{
	test_free(f->buf);
}

static void
frame_put(struct frame *f, int x, int y, unsigned int v)
{
	uint8_t		*q = f->buf + (size_t)y * f->linesize;
	uint16_t	 v16 = (uint16_t)v;

	if (f->depth == 8)
		q[x] = (uint8_t)v;
	else
		memcpy(q + 2 * x, &v16, sizeof(v16));
}

/* Deterministic pseudo-random number in [-amp, amp]. */
static int
frame_rand(struct frame *f, int amp)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return (int)((f->seed >> 16) % (unsigned int)(2 * amp + 1)) - amp;
}

/* Fill a rectangle with v plus noise of +/- amp. */
static void
frame_rect(struct frame *f, int x0, int y0, int w, int h, int v, int amp)
{
	int	x, y;

	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++)
			frame_put(f, x, y, (unsigned int)(v +
			    (amp > 0 ? frame_rand(f, amp) : 0)));
}

static struct crop_plane
frame_plane(const struct frame *f)
{
	struct crop_plane	p;

	p.data = f->buf;
	p.linesize = f->linesize;
	p.width = f->w;
	p.height = f->h;
	p.depth = f->depth;
	return p;
}

static enum crop_scan_result
frame_scan(const struct frame *f, struct crop *c)
{
	struct crop_plane	p = frame_plane(f);

	return crop_scan(&p, LIMIT, c);
}

static void
assert_crop(const struct crop *c, int t, int b, int l, int r)
{
	assert_int_equal(c->top, t);
	assert_int_equal(c->bottom, b);
	assert_int_equal(c->left, l);
	assert_int_equal(c->right, r);
}

static void
set_crop(struct crop *c, int t, int b, int l, int r)
{
	c->top = t;
	c->bottom = b;
	c->left = l;
	c->right = r;
}

/* A rectangle of a synthetic frame: value v plus noise of +/- amp. */
struct rect {
	int	x, y, w, h, v, amp;
};

/*
 * A scan case: a frame of w x h at depth painted with rects in order (the
 * first usually the whole frame), the result wanted and, when check_crop,
 * the borders wanted (t, b, l, r).
 */
struct scan_case {
	const char		*name;
	int			 w, h, depth;
	struct rect		 rects[6];
	size_t			 nrects;
	enum crop_scan_result	 result;
	int			 check_crop;
	int			 t, b, l, r;
};

static const struct scan_case scan_cases[] = {
	/* A 2.39-style letterbox: 22 black rows at the top and the bottom. */
	{ "scan_letterbox", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 0 }, { 0, 22, 320, 136, 120, 0 } }, 2,
	    CROP_SCAN_OK, 1, 22, 22, 0, 0 },
	/* A pillarbox: 40 black columns left, 37 right. */
	{ "scan_pillarbox", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 0 }, { 40, 0, 243, 180, 90, 0 } }, 2,
	    CROP_SCAN_OK, 1, 0, 0, 40, 37 },
	/*
	 * Tall bars around a dim picture: over whole columns the mean would
	 * be black, so columns must be judged within the picture rows only.
	 */
	{ "scan_columns_within_rows", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 0 }, { 10, 60, 300, 60, 40, 0 } }, 2,
	    CROP_SCAN_OK, 1, 60, 60, 10, 10 },
	/* A black frame with noise is dark, not a frame full of border. */
	{ "scan_all_dark", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 6 } }, 1,
	    CROP_SCAN_DARK, 1, 0, 0, 0, 0 },
	/*
	 * A dark scene with one small lamp: not borders, implausible; the
	 * raw borders are still reported, for the log.
	 */
	{ "scan_implausible", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 4 }, { 200, 50, 30, 20, 220, 0 } }, 2,
	    CROP_SCAN_IMPLAUSIBLE, 1, 50, 110, 200, 90 },
	/* Bars with grain of +/- 6 around 16 are still black. */
	{ "scan_noisy_bars", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 6 }, { 0, 22, 320, 136, 110, 30 } }, 2,
	    CROP_SCAN_OK, 1, 22, 22, 0, 0 },
	/*
	 * A few hot pixels (8 of 320, under 1/32 of a row) in a bar are
	 * tolerated; a subtitle line in the bottom bar is not black and ends
	 * the border.
	 */
	{ "scan_bright_in_bar", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 0 }, { 0, 22, 320, 136, 120, 0 },
	    { 100, 5, 8, 1, 235, 0 }, { 100, 166, 120, 6, 235, 0 } }, 4,
	    CROP_SCAN_OK, 1, 22, 8, 0, 0 },
	/* The same with a dim edge of text: mean under the limit, but 30
	 * bright of 320. */
	{ "scan_bright_in_bar_dim_edge", 320, 180, 8, {
	    { 0, 0, 320, 180, 16, 0 }, { 0, 22, 320, 136, 120, 0 },
	    { 100, 5, 8, 1, 235, 0 }, { 100, 166, 120, 6, 235, 0 },
	    { 100, 172, 30, 1, 100, 0 } }, 5,
	    CROP_SCAN_OK, 1, 22, 7, 0, 0 },
	/* 10-bit samples: black at 64, limit scaled to 96, bars at 90. */
	{ "scan_10bit", 320, 180, 10, {
	    { 0, 0, 320, 180, 64, 20 }, { 0, 30, 320, 120, 480, 100 },
	    { 0, 30, 12, 120, 90, 0 } }, 3,
	    CROP_SCAN_OK, 1, 30, 30, 12, 0 },
	/* Grey bars (analogue captures): flat at luma 30, above the limit. */
	{ "scan_grey_bars", 320, 180, 8, {
	    { 0, 0, 320, 180, 30, 0 }, { 0, 22, 320, 136, 120, 30 } }, 2,
	    CROP_SCAN_OK, 1, 22, 22, 0, 0 },
	/* Grey bars at 28 with noise of +/- 12 (a VHS capture). */
	{ "scan_grey_noisy_bars", 320, 180, 8, {
	    { 0, 0, 320, 180, 28, 12 }, { 0, 22, 320, 136, 110, 30 } }, 2,
	    CROP_SCAN_OK, 1, 22, 22, 0, 0 },
	/* The same with bright lines at the frame's edge: two at the top,
	 * one at the bottom (head-switching noise, a DVD's edge). */
	{ "scan_grey_edge_lines", 320, 180, 8, {
	    { 0, 0, 320, 180, 28, 10 }, { 0, 22, 320, 136, 110, 30 },
	    { 0, 0, 320, 2, 200, 20 }, { 0, 179, 320, 1, 170, 30 } }, 4,
	    CROP_SCAN_OK, 1, 22, 22, 0, 0 },
	/* A black edge line beside grey bars is no bar of its own kind. */
	{ "scan_grey_pillarbox", 320, 180, 8, {
	    { 0, 0, 320, 180, 32, 8 }, { 40, 0, 240, 180, 100, 30 },
	    { 0, 0, 1, 180, 16, 0 } }, 3,
	    CROP_SCAN_OK, 1, 0, 0, 40, 40 },
	/* A night sky brightening towards the horizon, with noise: no bars. */
	{ "scan_night_sky", 320, 180, 8, {
	    { 0, 0, 320, 30, 26, 6 }, { 0, 30, 320, 30, 30, 6 },
	    { 0, 60, 320, 30, 34, 6 }, { 0, 90, 320, 30, 38, 6 },
	    { 0, 120, 320, 60, 44, 8 }, { 150, 100, 20, 10, 200, 0 } }, 6,
	    CROP_SCAN_OK, 1, 0, 0, 0, 0 },
	/* A flat dark sky over a lit street: one-sided, not a letterbox. */
	{ "scan_night_street", 320, 180, 8, {
	    { 0, 0, 320, 100, 28, 4 }, { 0, 100, 320, 80, 90, 40 } }, 2,
	    CROP_SCAN_OK, 1, 0, 0, 0, 0 },
	/* A grey frame (fog, a dim room): bars of its own level everywhere,
	 * the picture not brighter: no crop. */
	{ "scan_grey_dim", 320, 180, 8, {
	    { 0, 0, 320, 180, 34, 6 }, { 0, 30, 320, 120, 44, 10 } }, 2,
	    CROP_SCAN_OK, 1, 0, 0, 0, 0 },
	/* 10-bit grey bars at 120 (30 on the 8-bit scale), noise +/- 40. */
	{ "scan_10bit_grey", 320, 180, 10, {
	    { 0, 0, 320, 180, 120, 40 }, { 0, 24, 320, 132, 440, 100 } }, 2,
	    CROP_SCAN_OK, 1, 24, 24, 0, 0 },
	/* A 10-bit dark frame. */
	{ "scan_10bit_dark", 320, 180, 10, {
	    { 0, 0, 320, 180, 64, 24 } }, 1,
	    CROP_SCAN_DARK, 0, 0, 0, 0, 0 },
};

/* Paint a scan case's frame, scan it, compare. */
static void
test_scan_case(void **state)
{
	const struct scan_case	*k = *state;
	const struct rect	*q;
	struct frame		 f;
	struct crop		 c;
	size_t			 i;

	frame_init(&f, k->w, k->h, k->depth);
	for (i = 0; i < k->nrects; i++) {
		q = &k->rects[i];
		frame_rect(&f, q->x, q->y, q->w, q->h, q->v, q->amp);
	}
	assert_int_equal(frame_scan(&f, &c), k->result);
	if (k->check_crop)
		assert_crop(&c, k->t, k->b, k->l, k->r);
	frame_free(&f);
}

/*
 * Sparse stars on black: no line is black (too many bright samples) but
 * the mean is, so the frame is dark.
 */
static void
test_scan_dark_mean(void **state)
{
	struct frame	f;
	struct crop	c;
	int		x, y;

	(void)state;
	frame_init(&f, 320, 180, 8);
	frame_rect(&f, 0, 0, 320, 180, 16, 0);
	for (y = 0; y < 180; y++)
		for (x = y % 8; x < 320; x += 8)
			frame_put(&f, x, y, 48);
	assert_int_equal(frame_scan(&f, &c), CROP_SCAN_DARK);
	frame_free(&f);
}

/* Bad planes are rejected without reading them. */
static void
test_scan_invalid(void **state)
{
	struct frame		f;
	struct crop_plane	p;
	struct crop		c;

	(void)state;
	frame_init(&f, 32, 32, 10);
	p = frame_plane(&f);
	p.linesize = 32;	/* less than 32 16-bit samples */
	assert_int_equal(crop_scan(&p, LIMIT, &c), CROP_SCAN_IMPLAUSIBLE);
	p = frame_plane(&f);
	p.depth = 17;
	assert_int_equal(crop_scan(&p, LIMIT, &c), CROP_SCAN_IMPLAUSIBLE);
	assert_int_equal(crop_scan(NULL, LIMIT, &c), CROP_SCAN_IMPLAUSIBLE);
	frame_free(&f);
}

/*
 * 20 scanned frames, 2 of them with a subtitle in the bottom bar: the
 * combined crop is still the full bar.
 */
static void
test_combine_subtitle(void **state)
{
	struct frame	f;
	struct crop	s[20], c;
	char		why[256];
	int		i;

	(void)state;
	frame_init(&f, 320, 180, 8);
	for (i = 0; i < 20; i++) {
		frame_rect(&f, 0, 0, 320, 180, 16, 5);
		frame_rect(&f, 0, 22, 320, 136, 60 + 8 * i, 20);
		if (i == 3 || i == 11)
			frame_rect(&f, 90, 162, 140, 7, 235, 0);
		assert_int_equal(frame_scan(&f, &s[i]), CROP_SCAN_OK);
	}
	assert_int_equal(s[3].bottom, 11);
	assert_int_equal(crop_combine(s, 20, 320, 180, CROP_AUTO, &c, why,
	    sizeof(why)), 0);
	assert_crop(&c, 22, 22, 0, 0);
	assert_string_equal(why, "median of 20 frames");
	frame_free(&f);
}

/* 14 frames with 40-row bars, 6 (IMAX scenes) with 10: the minimum. */
static void
test_combine_mixed_aspect(void **state)
{
	struct crop	s[20], c;
	char		why[256];
	int		i;

	(void)state;
	for (i = 0; i < 20; i++)
		set_crop(&s[i], i % 10 < 3 ? 10 : 40, i % 10 < 3 ? 10 : 40,
		    6, 6);
	s[0].right = 0;		/* one odd frame: the median keeps 6 */
	assert_int_equal(crop_combine(s, 20, 1920, 800, CROP_AUTO, &c, why,
	    sizeof(why)), 0);
	assert_crop(&c, 10, 10, 6, 6);
	assert_string_equal(why, "mixed aspect ratio: 6 of 20 frames show"
	    " less border at the top and 6 at the bottom, using the smallest"
	    " border there, median of 20 frames elsewhere");

	/* 4 of 20 is not "many": the median stays. */
	for (i = 0; i < 20; i++)
		set_crop(&s[i], i < 4 ? 10 : 40, 40, 0, 0);
	assert_int_equal(crop_combine(s, 20, 1920, 800, CROP_AUTO, &c, why,
	    sizeof(why)), 0);
	assert_crop(&c, 40, 40, 0, 0);
}

/*
 * A combine case: n samples, sample i being samples[i % nsamples]
 * (top, bottom, left, right), combined for a w x h source in a mode: the
 * crop wanted, and its explanation (why, exactly, when not NULL; has[],
 * words it must contain).
 */
struct combine_case {
	const char	*name;
	size_t		 n;
	int		 samples[10][4];
	size_t		 nsamples;
	int		 w, h;
	enum crop_mode	 mode;
	int		 t, b, l, r;
	const char	*why;
	const char	*has[2];
};

static const struct combine_case combine_cases[] = {
	/* Conservative mode: the smallest border on every edge. */
	{ "combine_conservative", 5, { { 40, 40, 20, 20 }, { 40, 12, 20, 20 },
	    { 38, 40, 20, 8 }, { 40, 40, 14, 20 }, { 40, 40, 20, 20 } }, 5,
	    1920, 1080, CROP_CONSERVATIVE, 38, 12, 14, 8,
	    "smallest border over 5 frames", { NULL, NULL } },
	/* Auto on the same samples: the median. */
	{ "combine_conservative_samples_auto", 5, { { 40, 40, 20, 20 },
	    { 40, 12, 20, 20 }, { 38, 40, 20, 8 }, { 40, 40, 14, 20 },
	    { 40, 40, 20, 20 } }, 5,
	    1920, 1080, CROP_AUTO, 40, 40, 20, 20, NULL, { NULL, NULL } },
	/* Off mode: nothing cropped. */
	{ "combine_off", 1, { { 40, 40, 20, 20 } }, 1,
	    1920, 1080, CROP_OFF, 0, 0, 0, 0, "cropping off", { NULL, NULL } },
	/* Odd borders are rounded down to even; 1 px borders vanish. */
	{ "combine_round_even", 3, { { 23, 21, 13, 1 } }, 1,
	    1920, 1080, CROP_AUTO, 22, 20, 12, 0, NULL, { NULL, NULL } },
	/* An odd width or height gets one more column or row right or
	 * bottom. */
	{ "combine_odd_source", 3, { { 22, 22, 0, 0 } }, 1,
	    321, 181, CROP_AUTO, 22, 23, 0, 1, NULL,
	    { "odd height", "odd width" } },
	/* A crop leaving less than 16 px is refused for that axis only. */
	{ "combine_too_small", 3, { { 44, 44, 30, 30 } }, 1,
	    200, 100, CROP_AUTO, 0, 0, 30, 30, NULL,
	    { "not cropping top and bottom", NULL } },
	/* Exactly 16 left is fine; borders beyond the frame are clamped. */
	{ "combine_too_small_edges", 3, { { 42, 42, 500, 0 } }, 1,
	    200, 100, CROP_AUTO, 42, 42, 0, 0, NULL, { NULL, NULL } },
	/* With an even count the lower median is used (less crop). */
	{ "combine_even_count", 10, { { 20, 20, 0, 0 }, { 20, 20, 0, 0 },
	    { 20, 20, 0, 0 }, { 20, 20, 0, 0 }, { 20, 20, 0, 0 },
	    { 30, 20, 0, 0 }, { 30, 20, 0, 0 }, { 30, 20, 0, 0 },
	    { 30, 20, 0, 0 }, { 30, 20, 0, 0 } }, 10,
	    1920, 1080, CROP_AUTO, 20, 20, 0, 0, NULL, { NULL, NULL } },
};

/* Combine a case's samples, compare; the picture left is always even. */
static void
test_combine_case(void **state)
{
	const struct combine_case	*k = *state;
	const int			*q;
	struct crop			 s[10], c;
	char				 why[256];
	size_t				 i;

	assert_true(k->n <= 10 && k->nsamples > 0);
	for (i = 0; i < k->n; i++) {
		q = k->samples[i % k->nsamples];
		set_crop(&s[i], q[0], q[1], q[2], q[3]);
	}
	assert_int_equal(crop_combine(s, k->n, k->w, k->h, k->mode, &c, why,
	    sizeof(why)), 0);
	assert_crop(&c, k->t, k->b, k->l, k->r);
	assert_int_equal((k->w - c.left - c.right) % 2, 0);
	assert_int_equal((k->h - c.top - c.bottom) % 2, 0);
	if (k->why != NULL)
		assert_string_equal(why, k->why);
	for (i = 0; i < 2; i++)
		if (k->has[i] != NULL)
			assert_non_null(strstr(why, k->has[i]));
}

/* No samples, manual mode and bad arguments. */
static void
test_combine_off_and_empty(void **state)
{
	struct crop	s[1], c;
	char		why[256];

	(void)state;
	set_crop(&s[0], 40, 40, 20, 20);
	set_crop(&c, 1, 1, 1, 1);
	assert_int_equal(crop_combine(NULL, 0, 1920, 1080, CROP_AUTO, &c, why,
	    sizeof(why)), 0);
	assert_crop(&c, 0, 0, 0, 0);
	assert_string_equal(why, "no usable frames, not cropping");

	assert_int_equal(crop_combine(s, 1, 1920, 1080, CROP_MANUAL, &c, why,
	    sizeof(why)), -1);
	assert_int_equal(crop_combine(s, 1, 1920, 1080, CROP_AUTO, NULL, why,
	    sizeof(why)), -1);
	assert_int_equal(crop_combine(NULL, 1, 1920, 1080, CROP_AUTO, &c, why,
	    sizeof(why)), -1);
	assert_int_equal(crop_combine(s, 1, 0, 1080, CROP_AUTO, &c, why,
	    sizeof(why)), -1);
	/* No explanation wanted. */
	assert_int_equal(crop_combine(s, 1, 1920, 1080, CROP_AUTO, &c, NULL,
	    0), 0);
	assert_crop(&c, 40, 40, 20, 20);
}

/* A tiny buffer truncates the explanation safely. */
static void
test_combine_why_truncated(void **state)
{
	struct crop	s[10], c;
	char		why[256];
	int		i;

	(void)state;
	for (i = 0; i < 10; i++)
		set_crop(&s[i], i < 5 ? 20 : 30, 20, 0, 0);
	assert_int_equal(crop_combine(s, 10, 1920, 1080, CROP_AUTO, &c, why,
	    6), 0);
	assert_string_equal(why, "media");
}

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

/* A cmocka test of one table case, reported under the case's name. */
static struct CMUnitTest
table_test(const char *name, CMUnitTestFunction f, const void *k)
{
	struct CMUnitTest	t;

	memset(&t, 0, sizeof(t));
	t.name = name;
	t.test_func = f;
	t.initial_state = (void *)(uintptr_t)k;
	return t;
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_scan_dark_mean),
		cmocka_unit_test(test_scan_invalid),
		cmocka_unit_test(test_combine_subtitle),
		cmocka_unit_test(test_combine_mixed_aspect),
		cmocka_unit_test(test_combine_off_and_empty),
		cmocka_unit_test(test_combine_why_truncated),
	};
	struct CMUnitTest	tests[NCASES(scan_cases) +
				    NCASES(combine_cases) + NCASES(fixed)];
	size_t			i, n = 0;

	for (i = 0; i < NCASES(scan_cases); i++)
		tests[n++] = table_test(scan_cases[i].name, test_scan_case,
		    &scan_cases[i]);
	for (i = 0; i < NCASES(combine_cases); i++)
		tests[n++] = table_test(combine_cases[i].name,
		    test_combine_case, &combine_cases[i]);
	for (i = 0; i < NCASES(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("test_crop", tests, n, NULL, NULL);
}
