/* The data of the HTML report: one JSON object the page's script reads
 * from <script type="application/json" id="report-data">.  The parts:
 * html_data.c (summary, timeline, tables, ratings) and html_flame.c (the
 * call trees of the flame graph). */
#ifndef MA_HTML_DATA_H
#define MA_HTML_DATA_H

#include "jsonw.h"
#include "render.h"

/* A flame graph node narrower than 1/PRUNE_SHARE of its graph's total is
 * left out with everything under it; the page says how many were. */
#define MA_HTML_PRUNE_SHARE 5000
/* Rows kept per table; the page says when there were more. */
#define MA_HTML_TABLE_ROWS 200

struct ma_metric;
/* One rating, {title, value, unit, band, reason}, as the page reads it:
 * for feeding the full report's metrics (lib/ratings.h) to the page. */
void ma_html_metric(struct jw *w, const struct ma_metric *m);

int ma_html_data(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o);
/* "names": [...] and "flames": [...]; 0 or -1 out of memory. */
int ma_html_flames(struct jw *w, const struct ma_process *p);

#endif
