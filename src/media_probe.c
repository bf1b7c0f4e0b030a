/*
 * Probing a media file: its video stream, frame rate, colour description,
 * HDR10 metadata and the other streams it carries.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/display.h>
#include <libavutil/dovi_meta.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "log.h"
#include "media.h"
#include "rules.h"
#include "xmalloc.h"

/* Open a file for demuxing with a clear reason when it is not media. */
static int
probe_open(const char *path, AVFormatContext **fmt, char **cause)
{
	struct stat	sb;
	int		ret;

	if (stat(path, &sb) == -1) {
		xasprintf(cause, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "not a regular file");
		return -1;
	}
	if (sb.st_size == 0) {
		xasprintf(cause, "empty file");
		return -1;
	}
	damage_watch(1);
	ret = avformat_open_input(fmt, path, NULL, NULL);
	damage_watch(0);
	if (ret < 0) {
		reason_open(path, ret, cause);
		return -1;
	}
	if ((ret = avformat_find_stream_info(*fmt, NULL)) < 0) {
		xasprintf(cause, "not a media file: %s", media_error(ret));
		avformat_close_input(fmt);
		return -1;
	}
	return 0;
}

/* Count the streams of each kind beside the video. */
static void
probe_count(AVFormatContext *fmt, struct media_info *mi)
{
	AVDictionaryEntry	*lang;
	unsigned int		 i;

	for (i = 0; i < fmt->nb_streams; i++) {
		switch (fmt->streams[i]->codecpar->codec_type) {
		case AVMEDIA_TYPE_AUDIO:
			lang = av_dict_get(fmt->streams[i]->metadata,
			    "language", NULL, 0);
			if (lang != NULL && mi->naudio < MEDIA_MAX_AUDIO)
				snprintf(mi->languages[mi->naudio],
				    sizeof(mi->languages[0]), "%s",
				    lang->value);
			mi->naudio++;
			break;
		case AVMEDIA_TYPE_SUBTITLE:
			mi->nsubtitle++;
			break;
		case AVMEDIA_TYPE_ATTACHMENT:
			mi->nattachment++;
			break;
		default:
			break;
		}
	}
	mi->nchapter = fmt->nb_chapters;
	media_describe_streams(fmt, mi);
}

/* HDR10 static metadata and the Dolby Vision configuration from the
 * container's stream side data. */
static void
probe_hdr_stream(AVStream *st, struct media_info *mi)
{
	const AVDOVIDecoderConfigurationRecord	*dovi;
	uint8_t					*sd;

	sd = av_stream_get_side_data(st,
	    AV_PKT_DATA_MASTERING_DISPLAY_METADATA, NULL);
	if (sd != NULL) {
		memcpy(&mi->mastering, sd, sizeof(mi->mastering));
		mi->has_mastering = mi->mastering.has_primaries ||
		    mi->mastering.has_luminance;
	}
	sd = av_stream_get_side_data(st, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, NULL);
	if (sd != NULL) {
		memcpy(&mi->cll, sd, sizeof(mi->cll));
		mi->has_cll = 1;
	}
	mi->dyn.dovi_profile = -1;
	mi->dyn.dovi_compat = -1;
	sd = av_stream_get_side_data(st, AV_PKT_DATA_DOVI_CONF, NULL);
	if (sd != NULL) {
		dovi = (const AVDOVIDecoderConfigurationRecord *)sd;
		mi->dyn.dovi = 1;
		mi->dyn.dovi_profile = dovi->dv_profile;
		mi->dyn.dovi_compat = dovi->dv_bl_signal_compatibility_id;
	}
}

/* Dynamic HDR metadata in a decoded frame: HDR10+, Dolby Vision's RPU. */
static void
probe_dynamic_frame(const AVFrame *frame, struct media_info *mi)
{
	if (av_frame_get_side_data(frame,
	    AV_FRAME_DATA_DYNAMIC_HDR_PLUS) != NULL)
		mi->dyn.hdr10plus = 1;
	if (av_frame_get_side_data(frame, AV_FRAME_DATA_DOVI_RPU_BUFFER) !=
	    NULL || av_frame_get_side_data(frame,
	    AV_FRAME_DATA_DOVI_METADATA) != NULL)
		mi->dyn.dovi = 1;
}

