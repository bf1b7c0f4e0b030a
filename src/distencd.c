/*
 * distencd: the spool daemon.  One event loop owns every descriptor: the
 * signal self-pipe, the spool's inotify descriptor, and one pipe per
 * worker; timers (rescans, settle checks, retries, the watchdog) are the
 * poll timeout.  Each job runs in a worker ("distenc --worker", see
 * djob.c), and the loop turns what the workers report into status files,
 * job logs and notifications.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "djob.h"
#include "fsutil.h"
#include "job.h"
#include "log.h"
#include "sdnotify.h"
#include "spool.h"
#include "status.h"
#include "token.h"
#include "worker.h"
#include "xmalloc.h"

#define STOP_SECONDS	9	/* workers' grace after SIGTERM */


struct config	*conf;
static const char	*conffile;
struct spool	*spool;
struct djob	**jobs;
size_t		 njobs;
char		 node[256];
static int		 foreground;
static int		 sigpipe_fds[2] = { -1, -1 };
int		 stopping;
static double		 stop_deadline;
static time_t		 started_at;
char		*worker_prog;
int		 daemon_dirty = 1;
struct tokdir	*tokens;
int		 tokens_ready;
static char	*tokens_why;	/* why not ready */


/* Write the daemon's status file and tell systemd, when something changed. */
static void
daemon_status(void)
{
	struct status_daemon	 s;
	char			*path, *cause = NULL;

	if (!daemon_dirty)
		return;
	daemon_dirty = 0;
	memset(&s, 0, sizeof(s));
	s.node = node;
	s.version = PACKAGE_VERSION;
	s.spool_dir = conf->spool_dir;
	s.watching = spool != NULL && spool_fd(spool) != -1 ? "inotify" :
	    "polling";
	s.pid = getpid();
	s.started = started_at;
	s.slots = conf->jobs;
	s.queued = djob_count(DJ_QUEUED);
	s.running = djob_count(DJ_RUNNING);
	s.waiting = djob_count(DJ_WAITING);
	s.done = djob_count(DJ_DONE);
	s.failed = djob_count(DJ_FAILED);
	s.elsewhere = djob_count(DJ_ELSEWHERE);
	if (tokens != NULL) {
		s.token_dir = tok_path(tokens);
		s.tokens = tokens_ready ? "ready" : tokens_why ? tokens_why :
		    "not ready";
	}
	s.busy = s.running;
	s.queue = s.queued + s.waiting;
	xasprintf(&path, "%s/distencd.json", conf->status_dir);
	if (status_daemon_write(path, &s, &cause) != 0) {
		log_warnx("status: %s", cause);
		free(cause);
	}
	free(path);
	sdn_notify("STATUS=%d/%d busy, %d queued, %d done, %d failed",
	    s.busy, s.slots, s.queue, s.done, s.failed);
}

static void
on_signal(int sig)
{
	unsigned char	c = sig;
	int		saved = errno;

	if (write(sigpipe_fds[1], &c, 1) == -1) {
		/* the pipe is full: the signal is already pending */
	}
	errno = saved;
}

/* Signals arrive as bytes on a pipe the loop polls. */
static void
signals_setup(void)
{
	struct sigaction	sa;
	int			i;

	if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++)
		fcntl(sigpipe_fds[i], F_SETFD, FD_CLOEXEC);
}

/* Make a directory setting absolute (against the start directory). */
static void
abs_dir(char **dir)
{
	char	cwd[PATH_MAX], *abs;
	size_t	n;

	while ((n = strlen(*dir)) > 1 && (*dir)[n - 1] == '/')
		(*dir)[n - 1] = '\0';
	if (**dir == '/' || **dir == '\0')
		return;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("getcwd");
	xasprintf(&abs, "%s/%s", cwd, *dir);
	free(*dir);
	*dir = abs;
}

