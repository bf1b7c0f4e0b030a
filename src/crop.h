/*
 * Black-border (crop) detection on sampled frames: scanning one frame's
 * luma plane for dark, even borders, and combining the edges found over
 * many frames into one crop.  Pure functions, no FFmpeg types.
 */
#ifndef CROP_H
#define CROP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* crop_combine() uses at most this many samples (the first ones). */
#define CROP_MAX_SAMPLES	256

/* Pixels removed from each edge. */
struct crop {
	int	top;
	int	bottom;
	int	left;
	int	right;
};

/* A frame's luma plane: 8-bit samples, or 16-bit (depth 9..16) ones. */
struct crop_plane {
	const uint8_t	*data;
	int		 linesize;	/* bytes per row */
	int		 width;
	int		 height;
	int		 depth;		/* bits per sample, 8..16 */
};

/* Why a frame was not used. */
enum crop_scan_result {
	CROP_SCAN_OK = 0,
	CROP_SCAN_DARK,		/* (nearly) all black: no information */
	CROP_SCAN_IMPLAUSIBLE	/* borders leave too little picture */
};

enum crop_scan_result crop_scan(const struct crop_plane *, int,
		    struct crop *);
int		 crop_combine(const struct crop *, size_t, int, int,
		    enum crop_mode, struct crop *, char *, size_t);

#endif
