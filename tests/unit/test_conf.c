/*
 * Unit tests for the configuration module (conf*.c): defaults, a full file,
 * every kind of error with its exact message, profile inheritance, the
 * daemon's settings (directories, commands, conf_isset, conf_dir_profile),
 * sidecar files, the example files, and dump/reload.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * The lines "PATH" followed by each suffix of a NULL-terminated list,
 * joined by '\n', as in the cause of several errors.
 */
static char *
join_lines(const char *path, va_list ap)
{
	const char	*suffix;
	char		*lines = NULL, *tmp;

	while ((suffix = va_arg(ap, const char *)) != NULL) {
		if (lines == NULL)
			xasprintf(&lines, "%s%s", path, suffix);
		else {
			xasprintf(&tmp, "%s\n%s%s", lines, path, suffix);
			free(lines);
			lines = tmp;
		}
	}
	assert_non_null(lines);
	return lines;
}

/* Load text, which must fail with one line "PATH" and suffix for each. */
static void __attribute__((sentinel))
load_fails_lines(const char *text, ...)
{
	va_list	 ap;
	char	*path, *cause = NULL, *expected;

	path = write_temp(text);
	assert_null(conf_load(path, &cause));
	assert_non_null(cause);
	va_start(ap, text);
	expected = join_lines(path, ap);
	va_end(ap);
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
	assert_int_equal(p->threads, 0);
	assert_int_equal(p->fast_firstpass, 0);
	assert_int_equal(p->pass_reuse, PASS_REUSE_NONE);
	assert_int_equal(p->q, 14);
	assert_int_equal(p->cpu_used, 4);
	assert_int_equal(p->lag_in_frames, 48);
	assert_int_equal(p->row_mt, 1);
	assert_int_equal(p->noise_level, 0);
	assert_string_equal(p->grain_table, "");
	assert_string_equal(p->aom_preset, "1080p");
	assert_int_equal(p->chunked, 0);
	assert_int_equal(p->min_chunk_length, 64);
	assert_int_equal(p->max_chunk_length, 0);
	assert_int_equal(p->scd, SCD_SOURCE);
	assert_true(p->scd_threshold == 0.3);
	assert_int_equal(p->scd_downscale, 0);
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
	assert_string_equal(conf->work_dir, "/var/tmp/distenc");
	assert_string_equal(conf->log_dir, "");
	assert_int_equal(conf->jobs, 0);
	assert_int_equal(conf->overwrite, 0);
	assert_string_equal(conf->default_profile, "hevc");
	assert_string_equal(conf->spool_dir, "/var/spool/distenc/incoming");
	assert_string_equal(conf->status_dir, "");
	assert_int_equal(conf->poll_interval, 60);
	assert_int_equal(conf->settle_time, 10);
	assert_int_equal(conf->max_attempts, 3);
	assert_int_equal(conf->retry_delay, 60);
	assert_int_equal(conf->nice, 10);
	assert_int_equal(conf->move_sources, 0);
	assert_null(conf->dirs);
	assert_int_equal(conf->ndirs, 0);
	assert_null(conf->on_done);
	assert_int_equal(conf->non_done, 0);
	assert_null(conf->on_failure);
	assert_int_equal(conf->non_failure, 0);
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
	assert_int_equal(a->fast_firstpass, b->fast_firstpass);
	assert_int_equal(a->pass_reuse, b->pass_reuse);
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
	assert_int_equal(a->q, b->q);
	assert_int_equal(a->cpu_used, b->cpu_used);
	assert_int_equal(a->lag_in_frames, b->lag_in_frames);
	assert_int_equal(a->tile_columns, b->tile_columns);
	assert_int_equal(a->tile_rows, b->tile_rows);
	assert_int_equal(a->row_mt, b->row_mt);
	assert_int_equal(a->noise_level, b->noise_level);
	assert_string_equal(a->grain_table, b->grain_table);
	assert_string_equal(a->aom_preset, b->aom_preset);
	assert_string_equal(a->aom_params, b->aom_params);
	assert_int_equal(a->svt_preset, b->svt_preset);
	assert_int_equal(a->svt_crf, b->svt_crf);
	assert_int_equal(a->svt_film_grain, b->svt_film_grain);
	assert_string_equal(a->svt_params, b->svt_params);
	assert_int_equal(a->chunked, b->chunked);
	assert_int_equal(a->min_chunk_length, b->min_chunk_length);
	assert_int_equal(a->max_chunk_length, b->max_chunk_length);
	assert_int_equal(a->parallel_encodes, b->parallel_encodes);
	assert_int_equal(a->scd, b->scd);
	assert_true(a->scd_threshold == b->scd_threshold);
	assert_int_equal(a->scd_downscale, b->scd_downscale);
	assert_string_equal(a->qp_file, b->qp_file);
}

/* Check that two commands (n strings, NULL-terminated) are the same. */
static void
assert_argv_equal(char **a, size_t na, char **b, size_t nb)
{
	size_t	i;

	assert_int_equal(na, nb);
	if (na == 0) {
		assert_null(a);
		assert_null(b);
		return;
	}
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(a[na]);
	assert_null(b[nb]);
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
	assert_string_equal(a->spool_dir, b->spool_dir);
	assert_string_equal(a->status_dir, b->status_dir);
	assert_int_equal(a->poll_interval, b->poll_interval);
	assert_int_equal(a->settle_time, b->settle_time);
	assert_int_equal(a->max_attempts, b->max_attempts);
	assert_int_equal(a->retry_delay, b->retry_delay);
	assert_int_equal(a->nice, b->nice);
	assert_int_equal(a->move_sources, b->move_sources);
	assert_int_equal(a->ndirs, b->ndirs);
	for (i = 0; i < a->ndirs; i++) {
		assert_string_equal(a->dirs[i].path, b->dirs[i].path);
		assert_string_equal(a->dirs[i].profile, b->dirs[i].profile);
	}
	assert_argv_equal(a->on_done, a->non_done, b->on_done, b->non_done);
	assert_argv_equal(a->on_failure, a->non_failure, b->on_failure,
	    b->non_failure);
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
	"		fast_firstpass = true;\n"
	"		pass_reuse = \"distortion\";\n"
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
	assert_int_equal(conf->nprofiles, 8);

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
	assert_int_equal(p->fast_firstpass, 1);
	assert_int_equal(p->pass_reuse, PASS_REUSE_DISTORTION);
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

static const char daemon_text[] =
	"spool_dir = \"/srv/spool\";\n"
	"status_dir = \"/srv/status\";\n"
	"poll_interval = 300;\n"
	"settle_time = 0;\n"
	"max_attempts = 5;\n"
	"retry_delay = 120;\n"
	"nice = -5;\n"
	"move_sources = true;\n"
	"directories = (\n"
	"	{ path = \"anime\"; profile = \"anime\"; },\n"
	"	{ path = \"films/4k/\"; profile = \"hevc-fast\"; },\n"
	"	{\n"
	"		profile = \"hevc\";\n"
	"		path = \"films\";\n"
	"	}\n"
	");\n"
	"on_done = [ \"/usr/local/bin/notify\", \"--done\", \"\" ];\n"
	"on_failure = ( \"/bin/sh\", \"-c\",\n"
	"    \"echo \\\"$DISTENC_ID\\\"\\t>>/tmp/failed\" );\n"
	"profiles = { anime = { tune = \"animation\"; }; };\n";

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
	assert_int_equal(conf->nprofiles, 7);

	p = conf_profile(conf, NULL);
	assert_non_null(p);
	assert_string_equal(p->name, "hevc");
	assert_ptr_equal(p, conf_profile(conf, "hevc"));
	assert_default_profile(p);

	p = conf_profile(conf, "hevc-fast");
	assert_non_null(p);
	assert_string_equal(p->preset, "fast");
	assert_string_equal(p->tune, "");
	assert_int_equal(p->threads, 0);

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
	    ":1: jobs: 5000000000 is out of range (0..64)");
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

