#include "config.h"

#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "full_report.h"
#include "jsonw.h"
#include "trace_codec.h"

/* ---- the pieces of a report ---- */

/* Each shape of the report has one function that writes its members;
 * jw_each() writes lists of them. */

static void frame(struct jw *w, const void *e)
{
	const struct ma_frame *f = e;

	jw_str(w, "function", f->function);
	jw_str(w, "file", f->file);
	jw_u64(w, "line", f->line);
	jw_str(w, "module", f->module);
	jw_hex(w, "offset", f->offset);
	jw_hex(w, "address", f->addr);
	jw_bool(w, "inlined", f->inlined);
}

static void stack(struct jw *w, const char *key, const struct ma_stack *s)
{
	JW_EACH(w, key, s->frames, s->nframes, '{', frame);
}

static void site_members(struct jw *w, const struct ma_site *s, int deltas)
{
	jw_u64(w, "bytes", s->bytes);
	jw_u64(w, "blocks", s->blocks);
	if (deltas) {
		jw_i64(w, "delta_bytes", s->dbytes);
		jw_i64(w, "delta_blocks", s->dblocks);
	}
	jw_u64(w, "calls", s->calls);
	jw_u64(w, "allocated_bytes", s->alloc_bytes);
	stack(w, "stack", &s->stack);
}

static void site(struct jw *w, const void *e)
{
	site_members(w, e, 0);
}

static void site_delta(struct jw *w, const void *e)
{
	site_members(w, e, 1);
}

