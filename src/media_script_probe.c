/*
 * The files an AviSynth script names, probed for the interpreter: their
 * size, rate and format, their frames counted by their packets, and
 * whether those frames keep a constant rate (then they can be sought by
 * number).  What one process probed it keeps.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavutil/pixdesc.h>

#include "avs.h"
#include "log.h"
#include "media.h"
#include "media_script_local.h"
#include "xmalloc.h"

static int	sprobe_file(const char *, struct avs_source_info *,
		    struct script_timing *, char **);

/*
 * Count a video stream's frames by its packets (no decoding), and see
 * whether their times are those of a constant rate: then frame k is at
 * first + k frame durations, and a reader may seek to it.
 */
static int64_t
script_count(AVFormatContext *fmt, int vindex, AVRational fps,
    struct script_timing *t)
{
	AVStream	*st = fmt->streams[vindex];
	AVPacket	*pkt;
	int64_t		 n = 0, lo = INT64_MAX, hi = INT64_MIN;
	unsigned int	 i;
	double		 span;

	for (i = 0; i < fmt->nb_streams; i++)
		fmt->streams[i]->discard = (int)i == vindex ?
		    AVDISCARD_DEFAULT : AVDISCARD_ALL;
	if ((pkt = av_packet_alloc()) == NULL)
		fatalx("av_packet_alloc");
	while (av_read_frame(fmt, pkt) >= 0) {
		if (pkt->stream_index == vindex) {
			n++;
			if (pkt->pts != AV_NOPTS_VALUE && pkt->pts < lo)
				lo = pkt->pts;
			if (pkt->pts != AV_NOPTS_VALUE && pkt->pts > hi)
				hi = pkt->pts;
		}
		av_packet_unref(pkt);
	}
	av_packet_free(&pkt);
	t->tb = st->time_base;
	t->fps = fps;
	t->first_pts = lo;
	span = (hi - lo) * av_q2d(st->time_base) * av_q2d(fps);
	t->regular = n > 0 && hi >= lo && fabs(span - (n - 1)) < 0.5;
	return n;
}

/*
 * Count a source's frames by decoding it: for a source whose packets are
 * not one frame each at a constant rate (fields in packets of their own,
 * a variable rate), where counting packets would be wrong.
 */
static int64_t
script_decode_count(const char *path, char **cause)
{
	struct media_source	 src;
	AVFrame			*f;
	int64_t			 n = -1;
	unsigned int		 i;
	int			 ret;

	if (media_file_open(&src, path, 2, SOURCE_COPY_AUDIO, cause) != 0)
		return -1;
	for (i = 0; i < src.fmt->nb_streams; i++)
		if ((int)i != src.vindex)
			src.fmt->streams[i]->discard = AVDISCARD_ALL;
	if ((f = av_frame_alloc()) == NULL)
		fatalx("av_frame_alloc");
	while ((ret = media_file_next(&src, f, cause)) == 1)
		av_frame_unref(f);
	if (ret == 0)
		n = src.vframes;
	av_frame_free(&f);
	media_file_close(&src);
	log_info("%s: frames counted by decoding (its times are not those of "
	    "a constant rate): %lld", path, (long long)n);
	return n;
}

/* Whether the frames found fill the file's duration, as in a job's
 * first pass: fail a source cut short. */
static int
script_whole(AVFormatContext *fmt, const struct avs_source_info *si,
    char **cause)
{
	double	end, dur;

	if (fmt->duration <= 0)
		return 0;
	end = (double)si->frames * si->fps_den / si->fps_num;
	dur = fmt->duration / (double)AV_TIME_BASE;
	if (end >= dur * 0.9 - 1)
		return 0;
	xasprintf(cause, "damaged or truncated: the video ends at %.2fs of "
	    "%.2fs", end, dur);
	return -1;
}

/* The video stream's part of a source's description. */
static int
script_probe_video(const char *path, AVFormatContext *fmt, int idx,
    struct avs_source_info *si, struct script_timing *t, char **cause)
{
	AVStream			*st = fmt->streams[idx];
	const AVPixFmtDescriptor	*d;
	AVRational			 r;

