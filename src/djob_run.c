/*
 * The daemon's jobs in workers: a worker ("distenc --worker", which alone
 * loads FFmpeg and x265) started in the daemon's pool for each job, its
 * settings on its stdin; what it reports read by the loop through the
 * pool; its result turned into done, failed, or a retry, with hooks run
 * and sources moved.  A worker may also help with another host's job.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "djob.h"
#include "fsutil.h"
#include "log.h"
#include "pool.h"
#include "spool.h"
#include "xmalloc.h"


/* The profile a job runs with: its directory's, and its sidecar's. */
static const struct profile *
djob_profile(struct djob *dj, char **cause)
{
	const struct profile	*prof;
	char			*side;

	if ((prof = conf_profile(dj->d->conf, dj->profile)) == NULL) {
		xasprintf(cause, "no profile %s", dj->profile);
		return NULL;
	}
	xasprintf(&side, "%s.distenc", dj->source);
	if (access(side, F_OK) == 0) {
		conf_profile_free(dj->sidecar);
		dj->sidecar = conf_sidecar(dj->d->conf, prof, side, cause);
		prof = dj->sidecar;
		if (prof != NULL)
			djob_log(dj, 0, "sidecar: %s", side);
	}
	free(side);
	return prof;
}

/*
 * The configuration a worker gets on its stdin: the daemon's settings
 * with the job's profile as the only one (directories and hooks are the
 * daemon's business).
 */
static char *
djob_config(const struct config *conf, const struct profile *prof,
    size_t *len)
{
	struct config	 c = *conf;
	FILE		*fp;
	char		*text = NULL;

	c.profiles = (struct profile *)prof;
	c.nprofiles = 1;
	c.default_profile = prof->name;
	c.dirs = NULL;
	c.ndirs = 0;
	c.on_done = c.on_failure = NULL;
	c.non_done = c.non_failure = 0;
	if ((fp = open_memstream(&text, len)) == NULL)
		fatal("open_memstream");
	conf_dump(&c, fp);
	if (fclose(fp) != 0)
		fatal("open_memstream");
	return text;
}

/* Whether the file is still the one the job's id was made from. */
static int
djob_current(struct djob *dj)
{
	struct stat	sb;

	if (lstat(dj->source, &sb) == -1 || !S_ISREG(sb.st_mode))
		return 0;
	return sb.st_size == dj->size && sb.st_mtim.tv_sec == dj->mtime;
}

/* Forget a job whose file changed or went before it started. */
static void
djob_drop(struct djob *dj)
{
	djob_log(dj, 0, "the file changed or went away before its job "
	    "started: dropped (a changed file is a new job)");
	unlink(dj->status);
	spool_forget(dj->d->spool, dj->rel);
	free(dj->rel);
	dj->rel = NULL;		/* remembered only, never started */
	dj->d->dirty = 1;
}

/*
 * The jobs this host runs at once with this one, which share its
 * processors (conf_share): those running and those queued, the job among
 * them, no more than the slots.
 */
static int
djob_sharing(const struct djob *dj)
{
	const struct daemon	*d = dj->d;
	size_t			 i;
	int			 n, slots = conf_jobs(d->conf);

	n = dj->state != DJ_QUEUED;
	for (i = 0; i < d->njobs; i++)
		n += d->jobs[i]->state == DJ_RUNNING ||
		    d->jobs[i]->state == DJ_QUEUED;
	return n < slots ? n : slots;
}

/* Run a worker program for the job (or for its chunks: help). */
static int
djob_exec(struct djob *dj, const struct profile *prof, int help)
{
	struct daemon	*d = dj->d;
	char		*text, *argv[22], sharing[16];
	size_t		 len;
	int		 rv, n = 0;

	text = djob_config(d->conf, prof, &len);
	argv[n++] = "distenc";
	argv[n++] = "--" WORKER_OPT;
	argv[n++] = "--" WORKER_OPT_OUTPUT;
	argv[n++] = dj->output;
	argv[n++] = "--" WORKER_OPT_LOG;
	argv[n++] = dj->log;
	argv[n++] = "--" WORKER_OPT_PREFIX;
	argv[n++] = dj->id;
	argv[n++] = "--" WORKER_OPT_ID;
	argv[n++] = dj->id;
	if (d->tokens != NULL) {
		argv[n++] = "--" WORKER_OPT_TOKENS;
		argv[n++] = (char *)tok_path(d->tokens);
		argv[n++] = "--" WORKER_OPT_NODE;
		argv[n++] = d->node;
	}
	if (help)
		argv[n++] = "--" WORKER_OPT_HELP;
	snprintf(sharing, sizeof(sharing), "%d", djob_sharing(dj));
	argv[n++] = "--" WORKER_OPT_SHARING;
	argv[n++] = sharing;
	argv[n++] = "--";
	argv[n++] = dj->source;
	argv[n] = NULL;
	dj->w = xcalloc(1, sizeof(*dj->w));
	pool_set_nice(d->workers, d->conf->nice);
	rv = worker_exec(d->workers, dj->w, d->worker_prog, argv, text, len,
	    dj);
	dj->active = pool_now();
	dj->stalled = 0;
	free(text);
	if (rv == -1) {
		free(dj->w);
		dj->w = NULL;
	}
	return rv;
}

