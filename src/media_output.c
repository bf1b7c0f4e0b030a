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
	struct subconv		*srt[STREAMS_MAX];	/* made SRT */
	int			 stereo;	/* slot downmixed, or -1 */
	struct audio_norm	*stereo_norm;	/* its downmix */
	int			 stereo_out;
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
	if (os->mi->rotation % 180 == 90 && vpar->sample_aspect_ratio.num > 0)
		vpar->sample_aspect_ratio = av_inv_q(vpar->sample_aspect_ratio);
	vpar->codec_tag = 0;
	o->vout = mux_add_video(o->mux, st, vpar, os->mi->fps, os->mi);
	if (os->flags & OUTPUT_NO_VIDEO_READ)
		st->discard = AVDISCARD_ALL;
}

/* Add a kept audio stream of the source: normalised and encoded. */
static int
output_audio_stream(struct media_output *o, AVStream *st, int slot,
    char **cause)
{
	const struct output_spec	*os = &o->spec;
	struct media_source		*src = o->src;

	o->norm[slot] = norm_new(src->adec[slot], st->time_base, os->prof,
	    slot < os->nloud ? &os->loud[slot] : NULL, cause);
	if (o->norm[slot] == NULL)
		return -1;
	o->aout[slot] = mux_add_encoded(o->mux, st,
	    norm_encoder(o->norm[slot]));
	log_info("audio %d: gain %+.1f dB to %.1f LUFS, %s", slot,
	    norm_gain(o->norm[slot]), os->prof->loudness,
	    os->prof->audio_codec);
	return o->aout[slot];
}

/*
 * Add the stereo downmix of a kept track, right after it: normalised to
 * the loudness measured on the downmix (after the tracks' own), titled
 * as a stereo downmix, never the default track.
 */
static int
output_stereo_stream(struct media_output *o, AVStream *st, int disposition,
    char **cause)
{
	const struct output_spec	*os = &o->spec;
	struct media_source		*src = o->src;
	const AVDictionaryEntry		*e;
	char				*title;

	o->stereo_norm = norm_new_downmix(src->adec[o->stereo], st->time_base,
	    os->prof, src->naudio < os->nloud ? &os->loud[src->naudio] : NULL,
	    cause);
	if (o->stereo_norm == NULL)
		return -1;
	o->stereo_out = mux_add_encoded(o->mux, st,
	    norm_encoder(o->stereo_norm));
	e = av_dict_get(st->metadata, "title", NULL, 0);
	xasprintf(&title, "%s%sStereo downmix", e ? e->value : "",
	    e ? " - " : "");
	mux_set_title(o->mux, o->stereo_out, title);
	free(title);
	mux_set_disposition(o->mux, o->stereo_out,
	    disposition & ~AV_DISPOSITION_DEFAULT);
	log_info("audio %d: stereo downmix (ITU-R BS.775) of audio %d, gain "
	    "%+.1f dB", src->naudio, o->stereo, norm_gain(o->stereo_norm));
	return 0;
}

/* Add a subtitle stream to be made SRT. */
static int
output_srt_stream(struct media_output *o, AVStream *st, char **cause)
{
	if ((o->srt[st->index] = subconv_new(st, cause)) == NULL)
		return -1;
	return mux_add_encoded(o->mux, st, subconv_encoder(o->srt[st->index]));
}

/* The decoder slot of an audio stream, or -1 when it is not decoded. */
static int
output_slot(const struct media_source *src, int index)
{
	int	slot;

	for (slot = 0; slot < src->naudio; slot++)
		if (src->aslot[slot] == index)
			return slot;
	return -1;
}

/* Add one source stream to the output as the job chose: encoded,
 * copied, converted, attached or left out. */