/* The AV1 and chunk settings, and the built-in chunked profiles. */
static void
test_chunk_settings(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok("work_dir = \"/srv/work\";\n"
	    "profiles = { a = { encoder = \"aom\"; chunked = true; q = 20;\n"
	    "  cpu_used = 8; scd = \"qpfile\"; scd_threshold = 0.25;\n"
	    "  scd_downscale = true; min_chunk_length = 100;\n"
	    "  max_chunk_length = 400; grain_table = \"/g.tbl\";\n"
	    "  aom_preset = \"720p\"; aom_params = \"enable-qm=1\";\n"
	    "  parallel_encodes = 3; }; };\n");
	assert_string_equal(conf->work_dir, "/srv/work");
	p = conf_profile(conf, "a");
	assert_string_equal(p->encoder, "aom");
	assert_int_equal(p->chunked, 1);
	assert_int_equal(p->q, 20);
	assert_int_equal(p->cpu_used, 8);
	assert_int_equal(p->scd, SCD_QPFILE);
	assert_true(p->scd_threshold == 0.25);
	assert_int_equal(p->scd_downscale, 1);
	assert_int_equal(p->min_chunk_length, 100);
	assert_int_equal(p->max_chunk_length, 400);
	assert_string_equal(p->grain_table, "/g.tbl");
	assert_string_equal(p->aom_preset, "720p");
	assert_int_equal(p->parallel_encodes, 3);
	p = conf_profile(conf, "av1");
	assert_string_equal(p->encoder, "aom");
	assert_int_equal(p->chunked, 1);
	assert_int_equal(p->q, 14);
	assert_int_equal(conf_profile(conf, "av1-fast")->cpu_used, 6);
	p = conf_profile(conf, "av1-svt");
	assert_string_equal(p->encoder, "svt");
	assert_int_equal(p->chunked, 1);
	assert_int_equal(p->svt_preset, 8);
	assert_int_equal(p->svt_crf, 14);
	assert_int_equal(p->svt_film_grain, 0);
	p = conf_profile(conf, "av1-svt-fast");
	assert_string_equal(p->encoder, "svt");
	assert_int_equal(p->chunked, 1);
	assert_int_equal(p->svt_preset, 10);
	p = conf_profile(conf, "hevc-chunked");
	assert_string_equal(p->encoder, "x265");
	assert_int_equal(p->chunked, 1);
	assert_string_equal(conf_aom_preset("720p"),
	    "tile-columns=0:enable-qm=1:qm-min=5:sb-size=64");
	assert_null(conf_aom_preset("4k"));
	assert_string_equal(conf_scd_mode_name(SCD_SCRIPT), "script");
	conf_free(conf);
	load_fails("profiles = { a = { q = 64; }; };\n",
	    ":1: profiles.a.q: 64 is out of range (0..63)");
	load_fails("profiles = { a = { encoder = \"svt\";\n"
	    "svt_preset = 14; }; };\n",
	    ":2: profiles.a.svt_preset: 14 is out of range (0..13)");
	load_fails("profiles = { a = { svt_crf = 0; }; };\n",
	    ":1: profiles.a.svt_crf: 0 is out of range (1..63)");
	load_fails("profiles = { a = { svt_film_grain = 51; }; };\n",
	    ":1: profiles.a.svt_film_grain: 51 is out of range (0..50)");
	load_fails("profiles = { a = { svt_params = \"crf=30::lp=2\"; }; };\n",
	    ":1: profiles.a.svt_params: bad item \"\" (expected key=value "
	    "or key)");
	load_fails("profiles = { a = { scd = \"avs\"; }; };\n",
	    ":1: profiles.a.scd: \"avs\" is not one of qpfile, source, "
	    "script");
	load_fails("profiles = { a = { max_chunk_length = 1; }; };\n",
	    ":1: profiles.a.max_chunk_length: 1 is out of range (0 or "
	    "2..1000000)");
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
	assert_int_equal(conf->nprofiles, 10);
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
	assert_int_equal(p->threads, 0);
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
	assert_int_equal(conf->nprofiles, 8);
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
	assert_profile_equal(conf_profile(conf, "av1"),
	    conf_profile(def, "av1"));
	conf_free(def);

	assert_int_equal(conf->nprofiles, 11);
	assert_int_equal(conf_profile(conf, "av1-grain")->noise_level, 20);
	assert_int_equal(conf_profile(conf, "av1-svt-grain")->svt_film_grain,
	    15);
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
test_daemon_example_file(void **state)
{
	struct config	*conf;
	const char	*top;
	char		*path, *cause = NULL;

	(void)state;
	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	xasprintf(&path, "%s/etc/distencd.conf", top);
	conf = conf_load(path, &cause);
	if (conf == NULL)
		fail_msg("%s", cause);

	/* It spells out distencd's defaults. */
	assert_string_equal(conf->spool_dir, "/var/spool/distenc/incoming");
	assert_string_equal(conf->output_dir, "/var/lib/distenc/output");
	assert_string_equal(conf->status_dir, "/var/lib/distenc/status");
	assert_string_equal(conf->log_dir, "/var/log/distenc");
	assert_string_equal(conf->stats_dir, "/dev/shm/distenc");
	assert_int_equal(conf_isset(conf, "output_dir"), 1);
	assert_int_equal(conf_isset(conf, "status_dir"), 1);
	assert_int_equal(conf_isset(conf, "log_dir"), 1);
	assert_int_equal(conf->jobs, 0);
	assert_int_equal(conf->overwrite, 0);
	assert_string_equal(conf->default_profile, "hevc");
	assert_int_equal(conf->poll_interval, 60);
	assert_int_equal(conf->settle_time, 10);
	assert_int_equal(conf->max_attempts, 3);
	assert_int_equal(conf->retry_delay, 60);
	assert_int_equal(conf->nice, 10);
	assert_int_equal(conf->move_sources, 0);
	assert_null(conf->on_done);
	assert_null(conf->on_failure);

	/* Its directories and the profiles they name. */
	assert_int_equal(conf->ndirs, 2);
	assert_string_equal(conf_dir_profile(conf, "anime/s1/b.mkv"), "anime");
	assert_string_equal(conf_dir_profile(conf, "films/4k/a.mkv"),
	    "hevc-hq");
	assert_string_equal(conf_dir_profile(conf, "films/a.mkv"), "hevc");
	assert_string_equal(conf_profile(conf, "anime")->tune, "animation");
	assert_string_equal(conf_profile(conf, "hevc-hq")->preset, "slower");
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

	/* The daemon's settings: directories and commands. */
	conf = load_ok(daemon_text);
	assert_dump_reloads(conf);
	conf_free(conf);
	conf = load_ok("directories = ( { path = \"a \\\"q\\\"/\"; "
	    "profile = \"hevc\"; } );\n"
	    "on_failure = [ \"/x\\\\y\", \"\\n\" ];\n");
	assert_string_equal(conf->dirs[0].path, "a \"q\"");
	assert_string_equal(conf->on_failure[0], "/x\\y");
	assert_string_equal(conf->on_failure[1], "\n");
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
	assert_non_null(strstr(text, "\njobs = 0;\n"));
	assert_non_null(strstr(text, "\ndefault_profile = \"hevc\";\n"));
	assert_non_null(strstr(text, "\t\tbpp = 0.06;\n"));
	assert_non_null(strstr(text, "\t\tloudness = -23.0;\n"));
	assert_non_null(strstr(text, "\t\tcrop = \"auto\";\n"));
	assert_non_null(strstr(text, "\t\tcrop_manual = [ 0, 0, 0, 0 ];\n"));
	assert_non_null(strstr(text, "\t\tnormalize = true;\n"));
	assert_non_null(strstr(text, "\thevc-fast = {\n"));
	assert_null(strstr(text, "inherit"));
	assert_non_null(strstr(text,
	    "\nspool_dir = \"/var/spool/distenc/incoming\";\n"));
	assert_non_null(strstr(text, "\nnice = 10;\n"));
	assert_non_null(strstr(text, "\nmove_sources = false;\n"));
	assert_non_null(strstr(text, "\ndirectories = ( );\n"));
	assert_non_null(strstr(text, "\non_done = [ ];\n"));
	assert_non_null(strstr(text, "\non_failure = [ ];\n"));
	free(text);
	conf_free(conf);

	conf = load_ok(daemon_text);
	text = NULL;
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	conf_dump(conf, fp);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(text, "\ndirectories = (\n"
	    "\t{ path = \"anime\"; profile = \"anime\"; },\n"
	    "\t{ path = \"films/4k\"; profile = \"hevc-fast\"; },\n"
	    "\t{ path = \"films\"; profile = \"hevc\"; }\n"
	    ");\n"));
	assert_non_null(strstr(text, "\non_done = [ \"/usr/local/bin/notify\", "
	    "\"--done\", \"\" ];\n"));
	assert_non_null(strstr(text, "\nsettle_time = 0;\n"));
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
	free(write_in(dir, "extra.conf", "\njobs = 65;\n"));
	assert_null(conf_load(main_path, &cause));
	assert_string_equal(cause,
	    "extra.conf:2: jobs: 65 is out of range (0..64)");
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
test_daemon_defaults(void **state)
{
	struct config	*conf;

	(void)state;
	conf = conf_default();
	assert_default_globals(conf);
	assert_int_equal(conf_isset(conf, "output_dir"), 0);
	assert_int_equal(conf_isset(conf, "spool_dir"), 0);
	assert_string_equal(conf_dir_profile(conf, "anime/x.mkv"), "hevc");
	conf_free(conf);

	/* A file without them has the same defaults. */
	conf = load_ok("jobs = 2;\n");
	assert_string_equal(conf->spool_dir, "/var/spool/distenc/incoming");
	assert_int_equal(conf->nice, 10);
	assert_null(conf->dirs);
	assert_null(conf->on_done);
	conf_free(conf);
}

static void
test_daemon_file(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok(daemon_text);
	assert_string_equal(conf->spool_dir, "/srv/spool");
	assert_string_equal(conf->status_dir, "/srv/status");
	assert_int_equal(conf->poll_interval, 300);
	assert_int_equal(conf->settle_time, 0);
	assert_int_equal(conf->max_attempts, 5);
	assert_int_equal(conf->retry_delay, 120);
	assert_int_equal(conf->nice, -5);
	assert_int_equal(conf->move_sources, 1);

	assert_int_equal(conf->ndirs, 3);
	assert_string_equal(conf->dirs[0].path, "anime");
	assert_string_equal(conf->dirs[0].profile, "anime");
	/* A "/" at the end is removed. */
	assert_string_equal(conf->dirs[1].path, "films/4k");
	assert_string_equal(conf->dirs[1].profile, "hevc-fast");
	assert_string_equal(conf->dirs[2].path, "films");
	assert_string_equal(conf->dirs[2].profile, "hevc");

	assert_int_equal(conf->non_done, 3);
	assert_string_equal(conf->on_done[0], "/usr/local/bin/notify");
	assert_string_equal(conf->on_done[1], "--done");
	assert_string_equal(conf->on_done[2], "");
	assert_null(conf->on_done[3]);
	assert_int_equal(conf->non_failure, 3);
	assert_string_equal(conf->on_failure[0], "/bin/sh");
	assert_string_equal(conf->on_failure[2],
	    "echo \"$DISTENC_ID\"\t>>/tmp/failed");
	assert_null(conf->on_failure[3]);

	/* The batch settings keep their defaults. */
	assert_string_equal(conf->output_dir, ".");
	assert_string_equal(conf->log_dir, "");
	conf_free(conf);

	/* Empty lists are allowed, as ( ) or [ ]. */
	conf = load_ok("directories = ( );\non_done = [ ];\n"
	    "on_failure = ( );\n");
	assert_int_equal(conf->ndirs, 0);
	assert_null(conf->dirs);
	assert_int_equal(conf->non_done, 0);
	assert_null(conf->on_done);
	assert_null(conf->on_failure);
	conf_free(conf);
	conf = load_ok("directories = [ ];\n");
	assert_int_equal(conf->ndirs, 0);
	conf_free(conf);
}

static void
test_daemon_range(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("poll_interval = 86400;\nsettle_time = 86400;\n"
	    "max_attempts = 100;\nretry_delay = 1;\nnice = -20;\n");
	assert_int_equal(conf->poll_interval, 86400);
	assert_int_equal(conf->settle_time, 86400);
	assert_int_equal(conf->max_attempts, 100);
	assert_int_equal(conf->retry_delay, 1);
	assert_int_equal(conf->nice, -20);
	conf_free(conf);
	conf = load_ok("poll_interval = 1;\nmax_attempts = 1;\n"
	    "retry_delay = 86400;\nnice = 19;\n");
	assert_int_equal(conf->poll_interval, 1);
	assert_int_equal(conf->nice, 19);
	conf_free(conf);
}

static void
test_directories_errors(void **state)
{
	(void)state;
	load_fails("directories = (\n\"anime\" );\n",
	    ":2: directories.[0]: expected a group, got a string");
	load_fails("directories = ( { path = \"a\"; profile = \"hevc\"; },\n"
	    "( ) );\n",
	    ":2: directories.[1]: expected a group, got a list");
	/* A missing setting is reported at the element. */
	load_fails("directories = (\n\n  {\n    profile = \"hevc\";\n  }\n);\n",
	    ":3: directories.[0]: missing setting \"path\"");
	load_fails("directories = ( { path = \"a\"; } );\n",
	    ":1: directories.[0]: missing setting \"profile\"");
	load_fails("directories = ( { } );\n",
	    ":1: directories.[0]: missing setting \"path\"");
	load_fails("directories = ( { path = \"a\"; profile = \"hevc\";\n"
	    "colour = \"red\"; } );\n",
	    ":2: directories.[0].colour: unknown setting");
	load_fails("directories = ( { path = \"a\"; profile = \"hevc\";\n"
	    "preset = \"slow\"; } );\n",
	    ":2: directories.[0].preset: unknown setting");
	load_fails("directories = ( { path = 1; profile = \"hevc\"; } );\n",
	    ":1: directories.[0].path: expected a string, got an integer");
	load_fails("directories = ( { path = \"a\"; profile = true; } );\n",
	    ":1: directories.[0].profile: expected a string, got a boolean");
	load_fails("path = \"a\";\n", ":1: path: unknown setting");
	load_fails("profile = \"hevc\";\n", ":1: profile: unknown setting");
}

/* Load a directories list of one element with this path, which must fail. */
static void
bad_dir_path(const char *path, const char *reason)
{
	char	*text, *suffix;

	xasprintf(&text, "directories = (\n"
	    "  { profile = \"hevc\";\n"
	    "    path = \"%s\"; }\n"
	    ");\n", path);
	xasprintf(&suffix, ":3: directories.[0].path: %s", reason);
	load_fails(text, suffix);
	free(suffix);
	free(text);
}

static void
test_directories_paths(void **state)
{
	struct config	*conf;

	(void)state;
	bad_dir_path("/srv/anime", "must be relative");
	bad_dir_path("/", "must be relative");
	bad_dir_path("", "must not be empty");
	bad_dir_path("..", "must not contain a \"..\" component");
	bad_dir_path("a/../b", "must not contain a \"..\" component");
	bad_dir_path("a/..", "must not contain a \"..\" component");
	bad_dir_path("a//b", "must not contain an empty component");
	bad_dir_path("./a", "must not contain a component starting with "
	    "\".\" (distencd does not enter those directories)");
	bad_dir_path("a/.hidden/b", "must not contain a component starting "
	    "with \".\" (distencd does not enter those directories)");

	/* Any "/" at the end is removed; other names are taken as they are. */
	conf = load_ok("directories = (\n"
	    "{ path = \"a//\"; profile = \"hevc\"; },\n"
	    "{ path = \"b c/d..e/f.\"; profile = \"hevc\"; } );\n");
	assert_string_equal(conf->dirs[0].path, "a");
	assert_string_equal(conf->dirs[1].path, "b c/d..e/f.");
	conf_free(conf);
}

static void
test_directories_profiles(void **state)
{
	struct config	*conf;

	(void)state;
	load_fails("directories = (\n"
	    "  { path = \"a\"; profile = \"hevc\"; },\n"
	    "  { path = \"b\";\n"
	    "    profile = \"x\"; }\n"
	    ");\n",
	    ":4: directories.[1].profile: unknown profile \"x\"");
	load_fails("directories = ( { path = \"a\"; profile = \"\"; } );\n",
	    ":1: directories.[0].profile: unknown profile \"\"");

	/* Built-in profiles, and profiles defined later, are known. */
	conf = load_ok("directories = (\n"
	    "{ path = \"a\"; profile = \"late\"; },\n"
	    "{ path = \"b\"; profile = \"hevc-fast\"; } );\n"
	    "profiles = { late = { }; };\n");
	assert_string_equal(conf->dirs[0].profile, "late");
	assert_string_equal(conf->dirs[1].profile, "hevc-fast");
	conf_free(conf);
}

static void
test_directories_duplicate(void **state)
{
	(void)state;
	load_fails("directories = (\n"
	    "  { path = \"anime\"; profile = \"hevc\"; },\n"
	    "  { path = \"films\"; profile = \"hevc\"; },\n"
	    "  { path = \"anime\"; profile = \"hevc-fast\"; }\n"
	    ");\n",
	    ":4: directories.[2].path: \"anime\" is already listed as "
	    "directories.[0].path");
	/* After the "/" at the end is removed. */
	load_fails("directories = (\n"
	    "  { path = \"a/b\"; profile = \"hevc\"; },\n"
	    "  { profile = \"hevc\";\n    path = \"a/b/\"; }\n"
	    ");\n",
	    ":4: directories.[1].path: \"a/b\" is already listed as "
	    "directories.[0].path");
}

static void
test_commands(void **state)
{
	struct config	*conf;

	(void)state;
	load_fails("on_done = \"/bin/true\";\n",
	    ":1: on_done: expected an array of strings, got a string");
	load_fails("on_failure = { a = 1; };\n",
	    ":1: on_failure: expected an array of strings, got a group");
	load_fails("on_done = [ 1, 2 ];\n",
	    ":1: on_done.[0]: expected a string, got an integer");
	load_fails("on_failure = ( \"/bin/echo\",\n  \"a\",\n  3 );\n",
	    ":3: on_failure.[2]: expected a string, got an integer");
	load_fails("on_done = ( \"/bin/echo\", [ \"a\" ] );\n",
	    ":1: on_done.[1]: expected a string, got an array");
	load_fails("\non_done = [ \"notify\", \"/abs\" ];\n",
	    ":2: on_done.[0]: program \"notify\" is not an absolute path "
	    "(commands are run without a shell or a PATH search)");
	load_fails("on_failure = [ \"bin/notify\" ];\n",
	    ":1: on_failure.[0]: program \"bin/notify\" is not an absolute "
	    "path (commands are run without a shell or a PATH search)");
	load_fails("on_failure = [ \"\" ];\n",
	    ":1: on_failure.[0]: program \"\" is not an absolute path "
	    "(commands are run without a shell or a PATH search)");
	load_fails("profiles = { a = { on_done = [ \"/bin/true\" ]; }; };\n",
	    ":1: profiles.a.on_done: global setting, not allowed in a "
	    "profile");

	conf = load_ok("on_done = [ \"/bin/true\" ];\n");
	assert_int_equal(conf->non_done, 1);
	assert_string_equal(conf->on_done[0], "/bin/true");
	assert_null(conf->on_done[1]);
	assert_null(conf->on_failure);
	conf_free(conf);
}

static void
test_isset(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("jobs = 2;\nstatus_dir = \"\";\n"
	    "profiles = { a = { threads = 4; }; };\n");
	assert_int_equal(conf_isset(conf, "jobs"), 1);
	/* Set to its default value is still set. */
	assert_int_equal(conf_isset(conf, "status_dir"), 1);
	assert_int_equal(conf_isset(conf, "output_dir"), 0);
	assert_int_equal(conf_isset(conf, "log_dir"), 0);
	assert_int_equal(conf_isset(conf, "directories"), 0);
	/* Not global settings. */
	assert_int_equal(conf_isset(conf, "profiles"), 0);
	assert_int_equal(conf_isset(conf, "threads"), 0);
	assert_int_equal(conf_isset(conf, "path"), 0);
	assert_int_equal(conf_isset(conf, "nonesuch"), 0);
	conf_free(conf);

	conf = load_ok(daemon_text);
	assert_int_equal(conf_isset(conf, "spool_dir"), 1);
	assert_int_equal(conf_isset(conf, "directories"), 1);
	assert_int_equal(conf_isset(conf, "on_failure"), 1);
	assert_int_equal(conf_isset(conf, "output_dir"), 0);
	conf_free(conf);

	conf = load_ok("# nothing\n");
	assert_int_equal(conf_isset(conf, "jobs"), 0);
	conf_free(conf);
}

static void
test_dir_profile(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("default_profile = \"dflt\";\n"
	    "directories = (\n"
	    "  { path = \"films/4k\"; profile = \"uhd\"; },\n"
	    "  { path = \"films\"; profile = \"film\"; },\n"
	    "  { path = \"anime\"; profile = \"anime\"; },\n"
	    "  { path = \"films/4k/hdr\"; profile = \"hdr\"; }\n"
	    ");\n"
	    "profiles = { dflt = { }; uhd = { }; film = { }; anime = { };\n"
	    "  hdr = { }; };\n");
	assert_string_equal(conf_dir_profile(conf, "anime/x.mkv"), "anime");
	assert_string_equal(conf_dir_profile(conf, "anime/s1/x.mkv"),
	    "anime");
	/* Whole components only. */
	assert_string_equal(conf_dir_profile(conf, "animes/x.mkv"), "dflt");
	assert_string_equal(conf_dir_profile(conf, "anim/x.mkv"), "dflt");
	assert_string_equal(conf_dir_profile(conf, "anime"), "dflt");
	assert_string_equal(conf_dir_profile(conf, "x/anime/y.mkv"), "dflt");
	/* The longest match, whatever the order of the list. */
	assert_string_equal(conf_dir_profile(conf, "films/x.mkv"), "film");
	assert_string_equal(conf_dir_profile(conf, "films/4k/x.mkv"), "uhd");
	assert_string_equal(conf_dir_profile(conf, "films/4k/hdr/x.mkv"),
	    "hdr");
	assert_string_equal(conf_dir_profile(conf, "films/4k/hdr10/x.mkv"),
	    "uhd");
	assert_string_equal(conf_dir_profile(conf, "films/4kx/x.mkv"),
	    "film");
	assert_string_equal(conf_dir_profile(conf, "x.mkv"), "dflt");
	assert_string_equal(conf_dir_profile(conf, ""), "dflt");
	conf_free(conf);
}

/* A configuration for the sidecar tests. */
static struct config *
sidecar_conf(void)
{
	return load_ok("default_profile = \"film\";\njobs = 1;\n"
	    "profiles = {\n"
	    "  film = { preset = \"slower\"; bpp = 0.08; threads = 2; };\n"
	    "  anime = { tune = \"animation\"; threads = 4; };\n"
	    "};\n");
}

/* Read text as a sidecar over base, which must succeed. */
static struct profile *
sidecar_ok(const struct config *conf, const struct profile *base,
    const char *text)
{
	struct profile	*pr;
	char		*path, *cause = NULL;

	path = write_temp(text);
	pr = conf_sidecar(conf, base, path, &cause);
	if (pr == NULL)
		fail_msg("unexpected error: %s", cause);
	assert_null(cause);
	unlink(path);
	free(path);
	return pr;
}

/* Read text as a sidecar, which must fail with "PATH" and suffix. */
static void
sidecar_fails(const struct config *conf, const char *text,
    const char *suffix)
{
	char	*path, *cause = NULL, *expected;

	path = write_temp(text);
	assert_null(conf_sidecar(conf, NULL, path, &cause));
	assert_non_null(cause);
	xasprintf(&expected, "%s%s", path, suffix);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
}

static void
test_sidecar(void **state)
{
	struct config	*conf;
	struct profile	*pr, *anime;

	(void)state;
	conf = sidecar_conf();
	anime = conf_profile(conf, "anime");

	/* Empty: a copy of base, or of the default profile. */
	pr = sidecar_ok(conf, anime, "# nothing\n");
	assert_profile_equal(pr, anime);
	assert_ptr_not_equal(pr->preset, anime->preset);
	conf_profile_free(pr);
	pr = sidecar_ok(conf, NULL, "");
	assert_profile_equal(pr, conf_profile(conf, "film"));
	conf_profile_free(pr);

	/* Overrides. */
	pr = sidecar_ok(conf, anime, "crop = \"off\";\nbitrate = 4000;\n"
	    "crop_manual = [ 2, 2, 0, 0 ];\nx265_params = \"no-sao\";\n");
	assert_string_equal(pr->name, "anime");
	assert_string_equal(pr->tune, "animation");
	assert_int_equal(pr->threads, 4);
	assert_int_equal(pr->crop, CROP_OFF);
	assert_int_equal(pr->bitrate, 4000);
	assert_int_equal(pr->crop_manual[1], 2);
	assert_string_equal(pr->x265_params, "no-sao");
	conf_profile_free(pr);
	/* The configuration's profile is unchanged. */
	assert_int_equal(anime->crop, CROP_AUTO);
	assert_int_equal(anime->bitrate, 0);

	/* A profile switch, wherever it is in the file. */
	pr = sidecar_ok(conf, anime, "bitrate = 3000;\nprofile = \"film\";\n");
	assert_string_equal(pr->name, "film");
	assert_string_equal(pr->preset, "slower");
	assert_string_equal(pr->tune, "");
	assert_int_equal(pr->threads, 2);
	assert_int_equal(pr->bitrate, 3000);
	conf_profile_free(pr);
	pr = sidecar_ok(conf, NULL, "profile = \"hevc-fast\";\n");
	assert_profile_equal(pr, conf_profile(conf, "hevc-fast"));
	conf_profile_free(pr);

	conf_profile_free(NULL);
	conf_free(conf);
}

static void
test_sidecar_errors(void **state)
{
	struct config	*conf;

	(void)state;
	conf = sidecar_conf();
	sidecar_fails(conf, "crop = \"off\";\ncolour = 1;\n",
	    ":2: colour: unknown setting");
	sidecar_fails(conf, "\n\nthreads = 257;\n",
	    ":3: threads: 257 is out of range (0..256)");
	sidecar_fails(conf, "preset = \"turbo\";\n",
	    ":1: preset: \"turbo\" is not one of ultrafast, superfast, "
	    "veryfast, faster, fast, medium, slow, slower, veryslow, "
	    "placebo");
	sidecar_fails(conf, "crop = 1;\n",
	    ":1: crop: expected a string, got an integer");
	sidecar_fails(conf, "x265_params = \"a=1::b\";\n",
	    ":1: x265_params: bad item \"\" (expected key=value or key)");
	sidecar_fails(conf, "jobs = 2;\n",
	    ":1: jobs: global setting, not allowed in a sidecar");
	sidecar_fails(conf, "directories = ( );\n",
	    ":1: directories: global setting, not allowed in a sidecar");
	sidecar_fails(conf, "profiles = { };\n",
	    ":1: profiles: unknown setting");
	sidecar_fails(conf, "path = \"a\";\n", ":1: path: unknown setting");
	sidecar_fails(conf, "inherit = \"film\";\n",
	    ":1: inherit: not allowed in a sidecar (the profile to start "
	    "from is set with profile = \"NAME\")");
	sidecar_fails(conf, "bitrate = 1;\n\nprofile = \"nonesuch\";\n",
	    ":3: profile: unknown profile \"nonesuch\"");
	sidecar_fails(conf, "profile = 3;\n",
	    ":1: profile: expected a string, got an integer");
	sidecar_fails(conf, "crop = \"off\";\nbitrate = ;\n",
	    ":2: syntax error");
	sidecar_fails(conf, "crop = \"off\";\n  @include \"/etc/passwd\"\n",
	    ":2: @include is not allowed in a sidecar");
	conf_free(conf);
}

/* The spool's limits: script_paths absolute, the new settings' ranges. */
static void
test_spool_limits(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("script_paths = [ \"/srv/a\", \"/srv/b\" ];\n"
	    "avisynth_plus = true;\nstall_timeout = 0;\njob_retention = 60;\n"
	    "job_retention_count = 500;\n");
	assert_int_equal(conf->nscript_paths, 2);
	assert_string_equal(conf->script_paths[1], "/srv/b");
	assert_int_equal(conf->avisynth_plus, 1);
	assert_int_equal(conf->stall_timeout, 0);
	assert_int_equal(conf->job_retention, 60);
	assert_int_equal(conf->job_retention_count, 500);
	conf_free(conf);
	conf = load_ok("");
	assert_int_equal(conf->nscript_paths, 0);
	assert_int_equal(conf->avisynth_plus, 0);
	assert_int_equal(conf->stall_timeout, 1800);
	assert_int_equal(conf->job_retention, 2592000);
	assert_int_equal(conf->job_retention_count, 0);
	conf_free(conf);
	load_fails("script_paths = [ \"/srv/a\", \"lib\" ];\n",
	    ":1: script_paths.[1]: must be an absolute path");
	load_fails("stall_timeout = 2;\n",
	    ":1: stall_timeout: 2 is out of range (0 or 5..604800)");
	load_fails("job_retention_count = -1;\n",
	    ":1: job_retention_count: -1 is out of range (0 or 1..100000000)");
}

/* What a file dropped into the spool may not ask for. */
static void
test_sidecar_untrusted(void **state)
{
	struct config	*conf;
	struct profile	*pr;

	(void)state;
	conf = sidecar_conf();
	sidecar_fails(conf, "x265_params = \"crf=20:csv=/tmp/x.csv\";\n",
	    ":1: x265_params: option \"csv\" names a file and is not "
	    "allowed in a sidecar");
	sidecar_fails(conf, "x265_params = \"stats=/var/lib/x\";\n",
	    ":1: x265_params: option \"stats\" names a file and is not "
	    "allowed in a sidecar");
	sidecar_fails(conf, "x265_params = \"analysis_save=a\";\n",
	    ":1: x265_params: option \"analysis-save\" names a file and is "
	    "not allowed in a sidecar");
	sidecar_fails(conf, "x265_params = \"frame-threads=64\";\n",
	    ":1: x265_params: option \"frame-threads\" is not allowed in a "
	    "sidecar (see distenc.conf(5) for the options that are)");
	sidecar_fails(conf, "aom_params = \"film-grain-table=/etc/x\";\n",
	    ":1: aom_params: option \"film-grain-table\" names a file and is "
	    "not allowed in a sidecar");
	sidecar_fails(conf, "svt_params = \"tune=0:lp=64\";\n",
	    ":1: svt_params: option \"lp\" is not allowed in a sidecar (see "
	    "distenc.conf(5) for the options that are)");
	sidecar_fails(conf, "svt_params = \"fgs-table=/etc/x\";\n",
	    ":1: svt_params: option \"fgs-table\" names a file and is not "
	    "allowed in a sidecar");
	sidecar_fails(conf, "qp_file = \"/etc/passwd\";\n",
	    ":1: qp_file: must name a file beside the source (no absolute "
	    "path, no \"..\")");
	sidecar_fails(conf, "grain_table = \"a/../../x.tbl\";\n",
	    ":1: grain_table: must name a file beside the source (no "
	    "absolute path, no \"..\")");
	sidecar_fails(conf, "threads = 3;\n",
	    ":1: threads: 3 is more than this host allows (2)");
	sidecar_fails(conf, "parallel_encodes = 2;\n",
	    ":1: parallel_encodes: 2 is more than this host allows (1)");

	pr = sidecar_ok(conf, NULL, "x265_params = \"no-sao:crf=18:aq_mode=3\";\n"
	    "aom_params = \"enable-qm=1:sb-size=64\";\nthreads = 1;\n"
	    "qp_file = \"film..v2.qp\";\n");
	assert_string_equal(pr->x265_params, "no-sao:crf=18:aq_mode=3");
	assert_string_equal(pr->qp_file, "film..v2.qp");
	assert_int_equal(pr->threads, 1);
	conf_profile_free(pr);
	pr = sidecar_ok(conf, NULL, "svt_params = \"tune=0:enable-tf=0:"
	    "film-grain=10\";\nsvt_crf = 35;\n");
	assert_string_equal(pr->svt_params, "tune=0:enable-tf=0:film-grain=10");
	assert_int_equal(pr->svt_crf, 35);
	conf_profile_free(pr);
	pr = sidecar_ok(conf, NULL, "grain_table = \"grain.tbl\";\n");
	assert_non_null(strstr(pr->grain_table, "/grain.tbl"));
	assert_int_equal(pr->grain_table[0], '/');
	conf_profile_free(pr);
	conf_free(conf);
}

/*
 * Run on the first n processors this process may use (sched_setaffinity,
 * as a taskset would): 0 when done, -1 when it has fewer.
 */
static int
share_cpus(const cpu_set_t *all, int n)
{
	cpu_set_t	set;
	int		i, got = 0;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE && got < n; i++)
		if (CPU_ISSET(i, all)) {
			CPU_SET(i, &set);
			got++;
		}
	if (got < n)
		return -1;
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fail_msg("sched_setaffinity: %s", strerror(errno));
	assert_int_equal(conf_processors(), n);
	return 0;
}

