/*
 * Unit tests for rules.c: which files are jobs (include, exclude, case),
 * the first rule that holds on a source's facts, unknown facts, and the
 * configuration's checks of rules (file:line errors).
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

#include "conf.h"
#include "rules.h"
#include "xmalloc.h"

/* A configuration read from text; NULL with *cause on error. */
static struct config *
load(const char *text, char **cause)
{
	struct config	*conf;
	char		 path[] = "/tmp/test_rules.XXXXXX";
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fd);
	*cause = NULL;
	conf = conf_load(path, cause);
	unlink(path);
	return conf;
}

static struct config *
load_ok(const char *text)
{
	struct config	*conf;
	char		*cause;

	conf = load(text, &cause);
	if (conf == NULL)
		fail_msg("%s", cause);
	return conf;
}

static int
is_job(const struct config *conf, const char *path)
{
	char	why[128];

	return rules_is_job(conf, path, why, sizeof(why));
}

/* The built-in include list: films yes, their companions no. */
static void
test_default_include(void **state)
{
	struct config	*conf = conf_default();

	(void)state;
	assert_true(is_job(conf, "Films/A (2001)/a.mkv"));
	assert_true(is_job(conf, "b.MP4"));
	assert_true(is_job(conf, "c.avs"));
	assert_true(is_job(conf, "d.m2ts"));
	assert_false(is_job(conf, "Films/A (2001)/a.nfo"));
	assert_false(is_job(conf, "Films/A (2001)/a.srt"));
	assert_false(is_job(conf, "Films/A (2001)/a.sub"));
	assert_false(is_job(conf, "Films/A (2001)/a.idx"));
	assert_false(is_job(conf, "Films/A (2001)/poster.jpg"));
	conf_free(conf);
}

/* include and exclude as set; case by match_case. */
static void
test_include_exclude(void **state)
{
	struct config	*conf;
	char		 why[128];

	(void)state;
	conf = load_ok("include = [ \"*.mkv\" ]; exclude = [ \"*sample*\", "
	    "\"Extras/*\" ];");
	assert_true(is_job(conf, "a.MKV"));
	assert_false(is_job(conf, "a.mp4"));
	assert_false(rules_is_job(conf, "a-sample.mkv", why, sizeof(why)));
	assert_string_equal(why, "matches exclude pattern \"*sample*\"");
	assert_false(is_job(conf, "Extras/b.mkv"));
	conf_free(conf);
	conf = load_ok("include = [ \"*.mkv\" ]; match_case = true;");
	assert_true(is_job(conf, "a.mkv"));
	assert_false(is_job(conf, "a.MKV"));
	conf_free(conf);
}

static const char rules_text[] =
    "rules = (\n"
    "  { name = \"hevc-small\"; codec = [ \"hevc\" ];\n"
    "    max_video_bitrate = 8000; skip = \"already HEVC\"; },\n"
    "  { hdr = [ \"hdr10\", \"dolby_vision\" ]; profile = \"hevc\"; },\n"
    "  { max_height = 720; min_fps = 20; profile = \"hevc-fast\"; },\n"
    "  { interlaced = \"yes\"; profile = \"hevc-fast\"; },\n"
    "  { path = \"Anime/*\"; audio_languages = [ \"jpn\" ];\n"
    "    bit_depth = 10; min_duration = 60; profile = \"av1\"; }\n"
    ");\n";

/* A 1080p progressive film in H.264, known bitrate. */
static void
film(struct rules_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->codec = "h264";
	f->width = 1920;
	f->height = 1080;
	f->fps = 23.976;
	f->depth = 8;
	f->kbps = 12000;
	f->duration = 5400;
	f->path = "Films/a.mkv";
}

