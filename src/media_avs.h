/* What media_avs.c shares with media_avs_src.c, the script as a source. */
#ifndef MEDIA_AVS_H
#define MEDIA_AVS_H

#include <libavfilter/avfilter.h>

#include "avs.h"
#include "media.h"

/* One video input of the graph: a decoder and its buffer source. */
struct script_input {
	struct media_source	 src;
	AVFilterContext		*buf;
	int64_t			 n;		/* frames sent */
	int			 eof;
};

struct media_script {
	char			*path;
	int			 threads;
	struct avs_plan		*plan;
	struct avsplus		*plus;
	struct avsplus_info	 pi;
	struct media_script_info info;
	AVFilterGraph		*graph;
	AVFilterContext		*sink;
	struct script_input	*in;
	int			 nin;
	int64_t			 next;		/* index of the next frame */
	AVFrame			*pending;	/* frame next, when sought */
	int			 seg;		/* the piece read, if pieces */
	int64_t			 seg_base;	/* its first frame's index */
};

int	 script_pull(struct media_script *, AVFrame *, int, char **);
int	 script_build(struct media_script *, int, char **);
int	 script_start(struct media_script *, char **);
int	 piece_open(struct media_script *, int, int64_t, char **);

/* The times of a source's frames. */
struct script_timing {
	AVRational	tb;
	AVRational	fps;
	int64_t		first_pts;	/* of frame 0, in tb */
	int		regular;	/* frame k at first + k / fps */
};
int	 script_timing(const char *, struct script_timing *);

const struct avs_plan	*script_plan(const struct media_script *);
struct avsplus		*script_plus(const struct media_script *);
const struct avsplus_info *script_plus_info(const struct media_script *);

#endif
