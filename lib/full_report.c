/* Putting the full report together around one analysis run. */
#include "config.h"

#include "full_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "metrics.h"

struct ma_full_report *ma_full_new(const struct ma_config *cfg, const struct ma_full_opts *o,
				   size_t ntraces, char *err, size_t errlen)
{
	struct ma_full_report *fr = calloc(1, sizeof(*fr));

	if (!fr || !(fr->frags = calloc(ntraces ? ntraces : 1, sizeof(*fr->frags))) ||
	    !(fr->models_of = calloc(ntraces ? ntraces : 1, sizeof(*fr->models_of)))) {
		if (fr)
			free(fr->frags);
		free(fr);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fr->nfrags = fr->nmodels_of = ntraces;
	for (size_t i = 0; i < ntraces; i++) {
		ma_frag_init(&fr->frags[i]);
		ma_models_init(&fr->models_of[i]);
	}
	ma_models_init(&fr->models);
	ma_ratings_init(&fr->ratings);
	fr->cfg = cfg;
	if (o)
		fr->opts = *o;
	if (cfg && ma_ratings_apply_config(&fr->ratings, cfg, err, errlen)) {
		ma_full_free(fr);
		return NULL;
	}
	return fr;
}

int ma_full_observe(void *report, const struct ma_event *ev)
{
	struct ma_full_report *fr = report;

	if (ev->input < fr->nfrags && ma_frag_event(&fr->frags[ev->input], ev) < 0)
		return -1;
	if (!ma_models_wants(ev->kind))
		return 0;
	if (ev->input < fr->nmodels_of && ma_models_event(&fr->models_of[ev->input], ev) < 0)
		return -1;
	return ma_models_event(&fr->models, ev);
}

static void pick_ram(struct ma_full_report *fr)
{
	uint64_t v;

	if (fr->opts.ram_bytes) {
		fr->ram_bytes = fr->opts.ram_bytes;
		fr->ram_source = "--ram";
	} else if (fr->cfg && ma_config_size(fr->cfg, "workspace", "ram", &v)) {
		fr->ram_bytes = v;
		fr->ram_source = "[workspace] ram";
	} else {
		fr->ram_bytes = ma_meminfo_total(fr->opts.meminfo ? fr->opts.meminfo :
						 "/proc/meminfo");
		fr->ram_source = fr->ram_bytes ? "/proc/meminfo" : "unknown";
	}
}

/* [workspace] skip entries of the configuration, NULL-terminated. */
static const char **skips(const struct ma_config *cfg)
{
	size_t n = 0, k = 0;
	const char **v;

	for (size_t i = 0; cfg && i < ma_config_count(cfg); i++)
		n++;
	if (!(v = calloc(n + 1, sizeof(*v))))
		return NULL;
	for (size_t i = 0; cfg && i < ma_config_count(cfg); i++) {
		const struct ma_config_entry *e = ma_config_at(cfg, i);
		if (!strcmp(e->section, "workspace") && !strcmp(e->key, "skip"))
			v[k++] = e->value;
	}
	return v;
}

static void scan(struct ma_full_report *fr)
{
	struct ma_workspace_opts wo = { fr->ram_bytes, fr->opts.meminfo, fr->opts.cargo, NULL };
	const char **skip;

	if (!fr->opts.workspace)
		return;
	skip = skips(fr->cfg);
	wo.skip = skip;
	fr->workspace = ma_workspace_scan(fr->opts.workspace, &wo, fr->workspace_error,
					  sizeof(fr->workspace_error));
	free(skip);
}

/* The trace whose process had the highest RSS: the one the metrics of a
 * multi-process run are about when it comes to the allocator. */
static size_t main_input(const struct ma_full_report *fr)
{
	size_t best = 0;

	for (size_t i = 1; i < fr->nfrags; i++)
		if (ma_frag_peak_rss(&fr->frags[i]) > ma_frag_peak_rss(&fr->frags[best]))
			best = i;
	return best;
}

static const char *const styles[][2] = {
	{ "MemoryConfig", "// MemoryConfig: the memory guide's Rust configuration struct\n"
	  "let config = MemoryConfig {\n" },
	{ "Cargo", "# Cargo.toml: feature flags\n" },
	{ "env", "# environment of the process (glibc malloc tunables)\n" },
	{ "code", "// code changes\n" },
};

static int block(struct ma_full_report *fr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int started = 0;

	if (!f)
		return -1;
	for (size_t s = 0; s < sizeof(styles) / sizeof(styles[0]); s++) {
		int any = 0;
		for (size_t i = 0; i < fr->nrecs; i++) {
			const struct ma_recommendation *r = &fr->recs[i];
			if (strcmp(r->style, styles[s][0]))
				continue;
			if (!any++)
				fprintf(f, "%s%s", started++ ? "\n" : "", styles[s][1]);
			fprintf(f, "%s%s\n", s == 0 ? "    " : "", r->paste);
		}
		if (any && s == 0)
			fputs("    ..Default::default()\n};\n", f);
	}
	if (fclose(f))
		return -1;
	fr->config_block = buf;
	return 0;
}

int ma_full_finish(struct ma_full_report *fr, const struct ma_analysis *a,
		   char *err, size_t errlen)
{
	const struct ma_process *p = ma_analysis_main(a);

	for (size_t i = 0; i < fr->nfrags; i++)
		ma_frag_finish(&fr->frags[i]);
	ma_models_finish(&fr->models);
	for (size_t i = 0; i < fr->nmodels_of; i++)
		ma_models_finish(&fr->models_of[i]);
	fr->frag_input = main_input(fr);
	fr->frag = fr->nfrags ? &fr->frags[fr->frag_input] : NULL;
	ma_metrics_compute(fr->metrics, &fr->ratings, p, fr->frag, &fr->models);
	pick_ram(fr);
	scan(fr);
	if (ma_recommend(fr, p) < 0 || block(fr) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fr->cfg = NULL;
	return 0;
}

void ma_full_free(struct ma_full_report *fr)
{
	if (!fr)
		return;
	for (size_t i = 0; i < fr->nfrags; i++)
		ma_frag_release(&fr->frags[i]);
	free(fr->frags);
	for (size_t i = 0; i < fr->nmodels_of; i++)
		ma_models_release(&fr->models_of[i]);
	free(fr->models_of);
	ma_models_release(&fr->models);
	ma_workspace_free(fr->workspace);
	free(fr->recs);
	free(fr->config_block);
	free(fr);
}

void ma_full_process_metrics(const struct ma_full_report *fr, const struct ma_process *p,
			     size_t input, struct ma_metric *out)
{
	static const struct ma_models none;

	ma_metrics_compute(out, &fr->ratings, p, input < fr->nfrags ? &fr->frags[input] : NULL,
			   input < fr->nmodels_of ? &fr->models_of[input] : &none);
}

const struct ma_recommendation *ma_full_rec(const struct ma_full_report *fr, const char *id)
{
	for (size_t i = 0; i < fr->nrecs; i++)
		if (!strcmp(fr->recs[i].id, id))
			return &fr->recs[i];
	return NULL;
}
