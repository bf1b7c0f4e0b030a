/*
 * A media file as a frame source: a demuxer with a video decoder and the
 * audio decoders, read in one pass that hands each decoded frame, and
 * every packet of the streams that are copied, to a sink; or sampled near
 * a time; or read frame-exactly from a frame on (a chunk's frames: seek
 * to the keyframe at or before it, decode, drop the frames before it; if
 * the seek lands past it, read again from the start of the file).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* Open path for a pass; SOURCE_DECODE_AUDIO also opens every audio
 * decoder. */
int
media_file_open(struct media_source *src, const char *path, int threads,
    int audio, char **cause)
{
	AVStream	*st;
	unsigned int	 i;
	int		 ret;

	memset(src, 0, sizeof(*src));
	if ((ret = avformat_open_input(&src->fmt, path, NULL, NULL)) < 0) {
		reason_open(path, ret, cause);
		return -1;
	}
	if ((ret = avformat_find_stream_info(src->fmt, NULL)) < 0) {
		xasprintf(cause, "not a media file: %s", media_error(ret));
		goto fail;
	}
	src->vindex = av_find_best_stream(src->fmt, AVMEDIA_TYPE_VIDEO, -1,
	    -1, NULL, 0);
	if (src->vindex < 0) {
		xasprintf(cause, "no video stream");
		goto fail;
	}
	st = src->fmt->streams[src->vindex];
	if ((src->vdec = media_decoder(st, threads, cause)) == NULL)
		goto fail;
	for (i = 0; audio == SOURCE_DECODE_AUDIO &&
	    i < src->fmt->nb_streams; i++) {
		st = src->fmt->streams[i];
		if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
			continue;
		if (src->naudio == MEDIA_MAX_AUDIO) {
			xasprintf(cause, "more than %d audio streams",
			    MEDIA_MAX_AUDIO);
			goto fail;
		}
		if ((src->adec[src->naudio] = media_decoder(st, 1,
		    cause)) == NULL)
			goto fail;
		src->aslot[src->naudio++] = i;
	}
	if ((src->pkt = av_packet_alloc()) == NULL ||
	    (src->frame = av_frame_alloc()) == NULL)
		fatalx("av_packet_alloc");
	src->last_pts = AV_NOPTS_VALUE;
	return 0;
fail:
	media_file_close(src);
	return -1;
}

void
media_file_close(struct media_source *src)
{
	int	i;

	for (i = 0; i < src->naudio; i++)
		avcodec_free_context(&src->adec[i]);
	avcodec_free_context(&src->vdec);
	avformat_close_input(&src->fmt);
	av_packet_free(&src->pkt);
	av_frame_free(&src->frame);
	src->naudio = 0;
}

/* The audio slot of a stream index, or -1. */
static int
file_slot(const struct media_source *src, int index)
{
	int	i;

	for (i = 0; i < src->naudio; i++)
		if (src->aslot[i] == index)
			return i;
	return -1;
}

/* Describe where in the file a stream's timestamp falls. */
static void
file_where(const struct media_source *src, int index, int64_t ts,
    char *buf, size_t len)
{
	AVRational	tb = src->fmt->streams[index]->time_base;
	double		s;

	if (ts == AV_NOPTS_VALUE) {
		snprintf(buf, len, "stream %d", index);
		return;
	}
	s = ts * av_q2d(tb);
	snprintf(buf, len, "stream %d at %02d:%02d:%06.3f", index,
	    (int)(s / 3600), (int)(s / 60) % 60, s - 60 * (int)(s / 60));
}

