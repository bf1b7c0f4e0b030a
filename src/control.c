/*
 * The control socket (see control.h): a listening UNIX socket, mode 0660,
 * and up to CTL_CLIENTS connections, each non-blocking with a bounded
 * buffer and a deadline, so a client that sends nothing, sends too much
 * or never reads cannot hold the loop.  One request a connection: the
 * line is read, checked, answered and the connection closed.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "fsutil.h"
#include "log.h"
#include "pool.h"
#include "xmalloc.h"

struct ctl_client {
	int		 fd;		/* -1: a free place */
	uid_t		 uid;
	pid_t		 pid;
	double		 deadline;	/* monotonic */
	size_t		 len;
	char		 buf[CTL_LINE_MAX];
};

struct ctl {
	int			 fd;
	char			*path;
	ctl_handler		 handler;
	void			*arg;
	struct ctl_client	 clients[CTL_CLIENTS];
};

/* The socket's address at path; -1 and a cause when it is too long. */
static int
ctl_address(const char *path, struct sockaddr_un *sun, char **cause)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path) >=
	    (int)sizeof(sun->sun_path)) {
		xasprintf(cause, "control socket %s: path too long", path);
		return -1;
	}
	return 0;
}

/* Whether something listens on the socket at path already. */
static int
ctl_in_use(const struct sockaddr_un *sun)
{
	int	fd, rv;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	rv = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return rv;
}

