/*
 * Configuration: a libconfig file read into struct config over built-in
 * defaults.  Every setting is described once, in the table of conf_table.c
 * (name, scope, type, range, default, where it is stored), and reading,
 * checking, defaults, copying, freeing and dumping are all driven by that
 * table.  This file loads a configuration: the global settings, the
 * profiles with their inheritance, and the checks across settings.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <libconfig.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_local.h"
#include "fsutil.h"
#include "log.h"
#include "xmalloc.h"

/* A profile to build: where its settings are, and what it inherits. */
struct conf_pending {
	const char		*name;
	config_setting_t	*group;		/* its settings */
	config_setting_t	*inherit;	/* if a string, else NULL */
	size_t			 parent;	/* index, npending for none */
	int			 broken;	/* has errors: not built */
	int			 cycle;		/* on a reported cycle */
	int			 built;
};

/* Loading state: the configuration, the built-ins and the profile names. */
struct conf_ctx {
	struct config		*conf;
	config_t		*builtin;	/* conf_nbuiltins of them */
	struct conf_pending	*pending;
	size_t			 npending;
	size_t			*order;		/* pending, in order defined */
	int			 noprofiles;	/* profiles is not a group */
};

/* Copy profile src over an empty dst, duplicating its values but not name. */
static void
conf_copy_profile(struct profile *dst, const struct profile *src)
{
	memcpy(dst, src, sizeof(*dst));
	dst->name = NULL;
	conf_dup_values(CONF_PROFILE, dst);
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

/*
 * Add a profile to be built, replacing any earlier one of the same name: it
 * keeps the earlier one's place in pending but goes last in order.  A
 * broken profile has errors, reported; it is not built, but its name and
 * its inherit setting are known.
 */
static void
conf_pending_add(struct conf_ctx *ctx, const char *name,
    config_setting_t *group, int broken)
{
	struct conf_pending	*pp;
	size_t			 i, k, n = ctx->npending;

	if ((i = conf_pending_find(ctx, name)) == n) {
		ctx->pending = xreallocarray(ctx->pending, n + 1,
		    sizeof(*ctx->pending));
		ctx->order = xreallocarray(ctx->order, n + 1,
		    sizeof(*ctx->order));
		ctx->npending = ++n;
	} else {
		for (k = 0; ctx->order[k] != i; k++)
			continue;
		memmove(&ctx->order[k], &ctx->order[k + 1],
		    (n - 1 - k) * sizeof(*ctx->order));
	}
	ctx->order[n - 1] = i;
	pp = &ctx->pending[i];
	memset(pp, 0, sizeof(*pp));
	pp->name = name;
	pp->group = group;
	pp->broken = broken;
	/* An inherit that is not a string is among the reported errors. */
	if (config_setting_is_group(group))
		pp->inherit = config_setting_get_member(group, "inherit");
	if (pp->inherit != NULL &&
	    config_setting_type(pp->inherit) != CONFIG_TYPE_STRING)
		pp->inherit = NULL;
}

/* Read and check the built-in profiles; any error is a bug. */
static void
conf_read_builtins(struct conf_ctx *ctx)
{
	config_t	*cfg;
	char		*cause = NULL;
	size_t		 i;

	ctx->builtin = xcalloc(conf_nbuiltins, sizeof(*ctx->builtin));
	for (i = 0; i < conf_nbuiltins; i++) {
		cfg = &ctx->builtin[i];
		config_init(cfg);
		if (!config_read_string(cfg, conf_builtins[i].settings)) {
			fatalx("built-in profile %s: %d: %s",
			    conf_builtins[i].name, config_error_line(cfg),
			    config_error_text(cfg));
		}
		if (conf_apply_group(config_root_setting(cfg), CONF_PROFILE,
		    NULL, &cause) != 0)
			fatalx("built-in profile %s: %s",
			    conf_builtins[i].name, cause);
		conf_pending_add(ctx, conf_builtins[i].name,
		    config_root_setting(cfg), 0);
	}
}

/*
 * Check the profiles group of a file and add each profile in it, those with
 * errors as broken.  If it is not a group, no profile name can be checked.
 */
static void
conf_read_profiles(struct conf_ctx *ctx, config_setting_t *profiles,
    char **cause)
{
	config_setting_t	*group;
	int			 i, n, broken;

	if (config_setting_type(profiles) != CONFIG_TYPE_GROUP) {
		conf_error(cause, profiles, "expected a group, got %s",
		    conf_type_name(config_setting_type(profiles)));
		ctx->noprofiles = 1;
		return;
	}
	n = config_setting_length(profiles);
	for (i = 0; i < n; i++) {
		group = config_setting_get_elem(profiles, i);
		broken = 0;
		if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
			conf_error(cause, group, "expected a group, got %s",
			    conf_type_name(config_setting_type(group)));
			broken = 1;
		} else if (conf_apply_group(group, CONF_PROFILE, NULL,
		    cause) != 0)
			broken = 1;
		conf_pending_add(ctx, config_setting_name(group), group,
		    broken);
	}
}

