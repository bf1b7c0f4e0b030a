/*
 * The built-in interpreter's functions other than sources (avs_source.c):
 * the common filters as libavfilter filters, with AviSynth's meaning of
 * their arguments (Trim's 0 and negative ends, Crop's and the resizers'
 * negative widths and heights, ChangeFPS's choice of frames), AudioDub,
 * Import, clip properties, and what is accepted without effect.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

static long long
gcd(long long a, long long b)
{
	while (b != 0) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a < 0 ? -a : a;
}

static void
fps_set(struct avs_clip *c, long long num, long long den)
{
	long long	g = gcd(num, den);

	c->fps_num = (int)(num / g);
	c->fps_den = (int)(den / g);
}

static int
fn_audiodub(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*v = ARG_CLIP(a, 0), *au = ARG_CLIP(a, 1), *c;

	if (!v->has_video)
		return avs_error(ev, a->call, "AudioDub: the first clip has "
		    "no video");
	if (!au->has_audio)
		return avs_error(ev, a->call, "AudioDub: the second clip has "
		    "no audio");
	c = avs_clip_filter(ev, v, "null");
	free(c->audio);
	c->audio = xreallocarray(NULL, au->naudio + 1, sizeof(*c->audio));
	memcpy(c->audio, au->audio, au->naudio * sizeof(*c->audio));
	c->naudio = au->naudio;
	c->has_audio = 1;
	c->audio_explicit = 1;
	return ret_clip(out, c);
}

static int
fn_import(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	return avs_import(ev, ARG_STR(a, 0), out);
}

/*
 * Accepted and ignored: threading and plugins need AviSynth+.  Noted
 * once a process for each line, though a job opens its script more than
 * once.
 */
static int
fn_noted(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	static char	*noted[16];
	static int	 nnoted;
	char		*where;
	int		 i;

	xasprintf(&where, "%s:%d:%d", ev->file, a->call->line,
	    a->call->col);
	for (i = 0; i < nnoted && strcmp(noted[i], where) != 0; i++)
		;
	if (i == nnoted)
		log_info("%s: %s has no effect in the built-in interpreter",
		    where, a->call->name);
	if (i == nnoted && nnoted < 16)
		noted[nnoted++] = where;
	else
		free(where);
	if (ARG_SET(a, 0) && a->v[0].type == AVS_V_CLIP)
		return ret_clip(out, ARG_CLIP(a, 0));
	return 0;
}

/* Trim ---------------------------------------------------------------- */

/*
 * Trim(first, last): last 0 is the end, a negative last is a frame
 * count; length= and end= name the count and the last frame.
 */
static int
fn_trim(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	long long	 first, last, n = in->frames;

	first = ARG_SET(a, 1) ? ARG_INT(a, 1) : 0;
	if (first < 0)
		first = 0;
	if (ARG_SET(a, 4))
		last = first + ARG_INT(a, 4) - 1;
	else if (ARG_SET(a, 5))
		last = ARG_INT(a, 5);
	else if (!ARG_SET(a, 2) || ARG_INT(a, 2) == 0)
		last = n - 1;
	else if (ARG_INT(a, 2) < 0)
		last = first - ARG_INT(a, 2) - 1;
	else
		last = ARG_INT(a, 2);
	if (first >= n)
		return avs_error(ev, a->call, "Trim: first frame %lld is past "
		    "the clip's %lld frames", first, n);
	if (last > n - 1)
		last = n - 1;
	if (last < first)
		return avs_error(ev, a->call, "Trim: last frame %lld is before "
		    "first frame %lld", last, first);
	c = avs_clip_filter(ev, in, "trim=start_pts=%lld:end_pts=%lld,"
	    "setpts=PTS-%lld", first, last + 1, first);
	c->frames = last - first + 1;
	c->map = AVS_MAP_TRIM;
	c->map_off = first;
	avs_audio_cut(c, (double)first * in->fps_den / in->fps_num,
	    (double)(last + 1) * in->fps_den / in->fps_num);
	return ret_clip(out, c);
}

/* Crop and resize ----------------------------------------------------- */

/* The largest side of a picture FFmpeg's scaler makes and x265 takes. */
#define AVS_MAX_SIDE	16384

