/*
 * One job, start to finish: probe, crop detection, x265 pass 1 with the
 * audio measured on the same read, pass 2 with the audio normalised and
 * every other stream copied, verification, and publication under the
 * final name.  Nothing is ever written under the final name until the
 * file is whole and verified; the source is only read.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/pixdesc.h>

#include "enc.h"
#include "fsutil.h"
#include "job.h"
#include "job_chunked.h"
#include "job_local.h"
#include "log.h"
#include "media.h"
#include "rate.h"
#include "token.h"
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

/* Take c->err as the job's failure. */
int
job_fail_err(struct job_ctx *c)
{
	int	transient;

	transient = c->err != NULL && (strstr(c->err, "No space") != NULL ||
	    strstr(c->err, "Input/output error") != NULL);
	job_fail(c, transient, "%s", c->err ? c->err : "unknown error");
	free(c->err);
	c->err = NULL;
	return -1;
}

/* The picture size to encode: after the crop, then the optional scale. */
static void
job_size(struct job_ctx *c)
{
	struct job_result	*r = &c->job->res;
	const struct crop	*k = &r->crop;
	int			 w, h;

	w = c->mi.width - k->left - k->right;
	h = c->mi.height - k->top - k->bottom;
	if (c->job->prof->scale_width > 0 && c->job->prof->scale_width < w) {
		h = (int)lrint((double)h * c->job->prof->scale_width / w / 2) *
		    2;
		w = c->job->prof->scale_width;
	}
	r->width = w;
	r->height = h;
}

/* Probe, detect the crop, and settle the encoder's parameters. */
static int
job_analyse(struct job_ctx *c)
{
	struct job		*j = c->job;
	const struct profile	*prof = j->prof;
	struct job_result	*r = &j->res;
	struct crop		*k = &r->crop;

	job_stage(c, JOB_PROBE);
	if (media_probe(j->source, &c->mi, &c->err) != 0)
		return job_fail_err(c);
	r->src_width = c->mi.width;
	r->src_height = c->mi.height;
	log_info("probe: %s %dx%d %s %d-bit, %.3f fps, %.1fs, %d audio, "
	    "%d subtitle, %d chapters", c->mi.codec, c->mi.width,
	    c->mi.height, av_get_pix_fmt_name(c->mi.pix_fmt), c->mi.depth,
	    av_q2d(c->mi.fps), c->mi.duration / 1e6, c->mi.naudio,
	    c->mi.nsubtitle, c->mi.nchapter);
	if (c->mi.has_mastering || c->mi.has_cll)
		log_info("probe: HDR10 metadata: mastering display %s, "
		    "MaxCLL %u, MaxFALL %u", c->mi.has_mastering ? "yes" : "no",
		    c->mi.cll.MaxCLL, c->mi.cll.MaxFALL);
	job_stage(c, JOB_CROP);
	if (media_crop(j->source, &c->mi, prof, k, r->crop_why,
	    sizeof(r->crop_why), &c->err) != 0)
		return job_fail_err(c);
	job_size(c);
	log_info("crop: top %d, bottom %d, left %d, right %d -> %dx%d (%s: "
	    "%s)", k->top, k->bottom, k->left, k->right, r->width, r->height,
	    conf_crop_mode_name(prof->crop), r->crop_why);
	r->depth = prof->bit_depth != 0 ? prof->bit_depth :
	    (c->mi.depth > 8 ? 10 : 8);
	r->kbps = prof->bitrate != 0 ? prof->bitrate : rate_kbps(prof->bpp,
	    r->width, r->height, c->mi.fps.num, c->mi.fps.den);
	if (strcmp(prof->encoder, "aom") == 0) {
		r->kbps = 0;
		log_info("video: aom cq-level %d, cpu-used %d, preset %s, "
		    "%d-bit", prof->q, prof->cpu_used, prof->aom_preset,
		    r->depth);
	} else
		log_info("video: x265 preset %s%s%s, %d-bit, %d kbps%s",
		    prof->preset, *prof->tune ? " tune " : "", prof->tune,
		    r->depth, r->kbps, prof->bitrate != 0 ? "" :
		    " (from bits per pixel)");
	return 0;
}

