/*
 * The interpreter: a script's statements evaluated to values, its clips
 * to nodes of a filter graph over its source files, and the result made
 * into a plan (the graph's text, the inputs, the clip's frame count,
 * rate, size and pixel format, and the audio segments to take).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "avs_local.h"
#include "log.h"
#include "xmalloc.h"

#define EVAL_MAX_IMPORT	16

static int	eval_node(struct avs_eval *, const struct avs_node *,
		    struct avs_value *);
static int	func_params(const char *, char [][24], char *);

/* A source clip for a file named in the script. */
int
avs_source(struct avs_eval *ev, const struct avs_node *call, const char *name,
    int video, int audio, struct avs_value *out)
{
	struct avs_source_info	 si;
	struct avs_clip		*c;
	char			*path, *why = NULL;
	int			 i;

	path = avs_resolve(ev->file, name);
	memset(&si, 0, sizeof(si));
	if (ev->probe(path, &si, &why) != 0) {
		avs_error(ev, call, "%s: %s: %s", call->name, path, why);
		free(why);
		free(path);
		return -1;
	}
	i = ev->ninputs++;
	ev->inputs = xreallocarray(ev->inputs, ev->ninputs, sizeof(char *));
	ev->video = xreallocarray(ev->video, ev->ninputs, sizeof(int));
	ev->inputs[i] = path;
	ev->video[i] = video;
	c = avs_clip_new(ev, AVS_C_SOURCE);
	c->input = i;
	c->sar_kept = 1;
	c->has_video = video;
	c->width = si.width;
	c->height = si.height;
	c->fps_num = si.fps_num;
	c->fps_den = si.fps_den;
	c->frames = si.frames;
	snprintf(c->pix_fmt, sizeof(c->pix_fmt), "%s", si.pix_fmt);
	c->depth = si.depth;
	c->log2_chroma_w = si.log2_chroma_w;
	c->log2_chroma_h = si.log2_chroma_h;
	if (si.has_audio) {
		c->has_audio = 1;
		c->audio_explicit = audio;
		c->audio = xcalloc(1, sizeof(*c->audio));
		c->audio[0].input = i;
		c->audio[0].end = video ? (double)si.frames * si.fps_den /
		    si.fps_num : si.duration;
		c->naudio = 1;
	}
	out->type = AVS_V_CLIP;
	out->clip = c;
	return 0;
}

static struct avs_var *
var_find(struct avs_eval *ev, const char *name)
{
	struct avs_var	*v;

	for (v = ev->vars; v != NULL; v = v->next)
		if (strcasecmp(v->name, name) == 0)
			return v;
	return NULL;
}

static void
var_set(struct avs_eval *ev, const char *name, const struct avs_value *val)
{
	struct avs_var	*v;

	if (strcasecmp(name, "last") == 0) {
		ev->last = *val;
		return;
	}
	if ((v = var_find(ev, name)) == NULL) {
		v = xcalloc(1, sizeof(*v));
		v->name = xstrdup(name);
		v->next = ev->vars;
		ev->vars = v;
	}
	v->v = *val;
}

/* The names of a function's parameters. */
int
avs_param_names(const struct avs_func *f, char names[][24])
{
	char	types[AVS_MAX_ARGS];

	return func_params(f->params, names, types);
}

/* The parameters of a function: names and types, in order. */
static int
func_params(const char *spec, char names[][24], char *types)
{
	int	n = 0;
	size_t	len;

	while (*spec != '\0' && n < AVS_MAX_ARGS) {
		len = strcspn(spec, ":");
		snprintf(names[n], 24, "%.*s", (int)len, spec);
		spec += len + 1;
		types[n++] = *spec++;
		if (*spec == ',')
			spec++;
	}
	return n;
}

/* Put one argument in its parameter's place. */
static int
bind_one(struct avs_eval *ev, const struct avs_func *f, struct avs_args *a,
    const struct avs_node *at, int i, const struct avs_value *v,
    char names[][24], const char *types)
{
	if (a->set[i])
		return avs_error(ev, at, "%s: argument %s given twice",
		    f->name, names[i]);
	if (!avs_type_ok(tolower((unsigned char)types[i]), v))
		return avs_error(ev, at, "%s: argument %s must be %s",
		    f->name, names[i],
		    avs_type_name(tolower((unsigned char)types[i])));
	a->v[i] = *v;
	a->set[i] = 1;
	return 0;
}

