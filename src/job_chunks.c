/*
 * The scheduler of a chunked job's encoders: up to parallel_encodes (else
 * jobs) chunks at once, each a child of the worker pool (pool.c) with its
 * own threads, longest chunk first with the film's last chunk at the
 * head; a failed chunk is tried once more; a stop ends them all (SIGTERM,
 * then SIGKILL after a grace period).  Chunks already there and verified
 * are counted as done.
 *
 * With a token directory each chunk is a task (task.c, the lifecycle and
 * the words the batch command and the daemon use for their jobs),
 * "<id>.d/<plan key>.cNNNN" (the plan's key in the name, so a plan made
 * anew never meets the markers of an older one): a chunk is encoded only
 * by the process that claims it, its claim renewed here while its encoder
 * runs, and marked done once its file is verified and in place.  Chunks other hosts hold
 * are looked at again from time to time, and taken over when their
 * claims go stale.  The job's own host waits for every chunk; a host
 * that only helps (JOB_STEP_HELP) leaves when none is left to claim.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chunk.h"
#include "fsutil.h"
#include "job_chunked.h"
#include "job_local.h"
#include "log.h"
#include "pool.h"
#include "task.h"
#include "token.h"
#include "xmalloc.h"

#define CHUNK_ATTEMPTS	2
#define CHUNK_EXIT_TRANSIENT 75	/* EX_TEMPFAIL: the failure may pass */
#define CHUNK_EXIT_REFUSED 78	/* EX_CONFIG: the encoder refused the
				 * settings, on every chunk */
#define CHUNK_TICK	0.2	/* seconds between looks at the encoders */
#define CHUNK_GRACE	10	/* seconds a stopped encoder has to clean up */
/* How long a chunk marked done may stay unseen: longer than any cache. */
#define CHUNK_UNSEEN(c)	((c)->job->conf->lease * 2 > 90 ? \
			    (c)->job->conf->lease * 2 : 90)

/* One chunk's encoder process. */
struct chunk_run {
	pid_t	pid;		/* 0: not running */
	int	attempts;
	int	done;
	double	until;		/* another host's: not looked at before */
	double	missing;	/* marked done, its file not seen since */
	struct task task;	/* with a token directory */
};

/* The scheduler's state. */
struct chunk_sched {
	struct job_ctx		*c;
	struct chunked		*k;
	const struct plan	*p;
	struct chunk_run	*run;
	const size_t		*order;
	struct pool		*pool;		/* the encoders, n at once */
	int			 n;
	int			 running;
	int			 failed;	/* an encoder's end failed the job */
	int			 stopping;
	size_t			 ndone;
	size_t			 encoded;	/* by this process */
	size_t			 reused;	/* there before */
};

static double
chunk_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Chunk k's part of the job's task: "<plan key>.cNNNN". */
static void
chunk_sub(const struct plan *p, size_t k, char *buf, size_t len)
{
	snprintf(buf, len, "%s.c%04zu", p->key, k);
}

/* A chunk task's lines, in the job's log: "chunk K: ...". */
static void
chunk_task_log(void *arg, int flags, const char *msg)
{
	size_t	k = (uintptr_t)arg;

	if (flags & TASK_LOG_ERROR)
		log_warnx("chunk %zu: %s", k, msg);
	else
		log_info("chunk %zu: %s", k, msg);
}

/*
 * Remove the temporary files of chunk k (every chunk when k is -1) whose
 * writers are gone: this host's processes that no longer run or, once
 * this process holds the chunk's claim, any host's (their writer lost
 * the claim: it was stopped, killed or cut off).
 */
