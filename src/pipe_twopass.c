/*
 * The two-pass pipeline: pass 1 analyses every frame for the encoder's
 * stats file and measures the audio on the same read; pass 2 encodes for
 * real with the audio normalised to what pass 1 measured and every other
 * stream copied, into the job's temporary output.  An encoder at a
 * constant quality (no bitrate to aim at) takes no stats: its pass 1 only
 * reads the film and measures the audio.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "fsutil.h"
#include "job.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rate.h"
#include "xmalloc.h"

#define STATS_LOW_BYTES	(1024 * 1024)	/* free: "the stats directory is full" */

/* The pipeline's own state: the stats file, the pass under way. */
struct twopass {
	struct job_ctx		*c;
	char			*stats;
	char			*analysis;	/* pass_reuse's file, or NULL */
	struct media_source	 src;
	struct encoder		*enc;
	struct media_picture	*pic;
	struct media_deint	*deint;		/* or NULL */
	struct audio_meter	*meter[MEDIA_MAX_AUDIO];	/* pass 1 */
	int			 stereo;	/* slot downmixed, or -1 */
	struct media_output	*out;		/* pass 2 */
};

/* Make the pipeline's state. */
static int
twopass_open(struct job_ctx *c)
{
	struct twopass	*t;

	t = xcalloc(1, sizeof(*t));
	t->c = c;
	t->stereo = -1;
	c->pipe_state = t;
	return 0;
}

/*
 * Pass 2's reuse of pass 1 (pass_reuse) when its analysis file fits in the
 * stats directory beside the stats (need bytes); without it when not.
 */
static void
twopass_reuse(struct twopass *t, int64_t need)
{
	struct job_ctx	*c = t->c;
	struct job	*j = c->job;
	int64_t		 more, have;

	if (j->prof->pass_reuse == PASS_REUSE_NONE)
		return;
	more = rate_analysis_bytes(c->mi.frames_est, j->res.width,
	    j->res.height);
	have = fs_free_bytes(j->conf->stats_dir);
	if (have >= 0 && have < need + more) {
		log_warnx("pass 2 does without pass 1's analysis: it needs "
		    "about %lld bytes more than the stats, and the stats "
		    "directory %s has %lld bytes free", (long long)more,
		    j->conf->stats_dir, (long long)have);
		return;
	}
	xasprintf(&t->analysis, "%s%s", t->stats, JOB_ANALYSIS_SUFFIX);
	c->ep.analysis = t->analysis;
	log_info("pass 1's analysis for pass 2: %s", t->analysis);
}

/* Make the stats file's name and check the room for it. */
static int
twopass_prepare(struct job_ctx *c)
{
	struct twopass	*t = c->pipe_state;
	const char	*dir = c->job->conf->stats_dir;
	struct job	*j = c->job;
	int64_t		 need, have;

	if (j->prof->rate_control == RC_CRF || j->res.kbps == 0)
		return 0;	/* constant quality: one pass, no stats file */
	if (fs_mkdirs(dir, &c->err) != 0) {
		c->errnum = errno;
		return job_fail_err(c);
	}
	if (access(dir, W_OK) == -1)
		return job_fail(c, 1, "stats directory %s: %s", dir,
		    strerror(errno));
	need = rate_stats_bytes(c->mi.frames_est, j->res.width,
	    j->res.height);
	have = fs_total_bytes(dir);
	if (have >= 0 && have < need)
		/* Waiting frees not that much: no retry. */
		return job_fail(c, 0, "x265 stats for %lld frames (%.0f s "
		    "declared) need about %lld bytes, more than the stats "
		    "directory %s can hold even when empty (%lld bytes)",
		    (long long)c->mi.frames_est, c->mi.duration / 1e6,
		    (long long)need, dir, (long long)have);
	have = fs_free_bytes(dir);
	if (have >= 0 && have < need)
		return job_fail(c, 1, "stats directory %s is full: %lld bytes "
		    "free, about %lld needed", dir, (long long)have,
		    (long long)need);
	t->stats = job_stats_path(dir, j->source, getpid());
	twopass_reuse(t, need);
	return 0;
}

/* Take every packet the encoder has ready: to the output in pass 2. */
static int
twopass_drain(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct enc_packet	 ep;
	int			 ret;

	while ((ret = c->ops->receive(t->enc, &ep, &c->err)) == 1) {
		c->vbytes += ep.size;
		if (t->out != NULL && output_encoded(t->out, &ep, c->mi.tb,
		    &c->err) != 0)
			return -1;
	}
	return ret;
}

