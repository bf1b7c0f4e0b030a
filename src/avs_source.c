/*
 * The built-in interpreter's sources: the source functions of the usual
 * plugins (FFMS2, L-SMASH Works, AviSource, DirectShowSource), all read
 * with libavformat.  Their arguments that do not change the frames are
 * accepted; those that would (another track, a size, a format) fail with
 * AviSynth+ offered.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avs_local.h"
#include "xmalloc.h"

/* A source's audio alone. */
static int
fn_audio_only(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	if (avs_source(ev, a->call, ARG_STR(a, 0), 0, 1, out) != 0)
		return -1;
	if (!out->clip->has_audio)
		return avs_error(ev, a->call, "%s: %s has no audio",
		    fname(a), ARG_STR(a, 0));
	return 0;
}

/* An argument that would change what a source gives, which the built-in
 * interpreter does not do. */
static int
unsupported(struct avs_eval *ev, struct avs_args *a, int i)
{
	char	names[AVS_MAX_ARGS][24];

	avs_param_names(a->func, names);
	return avs_error(ev, a->call, "%s: %s= is not done by the built-in "
	    "interpreter%s", fname(a), names[i], avs_hint());
}

/* Whether argument i is given with another value than def. */
static int
int_not(const struct avs_args *a, int i, long long def)
{
	return ARG_SET(a, i) && ARG_INT(a, i) != def;
}

static int
str_given(const struct avs_args *a, int i)
{
	return ARG_SET(a, i) && ARG_STR(a, i)[0] != '\0';
}

/* The first of the arguments listed (-1 ends) that is given, or -1. */
static int
any_given(const struct avs_args *a, const int *list)
{
	for (; *list >= 0; list++)
		if (ARG_SET(a, *list))
			return *list;
	return -1;
}

/* FFVideoSource's and FFmpegSource2's fpsnum and fpsden: a constant
 * rate by the times. */
static int
ffms_fps(struct avs_eval *ev, struct avs_args *a, int inum, int iden,
    struct avs_value *out)
{
	struct avs_clip	*c = out->clip;
	long long	 num, den;

	if (!ARG_SET(a, inum) || ARG_INT(a, inum) <= 0)
		return 0;
	num = ARG_INT(a, inum);
	den = ARG_SET(a, iden) ? ARG_INT(a, iden) : 1;
	if (den <= 0 || num > 1000000 || den > 1000000)
		return avs_error(ev, a->call, "%s: bad fpsnum or fpsden",
		    fname(a));
	if (num * c->fps_den == den * c->fps_num)
		return 0;
	return ret_clip(out, avs_change_fps(ev, c, num, den));
}

static int
fn_ffvideo(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	static const int	refused[] = { 9, 10, 11, 13, -1 };
	int			i;

	if (int_not(a, 1, -1))
		return unsupported(ev, a, 1);
	if ((i = any_given(a, refused)) >= 0 && (i == 13 ? str_given(a, i) :
	    i == 9 ? int_not(a, i, 0) : int_not(a, i, -1)))
		return unsupported(ev, a, i);
	if (avs_source(ev, a->call, ARG_STR(a, 0), 1, 0, out) != 0)
		return -1;
	return ffms_fps(ev, a, 4, 5, out);
}

/* FFmpegSource2: its video, and its audio with atrack -1. */
static int
fn_ffms2(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	static const int	refused[] = { 11, 12, 14, 15, -1 };
	int			i;

	if (int_not(a, 1, -1))
		return unsupported(ev, a, 1);
	if (ARG_SET(a, 2) && ARG_INT(a, 2) != -1 && ARG_INT(a, 2) != -2)
		return unsupported(ev, a, 2);
	if ((i = any_given(a, refused)) >= 0 && (i == 14 ? str_given(a, i) :
	    i == 15 ? int_not(a, i, 0) : int_not(a, i, -1)))
		return unsupported(ev, a, i);
	if (avs_source(ev, a->call, ARG_STR(a, 0), 1, ARG_SET(a, 2) &&
	    ARG_INT(a, 2) == -1, out) != 0)
		return -1;
	return ffms_fps(ev, a, 5, 6, out);
}

/* LWLibavVideoSource: its first video stream. */
static int
fn_lwlibav(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	if (int_not(a, 1, -1))
		return unsupported(ev, a, 1);
	if (int_not(a, 8, 0))
		return unsupported(ev, a, 8);
	if (str_given(a, 11))
		return unsupported(ev, a, 11);
	return avs_source(ev, a->call, ARG_STR(a, 0), 1, 0, out);
}

/* LSMASHVideoSource: its first video track. */
static int
fn_lsmash(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	if (int_not(a, 1, 0))
		return unsupported(ev, a, 1);
	if (int_not(a, 6, 0))
		return unsupported(ev, a, 6);
	if (str_given(a, 8))
		return unsupported(ev, a, 8);
	return avs_source(ev, a->call, ARG_STR(a, 0), 1, 0, out);
}

/* Whether a pixel_type= asks for anything but the source's own. */
static int
pixel_type_given(const struct avs_args *a, int i)
{
	return str_given(a, i) && strcasecmp(ARG_STR(a, i), "FULL") != 0;
}

