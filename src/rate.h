/* Bitrate and space arithmetic, pure. */
#ifndef RATE_H
#define RATE_H

#include <stdint.h>

int	 rate_kbps(double, int, int, int, int);
int64_t	 rate_stats_bytes(int64_t, int, int);
int64_t	 rate_analysis_bytes(int64_t, int, int);
double	 rate_eta(int64_t, int64_t, double);

#endif
