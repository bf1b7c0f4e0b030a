/*
 * Prometheus text exposition (see metrics.h).  The names and units are
 * the caller's; this file keeps the format: one HELP and one TYPE line a
 * family, label values escaped, numbers as Prometheus reads them.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

/* Start an exposition in memory. */
void
metrics_open(struct metrics *m)
{
	m->text = NULL;
	m->len = 0;
	if ((m->fp = open_memstream(&m->text, &m->len)) == NULL)
		fatal("open_memstream");
}

/* A family: its name, type (counter, gauge) and help text. */
void
metrics_family(struct metrics *m, const char *name, const char *type,
    const char *help)
{
	fprintf(m->fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* A label value with \, " and newlines escaped. */
static void
metrics_label(FILE *fp, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(fp, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", fp);
		else
			fputc(*v, fp);
	}
}

/* A sample of the family name; label may be NULL (then no labels). */
void
metrics_sample(struct metrics *m, const char *name, const char *label,
    const char *value, double v)
{
	fputs(name, m->fp);
	if (label != NULL) {
		fprintf(m->fp, "{%s=\"", label);
		metrics_label(m->fp, value);
		fputs("\"}", m->fp);
	}
	if (isnan(v))
		fputs(" NaN\n", m->fp);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(m->fp, " %.0f\n", v);
	else
		fprintf(m->fp, " %.6g\n", v);
}

/* End the exposition and replace path with it (atomically). */
int
metrics_write(struct metrics *m, const char *path, char **cause)
{
	int	rv;

	if (fclose(m->fp) != 0)
		fatal("open_memstream");
	m->fp = NULL;
	rv = fs_write_atomic(path, m->text, m->len, cause);
	free(m->text);
	m->text = NULL;
	return rv;
}
