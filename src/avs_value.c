/*
 * Values of the built-in interpreter: an evaluation's first error, its
 * strings, parameter types, and arithmetic and comparisons on numbers and
 * booleans with AviSynth's integer rules.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

/* Fail with "FILE:LINE:COL: message" (the first error only). */
int
avs_error(struct avs_eval *ev, const struct avs_node *n, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ev->cause != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	if (n != NULL)
		xasprintf(&ev->cause, "%s:%d:%d: %s", ev->file, n->line,
		    n->col, msg);
	else
		xasprintf(&ev->cause, "%s: %s", ev->file, msg);
	free(msg);
	return -1;
}

/* A string value, kept until the evaluation ends. */
char *
avs_strdup(struct avs_eval *ev, const char *s)
{
	struct avs_str	*a;

	a = xcalloc(1, sizeof(*a));
	a->s = xstrdup(s);
	a->next = ev->strs;
	ev->strs = a;
	return a->s;
}

/* Whether a value has a parameter's type. */
int
avs_type_ok(char want, const struct avs_value *v)
{
	switch (want) {
	case 'c':
		return v->type == AVS_V_CLIP;
	case 'i':
		return v->type == AVS_V_INT;
	case 'f':
		return v->type == AVS_V_INT || v->type == AVS_V_FLOAT;
	case 's':
		return v->type == AVS_V_STRING;
	case 'b':
		return v->type == AVS_V_BOOL;
	default:
		return 1;
	}
}

const char *
avs_type_name(char t)
{
	switch (t) {
	case 'c':
		return "a clip";
	case 'i':
		return "an integer";
	case 'f':
		return "a number";
	case 's':
		return "a string";
	case 'b':
		return "a boolean";
	default:
		return "a value";
	}
}

static double
arith(enum avs_tok op, double a, double b)
{
	switch (op) {
	case AVS_T_PLUS:
		return a + b;
	case AVS_T_MINUS:
		return a - b;
	case AVS_T_STAR:
		return a * b;
	case AVS_T_SLASH:
		return a / b;
	case AVS_T_EQ:
		return a == b;
	case AVS_T_NE:
		return a != b;
	case AVS_T_LT:
		return a < b;
	case AVS_T_LE:
		return a <= b;
	case AVS_T_GT:
		return a > b;
	case AVS_T_GE:
		return a >= b;
	case AVS_T_AND:
		return a && b;
	case AVS_T_OR:
		return a || b;
	default:
		return 0;
	}
}

/* Numbers: integer arithmetic stays integer, as in AviSynth. */
int
avs_numbers(struct avs_eval *ev, const struct avs_node *n,
    const struct avs_value *a, const struct avs_value *b,
    struct avs_value *out)
{
	int	isint = a->type == AVS_V_INT && b->type == AVS_V_INT;

	if ((n->op == AVS_T_SLASH || n->op == AVS_T_PERCENT) && isint &&
	    b->num == 0)
		return avs_error(ev, n, "division by zero");
	if (n->op >= AVS_T_EQ) {
		out->type = AVS_V_BOOL;
		out->num = arith(n->op, a->num, b->num);
	} else if (isint) {
		out->type = AVS_V_INT;
		if (n->op == AVS_T_SLASH)
			out->num = (double)((long long)a->num /
			    (long long)b->num);
		else if (n->op == AVS_T_PERCENT)
			out->num = (double)((long long)a->num %
			    (long long)b->num);
		else
			out->num = arith(n->op, a->num, b->num);
		if (out->num > AVS_INT_MAX || out->num < -AVS_INT_MAX)
			return avs_error(ev, n, "integer too large");
	} else if (n->op == AVS_T_PERCENT)
		return avs_error(ev, n, "%% needs integers");
	else {
		out->type = AVS_V_FLOAT;
		out->num = arith(n->op, a->num, b->num);
	}
	return 0;
}
