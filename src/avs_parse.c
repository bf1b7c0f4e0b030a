/*
 * The AviSynth script parser: statements (assignments, global ones,
 * return, expressions whose value becomes "last"), expressions with
 * AviSynth's precedence (?:, ||, &&, comparisons, + ++ -, * / %, unary,
 * method calls with "."), calls with positional and named arguments.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avs.h"
#include "xmalloc.h"

#define PARSE_MAX_DEPTH	200
/*
 * The tallest expression tree: evaluating and freeing one recurse once a
 * level.  A chain of operators or method calls (1+1+..., c.f().g()...) is
 * parsed in a loop but stacks one level a link.
 */
#define PARSE_MAX_HEIGHT	1000
#define STRINGIFY2(x)	#x
#define STRINGIFY(x)	STRINGIFY2(x)

struct parser {
	struct avs_token	*tok;
	int			 ntok;
	int			 maxtok;	/* room in tok */
	int			 pos;
	int			 depth;
	char			*cause;
};

static struct avs_node	*parse_expr(struct parser *);

static struct avs_token *
cur(struct parser *p)
{
	return &p->tok[p->pos];
}

static struct avs_token *
ahead(struct parser *p, int n)
{
	return &p->tok[p->pos + n < p->ntok ? p->pos + n : p->ntok - 1];
}

/* Record the first error, at a token. */
static struct avs_node *
parse_error(struct parser *p, const struct avs_token *t, const char *what)
{
	if (p->cause == NULL) {
		if (t->type == AVS_T_IDENT || t->type == AVS_T_STRING)
			xasprintf(&p->cause, "%d:%d: %s, found \"%s\"",
			    t->line, t->col, what, t->text);
		else
			xasprintf(&p->cause, "%d:%d: %s, found %s", t->line,
			    t->col, what, avs_tok_name(t->type));
	}
	return NULL;
}

static struct avs_node *
node_new(enum avs_kind kind, const struct avs_token *t)
{
	struct avs_node	*n;

	n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = t->line;
	n->col = t->col;
	n->height = 1;
	return n;
}

static void
node_add_arg(struct avs_node *n, struct avs_node *arg, const char *name)
{
	n->args = xreallocarray(n->args, n->nargs + 1, sizeof(*n->args));
	n->argnames = xreallocarray(n->argnames, n->nargs + 1,
	    sizeof(*n->argnames));
	n->args[n->nargs] = arg;
	n->argnames[n->nargs] = name != NULL ? xstrdup(name) : NULL;
	n->nargs++;
	if (arg != NULL && arg->height >= n->height)
		n->height = arg->height + 1;
}

/* Refuse a tree too tall to evaluate (and free) safely. */
static struct avs_node *
node_check(struct parser *p, struct avs_node *n, const struct avs_token *t)
{
	if (n->height <= PARSE_MAX_HEIGHT)
		return n;
	avs_node_free(n);
	return parse_error(p, t, "expression too long or nested too deeply "
	    "(over " STRINGIFY(PARSE_MAX_HEIGHT) " levels)");
}

void
avs_node_free(struct avs_node *n)
{
	struct avs_node	*next;
	int		 i;

	while (n != NULL) {
		next = n->next;
		for (i = 0; i < n->nargs; i++) {
			avs_node_free(n->args[i]);
			free(n->argnames[i]);
		}
		free(n->args);
		free(n->argnames);
		free(n->name);
		free(n);
		n = next;
	}
}

static int
accept(struct parser *p, enum avs_tok type)
{
	if (cur(p)->type != type)
		return 0;
	p->pos++;
	return 1;
}

/* Skip newlines inside parentheses, where AviSynth+ allows them. */
static void
skip_newlines(struct parser *p)
{
	while (cur(p)->type == AVS_T_NEWLINE)
		p->pos++;
}

/* Arguments after "(", up to and with ")", added to call. */
static int
parse_args(struct parser *p, struct avs_node *call)
{
	struct avs_node	*arg;
	const char	*name;

	skip_newlines(p);
	if (accept(p, AVS_T_RPAREN))
		return 0;
	for (;;) {
		skip_newlines(p);
		name = NULL;
		if (cur(p)->type == AVS_T_IDENT &&
		    ahead(p, 1)->type == AVS_T_ASSIGN) {
			name = cur(p)->text;
			p->pos += 2;
		}
		if ((arg = parse_expr(p)) == NULL)
			return -1;
		node_add_arg(call, arg, name);
		skip_newlines(p);
		if (accept(p, AVS_T_RPAREN))
			return 0;
		if (!accept(p, AVS_T_COMMA)) {
			parse_error(p, cur(p), "expected ',' or ')'");
			return -1;
		}
	}
}