/* Bind and listen at path: a stale socket replaced, a live one kept. */
static int
ctl_listen(const char *path, char **cause)
{
	struct sockaddr_un	sun;
	struct stat		sb;
	mode_t			old;
	int			fd;

	if (ctl_address(path, &sun, cause) != 0)
		return -1;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			xasprintf(cause, "control socket %s: exists and is "
			    "not a socket", path);
			return -1;
		}
		if (ctl_in_use(&sun)) {
			xasprintf(cause, "control socket %s: another program "
			    "listens on it", path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		xasprintf(cause, "control socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, CTL_CLIENTS) == -1) {
		xasprintf(cause, "control socket %s: %s", path,
		    strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

/* A control socket at path whose requests go to handler. */
struct ctl *
ctl_open(const char *path, ctl_handler handler, void *arg, char **cause)
{
	struct ctl	*c;
	int		 fd, i;

	if ((fd = ctl_listen(path, cause)) == -1)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->path = xstrdup(path);
	c->handler = handler;
	c->arg = arg;
	for (i = 0; i < CTL_CLIENTS; i++)
		c->clients[i].fd = -1;
	return c;
}

static void
ctl_drop(struct ctl_client *cl)
{
	close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

/* Close the socket and its connections, and remove its name. */
void
ctl_close(struct ctl *c)
{
	int	i;

	if (c == NULL)
		return;
	for (i = 0; i < CTL_CLIENTS; i++)
		if (c->clients[i].fd != -1)
			ctl_drop(&c->clients[i]);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}

const char *
ctl_path(const struct ctl *c)
{
	return c->path;
}

/* Send a line without waiting: a client that does not read loses it. */
static void
ctl_send(int fd, const char *line)
{
	char	buf[CTL_LINE_MAX * 2];
	int	n;

	n = snprintf(buf, sizeof(buf), "%s\n", line);
	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf);
		buf[n - 1] = '\n';
	}
	if (send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_debug("control: cannot answer: %s", strerror(errno));
}

/* Whether uid is a member of the group gid (its primary group or not). */
static int
ctl_member(uid_t uid, gid_t gid)
{
	struct passwd	*pw;
	struct group	*gr;
	char		**m;

	if ((pw = getpwuid(uid)) == NULL)
		return 0;
	if (pw->pw_gid == gid)
		return 1;
	if ((gr = getgrgid(gid)) == NULL)
		return 0;
	for (m = gr->gr_mem; *m != NULL; m++)
		if (strcmp(*m, pw->pw_name) == 0)
			return 1;
	return 0;
}

/*
 * Whether a peer may control the daemon: root, the daemon's own user,
 * or a member of the daemon's group (as the socket's mode says).
 */
static int
ctl_allowed(const struct ucred *cr)
{
	return cr->uid == 0 || cr->uid == geteuid() ||
	    cr->gid == getegid() || ctl_member(cr->uid, getegid());
}

/* Take a new connection into a free place, or turn it away. */
static void
ctl_accept_one(struct ctl *c, int fd)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	int		 i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1) {
		log_warn("control: peer credentials");
		close(fd);
		return;
	}
	if (!ctl_allowed(&cr)) {
		log_warnx("control: uid %lu (pid %ld): refused: not root, "
		    "the daemon's user or in its group", (unsigned long)cr.uid,
		    (long)cr.pid);
		ctl_send(fd, "error permission denied");
		close(fd);
		return;
	}
	for (i = 0; i < CTL_CLIENTS && c->clients[i].fd != -1; i++)
		;
	if (i == CTL_CLIENTS) {
		log_warnx("control: uid %lu: refused: %d connections open",
		    (unsigned long)cr.uid, CTL_CLIENTS);
		ctl_send(fd, "error busy: too many connections");
		close(fd);
		return;
	}
	c->clients[i].fd = fd;
	c->clients[i].uid = cr.uid;
	c->clients[i].pid = cr.pid;
	c->clients[i].len = 0;
	c->clients[i].deadline = pool_now() + CTL_TIMEOUT;
}

/* Accept every pending connection. */
static void
ctl_accept(struct ctl *c)
{
	int	fd;

	while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1)
		ctl_accept_one(c, fd);
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		log_warn("control: accept");
}

/* Split a line into at most max words, in place; -1 when more. */
static int
ctl_split(char *line, char **words, int max)
{
	char	*p = line, *w;
	int	 n = 0;

	while ((w = strsep(&p, " \t")) != NULL) {
		if (*w == '\0')
			continue;
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

/* A request's answer: an error for a malformed one, else the handler's. */
static char *
ctl_answer(struct ctl *c, struct ctl_client *cl, char *line, size_t len)
{
	char	*words[CTL_ARGS_MAX];
	size_t	 i;
	int	 n;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return xstrdup("error malformed request: control "
			    "characters");
	if ((n = ctl_split(line, words, CTL_ARGS_MAX)) == -1)
		return xstrdup("error malformed request: too many words");
	if (n == 0)
		return xstrdup("error empty request");
	return c->handler(c->arg, cl->uid, n, words);
}

/* The line a client sent (its newline gone): answer, log, close. */
static void
ctl_request(struct ctl *c, struct ctl_client *cl)
{
	char	 said[CTL_LINE_MAX * 2], *answer;

	cl->buf[cl->len] = '\0';
	if (cl->len > 0 && cl->buf[cl->len - 1] == '\r')
		cl->buf[--cl->len] = '\0';
	log_escape(cl->buf, said, sizeof(said));
	answer = ctl_answer(c, cl, cl->buf, cl->len);
	log_info("control: uid %lu (pid %ld): %s: %s", (unsigned long)cl->uid,
	    (long)cl->pid, said, answer);
	ctl_send(cl->fd, answer);
	free(answer);
	ctl_drop(cl);
}

/* Read what a client sent; a whole line is answered. */
static void
ctl_read(struct ctl *c, struct ctl_client *cl)
{
	char	*nl;
	ssize_t	 n;

	n = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n == 0 && cl->len > 0)
			ctl_request(c, cl);	/* a last line without \n */
		else
			ctl_drop(cl);
		return;
	}
	if ((nl = memchr(cl->buf + cl->len, '\n', n)) != NULL) {
		cl->len = nl - cl->buf;
		ctl_request(c, cl);
		return;
	}
	cl->len += n;
	if (cl->len == sizeof(cl->buf) - 1) {
		log_warnx("control: uid %lu (pid %ld): request longer than "
		    "%d bytes: refused", (unsigned long)cl->uid, (long)cl->pid,
		    CTL_LINE_MAX - 1);
		ctl_send(cl->fd, "error malformed request: too long");
		ctl_drop(cl);
	}
}

/* The socket's descriptors to poll: the listener, then each client. */
int
ctl_pollfds(const struct ctl *c, struct pollfd *pfd, int max)
{
	int	i, n = 0;

	if (c == NULL || max < 1)
		return 0;
	pfd[n].fd = c->fd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	for (i = 0; i < CTL_CLIENTS && n < max; i++) {
		if (c->clients[i].fd == -1)
			continue;
		pfd[n].fd = c->clients[i].fd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

/* Act on what poll saw; drop clients whose time ran out. */
void
ctl_dispatch(struct ctl *c, const struct pollfd *pfd, int n)
{
	struct ctl_client	*cl;
	double			 now;
	int			 i, j;

	if (c == NULL)
		return;
	for (j = 1; j < n; j++)
		for (i = 0; i < CTL_CLIENTS; i++) {
			cl = &c->clients[i];
			if (cl->fd != -1 && cl->fd == pfd[j].fd &&
			    pfd[j].revents != 0)
				ctl_read(c, cl);
		}
	if (n > 0 && pfd[0].revents != 0)
		ctl_accept(c);
	now = pool_now();
	for (i = 0; i < CTL_CLIENTS; i++) {
		cl = &c->clients[i];
		if (cl->fd == -1 || cl->deadline > now)
			continue;
		log_warnx("control: uid %lu (pid %ld): no request within "
		    "%.0f s: closed", (unsigned long)cl->uid, (long)cl->pid,
		    CTL_TIMEOUT);
		ctl_send(cl->fd, "error timeout: no request");
		ctl_drop(cl);
	}
}

/* Seconds until the first client's deadline; HUGE_VAL when none. */
double
ctl_due(const struct ctl *c)
{
	double	t = HUGE_VAL, now;
	int	i;

	if (c == NULL)
		return HUGE_VAL;
	now = pool_now();
	for (i = 0; i < CTL_CLIENTS; i++)
		if (c->clients[i].fd != -1 && c->clients[i].deadline - now < t)
			t = c->clients[i].deadline - now;
	return t;
}

/* Connect to the control socket at path: the descriptor, or -1. */
static int
ctl_connect(const char *path, char **cause)
{
	struct sockaddr_un	sun;
	int			fd;

	if (ctl_address(path, &sun, cause) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		xasprintf(cause, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT || errno == ECONNREFUSED ?
		    " (is distencd running, with this control_socket?)" : "");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Send one request (a line without its newline) to the control socket
 * at path and read its answer, waiting at most timeout seconds: 0 and
 * the answer line (to free) in *answer, or -1 and a cause.
 */
int
ctl_ask(const char *path, const char *request, double timeout,
    char **answer, char **cause)
{
	struct pollfd	 pfd;
	char		 buf[CTL_LINE_MAX * 2], *nl;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = ctl_connect(path, cause)) == -1)
		return -1;
	/* A peer refused at once has its answer waiting: EPIPE is read on. */
	if ((fs_write_all(fd, request, strlen(request)) != 0 ||
	    fs_write_all(fd, "\n", 1) != 0) && errno != EPIPE) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < sizeof(buf) - 1 && memchr(buf, '\n', len) == NULL) {
		if (poll(&pfd, 1, (int)(timeout * 1000)) == 0) {
			xasprintf(cause, "%s: no answer within %.0f s", path,
			    timeout);
			close(fd);
			return -1;
		}
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	if (len == 0) {
		xasprintf(cause, "%s: closed without an answer", path);
		return -1;
	}
	*answer = xstrdup(buf);
	return 0;
}
