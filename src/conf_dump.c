/*
 * Dumping the effective configuration in libconfig syntax, every setting of
 * the table written out, so that it reads back the same.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_local.h"

static void	conf_dump_scope(FILE *, enum conf_scope, const void *,
		    const char *, const char *);

/* Write a string as a quoted libconfig string. */
static void
conf_dump_string(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* Write a list of groups, one element a line: "( { ... }, { ... } )". */
static void
conf_dump_list(FILE *fp, const struct conf_entry *ce, const char *elems,
    size_t n, const char *indent)
{
	size_t	i;

	if (n == 0) {
		fputs("( )", fp);
		return;
	}
	fputs("(\n", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s\t{ ", indent);
		conf_dump_scope(fp, ce->elem_scope, elems + i * ce->elem_size,
		    "", " ");
		fprintf(fp, "}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(fp, "%s)", indent);
}

/* Write the value of one entry of the struct at base. */
static void
conf_dump_value(FILE *fp, const struct conf_entry *ce, const void *base,
    const char *indent)
{
	const void	*p = (const char *)base + ce->offset;
	const size_t	*np = (const void *)((const char *)base +
			    ce->count_offset);
	const int	*array;
	char *const	*strings;
	char		 buf[64];
	size_t		 i;

	switch (ce->type) {
	case CONF_STRING:
	case CONF_CHOICE:
		conf_dump_string(fp, *(char *const *)p);
		break;
	case CONF_ENUM:
		conf_dump_string(fp, ce->choices[*(const int *)p]);
		break;
	case CONF_INT:
		fprintf(fp, "%d", *(const int *)p);
		break;
	case CONF_FLOAT:
		conf_fmt_float(buf, sizeof(buf), *(const double *)p);
		fputs(buf, fp);
		break;
	case CONF_BOOL:
		fputs(*(const int *)p ? "true" : "false", fp);
		break;
	case CONF_INTARRAY:
		array = p;
		fputs("[ ", fp);
		for (i = 0; i < ce->count; i++)
			fprintf(fp, "%s%d", i == 0 ? "" : ", ", array[i]);
		fputs(" ]", fp);
		break;
	case CONF_STRARRAY:
		strings = *(char **const *)p;
		fputs("[ ", fp);
		for (i = 0; i < *np; i++) {
			fputs(i == 0 ? "" : ", ", fp);
			conf_dump_string(fp, strings[i]);
		}
		fputs(*np == 0 ? "]" : " ]", fp);
		break;
	case CONF_LIST:
		conf_dump_list(fp, ce, *(char *const *)p, *np, indent);
		break;
	case CONF_INHERIT:
		break;
	}
}

/*
 * Write every stored entry of a scope as "name = value;", each preceded by
 * indent and followed by end.
 */
static void
conf_dump_scope(FILE *fp, enum conf_scope scope, const void *base,
    const char *indent, const char *end)
{
	const struct conf_entry	*ce;
	size_t			 i;

	for (i = 0; i < conf_ntable; i++) {
		ce = &conf_table[i];
		if (ce->scope != scope || ce->type == CONF_INHERIT)
			continue;
		fprintf(fp, "%s%s = ", indent, ce->name);
		conf_dump_value(fp, ce, base, indent);
		fprintf(fp, ";%s", end);
	}
}

/*
 * Print the effective configuration in libconfig syntax: every global and
 * every profile with all its settings, so that it reads back the same.
 */
void
conf_dump(const struct config *conf, FILE *fp)
{
	size_t	i;

	if (conf->path != NULL && strchr(conf->path, '\n') == NULL)
		fprintf(fp, "# distenc configuration (%s)\n", conf->path);
	else
		fprintf(fp, "# distenc configuration\n");
	conf_dump_scope(fp, CONF_GLOBAL, conf, "", "\n");
	fputs("\nslurm = {\n", fp);
	conf_dump_scope(fp, CONF_SLURM, conf, "\t", "\n");
	fputs("};\n", fp);
	fputs("\nprofiles = {\n", fp);
	for (i = 0; i < conf->nprofiles; i++) {
		fprintf(fp, "%s\t%s = {\n", i == 0 ? "" : "\n",
		    conf->profiles[i].name);
		conf_dump_scope(fp, CONF_PROFILE, &conf->profiles[i], "\t\t",
		    "\n");
		fputs("\t};\n", fp);
	}
	fputs("};\n", fp);
}
