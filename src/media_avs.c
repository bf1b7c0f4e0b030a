/*
 * AviSynth scripts as frame sources.  With AviSynth+ installed the script
 * runs there (avs_plus.c); otherwise the built-in interpreter's plan runs
 * here: each video source decoded with libavformat/libavcodec into a
 * buffer source of one libavfilter graph, and the script's frames taken
 * from its sink in order, numbered from 0.  Any frame range is read
 * frame-exactly: a script that is one chain over one source of constant
 * rate starts its source at the keyframe before the frame it needs; a
 * splice of such chains is read piece by piece, each started so; others
 * read on from the start (or from where the last read stopped).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_avs.h"
#include "xmalloc.h"

/* The buffer source of input i and its decoder. */
static int
script_input_open(struct media_script *s, int i, char **cause)
{
	struct script_input	*in = &s->in[i];
	AVCodecContext		*d;
	char			 args[256], name[32];
	int			 ret;

	unsigned int		 k;

	if (source_open(&in->src, s->plan->inputs[i], s->threads, 0,
	    cause) != 0)
		return -1;
	for (k = 0; k < in->src.fmt->nb_streams; k++)
		if ((int)k != in->src.vindex)
			in->src.fmt->streams[k]->discard = AVDISCARD_ALL;
	d = in->src.vdec;
	snprintf(args, sizeof(args), "video_size=%dx%d:pix_fmt=%d:"
	    "time_base=1/1:pixel_aspect=1/1", d->width, d->height,
	    d->pix_fmt);
	snprintf(name, sizeof(name), "in%d", i);
	ret = avfilter_graph_create_filter(&in->buf,
	    avfilter_get_by_name("buffer"), name, args, NULL, s->graph);
	if (ret < 0) {
		xasprintf(cause, "%s: buffer source: %s", s->plan->inputs[i],
		    media_error(ret));
		return -1;
	}
	return 0;
}

/* Link the open ends of the plan's graph: [inI] and [out]. */
static int
script_link(struct media_script *s, char **cause)
{
	AVFilterInOut	*outs = NULL, *ins, *io;
	int		 i, ret;

	for (i = s->nin - 1; i >= 0; i--) {
		if (s->in[i].buf == NULL)
			continue;
		if ((io = avfilter_inout_alloc()) == NULL)
			fatalx("avfilter_inout_alloc");
		xasprintf(&io->name, "in%d", i);
		io->filter_ctx = s->in[i].buf;
		io->next = outs;
		outs = io;
	}
	if ((ins = avfilter_inout_alloc()) == NULL)
		fatalx("avfilter_inout_alloc");
	ins->name = av_strdup("out");
	ins->filter_ctx = s->sink;
	ret = avfilter_graph_parse_ptr(s->graph, s->plan->nsegs > 0 ?
	    s->plan->segs[s->seg].graph : s->plan->graph, &ins, &outs, NULL);
	avfilter_inout_free(&ins);
	avfilter_inout_free(&outs);
	if (ret >= 0)
		ret = avfilter_graph_config(s->graph, NULL);
	if (ret < 0) {
		xasprintf(cause, "%s: the script's filters: %s", s->path,
		    media_error(ret));
		return -1;
	}
	return 0;
}

/* Build the graph of a plan. */
static int
script_graph(struct media_script *s, char **cause)
{
	enum AVPixelFormat	fmt;
	int			i, ret;

	if ((s->graph = avfilter_graph_alloc()) == NULL)
		fatalx("avfilter_graph_alloc");
	s->graph->nb_threads = 1;
	s->nin = s->plan->ninputs;
	s->in = xcalloc(s->nin, sizeof(*s->in));
	for (i = 0; i < s->nin; i++)
		if ((s->plan->nsegs > 0 ? i == s->plan->segs[s->seg].input :
		    s->plan->video[i]) && script_input_open(s, i, cause) != 0)
			return -1;
	ret = avfilter_graph_create_filter(&s->sink,
	    avfilter_get_by_name("buffersink"), "out", NULL, NULL, s->graph);
	if (ret < 0)
		fatalx("buffersink: %s", media_error(ret));
	fmt = av_get_pix_fmt(s->plan->pix_fmt);
	if (fmt != AV_PIX_FMT_NONE)
		av_opt_set_bin(s->sink, "pix_fmts", (uint8_t *)&fmt,
		    sizeof(fmt), AV_OPT_SEARCH_CHILDREN);
	return script_link(s, cause);
}

