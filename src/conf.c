/*
 * Configuration: a libconfig file read into struct config over built-in
 * defaults.  Every setting is described once, in conf_table below (name,
 * scope, type, range, default, where it is stored), and reading, checking,
 * defaults, copying, freeing and dumping are all driven by that table.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <libconfig.h>
#include <libgen.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum conf_scope {
	CONF_GLOBAL,		/* member of struct config */
	CONF_PROFILE		/* member of struct profile */
};

enum conf_type {
	CONF_STRING,		/* char *, any text */
	CONF_CHOICE,		/* char *, one of choices */
	CONF_ENUM,		/* int, index into choices */
	CONF_INT,		/* int */
	CONF_FLOAT,		/* double; an integer literal is accepted */
	CONF_BOOL,		/* int, 0 or 1 */
	CONF_INTARRAY,		/* int[count] */
	CONF_INHERIT		/* profile to start from; not stored */
};

#define CONF_EVEN	0x1	/* integers must be even */
#define CONF_ZERO	0x2	/* 0 is allowed besides minimum..maximum */

struct conf_entry {
	const char		 *name;
	enum conf_scope		  scope;
	enum conf_type		  type;
	int			  flags;

	const char *const	 *choices;	/* CONF_CHOICE, CONF_ENUM */
	const int		 *values;	/* CONF_INT: allowed values */
	size_t			  nvalues;
	double			  minimum;	/* CONF_INT, CONF_FLOAT */
	double			  maximum;
	size_t			  count;	/* CONF_INTARRAY */
	int			(*check)(const char *, char **);

	const char		 *default_str;	/* string types */
	double			  default_num;	/* numbers, bools, arrays */

	size_t			  offset;
};

/* A profile to build: where its settings are, and what it inherits. */
struct conf_pending {
	const char		*name;
	config_setting_t	*group;		/* its settings */
	config_setting_t	*inherit;	/* inherit setting or NULL */
	size_t			 parent;	/* index, npending for none */
	int			 built;
};

static int	conf_check_params(const char *, char **);

static const char *const conf_encoders[] = {
	"x265", NULL
};
static const char *const conf_presets[] = {
	"ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
	"slow", "slower", "veryslow", "placebo", NULL
};
static const char *const conf_tunes[] = {
	"", "psnr", "ssim", "grain", "zerolatency", "fastdecode", "animation",
	NULL
};
/* In the order of enum crop_mode. */
static const char *const conf_crop_modes[] = {
	"auto", "conservative", "off", "manual", NULL
};
static const char *const conf_audio_codecs[] = {
	"opus", "flac", "copy", NULL
};
static const int conf_bit_depths[] = { 0, 8, 10 };

_Static_assert(sizeof(enum crop_mode) == sizeof(int),
    "enum crop_mode is stored through an int");

#define G(f)	.scope = CONF_GLOBAL, .offset = offsetof(struct config, f)
#define P(f)	.scope = CONF_PROFILE, .offset = offsetof(struct profile, f)