/* A copy of a profile with its shares resolved for n jobs at once. */
static struct profile
share_of(const struct config *conf, const char *name, int n)
{
	struct profile	p = *conf_get_profile(conf, name);

	conf_share(&p, conf, n);
	return p;
}

/*
 * Shares on two processors: the configuration (1: with jobs = 3), the
 * profile, the jobs at once, and the chunk encoders (-1: not checked) and
 * threads each gets.
 */
static const struct share_case {
	int		 set;
	const char	*profile;
	int		 n;
	int		 parallel;
	int		 threads;
} share_cases[] = {
	{ 0, "hevc", 1, -1, 2 },	/* a job alone: every processor */
	{ 0, "hevc", 2, -1, 1 },	/* two at once, or more: one each */
	{ 0, "hevc", 7, -1, 1 },
	{ 0, "hevc", 0, -1, 2 },	/* not known: alone */
	{ 0, "c", 1, 2, 1 },		/* chunked alone: an encoder each */
	{ 0, "c", 2, 1, 1 },
	{ 0, "e", 1, 2, 3 },		/* what a profile sets stays */
	{ 0, "t", 2, -1, 5 },
	{ 1, "c", 1, 3, 1 },		/* jobs set: the encoders are jobs */
};

/*
 * jobs = 0 and threads = 0: one job per processor, each job's share the
 * processors over the jobs at once, on one processor and on two.
 */
