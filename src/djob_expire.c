/*
 * Forgetting finished jobs: a job done or failed more than job_retention
 * seconds ago whose source has left the spool (moved, removed, or changed
 * into a new job) is dropped from the daemon's jobs with its status file,
 * so neither grows with the spool's history.  A job whose source is still
 * there, unchanged, is kept: forgetting it would encode the file again.
 */
#include "config.h"

#include <sys/stat.h>

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

/* Whether a job is to be forgotten now. */
static int
expire_due(const struct daemon *d, const struct djob *dj, time_t now)
{
	time_t	finished;

	if ((dj->state != DJ_DONE && dj->state != DJ_FAILED) ||
	    dj->w != NULL || (finished = expire_finished(dj)) == 0)
		return 0;
	return now - finished >= d->conf->job_retention &&
	    !expire_source_here(d, dj, now);
}

/* Forget the finished jobs past job_retention (0: never). */
void
djob_expire(struct daemon *d)
{
	struct djob	*dj;
	time_t		 now = time(NULL);
	size_t		 i = 0, n = 0;

	if (d->conf->job_retention == 0)
		return;
	while (i < d->njobs) {
		dj = d->jobs[i];
		if (!expire_due(d, dj, now)) {
			i++;
			continue;
		}
		if (unlink(dj->status) == -1 && errno != ENOENT)
			log_warn("%s", dj->status);
		memmove(&d->jobs[i], &d->jobs[i + 1],
		    (d->njobs - i - 1) * sizeof(*d->jobs));
		d->njobs--;
		djob_free(dj);
		n++;
	}
	if (n > 0) {
		log_info("forgot %zu finished jobs older than %d s", n,
		    d->conf->job_retention);
		d->dirty = 1;
	}
}
