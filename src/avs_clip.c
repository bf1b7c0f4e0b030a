/*
 * Clips of the built-in interpreter: a filter on a clip, the audio
 * segments of trims and splices, formats by name, and the files a script
 * names.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avs_local.h"
#include "fsutil.h"
#include "log.h"
#include "xmalloc.h"


/* A new clip, freed with the evaluation. */
struct avs_clip *
avs_clip_new(struct avs_eval *ev, enum avs_op op)
{
	struct avs_clip	*c;

	c = xcalloc(1, sizeof(*c));
	c->op = op;
	c->id = ev->nclips++;
	c->next = ev->clips;
	ev->clips = c;
	return c;
}

/* Copy a clip's audio segments to another clip. */
static void
clip_audio_copy(struct avs_clip *to, const struct avs_clip *from)
{
	to->has_audio = from->has_audio;
	to->audio_explicit = from->audio_explicit;
	to->naudio = from->naudio;
	to->audio = NULL;
	if (from->naudio > 0) {
		to->audio = xreallocarray(NULL, from->naudio,
		    sizeof(*to->audio));
		memcpy(to->audio, from->audio, from->naudio *
		    sizeof(*to->audio));
	}
}

/* A clip that is in with a filter (text, as for libavfilter) applied;
 * its properties are in's until the caller changes them. */
struct avs_clip *
avs_clip_filter(struct avs_eval *ev, struct avs_clip *in, const char *fmt,
    ...)
{
	struct avs_clip	*c;
	va_list		 ap;

	c = avs_clip_new(ev, AVS_C_FILTER);
	c->in[0] = in;
	va_start(ap, fmt);
	if (vasprintf(&c->filter, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	c->has_video = in->has_video;
	c->width = in->width;
	c->height = in->height;
	c->fps_num = in->fps_num;
	c->fps_den = in->fps_den;
	c->frames = in->frames;
	memcpy(c->pix_fmt, in->pix_fmt, sizeof(c->pix_fmt));
	c->depth = in->depth;
	c->log2_chroma_w = in->log2_chroma_w;
	c->log2_chroma_h = in->log2_chroma_h;
	c->sar_kept = in->sar_kept;
	clip_audio_copy(c, in);
	return c;
}

/* Keep only [start, end) seconds of a clip's audio. */
void
avs_audio_cut(struct avs_clip *c, double start, double end)
{
	struct avs_audio_seg	*out;
	double			 at = 0, len, a, b;
	int			 i, n = 0;

	out = xreallocarray(NULL, c->naudio + 1, sizeof(*out));
	for (i = 0; i < c->naudio; i++) {
		len = c->audio[i].end - c->audio[i].start;
		a = start > at ? start - at : 0;
		b = end < at + len ? end - at : len;
		if (b > a) {
			out[n].input = c->audio[i].input;
			out[n].start = c->audio[i].start + a;
			out[n].end = c->audio[i].start + b;
			n++;
		}
		at += len;
	}
	free(c->audio);
	c->audio = out;
	c->naudio = n;
}

/* The audio of a splice: a's then b's. */
void
avs_audio_join(struct avs_clip *c, const struct avs_clip *a,
    const struct avs_clip *b)
{
	free(c->audio);
	c->naudio = a->naudio + b->naudio;
	c->audio = xreallocarray(NULL, c->naudio + 1, sizeof(*c->audio));
	if (a->naudio > 0)
		memcpy(c->audio, a->audio, a->naudio * sizeof(*c->audio));
	if (b->naudio > 0)
		memcpy(c->audio + a->naudio, b->audio, b->naudio *
		    sizeof(*c->audio));
	c->has_audio = a->has_audio || b->has_audio;
	c->audio_explicit = a->audio_explicit || b->audio_explicit;
}

/* FFmpeg's name for planar YUV with this subsampling and depth. */
const char *
avs_fmt_name(int cw, int ch, int depth, char *buf, size_t len)
{
	const char	*base;

	if (cw == 1 && ch == 1)
		base = "yuv420p";
	else if (cw == 1 && ch == 0)
		base = "yuv422p";
	else if (cw == 0 && ch == 0)
		base = "yuv444p";
	else
		return NULL;
	if (depth == 8)
		snprintf(buf, len, "%s", base);
	else
		snprintf(buf, len, "%s%dle", base, depth);
	return buf;
}

/* A file path as the script names it: relative to the script's folder. */
char *
avs_resolve(const char *script, const char *name)
{
	const char	*slash;
	char		*p;

	if (name[0] == '/' || (slash = strrchr(script, '/')) == NULL)
		return xstrdup(name);
	xasprintf(&p, "%.*s/%s", (int)(slash - script), script, name);
	return p;
}
