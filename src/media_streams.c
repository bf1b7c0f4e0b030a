/*
 * A source's streams described for the rules of streams.c: what each is
 * (a cover picture apart from a video), its dispositions, language and
 * title, and whether its subtitles are text Matroska cannot hold; and
 * the dispositions chosen turned back into FFmpeg's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media.h"
#include "xmalloc.h"

static const struct {
	int	ours;
	int	av;
} media_dispositions[] = {
	{ STREAM_DEFAULT,	AV_DISPOSITION_DEFAULT },
	{ STREAM_FORCED,	AV_DISPOSITION_FORCED },
	{ STREAM_HEARING,	AV_DISPOSITION_HEARING_IMPAIRED },
	{ STREAM_VISUAL,	AV_DISPOSITION_VISUAL_IMPAIRED },
	{ STREAM_COMMENT,	AV_DISPOSITION_COMMENT },
};

#define NDISP	(sizeof(media_dispositions) / sizeof(media_dispositions[0]))

/* What kind of stream st is. */
static enum stream_kind
media_stream_kind(const AVStream *st)
{
	switch (st->codecpar->codec_type) {
	case AVMEDIA_TYPE_VIDEO:
		return (st->disposition & AV_DISPOSITION_ATTACHED_PIC) ?
		    STREAM_COVER : STREAM_VIDEO;
	case AVMEDIA_TYPE_AUDIO:
		return STREAM_AUDIO;
	case AVMEDIA_TYPE_SUBTITLE:
		return STREAM_SUBTITLE;
	case AVMEDIA_TYPE_ATTACHMENT:
		return STREAM_ATTACHMENT;
	default:
		return STREAM_OTHER;
	}
}

/* Describe fmt's streams (the first STREAMS_MAX) into mi. */
void
media_describe_streams(const AVFormatContext *fmt, struct media_info *mi)
{
	const AVDictionaryEntry	*e;
	struct stream_desc	*d;
	const AVStream		*st;
	unsigned int		 i, k;

	mi->nstreams = 0;
	if (fmt->nb_streams > STREAMS_MAX)
		log_warnx("%u streams: those after the first %d are left out",
		    fmt->nb_streams, STREAMS_MAX);
	for (i = 0; i < fmt->nb_streams && i < STREAMS_MAX; i++) {
		st = fmt->streams[i];
		d = &mi->streams[mi->nstreams++];
		memset(d, 0, sizeof(*d));
		d->kind = media_stream_kind(st);
		for (k = 0; k < NDISP; k++)
			if (st->disposition & media_dispositions[k].av)
				d->flags |= media_dispositions[k].ours;
		if ((e = av_dict_get(st->metadata, "language", NULL, 0)) != NULL)
			snprintf(d->lang, sizeof(d->lang), "%s", e->value);
		if ((e = av_dict_get(st->metadata, "title", NULL, 0)) != NULL)
			snprintf(d->title, sizeof(d->title), "%s", e->value);
		d->text_needs_srt = st->codecpar->codec_id == AV_CODEC_ID_MOV_TEXT;
		d->channels = st->codecpar->ch_layout.nb_channels;
	}
}

/* FFmpeg's dispositions: those of in, with the rules' own set as chosen. */
int
media_disposition(int in, int flags)
{
	unsigned int	k;

	for (k = 0; k < NDISP; k++) {
		in &= ~media_dispositions[k].av;
		if (flags & media_dispositions[k].ours)
			in |= media_dispositions[k].av;
	}
	return in;
}

/* Log what becomes of each stream, and why. */
void
media_log_streams(const struct media_info *mi)
{
	const struct stream_desc	*d;
	const struct stream_choice	*c;
	int				 i;

	for (i = 0; i < mi->nstreams; i++) {
		d = &mi->streams[i];
		c = &mi->choice[i];
		log_info("stream %d: %s%s%s%s%s%s: %s (%s)", i,
		    streams_kind_name(d->kind), *d->lang ? " " : "", d->lang,
		    *d->title ? " \"" : "", d->title, *d->title ? "\"" : "",
		    streams_action_name(c->action), c->why ? c->why : "");
	}
}

/*
 * The audio slot of src whose stereo downmix is added (stereo_track: the
 * first multichannel track kept), or -1: the same choice the job made,
 * made again from the source's streams.
 */
int
media_stereo_slot(const struct media_source *src, const struct profile *prof)
{
	struct media_info	*mi;
	int			 i, idx = -1, slot = -1;

	if (!prof->stereo_track)
		return -1;
	mi = xcalloc(1, sizeof(*mi));
	media_describe_streams(src->fmt, mi);
	streams_choose(mi->streams, mi->nstreams, src->vindex, prof,
	    mi->choice);
	for (i = 0; i < mi->nstreams && idx == -1; i++)
		if (mi->choice[i].stereo)
			idx = i;
	free(mi);
	for (i = 0; idx != -1 && i < src->naudio; i++)
		if (src->aslot[i] == idx)
			slot = i;
	return slot;
}
