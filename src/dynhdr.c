/*
 * What to do with a source's dynamic HDR metadata.  The encoders here
 * write static HDR10 metadata only, so Dolby Vision's RPU and HDR10+'s
 * per-scene metadata would be lost: refused by default, or the base
 * layer encoded with a warning when the profile allows it.  A Dolby
 * Vision profile 5 stream has no base layer another player can show (its
 * colours are IPTPQc2, wrong without the RPU), nor has one that says its
 * base layer is compatible with nothing; one whose profile is unknown is
 * refused too, as its colours cannot be known to be right.
 */
#include "config.h"

#include <stdio.h>

#include "dynhdr.h"

/* One phrase naming what was found: "Dolby Vision profile 8.1, HDR10+". */
void
dynhdr_describe(const struct dynhdr *d, char *buf, size_t len)
{
	int	off = 0;

	buf[0] = '\0';
	if (d->dovi && d->dovi_profile >= 0 && d->dovi_compat > 0)
		off = snprintf(buf, len, "Dolby Vision profile %d.%d",
		    d->dovi_profile, d->dovi_compat);
	else if (d->dovi && d->dovi_profile >= 0)
		off = snprintf(buf, len, "Dolby Vision profile %d",
		    d->dovi_profile);
	else if (d->dovi)
		off = snprintf(buf, len, "Dolby Vision (profile unknown)");
	if (d->hdr10plus && off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - off, "%sHDR10+", off > 0 ? ", " : "");
}

/*
 * Decide for d under mode; why gets the reason (a refusal's, or the
 * warning's) or "".
 */
int
dynhdr_decide(const struct dynhdr *d, enum dynamic_hdr mode, char *why,
    size_t len)
{
	char	what[128];

	why[0] = '\0';
	if (!d->dovi && !d->hdr10plus)
		return DYNHDR_NONE;
	dynhdr_describe(d, what, sizeof(what));
	if (mode == DYNAMIC_HDR_FAIL) {
		snprintf(why, len, "%s: dynamic HDR metadata this program "
		    "cannot carry (set dynamic_hdr = \"base\" to encode the "
		    "base layer without it)", what);
		return DYNHDR_REFUSE;
	}
	if (d->dovi && (d->dovi_profile < 0 || d->dovi_profile == 5 ||
	    d->dovi_compat == 0)) {
		snprintf(why, len, "%s has no base layer other players show "
		    "right: its colours would be wrong without the Dolby "
		    "Vision metadata", what);
		return DYNHDR_REFUSE;
	}
	snprintf(why, len, "%s: only the base layer is encoded, the dynamic "
	    "metadata is dropped", what);
	return DYNHDR_BASE;
}