/* A progressive frame: convert and encode it. */
static int
twopass_picture(void *arg, AVFrame *f)
{
	struct twopass	*t = arg;
	struct job_ctx	*c = t->c;
	AVFrame		*pic;

	if (t->enc == NULL) {
		/* constant quality's first read: counted, not encoded */
		c->sent++;
		job_report(c, 0);
		return 0;
	}
	if (picture_convert(t->pic, f, &pic, &c->err) != 0 ||
	    c->ops->send(t->enc, pic, &c->err) != 0 || twopass_drain(t) != 0)
		return -1;
	c->sent++;
	job_report(c, 0);
	return 0;
}

/* A decoded video frame (NULL at the end): deinterlaced when it must be,
 * converted and encoded. */
static int
twopass_video(void *arg, AVFrame *f)
{
	struct twopass	*t = arg;
	struct job_ctx	*c = t->c;

	if (t->deint != NULL && deint_feed(t->deint, f, twopass_picture, t,
	    &c->err) != 0)
		return -1;
	if (f == NULL) {
		if (t->enc == NULL)
			return 0;	/* constant quality's first read */
		if (c->ops->send(t->enc, NULL, &c->err) != 0)
			return -1;
		return twopass_drain(t);
	}
	return t->deint != NULL ? 0 : twopass_picture(t, f);
}

/* A decoded audio frame: measured in pass 1, normalised in pass 2. */
static int
twopass_audio(void *arg, int slot, AVFrame *f)
{
	struct twopass	*t = arg;
	struct job_ctx	*c = t->c;

	/* measured as it is kept: to the video's stated end */
	if (c->stage == JOB_PASS1 && f != NULL && !c->mi.script &&
	    c->mi.duration_own &&
	    media_audio_past(&t->src, slot, f, c->mi.duration))
		return 0;
	if (c->stage == JOB_PASS1 && slot == t->stereo &&
	    meter_feed(t->meter[t->src.naudio], f, &c->err) != 0)
		return -1;
	if (c->stage == JOB_PASS1)
		return meter_feed(t->meter[slot], f, &c->err);
	return output_audio(t->out, slot, f, &c->err);
}

/* A packet of a copied stream (pass 2). */
static int
twopass_packet(void *arg, AVPacket *pkt)
{
	struct twopass	*t = arg;

	if (t->out == NULL)
		return 0;
	return output_copy(t->out, pkt, &t->c->err);
}

/* Open the source, the converter and the encoder for a pass. */
static int
twopass_pass_open(struct twopass *t, int pass)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	const struct profile	*prof = j->prof;
	int			 audio;

	audio = strcmp(prof->audio_codec, "copy") != 0;
	if (source_open(&t->src, j->source, prof->threads, audio,
	    &c->err) != 0)
		return job_fail_err(c);
	t->src.tolerant = prof->allow_damaged;
	t->pic = job_enc_setup(c, pass == 2 ? j->res.frames :
	    c->mi.frames_est);
	if (c->deint != DEINT_PROGRESSIVE && (t->deint = job_deint(c)) == NULL)
		return job_fail_err(c);
	c->ep.pass = t->stats != NULL ? pass : 0;
	c->ep.stats = t->stats;
	if (t->stats == NULL && pass == 1)
		return 0;	/* constant quality: no encoder to analyse */
	if ((t->enc = c->ops->open(&c->ep, &c->err)) == NULL)
		return job_fail_err(c);
	return 0;
}

/* Close what a pass opened. */
static void
twopass_pass_close(struct twopass *t)
{
	int	i;

	for (i = 0; i < MEDIA_MAX_AUDIO; i++) {
		meter_free(t->meter[i], NULL);
		t->meter[i] = NULL;
	}
	output_free(t->out, NULL, 0);
	t->out = NULL;
	if (t->enc != NULL)
		t->c->ops->close(t->enc);
	t->enc = NULL;
	picture_free(t->pic);
	t->pic = NULL;
	deint_free(t->deint);
	t->deint = NULL;
	if (t->src.fmt != NULL)
		source_close(&t->src);
}

/* Count the lines x265 wrote to its stats file. */
static int64_t
twopass_stats_lines(const char *path)
{
	char	 buf[65536];
	ssize_t	 n, i;
	int64_t	 lines = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return n < 0 ? -1 : lines;
}

