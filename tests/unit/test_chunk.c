/* Unit tests: chunk planning (merging, last chunk, maximum), the queue
 * order by cost, the split of chunks that would run on alone, and the plan
 * file. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chunk.h"

/* Plan and compare with the expected (first, frames) pairs. */
static void
expect_plan(const int64_t *cuts, size_t ncuts, int64_t frames, int min,
    int max, const int64_t *want, size_t nwant)
{
	struct chunk	*c = NULL;
	size_t		 n, i;
	char		*cause = NULL;

	assert_int_equal(chunk_plan(cuts, ncuts, frames, min, max, &c, &n,
	    &cause), 0);
	assert_null(cause);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_int_equal(c[i].first, want[2 * i]);
		assert_int_equal(c[i].frames, want[2 * i + 1]);
	}
	free(c);
}

/* Scenes at least as long as the minimum are chunks as they are. */
static void
test_plan_scenes(void **state)
{
	const int64_t	cuts[] = { 100, 250 };
	const int64_t	want[] = { 0, 100, 100, 150, 250, 150 };

	(void)state;
	expect_plan(cuts, 2, 400, 64, 0, want, 3);
}

/* Short scenes are merged with the following ones until long enough. */
static void
test_plan_merge(void **state)
{
	const int64_t	cuts[] = { 10, 20, 30, 100, 120, 200 };
	/* 0-10-20-30-100: 100; 100-120-200: 100; 200-300: 100 */
	const int64_t	want[] = { 0, 100, 100, 100, 200, 100 };

	(void)state;
	expect_plan(cuts, 6, 300, 64, 0, want, 3);
}

/* The last chunk may be shorter than the minimum. */
static void
test_plan_last_short(void **state)
{
	const int64_t	cuts[] = { 100, 190 };
	const int64_t	want[] = { 0, 100, 100, 90, 190, 10 };

	(void)state;
	expect_plan(cuts, 2, 200, 64, 0, want, 3);
}

/* No scene change: one chunk; a cut at frame 0 is no cut. */
static void
test_plan_none(void **state)
{
	const int64_t	cuts[] = { 0 };
	const int64_t	want[] = { 0, 500 };

	(void)state;
	expect_plan(NULL, 0, 500, 64, 0, want, 1);
	expect_plan(cuts, 1, 500, 64, 0, want, 1);
}

/* A maximum splits long scenes into equal parts. */
static void
test_plan_max(void **state)
{
	const int64_t	cuts[] = { 300 };
	const int64_t	want[] = { 0, 100, 100, 100, 200, 100, 300, 50 };

	(void)state;
	expect_plan(cuts, 1, 350, 64, 100, want, 4);
}

/* Uneven splits differ by at most one frame and cover every frame. */
static void
test_plan_max_uneven(void **state)
{
	const int64_t	want[] = { 0, 83, 83, 83, 166, 84 };

	(void)state;
	expect_plan(NULL, 0, 250, 10, 100, want, 3);
}

/* Cuts beyond the end or out of order are errors. */
static void
test_plan_bad(void **state)
{
	const int64_t	 beyond[] = { 100, 500 };
	const int64_t	 order[] = { 200, 100 };
	struct chunk	*c = NULL;
	size_t		 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(chunk_plan(beyond, 2, 400, 64, 0, &c, &n, &cause),
	    -1);
	assert_string_equal(cause, "scene change at frame 500 is beyond the "
	    "end (400 frames)");
	free(cause);
	cause = NULL;
	assert_int_equal(chunk_plan(order, 2, 400, 64, 0, &c, &n, &cause),
	    -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(chunk_plan(NULL, 0, 0, 64, 0, &c, &n, &cause), -1);
	free(cause);
}

/* Longest first, with the film's last chunk at the head. */
static void
test_queue(void **state)
{
	struct chunk	c[5] = {
		{ 0, 100, 0, 0, 0 }, { 100, 300, 0, 0, 0 },
		{ 400, 200, 0, 0, 0 }, { 600, 300, 0, 0, 0 },
		{ 900, 50, 0, 0, 0 }
	};
	size_t		order[5];

	(void)state;
	chunk_queue(c, 5, 2, order);
	assert_int_equal(order[0], 4);	/* the last */
	assert_int_equal(order[1], 1);	/* 300, earlier first */
	assert_int_equal(order[2], 3);	/* 300 */
	assert_int_equal(order[3], 2);	/* 200 */
	assert_int_equal(order[4], 0);	/* 100 */
	chunk_queue(c, 1, 2, order);
	assert_int_equal(order[0], 0);
}

/* Costliest first when every chunk has a cost, the last still at the
 * head; by length when one is not known. */
static void
test_queue_cost(void **state)
{
	struct chunk	c[4] = {
		{ 0, 100, 0, 500, 0 }, { 100, 300, 0, 900, 0 },
		{ 400, 50, 0, 2000, 0 }, { 450, 80, 0, 100, 0 }
	};
	size_t		order[4];

	(void)state;
	chunk_queue(c, 4, 2, order);
	assert_int_equal(order[0], 3);	/* the last */
	assert_int_equal(order[1], 2);	/* 2000, though the shortest */
	assert_int_equal(order[2], 1);	/* 900 */
	assert_int_equal(order[3], 0);	/* 500 */
	c[0].cost = 0;			/* unknown: by length */
	chunk_queue(c, 4, 2, order);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 1);	/* 300 frames */
	assert_int_equal(order[2], 0);	/* 100 */
	assert_int_equal(order[3], 2);	/* 50 */
}

