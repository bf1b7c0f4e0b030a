/*
 * Status files: JSON written with jansson and replaced atomically (a
 * temporary file, fsync, rename), so a reader never sees half a file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fsutil.h"
#include "log.h"
#include "status.h"
#include "xmalloc.h"

/* A time as an ISO 8601 UTC string, or JSON null for 0. */
static json_t *
status_time(time_t t)
{
	struct tm	tm;
	char		buf[32];

	if (t == 0)
		return json_null();
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* A string, or JSON null for NULL; bytes that are not UTF-8 escaped. */
static json_t *
status_str(const char *s)
{
	json_t	*j;
	char	*copy, *p;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	copy = xstrdup(s);	/* not UTF-8: keep ASCII, mark the rest */
	for (p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j != NULL ? j : json_null();
}

/* Write a JSON object to path, replacing it atomically. */
static int
status_dump(const char *path, json_t *obj, char **cause)
{
	char	*text;
	int	 rv;

	if ((text = json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL)
		fatalx("json_dumps");
	rv = fs_write_atomic(path, text, strlen(text), cause);
	free(text);
	json_decref(obj);
	return rv;
}

/* Write one job's status file. */
int
status_job_write(const char *path, const struct status_job *s, char **cause)
{
	json_t	*o;

	o = json_object();
	json_object_set_new(o, "id", status_str(s->id));
	json_object_set_new(o, "source", status_str(s->source));
	json_object_set_new(o, "relative", status_str(s->relative));
	json_object_set_new(o, "profile", status_str(s->profile));
	json_object_set_new(o, "node", status_str(s->node));
	json_object_set_new(o, "state", status_str(s->state));
	json_object_set_new(o, "stage", status_str(s->stage));
	json_object_set_new(o, "progress", json_real(s->progress));
	json_object_set_new(o, "frame", json_integer(s->frame));
	json_object_set_new(o, "frames", json_integer(s->frames));
	json_object_set_new(o, "duration", s->duration > 0 ?
	    json_real(s->duration) : json_null());
	json_object_set_new(o, "fps", json_real(s->fps));
	json_object_set_new(o, "eta", s->eta < 0 ? json_null() :
	    json_integer((json_int_t)(s->eta + 0.5)));
	json_object_set_new(o, "output", status_str(s->output));
	json_object_set_new(o, "error", status_str(s->error));
	json_object_set_new(o, "attempts", json_integer(s->attempts));
	json_object_set_new(o, "log", status_str(s->log));
	json_object_set_new(o, "summary", status_str(s->summary));
	json_object_set_new(o, "reason", status_str(s->reason));
	json_object_set_new(o, "created", status_time(s->created));
	json_object_set_new(o, "started", status_time(s->started));
	json_object_set_new(o, "finished", status_time(s->finished));
	json_object_set_new(o, "updated", status_time(time(NULL)));
	return status_dump(path, o, cause);
}

/*
 * Read back what a restart needs from a job's status file: its id, state,
 * attempts and the reason it was skipped (id and state allocated, reason
 * allocated or NULL).
 */
int
status_job_read(const char *path, char **id, char **state, int *attempts,
    char **reason, char **cause)
{
	json_error_t	 err;
	json_t		*o, *i, *s, *a, *r;

	if ((o = json_load_file(path, 0, &err)) == NULL) {
		xasprintf(cause, "%s:%d: %s", path, err.line, err.text);
		return -1;
	}
	i = json_object_get(o, "id");
	s = json_object_get(o, "state");
	a = json_object_get(o, "attempts");
	if (!json_is_string(i) || !json_is_string(s) || !json_is_integer(a)) {
		xasprintf(cause, "%s: not a job status file", path);
		json_decref(o);
		return -1;
	}
	*id = xstrdup(json_string_value(i));
	*state = xstrdup(json_string_value(s));
	*attempts = json_integer_value(a);
	r = json_object_get(o, "reason");
	*reason = json_is_string(r) ? xstrdup(json_string_value(r)) : NULL;
	json_decref(o);
	return 0;
}

/* Write the daemon's own status file. */
int
status_daemon_write(const char *path, const struct status_daemon *s,
    char **cause)
{
	json_t	*o;

	o = json_pack("{s:o, s:I, s:s, s:o, s:o, s:o, s:s, s:i, s:i, s:i, "
	    "s:{s:i, s:i, s:i, s:i, s:i}}",
	    "node", status_str(s->node), "pid", (json_int_t)s->pid,
	    "version", s->version, "started", status_time(s->started),
	    "updated", status_time(time(NULL)),
	    "spool_dir", status_str(s->spool_dir), "watching", s->watching,
	    "slots", s->slots, "busy", s->busy, "queue", s->queue,
	    "counts", "queued", s->queued, "running", s->running,
	    "waiting", s->waiting, "done", s->done, "failed", s->failed);
	if (o == NULL)
		fatalx("json_pack");
	json_object_set_new(json_object_get(o, "counts"), "elsewhere",
	    json_integer(s->elsewhere));
	json_object_set_new(json_object_get(o, "counts"), "cancelled",
	    json_integer(s->cancelled));
	json_object_set_new(o, "state", status_str(s->state));
	json_object_set_new(o, "control", status_str(s->control));
	json_object_set_new(o, "active_hours", status_str(s->hours));
	json_object_set_new(json_object_get(o, "counts"), "skipped",
	    json_integer(s->skipped));
	json_object_set_new(o, "token_dir", status_str(s->token_dir));
	json_object_set_new(o, "tokens", status_str(s->tokens));
	return status_dump(path, o, cause);
}