static const struct conf_entry conf_table[] = {
	/* Global settings. */
	{ .name = "output_dir", G(output_dir), .type = CONF_STRING,
	  .default_str = "." },
	{ .name = "stats_dir", G(stats_dir), .type = CONF_STRING,
	  .default_str = "/dev/shm/distenc" },
	{ .name = "log_dir", G(log_dir), .type = CONF_STRING,
	  .default_str = "" },
	{ .name = "jobs", G(jobs), .type = CONF_INT,
	  .minimum = 1, .maximum = 64, .default_num = 1 },
	{ .name = "overwrite", G(overwrite), .type = CONF_BOOL,
	  .default_num = 0 },
	{ .name = "default_profile", G(default_profile), .type = CONF_STRING,
	  .default_str = "hevc" },

	/* Profile settings: video. */
	{ .name = "inherit", .scope = CONF_PROFILE, .type = CONF_INHERIT },
	{ .name = "encoder", P(encoder), .type = CONF_CHOICE,
	  .choices = conf_encoders, .default_str = "x265" },
	{ .name = "preset", P(preset), .type = CONF_CHOICE,
	  .choices = conf_presets, .default_str = "slow" },
	{ .name = "tune", P(tune), .type = CONF_CHOICE,
	  .choices = conf_tunes, .default_str = "" },
	{ .name = "x265_params", P(x265_params), .type = CONF_STRING,
	  .check = conf_check_params, .default_str = "" },
	{ .name = "bitrate", P(bitrate), .type = CONF_INT,
	  .minimum = 0, .maximum = 1000000, .default_num = 0 },
	{ .name = "bpp", P(bpp), .type = CONF_FLOAT,
	  .minimum = 0.001, .maximum = 10.0, .default_num = 0.06 },
	{ .name = "bit_depth", P(bit_depth), .type = CONF_INT,
	  .values = conf_bit_depths, .nvalues = nitems(conf_bit_depths),
	  .default_num = 0 },
	{ .name = "threads", P(threads), .type = CONF_INT,
	  .minimum = 1, .maximum = 256, .default_num = 2 },

	/* Profile settings: picture. */
	{ .name = "crop", P(crop), .type = CONF_ENUM,
	  .choices = conf_crop_modes, .default_str = "auto" },
	{ .name = "crop_manual", P(crop_manual), .type = CONF_INTARRAY,
	  .count = 4, .flags = CONF_EVEN, .minimum = 0, .maximum = 8192,
	  .default_num = 0 },
	{ .name = "crop_samples", P(crop_samples), .type = CONF_INT,
	  .minimum = 3, .maximum = 200, .default_num = 20 },
	{ .name = "crop_limit", P(crop_limit), .type = CONF_INT,
	  .minimum = 0, .maximum = 255, .default_num = 24 },
	{ .name = "scale_width", P(scale_width), .type = CONF_INT,
	  .flags = CONF_ZERO|CONF_EVEN, .minimum = 16, .maximum = 8192,
	  .default_num = 0 },

	/* Profile settings: audio. */
	{ .name = "audio_codec", P(audio_codec), .type = CONF_CHOICE,
	  .choices = conf_audio_codecs, .default_str = "opus" },
	{ .name = "audio_bitrate", P(audio_bitrate), .type = CONF_INT,
	  .minimum = 8, .maximum = 512, .default_num = 64 },
	{ .name = "normalize", P(normalize), .type = CONF_BOOL,
	  .default_num = 1 },
	{ .name = "loudness", P(loudness), .type = CONF_FLOAT,
	  .minimum = -70.0, .maximum = -5.0, .default_num = -23.0 },
	{ .name = "true_peak", P(true_peak), .type = CONF_FLOAT,
	  .minimum = -9.0, .maximum = 0.0, .default_num = -1.0 },
	{ .name = "dynaudnorm", P(dynaudnorm), .type = CONF_BOOL,
	  .default_num = 0 },
};

#undef G
#undef P

/*
 * Built-in profiles: each is a name and its settings in libconfig syntax,
 * read over the defaults exactly like a profile in a file.
 */
static const struct {
	const char	*name;
	const char	*settings;
} conf_builtins[] = {
	{ "hevc",	"" },
	{ "hevc-fast",	"preset = \"fast\";" },
};

/* Loading state: the configuration, the built-ins and the profile names. */
struct conf_ctx {
	struct config		*conf;
	config_t		 builtin[nitems(conf_builtins)];
	struct conf_pending	*pending;
	size_t			 npending;
};

/* Find a setting in the table by name. */
static const struct conf_entry *
conf_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(conf_table); i++) {
		if (strcmp(conf_table[i].name, name) == 0)
			return &conf_table[i];
	}
	return NULL;
}

static void *
conf_ptr(const struct conf_entry *ce, void *base)
{
	return (char *)base + ce->offset;
}

static int
conf_is_string(const struct conf_entry *ce)
{
	return ce->type == CONF_STRING || ce->type == CONF_CHOICE;
}

/* Index of s in a NULL-terminated list, or -1. */
static int
conf_choice(const char *const *choices, const char *s)
{
	int	i;

	for (i = 0; choices[i] != NULL; i++) {
		if (strcmp(choices[i], s) == 0)
			return i;
	}
	return -1;
}

/*
 * Print a double so that it reads back as the same double and as a libconfig
 * float (with a decimal point or an exponent).
 */