/* Make the stats file's name and check the room for it. */
static int
job_stats(struct job_ctx *c)
{
	const char	*dir = c->job->conf->stats_dir;
	struct job	*j = c->job;
	int64_t		 need, have;

	if (fs_mkdirs(dir, &c->err) != 0)
		return job_fail_err(c);
	if (access(dir, W_OK) == -1)
		return job_fail(c, 1, "stats directory %s: %s", dir,
		    strerror(errno));
	need = rate_stats_bytes(c->mi.frames_est, j->res.width,
	    j->res.height);
	have = fs_free_bytes(dir);
	if (have >= 0 && have < need)
		return job_fail(c, 1, "stats directory %s is full: %lld bytes "
		    "free, about %lld needed", dir, (long long)have,
		    (long long)need);
	c->stats = job_stats_path(dir, j->source, getpid());
	return 0;
}

static void
job_stats_remove(struct job_ctx *c)
{
	if (c->stats != NULL)
		job_stats_unlink(c->stats);
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

/* Hand an encoded video packet to the muxer (pass 2) or drop it. */
static int
job_video_packet(struct job_ctx *c, const struct enc_packet *ep)
{
	AVPacket	*pkt;
	int		 rv;

	c->vbytes += ep->size;
	if (c->mux == NULL)
		return 0;
	if ((pkt = av_packet_alloc()) == NULL || av_new_packet(pkt,
	    ep->size) < 0)
		fatalx("av_new_packet");
	memcpy(pkt->data, ep->data, ep->size);
	pkt->pts = ep->pts;
	pkt->dts = ep->dts;
	pkt->duration = av_rescale_q(1, av_inv_q(c->mi.fps), c->mi.tb);
	if (ep->key)
		pkt->flags |= AV_PKT_FLAG_KEY;
	rv = mux_write(c->mux, c->vout, pkt, c->mi.tb, &c->err);
	av_packet_free(&pkt);
	return rv;
}

/* Take every packet the encoder has ready. */
static int
job_drain(struct job_ctx *c)
{
	struct enc_packet	ep;
	int			ret;

	while ((ret = c->ops->receive(c->enc, &ep, &c->err)) == 1)
		if (job_video_packet(c, &ep) != 0)
			return -1;
	return ret;
}

/* A decoded video frame (NULL at the end): convert and encode it. */
static int
job_video(void *arg, AVFrame *f)
{
	struct job_ctx	*c = arg;
	AVFrame		*pic;

	if (f == NULL) {
		if (c->ops->send(c->enc, NULL, &c->err) != 0)
			return -1;
		return job_drain(c);
	}
	if (picture_convert(c->pic, f, &pic, &c->err) != 0 ||
	    c->ops->send(c->enc, pic, &c->err) != 0 || job_drain(c) != 0)
		return -1;
	c->sent++;
	job_report(c, 0);
	return 0;
}

struct job_aout {
	struct job_ctx	*c;
	int		 slot;
};

/* An encoded audio packet to the muxer. */
static int
job_audio_packet(void *arg, AVPacket *pkt)
{
	struct job_aout	*ao = arg;
	struct job_ctx	*c = ao->c;

	return mux_write(c->mux, c->aout[ao->slot], pkt,
	    norm_encoder(c->norm[ao->slot])->time_base, &c->err);
}

/* A decoded audio frame: measured in pass 1, normalised in pass 2. */
static int
job_audio(void *arg, int slot, AVFrame *f)
{
	struct job_ctx	*c = arg;
	struct job_aout	 ao = { c, slot };

	if (c->stage == JOB_PASS1)
		return meter_feed(c->meter[slot], f, &c->err);
	return norm_feed(c->norm[slot], f, job_audio_packet, &ao, &c->err);
}

/* A packet of a copied stream (pass 2). */
static int
job_packet(void *arg, AVPacket *pkt)
{
	struct job_ctx	*c = arg;
	AVStream	*st;
	int		 idx;

	if (c->mux == NULL || pkt->stream_index >= 1024 ||
	    (idx = c->outidx[pkt->stream_index]) < 0)
		return 0;
	st = c->src.fmt->streams[pkt->stream_index];
	return mux_write(c->mux, idx, pkt, st->time_base, &c->err);
}

/*
 * The cropped, scaled picture and the encoder settings every encode of
 * the job shares (a pass or a chunk); the caller adds its own and opens.
 */
void
job_enc_setup(struct job_ctx *c, int64_t frames)
{
	struct job	*j = c->job;

	c->pic = picture_new(&j->res.crop, j->res.width, j->res.height,
	    enc_pix_fmt(j->res.depth));
	c->ep.width = j->res.width;
	c->ep.height = j->res.height;
	c->ep.depth = j->res.depth;
	c->ep.fps = c->mi.fps;
	c->ep.kbps = j->res.kbps;
	c->ep.frames = frames;
	c->ep.prof = j->prof;
	c->ep.mi = &c->mi;
}

/* Open the source, the converter and the encoder for a pass. */
static int
job_pass_open(struct job_ctx *c, int pass)
{
	struct job		*j = c->job;
	const struct profile	*prof = j->prof;
	int			 audio;

	audio = strcmp(prof->audio_codec, "copy") != 0;
	if (source_open(&c->src, j->source, prof->threads, audio,
	    &c->err) != 0)
		return job_fail_err(c);
	job_enc_setup(c, pass == 2 ? j->res.frames : c->mi.frames_est);
	c->ep.pass = pass;
	c->ep.stats = c->stats;
	if ((c->enc = c->ops->open(&c->ep, &c->err)) == NULL)
		return job_fail_err(c);
	return 0;
}

/* Close what a pass opened. */
static void
job_pass_close(struct job_ctx *c)
{
	int	i;

	for (i = 0; i < MEDIA_MAX_AUDIO; i++) {
		meter_free(c->meter[i], NULL);
		norm_free(c->norm[i], NULL);
		c->meter[i] = NULL;
		c->norm[i] = NULL;
	}
	if (c->enc != NULL)
		c->ops->close(c->enc);
	c->enc = NULL;
	picture_free(c->pic);
	c->pic = NULL;
	mux_free(c->mux);
	c->mux = NULL;
	if (c->src.fmt != NULL)
		source_close(&c->src);
}

/* The media layer's loudness figures from a job's. */
static void
job_loudness_from(struct audio_loudness *to, const struct job_loudness *from)
{
	to->i = from->i;
	to->lra = from->lra;
	to->tp = from->tp;
	to->valid = from->valid;
}

/* A job's loudness figures from the media layer's. */
static void
job_loudness_to(struct job_loudness *to, const struct audio_loudness *from)
{
	to->i = from->i;
	to->lra = from->lra;
	to->tp = from->tp;
	to->valid = from->valid;
}

/* Count the lines x265 wrote to its stats file. */
static int64_t
job_stats_lines(const char *path)
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
job_pass1_check(struct job_ctx *c)
{
	struct job	*j = c->job;
	AVStream	*st = c->src.fmt->streams[c->src.vindex];
	int64_t		 start, end;

	if (j->res.frames == 0)
		return job_fail(c, 0, "no video frame could be decoded");
	start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
	end = av_rescale_q(c->src.last_pts - start, st->time_base,
	    AV_TIME_BASE_Q) + av_rescale_q(1, av_inv_q(c->mi.fps),
	    AV_TIME_BASE_Q);
	if (c->mi.duration > 0 && end < c->mi.duration * 9 / 10 - 1000000)
		return job_fail(c, 0, "truncated or damaged: the video ends "
		    "at %.2fs of %.2fs", end / 1e6, c->mi.duration / 1e6);
	c->ep.frames = j->res.frames;
	c->vspan = end;
	return 0;
}

/* After pass 1's encoder is closed: its stats file is whole. */
static int
job_stats_check(struct job_ctx *c)
{
	int64_t	lines, frames = c->job->res.frames;

	lines = job_stats_lines(c->stats);
	if (lines < frames)
		return job_fail(c, 1, "x265 stats file %s is incomplete (%lld "
		    "of %lld frames): is the stats directory full?", c->stats,
		    (long long)(lines < 0 ? 0 : lines), (long long)frames);
	return 0;
}

/* Pass 1: analyse every frame for x265 and measure the audio. */
static int
job_pass1(struct job_ctx *c)
{
	struct job		*j = c->job;
	struct media_sink	 sink = { c, job_video, job_audio, NULL };
	struct audio_loudness	 l;
	int			 i, rv = -1;

	job_stage(c, JOB_PASS1);
	if (job_pass_open(c, 1) != 0)
		goto out;
	for (i = 0; i < c->src.naudio; i++)
		if ((c->meter[i] = meter_new(c->src.adec[i], j->prof,
		    &c->err)) == NULL)
			goto fail;
	if (source_run(&c->src, &sink, j->stop, &c->err) != 0)
		goto fail;
	j->res.frames = c->src.vframes;
	for (i = 0; i < c->src.naudio && i < JOB_MAX_AUDIO; i++) {
		meter_free(c->meter[i], &l);
		c->meter[i] = NULL;
		job_loudness_to(&j->res.before[i], &l);
		log_info("audio %d: %.1f LUFS, range %.1f LU, true peak "
		    "%.1f dBTP", i, l.i, l.lra, l.tp);
	}
	j->res.naudio = c->src.naudio;
	log_info("pass 1: %lld frames in %.1fs (%.1f fps)",
	    (long long)j->res.frames, job_elapsed(&c->t0),
	    j->res.frames / job_elapsed(&c->t0));
	rv = job_pass1_check(c);
	job_pass_close(c);
	return rv == 0 ? job_stats_check(c) : -1;
fail:
	job_fail_err(c);
out:
	job_pass_close(c);
	return rv;
}

/* The video stream's parameters for the container. */
static void
job_video_par(struct job_ctx *c, AVCodecParameters *par)
{
	const uint8_t	*hdr;
	int		 size;

	par->codec_type = AVMEDIA_TYPE_VIDEO;
	par->codec_id = c->ops->codec;
	par->width = c->job->res.width;
	par->height = c->job->res.height;
	par->format = enc_pix_fmt(c->job->res.depth);
	par->bit_rate = (int64_t)c->job->res.kbps * 1000;
	par->field_order = AV_FIELD_PROGRESSIVE;
	par->sample_aspect_ratio =
	    c->src.fmt->streams[c->src.vindex]->codecpar->sample_aspect_ratio;
	c->ops->headers(c->enc, &hdr, &size);
	par->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE);
	if (par->extradata == NULL)
		fatalx("av_mallocz");
	memcpy(par->extradata, hdr, size);
	par->extradata_size = size;
}

