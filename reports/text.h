/* The text report, for an 80-column terminal. */
#ifndef MA_REPORT_TEXT_H
#define MA_REPORT_TEXT_H

#include "render.h"

int ma_render_text(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o);

#endif