static void
conf_fmt_float(char *buf, size_t len, double d)
{
	double	a = d < 0 ? -d : d;
	int	prec;

	if (a == 0 || (a >= 1e-4 && a < 1e15)) {
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, len, "%.*f", prec, d);
			if (strtod(buf, NULL) == d)
				return;
		}
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (strpbrk(buf, ".eEni") == NULL)
		snprintf(buf + strlen(buf), len - strlen(buf), ".0");
}

/* The type of a libconfig setting, for messages. */
static const char *
conf_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "nothing";
}

/* What a table entry wants, for messages. */
static const char *
conf_expected(const struct conf_entry *ce)
{
	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
	case CONF_ENUM:
	case CONF_INHERIT:
		return "a string";
	case CONF_INT:
		return "an integer";
	case CONF_FLOAT:
		return "a number";
	case CONF_BOOL:
		return "a boolean";
	case CONF_INTARRAY:
		return "an array of integers";
	}
	return "nothing";
}

/* Set *cause to "FILE:LINE: PREFIXNAME: REASON" for setting s. */
static void __attribute__((format(printf, 4, 0)))
conf_verror(char **cause, const config_setting_t *s, const char *prefix,
    const char *fmt, va_list ap)
{
	char		*reason;
	const char	*file;

	if (vasprintf(&reason, fmt, ap) == -1)
		fatal("vasprintf");
	file = config_setting_source_file(s);
	if (file == NULL)
		file = "(built-in)";
	xasprintf(cause, "%s:%u: %s%s: %s", file,
	    config_setting_source_line(s), prefix, config_setting_name(s),
	    reason);
	free(reason);
}

static void __attribute__((format(printf, 4, 5)))
conf_error(char **cause, const config_setting_t *s, const char *prefix,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror(cause, s, prefix, fmt, ap);
	va_end(ap);
}

