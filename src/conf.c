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
#include "log.h"
#include "xmalloc.h"

/* A profile to build: where its settings are, and what it inherits. */
struct conf_pending {
	const char		*name;
	config_setting_t	*group;		/* its settings */
	config_setting_t	*inherit;	/* inherit setting or NULL */
	size_t			 parent;	/* index, npending for none */
	int			 built;
};

/* Loading state: the configuration, the built-ins and the profile names. */
struct conf_ctx {
	struct config		*conf;
	config_t		*builtin;	/* conf_nbuiltins of them */
	struct conf_pending	*pending;
	size_t			 npending;
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
		conf_error(cause, profiles, "expected a group, got %s",
		    conf_type_name(config_setting_type(profiles)));
		return -1;
	}
	n = config_setting_length(profiles);
	for (i = 0; i < n; i++) {
		group = config_setting_get_elem(profiles, i);
		name = config_setting_name(group);
		if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
			conf_error(cause, group, "expected a group, got %s",
			    conf_type_name(config_setting_type(group)));
			return -1;
		}
		if (conf_apply_group(group, CONF_PROFILE, NULL, cause) != 0)
			return -1;
		conf_pending_add(ctx, name, group);
	}
	return 0;
}

/*
 * Read the top level of a file: global settings and profiles, in order.
 * Remember which global settings the file sets, for conf_isset.
 */
static int
conf_read_root(struct conf_ctx *ctx, const config_setting_t *root,
    char **cause)
{
	config_setting_t	*s;
	const char		*name;
	int			 i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		name = config_setting_name(s);
		if (strcmp(name, "profiles") == 0) {
			if (conf_read_profiles(ctx, s, cause) != 0)
				return -1;
			continue;
		}
		if (conf_apply(s, CONF_GLOBAL, ctx->conf, cause) != 0)
			return -1;
		ctx->conf->isset[conf_find(CONF_GLOBAL, name) - conf_table] = 1;
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
			conf_error(cause, pp->inherit, "unknown profile \"%s\"",
			    name);
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
		conf_error(cause, pp->inherit, "inheritance cycle: %s", chain);
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
	return conf_apply_group(pp->group, CONF_PROFILE, pr, cause);
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

	if (conf_get_profile(conf, conf->default_profile) != NULL)
		return 0;
	if (cfg != NULL)
		s = config_setting_get_member(config_root_setting(cfg),
		    "default_profile");
	if (s != NULL)
		conf_error(cause, s, "unknown profile \"%s\"",
		    conf->default_profile);
	else
		xasprintf(cause, "default_profile: unknown profile \"%s\"",
		    conf->default_profile);
	return -1;
}

/* Check that each element of directories names a profile. */
static int
conf_check_dirs(const struct config *conf, config_t *cfg, char **cause)
{
	config_setting_t	*list, *s;
	size_t			 i;

	for (i = 0; i < conf->ndirs; i++) {
		if (conf_get_profile(conf, conf->dirs[i].profile) != NULL)
			continue;
		/* Only a file sets directories. */
		list = config_setting_get_member(config_root_setting(cfg),
		    "directories");
		s = config_setting_get_elem(list, i);
		conf_error(cause, config_setting_get_member(s, "profile"),
		    "unknown profile \"%s\"", conf->dirs[i].profile);
		return -1;
	}
	return 0;
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
	conf->isset = xcalloc(conf_ntable, sizeof(*conf->isset));
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
	if (conf_check_dirs(conf, cfg, cause) != 0)
		goto out;
	error = 0;
out:
	for (i = 0; i < conf_nbuiltins; i++)
		config_destroy(&ctx.builtin[i]);
	free(ctx.builtin);
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

