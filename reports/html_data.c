#include "config.h"

#include "html_data.h"

#include <inttypes.h>
#include <stdio.h>

#include "full_report.h"
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

static void summary(struct jw *w, const struct ma_process *p)
{
	const struct ma_totals *t = &p->totals;

	jw_open(w, "summary", '{');
	jw_u64(w, "allocations", t->allocations);
	jw_u64(w, "frees", t->frees);
	jw_u64(w, "bytes_allocated", t->bytes_allocated);
	jw_u64(w, "peak_heap_bytes", t->peak_heap_bytes);
	jw_u64(w, "peak_heap_time_ns", t->peak_heap_ts);
	jw_u64(w, "peak_rss_bytes", t->peak_rss_bytes);
	jw_u64(w, "peak_rss_time_ns", t->peak_rss_ts);
	jw_u64(w, "peak_rss_sampled_bytes", t->peak_rss_sampled_bytes);
	jw_u64(w, "peak_rss_kernel_bytes", t->peak_rss_kernel_bytes);
	jw_u64(w, "leaked_bytes", p->leaked_bytes);
	jw_u64(w, "leaked_blocks", p->leaked_blocks);
	jw_u64(w, "live_bytes_end", t->live_bytes);
	jw_u64(w, "live_blocks_end", t->live_blocks);
	jw_u64(w, "temporary_allocations", t->temporary);
	jw_u64(w, "mmap_bytes", t->mmap_bytes);
	jw_u64(w, "peak_mmap_bytes", t->peak_mmap_bytes);
	jw_u64(w, "mismatched_frees", t->mismatched);
	jw_u64(w, "unknown_frees", t->unknown_frees);
	jw_u64(w, "lost_events", t->lost_events);
	jw_u64(w, "threads", t->threads);
	jw_u64(w, "duration_ns", t->duration_ns);
	jw_close(w, '}');
}

/* [time, heap, mapped, RSS] */
static void timeline_point(struct jw *w, const void *e)
{
	const struct ma_timeline_point *t = e;

	jw_u64(w, NULL, t->ts);
	jw_u64(w, NULL, t->heap_bytes);
	jw_u64(w, NULL, t->mmap_bytes);
	jw_u64(w, NULL, t->rss_bytes);
}

/* [time, name] */
static void marker(struct jw *w, const void *e)
{
	const struct ma_marker *m = e;

	jw_u64(w, NULL, m->ts);
	jw_str(w, NULL, m->name);
}

static void timeline(struct jw *w, const struct ma_process *p)
{
	JW_EACH(w, "timeline", p->timeline, p->ntimeline, '[', timeline_point);
	JW_EACH(w, "markers", p->markers, p->nmarkers, '[', marker);
}

static void frame(struct jw *w, const struct ma_frame *f)
{
	char name[512], where[512], text[1100];

	ma_frame_name(f, name, sizeof(name));
	ma_frame_where(f, where, sizeof(where));
	snprintf(text, sizeof(text), "%s%s%s%s%s", name, *where ? " (" : "", where,
		 *where ? ")" : "", f->inlined ? " [inlined]" : "");
	jw_str(w, NULL, text);
}