/* Frame costs: four chunks of 100 frames, the second ten times dearer. */
static uint32_t *
heavy_costs(void)
{
	uint32_t	*cost = calloc(400, sizeof(*cost));
	int		 i;

	if (cost == NULL)
		fail();
	for (i = 0; i < 400; i++)
		cost[i] = i >= 100 && i < 200 ? 10 : 1;
	return cost;
}

/* Weighed chunks of 100 frames at 0, 100, 200, 300. */
static struct chunk *
four_chunks(const uint32_t *cost, size_t *n)
{
	const int64_t	 cuts[] = { 100, 200, 300 };
	struct chunk	*c = NULL;
	char		*cause = NULL;

	assert_int_equal(chunk_plan(cuts, 3, 400, 64, 0, &c, n, &cause), 0);
	chunk_weigh(c, *n, cost);
	return c;
}

/*
 * A chunk dearer than an encoder's share of the work left when it starts
 * is split inside, so two encoders end together: the first part weighs
 * the share (650 of 1300), the second starts with a forced keyframe.
 */
static void
test_balance_split(void **state)
{
	uint32_t	*cost = heavy_costs();
	struct chunk	*c;
	size_t		 n, order[5];

	(void)state;
	c = four_chunks(cost, &n);
	assert_int_equal(c[1].cost, 1000);
	assert_int_equal(chunk_balance(&c, &n, cost, 2, 32), 1);
	assert_int_equal(n, 5);
	assert_int_equal(c[1].first, 100);
	assert_int_equal(c[1].frames, 65);
	assert_int_equal(c[1].cost, 650);
	assert_int_equal(c[1].split, 0);
	assert_int_equal(c[2].first, 165);
	assert_int_equal(c[2].frames, 35);
	assert_int_equal(c[2].cost, 350);
	assert_int_equal(c[2].split, 1);
	assert_int_equal(c[3].first, 200);
	assert_int_equal(c[4].first + c[4].frames, 400);
	chunk_queue(c, n, 2, order);
	assert_int_equal(order[0], 4);	/* the last, still first */
	assert_int_equal(order[1], 1);	/* then the dearest part */
	free(c);
	free(cost);
}

/* No split with one encoder, with even costs, or when the parts would be
 * shorter than the minimum. */
static void
test_balance_none(void **state)
{
	uint32_t	*cost = heavy_costs();
	struct chunk	*c;
	size_t		 n;
	int		 i;

	(void)state;
	c = four_chunks(cost, &n);
	assert_int_equal(chunk_balance(&c, &n, cost, 1, 32), 0);
	assert_int_equal(n, 4);
	assert_int_equal(chunk_balance(&c, &n, cost, 2, 51), 0);
	assert_int_equal(n, 4);
	free(c);
	for (i = 0; i < 400; i++)
		cost[i] = 3;
	c = four_chunks(cost, &n);
	assert_int_equal(chunk_balance(&c, &n, cost, 2, 32), 0);
	assert_int_equal(chunk_balance(&c, &n, cost, 4, 32), 0);
	assert_int_equal(n, 4);
	free(c);
	free(cost);
}

/* Three encoders and one chunk that is most of the film: split until
 * no part runs far past the others. */
static void
test_balance_three(void **state)
{
	uint32_t	*cost = heavy_costs();
	struct chunk	*c;
	size_t		 n, i;
	int64_t		 most = 0;

	(void)state;
	for (i = 100; i < 200; i++)
		cost[i] = 30;
	c = four_chunks(cost, &n);
	assert_true(chunk_balance(&c, &n, cost, 3, 8) >= 2);
	for (i = 0; i < n; i++) {
		if (c[i].cost > most)
			most = c[i].cost;
		assert_int_equal(c[i].split, c[i].first > 100 &&
		    c[i].first < 200);
		if (i > 0)
			assert_int_equal(c[i].first,
			    c[i - 1].first + c[i - 1].frames);
	}
	assert_true(most <= 3300 / 3 + 3300 / 3 / 20);
	free(c);
	free(cost);
}

