/*
 * Unit tests of the AviSynth script interpreter without FFmpeg: the
 * lexer, the parser's errors, and scripts evaluated over a made-up
 * source (100 frames of 640x360 4:2:0 at 25 fps, with audio) into plans.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "avs.h"

static char	*dir;		/* the test's folder, made by setup */
static char	probed[1024];

/* The made-up source every script opens. */
static int
fake_probe(const char *path, struct avs_source_info *si, char **cause)
{
	(void)cause;
	snprintf(probed, sizeof(probed), "%s", path);
	if (strstr(path, "missing") != NULL) {
		*cause = strdup("No such file or directory");
		return -1;
	}
	si->width = 640;
	si->height = 360;
	si->fps_num = 25;
	si->fps_den = 1;
	si->frames = 100;
	snprintf(si->pix_fmt, sizeof(si->pix_fmt), "yuv420p");
	si->depth = 8;
	si->log2_chroma_w = 1;
	si->log2_chroma_h = 1;
	si->has_audio = strstr(path, "silent") == NULL;
	si->duration = 4.0;
	return 0;
}

/* Write a file in the test's folder; its path. */
static const char *
put(const char *name, const char *text)
{
	static char	path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

/* Evaluate text as s.avs; NULL with *cause on error. */
static struct avs_plan *
eval(const char *text, char **cause)
{
	*cause = NULL;
	return avs_eval(put("s.avs", text), fake_probe, cause);
}

static struct avs_plan *
eval_ok(const char *text)
{
	struct avs_plan	*p;
	char		*cause;

	p = eval(text, &cause);
	if (p == NULL)
		fail_msg("%s: %s", text, cause);
	return p;
}

/* The error of a script, after "DIR/s.avs:". */
static void
eval_fails(const char *text, const char *want)
{
	struct avs_plan	*p;
	char		*cause, prefix[128];

	p = eval(text, &cause);
	if (p != NULL)
		fail_msg("%s: evaluated", text);
	snprintf(prefix, sizeof(prefix), "%s/s.avs:", dir);
	if (strncmp(cause, prefix, strlen(prefix)) != 0 ||
	    strstr(cause, want) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", text, cause, want);
	free(cause);
}

static int64_t
frames_of(const char *text)
{
	struct avs_plan	*p = eval_ok(text);
	int64_t		 n = p->frames;

	avs_plan_free(p);
	return n;
}

static void
test_lex(void **state)
{
	static const char	 text[] = "a = 1 # c\n/* x\ny */ b(\"s\", "
	    "$ff, 2.5) \\\n  .c [* [* n *] *]\n\\ ++ d\n\"\"\"q\"uote\"\"\"";
	static const enum avs_tok want[] = {
		AVS_T_IDENT, AVS_T_ASSIGN, AVS_T_INT, AVS_T_NEWLINE,
		AVS_T_IDENT, AVS_T_LPAREN, AVS_T_STRING, AVS_T_COMMA,
		AVS_T_INT, AVS_T_COMMA, AVS_T_FLOAT, AVS_T_RPAREN, AVS_T_DOT,
		AVS_T_IDENT, AVS_T_PLUSPLUS, AVS_T_IDENT, AVS_T_NEWLINE,
		AVS_T_STRING, AVS_T_EOF
	};
	struct avs_lexer	*lx;
	struct avs_token	 t;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	lx = avs_lex_new(text, strlen(text));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(avs_lex_next(lx, &t, &cause), 0);
		assert_int_equal(t.type, want[i]);
		if (i == 8)
			assert_true(t.num == 255);
		if (i == 4) {
			assert_int_equal(t.line, 3);
			assert_int_equal(t.col, 6);
		}
		if (i == 17)
			assert_string_equal(t.text, "q\"uote");
		free(t.text);
	}
	avs_lex_free(lx);
}

static void
test_lex_errors(void **state)
{
	(void)state;
	eval_fails("x = \"open\n", "1:5: string not closed");
	eval_fails("/* open\nfoo", "1:1: comment not closed");
	eval_fails("x = 1 @ 2", "1:7: unexpected character '@'");
}

static void
test_parse_errors(void **state)
{
	(void)state;
	eval_fails("FFVideoSource(\"a.mkv\")\nTrim(0, 9 10)",
	    "2:11: expected ',' or ')', found number");
	eval_fails("x = (1 + 2\ny = 3", "2:1: expected ')'");
	eval_fails("a.", "1:3: expected a function name after '.'");
	eval_fails("Crop(0, 0, 0, 0) Trim(1)",
	    "1:18: expected the end of the line");
}

/* Trim: 0 is the end, a negative last a count, length= and end=. */
static void
test_trim(void **state)
{
	(void)state;
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(10, 0)"), 90);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(10)"), 90);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(10, -5)"), 5);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(10, 19)"),
	    10);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(0, -1)"), 1);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(95, 200)"),
	    5);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\")\n"
	    "Trim(20, length=30)"), 30);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\")\n"
	    "Trim(20, end=29)"), 10);
	eval_fails("FFVideoSource(\"a.mkv\")\nTrim(100, 0)",
	    "2:1: Trim: first frame 100 is past the clip's 100 frames");
	eval_fails("FFVideoSource(\"a.mkv\")\nTrim(50, 10)",
	    "2:1: Trim: last frame 10 is before first frame 50");
}

