/*
 * What every part of the media layer uses: FFmpeg's messages and error
 * texts, a decoder for a stream, the end of a pass told to its sink, and
 * which backend a path is read with.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <libavfilter/avfilter.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

/* FFmpeg's own messages: errors only, the caller reports them better. */
void
media_quiet(void)
{
	av_log_set_level(log_getverbose() > 1 ? AV_LOG_INFO : AV_LOG_QUIET);
	damage_init();
}

static int	media_last;	/* the last error media_error told */

/* The text for an AVERROR code (a static buffer). */
char *
media_error(int err)
{
	static char	buf[AV_ERROR_MAX_STRING_SIZE];

	media_last = err;
	av_strerror(err, buf, sizeof(buf));
	return buf;
}

/* The errno of the last error told (0: none, or not a system error). */
int
media_errno(void)
{
	int	err = media_last;

	media_last = 0;
	return err < 0 && err > -4096 ? AVUNERROR(err) : 0;
}

/* Whether a file is an AviSynth script, by its name. */
int
media_is_script(const char *path)
{
	size_t	n = strlen(path);

	return n > 4 && strcasecmp(path + n - 4, ".avs") == 0;
}

/* Open a decoder for stream st with up to threads threads. */
AVCodecContext *
media_decoder(AVStream *st, int threads, char **cause)
{
	const AVCodec	*codec;
	AVCodecContext	*ctx;
	int		 ret;

	if ((codec = avcodec_find_decoder(st->codecpar->codec_id)) == NULL) {
		xasprintf(cause, "no decoder for %s stream %d (%s)",
		    av_get_media_type_string(st->codecpar->codec_type),
		    st->index, avcodec_get_name(st->codecpar->codec_id));
		return NULL;
	}
	if ((ctx = avcodec_alloc_context3(codec)) == NULL)
		fatalx("avcodec_alloc_context3");
	if ((ret = avcodec_parameters_to_context(ctx, st->codecpar)) < 0)
		goto fail;
	ctx->pkt_timebase = st->time_base;
	ctx->thread_count = threads;
	ctx->err_recognition |= AV_EF_CRCCHECK;	/* say what a checksum finds */
	if ((ret = avcodec_open2(ctx, codec, NULL)) < 0)
		goto fail;
	return ctx;
fail:
	xasprintf(cause, "cannot open %s decoder: %s", codec->name,
	    media_error(ret));
	avcodec_free_context(&ctx);
	return NULL;
}

/* Tell the sink every stream of src has ended; -1 when it stops there. */
int
media_sink_end(const struct media_source *src, const struct media_sink *sink,
    char **cause)
{
	int	i;

	if (sink->video(sink->arg, NULL) == 0) {
		for (i = 0; i < src->naudio; i++)
			if (sink->audio(sink->arg, i, NULL) != 0)
				break;
		if (i == src->naudio)
			return 0;
	}
	if (*cause == NULL)
		xasprintf(cause, "stopped");
	return -1;
}

/* Compare two int64_t, for sorting and searching. */
int
media_cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A filter graph from a source filter (buffer or abuffer, with args)
 * through chain to a sink (buffersink or abuffersink), on one thread;
 * NULL with FFmpeg's error in *ret.
 */
AVFilterGraph *
media_graph(const char *src, const char *args, const char *sink,
    const char *chain, AVFilterContext **in_ctx, AVFilterContext **out_ctx,
    int *ret)
{
	AVFilterGraph	*graph;
	AVFilterInOut	*in = NULL, *out = NULL;

	if ((graph = avfilter_graph_alloc()) == NULL)
		fatalx("avfilter_graph_alloc");
	graph->nb_threads = 1;
	*ret = avfilter_graph_create_filter(in_ctx, avfilter_get_by_name(src),
	    "in", args, NULL, graph);
	if (*ret >= 0)
		*ret = avfilter_graph_create_filter(out_ctx,
		    avfilter_get_by_name(sink), "out", NULL, NULL, graph);
	if (*ret >= 0) {
		if ((in = avfilter_inout_alloc()) == NULL ||
		    (out = avfilter_inout_alloc()) == NULL)
			fatalx("avfilter_inout_alloc");
		out->name = av_strdup("in");
		out->filter_ctx = *in_ctx;
		in->name = av_strdup("out");
		in->filter_ctx = *out_ctx;
		*ret = avfilter_graph_parse_ptr(graph, chain, &in, &out, NULL);
	}
	if (*ret >= 0)
		*ret = avfilter_graph_config(graph, NULL);
	avfilter_inout_free(&in);
	avfilter_inout_free(&out);
	if (*ret < 0)
		avfilter_graph_free(&graph);
	return graph;
}
