#include "config.h"

#include "html_data.h"

#include <inttypes.h>
#include <stdio.h>

#include "ratings.h"
#include "stackfmt.h"
#include "trace_codec.h"

enum col { C_BYTES, C_BLOCKS, C_CALLS, C_ALLOC, C_COUNT };

/* One table of the text report: which list, and what its numbers mean
 * (the lists ranked by calls keep allocated bytes in `bytes`, see
 * analysis.h). */
struct table {
	const char *key, *title;
	unsigned section;
	const char *cols[C_COUNT];   /* column titles, NULL: not shown */
};

static const struct table tables[] = {
	{ "leaks", "Leaks", MA_SEC_LEAKS, { "bytes", "blocks", "calls", "allocated" } },
	{ "peak", "Peak heap by site", MA_SEC_PEAK, { "bytes", "blocks", "calls", "allocated" } },
	{ "top_bytes", "Top sites by bytes allocated", MA_SEC_ALLOCATIONS,
	  { NULL, NULL, "calls", "allocated" } },
	{ "top_calls", "Top sites by calls", MA_SEC_ALLOCATIONS, { NULL, NULL, "calls", "allocated" } },
	{ "temporary", "Temporary allocations", MA_SEC_TEMPORARY,
	  { "bytes", "temporary", "calls", NULL } },
};

static const struct ma_site_list *table_list(const struct ma_process *p, size_t i)
{
	switch (i) {
	case 0: return &p->leaks;
	case 1: return &p->peak.sites;
	case 2: return &p->top_bytes;
	case 3: return &p->top_calls;
	default: return &p->temporary;
	}
}

static void summary(struct hj *w, const struct ma_process *p)
{
	const struct ma_totals *t = &p->totals;

	hj_open(w, "summary", '{');
	hj_u64(w, "allocations", t->allocations);
	hj_u64(w, "frees", t->frees);
	hj_u64(w, "bytes_allocated", t->bytes_allocated);
	hj_u64(w, "peak_heap_bytes", t->peak_heap_bytes);
	hj_u64(w, "peak_heap_time_ns", t->peak_heap_ts);
	hj_u64(w, "peak_rss_bytes", t->peak_rss_bytes);
	hj_u64(w, "peak_rss_time_ns", t->peak_rss_ts);
	hj_u64(w, "live_bytes_end", t->live_bytes);
	hj_u64(w, "live_blocks_end", t->live_blocks);
	hj_u64(w, "temporary_allocations", t->temporary);
	hj_u64(w, "mmap_bytes", t->mmap_bytes);
	hj_u64(w, "peak_mmap_bytes", t->peak_mmap_bytes);
	hj_u64(w, "mismatched_frees", t->mismatched);
	hj_u64(w, "unknown_frees", t->unknown_frees);
	hj_u64(w, "lost_events", t->lost_events);
	hj_u64(w, "threads", t->threads);
	hj_u64(w, "duration_ns", t->duration_ns);
	hj_close(w, '}');
}

static void timeline(struct hj *w, const struct ma_process *p)
{
	hj_open(w, "timeline", '[');
	for (size_t i = 0; i < p->ntimeline; i++) {
		const struct ma_timeline_point *t = &p->timeline[i];
		hj_open(w, NULL, '[');
		hj_u64(w, NULL, t->ts);
		hj_u64(w, NULL, t->heap_bytes);
		hj_u64(w, NULL, t->mmap_bytes);
		hj_u64(w, NULL, t->rss_bytes);
		hj_close(w, ']');
	}
	hj_close(w, ']');
	hj_open(w, "markers", '[');
	for (size_t i = 0; i < p->nmarkers; i++) {
		hj_open(w, NULL, '[');
		hj_u64(w, NULL, p->markers[i].ts);
		hj_str(w, NULL, p->markers[i].name);
		hj_close(w, ']');
	}
	hj_close(w, ']');
}

static void frame(struct hj *w, const struct ma_frame *f)
{
	char name[512], where[512], text[1100];

	ma_frame_name(f, name, sizeof(name));
	ma_frame_where(f, where, sizeof(where));
	snprintf(text, sizeof(text), "%s%s%s%s%s", name, *where ? " (" : "", where,
		 *where ? ")" : "", f->inlined ? " [inlined]" : "");
	hj_str(w, NULL, text);
}