static void
test_trim_graph_audio(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\")\nTrim(25, 49)");
	assert_non_null(strstr(p->graph,
	    "trim=start_pts=25:end_pts=50,setpts=PTS-25"));
	assert_int_equal(p->naudio, 1);
	assert_true(p->audio[0].start == 1.0 && p->audio[0].end == 2.0);
	assert_int_equal(p->audio_from_script, 0);
	avs_plan_free(p);
}

/* Crop: negative width and height are offsets from the edges. */
static void
test_crop(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\")\nCrop(8, 10, -8, -20)");
	assert_int_equal(p->width, 624);
	assert_int_equal(p->height, 330);
	assert_non_null(strstr(p->graph, "crop=w=624:h=330:x=8:y=10"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nCrop(0, 0, 320, 0)");
	assert_int_equal(p->width, 320);
	assert_int_equal(p->height, 360);
	avs_plan_free(p);
	eval_fails("FFVideoSource(\"a.mkv\")\nCrop(1, 0, 0, 0)",
	    "2:1: Crop: yuv420p can only be cropped by multiples of 2");
	eval_fails("FFVideoSource(\"a.mkv\")\nCrop(0, 0, 700, 0)",
	    "is outside the 640x360 picture");
}

static void
test_resize(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\")\nSpline36Resize(320, 180)");
	assert_int_equal(p->width, 320);
	assert_non_null(strstr(p->graph, "scale=w=320:h=180:flags=spline"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\n"
	    "LanczosResize(320, 180, 0, 20, 0, -20, taps=4)");
	assert_non_null(strstr(p->graph, "crop=w=640:h=320:x=0:y=20:exact=1,"
	    "scale=w=320:h=180:flags=lanczos:param0=4"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nBicubicResize(320, 180, 0, "
	    "0.5)");
	assert_non_null(strstr(p->graph, "flags=bicubic:param0=0:param1=0.5"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nPointResize(320, 180, "
	    "src_left=10, src_width=600)");
	assert_non_null(strstr(p->graph, "crop=w=600:h=360:x=10:y=0"));
	assert_non_null(strstr(p->graph, "flags=neighbor"));
	avs_plan_free(p);
	eval_fails("FFVideoSource(\"a.mkv\")\nSpline64Resize(321, 180)",
	    "Spline64Resize: 321x180 is not a size for yuv420p");
}

static void
test_fps(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\")\nAssumeFPS(24000, 1001)");
	assert_int_equal(p->fps_num, 24000);
	assert_int_equal(p->fps_den, 1001);
	assert_int_equal(p->frames, 100);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nAssumeFPS(\"ntsc_film\")");
	assert_int_equal(p->fps_num, 24000);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nChangeFPS(50)");
	assert_int_equal(p->frames, 200);
	assert_int_equal(p->fps_num, 50);
	assert_non_null(strstr(p->graph, "fps=fps=50/1"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nSelectEven()");
	assert_int_equal(p->frames, 50);
	assert_int_equal(p->fps_num, 25);
	assert_int_equal(p->fps_den, 2);
	avs_plan_free(p);
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\").Trim(0, 8)."
	    "SelectOdd()"), 4);
	eval_fails("FFVideoSource(\"a.mkv\")\nAssumeFPS(\"cinema\")",
	    "AssumeFPS: no preset \"cinema\"");
}

static void
test_geometry_format(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\")\nTurnLeft()\nFlipVertical()");
	assert_int_equal(p->width, 360);
	assert_int_equal(p->height, 640);
	assert_non_null(strstr(p->graph, "transpose=dir=cclock"));
	assert_non_null(strstr(p->graph, "vflip"));
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\")\nReduceBy2()\nConvertBits(10)");
	assert_int_equal(p->width, 320);
	assert_string_equal(p->pix_fmt, "yuv420p10le");
	assert_int_equal(p->depth, 10);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\").ConvertBits(16)."
	    "ConvertToYV12()");
	assert_string_equal(p->pix_fmt, "yuv420p");
	avs_plan_free(p);
	eval_fails("FFVideoSource(\"a.mkv\")\nConvertBits(9)",
	    "ConvertBits: 9 bits");
	/* The source's pixel shape is kept unless the picture is resized
	 * or turned. */
	p = eval_ok("FFVideoSource(\"a.mkv\").Crop(8, 0, -8, 0).ReduceBy2()");
	assert_int_equal(p->keep_sar, 1);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\").Spline36Resize(320, 240)");
	assert_int_equal(p->keep_sar, 0);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\").TurnRight()");
	assert_int_equal(p->keep_sar, 0);
	avs_plan_free(p);
}