static void
chunk_clean_tmp(const struct job_ctx *c, ssize_t k, int any)
{
	const struct chunked	*ck = c->pipe_state;
	struct dirent		*de;
	DIR			*dp;
	char			 host[256], prefix[32], *p;
	long			 pid;
	size_t			 hl;
	int			 fd;

	if (gethostname(host, sizeof(host)) == -1 ||
	    (fd = fs_open_dir(AT_FDCWD, ck->workdir)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	host[sizeof(host) - 1] = '\0';
	hl = strlen(host);
	if (k >= 0)
		snprintf(prefix, sizeof(prefix), ".chunk-%04zd.", k);
	else
		snprintf(prefix, sizeof(prefix), ".chunk-");
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    (p = strchr(de->d_name + 7, '.')) == NULL)
			continue;
		if (!any) {
			if (strncmp(p + 1, host, hl) != 0 || p[hl + 1] != '.')
				continue;
			pid = strtol(p + hl + 2, &p, 10);
			if (pid <= 0 || strcmp(p, ".tmp.mkv") != 0 ||
			    kill(pid, 0) == 0 || errno != ESRCH)
				continue;
		} else if (strlen(de->d_name) < 8 || strcmp(de->d_name +
		    strlen(de->d_name) - 8, ".tmp.mkv") != 0)
			continue;
		log_info("removing %s/%s, left by an encoder that was stopped",
		    ck->workdir, de->d_name);
		unlinkat(fd, de->d_name, 0);
	}
	closedir(dp);
}

/*
 * The reason a chunk's encoder left, or a word on how it ended.  The file
 * is in the shared work directory: read only when it is a regular file
 * (a FIFO would hang the scheduler, a link could show another file).
 */
static char *
chunk_reason(struct job_ctx *c, size_t k, int status)
{
	struct stat	 sb;
	char		*path, *text = NULL, buf[1024];
	ssize_t		 n;
	int		 fd;

	path = job_chunked_failed_path(c, k);
	if ((fd = fs_open_file(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW,
	    &sb)) != -1) {
		if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			text = xstrdup(buf);
		}
		close(fd);
	}
	unlink(path);
	free(path);
	if (text == NULL && WIFSIGNALED(status))
		xasprintf(&text, "encoder killed by signal %d",
		    WTERMSIG(status));
	else if (text == NULL)
		xasprintf(&text, "encoder exited with status %d",
		    WEXITSTATUS(status));
	return text;
}

/* What a chunk's encoder process runs: its exit status. */
struct chunk_child {
	struct job_ctx		*c;
	const struct plan	*p;
	size_t			 k;
};

static int
chunk_child(void *arg)
{
	struct chunk_child	*cc = arg;

	switch (job_chunked_encode(cc->c, cc->p, cc->k)) {
	case 0:
		return 0;
	case JOB_CHUNKED_TRANSIENT:
		return CHUNK_EXIT_TRANSIENT;
	case JOB_CHUNKED_REFUSED:
		return CHUNK_EXIT_REFUSED;
	default:
		return 1;
	}
}

/* Start chunk k's encoder process. */
static int
chunk_start(struct chunk_sched *s, size_t k)
{
	struct chunk_child	 cc = { s->c, s->p, k };
	const struct plan	*p = s->p;
	pid_t			 pid;

	if (p->chunks[k].cost > 0)
		log_info("chunk %zu of %zu: encoding frames %lld-%lld "
		    "(estimated cost %lld)", k, p->nchunks,
		    (long long)p->chunks[k].first, (long long)(p->chunks[k].first +
		    p->chunks[k].frames - 1), (long long)p->chunks[k].cost);
	else
		log_info("chunk %zu of %zu: encoding frames %lld-%lld", k,
		    p->nchunks, (long long)p->chunks[k].first,
		    (long long)(p->chunks[k].first + p->chunks[k].frames - 1));
	/* The slot's argument is the chunk's number, plus one. */
	if ((pid = pool_fork(s->pool, chunk_child, &cc,
	    (void *)(uintptr_t)(k + 1))) == -1)
		return job_fail(s->c, 1, "cannot start a chunk encoder: %s",
		    strerror(errno));
	s->run[k].pid = pid;
	s->run[k].attempts++;
	s->running++;
	return 0;
}

/* A chunk is finished (here or elsewhere): count it. */
static void
chunk_finished(struct chunk_sched *s, size_t k)
{
	s->run[k].done = 1;
	s->ndone++;
	s->c->chunks_done = s->ndone;
	s->c->sent += deint_frames(s->c->deint, s->p->chunks[k].frames);
	job_report(s->c, 1);
}

/* Mark a chunk this process holds done or failed in the token directory. */
static void
chunk_mark(struct chunk_sched *s, size_t k, const char *why, int transient)
{
	struct task	*t = &s->run[k].task;
	char		 text[128], *path;

	if (s->k->td == NULL)
		return;
	if (why != NULL) {
		task_failed(t, why, transient ? TASK_TRANSIENT : TASK_FINAL,
		    s->c->job->conf->retry_delay);
		return;
	}
	path = job_plan_chunk_path(s->c, k);
	snprintf(text, sizeof(text), "frames %lld-%lld",
	    (long long)s->p->chunks[k].first,
	    (long long)(s->p->chunks[k].first + s->p->chunks[k].frames - 1));
	task_done(t, path, text);
	free(path);
}

