/*
 * One read of a media file for a chunked job (media_scan on a file, by
 * the frame source): every video frame's timestamp
 * (the frame list chunks are cut from), the scene changes when they are
 * detected (the scene score of media_score.c), and the audio loudness for
 * normalisation.  The decoder skips its loop filter: the score hardly
 * notices and decoding is much faster.  An AviSynth script is read by
 * media_script_scan.c.
 *
 * Decoding is what costs, so the film is cut at keyframes into one segment
 * per processor, each decoded by its own thread with its own demuxer.  A
 * segment reads on two frames into the next one, so the scores of the
 * next segment's first two frames (which need the frames before them) are
 * its own; the audio is measured by one more thread over the whole file.
 * Every frame is scored, scenes detected or not: its score gives its
 * estimated encoding cost (media_score.c), kept beside its timestamp.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

#define SCAN_MAX_SEGMENTS	16
#define SCAN_MIN_SEGMENT	(10 * AV_TIME_BASE)	/* of film */

/* One segment: frames with pts in [lo, hi) (hi INT64_MAX: to the end). */
struct scan_seg {
	const char		*path;
	const struct profile	*prof;
	int			 detect;
	volatile int		*stop;
	int64_t			 lo;
	int64_t			 hi;
	int			 first;		/* the film's first segment */
	int64_t			*pts;
	uint32_t		*cost;		/* each frame's, as pts */
	int64_t			 npts;
	size_t			 alloc;
	int64_t			*cuts;		/* as pts */
	size_t			 ncuts;
	int64_t			 seen;		/* frames from lo on */
	int64_t			 past;		/* frames at or after hi */
	struct scene_score	 score;
	char			*err;
};

/* Whether a frame's score is this segment's to judge. */
static int
scan_judges(const struct scan_seg *s)
{
	if (s->past > 0)
		return 1;	/* the next segment's first two */
	return s->first || s->seen >= 2;
}

/* A decoded frame: record its timestamp, score it; 1 when done. */
static int
scan_frame(struct scan_seg *s, AVFrame *f)
{
	int	cut;

	if (f->pts < s->lo && !s->first)
		return 0;	/* before the segment's keyframe */
	if (f->pts >= s->hi && s->past++ >= 2)
		return 1;
	/* a threshold above any score when scenes are not detected */
	cut = score_cut(&s->score, f, s->detect ? s->prof->scd_threshold :
	    2.0);
	if (cut && scan_judges(s)) {
		s->cuts = xreallocarray(s->cuts, s->ncuts + 1,
		    sizeof(*s->cuts));
		s->cuts[s->ncuts++] = f->pts;
	}
	if (f->pts < s->hi) {
		if ((size_t)s->npts == s->alloc) {
			s->alloc = s->alloc ? 2 * s->alloc : 4096;
			s->pts = xreallocarray(s->pts, s->alloc,
			    sizeof(*s->pts));
			s->cost = xreallocarray(s->cost, s->alloc,
			    sizeof(*s->cost));
		}
		s->cost[s->npts] = s->score.cost;
		s->pts[s->npts++] = f->pts;
	}
	if (f->pts < s->hi)
		s->seen++;
	return 0;
}

/* Receive the decoder's frames; 1 when the segment is done. */
static int
scan_receive(struct scan_seg *s, AVCodecContext *dec, AVFrame *f)
{
	int	ret, done = 0;

	while (!done && (ret = avcodec_receive_frame(dec, f)) == 0) {
		f->pts = f->best_effort_timestamp;
		done = f->pts != AV_NOPTS_VALUE ? scan_frame(s, f) : 0;
		if (f->pts == AV_NOPTS_VALUE && s->err == NULL)
			xasprintf(&s->err, "a video frame has no timestamp");
		av_frame_unref(f);
	}
	return done || s->err != NULL;
}

/* Decode a segment's video from its keyframe on. */
static int
scan_decode(struct scan_seg *s, struct media_source *src)
{
	AVPacket	*pkt = src->pkt;
	int		 ret, done = 0;

	while (!done && (ret = av_read_frame(src->fmt, pkt)) >= 0) {
		if (pkt->stream_index == src->vindex) {
			ret = avcodec_send_packet(src->vdec, pkt);
			if (ret < 0 && ret != AVERROR_INVALIDDATA) {
				xasprintf(&s->err, "decoding: %s",
				    media_error(ret));
				done = 1;
			} else
				done = scan_receive(s, src->vdec, src->frame);
		}
		av_packet_unref(pkt);
		if (s->stop != NULL && *s->stop && s->err == NULL)
			xasprintf(&s->err, "interrupted");
		done |= s->err != NULL;
	}
	if (!done) {
		avcodec_send_packet(src->vdec, NULL);
		scan_receive(s, src->vdec, src->frame);
	}
	return s->err != NULL ? -1 : 0;
}

