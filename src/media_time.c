/*
 * Times and rates as the rest of the program wants them: a frame rate as
 * a number, a frame's length, the span of a run of frames, where a
 * source's video ended.  FFmpeg's rational arithmetic stays here.
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