/* A chunk encoder ended: done, to try again, or the job's failure. */
static int
chunk_ended(struct chunk_sched *s, size_t k, int status)
{
	struct job_ctx		*c = s->c;
	const struct plan	*p = s->p;
	struct chunk_run	*run = &s->run[k];
	char			*why;
	size_t			 i;
	int			 transient;

	run->pid = 0;
	s->running--;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		chunk_mark(s, k, NULL, 0);
		s->encoded++;
		chunk_finished(s, k);
		/* Look again at once at what other hosts had: if this was
		 * the last chunk, this process joins them. */
		for (i = 0; i < s->p->nchunks; i++)
			s->run[i].until = 0;
		return 0;
	}
	why = chunk_reason(c, k, status);
	if (c->job->stop != NULL && *c->job->stop) {
		free(why);
		return -1;
	}
	if (run->task.lost) {
		/* Not ours any more: its new holder encodes it. */
		log_info("chunk %zu: left to the host that took it over", k);
		run->task.lost = 0;
		run->attempts--;
		run->until = chunk_now() + 1;
		free(why);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHUNK_EXIT_REFUSED) {
		/* The same settings on every chunk, every try. */
		job_fail(c, 0, "chunk %zu: the encoder refused the profile's "
		    "settings: %s", k, why);
		chunk_mark(s, k, c->job->error, 0);
		free(why);
		return -1;
	}
	if (run->attempts < CHUNK_ATTEMPTS) {
		log_warnx("chunk %zu (frames %lld-%lld) failed: %s; trying "
		    "again", k, (long long)p->chunks[k].first,
		    (long long)(p->chunks[k].first + p->chunks[k].frames - 1),
		    why);
		free(why);
		return 0;
	}
	/* A full work directory is worth another try later. */
	transient = WIFEXITED(status) &&
	    WEXITSTATUS(status) == CHUNK_EXIT_TRANSIENT;
	job_fail(c, transient, "chunk %zu (frames %lld-%lld) failed %d "
	    "times: %s", k, (long long)p->chunks[k].first,
	    (long long)(p->chunks[k].first + p->chunks[k].frames - 1),
	    run->attempts, why);
	chunk_mark(s, k, c->job->error, transient);
	free(why);
	return -1;
}

/* The pool reaped a chunk's encoder. */
static void
chunk_reaped(void *ctx, void *arg, pid_t pid, int status)
{
	struct chunk_sched	*s = ctx;
	size_t			 k = (uintptr_t)arg - 1;

	(void)pid;
	if (s->stopping) {
		s->run[k].pid = 0;
		s->running--;
	} else if (chunk_ended(s, k, status) != 0)
		s->failed = 1;
}

/* A chunk's encoder killed at the end of the grace period. */
static void
chunk_killed(void *ctx, void *arg, pid_t pid)
{
	struct chunk_sched	*s = ctx;
	size_t			 k = (uintptr_t)arg - 1;

	log_warnx("chunk %zu: encoder %ld killed, %d s after it was asked to "
	    "stop", k, (long)pid, CHUNK_GRACE);
	s->run[k].pid = 0;
	s->running--;
}

/* Stop the running encoders: SIGTERM, and SIGKILL after a grace period. */
static void
chunk_stop_all(struct chunk_sched *s)
{
	s->stopping = 1;
	pool_stop(s->pool, CHUNK_GRACE);
	while (pool_busy(s->pool) > 0 && pool_stop_left(s->pool) > 0) {
		pool_reap(s->pool);
		if (pool_busy(s->pool) > 0)
			job_nap(s->c, 0.05);
	}
	pool_kill_all(s->pool, chunk_killed);
}

/* A chunk claim found lost: its encoder stops, another host has it. */
static void
chunk_lost(void *arg, const char *task, const char *why)
{
	struct chunk_sched	*s = arg;
	size_t			 k;

	for (k = 0; k < s->p->nchunks; k++) {
		if (strcmp(s->run[k].task.key, task) != 0 ||
		    s->run[k].pid <= 0)
			continue;
		task_lost(&s->run[k].task, why);
		pool_kill(s->pool, s->run[k].pid, SIGTERM);
	}
}

