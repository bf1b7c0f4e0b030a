/*
 * The daemon's metrics (Prometheus text, metrics.c keeps the format):
 * jobs by state, totals since the start (frames and seconds of media of
 * the jobs done), the running jobs' speed, share done and chunks done and
 * pending, claims held, and how long the token directory's check and the
 * spool's rescan took.  Written with the daemon's status, so on every
 * change and every poll_interval.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "djob.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

/* A family of one sample without labels. */
static void
djob_metric(struct metrics *m, const char *name, const char *type,
    const char *help, double v)
{
	metrics_family(m, name, type, help);
	metrics_sample(m, name, NULL, NULL, v);
}

/* Jobs by state, and what the daemon is doing. */
static void
djob_metrics_state(struct daemon *d, struct metrics *m)
{
	int	s;

	metrics_family(m, "distenc_build_info", "gauge",
	    "The version of distencd, as a label.");
	metrics_sample(m, "distenc_build_info", "version", PACKAGE_VERSION, 1);
	djob_metric(m, "distenc_start_time_seconds", "gauge",
	    "When distencd started, in seconds since the epoch.",
	    (double)d->started_at);
	djob_metric(m, "distenc_slots", "gauge",
	    "Jobs that may run at once.", d->conf->jobs);
	djob_metric(m, "distenc_paused", "gauge",
	    "1 while paused or draining by the operator.", d->paused);
	djob_metric(m, "distenc_outside_schedule", "gauge",
	    "1 while outside the active hours: no job starts.",
	    d->outside == 1);
	metrics_family(m, "distenc_jobs", "gauge",
	    "Jobs this daemon knows, by state.");
	for (s = 0; s < DJ_STATES; s++)
		metrics_sample(m, "distenc_jobs", "state", djob_state_name(s),
		    djob_count(d, s));
}

/* Totals since the start. */
static void
djob_metrics_totals(struct daemon *d, struct metrics *m)
{
	djob_metric(m, "distenc_jobs_started_total", "counter",
	    "Jobs started here (each attempt).", d->totals.started);
	djob_metric(m, "distenc_jobs_done_total", "counter",
	    "Jobs done here.", d->totals.done);
	djob_metric(m, "distenc_jobs_failed_total", "counter",
	    "Jobs failed for good here.", d->totals.failed);
	djob_metric(m, "distenc_jobs_cancelled_total", "counter",
	    "Jobs cancelled by the operator.", d->totals.cancelled);
	djob_metric(m, "distenc_jobs_skipped_total", "counter",
	    "Jobs skipped here by a rule or the size guard.",
	    d->totals.skipped);
	djob_metric(m, "distenc_encoded_frames_total", "counter",
	    "Video frames of the jobs done here.", d->totals.frames);
	djob_metric(m, "distenc_encoded_media_seconds_total", "counter",
	    "Seconds of media of the jobs done here.",
	    d->totals.media_seconds);
	djob_metric(m, "distenc_input_bytes_total", "counter",
	    "Bytes of the sources of the jobs done here.", d->totals.bytes_in);
	djob_metric(m, "distenc_output_bytes_total", "counter",
	    "Bytes of the outputs of the jobs done here.",
	    d->totals.bytes_out);
}

/* A running job's encoding speed. */
static double
djob_fps(const struct djob *dj)
{
	return dj->w->progress.fps;
}

/* A family of one sample per running job, labelled by its id. */
static void
djob_metrics_running(struct daemon *d, struct metrics *m, const char *name,
    const char *help, double (*value)(const struct djob *))
{
	struct djob	*dj;
	size_t		 i;

	metrics_family(m, name, "gauge", help);
	for (i = 0; i < d->njobs; i++) {
		dj = d->jobs[i];
		if (dj->state == DJ_RUNNING && dj->w != NULL &&
		    dj->w->have_progress)
			metrics_sample(m, name, "job", dj->id, value(dj));
	}
}

/*
 * The chunks of the chunked jobs running here, as their workers last
 * reported: done (here or by other hosts) and pending.
 */
static void
djob_metrics_chunks(struct daemon *d, struct metrics *m)
{
	const struct job_progress	*p;
	double				 done = 0, pending = 0;
	size_t				 i;

	for (i = 0; i < d->njobs; i++) {
		if (d->jobs[i]->state != DJ_RUNNING || d->jobs[i]->w == NULL ||
		    !d->jobs[i]->w->have_progress)
			continue;
		p = &d->jobs[i]->w->progress;
		done += p->chunks_done;
		pending += p->chunks - p->chunks_done;
	}
	metrics_family(m, "distenc_chunks", "gauge",
	    "Chunks of the chunked jobs running here, by state: done (here "
	    "or by other hosts) or pending.");
	metrics_sample(m, "distenc_chunks", "state", "done", done);
	metrics_sample(m, "distenc_chunks", "state", "pending", pending);
}

/* Write the metrics file, atomically. */
void
djob_metrics(struct daemon *d)
{
	struct metrics	 m;
	char		*path, *cause = NULL;

	metrics_open(&m);
	djob_metrics_state(d, &m);
	djob_metrics_totals(d, &m);
	djob_metrics_running(d, &m, "distenc_job_encode_frames_per_second",
	    "A running job's encoding speed.", djob_fps);
	djob_metrics_running(d, &m, "distenc_job_progress_ratio",
	    "A running job's share done, 0 to 1.", djob_progress);
	djob_metrics_chunks(d, &m);
	if (d->tokens != NULL) {
		djob_metric(&m, "distenc_claims_held", "gauge",
		    "Claims this daemon holds in the token directory.",
		    (double)tok_nheld(d->tokens));
		djob_metric(&m, "distenc_token_dir_check_seconds", "gauge",
		    "How long the last check of the token directory (a "
		    "write and a read on the share) took.", d->tokens_seconds);
	}
	djob_metric(&m, "distenc_spool_rescan_duration_seconds", "gauge",
	    "How long the last full rescan of the spool took.",
	    d->rescan_seconds);
	if (*d->conf->metrics_file != '\0')
		path = xstrdup(d->conf->metrics_file);
	else
		xasprintf(&path, "%s/distencd.prom", d->conf->status_dir);
	if (metrics_write(&m, path, &cause) != 0) {
		log_warnx("metrics: %s", cause);
		free(cause);
	}
	free(path);
}
