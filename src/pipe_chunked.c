/*
 * The chunked pipeline: the plan (job_plan.c), the chunks encoded (all of
 * them by the scheduler in job_chunks.c, or one), and their joining
 * (job_chunked.c), with the work shared through a token directory when
 * the job has one: the plan published for other hosts, the joining
 * claimed by whoever finishes the last chunk, and marked done once the
 * joined file is published.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "fsutil.h"
#include "job_chunked.h"
#include "job_local.h"
#include "log.h"
#include "token.h"
#include "xmalloc.h"

/* The joining's task lines, in the job's log: "join: ...". */
static void
chunked_join_log(void *arg, int flags, const char *msg)
{
	(void)arg;
	if (flags & TASK_LOG_ERROR)
		log_warnx("join: %s", msg);
	else
		log_info("join: %s", msg);
}

/*
 * Make the state; with a token directory, attach to it: 1 when another
 * host joined this job's chunks already (published: nothing to do).
 */
static int
chunked_open(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct chunked	*k;

	k = xcalloc(1, sizeof(*k));
	c->pipe_state = k;
	if (j->tokens == NULL || j->id == NULL ||
	    (j->step != JOB_STEP_ALL && j->step != JOB_STEP_HELP))
		return 0;
	k->td = tok_attach(j->tokens, j->node, j->conf->lease,
	    j->conf->max_attempts);
	task_init(&k->join, k->td, j->id, "join", chunked_join_log, NULL);
	k->join.work = "the join";
	return job_chunked_joined(c);
}

/* A film grain table must be readable before any chunk is started. */
static int
chunked_grain_table(struct job_ctx *c)
{
	const char	*path = c->job->prof->grain_table;
	struct stat	 sb;
	char		 magic[8];
	int		 fd;
	ssize_t		 n;

	if (*path == '\0' || strcmp(c->job->prof->encoder, "aom") != 0)
		return 0;
	if ((fd = fs_open_file(AT_FDCWD, path, O_RDONLY, &sb)) == -1)
		return job_fail(c, 0, "film grain table %s: %s", path,
		    fs_open_error(errno));
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != sizeof(magic) || memcmp(magic, "filmgrn1", 8) != 0)
		return job_fail(c, 0, "film grain table %s: not a grain table "
		    "(no filmgrn1 header)", path);
	return 0;
}

/*
 * Publish the plan in the token directory, under its key: the sign for
 * other hosts that this job's chunks may be claimed.
 */
