/*
 * Audio: EBU R128 loudness measured while the first pass reads the source
 * (integrated loudness, range, true peak), then, in the second pass, a
 * linear gain to the target (a limiter only where the gain would push the
 * true peak over its ceiling, dynaudnorm first when asked for), measured
 * again, and encoded (Opus by default).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* A filter graph from abuffer through a chain to abuffersink. */
struct audio_graph {
	AVFilterGraph	*graph;
	AVFilterContext	*src;
	AVFilterContext	*sink;
	AVFrame		*frame;
	double		 peak;		/* largest true peak seen, linear */
	double		 i;		/* latest integrated loudness */
	double		 lra;
	int		 measured;
};

struct audio_meter {
	struct audio_graph	 g;
};

struct audio_norm {
	struct audio_graph	 g;
	AVCodecContext		*enc;
	AVPacket		*pkt;
	double			 gain;	/* dB */
	int			 downmix; /* the stereo downmix */
};

/* The decoder's channel layout, or the default one for its count. */
static void
audio_layout(const AVCodecContext *dec, AVChannelLayout *out)
{
	if (dec->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC)
		av_channel_layout_copy(out, &dec->ch_layout);
	else
		av_channel_layout_default(out, dec->ch_layout.nb_channels);
}

/* Build src -> chain -> sink for frames like the decoder's. */
static int
graph_open(struct audio_graph *g, const AVCodecContext *dec, AVRational tb,
    const char *chain, char **cause)
{
	AVChannelLayout	 layout = { 0 };
	char		 args[512], lay[128];
	int		 ret;

	memset(g, 0, sizeof(*g));
	if ((g->frame = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	audio_layout(dec, &layout);
	av_channel_layout_describe(&layout, lay, sizeof(lay));
	av_channel_layout_uninit(&layout);
	snprintf(args, sizeof(args), "time_base=%d/%d:sample_rate=%d:"
	    "sample_fmt=%s:channel_layout=%s", tb.num, tb.den,
	    dec->sample_rate, av_get_sample_fmt_name(dec->sample_fmt), lay);
	g->graph = media_graph("abuffer", args, "abuffersink", chain, &g->src,
	    &g->sink, &ret);
	if (g->graph == NULL) {
		xasprintf(cause, "audio filter \"%s\": %s", chain,
		    media_error(ret));
		av_frame_free(&g->frame);
		return -1;
	}
	return 0;
}

static void
graph_close(struct audio_graph *g)
{
	avfilter_graph_free(&g->graph);
	av_frame_free(&g->frame);
}

/* Take the ebur128 filter's figures from a frame's metadata. */
static void
graph_meta(struct audio_graph *g, const AVFrame *f)
{
	AVDictionaryEntry	*e;

	if ((e = av_dict_get(f->metadata, "lavfi.r128.I", NULL, 0)) != NULL) {
		g->i = strtod(e->value, NULL);
		g->measured = 1;
	}
	if ((e = av_dict_get(f->metadata, "lavfi.r128.LRA", NULL, 0)) != NULL)
		g->lra = strtod(e->value, NULL);
	e = av_dict_get(f->metadata, "lavfi.r128.true_peak", NULL, 0);
	if (e != NULL && strtod(e->value, NULL) > g->peak)
		g->peak = strtod(e->value, NULL);
}

/* Figures measured by a graph's ebur128 filter. */
static void
graph_loudness(const struct audio_graph *g, struct audio_loudness *l)
{
	l->valid = g->measured && g->i > -70.0;
	l->i = g->i;
	l->lra = g->lra;
	l->tp = g->peak > 0 ? 20 * log10(g->peak) : -INFINITY;
}

/* Push a frame (NULL at the end) into a graph. */
static int
graph_push(struct audio_graph *g, AVFrame *f, char **cause)
{
	int	ret;

	ret = av_buffersrc_add_frame_flags(g->src, f,
	    AV_BUFFERSRC_FLAG_KEEP_REF);
	if (ret < 0) {
		xasprintf(cause, "audio filter: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* The filters before the measurement: dynaudnorm when asked for. */
static const char *
audio_pre(const struct profile *prof)
{
	return prof->dynaudnorm ? "dynaudnorm," : "";
}

/*
 * The stereo downmix of a multichannel track: libswresample's matrix with
 * ITU-R BS.775's coefficients (centre and surrounds at -3 dB, no LFE).
 */
#define AUDIO_DOWNMIX	"aresample=ochl=stereo:clev=0.7071:slev=0.7071:" \
			"lfe_mix_level=0,"

/* A loudness meter for one audio stream of the first pass, or for its
 * stereo downmix. */
static struct audio_meter *
meter_open(const AVCodecContext *dec, const struct profile *prof,
    int downmix, char **cause)
{
	struct audio_meter	*m;
	char			 chain[256];

	m = xcalloc(1, sizeof(*m));
	snprintf(chain, sizeof(chain), "%s%sebur128=metadata=1:peak=true",
	    downmix ? AUDIO_DOWNMIX : "", audio_pre(prof));
	if (graph_open(&m->g, dec, dec->pkt_timebase, chain, cause) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

struct audio_meter *
meter_new(const AVCodecContext *dec, const struct profile *prof,
    char **cause)
{
	return meter_open(dec, prof, 0, cause);
}

/* A meter of the stereo downmix of a track (stereo_track). */
struct audio_meter *
meter_new_downmix(const AVCodecContext *dec, const struct profile *prof,
    char **cause)
{
	return meter_open(dec, prof, 1, cause);
}

/* Measure one decoded frame (NULL at the end of the stream). */
int
meter_feed(struct audio_meter *m, AVFrame *f, char **cause)
{
	struct audio_graph	*g = &m->g;
	int			 ret;

	if (graph_push(g, f, cause) != 0)
		return -1;
	while ((ret = av_buffersink_get_frame(g->sink, g->frame)) >= 0) {
		graph_meta(g, g->frame);
		av_frame_unref(g->frame);
	}
	if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
		xasprintf(cause, "audio measurement: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* Free a meter, giving what it measured. */
void
meter_free(struct audio_meter *m, struct audio_loudness *l)
{
	if (m == NULL)
		return;
	if (l != NULL)
		graph_loudness(&m->g, l);
	graph_close(&m->g);
	free(m);
}

/*
 * The layouts an encoder takes.  FFmpeg's libopus wrapper lists none but
 * takes only the Vorbis channel orders (RFC 7845, mapping family 1); every
 * other layout makes it fail to open.
 */
static const AVChannelLayout opus_layouts[] = {
	AV_CHANNEL_LAYOUT_MONO,
	AV_CHANNEL_LAYOUT_STEREO,
	AV_CHANNEL_LAYOUT_SURROUND,
	AV_CHANNEL_LAYOUT_QUAD,
	AV_CHANNEL_LAYOUT_5POINT0_BACK,
	AV_CHANNEL_LAYOUT_5POINT1_BACK,
	AV_CHANNEL_LAYOUT_6POINT1,
	AV_CHANNEL_LAYOUT_7POINT1,
	{ 0 }
};

static const AVChannelLayout *
audio_layouts(const AVCodec *codec)
{
	if (codec->id == AV_CODEC_ID_OPUS)
		return opus_layouts;
	return codec->ch_layouts;
}

/*
 * Whether every channel of a layout has a place in another of its own,
 * where a side channel may stand for a back one and the other way round
 * (5.1(side) in 5.1, 6.1(back) in 6.1): the channels are then only
 * renamed, or added silent (2.1 in 5.1), and nothing is mixed.
 */
static int
audio_fits(const AVChannelLayout *in, const AVChannelLayout *out)
{
	static const enum AVChannel alt[][2] = {
		{ AV_CHAN_SIDE_LEFT, AV_CHAN_BACK_LEFT },
		{ AV_CHAN_SIDE_RIGHT, AV_CHAN_BACK_RIGHT },
	};
	enum AVChannel	 ch, other;
	int		 i, k;

	for (i = 0; i < in->nb_channels; i++) {
		ch = av_channel_layout_channel_from_index(in, i);
		if (av_channel_layout_index_from_channel(out, ch) >= 0)
			continue;
		other = AV_CHAN_NONE;
		for (k = 0; k < 2; k++) {
			if (ch == alt[k][0])
				other = alt[k][1];
			else if (ch == alt[k][1])
				other = alt[k][0];
		}
		if (other == AV_CHAN_NONE ||
		    av_channel_layout_index_from_channel(in, other) >= 0 ||
		    av_channel_layout_index_from_channel(out, other) < 0)
			return 0;
	}
	return 1;
}

/*
 * The layout to encode: the source's when the encoder takes it; else the
 * smallest the encoder takes that holds every channel (side channels
 * renamed back, as libswresample's matrix does); else one with as many
 * channels, mixed by libswresample; else a stereo downmix.  Sets *how to
 * 0 when nothing is mixed, 1 when channels are.
 */
static void
norm_layout(const AVCodec *codec, const AVCodecContext *dec,
    AVChannelLayout *out, int *how)
{
	const AVChannelLayout	*list = audio_layouts(codec), *l, *best = NULL;
	AVChannelLayout		 in = { 0 };

	*how = 0;
	audio_layout(dec, &in);
	if (list == NULL || in.order == AV_CHANNEL_ORDER_UNSPEC) {
		if (list == NULL || in.nb_channels <= 2) {
			*out = in;
			return;
		}
		/* No order known for these channels: no mapping but a mix. */
		av_channel_layout_uninit(&in);
		av_channel_layout_copy(out, &(AVChannelLayout)
		    AV_CHANNEL_LAYOUT_STEREO);
		*how = 1;
		return;
	}
	for (l = list; l->nb_channels != 0; l++)
		if (av_channel_layout_compare(l, &in) == 0) {
			*out = in;
			return;
		}
	for (l = list; l->nb_channels != 0; l++)
		if (audio_fits(&in, l) &&
		    (best == NULL || l->nb_channels < best->nb_channels))
			best = l;
	if (best == NULL) {
		*how = 1;
		for (l = list; l->nb_channels != 0 && best == NULL; l++)
			if (l->nb_channels == in.nb_channels)
				best = l;
	}
	if (best == NULL)
		for (l = list; l->nb_channels != 0 && best == NULL; l++)
			if (l->nb_channels == 2)
				best = l;
	if (best == NULL)
		best = list;
	av_channel_layout_uninit(&in);
	av_channel_layout_copy(out, best);
}

/* Say in the log how a source layout was brought to the encoder's. */
static void
norm_layout_log(const AVCodec *codec, const AVCodecContext *dec,
    const AVChannelLayout *out, int how)
{
	AVChannelLayout	 in = { 0 };
	char		 a[128], b[128];

	audio_layout(dec, &in);
	if (av_channel_layout_compare(&in, out) != 0) {
		av_channel_layout_describe(&in, a, sizeof(a));
		av_channel_layout_describe(out, b, sizeof(b));
		if (how)
			log_warnx("audio layout %s (%d channels) has no %s "
			    "mapping: mixed to %s", a, in.nb_channels,
			    codec->name, b);
		else
			log_info("audio layout %s carried as %s for %s", a, b,
			    codec->name);
	}
	av_channel_layout_uninit(&in);
}

/* Open the audio encoder named by the profile for this stream. */
static AVCodecContext *
norm_open_encoder(const AVCodecContext *dec, const struct profile *prof,
    int downmix, char **cause)
{
	const AVCodec	*codec;
	AVCodecContext	*enc;
	int		 ret, how, nch;

	if (strcmp(prof->audio_codec, "flac") == 0)
		codec = avcodec_find_encoder(AV_CODEC_ID_FLAC);
	else
		codec = avcodec_find_encoder_by_name("libopus");
	if (codec == NULL) {
		xasprintf(cause, "no %s audio encoder in this FFmpeg",
		    prof->audio_codec);
		return NULL;
	}
	if ((enc = avcodec_alloc_context3(codec)) == NULL)
		fatalx("avcodec_alloc_context3");
	if (downmix)
		av_channel_layout_copy(&enc->ch_layout,
		    &(AVChannelLayout)AV_CHANNEL_LAYOUT_STEREO);
	else {
		norm_layout(codec, dec, &enc->ch_layout, &how);
		norm_layout_log(codec, dec, &enc->ch_layout, how);
	}
	enc->sample_rate = codec->id == AV_CODEC_ID_OPUS ? 48000 :
	    dec->sample_rate;
	enc->sample_fmt = codec->sample_fmts[0];
	if (codec->id == AV_CODEC_ID_FLAC &&
	    av_get_bytes_per_sample(dec->sample_fmt) > 2)
		enc->sample_fmt = AV_SAMPLE_FMT_S32;
	enc->time_base = (AVRational){ 1, enc->sample_rate };
	/* Channels added silent to fit a layout cost no bits. */
	nch = FFMIN(enc->ch_layout.nb_channels, dec->ch_layout.nb_channels);
	enc->bit_rate = (int64_t)prof->audio_bitrate * 1000 * FFMAX(nch, 1);
	enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if ((ret = avcodec_open2(enc, codec, NULL)) < 0) {
		xasprintf(cause, "cannot open the %s encoder: %s", codec->name,
		    media_error(ret));
		avcodec_free_context(&enc);
		return NULL;
	}
	return enc;
}

/* The gain, in dB, that brings measured loudness to the target. */
static double
norm_gain_for(const struct profile *prof, const struct audio_loudness *in)
{
	if (!prof->normalize || in == NULL || !in->valid)
		return 0.0;
	return prof->loudness - in->i;
}

/* The filter chain of the second pass. */
static void
norm_chain(const struct audio_norm *n, const struct profile *prof,
    const struct audio_loudness *in, char *buf, size_t len)
{
	const AVCodecContext	*enc = n->enc;
	char			 lay[128], limiter[128] = "";
	double			 limit;

	if (in != NULL && in->valid && in->tp + n->gain > prof->true_peak) {
		/* Sample peaks kept 0.5 dB under the ceiling for true peaks. */
		limit = pow(10, (prof->true_peak - 0.5) / 20);
		snprintf(limiter, sizeof(limiter), "alimiter=limit=%.4f:"
		    "level=disabled:attack=5:release=50,", limit);
	}
	av_channel_layout_describe(&enc->ch_layout, lay, sizeof(lay));
	snprintf(buf, len, "%s%svolume=%.2fdB:precision=double,%s"
	    "ebur128=metadata=1:peak=true,aresample=%d,"
	    "aformat=sample_fmts=%s:channel_layouts=%s",
	    n->downmix ? AUDIO_DOWNMIX : "", audio_pre(prof),
	    n->gain, limiter, enc->sample_rate,
	    av_get_sample_fmt_name(enc->sample_fmt), lay);
}

/* A normaliser and encoder for one audio stream of the second pass, or
 * for its stereo downmix. */
static struct audio_norm *
norm_open(const AVCodecContext *dec, AVRational tb, const struct profile *prof,
    const struct audio_loudness *in, int downmix, char **cause)
{
	struct audio_norm	*n;
	char			 chain[1024];

	n = xcalloc(1, sizeof(*n));
	n->downmix = downmix;
	if ((n->enc = norm_open_encoder(dec, prof, downmix, cause)) == NULL) {
		free(n);
		return NULL;
	}
	n->gain = norm_gain_for(prof, in);
	norm_chain(n, prof, in, chain, sizeof(chain));
	log_debug("audio chain: %s", chain);
	if (graph_open(&n->g, dec, tb, chain, cause) != 0) {
		avcodec_free_context(&n->enc);
		free(n);
		return NULL;
	}
	if (!(n->enc->codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE))
		av_buffersink_set_frame_size(n->g.sink, n->enc->frame_size);
	if ((n->pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	return n;
}

struct audio_norm *
norm_new(const AVCodecContext *dec, AVRational tb, const struct profile *prof,
    const struct audio_loudness *in, char **cause)
{
	return norm_open(dec, tb, prof, in, 0, cause);
}

/* The normaliser of a track's stereo downmix, in its measured loudness. */
struct audio_norm *
norm_new_downmix(const AVCodecContext *dec, AVRational tb,
    const struct profile *prof, const struct audio_loudness *in,
    char **cause)
{
	return norm_open(dec, tb, prof, in, 1, cause);
}

const AVCodecContext *
norm_encoder(const struct audio_norm *n)
{
	return n->enc;
}

double
norm_gain(const struct audio_norm *n)
{
	return n->gain;
}

/* Encode a filtered frame (NULL to flush) and hand on its packets. */
static int
norm_encode(struct audio_norm *n, AVFrame *f, int (*out)(void *, AVPacket *),
    void *arg, char **cause)
{
	int	ret;

	if ((ret = avcodec_send_frame(n->enc, f)) < 0 && ret != AVERROR_EOF)
		goto fail;
	for (;;) {
		ret = avcodec_receive_packet(n->enc, n->pkt);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		if (ret < 0)
			goto fail;
		ret = out(arg, n->pkt);
		av_packet_unref(n->pkt);
		if (ret != 0) {
			if (*cause == NULL)
				xasprintf(cause, "writing audio failed");
			return -1;
		}
	}
fail:
	xasprintf(cause, "audio encoding: %s", media_error(ret));
	return -1;
}

/* Normalise and encode a decoded frame (NULL at the end of the stream). */
int
norm_feed(struct audio_norm *n, AVFrame *f, int (*out)(void *, AVPacket *),
    void *arg, char **cause)
{
	struct audio_graph	*g = &n->g;
	AVFrame			*ff = g->frame;
	int			 ret;

	if (graph_push(g, f, cause) != 0)
		return -1;
	while ((ret = av_buffersink_get_frame(g->sink, ff)) >= 0) {
		graph_meta(g, ff);
		ff->pts = av_rescale_q(ff->pts, av_buffersink_get_time_base(
		    g->sink), n->enc->time_base);
		ret = norm_encode(n, ff, out, arg, cause);
		av_frame_unref(ff);
		if (ret != 0)
			return -1;
	}
	if (ret == AVERROR_EOF)
		return norm_encode(n, NULL, out, arg, cause);
	if (ret != AVERROR(EAGAIN)) {
		xasprintf(cause, "audio filter: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* Free a normaliser, giving the loudness of what it encoded. */
void
norm_free(struct audio_norm *n, struct audio_loudness *l)
{
	if (n == NULL)
		return;
	if (l != NULL)
		graph_loudness(&n->g, l);
	graph_close(&n->g);
	avcodec_free_context(&n->enc);
	av_packet_free(&n->pkt);
	free(n);
}
