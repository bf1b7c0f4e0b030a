/*
 * Forgetting finished jobs: a job done or failed more than job_retention
 * seconds ago whose source has left the spool (moved, removed, or changed
 * into a new job) is dropped from the daemon's jobs with its status file,
 * so neither grows with the spool's history; so are the oldest of them
 * beyond job_retention_count finished jobs.  A job whose source is still
 * there, unchanged, is kept: forgetting it would encode the file again.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "djob.h"
#include "log.h"

/* When a finished job ended: its record's time, else its status file's. */
static time_t
expire_finished(const struct djob *dj)
{
	struct stat	sb;

	if (dj->finished != 0)
		return dj->finished;
	if (stat(dj->status, &sb) == -1)
		return 0;
	return sb.st_mtime;
}

/* Whether the job's source is in the spool, as the file of this job. */
static int
expire_source_here(const struct daemon *d, const struct djob *dj,
    time_t now)
{
	const struct config	*conf = d->conf;
	struct stat		 sb;

	if (dj->rel == NULL)
		/* Remembered from a status file: the spool offers its file
		 * within a scan and a settle time of the start, if it is
		 * there. */
		return now - d->started_at <
		    conf->settle_time + 2 * conf->poll_interval;
	return lstat(dj->source, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size == dj->size && sb.st_mtime == dj->mtime;
}

/*
 * Whether a job may be forgotten: it ended done or failed (when: *when)
 * and its source is no longer in the spool.
 */
static int
expire_forgettable(const struct daemon *d, const struct djob *dj,
    time_t now, time_t *when)
{
	if ((dj->state != DJ_DONE && dj->state != DJ_FAILED) ||
	    dj->w != NULL || (*when = expire_finished(dj)) == 0)
		return 0;
	return !expire_source_here(d, dj, now);
}

/* Forget job i: its status file removed, its record freed. */
static void
expire_forget(struct daemon *d, size_t i)
{
	struct djob	*dj = d->jobs[i];

	if (unlink(dj->status) == -1 && errno != ENOENT)
		log_warn("%s", dj->status);
	memmove(&d->jobs[i], &d->jobs[i + 1],
	    (d->njobs - i - 1) * sizeof(*d->jobs));
	d->njobs--;
	djob_free(dj);
	d->dirty = 1;
}

/* Forget the finished jobs past job_retention seconds (0: never). */
static void
expire_old(struct daemon *d, time_t now)
{
	time_t	when;
	size_t	i = 0, n = 0;

	if (d->conf->job_retention == 0)
		return;
	while (i < d->njobs) {
		if (expire_forgettable(d, d->jobs[i], now, &when) &&
		    now - when >= d->conf->job_retention) {
			expire_forget(d, i);
			n++;
		} else
			i++;
	}
	if (n > 0)
		log_info("forgot %zu finished jobs older than %d s", n,
		    d->conf->job_retention);
}

/*
 * The job to forget first for job_retention_count: the forgettable one
 * that ended first (of two in one second, the one known first); its
 * index, or -1 when none may go.
 */
static ssize_t
expire_oldest(const struct daemon *d, time_t now)
{
	time_t	when, first = 0;
	ssize_t	oldest = -1;
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (expire_forgettable(d, d->jobs[i], now, &when) &&
		    (oldest == -1 || when < first)) {
			oldest = i;
			first = when;
		}
	return oldest;
}

/*
 * Keep at most job_retention_count finished jobs (0: any number): the
 * oldest of those whose source has left the spool are forgotten first.
 */
static void
expire_count(struct daemon *d, time_t now)
{
	size_t	i, finished = 0, n = 0, keep = d->conf->job_retention_count;
	ssize_t	k;

	if (keep == 0)
		return;
	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_DONE ||
		    d->jobs[i]->state == DJ_FAILED)
			finished++;
	while (finished > keep && (k = expire_oldest(d, now)) != -1) {
		expire_forget(d, k);
		finished--;
		n++;
	}
	if (n > 0)
		log_info("forgot %zu finished jobs beyond job_retention_count "
		    "%zu", n, keep);
}

/* Forget the finished jobs past job_retention or job_retention_count. */
void
djob_expire(struct daemon *d)
{
	time_t	now = time(NULL);

	expire_old(d, now);
	expire_count(d, now);
}
