/*
 * AviSynth scripts: the lexer and parser of the script language, the
 * interpreter that turns a script into a plan (a filter graph over its
 * source files and the audio segments to take), and AviSynth+ itself
 * when libavisynth.so can be loaded.  No FFmpeg type appears here: the
 * plan is made of file names, numbers and filter graph text, and
 * media_script.c runs it.
 */
#ifndef AVS_H
#define AVS_H

#include <stddef.h>
#include <stdint.h>

/* Tokens. */
enum avs_tok {
	AVS_T_EOF,
	AVS_T_NEWLINE,
	AVS_T_IDENT,
	AVS_T_INT,
	AVS_T_FLOAT,
	AVS_T_STRING,
	AVS_T_LPAREN,
	AVS_T_RPAREN,
	AVS_T_COMMA,
	AVS_T_DOT,
	AVS_T_ASSIGN,	/* = */
	AVS_T_PLUS,
	AVS_T_PLUSPLUS,
	AVS_T_MINUS,
	AVS_T_STAR,
	AVS_T_SLASH,
	AVS_T_PERCENT,
	AVS_T_NOT,
	AVS_T_QUESTION,
	AVS_T_COLON,
	AVS_T_EQ,	/* == */
	AVS_T_NE,
	AVS_T_LT,
	AVS_T_LE,
	AVS_T_GT,
	AVS_T_GE,
	AVS_T_AND,
	AVS_T_OR
};

struct avs_token {
	enum avs_tok	 type;
	char		*text;		/* identifier or string */
	double		 num;
	int		 line;
	int		 col;
};

struct avs_lexer;
struct avs_lexer *avs_lex_new(const char *, size_t);
int	 avs_lex_next(struct avs_lexer *, struct avs_token *, char **);
void	 avs_lex_free(struct avs_lexer *);
const char *avs_tok_name(enum avs_tok);

/* The syntax tree. */
enum avs_kind {
	AVS_N_INT,
	AVS_N_FLOAT,
	AVS_N_STRING,
	AVS_N_BOOL,
	AVS_N_NAME,	/* a variable, or a function called without ( ) */
	AVS_N_CALL,
	AVS_N_UNARY,
	AVS_N_BINARY,
	AVS_N_TERNARY,
	AVS_N_ASSIGN,
	AVS_N_RETURN
};

struct avs_node {
	enum avs_kind	  kind;
	int		  line;
	int		  col;
	char		 *name;		/* name, string, assigned variable */
	double		  num;
	enum avs_tok	  op;
	int		  global;
	int		  nargs;
	struct avs_node	**args;
	char		**argnames;	/* NULL entries: positional */
	struct avs_node	 *next;		/* the next statement */
	int		  height;	/* of the tree below: 1 for a leaf */
};

struct avs_node *avs_parse(const char *, size_t, const char *, char **);
void	 avs_node_free(struct avs_node *);

/* What the interpreter needs to know of a source file. */
struct avs_source_info {
	int	 width;
	int	 height;
	int	 fps_num;
	int	 fps_den;
	int64_t	 frames;
	char	 pix_fmt[32];	/* FFmpeg's name */
	int	 depth;
	int	 log2_chroma_w;
	int	 log2_chroma_h;
	int	 has_audio;
	double	 duration;	/* seconds */
};
typedef int (*avs_probe_fn)(const char *, struct avs_source_info *,
	    char **);

/* A stretch of an audio source, in seconds of that source. */
struct avs_audio_seg {
	int	 input;
	double	 start;
	double	 end;
};

/* A piece of a spliced script: a chain over one source, read alone. */
struct avs_segment {
	int	 input;
	char	*graph;		/* [inN] -> [out] */
	int64_t	 frames;
	int64_t	 mul;		/* frame n is source frame n * mul + add */
	int64_t	 add;
};

/* A script made into a plan: what media_script.c runs. */
struct avs_plan {
	char			 **inputs;	/* source file paths */
	int			  *video;	/* input i is [ini] */
	int			   ninputs;
	char			  *graph;	/* [in0].. -> [out] */
	int			   width;
	int			   height;
	int			   fps_num;
	int			   fps_den;
	int64_t			   frames;
	char			   pix_fmt[32];
	int			   depth;
	struct avs_audio_seg	  *audio;	/* NULL: no audio */
	int			   naudio;
	int			   audio_from_script;
	/* When the clip is one chain from one source: frame n of the
	 * clip is source frame n * seek_mul + seek_add, and reading can
	 * start with the source at any frame. */
	int			   keep_sar;	/* pixel shape */
	int			   seekable;
	int64_t			   seek_mul;
	int64_t			   seek_add;
	/* When the clip is a splice of such chains: its pieces. */
	struct avs_segment	  *segs;
	int			   nsegs;
};

struct avs_plan *avs_eval(const char *, avs_probe_fn, char **);
void	 avs_hint_set(const char *);
void	 avs_plan_free(struct avs_plan *);

/* avs_access.c: the files a script may reach. */
void	 avs_access_limit(const char *const *, size_t, const char *);
const char *avs_access_plus_off(void);
int	 avs_access_source(const char *, char **);
int	 avs_access_import(const char *, char **);
char	*avs_read_file(const char *, size_t *, char **);

char	*avs_resolve(const char *, const char *);
const char *avs_fmt_name(int, int, int, char *, size_t);

/* The scene-detection script of a script: NAME_scd.avs beside it, or
 * one made from its source line (written in a folder of the caller's),
 * and the scene changes found there as the script's frames. */
#define AVS_SCD_WRITTEN	0x1	/* in the caller's folder: remove it after */
#define AVS_SCD_SOURCE	0x2	/* made from the source line: the source's
				 * frames, for avs_scd_map */
char	*avs_scd_script(const char *, int, const char *, int *, char **);
int	 avs_scd_map(const struct avs_plan *, const char *, const int64_t *,
	    size_t, int64_t **, size_t *);

/*
 * AviSynth+ through its C interface, loaded at run time: the library
 * avsplus_library names, or else libavisynth.so or a versioned
 * libavisynth.so.N.  A clip's frames come in one of these layouts:
 * planar YUV (Y, U, V; an alpha plane left out), luma alone (Y8 and
 * deeper), packed YUY2, packed BGR of 24 or 32 bits (rows bottom up).
 */
enum avsplus_layout {
	AVSPLUS_YUV,
	AVSPLUS_Y,
	AVSPLUS_YUY2,
	AVSPLUS_BGR24,
	AVSPLUS_BGR32
};
struct avsplus;
struct avsplus_info {
	int	 width;
	int	 height;
	int	 fps_num;
	int	 fps_den;
	int64_t	 frames;
	int	 pixel_type;
	enum avsplus_layout layout;
	int	 alpha;		/* an alpha plane, left out */
	int	 depth;
	int	 log2_chroma_w;
	int	 log2_chroma_h;
	int	 sample_rate;
	int	 sample_type;
	int	 channels;
	int64_t	 samples;
};
void	 avsplus_library(const char *);
int	 avsplus_available(void);
struct avsplus *avsplus_open(const char *, struct avsplus_info *, char **);
int	 avsplus_frame(struct avsplus *, int64_t, uint8_t *[3], int[3],
	    char **);
void	 avsplus_frame_done(struct avsplus *);
int	 avsplus_audio(struct avsplus *, void *, int64_t, int64_t, char **);
void	 avsplus_close(struct avsplus *);

#endif