/* The group slurm: the settings of distenc --slurm. */
static void
conf_read_slurm(const config_setting_t *s, struct config *conf,
    char **cause)
{
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_error(cause, s, "expected a group, got %s",
		    conf_type_name(config_setting_type(s)));
		return;
	}
	conf_apply_group(s, CONF_SLURM, conf, cause);
}

/*
 * Read the top level of a file: global settings and profiles, in order,
 * going on after errors.  Remember which global settings the file sets,
 * for conf_isset.
 */
static void
conf_read_root(struct conf_ctx *ctx, const config_setting_t *root,
    char **cause)
{
	config_setting_t	*s;
	const char		*name;
	int			 i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		name = config_setting_name(s);
		if (strcmp(name, "profiles") == 0)
			conf_read_profiles(ctx, s, cause);
		else if (strcmp(name, "slurm") == 0)
			conf_read_slurm(s, ctx->conf, cause);
		else if (conf_apply(s, CONF_GLOBAL, ctx->conf, cause) == 0)
			ctx->conf->isset[conf_find(CONF_GLOBAL, name) -
			    conf_table] = 1;
	}
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

/* Find each profile's parent: npending for none or an unknown one. */
static void
conf_link_parents(struct conf_ctx *ctx)
{
	struct conf_pending	*pp;
	size_t			 i;

	for (i = 0; i < ctx->npending; i++) {
		pp = &ctx->pending[i];
		pp->parent = ctx->npending;
		if (pp->inherit != NULL)
			pp->parent = conf_pending_find(ctx,
			    config_setting_get_string(pp->inherit));
	}
}

/* Whether profile i is on an inheritance cycle. */
static int
conf_on_cycle(const struct conf_ctx *ctx, size_t i)
{
	size_t	k, steps, n = ctx->npending;

	k = ctx->pending[i].parent;
	for (steps = 0; k != n && k != i && steps < n; steps++)
		k = ctx->pending[k].parent;
	return k == i;
}

/* Mark the profiles of the cycle through profile i as reported and broken. */
static void
conf_mark_cycle(struct conf_ctx *ctx, size_t i)
{
	size_t	k = i;

	do {
		ctx->pending[k].cycle = ctx->pending[k].broken = 1;
		k = ctx->pending[k].parent;
	} while (k != i);
}

/*
 * Link each profile to its parent.  Report, profiles in the order they are
 * defined, each unknown profile inherited and each cycle (once, at its
 * first profile defined); the profiles concerned are broken.
 */
