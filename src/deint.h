/*
 * Interlacing and telecine: what libavfilter's idet counted on sampled
 * runs of frames, with what the stream itself says, decided into
 * progressive (left alone), interlaced (deinterlaced) or telecined film
 * (its pulldown undone).  Pure functions, no FFmpeg types.
 */
#ifndef DEINT_H
#define DEINT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* What the samples showed. */
struct deint_counts {
	int64_t	tff;		/* idet's multi-frame detection */
	int64_t	bff;
	int64_t	progressive;
	int64_t	undetermined;
	int64_t	rep_neither;	/* repeated fields */
	int64_t	rep_top;
	int64_t	rep_bottom;
	int	flagged;	/* the stream says interlaced */
	int	fps_num;	/* the source's rate */
	int	fps_den;
};

enum deint_kind {
	DEINT_PROGRESSIVE,
	DEINT_INTERLACED,	/* bwdif */
	DEINT_TELECINE		/* fieldmatch, decimate */
};

enum deint_kind deint_decide(const struct deint_counts *, enum deint_mode,
	    char *, size_t);
const char *deint_kind_name(enum deint_kind);
int64_t	 deint_frames(enum deint_kind, int64_t);

/*
 * decimate's cycle: of each 5 frames in a row from the first it sees it
 * drops one; the last, shorter cycle is kept whole.
 */
#define DEINT_CYCLE	5

#endif
