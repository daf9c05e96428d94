/* speedscope's file format (https://www.speedscope.app/file-format-schema.json):
 * one "sampled" profile per weight, stacks as samples and their weights.
 * docs/formats.md. */
#ifndef MA_REPORT_SPEEDSCOPE_H
#define MA_REPORT_SPEEDSCOPE_H

#include "render.h"

int ma_render_speedscope(FILE *out, const struct ma_analysis *a,
			 const struct ma_render_opts *o);

#endif