/*
 * A failed attempt (why; of a kind; logged when the worker already wrote
 * it to the job's log): retried later, queued again, or failed for good.
 */
static void
djob_failed(struct djob *dj, const char *why, enum task_kind kind,
    int logged)
{
	struct daemon	*d = dj->d;

	if (dj->task.lost) {
		dj->task.lost = 0;
		dj->attempts--;
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		dj->task.until = 0;
		return;
	}
	if (kind == TASK_TRANSIENT && d->stopping) {
		dj->attempts--;		/* interrupted: not the job's fault */
		task_release(&dj->task);
		djob_log(dj, 0, "interrupted: queued for the next start");
		djob_set(dj, DJ_QUEUED, NULL, NULL);
		return;
	}
	djob_task_mark(dj, 0, why, kind);
	if (kind == TASK_TRANSIENT && dj->attempts < d->conf->max_attempts) {
		dj->retry_at = pool_now() + task_retrying(&dj->task,
		    dj->attempts, why, d->conf->retry_delay);
		djob_set(dj, DJ_WAITING, why, NULL);
	} else {
		d->totals.failed++;
		djob_log(dj, DJL_ERROR | (logged ? DJL_NOFILE : 0),
		    "failed: %s", why);
		djob_set(dj, DJ_FAILED, why, NULL);
		hook_run(dj, d->conf->on_failure, d->conf->non_failure);
		move_source(dj, "failed");
	}
}

/*
 * Another source of the spool whose output is dj's (a/clip.mp4 after
 * a/clip.mkv): the job that holds it, or NULL.  A failed job holds none.
 */
static const struct djob *
djob_output_holder(const struct djob *dj)
{
	const struct daemon	*d = dj->d;
	const struct djob	*o;
	size_t			 i;

	for (i = 0; i < d->njobs; i++) {
		o = d->jobs[i];
		if (o != dj && o->rel != NULL && o->state != DJ_FAILED &&
		    strcmp(o->rel, dj->rel) != 0 &&
		    strcmp(o->output, dj->output) == 0)
			return o;
	}
	return NULL;
}

/* A job done here counts its frames and bytes in and out. */
static void
djob_counted(struct djob *dj)
{
	struct daemon	*d = dj->d;
	struct stat	 sb;

	d->totals.done++;
	d->totals.frames += dj->frames;
	d->totals.media_seconds += dj->duration;
	d->totals.bytes_in += dj->size;
	if (stat(dj->output, &sb) == 0)
		d->totals.bytes_out += sb.st_size;
}

/* A job done: its marker, counts, status, on_done hook and source. */
static void
djob_done(struct djob *dj, const char *text)
{
	struct daemon	*d = dj->d;

	djob_task_mark(dj, 1, text, TASK_FINAL);
	djob_counted(dj);
	djob_log(dj, 0, "done: %s (%s)", dj->output, text);
	djob_set(dj, DJ_DONE, NULL, text);
	hook_run(dj, d->conf->on_done, d->conf->non_done);
	move_source(dj, "done");
}