static void
conf_link(struct conf_ctx *ctx, char **cause)
{
	struct conf_pending	*pp;
	char			*chain;
	size_t			 i, k;

	conf_link_parents(ctx);
	for (k = 0; k < ctx->npending; k++) {
		i = ctx->order[k];
		pp = &ctx->pending[i];
		if (pp->inherit == NULL || pp->cycle)
			continue;
		if (pp->parent == ctx->npending) {
			conf_error(cause, pp->inherit, "unknown profile \"%s\"",
			    config_setting_get_string(pp->inherit));
			pp->broken = 1;
		} else if (conf_on_cycle(ctx, i)) {
			chain = conf_cycle(ctx, i);
			conf_error(cause, pp->inherit, "inheritance cycle: %s",
			    chain);
			free(chain);
			conf_mark_cycle(ctx, i);
		}
	}
}

/*
 * Build profile i: its parent (or the defaults), then its own settings,
 * checked when read.  A broken profile, or one inheriting from one, is not
 * built (and has no name): return -1, reporting nothing more.
 */
static int
conf_build(struct conf_ctx *ctx, size_t i, char **cause)
{
	struct conf_pending	*pp = &ctx->pending[i];
	struct profile		*pr = &ctx->conf->profiles[i];

	if (pp->broken)
		return -1;
	if (pp->built)
		return 0;
	pp->built = 1;
	if (pp->parent != ctx->npending) {
		if (conf_build(ctx, pp->parent, cause) != 0) {
			pp->broken = 1;
			return -1;
		}
		conf_copy_profile(pr, &ctx->conf->profiles[pp->parent]);
	} else
		conf_set_defaults(CONF_PROFILE, pr);
	pr->name = xstrdup(pp->name);
	return conf_apply_group(pp->group, CONF_PROFILE, pr, cause);
}

/* Turn the pending profiles into the configuration's profiles. */
static void
conf_resolve(struct conf_ctx *ctx, char **cause)
{
	struct config	*conf = ctx->conf;
	size_t		 i;

	conf_link(ctx, cause);
	conf->profiles = xcalloc(ctx->npending, sizeof(*conf->profiles));
	conf->nprofiles = ctx->npending;
	for (i = 0; i < ctx->npending; i++)
		(void)conf_build(ctx, i, cause);
}

/*
 * Whether name is not a profile.  A broken profile is one (its errors are
 * reported), and so is any name if profiles is not a group (the names it
 * was meant to hold are not known).
 */
static int
conf_unknown_profile(const struct conf_ctx *ctx, const char *name)
{
	return !ctx->noprofiles &&
	    conf_pending_find(ctx, name) == ctx->npending;
}

/* Check that default_profile names a profile. */
static void
conf_check_default(struct conf_ctx *ctx, config_t *cfg, char **cause)
{
	struct config		*conf = ctx->conf;
	config_setting_t	*s = NULL;
	char			*line;

	if (!conf_unknown_profile(ctx, conf->default_profile))
		return;
	if (cfg != NULL)
		s = config_setting_get_member(config_root_setting(cfg),
		    "default_profile");
	if (s != NULL) {
		conf_error(cause, s, "unknown profile \"%s\"",
		    conf->default_profile);
		return;
	}
	xasprintf(&line, "default_profile: unknown profile \"%s\"",
	    conf->default_profile);
	conf_add_error(cause, conf->path != NULL ? conf->path : "(built-in)",
	    line);
}

/* The top-level list of groups called name in the file, or NULL. */
static config_setting_t *
conf_file_list(config_t *cfg, const char *name)
{
	config_setting_t	*list;

	if (cfg == NULL || (list = config_setting_get_member(
	    config_root_setting(cfg), name)) == NULL ||
	    !config_setting_is_list(list))
		return NULL;
	return list;
}

/*
 * Check that each element of directories names a profile.  The elements
 * are read from the file, so that those of a list with errors elsewhere are
 * checked too; a profile setting that is not a string is already reported.
 */
