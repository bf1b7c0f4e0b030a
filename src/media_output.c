/*
 * An output file being written: the encoded video (from one of our
 * encoders, or a chunk's packets as they are) and, when a source is
 * given, the source's other streams in its order: audio normalised and
 * encoded, or copied with the subtitles and attachments, the rest left
 * out.  What the two-pass pipeline, a chunk's encode and the join all
 * write, in one place.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "log.h"
#include "media.h"
#include "xmalloc.h"

#define OUTPUT_MAX_STREAMS	1024

struct media_output {
	struct output_spec	 spec;		/* loud and vpar: at open only */
	struct media_source	*src;
	struct media_mux	*mux;
	int			 vout;		/* mux index of the video */
	int			 outidx[OUTPUT_MAX_STREAMS]; /* copied: -> mux */
	int			 aout[MEDIA_MAX_AUDIO];
	struct audio_norm	*norm[MEDIA_MAX_AUDIO];
};

/* The video stream's parameters from the encoder: its headers too. */
static AVCodecParameters *
output_encoder_par(const struct output_spec *os)
{
	AVCodecParameters	*par;
	const uint8_t		*hdr;
	int			 size;

	if ((par = avcodec_parameters_alloc()) == NULL)
		fatalx("avcodec_parameters_alloc");
	par->codec_type = AVMEDIA_TYPE_VIDEO;
	par->codec_id = os->ops->codec;
	par->width = os->width;
	par->height = os->height;
	par->format = enc_pix_fmt(os->depth);
	if (os->src != NULL) {
		/* a film, not a chunk */
		par->bit_rate = (int64_t)os->kbps * 1000;
		par->field_order = AV_FIELD_PROGRESSIVE;
	}
	os->ops->headers(os->enc, &hdr, &size);
	par->extradata = av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE);
	if (par->extradata == NULL)
		fatalx("av_mallocz");
	memcpy(par->extradata, hdr, size);
	par->extradata_size = size;
	return par;
}

/* Add the source's video: the encoded one, with the source's aspect. */
static void
output_video_stream(struct media_output *o, AVStream *st,
    AVCodecParameters *vpar)
{
	const struct output_spec	*os = &o->spec;

	vpar->sample_aspect_ratio = st->codecpar->sample_aspect_ratio;
	vpar->codec_tag = 0;
	o->vout = mux_add_video(o->mux, st, vpar, os->mi->fps, os->mi);
	if (os->flags & OUTPUT_NO_VIDEO_READ)
		st->discard = AVDISCARD_ALL;
}

