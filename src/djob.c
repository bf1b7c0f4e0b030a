/*
 * The daemon's jobs: a record for each file the spool offered or a status
 * file remembered, its state written to its status file and its lines to
 * its log.  Running them is djob_run.c's business.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "djob.h"
#include "fsutil.h"
#include "log.h"
#include "rules.h"
#include "spool.h"
#include "status.h"
#include "xmalloc.h"

static const char *djob_state_names[] = {
	"queued", "running", "waiting", "done", "failed", "elsewhere",
	"cancelled", "skipped"
};

static void	djob_task_log(void *, int, const char *);

/* A state's name, as status files and hooks say it. */
const char *
djob_state_name(enum djob_state state)
{
	return djob_state_names[state];
}

static int
djob_cmp(const void *a, const void *b)
{
	return strcmp(((const struct djob *)a)->id,
	    ((const struct djob *)b)->id);
}

/* The job of an id, or NULL. */
struct djob *
djob_find(struct daemon *d, const char *id)
{
	struct djob	key, **found;

	snprintf(key.id, sizeof(key.id), "%s", id);
	found = tfind(&key, &d->jobindex, djob_cmp);
	return found != NULL ? *found : NULL;
}

/* A new job record, indexed by id. */
static struct djob *
djob_new(struct daemon *d, const char *id)
{
	struct djob	*dj;

	dj = xcalloc(1, sizeof(*dj));
	dj->d = d;
	task_init(&dj->task, d->tokens, id, NULL, djob_task_log, dj);
	snprintf(dj->id, sizeof(dj->id), "%s", id);
	d->jobs = xreallocarray(d->jobs, d->njobs + 1, sizeof(*d->jobs));
	d->jobs[d->njobs++] = dj;
	tsearch(dj, &d->jobindex, djob_cmp);
	xasprintf(&dj->status, "%s/%s.json", d->conf->status_dir, id);
	xasprintf(&dj->log, "%s/%s.log", d->conf->log_dir, id);
	return dj;
}

/* A line of the daemon's own about a job: its log and the job's. */
void
djob_log(struct djob *dj, int flags, const char *fmt, ...)
{
	FILE	*fp;
	va_list	 ap;
	char	 msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (flags & DJL_ERROR)
		log_warnx("%s: %s", dj->rel ? dj->rel : dj->id, msg);
	else
		log_info("%s: %s", dj->rel ? dj->rel : dj->id, msg);
	if ((flags & DJL_NOFILE) || (fp = fopen(dj->log, "a")) == NULL)
		return;
	log_stamp(fp, flags & DJL_ERROR, "%s", msg);
	fclose(fp);
}

/* A line about a job's task (see task.h): the job's own line. */
static void
djob_task_log(void *arg, int flags, const char *msg)
{
	djob_log(arg, ((flags & TASK_LOG_ERROR) ? DJL_ERROR : 0) |
	    ((flags & TASK_LOG_SAID) ? DJL_NOFILE : 0), "%s", msg);
}

/* The share of a job done, from its stage and frame counts. */
double
djob_progress(const struct djob *dj)
{
	const struct job_progress	*p;
	double				 f;

	if (dj->state == DJ_DONE)
		return 1.0;
	if (dj->state != DJ_RUNNING || dj->w == NULL || !dj->w->have_progress)
		return 0.0;
	p = &dj->w->progress;
	f = p->total > 0 ? (double)p->frame / p->total : 0;
	if (f > 1)
		f = 1;
	switch (p->stage) {
	case JOB_PASS1:
		return 0.02 + 0.45 * f;
	case JOB_PASS2:
		return 0.47 + 0.45 * f;
	case JOB_SCENES:
		return 0.02 + 0.13 * f;
	case JOB_CHUNKS:
		return 0.15 + 0.75 * f;
	case JOB_JOIN:
		return 0.90 + 0.05 * f;
	case JOB_VERIFY:
		return 0.95;
	case JOB_PUBLISH:
		return 0.99;
	default:
		return 0.01;
	}
}

/* Whether a job is over: done, failed for good, or cancelled. */
int
djob_finished(const struct djob *dj)
{
	return dj->state == DJ_DONE || dj->state == DJ_FAILED ||
	    dj->state == DJ_CANCELLED || dj->state == DJ_SKIPPED;
}

