/*
 * What every part of a running job uses, whatever its pipeline: the
 * clocks, progress reports, the stage under way, the job's failure and
 * whether a retry could mend it, and the encoder settings every encode of
 * the job shares.  The lowest file of the job module: it calls no other.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "job.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rate.h"
#include "xmalloc.h"

double
job_elapsed(const struct timespec *since)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) +
	    (now.tv_nsec - since->tv_nsec) / 1e9;
}

/* Sleep a little (or until a signal): -1 when the job is to stop. */
int
job_nap(struct job_ctx *c, double seconds)
{
	struct timespec	ts;

	job_report(c, 0);	/* waiting is not stalling */
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	return c->job->stop != NULL && *c->job->stop ? -1 : 0;
}

/* Report progress at most a few times a second (always when forced). */
void
job_report(struct job_ctx *c, int force)
{
	struct job		*j = c->job;
	struct job_progress	 p;
	double			 t;

	if (j->progress == NULL || (!force && job_elapsed(&c->tlast) < 0.5))
		return;
	clock_gettime(CLOCK_MONOTONIC, &c->tlast);
	memset(&p, 0, sizeof(p));
	p.stage = c->stage;
	p.frame = c->sent;
	p.total = j->res.frames > 0 ? j->res.frames : c->mi.frames_est;
	t = job_elapsed(&c->t0);
	p.fps = t > 0 ? c->sent / t : 0;
	p.eta = rate_eta(p.frame, p.total, p.fps);
	p.duration = (c->vspan > 0 ? c->vspan : c->mi.duration) / 1e6;
	p.chunks = c->chunks;
	p.chunks_done = c->chunks_done;
	if (p.eta >= 0 && c->stage == JOB_PASS1)
		p.eta += p.total / p.fps;	/* pass 2 to come */
	j->progress(j->arg, &p);
}

/* Start a stage: log it and reset the per-stage clock. */
void
job_stage(struct job_ctx *c, enum job_stage s)
{
	c->stage = s;
	c->sent = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	c->tlast = c->t0;
	job_report(c, 1);
}

/* Fail the job with a reason; transient when a retry could succeed. */
int
job_fail(struct job_ctx *c, int transient, const char *fmt, ...)
{
	va_list	ap;

	if (c->job->error == NULL) {
		va_start(ap, fmt);
		if (vasprintf(&c->job->error, fmt, ap) == -1)
			fatal("vasprintf");
		va_end(ap);
		c->job->transient = transient;
	}
	return -1;
}

/* A warning for the log, the job's summary and its status. */
void
job_warn(struct job_ctx *c, const char *fmt, ...)
{
	struct job_result	*r = &c->job->res;
	char			 text[512];
	size_t			 off = strlen(r->warning);
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_warnx("%s", text);
	snprintf(r->warning + off, sizeof(r->warning) - off, "%s%s",
	    off > 0 ? "; " : "", text);
}

/*
 * After the source was read whole (f: what that read found, filled by
 * damage_facts), its video ending at vend: whether it was whole.  Damage
 * fails the job, or with allow_damaged is a warning; what a decoder
 * concealed is a warning.
 */
int
job_damage(struct job_ctx *c, const struct damage_facts *f, int64_t vend)
{
	char	warn[512], *cause = NULL;

	if (damage_check_facts(f, &c->mi, vend, warn, sizeof(warn),
	    &cause) != 0) {
		if (!c->job->prof->allow_damaged) {
			job_fail(c, 0, "%s", cause);
			free(cause);
			return -1;
		}
		job_warn(c, "%s: encoding what could be read (allow_damaged)",
		    cause);
		free(cause);
	}
	if (warn[0] != '\0')
		job_warn(c, "%s", warn);
	return 0;
}

/* A source of one frame is a still picture: encoded, with a warning. */
void
job_still(struct job_ctx *c, int64_t frames)
{
	if (frames == 1)
		job_warn(c, "a still picture, not a film: encoded as one frame");
}

/*
 * Whether an error of this errno is worth another try later: a full disk,
 * or one that failed to read or write.
 */
int
job_transient(int errnum)
{
	return errnum == ENOSPC || errnum == EIO;
}

/* Take c->err, of kind c->errnum, as the job's failure. */
int
job_fail_err(struct job_ctx *c)
{
	if (c->errnum == 0)
		c->errnum = media_errno();
	job_fail(c, job_transient(c->errnum), "%s",
	    c->err ? c->err : "unknown error");
	free(c->err);
	c->err = NULL;
	c->errnum = 0;
	return -1;
}

/*
 * The encoder settings every encode of the job shares (a pass or a
 * chunk), and the picture of that size; the caller adds its own and opens.
 */
struct media_picture *
job_enc_setup(struct job_ctx *c, int64_t frames)
{
	struct job	*j = c->job;

	c->ep.width = j->res.width;
	c->ep.height = j->res.height;
	c->ep.depth = j->res.depth;
	c->ep.fps = c->mi.fps;
	c->ep.kbps = j->res.kbps;
	c->ep.frames = frames;
	c->ep.prof = j->prof;
	c->ep.mi = &c->mi;
	return picture_new(&j->res.crop, j->res.width, j->res.height,
	    enc_pix_fmt(j->res.depth), c->mi.rotation);
}

/*
 * The deinterlacer a pass's frames go through, or NULL when the source is
 * progressive or left as it is; fed the source's frames, at its rate.
 */
struct media_deint *
job_deint(struct job_ctx *c)
{
	struct media_info	*in;
	struct media_deint	*d;

	if (c->deint == DEINT_PROGRESSIVE)
		return NULL;
	in = xmalloc(sizeof(*in));
	*in = c->mi;
	in->fps = c->src_fps;
	in->tb = c->src_tb;
	d = deint_new(in, c->deint, c->job->prof->deinterlace_fields &&
	    !c->job->prof->chunked, &c->err);
	free(in);
	return d;
}
