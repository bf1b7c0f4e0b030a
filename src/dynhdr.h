/*
 * Dynamic HDR metadata a source carries (Dolby Vision, HDR10+) and what a
 * job does with it: nothing to do, encode the base layer with a warning,
 * or refuse.  Pure functions, no FFmpeg types.
 */
#ifndef DYNHDR_H
#define DYNHDR_H

#include <stddef.h>

#include "conf.h"

struct dynhdr {
	int	dovi;		/* Dolby Vision: configuration or RPU */
	int	dovi_profile;	/* -1 unknown */
	int	dovi_compat;	/* base layer signal compatibility, -1 */
	int	hdr10plus;	/* HDR10+ dynamic metadata */
};

#define DYNHDR_NONE	0	/* none found */
#define DYNHDR_BASE	1	/* the base layer encoded, a warning */
#define DYNHDR_REFUSE	2

int	 dynhdr_decide(const struct dynhdr *, enum dynamic_hdr, char *,
	    size_t);
void	 dynhdr_describe(const struct dynhdr *, char *, size_t);

#endif
