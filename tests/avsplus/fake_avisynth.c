/*
 * A stand-in for AviSynth+'s libavisynth.so, for the tests: the few
 * entries of the C interface distenc uses, serving a made-up clip.
 *
 * Import(path) reads the script and looks for
 *	FakeClip(WIDTH, HEIGHT, FRAMES, FPSNUM, FPSDEN, RATE, CHANNELS, BITS)
 * anywhere in it (every other line is accepted, as AviSynth+ with its
 * plugins would); a script holding "Error(" fails as AviSynth+ reports
 * errors.  Frame n of a BITS-bit 4:2:0 clip has Y = (n + x + y) modulo
 * 2^BITS, U = 128 - n % 64 and V = 64 + n % 64 (times 2^(BITS-8)); its
 * audio, 16-bit, has sample i of channel c = (i % 100) * 100 + c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct AVS_Value {
	short	type;
	short	array_size;
	union {
		void		*clip;
		char		 boolean;
		int		 integer;
		float		 floating_pt;
		const char	*string;
		const struct AVS_Value *array;
		int64_t		 longlong;
		double		 double_pt;
	} d;
} AVS_Value;

typedef struct {
	int		width, height;
	unsigned	fps_numerator, fps_denominator;
	int		num_frames;
	int		pixel_type;
	int		audio_samples_per_second;
	int		sample_type;
	int64_t		num_audio_samples;
	int		nchannels;
	int		image_type;
} AVS_VideoInfo;

struct fake_frame {
	int		 n;
	int		 pitch[3];
	uint8_t		*plane[3];
};

typedef struct AVS_Clip {
	AVS_VideoInfo	 vi;
	int		 bits;
	const char	*error;
} AVS_Clip;

typedef struct AVS_ScriptEnvironment {
	char	error[256];
} AVS_ScriptEnvironment;

#define CS_YV12		0xA0000008
#define CS_YUV420P10	(0xA0000008 | (5 << 16))

AVS_ScriptEnvironment *
avs_create_script_environment(int version)
{
	(void)version;
	return calloc(1, sizeof(AVS_ScriptEnvironment));
}

void
avs_delete_script_environment(AVS_ScriptEnvironment *env)
{
	free(env);
}

const char *
avs_get_error(AVS_ScriptEnvironment *env)
{
	return env->error[0] != '\0' ? env->error : NULL;
}

/* Read the script and make its clip. */
static AVS_Clip *
fake_import(AVS_ScriptEnvironment *env, const char *path)
{
	AVS_Clip	*c;
	char		 text[65536], *p;
	size_t		 n;
	FILE		*f;
	int		 v[8];

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(env->error, sizeof(env->error), "Import: couldn't "
		    "open \"%s\"", path);
		return NULL;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (strstr(text, "Error(") != NULL) {
		snprintf(env->error, sizeof(env->error), "Script error: "
		    "there is no function named \"Error\"\n(%s, line 1)", path);
		return NULL;
	}
	if ((p = strstr(text, "FakeClip(")) == NULL ||
	    sscanf(p, "FakeClip(%d, %d, %d, %d, %d, %d, %d, %d)", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) {
		snprintf(env->error, sizeof(env->error), "Script error: the "
		    "script's return value was not a video clip");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	c->vi.width = v[0];
	c->vi.height = v[1];
	c->vi.num_frames = v[2];
	c->vi.fps_numerator = v[3];
	c->vi.fps_denominator = v[4];
	c->bits = v[7];
	c->vi.pixel_type = v[7] == 10 ? (int)CS_YUV420P10 : (int)CS_YV12;
	c->vi.audio_samples_per_second = v[5];
	c->vi.nchannels = v[6];
	c->vi.sample_type = 2;	/* 16-bit */
	if (v[5] > 0)
		c->vi.num_audio_samples = (int64_t)v[2] * v[5] * v[4] / v[3];
	return c;
}

AVS_Value
avs_invoke(AVS_ScriptEnvironment *env, const char *name, AVS_Value args,
    const char **names)
{
	AVS_Value	 r;
	AVS_Clip	*c;

	(void)names;
	memset(&r, 0, sizeof(r));
	if (strcmp(name, "Import") != 0 || args.type != 's') {
		snprintf(env->error, sizeof(env->error), "no function %s",
		    name);
		r.type = 'e';
		r.d.string = env->error;
		return r;
	}
	if ((c = fake_import(env, args.d.string)) == NULL) {
		r.type = 'e';
		r.d.string = env->error;
		return r;
	}
	r.type = 'c';
	r.d.clip = c;
	return r;
}

AVS_Clip *
avs_take_clip(AVS_Value v, AVS_ScriptEnvironment *env)
{
	AVS_Clip	*c;

	(void)env;
	c = malloc(sizeof(*c));
	memcpy(c, v.d.clip, sizeof(*c));
	return c;
}

void
avs_release_value(AVS_Value v)
{
	if (v.type == 'c')
		free(v.d.clip);
}

void
avs_release_clip(AVS_Clip *c)
{
	free(c);
}

const AVS_VideoInfo *
avs_get_video_info(AVS_Clip *c)
{
	return &c->vi;
}

const char *
avs_clip_get_error(AVS_Clip *c)
{
	return c->error;
}

static void
fake_fill(struct fake_frame *f, const AVS_Clip *c, int p)
{
	int	w = p == 0 ? c->vi.width : c->vi.width / 2;
	int	h = p == 0 ? c->vi.height : c->vi.height / 2;
	int	x, y, val, max = (1 << c->bits) - 1, shift = c->bits - 8;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			if (p == 0)
				val = (f->n + x + y) & max;
			else if (p == 1)
				val = (128 - f->n % 64) << shift;
			else
				val = (64 + f->n % 64) << shift;
			if (c->bits > 8)
				((uint16_t *)(f->plane[p] +
				    y * f->pitch[p]))[x] = (uint16_t)val;
			else
				f->plane[p][y * f->pitch[p] + x] = (uint8_t)val;
		}
}

/* A frame with padded rows, as AviSynth+ aligns them. */
void *
avs_get_frame(AVS_Clip *c, int n)
{
	struct fake_frame	*f;
	int			 p, bps = c->bits > 8 ? 2 : 1;

	if (n < 0 || n >= c->vi.num_frames) {
		c->error = "frame out of range";
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	f->n = n;
	for (p = 0; p < 3; p++) {
		f->pitch[p] = ((p == 0 ? c->vi.width : c->vi.width / 2) * bps +
		    63) / 64 * 64 + 32;
		f->plane[p] = calloc(f->pitch[p], c->vi.height);
		fake_fill(f, c, p);
	}
	return f;
}

static int
fake_plane(int plane)
{
	return plane == 1 ? 0 : plane == 2 ? 1 : 2;	/* Y=1, U=2, V=4 */
}

const uint8_t *
avs_get_read_ptr_p(const void *frame, int plane)
{
	const struct fake_frame	*f = frame;

	return f->plane[fake_plane(plane)];
}

int
avs_get_pitch_p(const void *frame, int plane)
{
	const struct fake_frame	*f = frame;

	return f->pitch[fake_plane(plane)];
}

void
avs_release_video_frame(void *frame)
{
	struct fake_frame	*f = frame;
	int			 p;

	for (p = 0; p < 3; p++)
		free(f->plane[p]);
	free(f);
}

int
avs_get_audio(AVS_Clip *c, void *buf, int64_t start, int64_t count)
{
	int16_t	*s = buf;
	int64_t	 i;
	int	 ch;

	if (start < 0 || start + count > c->vi.num_audio_samples)
		return -1;
	for (i = 0; i < count; i++)
		for (ch = 0; ch < c->vi.nchannels; ch++)
			*s++ = (int16_t)(((start + i) % 100) * 100 + ch);
	return 0;
}
