/*
 * Inside the configuration module: the table of settings (conf_table.c),
 * reading and checking values against it (conf_value.c), loading
 * (conf.c), dumping (conf_dump.c) and sidecar files (conf_sidecar.c).
 */
#ifndef CONF_LOCAL_H
#define CONF_LOCAL_H

#include <libconfig.h>
#include <stddef.h>

#include "conf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define CONF_MAX_ERRORS	50	/* reported in one cause, then "too many" */

/* Where a setting may appear, and the struct it is stored in. */
enum conf_scope {
	CONF_GLOBAL,		/* top level; member of struct config */
	CONF_PROFILE,		/* a profile or a sidecar; struct profile */
	CONF_DIR,		/* an element of directories; struct conf_dir */
	CONF_SLURM,		/* the group slurm; struct config */
	CONF_RULE,		/* an element of rules; struct conf_rule */
	CONF_SIDECAR		/* a sidecar only; not stored */
};

enum conf_type {
	CONF_STRING,		/* char *, any text */
	CONF_CHOICE,		/* char *, one of choices */
	CONF_ENUM,		/* int, index into choices */
	CONF_INT,		/* int */
	CONF_FLOAT,		/* double; an integer literal is accepted */
	CONF_BOOL,		/* int, 0 or 1 */
	CONF_INTARRAY,		/* int[count] */
	CONF_STRARRAY,		/* char **, NULL-terminated, and a size_t */
	CONF_LIST,		/* list of groups: an array of elem_size */
				/* structs of elem_scope, and a size_t */
	CONF_INHERIT		/* profile to start from; not stored */
};

#define CONF_EVEN	0x01	/* integers must be even */
#define CONF_ZERO	0x02	/* 0 is allowed besides minimum..maximum */
#define CONF_REQUIRED	0x04	/* must be set in each list element */
#define CONF_UNIQUE	0x08	/* differs between the list's elements */
#define CONF_COMMAND	0x10	/* string array: first is an absolute path */
#define CONF_NOSIDECAR	0x20	/* profile setting not allowed in a sidecar */

struct conf_entry {
	const char		 *name;
	enum conf_scope		  scope;
	enum conf_type		  type;
	int			  flags;

	const char *const	 *choices;	/* CONF_CHOICE, CONF_ENUM */
	const int		 *values;	/* CONF_INT: allowed values */
	size_t			  nvalues;
	double			  minimum;	/* CONF_INT, CONF_FLOAT */
	double			  maximum;
	size_t			  count;	/* CONF_INTARRAY */
	enum conf_scope		  elem_scope;	/* CONF_LIST */
	size_t			  elem_size;
	/* Check a string; it may shorten it in place to normalise it. */
	int			(*check)(char *, char **);

	const char		 *default_str;	/* string types */
	double			  default_num;	/* numbers, bools, arrays */

	size_t			  offset;
	size_t			  count_offset;	/* CONF_STRARRAY, CONF_LIST */
};

/* A built-in profile: its settings in libconfig syntax. */
struct conf_builtin {
	const char	*name;
	const char	*settings;
};

/* conf_table.c */
extern const struct conf_entry	 conf_table[];
extern const size_t		 conf_ntable;
extern const struct conf_builtin conf_builtins[];
extern const size_t		 conf_nbuiltins;
const struct conf_entry	*conf_find(enum conf_scope, const char *);

/* conf_value.c */
void		 conf_fmt_float(char *, size_t, double);
void		 conf_add_error(char **, const char *, char *);
void		 conf_error(char **, const config_setting_t *, const char *,
		     ...) __attribute__((format(printf, 3, 4)));
const char	*conf_type_name(int);
int		 conf_apply(const config_setting_t *, enum conf_scope, void *,
		     char **);
int		 conf_apply_group(const config_setting_t *, enum conf_scope,
		     void *, char **);
void		 conf_set_defaults(enum conf_scope, void *);
void		 conf_free_values(enum conf_scope, void *);
void		 conf_dup_values(enum conf_scope, void *);

/* conf_params.c */
int		 conf_params_allowed(const char *, const char *, char **);

#endif