/* Write a job's status file now. */
void
djob_write(struct djob *dj)
{
	struct daemon	*d = dj->d;
	const struct job_progress	*p = NULL;
	struct status_job		 s;
	char				*cause = NULL;
	int				 live;

	if (dj->rel == NULL)
		return;
	live = dj->state == DJ_RUNNING && dj->w != NULL &&
	    dj->w->have_progress;
	if (live)
		p = &dj->w->progress;
	memset(&s, 0, sizeof(s));
	s.id = dj->id;
	s.source = dj->source;
	s.relative = dj->rel;
	s.profile = dj->profile;
	s.node = dj->task.holder[0] != '\0' ? dj->task.holder : d->node;
	s.state = dj->task.helping ? "helping" : djob_state_names[dj->state];
	s.stage = live ? job_stage_name(p->stage) : NULL;
	s.progress = djob_progress(dj);
	s.frame = live ? p->frame : dj->state == DJ_DONE ? dj->frames : 0;
	s.frames = dj->frames;
	s.duration = dj->duration;
	s.fps = live ? p->fps : 0;
	s.eta = live ? p->eta : -1;
	s.output = dj->output;
	s.error = dj->error;
	s.log = dj->log;
	s.summary = dj->summary;
	s.reason = dj->state == DJ_SKIPPED ? dj->summary : NULL;
	s.attempts = dj->attempts;
	s.created = dj->created;
	s.started = dj->started;
	s.finished = dj->finished;
	if (status_job_write(dj->status, &s, &cause) != 0) {
		log_warnx("status: %s", cause);
		free(cause);
	}
	dj->written = spool_now();
	dj->unwritten = 0;
	d->dirty = 1;
}

/*
 * Write the status of the running jobs whose worker reported progress
 * since their status was last written (at most every 2 s as reports come
 * in): at each poll, so that a worker that went quiet (stopped, or between
 * reports) has its last figures in its status too.
 */
void
djob_flush(struct daemon *d)
{
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_RUNNING && d->jobs[i]->unwritten)
			djob_write(d->jobs[i]);
}

/* Set a job's state, error and summary, and write its status. */
void
djob_set(struct djob *dj, enum djob_state state, const char *error,
    const char *summary)
{
	char	*e = error ? xstrdup(error) : NULL;
	char	*s = summary ? xstrdup(summary) : NULL;

	dj->state = state;
	free(dj->error);
	dj->error = e;
	free(dj->summary);
	dj->summary = s;
	if (djob_finished(dj))
		dj->finished = time(NULL);
	djob_write(dj);
}

/*
 * Remember the jobs of earlier runs from their status files: done and
 * failed ones are never taken again; the others are taken again when the
 * spool offers their file.
 */