/* Decode input i's next frame into its buffer source (or end it). */
static int
script_feed(struct media_script *s, struct script_input *in, char **cause)
{
	AVFrame	*f = in->src.frame;
	char	*err = NULL;
	int	 ret;

	if (source_next(&in->src, f, &err) != 1) {
		if (err != NULL) {
			xasprintf(cause, "%s: %s", s->plan->inputs[in - s->in],
			    err);
			free(err);
			return -1;
		}
		in->eof = 1;
		ret = av_buffersrc_close(in->buf, in->n, 0);
	} else {
		f->pts = in->n++;
		ret = av_buffersrc_add_frame_flags(in->buf, f,
		    AV_BUFFERSRC_FLAG_KEEP_REF);
		av_frame_unref(f);
	}
	if (ret < 0) {
		xasprintf(cause, "%s: filtering: %s", s->path,
		    media_error(ret));
		return -1;
	}
	return 0;
}

/* The input the graph waits for most. */
static struct script_input *
script_wanted(struct media_script *s)
{
	struct script_input	*best = NULL;
	unsigned		 n, most = 0;
	int			 i;

	for (i = 0; i < s->nin; i++) {
		if (s->in[i].buf == NULL || s->in[i].eof)
			continue;
		n = av_buffersrc_get_nb_failed_requests(s->in[i].buf);
		if (best == NULL || n > most) {
			best = &s->in[i];
			most = n;
		}
	}
	return best;
}

static void	script_teardown(struct media_script *);

/* The next frame of the graph: 1, 0 at the end, -1 on error.  With
 * pieces, the end of one opens the next when next_piece is set. */
int
script_pull(struct media_script *s, AVFrame *f, int next_piece,
    char **cause)
{
	struct script_input	*in;
	int			 ret;

	for (;;) {
		ret = av_buffersink_get_frame(s->sink, f);
		if (ret >= 0)
			return 1;
		if (ret == AVERROR_EOF && next_piece &&
		    s->seg + 1 < s->plan->nsegs) {
			if (piece_open(s, s->seg + 1, 0, cause) != 0)
				return -1;
			av_frame_move_ref(f, s->pending);
			av_frame_free(&s->pending);
			return 1;
		}
		if (ret == AVERROR_EOF)
			return 0;
		if (ret != AVERROR(EAGAIN)) {
			xasprintf(cause, "%s: filtering: %s", s->path,
			    media_error(ret));
			return -1;
		}
		if ((in = script_wanted(s)) == NULL)
			return 0;
		if (script_feed(s, in, cause) != 0)
			return -1;
	}
}

/* Build the graph of piece k (with pieces) or of the whole script. */
int
script_build(struct media_script *s, int k, char **cause)
{
	int	i;

	script_teardown(s);
	s->seg = k;
	s->seg_base = 0;
	for (i = 0; i < k; i++)
		s->seg_base += s->plan->segs[i].frames;
	if (script_graph(s, cause) != 0) {
		script_teardown(s);
		return -1;
	}
	return 0;
}

static void
script_teardown(struct media_script *s)
{
	int	i;

	av_frame_free(&s->pending);
	for (i = 0; i < s->nin; i++)
		if (s->in[i].src.fmt != NULL)
			source_close(&s->in[i].src);
	free(s->in);
	s->in = NULL;
	s->nin = 0;
	avfilter_graph_free(&s->graph);
	s->sink = NULL;
	s->next = 0;
}

/* (Re)start reading the built-in plan from frame 0. */
int
script_start(struct media_script *s, char **cause)
{
	if (s->plan->nsegs > 0)
		return piece_open(s, 0, 0, cause);
	return script_build(s, 0, cause);
}