/* Find a named argument's parameter; -1 if none. */
static int
bind_name(const char *name, char names[][24], int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Evaluate a call's arguments and bind them; last goes first when the
 * function takes a clip and none was given. */
static int
bind_args(struct avs_eval *ev, const struct avs_func *f,
    const struct avs_node *call, struct avs_value *vals, struct avs_args *a)
{
	char	names[AVS_MAX_ARGS][24], types[AVS_MAX_ARGS];
	int	n, i, k, pos = 0, npos = 0;

	n = func_params(f->params, names, types);
	for (i = 0; i < call->nargs; i++)
		npos += call->argnames[i] == NULL;
	if (n > 0 && tolower((unsigned char)types[0]) == 'c' &&
	    (npos == 0 || vals[0].type != AVS_V_CLIP ||
	    call->argnames[0] != NULL)) {
		if (ev->last.type != AVS_V_CLIP)
			return avs_error(ev, call, "%s: no clip (\"last\" is "
			    "not set)", f->name);
		a->v[0] = ev->last;
		a->set[0] = 1;
		pos = 1;
	}
	for (i = 0; i < call->nargs; i++) {
		if (call->argnames[i] != NULL) {
			k = bind_name(call->argnames[i], names, n);
			if (k < 0 && f->rest)
				continue;
			if (k < 0)
				return avs_error(ev, call->args[i], "%s: no "
				    "argument named %s", f->name,
				    call->argnames[i]);
		} else if ((k = pos++) >= n) {
			if (f->rest)
				continue;
			return avs_error(ev, call->args[i], "%s: too many "
			    "arguments", f->name);
		}
		if (bind_one(ev, f, a, call->args[i], k, &vals[i], names,
		    types) != 0)
			return -1;
	}
	for (k = 0; k < n; k++)
		if (isupper((unsigned char)types[k]) && !a->set[k])
			return avs_error(ev, call, "%s: argument %s is needed",
			    f->name, names[k]);
	return 0;
}

/* A call of a built-in function; anything else needs AviSynth+. */
static int
eval_call(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	const struct avs_func	*f;
	struct avs_value	 vals[AVS_MAX_ARGS];
	struct avs_args		 a;
	int			 i;

	if ((f = avs_func_find(n->name)) == NULL)
		return avs_error(ev, n, "%s: not a function the built-in "
		    "interpreter knows%s", n->name, avs_hint());
	if (n->nargs > AVS_MAX_ARGS)
		return avs_error(ev, n, "%s: too many arguments", n->name);
	for (i = 0; i < n->nargs; i++)
		if (eval_node(ev, n->args[i], &vals[i]) != 0)
			return -1;
	memset(&a, 0, sizeof(a));
	a.call = n;
	a.func = f;
	if (bind_args(ev, f, n, vals, &a) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	return f->fn(ev, &a, out);
}

/* A name: a variable if there is one, else a call without ( ). */
static int
eval_name(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	struct avs_var	*v;

	if (strcasecmp(n->name, "last") == 0) {
		if (ev->last.type == AVS_V_VOID)
			return avs_error(ev, n, "\"last\" is not set");
		*out = ev->last;
		return 0;
	}
	if ((v = var_find(ev, n->name)) != NULL) {
		*out = v->v;
		return 0;
	}
	return eval_call(ev, n, out);
}

static int
eval_isnum(const struct avs_value *v)
{
	return v->type == AVS_V_INT || v->type == AVS_V_FLOAT;
}

/* Splice two clips: + (unaligned) and ++ (aligned, the first clip's
 * audio cut to its video). */
static int
eval_splice(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *a, struct avs_value *b, struct avs_value *out)
{
	struct avs_clip	*x = a->clip, *y = b->clip, *c, *first = x;

	if (x->width != y->width || x->height != y->height ||
	    strcmp(x->pix_fmt, y->pix_fmt) != 0)
		return avs_error(ev, n, "Splice: the clips differ (%dx%d %s, "
		    "%dx%d %s)", x->width, x->height, x->pix_fmt, y->width,
		    y->height, y->pix_fmt);
	if ((int64_t)x->fps_num * y->fps_den != (int64_t)y->fps_num *
	    x->fps_den)
		return avs_error(ev, n, "Splice: the frame rates differ "
		    "(%d/%d, %d/%d)", x->fps_num, x->fps_den, y->fps_num,
		    y->fps_den);
	if (n->op == AVS_T_PLUSPLUS) {
		first = avs_clip_filter(ev, x, "null");
		avs_audio_cut(first, 0, (double)x->frames * x->fps_den /
		    x->fps_num);
	}
	c = avs_clip_new(ev, AVS_C_CONCAT);
	c->in[0] = first;
	c->in[1] = y;
	c->has_video = 1;
	c->width = x->width;
	c->height = x->height;
	c->fps_num = x->fps_num;
	c->fps_den = x->fps_den;
	c->frames = x->frames + y->frames;
	memcpy(c->pix_fmt, x->pix_fmt, sizeof(c->pix_fmt));
	c->depth = x->depth;
	c->log2_chroma_w = x->log2_chroma_w;
	c->log2_chroma_h = x->log2_chroma_h;
	c->sar_kept = x->sar_kept && y->sar_kept;
	avs_audio_join(c, first, y);
	out->type = AVS_V_CLIP;
	out->clip = c;
	return 0;
}

static int
eval_binary(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	struct avs_value	a, b;
	char			*s;

	if (eval_node(ev, n->args[0], &a) != 0 ||
	    eval_node(ev, n->args[1], &b) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (a.type == AVS_V_CLIP && b.type == AVS_V_CLIP &&
	    (n->op == AVS_T_PLUS || n->op == AVS_T_PLUSPLUS))
		return eval_splice(ev, n, &a, &b, out);
	if (a.type == AVS_V_STRING && b.type == AVS_V_STRING &&
	    n->op == AVS_T_PLUS) {
		xasprintf(&s, "%s%s", a.str, b.str);
		out->type = AVS_V_STRING;
		out->str = avs_strdup(ev, s);
		free(s);
		return 0;
	}
	if (a.type == AVS_V_STRING && b.type == AVS_V_STRING &&
	    (n->op == AVS_T_EQ || n->op == AVS_T_NE)) {
		out->type = AVS_V_BOOL;
		out->num = (strcasecmp(a.str, b.str) == 0) ==
		    (n->op == AVS_T_EQ);
		return 0;
	}
	if ((eval_isnum(&a) && eval_isnum(&b)) || (a.type == AVS_V_BOOL &&
	    b.type == AVS_V_BOOL && n->op >= AVS_T_EQ))
		return avs_numbers(ev, n, &a, &b, out);
	return avs_error(ev, n, "%s cannot be used on these values",
	    avs_tok_name(n->op));
}

static int
eval_unary(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	if (eval_node(ev, n->args[0], out) != 0)
		return -1;
	if (n->op == AVS_T_MINUS && eval_isnum(out))
		out->num = -out->num;
	else if (n->op == AVS_T_NOT && out->type == AVS_V_BOOL)
		out->num = !out->num;
	else
		return avs_error(ev, n, "%s cannot be used on this value",
		    avs_tok_name(n->op));
	return 0;
}

static int
eval_ternary(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	struct avs_value	c;

	if (eval_node(ev, n->args[0], &c) != 0)
		return -1;
	if (c.type != AVS_V_BOOL)
		return avs_error(ev, n, "the condition of ?: must be a "
		    "boolean");
	return eval_node(ev, n->args[c.num != 0 ? 1 : 2], out);
}

/* A call's or an operator's clip must be within what a script may make
 * (AVS_MAX_*): checked as each is made, so that no splice or rate change
 * builds on one that is not. */
static int
eval_bounded(struct avs_eval *ev, const struct avs_node *n, int rv,
    const struct avs_value *v)
{
	const struct avs_clip	*c = v->clip;

	if (rv != 0 || v->type != AVS_V_CLIP)
		return rv;
	if (c->frames > AVS_MAX_FRAMES)
		return avs_error(ev, n, "the clip would have more than %lld "
		    "frames, the most a script may make", (long long)
		    AVS_MAX_FRAMES);
	if (c->naudio > AVS_MAX_PIECES)
		return avs_error(ev, n, "the clip's audio would be in %d "
		    "pieces, more than the %d a script may make", c->naudio,
		    AVS_MAX_PIECES);
	if (ev->nclips > AVS_MAX_CLIPS)
		return avs_error(ev, n, "the script makes more than %d clips",
		    AVS_MAX_CLIPS);
	return 0;
}

static int
eval_node(struct avs_eval *ev, const struct avs_node *n,
    struct avs_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (n->kind) {
	case AVS_N_INT:
	case AVS_N_FLOAT:
	case AVS_N_BOOL:
		out->type = n->kind == AVS_N_INT ? AVS_V_INT :
		    n->kind == AVS_N_FLOAT ? AVS_V_FLOAT : AVS_V_BOOL;
		out->num = n->num;
		return 0;
	case AVS_N_STRING:
		out->type = AVS_V_STRING;
		out->str = avs_strdup(ev, n->name);
		return 0;
	case AVS_N_NAME:
		return eval_name(ev, n, out);
	case AVS_N_CALL:
		return eval_bounded(ev, n, eval_call(ev, n, out), out);
	case AVS_N_UNARY:
		return eval_unary(ev, n, out);
	case AVS_N_BINARY:
		return eval_bounded(ev, n, eval_binary(ev, n, out), out);
	case AVS_N_TERNARY:
		return eval_ternary(ev, n, out);
	default:
		return avs_error(ev, n, "a statement where a value is wanted");
	}
}

/* Run a list of statements; an expression's clip becomes last. */
static int
eval_statements(struct avs_eval *ev, const struct avs_node *n)
{
	struct avs_value	v;

	for (; n != NULL && !ev->returned; n = n->next) {
		if (n->kind == AVS_N_ASSIGN) {
			if (eval_node(ev, n->args[0], &v) != 0)
				return -1;
			var_set(ev, n->name, &v);
		} else if (n->kind == AVS_N_RETURN) {
			if (eval_node(ev, n->args[0], &ev->result) != 0)
				return -1;
			ev->returned = 1;
		} else {
			if (eval_node(ev, n, &v) != 0)
				return -1;
			if (v.type == AVS_V_CLIP)
				ev->last = v;
		}
	}
	return 0;
}

/* Read a script file into this evaluation; its value is its last. */
static int
eval_file(struct avs_eval *ev, const char *path, struct avs_value *out)
{
	struct avs_node	*tree;
	const char	*outer = ev->file;
	char		*text, *why = NULL;
	size_t		 len;
	int		 rv;

	if (ev->imports >= EVAL_MAX_IMPORT) {
		xasprintf(&ev->cause, "%s: Import nested too deeply", path);
		return -1;
	}
	if (++ev->files > AVS_MAX_FILES) {
		xasprintf(&ev->cause, "%s: more than %d scripts read with "
		    "Import", path, AVS_MAX_FILES);
		return -1;
	}
	if ((text = avs_read_file(path, &len, &ev->cause)) == NULL)
		return -1;
	tree = avs_parse(text, len, path, &why);
	free(text);
	if (tree == NULL) {
		/* No tree and no error: nothing but blanks and comments. */
		if (why == NULL)
			xasprintf(&why, "%s: the script is empty: it has no "
			    "line that gives a clip", path);
		ev->cause = why;
		return -1;
	}
	ev->imports++;
	ev->file = avs_strdup(ev, path);
	rv = eval_statements(ev, tree);
	ev->file = outer;
	ev->imports--;
	if (ev->returned) {
		*out = ev->result;
		ev->returned = 0;
	} else
		*out = ev->last;
	avs_node_free(tree);
	return rv;
}

/* Import: another script, named relative to this one's folder. */
int
avs_import(struct avs_eval *ev, const char *name, struct avs_value *out)
{
	char	*path;
	int	 rv;

	path = avs_resolve(ev->file, name);
	if (avs_access_import(path, &ev->cause) != 0)
		rv = -1;
	else
		rv = eval_file(ev, path, out);
	free(path);
	return rv;
}

/*
 * Whether the clip is one chain of filters over one source, used once,
 * whose frames map to the source's by n * mul + add: then a reader may
 * start the source at the frame it needs.
 */
static void
eval_seek(const struct avs_clip *c, struct avs_plan *p)
{
	int64_t	mul = 1, add = 0;

	for (; c->op == AVS_C_FILTER; c = c->in[0]) {
		if (c->uses > 1 || c->map == AVS_MAP_OTHER)
			return;
		if (c->map == AVS_MAP_TRIM)
			add += c->map_off;
		else if (c->map == AVS_MAP_STEP2) {
			add = 2 * add + c->map_off;
			mul *= 2;
		}
	}
	if (c->op != AVS_C_SOURCE || c->uses > 1)
		return;
	p->seekable = 1;
	p->seek_mul = mul;
	p->seek_add = add;
}

/* The plan of a clip: its graph, inputs, properties and audio. */
static struct avs_plan *
eval_plan(struct avs_eval *ev, struct avs_clip *c)
{
	struct avs_plan	*p;

	p = xcalloc(1, sizeof(*p));
	p->graph = avs_graph(c);
	eval_seek(c, p);
	if (!p->seekable)
		avs_segments(c, p);
	p->inputs = ev->inputs;
	p->video = ev->video;
	p->ninputs = ev->ninputs;
	ev->inputs = NULL;
	ev->video = NULL;
	ev->ninputs = 0;
	p->width = c->width;
	p->height = c->height;
	p->fps_num = c->fps_num;
	p->fps_den = c->fps_den;
	p->frames = c->frames;
	memcpy(p->pix_fmt, c->pix_fmt, sizeof(p->pix_fmt));
	p->depth = c->depth;
	p->keep_sar = c->sar_kept;
	if (c->has_audio && c->naudio > 0) {
		p->audio = xreallocarray(NULL, c->naudio, sizeof(*p->audio));
		memcpy(p->audio, c->audio, c->naudio * sizeof(*p->audio));
		p->naudio = c->naudio;
		p->audio_from_script = c->audio_explicit;
	}
	return p;
}

static void
eval_free(struct avs_eval *ev)
{
	struct avs_clip	*c;
	struct avs_var	*v;
	struct avs_str	*s;
	int		 i;

	while ((c = ev->clips) != NULL) {
		ev->clips = c->next;
		free(c->filter);
		free(c->audio);
		free(c);
	}
	while ((v = ev->vars) != NULL) {
		ev->vars = v->next;
		free(v->name);
		free(v);
	}
	while ((s = ev->strs) != NULL) {
		ev->strs = s->next;
		free(s->s);
		free(s);
	}
	for (i = 0; i < ev->ninputs; i++)
		free(ev->inputs[i]);
	free(ev->inputs);
	free(ev->video);
	free(ev->cause);
}

/* What a refusal of the built-in interpreter adds (avs_hint_set). */
static char	*eval_hint;

/* Set the advice a refusal of the built-in interpreter ends with: why
 * AviSynth+ did not run the script, nothing when it ran it first, or
 * (NULL) that installing it would. */
void
avs_hint_set(const char *hint)
{
	free(eval_hint);
	eval_hint = hint != NULL ? xstrdup(hint) : NULL;
}

/* The advice a refusal ends with (avs_hint_set). */
const char *
avs_hint(void)
{
	return eval_hint != NULL ? eval_hint : "; installing AviSynth+ "
	    "(libavisynth.so) would run it";
}

/*
 * Evaluate the script at path into a plan.  probe tells what a source
 * file holds.  Errors name the file, line and column.
 */
struct avs_plan *
avs_eval(const char *path, avs_probe_fn probe, char **cause)
{
	struct avs_eval	 ev;
	struct avs_value v;
	struct avs_plan	*p = NULL;

	memset(&ev, 0, sizeof(ev));
	ev.file = path;
	ev.probe = probe;
	ev.imports = -1;
	if (eval_file(&ev, path, &v) == 0) {
		if (v.type != AVS_V_CLIP)
			avs_error(&ev, NULL, "the script's value is not a "
			    "clip");
		else if (!v.clip->has_video)
			avs_error(&ev, NULL, "the script's clip has no video");
		else if (v.clip->frames <= 0)
			avs_error(&ev, NULL, "the script's clip has no frame");
		else
			p = eval_plan(&ev, v.clip);
	}
	if (p == NULL) {
		*cause = ev.cause;
		ev.cause = NULL;
	}
	eval_free(&ev);
	return p;
}

void
avs_plan_free(struct avs_plan *p)
{
	int	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ninputs; i++)
		free(p->inputs[i]);
	free(p->inputs);
	free(p->video);
	free(p->graph);
	free(p->audio);
	avs_segments_free(p);
	free(p);
}