/* After pass 1: the whole film was read and its stats are whole. */
static int
twopass_pass1_check(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	struct damage_facts	 f;
	int64_t			 end;

	if (j->res.frames == 0)
		return job_fail(c, 0, "no video frame could be decoded");
	end = media_source_end(&t->src, c->mi.fps);
	memset(&f, 0, sizeof(f));
	if (!c->mi.script)
		damage_facts(&t->src, &f);
	if (job_damage(c, &f, end) != 0)
		return -1;
	job_still(c, j->res.frames);
	c->ep.frames = j->res.frames;
	c->vspan = end;
	return 0;
}

/* After pass 1's encoder is closed: its stats file is whole. */
static int
twopass_stats_check(struct twopass *t)
{
	struct job_ctx	*c = t->c;
	int64_t		 lines, frames = c->job->res.frames;

	if (t->stats == NULL)
		return 0;		/* constant quality: no stats */
	lines = twopass_stats_lines(t->stats);
	if (lines >= frames)
		return 0;
	/* Say the stats directory is full only when it is. */
	if (fs_free_bytes(c->job->conf->stats_dir) < STATS_LOW_BYTES)
		return job_fail(c, 1, "x265 stats file %s is incomplete (%lld "
		    "of %lld frames): the stats directory %s is full",
		    t->stats, (long long)(lines < 0 ? 0 : lines),
		    (long long)frames, c->job->conf->stats_dir);
	return job_fail(c, 1, "x265 stats file %s is incomplete (%lld of "
	    "%lld frames)", t->stats, (long long)(lines < 0 ? 0 : lines),
	    (long long)frames);
}

/* A job's loudness figures from the media layer's. */
static void
twopass_loudness_to(struct job_loudness *to, const struct audio_loudness *from)
{
	to->i = from->i;
	to->lra = from->lra;
	to->tp = from->tp;
	to->valid = from->valid;
}

/* Pass 1: analyse every frame for x265 and measure the audio. */
static int
twopass_pass1(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	struct media_sink	 sink = { t, twopass_video, twopass_audio, NULL };
	struct audio_loudness	 l;
	int			 i, nm = 0, rv = -1;

	job_stage(c, JOB_PASS1);
	if (twopass_pass_open(t, 1) != 0)
		goto out;
	for (i = 0; i < t->src.naudio; i++)
		if ((t->meter[i] = meter_new(t->src.adec[i], j->prof,
		    &c->err)) == NULL)
			goto fail;
	/* a stereo downmix is measured after the tracks: slot naudio */
	nm = t->src.naudio;
	t->stereo = nm < MEDIA_MAX_AUDIO && nm < JOB_MAX_AUDIO ?
	    media_stereo_slot(&t->src, j->prof) : -1;
	if (t->stereo >= 0 && (t->meter[nm++] = meter_new_downmix(
	    t->src.adec[t->stereo], j->prof, &c->err)) == NULL)
		goto fail;
	if (source_run(&t->src, &sink, j->stop, &c->err) != 0)
		goto fail;
	/* the frames encoded: a deinterlacer may make more or fewer */
	j->res.frames = t->deint != NULL ? c->sent : t->src.vframes;
	for (i = 0; i < nm && i < JOB_MAX_AUDIO; i++) {
		meter_free(t->meter[i], &l);
		t->meter[i] = NULL;
		twopass_loudness_to(&j->res.before[i], &l);
		log_info("audio %d%s: %.1f LUFS, range %.1f LU, true peak "
		    "%.1f dBTP", i, i == t->src.naudio ? " (stereo downmix)" :
		    "", l.i, l.lra, l.tp);
	}
	j->res.naudio = nm;
	log_info("pass 1: %lld frames in %.1fs (%.1f fps)",
	    (long long)j->res.frames, job_elapsed(&c->t0),
	    j->res.frames / job_elapsed(&c->t0));
	rv = twopass_pass1_check(t);
	twopass_pass_close(t);
	if (rv == 0 && t->stats == NULL)
		return 0;	/* constant quality: no stats */
	if (rv != 0 || twopass_stats_check(t) != 0)
		return -1;
	pass1_save(c, t->stats, job_elapsed(&c->t0));
	return 0;
fail:
	job_fail_err(c);
out:
	twopass_pass_close(t);
	return rv;
}

