/* Renderers: each turns one analysis result into one output format.  New
 * formats (HTML, flame graph, Markdown...) add a row to ma_renderers[]
 * in render.c. */
#ifndef MA_RENDER_H
#define MA_RENDER_H

#include <stdio.h>

#include "analysis.h"

struct ma_render_opts {
	unsigned sections;        /* enum ma_section bits to show */
	const char *report_type;  /* as asked: "summary", "full"... */
	int colour;               /* ANSI colour (text only) */
	unsigned width;           /* columns for text; 80 */
	const char *weight;       /* stack formats: leaked, peak, allocated or
				   * calls (stackfmt.h); NULL: leaked */
};

/* Writes the report; 0, or -1 when writing failed (errno set). */
typedef int (*ma_render_fn)(FILE *out, const struct ma_analysis *a,
			    const struct ma_render_opts *o);

struct ma_renderer {
	const char *name;         /* the --format value */
	ma_render_fn render;
	const char *summary;
};

/* NULL-terminated. */
extern const struct ma_renderer ma_renderers[];
const struct ma_renderer *ma_renderer_find(const char *name);

#endif