static int
chunked_publish_plan(struct job_ctx *c, const struct plan *p)
{
	struct chunked	*k = c->pipe_state;
	char		 name[TOK_TASK_MAX], *text, *cause = NULL;
	int		 rv;

	snprintf(name, sizeof(name), "%s.d/%s.plan", c->job->id, p->key);
	xasprintf(&text, "distenc-plan 1\nkey %s\nchunks %zu\nframes %lld\n"
	    "workdir %s\n", p->key, p->nchunks, (long long)p->frames,
	    k->workdir);
	rv = tok_publish(k->td, name, text, strlen(text), &cause);
	free(text);
	if (rv == -1) {
		job_fail(c, 1, "token directory: %s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Whether the plan a helper found is the one published for all hosts. */
static int
chunked_plan_published(struct job_ctx *c, const struct plan *p)
{
	struct chunked	*k = c->pipe_state;
	char		 suffix[32];

	snprintf(suffix, sizeof(suffix), "%s.plan", p->key);
	return tok_has_sub(k->td, c->job->id, suffix);
}

/* Check the chunk lengths and the grain table; find the work directory:
 * 0, -1, or 1 when a helper finds none (job_plan_workdir). */
static int
chunked_check(struct job_ctx *c)
{
	const struct profile	*prof = c->job->prof;

	if (prof->max_chunk_length > 0 &&
	    prof->max_chunk_length < prof->min_chunk_length)
		return job_fail(c, 0, "max_chunk_length %d is shorter than "
		    "min_chunk_length %d", prof->max_chunk_length,
		    prof->min_chunk_length);
	if (chunked_grain_table(c) != 0)
		return -1;
	return job_plan_workdir(c);
}

/*
 * Check the settings, find the work directory and the plan: 0, or 1 when
 * a helper finds no plan of its settings to help with, or -1.
 */
static int
chunked_setup(struct job_ctx *c, struct plan *p)
{
	struct chunked	*k = c->pipe_state;
	struct job	*j = c->job;
	int		 rv;

	memset(p, 0, sizeof(*p));
	if ((rv = chunked_check(c)) != 0)
		return rv;
	job_stage(c, JOB_SCENES);
	if ((rv = job_plan(c, p)) != 0)
		return rv;
	job_rate_keep(c);	/* after the plan, which may empty the dir */
	if (j->step == JOB_STEP_HELP && !chunked_plan_published(c, p)) {
		snprintf(j->res.note, sizeof(j->res.note), "the plan in %s is "
		    "not published (yet) in the token directory", k->workdir);
		plan_clear(p);
		return 1;
	}
	if (k->td != NULL && j->step != JOB_STEP_HELP)
		tok_clear_failed(k->td, j->id);	/* a new attempt */
	if (k->td != NULL && j->step != JOB_STEP_HELP &&
	    chunked_publish_plan(c, p) != 0) {
		plan_clear(p);
		return -1;
	}
	/* Planned in the source's frames; encoded, joined and verified in
	 * the deinterlacer's (fewer, at 4/5 the rate, when telecine is
	 * undone). */
	j->res.frames = deint_frames(c->deint, p->frames);
	if (c->deint == DEINT_TELECINE)
		c->mi.fps = c->deint_fps;
	c->vspan = p->duration;
	j->res.naudio = p->naudio;
	log_info("plan: %zu chunks of %d frames or more, %lld frames",
	    p->nchunks, j->prof->min_chunk_length, (long long)p->frames);
	return 0;
}

/* Every chunk must be there already (for a join on its own). */
static int
chunked_all_there(struct job_ctx *c, const struct plan *p)
{
	size_t	k;

	for (k = 0; k < p->nchunks; k++)
		if (!job_chunked_have(c, p, k))
			return job_fail(c, 1, "chunk %zu of %zu is not there "
			    "yet", k, p->nchunks);
	return 0;
}

/*
 * One unit of a chunked job's work on its own: the plan, or the plan and
 * one chunk (which is left as it is when it is there and verifies).  1
 * when done, -1; 0 (the whole job to run) for the other steps.
 */
static int
chunked_prepare(struct job_ctx *c)
{
	struct job	*j = c->job;
	struct plan	 p;
	size_t		 k = j->step_chunk;
	int		 rv = 1;

	if (j->step != JOB_STEP_PLAN && j->step != JOB_STEP_CHUNK)
		return 0;
	if (chunked_setup(c, &p) != 0)
		return -1;
	if (j->step == JOB_STEP_CHUNK) {
		if (j->step_chunk < 0 || k >= p.nchunks)
			rv = job_fail(c, 0, "no chunk %ld: the plan has %zu",
			    j->step_chunk, p.nchunks);
		else if (job_chunked_have(c, &p, k))
			log_info("chunk %zu: already there and verified", k);
		else if (job_chunked_encode(c, &p, k) != 0)
			rv = job_fail_err(c);
	}
	plan_clear(&p);
	return rv;
}

/*
 * With every chunk done, claim the joining (a task, see task.h): 0 when
 * this process joins, 1 when another host did or does (a helper leaves
 * it; the job's own host waits for it, and takes it over should that
 * host stop), -1.
 */
static int
chunked_join_claim(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;
	struct job	*j = c->job;
	struct task	*t = &k->join;
	char		*cause = NULL;

	for (;;) {
		if (job_chunked_joined(c))
			return 1;
		switch (task_claim(t, j->source, &cause)) {
		case TASK_MINE:
			log_info("chunks: all done, the last of them here: "
			    "joining");
			return 0;
		case TASK_DONE:
			return job_chunked_joined_by(c, &t->other);
		case TASK_HELD:
		case TASK_WAIT:
			if (j->step == JOB_STEP_HELP) {
				snprintf(j->res.note, sizeof(j->res.note),
				    "node %s joins the chunks", t->holder);
				return 1;
			}
			break;
		case TASK_FAILED:
			return job_fail(c, t->other.transient, "joining failed "
			    "on node %s: %s", t->other.node, t->other.text);
		default:
			job_fail(c, 1, "token directory: %s", cause);
			free(cause);
			return -1;
		}
		if (job_nap(c, job_chunks_recheck(c)) != 0)
			return job_fail(c, 1, "interrupted");
	}
}

/*
 * The joining's claim was lost (another host took it over while this one
 * was cut off or frozen): the join, verify or publish under way stops,
 * and no done marker is written.  Called on the renewing thread.
 */
static void
chunked_join_lost(void *arg, const char *task, const char *why)
{
	struct job_ctx	*c = arg;
	struct chunked	*k = c->pipe_state;

	(void)task;
	task_lost(&k->join, why);
	*c->job->stop = 1;
}

/*
 * Plan, encode the chunks, join them.  0 when this process joined them
 * (to verify and publish), 1 when that is another host's (or a helper's
 * share is done), -1.
 */
static int
chunked_encode(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;
	struct job	*j = c->job;
	struct plan	 p;
	int		 rv;

	if ((rv = chunked_setup(c, &p)) != 0)
		return rv;
	if (j->step == JOB_STEP_JOIN)
		rv = chunked_all_there(c, &p);
	else
		rv = job_chunks_encode_all(c, &p);
	if (rv == 2)
		rv = 1;		/* joined elsewhere meanwhile */
	else if (rv == 1)
		snprintf(j->res.note, sizeof(j->res.note), "encoded %d of %zu "
		    "chunks; the others are other hosts'", j->res.helped,
		    p.nchunks);
	if (rv == 0 && k->td != NULL)
		rv = chunked_join_claim(c);
	/* Joining, verifying and publishing may take longer than a lease:
	 * the claim is renewed meanwhile, until its done marker is written
	 * (chunked_published) or the job ends (chunked_close). */
	if (rv == 0 && task_held(&k->join))
		k->keep = tok_keep_start(k->td, chunked_join_lost, c);
	if (rv == 0 && (rv = job_chunked_join(c, &p)) == 0)
		j->res.actual_kbps = c->vbytes * 8.0 / 1000 /
		    (c->vspan / 1e6);
	plan_clear(&p);
	return rv;
}

/*
 * The joined file is published: mark the joining done for the other
 * hosts, with where the file is and what it is (summary); the work
 * directory is no longer needed: the plan, the chunks, and whatever a
 * stopped encoder left.
 */
static void
chunked_published(struct job_ctx *c, const char *summary)
{
	struct chunked	*k = c->pipe_state;

	tok_keep_stop(k->keep);
	k->keep = NULL;
	if (task_held(&k->join) && !k->join.lost) {
		task_done(&k->join, c->job->output, summary);
		c->job->res.joined = 1;
	}
	if (k->workdir == NULL)
		return;
	job_plan_empty_dir(k->workdir, 1);
}

/* Free the state; any chunk claim still held is given back. */
static void
chunked_close(struct job_ctx *c)
{
	struct chunked	*k = c->pipe_state;

	if (k == NULL)
		return;
	tok_keep_stop(k->keep);
	free(k->workdir);
	tok_close(k->td);
	free(k);
	c->pipe_state = NULL;
}

const struct pipeline_ops pipe_chunked_ops = {
	chunked_open,
	chunked_prepare,
	chunked_encode,
	chunked_published,
	chunked_close
};