/* Drain decoded frames from ctx into the sink; slot -1 is video. */
static int
file_drain(struct media_source *src, AVCodecContext *ctx, int slot,
    const struct media_sink *sink, char **cause)
{
	AVFrame	*f = src->frame;
	int	 ret, index;
	char	 where[64];

	index = slot < 0 ? src->vindex : src->aslot[slot];
	for (;;) {
		ret = avcodec_receive_frame(ctx, f);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		file_where(src, index, src->pkt->pts, where, sizeof(where));
		if (ret < 0 && src->tolerant) {
			damage_skipped("decoding %s: %s", where,
			    media_error(ret));
			return 0;
		}
		if (ret < 0) {
			xasprintf(cause, "truncated or damaged: decoding %s: "
			    "%s", where, media_error(ret));
			return -1;
		}
		if ((f->flags & AV_FRAME_FLAG_CORRUPT) ||
		    f->decode_error_flags != 0) {
			av_frame_unref(f);
			if (src->tolerant) {
				damage_skipped("a corrupt frame in %s", where);
				continue;
			}
			xasprintf(cause, "truncated or damaged: corrupt frame "
			    "in %s", where);
			return -1;
		}
		f->pts = f->best_effort_timestamp;
		if (slot < 0) {
			src->vframes++;
			src->last_pts = f->pts;
			ret = sink->video(sink->arg, f);
		} else
			ret = sink->audio(sink->arg, slot, f);
		av_frame_unref(f);
		if (ret != 0) {
			if (*cause == NULL)
				xasprintf(cause, "stopped");
			return -1;
		}
	}
}

/* Send a packet (NULL to flush) to a decoder and drain it. */
static int
file_decode(struct media_source *src, AVCodecContext *ctx, int slot,
    AVPacket *pkt, const struct media_sink *sink, char **cause)
{
	char	where[64];
	int	ret;

	ret = avcodec_send_packet(ctx, pkt);
	if (ret < 0 && ret != AVERROR_EOF) {
		file_where(src, slot < 0 ? src->vindex : src->aslot[slot],
		    pkt ? pkt->pts : AV_NOPTS_VALUE, where, sizeof(where));
		if (src->tolerant) {
			damage_skipped("decoding %s: %s", where,
			    media_error(ret));
			return 0;
		}
		xasprintf(cause, "truncated or damaged: decoding %s: %s",
		    where, media_error(ret));
		return -1;
	}
	return file_drain(src, ctx, slot, sink, cause);
}

/* Flush every decoder and tell the sink the streams ended. */
static int
file_flush(struct media_source *src, const struct media_sink *sink,
    char **cause)
{
	int	i;

	if (file_decode(src, src->vdec, -1, NULL, sink, cause) != 0)
		return -1;
	for (i = 0; i < src->naudio; i++)
		if (file_decode(src, src->adec[i], i, NULL, sink, cause) != 0)
			return -1;
	return media_sink_end(src, sink, cause);
}

/* Note how far into the file a packet reaches. */
static void
file_reach(struct media_source *src, const AVPacket *pkt)
{
	AVStream	*st = src->fmt->streams[pkt->stream_index];
	int64_t		 ts, end;

	ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
	if (ts == AV_NOPTS_VALUE)
		return;
	end = av_rescale_q(ts + pkt->duration, st->time_base, AV_TIME_BASE_Q);
	if (src->fmt->start_time != AV_NOPTS_VALUE)
		end -= src->fmt->start_time;
	if (end > src->read_end)
		src->read_end = end;
}

/* The read of media_file_run, its errors counted as damage. */
static int
file_run(struct media_source *src, const struct media_sink *sink,
    volatile int *stop, char **cause)
{
	AVPacket	*pkt = src->pkt;
	int		 ret, slot, rv = 0;

	while (rv == 0) {
		if (stop != NULL && *stop) {
			xasprintf(cause, "interrupted");
			return -1;
		}
		if ((ret = av_read_frame(src->fmt, pkt)) == AVERROR_EOF)
			break;
		if (ret < 0 && src->tolerant) {
			damage_skipped("reading: %s", media_error(ret));
			break;
		}
		if (ret < 0) {
			xasprintf(cause, "read error: %s", media_error(ret));
			return -1;
		}
		file_reach(src, pkt);
		if (pkt->stream_index == src->vindex)
			rv = file_decode(src, src->vdec, -1, pkt, sink, cause);
		else if ((slot = file_slot(src, pkt->stream_index)) >= 0)
			rv = file_decode(src, src->adec[slot], slot, pkt,
			    sink, cause);
		else if (sink->packet != NULL) {
			if (sink->packet(sink->arg, pkt) != 0) {
				if (*cause == NULL)
					xasprintf(cause, "stopped");
				rv = -1;
			}
		}
		av_packet_unref(pkt);
	}
	if (rv != 0)
		return -1;
	return file_flush(src, sink, cause);
}

