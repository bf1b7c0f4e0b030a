/*
 * The daemon's jobs as tasks in the token directory (see task.h): a job
 * is claimed before it starts, and what another host holds, finished or
 * failed becomes the job's state here.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "djob.h"
#include "jobid.h"
#include "log.h"
#include "spool.h"
#include "xmalloc.h"

/*
 * Another host has the job's claim (held by was before, "" when not), or
 * finished or failed it.
 */
static void
djob_task_elsewhere(struct djob *dj, int seen, const char *was)
{
	const struct tok_file	*f = &dj->task.other;
	char			*msg;

	switch (seen) {
	case TASK_HELD:
		if (dj->state != DJ_ELSEWHERE || *was == '\0' ||
		    strcmp(was, dj->task.holder) != 0)
			djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		break;
	case TASK_DONE:
		if (strncmp(f->summary, TASK_SKIPPED, strlen(TASK_SKIPPED)) ==
		    0) {
			/* declined there: skipped here too, for good */
			xasprintf(&msg, "%s (on node %s)", f->summary +
			    strlen(TASK_SKIPPED), f->node);
			djob_set(dj, DJ_SKIPPED, NULL, msg);
			free(msg);
			break;
		}
		free(dj->output);
		dj->output = xstrdup(f->text);
		xasprintf(&msg, "done by node %s%s%s", f->node,
		    f->summary[0] ? ": " : "", f->summary);
		djob_set(dj, DJ_DONE, NULL, msg);
		free(msg);
		break;
	case TASK_FAILED:
		dj->attempts = f->attempt;
		xasprintf(&msg, "failed on node %s: %s", f->node, f->text);
		djob_set(dj, DJ_FAILED, msg, NULL);
		free(msg);
		break;
	case TASK_WAIT:
		dj->attempts = f->attempt;
		dj->retry_at = dj->task.until;
		xasprintf(&msg, "attempt %d failed on node %s: %s", f->attempt,
		    f->node, f->text);
		djob_set(dj, DJ_WAITING, msg, NULL);
		free(msg);
		break;
	}
}

/*
 * Claim a job in the token directory before it starts: 0 when this host
 * has it now, -1 when it stays queued or is another host's.
 */
int
djob_task_claim(struct djob *dj)
{
	struct daemon	*d = dj->d;
	char		*cause = NULL, was[TOK_NODE_MAX];
	int		 seen;

	if (!d->tokens_ready)
		return -1;
	snprintf(was, sizeof(was), "%s", dj->task.holder);
	seen = task_claim(&dj->task, dj->rel, &cause);
	if (seen == TASK_MINE) {
		dj->attempts = dj->task.attempt - 1;
		return 0;
	}
	if (seen == TASK_BROKEN) {
		/* This job's markers alone: it waits, the others go on. */
		dj->retry_at = spool_now() + d->conf->poll_interval;
		djob_set(dj, DJ_WAITING, cause, NULL);
		djob_log(dj, DJL_ERROR, "token directory: %s; looked at "
		    "again in %d s", cause, d->conf->poll_interval);
		free(cause);
		return -1;
	}
	if (seen == TASK_ERROR) {
		log_warnx("token directory: %s: taking no work until the "
		    "next rescan", cause);
		free(cause);
		d->tokens_ready = 0;
		d->dirty = 1;
		return -1;
	}
	djob_task_elsewhere(dj, seen, was);
	return -1;
}

/*
 * With every slot busy, jobs other hosts hold are not claimed; their
 * markers are still read, so a job done elsewhere shows as done.
 */
void
djob_task_peek(struct daemon *d, double now)
{
	struct djob	*dj;
	size_t		 i;
	int		 seen;

	for (i = 0; i < d->njobs; i++) {
		dj = d->jobs[i];
		if (dj->state != DJ_ELSEWHERE || dj->rel == NULL ||
		    dj->task.until > now)
			continue;
		seen = task_peek(&dj->task, now + d->conf->poll_interval);
		if (seen == TASK_DONE || seen == TASK_FAILED)
			djob_task_elsewhere(dj, seen, "");
	}
}

/*
 * Write a job's done marker (done; text its summary) or failed marker
 * (text why; of a kind) for the other hosts.
 */
void
djob_task_mark(struct djob *dj, int done, const char *text,
    enum task_kind kind)
{
	if (done)
		task_done(&dj->task, dj->output, text);
	else
		task_failed(&dj->task, text, kind, dj->d->conf->retry_delay);
}

/*
 * Whether a file in the spool is one this host's earlier run had claimed
 * and left (killed): the claim names its job id, which is the file's
 * only while it is unchanged.  Such a file is taken back at once, before
 * another host's lease-long wait for it could end.
 */
int
djob_task_orphaned(void *arg, const char *rel, const struct stat *sb)
{
	struct daemon	*d = arg;
	char		 id[JOBID_MAX];

	if (d->tokens == NULL || !d->tokens_ready)
		return 0;
	jobid_make(rel, sb->st_size, sb->st_mtim.tv_sec, id, sizeof(id));
	return tok_orphaned(d->tokens, id);
}