/* Start a queued job in a worker. */
static void
djob_start(struct djob *dj)
{
	struct daemon		*d = dj->d;
	const struct profile	*prof;
	const struct djob	*holder;
	char			*cause = NULL, was[TOK_NODE_MAX];

	if (!djob_current(dj)) {
		djob_drop(dj);
		return;
	}
	snprintf(was, sizeof(was), "%s", dj->task.holder);
	if (d->tokens != NULL && djob_task_claim(dj) != 0)
		return;
	if (((*was != '\0' && !dj->output_found) ||
	    (dj->was_running && !d->conf->overwrite)) &&
	    fs_exists(dj->output)) {
		/*
		 * Taken over from a host, or from this host's earlier run,
		 * that published the output (whole and verified, as every
		 * output) and stopped before marking the job done: done, not
		 * encoded again.  Another host's job: the output came after
		 * this host queued it.  The earlier run's: with overwrite
		 * off, an output there before would have failed the job at
		 * its start, not left it running.
		 */
		xasprintf(&cause, "published by %s%s, which stopped before "
		    "marking it done", *was != '\0' ? "node " : "this host's "
		    "earlier run", was);
		dj->was_running = 0;
		djob_done(dj, cause);
		free(cause);
		return;
	}
	dj->was_running = 0;
	dj->attempts++;
	dj->started = time(NULL);
	if ((holder = djob_output_holder(dj)) != NULL) {
		xasprintf(&cause, "output %s is also %s's", dj->output,
		    holder->source);
		djob_failed(dj, cause, TASK_FINAL, 0);
		free(cause);
		return;
	}
	if ((prof = djob_profile(dj, &cause)) == NULL) {
		djob_failed(dj, cause, TASK_FINAL, 0);
		free(cause);
		return;
	}
	free(dj->statsdir);
	dj->statsdir = xstrdup(d->conf->stats_dir);
	if (djob_exec(dj, prof, 0) == -1) {
		xasprintf(&cause, "cannot start a worker: %s", strerror(errno));
		djob_failed(dj, cause, TASK_TRANSIENT, 0);
		free(cause);
		return;
	}
	d->totals.started++;
	djob_log(dj, 0, "started: attempt %d, profile %s, worker %ld",
	    dj->attempts, prof->name, (long)dj->w->pid);
	djob_set(dj, DJ_RUNNING, NULL, NULL);
}

/*
 * Help with a chunked job another host holds, once it has published its
 * plan: a worker claims and encodes its chunks, and joins them if the
 * last one is its own.  0 when started.
 */
static int
djob_help(struct djob *dj, double now)
{
	struct daemon		*d = dj->d;
	const struct profile	*prof;
	char			*cause = NULL;

	if (dj->state != DJ_ELSEWHERE || dj->rel == NULL ||
	    !task_helpable(&dj->task, now, now + d->conf->poll_interval) ||
	    !djob_current(dj))
		return -1;
	if ((prof = djob_profile(dj, &cause)) == NULL || !prof->chunked) {
		free(cause);
		return -1;
	}
	free(dj->statsdir);
	dj->statsdir = xstrdup(d->conf->stats_dir);
	if (djob_exec(dj, prof, 1) == -1) {
		djob_log(dj, DJL_ERROR, "cannot start a worker to help: %s",
		    strerror(errno));
		return -1;
	}
	task_helping(&dj->task, (long)dj->w->pid);
	djob_set(dj, DJ_RUNNING, NULL, NULL);
	return 0;
}

/* A job that could start, and its place among the daemon's jobs. */
struct djob_place {
	struct djob	*dj;
	size_t		 i;
};

/* Queue order: higher priority first, then first found. */
static int
djob_order(const void *a, const void *b)
{
	const struct djob_place	*pa = a, *pb = b;

	if (pa->dj->priority != pb->dj->priority)
		return pa->dj->priority > pb->dj->priority ? -1 : 1;
	return pa->i < pb->i ? -1 : pa->i > pb->i;
}

/* The jobs that could start now, in queue order. */
static struct djob_place *
djob_startable(struct daemon *d, double now, size_t *n)
{
	struct djob_place	*v;
	struct djob		*dj;
	size_t			 i;

	v = xreallocarray(NULL, d->njobs + 1, sizeof(*v));
	*n = 0;
	for (i = 0; i < d->njobs; i++) {
		dj = d->jobs[i];
		if (dj->rel != NULL && (dj->state == DJ_QUEUED ||
		    (dj->state == DJ_ELSEWHERE && dj->task.until <= now))) {
			v[*n].dj = dj;
			v[(*n)++].i = i;
		}
	}
	qsort(v, *n, sizeof(*v), djob_order);
	return v;
}

/*
 * Start queued jobs while slots are free, in queue order; then help
 * other hosts.  Nothing starts while the daemon is paused or outside its
 * active hours.
 */