/* A segment's thread. */
static void *
scan_segment(void *arg)
{
	struct scan_seg		*s = arg;
	struct media_source	 src;
	unsigned int		 i;
	int			 ret;

	/* A part, from a seek: the whole read (scan_audio) counts damage. */
	damage_ignore_thread();
	if (media_file_open(&src, s->path, 1, SOURCE_COPY_AUDIO,
	    &s->err) != 0)
		return NULL;
	for (i = 0; i < src.fmt->nb_streams; i++)
		if ((int)i != src.vindex)
			src.fmt->streams[i]->discard = AVDISCARD_ALL;
	src.vdec->skip_loop_filter = AVDISCARD_ALL;
	src.vdec->flags2 |= AV_CODEC_FLAG2_FAST;
	if (score_init(&s->score, src.vdec->pix_fmt, s->prof->scd_downscale,
	    &s->err) != 0) {
		media_file_close(&src);
		return NULL;
	}
	if (!s->first && (ret = av_seek_frame(src.fmt, src.vindex, s->lo,
	    AVSEEK_FLAG_BACKWARD)) < 0)
		xasprintf(&s->err, "seek failed: %s", media_error(ret));
	else
		scan_decode(s, &src);
	score_clear(&s->score);
	media_file_close(&src);
	return NULL;
}

/*
 * Where segments start: keyframe pts near k/n of the film, increasing;
 * fewer (down to none) when the film is short or has few keyframes.
 */
static int
scan_splits(const char *path, int n, int64_t *at, char **cause)
{
	struct media_source	 src;
	AVStream		*st;
	AVPacket		*pkt;
	int64_t			 dur, ts;
	int			 k, m = 0;

	if (media_file_open(&src, path, 1, SOURCE_COPY_AUDIO,
	    cause) != 0)
		return -1;
	st = src.fmt->streams[src.vindex];
	pkt = src.pkt;
	dur = src.fmt->duration;
	if (dur / n < SCAN_MIN_SEGMENT)
		n = dur > 0 ? dur / SCAN_MIN_SEGMENT : 1;
	for (k = 1; k < n; k++) {
		ts = av_rescale_q(dur * k / n, AV_TIME_BASE_Q, st->time_base);
		if (st->start_time != AV_NOPTS_VALUE)
			ts += st->start_time;
		if (av_seek_frame(src.fmt, src.vindex, ts,
		    AVSEEK_FLAG_BACKWARD) < 0)
			break;
		while (av_read_frame(src.fmt, pkt) >= 0 &&
		    (pkt->stream_index != src.vindex ||
		    !(pkt->flags & AV_PKT_FLAG_KEY) || pkt->pts == AV_NOPTS_VALUE))
			av_packet_unref(pkt);
		if (pkt->data != NULL && (m == 0 || pkt->pts > at[m - 1]))
			at[m++] = pkt->pts;
		av_packet_unref(pkt);
	}
	media_file_close(&src);
	return m;
}

/*
 * The thread that reads the file whole, the video left out: the audio's
 * loudness measured (loudness), and what the read found of damage.
 */
struct scan_audio_arg {
	const char		*path;
	const struct profile	*prof;
	int			 loudness;
	volatile int		*stop;
	struct media_scan	*out;
	struct audio_meter	*meter[MEDIA_MAX_AUDIO];
	int			 stereo;	/* slot downmixed, or -1 */
	int			 nslot;		/* its meter's index */
	char			*err;
};

static int
scan_no_video(void *arg, AVFrame *f)
{
	(void)arg;
	(void)f;
	return 0;
}

static int
scan_audio_frame(void *arg, int slot, AVFrame *f)
{
	struct scan_audio_arg	*a = arg;

	if (meter_feed(a->meter[slot], f, &a->err) != 0)
		return -1;
	if (slot == a->stereo)
		return meter_feed(a->meter[a->nslot], f, &a->err);
	return 0;
}

static void *
scan_audio(void *arg)
{
	struct scan_audio_arg	*a = arg;
	struct media_source	 src;
	struct media_sink	 sink = { a, scan_no_video, scan_audio_frame,
				    NULL };
	char			*err = NULL;
	int			 i, rv = -1;

	if (media_file_open(&src, a->path, 1, a->loudness ?
	    SOURCE_DECODE_AUDIO : SOURCE_COPY_AUDIO, &a->err) != 0)
		return NULL;
	src.fmt->streams[src.vindex]->discard = AVDISCARD_ALL;
	src.tolerant = a->prof->allow_damaged;
	a->stereo = a->loudness && src.naudio < MEDIA_MAX_AUDIO ?
	    media_stereo_slot(&src, a->prof) : -1;
	a->nslot = a->loudness ? src.naudio : 0;
	a->out->naudio = a->nslot + (a->stereo >= 0);
	for (i = 0; i < a->nslot; i++)
		if ((a->meter[i] = meter_new(src.adec[i], a->prof,
		    &a->err)) == NULL)
			goto out;
	if (a->stereo >= 0 && (a->meter[a->nslot] = meter_new_downmix(
	    src.adec[a->stereo], a->prof, &a->err)) == NULL)
		goto out;
	if (media_file_run(&src, &sink, a->stop, &err) == 0) {
		rv = 0;
		damage_facts(&src, &a->out->damage);
	} else if (a->err == NULL) {
		a->err = err;
		err = NULL;
	}
out:
	free(err);
	for (i = 0; i < MEDIA_MAX_AUDIO; i++)
		meter_free(a->meter[i], rv == 0 && i < a->out->naudio ?
		    &a->out->loud[i] : NULL);
	media_file_close(&src);
	return NULL;
}

