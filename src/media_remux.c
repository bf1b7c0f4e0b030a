/*
 * Remuxing a source when its encode came out larger than allowed: its
 * video stream copied as it is into a file of its own, then joined with
 * the source's other streams exactly as a chunked encode's one chunk is
 * (audio normalised, subtitles, attachments and chapters copied).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* Open the copy's output: one video stream with the source's parameters. */
static int
remux_out(AVFormatContext **out, const AVStream *ist, const char *dst,
    char **cause)
{
	AVStream	*ost;
	int		 ret;

	if ((ret = avformat_alloc_output_context2(out, NULL, "matroska",
	    dst)) < 0) {
		xasprintf(cause, "%s: %s", dst, media_error(ret));
		return -1;
	}
	if ((ost = avformat_new_stream(*out, NULL)) == NULL)
		fatalx("avformat_new_stream");
	if (avcodec_parameters_copy(ost->codecpar, ist->codecpar) < 0)
		fatalx("avcodec_parameters_copy");
	ost->codecpar->codec_tag = 0;
	ost->time_base = ist->time_base;
	if ((ret = avio_open(&(*out)->pb, dst, AVIO_FLAG_WRITE)) < 0 ||
	    (ret = avformat_write_header(*out, NULL)) < 0) {
		xasprintf(cause, "%s: %s", dst, media_error(ret));
		return -1;
	}
	return 0;
}

/* Copy the video packets of src (stream vindex) to dst; count them. */
static int
remux_copy(AVFormatContext *in, int vindex, AVFormatContext *out,
    int64_t *frames, char **cause)
{
	AVPacket	*pkt;
	int		 ret;

	if ((pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	*frames = 0;
	while ((ret = av_read_frame(in, pkt)) >= 0) {
		if (pkt->stream_index != vindex) {
			av_packet_unref(pkt);
			continue;
		}
		pkt->stream_index = 0;
		av_packet_rescale_ts(pkt, in->streams[vindex]->time_base,
		    out->streams[0]->time_base);
		pkt->pos = -1;
		if ((ret = av_interleaved_write_frame(out, pkt)) < 0)
			break;
		(*frames)++;
	}
	av_packet_free(&pkt);
	if (ret != AVERROR_EOF) {
		xasprintf(cause, "copying the video: %s", media_error(ret));
		return -1;
	}
	if ((ret = av_write_trailer(out)) < 0) {
		xasprintf(cause, "copying the video: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* The source's video stream alone into dst; its frames in *frames. */
static int
remux_video(const char *src, int vindex, const char *dst, int64_t *frames,
    char **cause)
{
	AVFormatContext	*in = NULL, *out = NULL;
	int		 ret, rv = -1;

	if ((ret = avformat_open_input(&in, src, NULL, NULL)) < 0 ||
	    (ret = avformat_find_stream_info(in, NULL)) < 0) {
		xasprintf(cause, "%s: %s", src, media_error(ret));
		goto out;
	}
	if (remux_out(&out, in->streams[vindex], dst, cause) == 0)
		rv = remux_copy(in, vindex, out, frames, cause);
out:
	if (out != NULL) {
		avio_closep(&out->pb);
		avformat_free_context(out);
	}
	avformat_close_input(&in);
	return rv;
}

/*
 * Write cs->output from the source's own video (copied) and its other
 * streams as a join does; the video's frames in *frames.  The copy of the
 * video is made in the file video, then removed.
 */
int
media_remux(struct concat_spec *cs, const char *video, int64_t *frames,
    volatile int *stop, char **cause)
{
	char	*chunk = (char *)video;
	int	 rv;

	rv = remux_video(cs->source, cs->mi->vindex, video, frames, cause);
	if (rv == 0) {
		cs->chunks = &chunk;
		cs->frames = frames;
		cs->nchunks = 1;
		rv = media_concat(cs, stop, cause);
		cs->chunks = NULL;
		cs->frames = NULL;
	}
	if (unlink(video) == -1 && errno != ENOENT)
		log_warn("removing %s", video);
	return rv;
}
