/*
 * Which streams an output keeps: the film's video encoded, a cover picture
 * attached, a second video dropped or copied as the profile says, audio
 * and subtitles chosen by language, commentary, descriptive audio and
 * hearing-impaired subtitles, forced subtitles always kept, and exactly
 * one default audio track.  Each choice carries the reason the log tells.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "streams.h"

/* Whether word (len bytes) is in a comma- or space-separated list. */
static int
streams_in_list(const char *list, const char *word, size_t len)
{
	const char	*p = list;
	size_t		 n;

	while (*p != '\0') {
		p += strspn(p, ", ");
		n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == len && n > 0 && strncasecmp(p, word, n) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* Whether a title holds one of a comma-separated list of words. */
static int
streams_title_has(const char *title, const char *words)
{
	const char	*p = words, *t;
	size_t		 n, tl = strlen(title);

	while (words != NULL && *p != '\0') {
		p += strspn(p, ", ");
		n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		for (t = title; n > 0 && (size_t)(t - title) + n <= tl; t++)
			if (strncasecmp(t, p, n) == 0)
				return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* An empty list takes every language; und and untagged always match. */
static int
streams_language_ok(const char *list, const char *lang)
{
	if (list == NULL || *list == '\0' || *lang == '\0' ||
	    strcasecmp(lang, "und") == 0)
		return 1;
	return streams_in_list(list, lang, strlen(lang));
}

/* An audio track's fate before the limit and the default are settled. */
static const char *
streams_audio_drop(const struct stream_desc *d, const struct profile *p)
{
	if (p->drop_commentary && ((d->flags & STREAM_COMMENT) ||
	    streams_title_has(d->title, p->commentary_words)))
		return "commentary (drop_commentary)";
	if (p->drop_descriptive && ((d->flags & STREAM_VISUAL) ||
	    streams_title_has(d->title, p->descriptive_words)))
		return "descriptive audio (drop_descriptive)";
	if (!streams_language_ok(p->audio_languages, d->lang))
		return "language not in audio_languages";
	return NULL;
}

/* A subtitle's fate: forced ones are always kept. */
static void
streams_subtitle(const struct stream_desc *d, const struct profile *p,
    struct stream_choice *c)
{
	c->action = d->text_needs_srt ? STREAM_CONVERT : STREAM_COPY;
	c->why = d->text_needs_srt ? "text, converted to SRT" : "kept";
	if (d->flags & STREAM_FORCED) {
		c->why = "forced, always kept";
		return;
	}
	if (p->drop_sdh && ((d->flags & STREAM_HEARING) ||
	    streams_title_has(d->title, "SDH")))
		c->why = "hearing impaired (drop_sdh)";
	else if (!streams_language_ok(p->subtitle_languages, d->lang))
		c->why = "language not in subtitle_languages";
	else
		return;
	c->action = STREAM_DROP;
}

/* A video stream's fate: the film's encoded, another by extra_video. */
static void
streams_video(int film, const struct profile *p, struct stream_choice *c)
{
	if (film) {
		c->action = STREAM_ENCODE;
		c->why = "the film";
	} else {
		c->action = p->extra_video ? STREAM_COPY : STREAM_DROP;
		c->why = "a second video (extra_video)";
	}
}

/* The audio: rules, the default track if none is left, the limit, and
 * exactly one default. */
static void
streams_audio(const struct stream_desc *d, int n, const struct profile *p,
    struct stream_choice *c)
{
	int	 i, kept = 0, fallback = -1, def = -1;

	for (i = 0; i < n; i++) {
		if (d[i].kind != STREAM_AUDIO)
			continue;
		if (fallback == -1 || ((d[i].flags & STREAM_DEFAULT) &&
		    !(d[fallback].flags & STREAM_DEFAULT)))
			fallback = i;
		if ((c[i].why = streams_audio_drop(&d[i], p)) != NULL)
			continue;
		if (p->max_audio_tracks > 0 && kept == p->max_audio_tracks) {
			c[i].why = "beyond max_audio_tracks";
			continue;
		}
		c[i].action = STREAM_ENCODE;
		c[i].why = "kept";
		kept++;
	}
	if (kept == 0 && fallback != -1) {
		c[fallback].action = STREAM_ENCODE;
		c[fallback].why = "no track matched: the default one kept";
	}
	for (i = 0; i < n; i++)
		if (c[i].action != STREAM_DROP && d[i].kind == STREAM_AUDIO &&
		    (def == -1 || ((d[i].flags & STREAM_DEFAULT) &&
		    !(d[def].flags & STREAM_DEFAULT))))
			def = i;
	for (i = 0; i < n; i++)
		if (d[i].kind == STREAM_AUDIO)
			c[i].flags = (c[i].flags & ~STREAM_DEFAULT) |
			    (i == def ? STREAM_DEFAULT : 0);
	for (i = 0; p->stereo_track && i < n; i++)
		if (d[i].kind == STREAM_AUDIO && c[i].action != STREAM_DROP &&
		    d[i].channels > 2) {
			c[i].stereo = 1;
			break;
		}
}

/*
 * Choose for each of n streams (the film's video at vindex) what the
 * output does with it, by the profile's rules.
 */
void
streams_choose(const struct stream_desc *d, int n, int vindex,
    const struct profile *p, struct stream_choice *c)
{
	int	i;

	for (i = 0; i < n; i++) {
		c[i].action = STREAM_DROP;
		c[i].flags = d[i].flags;
		c[i].why = NULL;
		c[i].stereo = 0;
		switch (d[i].kind) {
		case STREAM_VIDEO:
			streams_video(i == vindex, p, &c[i]);
			break;
		case STREAM_COVER:
			c[i].action = STREAM_ATTACH;
			c[i].why = "cover picture, attached";
			c[i].flags = 0;
			break;
		case STREAM_ATTACHMENT:
			c[i].action = STREAM_COPY;
			c[i].why = "attachment";
			break;
		case STREAM_SUBTITLE:
			streams_subtitle(&d[i], p, &c[i]);
			break;
		case STREAM_AUDIO:
			break;
		case STREAM_OTHER:
			c[i].why = "not audio, video or subtitles";
			break;
		}
	}
	streams_audio(d, n, p, c);
}

/* How many streams of a kind the output has, a stereo downmix counted. */
int
streams_count(const struct stream_desc *d, const struct stream_choice *c,
    int n, enum stream_kind kind)
{
	int	i, k = 0;

	for (i = 0; i < n; i++)
		if (d[i].kind == kind && c[i].action != STREAM_DROP)
			k += 1 + c[i].stereo;
	return k;
}

/*
 * One phrase for a job's summary when a stream was dropped, converted or
 * attached ("audio 2 of 3, subtitles 1 of 1 (1 to SRT), cover attached"),
 * else "".
 */
void
streams_summary(const struct stream_desc *d, const struct stream_choice *c,
    int n, char *buf, size_t len)
{
	int	i, na = 0, ka = 0, ns = 0, ks = 0, srt = 0, cover = 0, other = 0;
	int	off;

	for (i = 0; i < n; i++) {
		if (d[i].kind == STREAM_AUDIO) {
			na++;
			ka += c[i].action != STREAM_DROP;
		} else if (d[i].kind == STREAM_SUBTITLE) {
			ns++;
			ks += c[i].action != STREAM_DROP;
		} else if (c[i].action == STREAM_DROP &&
		    d[i].kind != STREAM_OTHER)
			other++;
		srt += c[i].action == STREAM_CONVERT;
		cover += c[i].action == STREAM_ATTACH;
	}
	buf[0] = '\0';
	if (ka == na && ks == ns && srt == 0 && cover == 0 && other == 0)
		return;
	off = snprintf(buf, len, "audio %d of %d, subtitles %d of %d", ka, na,
	    ks, ns);
	if (srt > 0 && off >= 0 && (size_t)off < len)
		off += snprintf(buf + off, len - off, " (%d to SRT)", srt);
	if (off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - off, "%s%s",
		    cover > 0 ? ", cover attached" : "",
		    other > 0 ? ", a second video left out" : "");
}

const char *
streams_action_name(enum stream_action a)
{
	static const char *const names[] = {
		"dropped", "encoded", "copied", "converted", "attached"
	};

	return names[a];
}

const char *
streams_kind_name(enum stream_kind k)
{
	static const char *const names[] = {
		"video", "audio", "subtitle", "attachment", "cover", "data"
	};

	return names[k];
}
