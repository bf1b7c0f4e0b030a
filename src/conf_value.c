/*
 * Values of settings, driven by the table: check a setting read by
 * libconfig against its entry and store it, report errors as lines
 * "FILE:LINE: KEY: REASON" added to those found before, and set, free and
 * copy the values of a scope.
 */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_local.h"
#include "log.h"
#include "xmalloc.h"

static void *
conf_ptr(const struct conf_entry *ce, void *base)
{
	return (char *)base + ce->offset;
}

static size_t *
conf_count(const struct conf_entry *ce, void *base)
{
	return (size_t *)((char *)base + ce->count_offset);
}

static int
conf_is_string(const struct conf_entry *ce)
{
	return ce->type == CONF_STRING || ce->type == CONF_CHOICE;
}

/* Index of s in a NULL-terminated list, or -1. */
static int
conf_choice(const char *const *choices, const char *s)
{
	int	i;

	for (i = 0; choices[i] != NULL; i++) {
		if (strcmp(choices[i], s) == 0)
			return i;
	}
	return -1;
}

/*
 * Print a double so that it reads back as the same double and as a libconfig
 * float (with a decimal point or an exponent).
 */
void
conf_fmt_float(char *buf, size_t len, double d)
{
	double	a = d < 0 ? -d : d;
	int	prec;

	if (a == 0 || (a >= 1e-4 && a < 1e15)) {
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, len, "%.*f", prec, d);
			if (strtod(buf, NULL) == d)
				return;
		}
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (strpbrk(buf, ".eEni") == NULL)
		snprintf(buf + strlen(buf), len - strlen(buf), ".0");
}

/*
 * The key of a setting, its path from the top in libconfig's notation:
 * names joined by ".", an element of a list or array as "[N]" (from 0), as
 * in "profiles.film.bpp" or "directories.[1].path".
 */
static char *
conf_key(const config_setting_t *s)
{
	const char	*name;
	char		*key = NULL, *part, *tmp;

	for (; !config_setting_is_root(s); s = config_setting_parent(s)) {
		if ((name = config_setting_name(s)) != NULL)
			part = xstrdup(name);
		else
			xasprintf(&part, "[%d]", config_setting_index(s));
		if (key == NULL)
			key = part;
		else {
			xasprintf(&tmp, "%s.%s", part, key);
			free(part);
			free(key);
			key = tmp;
		}
	}
	return key != NULL ? key : xstrdup("");
}

/*
 * The file a setting was read from; for text read from memory, the name
 * hooked to its root setting, or "(built-in)".
 */
static const char *
conf_file(const config_setting_t *s)
{
	const char	*file;

	if ((file = config_setting_source_file(s)) != NULL)
		return file;
	while (!config_setting_is_root(s))
		s = config_setting_parent(s);
	if ((file = config_setting_get_hook(s)) != NULL)
		return file;
	return "(built-in)";
}

/* The number of lines in errors, NULL for none. */
static size_t
conf_nerrors(const char *errors)
{
	size_t	n;

	if (errors == NULL)
		return 0;
	for (n = 1; (errors = strchr(errors, '\n')) != NULL; errors++)
		n++;
	return n;
}

/*
 * Append line (which is freed) to the errors in *cause, NULL for none, one
 * a line.  After CONF_MAX_ERRORS of them, the next is replaced by "FILE: too
 * many errors" and the rest dropped.
 */
void
conf_add_error(char **cause, const char *file, char *line)
{
	size_t	 n = conf_nerrors(*cause);
	char	*tmp;

	if (n > CONF_MAX_ERRORS) {
		free(line);
		return;
	}
	if (n == CONF_MAX_ERRORS) {
		free(line);
		xasprintf(&line, "%s: too many errors", file);
	}
	if (*cause == NULL) {
		*cause = line;
		return;
	}
	xasprintf(&tmp, "%s\n%s", *cause, line);
	free(*cause);
	free(line);
	*cause = tmp;
}

/*
 * Append "FILE:LINE: KEY: REASON" for setting s to the errors in *cause
 * (see conf_add_error); FILE of "too many errors" is the file being read.
 */