static void
test_share(void **state)
{
	const struct share_case	*sc;
	struct config		*conf, *set;
	struct profile		 p;
	cpu_set_t		 all;
	size_t			 i, ncases;

	(void)state;
	CPU_ZERO(&all);
	if (sched_getaffinity(0, sizeof(all), &all) != 0)
		fail_msg("sched_getaffinity: %s", strerror(errno));
	conf = load_ok("profiles = {\n"
	    "  c = { chunked = true; };\n"
	    "  e = { chunked = true; threads = 3; parallel_encodes = 2; };\n"
	    "  t = { threads = 5; };\n"
	    "};\n");
	set = load_ok("jobs = 3;\nprofiles = { c = { chunked = true; }; };\n");
	assert_int_equal(conf_jobs(set), 3);
	ncases = sizeof(share_cases) / sizeof(share_cases[0]);

	share_cpus(&all, 1);
	assert_int_equal(conf_jobs(conf), 1);
	p = share_of(conf, "hevc", 1);
	assert_int_equal(p.threads, 1);
	p = share_of(conf, "c", 1);
	assert_int_equal(p.parallel_encodes, 1);
	assert_int_equal(p.threads, 1);

	if (share_cpus(&all, 2) == 0) {
		/* no more jobs than processors, nor than memory allows */
		assert_in_range(conf_jobs(conf), 1, 2);
		for (i = 0; i < ncases; i++) {
			sc = &share_cases[i];
			p = share_of(sc->set ? set : conf, sc->profile, sc->n);
			if ((sc->parallel != -1 &&
			    p.parallel_encodes != sc->parallel) ||
			    p.threads != sc->threads)
				fail_msg("case %zu (%s, %d at once): %d encoders "
				    "of %d threads, want %d of %d", i,
				    sc->profile, sc->n, p.parallel_encodes,
				    p.threads, sc->parallel, sc->threads);
		}
	}
	if (sched_setaffinity(0, sizeof(all), &all) != 0)
		fail_msg("sched_setaffinity: %s", strerror(errno));
	conf_free(set);
	conf_free(conf);
}

