/*
 * A script's audio, for the script as a frame source: the audio streams
 * of the file the script's audio comes from, decoded, cut to the
 * script's segments (silence where a file has none of what the script
 * wants) and handed on as the script's frames are read.  With
 * AviSynth+, the audio is AviSynth+'s, read as PCM.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/channel_layout.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

#define AUDIO_CHUNK	4096	/* AviSynth+ samples per read */

struct script_audio {
	const struct avs_plan		*plan;
	AVFormatContext			*fmt;	/* the file read now */
	AVCodecContext			*dec[MEDIA_MAX_AUDIO];
	int				 real[MEDIA_MAX_AUDIO];
	const struct avs_audio_seg	*seg;
	int				 nseg;
	int				 run_end;	/* past this file's */
	int				 cur[MEDIA_MAX_AUDIO];
	int64_t				 at[MEDIA_MAX_AUDIO];	/* read to */
	int64_t				 out[MEDIA_MAX_AUDIO];
	int64_t				 zero;	/* the file's time 0, us */
	int				 eof;

	/* AviSynth+ */
	struct avsplus			*plus;
	int64_t				 pos;
	int64_t				 total;	/* the video's length */
	int64_t				 have;	/* what AviSynth+ has */
	int				 bps;	/* bytes per sample frame */
	int				 silence;	/* a silent byte */
};

/* Our stream for an audio stream of the audio's file, and its decoder. */
static int
saudio_audio_stream(struct media_source *src, AVStream *real, char **cause)
{
	struct script_audio	*a = src->saudio;
	AVStream		*st;
	int			 slot = src->naudio;

	if (slot == MEDIA_MAX_AUDIO)
		return 0;
	if ((src->adec[slot] = media_decoder(real, 1, cause)) == NULL)
		return -1;
	if ((st = avformat_new_stream(src->fmt, NULL)) == NULL)
		fatalx("avformat_new_stream");
	if (avcodec_parameters_copy(st->codecpar, real->codecpar) < 0)
		fatalx("avcodec_parameters_copy");
	st->time_base = real->time_base;
	st->disposition = real->disposition;
	av_dict_copy(&st->metadata, real->metadata, 0);
	src->aslot[slot] = st->index;
	a->real[slot] = real->index;
	src->naudio++;
	return 0;
}

/* The time of the file's frame 0: its video's start, as the script's
 * frames count from there; the file's start when it has no video. */
static void
saudio_zero(struct script_audio *a)
{
	AVStream	*st;
	int		 i;

	a->zero = a->fmt->start_time != AV_NOPTS_VALUE ? a->fmt->start_time :
	    0;
	i = av_find_best_stream(a->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (i >= 0 && (st = a->fmt->streams[i])->start_time != AV_NOPTS_VALUE)
		a->zero = av_rescale_q(st->start_time, st->time_base,
		    AV_TIME_BASE_Q);
	for (i = 0; i < MEDIA_MAX_AUDIO; i++)
		a->at[i] = INT64_MIN;
}

/* Close the file read now and its decoders. */
static void
saudio_file_close(struct script_audio *a)
{
	int	i;

	for (i = 0; i < MEDIA_MAX_AUDIO; i++)
		avcodec_free_context(&a->dec[i]);
	avformat_close_input(&a->fmt);
}

/* Whether a file's audio stream decodes as the first file's did. */
static int
saudio_same_audio(const AVCodecContext *x, const AVCodecContext *y)
{
	return x->sample_rate == y->sample_rate &&
	    x->sample_fmt == y->sample_fmt &&
	    av_channel_layout_compare(&x->ch_layout, &y->ch_layout) == 0;
}

/* Take the file's audio streams, in order, for the slots (made from the
 * first file). */
static int
saudio_file_streams(struct media_source *src, const char *file, char **cause)
{
	struct script_audio	*a = src->saudio;
	AVStream		*st;
	unsigned int		 i;
	int			 slot = 0, first = src->naudio == 0;

	for (i = 0; i < a->fmt->nb_streams; i++) {
		st = a->fmt->streams[i];
		if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO ||
		    slot == MEDIA_MAX_AUDIO ||
		    (!first && slot == src->naudio)) {
			st->discard = AVDISCARD_ALL;
			continue;
		}
		if (first && saudio_audio_stream(src, st, cause) != 0)
			return -1;
		if ((a->dec[slot] = media_decoder(st, 1, cause)) == NULL)
			return -1;
		if (!saudio_same_audio(a->dec[slot], src->adec[slot])) {
			xasprintf(cause, "%s: its audio %d (%d channels, %d "
			    "Hz) is not as the script's first file's (%d "
			    "channels, %d Hz)", file, slot,
			    a->dec[slot]->ch_layout.nb_channels,
			    a->dec[slot]->sample_rate,
			    src->adec[slot]->ch_layout.nb_channels,
			    src->adec[slot]->sample_rate);
			return -1;
		}
		a->real[slot++] = i;
	}
	if (slot < src->naudio) {
		xasprintf(cause, "%s: %d audio streams, where the script's "
		    "first file has %d", file, slot, src->naudio);
		return -1;
	}
	return 0;
}