/* Segments' frames and cuts, in order, into out. */
static int
scan_merge(struct scan_seg *seg, int n, struct media_scan *out)
{
	int64_t	*hit;
	size_t	 c;
	int	 k;

	for (k = 0; k < n; k++) {
		out->pts = xreallocarray(out->pts, out->frames + seg[k].npts + 1,
		    sizeof(*out->pts));
		out->cost = xreallocarray(out->cost, out->frames +
		    seg[k].npts + 1, sizeof(*out->cost));
		memcpy(out->pts + out->frames, seg[k].pts,
		    seg[k].npts * sizeof(*out->pts));
		memcpy(out->cost + out->frames, seg[k].cost,
		    seg[k].npts * sizeof(*out->cost));
		out->frames += seg[k].npts;
	}
	for (k = 0; k < n; k++)
		for (c = 0; c < seg[k].ncuts; c++) {
			hit = bsearch(&seg[k].cuts[c], out->pts, out->frames,
			    sizeof(*out->pts), media_cmp64);
			if (hit == NULL)
				continue;
			out->cuts = xreallocarray(out->cuts, out->ncuts + 1,
			    sizeof(*out->cuts));
			out->cuts[out->ncuts++] = hit - out->pts;
		}
	return 0;
}

/* How many segments: one per processor. */
static int
scan_nsegments(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > SCAN_MAX_SEGMENTS ? SCAN_MAX_SEGMENTS : n;
}

/* Start the threads, wait for them, gather what they found. */
static int
scan_run(struct scan_seg *seg, int n, struct scan_audio_arg *aa,
    struct media_scan *out, char **cause)
{
	pthread_t	tid[SCAN_MAX_SEGMENTS + 1];
	int		k, started = 0, rv = 0;

	for (k = 0; k < n; k++, started++)
		if (pthread_create(&tid[k], NULL, scan_segment, &seg[k]) != 0)
			fatalx("pthread_create");
	if (pthread_create(&tid[n], NULL, scan_audio, aa) != 0)
		fatalx("pthread_create");
	for (k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_join(tid[n], NULL);
	for (k = 0; k < n && rv == 0; k++)
		if (seg[k].err != NULL) {
			*cause = xstrdup(seg[k].err);
			rv = -1;
		}
	if (rv == 0 && aa->err != NULL) {
		*cause = xstrdup(aa->err);
		rv = -1;
	}
	return rv != 0 ? -1 : scan_merge(seg, n, out);
}

/*
 * Read the file at path: frame timestamps, scene changes (detect), and
 * the audio's loudness (audio).  out is cleared first; free it with
 * media_scan_free.
 */
int
scene_scan(const char *path, const struct profile *prof, int detect,
    int audio, const char *dir, struct media_scan *out, volatile int *stop,
    char **cause)
{
	struct scan_seg		 seg[SCAN_MAX_SEGMENTS];
	struct scan_audio_arg	 aa;
	int64_t			 at[SCAN_MAX_SEGMENTS];
	int			 n, k, rv;

	(void)dir;
	memset(out, 0, sizeof(*out));
	memset(seg, 0, sizeof(seg));
	memset(&aa, 0, sizeof(aa));
	if ((n = scan_splits(path, scan_nsegments(), at, cause)) < 0)
		return -1;
	for (k = 0; k <= n; k++) {
		seg[k].path = path;
		seg[k].prof = prof;
		seg[k].detect = detect;
		seg[k].stop = stop;
		seg[k].first = k == 0;
		seg[k].lo = k == 0 ? INT64_MIN : at[k - 1];
		seg[k].hi = k == n ? INT64_MAX : at[k];
	}
	aa.path = path;
	aa.prof = prof;
	aa.loudness = audio;
	aa.stop = stop;
	aa.out = out;
	rv = scan_run(seg, n + 1, &aa, out, cause);
	for (k = 0; k <= n; k++) {
		free(seg[k].pts);
		free(seg[k].cost);
		free(seg[k].cuts);
		free(seg[k].err);
	}
	free(aa.err);
	return rv;
}

void
media_scan_free(struct media_scan *out)
{
	free(out->pts);
	free(out->cuts);
	free(out->cost);
	out->pts = NULL;
	out->cuts = NULL;
	out->cost = NULL;
}
