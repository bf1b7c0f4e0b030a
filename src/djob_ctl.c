/*
 * The daemon's commands on its control socket (control.c reads, checks
 * and logs the requests): pause, resume, drain, cancel, retry, priority
 * and reload.  Each answers one line, "ok ..." or "error ...".
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "djob.h"
#include "log.h"
#include "pool.h"
#include "spool.h"
#include "xmalloc.h"

struct djob_cmd {
	const char	*name;
	int		 nargs;
	const char	*usage;
	char		*(*fn)(struct daemon *, char **);
};

static char *
djob_ctl_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An answer line, formatted. */
static char *
djob_ctl_say(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	return s;
}

/* Pause (1) or resume (0); a draining daemon stays as it is. */
static char *
djob_ctl_pausing(struct daemon *d, int paused)
{
	if (d->draining)
		return xstrdup("error draining: the daemon exits when its "
		    "running jobs end");
	d->paused = paused;
	d->dirty = 1;
	if (paused)
		return djob_ctl_say("ok paused: %d running jobs finish, no "
		    "new job starts", djob_count(d, DJ_RUNNING));
	return djob_ctl_say("ok resumed: %d jobs queued",
	    djob_count(d, DJ_QUEUED));
}

static char *
djob_ctl_pause(struct daemon *d, char **argv)
{
	(void)argv;
	return djob_ctl_pausing(d, 1);
}

static char *
djob_ctl_resume(struct daemon *d, char **argv)
{
	(void)argv;
	return djob_ctl_pausing(d, 0);
}

static char *
djob_ctl_drain(struct daemon *d, char **argv)
{
	(void)argv;
	d->paused = d->draining = 1;
	d->dirty = 1;
	return djob_ctl_say("ok draining: exiting when %d running jobs end",
	    djob_count(d, DJ_RUNNING));
}

/* The job of an id, or an error answer in *answer. */
static struct djob *
djob_ctl_job(struct daemon *d, const char *id, char **answer)
{
	struct djob	*dj;

	if ((dj = djob_find(d, id)) == NULL)
		xasprintf(answer, "error no job %s", id);
	return dj;
}

static char *
djob_ctl_cancel(struct daemon *d, char **argv)
{
	struct djob	*dj;
	char		*answer = NULL;

	if ((dj = djob_ctl_job(d, argv[1], &answer)) == NULL)
		return answer;
	if (djob_finished(dj) || dj->state == DJ_ELSEWHERE || dj->task.helping)
		return djob_ctl_say("error job %s is %s%s", dj->id,
		    dj->task.helping ? "another host's" :
		    djob_state_name(dj->state),
		    dj->state == DJ_ELSEWHERE ? " (another host's)" : "");
	if (dj->state == DJ_RUNNING && dj->w != NULL) {
		dj->cancelling = 1;
		pool_kill(d->workers, dj->w->pid, SIGTERM);
		if (d->held)		/* stopped outside active hours */
			pool_kill(d->workers, dj->w->pid, SIGCONT);
		return djob_ctl_say("ok cancelling %s: its worker (pid %ld) "
		    "is stopping", dj->id, (long)dj->w->pid);
	}
	djob_cancelled(dj);
	return djob_ctl_say("ok cancelled %s", dj->id);
}

static char *
djob_ctl_retry(struct daemon *d, char **argv)
{
	struct djob	*dj;
	char		*answer = NULL;

	if ((dj = djob_ctl_job(d, argv[1], &answer)) == NULL)
		return answer;
	if (dj->state == DJ_SKIPPED)
		/* the reason, also of a job remembered from an earlier run
		 * (its status file's) */
		return djob_ctl_say("error job %s is skipped%s%s%s: a skipped "
		    "job is not retried, its rule or the size guard would skip "
		    "it again", dj->id, dj->summary != NULL ? " (" : "",
		    dj->summary != NULL ? dj->summary : "",
		    dj->summary != NULL ? ")" : "");
	if (dj->state != DJ_FAILED && dj->state != DJ_CANCELLED)
		return djob_ctl_say("error job %s is %s: only a failed or "
		    "cancelled job is retried", dj->id,
		    djob_state_name(dj->state));
	if (d->tokens != NULL)
		tok_unfail(d->tokens, dj->id);
	dj->attempts = 0;
	djob_log(dj, 0, "queued again by the operator");
	djob_set(dj, DJ_QUEUED, NULL, NULL);
	if (dj->rel != NULL)
		return djob_ctl_say("ok queued %s again", dj->id);
	/* Finished in an earlier run: taken when the spool offers its file
	 * (again, when it did already). */
	if (dj->seen != NULL) {
		spool_forget(d->spool, dj->seen);
		spool_rescan(d->spool);
	}
	return djob_ctl_say("ok queued %s again, when the spool offers its "
	    "file", dj->id);
}

static char *
djob_ctl_priority(struct daemon *d, char **argv)
{
	struct djob	*dj;
	char		*answer = NULL, *end;
	long		 n;

	n = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || n < -1000 || n > 1000)
		return djob_ctl_say("error priority %s: not a number from "
		    "-1000 to 1000", argv[2]);
	if ((dj = djob_ctl_job(d, argv[1], &answer)) == NULL)
		return answer;
	dj->priority = (int)n;
	return djob_ctl_say("ok job %s: priority %d (%s)", dj->id, dj->priority,
	    djob_state_name(dj->state));
}

static char *
djob_ctl_reload(struct daemon *d, char **argv)
{
	char	*cause = NULL, *answer;

	(void)argv;
	if (d->reload(d, &cause) == 0)
		return djob_ctl_say("ok reloaded %s", d->conffile ?
		    d->conffile : "the built-in configuration");
	xasprintf(&answer, "error reload failed, the old configuration is "
	    "kept: %s", cause);
	free(cause);
	for (cause = answer; *cause != '\0'; cause++)
		if (*cause == '\n')
			*cause = ';';
	return answer;
}

static const struct djob_cmd djob_cmds[] = {
	{ "pause",	0, "pause",		djob_ctl_pause },
	{ "resume",	0, "resume",		djob_ctl_resume },
	{ "drain",	0, "drain",		djob_ctl_drain },
	{ "cancel",	1, "cancel ID",		djob_ctl_cancel },
	{ "retry",	1, "retry ID",		djob_ctl_retry },
	{ "priority",	2, "priority ID N",	djob_ctl_priority },
	{ "reload",	0, "reload",		djob_ctl_reload },
};

/* A request on the control socket (see control.h): its answer. */
char *
djob_ctl_command(void *arg, uid_t uid, int argc, char **argv)
{
	struct daemon	*d = arg;
	size_t		 i;

	(void)uid;		/* control.c logs it with the request */
	for (i = 0; i < sizeof(djob_cmds) / sizeof(djob_cmds[0]); i++) {
		if (strcmp(argv[0], djob_cmds[i].name) != 0)
			continue;
		if (argc - 1 != djob_cmds[i].nargs)
			return djob_ctl_say("error usage: %s",
			    djob_cmds[i].usage);
		if (d->stopping)
			return xstrdup("error stopping");
		return djob_cmds[i].fn(d, argv);
	}
	return xstrdup("error unknown command (pause, resume, drain, "
	    "cancel ID, retry ID, priority ID N, reload)");
}
