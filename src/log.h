/*
 * Logging in the OpenBSD daemons' shape: warnings with and without errno,
 * informational and debug lines, and fatal errors.  Lines go to stderr or
 * syslog, and also to a job's own log file when one is set.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stdio.h>

#define LOG_TO_STDERR	0
#define LOG_TO_SYSLOG	1

void	log_init(const char *, int, int);
void	log_setverbose(int);
void	log_setdest(int);
int	log_getverbose(void);
void	log_setjobfile(FILE *);
void	log_setprefix(const char *);
void	log_escape(const char *, char *, size_t);
void	log_about(const char *, const char *, char *, size_t);
void	log_stamp(FILE *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx_lines(const char *, const char *);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
