/*
 * Matroska output through libavformat: the encoded video, the audio
 * encoded or copied, every subtitle and attachment copied, with chapters
 * and metadata from the source.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct media_mux {
	AVFormatContext	*fmt;
	char		*path;
	int		 started;
	int64_t		 origin;	/* AV_TIME_BASE, taken off every ts */
};

/* Metadata that describes the old encode and would now be false. */
static int
mux_stale_tag(const char *key)
{
	return strcasecmp(key, "ENCODER") == 0 ||
	    strcasecmp(key, "DURATION") == 0 ||
	    strncasecmp(key, "BPS", 3) == 0 ||
	    strncasecmp(key, "NUMBER_OF_", 10) == 0 ||
	    strncasecmp(key, "_STATISTICS_", 12) == 0;
}

/* Copy metadata, without the stale statistics tags when re-encoded. */
static void
mux_copy_tags(AVDictionary **dst, const AVDictionary *src, int reencoded)
{
	const AVDictionaryEntry	*e = NULL;

	while ((e = av_dict_get(src, "", e, AV_DICT_IGNORE_SUFFIX)) != NULL)
		if (!reencoded || !mux_stale_tag(e->key))
			av_dict_set(dst, e->key, e->value, 0);
}

/* Copy the source's chapters. */
static void
mux_copy_chapters(AVFormatContext *out, const AVFormatContext *in)
{
	AVChapter	*c;
	unsigned int	 i;

	if (in->nb_chapters == 0)
		return;
	out->chapters = av_calloc(in->nb_chapters, sizeof(*out->chapters));
	if (out->chapters == NULL)
		fatalx("av_calloc");
	for (i = 0; i < in->nb_chapters; i++) {
		if ((c = av_mallocz(sizeof(*c))) == NULL)
			fatalx("av_mallocz");
		c->id = in->chapters[i]->id;
		c->time_base = in->chapters[i]->time_base;
		c->start = in->chapters[i]->start;
		c->end = in->chapters[i]->end;
		av_dict_copy(&c->metadata, in->chapters[i]->metadata, 0);
		out->chapters[out->nb_chapters++] = c;
	}
}

/* A Matroska muxer writing to path, with in's chapters and tags. */
struct media_mux *
mux_open(const char *path, AVFormatContext *in, char **cause)
{
	struct media_mux	*m;
	int			 ret;

	m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	ret = avformat_alloc_output_context2(&m->fmt, NULL, "matroska", path);
	if (ret < 0) {
		xasprintf(cause, "matroska muxer: %s", media_error(ret));
		goto fail;
	}
	if ((ret = avio_open(&m->fmt->pb, path, AVIO_FLAG_WRITE)) < 0) {
		xasprintf(cause, "%s: %s", path, media_error(ret));
		goto fail;
	}
	mux_copy_tags(&m->fmt->metadata, in->metadata, 1);
	mux_copy_chapters(m->fmt, in);
	return m;
fail:
	mux_free(m);
	return NULL;
}

/* A new output stream with the source stream's tags and disposition. */
static AVStream *
mux_stream(struct media_mux *m, const AVStream *in, int reencoded)
{
	AVStream	*st;

	if ((st = avformat_new_stream(m->fmt, NULL)) == NULL)
		fatalx("avformat_new_stream");
	if (in != NULL) {
		mux_copy_tags(&st->metadata, in->metadata, reencoded);
		st->disposition = in->disposition;
	}
	return st;
}

/* The encoded video stream, with colour and HDR10 metadata. */
int
mux_add_video(struct media_mux *m, const AVStream *in,
    const AVCodecParameters *par, AVRational fps, const struct media_info *mi)
{
	AVStream	*st;
	uint8_t		*sd;

	st = mux_stream(m, in, 1);
	if (avcodec_parameters_copy(st->codecpar, par) < 0)
		fatalx("avcodec_parameters_copy");
	st->codecpar->color_primaries = mi->primaries;
	st->codecpar->color_trc = mi->trc;
	st->codecpar->color_space = mi->space;
	st->codecpar->color_range = mi->range;
	if (st->codecpar->sample_aspect_ratio.num <= 0)
		st->codecpar->sample_aspect_ratio = mi->sar;
	st->sample_aspect_ratio = st->codecpar->sample_aspect_ratio;
	st->avg_frame_rate = fps;
	st->time_base = mi->tb;
	if (mi->has_mastering) {
		sd = av_stream_new_side_data(st,
		    AV_PKT_DATA_MASTERING_DISPLAY_METADATA,
		    sizeof(mi->mastering));
		if (sd == NULL)
			fatalx("av_stream_new_side_data");
		memcpy(sd, &mi->mastering, sizeof(mi->mastering));
	}
	if (mi->has_cll) {
		sd = av_stream_new_side_data(st,
		    AV_PKT_DATA_CONTENT_LIGHT_LEVEL, sizeof(mi->cll));
		if (sd == NULL)
			fatalx("av_stream_new_side_data");
		memcpy(sd, &mi->cll, sizeof(mi->cll));
	}
	return st->index;
}

/* A stream fed by one of our encoders (audio). */
int
mux_add_encoded(struct media_mux *m, const AVStream *in,
    const AVCodecContext *enc)
{
	AVStream	*st;

	st = mux_stream(m, in, 1);
	if (avcodec_parameters_from_context(st->codecpar, enc) < 0)
		fatalx("avcodec_parameters_from_context");
	st->time_base = enc->time_base;
	return st->index;
}