/* Variables, last, chaining, named arguments, splices, ?:, Import. */
static void
test_syntax(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("# a film\nsrc = FFVideoSource(source=\"a.mkv\", "
	    "cache=false)\n\nsrc.Trim(0, 9) + \\\n  src.Trim(20, 29) ++ \\\n"
	    "src.Trim(40, -5)\nw = last.Width / 2\nSpline16Resize(w, "
	    "Height() > 300 ? 180 : 90)\n");
	assert_int_equal(p->frames, 25);
	assert_int_equal(p->width, 320);
	assert_int_equal(p->height, 180);
	assert_non_null(strstr(p->graph, "split=3"));
	assert_int_equal(p->naudio, 3);
	avs_plan_free(p);
	put("inc.avs", "FFVideoSource(\"a.mkv\")\nTrim(0, 49)\n");
	p = eval_ok("Import(\"inc.avs\")\nSelectEven\nreturn last\nTrim(0, 1)");
	assert_int_equal(p->frames, 25);
	avs_plan_free(p);
	eval_fails("x = 1\nreturn x", "the script's value is not a clip");
	eval_fails("FFVideoSource(\"a.mkv\") + FFVideoSource(\"a.mkv\")."
	    "ReduceBy2()", "1:24: Splice: the clips differ");
	eval_fails("Trim(0, 10)", "1:1: Trim: no clip");
	eval_fails("a = FFVideoSource(\"a.mkv\")\na ++ a.SelectEven()",
	    "2:3: Splice: the frame rates differ (25/1, 25/2)");
}

/* Text: head, then line n times. */
static char *
repeat(const char *head, const char *line, int n)
{
	size_t	 hl = strlen(head), ll = strlen(line);
	char	*s;
	int	 i;

	assert_non_null(s = malloc(hl + (size_t)n * ll + 1));
	memcpy(s, head, hl);
	for (i = 0; i < n; i++)
		memcpy(s + hl + (size_t)i * ll, line, ll);
	s[hl + (size_t)n * ll] = '\0';
	return s;
}

/* What one script may make is bounded, with an error that says which
 * bound: a clip spliced with itself doubles its audio pieces, a rate
 * change multiplies its frames, and clips and Imports add up. */