/* Like conf_error, for a setting of profile name. */
static void __attribute__((format(printf, 4, 5)))
conf_profile_error(char **cause, const config_setting_t *s, const char *name,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*prefix;

	xasprintf(&prefix, "profiles.%s.", name);
	va_start(ap, fmt);
	conf_verror(cause, s, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
}

/* Check x265_params: items split by ':', each "key=value" or "key". */
static int
conf_check_params(const char *s, char **reason)
{
	const char	*item, *end, *eq;
	size_t		 len;

	if (*s == '\0')
		return 0;
	for (item = s;; item = end + 1) {
		end = strchr(item, ':');
		len = end != NULL ? (size_t)(end - item) : strlen(item);
		eq = memchr(item, '=', len);
		if (len == 0 || eq == item ||
		    (eq != NULL && eq == item + len - 1)) {
			xasprintf(reason, "bad item \"%.*s\" "
			    "(expected key=value or key)", (int)len, item);
			return -1;
		}
		if (end == NULL)
			break;
	}
	return 0;
}

/* "a, b, c" from a NULL-terminated list; "" is shown quoted. */
static char *
conf_choices_list(const char *const *choices)
{
	char		*list = NULL, *tmp;
	const char	*c;
	size_t		 i;

	for (i = 0; choices[i] != NULL; i++) {
		c = *choices[i] == '\0' ? "\"\"" : choices[i];
		if (list == NULL)
			list = xstrdup(c);
		else {
			xasprintf(&tmp, "%s, %s", list, c);
			free(list);
			list = tmp;
		}
	}
	return list;
}

/* "0, 8, 10" from a list of integers. */
static char *
conf_values_list(const int *values, size_t nvalues)
{
	char	*list, *tmp;
	size_t	 i;

	xasprintf(&list, "%d", values[0]);
	for (i = 1; i < nvalues; i++) {
		xasprintf(&tmp, "%s, %d", list, values[i]);
		free(list);
		list = tmp;
	}
	return list;
}

/* Check an integer against an entry's allowed values, range and parity. */
static int
conf_check_int(const struct conf_entry *ce, long long v, char **reason)
{
	char	*list;
	size_t	 i;

	if (ce->values != NULL) {
		for (i = 0; i < ce->nvalues; i++) {
			if (v == ce->values[i])
				return 0;
		}
		list = conf_values_list(ce->values, ce->nvalues);
		xasprintf(reason, "%lld is not one of %s", v, list);
		free(list);
		return -1;
	}
	if ((ce->flags & CONF_ZERO) && v == 0)
		return 0;
	if (v < ce->minimum || v > ce->maximum) {
		xasprintf(reason, "%lld is out of range (%s%lld..%lld)", v,
		    (ce->flags & CONF_ZERO) ? "0 or " : "",
		    (long long)ce->minimum, (long long)ce->maximum);
		return -1;
	}
	if ((ce->flags & CONF_EVEN) && v % 2 != 0) {
		xasprintf(reason, "%lld is not even", v);
		return -1;
	}
	return 0;
}

/* Check a float against an entry's range. */
static int
conf_check_float(const struct conf_entry *ce, double d, char **reason)
{
	char	v[64], lo[64], hi[64];

	if (d >= ce->minimum && d <= ce->maximum)
		return 0;
	conf_fmt_float(v, sizeof(v), d);
	conf_fmt_float(lo, sizeof(lo), ce->minimum);
	conf_fmt_float(hi, sizeof(hi), ce->maximum);
	xasprintf(reason, "%s is out of range (%s..%s)", v, lo, hi);
	return -1;
}

/* Check a string for an entry and store it if base is not NULL. */
static int
conf_set_string(const struct conf_entry *ce, const char *s, void *base,
    char **reason)
{
	char	*list, **sp;
	int	 idx = -1;

	if (ce->choices != NULL && (idx = conf_choice(ce->choices, s)) < 0) {
		list = conf_choices_list(ce->choices);
		xasprintf(reason, "\"%s\" is not one of %s", s, list);
		free(list);
		return -1;
	}
	if (ce->check != NULL && ce->check(s, reason) != 0)
		return -1;
	if (base == NULL || ce->type == CONF_INHERIT)
		return 0;
	if (ce->type == CONF_ENUM)
		*(int *)conf_ptr(ce, base) = idx;
	else {
		sp = conf_ptr(ce, base);
		free(*sp);
		*sp = xstrdup(s);
	}
	return 0;
}

/* Check an array of integers and store it if base is not NULL. */
static int
conf_set_array(const struct conf_entry *ce, const config_setting_t *s,
    void *base, char **reason)
{
	const config_setting_t	*e;
	int			*array;
	long long		 v;
	size_t			 i, n = config_setting_length(s);

	if (n != ce->count) {
		xasprintf(reason, "expected %zu integers, got %zu", ce->count,
		    n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) {
			xasprintf(reason, "expected %zu integers, got %s",
			    ce->count, conf_type_name(config_setting_type(e)));
			return -1;
		}
		v = config_setting_get_int64(e);
		if (conf_check_int(ce, v, reason) != 0)
			return -1;
	}
	if (base != NULL) {
		array = conf_ptr(ce, base);
		for (i = 0; i < n; i++)
			array[i] = config_setting_get_int_elem(s, i);
	}
	return 0;
}

/*
 * Check setting s against table entry ce and, if base is not NULL, store it
 * there.  On error return -1 with *reason set.
 */
static int
conf_set(const struct conf_entry *ce, const config_setting_t *s, void *base,
    char **reason)
{
	int		type = config_setting_type(s);
	long long	v;
	double		d;

	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
	case CONF_ENUM:
	case CONF_INHERIT:
		if (type != CONFIG_TYPE_STRING)
			break;
		return conf_set_string(ce, config_setting_get_string(s), base,
		    reason);
	case CONF_INT:
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			break;
		v = config_setting_get_int64(s);
		if (conf_check_int(ce, v, reason) != 0)
			return -1;
		if (base != NULL)
			*(int *)conf_ptr(ce, base) = (int)v;
		return 0;
	case CONF_FLOAT:
		if (type == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
			d = (double)config_setting_get_int64(s);
		else
			break;
		if (conf_check_float(ce, d, reason) != 0)
			return -1;
		if (base != NULL)
			*(double *)conf_ptr(ce, base) = d;
		return 0;
	case CONF_BOOL:
		if (type != CONFIG_TYPE_BOOL)
			break;
		if (base != NULL)
			*(int *)conf_ptr(ce, base) = config_setting_get_bool(s);
		return 0;
	case CONF_INTARRAY:
		if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
			break;
		return conf_set_array(ce, s, base, reason);
	}
	xasprintf(reason, "expected %s, got %s", conf_expected(ce),
	    conf_type_name(type));
	return -1;
}

/*
 * Apply one setting of the given scope from a file: look it up in the
 * table, check it, and store it if base is not NULL.
 */
static int
conf_apply(const config_setting_t *s, enum conf_scope scope, void *base,
    const char *prefix, char **cause)
{
	const struct conf_entry	*ce;
	char			*reason;

	if ((ce = conf_find(config_setting_name(s))) == NULL) {
		conf_error(cause, s, prefix, "unknown setting");
		return -1;
	}
	if (ce->scope != scope) {
		if (scope == CONF_GLOBAL)
			conf_error(cause, s, prefix, "profile setting, "
			    "belongs in a profile (profiles.NAME.%s)",
			    ce->name);
		else
			conf_error(cause, s, prefix, "global setting, "
			    "not allowed in a profile");
		return -1;
	}
	if (conf_set(ce, s, base, &reason) != 0) {
		conf_error(cause, s, prefix, "%s", reason);
		free(reason);
		return -1;
	}
	return 0;
}

/* Apply every member of a group (a profile's settings). */
static int
conf_apply_group(const config_setting_t *group, void *base,
    const char *name, char **cause)
{
	char	*prefix;
	int	 i, n = config_setting_length(group), error = 0;

	xasprintf(&prefix, "profiles.%s.", name);
	for (i = 0; i < n; i++) {
		error = conf_apply(config_setting_get_elem(group, i),
		    CONF_PROFILE, base, prefix, cause);
		if (error != 0)
			break;
	}
	free(prefix);
	return error;
}

/* Store the defaults of every entry of a scope. */
static void
conf_set_defaults(enum conf_scope scope, void *base)
{
	const struct conf_entry	*ce;
	int			*array;
	size_t			 i, j;

	for (i = 0; i < nitems(conf_table); i++) {
		ce = &conf_table[i];
		if (ce->scope != scope)
			continue;
		switch (ce->type) {
		case CONF_STRING:
		case CONF_CHOICE:
			*(char **)conf_ptr(ce, base) = xstrdup(ce->default_str);
			break;
		case CONF_ENUM:
			*(int *)conf_ptr(ce, base) = conf_choice(ce->choices,
			    ce->default_str);
			break;
		case CONF_INT:
		case CONF_BOOL:
			*(int *)conf_ptr(ce, base) = (int)ce->default_num;
			break;
		case CONF_FLOAT:
			*(double *)conf_ptr(ce, base) = ce->default_num;
			break;
		case CONF_INTARRAY:
			array = conf_ptr(ce, base);
			for (j = 0; j < ce->count; j++)
				array[j] = (int)ce->default_num;
			break;
		case CONF_INHERIT:
			break;
		}
	}
}

/* Free the strings of every entry of a scope. */
static void
conf_free_values(enum conf_scope scope, void *base)
{
	const struct conf_entry	*ce;
	size_t			 i;

	for (i = 0; i < nitems(conf_table); i++) {
		ce = &conf_table[i];
		if (ce->scope == scope && conf_is_string(ce))
			free(*(char **)conf_ptr(ce, base));
	}
}

/* Copy profile src over an empty dst, duplicating its strings but not name. */
static void
conf_copy_profile(struct profile *dst, const struct profile *src)
{
	const struct conf_entry	*ce;
	char			**sp;
	size_t			 i;

	memcpy(dst, src, sizeof(*dst));
	dst->name = NULL;
	for (i = 0; i < nitems(conf_table); i++) {
		ce = &conf_table[i];
		if (ce->scope != CONF_PROFILE || !conf_is_string(ce))
			continue;
		sp = conf_ptr(ce, dst);
		*sp = xstrdup(*sp);
	}
}

/* Index of the pending profile with this name, or npending. */
static size_t
conf_pending_find(const struct conf_ctx *ctx, const char *name)
{
	size_t	i;

	for (i = 0; i < ctx->npending; i++) {
		if (strcmp(ctx->pending[i].name, name) == 0)
			break;
	}
	return i;
}

/* Add a profile to be built, replacing any earlier one of the same name. */
static void
conf_pending_add(struct conf_ctx *ctx, const char *name,
    config_setting_t *group)
{
	struct conf_pending	*pp;
	size_t			 i;

	if ((i = conf_pending_find(ctx, name)) == ctx->npending) {
		ctx->pending = xreallocarray(ctx->pending, ctx->npending + 1,
		    sizeof(*ctx->pending));
		ctx->npending++;
	}
	pp = &ctx->pending[i];
	memset(pp, 0, sizeof(*pp));
	pp->name = name;
	pp->group = group;
	pp->inherit = config_setting_get_member(group, "inherit");
}

/* Read and check the built-in profiles; any error is a bug. */
static void
conf_read_builtins(struct conf_ctx *ctx)
{
	config_t	*cfg;
	char		*cause;
	size_t		 i;

	for (i = 0; i < nitems(conf_builtins); i++) {
		cfg = &ctx->builtin[i];
		config_init(cfg);
		if (!config_read_string(cfg, conf_builtins[i].settings)) {
			fatalx("built-in profile %s: %d: %s",
			    conf_builtins[i].name, config_error_line(cfg),
			    config_error_text(cfg));
		}
		if (conf_apply_group(config_root_setting(cfg), NULL,
		    conf_builtins[i].name, &cause) != 0)
			fatalx("built-in profile: %s", cause);
		conf_pending_add(ctx, conf_builtins[i].name,
		    config_root_setting(cfg));
	}
}

/* Check the profiles group of a file and add each profile in it. */
static int
conf_read_profiles(struct conf_ctx *ctx, config_setting_t *profiles,
    char **cause)
{
	config_setting_t	*group;
	const char		*name;
	int			 i, n;

	if (config_setting_type(profiles) != CONFIG_TYPE_GROUP) {
		conf_error(cause, profiles, "", "expected a group, got %s",
		    conf_type_name(config_setting_type(profiles)));
		return -1;
	}
	n = config_setting_length(profiles);
	for (i = 0; i < n; i++) {
		group = config_setting_get_elem(profiles, i);
		name = config_setting_name(group);
		if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
			conf_error(cause, group, "profiles.",
			    "expected a group, got %s",
			    conf_type_name(config_setting_type(group)));
			return -1;
		}
		if (conf_apply_group(group, NULL, name, cause) != 0)
			return -1;
		conf_pending_add(ctx, name, group);
	}
	return 0;
}