/* A name: a variable, a boolean, or a call with or without ( ). */
static struct avs_node *
parse_name(struct parser *p)
{
	struct avs_token	*t = cur(p);
	struct avs_node		*n;

	p->pos++;
	if (strcasecmp(t->text, "true") == 0 ||
	    strcasecmp(t->text, "yes") == 0 ||
	    strcasecmp(t->text, "false") == 0 ||
	    strcasecmp(t->text, "no") == 0) {
		n = node_new(AVS_N_BOOL, t);
		n->num = strcasecmp(t->text, "true") == 0 ||
		    strcasecmp(t->text, "yes") == 0;
		return n;
	}
	n = node_new(AVS_N_NAME, t);
	n->name = xstrdup(t->text);
	if (accept(p, AVS_T_LPAREN)) {
		n->kind = AVS_N_CALL;
		if (parse_args(p, n) != 0) {
			avs_node_free(n);
			return NULL;
		}
	}
	return n;
}

static struct avs_node *
parse_primary(struct parser *p)
{
	struct avs_token	*t = cur(p);
	struct avs_node		*n;

	switch (t->type) {
	case AVS_T_INT:
	case AVS_T_FLOAT:
		n = node_new(t->type == AVS_T_INT ? AVS_N_INT : AVS_N_FLOAT, t);
		n->num = t->num;
		p->pos++;
		return n;
	case AVS_T_STRING:
		n = node_new(AVS_N_STRING, t);
		n->name = xstrdup(t->text);
		p->pos++;
		return n;
	case AVS_T_IDENT:
		return parse_name(p);
	case AVS_T_LPAREN:
		p->pos++;
		skip_newlines(p);
		if ((n = parse_expr(p)) == NULL)
			return NULL;
		skip_newlines(p);
		if (!accept(p, AVS_T_RPAREN)) {
			avs_node_free(n);
			return parse_error(p, cur(p), "expected ')'");
		}
		return n;
	default:
		return parse_error(p, t, "expected a value");
	}
}

/* A value and its method calls: v.f, v.f(args) are f(v, args). */
static struct avs_node *
parse_postfix(struct parser *p)
{
	struct avs_node	*n, *call;

	if ((n = parse_primary(p)) == NULL)
		return NULL;
	while (cur(p)->type == AVS_T_DOT) {
		p->pos++;
		if (cur(p)->type != AVS_T_IDENT) {
			avs_node_free(n);
			return parse_error(p, cur(p),
			    "expected a function name after '.'");
		}
		call = node_new(AVS_N_CALL, cur(p));
		call->name = xstrdup(cur(p)->text);
		p->pos++;
		node_add_arg(call, n, NULL);
		n = call;
		if (accept(p, AVS_T_LPAREN) && parse_args(p, call) != 0) {
			avs_node_free(n);
			return NULL;
		}
		if ((n = node_check(p, n, cur(p))) == NULL)
			return NULL;
	}
	return n;
}

static struct avs_node *
parse_unary(struct parser *p)
{
	struct avs_token	*t = cur(p);
	struct avs_node		*n, *arg;

	if (t->type != AVS_T_MINUS && t->type != AVS_T_NOT &&
	    t->type != AVS_T_PLUS)
		return parse_postfix(p);
	if (++p->depth > PARSE_MAX_DEPTH)
		return parse_error(p, t, "expression nested too deeply");
	p->pos++;
	arg = parse_unary(p);
	p->depth--;
	if (arg == NULL)
		return NULL;
	if (t->type == AVS_T_PLUS)
		return arg;
	n = node_new(AVS_N_UNARY, t);
	n->op = t->type;
	node_add_arg(n, arg, NULL);
	return n;
}

/* Binary operators by level, loosest first. */
static const enum avs_tok levels[][7] = {
	{ AVS_T_OR, AVS_T_EOF },
	{ AVS_T_AND, AVS_T_EOF },
	{ AVS_T_EQ, AVS_T_NE, AVS_T_LT, AVS_T_LE, AVS_T_GT, AVS_T_GE,
	    AVS_T_EOF },
	{ AVS_T_PLUS, AVS_T_PLUSPLUS, AVS_T_MINUS, AVS_T_EOF },
	{ AVS_T_STAR, AVS_T_SLASH, AVS_T_PERCENT, AVS_T_EOF },
};
#define NLEVELS	((int)(sizeof(levels) / sizeof(levels[0])))

static int
level_has(int level, enum avs_tok t)
{
	int	i;

	for (i = 0; levels[level][i] != AVS_T_EOF; i++)
		if (levels[level][i] == t)
			return 1;
	return 0;
}

