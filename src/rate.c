/* Bitrate and space arithmetic, pure. */
#include "config.h"

#include <math.h>

#include "rate.h"

/*
 * The video bitrate in kbps for a bits-per-pixel figure: bpp * width *
 * height * frames per second, at least 1.  0 when the inputs are unusable.
 */
int
rate_kbps(double bpp, int width, int height, int fps_num, int fps_den)
{
	double	bps;

	if (bpp <= 0 || width <= 0 || height <= 0 || fps_num <= 0 ||
	    fps_den <= 0)
		return 0;
	bps = bpp * width * height * ((double)fps_num / fps_den);
	if (bps / 1000 > 2000000)
		return 2000000;
	return bps < 1000 ? 1 : (int)lround(bps / 1000);
}

/*
 * A target bitrate (kbps) bounded by the source: capped at share of the
 * source's video bitrate src (when both are known, above 0), then floored
 * at floor (when not 0), the floor winning.  *bound tells which applied.
 */
int
rate_bound(int kbps, int src, double share, int floor, enum rate_bound *bound)
{
	double	cap;

	*bound = RATE_UNBOUND;
	if (share > 0 && src > 0) {
		cap = share * src;
		if (kbps > cap) {
			kbps = cap < 1 ? 1 : (int)lround(cap);
			*bound = RATE_SOURCE_CAP;
		}
	}
	if (floor > 0 && kbps < floor) {
		kbps = floor;
		*bound = RATE_FLOOR;
	}
	return kbps;
}

/*
 * Room x265's two-pass stats take for a film, with a quarter to spare: a
 * line of text a frame (measured at 140 to 170 bytes, counted as 256) and
 * the cutree file's byte per 16x16 block (measured with libx265 3.5: 3456
 * bytes a frame at 1280x720).  About 900 MB for an hour of 1080p24.
 */
int64_t
rate_stats_bytes(int64_t frames, int width, int height)
{
	int64_t	blocks, per_frame;

	if (frames <= 0 || width <= 0 || height <= 0)
		return 0;
	blocks = (int64_t)((width + 15) / 16) * ((height + 15) / 16);
	per_frame = 256 + blocks;
	return frames * per_frame * 5 / 4;
}

/*
 * Bytes of x265's pass 1 analysis file (multi-pass-opt-analysis or
 * -distortion) for frames of width x height: about 200 bytes per 64x64
 * coding tree unit and frame measured (libx265 3.5, 720p, presets
 * ultrafast to medium), counted as 256 and a quarter more.
 */
int64_t
rate_analysis_bytes(int64_t frames, int width, int height)
{
	int64_t	ctus;

	if (frames <= 0 || width <= 0 || height <= 0)
		return 0;
	ctus = (int64_t)((width + 63) / 64) * ((height + 63) / 64);
	return frames * ctus * 256 * 5 / 4;
}

/* Seconds left at fps for done of total frames, -1 when unknown. */
double
rate_eta(int64_t done, int64_t total, double fps)
{
	if (fps <= 0 || total <= 0 || done > total)
		return -1;
	return (total - done) / fps;
}