/*
 * A sidecar over a profile of threads = 0 may ask for up to every
 * processor; over a profile of 1, not for 0 (a share) on two processors.
 */
static void
test_share_sidecar(void **state)
{
	struct config	*conf;
	struct profile	*pr;
	cpu_set_t	 all;

	(void)state;
	CPU_ZERO(&all);
	if (sched_getaffinity(0, sizeof(all), &all) != 0)
		fail_msg("sched_getaffinity: %s", strerror(errno));
	conf = load_ok("profiles = { one = { threads = 1; }; };\n");
	share_cpus(&all, 1);
	pr = sidecar_ok(conf, NULL, "threads = 1;\n");
	assert_int_equal(pr->threads, 1);
	conf_profile_free(pr);
	sidecar_fails(conf, "threads = 2;\n",
	    ":1: threads: 2 is more than this host allows (1)");
	sidecar_fails(conf, "parallel_encodes = 2;\n",
	    ":1: parallel_encodes: 2 is more than this host allows (1)");
	pr = sidecar_ok(conf, conf_get_profile(conf, "one"), "threads = 0;\n");
	assert_int_equal(pr->threads, 0);
	conf_profile_free(pr);
	if (share_cpus(&all, 2) == 0) {
		pr = sidecar_ok(conf, NULL, "threads = 2;\n"
		    "parallel_encodes = 2;\n");
		assert_int_equal(pr->threads, 2);
		conf_profile_free(pr);
		sidecar_fails(conf, "profile = \"one\";\nthreads = 0;\n",
		    ":2: threads: 2 is more than this host allows (1)");
	}
	if (sched_setaffinity(0, sizeof(all), &all) != 0)
		fail_msg("sched_setaffinity: %s", strerror(errno));
	conf_free(conf);
}

