/*
 * distencctl: the operator's tool for distencd.  What it reads comes from
 * the status files and the token directory, without the daemon; what it
 * changes goes through the daemon's control socket (control.c).
 *
 *	distencctl [-c file] [-s dir] [status]	the daemon
 *	distencctl [-c file] [-s dir] jobs [state]	one line per job
 *	distencctl [-c file] [-s dir] show id|path	one job in full
 *	distencctl [-c file] [-t dir] tokens		the token directory
 *	distencctl [-c file] slurm			inputs given to Slurm
 *	distencctl [-c file] html [dir [seconds]]	a status page
 *	distencctl [-c file] [-S socket] pause | resume | drain | reload |
 *	    cancel id|path | retry id|path | priority id|path n
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "control.h"
#include "ctl_html.h"
#include "fsutil.h"
#include "log.h"
#include "slurm.h"
#include "token.h"
#include "xmalloc.h"

#define DEFAULT_STATUS	"/var/lib/distenc/status"
#define DEFAULT_CONTROL	"/run/distenc/control"
#define ANSWER_SECONDS	30	/* for the daemon's answer */

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
	if (*str(o, "state") != '\0')
		printf("state %s%s%s\n", str(o, "state"),
		    *str(o, "control") ? ", control socket " : "",
		    esc(str(o, "control")));
	printf("jobs: %.0f queued, %.0f running, %.0f waiting, %.0f done, "
	    "%.0f failed, %.0f elsewhere, %.0f cancelled, %.0f skipped\n",
	    num(c, "queued"), num(c, "running"), num(c, "waiting"),
	    num(c, "done"), num(c, "failed"), num(c, "elsewhere") < 0 ? 0 :
	    num(c, "elsewhere"), num(c, "cancelled") < 0 ? 0 :
	    num(c, "cancelled"), num(c, "skipped") < 0 ? 0 :
	    num(c, "skipped"));
	if (*str(o, "active_hours") != '\0')
		printf("active hours: %s\n", esc(str(o, "active_hours")));
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
		"failed", "cancelled", "skipped", "done"
	};
	const struct row	*ra = a, *rb = b;
	int			 n = sizeof(order) / sizeof(order[0]);
	int			 ia = n, ib = n, i;

	for (i = 0; i < n; i++) {
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

/*
 * The job id of which (an id or a source's path relative to the spool,
 * as the status files say); which itself when no status file names it.
 */
static char *
job_id(const char *dir, const char *which)
{
	struct row	*r;
	size_t		 n, i;
	char		*id = NULL;

	if (access(dir, R_OK) == -1)
		return xstrdup(which);
	r = rows(dir, &n);
	for (i = 0; i < n && id == NULL; i++)
		if (strcmp(str(r[i].o, "relative"), which) == 0 &&
		    *str(r[i].o, "id") != '\0')
			id = xstrdup(str(r[i].o, "id"));
	rows_free(r, n);
	return id != NULL ? id : xstrdup(which);
}

/* A command for the daemon, through its control socket. */
static int
cmd_control(const char *sock, const char *sdir, int argc, char **argv)
{
	char	*request, *answer = NULL, *cause = NULL, *id = NULL;
	int	 rv;

	if (argc >= 2) {
		id = job_id(sdir, argv[1]);
		if (strpbrk(id, " \t\n") != NULL) {
			log_warnx("no job %s in %s", esc(argv[1]), sdir);
			free(id);
			return 1;
		}
	}
	xasprintf(&request, "%s%s%s%s%s", argv[0], id ? " " : "",
	    id ? id : "", argc == 3 ? " " : "", argc == 3 ? argv[2] : "");
	free(id);
	if (ctl_ask(sock, request, ANSWER_SECONDS, &answer, &cause) != 0) {
		log_warnx("control socket %s", cause);
		free(cause);
		free(request);
		return 2;
	}
	free(request);
	if (strncmp(answer, "ok", 2) == 0) {
		printf("%s\n", esc(answer[2] == ' ' ? answer + 3 : answer + 2));
		rv = 0;
	} else {
		log_warnx("%s", esc(strncmp(answer, "error ", 6) == 0 ?
		    answer + 6 : answer));
		rv = 1;
	}
	free(answer);
	return rv;
}

/* The daemon's metrics file, as it is (Prometheus text). */
static int
cmd_metrics(const char *path)
{
	char	*text, *cause = NULL;
	size_t	 len;

	if ((text = fs_read_small(path, 1 << 24, &len, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

/* Whether cmd with argc words (itself included) is a control command. */
static int
is_control(const char *cmd, int argc)
{
	static const struct {
		const char	*name;
		int		 argc;
	} cmds[] = {
		{ "pause", 1 }, { "resume", 1 }, { "drain", 1 },
		{ "reload", 1 }, { "cancel", 2 }, { "retry", 2 },
		{ "priority", 3 },
	};
	size_t	i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0 && argc == cmds[i].argc)
			return 1;
	return 0;
}

static const char help_text[] =
"usage: distencctl [-c file] [-s status_dir] [-t token_dir] [-S socket]\n"
"                  [command [argument...]]\n"
"\n"
"Read from the status files and the token directory (no daemon needed):\n"
"  status                  the daemon: state, slots, queue, counts (default)\n"
"  jobs [STATE]            one line per job (queued, running, done...)\n"
"  show ID|PATH            one job in full\n"
"  tokens                  the token directory: hosts and claims\n"
"  metrics                 the daemon's metrics (Prometheus text)\n"
"  html [DIR [SECONDS]]    write a status page, DIR/index.html and its\n"
"                          data DIR/data.js (default status_dir/html);\n"
"                          with SECONDS, refresh data.js that often\n"
"\n"
"Sent to the daemon's control socket:\n"
"  pause                   finish the running jobs, start no new one\n"
"  resume                  start jobs again\n"
"  drain                   finish the running jobs, then exit\n"
"  cancel ID|PATH          stop a job; it is not retried\n"
"  retry ID|PATH           queue a failed or cancelled job again\n"
"  priority ID|PATH N      queue order: higher N first (-1000..1000)\n"
"  reload                  read the configuration again (as SIGHUP)\n"
"\n"
"Options:\n"
"  -c, --config FILE       distencd's configuration (default "
    SYSCONFDIR "/distencd.conf)\n"
"  -s, --status-dir DIR    its status_dir\n"
"  -t, --token-dir DIR     its token_dir\n"
"  -S, --socket PATH       its control_socket (default " DEFAULT_CONTROL ")\n"
"  -V, --version           print the version and exit\n"
"  -h, --help              this text\n"
"\n"
"Exit status: 0 done, 1 the command failed or the daemon refused it,\n"
"2 a usage error or no daemon to talk to.\n";

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: distencctl [-c file] [-s status_dir] "
	    "[-t token_dir] [-S socket] [command [argument...]]\n"
	    "(distencctl --help lists the commands)\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "status-dir",	required_argument,	NULL, 's' },
		{ "token-dir",	required_argument,	NULL, 't' },
		{ "socket",	required_argument,	NULL, 'S' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct config	*conf = NULL;
	const char	*cfile = NULL, *sdir = NULL, *tdir = NULL, *cmd;
	const char	*sock = NULL;
	char		*cause = NULL;
	int		 ch, rv;

	log_init("distencctl", 0, LOG_TO_STDERR);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt_long(argc, argv, "c:hs:S:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(help_text, stdout);
			return 0;
		case 'S':
			sock = optarg;
			break;
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
	if (sock == NULL)
		sock = conf != NULL ? conf->control_socket : DEFAULT_CONTROL;
	cmd = argc > 0 ? argv[0] : "status";
	if (is_control(cmd, argc)) {
		if (*sock == '\0') {
			log_warnx("no control socket: control_socket is \"\" "
			    "in %s", cfile);
			rv = 2;
		} else
			rv = cmd_control(sock, sdir, argc, argv);
	} else if (strcmp(cmd, "html") == 0 && argc <= 3) {
		if (argc >= 2)
			rv = html_write(sdir, tdir, argv[1], argc == 3 ?
			    atoi(argv[2]) : 0);
		else {
			xasprintf(&cause, "%s/html", sdir);
			rv = html_write(sdir, tdir, cause, 0);
			free(cause);
		}
	} else if (strcmp(cmd, "metrics") == 0 && argc == 1) {
		if (conf != NULL && *conf->metrics_file != '\0')
			rv = cmd_metrics(conf->metrics_file);
		else {
			xasprintf(&cause, "%s/distencd.prom", sdir);
			rv = cmd_metrics(cause);
			free(cause);
		}
	} else if (strcmp(cmd, "status") == 0 && argc <= 1)
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
	} else if (strcmp(cmd, "slurm") == 0 && argc == 1) {
		if (conf == NULL)
			conf = conf_default();
		rv = slurm_show(conf);
	} else
		usage();
	conf_free(conf);
	return rv;
}
