/*
 * Damage: whether a file read whole was whole.  FFmpeg's demuxers and
 * decoders say what they skip (a cluster they resync past, a file that
 * ends early, a slice whose checksum fails) only through av_log; while a
 * source is read, their errors are counted here and the first of each
 * kept.  After the read, what the file states of its length (the
 * container's duration, the video stream's own) is set against what was
 * read, and the video's index, when it has one, against the video read.
 * A demuxer's error, or a stated length or an index entry well past the
 * end read, is damage; a decoder's error that did not stop decoding is a
 * warning.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

struct damage_seen {
	int	count;
	char	first[256];
};

static pthread_mutex_t	 damage_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 damage_watching;
static struct damage_seen damage_demux;
static struct damage_seen damage_decode;
static __thread int	 damage_ignored;	/* this thread's not counted */

/* An error's category: the demuxer's, a decoder's, or another. */
static AVClassCategory
damage_category(void *avcl)
{
	const AVClass	*cls;

	if (avcl == NULL || (cls = *(const AVClass **)avcl) == NULL)
		return AV_CLASS_CATEGORY_NA;
	if (cls->get_category != NULL)
		return cls->get_category(avcl);
	return cls->category;
}

/* Keep the first message of a kind, without its line end. */
static void
damage_note(struct damage_seen *s, void *avcl, const char *fmt, va_list ap)
{
	const AVClass	*cls = *(const AVClass **)avcl;
	size_t		 n;
	int		 off;

	if (s->count++ > 0)
		return;
	off = snprintf(s->first, sizeof(s->first), "%s: ",
	    cls->item_name != NULL ? cls->item_name(avcl) : cls->class_name);
	if (off < 0 || (size_t)off >= sizeof(s->first))
		off = 0;
	vsnprintf(s->first + off, sizeof(s->first) - off, fmt, ap);
	n = strlen(s->first);
	while (n > 0 && (s->first[n - 1] == '\n' || s->first[n - 1] == ' '))
		s->first[--n] = '\0';
}

/* FFmpeg's log callback: count what is watched, then log as before. */
static void
damage_log(void *avcl, int level, const char *fmt, va_list ap)
{
	AVClassCategory	cat;
	va_list		copy;

	if (level <= AV_LOG_ERROR && damage_watching && !damage_ignored) {
		cat = damage_category(avcl);
		va_copy(copy, ap);
		pthread_mutex_lock(&damage_lock);
		if (cat == AV_CLASS_CATEGORY_DEMUXER)
			damage_note(&damage_demux, avcl, fmt, copy);
		else if (cat == AV_CLASS_CATEGORY_DECODER)
			damage_note(&damage_decode, avcl, fmt, copy);
		pthread_mutex_unlock(&damage_lock);
		va_end(copy);
	}
	av_log_default_callback(avcl, level, fmt, ap);
}

/*
 * What this thread reads is not counted: one that reads a part of a file
 * (from a seek) beside the thread that reads it whole.
 */
void
damage_ignore_thread(void)
{
	damage_ignored = 1;
}

/* Take FFmpeg's messages through the counter (once, at start-up). */
void
damage_init(void)
{
	av_log_set_callback(damage_log);
}

/* Start (1) or stop (0) counting the errors of a read. */
void
damage_watch(int on)
{
	pthread_mutex_lock(&damage_lock);
	if (on) {
		memset(&damage_demux, 0, sizeof(damage_demux));
		memset(&damage_decode, 0, sizeof(damage_decode));
	}
	damage_watching = on;
	pthread_mutex_unlock(&damage_lock);
}

/* Count damage a tolerant read skipped (what, where: its words) as a
 * demuxer's error. */
