/*
 * Unit tests for conf.c: defaults, a full file, every kind of error with its
 * exact message, profile inheritance, the example file, and dump/reload.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "xmalloc.h"

/* Write text to a new temporary file and return its path. */
static char *
write_temp(const char *text)
{
	const char	*tmpdir;
	char		*path;
	size_t		 len = strlen(text);
	int		 fd;

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	xasprintf(&path, "%s/test_conf.XXXXXX", tmpdir);
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

/* Load text as a configuration file, which must succeed. */
static struct config *
load_ok(const char *text)
{
	struct config	*conf;
	char		*path, *cause = NULL;

	path = write_temp(text);
	conf = conf_load(path, &cause);
	if (conf == NULL)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
	assert_string_equal(conf->path, path);
	unlink(path);
	free(path);
	return conf;
}

/* Load text, which must fail with "PATH" followed by suffix. */
static void
load_fails(const char *text, const char *suffix)
{
	struct config	*conf;
	char		*path, *cause = NULL, *expected;

	path = write_temp(text);
	conf = conf_load(path, &cause);
	assert_null(conf);
	assert_non_null(cause);
	xasprintf(&expected, "%s%s", path, suffix);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
}

/* Check that p has every built-in default profile value. */
static void
assert_default_profile(const struct profile *p)
{
	assert_string_equal(p->encoder, "x265");
	assert_string_equal(p->preset, "slow");
	assert_string_equal(p->tune, "");
	assert_string_equal(p->x265_params, "");
	assert_int_equal(p->bitrate, 0);
	assert_true(p->bpp == 0.06);
	assert_int_equal(p->bit_depth, 0);
	assert_int_equal(p->threads, 2);
	assert_int_equal(p->crop, CROP_AUTO);
	assert_int_equal(p->crop_manual[0], 0);
	assert_int_equal(p->crop_manual[1], 0);
	assert_int_equal(p->crop_manual[2], 0);
	assert_int_equal(p->crop_manual[3], 0);
	assert_int_equal(p->crop_samples, 20);
	assert_int_equal(p->crop_limit, 24);
	assert_int_equal(p->scale_width, 0);
	assert_string_equal(p->audio_codec, "opus");
	assert_int_equal(p->audio_bitrate, 64);
	assert_int_equal(p->normalize, 1);
	assert_true(p->loudness == -23.0);
	assert_true(p->true_peak == -1.0);
	assert_int_equal(p->dynaudnorm, 0);
}

/* Check that the global settings of conf are the built-in defaults. */
static void
assert_default_globals(const struct config *conf)
{
	assert_string_equal(conf->output_dir, ".");
	assert_string_equal(conf->stats_dir, "/dev/shm/distenc");
	assert_string_equal(conf->log_dir, "");
	assert_int_equal(conf->jobs, 1);
	assert_int_equal(conf->overwrite, 0);
	assert_string_equal(conf->default_profile, "hevc");
}

/* Check that two profiles have the same values, name included. */
static void
assert_profile_equal(const struct profile *a, const struct profile *b)
{
	int	i;

	assert_string_equal(a->name, b->name);
	assert_string_equal(a->encoder, b->encoder);
	assert_string_equal(a->preset, b->preset);
	assert_string_equal(a->tune, b->tune);
	assert_string_equal(a->x265_params, b->x265_params);
	assert_int_equal(a->bitrate, b->bitrate);
	assert_true(a->bpp == b->bpp);
	assert_int_equal(a->bit_depth, b->bit_depth);
	assert_int_equal(a->threads, b->threads);
	assert_int_equal(a->crop, b->crop);
	for (i = 0; i < 4; i++)
		assert_int_equal(a->crop_manual[i], b->crop_manual[i]);
	assert_int_equal(a->crop_samples, b->crop_samples);
	assert_int_equal(a->crop_limit, b->crop_limit);
	assert_int_equal(a->scale_width, b->scale_width);
	assert_string_equal(a->audio_codec, b->audio_codec);
	assert_int_equal(a->audio_bitrate, b->audio_bitrate);
	assert_int_equal(a->normalize, b->normalize);
	assert_true(a->loudness == b->loudness);
	assert_true(a->true_peak == b->true_peak);
	assert_int_equal(a->dynaudnorm, b->dynaudnorm);
}

/* Check that two configurations have the same values (not the path). */
static void
assert_config_equal(const struct config *a, const struct config *b)
{
	size_t	i;

	assert_string_equal(a->output_dir, b->output_dir);
	assert_string_equal(a->stats_dir, b->stats_dir);
	assert_string_equal(a->log_dir, b->log_dir);
	assert_int_equal(a->jobs, b->jobs);
	assert_int_equal(a->overwrite, b->overwrite);
	assert_string_equal(a->default_profile, b->default_profile);
	assert_int_equal(a->nprofiles, b->nprofiles);
	for (i = 0; i < a->nprofiles; i++)
		assert_profile_equal(&a->profiles[i], &b->profiles[i]);
}

/* Dump conf, read the dump back, and check it is the same. */
static void
assert_dump_reloads(const struct config *conf)
{
	struct config	*again;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*fp;

	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	conf_dump(conf, fp);
	assert_int_equal(fclose(fp), 0);
	again = load_ok(text);
	assert_config_equal(conf, again);
	conf_free(again);
	free(text);
}

static const char full_text[] =
	"output_dir = \"/srv/out\";\n"
	"stats_dir = \"/tmp/stats\";\n"
	"log_dir = \"/var/log/distenc\";\n"
	"jobs = 4;\n"
	"overwrite = true;\n"
	"default_profile = \"film\";\n"
	"profiles = {\n"
	"	film = {\n"
	"		encoder = \"x265\";\n"
	"		preset = \"veryslow\";\n"
	"		tune = \"grain\";\n"
	"		x265_params = \"aq-mode=3:no-sao:psy-rd=2.0\";\n"
	"		bitrate = 4500;\n"
	"		bpp = 0.08;\n"
	"		bit_depth = 10;\n"
	"		threads = 8;\n"
	"		crop = \"manual\";\n"
	"		crop_manual = [ 140, 140, 0, 2 ];\n"
	"		crop_samples = 50;\n"
	"		crop_limit = 16;\n"
	"		scale_width = 1280;\n"
	"		audio_codec = \"flac\";\n"
	"		audio_bitrate = 128;\n"
	"		normalize = false;\n"
	"		loudness = -16.5;\n"
	"		true_peak = -2.0;\n"
	"		dynaudnorm = true;\n"
	"	};\n"
	"};\n";

/* Check the values read from full_text. */
static void
assert_full(struct config *conf)
{
	struct profile	*p;

	assert_string_equal(conf->output_dir, "/srv/out");
	assert_string_equal(conf->stats_dir, "/tmp/stats");
	assert_string_equal(conf->log_dir, "/var/log/distenc");
	assert_int_equal(conf->jobs, 4);
	assert_int_equal(conf->overwrite, 1);
	assert_string_equal(conf->default_profile, "film");
	assert_int_equal(conf->nprofiles, 3);

	p = conf_profile(conf, NULL);
	assert_non_null(p);
	assert_ptr_equal(p, conf_profile(conf, "film"));
	assert_string_equal(p->name, "film");
	assert_string_equal(p->encoder, "x265");
	assert_string_equal(p->preset, "veryslow");
	assert_string_equal(p->tune, "grain");
	assert_string_equal(p->x265_params, "aq-mode=3:no-sao:psy-rd=2.0");
	assert_int_equal(p->bitrate, 4500);
	assert_true(p->bpp == 0.08);
	assert_int_equal(p->bit_depth, 10);
	assert_int_equal(p->threads, 8);
	assert_int_equal(p->crop, CROP_MANUAL);
	assert_int_equal(p->crop_manual[0], 140);
	assert_int_equal(p->crop_manual[1], 140);
	assert_int_equal(p->crop_manual[2], 0);
	assert_int_equal(p->crop_manual[3], 2);
	assert_int_equal(p->crop_samples, 50);
	assert_int_equal(p->crop_limit, 16);
	assert_int_equal(p->scale_width, 1280);
	assert_string_equal(p->audio_codec, "flac");
	assert_int_equal(p->audio_bitrate, 128);
	assert_int_equal(p->normalize, 0);
	assert_true(p->loudness == -16.5);
	assert_true(p->true_peak == -2.0);
	assert_int_equal(p->dynaudnorm, 1);
}

static void
test_defaults(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = conf_default();
	assert_non_null(conf);
	assert_null(conf->path);
	assert_default_globals(conf);
	assert_int_equal(conf->nprofiles, 2);

	p = conf_profile(conf, NULL);
	assert_non_null(p);
	assert_string_equal(p->name, "hevc");
	assert_ptr_equal(p, conf_profile(conf, "hevc"));
	assert_default_profile(p);

	p = conf_profile(conf, "hevc-fast");
	assert_non_null(p);
	assert_string_equal(p->preset, "fast");
	assert_string_equal(p->tune, "");
	assert_int_equal(p->threads, 2);

	assert_null(conf_profile(conf, "nonesuch"));
	conf_free(conf);
}

static void
test_empty_file(void **state)
{
	struct config	*conf, *def;

	(void)state;
	conf = load_ok("# nothing here\n");
	def = conf_default();
	assert_config_equal(conf, def);
	conf_free(def);
	conf_free(conf);
}

static void
test_full_file(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok(full_text);
	assert_full(conf);
	p = conf_profile(conf, "hevc");
	assert_non_null(p);
	assert_default_profile(p);
	assert_non_null(conf_profile(conf, "hevc-fast"));
	conf_free(conf);
}

static void
test_int64_literal(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("jobs = 3L;\nprofiles = { a = { loudness = -18L; }; };\n");
	assert_int_equal(conf->jobs, 3);
	assert_true(conf_profile(conf, "a")->loudness == -18.0);
	conf_free(conf);
	load_fails("jobs = 5000000000L;\n",
	    ":1: jobs: 5000000000 is out of range (1..64)");
}

static void
test_missing_file(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(conf_load("/nonexistent/distenc.conf", &cause));
	assert_string_equal(cause,
	    "/nonexistent/distenc.conf: No such file or directory");
	free(cause);

	assert_null(conf_load("/", &cause));
	assert_string_equal(cause, "/: Is a directory");
	free(cause);

	/* A NULL cause is allowed. */
	assert_null(conf_load("/nonexistent/distenc.conf", NULL));
}

static void
test_syntax_error(void **state)
{
	(void)state;
	load_fails("jobs = 2;\n\nthreads = ;\n", ":3: syntax error");
	load_fails("jobs = 2;\njobs = 3;\n", ":2: duplicate setting name");
	/*
	 * A profile name must start with a letter.  (A quoted name is also a
	 * syntax error, but libconfig 1.5 leaks the string then.)
	 */
	load_fails("profiles = {\n1a = { }; };\n", ":2: syntax error");
	load_fails("x = \"unterminated;\n", ":2: syntax error");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	load_fails("jobs = 2;\n\n\n\ncolour = \"red\";\n",
	    ":5: colour: unknown setting");
	load_fails("profiles = {\n  a = {\n    colour = 1;\n  };\n};\n",
	    ":3: profiles.a.colour: unknown setting");
	load_fails("preset = \"slow\";\n", ":1: preset: profile setting, "
	    "belongs in a profile (profiles.NAME.preset)");
	load_fails("profiles = { a = { jobs = 2; }; };\n",
	    ":1: profiles.a.jobs: global setting, not allowed in a profile");
	load_fails("profiles = { a = { profiles = { }; }; };\n",
	    ":1: profiles.a.profiles: unknown setting");
}

static void
test_wrong_type(void **state)
{
	(void)state;
	load_fails("jobs = \"4\";\n", ":1: jobs: expected an integer, "
	    "got a string");
	load_fails("jobs = 4.0;\n", ":1: jobs: expected an integer, "
	    "got a float");
	load_fails("output_dir = 3;\n", ":1: output_dir: expected a string, "
	    "got an integer");
	load_fails("overwrite = 1;\n", ":1: overwrite: expected a boolean, "
	    "got an integer");
	load_fails("profiles = 1;\n", ":1: profiles: expected a group, "
	    "got an integer");
	load_fails("profiles = { a = [ 1 ]; };\n",
	    ":1: profiles.a: expected a group, got an array");
	load_fails("profiles = { a = { bpp = \"0.1\"; }; };\n",
	    ":1: profiles.a.bpp: expected a number, got a string");
	load_fails("profiles = { a = { crop = 1; }; };\n",
	    ":1: profiles.a.crop: expected a string, got an integer");
	load_fails("profiles = { a = { inherit = true; }; };\n",
	    ":1: profiles.a.inherit: expected a string, got a boolean");
	load_fails("profiles = { a = {\nthreads = 2.5; }; };\n",
	    ":2: profiles.a.threads: expected an integer, got a float");
}

static void
test_int_range(void **state)
{
	(void)state;
	load_fails("\njobs = 0;\n", ":2: jobs: 0 is out of range (1..64)");
	load_fails("jobs = 65;\n", ":1: jobs: 65 is out of range (1..64)");
	load_fails("profiles = { a = { threads = 257; }; };\n",
	    ":1: profiles.a.threads: 257 is out of range (1..256)");
	load_fails("profiles = { a = { bitrate = -1; }; };\n",
	    ":1: profiles.a.bitrate: -1 is out of range (0..1000000)");
	load_fails("profiles = { a = { audio_bitrate = 4; }; };\n",
	    ":1: profiles.a.audio_bitrate: 4 is out of range (8..512)");
	load_fails("profiles = { a = { crop_samples = 2; }; };\n",
	    ":1: profiles.a.crop_samples: 2 is out of range (3..200)");
	load_fails("profiles = { a = { crop_limit = 256; }; };\n",
	    ":1: profiles.a.crop_limit: 256 is out of range (0..255)");
	load_fails("profiles = { a = { bit_depth = 9; }; };\n",
	    ":1: profiles.a.bit_depth: 9 is not one of 0, 8, 10");
	load_fails("profiles = { a = { scale_width = 8; }; };\n",
	    ":1: profiles.a.scale_width: 8 is out of range (0 or 16..8192)");
	load_fails("profiles = { a = { scale_width = 1281; }; };\n",
	    ":1: profiles.a.scale_width: 1281 is not even");
}

static void
test_int_range_edges(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok("jobs = 64;\nprofiles = {\n"
	    "a = { bit_depth = 8; scale_width = 16; crop_limit = 0; };\n"
	    "b = { bit_depth = 10; scale_width = 8192; threads = 256; };\n"
	    "};\n");
	assert_int_equal(conf->jobs, 64);
	p = conf_profile(conf, "a");
	assert_int_equal(p->bit_depth, 8);
	assert_int_equal(p->scale_width, 16);
	assert_int_equal(p->crop_limit, 0);
	p = conf_profile(conf, "b");
	assert_int_equal(p->bit_depth, 10);
	assert_int_equal(p->scale_width, 8192);
	assert_int_equal(p->threads, 256);
	conf_free(conf);
}

static void
test_float_range(void **state)
{
	(void)state;
	load_fails("profiles = { a = { loudness = -80.0; }; };\n",
	    ":1: profiles.a.loudness: -80.0 is out of range (-70.0..-5.0)");
	load_fails("profiles = { a = { loudness = -4.5; }; };\n",
	    ":1: profiles.a.loudness: -4.5 is out of range (-70.0..-5.0)");
	load_fails("profiles = { a = { true_peak = 0.5; }; };\n",
	    ":1: profiles.a.true_peak: 0.5 is out of range (-9.0..0.0)");
	load_fails("profiles = { a = { true_peak = -9.5; }; };\n",
	    ":1: profiles.a.true_peak: -9.5 is out of range (-9.0..0.0)");
	load_fails("profiles = { a = { bpp = 0.0; }; };\n",
	    ":1: profiles.a.bpp: 0.0 is out of range (0.001..10.0)");
	load_fails("profiles = { a = { bpp = 11; }; };\n",
	    ":1: profiles.a.bpp: 11.0 is out of range (0.001..10.0)");
}

static void
test_int_for_float(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok("profiles = { a = { loudness = -16; true_peak = 0;\n"
	    "bpp = 1; }; };\n");
	p = conf_profile(conf, "a");
	assert_non_null(p);
	assert_true(p->loudness == -16.0);
	assert_true(p->true_peak == 0.0);
	assert_true(p->bpp == 1.0);
	conf_free(conf);
}

static void
test_enum(void **state)
{
	struct config	*conf;

	(void)state;
	load_fails("profiles = {\n\n  anime = { preset = \"turbo\"; };\n};\n",
	    ":3: profiles.anime.preset: \"turbo\" is not one of ultrafast, "
	    "superfast, veryfast, faster, fast, medium, slow, slower, "
	    "veryslow, placebo");
	load_fails("profiles = { a = { crop = \"sideways\"; }; };\n",
	    ":1: profiles.a.crop: \"sideways\" is not one of auto, "
	    "conservative, off, manual");
	load_fails("profiles = { a = { tune = \"film\"; }; };\n",
	    ":1: profiles.a.tune: \"film\" is not one of \"\", psnr, ssim, "
	    "grain, zerolatency, fastdecode, animation");
	load_fails("profiles = { a = { encoder = \"x264\"; }; };\n",
	    ":1: profiles.a.encoder: \"x264\" is not one of x265");
	load_fails("profiles = { a = { audio_codec = \"aac\"; }; };\n",
	    ":1: profiles.a.audio_codec: \"aac\" is not one of opus, flac, "
	    "copy");
	load_fails("profiles = { a = { preset = \"Slow\"; }; };\n",
	    ":1: profiles.a.preset: \"Slow\" is not one of ultrafast, "
	    "superfast, veryfast, faster, fast, medium, slow, slower, "
	    "veryslow, placebo");

	conf = load_ok("profiles = {\n"
	    "a = { crop = \"auto\"; }; b = { crop = \"conservative\"; };\n"
	    "c = { crop = \"off\"; }; d = { crop = \"manual\"; };\n"
	    "e = { tune = \"animation\"; audio_codec = \"copy\"; };\n"
	    "};\n");
	assert_int_equal(conf_profile(conf, "a")->crop, CROP_AUTO);
	assert_int_equal(conf_profile(conf, "b")->crop, CROP_CONSERVATIVE);
	assert_int_equal(conf_profile(conf, "c")->crop, CROP_OFF);
	assert_int_equal(conf_profile(conf, "d")->crop, CROP_MANUAL);
	assert_string_equal(conf_profile(conf, "e")->tune, "animation");
	assert_string_equal(conf_profile(conf, "e")->audio_codec, "copy");
	conf_free(conf);
}

static void
test_crop_manual(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	load_fails("profiles = { a = { crop_manual = [ 0, 0, 0 ]; }; };\n",
	    ":1: profiles.a.crop_manual: expected 4 integers, got 3");
	load_fails("profiles = { a = {\n"
	    "crop_manual = [ 0, 0, 0, 0, 0 ]; }; };\n",
	    ":2: profiles.a.crop_manual: expected 4 integers, got 5");
	load_fails("profiles = { a = { crop_manual = [ ]; }; };\n",
	    ":1: profiles.a.crop_manual: expected 4 integers, got 0");
	load_fails("profiles = { a = {\n"
	    "crop_manual = [ 0, -2, 0, 0 ]; }; };\n",
	    ":2: profiles.a.crop_manual: -2 is out of range (0..8192)");
	load_fails("profiles = { a = {\n"
	    "crop_manual = [ 0, 0, 8194, 0 ]; }; };\n",
	    ":2: profiles.a.crop_manual: 8194 is out of range (0..8192)");
	load_fails("profiles = { a = { crop_manual = [ 0, 0, 0, 3 ]; }; };\n",
	    ":1: profiles.a.crop_manual: 3 is not even");
	load_fails("profiles = { a = { crop_manual = [ 0.0, 0.0, 0.0, 0.0 ]; };"
	    " };\n",
	    ":1: profiles.a.crop_manual: expected 4 integers, got a float");
	load_fails("profiles = { a = {\n"
	    "crop_manual = ( 0, \"0\", 0, 0 ); }; };\n",
	    ":2: profiles.a.crop_manual: expected 4 integers, got a string");
	load_fails("profiles = { a = { crop_manual = 0; }; };\n",
	    ":1: profiles.a.crop_manual: expected an array of integers, "
	    "got an integer");

	conf = load_ok("profiles = { a = { crop = \"manual\";\n"
	    "crop_manual = [ 8, 16, 8192, 2 ]; };\n"
	    "b = { crop_manual = ( 2, 4, 6, 8 ); }; };\n");
	p = conf_profile(conf, "a");
	assert_int_equal(p->crop, CROP_MANUAL);
	assert_int_equal(p->crop_manual[0], 8);
	assert_int_equal(p->crop_manual[1], 16);
	assert_int_equal(p->crop_manual[2], 8192);
	assert_int_equal(p->crop_manual[3], 2);
	p = conf_profile(conf, "b");
	assert_int_equal(p->crop, CROP_AUTO);
	assert_int_equal(p->crop_manual[3], 8);
	conf_free(conf);
}

static void
test_x265_params(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("profiles = { a = { x265_params = \"no-sao\"; };\n"
	    "b = { x265_params = \"a=1:b=2:c\"; };\n"
	    "c = { x265_params = \"\"; }; };\n");
	assert_string_equal(conf_profile(conf, "a")->x265_params, "no-sao");
	assert_string_equal(conf_profile(conf, "b")->x265_params,
	    "a=1:b=2:c");
	assert_string_equal(conf_profile(conf, "c")->x265_params, "");
	conf_free(conf);

	load_fails("profiles = { a = { x265_params = \"a=1::b=2\"; }; };\n",
	    ":1: profiles.a.x265_params: bad item \"\" "
	    "(expected key=value or key)");
	load_fails("profiles = { a = { x265_params = \"a=1:\"; }; };\n",
	    ":1: profiles.a.x265_params: bad item \"\" "
	    "(expected key=value or key)");
	load_fails("profiles = { a = { x265_params = \":a=1\"; }; };\n",
	    ":1: profiles.a.x265_params: bad item \"\" "
	    "(expected key=value or key)");
	load_fails("profiles = { a = { x265_params = \"a=1:=5\"; }; };\n",
	    ":1: profiles.a.x265_params: bad item \"=5\" "
	    "(expected key=value or key)");
	load_fails("profiles = { a = { x265_params = \"crf=\"; }; };\n",
	    ":1: profiles.a.x265_params: bad item \"crf=\" "
	    "(expected key=value or key)");
}

static void
test_inherit_file(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	/* c inherits b, defined later, which inherits a. */
	conf = load_ok("profiles = {\n"
	    "c = { inherit = \"b\"; threads = 6; };\n"
	    "a = { preset = \"veryslow\"; bpp = 0.1; loudness = -18.0; };\n"
	    "b = { inherit = \"a\"; bpp = 0.2;\n"
	    "  x265_params = \"aq-mode=3\"; };\n"
	    "};\n");
	assert_int_equal(conf->nprofiles, 5);
	p = conf_profile(conf, "c");
	assert_non_null(p);
	assert_string_equal(p->name, "c");
	assert_string_equal(p->preset, "veryslow");
	assert_true(p->bpp == 0.2);
	assert_true(p->loudness == -18.0);
	assert_string_equal(p->x265_params, "aq-mode=3");
	assert_int_equal(p->threads, 6);
	p = conf_profile(conf, "b");
	assert_string_equal(p->name, "b");
	assert_int_equal(p->threads, 2);
	assert_true(p->bpp == 0.2);
	p = conf_profile(conf, "a");
	assert_true(p->bpp == 0.1);
	assert_string_equal(p->x265_params, "");
	conf_free(conf);
}

static void
test_inherit_builtin(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok("profiles = {\n"
	    "quick = { inherit = \"hevc-fast\"; tune = \"psnr\"; };\n"
	    "base = { inherit = \"hevc\"; };\n"
	    "};\n");
	p = conf_profile(conf, "quick");
	assert_string_equal(p->preset, "fast");
	assert_string_equal(p->tune, "psnr");
	p = conf_profile(conf, "base");
	assert_string_equal(p->name, "base");
	assert_string_equal(p->preset, "slow");
	conf_free(conf);
}

static void
test_replace_builtin(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	/*
	 * A file profile named like a built-in one replaces it: it starts
	 * from the defaults, not from the built-in, and inherit then finds
	 * the file's version.
	 */
	conf = load_ok("profiles = {\n"
	    "hevc-fast = { threads = 4; };\n"
	    "hevc = { preset = \"medium\"; };\n"
	    "mine = { inherit = \"hevc\"; };\n"
	    "};\n");
	assert_int_equal(conf->nprofiles, 3);
	p = conf_profile(conf, "hevc-fast");
	assert_string_equal(p->preset, "slow");
	assert_int_equal(p->threads, 4);
	assert_string_equal(conf_profile(conf, "hevc")->preset, "medium");
	assert_string_equal(conf_profile(conf, "mine")->preset, "medium");
	assert_string_equal(conf_profile(conf, NULL)->name, "hevc");
	conf_free(conf);
}

static void
test_inherit_errors(void **state)
{
	(void)state;
	load_fails("profiles = {\n"
	    "a = { inherit = \"b\"; };\n"
	    "b = {\n  inherit = \"a\"; };\n"
	    "};\n",
	    ":2: profiles.a.inherit: inheritance cycle: a -> b -> a");
	load_fails("profiles = {\n"
	    "x = { inherit = \"a\"; };\n"
	    "a = { inherit = \"b\"; };\n"
	    "b = { inherit = \"c\"; };\n"
	    "c = { inherit = \"a\"; };\n"
	    "};\n",
	    ":3: profiles.a.inherit: inheritance cycle: a -> b -> c -> a");
	load_fails("profiles = {\nself = { inherit = \"self\"; }; };\n",
	    ":2: profiles.self.inherit: inheritance cycle: self -> self");
	load_fails("profiles = {\nhevc = { inherit = \"hevc\"; }; };\n",
	    ":2: profiles.hevc.inherit: inheritance cycle: hevc -> hevc");
	load_fails("profiles = {\na = {\n\ninherit = \"nonesuch\"; }; };\n",
	    ":4: profiles.a.inherit: unknown profile \"nonesuch\"");
}

static void
test_default_profile(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	load_fails("jobs = 2;\ndefault_profile = \"nonesuch\";\n",
	    ":2: default_profile: unknown profile \"nonesuch\"");

	/* It may name a profile defined after it, or a built-in one. */
	conf = load_ok("default_profile = \"later\";\n"
	    "profiles = { later = { preset = \"fast\"; }; };\n");
	p = conf_profile(conf, NULL);
	assert_non_null(p);
	assert_string_equal(p->name, "later");
	conf_free(conf);

	conf = load_ok("default_profile = \"hevc-fast\";\n");
	assert_string_equal(conf_profile(conf, NULL)->name, "hevc-fast");
	conf_free(conf);
}

static void
test_example_file(void **state)
{
	struct config	*conf, *def;
	struct profile	*p;
	const char	*top;
	char		*path, *cause = NULL;

	(void)state;
	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	xasprintf(&path, "%s/etc/distenc.conf", top);
	conf = conf_load(path, &cause);
	if (conf == NULL)
		fail_msg("%s", cause);

	/* The example spells out the defaults: check it agrees. */
	def = conf_default();
	assert_default_globals(conf);
	assert_profile_equal(conf_profile(conf, "hevc"),
	    conf_profile(def, "hevc"));
	assert_profile_equal(conf_profile(conf, "hevc-fast"),
	    conf_profile(def, "hevc-fast"));
	conf_free(def);

	assert_int_equal(conf->nprofiles, 4);
	assert_string_equal(conf_profile(conf, NULL)->name, "hevc");
	p = conf_profile(conf, "hevc-hq");
	assert_non_null(p);
	assert_string_equal(p->preset, "slower");
	assert_true(p->bpp > 0.06);
	p = conf_profile(conf, "anime");
	assert_non_null(p);
	assert_string_equal(p->tune, "animation");
	assert_dump_reloads(conf);
	conf_free(conf);
	free(path);
}

static void
test_dump_reload(void **state)
{
	struct config	*conf;

	(void)state;
	conf = conf_default();
	assert_dump_reloads(conf);
	conf_free(conf);

	conf = load_ok(full_text);
	assert_dump_reloads(conf);
	conf_free(conf);

	/* Strings needing escapes, and inheritance flattened. */
	conf = load_ok("output_dir = \"/srv/a \\\"b\\\" \\\\c\\td\";\n"
	    "profiles = { x = { inherit = \"hevc-fast\"; bpp = 0.0123; };\n"
	    "y = { inherit = \"x\"; loudness = -23.25; }; };\n");
	assert_string_equal(conf->output_dir, "/srv/a \"b\" \\c\td");
	assert_dump_reloads(conf);
	conf_free(conf);
}

static void
test_dump_text(void **state)
{
	struct config	*conf;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*fp;

	(void)state;
	conf = conf_default();
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	conf_dump(conf, fp);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(text, "\njobs = 1;\n"));
	assert_non_null(strstr(text, "\ndefault_profile = \"hevc\";\n"));
	assert_non_null(strstr(text, "\t\tbpp = 0.06;\n"));
	assert_non_null(strstr(text, "\t\tloudness = -23.0;\n"));
	assert_non_null(strstr(text, "\t\tcrop = \"auto\";\n"));
	assert_non_null(strstr(text, "\t\tcrop_manual = [ 0, 0, 0, 0 ];\n"));
	assert_non_null(strstr(text, "\t\tnormalize = true;\n"));
	assert_non_null(strstr(text, "\thevc-fast = {\n"));
	assert_null(strstr(text, "inherit"));
	free(text);
	conf_free(conf);
}

