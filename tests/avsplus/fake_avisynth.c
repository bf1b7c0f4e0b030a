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
 *
 * LoadPlugin("NAME.so") loads NAME.so (relative to the script's folder)
 * with dlopen(3), as AviSynth+ does on Linux, and fails as it does when
 * that fails; other plugin names are accepted.
 *
 * Two more lines change the clip, as AviSynth+'s own formats would:
 *	FakeFormat(NAME)	NAME one of YV12 (the default), YUY2 (the same
 *				Y, U and V, 4:2:2, packed), Y8 (the Y alone),
 *				YUVA420 (YV12 and an alpha plane), RGB24 and
 *				RGB32 (B = (n + x) % 256, G = 2y % 256,
 *				R = (x + y) % 256, A = 255; rows bottom up)
 *	FakeAudio(BITS, FRAMES)	the audio 8-bit (unsigned: sample i of
 *				channel c = 128 + (i % 100) - 50 + c) or
 *				16-bit, FRAMES video frames long
 */
#include <dlfcn.h>
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
	int		 pitch[4];
	uint8_t		*plane[4];
};

enum fake_format { FAKE_YV12, FAKE_YUY2, FAKE_Y8, FAKE_YUVA, FAKE_RGB24,
	FAKE_RGB32 };

typedef struct AVS_Clip {
	AVS_VideoInfo	 vi;
	int		 bits;
	enum fake_format format;
	const char	*error;
} AVS_Clip;

typedef struct AVS_ScriptEnvironment {
	char	error[256];
} AVS_ScriptEnvironment;

#define CS_YV12		0xA0000008
#define CS_YUV420P10	(0xA0000008 | (5 << 16))
#define CS_YUY2		((1 << 2) | (1 << 29) | (1 << 30))
#define CS_Y8		((1U << 31) | (1 << 30) | (1 << 29))
#define CS_YUVA420	((1U << 31) | (1 << 27) | (1 << 3))
#define CS_BGR24	((1 << 0) | (1 << 28) | (1 << 30))
#define CS_BGR32	((1 << 1) | (1 << 28) | (1 << 30))

static const struct {
	const char	*name;
	unsigned	 type;
} fake_formats[] = {
	{ "YV12", CS_YV12 }, { "YUY2", CS_YUY2 }, { "Y8", CS_Y8 },
	{ "YUVA420", CS_YUVA420 }, { "RGB24", CS_BGR24 },
	{ "RGB32", CS_BGR32 },
};

/* FakeFormat(NAME) and FakeAudio(BITS, FRAMES), where the script has
 * them. */
static void
fake_options(AVS_Clip *c, const char *text)
{
	const char	*p;
	char		 name[16];
	size_t		 i;
	int		 bits, frames;

	if ((p = strstr(text, "FakeFormat(")) != NULL &&
	    sscanf(p, "FakeFormat(%15[A-Z0-9])", name) == 1)
		for (i = 0; i < sizeof(fake_formats) / sizeof(fake_formats[0]);
		    i++)
			if (strcmp(name, fake_formats[i].name) == 0) {
				c->format = (enum fake_format)i;
				c->vi.pixel_type = (int)fake_formats[i].type;
			}
	if ((p = strstr(text, "FakeAudio(")) != NULL &&
	    sscanf(p, "FakeAudio(%d, %d)", &bits, &frames) == 2 &&
	    c->vi.audio_samples_per_second > 0) {
		c->vi.sample_type = bits == 8 ? 1 : 2;
		c->vi.num_audio_samples = (int64_t)frames *
		    c->vi.audio_samples_per_second * c->vi.fps_denominator /
		    c->vi.fps_numerator;
	}
}

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

