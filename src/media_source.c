/*
 * The frame source: one interface over two backends, a media file
 * (media_file.c, probed by media_probe.c, scanned by media_scene.c) and
 * an AviSynth script (media_script*.c), chosen by the path when a source
 * is opened, probed or scanned, and called through from then on.
 */
#include "config.h"

#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

struct source_ops {
	const char	*noun;		/* what the user calls it */
	int	(*probe)(const char *, struct media_info *, char **);
	int	(*scan)(const char *, const struct profile *, int, int,
		    const char *, struct media_scan *, volatile int *,
		    char **);
	int	(*open)(struct media_source *, const char *, int, int,
		    char **);
	int	(*run)(struct media_source *, const struct media_sink *,
		    volatile int *, char **);
	int	(*seek)(struct media_source *, int64_t, char **);
	int	(*read)(struct media_source *, AVFrame *, char **);
	int	(*until)(struct media_source *, double,
		    const struct media_sink *, char **);
	void	(*close)(struct media_source *);
};

static const struct source_ops source_file = {
	"source",
	probe_file,
	scene_scan,
	media_file_open,
	media_file_run,
	media_file_seek,
	media_file_read,
	media_file_until,
	media_file_close
};

static const struct source_ops source_script = {
	"script",
	script_probe,
	script_scan,
	script_source_open,
	script_source_run,
	script_source_seek,
	script_source_read,
	script_source_audio,
	script_source_close
};

/* The backend that reads path. */
static const struct source_ops *
source_backend(const char *path)
{
	return media_is_script(path) ? &source_script : &source_file;
}

/* Probe a source; -1 with a reason a user can act on. */
int
media_probe(const char *path, struct media_info *mi, char **cause)
{
	return source_backend(path)->probe(path, mi, cause);
}

/*
 * Read path: frame timestamps, scene changes (detect), and the audio's
 * loudness (audio).  A script's scene-detection script is written in dir
 * (NULL: a temporary folder).  out is cleared first; free it with
 * media_scan_free.
 */
int
media_scan(const char *path, const struct profile *prof, int detect,
    int audio, const char *dir, struct media_scan *out, volatile int *stop,
    char **cause)
{
	return source_backend(path)->scan(path, prof, detect, audio, dir, out,
	    stop, cause);
}

/* Open path with the backend that reads it; audio is SOURCE_*. */
int
source_open(struct media_source *src, const char *path, int threads,
    int audio, char **cause)
{
	const struct source_ops	*ops = source_backend(path);
	int			 rv;

	rv = ops->open(src, path, threads, audio, cause);
	src->ops = ops;
	return rv;
}

/*
 * Read the whole source once: video and audio frames decoded to the sink,
 * packets of other streams passed on.  *stop set by a signal ends it.
 */
int
source_run(struct media_source *src, const struct media_sink *sink,
    volatile int *stop, char **cause)
{
	return src->ops->run(src, sink, stop, cause);
}

/* Make the video frame at pts (a script's: its number) the next read. */
int
source_seek(struct media_source *src, int64_t pts, char **cause)
{
	return src->ops->seek(src, pts, cause);
}

/* The next video frame from the one sought: 1, 0 at the end, -1. */
int
source_read(struct media_source *src, AVFrame *f, char **cause)
{
	return src->ops->read(src, f, cause);
}

/* The streams beside the video up to t seconds (HUGE_VAL: all, then the
 * audio's end told): audio decoded to the sink, other packets passed. */
int
source_until(struct media_source *src, double t,
    const struct media_sink *sink, char **cause)
{
	return src->ops->until(src, t, sink, cause);
}

/* What the user calls the source in a message: "source" or "script". */
const char *
source_noun(const struct media_source *src)
{
	return src->ops->noun;
}

void
source_close(struct media_source *src)
{
	if (src->ops != NULL)
		src->ops->close(src);
}