/* Write text to file name in directory dir. */
static char *
write_in(const char *dir, const char *name, const char *text)
{
	char	*path;
	FILE	*fp;

	xasprintf(&path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void
test_include(void **state)
{
	struct config	*conf;
	const char	*tmpdir;
	char		*dir, *main_path, *extra_path, *cause = NULL, *expected;

	(void)state;
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	xasprintf(&dir, "%s/test_conf.XXXXXX", tmpdir);
	assert_non_null(mkdtemp(dir));

	/* @include is relative to the including file's directory. */
	main_path = write_in(dir, "main.conf",
	    "jobs = 2;\n@include \"extra.conf\"\n");
	extra_path = write_in(dir, "extra.conf", "overwrite = true;\n");
	conf = conf_load(main_path, &cause);
	if (conf == NULL)
		fail_msg("%s", cause);
	assert_int_equal(conf->jobs, 2);
	assert_int_equal(conf->overwrite, 1);
	conf_free(conf);

	/*
	 * Errors in an included file name that file as the @include
	 * directive spells it (that is what libconfig 1.5 records).
	 */
	free(write_in(dir, "main.conf", "@include \"extra.conf\"\n"));
	free(write_in(dir, "extra.conf", "\njobs = 0;\n"));
	assert_null(conf_load(main_path, &cause));
	assert_string_equal(cause,
	    "extra.conf:2: jobs: 0 is out of range (1..64)");
	free(cause);
	free(write_in(dir, "extra.conf", "jobs = 2;\noverwrite = ;\n"));
	assert_null(conf_load(main_path, &cause));
	assert_string_equal(cause, "extra.conf:2: syntax error");
	free(cause);
	free(write_in(dir, "main.conf", "@include \"nonesuch.conf\"\n"));
	assert_null(conf_load(main_path, &cause));
	xasprintf(&expected, "%s:1: cannot open include file", main_path);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);

	unlink(extra_path);
	unlink(main_path);
	rmdir(dir);
	free(extra_path);
	free(main_path);
	free(dir);
}

static void
test_misc(void **state)
{
	(void)state;
	conf_free(NULL);
	assert_null(conf_profile(NULL, "hevc"));
	assert_string_equal(conf_crop_mode_name(CROP_AUTO), "auto");
	assert_string_equal(conf_crop_mode_name(CROP_CONSERVATIVE),
	    "conservative");
	assert_string_equal(conf_crop_mode_name(CROP_OFF), "off");
	assert_string_equal(conf_crop_mode_name(CROP_MANUAL), "manual");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_int64_literal),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_int_range_edges),
		cmocka_unit_test(test_float_range),
		cmocka_unit_test(test_int_for_float),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_crop_manual),
		cmocka_unit_test(test_x265_params),
		cmocka_unit_test(test_inherit_file),
		cmocka_unit_test(test_inherit_builtin),
		cmocka_unit_test(test_replace_builtin),
		cmocka_unit_test(test_inherit_errors),
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_dump_reload),
		cmocka_unit_test(test_dump_text),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_misc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
