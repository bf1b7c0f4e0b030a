/*
 * The daemon's jobs: a record for each file the spool offered or a status
 * file remembered, its state written to its status file and its lines to
 * its log; a worker ("distenc --worker", which alone loads FFmpeg and
 * x265) started for it with the job's settings on its stdin; its result
 * turned into done, failed, or a retry; hooks run and sources moved.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <search.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "djob.h"
#include "fsutil.h"
#include "log.h"
#include "spool.h"
#include "status.h"
#include "token.h"
#include "xmalloc.h"

#define MAX_HOOKS	64

static const char *djob_state_names[] = {
	"queued", "running", "waiting", "done", "failed", "elsewhere"
};

static struct {
	pid_t		 pid;
	char		 id[JOBID_MAX];
} hooks[MAX_HOOKS];
static int		 nhooks;

static int
djob_cmp(const void *a, const void *b)
{
	return strcmp(((const struct djob *)a)->id,
	    ((const struct djob *)b)->id);
}

static struct djob *
djob_find(struct daemon *d, const char *id)
{
	struct djob	key, **found;

	snprintf(key.id, sizeof(key.id), "%s", id);
	found = tfind(&key, &d->jobindex, djob_cmp);
	return found != NULL ? *found : NULL;
}

/* A new job record, indexed by id. */
static struct djob *
djob_new(struct daemon *d, const char *id)
{
	struct djob	*dj;

	dj = xcalloc(1, sizeof(*dj));
	dj->d = d;
	snprintf(dj->id, sizeof(dj->id), "%s", id);
	d->jobs = xreallocarray(d->jobs, d->njobs + 1, sizeof(*d->jobs));
	d->jobs[d->njobs++] = dj;
	tsearch(dj, &d->jobindex, djob_cmp);
	xasprintf(&dj->status, "%s/%s.json", d->conf->status_dir, id);
	xasprintf(&dj->log, "%s/%s.log", d->conf->log_dir, id);
	return dj;
}

