/*
 * The control socket: a UNIX stream socket on which an operator's tool
 * sends one request line and reads one answer line.  The socket owns no
 * loop: the program's event loop polls its descriptors (ctl_pollfds),
 * hands back what it saw (ctl_dispatch) and wakes for its timeouts
 * (ctl_due).  A request reaches the program's handler only from a peer
 * the credentials check let in, as words; the handler's answer goes back
 * as it is.  The protocol is written down in distencd(8).
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <sys/types.h>

#include <poll.h>

#define CTL_LINE_MAX	512	/* a request, its newline included */
#define CTL_ARGS_MAX	8	/* words in a request */
#define CTL_CLIENTS	16	/* connections at once */
#define CTL_TIMEOUT	5.0	/* seconds a client has to send its line */

/*
 * Answers a request of argc words from uid: an allocated line without
 * its newline, "ok ..." or "error ...".
 */
typedef char	*(*ctl_handler)(void *, uid_t, int, char **);

struct ctl;

struct ctl	*ctl_open(const char *, ctl_handler, void *, char **);
void		 ctl_close(struct ctl *);
const char	*ctl_path(const struct ctl *);
int		 ctl_pollfds(const struct ctl *, struct pollfd *, int);
void		 ctl_dispatch(struct ctl *, const struct pollfd *, int);
double		 ctl_due(const struct ctl *);
int		 ctl_ask(const char *, const char *, double, char **,
		    char **);

#endif
