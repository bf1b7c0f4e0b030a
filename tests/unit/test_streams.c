/* Unit tests: which streams an output keeps, and the one default track. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "streams.h"

static struct profile	prof;

static int
setup(void **state)
{
	(void)state;
	memset(&prof, 0, sizeof(prof));
	prof.audio_languages = "";
	prof.subtitle_languages = "";
	prof.commentary_words = "commentary,kommentar";
	prof.descriptive_words = "descriptive,audio description";
	return 0;
}

static struct stream_desc
desc(enum stream_kind kind, int flags, const char *lang, const char *title)
{
	struct stream_desc	d;

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.flags = flags;
	snprintf(d.lang, sizeof(d.lang), "%s", lang);
	snprintf(d.title, sizeof(d.title), "%s", title);
	return d;
}

/* With no rules every stream is kept; the film's video is encoded. */
static void
test_defaults_keep_all(void **state)
{
	struct stream_desc	d[4];
	struct stream_choice	c[4];

	(void)state;
	d[0] = desc(STREAM_VIDEO, STREAM_DEFAULT, "", "");
	d[1] = desc(STREAM_AUDIO, STREAM_DEFAULT, "eng", "");
	d[2] = desc(STREAM_AUDIO, STREAM_COMMENT, "eng", "Commentary");
	d[3] = desc(STREAM_SUBTITLE, 0, "ger", "");
	streams_choose(d, 4, 0, &prof, c);
	assert_int_equal(c[0].action, STREAM_ENCODE);
	assert_int_equal(c[1].action, STREAM_ENCODE);
	assert_int_equal(c[2].action, STREAM_ENCODE);
	assert_int_equal(c[3].action, STREAM_COPY);
	assert_int_equal(streams_count(d, c, 4, STREAM_AUDIO), 2);
}

/* Languages: und and untagged match; the rest are dropped. */
static void
test_languages(void **state)
{
	struct stream_desc	d[5];
	struct stream_choice	c[5];

	(void)state;
	prof.audio_languages = "eng,fre";
	prof.subtitle_languages = "fre";
	d[0] = desc(STREAM_VIDEO, 0, "", "");
	d[1] = desc(STREAM_AUDIO, STREAM_DEFAULT, "ger", "");
	d[2] = desc(STREAM_AUDIO, 0, "fre", "");
	d[3] = desc(STREAM_AUDIO, 0, "und", "");
	d[4] = desc(STREAM_SUBTITLE, 0, "eng", "");
	streams_choose(d, 5, 0, &prof, c);
	assert_int_equal(c[1].action, STREAM_DROP);
	assert_string_equal(c[1].why, "language not in audio_languages");
	assert_int_equal(c[2].action, STREAM_ENCODE);
	assert_int_equal(c[3].action, STREAM_ENCODE);
	assert_int_equal(c[4].action, STREAM_DROP);
	/* The default moves to the first track kept. */
	assert_int_equal(c[2].flags & STREAM_DEFAULT, STREAM_DEFAULT);
	assert_int_equal(c[3].flags & STREAM_DEFAULT, 0);
}

/* Nothing matches: the source's default track is kept, and default. */
static void
test_no_match_keeps_default(void **state)
{
	struct stream_desc	d[3];
	struct stream_choice	c[3];

	(void)state;
	prof.audio_languages = "jpn";
	d[0] = desc(STREAM_AUDIO, 0, "ger", "");
	d[1] = desc(STREAM_AUDIO, STREAM_DEFAULT, "ita", "");
	d[2] = desc(STREAM_VIDEO, 0, "", "");
	streams_choose(d, 3, 2, &prof, c);
	assert_int_equal(c[0].action, STREAM_DROP);
	assert_int_equal(c[1].action, STREAM_ENCODE);
	assert_int_equal(c[1].flags & STREAM_DEFAULT, STREAM_DEFAULT);
}

/* Commentary and descriptive audio, by disposition and by title words. */
static void
test_commentary_descriptive(void **state)
{
	struct stream_desc	d[5];
	struct stream_choice	c[5];

	(void)state;
	prof.drop_commentary = 1;
	prof.drop_descriptive = 1;
	d[0] = desc(STREAM_AUDIO, 0, "eng", "Main");
	d[1] = desc(STREAM_AUDIO, STREAM_COMMENT, "eng", "");
	d[2] = desc(STREAM_AUDIO, 0, "ger", "Director's KOMMENTAR");
	d[3] = desc(STREAM_AUDIO, STREAM_VISUAL, "eng", "");
	d[4] = desc(STREAM_AUDIO, 0, "eng", "English Audio Description");
	streams_choose(d, 5, -1, &prof, c);
	assert_int_equal(c[0].action, STREAM_ENCODE);
	assert_int_equal(c[1].action, STREAM_DROP);
	assert_int_equal(c[2].action, STREAM_DROP);
	assert_string_equal(c[2].why, "commentary (drop_commentary)");
	assert_int_equal(c[3].action, STREAM_DROP);
	assert_int_equal(c[4].action, STREAM_DROP);
	assert_string_equal(c[4].why, "descriptive audio (drop_descriptive)");
}