void
djob_run_all(struct daemon *d)
{
	struct djob_place	*v;
	double			 now = pool_now();
	size_t			 i, n;

	if (d->paused || d->outside)
		return;
	v = djob_startable(d, now, &n);
	for (i = 0; i < n && pool_idle(d->workers) > 0; i++)
		djob_start(v[i].dj);
	free(v);
	for (i = 0; i < d->njobs && pool_idle(d->workers) > 0 &&
	    d->tokens != NULL && d->tokens_ready && !d->stopping; i++)
		djob_help(d->jobs[i], now);
	if (d->tokens != NULL && d->tokens_ready &&
	    pool_idle(d->workers) == 0)
		djob_task_peek(d, now);
}

/*
 * A worker that helped another host's job ended.  The job stays that
 * host's: its marker, hooks and sources are its business (even when the
 * file was joined and published here).
 */
static void
djob_helped(struct djob *dj, struct worker *w, int status)
{
	struct daemon	*d = dj->d;
	enum task_help	 how;

	if (w->state != WORKER_DONE && w->state != WORKER_HELPED &&
	    w->state != WORKER_SKIPPED && w->state != WORKER_DECLINED)
		job_leftovers(dj->source, dj->output, dj->statsdir,
		    (long)w->pid);
	how = worker_helped(w, d->stopping);
	task_helped(&dj->task, how, dj->output, w->text, !WIFSIGNALED(status));
	if (how == TASK_HELP_FAILED || how == TASK_HELP_STOPPED)
		dj->task.help_at = pool_now() + d->conf->retry_delay;
	djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
	dj->task.until = 0;
}

/*
 * A job the operator cancelled: its claim given back with a failed
 * marker, so no host takes it again until it is retried.
 */
void
djob_cancelled(struct djob *dj)
{
	dj->cancelling = 0;
	dj->task.lost = 0;
	dj->d->totals.cancelled++;
	task_failed(&dj->task, "cancelled", TASK_FINAL, 0);
	task_release(&dj->task);
	djob_log(dj, DJL_ERROR, "cancelled: not retried (\"distencctl retry "
	    "%s\" queues it again)", dj->id);
	djob_set(dj, DJ_CANCELLED, "cancelled", NULL);
}

/*
 * A worker declined its job (a rule, or the size guard): skipped for
 * good, here and on the other hosts; its source stays, or goes to done/
 * when move_skipped says so.
 */
static void
djob_declined(struct djob *dj, const char *why)
{
	char	*text;

	dj->task.lost = 0;
	dj->d->totals.skipped++;
	xasprintf(&text, "%s%s", TASK_SKIPPED, why);
	djob_task_mark(dj, 1, text, TASK_FINAL);
	free(text);
	djob_log(dj, 0, "skipped: %s", why);
	djob_set(dj, DJ_SKIPPED, NULL, why);
	if (dj->d->conf->move_skipped)
		move_source(dj, "done");
}

/* A worker's job ended here: done, or failed. */
static void
djob_ended(struct djob *dj, struct worker *w, int status)
{
	struct daemon	*d = dj->d;
	int		 done;

	if (w->state == WORKER_DECLINED) {
		djob_declined(dj, w->text);
		return;
	}
	done = w->state == WORKER_DONE;
	if (!done && w->state != WORKER_SKIPPED)
		/* Whatever the worker could not clean up (killed, or died
		 * in a sanitizer's or the C library's abort): the names
		 * hold its pid, so nothing else matches them. */
		job_leftovers(dj->source, dj->output, dj->statsdir,
		    (long)w->pid);
	if (w->state == WORKER_SKIPPED) {
		/* Not encoded: never reported done. */
		w->kind = TASK_FINAL;
		snprintf(w->text, sizeof(w->text), "output %s exists: not "
		    "replaced (overwrite is off)", dj->output);
	}
	if (dj->stalled && !done) {
		w->kind = TASK_TRANSIENT;
		snprintf(w->text, sizeof(w->text), "no progress for %d s: "
		    "stopped", d->conf->stall_timeout);
	}
	if (!done && dj->cancelling) {
		djob_cancelled(dj);
		return;
	}
	if (!done) {
		djob_failed(dj, w->text, w->kind, !WIFSIGNALED(status));
		return;
	}
	if (dj->task.lost)
		djob_log(dj, 0, "finished after its claim was lost: %s (%s)",
		    dj->output, w->text);
	dj->task.lost = 0;
	djob_done(dj, w->text);
}

