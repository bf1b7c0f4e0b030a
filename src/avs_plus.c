/*
 * AviSynth+ through its C interface, loaded with dlopen when
 * libavisynth.so is installed (or a versioned libavisynth.so.N, as
 * distributions ship it without its development package, or the library
 * the configuration names): nothing of it is needed to build.  The few
 * entries used are declared here as the C interface (avisynth_c.h)
 * defines them.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs.h"
#include "log.h"
#include "xmalloc.h"

#define AVSPLUS_LIBRARY		"libavisynth.so"
#define AVSPLUS_VERSION_MAX	15	/* libavisynth.so.N tried down to 3 */
#define AVSPLUS_VERSION_MIN	3
#define AVSPLUS_INTERFACE	6	/* the 2.6 C interface */

/* AVS_Value: a type letter ('c' clip, 's' string, 'e' error, ...). */
typedef struct avs_value_c {
	short	type;
	short	array_size;
	union {
		void			*clip;
		char			 boolean;
		int			 integer;
		float			 floating_pt;
		const char		*string;
		const struct avs_value_c *array;
		int64_t			 longlong;
		double			 double_pt;
	} d;
} avs_value_c;

/* AVS_VideoInfo. */
typedef struct {
	int		width;
	int		height;
	unsigned	fps_numerator;
	unsigned	fps_denominator;
	int		num_frames;
	int		pixel_type;
	int		audio_samples_per_second;
	int		sample_type;
	int64_t		num_audio_samples;
	int		nchannels;
	int		image_type;
} avs_video_info_c;

#define AVS_DEFAULT_PLANE	0
#define AVS_PLANAR_Y		(1 << 0)
#define AVS_PLANAR_U		(1 << 1)
#define AVS_PLANAR_V		(1 << 2)
#define AVS_CS_RGB_TYPE		(1 << 0)
#define AVS_CS_RGBA_TYPE	(1 << 1)
#define AVS_CS_YUVA		(1 << 27)
#define AVS_CS_BGR		(1 << 28)
#define AVS_CS_YUV		(1 << 29)
#define AVS_CS_INTERLEAVED	(1 << 30)
#define AVS_CS_PLANAR		(1U << 31)
#define AVS_CS_YUY2		((1 << 2) | AVS_CS_YUV | AVS_CS_INTERLEAVED)
#define AVS_CS_BGR24		(AVS_CS_RGB_TYPE | AVS_CS_BGR | \
				    AVS_CS_INTERLEAVED)
#define AVS_CS_BGR32		(AVS_CS_RGBA_TYPE | AVS_CS_BGR | \
				    AVS_CS_INTERLEAVED)
#define AVS_CS_GENERIC_Y	(AVS_CS_PLANAR | AVS_CS_INTERLEAVED | \
				    AVS_CS_YUV)
#define AVS_CS_SAMPLE_BITS(pt)	(((pt) >> 16) & 7)

struct avsplus_api {
	void		*dl;
	void		*(*create_script_environment)(int);
	avs_value_c	 (*invoke)(void *, const char *, avs_value_c,
			    const char **);
	void		*(*take_clip)(avs_value_c, void *);
	const avs_video_info_c *(*get_video_info)(void *);
	void		*(*get_frame)(void *, int);
	const uint8_t	*(*get_read_ptr_p)(const void *, int);
	int		 (*get_pitch_p)(const void *, int);
	void		 (*release_video_frame)(void *);
	int		 (*get_audio)(void *, void *, int64_t, int64_t);
	void		 (*release_clip)(void *);
	void		 (*release_value)(avs_value_c);
	void		 (*delete_script_environment)(void *);
	const char	*(*get_error)(void *);
	const char	*(*clip_get_error)(void *);
};

struct avsplus {
	void		*env;
	void		*clip;
	void		*frame;
	avs_video_info_c vi;
	enum avsplus_layout layout;
};

static struct avsplus_api	api;
static int			api_state;	/* 0 untried, 1 loaded, -1 no */
static char			*api_path;	/* the library set, NULL: search */
static char			 api_name[64];	/* the library loaded */

/* The library to load ("" or NULL: search the usual names). */
void
avsplus_library(const char *path)
{
	free(api_path);
	api_path = path != NULL && *path != '\0' ? xstrdup(path) : NULL;
}

