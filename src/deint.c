/*
 * Deciding from idet's counts whether a source is interlaced or telecined.
 * idet alone is not trusted to call a stream interlaced: fine moving
 * detail in a progressive picture looks combed to it.  So in auto mode a
 * source is deinterlaced only when the stream also says it is interlaced
 * (its field order or its frames' flags), and telecine is called only on
 * the pattern idet cannot mistake, repeated fields, in 29.97 or 30 fps
 * material.  The why text, with the counts, is what the log shows.
 */
#include "config.h"

#include <stdio.h>

#include "deint.h"

/* Whether the rate is NTSC's 30000/1001 or 30 (pulldown material). */
static int
deint_pulldown_rate(const struct deint_counts *k)
{
	double	fps;

	if (k->fps_num <= 0 || k->fps_den <= 0)
		return 0;
	fps = (double)k->fps_num / k->fps_den;
	return fps > 29.9 && fps < 30.05;
}

/*
 * The kind of source the counts show, under mode; why gets the decision
 * and its evidence.
 */
enum deint_kind
deint_decide(const struct deint_counts *k, enum deint_mode mode, char *why,
    size_t len)
{
	int64_t		 combed = k->tff + k->bff, seen, fields;
	double		 pc, pr;
	enum deint_kind	 kind;
	const char	*reason;

	seen = combed + k->progressive;
	fields = k->rep_neither + k->rep_top + k->rep_bottom;
	pc = seen > 0 ? 100.0 * combed / seen : 0;
	pr = fields > 0 ? 100.0 * (k->rep_top + k->rep_bottom) / fields : 0;
	if (pr >= 25 && deint_pulldown_rate(k) && mode != DEINT_OFF)
		kind = DEINT_TELECINE, reason = "repeated fields of 3:2 "
		    "pulldown";
	else if (mode == DEINT_OFF)
		kind = DEINT_PROGRESSIVE, reason = "deinterlace = \"off\"";
	else if (mode == DEINT_ON)
		kind = DEINT_INTERLACED, reason = "deinterlace = \"on\"";
	else if (pc >= 50 && k->flagged)
		kind = DEINT_INTERLACED, reason = "combed frames, and the "
		    "stream says interlaced";
	else if (pc >= 50)
		kind = DEINT_PROGRESSIVE, reason = "combing seen, but the "
		    "stream says progressive (deinterlace = \"on\" to "
		    "deinterlace)";
	else
		kind = DEINT_PROGRESSIVE, reason = k->flagged ? "the stream "
		    "says interlaced, but its frames are progressive" :
		    "progressive frames";
	snprintf(why, len, "%s: %s (idet: %lld tff, %lld bff, %lld "
	    "progressive, %lld undetermined; repeated fields: %lld top, "
	    "%lld bottom, %lld neither)", deint_kind_name(kind), reason,
	    (long long)k->tff, (long long)k->bff, (long long)k->progressive,
	    (long long)k->undetermined, (long long)k->rep_top,
	    (long long)k->rep_bottom, (long long)k->rep_neither);
	return kind;
}

const char *
deint_kind_name(enum deint_kind kind)
{
	static const char *const names[] = {
		"progressive", "interlaced", "telecined"
	};

	return names[kind];
}

/*
 * The frames that come out of n frames in a row, from the first of a
 * cycle: one per frame, or, undoing telecine, each whole cycle less one.
 */
int64_t
deint_frames(enum deint_kind kind, int64_t n)
{
	if (kind != DEINT_TELECINE || n <= 0)
		return n;
	return n - n / DEINT_CYCLE;
}