/* A plan survives being written and read back; damage is refused. */
static void
test_plan_file(void **state)
{
	struct chunk	 c[2] = { { 0, 64, 0, 4100, 0 },
	    { 64, 36, 2560, 1900, 1 } };
	struct plan	 p, q;
	char		*text, *cause = NULL;

	(void)state;
	memset(&p, 0, sizeof(p));
	strcpy(p.key, "0123456789abcdef");
	p.frames = 100;
	p.duration = 4000000;
	p.crop[0] = 22;
	p.crop[1] = 22;
	p.width = 320;
	p.height = 136;
	p.depth = 10;
	p.naudio = 1;
	p.audio[0].i = -40.5;
	p.audio[0].lra = 1.25;
	p.audio[0].tp = -20.0;
	p.audio[0].valid = 1;
	p.chunks = c;
	p.nchunks = 2;
	text = plan_format(&p);
	assert_int_equal(plan_parse(text, &q, &cause), 0);
	assert_string_equal(q.key, p.key);
	assert_int_equal(q.frames, 100);
	assert_int_equal(q.duration, 4000000);
	assert_int_equal(q.crop[0], 22);
	assert_int_equal(q.crop[1], 22);
	assert_int_equal(q.crop[3], 0);
	assert_int_equal(q.width, 320);
	assert_int_equal(q.height, 136);
	assert_int_equal(q.depth, 10);
	assert_int_equal(q.naudio, 1);
	assert_true(q.audio[0].i == -40.5 && q.audio[0].valid == 1);
	assert_int_equal(q.nchunks, 2);
	assert_int_equal(q.chunks[1].first, 64);
	assert_int_equal(q.chunks[1].frames, 36);
	assert_int_equal(q.chunks[1].pts, 2560);
	assert_int_equal(q.chunks[0].cost, 4100);
	assert_int_equal(q.chunks[0].split, 0);
	assert_int_equal(q.chunks[1].cost, 1900);
	assert_int_equal(q.chunks[1].split, 1);
	plan_clear(&q);
	text[strlen(text) - 4] = '\0';	/* no "end" line */
	assert_int_equal(plan_parse(text, &q, &cause), -1);
	assert_string_equal(cause, "incomplete plan");
	free(cause);
	cause = NULL;
	assert_int_equal(plan_parse("distenc-plan 1\nframes x\nend\n", &q,
	    &cause), -1);
	assert_string_equal(cause, "line 2: bad item");
	free(cause);
	free(text);
}

/* A plan refused: why says why. */
static void
expect_refused(const char *body, const char *why)
{
	struct plan	 q;
	char		*text, *cause = NULL;

	if (asprintf(&text, "distenc-plan 1\nkey 0123456789abcdef\n%send\n",
	    body) == -1)
		fail();
	assert_int_equal(plan_parse(text, &q, &cause), -1);
	if (cause == NULL || strstr(cause, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, why);
	free(cause);
	free(text);
}

/*
 * Another host's plan is range-checked: negative starts, chunks past the
 * end, overlapping or missing frames, absurd pictures are refused, and a
 * plan must fit the source it describes.
 */
static void
test_plan_hostile(void **state)
{
	struct plan	 q;
	char		*cause = NULL;
	const char	*ok = "frames 100\nduration 4000000\n"
	    "picture 0 0 0 0 320 180 8\nchunk 0 0 60 0\nchunk 1 60 40 2400\n";

	(void)state;
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 -10 60 0\n", "does not start where");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 0\nchunk 1 60 50 10\n", "past the film's last");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 0\nchunk 1 50 50 10\n", "overlap");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 0\n", "not at the film's end");
	expect_refused("frames 100\npicture 0 0 0 0 2000000000 2000000000 8\n"
	    "chunk 0 0 100 0\n", "picture out of range");
	expect_refused("frames 100\npicture -2 0 0 0 320 180 8\n"
	    "chunk 0 0 100 0\n", "picture out of range");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 9\n"
	    "chunk 0 0 100 0\n", "picture out of range");
	expect_refused("frames -1\n", "frame count out of range");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 500\nchunk 1 60 40 400\n", "do not increase");
	expect_refused("frames 100\naudio 0 nan 1 1 1\n", "loudness");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 100 0 -5\n", "cost out of range");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 100 0 99999999999999999999\n", "cost out of range");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 100 0 10 split\n", "first chunk cannot be split");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 0 10 splot\nchunk 1 60 40 9 8\n",
	    "bad chunk line");
	expect_refused("frames 100\npicture 0 0 0 0 320 180 8\n"
	    "chunk 0 0 60 0  10\nchunk 1 60 40 9 8\n", "bad chunk line");

	{
		char	*text;

		if (asprintf(&text, "distenc-plan 1\nkey 0123456789abcdef\n"
		    "%send\n", ok) == -1)
			fail();
		assert_int_equal(plan_parse(text, &q, &cause), 0);
		free(text);
	}
	/* a plan written before chunks had costs: none known */
	assert_int_equal(q.chunks[1].cost, 0);
	assert_int_equal(q.chunks[1].split, 0);
	assert_int_equal(plan_fits(&q, 320, 180, 100, &cause), 0);
	assert_int_equal(plan_fits(&q, 160, 90, 100, &cause), -1);
	assert_non_null(strstr(cause, "does not fit"));
	free(cause);
	cause = NULL;
	assert_int_equal(plan_fits(&q, 320, 180, 10, &cause), 0);
	q.frames = 5000;
	assert_int_equal(plan_fits(&q, 320, 180, 10, &cause), -1);
	free(cause);
	q.frames = 100;
	q.crop[0] = 100;
	assert_int_equal(plan_fits(&q, 320, 180, 100, &cause), -1);
	free(cause);
	plan_clear(&q);
}