static int
output_stream(struct media_output *o, AVStream *st, AVCodecParameters *vpar,
    char **cause)
{
	const struct output_spec	*os = &o->spec;
	const struct stream_choice	*ch;
	int				 slot, idx;

	o->outidx[st->index] = -1;
	if (st->index == o->src->vindex) {
		output_video_stream(o, st, vpar);
		return 0;
	}
	if (st->index >= os->mi->nstreams)
		return 0;
	ch = &os->mi->choice[st->index];
	slot = output_slot(o->src, st->index);
	if (ch->action == STREAM_DROP) {
		if (os->flags & OUTPUT_LOG_LEFT)
			log_info("leaving out stream %d (%s): %s", st->index,
			    av_get_media_type_string(st->codecpar->codec_type),
			    ch->why);
		return 0;
	}
	if (ch->action == STREAM_ATTACH) {
		if (st->attached_pic.size > 0)
			mux_add_cover(o->mux, st);
		else if (os->flags & OUTPUT_LOG_LEFT)
			log_warnx("leaving out stream %d: a cover picture "
			    "with no picture", st->index);
		return 0;
	}
	if (ch->action == STREAM_CONVERT)
		idx = output_srt_stream(o, st, cause);
	else if (ch->action == STREAM_ENCODE && slot >= 0)
		idx = output_audio_stream(o, st, slot, cause);
	else
		idx = mux_add_copy(o->mux, st);	/* audio copied too */
	if (idx < 0)
		return -1;
	if (ch->action != STREAM_ENCODE || slot < 0)
		o->outidx[st->index] = idx;
	mux_set_disposition(o->mux, idx,
	    media_disposition(st->disposition, ch->flags));
	if (slot >= 0 && slot == o->stereo && ch->action == STREAM_ENCODE)
		return output_stereo_stream(o, st,
		    media_disposition(st->disposition, ch->flags), cause);
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
	o->stereo = o->src != NULL && o->src->naudio < MEDIA_MAX_AUDIO ?
	    media_stereo_slot(o->src, os->prof) : -1;
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

/* An encoded packet of the stereo downmix to the muxer. */
static int
output_stereo_packet(void *arg, AVPacket *pkt)
{
	struct output_aout	*ao = arg;
	struct media_output	*o = ao->o;

	return mux_write(o->mux, o->stereo_out, pkt,
	    norm_encoder(o->stereo_norm)->time_base, ao->cause);
}

/* A decoded frame of audio slot (NULL: its end), normalised and written,
 * and its stereo downmix when it has one. */
int
output_audio(struct media_output *o, int slot, AVFrame *f, char **cause)
{
	struct output_aout	ao = { o, slot, cause };

	if (f != NULL && o->src != NULL && o->src->script == NULL &&
	    media_audio_past(o->src, slot, f, o->spec.vspan))
		return 0;
	if (o->norm[slot] == NULL)
		return 0;	/* a track left out */
	if (slot == o->stereo && o->stereo_norm != NULL &&
	    norm_feed(o->stereo_norm, f, output_stereo_packet, &ao,
	    cause) != 0)
		return -1;
	return norm_feed(o->norm[slot], f, output_audio_packet, &ao, cause);
}

struct output_srt {
	struct media_output	*o;
	int			 idx;
	AVRational		 tb;
	char			**cause;
};

/* An SRT packet made from a text subtitle's, to the muxer. */
static int
output_srt_packet(void *arg, AVPacket *pkt)
{
	struct output_srt	*oc = arg;

	return mux_write(oc->o->mux, oc->idx, pkt, oc->tb, oc->cause);
}

/* A packet of a source stream: written when the stream is copied, made
 * SRT first when it is text Matroska cannot hold. */
int
output_copy(struct media_output *o, AVPacket *pkt, char **cause)
{
	struct output_srt	 oc;
	AVStream		*st;
	int			 idx;

	if (pkt->stream_index >= OUTPUT_MAX_STREAMS ||
	    (idx = o->outidx[pkt->stream_index]) < 0)
		return 0;
	st = o->src->fmt->streams[pkt->stream_index];
	if (pkt->stream_index < STREAMS_MAX && o->srt[pkt->stream_index]) {
		oc.o = o;
		oc.idx = idx;
		oc.tb = st->time_base;
		oc.cause = cause;
		return subconv_packet(o->srt[pkt->stream_index], pkt,
		    output_srt_packet, &oc, cause);
	}
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
	for (i = 0; i < STREAMS_MAX; i++)
		subconv_free(o->srt[i]);
	if (o->src != NULL)
		norm_free(o->stereo_norm, after != NULL && o->src->naudio < n ?
		    &after[o->src->naudio] : NULL);
	mux_free(o->mux);
	free(o);
}
