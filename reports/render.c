#include "config.h"

#include "render.h"

#include <string.h>

#include "json.h"
#include "text.h"

const struct ma_renderer ma_renderers[] = {
	{ "text", ma_render_text, "for a terminal (the default)" },
	{ "json", ma_render_json, "for programs, see docs/report-schema.md" },
	{ NULL, NULL, NULL },
};

const struct ma_renderer *ma_renderer_find(const char *name)
{
	for (const struct ma_renderer *r = ma_renderers; r->name; r++)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}
