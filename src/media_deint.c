/*
 * Interlacing and telecine through libavfilter: idet run over a few
 * sampled runs of consecutive frames (idet compares each frame with its
 * neighbours, so the crop's single frames will not do), and the filter
 * that makes a source progressive: bwdif (a frame per frame, or per
 * field) or fieldmatch and decimate (3:2 pulldown undone to 24000/1001).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

#define DEINT_RUNS	3	/* sampled runs */
#define DEINT_RUN	60	/* frames in each */

struct media_deint {
	AVFilterGraph	*graph;
	AVFilterContext	*src;
	AVFilterContext	*sink;
	AVFrame		*frame;
};

/* A graph from buffer (frames like mi's source's) through chain. */
static struct media_deint *
deint_open(const struct media_info *mi, const char *chain, char **cause)
{
	struct media_deint	*d;
	char			 args[512];
	int			 ret;

	d = xcalloc(1, sizeof(*d));
	if ((d->frame = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	snprintf(args, sizeof(args), "video_size=%dx%d:pix_fmt=%d:"
	    "time_base=%d/%d:frame_rate=%d/%d:pixel_aspect=%d/%d",
	    mi->width, mi->height, mi->pix_fmt, mi->tb.num, mi->tb.den,
	    mi->fps.num, mi->fps.den, mi->sar.num > 0 ? mi->sar.num : 1,
	    mi->sar.num > 0 ? mi->sar.den : 1);
	d->graph = media_graph("buffer", args, "buffersink", chain, &d->src,
	    &d->sink, &ret);
	if (d->graph == NULL) {
		xasprintf(cause, "video filter \"%s\": %s", chain,
		    media_error(ret));
		deint_free(d);
		return NULL;
	}
	return d;
}

void
deint_free(struct media_deint *d)
{
	if (d == NULL)
		return;
	avfilter_graph_free(&d->graph);
	av_frame_free(&d->frame);
	free(d);
}

/* The chain that makes a source of this kind progressive. */
static const char *
deint_chain(enum deint_kind kind, int fields)
{
	if (kind == DEINT_TELECINE)
		return "fieldmatch=order=auto:combmatch=full,"
		    "bwdif=mode=send_frame:deint=interlaced,decimate";
	return fields ? "bwdif=mode=send_field:parity=auto:deint=all" :
	    "bwdif=mode=send_frame:parity=auto:deint=all";
}

/* The deinterlacer for a source of kind; NULL with a cause. */
struct media_deint *
deint_new(const struct media_info *mi, enum deint_kind kind, int fields,
    char **cause)
{
	return deint_open(mi, deint_chain(kind, fields), cause);
}

/* The rate and time base the deinterlacer's frames come out at. */
void
deint_rate(const struct media_deint *d, AVRational *fps, AVRational *tb)
{
	*fps = av_buffersink_get_frame_rate(d->sink);
	*tb = av_buffersink_get_time_base(d->sink);
}

/*
 * Feed a frame (NULL: the end) and hand each frame out to out(arg,
 * frame), its pts in the deinterlacer's time base.
 */
int
deint_feed(struct media_deint *d, AVFrame *f, int (*out)(void *, AVFrame *),
    void *arg, char **cause)
{
	int	ret;

	if ((ret = av_buffersrc_add_frame_flags(d->src, f,
	    AV_BUFFERSRC_FLAG_KEEP_REF)) < 0) {
		xasprintf(cause, "deinterlacing: %s", media_error(ret));
		return -1;
	}
	while ((ret = av_buffersink_get_frame(d->sink, d->frame)) >= 0) {
		ret = out(arg, d->frame);
		av_frame_unref(d->frame);
		if (ret != 0)
			return -1;
	}
	if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
		xasprintf(cause, "deinterlacing: %s", media_error(ret));
		return -1;
	}
	return 0;
}

/* Add idet's counters of a frame's metadata to k. */
static void
deint_add_counts(const AVFrame *f, struct deint_counts *k)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
	    { "lavfi.idet.multiple.tff", offsetof(struct deint_counts, tff) },
	    { "lavfi.idet.multiple.bff", offsetof(struct deint_counts, bff) },
	    { "lavfi.idet.multiple.progressive",
	      offsetof(struct deint_counts, progressive) },
	    { "lavfi.idet.multiple.undetermined",
	      offsetof(struct deint_counts, undetermined) },
	    { "lavfi.idet.repeated.neither",
	      offsetof(struct deint_counts, rep_neither) },
	    { "lavfi.idet.repeated.top",
	      offsetof(struct deint_counts, rep_top) },
	    { "lavfi.idet.repeated.bottom",
	      offsetof(struct deint_counts, rep_bottom) },
	};
	const AVDictionaryEntry	*e;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((e = av_dict_get(f->metadata, keys[i].key, NULL, 0)))
			*(int64_t *)((char *)k + keys[i].off) +=
			    strtoll(e->value, NULL, 10);
}

