/*
 * Logging: stderr or syslog, plus an optional per-job log file with
 * timestamped lines.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 log_dest = LOG_TO_STDERR;
static int	 log_verbose;
static const char *log_procname = "distenc";
static FILE	*log_jobfile;
static char	 log_prefix[256];

static void	 vlog(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* Set up logging: program name, verbosity, destination. */
void
log_init(const char *procname, int verbose, int dest)
{
	log_procname = procname;
	log_verbose = verbose;
	log_dest = dest;
	if (dest == LOG_TO_SYSLOG)
		openlog(procname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

/* Switch destination (a worker process logs to its stderr pipe). */
void
log_setdest(int dest)
{
	if (log_dest == LOG_TO_SYSLOG && dest != LOG_TO_SYSLOG)
		closelog();
	log_dest = dest;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* Also copy every line to this file (a job's log), or stop with NULL. */
void
log_setjobfile(FILE *fp)
{
	log_jobfile = fp;
}

/* Put a short prefix ("file.mkv: ") before every line sent to stderr. */
void
log_setprefix(const char *prefix)
{
	if (prefix == NULL)
		log_prefix[0] = '\0';
	else
		log_escape(prefix, log_prefix, sizeof(log_prefix));
}

/* One timestamped line to a job's log file. */
static void
log_tofile(FILE *fp, int error, const char *msg)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(fp, "%s.%03ld %s%s\n", stamp, ts.tv_nsec / 1000000,
	    error ? "error: " : "", msg);
	fflush(fp);
}

/* A timestamped line, escaped, to a log file of the caller's. */
void
log_stamp(FILE *fp, int error, const char *fmt, ...)
{
	va_list	ap;
	char	raw[4096], msg[4096 * 2];

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_escape(raw, msg, sizeof(msg));
	log_tofile(fp, error, msg);
}

/*
 * A message about a file, into buf: "NAME: MSG", or MSG alone when it
 * starts with the name already (a script's own errors say
 * "FILE:LINE:COLUMN: ..."), so that the name is said once.
 */
void
log_about(const char *name, const char *msg, char *buf, size_t len)
{
	size_t	n = strlen(name);

	if (n > 0 && strncmp(msg, name, n) == 0 && msg[n] == ':')
		snprintf(buf, len, "%s", msg);
	else
		snprintf(buf, len, "%s: %s", name, msg);
}

/*
 * Copy s with control characters (a newline in a file name, say) written
 * as \ooo, so that one message stays one line.
 */
void
log_escape(const char *s, char *out, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 5 < len; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			o += snprintf(out + o, len - o, "\\%03o",
			    (unsigned char)*s);
		else
			out[o++] = *s;
	}
	out[o < len ? o : len - 1] = '\0';
}

/* One message at priority pri, its control characters escaped. */
static void
vlog(int pri, const char *fmt, va_list ap)
{
	char	raw[4096], msg[4096 * 2];
	int	saved_errno = errno;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(raw, msg, sizeof(msg));
	if (log_jobfile != NULL && pri <= LOG_INFO)
		log_tofile(log_jobfile, pri <= LOG_WARNING, msg);
	if (log_dest == LOG_TO_SYSLOG)
		syslog(pri, "%s", msg);
	else
		fprintf(stderr, "%s: %s%s\n", log_procname, log_prefix, msg);
	errno = saved_errno;
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Warn, appending the current errno's text. */
void
log_warn(const char *emsg, ...)
{
	char	 buf[4096];
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, emsg);
	vsnprintf(buf, sizeof(buf), emsg, ap);
	va_end(ap);
	logit(LOG_ERR, "%s: %s", buf, strerror(saved_errno));
	errno = saved_errno;
}

void
log_warnx(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

/* A warning per line of a text of several lines (config errors). */
void
log_warnx_lines(const char *prefix, const char *text)
{
	const char	*nl;

	for (; text != NULL && *text != '\0'; text = nl + 1) {
		if ((nl = strchr(text, '\n')) == NULL) {
			log_warnx("%s%s", prefix, text);
			break;
		}
		log_warnx("%s%.*s", prefix, (int)(nl - text), text);
	}
}

void
log_info(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, emsg);
	vlog(LOG_DEBUG, emsg, ap);
	va_end(ap);
}

static void __attribute__((noreturn))
vfatalc(int code, const char *emsg, va_list ap)
{
	char	buf[4096];

	vsnprintf(buf, sizeof(buf), emsg, ap);
	if (code)
		logit(LOG_CRIT, "fatal: %s: %s", buf, strerror(code));
	else
		logit(LOG_CRIT, "fatal: %s", buf);
	exit(1);
}

void
fatal(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vfatalc(errno, emsg, ap);
}

void
fatalx(const char *emsg, ...)
{
	va_list	ap;

	va_start(ap, emsg);
	vfatalc(0, emsg, ap);
}