/* Load the configuration with distencd's defaults for its directories. */
static struct config *
daemon_conf(const char *path, char **cause)
{
	static const struct {
		const char	*key;
		size_t		 off;
		const char	*dflt;
	} dirs[] = {
		{ "output_dir", offsetof(struct config, output_dir),
		  "/var/lib/distenc/output" },
		{ "status_dir", offsetof(struct config, status_dir),
		  "/var/lib/distenc/status" },
		{ "log_dir", offsetof(struct config, log_dir),
		  "/var/log/distenc" },
		{ "work_dir", offsetof(struct config, work_dir),
		  "/var/cache/distenc/work" },
	};
	struct config	*c;
	char		**field;
	size_t		 i;

	if (path == NULL)
		c = conf_default();
	else if ((c = conf_load(path, cause)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		field = (char **)((char *)c + dirs[i].off);
		if (!conf_isset(c, dirs[i].key)) {
			free(*field);
			*field = xstrdup(dirs[i].dflt);
		}
		abs_dir(field);
	}
	abs_dir(&c->spool_dir);
	abs_dir(&c->stats_dir);
	if (*c->token_dir != '\0')
		abs_dir(&c->token_dir);
	return c;
}

/*
 * The worker program: "distenc" beside this distencd (a build tree, or
 * both installed in one directory), else the installed one.
 */
static char *
worker_path(void)
{
	char	 self[PATH_MAX], *dir, *path;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		dir = fs_dirname(self);
		xasprintf(&path, "%s/distenc", dir);
		free(dir);
		if (access(path, X_OK) == 0)
			return path;
		free(path);
	}
	return xstrdup(BINDIR "/distenc");
}

/* Say how the spool is watched. */
static void
daemon_spool_mode(void)
{
	if (spool_fd(spool) != -1)
		log_info("spool %s: watching with inotify, rescanning every "
		    "%d s", conf->spool_dir, conf->poll_interval);
	else
		log_info("spool on %s: polling every %d s (%s)",
		    spool_fstype(spool), conf->poll_interval, spool_mode(spool));
}

/* Make the daemon's directories; a reason when one cannot be used. */
static int
daemon_dirs(const struct config *c, char **cause)
{
	const char	*dirs[] = {
		c->spool_dir, c->output_dir, c->status_dir, c->log_dir,
		c->stats_dir
	};
	const char	*names[] = {
		"spool_dir", "output_dir", "status_dir", "log_dir", "stats_dir"
	};
	char		*err = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (*dirs[i] == '\0') {
			xasprintf(cause, "%s: must be set", names[i]);
			return -1;
		}
		if (fs_mkdirs(dirs[i], &err) != 0) {
			xasprintf(cause, "%s: %s", names[i], err);
			free(err);
			return -1;
		}
	}
	return 0;
}

/* Whether the token directory can be used; said when that changes. */
static void
daemon_tokens(void)
{
	char	*cause = NULL;

	if (tokens == NULL)
		return;
	if (tok_ready(tokens, &cause) == 0) {
		if (!tokens_ready && tokens_why != NULL)
			log_info("token directory %s: usable again",
			    tok_path(tokens));
		tokens_ready = 1;
		free(tokens_why);
		tokens_why = NULL;
		tok_sweep(tokens);
		djob_recheck();
	} else {
		if (tokens_why == NULL || strcmp(tokens_why, cause) != 0)
			log_warnx("%s", cause);
		free(tokens_why);
		tokens_why = cause;
		tokens_ready = 0;
	}
	daemon_dirty = 1;
}

/* This host's node name: the setting, or the host name. */
static void
daemon_node(void)
{
	if (*conf->node != '\0')
		snprintf(node, sizeof(node), "%s", conf->node);
	else if (gethostname(node, sizeof(node)) == -1)
		snprintf(node, sizeof(node), "localhost");
	if (*conf->token_dir != '\0' && !node_valid(node))
		fatalx("node name %s (the host name) cannot be used in a "
		    "token directory: set node", node);
}

/* Open the token directory, when one is set. */
static void
daemon_tokens_open(void)
{
	char	*record;

	if (*conf->token_dir == '\0')
		return;
	xasprintf(&record, "%s/token-marker", conf->status_dir);
	tokens = tok_open(conf->token_dir, node, conf->lease,
	    conf->max_attempts, 1, record);
	free(record);
	daemon_tokens();
}