struct deint_run {
	AVFrame			*last;	/* idet's counters so far */
};

/* Keep idet's last frame: its metadata holds the run's counters. */
static int
deint_keep_last(void *arg, AVFrame *f)
{
	struct deint_run	*r = arg;

	av_frame_unref(r->last);
	return av_frame_ref(r->last, f) < 0 ? -1 : 0;
}

/* One run of up to DEINT_RUN frames from time ts through idet. */
static int
deint_sample_run(struct media_source *src, const struct media_info *mi,
    int64_t ts, AVFrame *f, struct deint_counts *k, char **cause)
{
	struct media_deint	*d;
	struct deint_run	 r;
	int			 n, rv = -1;

	if ((d = deint_open(mi, "idet", cause)) == NULL)
		return -1;
	if ((r.last = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	if (media_file_sample(src, ts, SAMPLE_KEY, f, cause) != 0)
		goto out;
	for (n = 0; n < DEINT_RUN; n++) {
		k->flagged |= f->interlaced_frame;
		if (deint_feed(d, f, deint_keep_last, &r, cause) != 0)
			goto out;
		av_frame_unref(f);
		if (media_file_next(src, f, cause) != 1)
			break;
	}
	if (deint_feed(d, NULL, deint_keep_last, &r, cause) != 0)
		goto out;
	deint_add_counts(r.last, k);
	rv = 0;
out:
	av_frame_free(&r.last);
	deint_free(d);
	return rv;
}

/*
 * Sample a file for interlacing and telecine, decoding with up to threads
 * threads: idet's counts over a few runs of frames, and whether the
 * stream says it is interlaced.
 */
int
media_interlace(const char *path, const struct media_info *mi, int threads,
    struct deint_counts *k, char **cause)
{
	struct media_source	 src;
	AVFrame			*f;
	AVCodecParameters	*par;
	char			*why = NULL;
	int			 i, rv = 0;
	int64_t			 ts;

	memset(k, 0, sizeof(*k));
	k->fps_num = mi->fps.num;
	k->fps_den = mi->fps.den;
	if (media_file_open(&src, path, threads, SOURCE_VIDEO_ONLY,
	    cause) != 0)
		return -1;
	par = src.fmt->streams[src.vindex]->codecpar;
	k->flagged = par->field_order != AV_FIELD_UNKNOWN &&
	    par->field_order != AV_FIELD_PROGRESSIVE;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	for (i = 0; i < DEINT_RUNS; i++) {
		ts = mi->duration > 0 ? mi->duration * (2 * i + 1) /
		    (2 * DEINT_RUNS) : AV_NOPTS_VALUE;
		if (i > 0 && ts == AV_NOPTS_VALUE)
			break;
		/*
		 * A sample that cannot be read (a file cut short of its
		 * stated length, a damaged stretch) is evidence of nothing:
		 * what is wrong with the file is the reading's to say.
		 */
		if (deint_sample_run(&src, mi, ts, f, k, &why) != 0) {
			log_debug("interlace sample %d: %s", i, why);
			free(why);
			why = NULL;
		}
		av_frame_unref(f);
	}
	av_frame_free(&f);
	media_file_close(&src);
	return rv;
}
