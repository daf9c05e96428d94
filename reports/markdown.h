/* Markdown for pull requests and wikis: a summary table, the top leaks
 * and the peak, stacks in code blocks.  docs/formats.md. */
#ifndef MA_REPORT_MARKDOWN_H
#define MA_REPORT_MARKDOWN_H

#include "render.h"

int ma_render_markdown(FILE *out, const struct ma_analysis *a,
		       const struct ma_render_opts *o);

#endif
