/*
 * distencd: the spool daemon.  One event loop owns every descriptor: the
 * signal self-pipe, the spool's inotify descriptor, and one pipe per
 * worker; timers (rescans, settle checks, retries, the watchdog) are the
 * poll timeout.  Each job runs in a worker ("distenc --worker", see
 * djob_run.c) in the daemon's pool, and the loop turns what the workers
 * report into status files, job logs and notifications.
 */
#include "config.h"

#include <sys/stat.h>

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
#include "control.h"
#include "djob.h"
#include "fsutil.h"
#include "log.h"
#include "pool.h"
#include "sdnotify.h"
#include "spool.h"
#include "status.h"
#include "token.h"
#include "xmalloc.h"

#define STOP_SECONDS	9	/* workers' grace after SIGTERM */


static int		 sigpipe_fds[2] = { -1, -1 };

/* Write the daemon's status file and tell systemd, when something changed. */
static void
daemon_status(struct daemon *d)
{
	struct status_daemon	 s;
	char			*path, *cause = NULL, hours[160];

	if (!d->dirty)
		return;
	d->dirty = 0;
	memset(&s, 0, sizeof(s));
	s.node = d->node;
	s.version = PACKAGE_VERSION;
	s.spool_dir = d->conf->spool_dir;
	s.watching = d->spool != NULL && spool_fd(d->spool) != -1 ? "inotify" :
	    "polling";
	s.pid = getpid();
	s.started = d->started_at;
	s.slots = conf_jobs(d->conf);
	s.queued = djob_count(d, DJ_QUEUED);
	s.running = djob_count(d, DJ_RUNNING);
	s.waiting = djob_count(d, DJ_WAITING);
	s.done = djob_count(d, DJ_DONE);
	s.failed = djob_count(d, DJ_FAILED);
	s.elsewhere = djob_count(d, DJ_ELSEWHERE);
	s.cancelled = djob_count(d, DJ_CANCELLED);
	s.state = d->stopping ? "stopping" : d->draining ? "draining" :
	    d->paused ? "paused" : d->outside ? "outside active hours" :
	    "running";
	djob_hours_text(d, hours, sizeof(hours));
	s.hours = d->hours != NULL ? hours : NULL;
	s.control = d->ctl != NULL ? ctl_path(d->ctl) : NULL;
	s.skipped = djob_count(d, DJ_SKIPPED);
	if (d->tokens != NULL) {
		s.token_dir = tok_path(d->tokens);
		s.tokens = d->tokens_ready ? "ready" : d->tokens_why ?
		    d->tokens_why : "not ready";
	}
	s.busy = s.running;
	s.queue = s.queued + s.waiting;
	xasprintf(&path, "%s/distencd.json", d->conf->status_dir);
	if (status_daemon_write(path, &s, &cause) != 0) {
		log_warnx("status: %s", cause);
		free(cause);
	}
	free(path);
	sdn_notify("STATUS=%d/%d busy, %d queued, %d done, %d failed",
	    s.busy, s.slots, s.queue, s.done, s.failed);
	djob_metrics(d);
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
daemon_spool_mode(struct daemon *d)
{
	if (spool_fd(d->spool) != -1)
		log_info("spool %s: watching with inotify, rescanning every "
		    "%d s", d->conf->spool_dir, d->conf->poll_interval);
	else
		log_info("spool on %s: polling every %d s (%s)",
		    spool_fstype(d->spool), d->conf->poll_interval,
		    spool_mode(d->spool));
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
	const char	*dir;
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
	/* Each worker checks this again before it lets AviSynth+ run. */
	if (c->avisynth_plus && (dir = conf_plus_exec_dir(c)) != NULL)
		log_warnx("avisynth_plus: %s is not mounted noexec, so a "
		    "script could make AviSynth+ load a plugin from it: "
		    "scripts run in the built-in interpreter", dir);
	return 0;
}

/* Whether the token directory can be used; said when that changes. */
static void
daemon_tokens(struct daemon *d)
{
	char	*cause = NULL;
	double	 t0;
	int	 ready;

	if (d->tokens == NULL)
		return;
	t0 = spool_now();
	ready = tok_ready(d->tokens, &cause) == 0;
	d->tokens_seconds = spool_now() - t0;
	if (ready) {
		if (!d->tokens_ready && d->tokens_why != NULL)
			log_info("token directory %s: usable again",
			    tok_path(d->tokens));
		d->tokens_ready = 1;
		free(d->tokens_why);
		d->tokens_why = NULL;
		tok_sweep(d->tokens);
		djob_recheck(d);
	} else {
		if (d->tokens_why == NULL || strcmp(d->tokens_why, cause) != 0)
			log_warnx("%s", cause);
		free(d->tokens_why);
		d->tokens_why = cause;
		d->tokens_ready = 0;
	}
	d->dirty = 1;
}

/* This host's node name: the setting, or the host name. */
static void
daemon_node(struct daemon *d)
{
	if (*d->conf->node != '\0')
		snprintf(d->node, sizeof(d->node), "%s", d->conf->node);
	else if (gethostname(d->node, sizeof(d->node)) == -1)
		snprintf(d->node, sizeof(d->node), "localhost");
	if (*d->conf->token_dir != '\0' && !node_valid(d->node))
		fatalx("node name %s (the host name) cannot be used in a "
		    "token directory: set node", d->node);
}

/* Open the token directory, when one is set. */
static void
daemon_tokens_open(struct daemon *d)
{
	char	*record;

	if (*d->conf->token_dir == '\0')
		return;
	xasprintf(&record, "%s/token-marker", d->conf->status_dir);
	d->tokens = tok_open(d->conf->token_dir, d->node, d->conf->lease,
	    d->conf->max_attempts, 1, record);
	free(record);
	daemon_tokens(d);
}

/*
 * SIGHUP or "reload": a new configuration (0), or the old one kept when
 * the new one is bad (-1, why in *cause).
 */
static int
daemon_reload(struct daemon *d, char **cause)
{
	struct config	*nc;
	struct timespec	 ts;
	int		 respool;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sdn_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	if ((nc = daemon_conf(d->conffile, cause)) == NULL ||
	    daemon_dirs(nc, cause) != 0) {
		log_warnx_lines("reload: ", *cause);
		log_warnx("reload failed: keeping the old configuration");
		conf_free(nc);
		sdn_notify("READY=1");
		return -1;
	}
	if (strcmp(nc->token_dir, d->conf->token_dir) != 0 ||
	    strcmp(nc->node, d->conf->node) != 0 ||
	    nc->lease != d->conf->lease ||
	    strcmp(nc->control_socket, d->conf->control_socket) != 0)
		log_warnx("reload: token_dir, node, lease and control_socket "
		    "are kept until a restart");
	free(nc->control_socket);
	nc->control_socket = xstrdup(d->conf->control_socket);
	free(nc->token_dir);
	nc->token_dir = xstrdup(d->conf->token_dir);
	free(nc->node);
	nc->node = xstrdup(d->conf->node);
	nc->lease = d->conf->lease;
	respool = strcmp(nc->spool_dir, d->conf->spool_dir) != 0;
	conf_free(d->conf);
	d->conf = nc;
	djob_hours_load(d);
	pool_set_slots(d->workers, conf_jobs(d->conf));
	if (respool) {
		spool_close(d->spool);
		if ((d->spool = spool_open(d->conf->spool_dir,
		    d->conf->settle_time, cause)) == NULL)
			fatalx("reload: %s", *cause);
		daemon_spool_mode(d);
	} else
		spool_set_settle(d->spool, d->conf->settle_time);
	log_info("reloaded %s: %d slots", d->conffile ? d->conffile :
	    "the built-in configuration", conf_jobs(d->conf));
	d->dirty = 1;
	sdn_notify("READY=1");
	return 0;
}

/* SIGTERM or SIGINT: stop the workers; a second one kills them. */
static void
daemon_stop(struct daemon *d, int sig)
{
	if (d->stopping++ == 0) {
		log_info("%s: stopping: no new jobs, stopping %d workers",
		    sig == SIGINT ? "SIGINT" : "SIGTERM",
		    djob_count(d, DJ_RUNNING));
		sdn_notify("STOPPING=1");
		pool_stop(d->workers, STOP_SECONDS);
		return;
	}
	log_info("second signal: stopping at once");
	djob_run_kill_all(d);
}

/* Act on the signals that arrived. */
static void
daemon_signals(struct daemon *d)
{
	unsigned char	 sig[64];
	ssize_t		 n, i;
	char		*cause = NULL;

	while ((n = read(sigpipe_fds[0], sig, sizeof(sig))) > 0)
		for (i = 0; i < n; i++) {
			if (sig[i] == SIGHUP && !d->stopping) {
				daemon_reload(d, &cause);
				free(cause);
				cause = NULL;
			} else if (sig[i] == SIGTERM || sig[i] == SIGINT)
				daemon_stop(d, sig[i]);
			else if (sig[i] == SIGCHLD)
				pool_reap(d->hooks);
		}
}

/* Milliseconds until the earliest timer, capped at max seconds. */
static int
loop_timeout(struct daemon *d, double now, double max)
{
	double	t = max, dt;
	size_t	i;

	if ((dt = spool_due(d->spool)) >= 0 && dt < t)
		t = dt;
	if (d->tokens != NULL && (dt = tok_renew_due(d->tokens)) < t)
		t = dt;
	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->rel != NULL &&
		    (dt = djob_due(d->jobs[i]) - now) < t)
			t = dt;
	if (d->stopping && (dt = pool_stop_left(d->workers)) < t)
		t = dt;
	if ((dt = ctl_due(d->ctl)) < t)
		t = dt;
	if (d->hours_next != -1 &&
	    (dt = difftime(d->hours_next, time(NULL))) < t)
		t = dt;
	if (t < 0)
		t = 0;
	return (int)ceil(t * 1000);
}