/* SIGHUP: a new configuration, or the old one kept when it is bad. */
static void
daemon_reload(void)
{
	struct config	*nc;
	struct timespec	 ts;
	char		*cause = NULL;
	int		 respool;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sdn_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	if ((nc = daemon_conf(conffile, &cause)) == NULL ||
	    daemon_dirs(nc, &cause) != 0) {
		log_warnx_lines("reload: ", cause);
		log_warnx("reload failed: keeping the old configuration");
		free(cause);
		conf_free(nc);
		sdn_notify("READY=1");
		return;
	}
	if (strcmp(nc->token_dir, conf->token_dir) != 0 ||
	    strcmp(nc->node, conf->node) != 0 || nc->lease != conf->lease)
		log_warnx("reload: token_dir, node and lease are kept until "
		    "a restart");
	free(nc->token_dir);
	nc->token_dir = xstrdup(conf->token_dir);
	free(nc->node);
	nc->node = xstrdup(conf->node);
	nc->lease = conf->lease;
	respool = strcmp(nc->spool_dir, conf->spool_dir) != 0;
	conf_free(conf);
	conf = nc;
	if (respool) {
		spool_close(spool);
		if ((spool = spool_open(conf->spool_dir, conf->settle_time,
		    &cause)) == NULL)
			fatalx("reload: %s", cause);
		daemon_spool_mode();
	} else
		spool_set_settle(spool, conf->settle_time);
	log_info("reloaded %s: %d slots", conffile ? conffile :
	    "the built-in configuration", conf->jobs);
	daemon_dirty = 1;
	sdn_notify("READY=1");
}

/* Kill the workers still running and remove what they leave. */
static void
daemon_kill_workers(void)
{
	struct worker	*w;
	size_t		 i;
	int		 status;

	for (i = 0; i < njobs; i++) {
		if (jobs[i]->state != DJ_RUNNING || (w = jobs[i]->w) == NULL)
			continue;
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, &status, 0) == -1 && errno == EINTR)
			;
		close(w->fd);
		job_leftovers(jobs[i]->source, jobs[i]->output,
		    jobs[i]->statsdir, (long)w->pid);
		jobs[i]->w = NULL;
		free(w);
		djob_release(jobs[i]);
		jobs[i]->attempts--;
		djob_log(jobs[i], DJL_ERROR, "worker killed at shutdown: "
		    "queued for the next start");
		djob_set(jobs[i], DJ_QUEUED, NULL, NULL);
	}
}

/* SIGTERM or SIGINT: stop the workers; a second one kills them. */
static void
daemon_stop(int sig)
{
	size_t	i;

	if (stopping++ == 0) {
		log_info("%s: stopping: no new jobs, stopping %d workers",
		    sig == SIGINT ? "SIGINT" : "SIGTERM", djob_count(DJ_RUNNING));
		sdn_notify("STOPPING=1");
		stop_deadline = spool_now() + STOP_SECONDS;
		for (i = 0; i < njobs; i++)
			if (jobs[i]->state == DJ_RUNNING && jobs[i]->w != NULL)
				kill(jobs[i]->w->pid, SIGTERM);
		return;
	}
	log_info("second signal: stopping at once");
	daemon_kill_workers();
}

/* Act on the signals that arrived. */
static void
daemon_signals(void)
{
	unsigned char	sig[64];
	ssize_t		n, i;

	while ((n = read(sigpipe_fds[0], sig, sizeof(sig))) > 0)
		for (i = 0; i < n; i++) {
			if (sig[i] == SIGHUP && !stopping)
				daemon_reload();
			else if (sig[i] == SIGTERM || sig[i] == SIGINT)
				daemon_stop(sig[i]);
			else if (sig[i] == SIGCHLD)
				hooks_reap();
		}
}

/* Milliseconds until the earliest timer, capped at max seconds. */
static int
loop_timeout(double now, double max)
{
	double	t = max, d;
	size_t	i;

	if ((d = spool_due(spool)) >= 0 && d < t)
		t = d;
	if (tokens != NULL && (d = tok_renew_due(tokens)) < t)
		t = d;
	for (i = 0; i < njobs; i++)
		if ((jobs[i]->state == DJ_WAITING ||
		    jobs[i]->state == DJ_ELSEWHERE) && jobs[i]->rel != NULL &&
		    (d = jobs[i]->retry_at - now) < t)
			t = d;
	if (stopping && (d = stop_deadline - now) < t)
		t = d;
	if (t < 0)
		t = 0;
	return (int)ceil(t * 1000);
}