void
conf_error(char **cause, const config_setting_t *s, const char *fmt, ...)
{
	const config_setting_t	*root = s;
	va_list			 ap;
	char			*reason, *key, *line;

	if (conf_nerrors(*cause) > CONF_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	key = conf_key(s);
	xasprintf(&line, "%s:%u: %s: %s", conf_file(s),
	    config_setting_source_line(s), key, reason);
	free(key);
	free(reason);
	while (!config_setting_is_root(root))
		root = config_setting_parent(root);
	conf_add_error(cause, conf_file(root), line);
}

/* The type of a libconfig setting, for messages. */
const char *
conf_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "nothing";
}

/* What a table entry wants, for messages. */
static const char *
conf_expected(const struct conf_entry *ce)
{
	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
	case CONF_ENUM:
	case CONF_INHERIT:
		return "a string";
	case CONF_INT:
		return "an integer";
	case CONF_FLOAT:
		return "a number";
	case CONF_BOOL:
		return "a boolean";
	case CONF_INTARRAY:
		return "an array of integers";
	case CONF_STRARRAY:
		return "an array of strings";
	case CONF_LIST:
		return "a list of groups";
	}
	return "nothing";
}

/* Whether a libconfig type is acceptable for a table entry. */
static int
conf_type_ok(const struct conf_entry *ce, int type)
{
	int	integer;

	integer = type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
	case CONF_ENUM:
	case CONF_INHERIT:
		return type == CONFIG_TYPE_STRING;
	case CONF_INT:
		return integer;
	case CONF_FLOAT:
		return integer || type == CONFIG_TYPE_FLOAT;
	case CONF_BOOL:
		return type == CONFIG_TYPE_BOOL;
	case CONF_INTARRAY:
	case CONF_STRARRAY:
		return type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST;
	case CONF_LIST:
		/* An empty [ ] is an array. */
		return type == CONFIG_TYPE_LIST || type == CONFIG_TYPE_ARRAY;
	}
	return 0;
}

/* "a, b, c" from a NULL-terminated list; "" is shown quoted. */
static char *
conf_choices_list(const char *const *choices)
{
	char		*list = NULL, *tmp;
	const char	*c;
	size_t		 i;

	for (i = 0; choices[i] != NULL; i++) {
		c = *choices[i] == '\0' ? "\"\"" : choices[i];
		if (list == NULL)
			list = xstrdup(c);
		else {
			xasprintf(&tmp, "%s, %s", list, c);
			free(list);
			list = tmp;
		}
	}
	return list;
}

/* "0, 8, 10" from a list of integers. */
static char *
conf_values_list(const int *values, size_t nvalues)
{
	char	*list, *tmp;
	size_t	 i;

	xasprintf(&list, "%d", values[0]);
	for (i = 1; i < nvalues; i++) {
		xasprintf(&tmp, "%s, %d", list, values[i]);
		free(list);
		list = tmp;
	}
	return list;
}

/* Check an integer against an entry's allowed values, range and parity. */
static int
conf_check_int(const struct conf_entry *ce, long long v, char **reason)
{
	char	*list;
	size_t	 i;

	if (ce->values != NULL) {
		for (i = 0; i < ce->nvalues; i++) {
			if (v == ce->values[i])
				return 0;
		}
		list = conf_values_list(ce->values, ce->nvalues);
		xasprintf(reason, "%lld is not one of %s", v, list);
		free(list);
		return -1;
	}
	if ((ce->flags & CONF_ZERO) && v == 0)
		return 0;
	if (v < ce->minimum || v > ce->maximum) {
		xasprintf(reason, "%lld is out of range (%s%lld..%lld)", v,
		    (ce->flags & CONF_ZERO) ? "0 or " : "",
		    (long long)ce->minimum, (long long)ce->maximum);
		return -1;
	}
	if ((ce->flags & CONF_EVEN) && v % 2 != 0) {
		xasprintf(reason, "%lld is not even", v);
		return -1;
	}
	return 0;
}