/* Look up every entry; 0 when all are there. */
static int
avsplus_syms(void)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} syms[] = {
#define SYM(n) { "avs_" #n, offsetof(struct avsplus_api, n) }
		SYM(create_script_environment), SYM(invoke), SYM(take_clip),
		SYM(get_video_info), SYM(get_frame), SYM(get_read_ptr_p),
		SYM(get_pitch_p), SYM(release_video_frame), SYM(get_audio),
		SYM(release_clip), SYM(release_value),
		SYM(delete_script_environment), SYM(get_error),
		SYM(clip_get_error),
#undef SYM
	};
	size_t	i;
	void	*p;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((p = dlsym(api.dl, syms[i].name)) == NULL) {
			log_info("%s has no %s: not using it",
			    api_name, syms[i].name);
			return -1;
		}
		memcpy((char *)&api + syms[i].off, &p, sizeof(p));
	}
	return 0;
}

/* Open the library: the one set, or the first of the usual names. */
static void *
avsplus_dlopen(void)
{
	void	*dl;
	int	 n;

	if (api_path != NULL) {
		snprintf(api_name, sizeof(api_name), "%s", api_path);
		if ((dl = dlopen(api_path, RTLD_NOW | RTLD_LOCAL)) == NULL)
			log_warnx("avisynth_library %s: %s", api_path,
			    dlerror());
		return dl;
	}
	snprintf(api_name, sizeof(api_name), "%s", AVSPLUS_LIBRARY);
	if ((dl = dlopen(api_name, RTLD_NOW | RTLD_LOCAL)) != NULL)
		return dl;
	for (n = AVSPLUS_VERSION_MAX; n >= AVSPLUS_VERSION_MIN; n--) {
		snprintf(api_name, sizeof(api_name), "%s.%d",
		    AVSPLUS_LIBRARY, n);
		if ((dl = dlopen(api_name, RTLD_NOW | RTLD_LOCAL)) != NULL)
			return dl;
	}
	return NULL;
}

/* Whether AviSynth+ can be loaded (tried once). */
int
avsplus_available(void)
{
	if (api_state != 0)
		return api_state == 1;
	api_state = -1;
	if ((api.dl = avsplus_dlopen()) == NULL)
		return 0;
	if (avsplus_syms() != 0) {
		dlclose(api.dl);
		api.dl = NULL;
		return 0;
	}
	log_debug("AviSynth+ loaded (%s): scripts run there", api_name);
	api_state = 1;
	return 1;
}

/* Depth and subsampling of a planar YUV pixel type (its alpha plane
 * aside); -1 for others. */
static int
avsplus_planar(unsigned upt, struct avsplus_info *i)
{
	static const int	sub[8] = { 1, 2, 0, 0, 0, 0, 0, 0 };

	if (!(upt & AVS_CS_PLANAR) || !(upt & (AVS_CS_YUV | AVS_CS_YUVA)) ||
	    (upt & AVS_CS_INTERLEAVED) || (upt & AVS_CS_BGR))
		return -1;
	i->layout = AVSPLUS_YUV;
	i->alpha = (upt & AVS_CS_YUVA) != 0;
	i->log2_chroma_w = sub[upt & 7];
	i->log2_chroma_h = sub[(upt >> 8) & 7];
	if ((upt & 7) == 3)
		i->log2_chroma_w = 0;
	if (((upt >> 8) & 7) == 3)
		i->log2_chroma_h = 0;
	return 0;
}

/* The layout and depth of a pixel type; -1 for one not taken (planar
 * RGB, 32-bit float samples). */
static int
avsplus_format(int pt, struct avsplus_info *i)
{
	static const int	bits[8] = { 8, 16, 32, 0, 0, 10, 12, 14 };
	unsigned		upt = (unsigned)pt;

	i->depth = bits[AVS_CS_SAMPLE_BITS(upt)];
	if ((upt & AVS_CS_GENERIC_Y) == AVS_CS_GENERIC_Y)
		i->layout = AVSPLUS_Y;
	else if (upt == AVS_CS_YUY2)
		i->layout = AVSPLUS_YUY2;
	else if (upt == AVS_CS_BGR24)
		i->layout = AVSPLUS_BGR24;
	else if (upt == AVS_CS_BGR32)
		i->layout = AVSPLUS_BGR32;
	else if (avsplus_planar(upt, i) != 0)
		return -1;
	if (i->layout == AVSPLUS_YUY2 || i->layout == AVSPLUS_BGR24 ||
	    i->layout == AVSPLUS_BGR32)
		i->depth = 8;
	return i->depth == 0 || i->depth == 32 ? -1 : 0;
}