/* AviSource: video with its audio (audio=false: without). */
static int
fn_avisource(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	if (pixel_type_given(a, 2))
		return unsupported(ev, a, 2);
	if (int_not(a, 4, 0))
		return unsupported(ev, a, 4);
	if (int_not(a, 5, 0))
		return unsupported(ev, a, 5);
	return avs_source(ev, a->call, ARG_STR(a, 0), 1, !ARG_SET(a, 1) ||
	    ARG_NUM(a, 1) != 0, out);
}

/* DirectShowSource: video with its audio; audio=false without it,
 * video=false the audio alone; fps= only as the source's own rate. */
static int
fn_dshow(struct avs_eval *ev, struct avs_args *a, struct avs_value *out)
{
	if (pixel_type_given(a, 8))
		return unsupported(ev, a, 8);
	if (ARG_SET(a, 9))
		return unsupported(ev, a, 9);
	if (ARG_SET(a, 4) && ARG_NUM(a, 4) == 0)
		return fn_audio_only(ev, a, out);
	if (avs_source(ev, a->call, ARG_STR(a, 0), 1, !ARG_SET(a, 3) ||
	    ARG_NUM(a, 3) != 0, out) != 0)
		return -1;
	if (ARG_SET(a, 1) && fabs(ARG_NUM(a, 1) - (double)out->clip->fps_num /
	    out->clip->fps_den) > 0.0005 * ARG_NUM(a, 1))
		return unsupported(ev, a, 1);
	return 0;
}

/* FFAudioSource and LWLibavAudioSource: the first audio track. */
static int
fn_audio_source(struct avs_eval *ev, struct avs_args *a,
    struct avs_value *out)
{
	int	ff = fname(a)[0] == 'F' || fname(a)[0] == 'f';

	if (int_not(a, 1, -1))
		return unsupported(ev, a, 1);
	if (ff && int_not(a, 4, -1))
		return unsupported(ev, a, 4);
	if (!ff && str_given(a, 5))
		return unsupported(ev, a, 5);
	if (!ff && int_not(a, 6, 0))
		return unsupported(ev, a, 6);
	return fn_audio_only(ev, a, out);
}

#define FFMS_INDEX \
	"cache:-,cachefile:-"

static const struct avs_func sources[] = {
	{ "FFVideoSource", "source:S,track:i," FFMS_INDEX ",fpsnum:i,"
	    "fpsden:i,threads:-,timecodes:-,seekmode:-,rffmode:i,width:i,"
	    "height:i,resizer:-,colorspace:s,varprefix:-", fn_ffvideo, 0 },
	{ "FFmpegSource2", "source:S,vtrack:i,atrack:i," FFMS_INDEX
	    ",fpsnum:i,fpsden:i,threads:-,timecodes:-,seekmode:-,overwrite:-,"
	    "width:i,height:i,resizer:-,colorspace:s,rffmode:i,adjustdelay:-,"
	    "utf8:-,varprefix:-", fn_ffms2, 0 },
	{ "FFMS2", "source:S,vtrack:i,atrack:i," FFMS_INDEX
	    ",fpsnum:i,fpsden:i,threads:-,timecodes:-,seekmode:-,overwrite:-,"
	    "width:i,height:i,resizer:-,colorspace:s,rffmode:i,adjustdelay:-,"
	    "utf8:-,varprefix:-", fn_ffms2, 0 },
	{ "LWLibavVideoSource", "source:S,stream_index:i,threads:-,cache:-,"
	    "cachefile:-,seek_mode:-,seek_threshold:-,dr:-,fpsnum:i,fpsden:-,"
	    "variable:-,format:s,decoder:-,prefer_hw:-,ff_loglevel:-,"
	    "cachedir:-", fn_lwlibav, 0 },
	{ "LSMASHVideoSource", "source:S,track:i,threads:-,seek_mode:-,"
	    "seek_threshold:-,dr:-,fpsnum:i,fpsden:-,format:s,decoder:-,"
	    "prefer_hw:-,ff_loglevel:-", fn_lsmash, 0 },
	{ "AviSource", "filename:S,audio:b,pixel_type:s,fourCC:-,vtrack:i,"
	    "atrack:i,utf8:-", fn_avisource, 0 },
	{ "DirectShowSource", "filename:S,fps:f,seek:-,audio:b,video:b,"
	    "convertfps:-,seekzero:-,timeout:-,pixel_type:s,framecount:i,"
	    "logfile:-,logmask:-", fn_dshow, 0 },
	{ "FFAudioSource", "source:S,track:i," FFMS_INDEX ",adjustdelay:i,"
	    "utf8:-,varprefix:-,fill_gaps:-,drc_scale:-", fn_audio_source, 0 },
	{ "LWLibavAudioSource", "source:S,stream_index:i,cache:-,cachefile:-,"
	    "av_sync:-,layout:s,rate:i,decoder:-,ff_loglevel:-,cachedir:-",
	    fn_audio_source, 0 },
};

const struct avs_func *
avs_source_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcasecmp(sources[i].name, name) == 0)
			return &sources[i];
	return NULL;
}