/*
 * Chunks moved onto cycles of 5 frames: each start to the nearest, one
 * that vanishes merged into the one before, lengths and costs anew; a
 * plan with a start off the cycle is refused.
 */
static void
test_align(void **state)
{
	struct chunk	c[5] = {
		{ 0, 12, 0, 0, 0 }, { 12, 2, 0, 0, 0 }, { 14, 9, 0, 0, 0 },
		{ 23, 10, 0, 0, 1 }, { 33, 4, 0, 0, 0 }
	};
	struct plan	p;
	uint32_t	cost[37];
	size_t		n = 5, i;
	char		*cause = NULL;

	(void)state;
	for (i = 0; i < 37; i++)
		cost[i] = i;
	chunk_align(c, &n, 37, 5, cost);
	/* 12 -> 10; 14 -> 15; 23 -> 25; 33 -> 35 */
	assert_int_equal(n, 5);
	assert_int_equal(c[1].first, 10);
	assert_int_equal(c[2].first, 15);
	assert_int_equal(c[3].first, 25);
	assert_true(c[3].split);
	assert_int_equal(c[4].first, 35);
	assert_int_equal(c[4].frames, 2);
	assert_int_equal(c[0].frames, 10);
	assert_int_equal(c[0].cost, 45);		/* 0 + ... + 9 */
	assert_int_equal(c[4].cost, 35 + 36);
	/* 11 and 12 both go to 10: the second is merged. */
	c[0] = (struct chunk){ 0, 11, 0, 0, 0 };
	c[1] = (struct chunk){ 11, 1, 0, 0, 0 };
	c[2] = (struct chunk){ 12, 25, 0, 0, 0 };
	n = 3;
	chunk_align(c, &n, 37, 5, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(c[1].first, 10);
	assert_int_equal(c[1].frames, 27);
	assert_int_equal(c[1].cost, 0);
	/* One that would start at the end is merged too. */
	c[0] = (struct chunk){ 0, 38, 0, 0, 0 };
	c[1] = (struct chunk){ 38, 1, 0, 0, 0 };
	n = 2;
	chunk_align(c, &n, 39, 5, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].frames, 39);

	memset(&p, 0, sizeof(p));
	c[0] = (struct chunk){ 0, 10, 0, 0, 0 };
	c[1] = (struct chunk){ 10, 5, 0, 0, 0 };
	c[2] = (struct chunk){ 15, 3, 0, 0, 0 };
	p.chunks = c;
	p.nchunks = 3;
	assert_int_equal(plan_aligned(&p, 5, &cause), 0);
	c[2].first = 16;
	assert_int_equal(plan_aligned(&p, 5, &cause), -1);
	assert_non_null(strstr(cause, "chunk 2 starts at frame 16"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_scenes),
		cmocka_unit_test(test_plan_merge),
		cmocka_unit_test(test_plan_last_short),
		cmocka_unit_test(test_plan_none),
		cmocka_unit_test(test_plan_max),
		cmocka_unit_test(test_plan_max_uneven),
		cmocka_unit_test(test_plan_bad),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_queue_cost),
		cmocka_unit_test(test_balance_split),
		cmocka_unit_test(test_balance_none),
		cmocka_unit_test(test_balance_three),
		cmocka_unit_test(test_plan_file),
		cmocka_unit_test(test_plan_hostile),
		cmocka_unit_test(test_align),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