/* Whether a rectangle suits the clip's chroma subsampling. */
static int
crop_aligned(const struct avs_clip *c, long long x, long long y,
    long long w, long long h)
{
	long long	mw = 1LL << c->log2_chroma_w;
	long long	mh = 1LL << c->log2_chroma_h;

	return x % mw == 0 && w % mw == 0 && y % mh == 0 && h % mh == 0;
}

/* Check a crop rectangle (negative w, h: from the right, bottom). */
static int
crop_rect(struct avs_eval *ev, struct avs_args *a, const struct avs_clip *in,
    long long x, long long y, long long *w, long long *h)
{
	if (*w <= 0)
		*w = in->width - x + *w;
	if (*h <= 0)
		*h = in->height - y + *h;
	if (x < 0 || y < 0 || *w <= 0 || *h <= 0 || x + *w > in->width ||
	    y + *h > in->height)
		return avs_error(ev, a->call, "%s: the area %lldx%lld at "
		    "%lld,%lld is outside the %dx%d picture", fname(a), *w, *h,
		    x, y, in->width, in->height);
	if (!crop_aligned(in, x, y, *w, *h))
		return avs_error(ev, a->call, "%s: %s can only be cropped by "
		    "multiples of %d across and %d down", fname(a), in->pix_fmt,
		    1 << in->log2_chroma_w, 1 << in->log2_chroma_h);
	return 0;
}

static int
fn_crop(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	long long	 x = ARG_INT(a, 1), y = ARG_INT(a, 2);
	long long	 w = ARG_INT(a, 3), h = ARG_INT(a, 4);

	if (crop_rect(ev, a, in, x, y, &w, &h) != 0)
		return -1;
	c = avs_clip_filter(ev, in, "crop=w=%lld:h=%lld:x=%lld:y=%lld:"
	    "exact=1", w, h, x, y);
	c->width = (int)w;
	c->height = (int)h;
	return ret_clip(out, c);
}

/* The scaler flags of each resizer. */
static const char *
resize_flags(const char *name, const struct avs_args *a, int bicubic,
    char *buf, size_t len)
{
	if (strncasecmp(name, "Spline", 6) == 0)
		return "spline";
	if (strcasecmp(name, "Lanczos4Resize") == 0)
		return "lanczos:param0=4";
	if (strcasecmp(name, "LanczosResize") == 0) {
		snprintf(buf, len, "lanczos:param0=%lld", ARG_SET(a, 7) ?
		    ARG_INT(a, 7) : 3);
		return buf;
	}
	if (bicubic) {
		snprintf(buf, len, "bicubic:param0=%g:param1=%g",
		    ARG_SET(a, 3) ? ARG_NUM(a, 3) : 1.0 / 3,
		    ARG_SET(a, 4) ? ARG_NUM(a, 4) : 1.0 / 3);
		return buf;
	}
	if (strcasecmp(name, "PointResize") == 0)
		return "neighbor";
	return "bilinear";
}

/* A resizer's source window, rounded to whole pixels. */
static int
resize_window(struct avs_eval *ev, struct avs_args *a, int off,
    const struct avs_clip *in, long long r[4])
{
	double	v[4] = { 0, 0, in->width, in->height };
	int	i, rounded = 0;

	for (i = 0; i < 4; i++) {
		if (ARG_SET(a, off + i))
			v[i] = ARG_NUM(a, off + i);
		if (v[i] != floor(v[i]))
			rounded = 1;
		r[i] = llround(v[i]);
	}
	if (rounded)
		log_info("%s: a fractional source window is rounded to whole "
		    "pixels", fname(a));
	return crop_rect(ev, a, in, r[0], r[1], &r[2], &r[3]);
}

