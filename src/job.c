/*
 * One job, start to finish: probe, crop detection and the encoder's
 * settings, the encode through the job's pipeline (two-pass, or chunked:
 * chosen once, here), verification, and publication under the final
 * name.  Nothing is ever written under the final name until the file is
 * whole and verified; the source is only read.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "avs.h"
#include "enc.h"
#include "fsutil.h"
#include "job.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rate.h"
#include "xmalloc.h"

/* The picture size to encode: after the crop, then the optional scale. */
static void
job_size(struct job_ctx *c)
{
	struct job_result	*r = &c->job->res;
	const struct crop	*k = &r->crop;
	int			 w, h;

	w = c->mi.width - k->left - k->right;
	h = c->mi.height - k->top - k->bottom;
	if (c->mi.rotation % 180 == 90) {
		/* turned upright: the encoder gets it on its side */
		w = h;
		h = c->mi.width - k->left - k->right;
	}
	if (c->job->prof->scale_width > 0 && c->job->prof->scale_width < w) {
		h = (int)lrint((double)h * c->job->prof->scale_width / w / 2) *
		    2;
		w = c->job->prof->scale_width;
	}
	r->width = w;
	r->height = h;
}

/*
 * Interlacing and telecine, detected on sampled frames: the decision and
 * its evidence logged, and the frame rate the deinterlacer gives.
 */
static int
job_interlace(struct job_ctx *c)
{
	const struct profile	*prof = c->job->prof;
	struct deint_counts	 k;
	struct media_deint	*d;
	char			 why[512];
	AVRational		 fps, tb;

	c->deint = DEINT_PROGRESSIVE;
	if (c->mi.script || prof->deinterlace == DEINT_OFF) {
		/* a script's frames are its own affair */
		snprintf(c->deint_why, sizeof(c->deint_why), "not sampled: %s",
		    c->mi.script ? "a script" : "deinterlace is off");
		return 0;
	}
	if (c->deint_sampled)
		k = c->deint_k;		/* sampled for the rules */
	else if (media_interlace(c->job->source, &c->mi, prof->threads, &k,
	    &c->err) != 0)
		return job_fail_err(c);
	c->deint = deint_decide(&k, prof->deinterlace, why, sizeof(why));
	snprintf(c->deint_why, sizeof(c->deint_why), "%s", why);
	if (c->deint == DEINT_PROGRESSIVE) {
		log_info("interlace: %s", why);
		return 0;
	}
	if (prof->chunked && prof->deinterlace_fields)
		log_warnx("interlace: deinterlace_fields: a frame per frame, "
		    "not per field: chunked encodes keep the source's rate");
	c->src_fps = c->mi.fps;
	c->src_tb = c->mi.tb;
	if ((d = job_deint(c)) == NULL)
		return job_fail_err(c);
	deint_rate(d, &fps, &tb);
	deint_free(d);
	c->deint_fps = fps;
	log_warnx("interlace: %s; %s to %.3f fps", why,
	    c->deint == DEINT_TELECINE ? "inverse telecine (fieldmatch, "
	    "decimate)" : "deinterlaced (bwdif)", media_rate(fps));
	if (prof->chunked)
		return 0;	/* planned in the source's frames; see
				 * pipe_chunked.c for the rate out */
	c->mi.frames_est = av_rescale_q(c->mi.frames_est, fps, c->mi.fps);
	c->mi.fps = fps;
	c->mi.tb = tb;
	return 0;
}

/* Detect the crop, and settle the encoder's parameters. */
int
job_analyse(struct job_ctx *c)
{
	struct job		*j = c->job;
	const struct profile	*prof = j->prof;
	struct job_result	*r = &j->res;
	struct crop		*k = &r->crop;

	job_stage(c, JOB_CROP);
	if (media_crop(j->source, &c->mi, prof, k, r->crop_why,
	    sizeof(r->crop_why), &c->err) != 0)
		return job_fail_err(c);
	job_size(c);
	if (job_interlace(c) != 0)
		return -1;
	log_info("crop: top %d, bottom %d, left %d, right %d -> %dx%d (%s: "
	    "%s)", k->top, k->bottom, k->left, k->right, r->width, r->height,
	    conf_crop_mode_name(prof->crop), r->crop_why);
	r->depth = prof->bit_depth != 0 ? prof->bit_depth :
	    (c->mi.depth > 8 ? 10 : 8);
	r->kbps = prof->bitrate != 0 ? prof->bitrate : rate_kbps(prof->bpp,
	    r->width, r->height, c->mi.fps.num, c->mi.fps.den);
	r->kbps = c->ops->settings(prof, r->depth, r->kbps);
	r->kbps = job_bitrate(c, r->kbps);
	return 0;
}

