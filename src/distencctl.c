/*
 * distencctl: the operator's view of distencd, read from its status files
 * and its token directory; it changes nothing.
 *
 *	distencctl [-c file] [-s dir] [status]	the daemon
 *	distencctl [-c file] [-s dir] jobs [state]	one line per job
 *	distencctl [-c file] [-s dir] show id|path	one job in full
 *	distencctl [-c file] [-t dir] tokens		the token directory
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "token.h"
#include "xmalloc.h"

#define DEFAULT_STATUS	"/var/lib/distenc/status"

struct row {
	json_t	*o;
	char	*path;
};

static const char *
str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static double
num(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

/* A string with control characters escaped, for one line. */
static const char *
esc(const char *s)
{
	static char	buf[4][4096];
	static int	n;

	n = (n + 1) % 4;
	log_escape(s, buf[n], sizeof(buf[n]));
	return buf[n];
}

static json_t *
load(const char *path)
{
	json_error_t	err;
	json_t		*o;

	if ((o = json_load_file(path, 0, &err)) == NULL)
		log_warnx("%s: %s", path, err.text);
	return o;
}

/* The daemon's status file, said in a few lines. */
static int
cmd_status(const char *dir)
{
	json_t	*o, *c;
	char	*path;
	int	 rv = 0;

	xasprintf(&path, "%s/distencd.json", dir);
	if ((o = load(path)) == NULL) {
		free(path);
		return 1;
	}
	c = json_object_get(o, "counts");
	printf("node %s, distencd %s, pid %.0f, started %s, updated %s\n",
	    esc(str(o, "node")), str(o, "version"), num(o, "pid"),
	    str(o, "started"), str(o, "updated"));
	printf("spool %s (%s)\n", esc(str(o, "spool_dir")),
	    str(o, "watching"));
	printf("slots %.0f, busy %.0f, queue %.0f\n", num(o, "slots"),
	    num(o, "busy"), num(o, "queue"));
	printf("jobs: %.0f queued, %.0f running, %.0f waiting, %.0f done, "
	    "%.0f failed, %.0f elsewhere, %.0f skipped\n", num(c, "queued"),
	    num(c, "running"), num(c, "waiting"), num(c, "done"),
	    num(c, "failed"), num(c, "elsewhere") < 0 ? 0 :
	    num(c, "elsewhere"), num(c, "skipped") < 0 ? 0 :
	    num(c, "skipped"));
	if (*str(o, "token_dir") != '\0')
		printf("token directory %s: %s\n", esc(str(o, "token_dir")),
		    esc(str(o, "tokens")));
	if (kill((pid_t)num(o, "pid"), 0) == -1 && errno == ESRCH) {
		printf("distencd (pid %.0f) is not running\n", num(o, "pid"));
		rv = 1;
	}
	json_decref(o);
	free(path);
	return rv;
}

static int
row_cmp(const void *a, const void *b)
{
	static const char *order[] = {
		"running", "helping", "waiting", "queued", "elsewhere",
		"failed", "skipped", "done"
	};
	const struct row	*ra = a, *rb = b;
	int			 ia = 8, ib = 8, i;

	for (i = 0; i < 8; i++) {
		if (strcmp(str(ra->o, "state"), order[i]) == 0)
			ia = i;
		if (strcmp(str(rb->o, "state"), order[i]) == 0)
			ib = i;
	}
	if (ia != ib)
		return ia - ib;
	return strcmp(str(ra->o, "relative"), str(rb->o, "relative"));
}

/* Every job status file in dir. */
static struct row *
rows(const char *dir, size_t *n)
{
	struct dirent	*de;
	struct row	*r = NULL;
	DIR		*d;
	size_t		 len;
	char		*path;
	json_t		*o;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		fatal("%s", dir);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 ||
		    strcmp(de->d_name, "distencd.json") == 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if ((o = load(path)) == NULL || !json_is_object(o)) {
			json_decref(o);
			free(path);
			continue;
		}
		r = xreallocarray(r, *n + 1, sizeof(*r));
		r[*n].o = o;
		r[(*n)++].path = path;
	}
	closedir(d);
	qsort(r, *n, sizeof(*r), row_cmp);
	return r;
}

static void
rows_free(struct row *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		json_decref(r[i].o);
		free(r[i].path);
	}
	free(r);
}

/* One line per job: state, progress, speed, time left, node, path. */
static int
cmd_jobs(const char *dir, const char *state)
{
	struct row	*r;
	size_t		 n, i;
	double		 eta;
	char		 left[32];

	r = rows(dir, &n);
	printf("%-9s %5s %7s %9s %-12s %s\n", "STATE", "DONE", "FPS", "LEFT",
	    "NODE", "SOURCE");
	for (i = 0; i < n; i++) {
		if (state != NULL && strcmp(str(r[i].o, "state"), state) != 0)
			continue;
		eta = num(r[i].o, "eta");
		if (eta < 0)
			snprintf(left, sizeof(left), "-");
		else
			snprintf(left, sizeof(left), "%ld:%02ld:%02ld",
			    (long)eta / 3600, (long)eta / 60 % 60,
			    (long)eta % 60);
		printf("%-9s %4.0f%% %7.1f %9s %-12s %s%s%s\n",
		    str(r[i].o, "state"), 100 * num(r[i].o, "progress"),
		    num(r[i].o, "fps") < 0 ? 0 : num(r[i].o, "fps"), left,
		    esc(str(r[i].o, "node")), esc(str(r[i].o, "relative")),
		    *str(r[i].o, "error") || *str(r[i].o, "reason") ? ": " :
		    "", esc(*str(r[i].o, "error") ? str(r[i].o, "error") :
		    str(r[i].o, "reason")));
	}
	rows_free(r, n);
	return 0;
}

