/*
 * Which of a source's streams an output keeps, and why: the rules a
 * profile sets (languages, commentary, descriptive audio, hearing-impaired
 * subtitles, a limit on audio tracks, a second video) applied to a plain
 * description of each stream.  Pure functions, no FFmpeg types: the media
 * layer describes the streams and carries the choice out.
 */
#ifndef STREAMS_H
#define STREAMS_H

#include <stddef.h>

#include "conf.h"

/* What a stream is. */
enum stream_kind {
	STREAM_VIDEO,
	STREAM_AUDIO,
	STREAM_SUBTITLE,
	STREAM_ATTACHMENT,
	STREAM_COVER,		/* a picture: an MP4 attached_pic */
	STREAM_OTHER		/* data, unknown */
};

/* Dispositions, read and written. */
#define STREAM_DEFAULT		0x01
#define STREAM_FORCED		0x02
#define STREAM_HEARING		0x04	/* hearing impaired (SDH) */
#define STREAM_VISUAL		0x08	/* visually impaired (descriptive) */
#define STREAM_COMMENT		0x10	/* commentary */

/* One stream of a source, as the rules see it. */
struct stream_desc {
	enum stream_kind	 kind;
	int			 flags;		/* STREAM_DEFAULT... */
	char			 lang[8];	/* ISO 639-2, "" untagged */
	char			 title[96];
	int			 text_needs_srt; /* text Matroska cannot hold */
	int			 channels;	/* audio */
};

/* What becomes of a stream. */
enum stream_action {
	STREAM_DROP,
	STREAM_ENCODE,		/* the film's video, or audio */
	STREAM_COPY,
	STREAM_CONVERT,		/* text subtitles to SRT */
	STREAM_ATTACH		/* a cover picture, as an attachment */
};

struct stream_choice {
	enum stream_action	 action;
	int			 flags;		/* dispositions written */
	const char		*why;		/* a few words, static */
	int			 stereo;	/* a stereo downmix added */
};

#define STREAMS_MAX		128

void	 streams_choose(const struct stream_desc *, int, int,
	    const struct profile *, struct stream_choice *);
int	 streams_count(const struct stream_desc *,
	    const struct stream_choice *, int, enum stream_kind);
void	 streams_summary(const struct stream_desc *,
	    const struct stream_choice *, int, char *, size_t);
const char *streams_action_name(enum stream_action);
const char *streams_kind_name(enum stream_kind);

#endif