static void site_list(struct jw *w, const char *key, const struct ma_site_list *l,
		      int deltas)
{
	JW_EACH(w, key, l->v, l->n, '{', deltas ? site_delta : site);
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
	jw_u64(w, "peak_rss_sampled_bytes", t->peak_rss_sampled_bytes);
	jw_u64(w, "peak_rss_kernel_bytes", t->peak_rss_kernel_bytes);
	/* Only a complete trace of a process that exited has leaks. */
	jw_u64(w, "leaked_bytes", p->leaked_bytes);
	jw_u64(w, "leaked_blocks", p->leaked_blocks);
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

/* Apart from the summary's numbers, which never include it. */
static void probe_own(struct jw *w, const struct ma_probe_own *o)
{
	jw_open(w, "probe_own", '{');
	jw_bool(w, "recorded", o->recorded == 3);
	jw_u64(w, "bootstrap_blocks", o->boot_blocks);
	jw_u64(w, "bootstrap_bytes", o->boot_bytes);
	jw_u64(w, "bootstrap_freed_blocks", o->boot_freed_blocks);
	jw_u64(w, "bootstrap_freed_bytes", o->boot_freed_bytes);
	jw_u64(w, "bootstrap_live_blocks", o->boot_blocks - o->boot_freed_blocks);
	jw_u64(w, "bootstrap_live_bytes", o->boot_bytes - o->boot_freed_bytes);
	jw_u64(w, "internal_calls", o->internal_calls);
	jw_u64(w, "internal_bytes", o->internal_bytes);
	jw_close(w, '}');
}

static void mismatch(struct jw *w, const void *e)
{
	const struct ma_mismatch *m = e;

	jw_str(w, "allocated_with", ma_fn_display(m->alloc_fn));
	jw_str(w, "released_with", ma_fn_display(m->free_fn));
	jw_u64(w, "count", m->count);
	jw_u64(w, "bytes", m->bytes);
	stack(w, "stack", &m->stack);
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
	JW_EACH(w, "mismatches", p->mismatches, p->nmismatches, '{', mismatch);
}

static void snapshot(struct jw *w, const void *e)
{
	const struct ma_snapshot *s = e;

	jw_str(w, "label", s->label);
	jw_bool(w, "taken", s->taken);
	jw_u64(w, "time_ns", s->ts);
	list_totals(w, "total", &s->sites);
	site_list(w, "sites", &s->sites, 0);
}

static void snapshots(struct jw *w, const struct ma_process *p)
{
	JW_EACH(w, "snapshots", p->snaps, p->nsnaps, '{', snapshot);
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

static void timeline_point(struct jw *w, const void *e)
{
	const struct ma_timeline_point *t = e;

	jw_u64(w, "time_ns", t->ts);
	jw_u64(w, "heap_bytes", t->heap_bytes);
	jw_u64(w, "mmap_bytes", t->mmap_bytes);
	jw_u64(w, "rss_bytes", t->rss_bytes);
}

static void sections(struct jw *w, const struct ma_process *p, unsigned sec)
{
	summary(w, p);
	probe_own(w, &p->probe_own);
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
		JW_EACH(w, "timeline", p->timeline, p->ntimeline, '{', timeline_point);
}

/* ---- the full report (lib/full_report.h) ---- */

static void model_load(struct jw *w, const void *e)
{
	const struct ma_model_load *l = e;

	jw_str(w, "model", l->model);
	jw_u64(w, "loads", l->loads);
	jw_num(w, "slowest_ms", (double)l->max_ns / 1e6);
	jw_num(w, "mean_ms", l->loads ? (double)l->total_ns / 1e6 / (double)l->loads : 0);
	jw_num(w, "fastest_ms", (double)l->min_ns / 1e6);
	jw_i64(w, "heap_bytes_per_load", l->heap_delta);
	jw_i64(w, "mapped_bytes_per_load", l->mmap_delta);
	jw_u64(w, "reloads", l->reloads);
	jw_num(w, "longest_reload_gap_ms", (double)l->reload_gap_max_ns / 1e6);
}

static void cache(struct jw *w, const void *e)
{
	const struct ma_cache_counts *c = e;

	jw_str(w, "name", c->name);
	jw_i64(w, "hits", c->hits);
	jw_i64(w, "misses", c->misses);
	if (c->hits + c->misses > 0)
		jw_num(w, "hit_rate_pct", 100.0 * (double)c->hits / (double)(c->hits + c->misses));
	else
		jw_str(w, "hit_rate_pct", NULL);
}

static void metric(struct jw *w, const struct ma_full_report *fr, const struct ma_metric *m)
{
	const struct ma_metric_def *d = ma_metric_def(m->id);

	jw_open(w, NULL, '{');
	jw_str(w, "name", d->name);
	jw_str(w, "title", d->title);
	if (m->measured)
		jw_num(w, "value", m->value);
	else
		jw_str(w, "value", NULL);
	jw_str(w, "unit", d->unit);
	jw_str(w, "rating", ma_band_name(m->band));
	jw_str(w, "how", d->how);
	if (!m->measured)
		jw_str(w, "reason", m->reason);
	jw_open(w, "limits", '{');
	for (int l = 0; l < MA_LIMIT_COUNT; l++)
		jw_num(w, ma_limit_name(l), fr->ratings.limit[m->id][l]);
	jw_bool(w, "higher_is_better", d->higher_is_better);
	jw_open(w, "origin", '{');
	for (int l = 0; l < MA_LIMIT_COUNT; l++)
		jw_str(w, ma_limit_name(l), fr->ratings.origin[m->id][l]);
	jw_close(w, '}');
	jw_close(w, '}');
	if (m->id == MA_METRIC_MODEL_LOAD_TIME_MS)
		JW_EACH(w, "models", fr->models.loads, fr->models.nloads, '{', model_load);
	if (m->id == MA_METRIC_CACHE_HIT_RATE_PCT)
		JW_EACH(w, "caches", fr->models.caches, fr->models.ncaches, '{', cache);
	jw_close(w, '}');
}

static void frag_point(struct jw *w, const void *e)
{
	const struct ma_frag_point *p = e;

	jw_u64(w, "time_ns", p->ts);
	jw_u64(w, "rss_bytes", p->rss);
	jw_u64(w, "held_bytes", p->held);
	jw_u64(w, "requested_bytes", p->requested);
	jw_u64(w, "internal_waste_bytes", p->waste);
	jw_u64(w, "free_bytes", p->free_bytes);
	jw_u64(w, "top_bytes", p->top);
	jw_num(w, "fragmentation_pct", p->frag_pct);
}

static void waste_class(struct jw *w, const void *e)
{
	const struct ma_waste_class *c = e;

	jw_u64(w, "min_size", c->lo);
	jw_u64(w, "max_size", c->hi);
	jw_bool(w, "mmapped", c->mmapped);
	jw_u64(w, "allocations", c->allocations);
	jw_u64(w, "requested_bytes", c->requested);
	jw_u64(w, "waste_bytes", c->waste);
}

static void fragmentation(struct jw *w, const struct ma_full_report *fr)
{
	const struct ma_frag *f = fr->frag;

	if (!f) {
		jw_str(w, "fragmentation", NULL);
		return;
	}
	jw_open(w, "fragmentation", '{');
	jw_u64(w, "samples", f->samples);
	jw_u64(w, "allocator_samples", f->mallinfo_samples);
	jw_u64(w, "rated_samples", f->rated_samples);
	jw_num(w, "median_pct", f->frag_median_pct);
	jw_num(w, "worst_pct", f->frag_worst_pct);
	jw_u64(w, "worst_time_ns", f->frag_worst_ts);
	jw_open(w, "at_most_held", '{');
	frag_point(w, &f->at_peak_held);
	jw_close(w, '}');
	jw_u64(w, "arena_bytes_at_most_held", f->peak_held_arena);
	jw_u64(w, "mmapped_bytes_at_most_held", f->peak_held_hblkhd);
	jw_u64(w, "peak_internal_waste_bytes", f->peak_waste);
	jw_u64(w, "peak_internal_waste_time_ns", f->peak_waste_ts);
	jw_open(w, "rss_vs_heap", '{');
	jw_u64(w, "peak_rss_bytes", f->peak_rss);
	jw_u64(w, "time_ns", f->peak_rss_ts);
	jw_u64(w, "heap_bytes", f->heap_at_peak_rss);
	jw_u64(w, "mapped_bytes", f->mmap_at_peak_rss);
	jw_u64(w, "machine_ram_bytes", fr->ram_bytes);
	if (fr->ram_bytes)
		jw_num(w, "rss_of_ram_pct", 100.0 * (double)ma_frag_peak_rss(f) / (double)fr->ram_bytes);
	jw_close(w, '}');
	JW_EACH(w, "size_classes_by_waste", f->classes, f->nclasses < 10 ? f->nclasses : 10, '{',
		waste_class);
	JW_EACH(w, "over_time", f->points, f->npoints, '{', frag_point);
	jw_close(w, '}');
	jw_open(w, "memory_pressure", '{');
	jw_bool(w, "psi_available", f->psi);
	jw_u64(w, "some_stall_us", f->psi_some_us);
	jw_u64(w, "full_stall_us", f->psi_full_us);
	jw_u64(w, "stall_samples", f->psi_events);
	jw_close(w, '}');
}

static void mapped_file(struct jw *w, const void *e)
{
	const struct ma_file_map *m = e;

	jw_str(w, "path", m->path);
	jw_u64(w, "size_bytes", m->size);
	jw_u64(w, "resident_bytes", m->resident);
}

static void strings(struct jw *w, const char *key, char **v, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jw_str(w, NULL, v[i]);
	jw_close(w, ']');
}

static void cargo_package(struct jw *w, const void *e)
{
	const struct ma_cargo_package *p = e;

	jw_str(w, "name", p->name);
	jw_str(w, "manifest", p->manifest);
	strings(w, "features", p->features, p->nfeatures);
	strings(w, "default_features", p->defaults, p->ndefaults);
}

static void cargo(struct jw *w, const struct ma_workspace *ws)
{
	static const char *const src[] = { "none", "cargo metadata", "Cargo.toml" };

	jw_str(w, "cargo_source", src[ws->cargo_source]);
	jw_str(w, "cargo_note", ws->cargo_note[0] ? ws->cargo_note : NULL);
	JW_EACH(w, "cargo_packages", ws->packages, ws->npackages, '{', cargo_package);
}

static void language(struct jw *w, const void *e)
{
	const struct ma_lang_lines *l = e;

	jw_str(w, "language", l->lang);
	jw_u64(w, "files", l->files);
	jw_u64(w, "lines", l->lines);
}

static void memory_setting(struct jw *w, const void *e)
{
	const struct ma_memory_setting *m = e;

	jw_str(w, "key", m->key);
	jw_str(w, "value", m->value);
	jw_str(w, "file", m->file);
	jw_u64(w, "line", m->line);
}

static void workspace(struct jw *w, const struct ma_full_report *fr)
{
	const struct ma_workspace *ws = fr->workspace;

	jw_open(w, "workspace", '{');
	jw_u64(w, "ram_bytes", fr->ram_bytes);
	jw_str(w, "ram_source", fr->ram_source);
	if (fr->workspace_error[0])
		jw_str(w, "error", fr->workspace_error);
	if (ws) {
		jw_str(w, "root", ws->root);
		jw_u64(w, "total_lines", ws->total_lines);
		jw_u64(w, "total_files", ws->total_files);
		jw_str(w, "size_class", ma_size_class_name(ma_workspace_size_class(ws->total_lines)));
		JW_EACH(w, "languages", ws->langs, ws->nlangs, '{', language);
		cargo(w, ws);
		JW_EACH(w, "memory_settings", ws->memory, ws->nmemory, '{', memory_setting);
	}
	jw_close(w, '}');
}

static void recommendation(struct jw *w, const void *e)
{
	const struct ma_recommendation *r = e;

	jw_str(w, "id", r->id);
	jw_str(w, "title", r->title);
	jw_str(w, "rating", ma_band_name(r->band));
	jw_str(w, "setting", r->setting);
	jw_str(w, "value", r->value);
	jw_str(w, "reason", r->reason);
	jw_str(w, "evidence", r->evidence);
	jw_str(w, "effect", r->effect);
	jw_str(w, "style", r->style);
	jw_str(w, "paste", r->paste);
}

static void full(struct jw *w, const struct ma_full_report *fr)
{
	jw_open(w, "metrics", '[');
	for (int i = 0; i < MA_METRIC_COUNT; i++)
		metric(w, fr, &fr->metrics[i]);
	jw_close(w, ']');
	fragmentation(w, fr);
	JW_EACH(w, "mapped_files", fr->models.maps, fr->models.nmaps, '{', mapped_file);
	workspace(w, fr);
	JW_EACH(w, "recommendations", fr->recs, fr->nrecs, '{', recommendation);
	jw_str(w, "config_block", fr->config_block);
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
	jw_u64(w, "start_realtime_ns", p->start_realtime_ns);
	jw_u64(w, "start_monotonic_ns", p->start_monotonic_ns);
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
	struct jw w;

	jw_init(&w, out, JW_PRETTY);
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
	if (a->full)
		full(&w, a->full);
	jw_open(&w, "processes", '[');
	for (size_t i = 0; i < a->nprocs; i++)
		process(&w, &a->procs[i], o->sections);
	jw_close(&w, ']');
	fputs("\n}\n", out);
	return ferror(out) ? -1 : 0;
}