/*
 * Read the whole source once: video and audio frames decoded to the sink,
 * packets of other streams passed on.  *stop set by a signal ends it.
 * What the demuxer and decoders report meanwhile is counted for
 * damage_facts and damage_check_facts.
 */
int
media_file_run(struct media_source *src, const struct media_sink *sink,
    volatile int *stop, char **cause)
{
	int	rv;

	*cause = NULL;
	src->read_end = 0;
	damage_watch(1);
	rv = file_run(src, sink, stop, cause);
	damage_watch(0);
	return rv;
}

/*
 * Send the video decoder the next video packet, or its end (src->eof set
 * then): -1 on a decoding error, or on a read error when strict (else the
 * end).
 */
static int
file_feed(struct media_source *src, int strict, char **cause)
{
	AVPacket	*pkt = src->pkt;
	int		 ret;

	while ((ret = av_read_frame(src->fmt, pkt)) >= 0 &&
	    pkt->stream_index != src->vindex)
		av_packet_unref(pkt);
	if (ret < 0 && strict && ret != AVERROR_EOF) {
		xasprintf(cause, "read error: %s", media_error(ret));
		return -1;
	}
	if (ret < 0) {
		src->eof = 1;
		avcodec_send_packet(src->vdec, NULL);
		return 0;
	}
	ret = avcodec_send_packet(src->vdec, pkt);
	av_packet_unref(pkt);
	if (ret < 0 && ret != AVERROR_INVALIDDATA) {
		xasprintf(cause, "decoding: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/*
 * Decode video until a frame is in frame: the first one (exact 0), or the
 * first at or after pts (stream tb).
 */
static int
file_first_at(struct media_source *src, int64_t pts, int exact,
    AVFrame *frame, char **cause)
{
	int	ret, n = 0;

	src->eof = 0;
	for (;;) {
		ret = avcodec_receive_frame(src->vdec, frame);
		if (ret == 0) {
			frame->pts = frame->best_effort_timestamp;
			if (!exact || pts == AV_NOPTS_VALUE ||
			    frame->pts == AV_NOPTS_VALUE || frame->pts >= pts ||
			    ++n > 600)
				return 0;
			av_frame_unref(frame);
			continue;
		}
		if (ret == AVERROR_EOF)
			break;
		if (ret != AVERROR(EAGAIN)) {
			xasprintf(cause, "decoding: %s", media_error(ret));
			return -1;
		}
		if (src->eof)
			break;
		if (file_feed(src, 0, cause) != 0)
			return -1;
	}
	xasprintf(cause, "no frame decoded");
	return -1;
}

/*
 * One video frame near a time (AV_TIME_BASE units; AV_NOPTS_VALUE for the
 * first frame).  SAMPLE_KEY: the keyframe a seek to the time lands on;
 * SAMPLE_EXACT: the first frame at or after the time, after that seek;
 * SAMPLE_ON: the same without seeking, decoding on from where the last
 * sample left off.
 */
int
media_file_sample(struct media_source *src, int64_t ts, int how,
    AVFrame *frame, char **cause)
{
	AVStream	*st = src->fmt->streams[src->vindex];
	int64_t		 pts = AV_NOPTS_VALUE;
	unsigned int	 i;
	int		 ret;

	for (i = 0; i < src->fmt->nb_streams; i++)
		if ((int)i != src->vindex)
			src->fmt->streams[i]->discard = AVDISCARD_ALL;
	if (ts != AV_NOPTS_VALUE) {
		pts = av_rescale_q(ts, AV_TIME_BASE_Q, st->time_base);
		if (st->start_time != AV_NOPTS_VALUE)
			pts += st->start_time;
	}
	if (ts != AV_NOPTS_VALUE && how != SAMPLE_ON) {
		ret = av_seek_frame(src->fmt, src->vindex, pts,
		    AVSEEK_FLAG_BACKWARD);
		if (ret < 0) {
			xasprintf(cause, "seek failed: %s", media_error(ret));
			return -1;
		}
		avcodec_flush_buffers(src->vdec);
	}
	return file_first_at(src, pts, how != SAMPLE_KEY, frame, cause);
}

/*
 * Whether the keyframe before a time (AV_TIME_BASE units) is at or
 * before a stream pts, by the container's index: then decoding on from
 * that pts is cheaper than seeking.
 */
int
media_file_key_before(struct media_source *src, int64_t ts, int64_t pts)
{
	AVStream		*st = src->fmt->streams[src->vindex];
	const AVIndexEntry	*e;
	int64_t			 target;

	if (pts == AV_NOPTS_VALUE)
		return 0;
	target = av_rescale_q(ts, AV_TIME_BASE_Q, st->time_base);
	if (st->start_time != AV_NOPTS_VALUE)
		target += st->start_time;
	if (target <= pts)
		return 0;
	e = avformat_index_get_entry_from_timestamp(st, target,
	    AVSEEK_FLAG_BACKWARD);
	return e != NULL && e->timestamp <= pts;
}

/* The next video frame in order: 1, 0 at the end, -1 on error. */
int
media_file_next(struct media_source *src, AVFrame *frame, char **cause)
{
	int	ret;

	for (;;) {
		ret = avcodec_receive_frame(src->vdec, frame);
		if (ret == 0 && ((frame->flags & AV_FRAME_FLAG_CORRUPT) ||
		    frame->decode_error_flags != 0)) {
			xasprintf(cause, "truncated or damaged: corrupt frame "
			    "%lld", (long long)src->vframes);
			av_frame_unref(frame);
			return -1;
		}
		if (ret == 0) {
			frame->pts = frame->best_effort_timestamp;
			src->vframes++;
			return 1;
		}
		if (ret == AVERROR_EOF)
			return 0;
		if (ret != AVERROR(EAGAIN)) {
			xasprintf(cause, "decoding: %s", media_error(ret));
			return -1;
		}
		if (file_feed(src, 0, cause) != 0)
			return -1;
	}
}

/* Seek to the keyframe at or before pts, or to the start. */
static int
file_seek_key(struct media_source *src, int64_t pts, char **cause)
{
	int	ret;

	ret = av_seek_frame(src->fmt, src->vindex, pts, AVSEEK_FLAG_BACKWARD);
	if (ret < 0 && pts != INT64_MIN)
		ret = av_seek_frame(src->fmt, src->vindex, INT64_MIN,
		    AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY);
	if (ret < 0) {
		xasprintf(cause, "seek failed: %s", media_error(ret));
		return -1;
	}
	avcodec_flush_buffers(src->vdec);
	src->eof = 0;
	return 0;
}

/* Make the video frame at pts (stream tb) the next media_file_read
 * gives. */
int
media_file_seek(struct media_source *src, int64_t pts, char **cause)
{
	unsigned int	i;

	for (i = 0; i < src->fmt->nb_streams; i++)
		if ((int)i != src->vindex)
			src->fmt->streams[i]->discard = AVDISCARD_ALL;
	src->seek_pts = pts;
	src->sought = 1;
	src->rewound = 0;
	return file_seek_key(src, pts, cause);
}

/* The next decoded frame in f; 0, or 1 at the end. */
static int
file_receive(struct media_source *src, AVFrame *f, char **cause)
{
	int	ret;

	for (;;) {
		ret = avcodec_receive_frame(src->vdec, f);
		if (ret == 0) {
			f->pts = f->best_effort_timestamp;
			return 0;
		}
		if (ret == AVERROR_EOF)
			return 1;
		if (ret != AVERROR(EAGAIN)) {
			xasprintf(cause, "decoding: %s", media_error(ret));
			return -1;
		}
		if (src->eof)
			return 1;
		if (file_feed(src, 1, cause) != 0)
			return -1;
	}
}

/* Check a frame that is to be handed out: 0, 1 when the read starts
 * again from the beginning, -1 on error. */
static int
file_check(struct media_source *src, AVFrame *f, char **cause)
{
	if (src->sought && f->pts != src->seek_pts) {
		if (!src->rewound) {
			src->rewound = 1;
			log_debug("seek to pts %lld landed at %lld: reading "
			    "from the start", (long long)src->seek_pts,
			    (long long)f->pts);
			av_frame_unref(f);
			return file_seek_key(src, INT64_MIN, cause) != 0 ?
			    -1 : 1;
		}
		xasprintf(cause, "no frame at pts %lld (the next is at %lld)",
		    (long long)src->seek_pts, (long long)f->pts);
		return -1;
	}
	if ((f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags) {
		xasprintf(cause, "damaged: corrupt frame at pts %lld",
		    (long long)f->pts);
		return -1;
	}
	return 0;
}

/* The next video frame from the one sought: 1, 0 at the end, -1 on
 * error. */
int
media_file_read(struct media_source *src, AVFrame *f, char **cause)
{
	int	ret;

	for (;;) {
		if ((ret = file_receive(src, f, cause)) != 0)
			return ret < 0 ? -1 : 0;
		if (f->pts != AV_NOPTS_VALUE && f->pts < src->seek_pts) {
			av_frame_unref(f);
			continue;
		}
		if ((ret = file_check(src, f, cause)) < 0)
			return -1;
		if (ret == 0) {
			src->sought = 0;
			return 1;
		}
	}
}

/* Decode an audio packet (NULL: flush, then the end) of a slot and hand
 * what comes to the sink. */
static int
file_audio(struct media_source *src, int slot, AVPacket *pkt,
    const struct media_sink *sink, char **cause)
{
	AVCodecContext	*dec = src->adec[slot];
	AVFrame		*f = src->frame;
	int		 ret;

	if ((ret = avcodec_send_packet(dec, pkt)) < 0 && ret != AVERROR_EOF &&
	    ret != AVERROR_INVALIDDATA) {
		xasprintf(cause, "decoding audio %d: %s", slot,
		    media_error(ret));
		return -1;
	}
	while ((ret = avcodec_receive_frame(dec, f)) == 0) {
		f->pts = f->best_effort_timestamp;
		ret = sink->audio(sink->arg, slot, f);
		av_frame_unref(f);
		if (ret != 0)
			return -1;
	}
	if (pkt == NULL)
		return sink->audio(sink->arg, slot, NULL) != 0 ? -1 : 0;
	return 0;
}

/* Read and pass on one packet of the file's streams beside the video. */
static int
file_pump(struct media_source *src, const struct media_sink *sink,
    char **cause)
{
	AVPacket	*pkt = src->pkt;
	AVStream	*st;
	int64_t		 ts;
	int		 ret, slot, rv = 0;

	if ((ret = av_read_frame(src->fmt, pkt)) == AVERROR_EOF) {
		src->eof = 1;
		return 0;
	}
	if (ret < 0) {
		xasprintf(cause, "reading the source: %s", media_error(ret));
		return -1;
	}
	st = src->fmt->streams[pkt->stream_index];
	ts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
	if (ts != AV_NOPTS_VALUE && pkt->stream_index != src->vindex)
		src->read_time = ts * av_q2d(st->time_base);
	if ((slot = file_slot(src, pkt->stream_index)) >= 0)
		rv = file_audio(src, slot, pkt, sink, cause);
	else if (sink->packet != NULL)
		rv = sink->packet(sink->arg, pkt) != 0 ? -1 : 0;
	av_packet_unref(pkt);
	return rv;
}

/*
 * The file's streams beside the video up to t seconds (HUGE_VAL: to their
 * end, and then the audio's end told): audio decoded to the sink, other
 * packets passed on.  For a chunked job's join, whose video is the
 * chunks'.
 */
int
media_file_until(struct media_source *src, double t,
    const struct media_sink *sink, char **cause)
{
	int	slot;

	while (!src->eof && src->read_time <= t)
		if (file_pump(src, sink, cause) != 0)
			return -1;
	for (slot = 0; t == HUGE_VAL && slot < src->naudio; slot++)
		if (file_audio(src, slot, NULL, sink, cause) != 0)
			return -1;
	return 0;
}