/*
 * Chunk k is marked done by another host: 0 (counted when its file is
 * there, doubted when it stays unseen), or 2 when the whole job is done.
 */
static int
chunk_done_elsewhere(struct chunk_sched *s, size_t k)
{
	struct job_ctx		*c = s->c;
	struct chunk_run	*run = &s->run[k];
	const char		*node = run->task.other.node;
	char			*path;

	path = job_plan_chunk_path(c, k);
	if (access(path, F_OK) == 0) {
		free(path);
		s->reused++;
		chunk_finished(s, k);
		return 0;
	}
	if (job_chunked_joined(c)) {
		free(path);
		return 2;	/* the job is done, its chunks gone */
	}
	/* A network file system may show the marker before the file (a
	 * cached lookup): wait a while before doubting. */
	if (run->missing == 0) {
		run->missing = chunk_now();
		log_info("chunk %zu: marked done by node %s, %s not seen yet",
		    k, node, path);
	} else if (chunk_now() - run->missing > CHUNK_UNSEEN(c)) {
		log_warnx("chunk %zu: marked done by node %s, but %s is not "
		    "there after %.0f s: encoding it again (is work_dir shared "
		    "by every host?)", k, node, path,
		    chunk_now() - run->missing);
		tok_undo(s->k->td, run->task.key);
		run->missing = 0;
	}
	free(path);
	run->until = chunk_now() + 1;
	return 0;
}

/*
 * Claim chunk k: 1 when it is this process's to encode, 0 when it is
 * done or another's for now, 2 when the whole job is done elsewhere, -1
 * when the job fails.
 */
static int
chunk_claim(struct chunk_sched *s, size_t k)
{
	struct job_ctx		*c = s->c;
	struct chunk_run	*run = &s->run[k];
	const struct tok_file	*other = &run->task.other;
	char			*cause = NULL;

	switch (task_claim(&run->task, c->job->source, &cause)) {
	case TASK_MINE:
		chunk_clean_tmp(c, k, 1);
		if (job_chunked_have(c, s->p, k)) {
			log_info("chunk %zu: already there and verified", k);
			chunk_mark(s, k, NULL, 0);
			s->reused++;
			chunk_finished(s, k);
			return 0;
		}
		return 1;
	case TASK_DONE:
		return chunk_done_elsewhere(s, k);
	case TASK_HELD:
		run->until = chunk_now() + job_chunks_recheck(c);
		return 0;
	case TASK_WAIT:
		run->until = run->task.until;
		return 0;
	case TASK_FAILED:
		return job_fail(c, other->transient, "chunk %zu failed on node "
		    "%s: %s", k, other->node, other->text);
	default:
		job_fail(c, 1, "token directory: %s", cause);
		free(cause);
		return -1;
	}
}

/*
 * The next chunk to start in queue order, claimed when chunks are shared:
 * its number, -1 when none now, -2 when the job fails, -3 when it was
 * joined elsewhere.
 */
static ssize_t
chunk_next(struct chunk_sched *s)
{
	struct chunk_run	*run;
	double			 now = chunk_now();
	size_t			 i, k;
	int			 r;

	for (i = 0; i < s->p->nchunks; i++) {
		k = s->order[i];
		run = &s->run[k];
		if (run->done || run->pid != 0 || run->until > now ||
		    run->attempts >= CHUNK_ATTEMPTS)
			continue;
		if (s->k->td == NULL)
			return k;
		if ((r = chunk_claim(s, k)) == 1)
			return k;
		if (r == -1)
			return -2;
		if (r == 2)
			return -3;
	}
	return -1;
}

/* Collect the encoders that ended; -1 when the job fails. */
static int
chunk_reap(struct chunk_sched *s)
{
	pool_reap(s->pool);
	return s->failed ? -1 : 0;
}

/*
 * Encode every chunk not yet there, up to n at once: 0 when every chunk
 * is done, 1 when a helper has nothing left to claim, 2 when the job was
 * joined elsewhere, -1 on failure.
 */