void
damage_skipped(const char *fmt, ...)
{
	va_list	ap;

	pthread_mutex_lock(&damage_lock);
	if (damage_demux.count++ == 0) {
		va_start(ap, fmt);
		vsnprintf(damage_demux.first, sizeof(damage_demux.first), fmt,
		    ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&damage_lock);
}

/* The first error a demuxer logged while watched, or NULL. */
const char *
damage_said(void)
{
	return damage_demux.count > 0 ? damage_demux.first : NULL;
}

/* How far short of a stated length a read may end: a frame's worth of
 * rounding and a little more. */
static int64_t
damage_slack(int64_t stated)
{
	return 100000 + stated / 200;
}

/*
 * Whether what was read (got, from a start) falls well short of what is
 * stated: a length, or, as Matroska states it for timestamps that start
 * late, the end's time.
 */
static int
damage_short(int64_t got, int64_t start, int64_t stated)
{
	if (stated <= 0 || got >= stated - damage_slack(stated))
		return 0;
	return start <= 0 || stated <= start ||
	    got + start < stated - damage_slack(stated - start);
}

/*
 * What a read of src found, after it (the counting stopped): its errors,
 * how far it reached, what the file states (its index's last entry from
 * the file's own zero).
 */
void
damage_facts(const struct media_source *src, struct damage_facts *f)
{
	AVStream		*st = src->fmt->streams[src->vindex];
	const AVIndexEntry	*e;
	int			 n;

	memset(f, 0, sizeof(*f));
	f->known = 1;
	f->index_last = INT64_MIN;
	if ((n = avformat_index_get_entries_count(st)) > 0 &&
	    (e = avformat_index_get_entry(st, n - 1)) != NULL &&
	    e->timestamp != AV_NOPTS_VALUE)
		f->index_last = av_rescale_q(e->timestamp, st->time_base,
		    AV_TIME_BASE_Q);
	f->read_end = src->read_end;
	f->stated = src->fmt->duration;
	f->start = src->fmt->start_time;
	pthread_mutex_lock(&damage_lock);
	f->demux = damage_demux.count;
	snprintf(f->first, sizeof(f->first), "%s", damage_demux.first);
	f->decode = damage_decode.count;
	snprintf(f->dfirst, sizeof(f->dfirst), "%s", damage_decode.first);
	pthread_mutex_unlock(&damage_lock);
}

/* The video's end against its index's last entry; -1 with why. */
static int
damage_index(const struct damage_facts *f, const struct media_info *mi,
    int64_t vend, char **cause)
{
	int64_t	last;

	if (f->index_last == INT64_MIN)
		return 0;
	last = f->index_last - mi->start;
	if (last <= vend + damage_slack(last))
		return 0;
	xasprintf(cause, "truncated or damaged: its index lists video at "
	    "%.2fs, but the video ends at %.2fs", last / 1e6, vend / 1e6);
	return -1;
}

/*
 * The read's length against what the file states; -1 with why.  Nothing
 * known of the read: the video's alone.  A read that left the video out
 * reached at least the video's end.
 */
static int
damage_length(const struct damage_facts *f, const struct media_info *mi,
    int64_t vend, char **cause)
{
	int64_t	reached = f->read_end > vend ? f->read_end : vend;

	if (f->known && damage_short(reached, f->start, f->stated)) {
		xasprintf(cause, "truncated or damaged: the file says it lasts "
		    "%.2fs, but its streams end at %.2fs", f->stated / 1e6,
		    reached / 1e6);
		return -1;
	}
	if (mi->duration_own && damage_short(vend, mi->start, mi->duration)) {
		xasprintf(cause, "truncated or damaged: the video says it "
		    "lasts %.2fs, but ends at %.2fs", mi->duration / 1e6,
		    vend / 1e6);
		return -1;
	}
	return 0;
}

/*
 * After a file was read whole (f, what the read found; not known: a read
 * in pieces, the video's length alone), its video ending at vend: -1 with
 * the reason when it is damaged; 0, with what the decoders said that a
 * user should know in warn (empty: nothing), when it is whole.
 */
int
damage_check_facts(const struct damage_facts *f, const struct media_info *mi,
    int64_t vend, char *warn, size_t len, char **cause)
{
	warn[0] = '\0';
	if (mi->script)
		return 0;
	if (f->known && damage_index(f, mi, vend, cause) != 0)
		return -1;
	if (f->known && f->demux > 0) {
		xasprintf(cause, "truncated or damaged: %d error%s reading it "
		    "(%s)", f->demux, f->demux == 1 ? "" : "s", f->first);
		return -1;
	}
	if (damage_length(f, mi, vend, cause) != 0)
		return -1;
	if (f->known && f->decode > 0)
		snprintf(warn, len, "damaged: the decoder reported %d "
		    "error%s, each concealed (%s)", f->decode,
		    f->decode == 1 ? "" : "s", f->dfirst);
	return 0;
}