/* The first rule whose conditions all hold decides. */
static void
test_match(void **state)
{
	struct config		*conf = load_ok(rules_text);
	const struct conf_rule	*r;
	struct rules_facts	 f;
	const char		*langs[] = { "eng", "JPN" };
	size_t			 i;

	(void)state;
	film(&f);
	assert_null(rules_match(conf, &f, &i));
	f.codec = "HEVC";
	f.kbps = 1500;
	r = rules_match(conf, &f, &i);
	assert_non_null(r);
	assert_int_equal(i, 0);
	assert_string_equal(r->skip, "already HEVC");
	f.kbps = 9000;		/* above the bound: not skipped */
	assert_null(rules_match(conf, &f, &i));
	f.hdr = RULES_HDR_DOLBY_VISION;
	assert_int_equal(rules_match(conf, &f, &i) - conf->rules, 1);
	film(&f);
	f.height = 720;
	assert_int_equal(rules_match(conf, &f, &i) - conf->rules, 2);
	f.fps = 15;		/* below min_fps */
	assert_null(rules_match(conf, &f, &i));
	film(&f);
	f.interlaced = 1;
	assert_int_equal(rules_match(conf, &f, &i) - conf->rules, 3);
	film(&f);
	f.path = "anime/x.mkv";
	f.depth = 10;
	f.languages = langs;
	f.nlanguages = 2;
	assert_int_equal(rules_match(conf, &f, &i) - conf->rules, 4);
	f.nlanguages = 1;	/* eng alone */
	assert_null(rules_match(conf, &f, &i));
	conf_free(conf);
}

/* A condition on a fact the probe could not tell does not hold. */
static void
test_unknown(void **state)
{
	struct config		*conf = load_ok(rules_text);
	struct rules_facts	 f;
	size_t			 i;

	(void)state;
	film(&f);
	f.codec = "hevc";
	f.kbps = 0;
	assert_null(rules_match(conf, &f, &i));
	conf_free(conf);
}

/* How the logs name a rule. */
static void
test_name(void **state)
{
	struct config	*conf = load_ok(rules_text);
	char		 buf[64];

	(void)state;
	rules_name(&conf->rules[0], 0, buf, sizeof(buf));
	assert_string_equal(buf, "rule 1 (hevc-small)");
	rules_name(&conf->rules[2], 2, buf, sizeof(buf));
	assert_string_equal(buf, "rule 3");
	conf_free(conf);
}

/* Bad rules are reported with their file and line. */
static void
test_errors(void **state)
{
	char	*cause;

	(void)state;
	assert_null(load("rules = (\n { codec = [ \"hevc\" ]; },\n"
	    " { profile = \"nope\"; },\n { min_height = 1080; max_height = "
	    "720; skip = \"x\"; },\n { hdr = [ \"hdr11\" ]; skip = \"x\"; "
	    "}\n);\n", &cause));
	assert_non_null(strstr(cause, ":2: rules.[0]: needs one action"));
	assert_non_null(strstr(cause, ":3: rules.[1].profile: unknown "
	    "profile \"nope\""));
	assert_non_null(strstr(cause, ":4: rules.[2].max_height: below "
	    "min_height"));
	assert_non_null(strstr(cause, ":5: rules.[3].hdr.[0]: \"hdr11\" is "
	    "not one of"));
	free(cause);
}

/* A dumped configuration (as distencd gives its workers) reads back. */
static void
test_dump_reload(void **state)
{
	struct config	*conf = load_ok(rules_text), *again;
	char		 path[] = "/tmp/test_rules.XXXXXX", *cause = NULL;
	FILE		*fp;
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	conf_dump(conf, fp);
	fclose(fp);
	again = conf_load(path, &cause);
	unlink(path);
	if (again == NULL)
		fail_msg("%s", cause);
	assert_int_equal(again->nrules, conf->nrules);
	assert_string_equal(again->rules[0].skip, "already HEVC");
	assert_string_equal(again->rules[2].profile, "hevc-fast");
	conf_free(again);
	conf_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_include),
		cmocka_unit_test(test_include_exclude),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_dump_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
