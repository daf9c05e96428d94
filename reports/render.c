#include "config.h"

#include "render.h"

#include <string.h>

#include "collapsed.h"
#include "html.h"
#include "json.h"
#include "markdown.h"
#include "massif.h"
#include "speedscope.h"
#include "text.h"

const struct ma_renderer ma_renderers[] = {
	{ "text", ma_render_text, "for a terminal (the default)" },
	{ "json", ma_render_json, "for programs, see docs/report-schema.md" },
	{ "html", ma_render_html, "one page with a chart, flame graph and tables" },
	{ "collapsed", ma_render_collapsed, "folded stacks for flamegraph.pl (--weight)" },
	{ "speedscope", ma_render_speedscope, "for speedscope, one profile per weight" },
	{ "massif", ma_render_massif, "valgrind massif's format, for ms_print" },
	{ "markdown", ma_render_markdown, "for pull requests and wikis" },
	{ NULL, NULL, NULL },
};

const struct ma_renderer *ma_renderer_find(const char *name)
{
	for (const struct ma_renderer *r = ma_renderers; r->name; r++)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}
