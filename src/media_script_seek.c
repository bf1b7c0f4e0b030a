/*
 * Reaching a frame of a script's built-in plan: a one-chain script over a
 * source of constant rate starts its source at the keyframe before the
 * frame it needs, the frame numbered by its time; a spliced one opens the
 * piece that holds the frame and does the same; others read on (from the
 * start when the frame is behind, media_script.c).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

#define SEEK_TRIES	5

/*
 * Decode from a seek until a keyframe, and tell its number in the source
 * from its time: 0, or 1 when its time is not on the frame grid.
 */
static int
seek_keyframe(struct media_source *src, const struct script_timing *t,
    AVFrame *f, int64_t *num)
{
	double	x;
	char	*err = NULL;

	for (;;) {
		if (media_file_next(src, f, &err) != 1) {
			free(err);
			return 1;	/* corrupt before a keyframe, or end */
		}
		if (f->key_frame && f->pts != AV_NOPTS_VALUE)
			break;
		av_frame_unref(f);
	}
	x = (f->pts - t->first_pts) * av_q2d(t->tb) * av_q2d(t->fps);
	*num = llround(x);
	if (fabs(x - *num) > 0.25 || *num < 0) {
		av_frame_unref(f);
		return 1;
	}
	return 0;
}

/*
 * Seek input i to a keyframe at or before its frame k and send that frame
 * into the graph with its number: 0, or 1 when the source cannot be
 * sought by frame number.
 */
static int
seek_input(struct media_script *s, int i, int64_t k, char **cause)
{
	struct script_input	*in = &s->in[i];
	struct script_timing	 t;
	AVFrame			*f = in->src.frame;
	int64_t			 back = 0, num, ts;
	int			 tries;

	if (script_timing(s->plan->inputs[i], &t) != 0 || !t.regular)
		return 1;
	for (tries = 0; tries < SEEK_TRIES; tries++) {
		ts = t.first_pts + av_rescale_q(k - back > 0 ? k - back : 0,
		    av_inv_q(t.fps), t.tb);
		if (av_seek_frame(in->src.fmt, in->src.vindex, ts,
		    AVSEEK_FLAG_BACKWARD) < 0)
			return 1;
		avcodec_flush_buffers(in->src.vdec);
		if (seek_keyframe(&in->src, &t, f, &num) != 0)
			return 1;
		if (num <= k)
			break;
		av_frame_unref(f);
		back = back == 0 ? 2 * SCRIPT_SEEK_AHEAD : back * 4;
	}
	if (tries == SEEK_TRIES)
		return 1;
	in->n = num;
	return script_send(s, in, f, cause);
}

/* Read the graph on to its frame n (its pts) and keep it as the
 * script's frame global, for the next read. */
static int
seek_pending(struct media_script *s, int64_t n, int64_t global,
    char **cause)
{
	AVFrame	*f;
	int	 ret;

	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	while ((ret = script_pull(s, f, cause)) == 1 && f->pts < n)
		av_frame_unref(f);
	if (ret == 1 && f->pts == n) {
		s->pending = f;
		s->next = global;
		return 0;
	}
	av_frame_free(&f);
	return ret < 0 ? -1 : 1;
}

/*
 * Open piece k with its frame n the next read: its source started at the
 * keyframe before, when that is worth it and can be done, else read on
 * from the piece's start.
 */
int
script_piece_open(struct media_script *s, int k, int64_t n, char **cause)
{
	const struct avs_segment	*g = &s->plan->segs[k];
	int64_t				 at = n * g->mul + g->add;
	int				 ret;

	if (script_build(s, k, cause) != 0)
		return -1;
	if (at > SCRIPT_SEEK_AHEAD) {
		if ((ret = seek_input(s, g->input, at, cause)) < 0)
			return -1;
		if (ret == 1 && script_build(s, k, cause) != 0)
			return -1;
		if (ret == 0)
			log_debug("%s: piece %d sought to its frame %lld",
			    s->path, k, (long long)n);
	}
	if ((ret = seek_pending(s, n, s->seg_base + n, cause)) == 1)
		xasprintf(cause, "%s: piece %d has no frame %lld", s->path, k,
		    (long long)n);
	return ret == 0 ? 0 : -1;
}

/* (Re)start reading the built-in plan from frame 0. */
int
script_start(struct media_script *s, char **cause)
{
	if (s->plan->nsegs > 0)
		return script_piece_open(s, 0, 0, cause);
	return script_build(s, 0, cause);
}

/* Jump to frame n of a one-chain script, or of a spliced one: 0, 1 when
 * it cannot be done (the reader then reads on from the start), -1 on
 * error. */
int
script_jump(struct media_script *s, int64_t n, char **cause)
{
	const struct avs_plan	*p = s->plan;
	int64_t			 base = 0;
	int			 i, ret;

	if (p->nsegs > 0) {
		for (i = 0; i < p->nsegs - 1 && n >= base + p->segs[i].frames;
		    i++)
			base += p->segs[i].frames;
		return script_piece_open(s, i, n - base, cause);
	}
	for (i = 0; i < p->ninputs && !p->video[i]; i++)
		;
	if (i == p->ninputs || script_start(s, cause) != 0)
		return -1;
	ret = seek_input(s, i, n * p->seek_mul + p->seek_add, cause);
	if (ret == 0)
		ret = seek_pending(s, n, n, cause);
	if (ret == 0)
		log_debug("%s: sought to frame %lld", s->path, (long long)n);
	else if (ret == 1 && script_start(s, cause) != 0)
		return -1;
	return ret;
}

/*
 * Whether any frame of the script is reached by seeking its sources, not
 * by reading on: then it can be read in pieces at once, each from its
 * own opening of the script.  Not with AviSynth+, whose frames one
 * process reads in one order.
 */
int
script_seekable(const struct media_script *s)
{
	struct script_timing	t;
	int			i;

	if (s->plus != NULL || (!s->plan->seekable && s->plan->nsegs == 0))
		return 0;
	for (i = 0; i < s->plan->ninputs; i++)
		if (s->plan->video[i] && (script_timing(s->plan->inputs[i],
		    &t) != 0 || !t.regular))
			return 0;
	return 1;
}
