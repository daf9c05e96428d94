#include "config.h"

#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "report_util.h"
#include "trace_codec.h"

/* A tiny streaming writer: it remembers only whether the current object
 * or array has a member yet, so commas land right. */
struct jw {
	FILE *f;
	int depth;
	unsigned char has[64];
};

static void jw_key(struct jw *w, const char *key)
{
	if (w->has[w->depth])
		putc(',', w->f);
	w->has[w->depth] = 1;
	fprintf(w->f, "\n%*s", 2 * w->depth, "");
	if (key) {
		ma_json_string(w->f, key, strlen(key));
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	putc(c, w->f);
	if (w->depth < 63)
		w->depth++;
	w->has[w->depth] = 0;
}

static void jw_close(struct jw *w, char c)
{
	int had = w->has[w->depth];

	w->depth--;
	if (had)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	putc(c, w->f);
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

static void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRId64, v);
}

static void jw_bool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		ma_json_string(w->f, s, strlen(s));
	else
		fputs("null", w->f);
}

static void jw_hex(struct jw *w, const char *key, uint64_t v)
{
	char buf[32];

	/* Addresses pass 2^53: strings keep them exact in every parser. */
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jw_str(w, key, buf);
}

/* ---- the pieces of a report ---- */

static void stack(struct jw *w, const char *key, const struct ma_stack *s)
{
	jw_open(w, key, '[');
	for (unsigned i = 0; i < s->nframes; i++) {
		const struct ma_frame *f = &s->frames[i];
		jw_open(w, NULL, '{');
		jw_str(w, "function", f->function);
		jw_str(w, "file", f->file);
		jw_u64(w, "line", f->line);
		jw_str(w, "module", f->module);
		jw_hex(w, "offset", f->offset);
		jw_hex(w, "address", f->addr);
		jw_bool(w, "inlined", f->inlined);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void site_list(struct jw *w, const char *key, const struct ma_site_list *l,
		      int deltas)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < l->n; i++) {
		const struct ma_site *s = &l->v[i];
		jw_open(w, NULL, '{');
		jw_u64(w, "bytes", s->bytes);
		jw_u64(w, "blocks", s->blocks);
		if (deltas) {
			jw_i64(w, "delta_bytes", s->dbytes);
			jw_i64(w, "delta_blocks", s->dblocks);
		}
		jw_u64(w, "calls", s->calls);
		jw_u64(w, "allocated_bytes", s->alloc_bytes);
		stack(w, "stack", &s->stack);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void list_totals(struct jw *w, const char *key, const struct ma_site_list *l)
{
	jw_open(w, key, '{');
	jw_u64(w, "bytes", l->bytes);
	jw_u64(w, "blocks", l->blocks);
	jw_u64(w, "sites", l->total_sites);
	jw_u64(w, "shown", l->n);
	jw_close(w, '}');
}

static void calls(struct jw *w, const struct ma_totals *t)
{
	jw_open(w, "calls", '{');
	for (unsigned fn = 0; fn < MA_FN_COUNT; fn++)
		jw_u64(w, ma_fn_display(fn), t->calls[fn]);
	jw_close(w, '}');
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
	/* Only a complete trace of a process that exited has leaks. */
	jw_u64(w, "leaked_bytes", p->leaks_are_leaks ? t->live_bytes : 0);
	jw_u64(w, "leaked_blocks", p->leaks_are_leaks ? t->live_blocks : 0);
	jw_u64(w, "live_bytes_end", t->live_bytes);
	jw_u64(w, "live_blocks_end", t->live_blocks);
	jw_u64(w, "temporary_allocations", t->temporary);
	jw_u64(w, "unknown_frees", t->unknown_frees);
	jw_u64(w, "inherited_frees", t->inherited_frees);
	jw_u64(w, "mismatched_frees", t->mismatched);
	jw_u64(w, "mmap_calls", t->mmap_calls);
	jw_u64(w, "mmap_bytes", t->mmap_bytes);
	jw_u64(w, "munmap_calls", t->munmap_calls);
	jw_u64(w, "peak_mmap_bytes", t->peak_mmap_bytes);
	jw_u64(w, "live_mmap_bytes_end", t->live_mmap_bytes);
	jw_u64(w, "duration_ns", t->duration_ns);
	jw_u64(w, "threads", t->threads);
	jw_u64(w, "lost_events", t->lost_events);
	calls(w, t);
	jw_close(w, '}');
}

static void leaks(struct jw *w, const struct ma_process *p)
{
	static const struct ma_site_list none;

	jw_bool(w, "leaks_are_leaks", p->leaks_are_leaks);
	jw_str(w, "leaks_reason", p->leaks_reason);
	site_list(w, "leaks", p->leaks_are_leaks ? &p->leaks : &none, 0);
	if (!p->leaks_are_leaks)
		site_list(w, "live_at_end", &p->leaks, 0);
	list_totals(w, p->leaks_are_leaks ? "leaks_total" : "live_at_end_total", &p->leaks);
	site_list(w, "inherited_live", &p->inherited_live, 0);
	jw_open(w, "mismatches", '[');
	for (size_t i = 0; i < p->nmismatches; i++) {
		const struct ma_mismatch *m = &p->mismatches[i];
		jw_open(w, NULL, '{');
		jw_str(w, "allocated_with", ma_fn_display(m->alloc_fn));
		jw_str(w, "released_with", ma_fn_display(m->free_fn));
		jw_u64(w, "count", m->count);
		jw_u64(w, "bytes", m->bytes);
		stack(w, "stack", &m->stack);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void snapshot(struct jw *w, const char *key, const struct ma_snapshot *s)
{
	jw_open(w, key, '{');
	jw_str(w, "label", s->label);
	jw_bool(w, "taken", s->taken);
	jw_u64(w, "time_ns", s->ts);
	list_totals(w, "total", &s->sites);
	site_list(w, "sites", &s->sites, 0);
	jw_close(w, '}');
}

static void snapshots(struct jw *w, const struct ma_process *p)
{
	jw_open(w, "snapshots", '[');
	for (unsigned k = 0; k < p->nsnaps; k++)
		snapshot(w, NULL, &p->snaps[k]);
	jw_close(w, ']');
	if (p->nsnaps == 2 && p->snaps[0].taken && p->snaps[1].taken)
		site_list(w, "snapshot_diff", &p->snap_diff, 1);
}

static void allocations(struct jw *w, const struct ma_process *p)
{
	jw_open(w, "allocations", '{');
	site_list(w, "top_by_calls", &p->top_calls, 0);
	site_list(w, "top_by_bytes", &p->top_bytes, 0);
	jw_open(w, "size_histogram", '[');
	for (unsigned b = 0; b < MA_HIST_BUCKETS; b++) {
		if (!p->histogram[b])
			continue;
		jw_open(w, NULL, '{');
		jw_u64(w, "min", b ? 1ull << b : 0);
		jw_u64(w, "max", b < 63 ? (2ull << b) - 1 : UINT64_MAX);
		jw_u64(w, "count", p->histogram[b]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void timeline(struct jw *w, const struct ma_process *p)
{
	jw_open(w, "timeline", '[');
	for (size_t i = 0; i < p->ntimeline; i++) {
		const struct ma_timeline_point *t = &p->timeline[i];
		jw_open(w, NULL, '{');
		jw_u64(w, "time_ns", t->ts);
		jw_u64(w, "heap_bytes", t->heap_bytes);
		jw_u64(w, "mmap_bytes", t->mmap_bytes);
		jw_u64(w, "rss_bytes", t->rss_bytes);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void sections(struct jw *w, const struct ma_process *p, unsigned sec)
{
	summary(w, p);
	if (sec & MA_SEC_LEAKS)
		leaks(w, p);
	if (sec & MA_SEC_PEAK) {
		site_list(w, "peak", &p->peak.sites, 0);
		list_totals(w, "peak_total", &p->peak.sites);
	}
	if (sec & MA_SEC_SNAPSHOTS && p->nsnaps)
		snapshots(w, p);
	if (sec & MA_SEC_TEMPORARY)
		site_list(w, "temporary", &p->temporary, 0);
	if (sec & MA_SEC_ALLOCATIONS)
		allocations(w, p);
	if (sec & MA_SEC_TIMELINE && p->timeline)
		timeline(w, p);
}

static void process(struct jw *w, const struct ma_process *p, unsigned sec)
{
	jw_open(w, NULL, '{');
	jw_u64(w, "pid", p->pid);
	jw_u64(w, "ppid", p->ppid);
	jw_str(w, "exe", p->exe);
	jw_str(w, "cmdline", p->cmdline);
	jw_str(w, "trace", p->trace_path);
	jw_bool(w, "fork_child", (p->flags & MA_PROC_F_FORK_CHILD) != 0);
	jw_bool(w, "complete", p->complete);
	jw_str(w, "exit", p->complete ? ma_exit_kind_name(p->exit_kind) : NULL);
	jw_i64(w, "exit_status", p->exit_status);
	jw_str(w, "damage", p->damage);
	sections(w, p, sec);
	jw_close(w, '}');
}

static const char *group_name(enum ma_group_by g)
{
	return g == MA_GROUP_FUNCTION ? "function" : g == MA_GROUP_MODULE ? "module" : "site";
}

int ma_render_json(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	const struct ma_process *m = ma_analysis_main(a);
	struct jw w = { .f = out };

	putc('{', out);
	jw_u64(&w, "schema_version", MA_REPORT_SCHEMA_VERSION);
	jw_str(&w, "report_type", o->report_type);
	jw_str(&w, "group_by", group_name(a->opts.group_by));
	jw_u64(&w, "process_count", a->nprocs);
	jw_bool(&w, "damaged", a->damaged);
	jw_str(&w, "damage", m->damage);
	/* The top level is the sum over every process (the only one when
	 * there is one); "processes" has each on its own. */
	sections(&w, m, o->sections);
	jw_open(&w, "processes", '[');
	for (size_t i = 0; i < a->nprocs; i++)
		process(&w, &a->procs[i], o->sections);
	jw_close(&w, ']');
	fputs("\n}\n", out);
	return ferror(out) ? -1 : 0;
}
