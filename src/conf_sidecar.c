/*
 * Sidecar files: SOURCE.distenc beside a source, in libconfig syntax, with
 * an optional profile = "NAME" (the profile to start from) and profile
 * settings overriding it.  They come from whoever drops files into the
 * spool, so they are read with care: a regular file, not a symbolic link,
 * of bounded size, without @include.
 */
#include "config.h"

#include <fcntl.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_local.h"
#include "fsutil.h"
#include "xmalloc.h"

#define SIDECAR_MAX	65536	/* bytes */

/* Read a sidecar into memory: a regular file, not a symbolic link. */
static char *
sidecar_read(const char *path, char **cause)
{
	char	*text, *why;
	size_t	 len;
	int	 fd;

	if ((fd = fs_open_regular(path, O_NOFOLLOW, &why)) == -1) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		return NULL;
	}
	if ((text = fs_read_fd(fd, path, SIDECAR_MAX, &len, cause)) == NULL)
		return NULL;
	if (memchr(text, '\0', len) != NULL) {
		xasprintf(cause, "%s: not a text file", path);
		free(text);
		return NULL;
	}
	return text;
}

/* The line of the first @include directive in text, or 0. */
static int
sidecar_include(const char *text)
{
	const char	*p = text;
	int		 line = 1;

	for (;;) {
		p += strspn(p, " \t");
		if (strncmp(p, "@include", 8) == 0)
			return line;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
		line++;
	}
}

/*
 * The profile a sidecar starts from: the one its profile setting ps names,
 * else base, else the default profile.  NULL if ps names no profile; if ps
 * is not a string (an error reported with the others), base or the default.
 */
static const struct profile *
sidecar_from(const struct config *conf, const struct profile *base,
    const config_setting_t *ps)
{
	if (ps != NULL && config_setting_type(ps) == CONFIG_TYPE_STRING)
		return conf_get_profile(conf, config_setting_get_string(ps));
	if (base != NULL)
		return base;
	return conf_get_profile(conf, NULL);
}