static void
test_bounds(void **state)
{
	struct avs_plan	*p;
	char		*text, *cause, want[256];

	(void)state;
	/* 12 doublings of a one-frame clip: 4096 pieces, the most. */
	text = repeat("FFVideoSource(\"a.mkv\")\nTrim(0, -1)\n",
	    "last + last\n", 12);
	p = eval_ok(text);
	assert_int_equal(p->frames, 4096);
	assert_int_equal(p->naudio, 4096);
	avs_plan_free(p);
	free(text);
	text = repeat("FFVideoSource(\"a.mkv\")\nTrim(0, -1)\n",
	    "last + last\n", 13);
	eval_fails(text, "15:6: the clip's audio would be in 8192 pieces, "
	    "more than the 4096 a script may make");
	free(text);
	/* 100 frames at 25 fps to 4 million, then past 2^26. */
	assert_int_equal(frames_of("FFVideoSource(\"a.mkv\")\n"
	    "ChangeFPS(1000000)\n"), 4000000);
	eval_fails("FFVideoSource(\"a.mkv\")\nChangeFPS(1000000)\n"
	    "AssumeFPS(1)\nChangeFPS(1000000)\n", "4:1: the clip would have "
	    "more than 67108864 frames, the most a script may make");
	eval_fails("FFVideoSource(\"a.mkv\")\nChangeFPS(1000000)\n"
	    "x = last + last\nx = x + x\nx = x + x\nx = x + x\nx + x\n",
	    "7:3: the clip would have more than 67108864 frames");
	/* Each call makes a clip: the source and 8191 flips are the most. */
	text = repeat("FFVideoSource(\"a.mkv\")\n", "FlipVertical()\n",
	    8191);
	p = eval_ok(text);
	avs_plan_free(p);
	free(text);
	text = repeat("FFVideoSource(\"a.mkv\")\n", "FlipVertical()\n",
	    8192);
	eval_fails(text, "8193:1: the script makes more than 8192 clips");
	free(text);
	/* 256 files read with Import (the script itself the first). */
	put("one.avs", "FFVideoSource(\"a.mkv\")\n");
	text = repeat("", "Import(\"one.avs\")\n", 255);
	p = eval_ok(text);
	avs_plan_free(p);
	free(text);
	text = repeat("", "Import(\"one.avs\")\n", 256);
	assert_null(eval(text, &cause));
	snprintf(want, sizeof(want), "%s/one.avs: more than 256 scripts read "
	    "with Import", dir);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", cause, want);
	free(cause);
	free(text);
}

/* Sources are found from the script's folder; audio from AudioDub. */
static void
test_sources(void **state)
{
	struct avs_plan	*p;
	char		 want[256];

	(void)state;
	p = eval_ok("v = LWLibavVideoSource(\"sub/v.mkv\", "
	    "threads=1)\nAudioDub(v, FFAudioSource(\"b.flac\"))\n"
	    "Trim(50, 0)");
	snprintf(want, sizeof(want), "%s/b.flac", dir);
	assert_string_equal(p->inputs[1], want);
	snprintf(want, sizeof(want), "%s/sub/v.mkv", dir);
	assert_string_equal(p->inputs[0], want);
	assert_int_equal(p->video[0], 1);
	assert_int_equal(p->video[1], 0);
	assert_int_equal(p->audio_from_script, 1);
	assert_int_equal(p->audio[0].input, 1);
	assert_true(p->audio[0].start == 2.0);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"/abs/silent.mkv\")");
	assert_string_equal(p->inputs[0], "/abs/silent.mkv");
	assert_int_equal(p->naudio, 0);
	avs_plan_free(p);
	eval_fails("FFVideoSource(\"missing.mkv\")",
	    "1:1: FFVideoSource: ");
	eval_fails("\n  AviSource(\"a.avi\").QTGMC(preset=\"slow\")",
	    "2:22: QTGMC: not a function the built-in interpreter knows; "
	    "installing AviSynth+ (libavisynth.so) would run it");
	eval_fails("FFVideoSource(\"a.mkv\")\nTFM()", "2:1: TFM: not a "
	    "function");
}