/* Read text as a sidecar, which must fail with these lines (join_lines). */
static void __attribute__((sentinel))
sidecar_fails_lines(const struct config *conf, const char *text, ...)
{
	va_list	 ap;
	char	*path, *cause = NULL, *expected;

	path = write_temp(text);
	assert_null(conf_sidecar(conf, NULL, path, &cause));
	assert_non_null(cause);
	va_start(ap, text);
	expected = join_lines(path, ap);
	va_end(ap);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
}

static void
test_errors_globals(void **state)
{
	(void)state;
	load_fails_lines("jobs = 65;\npoll_interval = 0;\n",
	    ":1: jobs: 65 is out of range (0..64)",
	    ":2: poll_interval: 0 is out of range (1..86400)", NULL);
	/* One error a setting, whatever its kind, in file order. */
	load_fails_lines("colour = 1;\noutput_dir = 3;\njobs = 2;\n"
	    "preset = \"slow\";\non_done = ( \"/bin/echo\", 1 );\n",
	    ":1: colour: unknown setting",
	    ":2: output_dir: expected a string, got an integer",
	    ":4: preset: profile setting, belongs in a profile "
	    "(profiles.NAME.preset)",
	    ":5: on_done.[1]: expected a string, got an integer", NULL);
	/* Each window of active_hours is checked, and outside_hours. */
	load_fails_lines("active_hours = [ \"Mon-Fri 19:00-07:00\",\n"
	    "  \"Funday 10:00-11:00\" ];\noutside_hours = \"nap\";\n",
	    ":2: active_hours.[1]: \"Funday 10:00-11:00\" is not a window "
	    "like \"Mon-Fri 19:00-07:00\" or \"Sat-Sun 00:00-24:00\"",
	    ":3: outside_hours: \"nap\" is not one of finish, pause", NULL);
	/* A syntax error is the only one. */
	load_fails_lines("jobs = 65;\nnice = 99;\nthreads = ;\n",
	    ":3: syntax error", NULL);
}

static void
test_errors_profiles(void **state)
{
	(void)state;
	load_fails_lines("profiles = {\n"
	    "  a = { threads = 257; };\n"
	    "  b = { preset = \"turbo\";\n"
	    "    crop = 1; };\n"
	    "  c = [ 1 ];\n"
	    "};\n",
	    ":2: profiles.a.threads: 257 is out of range (0..256)",
	    ":3: profiles.b.preset: \"turbo\" is not one of ultrafast, "
	    "superfast, veryfast, faster, fast, medium, slow, slower, "
	    "veryslow, placebo",
	    ":4: profiles.b.crop: expected a string, got an integer",
	    ":5: profiles.c: expected a group, got an array", NULL);
	/* Globals around the profiles, in file order. */
	load_fails_lines("jobs = 65;\n"
	    "profiles = { a = { bpp = 0.0; }; };\n"
	    "nice = 20;\n",
	    ":1: jobs: 65 is out of range (0..64)",
	    ":2: profiles.a.bpp: 0.0 is out of range (0.001..10.0)",
	    ":3: nice: 20 is out of range (-20..19)", NULL);
}

static void
test_errors_default_profile(void **state)
{
	(void)state;
	/* default_profile is checked after the settings. */
	load_fails_lines("default_profile = \"nonesuch\";\n"
	    "profiles = { a = { threads = 257; }; };\n",
	    ":2: profiles.a.threads: 257 is out of range (0..256)",
	    ":1: default_profile: unknown profile \"nonesuch\"", NULL);
	load_fails_lines("profiles = { a = { threads = 257; }; };\n"
	    "default_profile = \"nonesuch\";\n",
	    ":1: profiles.a.threads: 257 is out of range (0..256)",
	    ":2: default_profile: unknown profile \"nonesuch\"", NULL);
	/* A profile with errors is still a profile to name. */
	load_fails_lines("default_profile = \"a\";\n"
	    "profiles = { a = { threads = 257; }; };\n",
	    ":2: profiles.a.threads: 257 is out of range (0..256)", NULL);
	load_fails_lines("default_profile = \"a\";\n"
	    "profiles = { a = 1; };\n",
	    ":2: profiles.a: expected a group, got an integer", NULL);
	/* Without a profiles group, no name is checked. */
	load_fails_lines("default_profile = \"a\";\nprofiles = 1;\n"
	    "directories = ( { path = \"x\"; profile = \"b\"; } );\n",
	    ":2: profiles: expected a group, got an integer", NULL);
	/* A default_profile that is not a string is checked no further. */
	load_fails_lines("default_profile = 1;\n",
	    ":1: default_profile: expected a string, got an integer", NULL);
}

static void
test_errors_inherit(void **state)
{
	(void)state;
	/*
	 * Profiles inheriting from one with errors are not built, silently;
	 * unknown profiles inherited come after the settings' errors.
	 */
	load_fails_lines("profiles = {\n"
	    "  a = { threads = 257; };\n"
	    "  b = { inherit = \"a\"; };\n"
	    "  c = { inherit = \"b\"; bpp = 0.0; };\n"
	    "  d = { inherit = \"nonesuch\"; threads = 257; };\n"
	    "  e = { inherit = \"d\"; };\n"
	    "  f = { inherit = 1; };\n"
	    "  g = { inherit = \"f\"; };\n"
	    "};\n",
	    ":2: profiles.a.threads: 257 is out of range (0..256)",
	    ":4: profiles.c.bpp: 0.0 is out of range (0.001..10.0)",
	    ":5: profiles.d.threads: 257 is out of range (0..256)",
	    ":7: profiles.f.inherit: expected a string, got an integer",
	    ":5: profiles.d.inherit: unknown profile \"nonesuch\"", NULL);
	/* A cycle is reported once, even through a profile with errors. */
	load_fails_lines("profiles = {\n"
	    "  x = { inherit = \"a\"; };\n"
	    "  a = { inherit = \"b\"; threads = 257; };\n"
	    "  b = { inherit = \"a\"; };\n"
	    "  y = { inherit = \"y\"; };\n"
	    "  z = { inherit = \"nonesuch\"; };\n"
	    "};\n",
	    ":3: profiles.a.threads: 257 is out of range (0..256)",
	    ":3: profiles.a.inherit: inheritance cycle: a -> b -> a",
	    ":5: profiles.y.inherit: inheritance cycle: y -> y",
	    ":6: profiles.z.inherit: unknown profile \"nonesuch\"", NULL);
	/* In the order defined, a built-in's name at its place in the file. */
	load_fails_lines("profiles = {\n"
	    "  a = { inherit = \"x\"; };\n"
	    "  hevc = { inherit = \"y\"; };\n"
	    "};\n",
	    ":2: profiles.a.inherit: unknown profile \"x\"",
	    ":3: profiles.hevc.inherit: unknown profile \"y\"", NULL);
}

static void
test_errors_directories(void **state)
{
	(void)state;
	load_fails_lines("jobs = 65;\n"
	    "directories = (\n"
	    "  { path = \"/a\"; profile = \"hevc\"; },\n"
	    "  { path = \"b\"; profile = \"nonesuch\"; },\n"
	    "  { profile = 1; path = \"c\"; },\n"
	    "  { },\n"
	    "  \"d\",\n"
	    "  { colour = 1; }\n"
	    ");\n"
	    "nice = 99;\n",
	    ":1: jobs: 65 is out of range (0..64)",
	    ":3: directories.[0].path: must be relative",
	    ":5: directories.[2].profile: expected a string, got an integer",
	    ":6: directories.[3]: missing setting \"path\"",
	    ":7: directories.[4]: expected a group, got a string",
	    ":8: directories.[5]: missing setting \"path\"",
	    ":8: directories.[5].colour: unknown setting",
	    ":10: nice: 99 is out of range (-20..19)",
	    ":4: directories.[1].profile: unknown profile \"nonesuch\"",
	    NULL);
	/*
	 * An element with errors is compared with no other; a profile with
	 * errors is a profile to name.
	 */
	load_fails_lines("directories = (\n"
	    "  { path = \"a\"; profile = 1; },\n"
	    "  { path = \"a\"; profile = \"p\"; },\n"
	    "  { path = \"a/\"; profile = \"hevc\"; }\n"
	    ");\n"
	    "profiles = { p = { threads = 257; }; };\n",
	    ":2: directories.[0].profile: expected a string, got an integer",
	    ":4: directories.[2].path: \"a\" is already listed as "
	    "directories.[1].path",
	    ":6: profiles.p.threads: 257 is out of range (0..256)", NULL);
}

static void
test_errors_sidecar(void **state)
{
	struct config	*conf;

	(void)state;
	conf = sidecar_conf();
	sidecar_fails_lines(conf,
	    "threads = 257;\ncrop = \"off\";\ncolour = 1;\n",
	    ":1: threads: 257 is out of range (0..256)",
	    ":3: colour: unknown setting", NULL);
	/* An unknown profile in file order, the settings checked anyway. */
	sidecar_fails_lines(conf, "profile = \"nonesuch\";\nthreads = 257;\n",
	    ":1: profile: unknown profile \"nonesuch\"",
	    ":2: threads: 257 is out of range (0..256)", NULL);
	sidecar_fails_lines(conf, "jobs = 2;\nbitrate = -1;\nprofile = 3;\n",
	    ":1: jobs: global setting, not allowed in a sidecar",
	    ":2: bitrate: -1 is out of range (0..1000000)",
	    ":3: profile: expected a string, got an integer", NULL);
	conf_free(conf);
}

