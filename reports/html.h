/* One self-contained HTML page: chart, flame graph, sortable tables,
 * ratings; no network access needed to view it.  docs/formats.md. */
#ifndef MA_REPORT_HTML_H
#define MA_REPORT_HTML_H

#include "render.h"

int ma_render_html(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o);

#endif