static struct avs_node *
parse_binary(struct parser *p, int level)
{
	struct avs_node	*left, *right, *n;
	struct avs_token *t;

	if (level == NLEVELS)
		return parse_unary(p);
	if ((left = parse_binary(p, level + 1)) == NULL)
		return NULL;
	while (level_has(level, cur(p)->type)) {
		t = cur(p);
		p->pos++;
		if ((right = parse_binary(p, level + 1)) == NULL) {
			avs_node_free(left);
			return NULL;
		}
		n = node_new(AVS_N_BINARY, t);
		n->op = t->type;
		node_add_arg(n, left, NULL);
		node_add_arg(n, right, NULL);
		if ((left = node_check(p, n, t)) == NULL)
			return NULL;
	}
	return left;
}

static struct avs_node *
parse_expr(struct parser *p)
{
	struct avs_node	*cond, *a, *b, *n;
	struct avs_token *t;

	if (++p->depth > PARSE_MAX_DEPTH)
		return parse_error(p, cur(p), "expression nested too deeply");
	cond = parse_binary(p, 0);
	if (cond == NULL || cur(p)->type != AVS_T_QUESTION) {
		p->depth--;
		return cond;
	}
	t = cur(p);
	p->pos++;
	a = parse_expr(p);
	b = NULL;
	if (a != NULL && !accept(p, AVS_T_COLON))
		parse_error(p, cur(p), "expected ':'");
	else if (a != NULL)
		b = parse_expr(p);
	p->depth--;
	if (b == NULL) {
		avs_node_free(cond);
		avs_node_free(a);
		return NULL;
	}
	n = node_new(AVS_N_TERNARY, t);
	node_add_arg(n, cond, NULL);
	node_add_arg(n, a, NULL);
	node_add_arg(n, b, NULL);
	return n;
}

/* One statement, up to its end of line. */
static struct avs_node *
parse_statement(struct parser *p)
{
	struct avs_token	*t = cur(p);
	struct avs_node		*n, *e;
	int			 global = 0;

	if (t->type == AVS_T_IDENT && strcasecmp(t->text, "global") == 0 &&
	    ahead(p, 1)->type == AVS_T_IDENT) {
		global = 1;
		t = ahead(p, 1);
		p->pos++;
	}
	if (t->type == AVS_T_IDENT && ahead(p, 1)->type == AVS_T_ASSIGN) {
		p->pos += 2;
		if ((e = parse_expr(p)) == NULL)
			return NULL;
		n = node_new(AVS_N_ASSIGN, t);
		n->name = xstrdup(t->text);
		n->global = global;
		node_add_arg(n, e, NULL);
	} else if (global) {
		return parse_error(p, t, "expected '=' after global name");
	} else if (t->type == AVS_T_IDENT &&
	    strcasecmp(t->text, "return") == 0) {
		p->pos++;
		if ((e = parse_expr(p)) == NULL)
			return NULL;
		n = node_new(AVS_N_RETURN, t);
		node_add_arg(n, e, NULL);
	} else if ((n = parse_expr(p)) == NULL)
		return NULL;
	if (cur(p)->type != AVS_T_NEWLINE && cur(p)->type != AVS_T_EOF) {
		avs_node_free(n);
		return parse_error(p, cur(p), "expected the end of the line");
	}
	return n;
}

/* Tokenise the whole script. */
static int
parse_tokens(struct parser *p, const char *text, size_t len)
{
	struct avs_lexer	*lx;
	struct avs_token	 t;
	int			 rv = 0;

	lx = avs_lex_new(text, len);
	do {
		if (avs_lex_next(lx, &t, &p->cause) != 0) {
			rv = -1;
			break;
		}
		if (p->ntok == p->maxtok) {
			/* doubled: a long script is not copied a token at
			 * a time */
			p->maxtok = p->maxtok ? p->maxtok * 2 : 64;
			p->tok = xreallocarray(p->tok, p->maxtok,
			    sizeof(*p->tok));
		}
		p->tok[p->ntok++] = t;
	} while (t.type != AVS_T_EOF);
	avs_lex_free(lx);
	return rv;
}

/*
 * Parse a script into its list of statements.  Errors read
 * "FILE:LINE:COL: what".
 */
struct avs_node *
avs_parse(const char *text, size_t len, const char *file, char **cause)
{
	struct parser	 p;
	struct avs_node	*head = NULL, **tail = &head, *n;
	int		 i;

	memset(&p, 0, sizeof(p));
	if (parse_tokens(&p, text, len) == 0) {
		while (cur(&p)->type != AVS_T_EOF) {
			if (accept(&p, AVS_T_NEWLINE))
				continue;
			if ((n = parse_statement(&p)) == NULL)
				break;
			*tail = n;
			tail = &n->next;
		}
	}
	for (i = 0; i < p.ntok; i++)
		free(p.tok[i].text);
	free(p.tok);
	if (p.cause != NULL) {
		xasprintf(cause, "%s:%s", file, p.cause);
		free(p.cause);
		avs_node_free(head);
		return NULL;
	}
	return head;
}
