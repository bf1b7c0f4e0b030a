/*
 * The lifecycle of a task over the token directory (see task.h), and the
 * words each step is logged with.  Which host does what is the token
 * module's business (claims, leases, takeovers, markers); this file turns
 * what it finds into the task's state and one line a user can read.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "task.h"

/* A line about the task, to its user's log or the program's. */
static void
task_log(const struct task *t, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
task_log(const struct task *t, int flags, const char *fmt, ...)
{
	va_list	ap;
	char	msg[TOK_TEXT_MAX * 3];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->log != NULL)
		t->log(t->logarg, flags, msg);
	else if (flags & TASK_LOG_ERROR)
		log_warnx("%s", msg);
	else
		log_info("%s", msg);
}

/*
 * A task named key (a job's id), or the part sub of that job's task
 * (a chunk: key.d/sub), in the token directory td (NULL: none).
 */
void
task_init(struct task *t, struct tokdir *td, const char *key,
    const char *sub, task_log_cb log, void *logarg)
{
	memset(t, 0, sizeof(*t));
	t->td = td;
	if (sub != NULL)
		snprintf(t->key, sizeof(t->key), "%s.d/%s", key, sub);
	else
		snprintf(t->key, sizeof(t->key), "%s", key);
	t->log = log;
	t->logarg = logarg;
	t->work = "the job";
}

/* Map the token module's answer onto the task's. */
static int
task_result(int r)
{
	switch (r) {
	case TOK_CLAIMED:
		return TASK_MINE;
	case TOK_HELD:
		return TASK_HELD;
	case TOK_ISDONE:
		return TASK_DONE;
	case TOK_ISFAILED:
		return TASK_FAILED;
	case TOK_WAIT:
		return TASK_WAIT;
	case TOK_BROKEN:
		return TASK_BROKEN;
	default:
		return TASK_ERROR;
	}
}

/* Another host has the task's claim, or finished or failed it. */
static int
task_elsewhere(struct task *t, int r, const struct tok_seen *seen)
{
	const struct tok_file	*f = &seen->f;
	int			 was = strcmp(t->holder, f->node) == 0;

	snprintf(t->holder, sizeof(t->holder), "%s", f->node);
	t->other = *f;
	t->until = seen->until;
	switch (r) {
	case TOK_HELD:
		if (!was || f->node[0] == '\0')
			task_log(t, 0, "claimed by node %s (pid %ld): left to "
			    "it", f->node[0] ? f->node : "?", f->pid);
		break;
	case TOK_ISDONE:
		task_log(t, 0, "done by node %s%s%s: %s", f->node,
		    f->summary[0] ? ": " : "", f->summary, f->text);
		break;
	case TOK_ISFAILED:
		task_log(t, TASK_LOG_ERROR, "failed on node %s: %s", f->node,
		    f->text);
		break;
	case TOK_WAIT:
		task_log(t, 0, "attempt %d failed on node %s: %s; retried in "
		    "%.0f s", f->attempt, f->node, f->text,
		    seen->until - pool_now());
		break;
	}
	return task_result(r);
}

/*
 * Claim the task (what: its source, for the claim file): TASK_MINE with
 * t->attempt set, TASK_ERROR with a cause, or what holds it elsewhere.
 */
int
task_claim(struct task *t, const char *what, char **cause)
{
	struct tok_seen	seen;
	int		r;

	r = tok_claim(t->td, t->key, what, &seen, cause);
	if (r == TOK_CLAIMED) {
		if (t->holder[0] != '\0')
			task_log(t, 0, "taken over from node %s", t->holder);
		t->holder[0] = '\0';
		t->attempt = seen.attempt;
		return TASK_MINE;
	}
	if (r == TOK_ERROR || r == TOK_BROKEN)
		return task_result(r);
	return task_elsewhere(t, r, &seen);
}

/*
 * Look at a task another host holds without claiming it: TASK_DONE or
 * TASK_FAILED once it has ended there; else not looked at before next.
 */