/* Check a float against an entry's range. */
static int
conf_check_float(const struct conf_entry *ce, double d, char **reason)
{
	char	v[64], lo[64], hi[64];

	if (d >= ce->minimum && d <= ce->maximum)
		return 0;
	conf_fmt_float(v, sizeof(v), d);
	conf_fmt_float(lo, sizeof(lo), ce->minimum);
	conf_fmt_float(hi, sizeof(hi), ce->maximum);
	xasprintf(reason, "%s is out of range (%s..%s)", v, lo, hi);
	return -1;
}

/* Check a string for an entry and store it if base is not NULL. */
static int
conf_set_string(const struct conf_entry *ce, const char *s, void *base,
    char **reason)
{
	char	*list, *copy, **sp;
	int	 idx = -1;

	if (ce->choices != NULL && (idx = conf_choice(ce->choices, s)) < 0) {
		list = conf_choices_list(ce->choices);
		xasprintf(reason, "\"%s\" is not one of %s", s, list);
		free(list);
		return -1;
	}
	copy = xstrdup(s);
	if (ce->check != NULL && ce->check(copy, reason) != 0) {
		free(copy);
		return -1;
	}
	if (base == NULL || ce->type == CONF_INHERIT)
		free(copy);
	else if (ce->type == CONF_ENUM) {
		*(int *)conf_ptr(ce, base) = idx;
		free(copy);
	} else {
		sp = conf_ptr(ce, base);
		free(*sp);
		*sp = copy;
	}
	return 0;
}

/* Check an array of integers and store it if base is not NULL. */
static int
conf_set_array(const struct conf_entry *ce, const config_setting_t *s,
    void *base, char **reason)
{
	const config_setting_t	*e;
	int			*array;
	long long		 v;
	size_t			 i, n = config_setting_length(s);

	if (n != ce->count) {
		xasprintf(reason, "expected %zu integers, got %zu", ce->count,
		    n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) {
			xasprintf(reason, "expected %zu integers, got %s",
			    ce->count, conf_type_name(config_setting_type(e)));
			return -1;
		}
		v = config_setting_get_int64(e);
		if (conf_check_int(ce, v, reason) != 0)
			return -1;
	}
	if (base != NULL) {
		array = conf_ptr(ce, base);
		for (i = 0; i < n; i++)
			array[i] = config_setting_get_int_elem(s, i);
	}
	return 0;
}

/*
 * Check a scalar setting or an array of integers against entry ce and, if
 * base is not NULL, store it there.  On error return -1 with *reason set.
 */
static int
conf_set(const struct conf_entry *ce, const config_setting_t *s, void *base,
    char **reason)
{
	long long	v;
	double		d;

	switch (ce->type) {
	case CONF_INT:
		v = config_setting_get_int64(s);
		if (conf_check_int(ce, v, reason) != 0)
			return -1;
		if (base != NULL)
			*(int *)conf_ptr(ce, base) = (int)v;
		return 0;
	case CONF_FLOAT:
		if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else
			d = (double)config_setting_get_int64(s);
		if (conf_check_float(ce, d, reason) != 0)
			return -1;
		if (base != NULL)
			*(double *)conf_ptr(ce, base) = d;
		return 0;
	case CONF_BOOL:
		if (base != NULL)
			*(int *)conf_ptr(ce, base) = config_setting_get_bool(s);
		return 0;
	case CONF_INTARRAY:
		return conf_set_array(ce, s, base, reason);
	default:
		return conf_set_string(ce, config_setting_get_string(s), base,
		    reason);
	}
}

/* Free a NULL-terminated array of strings. */
static void
conf_free_strarray(char **array)
{
	size_t	i;

	if (array == NULL)
		return;
	for (i = 0; array[i] != NULL; i++)
		free(array[i]);
	free(array);
}

/* Check a string of an array with the entry's check, if it has one. */
static int
conf_check_elem(const struct conf_entry *ce, const config_setting_t *e,
    char **cause)
{
	char	*copy, *reason;
	int	 rv = 0;

	if (ce->check == NULL)
		return 0;
	copy = xstrdup(config_setting_get_string(e));
	if (ce->check(copy, &reason) != 0) {
		conf_error(cause, e, "%s", reason);
		free(reason);
		rv = -1;
	}
	free(copy);
	return rv;
}

