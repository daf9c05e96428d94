#include "config.h"

#include "collapsed.h"

#include <inttypes.h>

#include "stackfmt.h"

/* The separators of the format cannot appear inside a frame. */
static void frame(FILE *out, const struct ma_frame *f)
{
	char buf[512];

	ma_frame_name(f, buf, sizeof(buf));
	for (char *c = buf; *c; c++)
		if (*c == ';')
			*c = ':';
		else if (*c == '\n' || *c == '\r')
			*c = ' ';
	fputs(buf, out);
}

/* Outermost caller first, as the tools expect. */
static void line(FILE *out, const struct ma_stack *s, uint64_t weight)
{
	if (!s->nframes)
		fputs("[no stack]", out);
	for (unsigned i = s->nframes; i-- > 0;) {
		frame(out, &s->frames[i]);
		if (i)
			putc(';', out);
	}
	fprintf(out, " %" PRIu64 "\n", weight);
}

int ma_render_collapsed(FILE *out, const struct ma_analysis *a,
			const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);
	int w = ma_weight_find(o->weight);
	const struct ma_site_list *l;
	uint64_t rest;

	if (w < 0)
		w = MA_WEIGHT_LEAKED;
	l = ma_weight_list(p, (enum ma_weight)w);
	for (size_t i = 0; i < l->n; i++) {
		uint64_t v = ma_weight_of(&l->v[i], (enum ma_weight)w);
		if (v)
			line(out, &l->v[i].stack, v);
	}
	rest = ma_weight_rest(p, (enum ma_weight)w);
	if (rest)
		fprintf(out, "%s %" PRIu64 "\n", MA_REST_FRAME, rest);
	return ferror(out) ? -1 : 0;
}