/* A line of the daemon's own about a job: its log and the job's. */
void
djob_log(struct djob *dj, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void
djob_log(struct djob *dj, int flags, const char *fmt, ...)
{
	FILE	*fp;
	va_list	 ap;
	char	 msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (flags & DJL_ERROR)
		log_warnx("%s: %s", dj->rel ? dj->rel : dj->id, msg);
	else
		log_info("%s: %s", dj->rel ? dj->rel : dj->id, msg);
	if ((flags & DJL_NOFILE) || (fp = fopen(dj->log, "a")) == NULL)
		return;
	log_stamp(fp, flags & DJL_ERROR, "%s", msg);
	fclose(fp);
}

/* The share of a job done, from its stage and frame counts. */
static double
djob_fraction(const struct djob *dj)
{
	const struct job_progress	*p;
	double				 f;

	if (dj->state == DJ_DONE)
		return 1.0;
	if (dj->state != DJ_RUNNING || dj->w == NULL || !dj->w->have_progress)
		return 0.0;
	p = &dj->w->progress;
	f = p->total > 0 ? (double)p->frame / p->total : 0;
	if (f > 1)
		f = 1;
	switch (p->stage) {
	case JOB_PASS1:
		return 0.02 + 0.45 * f;
	case JOB_PASS2:
		return 0.47 + 0.45 * f;
	case JOB_SCENES:
		return 0.02 + 0.13 * f;
	case JOB_CHUNKS:
		return 0.15 + 0.75 * f;
	case JOB_JOIN:
		return 0.90 + 0.05 * f;
	case JOB_VERIFY:
		return 0.95;
	case JOB_PUBLISH:
		return 0.99;
	default:
		return 0.01;
	}
}

/* Write a job's status file now. */
static void
djob_write(struct djob *dj)
{
	struct daemon	*d = dj->d;
	const struct job_progress	*p = NULL;
	struct status_job		 s;
	char				*cause = NULL;
	int				 live;

	if (dj->rel == NULL)
		return;
	live = dj->state == DJ_RUNNING && dj->w != NULL &&
	    dj->w->have_progress;
	if (live) {
		p = &dj->w->progress;
		dj->frames = p->total;
	}
	memset(&s, 0, sizeof(s));
	s.id = dj->id;
	s.source = dj->source;
	s.relative = dj->rel;
	s.profile = dj->profile;
	s.node = dj->holder != NULL ? dj->holder : dj->d->node;
	s.state = dj->helping ? "helping" : djob_state_names[dj->state];
	s.stage = live ? job_stage_name(p->stage) : NULL;
	s.progress = djob_fraction(dj);
	s.frame = live ? p->frame : dj->state == DJ_DONE ? dj->frames : 0;
	s.frames = dj->frames;
	s.fps = live ? p->fps : 0;
	s.eta = live ? p->eta : -1;
	s.output = dj->output;
	s.error = dj->error;
	s.log = dj->log;
	s.summary = dj->summary;
	s.attempts = dj->attempts;
	s.created = dj->created;
	s.started = dj->started;
	s.finished = dj->finished;
	if (status_job_write(dj->status, &s, &cause) != 0) {
		log_warnx("status: %s", cause);
		free(cause);
	}
	dj->written = spool_now();
	d->dirty = 1;
}

/* Set a job's state, error and summary, and write its status. */
void
djob_set(struct djob *dj, enum djob_state state, const char *error,
    const char *summary)
{
	char	*e = error ? xstrdup(error) : NULL;
	char	*s = summary ? xstrdup(summary) : NULL;

	dj->state = state;
	free(dj->error);
	dj->error = e;
	free(dj->summary);
	dj->summary = s;
	if (state == DJ_DONE || state == DJ_FAILED)
		dj->finished = time(NULL);
	djob_write(dj);
}

/*
 * Remember the jobs of earlier runs from their status files: done and
 * failed ones are never taken again; the others are taken again when the
 * spool offers their file.
 */
void
djob_remember(struct daemon *d)
{
	struct dirent	*de;
	struct djob	*dj;
	DIR		*dir;
	char		*path, *id, *state, *cause = NULL;
	size_t		 n;
	int		 attempts, s, count = 0;

	if ((dir = opendir(d->conf->status_dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
		    strcmp(de->d_name, "distencd.json") == 0)
			continue;
		xasprintf(&path, "%s/%s", d->conf->status_dir, de->d_name);
		if (status_job_read(path, &id, &state, &attempts,
		    &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
			free(path);
			continue;
		}
		if (strlen(id) < JOBID_MAX && djob_find(d, id) == NULL) {
			dj = djob_new(d, id);
			for (s = 0; s < DJ_STATES; s++)
				if (strcmp(state, djob_state_names[s]) == 0)
					dj->state = s;
			if (dj->state == DJ_RUNNING ||
			    dj->state == DJ_WAITING ||
			    dj->state == DJ_ELSEWHERE)
				dj->state = DJ_QUEUED;
			dj->attempts = attempts;
			count++;
		}
		free(id);
		free(state);
		free(path);
	}
	closedir(dir);
	log_info("remembered %d jobs from %s", count, d->conf->status_dir);
}

/* The output path for a source at rel: .mkv below output_dir. */
static char *
djob_output(struct daemon *d, const char *rel)
{
	char	*copy, *dot, *slash, *out;

	copy = xstrdup(rel);
	dot = strrchr(copy, '.');
	slash = strrchr(copy, '/');
	if (dot != NULL && dot != copy && (slash == NULL || dot > slash + 1))
		*dot = '\0';
	xasprintf(&out, "%s/%s.mkv", d->conf->output_dir, copy);
	free(copy);
	return out;
}

/* A settled file in the spool: queue it unless it is known. */
void
on_ready(void *arg, const char *rel, const struct stat *sb)
{
	struct daemon	*d = arg;
	struct djob	*dj;
	char		 id[JOBID_MAX];

	jobid_make(rel, sb->st_size, sb->st_mtim.tv_sec, id, sizeof(id));
	if ((dj = djob_find(d, id)) != NULL) {
		if (dj->rel != NULL || dj->state == DJ_DONE ||
		    dj->state == DJ_FAILED)
			return;		/* active, or finished earlier */
	} else {
		dj = djob_new(d, id);
		dj->state = DJ_QUEUED;
	}
	dj->rel = xstrdup(rel);
	dj->size = sb->st_size;
	dj->mtime = sb->st_mtim.tv_sec;
	free(dj->source);
	free(dj->output);
	free(dj->profile);
	xasprintf(&dj->source, "%s/%s", d->conf->spool_dir, rel);
	dj->output = djob_output(d, rel);
	dj->profile = xstrdup(conf_dir_profile(d->conf, rel));
	dj->created = time(NULL);
	djob_log(dj, 0, "queued: %s (id %s, profile %s)", dj->source, dj->id,
	    dj->profile);
	djob_write(dj);
}

/* The profile a job runs with: its directory's, and its sidecar's. */
static const struct profile *
djob_profile(struct djob *dj, char **cause)
{
	const struct profile	*prof;
	char			*side;

	if ((prof = conf_profile(dj->d->conf, dj->profile)) == NULL) {
		xasprintf(cause, "no profile %s", dj->profile);
		return NULL;
	}
	xasprintf(&side, "%s.distenc", dj->source);
	if (access(side, F_OK) == 0) {
		conf_profile_free(dj->sidecar);
		dj->sidecar = conf_sidecar(dj->d->conf, prof, side, cause);
		prof = dj->sidecar;
		if (prof != NULL)
			djob_log(dj, 0, "sidecar: %s", side);
	}
	free(side);
	return prof;
}

/*
 * The configuration a worker gets on its stdin: the daemon's settings
 * with the job's profile as the only one (directories and hooks are the
 * daemon's business).
 */
static char *
djob_config(const struct config *conf, const struct profile *prof,
    size_t *len)
{
	struct config	 c = *conf;
	FILE		*fp;
	char		*text = NULL;

	c.profiles = (struct profile *)prof;
	c.nprofiles = 1;
	c.default_profile = prof->name;
	c.dirs = NULL;
	c.ndirs = 0;
	c.on_done = c.on_failure = NULL;
	c.non_done = c.non_failure = 0;
	if ((fp = open_memstream(&text, len)) == NULL)
		fatal("open_memstream");
	conf_dump(&c, fp);
	if (fclose(fp) != 0)
		fatal("open_memstream");
	return text;
}

/* Whether the file is still the one the job's id was made from. */
static int
djob_current(struct djob *dj)
{
	struct stat	sb;

	if (lstat(dj->source, &sb) == -1 || !S_ISREG(sb.st_mode))
		return 0;
	return sb.st_size == dj->size && sb.st_mtim.tv_sec == dj->mtime;
}

/* Forget a job whose file changed or went before it started. */
static void
djob_drop(struct djob *dj)
{
	struct daemon	*d = dj->d;
	djob_log(dj, 0, "the file changed or went away before its job "
	    "started: dropped (a changed file is a new job)");
	unlink(dj->status);
	spool_forget(dj->d->spool, dj->rel);
	free(dj->rel);
	dj->rel = NULL;		/* remembered only, never started */
	d->dirty = 1;
}

static void	djob_failed(struct djob *, const char *, int, int);

/* Set who has the job, when another host does. */
static void
djob_holder(struct djob *dj, const char *who)
{
	free(dj->holder);
	dj->holder = who != NULL && *who != '\0' ? xstrdup(who) : NULL;
}

/* Another host has the job's claim, or finished or failed it. */
static void
djob_elsewhere(struct djob *dj, int r, const struct tok_seen *seen)
{
	char	*msg;
	int	 was = dj->state == DJ_ELSEWHERE && dj->holder != NULL &&
		    strcmp(dj->holder, seen->f.node) == 0;

	djob_holder(dj, seen->f.node);
	dj->retry_at = seen->until;
	switch (r) {
	case TOK_HELD:
		if (was)
			return;
		djob_log(dj, 0, "claimed by node %s (pid %ld): left to it",
		    seen->f.node[0] ? seen->f.node : "?", seen->f.pid);
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		break;
	case TOK_ISDONE:
		free(dj->output);
		dj->output = xstrdup(seen->f.text);
		xasprintf(&msg, "done by node %s%s%s", seen->f.node,
		    seen->f.summary[0] ? ": " : "", seen->f.summary);
		djob_log(dj, 0, "%s: %s", msg, seen->f.text);
		djob_set(dj, DJ_DONE, NULL, msg);
		free(msg);
		break;
	case TOK_ISFAILED:
		dj->attempts = seen->f.attempt;
		xasprintf(&msg, "failed on node %s: %s", seen->f.node,
		    seen->f.text);
		djob_log(dj, DJL_ERROR, "%s", msg);
		djob_set(dj, DJ_FAILED, msg, NULL);
		free(msg);
		break;
	case TOK_WAIT:
		dj->attempts = seen->f.attempt;
		xasprintf(&msg, "attempt %d failed on node %s: %s",
		    seen->f.attempt, seen->f.node, seen->f.text);
		djob_log(dj, 0, "%s; retried in %.0f s", msg,
		    seen->until - spool_now());
		djob_set(dj, DJ_WAITING, msg, NULL);
		free(msg);
		break;
	}
}

/*
 * Claim a job in the token directory before it starts: 0 when this host
 * has it now, -1 when it stays queued or is another host's.
 */
static int
djob_claim(struct djob *dj)
{
	struct daemon	*d = dj->d;
	struct tok_seen	 seen;
	char		*cause = NULL;
	int		 r;

	if (!d->tokens_ready)
		return -1;
	r = tok_claim(d->tokens, dj->id, dj->rel, &seen, &cause);
	if (r == TOK_CLAIMED) {
		djob_holder(dj, NULL);
		dj->attempts = seen.attempt - 1;
		return 0;
	}
	if (r == TOK_ERROR) {
		log_warnx("token directory: %s: taking no work until the "
		    "next rescan", cause);
		free(cause);
		d->tokens_ready = 0;
		d->dirty = 1;
		return -1;
	}
	djob_elsewhere(dj, r, &seen);
	return -1;
}

/* Give a job's claim back (interrupted: no marker). */
void
djob_release(struct djob *dj)
{
	struct daemon	*d = dj->d;
	if (d->tokens != NULL)
		tok_release(d->tokens, dj->id);
}

/* Write a job's done or failed marker for the other hosts. */
static void
djob_mark(struct djob *dj, int done, const char *text, int transient)
{
	struct daemon	*d = dj->d;
	char	*cause = NULL;
	int	 rv;

	if (d->tokens == NULL || tok_held(d->tokens, dj->id) == -1)
		return;
	if (done)
		rv = tok_done(d->tokens, dj->id, dj->output, text, &cause);
	else
		rv = tok_fail(d->tokens, dj->id, text, transient,
		    d->conf->retry_delay, &cause);
	if (rv != 0) {
		djob_log(dj, DJL_ERROR, "token directory: %s", cause);
		free(cause);
	}
}

/* A claim found lost while its job ran: stop the job, another has it. */
void
djob_lost(void *arg, const char *task, const char *why)
{
	struct daemon	*d = arg;
	size_t		 i;

	for (i = 0; i < d->njobs; i++) {
		if (strcmp(d->jobs[i]->id, task) != 0)
			continue;
		djob_log(d->jobs[i], DJL_ERROR, "claim lost: %s: stopping the "
		    "job", why);
		if (d->jobs[i]->state == DJ_RUNNING && d->jobs[i]->w != NULL) {
			d->jobs[i]->lost = 1;
			kill(d->jobs[i]->w->pid, SIGTERM);
		}
	}
}

/* Look again at jobs other hosts had (the token directory changed). */
void
djob_recheck(struct daemon *d)
{
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_ELSEWHERE)
			d->jobs[i]->retry_at = 0;
}

/* Run a worker program for the job (or for its chunks: help). */
static int
djob_exec(struct djob *dj, const struct profile *prof, int help)
{
	struct daemon	*d = dj->d;
	char	*text, *argv[20];
	size_t	 len;
	int	 rv, n = 0;

	text = djob_config(d->conf, prof, &len);
	argv[n++] = "distenc";
	argv[n++] = "--worker";
	argv[n++] = "--worker-output";
	argv[n++] = dj->output;
	argv[n++] = "--worker-log";
	argv[n++] = dj->log;
	argv[n++] = "--worker-prefix";
	argv[n++] = dj->id;
	argv[n++] = "--worker-id";
	argv[n++] = dj->id;
	if (d->tokens != NULL) {
		argv[n++] = "--worker-tokens";
		argv[n++] = (char *)tok_path(d->tokens);
		argv[n++] = "--worker-node";
		argv[n++] = d->node;
	}
	if (help)
		argv[n++] = "--worker-help";
	argv[n++] = "--";
	argv[n++] = dj->source;
	argv[n] = NULL;
	dj->w = xcalloc(1, sizeof(*dj->w));
	rv = worker_exec(dj->w, d->worker_prog, argv, text, len, d->conf->nice);
	free(text);
	if (rv == -1) {
		free(dj->w);
		dj->w = NULL;
	}
	return rv;
}

/* Start a queued job in a worker. */
static void
djob_start(struct djob *dj)
{
	struct daemon	*d = dj->d;
	const struct profile	*prof;
	char			*cause = NULL;

	if (!djob_current(dj)) {
		djob_drop(dj);
		return;
	}
	if (d->tokens != NULL && djob_claim(dj) != 0)
		return;
	dj->attempts++;
	dj->started = time(NULL);
	if ((prof = djob_profile(dj, &cause)) == NULL) {
		djob_failed(dj, cause, 0, 0);
		free(cause);
		return;
	}
	free(dj->statsdir);
	dj->statsdir = xstrdup(d->conf->stats_dir);
	if (djob_exec(dj, prof, 0) == -1) {
		xasprintf(&cause, "cannot start a worker: %s", strerror(errno));
		djob_failed(dj, cause, 1, 0);
		free(cause);
		return;
	}
	djob_log(dj, 0, "started: attempt %d, profile %s, worker %ld",
	    dj->attempts, prof->name, (long)dj->w->pid);
	djob_set(dj, DJ_RUNNING, NULL, NULL);
}

/* Number of jobs in a state. */
int
djob_count(struct daemon *d, enum djob_state state)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == state && (state == DJ_DONE ||
		    state == DJ_FAILED || d->jobs[i]->rel != NULL))
			n++;
	return n;
}

