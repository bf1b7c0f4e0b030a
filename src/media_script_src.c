/*
 * A script as a frame source, the script backend of media_source.c: its
 * streams described by an AVFormatContext of our own (the script's video,
 * then the audio streams of the file the script's audio comes from), its
 * frames read in order, and its audio (media_script_audio.c) interleaved
 * with the video.  Its probe tells the clip, and the colour of its first
 * video source.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/pixdesc.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

/* Our stream for the script's video. */
static void
ssrc_video_stream(struct media_source *src, const struct media_script_info *i)
{
	AVStream	*st;

	if ((st = avformat_new_stream(src->fmt, NULL)) == NULL)
		fatalx("avformat_new_stream");
	st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
	st->codecpar->codec_id = AV_CODEC_ID_RAWVIDEO;
	st->codecpar->width = i->width;
	st->codecpar->height = i->height;
	st->codecpar->format = i->pix_fmt;
	st->codecpar->sample_aspect_ratio = i->sar;
	st->sample_aspect_ratio = i->sar;
	st->time_base = av_inv_q(i->fps);
	st->avg_frame_rate = i->fps;
	st->r_frame_rate = i->fps;
	st->nb_frames = i->frames;
	src->vindex = st->index;
}

/* Open a script as a source of its video: our streams' context with the
 * video's stream alone. */
static int
ssrc_open(struct media_source *src, const char *path, int threads,
    struct media_script_info *info, char **cause)
{
	memset(src, 0, sizeof(*src));
	if ((src->script = script_open(path, threads, info, cause)) == NULL)
		return -1;
	if ((src->fmt = avformat_alloc_context()) == NULL)
		fatalx("avformat_alloc_context");
	ssrc_video_stream(src, info);
	if ((src->pkt = av_packet_alloc()) == NULL ||
	    (src->frame = av_frame_alloc()) == NULL)
		fatalx("av_packet_alloc");
	src->last_pts = AV_NOPTS_VALUE;
	return 0;
}

/* Open a script as a source; audio says what becomes of its audio
 * (SOURCE_*): copied it cannot be, decoded it is taken, or left out. */
int
script_source_open(struct media_source *src, const char *path, int threads,
    int audio, char **cause)
{
	struct media_script_info	 info;

	if (ssrc_open(src, path, threads, &info, cause) != 0)
		return -1;
	if (audio == SOURCE_COPY_AUDIO && info.has_audio) {
		xasprintf(cause, "a script's audio cannot be copied (it is cut "
		    "to the script's frames): use audio_codec opus or flac");
		script_source_close(src);
		return -1;
	}
	if (audio == SOURCE_DECODE_AUDIO && info.has_audio &&
	    script_audio_open(src, path, cause) != 0) {
		script_source_close(src);
		return -1;
	}
	return 0;
}

/* Make frame n the next one read. */
int
script_source_seek(struct media_source *src, int64_t n, char **cause)
{
	return script_seek(src->script, n, cause);
}

/* The script's next frame, numbered from 0 in pts: 1, 0 at the end. */
int
script_source_read(struct media_source *src, AVFrame *f, char **cause)
{
	return script_read(src->script, f, cause);
}

void
script_source_close(struct media_source *src)
{
	int	i;

	for (i = 0; i < src->naudio; i++)
		avcodec_free_context(&src->adec[i]);
	src->naudio = 0;
	script_audio_free(src);
	avformat_free_context(src->fmt);
	src->fmt = NULL;
	script_close(src->script);
	src->script = NULL;
	av_packet_free(&src->pkt);
	av_frame_free(&src->frame);
}

/*
 * The script's audio alone, up to t seconds of the script; with t
 * HUGE_VAL all of it, and then its end told to the sink.  For a chunked
 * job, whose video is read elsewhere.
 */
int
script_source_audio(struct media_source *src, double t,
    const struct media_sink *sink, char **cause)
{
	int	i;

	if (script_audio_until(src, t, sink, cause) != 0)
		return -1;
	for (i = 0; t == HUGE_VAL && i < src->naudio; i++)
		if (sink->audio(sink->arg, i, NULL) != 0) {
			if (*cause == NULL)
				xasprintf(cause, "stopped");
			return -1;
		}
	return 0;
}