/* Poll the signal pipe, the spool, the control socket and the workers. */
static void
loop_poll(struct daemon *d, double next_timer)
{
	struct pollfd	 pfd[3 + CTL_CLIENTS + 1 + 256];
	double		 now = spool_now();
	int		 n, nc;

	pfd[0].fd = sigpipe_fds[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = spool_fd(d->spool);
	pfd[1].events = POLLIN;
	pfd[2].fd = d->tokens != NULL ? tok_fd(d->tokens) : -1;
	pfd[2].events = POLLIN;
	for (n = 0; n < 3; n++)
		pfd[n].revents = 0;
	nc = ctl_pollfds(d->ctl, pfd + 3, CTL_CLIENTS + 1);
	n = pool_pollfds(d->workers, pfd + 3 + nc, 256);
	if (poll(pfd, 3 + nc + n, loop_timeout(d, now, next_timer - now)) ==
	    -1) {
		if (errno != EINTR)
			fatal("poll");
		return;
	}
	if (pfd[0].revents)
		daemon_signals(d);
	if (pfd[1].revents)
		spool_read_events(d->spool);
	if (pfd[2].revents && tok_read_events(d->tokens))
		djob_recheck(d);
	pool_dispatch(d->workers, pfd + 3 + nc, n);
	ctl_dispatch(d->ctl, pfd + 3, nc);
}

/* The event loop, until stopped and every worker has ended. */
static void
loop(struct daemon *d)
{
	double	now, next_rescan, next_watchdog = 0, wd_interval;

	wd_interval = sdn_watchdog_usec() / 2e6;
	next_rescan = spool_now() + d->conf->poll_interval;
	for (;;) {
		now = spool_now();
		if (d->stopping && djob_count(d, DJ_RUNNING) == 0)
			break;
		if (d->draining && djob_count(d, DJ_RUNNING) == 0) {
			log_info("drained: no job running, stopping");
			sdn_notify("STOPPING=1");
			break;
		}
		if (d->stopping && pool_stop_left(d->workers) <= 0) {
			log_warnx("workers still running after %d s: killing "
			    "them", STOP_SECONDS);
			djob_run_kill_all(d);
			break;
		}
		if (now >= next_rescan) {
			daemon_tokens(d);
			spool_rescan(d->spool);
			djob_expire(d);
			djob_flush(d);
			d->rescan_seconds = spool_now() - now;
			next_rescan = now + d->conf->poll_interval;
			d->dirty = 1;
		}
		if (wd_interval > 0 && now >= next_watchdog) {
			sdn_notify("WATCHDOG=1");
			next_watchdog = now + wd_interval;
		}
		djob_hours(d);
		if (d->tokens != NULL)
			tok_renew(d->tokens, djob_run_lost, d);
		if (!d->stopping) {
			spool_check(d->spool, djob_ready, d);
			djob_retry_due(d);
			djob_run_stalled(d);
			djob_run_all(d);
		}
		daemon_status(d);
		loop_poll(d, wd_interval > 0 && next_watchdog < next_rescan ?
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
daemon_free(struct daemon *d)
{
	djob_free_all(d);
	pool_free(d->workers);
	pool_free(d->hooks);
	ctl_close(d->ctl);
	free(d->hours);
	tok_close(d->tokens);
	free(d->tokens_why);
	free(d->worker_prog);
	spool_close(d->spool);
	conf_free(d->conf);
}

/* Open the control socket, when one is set; the daemon runs without. */
static void
daemon_control(struct daemon *d)
{
	char	*cause = NULL;

	d->reload = daemon_reload;
	if (*d->conf->control_socket == '\0')
		return;
	if ((d->ctl = ctl_open(d->conf->control_socket, djob_ctl_command, d,
	    &cause)) == NULL) {
		log_warnx("%s: running without a control socket", cause);
		free(cause);
		return;
	}
	log_info("control socket %s", ctl_path(d->ctl));
}

/* Start up: directories, node, background, pools, tokens, spool. */
static void
daemon_start(struct daemon *d, int foreground)
{
	char	*cause = NULL;

	if (daemon_dirs(d->conf, &cause) != 0)
		fatalx("%s", cause);
	daemon_node(d);
	d->worker_prog = worker_path();
	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	d->started_at = time(NULL);
	signals_setup();
	d->workers = djob_run_pool(d);
	d->hooks = hook_pool(d);
	daemon_tokens_open(d);
	daemon_control(d);
	djob_hours_load(d);
	djob_remember(d);
	if ((d->spool = spool_open(d->conf->spool_dir, d->conf->settle_time,
	    &cause)) == NULL)
		fatalx("%s", cause);
	spool_set_known(d->spool, djob_task_orphaned, d);
	log_info("distencd %s starting: %d slots, node %s, worker %s",
	    PACKAGE_VERSION, conf_jobs(d->conf), d->node, d->worker_prog);
	daemon_spool_mode(d);
	sdn_notify("READY=1");
}

int
main(int argc, char *argv[])
{
	struct daemon	 daemon_state, *d = &daemon_state;
	char		*cause = NULL;
	int		 ch, verbose = 0, checkonly = 0, foreground = 0;

	memset(d, 0, sizeof(*d));
	d->dirty = 1;
	while ((ch = getopt(argc, argv, "c:fnvV")) != -1) {
		switch (ch) {
		case 'c':
			d->conffile = optarg;
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
	if (d->conffile == NULL &&
	    access(SYSCONFDIR "/distencd.conf", F_OK) == 0)
		d->conffile = SYSCONFDIR "/distencd.conf";
	if ((d->conf = daemon_conf(d->conffile, &cause)) == NULL) {
		log_warnx_lines("", cause);
		free(cause);
		return 1;
	}
	if (checkonly) {
		printf("configuration OK\n");
		conf_free(d->conf);
		return 0;
	}
	daemon_start(d, foreground);
	loop(d);
	d->dirty = 1;
	daemon_status(d);
	log_info("stopped");
	daemon_free(d);
	return 0;
}
