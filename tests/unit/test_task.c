/*
 * Unit tests of the task lifecycle on a real token directory shared by
 * two nodes: claimed, held elsewhere (said once per holder), done and
 * failed elsewhere, a transient failure waited for, released, helped,
 * and a chunk's sub-task named after its job.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pool.h"
#include "task.h"
#include "token.h"

static char	tmpl[] = "/tmp/test_task.XXXXXX";
static char	*top;
static int	 serial;

/* The lines a task said, in order. */
struct said {
	char	lines[8][256];
	int	flags[8];
	int	n;
};

static void
on_log(void *arg, int flags, const char *msg)
{
	struct said	*s = arg;

	if (s->n < 8) {
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", msg);
		s->flags[s->n++] = flags;
	}
}

static struct tokdir *
ready(const char *dir, const char *node)
{
	struct tokdir	*td;
	char		*cause = NULL;

	td = tok_open(dir, node, 60, 3, 0, NULL);
	if (tok_ready(td, &cause) != 0)
		fail_msg("tok_ready: %s", cause);
	return td;
}

static char *
newdir(void)
{
	static char	path[512];

	snprintf(path, sizeof(path), "%s/t%d", top, serial++);
	return path;
}

/* Claimed on one node; held, then done, on the other. */
static void
test_claim_held_done(void **state)
{
	struct tokdir	*a, *b;
	struct task	 ta, tb;
	struct said	 sa, sb;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	a = ready(dir, "a");
	b = ready(dir, "b");
	task_init(&ta, a, "job1", NULL, on_log, &sa);
	task_init(&tb, b, "job1", NULL, on_log, &sb);
	assert_int_equal(task_claim(&ta, "x/y.mkv", &cause), TASK_MINE);
	assert_int_equal(ta.attempt, 1);
	assert_true(task_held(&ta));
	assert_int_equal(task_claim(&tb, "x/y.mkv", &cause), TASK_HELD);
	assert_string_equal(tb.holder, "a");
	assert_int_equal(task_claim(&tb, "x/y.mkv", &cause), TASK_HELD);
	assert_int_equal(sb.n, 1);	/* said once for one holder */
	assert_non_null(strstr(sb.lines[0], "claimed by node a (pid "));
	assert_false(task_held(&tb));
	task_done(&ta, "/out/y.mkv", "1000 kb/s");
	assert_false(task_held(&ta));
	assert_int_equal(task_claim(&tb, "x/y.mkv", &cause), TASK_DONE);
	assert_string_equal(tb.other.text, "/out/y.mkv");
	assert_string_equal(sb.lines[1],
	    "done by node a: 1000 kb/s: /out/y.mkv");
	assert_int_equal(sa.n, 0);
	tok_close(a);
	tok_close(b);
}

/* A final failure is final everywhere; a transient one waits. */
static void
test_failed(void **state)
{
	struct tokdir	*a, *b;
	struct task	 ta, tb;
	struct said	 sa, sb;
	char		*dir = newdir(), *cause = NULL;
	double		 delay;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	a = ready(dir, "a");
	b = ready(dir, "b");
	task_init(&ta, a, "bad", NULL, on_log, &sa);
	task_init(&tb, b, "bad", NULL, on_log, &sb);
	assert_int_equal(task_claim(&ta, "bad.mkv", &cause), TASK_MINE);
	task_failed(&ta, "not a media file", TASK_FINAL, 60);
	assert_int_equal(task_claim(&tb, "bad.mkv", &cause), TASK_FAILED);
	assert_string_equal(sb.lines[0], "failed on node a: not a media file");
	assert_true(sb.flags[0] & TASK_LOG_ERROR);

	task_init(&ta, a, "full", NULL, on_log, &sa);
	task_init(&tb, b, "full", NULL, on_log, &sb);
	assert_int_equal(task_claim(&ta, "full.mkv", &cause), TASK_MINE);
	task_failed(&ta, "No space left on device", TASK_TRANSIENT, 60);
	delay = task_retrying(&ta, ta.attempt, "No space left on device", 60);
	assert_true(delay == 60);
	assert_string_equal(sa.lines[0], "attempt 1 failed: No space left "
	    "on device; retrying in 60 s");
	assert_int_equal(task_claim(&tb, "full.mkv", &cause), TASK_WAIT);
	assert_true(tb.until > pool_now() + 50);
	assert_non_null(strstr(sb.lines[1], "attempt 1 failed on node a: No "
	    "space left on device; retried in "));
	tok_close(a);
	tok_close(b);
}

/* Released: free at once for the other node; lost: said and marked. */
static void
test_release_lost(void **state)
{
	struct tokdir	*a, *b;
	struct task	 ta, tb;
	struct said	 sa;
	char		*dir = newdir(), *cause = NULL;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	a = ready(dir, "a");
	b = ready(dir, "b");
	task_init(&ta, a, "job2", NULL, on_log, &sa);
	task_init(&tb, b, "job2", NULL, NULL, NULL);
	assert_int_equal(task_claim(&ta, "z", &cause), TASK_MINE);
	task_release(&ta);
	assert_int_equal(task_claim(&tb, "z", &cause), TASK_MINE);
	task_lost(&ta, "taken over");
	assert_true(ta.lost);
	assert_string_equal(sa.lines[0], "claim lost: taken over: stopping "
	    "the job");
	tok_close(a);
	tok_close(b);
}

/* Help with another node's task once its plan is published. */
static void
test_help(void **state)
{
	struct tokdir	*a, *b;
	struct task	 ta, tb;
	struct said	 sb;
	char		*dir = newdir(), *cause = NULL;
	double		 now = pool_now();

	(void)state;
	memset(&sb, 0, sizeof(sb));
	a = ready(dir, "a");
	b = ready(dir, "b");
	task_init(&ta, a, "film", NULL, NULL, NULL);
	task_init(&tb, b, "film", NULL, on_log, &sb);
	assert_int_equal(task_claim(&ta, "film.mkv", &cause), TASK_MINE);
	assert_int_equal(task_claim(&tb, "film.mkv", &cause), TASK_HELD);
	assert_false(task_helpable(&tb, now, now + 5));
	assert_int_equal(tok_publish(a, "film.d/k1.plan", "plan", 4,
	    &cause), 0);
	assert_true(task_helpable(&tb, now, now + 5));
	assert_false(task_helpable(&tb, now + 1, now + 5));	/* not yet */
	task_helping(&tb, 42);
	assert_true(tb.helping);
	assert_string_equal(sb.lines[1], "helping node a with its chunks: "
	    "worker 42");
	task_helped(&tb, TASK_HELP_FAILED, "/out/film.mkv", "chunk 3 failed",
	    1);
	assert_false(tb.helping);
	assert_string_equal(sb.lines[2], "helping failed: chunk 3 failed");
	assert_int_equal(sb.flags[2], TASK_LOG_ERROR | TASK_LOG_SAID);
	tok_close(a);
	tok_close(b);
}

/* A chunk's task is named after its job's. */
static void
test_sub(void **state)
{
	struct task	t;

	(void)state;
	task_init(&t, NULL, "film.mkv-0123456789abcdef", "k1.c0003", NULL,
	    NULL);
	assert_string_equal(t.key, "film.mkv-0123456789abcdef.d/k1.c0003");
	assert_false(task_held(&t));
	task_done(&t, "x", "y");	/* no token directory: nothing */
}

static int
setup(void **state)
{
	(void)state;
	top = mkdtemp(tmpl);
	return top == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_held_done),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_release_lost),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_sub),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