/* The end: the rest of the audio, then tell the sink. */
static int
ssrc_finish(struct media_source *src, const struct media_sink *sink,
    char **cause)
{
	if (script_audio_until(src, HUGE_VAL, sink, cause) != 0)
		return -1;
	return media_sink_end(src, sink, cause);
}

/* Read the whole script once: frames in order, the audio beside them. */
int
script_source_run(struct media_source *src, const struct media_sink *sink,
    volatile int *stop, char **cause)
{
	AVFrame		*f;
	AVRational	 fps = src->script->info.fps;
	int		 ret;

	*cause = NULL;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	for (;;) {
		if (stop != NULL && *stop) {
			xasprintf(cause, "interrupted");
			ret = -1;
			break;
		}
		if ((ret = script_read(src->script, f, cause)) != 1)
			break;
		src->vframes++;
		src->last_pts = f->pts;
		ret = sink->video(sink->arg, f);
		av_frame_unref(f);
		if (ret != 0) {
			if (*cause == NULL)
				xasprintf(cause, "stopped");
			ret = -1;
			break;
		}
		if (script_audio_until(src, (double)src->vframes * fps.den /
		    fps.num, sink, cause) != 0) {
			ret = -1;
			break;
		}
	}
	av_frame_free(&f);
	if (ret != 0)
		return -1;
	if (src->vframes != src->script->info.frames) {
		xasprintf(cause, "the script gave %lld frames, not its %lld: "
		    "a source is damaged or has frames in more than one "
		    "packet", (long long)src->vframes,
		    (long long)src->script->info.frames);
		return -1;
	}
	return ssrc_finish(src, sink, cause);
}

/* Colour description and HDR10 metadata from the script's first video
 * source, as its own probe finds them. */
static void
script_colour(const struct media_script *s, struct media_info *mi)
{
	struct media_info	 src;
	char			*err = NULL;
	int			 i;

	for (i = 0; s->plan != NULL && i < s->plan->ninputs; i++)
		if (s->plan->video[i])
			break;
	if (s->plan == NULL || i == s->plan->ninputs)
		return;
	if (probe_file(s->plan->inputs[i], &src, &err) != 0) {
		free(err);
		return;
	}
	mi->primaries = src.primaries;
	mi->trc = src.trc;
	mi->space = src.space;
	mi->range = src.range;
	mi->has_mastering = src.has_mastering;
	mi->mastering = src.mastering;
	mi->has_cll = src.has_cll;
	mi->cll = src.cll;
}

/* Probe a script: its clip's frames, rate, size and format, and the
 * audio streams it brings. */
int
script_probe(const char *path, struct media_info *mi, char **cause)
{
	struct media_source		 src;
	struct media_script		*s;
	const AVPixFmtDescriptor	*d;

	memset(mi, 0, sizeof(*mi));
	if (script_source_open(&src, path, 1, SOURCE_DECODE_AUDIO,
	    cause) != 0)
		return -1;
	s = src.script;
	mi->script = 1;
	mi->vindex = src.vindex;
	mi->width = s->info.width;
	mi->height = s->info.height;
	mi->fps = s->info.fps;
	mi->tb = av_inv_q(s->info.fps);
	mi->frames_est = s->info.frames;
	mi->duration = av_rescale_q(s->info.frames, mi->tb, AV_TIME_BASE_Q);
	mi->pix_fmt = s->info.pix_fmt;
	d = av_pix_fmt_desc_get(mi->pix_fmt);
	mi->depth = d != NULL ? d->comp[0].depth : 8;
	snprintf(mi->codec, sizeof(mi->codec), "%s", s->plus != NULL ?
	    "AviSynth+ script" : "AviSynth script");
	mi->naudio = src.naudio;
	media_describe_streams(src.fmt, mi);
	/* unknown unless a source tells (0 would be RGB, or reserved) */
	mi->primaries = AVCOL_PRI_UNSPECIFIED;
	mi->trc = AVCOL_TRC_UNSPECIFIED;
	mi->space = AVCOL_SPC_UNSPECIFIED;
	mi->range = AVCOL_RANGE_UNSPECIFIED;
	script_colour(s, mi);
	if (s->plus != NULL)
		splus_colour(&s->pi, mi);
	script_source_close(&src);
	return 0;
}

