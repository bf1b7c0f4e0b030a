/*
 * Times and rates as the rest of the program wants them: a frame rate as
 * a number, a frame's length, the span of a run of frames, where a
 * source's video ended, audio cut where it ends.  FFmpeg's rational
 * arithmetic stays here.
 */
#include "config.h"

#include <libavutil/pixdesc.h>

#include "media.h"

/* A rate (frames per second) as a number. */
double
media_rate(AVRational r)
{
	return av_q2d(r);
}

/* The length of one frame at fps, in seconds. */
double
media_frame_time(AVRational fps)
{
	return av_q2d(av_inv_q(fps));
}

/* A pixel format's name, for the logs. */
const char *
media_pix_fmt_name(enum AVPixelFormat fmt)
{
	return av_get_pix_fmt_name(fmt);
}

/*
 * The span of frames from pts first to pts last (in tb) at fps, the last
 * frame's length included, in microseconds.
 */
int64_t
media_span(int64_t first, int64_t last, AVRational tb, AVRational fps)
{
	return av_rescale_q(last - first, tb, AV_TIME_BASE_Q) +
	    av_rescale_q(1, av_inv_q(fps), AV_TIME_BASE_Q);
}

/* Where a source's video ended, read to its end, in microseconds. */
int64_t
media_source_end(const struct media_source *src, AVRational fps)
{
	const AVStream	*st = src->fmt->streams[src->vindex];
	int64_t		 start;

	start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
	return media_span(start, src->last_pts, st->time_base, fps);
}

/* Whether a timestamp is one. */
int
media_pts_valid(int64_t pts)
{
	return pts != AV_NOPTS_VALUE;
}

/*
 * Whether a decoded audio frame of a file's slot goes past the end of its
 * video, vspan long from the video's start (0: not cut): 1 when it starts
 * there (to be left out), else 0, the frame cut to end there.  A file's
 * audio that runs on after its video is cut, as a script's is.
 */
int
media_audio_past(const struct media_source *src, int slot, AVFrame *f,
    int64_t vspan)
{
	const AVStream	*vst, *ast;
	int64_t		 end, start, keep;

	if (vspan <= 0 || f->pts == AV_NOPTS_VALUE || f->sample_rate <= 0)
		return 0;
	vst = src->fmt->streams[src->vindex];
	ast = src->fmt->streams[src->aslot[slot]];
	end = vspan + (vst->start_time == AV_NOPTS_VALUE ? 0 :
	    av_rescale_q(vst->start_time, vst->time_base, AV_TIME_BASE_Q));
	start = av_rescale_q(f->pts, ast->time_base, AV_TIME_BASE_Q);
	if (start >= end)
		return 1;
	keep = av_rescale(end - start, f->sample_rate, AV_TIME_BASE);
	if (keep < f->nb_samples)
		f->nb_samples = (int)keep;
	return 0;
}
