/*
 * The token directory: how hosts that share nothing but a directory (NFS,
 * SMB, sshfs) agree on who encodes what.  The protocol is described in
 * full at the top of token.c.  Its files, each using only those before
 * it: token_file.c (token files' text), token_fs.c (the file system's
 * clock, files read and written, the claims held), token_dir.c (the
 * directory: marker, node file, sweep) and token.c (claims and markers).
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "node.h"

#define TOK_MARKER	".distenc-tokens"
#define TOK_NODE_MAX	NODE_MAX
#define TOK_BOOT_MAX	40
#define TOK_TEXT_MAX	1024
#define TOK_TASK_MAX	256
#define TOK_RETRY_MAX	86400	/* the longest wait before a retry, s */
#define TOK_LEASE_MAX	86400	/* the longest lease a file may state, s */
#define TOK_ATTEMPT_MAX	100	/* the most attempts (max_attempts) */
#define TOK_NS		INT64_C(1000000000)	/* nanoseconds in a second */
#define TOK_TIME_MAX	INT64_C(100000000000)	/* the latest time in a file, s */

enum tok_kind {
	TOK_CLAIM,
	TOK_DONE,
	TOK_FAILED,
	TOK_MARK,
	TOK_NODE,
	TOK_KINDS
};

/* A token file's contents, parsed. */
struct tok_file {
	enum tok_kind	 kind;
	char		 node[TOK_NODE_MAX];
	char		 boot[TOK_BOOT_MAX];
	char		 id[TOK_BOOT_MAX];	/* marker */
	char		 nonce[TOK_BOOT_MAX];	/* claim: which one it is */
	long		 pid;
	int64_t		 start;		/* the writer's clock: for people */
	int		 lease;		/* seconds */
	int		 attempt;
	int		 transient;
	int		 daemon;
	int64_t		 retry_at;	/* file system clock */
	char		 text[TOK_TEXT_MAX];	/* source, output or reason */
	char		 summary[TOK_TEXT_MAX];
};

/* What a claim found. */
enum tok_result {
	TOK_ERROR = -1,
	TOK_CLAIMED,		/* ours now */
	TOK_HELD,		/* another live holder */
	TOK_ISDONE,		/* done (by anyone) */
	TOK_ISFAILED,		/* failed for good */
	TOK_WAIT,		/* failed, to be retried later */
	TOK_BROKEN		/* its markers cannot be read: the task's
				 * error for now (a cause), not the
				 * directory's */
};

struct tok_seen {
	struct tok_file	 f;		/* the claim or marker found */
	int		 attempt;	/* TOK_CLAIMED: this attempt */
	double		 until;		/* HELD, WAIT: when to look again,
					 * seconds of the monotonic clock */
};

struct tokdir;

/* Pure parts (token_file.c). */
struct stat;
int	 tok_parse(const char *, size_t, struct tok_file *, char **);
size_t	 tok_format(const struct tok_file *, char *, size_t);
int64_t	 tok_ns(const struct timespec *);
int64_t	 tok_lease_left(int64_t, int64_t, int);
int64_t	 tok_retry_delay(int, int);

/* The file system's clock, token files, claims held (token_fs.c). */
int	 tok_now(struct tokdir *, int, int64_t *, char **);
double	 tok_mono(int64_t, const struct tokdir *);
int	 tok_readfile(const char *, struct tok_file *, struct stat *,
	    char **);
int	 tok_held(const struct tokdir *, const char *);
void	 tok_release(struct tokdir *, const char *);
void	 tok_release_all(struct tokdir *);

/* The directory (token_dir.c). */
int		 tok_boot_parse(const char *, char *, size_t);
struct tokdir	*tok_open(const char *, const char *, int, int, int,
		    const char *);
struct tokdir	*tok_attach(const char *, const char *, int, int);
void		 tok_close(struct tokdir *);
int		 tok_ready(struct tokdir *, char **);
int		 tok_fd(const struct tokdir *);
int		 tok_read_events(struct tokdir *);
const char	*tok_path(const struct tokdir *);
const char	*tok_node(const struct tokdir *);
void		 tok_sweep(struct tokdir *);
void		 tok_clear_failed(struct tokdir *, const char *);
void		 tok_unfail(struct tokdir *, const char *);
size_t		 tok_nheld(const struct tokdir *);
int		 tok_has_sub(const struct tokdir *, const char *, const char *);

/* Claims and markers (token.c). */
int	 tok_claim(struct tokdir *, const char *, const char *,
	    struct tok_seen *, char **);
int	 tok_peek(struct tokdir *, const char *, struct tok_seen *, char **);
int	 tok_orphaned(struct tokdir *, const char *);
double	 tok_renew_due(const struct tokdir *);
int	 tok_renew(struct tokdir *, void (*)(void *, const char *,
	    const char *), void *);
int	 tok_done(struct tokdir *, const char *, const char *, const char *,
	    char **);
int	 tok_fail(struct tokdir *, const char *, const char *, int, int,
	    char **);
int	 tok_publish(struct tokdir *, const char *, const char *, size_t,
	    char **);
void	 tok_undo(struct tokdir *, const char *);

/* Claims renewed in the background during one long step (token_keep.c). */
struct tok_keep;
struct tok_keep	*tok_keep_start(struct tokdir *, void (*)(void *,
		    const char *, const char *), void *);
void		 tok_keep_stop(struct tok_keep *);

#endif