/* AviSynth+'s messages on one line: "error\n(file, line 3)". */
static void
avsplus_one_line(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

/* Import a script into a new environment; info describes its clip. */
struct avsplus *
avsplus_open(const char *path, struct avsplus_info *info, char **cause)
{
	struct avsplus	*a;
	avs_value_c	 arg, res;

	a = xcalloc(1, sizeof(*a));
	if ((a->env = api.create_script_environment(AVSPLUS_INTERFACE)) ==
	    NULL) {
		xasprintf(cause, "%s: AviSynth+ would not start", path);
		free(a);
		return NULL;
	}
	memset(&arg, 0, sizeof(arg));
	arg.type = 's';
	arg.d.string = path;
	res = api.invoke(a->env, "Import", arg, NULL);
	if (res.type == 'e' || res.type != 'c') {
		xasprintf(cause, "%s: AviSynth+: %s", path, res.type == 'e' &&
		    res.d.string != NULL ? res.d.string :
		    "the script's value is not a clip");
		avsplus_one_line(*cause);
		api.release_value(res);
		avsplus_close(a);
		return NULL;
	}
	a->clip = api.take_clip(res, a->env);
	api.release_value(res);
	a->vi = *api.get_video_info(a->clip);
	memset(info, 0, sizeof(*info));
	info->width = a->vi.width;
	info->height = a->vi.height;
	info->fps_num = (int)a->vi.fps_numerator;
	info->fps_den = (int)a->vi.fps_denominator;
	info->frames = a->vi.num_frames;
	info->pixel_type = a->vi.pixel_type;
	info->sample_rate = a->vi.audio_samples_per_second;
	info->sample_type = a->vi.sample_type;
	info->channels = a->vi.nchannels;
	info->samples = a->vi.num_audio_samples;
	if (info->width <= 0 || info->frames <= 0 || info->fps_num <= 0 ||
	    info->fps_den <= 0 || avsplus_format(a->vi.pixel_type,
	    info) != 0) {
		xasprintf(cause, "%s: AviSynth+ gives no video this program "
		    "takes (pixel type %#x, %d frames)", path,
		    (unsigned)a->vi.pixel_type, a->vi.num_frames);
		avsplus_close(a);
		return NULL;
	}
	a->layout = info->layout;
	return a;
}

/* Frame n's planes, until avsplus_frame_done. */
int
avsplus_frame(struct avsplus *a, int64_t n, uint8_t *planes[3],
    int pitch[3], char **cause)
{
	static const int	id[3] = { AVS_PLANAR_Y, AVS_PLANAR_U,
				    AVS_PLANAR_V };
	const char		*err;
	int			 p;

	avsplus_frame_done(a);
	a->frame = api.get_frame(a->clip, (int)n);
	if ((err = api.clip_get_error(a->clip)) != NULL || a->frame == NULL) {
		xasprintf(cause, "AviSynth+: frame %lld: %s", (long long)n,
		    err != NULL ? err : "no frame");
		avsplus_frame_done(a);
		return -1;
	}
	memset(planes, 0, 3 * sizeof(*planes));
	memset(pitch, 0, 3 * sizeof(*pitch));
	if (a->layout != AVSPLUS_YUV && a->layout != AVSPLUS_Y) {
		planes[0] = (uint8_t *)api.get_read_ptr_p(a->frame,
		    AVS_DEFAULT_PLANE);
		pitch[0] = api.get_pitch_p(a->frame, AVS_DEFAULT_PLANE);
		return 0;
	}
	for (p = 0; p < (a->layout == AVSPLUS_Y ? 1 : 3); p++) {
		planes[p] = (uint8_t *)api.get_read_ptr_p(a->frame, id[p]);
		pitch[p] = api.get_pitch_p(a->frame, id[p]);
	}
	return 0;
}

void
avsplus_frame_done(struct avsplus *a)
{
	if (a->frame != NULL)
		api.release_video_frame(a->frame);
	a->frame = NULL;
}

/* count samples from start, interleaved, in the clip's sample type. */
int
avsplus_audio(struct avsplus *a, void *buf, int64_t start, int64_t count,
    char **cause)
{
	const char	*err;

	if (api.get_audio(a->clip, buf, start, count) != 0) {
		err = api.clip_get_error(a->clip);
		xasprintf(cause, "AviSynth+: audio at sample %lld: %s",
		    (long long)start, err != NULL ? err : "failed");
		return -1;
	}
	return 0;
}

void
avsplus_close(struct avsplus *a)
{
	if (a == NULL)
		return;
	avsplus_frame_done(a);
	if (a->clip != NULL)
		api.release_clip(a->clip);
	if (a->env != NULL)
		api.delete_script_environment(a->env);
	free(a);
}
