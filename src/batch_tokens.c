/*
 * The batch command with a token directory (distenc -t): each input's id
 * from its path below the inputs' common directory, size and mtime, the
 * same on every host; an input is encoded by the host that claims it,
 * and the others report what that host did.  Each input is a task (see
 * task.h); this file says what its steps mean for the batch's run.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "log.h"
#include "pool.h"
#include "xmalloc.h"

/* An input's lines about its task: "name: " and the line. */
static void
input_log(void *arg, int flags, const char *msg)
{
	const struct input	*in = arg;

	if (flags & TASK_LOG_ERROR)
		log_warnx("%s%s", in->prefix, msg);
	else
		log_info("%s%s", in->prefix, msg);
}

/* An input's task in the token directory, from its file as it is now. */
static void
input_task(struct batch *b, struct input *in)
{
	struct stat	sb;

	if (in->error != NULL)
		return;
	if (stat(in->abs, &sb) == -1)
		xasprintf(&in->error, "%s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		xasprintf(&in->error, "not a regular file");
	else {
		jobid_make(in->rel, sb.st_size, sb.st_mtim.tv_sec, in->id,
		    sizeof(in->id));
		task_init(&in->task, b->tokens, in->id, NULL, input_log, in);
	}
}

/* Claim an input in the token directory: 1 when it is this host's. */
int
batch_tok_claim(struct input *in)
{
	const struct tok_file	*f = &in->task.other;
	char			*cause = NULL;

	if (in->error != NULL)
		return 1;	/* fails at once, touching no token */
	switch (task_claim(&in->task, in->rel, &cause)) {
	case TASK_MINE:
		return 1;
	case TASK_ERROR:
	case TASK_BROKEN:
		in->error = cause;
		return 1;
	case TASK_DONE:
		in->finished = 1;
		in->other = TASK_DONE;
		in->oskipped = strncmp(f->summary, TASK_SKIPPED,
		    strlen(TASK_SKIPPED)) == 0;
		if (in->oskipped)
			xasprintf(&in->otext, "%s (by node %s)", f->summary +
			    strlen(TASK_SKIPPED), f->node);
		else
			xasprintf(&in->otext, "%s (by node %s%s%s)", f->text,
			    f->node, f->summary[0] ? ": " : "", f->summary);
		return 0;
	case TASK_FAILED:
		in->finished = 1;
		in->other = TASK_FAILED;
		xasprintf(&in->otext, "failed on node %s: %s", f->node,
		    f->text);
		return 0;
	default:
		return 0;
	}
}

/*
 * Whether to help with a chunked input another host holds, once it has
 * published its plan: a worker then claims and encodes its chunks, and
 * joins them if the last one is its own.
 */
int
batch_tok_helpable(struct batch *b, struct input *in, double now)
{
	if (in->finished || !b->prof->chunked)
		return 0;
	return task_helpable(&in->task, now, now);
}

/*
 * A helping worker ended: 1 for such a worker (the input stays the other
 * host's, to be looked at again), 0 for any other.
 */
int
batch_tok_helped(struct batch *b, struct input *in)
{
	struct worker	*w = &in->w;
	double		 now = pool_now();

	if (!in->task.helping)
		return 0;
	in->job.step = JOB_STEP_ALL;
	task_helped(&in->task, worker_helped(w, worker_stopped()), in->output,
	    w->text, 0);
	in->task.help_at = now + (w->state == WORKER_FAILED ?
	    b->conf->retry_delay : b->conf->poll_interval);
	in->started = in->finished = 0;
	in->task.until = now + 1;
	return 1;
}

/* Write the marker of an input this host finished. */
void
batch_tok_mark(struct batch *b, struct input *in)
{
	struct worker	*w = &in->w;
	char		*text;

	if (!task_held(&in->task))
		return;
	if (w->state == WORKER_DECLINED) {
		xasprintf(&text, "%s%s", TASK_SKIPPED, w->text);
		task_done(&in->task, in->output, text);
		free(text);
	} else if (w->state == WORKER_DONE || w->state == WORKER_SKIPPED)
		task_done(&in->task, in->output, w->text);
	else if (worker_stopped() && w->kind == TASK_TRANSIENT)
		task_release(&in->task);	/* interrupted */
	else
		task_failed(&in->task, w->text, w->kind, b->conf->retry_delay);
	if (w->state == WORKER_FAILED && w->kind == TASK_TRANSIENT &&
	    !worker_stopped()) {
		/* Any host may take it again once its retry time comes. */
		task_retrying(&in->task, in->task.attempt, w->text,
		    b->conf->retry_delay);
		in->started = in->finished = 0;
		in->task.until = 0;
	}
}

/* A claim found lost while its input was encoded. */
void
batch_tok_lost(void *arg, const char *key, const char *why)
{
	struct batch	*b = arg;
	struct input	*in;
	int		 n;

	for (n = 0; n < b->ninputs; n++) {
		in = &b->inputs[n];
		if (strcmp(in->task.key, key) == 0 && in->started &&
		    !in->finished) {
			task_lost(&in->task, why);
			pool_kill(b->pool, in->w.pid, SIGTERM);
		}
	}
}

/* The token directory changed: look at other hosts' inputs again. */
void
batch_tok_recheck(struct batch *b)
{
	int	n;

	for (n = 0; n < b->ninputs; n++)
		if (!b->inputs[n].started && !b->inputs[n].finished)
			b->inputs[n].task.until = 0;
}
/* Where this host remembers a token directory's marker. */
static char *
tokens_record(const char *dir)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	char		*path;

	if (state != NULL && *state == '/')
		xasprintf(&path, "%s/distenc/token-%016" PRIx64, state,
		    jobid_hash(dir, strlen(dir), 0));
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		xasprintf(&path, "%s/.local/state/distenc/token-%016" PRIx64,
		    home, jobid_hash(dir, strlen(dir), 0));
	else
		path = NULL;
	return path;
}

/*
 * Share the work through the token directory dir (absolute): 0, or -1
 * (do nothing).
 */
int
batch_tok_open(struct batch *b, const char *dir)
{
	const struct config	*conf = b->conf;
	char			 node[256], *record, *cause = NULL;
	int			 n;

	if (*conf->node != '\0')
		snprintf(node, sizeof(node), "%s", conf->node);
	else if (gethostname(node, sizeof(node)) == -1)
		snprintf(node, sizeof(node), "localhost");
	if (!node_valid(node)) {
		log_warnx("node name %s (the host name) cannot be used in a "
		    "token directory: give one with --node", node);
		return -1;
	}
	record = tokens_record(dir);
	b->tokens = tok_open(dir, node, conf->lease, conf->max_attempts, 0,
	    record);
	free(record);
	if (tok_ready(b->tokens, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return -1;
	}
	tok_sweep(b->tokens);
	for (n = 0; n < b->ninputs; n++)
		input_task(b, &b->inputs[n]);
	return 0;
}