/* Which clips a reader may start anywhere, and where in the source. */
static void
test_seek_map(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\").Trim(10, 0).SelectOdd()."
	    "Crop(0, 20, 0, -20)\nTrim(3, 0).AssumeFPS(24)");
	assert_int_equal(p->seekable, 1);
	assert_int_equal(p->seek_mul, 2);
	assert_int_equal(p->seek_add, 17);	/* 2 (n + 3) + 1 + 10 */
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\").Spline36Resize(320, 180)");
	assert_int_equal(p->seekable, 1);
	assert_int_equal(p->seek_mul, 1);
	assert_int_equal(p->seek_add, 0);
	avs_plan_free(p);
	p = eval_ok("a = FFVideoSource(\"a.mkv\")\na.Trim(0, 9) + "
	    "a.Trim(20, 29)");
	assert_int_equal(p->seekable, 0);
	avs_plan_free(p);
	p = eval_ok("FFVideoSource(\"a.mkv\").ChangeFPS(30)");
	assert_int_equal(p->seekable, 0);
	assert_int_equal(p->nsegs, 0);
	avs_plan_free(p);
}

/* A splice of chains, with per-frame filters after it: its pieces. */
static void
test_segments(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("a = FFVideoSource(\"a.mkv\")\nb = FFVideoSource(\"b.mkv\")"
	    "\na.Trim(10, 19) ++ b.SelectOdd().Trim(2, 0).AssumeFPS(25) + a\n"
	    "Crop(0, 20, 0, -20).Spline36Resize(320, 160)");
	assert_int_equal(p->nsegs, 3);
	assert_int_equal(p->segs[0].input, 0);
	assert_int_equal(p->segs[0].frames, 10);
	assert_int_equal(p->segs[0].add, 10);
	assert_int_equal(p->segs[0].mul, 1);
	assert_string_equal(p->segs[0].graph, "[in0]trim=start_pts=10:"
	    "end_pts=20,setpts=PTS-10,null,crop=w=640:h=320:x=0:y=20:exact=1,"
	    "scale=w=320:h=160:flags=spline[out]");
	assert_int_equal(p->segs[1].input, 1);
	assert_int_equal(p->segs[1].frames, 48);
	assert_int_equal(p->segs[1].mul, 2);
	assert_int_equal(p->segs[1].add, 5);	/* 2 (n + 2) + 1 */
	assert_int_equal(p->segs[2].input, 0);
	assert_int_equal(p->segs[2].frames, 100);
	assert_non_null(strstr(p->segs[2].graph, "[in0]crop="));
	avs_plan_free(p);
	p = eval_ok("a = FFVideoSource(\"a.mkv\")\n(a + a).Trim(5, 150)");
	assert_int_equal(p->nsegs, 0);
	avs_plan_free(p);
	p = eval_ok("a = FFVideoSource(\"a.mkv\")\na + a.ChangeFPS(25)");
	assert_int_equal(p->nsegs, 0);
	avs_plan_free(p);
}

/* Source arguments: those without effect accepted, those that would
 * change the clip refused with AviSynth+ offered. */
