/*
 * Unit tests of the worker pool: children forked and executed, their
 * stderr lines and exit statuses, the bound on slots, niceness, reaping
 * of pipe-less children, and a stop with a grace period then SIGKILL.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pool.h"

/* What the pool told the test. */
struct seen {
	char	lines[8][64];
	int	nlines;
	int	ended;
	int	status;
	void	*arg;
	int	killed;
	int	execfail;
};

static struct seen	seen;

static void
on_line(void *ctx, void *arg, const char *line)
{
	(void)ctx;
	(void)arg;
	if (seen.nlines < 8)
		snprintf(seen.lines[seen.nlines++], sizeof(seen.lines[0]),
		    "%s", line);
}

static void
on_ended(void *ctx, void *arg, pid_t pid, int status)
{
	(void)ctx;
	(void)pid;
	seen.ended++;
	seen.status = status;
	seen.arg = arg;
}

static void
on_exec_failed(const char *path, int err)
{
	fprintf(stderr, "cannot run %s: %d\n", path, err);
}

static const struct pool_ops ops = {
	.line = on_line,
	.ended = on_ended,
	.exec_failed = on_exec_failed,
};

/* Run the pool as a loop would until no child is left (or 10 s). */
static void
drain(struct pool *p)
{
	struct pollfd	pfd[8];
	double		until = pool_now() + 10;
	int		n;

	while (pool_busy(p) > 0 && pool_now() < until) {
		n = pool_pollfds(p, pfd, 8);
		if (n > 0 && poll(pfd, n, 100) > 0)
			pool_dispatch(p, pfd, n);
		else
			usleep(10000);
		pool_reap(p);
	}
}

static int
child_lines(void *arg)
{
	(void)arg;
	fprintf(stderr, "first\nsecond\nno newline");
	return 3;
}

/* A forked child's lines, in order, and its exit status. */
static void
test_fork_lines(void **state)
{
	struct pool	*p;
	int		 mark;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	p = pool_new(2, POOL_PIPE, &ops, NULL);
	assert_true(pool_fork(p, child_lines, NULL, &mark) > 0);
	assert_int_equal(pool_busy(p), 1);
	drain(p);
	assert_int_equal(seen.nlines, 3);
	assert_string_equal(seen.lines[0], "first");
	assert_string_equal(seen.lines[1], "second");
	assert_string_equal(seen.lines[2], "no newline");
	assert_int_equal(seen.ended, 1);
	assert_ptr_equal(seen.arg, &mark);
	assert_true(WIFEXITED(seen.status) && WEXITSTATUS(seen.status) == 3);
	assert_int_equal(pool_busy(p), 0);
	pool_free(p);
}

static int
child_sleep(void *arg)
{
	(void)arg;
	sleep(30);
	return 0;
}

/* No more children than slots; a lowered limit lets running ones be. */
static void
test_slots(void **state)
{
	struct pool	*p;
	pid_t		 a;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	p = pool_new(1, 0, &ops, NULL);
	assert_true((a = pool_fork(p, child_sleep, NULL, NULL)) > 0);
	assert_int_equal(pool_idle(p), 0);
	assert_int_equal(pool_fork(p, child_sleep, NULL, NULL), -1);
	assert_int_equal(errno, EBUSY);
	pool_set_slots(p, 2);
	assert_int_equal(pool_idle(p), 1);
	assert_int_equal(pool_kill(p, getpid(), 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(pool_kill(p, a, SIGKILL), 0);
	drain(p);
	assert_int_equal(seen.ended, 1);
	assert_true(WIFSIGNALED(seen.status));
	pool_free(p);
}

/* A program on stdin and stderr, and one that cannot be run. */
static void
test_exec(void **state)
{
	char *const	 cat[] = { "sh", "-c", "cat >&2", NULL };
	char *const	 none[] = { "none", NULL };
	struct pool	*p;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	p = pool_new(1, POOL_PIPE, &ops, NULL);
	assert_true(pool_exec(p, "/bin/sh", cat, "to stdin\n", 9, NULL) > 0);
	drain(p);
	assert_int_equal(seen.nlines, 1);
	assert_string_equal(seen.lines[0], "to stdin");
	assert_true(WIFEXITED(seen.status) && WEXITSTATUS(seen.status) == 0);
	memset(&seen, 0, sizeof(seen));
	assert_true(pool_exec(p, "/nonexistent/prog", none, "", 0, NULL) > 0);
	drain(p);
	assert_int_equal(seen.nlines, 1);
	assert_non_null(strstr(seen.lines[0], "cannot run /nonexistent/prog"));
	assert_true(WIFEXITED(seen.status) && WEXITSTATUS(seen.status) == 127);
	pool_free(p);
}

static int
child_nice(void *arg)
{
	(void)arg;
	errno = 0;
	return getpriority(PRIO_PROCESS, 0);
}

/* Children run at the pool's niceness. */
static void
test_nice(void **state)
{
	struct pool	*p;
	int		 base;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	if (base + 5 > 19)
		skip();
	p = pool_new(1, 0, &ops, NULL);
	pool_set_nice(p, 5);
	assert_true(pool_fork(p, child_nice, NULL, NULL) > 0);
	drain(p);
	assert_true(WIFEXITED(seen.status));
	assert_int_equal(WEXITSTATUS(seen.status), base + 5);
	pool_free(p);
}

static int
child_stubborn(void *arg)
{
	(void)arg;
	signal(SIGTERM, SIG_IGN);
	for (;;)
		pause();
	return 0;
}

static int
child_polite(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

static void
on_killed(void *ctx, void *arg, pid_t pid)
{
	(void)ctx;
	(void)arg;
	(void)pid;
	seen.killed++;
}

/*
 * A stop: SIGTERM to all, new children refused; the one that ignores it
 * is killed once the grace period is over.
 */
static void
test_stop(void **state)
{
	struct pool	*p;
	double		 until;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	p = pool_new(2, 0, &ops, NULL);
	assert_true(pool_fork(p, child_stubborn, NULL, NULL) > 0);
	assert_true(pool_fork(p, child_polite, NULL, NULL) > 0);
	usleep(200000);		/* their handlers set */
	assert_true(pool_stop_left(p) < 0);
	pool_stop(p, 0.5);
	assert_true(pool_stop_left(p) > 0);
	assert_int_equal(pool_idle(p), 0);
	until = pool_now() + 10;
	while (pool_stop_left(p) > 0 && pool_now() < until) {
		pool_reap(p);
		usleep(10000);
	}
	assert_int_equal(seen.ended, 1);	/* the polite one */
	assert_int_equal(pool_busy(p), 1);
	pool_kill_all(p, on_killed);
	assert_int_equal(seen.killed, 1);
	assert_int_equal(pool_busy(p), 0);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_lines),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_nice),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