/* Whether path names a file beside the source: relative, no "..". */
static int
sidecar_beside(const char *path)
{
	const char	*p;

	if (*path == '/')
		return 0;
	for (p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

/* Make *file, relative to the sidecar s is in, a path from there. */
static void
sidecar_rebase(char **file, const config_setting_t *s)
{
	const char	*sidecar = config_setting_get_hook(
			    config_root_setting(s->config));
	const char	*slash = strrchr(sidecar, '/');
	char		*path;

	if (slash == NULL)
		return;
	xasprintf(&path, "%.*s/%s", (int)(slash - sidecar), sidecar, *file);
	free(*file);
	*file = path;
}

/*
 * The most chunk encoders a profile runs at once on this host, and the
 * most threads of each: 0 (a share of the processors, conf_share.c) is
 * at most every processor.
 */
static int
sidecar_parallel(const struct config *conf, const struct profile *pr)
{
	if (pr->parallel_encodes > 0)
		return pr->parallel_encodes;
	return conf->jobs > 0 ? conf->jobs : conf_processors();
}

static int
sidecar_threads(const struct profile *pr)
{
	return pr->threads > 0 ? pr->threads : conf_processors();
}

/*
 * Check a sidecar setting s, applied to pr, against what a file dropped
 * into the spool may ask for: encoder options from the allow-list, files
 * beside the source, no more threads or encoders than the profile it
 * starts from (the host's configuration).
 */
static int
sidecar_trust(const struct config *conf, const struct profile *from,
    struct profile *pr, const config_setting_t *s, char **cause)
{
	const char	*name = config_setting_name(s);
	char		*reason = NULL;

	if (strcmp(name, "x265_params") == 0 ||
	    strcmp(name, "aom_params") == 0 ||
	    strcmp(name, "svt_params") == 0) {
		if (conf_params_allowed(config_setting_get_string(s), name,
		    &reason) == 0)
			return 0;
		conf_error(cause, s, "%s", reason);
		free(reason);
		return -1;
	}
	if ((strcmp(name, "qp_file") == 0 || strcmp(name, "grain_table") == 0) &&
	    !sidecar_beside(config_setting_get_string(s))) {
		conf_error(cause, s, "must name a file beside the source "
		    "(no absolute path, no \"..\")");
		return -1;
	}
	if (strcmp(name, "grain_table") == 0 && *pr->grain_table != '\0')
		sidecar_rebase(&pr->grain_table, s);
	if (strcmp(name, "threads") == 0 &&
	    sidecar_threads(pr) > sidecar_threads(from)) {
		conf_error(cause, s, "%d is more than this host allows (%d)",
		    sidecar_threads(pr), sidecar_threads(from));
		return -1;
	}
	if (strcmp(name, "parallel_encodes") == 0 &&
	    sidecar_parallel(conf, pr) > sidecar_parallel(conf, from)) {
		conf_error(cause, s, "%d is more than this host allows (%d)",
		    sidecar_parallel(conf, pr), sidecar_parallel(conf, from));
		return -1;
	}
	return 0;
}

/*
 * Build the profile of a sidecar read into root: a copy of the profile it
 * starts from with its settings applied.  Every setting is checked, in
 * file order, even if the profile it names is unknown.
 */
static struct profile *
sidecar_build(const struct config *conf, const struct profile *base,
    const config_setting_t *root, char **cause)
{
	const config_setting_t	*ps, *s;
	const struct profile	*from;
	struct profile		*pr = NULL;
	int			 i, n, error = 0;

	ps = config_setting_get_member(root, "profile");
	if ((from = sidecar_from(conf, base, ps)) != NULL) {
		pr = xmalloc(sizeof(*pr));
		memcpy(pr, from, sizeof(*pr));
		pr->name = xstrdup(from->name);
		conf_dup_values(CONF_PROFILE, pr);
	}
	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		if (conf_apply(s, CONF_SIDECAR, pr, cause) != 0)
			error = -1;
		else if (pr != NULL && sidecar_trust(conf, from, pr, s,
		    cause) != 0)
			error = -1;
		else if (s == ps && from == NULL) {
			conf_error(cause, s, "unknown profile \"%s\"",
			    config_setting_get_string(s));
			error = -1;
		}
	}
	if (error != 0) {
		conf_profile_free(pr);
		return NULL;
	}
	return pr;
}

/*
 * Read the sidecar file at path over profile base (the default profile if
 * NULL) or over the profile it names.  Return a new profile, named as the
 * profile it started from, to free with conf_profile_free; or NULL with
 * *cause set to "FILE: REASON", "FILE:LINE: REASON" (@include or a syntax
 * error) or, as for conf_load, every error in its settings in file order,
 * one a line "FILE:LINE: KEY: REASON" joined by '\n'.
 */
struct profile *
conf_sidecar(const struct config *conf, const struct profile *base,
    const char *path, char **cause)
{
	config_t	 cfg;
	config_setting_t *root;
	struct profile	*pr = NULL;
	char		*text, *error = NULL;
	int		 line;

	if ((text = sidecar_read(path, &error)) == NULL)
		goto out;
	if ((line = sidecar_include(text)) != 0) {
		xasprintf(&error, "%s:%d: @include is not allowed in a "
		    "sidecar", path, line);
		free(text);
		goto out;
	}
	config_init(&cfg);
	if (!config_read_string(&cfg, text)) {
		xasprintf(&error, "%s:%d: %s", path, config_error_line(&cfg),
		    config_error_text(&cfg));
	} else {
		root = config_root_setting(&cfg);
		config_setting_set_hook(root, (void *)path);
		pr = sidecar_build(conf, base, root, &error);
	}
	config_destroy(&cfg);
	free(text);
out:
	if (cause != NULL)
		*cause = error;
	else
		free(error);
	return pr;
}

/* Free a profile from conf_sidecar; NULL is allowed. */
void
conf_profile_free(struct profile *pr)
{
	if (pr == NULL)
		return;
	free(pr->name);
	conf_free_values(CONF_PROFILE, pr);
	free(pr);
}