/* One job, by id or relative path, every member on a line. */
static int
cmd_show(const char *dir, const char *which)
{
	struct row	*r;
	const char	*key;
	json_t		*v;
	size_t		 n, i;
	char		*text;
	int		 found = 0;

	r = rows(dir, &n);
	for (i = 0; i < n && !found; i++) {
		if (strcmp(str(r[i].o, "id"), which) != 0 &&
		    strcmp(str(r[i].o, "relative"), which) != 0)
			continue;
		found = 1;
		json_object_foreach(r[i].o, key, v) {
			if (json_is_string(v))
				printf("%-10s %s\n", key,
				    esc(json_string_value(v)));
			else {
				text = json_dumps(v, JSON_ENCODE_ANY |
				    JSON_REAL_PRECISION(6));
				printf("%-10s %s\n", key, text);
				free(text);
			}
		}
	}
	rows_free(r, n);
	if (!found)
		log_warnx("no job %s in %s", which, dir);
	return !found;
}

/* A token file's age, by this host's clock. */
static long
age(const struct stat *sb)
{
	return (long)(time(NULL) - sb->st_mtim.tv_sec);
}

/* The token directory: nodes, claims, and how many done and failed. */
static int
cmd_tokens(const char *dir)
{
	struct dirent	*de;
	struct tok_file	 f;
	struct stat	 sb;
	DIR		*d;
	char		*path, *cause = NULL;
	size_t		 len;
	int		 done = 0, failed = 0;

	if ((d = opendir(dir)) == NULL)
		fatal("%s", dir);
	xasprintf(&path, "%s/%s", dir, TOK_MARKER);
	printf("token directory %s%s\n", esc(dir), stat(path, &sb) == 0 ? "" :
	    " (no marker: not a token directory, or not mounted)");
	free(path);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".done") == 0)
			done++;
		if (len > 7 && strcmp(de->d_name + len - 7, ".failed") == 0)
			failed++;
		if (strncmp(de->d_name, ".node.", 6) != 0 &&
		    (len < 7 || strcmp(de->d_name + len - 6, ".claim") != 0))
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (tok_readfile(path, &f, &sb, &cause) != 0) {
			printf("  %s: %s\n", esc(de->d_name), esc(cause ?
			    cause : "gone"));
			free(cause);
			cause = NULL;
		} else if (f.kind == TOK_NODE)
			printf("  node %s: pid %ld, boot %s, seen %ld s ago "
			    "(lease %d s)\n", f.node, f.pid, f.boot, age(&sb),
			    f.lease);
		else
			printf("  claim %.*s: node %s, pid %ld, attempt %d, "
			    "renewed %ld s ago (lease %d s)\n", (int)(len - 6),
			    esc(de->d_name), f.node, f.pid, f.attempt, age(&sb),
			    f.lease);
		free(path);
	}
	closedir(d);
	printf("%d done, %d failed\n", done, failed);
	return 0;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: distencctl [-c file] [-s status_dir] "
	    "[-t token_dir] [status | jobs [state] | show id|path | tokens]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct config	*conf = NULL;
	const char	*cfile = NULL, *sdir = NULL, *tdir = NULL, *cmd;
	char		*cause = NULL;
	int		 ch, rv;

	log_init("distencctl", 0, LOG_TO_STDERR);
	while ((ch = getopt(argc, argv, "c:s:t:V")) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 's':
			sdir = optarg;
			break;
		case 't':
			tdir = optarg;
			break;
		case 'V':
			printf("distencctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (cfile == NULL && access(SYSCONFDIR "/distencd.conf", F_OK) == 0)
		cfile = SYSCONFDIR "/distencd.conf";
	if (cfile != NULL && (conf = conf_load(cfile, &cause)) == NULL) {
		log_warnx_lines("", cause);
		return 2;
	}
	if (sdir == NULL)
		sdir = conf != NULL && conf_isset(conf, "status_dir") ?
		    conf->status_dir : DEFAULT_STATUS;
	if (tdir == NULL && conf != NULL && *conf->token_dir != '\0')
		tdir = conf->token_dir;
	cmd = argc > 0 ? argv[0] : "status";
	if (strcmp(cmd, "status") == 0 && argc <= 1)
		rv = cmd_status(sdir);
	else if (strcmp(cmd, "jobs") == 0 && argc <= 2)
		rv = cmd_jobs(sdir, argc == 2 ? argv[1] : NULL);
	else if (strcmp(cmd, "show") == 0 && argc == 2)
		rv = cmd_show(sdir, argv[1]);
	else if (strcmp(cmd, "tokens") == 0 && argc == 1) {
		if (tdir == NULL) {
			log_warnx("no token directory: give -t or set "
			    "token_dir");
			rv = 2;
		} else
			rv = cmd_tokens(tdir);
	} else
		usage();
	conf_free(conf);
	return rv;
}