static int
fn_resize(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	long long	 w = ARG_INT(a, 1), h = ARG_INT(a, 2), r[4];
	int		 bicubic, off;
	char		 buf[64], crop[128] = "";
	const char	*flags;

	bicubic = strcasecmp(fname(a), "BicubicResize") == 0;
	off = bicubic ? 5 : 3;
	if (w <= 0 || h <= 0 || !crop_aligned(in, 0, 0, w, h))
		return avs_error(ev, a->call, "%s: %lldx%lld is not a size "
		    "for %s", fname(a), w, h, in->pix_fmt);
	if (w > AVS_MAX_SIDE || h > AVS_MAX_SIDE)
		return avs_error(ev, a->call, "%s: %lldx%lld is too large: a "
		    "picture may be at most %d pixels on a side", fname(a), w,
		    h, AVS_MAX_SIDE);
	if (resize_window(ev, a, off, in, r) != 0)
		return -1;
	if (r[0] != 0 || r[1] != 0 || r[2] != in->width || r[3] != in->height)
		snprintf(crop, sizeof(crop), "crop=w=%lld:h=%lld:x=%lld:y=%lld:"
		    "exact=1,", r[2], r[3], r[0], r[1]);
	flags = resize_flags(fname(a), a, bicubic, buf, sizeof(buf));
	c = avs_clip_filter(ev, in, "%sscale=w=%lld:h=%lld:flags=%s", crop,
	    w, h, flags);
	c->sar_kept = 0;
	c->width = (int)w;
	c->height = (int)h;
	return ret_clip(out, c);
}

/* Formats ------------------------------------------------------------- */

static int
convert(struct avs_eval *ev, struct avs_args *a, struct avs_value *out,
    int cw, int ch, int depth)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	char		 name[32];

	if (avs_fmt_name(cw, ch, depth, name, sizeof(name)) == NULL)
		return avs_error(ev, a->call, "%s: no such format", fname(a));
	if (in->width % (1 << cw) != 0 || in->height % (1 << ch) != 0)
		return avs_error(ev, a->call, "%s: %dx%d cannot be %s",
		    fname(a), in->width, in->height, name);
	c = avs_clip_filter(ev, in, "format=pix_fmts=%s", name);
	snprintf(c->pix_fmt, sizeof(c->pix_fmt), "%s", name);
	c->log2_chroma_w = cw;
	c->log2_chroma_h = ch;
	c->depth = depth;
	return ret_clip(out, c);
}

static int
fn_yv12(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	return convert(ev, a, out, 1, 1, 8);
}

static int
fn_yuv420(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	return convert(ev, a, out, 1, 1, ARG_CLIP(a, 0)->depth);
}

static int
fn_bits(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0);
	long long	 bits = ARG_INT(a, 1);

	if (bits != 8 && bits != 10 && bits != 12 && bits != 14 &&
	    bits != 16)
		return avs_error(ev, a->call, "ConvertBits: %lld bits is not "
		    "a depth the built-in interpreter knows", bits);
	return convert(ev, a, out, in->log2_chroma_w, in->log2_chroma_h,
	    (int)bits);
}

/* Frame rates --------------------------------------------------------- */

/* A frame rate from AssumeFPS/ChangeFPS's arguments. */
static int
fps_args(struct avs_eval *ev, struct avs_args *a, long long *num,
    long long *den)
{
	static const struct {
		const char	*name;
		int		 num, den;
	} presets[] = {
		{ "ntsc_film", 24000, 1001 }, { "ntsc_video", 30000, 1001 },
		{ "ntsc_double", 60000, 1001 }, { "ntsc_quad", 120000, 1001 },
		{ "film", 24, 1 }, { "pal_film", 25, 1 },
		{ "pal_video", 25, 1 }, { "pal_double", 50, 1 },
		{ "pal_quad", 100, 1 },
	};
	const struct avs_value	*v = &a->v[1];
	size_t			 i;

	*den = ARG_SET(a, 2) ? ARG_INT(a, 2) : 1;
	if (!ARG_SET(a, 1))
		return avs_error(ev, a->call, "%s: needs a frame rate",
		    fname(a));
	if (v->type == AVS_V_INT)
		*num = (long long)v->num;
	else if (v->type == AVS_V_FLOAT) {
		*num = llround(v->num * 1000);
		*den = 1000;
	} else if (v->type == AVS_V_CLIP) {
		*num = v->clip->fps_num;
		*den = v->clip->fps_den;
	} else if (v->type == AVS_V_STRING) {
		for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
			if (strcasecmp(v->str, presets[i].name) == 0)
				break;
		if (i == sizeof(presets) / sizeof(presets[0]))
			return avs_error(ev, a->call, "%s: no preset \"%s\"",
			    fname(a), v->str);
		*num = presets[i].num;
		*den = presets[i].den;
	}
	if (*num <= 0 || *den <= 0 || *num > 1000000 || *den > 1000000)
		return avs_error(ev, a->call, "%s: bad frame rate", fname(a));
	return 0;
}

