/*
 * The AviSynth script lexer: comments (#, slash-star, nestable [* *]),
 * line continuation with a backslash ending a line or starting the next,
 * numbers (decimal, float, $hex), strings ("..." and """..."""), names
 * and operators, each token with its line and column.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "avs.h"
#include "xmalloc.h"

struct avs_lexer {
	const char	*p;
	const char	*end;
	int		 line;
	const char	*bol;		/* start of the current line */
};

struct avs_lexer *
avs_lex_new(const char *text, size_t len)
{
	struct avs_lexer	*lx;

	/* A UTF-8 byte-order mark is skipped, as AviSynth+ does. */
	if (len >= 3 && memcmp(text, "\357\273\277", 3) == 0) {
		text += 3;
		len -= 3;
	}
	lx = xcalloc(1, sizeof(*lx));
	lx->p = text;
	lx->end = text + len;
	lx->bol = text;
	lx->line = 1;
	return lx;
}

void
avs_lex_free(struct avs_lexer *lx)
{
	free(lx);
}

static int
lex_col(const struct avs_lexer *lx)
{
	return (int)(lx->p - lx->bol) + 1;
}

static int
lex_peek(const struct avs_lexer *lx, size_t off)
{
	return lx->p + off < lx->end ? (unsigned char)lx->p[off] : -1;
}

/* Step over one character, counting lines. */
static void
lex_step(struct avs_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->bol = lx->p + 1;
	}
	lx->p++;
}

static int
lex_error(int line, int col, char **cause, const char *what)
{
	xasprintf(cause, "%d:%d: %s", line, col, what);
	return -1;
}

/* Skip a slash-star comment, or a [* *] one (which nests). */
static int
lex_block(struct avs_lexer *lx, int nests, char **cause)
{
	char	close = nests ? ']' : '/';
	int	line = lx->line, col = lex_col(lx), depth = 1;

	lx->p += 2;
	while (depth > 0) {
		if (lx->p >= lx->end) {
			xasprintf(cause, "%d:%d: comment not closed", line,
			    col);
			return -1;
		}
		if (*lx->p == '*' && lex_peek(lx, 1) == close) {
			depth--;
			lx->p += 2;
		} else if (nests && *lx->p == '[' && lex_peek(lx, 1) == '*') {
			depth++;
			lx->p += 2;
		} else
			lex_step(lx);
	}
	return 0;
}

/* Whether the rest of a line (after a backslash) is blank or a comment. */
static int
lex_line_rest_empty(const struct avs_lexer *lx, const char *q)
{
	while (q < lx->end && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	return q >= lx->end || *q == '\n' || *q == '#';
}

/* Whether only blanks come before the current character on its line. */
static int
lex_line_start(const struct avs_lexer *lx)
{
	const char	*q;

	for (q = lx->bol; q < lx->p; q++)
		if (*q != ' ' && *q != '\t')
			return 0;
	return 1;
}

/* Whether the next non-blank line starts with a backslash: then this
 * newline is a continuation. */
static const char *
lex_cont_next(const struct avs_lexer *lx, const char *q)
{
	for (;;) {
		while (q < lx->end && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < lx->end && *q == '\\')
			return q;
		if (q < lx->end && *q == '\n') {
			q++;
			continue;	/* blank lines between */
		}
		if (q < lx->end && *q == '#') {
			while (q < lx->end && *q != '\n')
				q++;
			continue;
		}
		return NULL;
	}
}

/* Skip blanks, comments and continuations; 1 at a newline token. */
static int
lex_skip(struct avs_lexer *lx, char **cause)
{
	const char	*q;

	while (lx->p < lx->end) {
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
			lx->p++;
		else if (*lx->p == '#')
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		else if (*lx->p == '/' && lex_peek(lx, 1) == '*') {
			if (lex_block(lx, 0, cause) != 0)
				return -1;
		} else if (*lx->p == '[' && lex_peek(lx, 1) == '*') {
			if (lex_block(lx, 1, cause) != 0)
				return -1;
		} else if (*lx->p == '\\' && lex_line_start(lx)) {
			/* continuation at the start of a line */
			lx->p++;
		} else if (*lx->p == '\\' && lex_line_rest_empty(lx,
		    lx->p + 1)) {
			/* continuation at the end of a line */
			lx->p++;
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			if (lx->p < lx->end)
				lex_step(lx);
		} else if (*lx->p == '\n') {
			q = lex_cont_next(lx, lx->p + 1);
			if (q == NULL)
				return 1;
			while (lx->p <= q)
				lex_step(lx);
		} else
			return 0;
	}
	return 0;
}

static int
lex_string(struct avs_lexer *lx, struct avs_token *t, char **cause)
{
	const char	*s;
	int		 triple;

	triple = lex_peek(lx, 1) == '"' && lex_peek(lx, 2) == '"';
	lx->p += triple ? 3 : 1;
	s = lx->p;
	for (;;) {
		if (lx->p >= lx->end || (!triple && *lx->p == '\n'))
			return lex_error(t->line, t->col, cause,
			    "string not closed");
		if (*lx->p == '"' && (!triple || (lex_peek(lx, 1) == '"' &&
		    lex_peek(lx, 2) == '"')))
			break;
		lex_step(lx);
	}
	t->type = AVS_T_STRING;
	t->text = xmalloc(lx->p - s + 1);
	memcpy(t->text, s, lx->p - s);
	t->text[lx->p - s] = '\0';
	lx->p += triple ? 3 : 1;
	return 0;
}

static int
lex_number(struct avs_lexer *lx, struct avs_token *t, char **cause)
{
	char		 buf[64];
	const char	*s = lx->p;
	size_t		 n;
	int		 dot = 0;

	if (*lx->p == '$') {
		lx->p++;
		while (lx->p < lx->end && isxdigit((unsigned char)*lx->p))
			lx->p++;
		if (lx->p - s < 2 || lx->p - s > 14)
			return lex_error(t->line, t->col, cause,
			    "bad or too large hexadecimal number");
		n = lx->p - s - 1;
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		t->type = AVS_T_INT;
		t->num = (double)strtoll(buf, NULL, 16);
		return 0;
	}
	while (lx->p < lx->end && (isdigit((unsigned char)*lx->p) ||
	    (*lx->p == '.' && !dot && lex_peek(lx, 1) >= '0' &&
	    lex_peek(lx, 1) <= '9'))) {
		dot |= *lx->p == '.';
		lx->p++;
	}
	n = lx->p - s;
	if (n == 0 || n >= sizeof(buf))
		return lex_error(t->line, t->col, cause, "bad number");
	memcpy(buf, s, n);
	buf[n] = '\0';
	t->type = dot ? AVS_T_FLOAT : AVS_T_INT;
	t->num = strtod(buf, NULL);
	if (!dot && t->num > 9007199254740992.0)
		return lex_error(t->line, t->col, cause, "number too large");
	return 0;
}

static void
lex_ident(struct avs_lexer *lx, struct avs_token *t)
{
	const char	*s = lx->p;

	while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
	    *lx->p == '_'))
		lx->p++;
	t->type = AVS_T_IDENT;
	t->text = xmalloc(lx->p - s + 1);
	memcpy(t->text, s, lx->p - s);
	t->text[lx->p - s] = '\0';
}