	d = av_pix_fmt_desc_get(st->codecpar->format);
	r = st->avg_frame_rate.num > 0 ? st->avg_frame_rate :
	    st->r_frame_rate;
	if (d == NULL || r.num <= 0 || r.den <= 0 ||
	    st->codecpar->width <= 0) {
		xasprintf(cause, "video format or frame rate unknown");
		return -1;
	}
	si->width = st->codecpar->width;
	si->height = st->codecpar->height;
	si->fps_num = r.num;
	si->fps_den = r.den;
	snprintf(si->pix_fmt, sizeof(si->pix_fmt), "%s", d->name);
	si->depth = d->comp[0].depth;
	si->log2_chroma_w = d->log2_chroma_w;
	si->log2_chroma_h = d->log2_chroma_h;
	si->frames = script_count(fmt, idx, r, t);
	if (si->frames > 0 && !t->regular &&
	    (si->frames = script_decode_count(path, cause)) < 0)
		return -1;
	if (si->frames == 0) {
		xasprintf(cause, "no video frame");
		return -1;
	}
	return script_whole(fmt, si, cause);
}

/*
 * Sources already probed by this process, by path, size and time: a job
 * opens its script for the probe and for each pass, and counting a film's
 * frames reads all of it.
 */
#define PROBE_CACHE	8
static struct probe_cached {
	char			*path;
	struct stat		 sb;
	struct avs_source_info	 si;
	struct script_timing	 t;
} probe_cache[PROBE_CACHE];
static int		 probe_next;

static struct probe_cached *
script_cached(const char *path, const struct stat *sb)
{
	struct probe_cached	*pc;
	int			 i;

	for (i = 0; i < PROBE_CACHE; i++) {
		pc = &probe_cache[i];
		if (pc->path != NULL && strcmp(pc->path, path) == 0 &&
		    pc->sb.st_dev == sb->st_dev &&
		    pc->sb.st_ino == sb->st_ino &&
		    pc->sb.st_size == sb->st_size &&
		    pc->sb.st_mtim.tv_sec == sb->st_mtim.tv_sec &&
		    pc->sb.st_mtim.tv_nsec == sb->st_mtim.tv_nsec)
			return pc;
	}
	return NULL;
}

static void
script_cache(const char *path, const struct stat *sb,
    const struct avs_source_info *si, const struct script_timing *t)
{
	struct probe_cached	*pc = &probe_cache[probe_next];

	probe_next = (probe_next + 1) % PROBE_CACHE;
	free(pc->path);
	pc->path = xstrdup(path);
	pc->sb = *sb;
	pc->si = *si;
	pc->t = *t;
}

/* What the interpreter needs of a source file: its video and audio. */
int
media_script_source_probe(const char *path, struct avs_source_info *si,
    char **cause)
{
	struct probe_cached	*pc;
	struct script_timing	 t;
	struct stat		 sb;
	char			*why;

	if (avs_access_source(path, &why) != 0) {
		xasprintf(cause, "cannot open: %s", why);
		free(why);
		return -1;
	}
	if (stat(path, &sb) == -1) {
		xasprintf(cause, "cannot open: %s", strerror(errno));
		return -1;
	}
	if ((pc = script_cached(path, &sb)) != NULL) {
		*si = pc->si;
		return 0;
	}
	memset(&t, 0, sizeof(t));
	if (sprobe_file(path, si, &t, cause) != 0)
		return -1;
	script_cache(path, &sb, si, &t);
	return 0;
}

/* The times of a source's frames, as its probe found them: 0, or -1
 * when it was not probed (or changed since). */
int
script_timing(const char *path, struct script_timing *t)
{
	struct probe_cached	*pc;
	struct stat		 sb;

	if (stat(path, &sb) == -1 || (pc = script_cached(path, &sb)) == NULL)
		return -1;
	*t = pc->t;
	return 0;
}

/* Probe a source file the script names. */
static int
sprobe_file(const char *path, struct avs_source_info *si,
    struct script_timing *t, char **cause)
{
	AVFormatContext	*fmt = NULL;
	unsigned int	 i;
	int		 ret, idx;

	if (media_is_script(path)) {
		xasprintf(cause, "a script as a source (Import it instead)");
		return -1;
	}
	damage_watch(1);
	ret = avformat_open_input(&fmt, path, NULL, NULL);
	damage_watch(0);
	if (ret < 0) {
		reason_open(path, ret, cause);
		return -1;
	}
	if ((ret = avformat_find_stream_info(fmt, NULL)) < 0) {
		xasprintf(cause, "not a media file: %s", media_error(ret));
		avformat_close_input(&fmt);
		return -1;
	}
	for (i = 0; i < fmt->nb_streams; i++)
		if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
			si->has_audio = 1;
	if (fmt->duration > 0)
		si->duration = fmt->duration / (double)AV_TIME_BASE;
	idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	ret = idx < 0 ? 0 : script_probe_video(path, fmt, idx, si, t,
	    cause);
	avformat_close_input(&fmt);
	return ret;
}