/* Make the output directory and reserve the temporary name in it. */
static int
job_output(struct job_ctx *c)
{
	struct job	*j = c->job;
	char		*dir;

	dir = fs_dirname(j->output);
	if (fs_mkdirs(dir, &c->err) != 0) {
		free(dir);
		job_fail(c, 1, "%s", c->err);
		free(c->err);
		c->err = NULL;
		return -1;
	}
	c->tmp = job_tmp_path(j->output, getpid());
	c->tmpfd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0666);
	if (c->tmpfd == -1) {
		/* Transient: a full or unmounted disk, a permission an
		 * administrator can fix; a retry may succeed. */
		job_fail(c, 1, "output directory %s: %s", dir,
		    strerror(errno));
		free(c->tmp);
		c->tmp = NULL;
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}

/* Frames of the written file decoded so far. */
static void
job_verify_progress(void *arg, int64_t frames)
{
	struct job_ctx	*c = arg;

	c->sent = frames;
	job_report(c, 0);
}

/* Decode the written file and compare it with the source. */
static int
job_verify(struct job_ctx *c)
{
	struct job		*j = c->job;
	struct verify_expect	 ex;

	job_stage(c, JOB_VERIFY);
	memset(&ex, 0, sizeof(ex));
	ex.frames = j->res.frames;
	ex.duration = c->vspan;
	ex.fps = c->mi.fps;
	ex.width = j->res.width;
	ex.height = j->res.height;
	ex.naudio = streams_count(c->mi.streams, c->mi.choice,
	    c->mi.nstreams, STREAM_AUDIO);
	ex.nsubtitle = streams_count(c->mi.streams, c->mi.choice,
	    c->mi.nstreams, STREAM_SUBTITLE);
	ex.progress = job_verify_progress;
	ex.arg = c;
	if (media_verify(c->tmp, &ex, j->stop, &c->err) != 0)
		return job_fail_err(c);
	log_info("verify: %lld frames, %dx%d, %.3fs: as the source",
	    (long long)ex.frames, ex.width, ex.height, ex.duration / 1e6);
	return 0;
}

/* Move the verified file to its final name. */
static int
job_publish(struct job_ctx *c)
{
	struct job	*j = c->job;
	char		 text[1024];

	job_stage(c, JOB_PUBLISH);
	if (fs_publish(c->tmp, j->output, j->overwrite, &c->err) != 0) {
		c->errnum = errno;
		return job_fail_err(c);
	}
	log_info("published: %s", j->output);
	free(c->tmp);
	c->tmp = NULL;
	if (c->pipe->published != NULL) {
		job_summary(j, text, sizeof(text));
		c->pipe->published(c, text);
	}
	return 0;
}

/* Remove what a job leaves behind: the temporary output when it was not
 * published, and what its pipeline keeps. */
static void
job_cleanup(struct job_ctx *c)
{
	if (c->tmpfd != -1)
		close(c->tmpfd);
	if (c->tmp != NULL && unlink(c->tmp) == -1 && errno != ENOENT)
		log_warn("removing %s", c->tmp);
	free(c->tmp);
	free(c->err);
	c->pipe->close(c);
}

/*
 * The job's work, its pipeline chosen: 0 when published, skipped or
 * left to another host, -1 with the job's error.
 */
static int
job_work(struct job_ctx *c)
{
	struct job	*j = c->job;
	int		 rv;

	if ((rv = c->pipe->open(c)) != 0)
		return rv == 1 ? 0 : -1;	/* done elsewhere */
	if (!j->overwrite && fs_exists(j->output)) {
		j->res.skipped = 1;
		log_info("%s exists, skipping (overwrite is off)", j->output);
		return 0;
	}
	if ((c->ops = enc_find(j->prof->encoder)) == NULL)
		return job_fail(c, 0, "no encoder %s", j->prof->encoder);
	if (job_analyse(c) != 0 || (rv = c->pipe->prepare(c)) == -1)
		return -1;
	if (rv == 1)
		return 0;		/* one unit of the work, done */
	if (job_output(c) != 0 || (rv = c->pipe->encode(c)) == -1)
		return -1;
	if (rv == 1)
		return 0;		/* another host's to finish */
	if ((rv = job_guard(c)) == 1) {
		/* Declined, larger than allowed: the work is over all the
		 * same (a chunked job's work directory emptied). */
		if (c->pipe->published != NULL)
			c->pipe->published(c, j->res.declined);
		return 0;
	}
	if (rv == 2 && job_remux(c) != 0)
		return -1;
	if (job_verify(c) != 0 || job_publish(c) != 0)
		return -1;
	return 0;
}