/* A stream copied as it is: subtitles, attachments, copied audio. */
int
mux_add_copy(struct media_mux *m, const AVStream *in)
{
	AVStream	*st;

	st = mux_stream(m, in, 0);
	if (avcodec_parameters_copy(st->codecpar, in->codecpar) < 0)
		fatalx("avcodec_parameters_copy");
	st->codecpar->codec_tag = 0;
	st->time_base = in->time_base;
	return st->index;
}

/* The file name and MIME type a cover picture of codec id is given. */
static void
mux_cover_name(enum AVCodecID id, const char **name, const char **mime)
{
	switch (id) {
	case AV_CODEC_ID_PNG:
		*name = "cover.png", *mime = "image/png";
		break;
	case AV_CODEC_ID_BMP:
		*name = "cover.bmp", *mime = "image/bmp";
		break;
	case AV_CODEC_ID_WEBP:
		*name = "cover.webp", *mime = "image/webp";
		break;
	default:
		*name = "cover.jpg", *mime = "image/jpeg";
		break;
	}
}

/*
 * A cover picture (a video stream of one attached picture) as a Matroska
 * attachment: the picture's bytes, under its own file name and MIME type
 * when the source gave them, else cover.jpg or cover.png.
 */
int
mux_add_cover(struct media_mux *m, const AVStream *in)
{
	const AVPacket		*pic = &in->attached_pic;
	const char		*name, *mime;
	AVStream		*st;

	st = mux_stream(m, in, 0);
	st->disposition = 0;
	st->codecpar->codec_type = AVMEDIA_TYPE_ATTACHMENT;
	st->codecpar->codec_id = in->codecpar->codec_id;
	st->codecpar->extradata = av_mallocz(pic->size +
	    AV_INPUT_BUFFER_PADDING_SIZE);
	if (st->codecpar->extradata == NULL)
		fatalx("av_mallocz");
	memcpy(st->codecpar->extradata, pic->data, pic->size);
	st->codecpar->extradata_size = pic->size;
	mux_cover_name(in->codecpar->codec_id, &name, &mime);
	if (av_dict_get(in->metadata, "filename", NULL, 0) == NULL)
		av_dict_set(&st->metadata, "filename", name, 0);
	if (av_dict_get(in->metadata, "mimetype", NULL, 0) == NULL)
		av_dict_set(&st->metadata, "mimetype", mime, 0);
	return st->index;
}

/* Set an output stream's title. */
void
mux_set_title(struct media_mux *m, int idx, const char *title)
{
	av_dict_set(&m->fmt->streams[idx]->metadata, "title", title, 0);
}

/* Set an output stream's dispositions. */
void
mux_set_disposition(struct media_mux *m, int idx, int disposition)
{
	m->fmt->streams[idx]->disposition = disposition;
}

/*
 * Keep timestamps as they are: a chunk's, or a joined film's, must not be
 * shifted because its first decoding times are negative.
 */
void
mux_keep_timestamps(struct media_mux *m)
{
	m->fmt->avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED;
}

/*
 * Make a time (AV_TIME_BASE units) the output's zero: a source whose
 * timestamps start late (a broadcast capture at 10 hours) starts at 0.
 */
void
mux_origin(struct media_mux *m, int64_t origin)
{
	AVChapter	*c;
	unsigned int	 i;

	m->origin = origin;
	for (i = 0; i < m->fmt->nb_chapters; i++) {
		c = m->fmt->chapters[i];
		c->start -= av_rescale_q(origin, AV_TIME_BASE_Q, c->time_base);
		c->end -= av_rescale_q(origin, AV_TIME_BASE_Q, c->time_base);
	}
}

/* Write the header once every stream is added. */
int
mux_start(struct media_mux *m, char **cause)
{
	int	ret;

	if ((ret = avformat_write_header(m->fmt, NULL)) < 0) {
		xasprintf(cause, "writing %s: %s", m->path, media_error(ret));
		return -1;
	}
	m->started = 1;
	return 0;
}

/* Write a packet whose timestamps are in tb to output stream idx. */
int
mux_write(struct media_mux *m, int idx, AVPacket *pkt, AVRational tb,
    char **cause)
{
	int64_t	shift;
	int	ret;

	pkt->stream_index = idx;
	if (m->origin != 0) {
		shift = av_rescale_q(m->origin, AV_TIME_BASE_Q, tb);
		if (pkt->pts != AV_NOPTS_VALUE)
			pkt->pts -= shift;
		if (pkt->dts != AV_NOPTS_VALUE)
			pkt->dts -= shift;
	}
	av_packet_rescale_ts(pkt, tb, m->fmt->streams[idx]->time_base);
	pkt->pos = -1;
	if ((ret = av_interleaved_write_frame(m->fmt, pkt)) < 0) {
		xasprintf(cause, "writing %s: %s", m->path, media_error(ret));
		return -1;
	}
	return 0;
}

/* Write the trailer and close the file. */
int
mux_finish(struct media_mux *m, char **cause)
{
	int	ret;

	if ((ret = av_write_trailer(m->fmt)) < 0 ||
	    (ret = m->fmt->pb->error) < 0 ||
	    (ret = avio_closep(&m->fmt->pb)) < 0) {
		xasprintf(cause, "writing %s: %s", m->path, media_error(ret));
		return -1;
	}
	m->started = 0;
	return 0;
}

void
mux_free(struct media_mux *m)
{
	if (m == NULL)
		return;
	if (m->fmt != NULL) {
		if (m->fmt->pb != NULL)
			avio_closep(&m->fmt->pb);
		avformat_free_context(m->fmt);
	}
	free(m->path);
	free(m);
}
