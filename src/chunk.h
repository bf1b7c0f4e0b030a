/*
 * Chunks of a film: scene changes turned into chunks of at least a minimum
 * (and at most a maximum) length, the order they are encoded in, and the
 * plan file that records them for every host and across restarts.
 */
#ifndef CHUNK_H
#define CHUNK_H

#include <stddef.h>
#include <stdint.h>

#define CHUNK_MAX_AUDIO	32
#define PLAN_MAX_SIDE	16384		/* the widest or tallest picture */
#define PLAN_MAX_FRAMES	INT64_C(1000000000)	/* frames in a film */
#define PLAN_MAX_DURATION INT64_C(3153600000000000)	/* 100 years, us */
#define PLAN_MAX_COST	(PLAN_MAX_FRAMES * INT64_C(4294967295))

struct chunk {
	int64_t	first;		/* frame number of its first frame */
	int64_t	frames;
	int64_t	pts;		/* of its first frame, source time base */
	int64_t	cost;		/* estimated encoding cost, 0 unknown */
	int	split;		/* starts inside a scene (a forced keyframe) */
};

/* The loudness measured for one audio track, for normalisation. */
struct plan_audio {
	double	i;
	double	lra;
	double	tp;
	int	valid;
};

/* What the plan step decided, written to <work>/<id>/plan. */
struct plan {
	char			 key[17];	/* settings fingerprint, hex */
	int64_t			 frames;	/* in the source */
	int64_t			 duration;	/* video span, microseconds */
	int			 crop[4];	/* top, bottom, left, right */
	int			 width;		/* encoded picture */
	int			 height;
	int			 depth;
	int			 naudio;
	struct plan_audio	 audio[CHUNK_MAX_AUDIO];
	struct chunk		*chunks;
	size_t			 nchunks;
};

int	 chunk_plan(const int64_t *, size_t, int64_t, int, int,
	    struct chunk **, size_t *, char **);
void	 chunk_weigh(struct chunk *, size_t, const uint32_t *);
void	 chunk_queue(const struct chunk *, size_t, size_t, size_t *);
size_t	 chunk_balance(struct chunk **, size_t *, const uint32_t *, int,
	    int64_t);
void	 chunk_align(struct chunk *, size_t *, int64_t, int, const uint32_t *);
int	 plan_aligned(const struct plan *, int, char **);
char	*plan_format(const struct plan *);
int	 plan_parse(const char *, struct plan *, char **);
int	 plan_fits(const struct plan *, int, int, int64_t, char **);
void	 plan_clear(struct plan *);

#endif
