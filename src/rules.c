/*
 * Which files are jobs, and which rule decides what becomes of a source:
 * include and exclude globs (fnmatch; '*' matches '/' too), and the
 * ordered rules, each a set of conditions and an action.  A condition on
 * a fact the probe could not tell (a bitrate of 0) does not hold.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <strings.h>

#include "rules.h"

/* The include list when the configuration sets none. */
static const char *const rules_include[] = {
	"*.mkv", "*.mp4", "*.m4v", "*.avi", "*.mov", "*.wmv", "*.mpg",
	"*.mpeg", "*.ts", "*.m2ts", "*.mts", "*.vob", "*.webm", "*.flv",
	"*.ogv", "*.3gp", "*.y4m", "*.avs", NULL
};

static const char *const rules_hdr_names[] = {
	"none", "hdr10", "hlg", "dolby_vision", "hdr10+"
};

/* The name rules and logs give an HDR kind. */
const char *
rules_hdr_name(enum rules_hdr hdr)
{
	if ((unsigned int)hdr >= sizeof(rules_hdr_names) /
	    sizeof(rules_hdr_names[0]))
		return "unknown";
	return rules_hdr_names[hdr];
}

/* The first of n patterns that path matches, NULL for none. */
static const char *
rules_glob_any(const struct config *conf, char *const *globs, size_t n,
    const char *path)
{
	int	flags = conf->match_case ? 0 : FNM_CASEFOLD;
	size_t	i;

	for (i = 0; i < n; i++)
		if (fnmatch(globs[i], path, flags) == 0)
			return globs[i];
	return NULL;
}

/*
 * Whether the file at path (relative to the spool or the inputs' root) is
 * a job: it matches an include pattern (the built-in list when include is
 * empty) and no exclude pattern.  When it is not, why says so.
 */
int
rules_is_job(const struct config *conf, const char *path, char *why,
    size_t len)
{
	const char	*hit;

	if (conf->ninclude > 0)
		hit = rules_glob_any(conf, conf->include, conf->ninclude, path);
	else
		hit = rules_glob_any(conf, (char *const *)rules_include,
		    sizeof(rules_include) / sizeof(rules_include[0]) - 1,
		    path);
	if (hit == NULL) {
		snprintf(why, len, "matches no include pattern");
		return 0;
	}
	hit = rules_glob_any(conf, conf->exclude, conf->nexclude, path);
	if (hit != NULL) {
		snprintf(why, len, "matches exclude pattern \"%s\"", hit);
		return 0;
	}
	return 1;
}

/* Whether s is one of n names, case aside; an empty list holds. */
static int
rules_in(char *const *names, size_t n, const char *s)
{
	size_t	i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (s != NULL && strcasecmp(names[i], s) == 0)
			return 1;
	return 0;
}

/* Whether v lies in [lo, hi], an end of 0 open; an unknown v does not. */
static int
rules_range(double v, double lo, double hi)
{
	if (lo == 0 && hi == 0)
		return 1;
	if (v <= 0)
		return 0;
	return (lo == 0 || v >= lo) && (hi == 0 || v <= hi);
}

/* Whether any audio language is one of the rule's; no list holds. */
static int
rules_languages(const struct conf_rule *r, const struct rules_facts *f)
{
	size_t	i;

	if (r->naudio_languages == 0)
		return 1;
	for (i = 0; i < f->nlanguages; i++)
		if (f->languages[i] != NULL && rules_in(r->audio_languages,
		    r->naudio_languages, f->languages[i]))
			return 1;
	return 0;
}

/* Whether every condition of a rule holds for a source. */
static int
rules_holds(const struct config *conf, const struct conf_rule *r,
    const struct rules_facts *f)
{
	int	flags = conf->match_case ? 0 : FNM_CASEFOLD;

	if (!rules_in(r->codec, r->ncodec, f->codec))
		return 0;
	if (!rules_range(f->width, r->min_width, r->max_width) ||
	    !rules_range(f->height, r->min_height, r->max_height) ||
	    !rules_range(f->fps, r->min_fps, r->max_fps) ||
	    !rules_range(f->kbps, r->min_video_bitrate,
	    r->max_video_bitrate) ||
	    !rules_range(f->duration, r->min_duration, r->max_duration))
		return 0;
	if (r->bit_depth != 0 && r->bit_depth != f->depth)
		return 0;
	if (!rules_in(r->hdr, r->nhdr, rules_hdr_name(f->hdr)))
		return 0;
	if ((r->interlaced == RULE_YES && !f->interlaced) ||
	    (r->interlaced == RULE_NO && f->interlaced))
		return 0;
	if (*r->path != '\0' && (f->path == NULL ||
	    fnmatch(r->path, f->path, flags) != 0))
		return 0;
	return rules_languages(r, f);
}

/*
 * The first rule whose conditions all hold for a source (its index in
 * *index), NULL when none does: then the source takes its profile by
 * directory, as without rules.
 */
const struct conf_rule *
rules_match(const struct config *conf, const struct rules_facts *f,
    size_t *index)
{
	size_t	i;

	for (i = 0; i < conf->nrules; i++) {
		if (rules_holds(conf, &conf->rules[i], f)) {
			*index = i;
			return &conf->rules[i];
		}
	}
	return NULL;
}

/* How the logs name rule i: "rule 2" or "rule 2 (hevc-small)". */
void
rules_name(const struct conf_rule *r, size_t i, char *buf, size_t len)
{
	if (*r->name != '\0')
		snprintf(buf, len, "rule %zu (%s)", i + 1, r->name);
	else
		snprintf(buf, len, "rule %zu", i + 1);
}
