/* What media_avs.c shares with media_avs_src.c, the script as a source. */
#ifndef MEDIA_AVS_H
#define MEDIA_AVS_H

#include "avs.h"
#include "media.h"

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
