/* The text format of valgrind's massif (massif.out.PID), as ms_print and
 * massif-visualizer read it: the heap over time from the timeline, with
 * a detailed heap tree at the peak.  docs/formats.md. */
#ifndef MA_REPORT_MASSIF_H
#define MA_REPORT_MASSIF_H

#include "render.h"

int ma_render_massif(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o);

#endif