/* Add one source stream to the output: encoded, copied or left out. */
static int
output_stream(struct media_output *o, AVStream *st, AVCodecParameters *vpar,
    char **cause)
{
	const struct output_spec	*os = &o->spec;
	struct media_source		*src = o->src;
	int				 slot, type = st->codecpar->codec_type;

	o->outidx[st->index] = -1;
	if (st->index == src->vindex) {
		output_video_stream(o, st, vpar);
		return 0;
	}
	for (slot = 0; slot < src->naudio; slot++)
		if (src->aslot[slot] == st->index)
			break;
	if (type == AVMEDIA_TYPE_AUDIO && slot < src->naudio) {
		o->norm[slot] = norm_new(src->adec[slot], st->time_base,
		    os->prof, slot < os->nloud ? &os->loud[slot] : NULL, cause);
		if (o->norm[slot] == NULL)
			return -1;
		o->aout[slot] = mux_add_encoded(o->mux, st,
		    norm_encoder(o->norm[slot]));
		log_info("audio %d: gain %+.1f dB to %.1f LUFS, %s", slot,
		    norm_gain(o->norm[slot]), os->prof->loudness,
		    os->prof->audio_codec);
	} else if (type == AVMEDIA_TYPE_AUDIO ||
	    type == AVMEDIA_TYPE_SUBTITLE || type == AVMEDIA_TYPE_ATTACHMENT ||
	    (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
		o->outidx[st->index] = mux_add_copy(o->mux, st);
	else if (os->flags & OUTPUT_LOG_LEFT)
		log_info("leaving out stream %d (%s)", st->index,
		    av_get_media_type_string(type));
	return 0;
}

/* Open the muxer and add the streams: the source's, or the video alone. */
static int
output_streams(struct media_output *o, AVCodecParameters *vpar,
    char **cause)
{
	const struct output_spec	*os = &o->spec;
	AVFormatContext			*none = NULL;
	unsigned int			 i;

	if (o->src == NULL && (none = avformat_alloc_context()) == NULL)
		fatalx("avformat_alloc_context");
	o->mux = mux_open(os->path, o->src != NULL ? o->src->fmt : none,
	    cause);
	avformat_free_context(none);
	if (o->mux == NULL)
		return -1;
	if (os->flags & OUTPUT_KEEP_TS)
		mux_keep_timestamps(o->mux);
	if (o->src != NULL && o->src->fmt->start_time > 0 &&
	    o->src->script == NULL)
		mux_origin(o->mux, o->src->fmt->start_time);
	if (o->src == NULL)
		o->vout = mux_add_video(o->mux, NULL, vpar, os->mi->fps, os->mi);
	for (i = 0; o->src != NULL && i < o->src->fmt->nb_streams &&
	    i < OUTPUT_MAX_STREAMS; i++)
		if (output_stream(o, o->src->fmt->streams[i], vpar,
		    cause) != 0)
			return -1;
	return mux_start(o->mux, cause);
}

/* An output as os says, its header written; NULL with a cause. */
struct media_output *
output_open(const struct output_spec *os, char **cause)
{
	struct media_output	*o;
	AVCodecParameters	*vpar;
	int			 rv;

	o = xcalloc(1, sizeof(*o));
	o->spec = *os;
	o->src = os->src;
	if (os->vpar != NULL) {
		if ((vpar = avcodec_parameters_alloc()) == NULL ||
		    avcodec_parameters_copy(vpar, os->vpar) < 0)
			fatalx("avcodec_parameters_copy");
	} else
		vpar = output_encoder_par(os);
	rv = output_streams(o, vpar, cause);
	avcodec_parameters_free(&vpar);
	o->spec.loud = NULL;
	o->spec.vpar = NULL;
	if (rv != 0) {
		output_free(o, NULL, 0);
		return NULL;
	}
	return o;
}

/* A packet of the video as it is, its timestamps in tb. */
int
output_video(struct media_output *o, AVPacket *pkt, AVRational tb,
    char **cause)
{
	return mux_write(o->mux, o->vout, pkt, tb, cause);
}

/* An encoded video packet, its timestamps in tb, one frame long. */
int
output_encoded(struct media_output *o, const struct enc_packet *ep,
    AVRational tb, char **cause)
{
	AVPacket	*pkt;
	int		 rv;

	if ((pkt = av_packet_alloc()) == NULL ||
	    av_new_packet(pkt, ep->size) < 0)
		fatalx("av_new_packet");
	memcpy(pkt->data, ep->data, ep->size);
	pkt->pts = ep->pts;
	pkt->dts = ep->dts;
	pkt->duration = av_rescale_q(1, av_inv_q(o->spec.mi->fps), tb);
	if (ep->key)
		pkt->flags |= AV_PKT_FLAG_KEY;
	rv = mux_write(o->mux, o->vout, pkt, tb, cause);
	av_packet_free(&pkt);
	return rv;
}

struct output_aout {
	struct media_output	*o;
	int			 slot;
	char			**cause;
};

/* An encoded audio packet to the muxer. */
static int
output_audio_packet(void *arg, AVPacket *pkt)
{
	struct output_aout	*ao = arg;
	struct media_output	*o = ao->o;

	return mux_write(o->mux, o->aout[ao->slot], pkt,
	    norm_encoder(o->norm[ao->slot])->time_base, ao->cause);
}

/* A decoded frame of audio slot (NULL: its end), normalised and written. */
int
output_audio(struct media_output *o, int slot, AVFrame *f, char **cause)
{
	struct output_aout	ao = { o, slot, cause };

	if (f != NULL && o->src->script == NULL &&
	    media_audio_past(o->src, slot, f, o->spec.vspan))
		return 0;
	return norm_feed(o->norm[slot], f, output_audio_packet, &ao, cause);
}

/* A packet of a source stream: written when the stream is copied. */
int
output_copy(struct media_output *o, AVPacket *pkt, char **cause)
{
	AVStream	*st;
	int		 idx;

	if (pkt->stream_index >= OUTPUT_MAX_STREAMS ||
	    (idx = o->outidx[pkt->stream_index]) < 0)
		return 0;
	st = o->src->fmt->streams[pkt->stream_index];
	return mux_write(o->mux, idx, pkt, st->time_base, cause);
}

/* Write the trailer and close the file. */
int
output_finish(struct media_output *o, char **cause)
{
	return mux_finish(o->mux, cause);
}

/* Free an output; the audio's loudness as written into after[n]. */
void
output_free(struct media_output *o, struct audio_loudness *after, int n)
{
	int	i;

	if (o == NULL)
		return;
	for (i = 0; i < MEDIA_MAX_AUDIO; i++)
		norm_free(o->norm[i], after != NULL && i < n ? &after[i] :
		    NULL);
	mux_free(o->mux);
	free(o);
}
