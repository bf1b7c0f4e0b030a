/*
 * Joining a chunked encode: the chunk files' video in film order, with
 * continuous timestamps, interleaved with the source's audio (normalised
 * and encoded, as in the pipeline's second pass), subtitles, attachments
 * and chapters, into one Matroska file.  An AviSynth script brings its
 * audio alone (its source's when it has none of its own), cut to its
 * frames, as in the pipeline.
 *
 * Matroska keeps presentation times only, but the muxer wants increasing
 * decoding times.  They are rebuilt over the whole film: with the frames'
 * presentation times P sorted, and D the largest reordering delay of any
 * chunk, packet i (in decoding order) gets P[i - D].  That is increasing,
 * and never after the packet's own presentation time.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct concat_ctx {
	const struct concat_spec *cs;
	struct media_source	 src;
	struct media_output	*out;
	AVCodecParameters	*vpar;		/* from the first chunk */
	AVRational		 tb;		/* of the chunks' video */
	int64_t			*P;		/* presentation times, sorted */
	int64_t			 nP;
	int			 delay;		/* D */
	int64_t			 written;
	char			*err;
};

static int
concat_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Open a chunk file and find its video stream. */
static AVFormatContext *
concat_open(const char *path, char **cause)
{
	AVFormatContext	*fmt = NULL;
	int		 ret;

	if ((ret = avformat_open_input(&fmt, path, NULL, NULL)) < 0) {
		xasprintf(cause, "%s: %s", path, media_error(ret));
		return NULL;
	}
	if (fmt->nb_streams != 1 ||
	    fmt->streams[0]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) {
		xasprintf(cause, "%s: not a chunk file", path);
		avformat_close_input(&fmt);
	}
	return fmt;
}

/* The largest reordering delay of a chunk's pts (decoding order). */
static int
concat_delay(const int64_t *pts, const int64_t *sorted, int64_t n)
{
	int64_t	i, rank, *hit;
	int	d = 0;

	for (i = 0; i < n; i++) {
		hit = bsearch(&pts[i], sorted, n, sizeof(*sorted), concat_cmp);
		rank = hit - sorted;
		if (i - rank > d)
			d = i - rank;
	}
	return d;
}