/* Open the output with every stream, the audio to pass 1's loudness. */
static int
twopass_output(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	struct output_spec	 os;
	struct audio_loudness	 before[JOB_MAX_AUDIO];
	int			 i;

	for (i = 0; i < j->res.naudio && i < JOB_MAX_AUDIO; i++) {
		before[i].i = j->res.before[i].i;
		before[i].lra = j->res.before[i].lra;
		before[i].tp = j->res.before[i].tp;
		before[i].valid = j->res.before[i].valid;
	}
	memset(&os, 0, sizeof(os));
	os.path = c->tmp;
	os.src = &t->src;
	os.ops = c->ops;
	os.enc = t->enc;
	os.width = j->res.width;
	os.height = j->res.height;
	os.depth = j->res.depth;
	os.kbps = j->res.kbps;
	os.mi = &c->mi;
	os.prof = j->prof;
	os.loud = before;
	os.nloud = i;
	os.vspan = c->vspan;
	os.flags = OUTPUT_LOG_LEFT;
	t->out = output_open(&os, &c->err);
	return t->out != NULL ? 0 : -1;
}

/* After pass 2: the audio's loudness now, and the video's bitrate. */
static void
twopass_pass2_done(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	struct audio_loudness	 after[JOB_MAX_AUDIO];
	int			 i, n;

	/* the tracks, and a stereo downmix's after them */
	n = j->res.naudio < JOB_MAX_AUDIO ? j->res.naudio : JOB_MAX_AUDIO;
	memset(after, 0, sizeof(after));
	output_free(t->out, after, n);
	t->out = NULL;
	for (i = 0; i < n; i++) {
		twopass_loudness_to(&j->res.after[i], &after[i]);
		log_info("audio %d: now %.1f LUFS, true peak %.1f dBTP", i,
		    after[i].i, after[i].tp);
	}
	j->res.actual_kbps = c->vbytes * 8.0 / 1000 /
	    (j->res.frames * media_frame_time(c->mi.fps));
	log_info("pass 2: %lld frames in %.1fs (%.1f fps), video %.0f kbps",
	    (long long)j->res.frames, job_elapsed(&c->t0),
	    j->res.frames / job_elapsed(&c->t0), j->res.actual_kbps);
}

/* Pass 2: encode for real, normalise the audio, copy the rest, mux. */
static int
twopass_pass2(struct twopass *t)
{
	struct job_ctx		*c = t->c;
	struct job		*j = c->job;
	struct media_sink	 sink = { t, twopass_video, twopass_audio,
				    twopass_packet };
	int			 rv = -1;

	job_stage(c, JOB_PASS2);
	c->vbytes = 0;
	if (twopass_pass_open(t, 2) != 0)
		goto out;
	if (twopass_output(t) != 0 ||
	    source_run(&t->src, &sink, j->stop, &c->err) != 0 ||
	    output_finish(t->out, &c->err) != 0) {
		job_fail_err(c);
		goto out;
	}
	if ((t->deint != NULL ? c->sent : t->src.vframes) != j->res.frames) {
		job_fail(c, 0, "pass 2 read %lld frames, pass 1 %lld",
		    (long long)(t->deint != NULL ? c->sent : t->src.vframes),
		    (long long)j->res.frames);
		goto out;
	}
	twopass_pass2_done(t);
	rv = 0;
out:
	twopass_pass_close(t);
	return rv;
}

/* Both passes into the job's temporary output; pass 1 kept is reused. */
static int
twopass_encode(struct job_ctx *c)
{
	struct twopass	*t = c->pipe_state;

	/* constant quality has no stats: its first read is never kept */
	if ((t->stats == NULL || pass1_resume(c, t->stats) == 0) &&
	    twopass_pass1(t) != 0)
		return -1;
	return twopass_pass2(t);
}

/* The output is published: pass 1 kept is of no more use. */
static void
twopass_published(struct job_ctx *c, const char *output)
{
	(void)output;
	pass1_forget(c);
}

/* Remove the stats file and free the state. */
static void
twopass_close(struct job_ctx *c)
{
	struct twopass	*t = c->pipe_state;

	if (t == NULL)
		return;
	if (t->stats != NULL)
		job_stats_unlink(t->stats);
	free(t->stats);
	free(t->analysis);
	free(t);
	c->pipe_state = NULL;
}

const struct pipeline_ops pipe_twopass_ops = {
	twopass_open,
	twopass_prepare,
	twopass_encode,
	twopass_published,
	twopass_close
};
