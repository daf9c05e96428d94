/* Folded stacks ("main;load;malloc 4096" a line) for flamegraph.pl and
 * inferno; the weight is chosen by --weight.  docs/formats.md. */
#ifndef MA_REPORT_COLLAPSED_H
#define MA_REPORT_COLLAPSED_H

#include "render.h"

int ma_render_collapsed(FILE *out, const struct ma_analysis *a,
			const struct ma_render_opts *o);

#endif