static void
conf_check_dirs(const struct conf_ctx *ctx, config_t *cfg, char **cause)
{
	config_setting_t	*list, *s;
	const char		*name;
	int			 i, n;

	if ((list = conf_file_list(cfg, "directories")) == NULL)
		return;
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		/* NULL if the element is not a group. */
		s = config_setting_get_member(config_setting_get_elem(list, i),
		    "profile");
		if (s == NULL || config_setting_type(s) != CONFIG_TYPE_STRING)
			continue;
		name = config_setting_get_string(s);
		if (conf_unknown_profile(ctx, name))
			conf_error(cause, s, "unknown profile \"%s\"", name);
	}
}

/* Check that a rule's min_KEY is not above its max_KEY. */
static void
conf_check_range(config_setting_t *rule, const char *key, char **cause)
{
	config_setting_t	*lo, *hi;
	char			 name[64];
	double			 a, b;

	snprintf(name, sizeof(name), "min_%s", key);
	lo = config_setting_get_member(rule, name);
	snprintf(name, sizeof(name), "max_%s", key);
	hi = config_setting_get_member(rule, name);
	if (lo == NULL || hi == NULL || !config_setting_is_number(lo) ||
	    !config_setting_is_number(hi))
		return;
	a = config_setting_type(lo) == CONFIG_TYPE_FLOAT ?
	    config_setting_get_float(lo) : config_setting_get_int64(lo);
	b = config_setting_type(hi) == CONFIG_TYPE_FLOAT ?
	    config_setting_get_float(hi) : config_setting_get_int64(hi);
	if (b != 0 && a > b)
		conf_error(cause, hi, "below min_%s", key);
}

/* A rule's string setting: its text, "" when absent or not a string. */
static const char *
conf_rule_string(config_setting_t *rule, const char *key)
{
	config_setting_t	*s;

	if ((s = config_setting_get_member(rule, key)) == NULL ||
	    config_setting_type(s) != CONFIG_TYPE_STRING)
		return "";
	return config_setting_get_string(s);
}

/*
 * Check one element of rules: one action (profile or skip not empty, as
 * a dumped configuration writes both), a known profile, ranges.
 */
static void
conf_check_rule(const struct conf_ctx *ctx, config_setting_t *rule,
    char **cause)
{
	static const char *const ranges[] = {
		"width", "height", "fps", "video_bitrate", "duration"
	};
	const char	*prof, *skip;
	size_t		 i;

	prof = conf_rule_string(rule, "profile");
	skip = conf_rule_string(rule, "skip");
	if ((*prof == '\0') == (*skip == '\0'))
		conf_error(cause, rule, "needs one action: profile = "
		    "\"NAME\" or skip = \"REASON\"");
	if (*prof != '\0' && conf_unknown_profile(ctx, prof))
		conf_error(cause, config_setting_get_member(rule, "profile"),
		    "unknown profile \"%s\"", prof);
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		conf_check_range(rule, ranges[i], cause);
}

/* Check each element of rules, read from the file as directories are. */
static void
conf_check_rules(const struct conf_ctx *ctx, config_t *cfg, char **cause)
{
	config_setting_t	*list, *rule;
	int			 i, n;

	if ((list = conf_file_list(cfg, "rules")) == NULL)
		return;
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		rule = config_setting_get_elem(list, i);
		if (config_setting_type(rule) == CONFIG_TYPE_GROUP)
			conf_check_rule(ctx, rule, cause);
	}
}

/*
 * Build a configuration from the defaults, the built-in profiles and, if
 * cfg is not NULL, a file read from path.  *cause is NULL on entry; any
 * error added to it (see conf_load for their order) makes this fail.
 */