/* Text of n unknown settings, one a line. */
static char *
unknown_settings(int n)
{
	char	*text = xstrdup(""), *tmp;
	int	 i;

	for (i = 1; i <= n; i++) {
		xasprintf(&tmp, "%sk%d = 1;\n", text, i);
		free(text);
		text = tmp;
	}
	return text;
}

/* The cause for the first n lines of unknown_settings read from path. */
static char *
unknown_lines(const char *path, int n)
{
	char	*lines = NULL, *tmp;
	int	 i;

	for (i = 1; i <= n; i++) {
		xasprintf(&tmp, "%s%s%s:%d: k%d: unknown setting",
		    lines != NULL ? lines : "", lines != NULL ? "\n" : "",
		    path, i, i);
		free(lines);
		lines = tmp;
	}
	return lines;
}

static void
test_errors_cap(void **state)
{
	struct config	*conf;
	char		*text, *path, *cause = NULL, *expected, *tmp;

	(void)state;
	/* 50 errors are all reported. */
	text = unknown_settings(50);
	path = write_temp(text);
	assert_null(conf_load(path, &cause));
	expected = unknown_lines(path, 50);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
	free(text);

	/* Then the rest, whatever they are, are cut short. */
	text = unknown_settings(60);
	xasprintf(&tmp, "%sdefault_profile = \"nonesuch\";\n", text);
	path = write_temp(tmp);
	assert_null(conf_load(path, &cause));
	expected = unknown_lines(path, 50);
	free(tmp);
	xasprintf(&tmp, "%s\n%s: too many errors", expected, path);
	assert_string_equal(cause, tmp);
	free(tmp);
	free(expected);
	free(cause);
	unlink(path);
	free(path);

	/* The same in a sidecar. */
	conf = sidecar_conf();
	path = write_temp(text);
	assert_null(conf_sidecar(conf, NULL, path, &cause));
	expected = unknown_lines(path, 50);
	xasprintf(&tmp, "%s\n%s: too many errors", expected, path);
	assert_string_equal(cause, tmp);
	free(tmp);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
	free(text);
	conf_free(conf);
}

static void
test_sidecar_files(void **state)
{
	struct config	*conf;
	const char	*tmpdir;
	char		*dir, *path, *link, *cause = NULL, *expected, *big;
	FILE		*fp;

	(void)state;
	conf = sidecar_conf();
	assert_null(conf_sidecar(conf, NULL, "/nonexistent/a.mkv.distenc",
	    &cause));
	assert_string_equal(cause,
	    "/nonexistent/a.mkv.distenc: No such file or directory");
	free(cause);
	assert_null(conf_sidecar(conf, NULL, "/", &cause));
	assert_string_equal(cause, "/: not a regular file");
	free(cause);
	/* A NULL cause is allowed. */
	assert_null(conf_sidecar(conf, NULL, "/nonexistent", NULL));

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	xasprintf(&dir, "%s/test_conf.XXXXXX", tmpdir);
	assert_non_null(mkdtemp(dir));

	/* Symbolic links are not followed. */
	path = write_in(dir, "real.distenc", "crop = \"off\";\n");
	xasprintf(&link, "%s/link.distenc", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_null(conf_sidecar(conf, NULL, link, &cause));
	xasprintf(&expected, "%s: a symbolic link, not followed", link);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	unlink(link);

	/* At most 64 KiB. */
	big = xcalloc(1, 65538);
	memset(big, '\n', 65537);
	free(write_in(dir, "real.distenc", big));
	assert_null(conf_sidecar(conf, NULL, path, &cause));
	xasprintf(&expected, "%s: too large (over 65536 bytes)", path);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);
	big[65536] = '\0';
	free(write_in(dir, "real.distenc", big));
	conf_profile_free(conf_sidecar(conf, NULL, path, NULL));
	free(big);

	/* Text only. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite("a\0b", 1, 3, fp), 3);
	assert_int_equal(fclose(fp), 0);
	assert_null(conf_sidecar(conf, NULL, path, &cause));
	xasprintf(&expected, "%s: not a text file", path);
	assert_string_equal(cause, expected);
	free(expected);
	free(cause);

	unlink(path);
	rmdir(dir);
	free(link);
	free(path);
	free(dir);
	conf_free(conf);
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

/*
 * Files that must fail to load, each with its one line of error after
 * the file's path: a group (what kind of error), the text, the error.
 */
struct fail_case {
	const char	*group;
	const char	*text;
	const char	*suffix;
};

static const struct fail_case fail_cases[] = {
	{ "syntax_error", "jobs = 2;\n\nthreads = ;\n", ":3: syntax error" },
	{ "syntax_error", "jobs = 2;\njobs = 3;\n",
	    ":2: duplicate setting name" },
	/*
	 * A profile name must start with a letter.  (A quoted name is also a
	 * syntax error, but libconfig 1.5 leaks the string then.)
	 */
	{ "syntax_error", "profiles = {\n1a = { }; };\n", ":2: syntax error" },
	{ "syntax_error", "x = \"unterminated;\n", ":2: syntax error" },
	{ "unknown_key", "jobs = 2;\n\n\n\ncolour = \"red\";\n",
	    ":5: colour: unknown setting" },
	{ "unknown_key", "profiles = {\n  a = {\n    colour = 1;\n  };\n};\n",
	    ":3: profiles.a.colour: unknown setting" },
	{ "unknown_key", "preset = \"slow\";\n", ":1: preset: profile setting, "
	    "belongs in a profile (profiles.NAME.preset)" },
	{ "unknown_key", "profiles = { a = { jobs = 2; }; };\n",
	    ":1: profiles.a.jobs: global setting, not allowed in a profile" },
	{ "unknown_key", "profiles = { a = { profiles = { }; }; };\n",
	    ":1: profiles.a.profiles: unknown setting" },
	{ "wrong_type", "jobs = \"4\";\n", ":1: jobs: expected an integer, "
	    "got a string" },
	{ "wrong_type", "jobs = 4.0;\n", ":1: jobs: expected an integer, "
	    "got a float" },
	{ "wrong_type", "output_dir = 3;\n",
	    ":1: output_dir: expected a string, "
	    "got an integer" },
	{ "wrong_type", "overwrite = 1;\n",
	    ":1: overwrite: expected a boolean, "
	    "got an integer" },
	{ "wrong_type", "profiles = 1;\n", ":1: profiles: expected a group, "
	    "got an integer" },
	{ "wrong_type", "profiles = { a = [ 1 ]; };\n",
	    ":1: profiles.a: expected a group, got an array" },
	{ "wrong_type", "profiles = { a = { bpp = \"0.1\"; }; };\n",
	    ":1: profiles.a.bpp: expected a number, got a string" },
	{ "wrong_type", "profiles = { a = { crop = 1; }; };\n",
	    ":1: profiles.a.crop: expected a string, got an integer" },
	{ "wrong_type", "profiles = { a = { inherit = true; }; };\n",
	    ":1: profiles.a.inherit: expected a string, got a boolean" },
	{ "wrong_type", "profiles = { a = {\nthreads = 2.5; }; };\n",
	    ":2: profiles.a.threads: expected an integer, got a float" },
	{ "int_range", "\njobs = -1;\n", ":2: jobs: -1 is out of range (0..64)" },
	{ "int_range", "jobs = 65;\n", ":1: jobs: 65 is out of range (0..64)" },
	{ "int_range", "profiles = { a = { threads = 257; }; };\n",
	    ":1: profiles.a.threads: 257 is out of range (0..256)" },
	{ "int_range", "profiles = { a = { bitrate = -1; }; };\n",
	    ":1: profiles.a.bitrate: -1 is out of range (0..1000000)" },
	{ "int_range", "profiles = { a = { audio_bitrate = 4; }; };\n",
	    ":1: profiles.a.audio_bitrate: 4 is out of range (8..512)" },
	{ "int_range", "profiles = { a = { crop_samples = 2; }; };\n",
	    ":1: profiles.a.crop_samples: 2 is out of range (3..200)" },
	{ "int_range", "profiles = { a = { crop_limit = 256; }; };\n",
	    ":1: profiles.a.crop_limit: 256 is out of range (0..255)" },
	{ "int_range", "profiles = { a = { bit_depth = 9; }; };\n",
	    ":1: profiles.a.bit_depth: 9 is not one of 0, 8, 10" },
	{ "int_range", "profiles = { a = { scale_width = 8; }; };\n",
	    ":1: profiles.a.scale_width: 8 is out of range (0 or 16..8192)" },
	{ "int_range", "profiles = { a = { scale_width = 1281; }; };\n",
	    ":1: profiles.a.scale_width: 1281 is not even" },
	{ "float_range", "profiles = { a = { loudness = -80.0; }; };\n",
	    ":1: profiles.a.loudness: -80.0 is out of range (-70.0..-5.0)" },
	{ "float_range", "profiles = { a = { loudness = -4.5; }; };\n",
	    ":1: profiles.a.loudness: -4.5 is out of range (-70.0..-5.0)" },
	{ "float_range", "profiles = { a = { true_peak = 0.5; }; };\n",
	    ":1: profiles.a.true_peak: 0.5 is out of range (-9.0..0.0)" },
	{ "float_range", "profiles = { a = { true_peak = -9.5; }; };\n",
	    ":1: profiles.a.true_peak: -9.5 is out of range (-9.0..0.0)" },
	{ "float_range", "profiles = { a = { bpp = 0.0; }; };\n",
	    ":1: profiles.a.bpp: 0.0 is out of range (0.001..10.0)" },
	{ "float_range", "profiles = { a = { bpp = 11; }; };\n",
	    ":1: profiles.a.bpp: 11.0 is out of range (0.001..10.0)" },
	{ "daemon_wrong_type", "spool_dir = 1;\n",
	    ":1: spool_dir: expected a string, got an integer" },
	{ "daemon_wrong_type", "spool_dir = \"\";\n",
	    ":1: spool_dir: must not be empty" },
	{ "daemon_wrong_type", "status_dir = false;\n",
	    ":1: status_dir: expected a string, got a boolean" },
	{ "daemon_wrong_type", "poll_interval = \"60\";\n",
	    ":1: poll_interval: expected an integer, got a string" },
	{ "daemon_wrong_type", "settle_time = 1.5;\n",
	    ":1: settle_time: expected an integer, got a float" },
	{ "daemon_wrong_type", "move_sources = 1;\n",
	    ":1: move_sources: expected a boolean, got an integer" },
	{ "daemon_wrong_type", "nice = [ 1 ];\n",
	    ":1: nice: expected an integer, got an array" },
	{ "daemon_wrong_type", "directories = 1;\n",
	    ":1: directories: expected a list of groups, got an integer" },
	{ "daemon_wrong_type",
	    "directories = { path = \"a\"; profile = \"hevc\"; };\n",
	    ":1: directories: expected a list of groups, got a group" },
	{ "daemon_wrong_type", "profiles = { a = { nice = 1; }; };\n",
	    ":1: profiles.a.nice: global setting, not allowed in a profile" },
	{ "enum", "profiles = {\n\n  anime = { preset = \"turbo\"; };\n};\n",
	    ":3: profiles.anime.preset: \"turbo\" is not one of ultrafast, "
	    "superfast, veryfast, faster, fast, medium, slow, slower, "
	    "veryslow, placebo" },
	{ "enum", "profiles = { a = { crop = \"sideways\"; }; };\n",
	    ":1: profiles.a.crop: \"sideways\" is not one of auto, "
	    "conservative, off, manual" },
	{ "enum", "profiles = { a = { tune = \"film\"; }; };\n",
	    ":1: profiles.a.tune: \"film\" is not one of \"\", psnr, ssim, "
	    "grain, zerolatency, fastdecode, animation" },
	{ "enum", "profiles = { a = { encoder = \"x264\"; }; };\n",
	    ":1: profiles.a.encoder: \"x264\" is not one of x265, aom, svt" },
	{ "enum", "profiles = { a = { audio_codec = \"aac\"; }; };\n",
	    ":1: profiles.a.audio_codec: \"aac\" is not one of opus, flac, "
	    "copy" },
	{ "enum", "profiles = { a = { preset = \"Slow\"; }; };\n",
	    ":1: profiles.a.preset: \"Slow\" is not one of ultrafast, "
	    "superfast, veryfast, faster, fast, medium, slow, slower, "
	    "veryslow, placebo" },
	{ "daemon_range", "poll_interval = 0;\n",
	    ":1: poll_interval: 0 is out of range (1..86400)" },
	{ "daemon_range", "poll_interval = 86401;\n",
	    ":1: poll_interval: 86401 is out of range (1..86400)" },
	{ "daemon_range", "settle_time = -1;\n",
	    ":1: settle_time: -1 is out of range (0..86400)" },
	{ "daemon_range", "settle_time = 86401;\n",
	    ":1: settle_time: 86401 is out of range (0..86400)" },
	{ "daemon_range", "max_attempts = 0;\n",
	    ":1: max_attempts: 0 is out of range (1..100)" },
	{ "daemon_range", "max_attempts = 101;\n",
	    ":1: max_attempts: 101 is out of range (1..100)" },
	{ "daemon_range", "retry_delay = 0;\n",
	    ":1: retry_delay: 0 is out of range (1..86400)" },
	{ "daemon_range", "\nretry_delay = 86401;\n",
	    ":2: retry_delay: 86401 is out of range (1..86400)" },
	{ "daemon_range", "nice = -21;\n",
	    ":1: nice: -21 is out of range (-20..19)" },
	{ "daemon_range", "nice = 20;\n",
	    ":1: nice: 20 is out of range (-20..19)" },
};

/* Load a failing case's text: the error must be the one wanted. */
static void
test_fail_case(void **state)
{
	const struct fail_case	*k = *state;

	load_fails(k->text, k->suffix);
}

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))