int
task_peek(struct task *t, double next)
{
	struct tok_seen	 seen;
	char		*cause = NULL;
	int		 r;

	r = tok_peek(t->td, t->key, &seen, &cause);
	free(cause);
	if (r == TOK_ISDONE || r == TOK_ISFAILED)
		return task_elsewhere(t, r, &seen);
	t->until = next;
	return task_result(r);
}

/*
 * Whether to help with another host's chunked task now: its holder has
 * published its plan.  Not asked again before next.
 */
int
task_helpable(struct task *t, double now, double next)
{
	if (t->holder[0] == '\0' || t->help_at > now ||
	    !tok_has_sub(t->td, t->key, ".plan"))
		return 0;
	t->help_at = next;
	return 1;
}

/* A worker (pid) started here on another host's chunks. */
void
task_helping(struct task *t, long pid)
{
	t->helping = 1;
	task_log(t, 0, "helping node %s with its chunks: worker %ld",
	    t->holder, pid);
}

/*
 * A helping worker ended (how; output and text its result; said when it
 * wrote its failure to the job's log itself).  The task stays its
 * holder's: its marker is that host's to write, even when the chunks
 * were joined and published here.
 */
void
task_helped(struct task *t, enum task_help how, const char *output,
    const char *text, int said)
{
	const char	*holder = t->holder[0] ? t->holder : "?";

	t->helping = 0;
	switch (how) {
	case TASK_HELP_JOINED:
		task_log(t, 0, "chunks joined here: %s (%s)", output, text);
		break;
	case TASK_HELP_HELPED:
		task_log(t, 0, "helped node %s: %s", holder, text);
		break;
	case TASK_HELP_NOTHING:
		task_log(t, 0, "helped node %s: the output is there", holder);
		break;
	case TASK_HELP_FAILED:
		/* A chunk that failed for good is marked so; its host
		 * fails the task.  This host may help again later. */
		task_log(t, TASK_LOG_ERROR | (said ? TASK_LOG_SAID : 0),
		    "helping failed: %s", text);
		break;
	case TASK_HELP_STOPPED:
		task_log(t, 0, "helping stopped");
		break;
	}
}

/* A marker could not be written. */
static void
task_marker_failed(const struct task *t, char *cause)
{
	task_log(t, TASK_LOG_ERROR, "token directory: %s", cause);
	free(cause);
}

/* The task this host holds is done: output and a summary. */
void
task_done(struct task *t, const char *output, const char *summary)
{
	char	*cause = NULL;

	if (!task_held(t))
		return;
	if (tok_done(t->td, t->key, output, summary, &cause) != 0)
		task_marker_failed(t, cause);
}

/*
 * The task this host holds failed (why; of a kind): any host may try a
 * transient failure again after retry_delay seconds.
 */
void
task_failed(struct task *t, const char *why, enum task_kind kind,
    int retry_delay)
{
	char	*cause = NULL;

	if (!task_held(t))
		return;
	if (tok_fail(t->td, t->key, why, kind == TASK_TRANSIENT, retry_delay,
	    &cause) != 0)
		task_marker_failed(t, cause);
}

/*
 * Attempt attempt failed for a reason that may go (why): the seconds
 * until it is tried again, retry_delay doubled for each attempt before.
 */
double
task_retrying(struct task *t, int attempt, const char *why, int retry_delay)
{
	double	delay = tok_retry_delay(retry_delay, attempt);

	task_log(t, TASK_LOG_ERROR, "attempt %d failed: %s; retrying in "
	    "%.0f s", attempt, why, delay);
	return delay;
}

/* Whether this host holds the task's claim. */
int
task_held(const struct task *t)
{
	return t->td != NULL && tok_held(t->td, t->key) != -1;
}

/* Give the claim back with no marker (interrupted). */
void
task_release(struct task *t)
{
	if (t->td != NULL)
		tok_release(t->td, t->key);
}

/* The claim of the task running here was lost (why): it is to stop. */
void
task_lost(struct task *t, const char *why)
{
	t->lost = 1;
	task_log(t, TASK_LOG_ERROR, "claim lost: %s: stopping %s", why,
	    t->work);
}