/*
 * Check an array of strings (for CONF_COMMAND, a program given by its
 * absolute path and its arguments) and store it if base is not NULL.
 */
static int
conf_set_strarray(const struct conf_entry *ce, const config_setting_t *s,
    void *base, char **cause)
{
	const config_setting_t	*e;
	char			**array = NULL, ***ap;
	const char		 *program;
	size_t			  i, n = config_setting_length(s);

	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_error(cause, e, "expected a string, got %s",
			    conf_type_name(config_setting_type(e)));
			return -1;
		}
		if (conf_check_elem(ce, e, cause) != 0)
			return -1;
	}
	if ((ce->flags & CONF_COMMAND) && n > 0 &&
	    *(program = config_setting_get_string_elem(s, 0)) != '/') {
		conf_error(cause, config_setting_get_elem(s, 0),
		    "program \"%s\" is not an absolute path (commands are run "
		    "without a shell or a PATH search)", program);
		return -1;
	}
	if (base == NULL)
		return 0;
	if (n > 0) {
		array = xcalloc(n + 1, sizeof(*array));
		for (i = 0; i < n; i++) {
			array[i] = xstrdup(config_setting_get_string_elem(s,
			    i));
		}
	}
	ap = conf_ptr(ce, base);
	conf_free_strarray(*ap);
	*ap = array;
	*conf_count(ce, base) = n;
	return 0;
}

/*
 * Check that a list element has every required setting; only the first
 * missing one is reported, as they would all be reported at the element.
 */
static int
conf_check_required(enum conf_scope scope, const config_setting_t *group,
    char **cause)
{
	const struct conf_entry	*ce;
	size_t			 i;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != scope || !(ce->flags & CONF_REQUIRED))
			continue;
		if (config_setting_get_member(group, ce->name) == NULL) {
			conf_error(cause, group, "missing setting \"%s\"",
			    ce->name);
			return -1;
		}
	}
	return 0;
}

/* The member of group called name, or the group if it has none. */
static const config_setting_t *
conf_member_or_group(const config_setting_t *group, const char *name)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(group, name)) != NULL)
		return s;
	return group;
}

/*
 * Check that element n of a list read into elems has no CONF_UNIQUE string
 * equal to that of an earlier element without errors (ok[j]).
 */
static int
conf_check_unique(const struct conf_entry *list, const config_setting_t *s,
    char *elems, const unsigned char *ok, size_t n, char **cause)
{
	const struct conf_entry	*ce;
	const char		*v, *w;
	char			*key;
	size_t			 i, j, size = list->elem_size;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != list->elem_scope ||
		    !(ce->flags & CONF_UNIQUE) || !conf_is_string(ce))
			continue;
		v = *(char **)conf_ptr(ce, elems + n * size);
		for (j = 0; j < n; j++) {
			w = *(char **)conf_ptr(ce, elems + j * size);
			if (!ok[j] || strcmp(v, w) != 0)
				continue;
			key = conf_key(conf_member_or_group(
			    config_setting_get_elem(s, j), ce->name));
			conf_error(cause, conf_member_or_group(
			    config_setting_get_elem(s, n), ce->name),
			    "\"%s\" is already listed as %s", v, key);
			free(key);
			return -1;
		}
	}
	return 0;
}

/* Free the n elements of a list and their array. */
static void
conf_free_elems(const struct conf_entry *list, char *elems, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		conf_free_values(list->elem_scope, elems + i * list->elem_size);
	free(elems);
}

/*
 * Check element i of list s, read over the defaults into elems: its required
 * settings, each of its settings, and, if those have no error, that it is
 * unique.  Set ok[i] if it has no error.
 */
