/*
 * The batch command with a token directory (distenc -t): each input's id
 * from its path below the inputs' common directory, size and mtime, the
 * same on every host; an input is encoded by the host that claims it,
 * and the others report what that host did.
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
#include "xmalloc.h"

/* An input's id in the token directory, from its file as it is now. */
static void
input_id(struct input *in)
{
	struct stat	sb;

	if (in->error != NULL)
		return;
	if (stat(in->abs, &sb) == -1)
		xasprintf(&in->error, "%s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		xasprintf(&in->error, "not a regular file");
	else
		jobid_make(in->rel, sb.st_size, sb.st_mtim.tv_sec, in->id,
		    sizeof(in->id));
}

/* Another host has the input's claim, or finished or failed it. */
static void
input_elsewhere(struct input *in, int r, const struct tok_seen *seen)
{
	const struct tok_file	*f = &seen->f;

	if (r == TOK_ISDONE || r == TOK_ISFAILED) {
		in->finished = 1;
		in->other = r;
		if (r == TOK_ISDONE)
			xasprintf(&in->otext, "%s (by node %s%s%s)", f->text,
			    f->node, f->summary[0] ? ": " : "", f->summary);
		else
			xasprintf(&in->otext, "failed on node %s: %s", f->node,
			    f->text);
		return;
	}
	in->until = seen->until;
	if (strcmp(in->holder, f->node) != 0)
		log_info("%s%s node %s%s%s", in->prefix, r == TOK_HELD ?
		    "claimed by" : "failed for now on", f->node[0] ? f->node :
		    "?", r == TOK_WAIT ? ": " : "", r == TOK_WAIT ? f->text :
		    "");
	snprintf(in->holder, sizeof(in->holder), "%s", f->node);
}

/* Claim an input in the token directory: 1 when it is this host's. */
int
input_claim(struct batch *b, struct input *in)
{
	struct tok_seen	 seen;
	char		*cause = NULL;
	int		 r;

	if (in->error != NULL)
		return 1;	/* fails at once, touching no token */
	r = tok_claim(b->tokens, in->id, in->rel, &seen, &cause);
	if (r == TOK_CLAIMED)
		return 1;
	if (r == TOK_ERROR) {
		in->error = cause;
		return 1;
	}
	input_elsewhere(in, r, &seen);
	return 0;
}

/*
 * Whether to help with a chunked input another host holds, once it has
 * published its plan: a worker then claims and encodes its chunks, and
 * joins them if the last one is its own.
 */
int
input_helpable(struct batch *b, struct input *in, double now)
{
	if (in->finished || !b->prof->chunked || in->holder[0] == '\0' ||
	    in->help_at > now || !tok_has_sub(b->tokens, in->id, ".plan"))
		return 0;
	log_info("%shelping node %s with its chunks", in->prefix, in->holder);
	in->helping = 1;
	return 1;
}

/*
 * A helping worker ended: 1 for such a worker (the input stays the other
 * host's, to be looked at again), 0 for any other.
 */
int
input_helped(struct batch *b, struct input *in)
{
	struct worker	*w = &in->w;

	if (!in->helping)
		return 0;
	in->helping = 0;
	in->job.step = JOB_STEP_ALL;
	if (w->state == WORKER_DONE)
		/* Published; the input's done marker is its holder's to
		 * write, or this host's once that claim runs out. */
		log_info("%schunks joined here: %s", in->prefix, in->output);
	else if (w->state == WORKER_HELPED || w->state == WORKER_SKIPPED)
		log_info("%shelped node %s: %s", in->prefix, in->holder,
		    w->state == WORKER_SKIPPED ? "the output is there" :
		    w->text);
	else
		log_warnx("%shelping failed: %s", in->prefix, w->text);
	in->help_at = mono_now() + (w->state == WORKER_FAILED ?
	    b->conf->retry_delay : b->conf->poll_interval);
	in->started = in->finished = 0;
	in->until = mono_now() + 1;
	return 1;
}

/* Write the marker of an input this host finished. */
void
input_mark(struct batch *b, struct input *in)
{
	struct worker	*w = &in->w;
	char		*cause = NULL;
	int		 rv = 0;

	if (tok_held(b->tokens, in->id) == -1)
		return;
	if (w->state == WORKER_DONE || w->state == WORKER_SKIPPED)
		rv = tok_done(b->tokens, in->id, in->output, w->text, &cause);
	else if (worker_stop && w->transient)
		tok_release(b->tokens, in->id);	/* interrupted */
	else
		rv = tok_fail(b->tokens, in->id, w->text, w->transient,
		    b->conf->retry_delay, &cause);
	if (rv != 0) {
		log_warnx("%stoken directory: %s", in->prefix, cause);
		free(cause);
	}
	if (w->state == WORKER_FAILED && w->transient && !worker_stop) {
		/* Any host may take it again once its retry time comes. */
		log_warnx("%s%s: to be retried", in->prefix, w->text);
		in->started = in->finished = 0;
		in->until = 0;
	}
}

/* A claim found lost while its input was encoded. */
void
input_lost(void *arg, const char *task, const char *why)
{
	struct batch	*b = arg;
	struct input	*in;
	int		 n;

	for (n = 0; n < b->ninputs; n++) {
		in = &b->inputs[n];
		if (strcmp(in->id, task) == 0 && in->started && !in->finished) {
			log_warnx("%sclaim lost: %s: stopping", in->prefix,
			    why);
			in->lost = 1;
			kill(in->w.pid, SIGTERM);
		}
	}
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

/* Share the work through the token directory: 0, or -1 (do nothing). */
int
tokens_open(struct batch *b)
{
	const struct config	*conf = b->conf;
	char	 node[256], *dir, *record, *cause = NULL;
	int	 n;

	if (*conf->node != '\0')
		snprintf(node, sizeof(node), "%s", conf->node);
	else if (gethostname(node, sizeof(node)) == -1)
		snprintf(node, sizeof(node), "localhost");
	if (!tok_node_valid(node)) {
		log_warnx("node name %s (the host name) cannot be used in a "
		    "token directory: give one with --node", node);
		return -1;
	}
	dir = input_abs(conf->token_dir);
	record = tokens_record(dir);
	b->tokens = tok_open(dir, node, conf->lease, conf->max_attempts, 0,
	    record);
	free(record);
	free(dir);
	if (tok_ready(b->tokens, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return -1;
	}
	tok_sweep(b->tokens);
	for (n = 0; n < b->ninputs; n++)
		input_id(&b->inputs[n]);
	return 0;
}