static void row(struct jw *w, const struct table *t, const struct ma_site *s)
{
	const uint64_t v[C_COUNT] = { s->bytes, s->blocks, s->calls, s->alloc_bytes };

	jw_open(w, NULL, '{');
	jw_open(w, "v", '[');
	for (int c = 0; c < C_COUNT; c++)
		if (t->cols[c])
			jw_u64(w, NULL, v[c]);
	jw_close(w, ']');
	jw_open(w, "stack", '[');
	for (unsigned i = 0; i < s->stack.nframes; i++)
		frame(w, &s->stack.frames[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

static void table(struct jw *w, const struct table *t, const struct ma_site_list *l)
{
	jw_open(w, NULL, '{');
	jw_str(w, "key", t->key);
	jw_str(w, "title", t->title);
	jw_open(w, "columns", '[');
	for (int c = 0; c < C_COUNT; c++)
		if (t->cols[c])
			jw_str(w, NULL, t->cols[c]);
	jw_close(w, ']');
	jw_u64(w, "sites", l->total_sites);
	jw_open(w, "rows", '[');
	for (size_t i = 0; i < l->n && i < MA_HTML_TABLE_ROWS; i++)
		row(w, t, &l->v[i]);
	jw_close(w, ']');
	jw_close(w, '}');
}

static void all_tables(struct jw *w, const struct ma_process *p, unsigned sec)
{
	jw_open(w, "tables", '[');
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (sec & tables[i].section)
			table(w, &tables[i], table_list(p, i));
	jw_close(w, ']');
}

static void histogram(struct jw *w, const struct ma_process *p)
{
	jw_open(w, "histogram", '[');
	for (unsigned b = 0; b < MA_HIST_BUCKETS; b++) {
		if (!p->histogram[b])
			continue;
		jw_open(w, NULL, '[');
		jw_u64(w, NULL, b ? 1ull << b : 0);
		jw_u64(w, NULL, b < 63 ? (2ull << b) - 1 : UINT64_MAX);
		jw_u64(w, NULL, p->histogram[b]);
		jw_close(w, ']');
	}
	jw_close(w, ']');
}

void ma_html_metric(struct jw *w, const struct ma_metric *m)
{
	const struct ma_metric_def *d = ma_metric_def(m->id);

	jw_open(w, NULL, '{');
	jw_str(w, "title", d->title);
	if (m->measured)
		jw_num(w, "value", m->value);
	else
		jw_str(w, "value", NULL);
	jw_str(w, "unit", d->unit);
	jw_str(w, "band", ma_band_name(m->band));
	jw_str(w, "reason", m->measured ? d->how : m->reason);
	jw_close(w, '}');
}

/* The full report's ratings and recommendations, when the result has
 * them: a loop of ma_html_metric() over its metrics goes in "ratings";
 * the page reads
 *   recommendations: [{band, title, measurement, setting, value, effect}]
 * and leaves its section out while both are empty (any other report
 * type). */
static void findings(struct jw *w, const struct ma_full_report *fr)
{
	jw_open(w, "ratings", '[');
	for (int i = 0; fr && i < MA_METRIC_COUNT; i++)
		ma_html_metric(w, &fr->metrics[i]);
	jw_close(w, ']');
	jw_open(w, "recommendations", '[');
	for (size_t i = 0; fr && i < fr->nrecs; i++) {
		const struct ma_recommendation *r = &fr->recs[i];

		jw_open(w, NULL, '{');
		jw_str(w, "band", ma_band_name(r->band));
		jw_str(w, "title", r->title);
		jw_str(w, "measurement", r->evidence);
		jw_str(w, "setting", r->setting);
		jw_str(w, "value", r->value);
		jw_str(w, "effect", r->effect);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void meta(struct jw *w, const struct ma_analysis *a, const struct ma_process *p,
		 const struct ma_render_opts *o)
{
	jw_str(w, "version", PACKAGE_VERSION);
	jw_str(w, "report_type", o->report_type);
	jw_str(w, "cmdline", p->cmdline && *p->cmdline ? p->cmdline : p->exe);
	jw_u64(w, "pid", p->pid);
	jw_u64(w, "processes", a->nprocs);
	jw_str(w, "trace", a->nprocs == 1 ? p->trace_path : NULL);
	jw_bool(w, "complete", p->complete);
	jw_str(w, "exit", p->complete ? ma_exit_kind_name(p->exit_kind) : NULL);
	jw_str(w, "damage", p->damage);
	jw_bool(w, "leaks_are_leaks", p->leaks_are_leaks);
	jw_str(w, "leaks_reason", p->leaks_reason);
}

int ma_html_data(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);
	struct jw w;
	int rc;

	jw_init(&w, out, JW_HTML);
	jw_open(&w, NULL, '{');
	meta(&w, a, p, o);
	summary(&w, p);
	timeline(&w, p);
	rc = ma_html_flames(&w, p);
	all_tables(&w, p, o->sections);
	histogram(&w, p);
	findings(&w, a->full);
	jw_close(&w, '}');
	putc('\n', out);
	return rc;
}