/* The clip's description, from AviSynth+ or from the plan. */
static void
script_describe(struct media_script *s)
{
	struct media_script_info	*i = &s->info;
	char				 name[32];
	int				 k;

	i->sar = (AVRational){ 0, 1 };
	if (s->plus != NULL) {
		i->width = s->pi.width;
		i->height = s->pi.height;
		i->fps = (AVRational){ s->pi.fps_num, s->pi.fps_den };
		i->frames = s->pi.frames;
		i->pix_fmt = av_get_pix_fmt(avs_fmt_name(s->pi.log2_chroma_w,
		    s->pi.log2_chroma_h, s->pi.depth, name, sizeof(name)));
		i->has_audio = s->pi.sample_rate > 0 && s->pi.channels > 0;
		return;
	}
	i->width = s->plan->width;
	i->height = s->plan->height;
	i->fps = (AVRational){ s->plan->fps_num, s->plan->fps_den };
	i->frames = s->plan->frames;
	i->pix_fmt = av_get_pix_fmt(s->plan->pix_fmt);
	i->has_audio = s->plan->naudio > 0;
	for (k = 0; s->plan->keep_sar && k < s->nin; k++)
		if (s->in[k].src.fmt != NULL) {
			i->sar = av_guess_sample_aspect_ratio(s->in[k].src.fmt,
			    s->in[k].src.fmt->streams[s->in[k].src.vindex],
			    NULL);
			break;
		}
}

/* Run a script in AviSynth+. */
static int
script_open_plus(struct media_script *s, char **cause)
{
	char	name[32];

	if ((s->plus = avsplus_open(s->path, &s->pi, cause)) == NULL)
		return -1;
	if (avs_fmt_name(s->pi.log2_chroma_w, s->pi.log2_chroma_h,
	    s->pi.depth, name, sizeof(name)) == NULL) {
		xasprintf(cause, "%s: AviSynth+ gives a pixel format other "
		    "than planar YUV (%#x)", s->path,
		    (unsigned)s->pi.pixel_type);
		avsplus_close(s->plus);
		s->plus = NULL;
		return -1;
	}
	return 0;
}

/* Run a script with the built-in interpreter. */
static int
script_open_own(struct media_script *s, char **cause)
{
	s->plan = avs_eval(s->path, media_script_source_probe, cause);
	if (s->plan == NULL)
		return -1;
	log_debug("%s: filters %s", s->path, s->plan->graph);
	return script_start(s, cause);
}

/* AviSynth+ first; what it cannot run (a plugin it lacks, say), the
 * built-in interpreter may. */
static int
script_open_either(struct media_script *s, char **cause)
{
	char	*plus = NULL, *own = NULL;

	if (script_open_plus(s, &plus) == 0)
		return 0;
	log_info("%s; trying the built-in interpreter", plus);
	if (script_open_own(s, &own) == 0) {
		free(plus);
		return 0;
	}
	xasprintf(cause, "%s (the built-in interpreter: %s)", plus, own);
	free(plus);
	free(own);
	return -1;
}

/*
 * Open a script: through AviSynth+ when it can be loaded, else (or when
 * AviSynth+ fails) with the built-in interpreter.  info tells its frames,
 * rate, size and format.
 */
struct media_script *
script_open(const char *path, int threads, struct media_script_info *info,
    char **cause)
{
	struct media_script	*s;
	int			 rv;

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->threads = threads;
	if (avsplus_available())
		rv = script_open_either(s, cause);
	else
		rv = script_open_own(s, cause);
	if (rv != 0) {
		script_close(s);
		return NULL;
	}
	script_describe(s);
	if (info != NULL)
		*info = s->info;
	return s;
}

/* A frame from AviSynth+, copied into f. */
static int
script_plus_frame(struct media_script *s, AVFrame *f, char **cause)
{
	uint8_t	*src[3];
	int	 pitch[3], p, h, bps;

	if (s->next >= s->info.frames)
		return 0;
	if (avsplus_frame(s->plus, s->next, src, pitch, cause) != 0)
		return -1;
	f->format = s->info.pix_fmt;
	f->width = s->info.width;
	f->height = s->info.height;
	if (av_frame_get_buffer(f, 0) < 0)
		fatalx("av_frame_get_buffer");
	bps = s->pi.depth > 8 ? 2 : 1;
	for (p = 0; p < 3; p++) {
		h = p == 0 ? f->height : AV_CEIL_RSHIFT(f->height,
		    s->pi.log2_chroma_h);
		av_image_copy_plane(f->data[p], f->linesize[p], src[p],
		    pitch[p], bps * (p == 0 ? f->width :
		    AV_CEIL_RSHIFT(f->width, s->pi.log2_chroma_w)), h);
	}
	avsplus_frame_done(s->plus);
	return 1;
}

/* The script's next frame, numbered from 0 in pts: 1, 0 at the end. */
int
script_read(struct media_script *s, AVFrame *f, char **cause)
{
	int	ret;

	if (s->plus != NULL)
		ret = script_plus_frame(s, f, cause);
	else if (s->pending != NULL) {
		av_frame_move_ref(f, s->pending);
		av_frame_free(&s->pending);
		ret = 1;
	} else
		ret = script_pull(s, f, 1, cause);
	if (ret == 1) {
		f->pts = s->next++;
		f->pkt_dts = f->pts;
		f->sample_aspect_ratio = s->info.sar;
	}
	return ret;
}