/*
 * With every slot busy, jobs other hosts hold are not claimed; their
 * markers are still read, so a job done elsewhere shows as done.
 */
static void
djob_peek_elsewhere(struct daemon *d, double now)
{
	struct tok_seen	 seen;
	char		*cause = NULL;
	size_t		 i;
	int		 r;

	for (i = 0; i < d->njobs; i++) {
		if (d->jobs[i]->state != DJ_ELSEWHERE ||
		    d->jobs[i]->rel == NULL || d->jobs[i]->retry_at > now)
			continue;
		r = tok_peek(d->tokens, d->jobs[i]->id, &seen, &cause);
		free(cause);
		cause = NULL;
		if (r == TOK_ISDONE || r == TOK_ISFAILED)
			djob_elsewhere(d->jobs[i], r, &seen);
		else
			d->jobs[i]->retry_at = now + d->conf->poll_interval;
	}
}

/*
 * Help with a chunked job another host holds, once it has published its
 * plan: a worker claims and encodes its chunks, and joins them if the
 * last one is its own.  0 when started.
 */
static int
djob_help(struct djob *dj, double now)
{
	struct daemon	*d = dj->d;
	const struct profile	*prof;
	char			*cause = NULL;

	if (dj->state != DJ_ELSEWHERE || dj->rel == NULL ||
	    dj->holder == NULL || dj->help_at > now ||
	    !tok_has_sub(d->tokens, dj->id, ".plan") || !djob_current(dj))
		return -1;
	dj->help_at = now + d->conf->poll_interval;
	if ((prof = djob_profile(dj, &cause)) == NULL || !prof->chunked) {
		free(cause);
		return -1;
	}
	free(dj->statsdir);
	dj->statsdir = xstrdup(d->conf->stats_dir);
	if (djob_exec(dj, prof, 1) == -1) {
		djob_log(dj, DJL_ERROR, "cannot start a worker to help: %s",
		    strerror(errno));
		return -1;
	}
	dj->helping = 1;
	djob_log(dj, 0, "helping node %s with its chunks: worker %ld",
	    dj->holder, (long)dj->w->pid);
	djob_set(dj, DJ_RUNNING, NULL, NULL);
	return 0;
}