/* max_audio_tracks keeps the first ones; exactly one default. */
static void
test_max_tracks_one_default(void **state)
{
	struct stream_desc	d[4];
	struct stream_choice	c[4];

	(void)state;
	prof.max_audio_tracks = 2;
	d[0] = desc(STREAM_AUDIO, 0, "eng", "");
	d[1] = desc(STREAM_AUDIO, STREAM_DEFAULT, "eng", "");
	d[2] = desc(STREAM_AUDIO, STREAM_DEFAULT, "eng", "");
	d[3] = desc(STREAM_AUDIO, 0, "eng", "");
	streams_choose(d, 4, -1, &prof, c);
	assert_int_equal(c[0].action, STREAM_ENCODE);
	assert_int_equal(c[1].action, STREAM_ENCODE);
	assert_int_equal(c[2].action, STREAM_DROP);
	assert_string_equal(c[2].why, "beyond max_audio_tracks");
	assert_int_equal(c[3].action, STREAM_DROP);
	assert_int_equal(c[0].flags & STREAM_DEFAULT, 0);
	assert_int_equal(c[1].flags & STREAM_DEFAULT, STREAM_DEFAULT);
}

/* Forced subtitles stay whatever the rules; SDH goes with drop_sdh. */
static void
test_subtitles(void **state)
{
	struct stream_desc	d[4];
	struct stream_choice	c[4];

	(void)state;
	prof.subtitle_languages = "eng";
	prof.drop_sdh = 1;
	d[0] = desc(STREAM_SUBTITLE, STREAM_FORCED, "ger", "");
	d[1] = desc(STREAM_SUBTITLE, STREAM_HEARING, "eng", "");
	d[2] = desc(STREAM_SUBTITLE, 0, "eng", "English SDH");
	d[3] = desc(STREAM_SUBTITLE, 0, "eng", "");
	d[3].text_needs_srt = 1;
	streams_choose(d, 4, -1, &prof, c);
	assert_int_equal(c[0].action, STREAM_COPY);
	assert_int_equal(c[0].flags, STREAM_FORCED);
	assert_int_equal(c[1].action, STREAM_DROP);
	assert_int_equal(c[2].action, STREAM_DROP);
	assert_int_equal(c[3].action, STREAM_CONVERT);
}

/* A cover picture is attached; a second video follows extra_video. */
static void
test_cover_and_second_video(void **state)
{
	struct stream_desc	d[3];
	struct stream_choice	c[3];

	(void)state;
	d[0] = desc(STREAM_VIDEO, 0, "", "");
	d[1] = desc(STREAM_VIDEO, 0, "", "");
	d[2] = desc(STREAM_COVER, 0, "", "");
	streams_choose(d, 3, 0, &prof, c);
	assert_int_equal(c[1].action, STREAM_DROP);
	assert_int_equal(c[2].action, STREAM_ATTACH);
	prof.extra_video = 1;
	streams_choose(d, 3, 0, &prof, c);
	assert_int_equal(c[1].action, STREAM_COPY);
	assert_int_equal(streams_count(d, c, 3, STREAM_VIDEO), 2);
}

/* stereo_track: the first multichannel track kept gets the downmix. */
static void
test_stereo_track(void **state)
{
	struct stream_desc	d[4];
	struct stream_choice	c[4];

	(void)state;
	prof.stereo_track = 1;
	prof.audio_languages = "eng";
	d[0] = desc(STREAM_AUDIO, 0, "ger", "");
	d[0].channels = 6;
	d[1] = desc(STREAM_AUDIO, 0, "eng", "");
	d[1].channels = 2;
	d[2] = desc(STREAM_AUDIO, 0, "eng", "");
	d[2].channels = 6;
	d[3] = desc(STREAM_AUDIO, 0, "eng", "");
	d[3].channels = 8;
	streams_choose(d, 4, -1, &prof, c);
	assert_int_equal(c[0].stereo, 0);	/* dropped */
	assert_int_equal(c[1].stereo, 0);	/* stereo already */
	assert_int_equal(c[2].stereo, 1);
	assert_int_equal(c[3].stereo, 0);	/* not the first */
	assert_int_equal(streams_count(d, c, 4, STREAM_AUDIO), 4);
	prof.stereo_track = 0;
	streams_choose(d, 4, -1, &prof, c);
	assert_int_equal(c[2].stereo, 0);
	assert_int_equal(streams_count(d, c, 4, STREAM_AUDIO), 3);
}

/* The summary says what was left out, converted or attached; or nothing. */
static void
test_summary(void **state)
{
	struct stream_desc	d[4];
	struct stream_choice	c[4];
	char			buf[160];

	(void)state;
	d[0] = desc(STREAM_VIDEO, 0, "", "");
	d[1] = desc(STREAM_AUDIO, 0, "eng", "");
	d[2] = desc(STREAM_SUBTITLE, 0, "eng", "");
	d[3] = desc(STREAM_COVER, 0, "", "");
	streams_choose(d, 3, 0, &prof, c);
	streams_summary(d, c, 3, buf, sizeof(buf));
	assert_string_equal(buf, "");
	d[2].text_needs_srt = 1;
	prof.audio_languages = "fre";
	d[1].flags = 0;
	d[0] = desc(STREAM_AUDIO, STREAM_DEFAULT, "ger", "");
	streams_choose(d, 4, -1, &prof, c);
	streams_summary(d, c, 4, buf, sizeof(buf));
	assert_string_equal(buf, "audio 1 of 2, subtitles 1 of 1 (1 to SRT), "
	    "cover attached");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults_keep_all, setup),
		cmocka_unit_test_setup(test_languages, setup),
		cmocka_unit_test_setup(test_no_match_keeps_default, setup),
		cmocka_unit_test_setup(test_commentary_descriptive, setup),
		cmocka_unit_test_setup(test_max_tracks_one_default, setup),
		cmocka_unit_test_setup(test_subtitles, setup),
		cmocka_unit_test_setup(test_cover_and_second_video, setup),
		cmocka_unit_test_setup(test_stereo_track, setup),
		cmocka_unit_test_setup(test_summary, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