static void
test_source_args(void **state)
{
	struct avs_plan	*p;

	(void)state;
	p = eval_ok("FFVideoSource(\"a.mkv\", -1, false, \"x.ffindex\", "
	    "threads=2, seekmode=0, varprefix=\"v_\")");
	assert_int_equal(p->frames, 100);
	avs_plan_free(p);
	p = eval_ok("FFmpegSource2(\"a.mkv\", atrack=-1, utf8=true)");
	assert_int_equal(p->audio_from_script, 1);
	avs_plan_free(p);
	p = eval_ok("DirectShowSource(\"a.mkv\", 25, audio=false)");
	assert_int_equal(p->audio_from_script, 0);	/* the source's */
	avs_plan_free(p);
	p = eval_ok("AviSource(\"a.avi\", pixel_type=\"FULL\")");
	assert_int_equal(p->audio_from_script, 1);
	avs_plan_free(p);
	p = eval_ok("LWLibavVideoSource(\"a.mkv\", -1, 4, cache=false)");
	assert_int_equal(p->frames, 100);
	avs_plan_free(p);
	eval_fails("FFVideoSource(\"a.mkv\", width=320, height=180)",
	    "1:1: FFVideoSource: width= is not done by the built-in "
	    "interpreter; installing AviSynth+ (libavisynth.so) would run it");
	eval_fails("FFVideoSource(\"a.mkv\", colorspace=\"YV12\")",
	    "FFVideoSource: colorspace= is not done");
	eval_fails("FFmpegSource2(\"a.mkv\", atrack=2)",
	    "FFmpegSource2: atrack= is not done");
	eval_fails("LWLibavVideoSource(\"a.mkv\", format=\"YUV420P10\")",
	    "LWLibavVideoSource: format= is not done");
	eval_fails("LSMASHVideoSource(\"a.mp4\", track=2)",
	    "LSMASHVideoSource: track= is not done");
	eval_fails("DirectShowSource(\"a.mkv\", fps=30)",
	    "DirectShowSource: fps= is not done");
	eval_fails("AviSource(\"a.avi\", pixel_type=\"YUY2\")",
	    "AviSource: pixel_type= is not done");
	eval_fails("FFAudioSource(\"a.mkv\", track=3)",
	    "FFAudioSource: track= is not done");
	eval_fails("LWLibavAudioSource(\"a.mkv\", rate=44100)",
	    "LWLibavAudioSource: rate= is not done");
	eval_fails("FFVideoSource(\"a.mkv\", foo=1)",
	    "FFVideoSource: no argument named foo");
}

static void
test_accepted(void **state)
{
	(void)state;
	assert_int_equal(frames_of("SetMemoryMax(2048)\nSetMTMode(3, 4)\n"
	    "LoadPlugin(\"ffms2.dll\")\nFFVideoSource(\"a.mkv\")\n"
	    "Prefetch(4)"), 100);
}

/* The scene-detection script: from the source line, or NAME_scd.avs. */
static void
test_scd(void **state)
{
	char	*path, *cause = NULL, buf[512], want[512];
	FILE	*f;
	size_t	 n;
	int	 how;

	(void)state;
	put("film.avs", "x = 3\nsrc = FFVideoSource(\"a.mkv\", "
	    "fpsnum=24000, fpsden=1001)\nsrc.Trim(10, 0).Crop(0, 20, 0, -20)");
	snprintf(buf, sizeof(buf), "%s/film.avs", dir);
	path = avs_scd_script(buf, 1, dir, &how, &cause);
	assert_non_null(path);
	assert_int_equal(how, AVS_SCD_WRITTEN | AVS_SCD_SOURCE);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	snprintf(want, sizeof(want), "FFVideoSource(\"%s/a.mkv\", "
	    "fpsnum=24000, fpsden=1001)\nReduceBy2()\n", dir);
	assert_string_equal(buf, want);
	free(path);
	put("film_scd.avs", "FFVideoSource(\"a.mkv\").SelectEven()\n");
	snprintf(buf, sizeof(buf), "%s/film.avs", dir);
	path = avs_scd_script(buf, 0, dir, &how, &cause);
	snprintf(want, sizeof(want), "%s/film_scd.avs", dir);
	assert_string_equal(path, want);
	assert_int_equal(how, 0);
	free(path);
	path = avs_scd_script(buf, 1, dir, &how, &cause);
	assert_non_null(path);
	assert_int_equal(how, AVS_SCD_WRITTEN);
	free(path);
	put("none.avs", "Import(\"film.avs\")\n");
	snprintf(buf, sizeof(buf), "%s/none.avs", dir);
	assert_null(avs_scd_script(buf, 0, dir, &how, &cause));
	assert_non_null(strstr(cause, "no source line"));
	free(cause);
}

