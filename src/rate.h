/* Bitrate and space arithmetic, pure. */
#ifndef RATE_H
#define RATE_H

#include <stdint.h>

/* Which bound, if any, set a bitrate (rate_bound). */
enum rate_bound {
	RATE_UNBOUND,
	RATE_SOURCE_CAP,	/* a share of the source's video bitrate */
	RATE_FLOOR		/* min_bitrate */
};

int	 rate_kbps(double, int, int, int, int);
int	 rate_bound(int, int, double, int, enum rate_bound *);
int64_t	 rate_stats_bytes(int64_t, int, int);
int64_t	 rate_analysis_bytes(int64_t, int, int);
double	 rate_eta(int64_t, int64_t, double);

#endif