/* Load each LoadPlugin("NAME.so") of the script; -1 when one fails. */
static int
fake_plugins(AVS_ScriptEnvironment *env, const char *path, const char *text)
{
	const char	*p = text, *slash;
	char		 name[1024], file[2048];

	while ((p = strstr(p, "LoadPlugin(\"")) != NULL) {
		p += strlen("LoadPlugin(\"");
		if (sscanf(p, "%1023[^\"]", name) != 1 ||
		    strlen(name) < 3 || strcmp(name + strlen(name) - 3,
		    ".so") != 0)
			continue;
		if (name[0] != '/' && (slash = strrchr(path, '/')) != NULL)
			snprintf(file, sizeof(file), "%.*s/%s",
			    (int)(slash - path), path, name);
		else
			snprintf(file, sizeof(file), "%s", name);
		if (dlopen(file, RTLD_NOW | RTLD_LOCAL) == NULL) {
			snprintf(env->error, sizeof(env->error), "LoadPlugin: "
			    "unable to load \"%.100s\", error=%s", file,
			    dlerror());
			return -1;
		}
	}
	return 0;
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
	if (fake_plugins(env, path, text) != 0)
		return NULL;
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
	fake_options(c, text);
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

/* The value of plane p (0 Y, 1 U, 2 V, 3 A) at x, y of frame n. */
static int
fake_value(const AVS_Clip *c, int n, int p, int x, int y)
{
	int	max = (1 << c->bits) - 1, shift = c->bits - 8;

	if (p == 0)
		return (n + x + y) & max;
	if (p == 1)
		return (128 - n % 64) << shift;
	if (p == 2)
		return (64 + n % 64) << shift;
	return 255;
}

static void
fake_fill(struct fake_frame *f, const AVS_Clip *c, int p)
{
	int	w = p == 0 || p == 3 ? c->vi.width : c->vi.width / 2;
	int	h = p == 0 || p == 3 ? c->vi.height : c->vi.height / 2;
	int	x, y, val;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			val = fake_value(c, f->n, p, x, y);
			if (c->bits > 8)
				((uint16_t *)(f->plane[p] +
				    y * f->pitch[p]))[x] = (uint16_t)val;
			else
				f->plane[p][y * f->pitch[p] + x] = (uint8_t)val;
		}
}

/* A packed frame: YUY2, or BGR with its rows bottom up. */
static void
fake_fill_packed(struct fake_frame *f, const AVS_Clip *c)
{
	int		 w = c->vi.width, h = c->vi.height, x, y;
	int		 px = c->format == FAKE_RGB32 ? 4 : 3;
	uint8_t		*row;

	for (y = 0; y < h; y++) {
		if (c->format == FAKE_YUY2) {
			row = f->plane[0] + y * f->pitch[0];
			for (x = 0; x < w; x++) {
				row[2 * x] = (uint8_t)fake_value(c, f->n, 0, x,
				    y);
				row[2 * x + 1] = (uint8_t)fake_value(c, f->n,
				    x % 2 == 0 ? 1 : 2, x, y);
			}
			continue;
		}
		row = f->plane[0] + (h - 1 - y) * f->pitch[0];
		for (x = 0; x < w; x++) {
			row[px * x] = (uint8_t)((f->n + x) % 256);
			row[px * x + 1] = (uint8_t)(2 * y % 256);
			row[px * x + 2] = (uint8_t)((x + y) % 256);
			if (px == 4)
				row[px * x + 3] = 255;
		}
	}
}

/* A frame with padded rows, as AviSynth+ aligns them. */
void *
avs_get_frame(AVS_Clip *c, int n)
{
	static const int	 rowbytes[] = { 1, 2, 1, 1, 3, 4 };
	struct fake_frame	*f;
	int			 p, w, bps = c->bits > 8 ? 2 : 1, planes;

	if (n < 0 || n >= c->vi.num_frames) {
		c->error = "frame out of range";
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	f->n = n;
	planes = c->format == FAKE_YV12 ? 3 : c->format == FAKE_YUVA ? 4 : 1;
	for (p = 0; p < planes; p++) {
		w = p == 1 || p == 2 ? c->vi.width / 2 : c->vi.width;
		if (planes == 1)
			w *= rowbytes[c->format];
		f->pitch[p] = (w * bps + 63) / 64 * 64 + 32;
		f->plane[p] = calloc(f->pitch[p], c->vi.height);
		if (c->format == FAKE_YUY2 || c->format == FAKE_RGB24 ||
		    c->format == FAKE_RGB32)
			fake_fill_packed(f, c);
		else
			fake_fill(f, c, p);
	}
	return f;
}

/* Our plane of AviSynth+'s plane id (0 the default: the first). */
static int
fake_plane(int plane)
{
	switch (plane) {
	case 2:
		return 1;	/* U */
	case 4:
		return 2;	/* V */
	case 8:
		return 3;	/* A */
	default:
		return 0;	/* Y, or the packed plane */
	}
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

	for (p = 0; p < 4; p++)
		free(f->plane[p]);
	free(f);
}

int
avs_get_audio(AVS_Clip *c, void *buf, int64_t start, int64_t count)
{
	int16_t	*s = buf;
	uint8_t	*u = buf;
	int64_t	 i;
	int	 ch;

	if (start < 0 || start + count > c->vi.num_audio_samples)
		return -1;
	for (i = 0; i < count; i++)
		for (ch = 0; ch < c->vi.nchannels; ch++)
			if (c->vi.sample_type == 1)
				*u++ = (uint8_t)(128 + (start + i) % 100 - 50 +
				    ch);
			else
				*s++ = (int16_t)(((start + i) % 100) * 100 +
				    ch);
	return 0;
}