static int
chunk_run_all(struct chunk_sched *s)
{
	struct job_ctx	*c = s->c;
	ssize_t		 k;
	int		 rv = 0;

	while (rv == 0 && s->ndone < s->p->nchunks) {
		if (*c->job->stop)
			break;
		k = -1;
		if (s->k->td != NULL)
			tok_renew(s->k->td, chunk_lost, s);
		while (s->running < s->n && !*c->job->stop &&
		    (k = chunk_next(s)) >= 0)
			if ((rv = chunk_start(s, k)) != 0)
				break;
		if (rv != 0 || k == -2) {
			rv = -1;
			break;
		}
		if (k == -3) {
			rv = 2;
			break;
		}
		if (s->running == 0 && s->ndone < s->p->nchunks) {
			if (s->k->td == NULL) {
				/* Every chunk tried as often as it may. */
				rv = -1;
				break;
			}
			if (c->job->step == JOB_STEP_HELP) {
				rv = 1;
				break;
			}
		}
		job_nap(c, CHUNK_TICK);
		if (chunk_reap(s) != 0)
			rv = -1;
	}
	if (rv == -1 || rv == 2 || *c->job->stop) {
		chunk_stop_all(s);
		if (rv == 2 && !*c->job->stop)
			return 2;
		if (*c->job->stop)
			job_fail(c, 1, "interrupted");
		else if (c->job->error == NULL)
			job_fail(c, 0, "chunks failed");
		return -1;
	}
	return rv;
}

/*
 * Seconds between looks at what other hosts hold: soon enough to take a
 * stale claim within a lease and a little.
 */
double
job_chunks_recheck(const struct job_ctx *c)
{
	double	every = c->job->conf->lease / 4.0;

	if (every > c->job->conf->poll_interval)
		every = c->job->conf->poll_interval;
	return every < 1 ? 1 : every;
}

/*
 * Encode the chunks that are not there yet: 0 when all are done, 1 when
 * a helper leaves the rest to others, 2 when another host joined them
 * meanwhile, -1 on failure.
 */
int
job_chunks_encode_all(struct job_ctx *c, const struct plan *p)
{
	static const struct pool_ops ops = { NULL, chunk_reaped, NULL };
	struct chunked		*ck = c->pipe_state;
	struct chunk_sched	 s;
	struct chunk_run	*run;
	size_t			*order, k, reused = 0;
	char			 sub[TOK_TASK_MAX];
	int			 rv;

	c->chunks = p->nchunks;
	c->chunks_done = 0;
	job_stage(c, JOB_CHUNKS);
	chunk_clean_tmp(c, -1, 0);
	run = xcalloc(p->nchunks, sizeof(*run));
	order = xcalloc(p->nchunks, sizeof(*order));
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.k = ck;
	s.p = p;
	s.run = run;
	s.order = order;
	s.n = job_plan_encoders(c);
	s.pool = pool_new(s.n, POOL_ORPHAN, &ops, &s);
	for (k = 0; k < p->nchunks; k++) {
		chunk_sub(p, k, sub, sizeof(sub));
		task_init(&run[k].task, ck->td, c->job->id, sub,
		    chunk_task_log, (void *)(uintptr_t)k);
		run[k].task.work = "its encoder";
	}
	for (k = 0; k < p->nchunks && ck->td == NULL; k++)
		if (job_chunked_have(c, p, k)) {
			chunk_finished(&s, k);
			s.reused++;
		}
	reused = s.reused;
	if (reused > 0)
		log_info("chunks: reusing %zu verified chunk%s of %zu", reused,
		    reused == 1 ? "" : "s", p->nchunks);
	log_info("chunks: %zu to encode%s, %d at once, %d thread%s each",
	    p->nchunks - reused, ck->td != NULL ? " (shared with other hosts)" :
	    "", s.n, c->job->prof->threads, c->job->prof->threads == 1 ? "" :
	    "s");
	chunk_queue(p->chunks, p->nchunks, s.n, order);
	rv = chunk_run_all(&s);
	c->job->res.helped = s.encoded;
	if (ck->td != NULL && rv >= 0)
		log_info("chunks: %zu of %zu done: %zu encoded here, %zu by "
		    "other hosts or before", s.ndone, p->nchunks, s.encoded,
		    s.ndone - s.encoded);
	pool_free(s.pool);
	free(order);
	free(run);
	return rv;
}
