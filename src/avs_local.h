/* What the interpreter's files share: values, clips and the evaluator. */
#ifndef AVS_LOCAL_H
#define AVS_LOCAL_H

#include "avs.h"

/* Integers are kept in doubles, exact up to 2^53. */
#define AVS_INT_MAX	9007199254740992.0

enum avs_vtype {
	AVS_V_VOID,
	AVS_V_INT,
	AVS_V_FLOAT,
	AVS_V_BOOL,
	AVS_V_STRING,
	AVS_V_CLIP
};

struct avs_clip;

struct avs_value {
	enum avs_vtype	 type;
	double		 num;		/* int, float, bool */
	char		*str;		/* owned by the evaluator's arena */
	struct avs_clip	*clip;
};

enum avs_op {
	AVS_C_SOURCE,
	AVS_C_FILTER,
	AVS_C_CONCAT
};

/* How a filter's frame n comes from its input's frames. */
enum avs_map {
	AVS_MAP_SAME,		/* frame n */
	AVS_MAP_TRIM,		/* frame n + map_off */
	AVS_MAP_STEP2,		/* frame 2n + map_off */
	AVS_MAP_OTHER		/* no simple rule */
};

/*
 * A clip: a node of the filter graph, with what is known of its frames.
 * Frames carry their number in the clip as their pts (time base 1), so
 * the graph gives the same frames whether its sources are read from the
 * start or from a frame further on.
 */
struct avs_clip {
	enum avs_op		 op;
	int			 input;		/* AVS_C_SOURCE */
	char			*filter;	/* AVS_C_FILTER */
	struct avs_clip		*in[2];
	int			 has_video;
	int			 width;
	int			 height;
	int			 fps_num;
	int			 fps_den;
	int64_t			 frames;
	char			 pix_fmt[32];
	int			 depth;
	int			 log2_chroma_w;
	int			 log2_chroma_h;
	struct avs_audio_seg	*audio;
	int			 naudio;
	int			 has_audio;
	int			 audio_explicit;
	enum avs_map		 map;
	int64_t			 map_off;
	int			 sar_kept;	/* pixels as the source's */

	/* graph making */
	int			 id;
	int			 uses;
	int			 handed;
	struct avs_clip		*next;		/* all clips, to free */
};

/* A variable of the script. */
struct avs_var {
	char		*name;
	struct avs_value v;
	struct avs_var	*next;
};

/* A string value, kept until the evaluation ends. */
struct avs_str {
	char		*s;
	struct avs_str	*next;
};

/*
 * One evaluation of a script: the evaluator's state (avs_eval.c), and
 * what the values and clips made on the way belong to (the first error,
 * the clips and strings, freed at the end).
 */
struct avs_eval {
	const char	*file;		/* the script being read */
	avs_probe_fn	 probe;
	struct avs_var	*vars;
	struct avs_value last;
	struct avs_clip	*clips;
	int		 nclips;
	struct avs_str	*strs;
	char		*cause;
	char		**inputs;
	int		*video;
	int		 ninputs;
	int		 imports;	/* Import depth */
	int		 files;		/* files read */
	int		 returned;
	struct avs_value result;
};

/*
 * What one script may make, so that no script can make the reader hold
 * more than a film needs: a clip's frames (over 150 hours at 120 fps),
 * its audio pieces (a splice of a clip with itself doubles them), the
 * clips of the whole evaluation (the graph is written by recursion down
 * the clips, and 8192 leave room for an edit of 4000 trims) and the
 * files it reads with Import.
 */
#define AVS_MAX_FRAMES	(INT64_C(1) << 26)
#define AVS_MAX_PIECES	4096
#define AVS_MAX_CLIPS	8192
#define AVS_MAX_FILES	256

/* One argument of a call, bound to a function's parameter list. */
#define AVS_MAX_ARGS	24
struct avs_args {
	struct avs_value	 v[AVS_MAX_ARGS];
	int			 set[AVS_MAX_ARGS];
	const struct avs_node	*call;
	const struct avs_func	*func;
};

/* A built-in function: its name, parameters ("name:t", t being "c"
 * clip, "i" int, "f" float, "s" string, "b" bool, "." anything, "-"
 * anything and without effect; in capitals when the argument is needed)
 * and what it does; with rest, any further arguments are ignored. */
struct avs_func {
	const char	*name;
	const char	*params;	/* "clip:c,first_frame:i,..." */
	int		(*fn)(struct avs_eval *, struct avs_args *,
			    struct avs_value *);
	int		 rest;		/* more arguments are ignored */
};

/* The advice a refusal of the interpreter ends with (avs_eval.c). */
const char *avs_hint(void);

/* Errors, strings and numbers (avs_value.c). */
int	 avs_error(struct avs_eval *, const struct avs_node *, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
char	*avs_strdup(struct avs_eval *, const char *);
int	 avs_type_ok(char, const struct avs_value *);
const char *avs_type_name(char);
int	 avs_numbers(struct avs_eval *, const struct avs_node *,
	    const struct avs_value *, const struct avs_value *,
	    struct avs_value *);

/* Clips (avs_clip.c), their graph (avs_graph.c) and audio segments
 * (avs_segment.c). */
struct avs_clip *avs_clip_new(struct avs_eval *, enum avs_op);
struct avs_clip *avs_clip_filter(struct avs_eval *, struct avs_clip *,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
void	 avs_audio_cut(struct avs_clip *, double, double);
void	 avs_audio_join(struct avs_clip *, const struct avs_clip *,
	    const struct avs_clip *);
char	*avs_graph(struct avs_clip *);
void	 avs_segments(const struct avs_clip *, struct avs_plan *);
void	 avs_segments_free(struct avs_plan *);

/* The evaluator (avs_eval.c) and its built-in functions (avs_func.c,
 * avs_source.c), which call each other. */
int	 avs_source(struct avs_eval *, const struct avs_node *, const char *,
	    int, int, struct avs_value *);
int	 avs_import(struct avs_eval *, const char *, struct avs_value *);
int	 avs_param_names(const struct avs_func *, char [][24]);
const struct avs_func *avs_func_find(const char *);
const struct avs_func *avs_source_find(const char *);
struct avs_clip *avs_change_fps(struct avs_eval *, struct avs_clip *,
	    long long, long long);

/* Arguments of a built-in function, and its clip result (avs_func.c,
 * avs_source.c). */
#define ARG_SET(a, i)	((a)->set[i])
#define ARG_INT(a, i)	((long long)(a)->v[i].num)
#define ARG_NUM(a, i)	((a)->v[i].num)
#define ARG_STR(a, i)	((a)->v[i].str)
#define ARG_CLIP(a, i)	((a)->v[i].clip)

static inline const char *
fname(const struct avs_args *a)
{
	return a->call->name;
}

static inline int
ret_clip(struct avs_value *out, struct avs_clip *c)
{
	out->type = AVS_V_CLIP;
	out->clip = c;
	return 0;
}

#endif