/* Read the top level of a file: global settings and profiles, in order. */
static int
conf_read_root(struct conf_ctx *ctx, const config_setting_t *root,
    char **cause)
{
	config_setting_t	*s;
	int			 i, n = config_setting_length(root), error;

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		if (strcmp(config_setting_name(s), "profiles") == 0)
			error = conf_read_profiles(ctx, s, cause);
		else
			error = conf_apply(s, CONF_GLOBAL, ctx->conf, "",
			    cause);
		if (error != 0)
			return -1;
	}
	return 0;
}

/* The chain "a -> b -> a" of a cycle through profile i. */
static char *
conf_cycle(const struct conf_ctx *ctx, size_t i)
{
	char	*chain, *tmp;
	size_t	 k;

	chain = xstrdup(ctx->pending[i].name);
	k = i;
	do {
		k = ctx->pending[k].parent;
		xasprintf(&tmp, "%s -> %s", chain, ctx->pending[k].name);
		free(chain);
		chain = tmp;
	} while (k != i);
	return chain;
}

/* Find each profile's parent; unknown names and cycles are errors. */
static int
conf_link(struct conf_ctx *ctx, char **cause)
{
	struct conf_pending	*pp;
	const char		*name;
	char			*chain;
	size_t			 i, k, steps, n = ctx->npending;

	for (i = 0; i < n; i++) {
		pp = &ctx->pending[i];
		pp->parent = n;
		if (pp->inherit == NULL)
			continue;
		name = config_setting_get_string(pp->inherit);
		if ((pp->parent = conf_pending_find(ctx, name)) == n) {
			conf_profile_error(cause, pp->inherit, pp->name,
			    "unknown profile \"%s\"", name);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		pp = &ctx->pending[i];
		k = pp->parent;
		for (steps = 0; k != n && k != i && steps < n; steps++)
			k = ctx->pending[k].parent;
		if (k != i)
			continue;
		chain = conf_cycle(ctx, i);
		conf_profile_error(cause, pp->inherit, pp->name,
		    "inheritance cycle: %s", chain);
		free(chain);
		return -1;
	}
	return 0;
}

/* Build profile i: its parent (or the defaults), then its own settings. */
static int
conf_build(struct conf_ctx *ctx, size_t i, char **cause)
{
	struct conf_pending	*pp = &ctx->pending[i];
	struct profile		*pr = &ctx->conf->profiles[i];

	if (pp->built)
		return 0;
	pp->built = 1;
	if (pp->parent != ctx->npending) {
		if (conf_build(ctx, pp->parent, cause) != 0)
			return -1;
		conf_copy_profile(pr, &ctx->conf->profiles[pp->parent]);
	} else
		conf_set_defaults(CONF_PROFILE, pr);
	pr->name = xstrdup(pp->name);
	return conf_apply_group(pp->group, pr, pp->name, cause);
}

/* Turn the pending profiles into the configuration's profiles. */
static int
conf_resolve(struct conf_ctx *ctx, char **cause)
{
	struct config	*conf = ctx->conf;
	size_t		 i;

	if (conf_link(ctx, cause) != 0)
		return -1;
	conf->profiles = xcalloc(ctx->npending, sizeof(*conf->profiles));
	conf->nprofiles = ctx->npending;
	for (i = 0; i < ctx->npending; i++) {
		if (conf_build(ctx, i, cause) != 0)
			return -1;
	}
	return 0;
}

/* Check that default_profile names a profile. */
static int
conf_check_default(struct conf_ctx *ctx, config_t *cfg, char **cause)
{
	struct config		*conf = ctx->conf;
	config_setting_t	*s = NULL;

	if (conf_profile(conf, conf->default_profile) != NULL)
		return 0;
	if (cfg != NULL)
		s = config_setting_get_member(config_root_setting(cfg),
		    "default_profile");
	if (s != NULL)
		conf_error(cause, s, "", "unknown profile \"%s\"",
		    conf->default_profile);
	else
		xasprintf(cause, "default_profile: unknown profile \"%s\"",
		    conf->default_profile);
	return -1;
}

/*
 * Build a configuration from the defaults, the built-in profiles and, if
 * cfg is not NULL, a file read from path.
 */
static struct config *
conf_new(config_t *cfg, const char *path, char **cause)
{
	struct conf_ctx	 ctx;
	struct config	*conf;
	size_t		 i;
	int		 error = -1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = conf = xcalloc(1, sizeof(*conf));
	conf_set_defaults(CONF_GLOBAL, conf);
	if (path != NULL)
		conf->path = xstrdup(path);
	conf_read_builtins(&ctx);

	if (cfg != NULL &&
	    conf_read_root(&ctx, config_root_setting(cfg), cause) != 0)
		goto out;
	if (conf_resolve(&ctx, cause) != 0)
		goto out;
	if (conf_check_default(&ctx, cfg, cause) != 0)
		goto out;
	error = 0;
out:
	for (i = 0; i < nitems(ctx.builtin); i++)
		config_destroy(&ctx.builtin[i]);
	free(ctx.pending);
	if (error != 0) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

/* The built-in configuration, used when there is no file. */
struct config *
conf_default(void)
{
	struct config	*conf;
	char		*cause;

	if ((conf = conf_new(NULL, NULL, &cause)) == NULL)
		fatalx("built-in configuration: %s", cause);
	return conf;
}

/* Check that path can be opened and is not a directory. */
static int
conf_open(const char *path, char **cause)
{
	FILE		*fp;
	struct stat	 sb;
	int		 error = 0;

	if ((fp = fopen(path, "r")) == NULL)
		error = errno;
	else {
		if (fstat(fileno(fp), &sb) == -1)
			error = errno;
		else if (S_ISDIR(sb.st_mode))
			error = EISDIR;
		fclose(fp);
	}
	if (error != 0) {
		xasprintf(cause, "%s: %s", path, strerror(error));
		return -1;
	}
	return 0;
}

/*
 * Read a configuration file over the built-in defaults.  Return NULL with
 * *cause set to "FILE:LINE: KEY: REASON" on error.
 */
struct config *
conf_load(const char *path, char **cause)
{
	config_t	 cfg;
	struct config	*conf = NULL;
	char		*copy, *dir, *error = NULL;
	const char	*file;

	if (conf_open(path, &error) != 0)
		goto out;

	copy = xstrdup(path);
	dir = dirname(copy);
	config_init(&cfg);
	config_set_include_dir(&cfg, dir);
	if (!config_read_file(&cfg, path)) {
		if ((file = config_error_file(&cfg)) == NULL)
			file = path;
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			xasprintf(&error, "%s: %s", file,
			    config_error_text(&cfg));
		else
			xasprintf(&error, "%s:%d: %s", file,
			    config_error_line(&cfg), config_error_text(&cfg));
	} else
		conf = conf_new(&cfg, path, &error);
	config_destroy(&cfg);
	free(copy);
out:
	if (cause != NULL)
		*cause = error;
	else
		free(error);
	return conf;
}

/* Free a configuration; NULL is allowed. */
void
conf_free(struct config *conf)
{
	size_t	i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nprofiles; i++) {
		free(conf->profiles[i].name);
		conf_free_values(CONF_PROFILE, &conf->profiles[i]);
	}
	free(conf->profiles);
	conf_free_values(CONF_GLOBAL, conf);
	free(conf->path);
	free(conf);
}

/* A profile by name, or the default profile if name is NULL. */
struct profile *
conf_profile(struct config *conf, const char *name)
{
	size_t	i;

	if (conf == NULL)
		return NULL;
	if (name == NULL)
		name = conf->default_profile;
	for (i = 0; i < conf->nprofiles; i++) {
		if (conf->profiles[i].name != NULL &&
		    strcmp(conf->profiles[i].name, name) == 0)
			return &conf->profiles[i];
	}
	return NULL;
}

const char *
conf_crop_mode_name(enum crop_mode mode)
{
	if ((unsigned int)mode >= nitems(conf_crop_modes) - 1)
		return "unknown";
	return conf_crop_modes[mode];
}

/* Write a string as a quoted libconfig string. */
static void
conf_dump_string(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* Write one entry as "name = value;". */
static void
conf_dump_entry(FILE *fp, const struct conf_entry *ce, const void *base,
    const char *indent)
{
	const void	*p = (const char *)base + ce->offset;
	const int	*array;
	char		 buf[64];
	size_t		 i;

	fprintf(fp, "%s%s = ", indent, ce->name);
	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
		conf_dump_string(fp, *(char *const *)p);
		break;
	case CONF_ENUM:
		conf_dump_string(fp, ce->choices[*(const int *)p]);
		break;
	case CONF_INT:
		fprintf(fp, "%d", *(const int *)p);
		break;
	case CONF_FLOAT:
		conf_fmt_float(buf, sizeof(buf), *(const double *)p);
		fputs(buf, fp);
		break;
	case CONF_BOOL:
		fputs(*(const int *)p ? "true" : "false", fp);
		break;
	case CONF_INTARRAY:
		array = p;
		fputs("[ ", fp);
		for (i = 0; i < ce->count; i++)
			fprintf(fp, "%s%d", i == 0 ? "" : ", ", array[i]);
		fputs(" ]", fp);
		break;
	case CONF_INHERIT:
		break;
	}
	fputs(";\n", fp);
}

/* Write every entry of a scope. */
static void
conf_dump_scope(FILE *fp, enum conf_scope scope, const void *base,
    const char *indent)
{
	size_t	i;

	for (i = 0; i < nitems(conf_table); i++) {
		if (conf_table[i].scope == scope &&
		    conf_table[i].type != CONF_INHERIT)
			conf_dump_entry(fp, &conf_table[i], base, indent);
	}
}

/*
 * Print the effective configuration in libconfig syntax: every global and
 * every profile with all its settings, so that it reads back the same.
 */
void
conf_dump(const struct config *conf, FILE *fp)
{
	size_t	i;

	if (conf->path != NULL && strchr(conf->path, '\n') == NULL)
		fprintf(fp, "# distenc configuration (%s)\n", conf->path);
	else
		fprintf(fp, "# distenc configuration\n");
	conf_dump_scope(fp, CONF_GLOBAL, conf, "");
	fputs("\nprofiles = {\n", fp);
	for (i = 0; i < conf->nprofiles; i++) {
		fprintf(fp, "%s\t%s = {\n", i == 0 ? "" : "\n",
		    conf->profiles[i].name);
		conf_dump_scope(fp, CONF_PROFILE, &conf->profiles[i], "\t\t");
		fputs("\t};\n", fp);
	}
	fputs("};\n", fp);
}