/*
 * Open the file of segment k and the run of segments that read it on in
 * order, seeking near the run's start.  The audio of a script may come
 * from several files and go back in one: each run is read in its turn.
 */
static int
saudio_file_open(struct media_source *src, int k, char **cause)
{
	struct script_audio		*a = src->saudio;
	const struct avs_audio_seg	*g = &a->seg[k];
	const char			*file = a->plan->inputs[g->input];
	int				 i, ret;

	saudio_file_close(a);
	if ((ret = avformat_open_input(&a->fmt, file, NULL, NULL)) < 0 ||
	    (ret = avformat_find_stream_info(a->fmt, NULL)) < 0) {
		xasprintf(cause, "%s: cannot open: %s", file, media_error(ret));
		return -1;
	}
	saudio_zero(a);
	if (saudio_file_streams(src, file, cause) != 0)
		return -1;
	for (a->run_end = k + 1; a->run_end < a->nseg &&
	    a->seg[a->run_end].input == g->input &&
	    a->seg[a->run_end].start >= a->seg[a->run_end - 1].end - 1e-6;
	    a->run_end++)
		;
	if (g->start > 1)
		av_seek_frame(a->fmt, -1, a->zero + (int64_t)((g->start - 1) *
		    AV_TIME_BASE), AVSEEK_FLAG_BACKWARD);
	for (i = 0; i < MEDIA_MAX_AUDIO; i++)
		a->cur[i] = k;
	a->eof = 0;
	return 0;
}

/* Open the first file the plan's audio comes from. */
static int
saudio_open(struct media_source *src, const struct avs_plan *p,
    const char *path, char **cause)
{
	struct script_audio	*a = src->saudio;

	a->plan = p;
	a->seg = p->audio;
	a->nseg = p->naudio;
	if (saudio_file_open(src, 0, cause) != 0)
		return -1;
	log_debug("%s: audio from %s%s", path, p->inputs[p->audio[0].input],
	    p->audio_from_script ? "" : " (the script has none of its own)");
	return 0;
}