/*
 * Read frames [first, last) of a script to fn, frame-exactly; each frame's
 * pts is its number in the script.  For chunked encoding.
 */
int
script_range(const char *path, int64_t first, int64_t last, int threads,
    int (*fn)(void *, AVFrame *), void *arg, volatile int *stop,
    char **cause)
{
	struct media_script	*s;
	AVFrame			*f;
	int			 ret = 0;

	if ((s = script_open(path, threads, NULL, cause)) == NULL)
		return -1;
	if (script_seek(s, first, cause) != 0) {
		script_close(s);
		return -1;
	}
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	while (ret == 0 && s->next < last) {
		if (stop != NULL && *stop) {
			xasprintf(cause, "interrupted");
			ret = -1;
		} else if ((ret = script_read(s, f, cause)) == 1) {
			ret = fn(arg, f) != 0 ? -1 : 0;
			av_frame_unref(f);
		} else if (ret == 0) {
			xasprintf(cause, "%s: ends at frame %lld, before %lld",
			    path, (long long)s->next, (long long)last);
			ret = -1;
		}
	}
	av_frame_free(&f);
	script_close(s);
	return ret;
}

/* Colour description and HDR10 metadata from the script's first video
 * source, as its own probe finds them. */
static void
script_colour(const struct media_script *s, struct media_info *mi)
{
	struct media_info	 src;
	char			*err = NULL;
	int			 i;

	for (i = 0; s->plan != NULL && i < s->plan->ninputs; i++)
		if (s->plan->video[i])
			break;
	if (s->plan == NULL || i == s->plan->ninputs)
		return;
	if (media_probe(s->plan->inputs[i], &src, &err) != 0) {
		free(err);
		return;
	}
	mi->primaries = src.primaries;
	mi->trc = src.trc;
	mi->space = src.space;
	mi->range = src.range;
	mi->has_mastering = src.has_mastering;
	mi->mastering = src.mastering;
	mi->has_cll = src.has_cll;
	mi->cll = src.cll;
}

/* Probe a script: its clip's frames, rate, size and format, and the
 * audio streams it brings. */
int
media_script_probe(const char *path, struct media_info *mi, char **cause)
{
	struct media_source		 src;
	struct media_script		*s;
	const AVPixFmtDescriptor	*d;

	memset(mi, 0, sizeof(*mi));
	if (source_open(&src, path, 1, 1, cause) != 0)
		return -1;
	s = src.script;
	mi->script = 1;
	mi->vindex = src.vindex;
	mi->width = s->info.width;
	mi->height = s->info.height;
	mi->fps = s->info.fps;
	mi->tb = av_inv_q(s->info.fps);
	mi->frames_est = s->info.frames;
	mi->duration = av_rescale_q(s->info.frames, mi->tb, AV_TIME_BASE_Q);
	mi->pix_fmt = s->info.pix_fmt;
	d = av_pix_fmt_desc_get(mi->pix_fmt);
	mi->depth = d != NULL ? d->comp[0].depth : 8;
	snprintf(mi->codec, sizeof(mi->codec), "%s", s->plus != NULL ?
	    "AviSynth+ script" : "AviSynth script");
	mi->naudio = src.naudio;
	/* unknown unless a source tells (0 would be RGB, or reserved) */
	mi->primaries = AVCOL_PRI_UNSPECIFIED;
	mi->trc = AVCOL_TRC_UNSPECIFIED;
	mi->space = AVCOL_SPC_UNSPECIFIED;
	mi->range = AVCOL_RANGE_UNSPECIFIED;
	script_colour(s, mi);
	source_close(&src);
	return 0;
}

const struct avs_plan *
script_plan(const struct media_script *s)
{
	return s->plan;
}

struct avsplus *
script_plus(const struct media_script *s)
{
	return s->plus;
}

const struct avsplus_info *
script_plus_info(const struct media_script *s)
{
	return &s->pi;
}

void
script_close(struct media_script *s)
{
	if (s == NULL)
		return;
	script_teardown(s);
	avs_plan_free(s->plan);
	avsplus_close(s->plus);
	free(s->path);
	free(s);
}