/* A worker ended (the pool reaped it): take its result. */
static void
djob_reaped(void *ctx, void *arg, pid_t pid, int status)
{
	struct djob	*dj = arg;
	struct worker	*w = dj->w;

	(void)ctx;
	(void)pid;
	worker_reap(w, status);
	dj->w = NULL;
	if (dj->task.helping)
		djob_helped(dj, w, status);
	else
		djob_ended(dj, w, status);
	conf_profile_free(dj->sidecar);
	dj->sidecar = NULL;
	free(w);
}

/*
 * A progress report of dj's worker, after was (NULL: its first): its
 * figures kept on the job, which are its counts once done; 1 when a new
 * stage began or a chunk was done (changes its status and metrics show at
 * once, however short the stage).
 */
static int
djob_progressed(struct djob *dj, const struct job_progress *was)
{
	const struct job_progress	*p = &dj->w->progress;

	if (p->total > 0)
		dj->frames = p->total;
	if (p->duration > 0)
		dj->duration = p->duration;
	return was == NULL || p->stage != was->stage ||
	    p->chunks_done != was->chunks_done;
}

/*
 * A line from a job's worker: progress or its result, else a log line,
 * already in the job's log (the daemon's at -v).  The status is written
 * at a new stage or chunk, else at most every 2 s.
 */
static void
djob_line(void *ctx, void *arg, const char *line)
{
	struct djob		*dj = arg;
	struct worker		*w = dj->w;
	struct job_progress	 was = w->progress;
	int			 had = w->have_progress, now = 0, report = 0;

	(void)ctx;
	dj->active = pool_now();	/* any line: the worker is alive */
	switch (worker_control(w, line)) {
	case 0:
		log_debug("%s", line);
		break;
	case WORKER_PROGRESS:
		report = w->have_progress;
		now = report && djob_progressed(dj, had ? &was : NULL);
		break;
	}
	if (now || pool_now() - dj->written >= 2)
		djob_write(dj);
	else if (report)
		dj->unwritten = 1;	/* written at the next poll */
}

static const struct pool_ops djob_pool_ops = {
	.line = djob_line,
	.ended = djob_reaped,
	.exec_failed = worker_exec_failed,
};

/* The pool the daemon's workers run in, a slot per job. */
struct pool *
djob_run_pool(struct daemon *d)
{
	return pool_new(conf_jobs(d->conf), POOL_PIPE | POOL_ORPHAN,
	    &djob_pool_ops, d);
}

/* A worker killed at shutdown: its job is queued for the next start. */
static void
djob_killed(void *ctx, void *arg, pid_t pid)
{
	struct djob	*dj = arg;

	(void)ctx;
	job_leftovers(dj->source, dj->output, dj->statsdir, (long)pid);
	free(dj->w);
	dj->w = NULL;
	task_release(&dj->task);
	dj->attempts--;
	djob_log(dj, DJL_ERROR, "worker killed at shutdown: queued for the "
	    "next start");
	djob_set(dj, DJ_QUEUED, NULL, NULL);
}

/* Kill the workers still running and remove what they leave. */
void
djob_run_kill_all(struct daemon *d)
{
	pool_kill_all(d->workers, djob_killed);
}

/* A claim found lost while its job ran: stop the job, another has it. */
void
djob_run_lost(void *arg, const char *key, const char *why)
{
	struct djob	*dj;

	if ((dj = djob_find(arg, key)) == NULL || dj->state != DJ_RUNNING ||
	    dj->w == NULL)
		return;
	task_lost(&dj->task, why);
	pool_kill(dj->d->workers, dj->w->pid, SIGTERM);
}

/*
 * Stop the workers that showed no progress for stall_timeout seconds
 * (SIGTERM, and SIGCONT for a stopped one), and kill those that did not
 * end STALL_KILL_SECONDS later: their jobs fail as transient.
 */
void
djob_run_stalled(struct daemon *d)
{
	struct djob	*dj;
	double		 now = pool_now();
	size_t		 i;

	for (i = 0; i < d->njobs; i++) {
		dj = d->jobs[i];
		if (dj->w == NULL || djob_stall_due(dj) > now)
			continue;
		if (dj->stalled) {
			pool_kill(d->workers, dj->w->pid, SIGKILL);
			continue;
		}
		djob_log(dj, DJL_ERROR, "no progress for %d s: stopping the "
		    "worker", d->conf->stall_timeout);
		dj->stalled = 1;
		pool_kill(d->workers, dj->w->pid, SIGTERM);
		pool_kill(d->workers, dj->w->pid, SIGCONT);
	}
}