/* AviSynth+'s audio, read as PCM through a PCM decoder. */
static int
saudio_plus(struct media_source *src, struct media_script *s,
    char **cause)
{
	const struct avsplus_info	*pi = &s->pi;
	struct script_audio		*a = src->saudio;
	AVStream			*st;
	enum AVCodecID			 id;

	switch (pi->sample_type) {
	case 1:
		id = AV_CODEC_ID_PCM_U8;	/* 8-bit, unsigned as in WAV */
		break;
	case 2:
		id = AV_CODEC_ID_PCM_S16LE;
		break;
	case 4:
		id = AV_CODEC_ID_PCM_S24LE;
		break;
	case 8:
		id = AV_CODEC_ID_PCM_S32LE;
		break;
	case 16:
		id = AV_CODEC_ID_PCM_F32LE;
		break;
	default:
		xasprintf(cause, "AviSynth+ audio sample type %d",
		    pi->sample_type);
		return -1;
	}
	a->plus = s->plus;
	a->have = pi->samples;
	a->total = av_rescale(pi->frames, (int64_t)pi->sample_rate *
	    pi->fps_den, pi->fps_num);
	if (a->total != a->have)
		log_info("AviSynth+'s audio: %lld samples %s to the video's "
		    "%lld", (long long)a->have, a->have > a->total ? "cut" :
		    "padded with silence", (long long)a->total);
	a->bps = av_get_bits_per_sample(id) / 8 * pi->channels;
	a->silence = id == AV_CODEC_ID_PCM_U8 ? 0x80 : 0;
	if ((st = avformat_new_stream(src->fmt, NULL)) == NULL)
		fatalx("avformat_new_stream");
	st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
	st->codecpar->codec_id = id;
	st->codecpar->sample_rate = pi->sample_rate;
	av_channel_layout_default(&st->codecpar->ch_layout, pi->channels);
	st->time_base = (AVRational){ 1, pi->sample_rate };
	if ((src->adec[0] = media_decoder(st, 1, cause)) == NULL)
		return -1;
	src->aslot[0] = st->index;
	src->naudio = 1;
	return 0;
}

/* Hand an audio frame to the sink, timed after what went before. */
static int
saudio_emit(struct media_source *src, int slot, AVFrame *o,
    const struct media_sink *sink)
{
	struct script_audio	*a = src->saudio;
	AVStream		*st = src->fmt->streams[src->aslot[slot]];

	o->pts = av_rescale_q(a->out[slot], (AVRational){ 1, o->sample_rate },
	    st->time_base);
	a->out[slot] += o->nb_samples;
	return sink->audio(sink->arg, slot, o);
}

