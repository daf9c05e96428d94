#include "config.h"

#include "speedscope.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "stackfmt.h"
#include "strtab.h"

#define SCHEMA "https://www.speedscope.app/file-format-schema.json"

/* Frames are keyed "name\tfile\tline" so one function seen at two lines
 * stays two frames, as speedscope shows them. */
static int64_t frame_id(struct ma_strtab *t, const struct ma_frame *f)
{
	char name[512], key[1200];

	ma_frame_name(f, name, sizeof(name));
	for (char *c = name; *c; c++)
		if (*c == '\t')
			*c = ' ';
	snprintf(key, sizeof(key), "%s\t%s\t%u", name, f->file ? f->file : "", f->line);
	return ma_strtab_intern(t, key);
}

static void json_str(FILE *out, const char *s)
{
	jw_string(out, s, strlen(s), 0);
}

static int sample(FILE *out, struct ma_strtab *t, const struct ma_stack *s, int first)
{
	fputs(first ? "\n    [" : ",\n    [", out);
	for (unsigned i = s->nframes; i-- > 0;) {
		int64_t id = frame_id(t, &s->frames[i]);
		if (id < 0)
			return -1;
		fprintf(out, "%s%" PRId64, i + 1 < s->nframes ? "," : "", id);
	}
	putc(']', out);
	return 0;
}

static int profile(FILE *out, struct ma_strtab *t, const struct ma_process *p,
		   enum ma_weight w)
{
	const struct ma_site_list *l = ma_weight_list(p, w);
	uint64_t rest = ma_weight_rest(p, w);
	struct ma_stack other = { NULL, 0 };
	struct ma_frame rest_frame = { .function = MA_REST_FRAME };
	size_t n = 0;

	fprintf(out, "{\n   \"type\": \"sampled\", \"name\": \"%s%s\", \"unit\": \"%s\",\n"
		"   \"startValue\": 0, \"endValue\": %" PRIu64 ",\n   \"samples\": [",
		ma_weight_name(w), ma_weight_is_bytes(w) ? " bytes" : "",
		ma_weight_is_bytes(w) ? "bytes" : "none", ma_weight_total(p, w));
	for (size_t i = 0; i < l->n; i++)
		if (ma_weight_of(&l->v[i], w) && sample(out, t, &l->v[i].stack, !n++) < 0)
			return -1;
	other.frames = &rest_frame;
	other.nframes = 1;
	if (rest && sample(out, t, &other, !n) < 0)
		return -1;
	fputs("],\n   \"weights\": [", out);
	n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (ma_weight_of(&l->v[i], w))
			fprintf(out, "%s%" PRIu64, n++ ? "," : "", ma_weight_of(&l->v[i], w));
	if (rest)
		fprintf(out, "%s%" PRIu64, n ? "," : "", rest);
	fputs("]\n  }", out);
	return 0;
}

static void frames(FILE *out, const struct ma_strtab *t)
{
	fputs("\"shared\": {\"frames\": [", out);
	for (size_t k = 0; k < t->n; k++) {
		char *file = strchr(t->v[k], '\t'), *line = strchr(file + 1, '\t');
		*file++ = '\0';
		*line++ = '\0';
		fputs(k ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
		json_str(out, t->v[k]);
		if (*file) {
			fputs(", \"file\": ", out);
			json_str(out, file);
			if (strcmp(line, "0"))
				fprintf(out, ", \"line\": %s", line);
		}
		putc('}', out);
	}
	fputs("\n]}", out);
}

int ma_render_speedscope(FILE *out, const struct ma_analysis *a,
			 const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);
	struct ma_strtab t = { 0 };
	int rc = 0, first = ma_weight_find(o->weight);

	fprintf(out, "{\"$schema\": \"%s\",\n\"exporter\": \"memory-analyzer %s\",\n\"name\": ",
		SCHEMA, PACKAGE_VERSION);
	json_str(out, p->cmdline && *p->cmdline ? p->cmdline : p->exe ? p->exe : "trace");
	fprintf(out, ",\n\"activeProfileIndex\": %d,\n\"profiles\": [", first < 0 ? 0 : first);
	for (int w = 0; w < MA_WEIGHT_COUNT && !rc; w++) {
		fputs(w ? ", " : "", out);
		rc = profile(out, &t, p, (enum ma_weight)w);
	}
	fputs("],\n", out);
	if (!rc)
		frames(out, &t);
	fputs("\n}\n", out);
	ma_strtab_release(&t);
	return rc < 0 || ferror(out) ? -1 : 0;
}