/* AssumeFPS: the same frames at another rate (the audio is kept). */
static int
fn_assumefps(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*c;
	long long	 num, den;

	if (fps_args(ev, a, &num, &den) != 0)
		return -1;
	c = avs_clip_filter(ev, ARG_CLIP(a, 0), "null");
	fps_set(c, num, den);
	return ret_clip(out, c);
}

/*
 * A rate change by dropping or repeating frames: output frame n is input
 * frame floor(n * old / new), as in AviSynth, which is what the fps
 * filter rounding times up gives; the count is AviSynth's (the last
 * frame repeated or cut to it).
 */
struct avs_clip *
avs_change_fps(struct avs_eval *ev, struct avs_clip *in, long long num,
    long long den)
{
	struct avs_clip	*c;
	long long	 a, b, n;
	__int128	 n128;

	a = (long long)in->fps_num * den;
	b = (long long)in->fps_den * num;
	/* Past what a script may make, the caller refuses the clip. */
	n128 = ((__int128)in->frames * b + a / 2) / a;
	n = n128 > AVS_MAX_FRAMES ? AVS_MAX_FRAMES + 1 : (long long)n128;
	if (n < 1)
		n = 1;
	c = avs_clip_filter(ev, in, "settb=expr=%d/%d,setpts=N,"
	    "fps=fps=%lld/%lld:round=up,tpad=stop=1:stop_mode=clone,"
	    "trim=end_frame=%lld,setpts=N", in->fps_den, in->fps_num, num,
	    den, n);
	c->frames = n;
	c->map = AVS_MAP_OTHER;
	fps_set(c, num, den);
	return c;
}

static int
fn_changefps(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	long long	num, den;

	if (fps_args(ev, a, &num, &den) != 0)
		return -1;
	return ret_clip(out, avs_change_fps(ev, ARG_CLIP(a, 0), num, den));
}

/* Frame selection and geometry ------------------------------------------ */

static int
fn_select(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	int		 odd = strcasecmp(fname(a), "SelectOdd") == 0;

	if (in->frames < 1 + odd)
		return avs_error(ev, a->call, "%s: the clip is too short",
		    fname(a));
	c = avs_clip_filter(ev, in, "select=%s,setpts=floor(PTS/2)", odd ?
	    "mod(pts\\,2)" : "not(mod(pts\\,2))");
	c->frames = odd ? in->frames / 2 : (in->frames + 1) / 2;
	c->map = AVS_MAP_STEP2;
	c->map_off = odd;
	fps_set(c, in->fps_num, (long long)in->fps_den * 2);
	return ret_clip(out, c);
}

static int
fn_reduceby2(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;

	if (!crop_aligned(in, 0, 0, in->width / 2, in->height / 2) ||
	    in->width % 2 != 0 || in->height % 2 != 0)
		return avs_error(ev, a->call, "ReduceBy2: %dx%d %s cannot be "
		    "halved", in->width, in->height, in->pix_fmt);
	c = avs_clip_filter(ev, in, "scale=w=%d:h=%d:flags=bilinear",
	    in->width / 2, in->height / 2);
	c->sar_kept = 1;	/* both halved */
	c->width = in->width / 2;
	c->height = in->height / 2;
	return ret_clip(out, c);
}

static int
fn_flip(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	const char	*f;

	f = strcasecmp(fname(a), "FlipVertical") == 0 ? "vflip" : "hflip";
	return ret_clip(out, avs_clip_filter(ev, ARG_CLIP(a, 0), "%s", f));
}

static int
fn_turn(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	struct avs_clip	*in = ARG_CLIP(a, 0), *c;
	int		 left = strcasecmp(fname(a), "TurnLeft") == 0;

	if (in->log2_chroma_w != in->log2_chroma_h)
		return avs_error(ev, a->call, "%s: %s cannot be turned",
		    fname(a), in->pix_fmt);
	c = avs_clip_filter(ev, in, "transpose=dir=%s", left ? "cclock" :
	    "clock");
	c->sar_kept = 0;
	c->width = in->height;
	c->height = in->width;
	return ret_clip(out, c);
}

/* Clip properties --------------------------------------------------------- */