/* Poll the signal pipe, the spool and the workers once. */
static void
loop_poll(double next_timer)
{
	struct pollfd	 pfd[3 + 256];
	struct djob	*map[256];
	double		 now = spool_now();
	size_t		 i;
	int		 n = 3, k;

	pfd[0].fd = sigpipe_fds[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = spool_fd(spool);
	pfd[1].events = POLLIN;
	pfd[2].fd = tokens != NULL ? tok_fd(tokens) : -1;
	pfd[2].events = POLLIN;
	for (i = 0; i < njobs && n < 3 + 256; i++)
		if (jobs[i]->state == DJ_RUNNING && jobs[i]->w != NULL) {
			map[n - 3] = jobs[i];
			pfd[n].fd = jobs[i]->w->fd;
			pfd[n++].events = POLLIN;
		}
	if (poll(pfd, n, loop_timeout(now, next_timer - now)) == -1) {
		if (errno != EINTR)
			fatal("poll");
		return;
	}
	if (pfd[0].revents)
		daemon_signals();
	if (pfd[1].revents)
		spool_read_events(spool);
	if (pfd[2].revents && tok_read_events(tokens))
		djob_recheck();
	for (k = 3; k < n; k++)
		if (pfd[k].revents && map[k - 3]->w != NULL)
			djob_read(map[k - 3]);
}

/* The event loop, until stopped and every worker has ended. */
static void
loop(void)
{
	double	now, next_rescan, next_watchdog = 0, wd_interval;

	wd_interval = sdn_watchdog_usec() / 2e6;
	next_rescan = spool_now() + conf->poll_interval;
	for (;;) {
		now = spool_now();
		if (stopping && djob_count(DJ_RUNNING) == 0)
			break;
		if (stopping && now >= stop_deadline) {
			log_warnx("workers still running after %d s: killing "
			    "them", STOP_SECONDS);
			daemon_kill_workers();
			break;
		}
		if (now >= next_rescan) {
			daemon_tokens();
			spool_rescan(spool);
			next_rescan = now + conf->poll_interval;
			daemon_dirty = 1;
		}
		if (wd_interval > 0 && now >= next_watchdog) {
			sdn_notify("WATCHDOG=1");
			next_watchdog = now + wd_interval;
		}
		if (tokens != NULL)
			tok_renew(tokens, djob_lost, NULL);
		if (!stopping) {
			spool_check(spool, on_ready, NULL);
			djob_retry_due();
			djob_start_all();
		}
		daemon_status();
		loop_poll(wd_interval > 0 && next_watchdog < next_rescan ?
		    next_watchdog : next_rescan);
	}
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: distencd [-fnvV] [-c file]\n");
	exit(2);
}

/* Free what the daemon holds, at exit (for leak checkers). */
static void
daemon_free(void)
{
	djob_free_all();
	tok_close(tokens);
	free(tokens_why);
	free(worker_prog);
	spool_close(spool);
	conf_free(conf);
}

int
main(int argc, char *argv[])
{
	char	*cause = NULL;
	int	 ch, verbose = 0, checkonly = 0;

	while ((ch = getopt(argc, argv, "c:fnvV")) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("distencd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("distencd", verbose, foreground || checkonly ?
	    LOG_TO_STDERR : LOG_TO_SYSLOG);
	if (conffile == NULL && access(SYSCONFDIR "/distencd.conf", F_OK) == 0)
		conffile = SYSCONFDIR "/distencd.conf";
	if ((conf = daemon_conf(conffile, &cause)) == NULL) {
		log_warnx_lines("", cause);
		free(cause);
		return 1;
	}
	if (checkonly) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (daemon_dirs(conf, &cause) != 0)
		fatalx("%s", cause);
	daemon_node();
	worker_prog = worker_path();
	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	started_at = time(NULL);
	signals_setup();
	daemon_tokens_open();
	djob_remember();
	if ((spool = spool_open(conf->spool_dir, conf->settle_time,
	    &cause)) == NULL)
		fatalx("%s", cause);
	log_info("distencd %s starting: %d slots, node %s, worker %s",
	    PACKAGE_VERSION, conf->jobs, node, worker_prog);
	daemon_spool_mode();
	sdn_notify("READY=1");
	loop();
	daemon_dirty = 1;
	daemon_status();
	log_info("stopped");
	daemon_free();
	return 0;
}