static int
conf_set_elem(const struct conf_entry *ce, const config_setting_t *s,
    char *elems, unsigned char *ok, size_t i, char **cause)
{
	const config_setting_t	*e = config_setting_get_elem(s, i);
	char			*elem = elems + i * ce->elem_size;
	int			 error = 0;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		conf_error(cause, e, "expected a group, got %s",
		    conf_type_name(config_setting_type(e)));
		return -1;
	}
	conf_set_defaults(ce->elem_scope, elem);
	if (conf_check_required(ce->elem_scope, e, cause) != 0)
		error = -1;
	if (conf_apply_group(e, ce->elem_scope, elem, cause) != 0)
		error = -1;
	if (error == 0 &&
	    conf_check_unique(ce, s, elems, ok, i, cause) != 0)
		error = -1;
	ok[i] = error == 0;
	return error;
}

/*
 * Check a list of groups, each read over the defaults into a struct of the
 * entry's element scope, and store it if base is not NULL.  Every element
 * is checked, whatever errors the earlier ones have.
 */
static int
conf_set_list(const struct conf_entry *ce, const config_setting_t *s,
    void *base, char **cause)
{
	char		*elems = NULL, **ep;
	unsigned char	*ok = NULL;
	size_t		 i, n = config_setting_length(s);
	int		 error = 0;

	if (n > 0) {
		elems = xcalloc(n, ce->elem_size);
		ok = xcalloc(n, sizeof(*ok));
	}
	for (i = 0; i < n; i++) {
		if (conf_set_elem(ce, s, elems, ok, i, cause) != 0)
			error = -1;
	}
	free(ok);
	if (error != 0 || base == NULL) {
		/* Elements not groups are zero, which frees as nothing. */
		conf_free_elems(ce, elems, n);
		return error;
	}
	ep = conf_ptr(ce, base);
	conf_free_elems(ce, *ep, *conf_count(ce, base));
	*ep = elems;
	*conf_count(ce, base) = n;
	return 0;
}

/* The entry for a setting found in a group of scope where, or NULL. */
static const struct conf_entry *
conf_lookup(enum conf_scope where, const char *name)
{
	const struct conf_entry	*ce;

	if ((ce = conf_find(where, name)) == NULL && where == CONF_SIDECAR)
		ce = conf_find(CONF_PROFILE, name);
	return ce;
}

/* Report a setting that has no entry in scope where. */
static void
conf_unknown(const config_setting_t *s, enum conf_scope where, char **cause)
{
	const char	*name = config_setting_name(s);

	if (where == CONF_GLOBAL && conf_find(CONF_PROFILE, name) != NULL)
		conf_error(cause, s, "profile setting, belongs in a profile "
		    "(profiles.NAME.%s)", name);
	else if (where == CONF_PROFILE && conf_find(CONF_GLOBAL, name) != NULL)
		conf_error(cause, s, "global setting, not allowed in a "
		    "profile");
	else if (where == CONF_SIDECAR && conf_find(CONF_GLOBAL, name) != NULL)
		conf_error(cause, s, "global setting, not allowed in a "
		    "sidecar");
	else
		conf_error(cause, s, "unknown setting");
}

/*
 * Apply one setting found in a group of scope where (the top level, a
 * profile, a list element, a sidecar): look it up in the table, check it,
 * and store it if base is not NULL.  A setting gives at most one error, the
 * first found in it, except a list of groups, whose elements are each
 * checked like groups of settings.
 */
int
conf_apply(const config_setting_t *s, enum conf_scope where, void *base,
    char **cause)
{
	const struct conf_entry	*ce;
	char			*reason;
	int			 type = config_setting_type(s);

	if ((ce = conf_lookup(where, config_setting_name(s))) == NULL) {
		conf_unknown(s, where, cause);
		return -1;
	}
	if (where == CONF_SIDECAR && (ce->flags & CONF_NOSIDECAR)) {
		conf_error(cause, s, "not allowed in a sidecar (the profile "
		    "to start from is set with profile = \"NAME\")");
		return -1;
	}
	if (!conf_type_ok(ce, type)) {
		conf_error(cause, s, "expected %s, got %s", conf_expected(ce),
		    conf_type_name(type));
		return -1;
	}
	if (ce->type == CONF_LIST)
		return conf_set_list(ce, s, base, cause);
	if (ce->type == CONF_STRARRAY)
		return conf_set_strarray(ce, s, base, cause);
	if (conf_set(ce, s, base, &reason) != 0) {
		conf_error(cause, s, "%s", reason);
		free(reason);
		return -1;
	}
	return 0;
}