static struct config *
conf_new(config_t *cfg, const char *path, char **cause)
{
	struct conf_ctx	 ctx;
	struct config	*conf;
	size_t		 i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = conf = xcalloc(1, sizeof(*conf));
	conf->isset = xcalloc(conf_ntable, sizeof(*conf->isset));
	conf_set_defaults(CONF_GLOBAL, conf);
	conf_set_defaults(CONF_SLURM, conf);
	if (path != NULL)
		conf->path = xstrdup(path);
	conf_read_builtins(&ctx);

	if (cfg != NULL)
		conf_read_root(&ctx, config_root_setting(cfg), cause);
	conf_resolve(&ctx, cause);
	conf_check_default(&ctx, cfg, cause);
	conf_check_dirs(&ctx, cfg, cause);
	conf_check_rules(&ctx, cfg, cause);

	for (i = 0; i < conf_nbuiltins; i++)
		config_destroy(&ctx.builtin[i]);
	free(ctx.builtin);
	free(ctx.pending);
	free(ctx.order);
	if (*cause != NULL) {
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
	char		*cause = NULL;

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
 * Read a configuration file over the built-in defaults.  On error return
 * NULL with *cause set to "FILE: REASON" (the file cannot be read),
 * "FILE:LINE: REASON" (a syntax error: nothing more is checked) or every
 * error found, one a line "FILE:LINE: KEY: REASON" joined by '\n', up to
 * CONF_MAX_ERRORS and then "FILE: too many errors".  They come in the order
 * of the checks:
 *
 * 1. Each setting, in file order (an included file where it is included):
 *    at most one error a setting, but one for each bad element of
 *    directories (a missing setting at the element, then its own settings,
 *    then a path already listed by an earlier element without errors).
 * 2. inherit naming no profile, and inheritance cycles (each once, at its
 *    profile defined first), profiles in the order they are defined (a
 *    file's profile named like a built-in one is at its place in the file).
 * 3. default_profile naming no profile.
 * 4. Elements of directories naming no profile, in list order.
 *
 * Later checks skip what has errors, rather than report their consequences:
 * a profile with errors, or inheriting from one, is not built but is still
 * a profile to name; if profiles is not a group, no name is checked.
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
	conf_free_values(CONF_SLURM, conf);
	free(conf->isset);
	free(conf->path);
	free(conf);
}

/* A profile by name, or the default profile if name is NULL. */
const struct profile *
conf_get_profile(const struct config *conf, const char *name)
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

/* A profile by name, or the default profile if name is NULL. */
struct profile *
conf_profile(struct config *conf, const char *name)
{
	return (struct profile *)conf_get_profile(conf, name);
}

/*
 * Whether the file set a global setting (1) or left its default (0); 0 for
 * conf_default() and for a name that is not a global setting.
 */
int
conf_isset(const struct config *conf, const char *key)
{
	const struct conf_entry	*ce;

	if ((ce = conf_find(CONF_GLOBAL, key)) == NULL)
		return 0;
	return conf->isset[ce - conf_table];
}

/*
 * The profile for a source at relpath, relative to spool_dir: that of the
 * longest directories path that relpath is below, else default_profile.
 * "a/x.mkv" and "a/b/x.mkv" are below "a"; "ab/x.mkv" and "a" are not.
 */
const char *
conf_dir_profile(const struct config *conf, const char *relpath)
{
	const struct conf_dir	*dir, *best = NULL;
	size_t			 i, len, bestlen = 0;

	for (i = 0; i < conf->ndirs; i++) {
		dir = &conf->dirs[i];
		len = strlen(dir->path);
		if (strncmp(relpath, dir->path, len) != 0 ||
		    relpath[len] != '/' || (best != NULL && len <= bestlen))
			continue;
		best = dir;
		bestlen = len;
	}
	return best != NULL ? best->profile : conf->default_profile;
}

/*
 * The first directory a spool script may reach (spool_dir, then each of
 * script_paths) on a mount where files may be mapped as code, or NULL
 * when there is none.  AviSynth+ loads any plugin a script names
 * (LoadPlugin, or a folder for its autoloading): the daemon lets it run
 * spool scripts only when none of these could hold one it would load.
 */
const char *
conf_plus_exec_dir(const struct config *conf)
{
	size_t	i;

	if (fs_noexec(conf->spool_dir) != 1)
		return conf->spool_dir;
	for (i = 0; i < conf->nscript_paths; i++)
		if (fs_noexec(conf->script_paths[i]) != 1)
			return conf->script_paths[i];
	return NULL;
}