/* HDR10 metadata and colour from the first decoded frame (SEI). */
static int
probe_first_frame(const char *path, struct media_info *mi, char **cause)
{
	struct media_source	 src;
	AVFrameSideData		*sd;
	AVFrame			*frame;
	int			 ret = -1;

	if (media_file_open(&src, path, 1, SOURCE_COPY_AUDIO, cause) != 0)
		return -1;
	if ((frame = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	if (media_file_sample(&src, AV_NOPTS_VALUE, SAMPLE_KEY, frame,
	    cause) != 0)
		goto out;
	sd = av_frame_get_side_data(frame,
	    AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
	if (sd != NULL && !mi->has_mastering) {
		memcpy(&mi->mastering, sd->data, sizeof(mi->mastering));
		mi->has_mastering = 1;
	}
	sd = av_frame_get_side_data(frame, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
	if (sd != NULL && !mi->has_cll) {
		memcpy(&mi->cll, sd->data, sizeof(mi->cll));
		mi->has_cll = 1;
	}
	probe_dynamic_frame(frame, mi);
	if (mi->primaries == AVCOL_PRI_UNSPECIFIED)
		mi->primaries = frame->color_primaries;
	if (mi->trc == AVCOL_TRC_UNSPECIFIED)
		mi->trc = frame->color_trc;
	if (mi->space == AVCOL_SPC_UNSPECIFIED)
		mi->space = frame->colorspace;
	if (mi->range == AVCOL_RANGE_UNSPECIFIED)
		mi->range = frame->color_range;
	/* the rules' HDR kind: dynamic metadata first, then the transfer */
	if (mi->dyn.dovi)
		mi->hdr = RULES_HDR_DOLBY_VISION;
	else if (mi->dyn.hdr10plus)
		mi->hdr = RULES_HDR_HDR10PLUS;
	else if (mi->trc == AVCOL_TRC_SMPTE2084)
		mi->hdr = RULES_HDR_HDR10;
	else if (mi->trc == AVCOL_TRC_ARIB_STD_B67)
		mi->hdr = RULES_HDR_HLG;
	ret = 0;
out:
	av_frame_free(&frame);
	media_file_close(&src);
	return ret;
}

/*
 * The display matrix's rotation, as the quarter turn clockwise that shows
 * the picture upright (what FFmpeg's own autorotation applies); a matrix
 * that is no quarter turn, or mirrors, is left unapplied with a word.
 */
static void
probe_rotation(AVStream *st, struct media_info *mi)
{
	const int32_t	*m;
	double		 theta;

	m = (const int32_t *)av_stream_get_side_data(st,
	    AV_PKT_DATA_DISPLAYMATRIX, NULL);
	if (m == NULL)
		return;
	if ((int64_t)m[0] * m[4] - (int64_t)m[1] * m[3] < 0) {
		log_warnx("the display matrix mirrors the picture: not "
		    "applied");
		return;
	}
	theta = -round(av_display_rotation_get(m));
	theta -= 360 * floor(theta / 360 + 0.9 / 360);
	if (fabs(theta - 90) < 1 || fabs(theta - 180) < 1 ||
	    fabs(theta - 270) < 1)
		mi->rotation = (int)lrint(theta);
	else if (fabs(theta) >= 1 && fabs(theta - 360) >= 1)
		log_warnx("the display matrix turns the picture by %.0f "
		    "degrees, not a quarter turn: not applied", theta);
}

/*
 * The video stream's bitrate as the container tells it: the codec
 * parameters', else a BPS statistics tag (mkvmerge writes those).
 */
static void
probe_bitrate(AVStream *st, struct media_info *mi)
{
	AVDictionaryEntry	*e;
	long long		 bps = 0;

	if (st->codecpar->bit_rate > 0)
		bps = st->codecpar->bit_rate;
	else if ((e = av_dict_get(st->metadata, "BPS", NULL, 0)) != NULL ||
	    (e = av_dict_get(st->metadata, "BPS-eng", NULL, 0)) != NULL)
		bps = strtoll(e->value, NULL, 10);
	if (bps <= 0)
		return;
	mi->vbitrate = bps;
	mi->vbitrate_from = "container";
	if (mi->duration > 0)
		mi->vbytes = (int64_t)((double)bps * mi->duration / 8e6);
}

/*
 * Measure the video stream's size and bitrate from its packets, reading
 * the file once without decoding: for containers that do not say it.
 */
int
probe_video_bytes(const char *path, struct media_info *mi, char **cause)
{
	AVFormatContext	*fmt = NULL;
	AVPacket	*pkt;
	unsigned int	 i;
	int64_t		 bytes = 0;
	int		 ret;

	if (probe_open(path, &fmt, cause) != 0)
		return -1;
	for (i = 0; i < fmt->nb_streams; i++)
		if ((int)i != mi->vindex)
			fmt->streams[i]->discard = AVDISCARD_ALL;
	if ((pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	while ((ret = av_read_frame(fmt, pkt)) >= 0) {
		if (pkt->stream_index == mi->vindex)
			bytes += pkt->size;
		av_packet_unref(pkt);
	}
	av_packet_free(&pkt);
	avformat_close_input(&fmt);
	if (ret != AVERROR_EOF) {
		xasprintf(cause, "reading packets: %s", media_error(ret));
		return -1;
	}
	mi->vbytes = bytes;
	if (mi->duration > 0)
		mi->vbitrate = (int64_t)(bytes * 8e6 / mi->duration);
	mi->vbitrate_from = "packets";
	return 0;
}

/* Fill mi from the video stream's parameters; -1 when unusable. */
static int
probe_video(AVFormatContext *fmt, struct media_info *mi, char **cause)
{
	AVStream			*st = fmt->streams[mi->vindex];
	AVCodecParameters		*par = st->codecpar;
	const AVPixFmtDescriptor	*desc;

	snprintf(mi->codec, sizeof(mi->codec), "%s",
	    avcodec_get_name(par->codec_id));
	if (avcodec_find_decoder(par->codec_id) == NULL) {
		xasprintf(cause, "no decoder for video codec %s", mi->codec);
		return -1;
	}
	mi->width = par->width;
	mi->height = par->height;
	mi->pix_fmt = par->format;
	if (mi->width <= 0 || mi->height <= 0 ||
	    mi->pix_fmt == AV_PIX_FMT_NONE) {
		xasprintf(cause, "no video frame could be decoded to learn the "
		    "picture's size and format: the %s track holds no frames, "
		    "or none that decode (damaged, or its headers missing)",
		    mi->codec);
		return -1;
	}
	if (mi->width < 16 || mi->height < 16) {
		xasprintf(cause, "video is %dx%d, too small", mi->width,
		    mi->height);
		return -1;
	}
	desc = av_pix_fmt_desc_get(mi->pix_fmt);
	if (desc == NULL || !sws_isSupportedInput(mi->pix_fmt)) {
		xasprintf(cause, "unsupported pixel format %s",
		    desc ? desc->name : "(unknown)");
		return -1;
	}
	if (desc->flags & (AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_PAL |
	    AV_PIX_FMT_FLAG_BITSTREAM)) {
		xasprintf(cause, "unsupported pixel format %s", desc->name);
		return -1;
	}
	mi->depth = desc->comp[0].depth;
	mi->tb = st->time_base;
	mi->fps = st->avg_frame_rate;
	if (mi->fps.num <= 0 || mi->fps.den <= 0)
		mi->fps = st->r_frame_rate;
	if (mi->fps.num <= 0 || mi->fps.den <= 0) {
		xasprintf(cause, "video frame rate unknown");
		return -1;
	}
	mi->primaries = par->color_primaries;
	mi->trc = par->color_trc;
	mi->space = par->color_space;
	mi->range = par->color_range;
	probe_rotation(st, mi);
	mi->sar = av_guess_sample_aspect_ratio(fmt, st, NULL);
	if (mi->sar.num <= 0 || mi->sar.den <= 0)
		mi->sar = (AVRational){ 0, 1 };
	else if (mi->rotation % 180 == 90)
		mi->sar = av_inv_q(mi->sar);	/* the upright picture's */
	return 0;
}

/*
 * The video stream's own duration (AV_TIME_BASE units, 0 unknown): its
 * header's, or Matroska's DURATION tag ("HH:MM:SS.nnnnnnnnn"); not the
 * container's, which a longer audio track sets.
 */
static int64_t
probe_own_duration(const AVStream *st)
{
	const AVDictionaryEntry	*e;
	unsigned int		 h, m;
	double			 sec;
	char			 end;

	if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
		return av_rescale_q(st->duration, st->time_base,
		    AV_TIME_BASE_Q);
	e = av_dict_get(st->metadata, "DURATION", NULL, 0);
	if (e == NULL || sscanf(e->value, "%u:%u:%lf%c", &h, &m, &sec,
	    &end) != 3 || m > 59 || sec < 0 || sec >= 60 || h > 100000)
		return 0;
	return (int64_t)((h * 3600.0 + m * 60.0 + sec) * 1e6);
}

/*
 * The length of a stated duration: a Matroska file whose timestamps start
 * late states its end's time (as FFmpeg writes it), which the index's
 * last entry tells apart from a length.
 */
static int64_t
probe_length(AVStream *st, int64_t start, int64_t stated)
{
	const AVIndexEntry	*e;
	int			 n;

	n = avformat_index_get_entries_count(st);
	if (start <= 0 || stated <= start || n <= 0 ||
	    (e = avformat_index_get_entry(st, n - 1)) == NULL)
		return stated;
	if (av_rescale_q(e->timestamp, st->time_base, AV_TIME_BASE_Q) <
	    start + stated / 2)
		return stated - start;
	return stated;
}

/* Probe a media file; -1 with a reason a user can act on. */
int
probe_file(const char *path, struct media_info *mi, char **cause)
{
	AVFormatContext	*fmt = NULL;
	AVStream	*st;
	int		 idx;

	memset(mi, 0, sizeof(*mi));
	if (probe_open(path, &fmt, cause) != 0)
		return -1;
	idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (idx < 0 || (fmt->streams[idx]->disposition &
	    AV_DISPOSITION_ATTACHED_PIC)) {
		xasprintf(cause, "no video stream");
		avformat_close_input(&fmt);
		return -1;
	}
	mi->vindex = idx;
	probe_count(fmt, mi);
	if (probe_video(fmt, mi, cause) != 0) {
		avformat_close_input(&fmt);
		return -1;
	}
	st = fmt->streams[idx];
	if (st->start_time != AV_NOPTS_VALUE)
		mi->start = av_rescale_q(st->start_time, st->time_base,
		    AV_TIME_BASE_Q);
	if ((mi->duration = probe_own_duration(st)) > 0)
		mi->duration_own = 1;
	else if (fmt->duration > 0)
		mi->duration = fmt->duration;
	mi->duration = probe_length(st, mi->start, mi->duration);
	if (st->nb_frames > 0)
		mi->frames_est = st->nb_frames;
	else if (mi->duration > 0)
		mi->frames_est = av_rescale_q(mi->duration, AV_TIME_BASE_Q,
		    av_inv_q(mi->fps));
	probe_hdr_stream(st, mi);
	probe_bitrate(st, mi);
	mi->interlaced = st->codecpar->field_order == AV_FIELD_TT ||
	    st->codecpar->field_order == AV_FIELD_BB ||
	    st->codecpar->field_order == AV_FIELD_TB ||
	    st->codecpar->field_order == AV_FIELD_BT;
	avformat_close_input(&fmt);
	return probe_first_frame(path, mi, cause);
}