/* Read one chunk's timestamps: count, order, delay, and add to P. */
static int
concat_scan_one(struct concat_ctx *c, size_t k, char **cause)
{
	const struct concat_spec *cs = c->cs;
	AVFormatContext		 *fmt;
	AVPacket		 *pkt;
	int64_t			 *pts = NULL, n = 0, d;
	int			  rv = -1;

	if ((fmt = concat_open(cs->chunks[k], cause)) == NULL)
		return -1;
	if (k == 0) {
		c->tb = fmt->streams[0]->time_base;
		if ((c->vpar = avcodec_parameters_alloc()) == NULL ||
		    avcodec_parameters_copy(c->vpar,
		    fmt->streams[0]->codecpar) < 0)
			fatalx("avcodec_parameters_copy");
	}
	if ((pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	while (av_read_frame(fmt, pkt) >= 0) {
		pts = xreallocarray(pts, n + 1, sizeof(*pts));
		pts[n++] = av_rescale_q(pkt->pts, fmt->streams[0]->time_base,
		    c->tb);
		av_packet_unref(pkt);
	}
	if (n != cs->frames[k]) {
		xasprintf(cause, "chunk %zu has %lld frames, expected %lld", k,
		    (long long)n, (long long)cs->frames[k]);
		goto out;
	}
	c->P = xreallocarray(c->P, c->nP + n, sizeof(*c->P));
	memcpy(c->P + c->nP, pts, n * sizeof(*pts));
	qsort(c->P + c->nP, n, sizeof(*pts), concat_cmp);
	if (c->nP > 0 && c->P[c->nP] <= c->P[c->nP - 1]) {
		xasprintf(cause, "chunk %zu starts before chunk %zu ends", k,
		    k - 1);
		goto out;
	}
	if ((d = concat_delay(pts, c->P + c->nP, n)) > c->delay)
		c->delay = d;
	c->nP += n;
	rv = 0;
out:
	free(pts);
	av_packet_free(&pkt);
	avformat_close_input(&fmt);
	return rv;
}

/* A decoded audio frame of the source (NULL: its end), normalised. */
static int
concat_audio_frame(void *arg, int slot, AVFrame *f)
{
	struct concat_ctx	*c = arg;

	return output_audio(c->out, slot, f, &c->err);
}

/* A packet of the source's streams that are copied, to the output. */
static int
concat_packet(void *arg, AVPacket *pkt)
{
	struct concat_ctx	*c = arg;

	return output_copy(c->out, pkt, &c->err);
}

/*
 * The source's other streams up to a time (seconds of the film; HUGE_VAL:
 * to their end): a file's packets read on, a script's audio.
 */
static int
concat_until(struct concat_ctx *c, double t)
{
	struct media_sink	sink = { c, NULL, concat_audio_frame,
				    concat_packet };

	return source_until(&c->src, t, &sink, &c->err);
}

/*
 * Open the source and the output with every stream, as the pipeline
 * does: the video the first chunk's, the source's left unread.
 */
static int
concat_start(struct concat_ctx *c)
{
	const struct concat_spec *cs = c->cs;
	struct output_spec	  os;
	int			  audio;

	audio = strcmp(cs->prof->audio_codec, "copy") != 0;
	if (source_open(&c->src, cs->source, 1, audio, &c->err) != 0)
		return -1;
	memset(&os, 0, sizeof(os));
	os.path = cs->output;
	os.src = &c->src;
	os.vpar = c->vpar;
	os.mi = cs->mi;
	os.prof = cs->prof;
	os.loud = cs->loud;
	os.nloud = cs->naudio;
	os.flags = OUTPUT_KEEP_TS | OUTPUT_NO_VIDEO_READ;
	c->out = output_open(&os, &c->err);
	return c->out != NULL ? 0 : -1;
}

/* One chunk's packets, with the source's in between. */
static int
concat_chunk(struct concat_ctx *c, size_t k, volatile int *stop)
{
	AVFormatContext	*fmt;
	AVPacket	*pkt;
	int64_t		 i, dur;
	int		 rv = 0;

	if ((fmt = concat_open(c->cs->chunks[k], &c->err)) == NULL)
		return -1;
	if ((pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	dur = av_rescale_q(1, av_inv_q(c->cs->mi->fps), c->tb);
	while (rv == 0 && av_read_frame(fmt, pkt) >= 0) {
		av_packet_rescale_ts(pkt, fmt->streams[0]->time_base, c->tb);
		rv = concat_until(c, pkt->pts * av_q2d(c->tb));
		i = c->written++;
		pkt->dts = i >= c->delay ? c->P[i - c->delay] :
		    c->P[0] - (c->delay - i) * dur;
		pkt->duration = dur;
		if (rv == 0)
			rv = output_video(c->out, pkt, c->tb, &c->err);
		av_packet_unref(pkt);
		if (stop != NULL && *stop && rv == 0) {
			xasprintf(&c->err, "interrupted");
			rv = -1;
		}
	}
	av_packet_free(&pkt);
	avformat_close_input(&fmt);
	return rv;
}

/* The rest of the source, then the audio's end. */
static int
concat_finish(struct concat_ctx *c)
{
	if (concat_until(c, HUGE_VAL) != 0)
		return -1;
	return output_finish(c->out, &c->err);
}

static void
concat_free(struct concat_ctx *c)
{
	output_free(c->out, NULL, 0);
	if (c->src.fmt != NULL)
		source_close(&c->src);
	avcodec_parameters_free(&c->vpar);
	free(c->P);
	free(c->err);
}

/* Join the chunks of cs into cs->output. */
int
media_concat(const struct concat_spec *cs, volatile int *stop, char **cause)
{
	struct concat_ctx	c;
	size_t			k;
	int			rv = -1;

	memset(&c, 0, sizeof(c));
	c.cs = cs;
	for (k = 0; k < cs->nchunks; k++)
		if (concat_scan_one(&c, k, &c.err) != 0)
			goto out;
	if (concat_start(&c) != 0)
		goto out;
	for (k = 0; k < cs->nchunks; k++)
		if (concat_chunk(&c, k, stop) != 0)
			goto out;
	rv = concat_finish(&c);
out:
	if (rv != 0) {
		*cause = c.err != NULL ? c.err : xstrdup("joining failed");
		c.err = NULL;
	}
	concat_free(&c);
	return rv;
}
