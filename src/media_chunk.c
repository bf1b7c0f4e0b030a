/*
 * Frame-exact reading of one chunk of a source: seek to the keyframe at
 * or before the chunk's first frame, decode, drop the frames before it,
 * then hand out exactly the chunk's frames.  If the seek lands past the
 * first frame (an index that points too late, an open GOP), the read
 * starts again from the beginning of the file.  An AviSynth script's
 * frames are numbered: its chunk starts at frame pts, reached by
 * script_seek, and its time base is one frame.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct chunk_reader {
	struct media_source	 src;
	int64_t			 pts;		/* of the first frame */
	int64_t			 want;
	int64_t			 given;
	int			 eof;
	int			 rewound;
};

/* Seek to the keyframe at or before pts, or to the start. */
static int
chunk_seek(struct chunk_reader *r, int64_t pts, char **cause)
{
	int	ret;

	ret = av_seek_frame(r->src.fmt, r->src.vindex, pts,
	    AVSEEK_FLAG_BACKWARD);
	if (ret < 0 && pts != INT64_MIN)
		ret = av_seek_frame(r->src.fmt, r->src.vindex, INT64_MIN,
		    AVSEEK_FLAG_BACKWARD | AVSEEK_FLAG_ANY);
	if (ret < 0) {
		xasprintf(cause, "seek failed: %s", media_error(ret));
		return -1;
	}
	avcodec_flush_buffers(r->src.vdec);
	r->eof = 0;
	return 0;
}

/* A script's chunk: its frames from frame number r->pts. */
static struct chunk_reader *
chunk_script_open(struct chunk_reader *r, const char *path, int threads,
    char **cause)
{
	if (script_source_video(&r->src, path, threads, cause) != 0) {
		free(r);
		return NULL;
	}
	if (script_seek(r->src.script, r->pts, cause) != 0) {
		chunk_reader_close(r);
		return NULL;
	}
	return r;
}

/* The script's next frame of the chunk, numbered as the chunk wants. */
static int
chunk_script_next(struct chunk_reader *r, AVFrame *f, char **cause)
{
	int	ret;

	if ((ret = script_read(r->src.script, f, cause)) < 0)
		return -1;
	if (ret == 0) {
		xasprintf(cause, "the script ended after %lld of the chunk's "
		    "%lld frames", (long long)r->given, (long long)r->want);
		return -1;
	}
	if (f->pts != r->pts + r->given) {
		xasprintf(cause, "the script gave frame %lld for frame %lld",
		    (long long)f->pts, (long long)(r->pts + r->given));
		return -1;
	}
	return 0;
}

/* Open path to read frames pts.. (frames of them). */
struct chunk_reader *
chunk_reader_open(const char *path, int threads, int64_t pts, int64_t frames,
    char **cause)
{
	struct chunk_reader	*r;
	unsigned int		 i;

	r = xcalloc(1, sizeof(*r));
	r->pts = pts;
	r->want = frames;
	if (media_is_script(path))
		return chunk_script_open(r, path, threads, cause);
	if (source_open(&r->src, path, threads, 0, cause) != 0) {
		free(r);
		return NULL;
	}
	for (i = 0; i < r->src.fmt->nb_streams; i++)
		if ((int)i != r->src.vindex)
			r->src.fmt->streams[i]->discard = AVDISCARD_ALL;
	if (chunk_seek(r, pts, cause) != 0) {
		chunk_reader_close(r);
		return NULL;
	}
	return r;
}

/* Feed the decoder the next video packet, or the end. */
static int
chunk_feed(struct chunk_reader *r, char **cause)
{
	AVPacket	*pkt = r->src.pkt;
	int		 ret;

	while ((ret = av_read_frame(r->src.fmt, pkt)) >= 0 &&
	    pkt->stream_index != r->src.vindex)
		av_packet_unref(pkt);
	if (ret == AVERROR_EOF) {
		r->eof = 1;
		avcodec_send_packet(r->src.vdec, NULL);
		return 0;
	}
	if (ret < 0) {
		xasprintf(cause, "read error: %s", media_error(ret));
		return -1;
	}
	ret = avcodec_send_packet(r->src.vdec, pkt);
	av_packet_unref(pkt);
	if (ret < 0 && ret != AVERROR_INVALIDDATA) {
		xasprintf(cause, "decoding: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* The next decoded frame in r->src.frame; 0, or 1 at the end. */
static int
chunk_decode(struct chunk_reader *r, char **cause)
{
	AVFrame	*f = r->src.frame;
	int	 ret;

	for (;;) {
		ret = avcodec_receive_frame(r->src.vdec, f);
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
		if (r->eof)
			return 1;
		if (chunk_feed(r, cause) != 0)
			return -1;
	}
}

/* Check a frame that is to be handed out. */
static int
chunk_check(struct chunk_reader *r, AVFrame *f, char **cause)
{
	if (r->given == 0 && f->pts != r->pts) {
		if (!r->rewound) {
			r->rewound = 1;
			log_debug("seek to pts %lld landed at %lld: reading "
			    "from the start", (long long)r->pts,
			    (long long)f->pts);
			av_frame_unref(f);
			return chunk_seek(r, INT64_MIN, cause) != 0 ? -1 : 1;
		}
		xasprintf(cause, "no frame at pts %lld (the next is at %lld)",
		    (long long)r->pts, (long long)f->pts);
		return -1;
	}
	if ((f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags) {
		xasprintf(cause, "damaged: corrupt frame at pts %lld",
		    (long long)f->pts);
		return -1;
	}
	return 0;
}

/* The file's next frame of the chunk, decoded on from the seek. */
static int
chunk_file_next(struct chunk_reader *r, AVFrame *f, char **cause)
{
	int	ret;

	for (;;) {
		if ((ret = chunk_decode(r, cause)) < 0)
			return -1;
		if (ret == 1) {
			xasprintf(cause, "the source ended after %lld of the "
			    "chunk's %lld frames", (long long)r->given,
			    (long long)r->want);
			return -1;
		}
		if (f->pts != AV_NOPTS_VALUE && f->pts < r->pts) {
			av_frame_unref(f);
			continue;
		}
		if ((ret = chunk_check(r, f, cause)) <= 0)
			return ret;
	}
}

/*
 * The chunk's next frame in *out (valid until the next call): 1 with a
 * frame, 0 when all were given, -1 on error (too few frames included).
 */
int
chunk_reader_next(struct chunk_reader *r, AVFrame **out, char **cause)
{
	AVFrame	*f = r->src.frame;

	av_frame_unref(f);
	if (r->given == r->want)
		return 0;
	if ((r->src.script != NULL ? chunk_script_next(r, f, cause) :
	    chunk_file_next(r, f, cause)) != 0)
		return -1;
	r->given++;
	*out = f;
	return 1;
}

AVStream *
chunk_reader_stream(const struct chunk_reader *r)
{
	return r->src.fmt->streams[r->src.vindex];
}

void
chunk_reader_close(struct chunk_reader *r)
{
	if (r == NULL)
		return;
	source_close(&r->src);
	free(r);
}