/*
 * Apply every member of a group of scope where, going on after an error;
 * return -1 if any had one.
 */
int
conf_apply_group(const config_setting_t *group, enum conf_scope where,
    void *base, char **cause)
{
	int	i, n = config_setting_length(group), error = 0;

	for (i = 0; i < n; i++) {
		if (conf_apply(config_setting_get_elem(group, i), where, base,
		    cause) != 0)
			error = -1;
	}
	return error;
}

/* Store the defaults of every entry of a scope. */
void
conf_set_defaults(enum conf_scope scope, void *base)
{
	const struct conf_entry	*ce;
	int			*array;
	size_t			 i, j;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != scope)
			continue;
		switch (ce->type) {
		case CONF_STRING:
		case CONF_CHOICE:
			*(char **)conf_ptr(ce, base) = xstrdup(ce->default_str);
			break;
		case CONF_ENUM:
			*(int *)conf_ptr(ce, base) = conf_choice(ce->choices,
			    ce->default_str);
			break;
		case CONF_INT:
		case CONF_BOOL:
			*(int *)conf_ptr(ce, base) = (int)ce->default_num;
			break;
		case CONF_FLOAT:
			*(double *)conf_ptr(ce, base) = ce->default_num;
			break;
		case CONF_INTARRAY:
			array = conf_ptr(ce, base);
			for (j = 0; j < ce->count; j++)
				array[j] = (int)ce->default_num;
			break;
		case CONF_STRARRAY:
		case CONF_LIST:
			*(void **)conf_ptr(ce, base) = NULL;
			*conf_count(ce, base) = 0;
			break;
		case CONF_INHERIT:
			break;
		}
	}
}

/* Free the strings, arrays and lists of every entry of a scope. */
void
conf_free_values(enum conf_scope scope, void *base)
{
	const struct conf_entry	*ce;
	size_t			 i;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != scope)
			continue;
		if (conf_is_string(ce))
			free(*(char **)conf_ptr(ce, base));
		else if (ce->type == CONF_STRARRAY)
			conf_free_strarray(*(char ***)conf_ptr(ce, base));
		else if (ce->type == CONF_LIST) {
			conf_free_elems(ce, *(char **)conf_ptr(ce, base),
			    *conf_count(ce, base));
		}
	}
}

/* A copy of a NULL-terminated array of strings. */
static char **
conf_dup_strarray(char *const *array, size_t n)
{
	char	**copy;
	size_t	  i;

	if (array == NULL)
		return NULL;
	copy = xcalloc(n + 1, sizeof(*copy));
	for (i = 0; i < n; i++)
		copy[i] = xstrdup(array[i]);
	return copy;
}

/*
 * Replace the strings, arrays and lists of a scope's entries in base (a
 * byte copy of another struct) by copies of their own.
 */
void
conf_dup_values(enum conf_scope scope, void *base)
{
	const struct conf_entry	*ce;
	char			**sp, *elems;
	size_t			  i, j, n;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != scope)
			continue;
		sp = conf_ptr(ce, base);
		if (conf_is_string(ce))
			*sp = xstrdup(*sp);
		else if (ce->type == CONF_STRARRAY) {
			*(char ***)sp = conf_dup_strarray(*(char ***)sp,
			    *conf_count(ce, base));
		} else if (ce->type == CONF_LIST && *sp != NULL) {
			n = *conf_count(ce, base);
			elems = xcalloc(n, ce->elem_size);
			memcpy(elems, *sp, n * ce->elem_size);
			for (j = 0; j < n; j++)
				conf_dup_values(ce->elem_scope,
				    elems + j * ce->elem_size);
			*sp = elems;
		}
	}
}