/* The scene changes of cuts (frames of file) as frames of the plan of
 * text, into got as "F F F" ("none" when there are none, "-1" when the
 * plan cannot tell). */
static void
scd_mapped(const char *text, const char *file, const int64_t *cuts,
    size_t n, char *got, size_t len)
{
	struct avs_plan	*p = eval_ok(text);
	int64_t		*out;
	size_t		 nout, i, off = 0;
	char		 path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (avs_scd_map(p, path, cuts, n, &out, &nout) != 0)
		snprintf(got, len, "-1");
	else if (nout == 0)
		snprintf(got, len, "none");
	for (i = 0; i < nout; i++)
		off += snprintf(got + off, len - off, "%s%lld", i ? " " : "",
		    (long long)out[i]);
	free(out);
	avs_plan_free(p);
}

/* Scene changes of the source brought to the script's frames. */
static void
test_scd_map(void **state)
{
	static const int64_t	 a[] = { 5, 17, 23, 52, 83, 200 };
	static const int64_t	 a2[] = { 10, 15, 23 };
	static const int64_t	 b[] = { 5, 6, 8 };
	char			 got[256];

	(void)state;
	put("a.mkv", "");
	put("b.mkv", "");
	/* frame n is source frame 2 (n + 3) + 1 + 10; 42 frames */
	scd_mapped("FFVideoSource(\"a.mkv\").Trim(10, 0).SelectOdd()."
	    "Crop(0, 20, 0, -20)\nTrim(3, 0)", "a.mkv", a, 6, got,
	    sizeof(got));
	assert_string_equal(got, "3 18 33");
	scd_mapped("FFVideoSource(\"a.mkv\").Trim(10, 0)", "b.mkv", a, 6,
	    got, sizeof(got));
	assert_string_equal(got, "-1");
	scd_mapped("FFVideoSource(\"a.mkv\").ChangeFPS(30)", "a.mkv", a, 6,
	    got, sizeof(got));
	assert_string_equal(got, "-1");
	/* pieces of 10 frames (a from 10), 48 (b: 2 n + 5), 100 (a) */
	scd_mapped("a = FFVideoSource(\"a.mkv\")\nb = FFVideoSource("
	    "\"b.mkv\")\na.Trim(10, 19) ++ b.SelectOdd().Trim(2, 0)."
	    "AssumeFPS(25) + a", "a.mkv", a2, 3, got, sizeof(got));
	assert_string_equal(got, "5 10 58 68 73 81");
	scd_mapped("a = FFVideoSource(\"a.mkv\")\nb = FFVideoSource("
	    "\"b.mkv\")\na.Trim(10, 19) ++ b.SelectOdd().Trim(2, 0)."
	    "AssumeFPS(25) + a", "b.mkv", b, 3, got, sizeof(got));
	assert_string_equal(got, "10 11 12 58");
	/* pieces that go on where the one before stops start no scene */
	scd_mapped("a = FFVideoSource(\"a.mkv\")\na.Trim(0, 29) + "
	    "a.Trim(30, 59) + a.Trim(70, 79)", "a.mkv", b, 0, got,
	    sizeof(got));
	assert_string_equal(got, "60");
	scd_mapped("FFVideoSource(\"a.mkv\").Trim(50, 0)", "a.mkv", a2, 3,
	    got, sizeof(got));
	assert_string_equal(got, "none");
}

static int
setup(void **state)
{
	char	*p, tmpl[] = "/tmp/test_avs.XXXXXX";

	(void)state;
	if ((p = mkdtemp(tmpl)) == NULL)
		return -1;
	if ((dir = realpath(p, NULL)) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd;
	int	 rv;

	(void)state;
	if (asprintf(&cmd, "rm -rf '%s'", dir) == -1)
		return -1;
	rv = system(cmd) == 0 ? 0 : -1;
	free(cmd);
	free(dir);
	return rv;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_trim_graph_audio),
		cmocka_unit_test(test_crop),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_fps),
		cmocka_unit_test(test_geometry_format),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_seek_map),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_source_args),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_scd),
		cmocka_unit_test(test_scd_map),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
