/*
 * Frame-exact reading of one chunk of a source: the frame source seeks
 * to the chunk's first frame (a file's by its pts, a script's by its
 * number), or to a frame before it, and from there (skipping some) exactly
 * the frames asked for are handed out.
 */
#include "config.h"

#include <stdlib.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct media_chunk {
	struct media_source	 src;
	int64_t			 skip;
	int64_t			 want;
	int64_t			 given;
};

/*
 * Open path to read frames from the one at pts, less the first skip of
 * them: frames of them.
 */
struct media_chunk *
media_chunk_open(const char *path, int threads, int64_t pts, int64_t skip,
    int64_t frames, char **cause)
{
	struct media_chunk	*r;

	r = xcalloc(1, sizeof(*r));
	r->skip = skip;
	r->want = frames;
	if (source_open(&r->src, path, threads, SOURCE_VIDEO_ONLY,
	    cause) != 0) {
		free(r);
		return NULL;
	}
	if (source_seek(&r->src, pts, cause) != 0) {
		media_chunk_close(r);
		return NULL;
	}
	return r;
}

/*
 * The chunk's next frame in *out (valid until the next call): 1 with a
 * frame, 0 when all were given, -1 on error (too few frames included).
 */
int
media_chunk_next(struct media_chunk *r, AVFrame **out, char **cause)
{
	AVFrame	*f = r->src.frame;
	int	 ret;

	av_frame_unref(f);
	if (r->given == r->want)
		return 0;
	for (;;) {
		if ((ret = source_read(&r->src, f, cause)) < 0)
			return -1;
		if (ret == 0 || r->skip == 0)
			break;
		r->skip--;
		av_frame_unref(f);
	}
	if (ret == 0) {
		xasprintf(cause, "the %s ended after %lld of the chunk's "
		    "%lld frames", source_noun(&r->src), (long long)r->given,
		    (long long)r->want);
		return -1;
	}
	r->given++;
	*out = f;
	return 1;
}

AVStream *
media_chunk_stream(const struct media_chunk *r)
{
	return r->src.fmt->streams[r->src.vindex];
}

void
media_chunk_close(struct media_chunk *r)
{
	if (r == NULL)
		return;
	source_close(&r->src);
	free(r);
}
