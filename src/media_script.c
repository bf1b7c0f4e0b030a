/*
 * AviSynth scripts as frame sources.  With AviSynth+ installed the script
 * runs there (avs_plus.c, its frames taken in media_script_plus.c);
 * otherwise the built-in interpreter's plan runs
 * here: each video source decoded with libavformat/libavcodec into a
 * buffer source of one libavfilter graph (media_script_graph.c), and the
 * script's frames taken from its sink in order, numbered from 0.  Any
 * frame range is read frame-exactly: a script that is one chain over one
 * source of constant rate starts its source at the keyframe before the
 * frame it needs; a splice of such chains is read piece by piece, each
 * started so (media_script_seek.c); others read on from the start (or
 * from where the last read stopped).
 */
#include "config.h"

#include <stdlib.h>

#include <libavutil/pixdesc.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

/* The clip's description, from AviSynth+ or from the plan. */
static void
script_describe(struct media_script *s)
{
	struct media_script_info	*i = &s->info;
	int				 k;

	i->sar = (AVRational){ 0, 1 };
	if (s->plus != NULL) {
		i->width = s->pi.width;
		i->height = s->pi.height;
		i->fps = (AVRational){ s->pi.fps_num, s->pi.fps_den };
		i->frames = s->pi.frames;
		i->pix_fmt = splus_pix_fmt(&s->pi);
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
	if ((s->plus = avsplus_open(s->path, &s->pi, cause)) == NULL)
		return -1;
	if (splus_pix_fmt(&s->pi) == AV_PIX_FMT_NONE) {
		xasprintf(cause, "%s: AviSynth+ gives a pixel format this "
		    "program does not take (%#x)", s->path,
		    (unsigned)s->pi.pixel_type);
		avsplus_close(s->plus);
		s->plus = NULL;
		return -1;
	}
	splus_describe(&s->pi);
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
	const char		*off;
	char			*hint;
	int			 rv;

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->threads = threads;
	if (!avsplus_available()) {
		avs_hint_set(NULL);
		rv = script_open_own(s, cause);
	} else if ((off = avs_access_plus_off()) != NULL) {
		xasprintf(&hint, "; AviSynth+ would run it, but %s", off);
		avs_hint_set(hint);
		free(hint);
		rv = script_open_own(s, cause);
	} else {
		avs_hint_set("");
		rv = script_open_either(s, cause);
	}
	if (rv != 0) {
		script_close(s);
		return NULL;
	}
	script_describe(s);
	if (info != NULL)
		*info = s->info;
	return s;
}

/* The graph's next frame; with pieces, the end of one opens the next. */
static int
script_pull_on(struct media_script *s, AVFrame *f, char **cause)
{
	int	ret;

	ret = script_pull(s, f, cause);
	if (ret != 0 || s->seg + 1 >= s->plan->nsegs)
		return ret;
	if (script_piece_open(s, s->seg + 1, 0, cause) != 0)
		return -1;
	av_frame_move_ref(f, s->pending);
	av_frame_free(&s->pending);
	return 1;
}

/* The script's next frame, numbered from 0 in pts: 1, 0 at the end. */
int
script_read(struct media_script *s, AVFrame *f, char **cause)
{
	int	ret;

	if (s->plus != NULL)
		ret = splus_frame(s, f, cause);
	else if (s->pending != NULL) {
		av_frame_move_ref(f, s->pending);
		av_frame_free(&s->pending);
		ret = 1;
	} else
		ret = script_pull_on(s, f, cause);
	if (ret == 1) {
		f->pts = s->next++;
		f->pkt_dts = f->pts;
		f->sample_aspect_ratio = s->info.sar;
	}
	return ret;
}

/* Make frame n the next one read, frame-exactly: by seeking when the
 * script allows it, else by reading on (from the start when n is
 * behind). */
int
script_seek(struct media_script *s, int64_t n, char **cause)
{
	AVFrame	*f;
	int	 ret = 1;

	if (s->plus != NULL || n == s->next) {
		s->next = s->plus != NULL ? n : s->next;
		return 0;
	}
	if ((s->plan->seekable || s->plan->nsegs > 0) &&
	    (n < s->next || n - s->next > SCRIPT_SEEK_AHEAD)) {
		if ((ret = script_jump(s, n, cause)) <= 0)
			return ret;
		ret = 1;
	} else if (n < s->next && script_start(s, cause) != 0)
		return -1;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	while (s->next < n && (ret = script_read(s, f, cause)) == 1)
		av_frame_unref(f);
	av_frame_free(&f);
	if (ret == 0)
		xasprintf(cause, "%s: frame %lld is past the end", s->path,
		    (long long)n);
	return ret == 1 ? 0 : -1;
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

void
script_close(struct media_script *s)
{
	if (s == NULL)
		return;
	script_teardown(s);
	splus_free(s);
	avs_plan_free(s->plan);
	avsplus_close(s->plus);
	free(s->path);
	free(s);
}