/* Operators of two characters, then of one. */
static int
lex_op(struct avs_lexer *lx, struct avs_token *t)
{
	static const struct {
		const char	*s;
		enum avs_tok	 tok;
	} ops[] = {
		{ "++", AVS_T_PLUSPLUS }, { "==", AVS_T_EQ },
		{ "!=", AVS_T_NE }, { "<>", AVS_T_NE }, { "<=", AVS_T_LE },
		{ ">=", AVS_T_GE }, { "&&", AVS_T_AND }, { "||", AVS_T_OR },
		{ "(", AVS_T_LPAREN }, { ")", AVS_T_RPAREN },
		{ ",", AVS_T_COMMA }, { ".", AVS_T_DOT },
		{ "=", AVS_T_ASSIGN }, { "+", AVS_T_PLUS },
		{ "-", AVS_T_MINUS }, { "*", AVS_T_STAR },
		{ "/", AVS_T_SLASH }, { "%", AVS_T_PERCENT },
		{ "!", AVS_T_NOT }, { "?", AVS_T_QUESTION },
		{ ":", AVS_T_COLON }, { "<", AVS_T_LT }, { ">", AVS_T_GT },
	};
	size_t	i, n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i].s);
		if ((size_t)(lx->end - lx->p) >= n &&
		    memcmp(lx->p, ops[i].s, n) == 0) {
			t->type = ops[i].tok;
			lx->p += n;
			return 0;
		}
	}
	return -1;
}

/* The next token; its text, if any, belongs to the caller. */
int
avs_lex_next(struct avs_lexer *lx, struct avs_token *t, char **cause)
{
	int	r, c;

	memset(t, 0, sizeof(*t));
	if ((r = lex_skip(lx, cause)) < 0)
		return -1;
	t->line = lx->line;
	t->col = lex_col(lx);
	if (r == 1) {
		t->type = AVS_T_NEWLINE;
		lex_step(lx);
		return 0;
	}
	if (lx->p >= lx->end) {
		t->type = AVS_T_EOF;
		return 0;
	}
	c = (unsigned char)*lx->p;
	if (c == '"')
		return lex_string(lx, t, cause);
	if (isdigit(c) || c == '$' || (c == '.' && lex_peek(lx, 1) >= '0' &&
	    lex_peek(lx, 1) <= '9'))
		return lex_number(lx, t, cause);
	if (isalpha(c) || c == '_') {
		lex_ident(lx, t);
		return 0;
	}
	if (lex_op(lx, t) == 0)
		return 0;
	if (isprint(c))
		xasprintf(cause, "%d:%d: unexpected character '%c'", t->line,
		    t->col, c);
	else
		xasprintf(cause, "%d:%d: unexpected byte 0x%02x", t->line,
		    t->col, c);
	return -1;
}

const char *
avs_tok_name(enum avs_tok t)
{
	static const char	*names[] = {
		"end of script", "end of line", "name", "number", "number",
		"string", "'('", "')'", "','", "'.'", "'='", "'+'", "'++'",
		"'-'", "'*'", "'/'", "'%'", "'!'", "'?'", "':'", "'=='",
		"'!='", "'<'", "'<='", "'>'", "'>='", "'&&'", "'||'"
	};

	return names[t];
}
