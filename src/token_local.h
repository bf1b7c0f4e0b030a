/* The token module's own state, shared by its files. */
#ifndef TOKEN_LOCAL_H
#define TOKEN_LOCAL_H

#include <sys/types.h>

#include "token.h"

#define TOK_READ_MAX	8192	/* the longest token file read */

/* A claim this process holds. */
struct tokheld {
	char		 task[TOK_TASK_MAX];
	int		 fd;		/* open on the claim: renewals */
	char		 nonce[TOK_BOOT_MAX];	/* tells it from any other */
	off_t		 renew_off;	/* where the "renewed" line is */
	unsigned	 count;
	int		 attempt;
	double		 renewed;	/* monotonic */
};

struct tokdir {
	char		*dir;
	char		*record;	/* this host's memory of the marker */
	char		 node[TOK_NODE_MAX];
	char		 boot[TOK_BOOT_MAX];
	char		 mark[TOK_BOOT_MAX];	/* the marker's id, once seen */
	int		 lease;
	int		 max_attempts;
	int		 daemon;
	int		 attached;	/* a worker's: no marker or node file */
	int		 ready;
	int		 probefd;
	char		*probe;
	double		 probed;	/* monotonic time of the last probe */
	double		 offset;	/* file system clock - CLOCK_REALTIME */
	double		 noded;		/* node file last written */
	int		 fd;		/* inotify, or -1 */
	const char	*fstype;	/* remote file system, or NULL */
	struct tokheld	*held;
	size_t		 nheld;
	unsigned	 rnd;
};

/* The floor under the claims and the directory (token_fs.c). */
double	 tok_clock(int);
char	*tok_name(const struct tokdir *, const char *, const char *);
int	 tok_tmpfile(struct tokdir *, const char *, const char *, size_t,
	    char **, int *, char **);
int	 tok_mine(const char *, const char *, char *, size_t);
int	 tok_write_marker(struct tokdir *, const char *,
	    const struct tok_file *, int, char **);
void	 tok_forget(struct tokdir *, int);

#endif