static int
fn_property(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	const struct avs_clip	*c = ARG_CLIP(a, 0);
	const char		*n = fname(a);

	(void)ev;
	out->type = AVS_V_INT;
	if (strcasecmp(n, "Width") == 0)
		out->num = c->width;
	else if (strcasecmp(n, "Height") == 0)
		out->num = c->height;
	else if (strcasecmp(n, "FrameCount") == 0)
		out->num = (double)c->frames;
	else if (strcasecmp(n, "FrameRateNumerator") == 0)
		out->num = c->fps_num;
	else if (strcasecmp(n, "FrameRateDenominator") == 0)
		out->num = c->fps_den;
	else {
		out->type = AVS_V_FLOAT;
		out->num = (double)c->fps_num / c->fps_den;
	}
	return 0;
}

#define RESIZE_ARGS \
	"clip:c,target_width:I,target_height:I,src_left:f,src_top:f," \
	"src_width:f,src_height:f"

static const struct avs_func funcs[] = {
	{ "AudioDub", "video:C,audio:C", fn_audiodub, 0 },
	{ "Import", "path:S", fn_import, 0 },
	{ "Trim", "clip:c,first_frame:i,last_frame:i,pad:b,length:i,end:i",
	    fn_trim, 0 },
	{ "Crop", "clip:c,left:I,top:I,width:I,height:I,align:b", fn_crop,
	    0 },
	{ "Spline16Resize", RESIZE_ARGS, fn_resize, 0 },
	{ "Spline36Resize", RESIZE_ARGS, fn_resize, 0 },
	{ "Spline64Resize", RESIZE_ARGS, fn_resize, 0 },
	{ "LanczosResize", RESIZE_ARGS ",taps:i", fn_resize, 0 },
	{ "Lanczos4Resize", RESIZE_ARGS, fn_resize, 0 },
	{ "BilinearResize", RESIZE_ARGS, fn_resize, 0 },
	{ "PointResize", RESIZE_ARGS, fn_resize, 0 },
	{ "BicubicResize", "clip:c,target_width:I,target_height:I,b:f,c:f,"
	    "src_left:f,src_top:f,src_width:f,src_height:f", fn_resize, 0 },
	{ "ConvertToYV12", "clip:c,interlaced:b,matrix:s", fn_yv12, 1 },
	{ "ConvertToYUV420", "clip:c,interlaced:b,matrix:s", fn_yuv420, 1 },
	{ "ConvertBits", "clip:c,bits:I", fn_bits, 1 },
	{ "AssumeFPS", "clip:c,numerator:.,denominator:i,sync_audio:b",
	    fn_assumefps, 0 },
	{ "ChangeFPS", "clip:c,numerator:.,denominator:i,linear:b",
	    fn_changefps, 0 },
	{ "SelectEven", "clip:c", fn_select, 0 },
	{ "SelectOdd", "clip:c", fn_select, 0 },
	{ "ReduceBy2", "clip:c", fn_reduceby2, 0 },
	{ "FlipVertical", "clip:c", fn_flip, 0 },
	{ "FlipHorizontal", "clip:c", fn_flip, 0 },
	{ "TurnLeft", "clip:c", fn_turn, 0 },
	{ "TurnRight", "clip:c", fn_turn, 0 },
	{ "LoadPlugin", "path:s", fn_noted, 1 },
	{ "LoadCPlugin", "path:s", fn_noted, 1 },
	{ "SetMemoryMax", "mb:i", fn_noted, 1 },
	{ "SetMTMode", "mode:i", fn_noted, 1 },
	{ "SetFilterMTMode", "filter:s", fn_noted, 1 },
	{ "Prefetch", "clip:c,threads:i", fn_noted, 1 },
	{ "Width", "clip:c", fn_property, 0 },
	{ "Height", "clip:c", fn_property, 0 },
	{ "FrameCount", "clip:c", fn_property, 0 },
	{ "FrameRate", "clip:c", fn_property, 0 },
	{ "FrameRateNumerator", "clip:c", fn_property, 0 },
	{ "FrameRateDenominator", "clip:c", fn_property, 0 },
};

const struct avs_func *
avs_func_find(const char *name)
{
	const struct avs_func	*f;
	size_t			 i;

	if ((f = avs_source_find(name)) != NULL)
		return f;
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcasecmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}
