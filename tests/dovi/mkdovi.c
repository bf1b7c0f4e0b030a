/*
 * Test helper: copy a media file's streams into a Matroska file, its
 * first video stream given a Dolby Vision configuration record of the
 * profile and base-layer compatibility asked for, as a Dolby Vision
 * source's demuxer would report it.
 *
 *	mkdovi IN OUT PROFILE COMPAT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavformat/avformat.h>
#include <libavutil/dovi_meta.h>

static void
die(const char *what, int ret)
{
	fprintf(stderr, "mkdovi: %s: %s\n", what, av_err2str(ret));
	exit(1);
}

/* The configuration record, on out's stream st. */
static void
add_dovi(AVStream *st, int profile, int compat)
{
	AVDOVIDecoderConfigurationRecord	*dovi;
	size_t					 size;

	if ((dovi = av_dovi_alloc(&size)) == NULL)
		die("av_dovi_alloc", AVERROR(ENOMEM));
	dovi->dv_version_major = 1;
	dovi->dv_profile = profile;
	dovi->dv_level = 1;
	dovi->rpu_present_flag = 1;
	dovi->el_present_flag = 0;
	dovi->bl_present_flag = 1;
	dovi->dv_bl_signal_compatibility_id = compat;
	if (av_stream_add_side_data(st, AV_PKT_DATA_DOVI_CONF,
	    (uint8_t *)dovi, size) < 0)
		die("av_stream_add_side_data", AVERROR(ENOMEM));
}

int
main(int argc, char **argv)
{
	AVFormatContext	*in = NULL, *out = NULL;
	AVPacket	*pkt;
	AVStream	*st;
	unsigned int	 i;
	int		 ret, dv = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: mkdovi IN OUT PROFILE COMPAT\n");
		return 2;
	}
	if ((ret = avformat_open_input(&in, argv[1], NULL, NULL)) < 0 ||
	    (ret = avformat_find_stream_info(in, NULL)) < 0)
		die(argv[1], ret);
	if ((ret = avformat_alloc_output_context2(&out, NULL, "matroska",
	    argv[2])) < 0)
		die("matroska", ret);
	for (i = 0; i < in->nb_streams; i++) {
		if ((st = avformat_new_stream(out, NULL)) == NULL)
			die("avformat_new_stream", AVERROR(ENOMEM));
		avcodec_parameters_copy(st->codecpar, in->streams[i]->codecpar);
		st->codecpar->codec_tag = 0;
		st->time_base = in->streams[i]->time_base;
		if (!dv && st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
			add_dovi(st, atoi(argv[3]), atoi(argv[4]));
			dv = 1;
		}
	}
	if ((ret = avio_open(&out->pb, argv[2], AVIO_FLAG_WRITE)) < 0 ||
	    (ret = avformat_write_header(out, NULL)) < 0)
		die(argv[2], ret);
	if ((pkt = av_packet_alloc()) == NULL)
		die("av_packet_alloc", AVERROR(ENOMEM));
	while (av_read_frame(in, pkt) >= 0) {
		av_packet_rescale_ts(pkt, in->streams[pkt->stream_index]->time_base,
		    out->streams[pkt->stream_index]->time_base);
		pkt->pos = -1;
		if ((ret = av_interleaved_write_frame(out, pkt)) < 0)
			die(argv[2], ret);
	}
	if ((ret = av_write_trailer(out)) < 0)
		die(argv[2], ret);
	av_packet_free(&pkt);
	avio_closep(&out->pb);
	avformat_free_context(out);
	avformat_close_input(&in);
	return 0;
}