/* A frame of n samples in the slot decoder's format. */
static AVFrame *
saudio_frame(const AVCodecContext *d, int n)
{
	AVFrame	*o;

	if ((o = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	o->format = d->sample_fmt;
	o->sample_rate = d->sample_rate;
	o->nb_samples = n;
	if (av_channel_layout_copy(&o->ch_layout, &d->ch_layout) < 0 ||
	    av_frame_get_buffer(o, 0) < 0)
		fatalx("av_frame_get_buffer");
	return o;
}

/* n samples of silence: where the file has no audio the script has. */
static int
saudio_silence(struct media_source *src, int slot, int64_t n,
    const struct media_sink *sink)
{
	const AVCodecContext	*d = src->adec[slot];
	AVFrame			*o;
	int			 k, ret = 0;

	for (; n > 0 && ret == 0; n -= k) {
		k = n > AUDIO_CHUNK ? AUDIO_CHUNK : (int)n;
		o = saudio_frame(d, k);
		av_samples_set_silence(o->extended_data, 0, k,
		    d->ch_layout.nb_channels, d->sample_fmt);
		ret = saudio_emit(src, slot, o, sink);
		av_frame_free(&o);
	}
	return ret;
}

/* Hand the part of f inside [lo, hi) (samples of f) to the sink. */
static int
saudio_deliver(struct media_source *src, int slot, AVFrame *f, int64_t lo,
    int64_t hi, const struct media_sink *sink)
{
	AVFrame	*o;
	int	 ret;

	if (lo == 0 && hi == f->nb_samples)
		return saudio_emit(src, slot, f, sink);
	o = saudio_frame(src->adec[slot], (int)(hi - lo));
	av_samples_copy(o->extended_data, f->extended_data, 0, (int)lo,
	    o->nb_samples, f->ch_layout.nb_channels, f->format);
	ret = saudio_emit(src, slot, o, sink);
	av_frame_free(&o);
	return ret;
}

/* The current segment of a slot, in samples at rate. */
static void
saudio_segment(const struct script_audio *a, int slot, int rate, int64_t *sa,
    int64_t *sb)
{
	*sa = llround(a->seg[a->cur[slot]].start * rate);
	*sb = llround(a->seg[a->cur[slot]].end * rate);
}

/*
 * Cut a decoded audio frame to the script's segments: the samples inside
 * them handed on, a gap before it (audio that starts late) filled with
 * silence.
 */
static int
saudio_cut(struct media_source *src, int slot, AVFrame *f,
    const struct media_sink *sink)
{
	struct script_audio	*a = src->saudio;
	AVStream		*real = a->fmt->streams[a->real[slot]];
	int64_t			 s0, n = f->nb_samples, lo, hi, sa, sb;

	if (f->pts == AV_NOPTS_VALUE)
		return 0;
	s0 = av_rescale_q(f->pts, real->time_base,
	    (AVRational){ 1, f->sample_rate }) - av_rescale(a->zero,
	    f->sample_rate, AV_TIME_BASE);
	while (a->cur[slot] < a->run_end) {
		saudio_segment(a, slot, f->sample_rate, &sa, &sb);
		if (a->at[slot] < sa)
			a->at[slot] = sa;
		if (s0 + n <= a->at[slot])
			return 0;
		lo = s0 < sb ? s0 : sb;
		if (lo > a->at[slot]) {
			if (saudio_silence(src, slot, lo - a->at[slot],
			    sink) != 0)
				return -1;
			a->at[slot] = lo;
		}
		lo = s0 > a->at[slot] ? s0 : a->at[slot];
		hi = s0 + n < sb ? s0 + n : sb;
		if (hi > lo && saudio_deliver(src, slot, f, lo - s0, hi - s0,
		    sink) != 0)
			return -1;
		if (hi > a->at[slot])
			a->at[slot] = hi;
		if (a->at[slot] < sb)
			return 0;
		a->cur[slot]++;
	}
	return 0;
}

/* At the file's end: silence for what its segments still want. */
static int
saudio_pad(struct media_source *src, const struct media_sink *sink)
{
	struct script_audio	*a = src->saudio;
	int64_t			 sa, sb;
	int			 slot;

	for (slot = 0; slot < src->naudio; slot++)
		for (; a->cur[slot] < a->run_end; a->cur[slot]++) {
			saudio_segment(a, slot, src->adec[slot]->sample_rate,
			    &sa, &sb);
			if (a->at[slot] < sa)
				a->at[slot] = sa;
			if (saudio_silence(src, slot, sb - a->at[slot],
			    sink) != 0)
				return -1;
			a->at[slot] = sb;
		}
	return 0;
}

/* Decode a packet (NULL: flush) of an audio slot and cut what comes. */
static int
saudio_decode(struct media_source *src, int slot, AVPacket *pkt,
    const struct media_sink *sink, char **cause)
{
	AVCodecContext	*d = src->saudio->plus != NULL ? src->adec[slot] :
			    src->saudio->dec[slot];
	AVFrame		*f = src->frame;
	int		 ret;

	ret = avcodec_send_packet(d, pkt);
	if (ret < 0 && ret != AVERROR_EOF && ret != AVERROR_INVALIDDATA) {
		xasprintf(cause, "decoding audio: %s", media_error(ret));
		return -1;
	}
	while ((ret = avcodec_receive_frame(d, f)) == 0) {
		f->pts = f->best_effort_timestamp;
		if (src->saudio->plus != NULL) {
			f->pts = src->saudio->out[slot];
			src->saudio->out[slot] += f->nb_samples;
			ret = sink->audio(sink->arg, slot, f);
		} else
			ret = saudio_cut(src, slot, f, sink);
		av_frame_unref(f);
		if (ret != 0) {
			if (*cause == NULL)
				xasprintf(cause, "stopped");
			return -1;
		}
	}
	return 0;
}

/* The slot of a packet of the audio's file, or -1. */
static int
saudio_slot(const struct media_source *src, int index)
{
	int	i;

	for (i = 0; i < src->naudio; i++)
		if (src->saudio->real[i] == index)
			return i;
	return -1;
}

/* Seconds of audio handed on, in the slot furthest behind that still
 * has segments to come from this file; HUGE_VAL when all are done. */
static double
saudio_audio_at(const struct media_source *src)
{
	const struct script_audio	*a = src->saudio;
	double				 t, min = HUGE_VAL;
	int				 i;

	for (i = 0; i < src->naudio; i++) {
		if (a->cur[i] >= a->run_end)
			continue;
		t = (double)a->out[i] / src->adec[i]->sample_rate;
		if (t < min)
			min = t;
	}
	return min;
}

/* n samples of AviSynth+'s audio from a->pos into buf, silence past
 * what it has: the audio is as long as the video. */
static int
saudio_plus_read(struct script_audio *a, uint8_t *buf, int64_t n,
    char **cause)
{
	int64_t	real = a->have - a->pos;

	real = real < 0 ? 0 : real > n ? n : real;
	if (real > 0 && avsplus_audio(a->plus, buf, a->pos, real,
	    cause) != 0)
		return -1;
	if (real < n)
		memset(buf + real * a->bps, a->silence, (n - real) * a->bps);
	return 0;
}

/* AviSynth+'s audio up to a time (seconds). */
static int
saudio_plus_until(struct media_source *src, double t,
    const struct media_sink *sink, char **cause)
{
	struct script_audio	*a = src->saudio;
	AVPacket		*pkt = src->pkt;
	int64_t			 n;

	while (!a->eof && a->pos < t * src->adec[0]->sample_rate) {
		n = a->total - a->pos < AUDIO_CHUNK ? a->total - a->pos :
		    AUDIO_CHUNK;
		if (n <= 0) {
			a->eof = 1;
			return saudio_decode(src, 0, NULL, sink, cause);
		}
		if (av_new_packet(pkt, (int)(n * a->bps)) < 0)
			fatalx("av_new_packet");
		if (saudio_plus_read(a, pkt->data, n, cause) != 0)
			return -1;
		pkt->pts = a->pos;
		a->pos += n;
		if (saudio_decode(src, 0, pkt, sink, cause) != 0)
			return -1;
		av_packet_unref(pkt);
	}
	return 0;
}

/* Open the script's audio: the first file its audio comes from, or
 * AviSynth+'s. */
int
script_audio_open(struct media_source *src, const char *path, char **cause)
{
	struct media_script	*s = src->script;

	src->saudio = xcalloc(1, sizeof(*src->saudio));
	if (s->plan != NULL)
		return saudio_open(src, s->plan, path, cause);
	return saudio_plus(src, s, cause);
}

/* The script's audio up to a time (seconds of the script). */
int
script_audio_until(struct media_source *src, double t,
    const struct media_sink *sink, char **cause)
{
	struct script_audio	*a = src->saudio;
	AVPacket		*pkt = src->pkt;
	int			 i, ret, slot;

	if (src->naudio == 0)
		return 0;
	if (a->plus != NULL)
		return saudio_plus_until(src, t, sink, cause);
	for (;;) {
		if (saudio_audio_at(src) == HUGE_VAL) {
			/* this file's segments are done: the next file */
			if (a->run_end >= a->nseg)
				return 0;
			if (saudio_file_open(src, a->run_end, cause) != 0)
				return -1;
			continue;
		}
		if (saudio_audio_at(src) >= t)
			return 0;
		if ((ret = av_read_frame(a->fmt, pkt)) < 0) {
			for (i = 0; i < src->naudio; i++)
				if (saudio_decode(src, i, NULL, sink, cause) != 0)
					return -1;
			if (saudio_pad(src, sink) != 0) {
				if (*cause == NULL)
					xasprintf(cause, "stopped");
				return -1;
			}
			continue;
		}
		slot = saudio_slot(src, pkt->stream_index);
		ret = slot < 0 ? 0 : saudio_decode(src, slot, pkt, sink, cause);
		av_packet_unref(pkt);
		if (ret != 0)
			return -1;
	}
	return 0;
}

/* Close the audio's file and free what reads it. */
void
script_audio_free(struct media_source *src)
{
	if (src->saudio != NULL)
		saudio_file_close(src->saudio);
	free(src->saudio);
	src->saudio = NULL;
}