/* The group slurm: its defaults, its settings, its errors by path. */
static void
test_slurm_group(void **state)
{
	struct config	*conf;

	(void)state;
	conf = load_ok("jobs = 2;\n");
	assert_string_equal(conf->slurm.partition, "");
	assert_int_equal(conf->slurm.chunk_retries, 2);
	assert_int_equal(conf->slurm.check_shared, 1);
	conf_free(conf);
	conf = load_ok("slurm = { partition = \"video\"; time_chunk = "
	    "\"2:00:00\"; chunk_retries = 5; check_shared = false; };\n");
	assert_string_equal(conf->slurm.partition, "video");
	assert_string_equal(conf->slurm.time_chunk, "2:00:00");
	assert_int_equal(conf->slurm.chunk_retries, 5);
	assert_int_equal(conf->slurm.check_shared, 0);
	conf_free(conf);
	load_fails("slurm = { partitions = \"x\"; };\n",
	    ":1: slurm.partitions: unknown setting");
	load_fails("slurm = {\nchunk_retries = 101; };\n",
	    ":2: slurm.chunk_retries: 101 is out of range (0..100)");
	load_fails("slurm = 3;\n", ":1: slurm: expected a group, got an "
	    "integer");
	load_fails("slurm_partition = \"x\";\n",
	    ":1: slurm_partition: unknown setting");
}

/* Stream rules: language lists checked and lowered; the defaults. */
static void
test_stream_rules(void **state)
{
	struct config	*conf;
	struct profile	*p;

	(void)state;
	conf = load_ok("profiles = { t = { audio_languages = \"ENG, fre\"; "
	    "max_audio_tracks = 2; dynamic_hdr = \"base\"; }; };");
	p = conf_profile(conf, "t");
	assert_string_equal(p->audio_languages, "eng, fre");
	assert_string_equal(p->subtitle_languages, "");
	assert_int_equal(p->max_audio_tracks, 2);
	assert_int_equal(p->dynamic_hdr, DYNAMIC_HDR_BASE);
	assert_int_equal(p->drop_commentary, 0);
	assert_string_equal(p->commentary_words,
	    "commentary,commentaire,kommentar");
	conf_free(conf);
	load_fails("profiles = { t = { subtitle_languages = \"english\"; "
	    "}; };", ":1: profiles.t.subtitle_languages: not a list of "
	    "three-letter language codes (ISO 639-2), as \"eng,fre\"");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_int64_literal),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_int_range_edges),
		cmocka_unit_test(test_int_for_float),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_crop_manual),
		cmocka_unit_test(test_x265_params),
		cmocka_unit_test(test_chunk_settings),
		cmocka_unit_test(test_inherit_file),
		cmocka_unit_test(test_inherit_builtin),
		cmocka_unit_test(test_replace_builtin),
		cmocka_unit_test(test_inherit_errors),
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_daemon_example_file),
		cmocka_unit_test(test_dump_reload),
		cmocka_unit_test(test_dump_text),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_daemon_defaults),
		cmocka_unit_test(test_daemon_file),
		cmocka_unit_test(test_daemon_range),
		cmocka_unit_test(test_directories_errors),
		cmocka_unit_test(test_directories_paths),
		cmocka_unit_test(test_directories_profiles),
		cmocka_unit_test(test_directories_duplicate),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_isset),
		cmocka_unit_test(test_dir_profile),
		cmocka_unit_test(test_sidecar),
		cmocka_unit_test(test_sidecar_errors),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_share_sidecar),
		cmocka_unit_test(test_sidecar_untrusted),
		cmocka_unit_test(test_spool_limits),
		cmocka_unit_test(test_sidecar_files),
		cmocka_unit_test(test_errors_globals),
		cmocka_unit_test(test_errors_profiles),
		cmocka_unit_test(test_errors_default_profile),
		cmocka_unit_test(test_errors_inherit),
		cmocka_unit_test(test_errors_directories),
		cmocka_unit_test(test_errors_sidecar),
		cmocka_unit_test(test_errors_cap),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_stream_rules),
		cmocka_unit_test(test_slurm_group),
	};
	static char		names[NCASES(fail_cases)][64];
	struct CMUnitTest	tests[NCASES(fail_cases) + NCASES(fixed)];
	size_t			i, n = 0;

	/* Each failing file its own test, named after its group. */
	for (i = 0; i < NCASES(fail_cases); i++) {
		snprintf(names[i], sizeof(names[i]), "%s #%zu",
		    fail_cases[i].group, i + 1);
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = names[i];
		tests[n].test_func = test_fail_case;
		tests[n++].initial_state = (void *)(uintptr_t)&fail_cases[i];
	}
	for (i = 0; i < NCASES(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("test_conf", tests, n, NULL, NULL);
}