/* Add one source stream to the output: encoded, copied or left out. */
static int
job_stream(struct job_ctx *c, AVStream *st, AVCodecParameters *vpar)
{
	struct job		*j = c->job;
	struct audio_loudness	 before;
	int			 slot, type = st->codecpar->codec_type;

	c->outidx[st->index] = -1;
	if (st->index == c->src.vindex) {
		c->vout = mux_add_video(c->mux, st, vpar, c->mi.fps, &c->mi);
		return 0;
	}
	for (slot = 0; slot < c->src.naudio; slot++)
		if (c->src.aslot[slot] == st->index)
			break;
	if (type == AVMEDIA_TYPE_AUDIO && slot < c->src.naudio) {
		job_loudness_from(&before, &j->res.before[slot]);
		c->norm[slot] = norm_new(c->src.adec[slot], st->time_base,
		    j->prof, &before, &c->err);
		if (c->norm[slot] == NULL)
			return -1;
		c->aout[slot] = mux_add_encoded(c->mux, st,
		    norm_encoder(c->norm[slot]));
		log_info("audio %d: gain %+.1f dB to %.1f LUFS, %s", slot,
		    norm_gain(c->norm[slot]), j->prof->loudness,
		    j->prof->audio_codec);
	} else if (type == AVMEDIA_TYPE_AUDIO ||
	    type == AVMEDIA_TYPE_SUBTITLE || type == AVMEDIA_TYPE_ATTACHMENT ||
	    (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
		c->outidx[st->index] = mux_add_copy(c->mux, st);
	else
		log_info("leaving out stream %d (%s)", st->index,
		    av_get_media_type_string(type));
	return 0;
}

/* Open the output and add every stream in the source's order. */
static int
job_streams(struct job_ctx *c)
{
	AVCodecParameters	*vpar;
	unsigned int		 i;
	int			 rv = 0;

	if ((c->mux = mux_open(c->tmp, c->src.fmt, &c->err)) == NULL)
		return -1;
	if ((vpar = avcodec_parameters_alloc()) == NULL)
		fatalx("avcodec_parameters_alloc");
	job_video_par(c, vpar);
	for (i = 0; rv == 0 && i < c->src.fmt->nb_streams && i < 1024; i++)
		rv = job_stream(c, c->src.fmt->streams[i], vpar);
	avcodec_parameters_free(&vpar);
	if (rv == 0)
		rv = mux_start(c->mux, &c->err);
	return rv;
}

/* Pass 2: encode for real, normalise the audio, copy the rest, mux. */
static int
job_pass2(struct job_ctx *c)
{
	struct job		*j = c->job;
	struct media_sink	 sink = { c, job_video, job_audio, job_packet };
	struct audio_loudness	 l;
	int			 i, rv = -1;

	job_stage(c, JOB_PASS2);
	c->vbytes = 0;
	if (job_pass_open(c, 2) != 0)
		goto out;
	if (job_streams(c) != 0 ||
	    source_run(&c->src, &sink, j->stop, &c->err) != 0 ||
	    mux_finish(c->mux, &c->err) != 0) {
		job_fail_err(c);
		goto out;
	}
	if (c->src.vframes != j->res.frames) {
		job_fail(c, 0, "pass 2 read %lld frames, pass 1 %lld",
		    (long long)c->src.vframes, (long long)j->res.frames);
		goto out;
	}
	for (i = 0; i < c->src.naudio && i < JOB_MAX_AUDIO; i++) {
		norm_free(c->norm[i], &l);
		c->norm[i] = NULL;
		job_loudness_to(&j->res.after[i], &l);
		log_info("audio %d: now %.1f LUFS, true peak %.1f dBTP", i,
		    l.i, l.tp);
	}
	j->res.actual_kbps = c->vbytes * 8.0 / 1000 /
	    (j->res.frames * av_q2d(av_inv_q(c->mi.fps)));
	log_info("pass 2: %lld frames in %.1fs (%.1f fps), video %.0f kbps",
	    (long long)c->src.vframes, job_elapsed(&c->t0),
	    c->src.vframes / job_elapsed(&c->t0), j->res.actual_kbps);
	rv = 0;
out:
	job_pass_close(c);
	return rv;
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
	ex.naudio = c->mi.naudio;
	ex.nsubtitle = c->mi.nsubtitle;
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

	job_stage(c, JOB_PUBLISH);
	if (fs_publish(c->tmp, j->output, j->overwrite, &c->err) != 0)
		return job_fail_err(c);
	log_info("published: %s", j->output);
	free(c->tmp);
	c->tmp = NULL;
	return 0;
}

/* Remove what a job leaves behind: stats always, the temporary output
 * when it was not published. */
static void
job_cleanup(struct job_ctx *c)
{
	job_stats_remove(c);
	free(c->stats);
	if (c->tmpfd != -1)
		close(c->tmpfd);
	if (c->tmp != NULL && unlink(c->tmp) == -1 && errno != ENOENT)
		log_warn("removing %s", c->tmp);
	free(c->tmp);
	free(c->err);
	free(c->workdir);
}

/* Run a job to its end; 0 when published (or skipped), -1 with error. */
int
job_run(struct job *j)
{
	struct job_ctx	*c;
	struct timespec	 t0;
	int		 rv;

	memset(&j->res, 0, sizeof(j->res));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = xcalloc(1, sizeof(*c));
	c->job = j;
	c->tmpfd = -1;
	if (j->tokens != NULL && j->id != NULL && j->prof->chunked &&
	    (j->step == JOB_STEP_ALL || j->step == JOB_STEP_HELP)) {
		c->td = tok_attach(j->tokens, j->node, j->conf->lease,
		    j->conf->max_attempts);
		rv = 0;
		if (job_chunked_joined(c))
			goto done;	/* by another host: published */
	}
	if (!j->overwrite && fs_exists(j->output)) {
		j->res.skipped = 1;
		log_info("%s exists, skipping (overwrite is off)", j->output);
		rv = 0;
		goto done;
	}
	if ((c->ops = enc_find(j->prof->encoder)) == NULL)
		rv = job_fail(c, 0, "no encoder %s", j->prof->encoder);
	else
		rv = job_analyse(c);
	if (rv == 0 && j->prof->chunked && (j->step == JOB_STEP_PLAN ||
	    j->step == JOB_STEP_CHUNK)) {
		rv = job_chunked_step(c);
		goto done;
	}
	if (rv == 0 && !j->prof->chunked)
		rv = job_stats(c);
	if (rv == 0)
		rv = job_output(c);
	if (rv == 0 && j->prof->chunked) {
		if ((rv = job_chunked(c)) == 1) {
			rv = 0;		/* another host's to join */
			goto done;
		}
	} else {
		if (rv == 0)
			rv = job_pass1(c);
		if (rv == 0)
			rv = job_pass2(c);
	}
	if (rv == 0)
		rv = job_verify(c);
	if (rv == 0)
		rv = job_publish(c);
	if (rv == 0 && j->prof->chunked) {
		job_chunked_published(c);
		job_chunked_cleanup(c);
	}
done:
	if (rv != 0 && j->stop != NULL && *j->stop) {
		free(j->error);
		j->error = xstrdup("interrupted");
		j->transient = 1;
	}
	job_cleanup(c);
	tok_close(c->td);	/* gives back any chunk claim still held */
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
		snprintf(buf + off, len - off, ", video %.0f kbps (target %d)",
		    r->actual_kbps, r->kbps);
	else if (off < len)
		snprintf(buf + off, len - off, ", video %.0f kbps",
		    r->actual_kbps);
}