/*
 * A job that failed while its source was rewritten or cut short (was: as
 * it was at the start): that is the reason, and final, for the version it
 * read is gone (in the daemon, a new version is a new job).
 */
static void
job_source_changed(struct job *j, const struct stat *was)
{
	struct stat	sb;

	if (was->st_ino == 0 || stat(j->source, &sb) == -1 ||
	    (sb.st_ino == was->st_ino && sb.st_size == was->st_size &&
	    sb.st_mtim.tv_sec == was->st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == was->st_mtim.tv_nsec))
		return;
	free(j->error);
	xasprintf(&j->error, "the file changed while it was encoded (%lld "
	    "bytes, now %lld): the version read is no longer there",
	    (long long)was->st_size, (long long)sb.st_size);
	j->transient = 0;
}

/* Run a job to its end; 0 when published (or skipped), -1 with error. */
int
job_run(struct job *j)
{
	struct job_ctx	*c;
	struct timespec	 t0;
	struct stat	 sb;
	int		 rv;

	if (stat(j->source, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	memset(&j->res, 0, sizeof(j->res));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = xcalloc(1, sizeof(*c));
	c->job = j;
	c->tmpfd = -1;
	c->pipe = &pipe_twopass_ops;
	if (j->conf != NULL)
		avsplus_library(j->conf->avisynth_library);
	if ((rv = job_decide(c)) == 0) {
		c->pipe = j->prof->chunked ? &pipe_chunked_ops :
		    &pipe_twopass_ops;
		rv = job_work(c);
	} else if (rv == 1)
		rv = 0;			/* declined by a rule */
	if (rv != 0 && j->stop != NULL && *j->stop) {
		free(j->error);
		j->error = xstrdup("interrupted");
		j->transient = 1;
	} else if (rv != 0)
		job_source_changed(j, &sb);
	job_cleanup(c);
	free(c);
	j->res.seconds = job_elapsed(&t0);
	return rv;
}

/* One line of what a finished job found and did. */
void
job_summary(const struct job *j, char *buf, size_t len)
{
	const struct job_result	*r = &j->res;
	size_t			 off;
	int			 i;

	if (j->step == JOB_STEP_PLAN || j->step == JOB_STEP_CHUNK) {
		if (j->step == JOB_STEP_PLAN)
			snprintf(buf, len, "plan ready");
		else
			snprintf(buf, len, "chunk %ld ready", j->step_chunk);
		return;
	}
	off = snprintf(buf, len, "crop %d:%d:%d:%d -> %dx%d, %d-bit",
	    r->crop.top, r->crop.bottom, r->crop.left, r->crop.right,
	    r->width, r->height, r->depth);
	for (i = 0; i < r->naudio && off < len; i++) {
		if (!r->before[i].valid || !r->after[i].valid)
			continue;
		off += snprintf(buf + off, len - off, ", audio %d loudness "
		    "%.1f -> %.1f LUFS", i, r->before[i].i, r->after[i].i);
	}
	if (off < len && r->kbps > 0)
		off += snprintf(buf + off, len - off, ", video %.0f kbps "
		    "(target %d%s%s)", r->actual_kbps, r->kbps,
		    r->bound != NULL && strcmp(r->bound, "none") != 0 ?
		    ", " : "", r->bound != NULL && strcmp(r->bound, "none") !=
		    0 ? r->bound : "");
	else if (off < len)
		off += snprintf(buf + off, len - off, ", video %.0f kbps",
		    r->actual_kbps);
	if (off < len && r->remuxed)
		off += snprintf(buf + off, len - off, ", the source's video "
		    "copied (the encode was larger)");
	if (off < len && r->rule[0] != '\0')
		off += snprintf(buf + off, len - off, ", profile %s by %s",
		    j->prof->name, r->rule);
	if (off < len && r->streams[0] != '\0')
		off += snprintf(buf + off, len - off, ", streams: %s",
		    r->streams);
	if (off < len && r->dynamic_hdr[0] != '\0')
		off += snprintf(buf + off, len - off, ", %s: base layer only",
		    r->dynamic_hdr);
	if (off < len && r->warning[0] != '\0')
		snprintf(buf + off, len - off, "; warning: %s", r->warning);
}
