/*
 * AviSynth+ through its C interface, loaded with dlopen when
 * libavisynth.so is installed: nothing of it is needed to build.  The
 * few entries used are declared here as the C interface (avisynth_c.h)
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

#define AVS_PLANAR_Y		(1 << 0)
#define AVS_PLANAR_U		(1 << 1)
#define AVS_PLANAR_V		(1 << 2)
#define AVS_CS_YUV		(1 << 29)
#define AVS_CS_INTERLEAVED	(1 << 30)
#define AVS_CS_PLANAR		(1U << 31)
#define AVS_CS_BGR		(1 << 28)

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
};

static struct avsplus_api	api;
static int			api_state;	/* 0 untried, 1 loaded, -1 no */

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
			    AVSPLUS_LIBRARY, syms[i].name);
			return -1;
		}
		memcpy((char *)&api + syms[i].off, &p, sizeof(p));
	}
	return 0;
}

/* Whether AviSynth+ can be loaded (tried once). */
int
avsplus_available(void)
{
	if (api_state != 0)
		return api_state == 1;
	api_state = -1;
	if ((api.dl = dlopen(AVSPLUS_LIBRARY, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return 0;
	if (avsplus_syms() != 0) {
		dlclose(api.dl);
		api.dl = NULL;
		return 0;
	}
	log_debug("AviSynth+ loaded: scripts run there");
	api_state = 1;
	return 1;
}

/* Depth and subsampling of a planar YUV pixel type; -1 for others. */
static int
avsplus_format(int pt, struct avsplus_info *i)
{
	static const int	bits[8] = { 8, 16, 32, 0, 0, 10, 12, 14 };
	static const int	sub[8] = { 1, 2, 0, 0, 0, 0, 0, 0 };
	unsigned		upt = (unsigned)pt;

	if (!(upt & AVS_CS_PLANAR) || !(upt & AVS_CS_YUV) ||
	    (upt & AVS_CS_INTERLEAVED) || (upt & AVS_CS_BGR))
		return -1;
	i->depth = bits[(upt >> 16) & 7];
	i->log2_chroma_w = sub[upt & 7];
	i->log2_chroma_h = sub[(upt >> 8) & 7];
	if ((upt & 7) == 3)
		i->log2_chroma_w = 0;
	if (((upt >> 8) & 7) == 3)
		i->log2_chroma_h = 0;
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
	for (p = 0; p < 3; p++) {
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
