/*
 * The built-in interpreter's plan run as a filter graph: each video
 * source the plan reads decoded into a buffer source of one libavfilter
 * graph (of the whole script, or of one of its pieces), and the graph's
 * frames taken from its sink.
 */
#include "config.h"

#include <stdlib.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
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

	if (media_file_open(&in->src, s->plan->inputs[i], s->threads,
	    SOURCE_COPY_AUDIO, cause) != 0)
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

/* Send input in's decoded frame f, numbered next, into its buffer
 * source; f is left empty. */
int
script_send(struct media_script *s, struct script_input *in, AVFrame *f,
    char **cause)
{
	int	ret;

	f->pts = in->n++;
	ret = av_buffersrc_add_frame_flags(in->buf, f, 0);
	av_frame_unref(f);
	if (ret < 0) {
		xasprintf(cause, "%s: filtering: %s", s->path,
		    media_error(ret));
		return -1;
	}
	return 0;
}

/* Decode input i's next frame into its buffer source (or end it). */
static int
script_feed(struct media_script *s, struct script_input *in, char **cause)
{
	AVFrame	*f = in->src.frame;
	char	*err = NULL;
	int	 ret;

	if (media_file_next(&in->src, f, &err) == 1)
		return script_send(s, in, f, cause);
	if (err != NULL) {
		xasprintf(cause, "%s: %s", s->plan->inputs[in - s->in], err);
		free(err);
		return -1;
	}
	in->eof = 1;
	if ((ret = av_buffersrc_close(in->buf, in->n, 0)) < 0) {
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

/* The next frame of the graph: 1, 0 at the end, -1 on error. */
int
script_pull(struct media_script *s, AVFrame *f, char **cause)
{
	struct script_input	*in;
	int			 ret;

	for (;;) {
		ret = av_buffersink_get_frame(s->sink, f);
		if (ret >= 0)
			return 1;
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

/* Free the graph and close its inputs. */
void
script_teardown(struct media_script *s)
{
	int	i;

	av_frame_free(&s->pending);
	for (i = 0; i < s->nin; i++)
		if (s->in[i].src.fmt != NULL)
			media_file_close(&s->in[i].src);
	free(s->in);
	s->in = NULL;
	s->nin = 0;
	avfilter_graph_free(&s->graph);
	s->sink = NULL;
	s->next = 0;
}

