/*
 * systemd's notification protocol, spoken directly over $NOTIFY_SOCKET:
 * one datagram of "KEY=VALUE" lines to a unix socket (abstract when the
 * name starts with '@').  No-ops when the variable is not set.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdnotify.h"

/* Send one notification; 1 sent, 0 not under systemd, -1 error. */
int
sdn_notify(const char *fmt, ...)
{
	struct sockaddr_un	 sun;
	const char		*path;
	socklen_t		 len;
	va_list			 ap;
	char			 msg[1024];
	int			 fd, n, saved = errno;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return 0;
	if ((*path != '/' && *path != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 1;
}

/* The watchdog interval systemd asks for, in microseconds, or 0. */
uint64_t
sdn_watchdog_usec(void)
{
	const char	*s, *pid;
	char		*end;
	uint64_t	 usec;

	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return 0;
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	usec = strtoull(s, &end, 10);
	return *end == '\0' ? usec : 0;
}
