#include "config.h"

#include "html.h"

#include <string.h>

#include "html_assets.h"
#include "html_data.h"

static void lines(FILE *out, const char *const *l)
{
	for (; *l; l++)
		fputs(*l, out);
}

int ma_render_html(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	int rc = 0;

	for (const char *const *l = ma_html_page; *l && !rc; l++) {
		if (!strcmp(*l, "@style@\n"))
			lines(out, ma_html_css);
		else if (!strcmp(*l, "@data@\n"))
			rc = ma_html_data(out, a, o);
		else if (!strcmp(*l, "@script@\n"))
			lines(out, ma_html_js);
		else
			fputs(*l, out);
	}
	return rc < 0 || ferror(out) ? -1 : 0;
}