void
djob_remember(struct daemon *d)
{
	struct dirent	*de;
	struct djob	*dj;
	DIR		*dir;
	char		*path, *id, *state, *reason, *cause = NULL;
	size_t		 n;
	int		 attempts, s, count = 0;

	if ((dir = opendir(d->conf->status_dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
		    strcmp(de->d_name, "distencd.json") == 0)
			continue;
		xasprintf(&path, "%s/%s", d->conf->status_dir, de->d_name);
		if (status_job_read(path, &id, &state, &attempts, &reason,
		    &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
			free(path);
			continue;
		}
		if (strlen(id) < JOBID_MAX && djob_find(d, id) == NULL) {
			dj = djob_new(d, id);
			for (s = 0; s < DJ_STATES; s++)
				if (strcmp(state, djob_state_names[s]) == 0)
					dj->state = s;
			dj->was_running = dj->state == DJ_RUNNING;
			if (dj->state == DJ_RUNNING ||
			    dj->state == DJ_WAITING ||
			    dj->state == DJ_ELSEWHERE)
				dj->state = DJ_QUEUED;
			dj->attempts = attempts;
			/* a skipped job keeps its reason (distencctl retry) */
			if (dj->state == DJ_SKIPPED && reason != NULL) {
				dj->summary = reason;
				reason = NULL;
			}
			count++;
		}
		free(reason);
		free(id);
		free(state);
		free(path);
	}
	closedir(dir);
	log_info("remembered %d jobs from %s", count, d->conf->status_dir);
}

/* The output path for a source at rel: .mkv below output_dir. */
static char *
djob_output(struct daemon *d, const char *rel)
{
	char	*copy, *dot, *slash, *out;

	copy = xstrdup(rel);
	dot = strrchr(copy, '.');
	slash = strrchr(copy, '/');
	if (dot != NULL && dot != copy && (slash == NULL || dot > slash + 1))
		*dot = '\0';
	xasprintf(&out, "%s/%s.mkv", d->conf->output_dir, copy);
	free(copy);
	return out;
}

/* A settled file in the spool: queue it unless it is known. */
void
djob_ready(void *arg, const char *rel, const struct stat *sb)
{
	struct daemon	*d = arg;
	struct djob	*dj;
	char		 id[JOBID_MAX], why[128];

	if (!rules_is_job(d->conf, rel, why, sizeof(why))) {
		log_debug("not a job: %s: %s", rel, why);
		return;
	}
	jobid_make(rel, sb->st_size, sb->st_mtim.tv_sec, id, sizeof(id));
	if ((dj = djob_find(d, id)) != NULL) {
		if (dj->rel == NULL && djob_finished(dj) && dj->seen == NULL)
			dj->seen = xstrdup(rel);	/* for a retry */
		if (dj->rel != NULL || djob_finished(dj))
			return;		/* active, or finished earlier */
	} else {
		dj = djob_new(d, id);
		dj->state = DJ_QUEUED;
	}
	dj->rel = xstrdup(rel);
	dj->size = sb->st_size;
	dj->mtime = sb->st_mtim.tv_sec;
	free(dj->source);
	free(dj->output);
	free(dj->profile);
	xasprintf(&dj->source, "%s/%s", d->conf->spool_dir, rel);
	dj->output = djob_output(d, rel);
	dj->output_found = fs_exists(dj->output);
	dj->profile = xstrdup(conf_dir_profile(d->conf, rel));
	dj->created = time(NULL);
	djob_log(dj, 0, "queued: %s (id %s, profile %s)", dj->source, dj->id,
	    dj->profile);
	djob_write(dj);
}

/* Number of jobs in a state. */
int
djob_count(struct daemon *d, enum djob_state state)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == state && (djob_finished(d->jobs[i]) ||
		    d->jobs[i]->rel != NULL))
			n++;
	return n;
}

/* Queue waiting jobs whose retry time has come. */
void
djob_retry_due(struct daemon *d)
{
	double	now = spool_now();
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_WAITING &&
		    d->jobs[i]->retry_at <= now && d->jobs[i]->rel != NULL &&
		    !d->stopping)
			djob_set(d->jobs[i], DJ_QUEUED, d->jobs[i]->error,
			    NULL);
}

/* When a waiting job or another host's is to be looked at again. */
double
djob_due(const struct djob *dj)
{
	if (dj->state == DJ_WAITING)
		return dj->retry_at;
	if (dj->state == DJ_ELSEWHERE)
		return dj->task.until;
	if (dj->w != NULL)
		return djob_stall_due(dj);
	return HUGE_VAL;
}

/*
 * When the running job dj is due to be stopped for want of progress (or,
 * stopped, killed): HUGE_VAL when never.
 */
double
djob_stall_due(const struct djob *dj)
{
	int	limit = dj->d->conf->stall_timeout;

	if (dj->w == NULL || limit == 0)
		return HUGE_VAL;
	return dj->active + limit + (dj->stalled ? STALL_KILL_SECONDS : 0);
}

/* Look again at jobs other hosts had (the token directory changed). */
void
djob_recheck(struct daemon *d)
{
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_ELSEWHERE)
			d->jobs[i]->task.until = 0;
}

/* Free a job record, taken out of the daemon's index. */
void
djob_free(struct djob *dj)
{
	tdelete(dj, &dj->d->jobindex, djob_cmp);
	free(dj->rel);
	free(dj->source);
	free(dj->output);
	free(dj->log);
	free(dj->status);
	free(dj->profile);
	free(dj->statsdir);
	free(dj->seen);
	free(dj->error);
	free(dj->summary);
	conf_profile_free(dj->sidecar);
	free(dj);
}

/* Free every job record (at exit, for leak checkers). */
void
djob_free_all(struct daemon *d)
{
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		djob_free(d->jobs[i]);
	free(d->jobs);
	d->jobs = NULL;
	d->njobs = 0;
}