/* Start queued jobs while slots are free; then help other hosts. */
void
djob_start_all(struct daemon *d)
{
	double	now = spool_now();
	size_t	i;
	int	busy = djob_count(d, DJ_RUNNING);

	for (i = 0; i < d->njobs && busy < d->conf->jobs; i++)
		if (d->jobs[i]->rel != NULL &&
		    (d->jobs[i]->state == DJ_QUEUED ||
		    (d->jobs[i]->state == DJ_ELSEWHERE &&
		    d->jobs[i]->retry_at <= now))) {
			djob_start(d->jobs[i]);
			busy += d->jobs[i]->state == DJ_RUNNING;
		}
	for (i = 0; i < d->njobs && busy < d->conf->jobs && d->tokens != NULL &&
	    d->tokens_ready && !d->stopping; i++)
		if (djob_help(d->jobs[i], now) == 0)
			busy++;
	if (d->tokens != NULL && d->tokens_ready && busy >= d->conf->jobs)
		djob_peek_elsewhere(d, now);
}

/* Run an on_done or on_failure command, the job in its environment. */
static void
djob_hook(struct djob *dj, char *const *argv, size_t argc)
{
	pid_t	pid;
	int	fd;

	if (argc == 0)
		return;
	if (nhooks == MAX_HOOKS) {
		djob_log(dj, 1, "hook %s not run: %d hooks still running",
		    argv[0], MAX_HOOKS);
		return;
	}
	if ((pid = fork()) == -1) {
		djob_log(dj, 1, "hook %s: fork: %s", argv[0], strerror(errno));
		return;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		setenv("DISTENC_ID", dj->id, 1);
		setenv("DISTENC_SOURCE", dj->source, 1);
		setenv("DISTENC_OUTPUT", dj->output, 1);
		setenv("DISTENC_STATE", djob_state_names[dj->state], 1);
		setenv("DISTENC_ERROR", dj->error ? dj->error : "", 1);
		setenv("DISTENC_PROFILE", dj->profile, 1);
		setenv("DISTENC_LOG", dj->log, 1);
		setenv("DISTENC_STATUS", dj->status, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	hooks[nhooks].pid = pid;
	snprintf(hooks[nhooks++].id, sizeof(hooks[0].id), "%s", dj->id);
	djob_log(dj, 0, "hook %s started (pid %ld)", argv[0], (long)pid);
}

/* Collect finished hooks and log how they ended. */
void
hooks_reap(void)
{
	int	i = 0, status;

	while (i < nhooks) {
		if (waitpid(hooks[i].pid, &status, WNOHANG) <= 0) {
			i++;
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_info("%s: hook %ld finished", hooks[i].id,
			    (long)hooks[i].pid);
		else if (WIFEXITED(status))
			log_warnx("%s: hook %ld exited with status %d",
			    hooks[i].id, (long)hooks[i].pid,
			    WEXITSTATUS(status));
		else
			log_warnx("%s: hook %ld killed by signal %d",
			    hooks[i].id, (long)hooks[i].pid, WTERMSIG(status));
		hooks[i] = hooks[--nhooks];
	}
}

/* Move a finished job's source to done/ or failed/ beside the spool. */
static void
djob_move(struct djob *dj, const char *where)
{
	struct daemon	*d = dj->d;
	char	*top, *dest, *dir, *cause = NULL;

	if (!d->conf->move_sources)
		return;
	top = fs_dirname(d->conf->spool_dir);
	xasprintf(&dest, "%s/%s/%s", top, where, dj->rel);
	dir = fs_dirname(dest);
	if (fs_mkdirs(dir, &cause) != 0) {
		djob_log(dj, 1, "not moving the source: %s", cause);
		free(cause);
	} else if (rename(dj->source, dest) == -1)
		djob_log(dj, 1, "not moving the source to %s: %s", dest,
		    strerror(errno));
	else
		djob_log(dj, 0, "source moved to %s", dest);
	free(dir);
	free(dest);
	free(top);
}

/*
 * A failed attempt (why; transient when a retry may succeed; logged when
 * the worker already wrote it to the job's log): retried later, queued
 * again, or failed for good.
 */
static void
djob_failed(struct djob *dj, const char *why, int transient, int logged)
{
	struct daemon	*d = dj->d;
	int	nofile = logged ? DJL_NOFILE : 0;
	double	delay;

	if (dj->lost) {
		dj->lost = 0;
		dj->attempts--;
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		dj->retry_at = 0;
		return;
	}
	if (transient && d->stopping) {
		dj->attempts--;		/* interrupted: not the job's fault */
		djob_release(dj);
		djob_log(dj, 0, "interrupted: queued for the next start");
		djob_set(dj, DJ_QUEUED, NULL, NULL);
		return;
	}
	djob_mark(dj, 0, why, transient);
	if (transient && dj->attempts < d->conf->max_attempts) {
		delay = d->conf->retry_delay * pow(2, dj->attempts - 1);
		dj->retry_at = spool_now() + delay;
		djob_log(dj, DJL_ERROR, "attempt %d failed: %s; retrying in "
		    "%.0f s", dj->attempts, why, delay);
		djob_set(dj, DJ_WAITING, why, NULL);
	} else {
		djob_log(dj, DJL_ERROR | nofile, "failed: %s", why);
		djob_set(dj, DJ_FAILED, why, NULL);
		djob_hook(dj, d->conf->on_failure, d->conf->non_failure);
		djob_move(dj, "failed");
	}
}

/*
 * A worker that helped another host's job ended.  The job stays that
 * host's: its marker, hooks and sources are its business (even when the
 * file was joined and published here).
 */
static void
djob_helped(struct djob *dj, struct worker *w, int status)
{
	struct daemon	*d = dj->d;
	dj->helping = 0;
	if (w->state != WORKER_DONE && w->state != WORKER_HELPED &&
	    w->state != WORKER_SKIPPED)
		job_leftovers(dj->source, dj->output, dj->statsdir,
		    (long)w->pid);
	switch (w->state) {
	case WORKER_DONE:
		/* Published; the job's done marker is its holder's to
		 * write, or this host's once that claim runs out. */
		djob_log(dj, 0, "chunks joined here: %s (%s)", dj->output,
		    w->text);
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		break;
	case WORKER_HELPED:
	case WORKER_SKIPPED:
		djob_log(dj, 0, "helped node %s: %s", dj->holder ? dj->holder :
		    "?", w->state == WORKER_SKIPPED ? "the output is there" :
		    w->text);
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		break;
	default:
		/* A chunk that failed for good is marked so; its host fails
		 * the job.  This host may help again later. */
		if (d->stopping)
			djob_log(dj, 0, "helping stopped");
		else
			djob_log(dj, DJL_ERROR | (WIFSIGNALED(status) ? 0 :
			    DJL_NOFILE), "helping failed: %s", w->text);
		dj->help_at = spool_now() + d->conf->retry_delay;
		djob_set(dj, DJ_ELSEWHERE, NULL, NULL);
		break;
	}
	dj->retry_at = 0;
}

/* A worker ended: take its result. */
static void
djob_reaped(struct djob *dj, int status)
{
	struct daemon	*d = dj->d;
	struct worker	*w = dj->w;

	worker_reap(w, status);
	dj->w = NULL;
	if (dj->helping) {
		djob_helped(dj, w, status);
		free(w);
		return;
	}
	if (w->state != WORKER_DONE && w->state != WORKER_SKIPPED)
		/* Whatever the worker could not clean up (killed, or died
		 * in a sanitizer's or the C library's abort): the names
		 * hold its pid, so nothing else matches them. */
		job_leftovers(dj->source, dj->output, dj->statsdir,
		    (long)w->pid);
	if (w->state == WORKER_SKIPPED)
		snprintf(w->text, sizeof(w->text), "output exists, skipped");
	if ((w->state == WORKER_DONE || w->state == WORKER_SKIPPED) &&
	    dj->lost)
		djob_log(dj, 0, "finished after its claim was lost: %s (%s)",
		    dj->output, w->text);
	if (w->state == WORKER_DONE || w->state == WORKER_SKIPPED) {
		dj->lost = 0;
		djob_mark(dj, 1, w->text, 0);
		djob_log(dj, 0, "done: %s (%s)", dj->output, w->text);
		djob_set(dj, DJ_DONE, NULL, w->text);
		djob_hook(dj, d->conf->on_done, d->conf->non_done);
		djob_move(dj, "done");
	} else
		djob_failed(dj, w->text, w->transient, !WIFSIGNALED(status));
	conf_profile_free(dj->sidecar);
	dj->sidecar = NULL;
	free(w);
}

/* A log line from a worker: already in the job's log; the daemon's at -v. */
static void
worker_line(struct worker *w, const char *line)
{
	(void)w;
	log_debug("%s", line);
}

/* Read from a running job's worker; collect it when it ends. */
void
djob_read(struct djob *dj)
{
	int	status;

	if (worker_read(dj->w, worker_line) != 0) {
		if (spool_now() - dj->written >= 2)
			djob_write(dj);
		return;
	}
	while (waitpid(dj->w->pid, &status, 0) == -1)
		if (errno != EINTR)
			fatal("waitpid");
	djob_reaped(dj, status);
}

/* Queue waiting jobs whose retry time has come. */
void
djob_retry_due(struct daemon *d)
{
	double	now = spool_now();
	size_t	i;

	for (i = 0; i < d->njobs; i++)
		if (d->jobs[i]->state == DJ_WAITING &&
		    d->jobs[i]->retry_at <= now && d->jobs[i]->rel != NULL &&
		    !d->stopping)
			djob_set(d->jobs[i], DJ_QUEUED, d->jobs[i]->error,
			    NULL);
}


/* Free every job record (at exit, for leak checkers). */
void
djob_free_all(struct daemon *d)
{
	struct djob	*dj;
	size_t		 i;

	for (i = 0; i < d->njobs; i++) {
		dj = d->jobs[i];
		tdelete(dj, &d->jobindex, djob_cmp);
		free(dj->rel);
		free(dj->source);
		free(dj->output);
		free(dj->log);
		free(dj->status);
		free(dj->profile);
		free(dj->statsdir);
		free(dj->error);
		free(dj->summary);
		free(dj->holder);
		conf_profile_free(dj->sidecar);
		free(dj);
	}
	free(d->jobs);
	d->jobs = NULL;
	d->njobs = 0;
}