static void row(struct hj *w, const struct table *t, const struct ma_site *s)
{
	const uint64_t v[C_COUNT] = { s->bytes, s->blocks, s->calls, s->alloc_bytes };

	hj_open(w, NULL, '{');
	hj_open(w, "v", '[');
	for (int c = 0; c < C_COUNT; c++)
		if (t->cols[c])
			hj_u64(w, NULL, v[c]);
	hj_close(w, ']');
	hj_open(w, "stack", '[');
	for (unsigned i = 0; i < s->stack.nframes; i++)
		frame(w, &s->stack.frames[i]);
	hj_close(w, ']');
	hj_close(w, '}');
}

static void table(struct hj *w, const struct table *t, const struct ma_site_list *l)
{
	hj_open(w, NULL, '{');
	hj_str(w, "key", t->key);
	hj_str(w, "title", t->title);
	hj_open(w, "columns", '[');
	for (int c = 0; c < C_COUNT; c++)
		if (t->cols[c])
			hj_str(w, NULL, t->cols[c]);
	hj_close(w, ']');
	hj_u64(w, "sites", l->total_sites);
	hj_open(w, "rows", '[');
	for (size_t i = 0; i < l->n && i < MA_HTML_TABLE_ROWS; i++)
		row(w, t, &l->v[i]);
	hj_close(w, ']');
	hj_close(w, '}');
}

static void all_tables(struct hj *w, const struct ma_process *p, unsigned sec)
{
	hj_open(w, "tables", '[');
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (sec & tables[i].section)
			table(w, &tables[i], table_list(p, i));
	hj_close(w, ']');
}

static void histogram(struct hj *w, const struct ma_process *p)
{
	hj_open(w, "histogram", '[');
	for (unsigned b = 0; b < MA_HIST_BUCKETS; b++) {
		if (!p->histogram[b])
			continue;
		hj_open(w, NULL, '[');
		hj_u64(w, NULL, b ? 1ull << b : 0);
		hj_u64(w, NULL, b < 63 ? (2ull << b) - 1 : UINT64_MAX);
		hj_u64(w, NULL, p->histogram[b]);
		hj_close(w, ']');
	}
	hj_close(w, ']');
}

void ma_html_metric(struct hj *w, const struct ma_metric *m)
{
	const struct ma_metric_def *d = ma_metric_def(m->id);

	hj_open(w, NULL, '{');
	hj_str(w, "title", d->title);
	if (m->measured)
		hj_num(w, "value", m->value);
	else
		hj_str(w, "value", NULL);
	hj_str(w, "unit", d->unit);
	hj_str(w, "band", ma_band_name(m->band));
	hj_str(w, "reason", m->measured ? d->how : m->reason);
	hj_close(w, '}');
}

/* The full report's ratings and recommendations, when the result has
 * them: a loop of ma_html_metric() over its metrics goes in "ratings";
 * the page reads
 *   recommendations: [{band, title, measurement, setting, value, effect}]
 * and leaves its section out while both are empty. */
static void findings(struct hj *w, const struct ma_process *p)
{
	(void)p;
	hj_open(w, "ratings", '[');
	hj_close(w, ']');
	hj_open(w, "recommendations", '[');
	hj_close(w, ']');
}

static void meta(struct hj *w, const struct ma_analysis *a, const struct ma_process *p,
		 const struct ma_render_opts *o)
{
	hj_str(w, "version", PACKAGE_VERSION);
	hj_str(w, "report_type", o->report_type);
	hj_str(w, "cmdline", p->cmdline && *p->cmdline ? p->cmdline : p->exe);
	hj_u64(w, "pid", p->pid);
	hj_u64(w, "processes", a->nprocs);
	hj_str(w, "trace", a->nprocs == 1 ? p->trace_path : NULL);
	hj_bool(w, "complete", p->complete);
	hj_str(w, "exit", p->complete ? ma_exit_kind_name(p->exit_kind) : NULL);
	hj_str(w, "damage", p->damage);
	hj_bool(w, "leaks_are_leaks", p->leaks_are_leaks);
	hj_str(w, "leaks_reason", p->leaks_reason);
}

int ma_html_data(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);
	struct hj w = { .f = out };
	int rc;

	hj_open(&w, NULL, '{');
	meta(&w, a, p, o);
	summary(&w, p);
	timeline(&w, p);
	rc = ma_html_flames(&w, p);
	all_tables(&w, p, o->sections);
	histogram(&w, p);
	findings(&w, p);
	hj_close(&w, '}');
	putc('\n', out);
	return rc;
}
