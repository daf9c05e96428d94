#include "config.h"

#include "text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "full_report.h"
#include "report_util.h"
#include "units.h"

#define BOLD "\033[1m"
#define RED "\033[31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct tw {
	FILE *f;
	const struct ma_render_opts *o;
	unsigned width;
};

static const char *c(const struct tw *w, const char *code)
{
	return w->o->colour ? code : "";
}

static void title(struct tw *w, const char *t, const char *note)
{
	fprintf(w->f, "\n%s%s%s", c(w, BOLD), t, c(w, RESET));
	if (note)
		fprintf(w->f, " %s(%s)%s", c(w, DIM), note, c(w, RESET));
	putc('\n', w->f);
}

/* Prints s cut to fit the remaining columns. */
static void fit(struct tw *w, const char *s, unsigned used)
{
	size_t room = w->width > used + 1 ? w->width - used - 1 : 8;
	size_t len = strlen(s);

	if (len <= room)
		fputs(s, w->f);
	else
		fprintf(w->f, "...%s", s + len - (room - 3));
}

static void frame_text(const struct ma_frame *f, char *buf, size_t len)
{
	const char *mod = f->module ? strrchr(f->module, '/') : NULL;

	mod = mod ? mod + 1 : f->module ? f->module : "??";
	if (f->function && f->file)
		snprintf(buf, len, "%s (%s:%u)%s", f->function, f->file, f->line,
			 f->inlined ? " [inlined]" : "");
	else if (f->function)
		snprintf(buf, len, "%s (%s)", f->function, mod);
	else if (f->module)
		snprintf(buf, len, "%s+0x%" PRIx64, mod, f->offset);
	else
		snprintf(buf, len, "0x%" PRIx64, f->addr);
}

static void stack(struct tw *w, const struct ma_stack *s, unsigned max)
{
	char buf[512];

	if (!s->nframes)
		fprintf(w->f, "        %s(no stack recorded)%s\n", c(w, DIM), c(w, RESET));
	for (unsigned i = 0; i < s->nframes && i < max; i++) {
		frame_text(&s->frames[i], buf, sizeof(buf));
		fprintf(w->f, "      %s ", i ? "  " : "at");
		fit(w, buf, 9);
		putc('\n', w->f);
	}
	if (s->nframes > max)
		fprintf(w->f, "         %s... %u more frames%s\n", c(w, DIM), s->nframes - max,
			c(w, RESET));
}

enum line_kind { LIVE, DELTA, CALLS, TEMPORARY };

static void site_line(struct tw *w, const struct ma_site *s, enum line_kind k, char *buf,
		      size_t len)
{
	char a[32], b[32], d[32];

	switch (k) {
	case LIVE:
		snprintf(buf, len, "%s in %s blocks", ma_fmt_bytes(a, sizeof(a), s->bytes),
			 ma_fmt_count(b, sizeof(b), s->blocks));
		break;
	case DELTA:
		ma_fmt_bytes(a, sizeof(a), (uint64_t)(s->dbytes < 0 ? -s->dbytes : s->dbytes));
		snprintf(buf, len, "%s%s (%+" PRId64 " blocks), now %s", s->dbytes < 0 ? "-" : "+",
			 a, s->dblocks, ma_fmt_bytes(d, sizeof(d), s->bytes));
		break;
	case CALLS:
		snprintf(buf, len, "%s calls, %s", ma_fmt_count(a, sizeof(a), s->calls),
			 ma_fmt_bytes(b, sizeof(b), s->alloc_bytes));
		break;
	case TEMPORARY:
		snprintf(buf, len, "%s temporary of %s calls, %s",
			 ma_fmt_count(a, sizeof(a), s->blocks), ma_fmt_count(b, sizeof(b), s->calls),
			 ma_fmt_bytes(d, sizeof(d), s->bytes));
		break;
	}
}

static void site_list(struct tw *w, const struct ma_site_list *l, enum line_kind k)
{
	char buf[160];

	if (!l->n) {
		fprintf(w->f, "  none\n");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		site_line(w, &l->v[i], k, buf, sizeof(buf));
		fprintf(w->f, "  %s#%-3zu%s %s\n", c(w, BOLD), i + 1, c(w, RESET), buf);
		stack(w, &l->v[i].stack, 8);
	}
	if (l->total_sites > l->n)
		fprintf(w->f, "  %s... %zu more (--top to see them)%s\n", c(w, DIM),
			l->total_sites - l->n, c(w, RESET));
}

static void row(struct tw *w, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void row(struct tw *w, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(w->f, "  %-18s ", label);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	putc('\n', w->f);
}

static void calls_line(struct tw *w, const struct ma_totals *t)
{
	char buf[512], n[32];
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned fn = 0; fn < MA_FN_COUNT && o < sizeof(buf) - 64; fn++)
		if (t->calls[fn])
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s %s", o ? ", " : "",
					      ma_fn_display(fn), ma_fmt_count(n, sizeof(n), t->calls[fn]));
	fprintf(w->f, "  %-18s ", "calls");
	fit(w, o ? buf : "none", 21);
	putc('\n', w->f);
}

/* "3 blocks, 1,234 bytes": exact, as the probe counted them. */
static const char *blocks_bytes(char *buf, size_t len, uint64_t blocks, uint64_t bytes)
{
	char a[32], b[32];

	snprintf(buf, len, "%s blocks, %s bytes", ma_fmt_count(a, sizeof(a), blocks),
		 ma_fmt_count(b, sizeof(b), bytes));
	return buf;
}

/* What the probe allocated for itself: never events, shown apart. */
static void probe_own_rows(struct tw *w, const struct ma_probe_own *o)
{
	char buf[96];

	if (o->recorded & 1)
		row(w, "probe start-up", "%s live at exit (not in the totals)",
		    blocks_bytes(buf, sizeof(buf), o->boot_blocks - o->boot_freed_blocks,
				 o->boot_bytes - o->boot_freed_bytes));
	if (o->recorded & 2) {
		char a[32], b[32];
		row(w, "probe internal", "%s calls, %s bytes (not in the totals)",
		    ma_fmt_count(a, sizeof(a), o->internal_calls),
		    ma_fmt_count(b, sizeof(b), o->internal_bytes));
	}
}

static void summary(struct tw *w, const struct ma_process *p)
{
	const struct ma_totals *t = &p->totals;
	char a[32], b[32], d[32], e[32], peak[128];

	title(w, "Summary", NULL);
	calls_line(w, t);
	row(w, "allocations", "%s (%s)", ma_fmt_count(a, sizeof(a), t->allocations),
	    ma_fmt_bytes(b, sizeof(b), t->bytes_allocated));
	row(w, "frees", "%s", ma_fmt_count(a, sizeof(a), t->frees));
	row(w, "peak heap", "%s",
	    ma_fmt_peak(peak, sizeof(peak), t->peak_heap_bytes, t->peak_heap_ts, p->sum));
	if (t->peak_rss_bytes)
		row(w, "peak RSS", "%s",
		    ma_fmt_peak_rss(peak, sizeof(peak), t->peak_rss_bytes, t->peak_rss_sampled_bytes,
				    t->peak_rss_ts, p->sum));
	if (p->leaks_are_leaks)
		row(w, "leaked", "%s%s in %s blocks%s", p->leaked_bytes ? c(w, RED) : "",
		    ma_fmt_bytes(a, sizeof(a), p->leaked_bytes),
		    ma_fmt_count(b, sizeof(b), p->leaked_blocks), c(w, RESET));
	else
		row(w, "live at end", "%s in %s blocks", ma_fmt_bytes(a, sizeof(a), t->live_bytes),
		    ma_fmt_count(b, sizeof(b), t->live_blocks));
	probe_own_rows(w, &p->probe_own);
	row(w, "temporary", "%s", ma_fmt_count(a, sizeof(a), t->temporary));
	if (t->mmap_calls || t->munmap_calls)
		row(w, "mmap", "%s calls, %s mapped, peak %s, %s at end",
		    ma_fmt_count(a, sizeof(a), t->mmap_calls), ma_fmt_bytes(b, sizeof(b), t->mmap_bytes),
		    ma_fmt_bytes(d, sizeof(d), t->peak_mmap_bytes),
		    ma_fmt_bytes(e, sizeof(e), t->live_mmap_bytes));
	if (t->unknown_frees)
		row(w, "unknown frees", "%s (blocks allocated before recording started)",
		    ma_fmt_count(a, sizeof(a), t->unknown_frees));
	if (t->inherited_frees)
		row(w, "inherited frees", "%s (blocks allocated before fork)",
		    ma_fmt_count(a, sizeof(a), t->inherited_frees));
	if (t->mismatched)
		row(w, "mismatched frees", "%s%s%s", c(w, RED),
		    ma_fmt_count(a, sizeof(a), t->mismatched), c(w, RESET));
	if (t->lost_events)
		row(w, "lost events", "%s (the probe could not record them)",
		    ma_fmt_count(a, sizeof(a), t->lost_events));
	row(w, "duration", "%s", ma_fmt_duration(a, sizeof(a), t->duration_ns));
}

static void probe_own_leaks(struct tw *w, const struct ma_probe_own *o)
{
	char live[80], all[80];

	if (!(o->recorded & 1))
		return;
	title(w, "Probe start-up blocks, still live", "not the program's; not in the totals");
	fprintf(w->f, "  %s at exit (of %s handed out)\n",
		blocks_bytes(live, sizeof(live), o->boot_blocks - o->boot_freed_blocks,
			     o->boot_bytes - o->boot_freed_bytes),
		blocks_bytes(all, sizeof(all), o->boot_blocks, o->boot_bytes));
}

static void leaks(struct tw *w, const struct ma_process *p)
{
	char buf[160];

	title(w, p->leaks_are_leaks ? "Leaks" : "Live when the trace ends", p->leaks_reason);
	site_list(w, &p->leaks, LIVE);
	if (p->inherited_live.n) {
		title(w, "Inherited from the parent, still live", "allocated before fork");
		site_list(w, &p->inherited_live, LIVE);
	}
	probe_own_leaks(w, &p->probe_own);
	if (!p->nmismatches)
		return;
	title(w, "Mismatched releases", NULL);
	for (size_t i = 0; i < p->nmismatches; i++) {
		const struct ma_mismatch *m = &p->mismatches[i];
		char a[32], b[32];
		snprintf(buf, sizeof(buf), "%s released with %s: %s blocks, %s",
			 ma_fn_display(m->alloc_fn), ma_fn_display(m->free_fn),
			 ma_fmt_count(a, sizeof(a), m->count), ma_fmt_bytes(b, sizeof(b), m->bytes));
		fprintf(w->f, "  %s#%-3zu%s %s%s%s\n", c(w, BOLD), i + 1, c(w, RESET), c(w, RED),
			buf, c(w, RESET));
		stack(w, &m->stack, 8);
	}
}

static void peak(struct tw *w, const struct ma_process *p)
{
	char a[32], b[32], note[96];

	snprintf(note, sizeof(note), "%s live at %s", ma_fmt_bytes(a, sizeof(a), p->totals.peak_heap_bytes),
		 ma_fmt_duration(b, sizeof(b), p->peak.ts));
	title(w, "Peak heap by site", note);
	site_list(w, &p->peak.sites, LIVE);
}

static void snapshots(struct tw *w, const struct ma_process *p)
{
	char t[200], a[32];

	for (unsigned k = 0; k < p->nsnaps; k++) {
		const struct ma_snapshot *s = &p->snaps[k];
		snprintf(t, sizeof(t), "Snapshot at %s", s->label);
		if (!s->taken) {
			title(w, t, "never reached in this trace");
			continue;
		}
		title(w, t, ma_fmt_bytes(a, sizeof(a), s->sites.bytes));
		site_list(w, &s->sites, LIVE);
	}
	if (p->nsnaps == 2 && p->snaps[0].taken && p->snaps[1].taken) {
		snprintf(t, sizeof(t), "Difference from %s to %s", p->snaps[0].label,
			 p->snaps[1].label);
		title(w, t, NULL);
		site_list(w, &p->snap_diff, DELTA);
	}
}

static void histogram(struct tw *w, const uint64_t *h)
{
	uint64_t max = 0;
	char a[32], b[32], n[32];

	for (unsigned i = 0; i < MA_HIST_BUCKETS; i++)
		max = h[i] > max ? h[i] : max;
	title(w, "Allocation sizes", NULL);
	for (unsigned i = 0; i < MA_HIST_BUCKETS; i++) {
		unsigned bar;
		if (!h[i])
			continue;
		bar = (unsigned)(h[i] * 36 / max);
		fprintf(w->f, "  %9s - %-9s %12s %.*s\n", ma_fmt_bytes(a, sizeof(a), i ? 1ull << i : 0),
			ma_fmt_bytes(b, sizeof(b), i < 63 ? (2ull << i) - 1 : UINT64_MAX),
			ma_fmt_count(n, sizeof(n), h[i]), bar ? (int)bar : 1,
			"####################################");
	}
}

static void timeline(struct tw *w, const struct ma_process *p)
{
	uint64_t max = 1;
	size_t step = p->ntimeline > 20 ? (p->ntimeline + 19) / 20 : 1;
	char a[32], b[32], r[32];

	for (size_t i = 0; i < p->ntimeline; i++)
		max = p->timeline[i].heap_bytes > max ? p->timeline[i].heap_bytes : max;
	title(w, "Timeline", "highest heap in each interval");
	fprintf(w->f, "  %9s %10s %10s\n", "time", "heap", "RSS");
	for (size_t i = 0; i < p->ntimeline; i += step) {
		/* Each row: the highest of the points it stands for. */
		struct ma_timeline_point t = p->timeline[i];
		for (size_t k = i + 1; k < i + step && k < p->ntimeline; k++) {
			t.ts = p->timeline[k].ts;
			t.heap_bytes = MAX(t.heap_bytes, p->timeline[k].heap_bytes);
			t.rss_bytes = MAX(t.rss_bytes, p->timeline[k].rss_bytes);
		}
		fprintf(w->f, "  %9s %10s %10s %.*s\n", ma_fmt_duration(a, sizeof(a), t.ts),
			ma_fmt_bytes(b, sizeof(b), t.heap_bytes),
			t.rss_bytes ? ma_fmt_bytes(r, sizeof(r), t.rss_bytes) : "",
			(int)(t.heap_bytes * 40 / max), "########################################");
	}
}

static void allocations(struct tw *w, const struct ma_process *p)
{
	title(w, "Top sites by calls", NULL);
	site_list(w, &p->top_calls, CALLS);
	title(w, "Top sites by bytes allocated", NULL);
	site_list(w, &p->top_bytes, CALLS);
	histogram(w, p->histogram);
}

static void sections(struct tw *w, const struct ma_process *p)
{
	unsigned sec = w->o->sections;

	summary(w, p);
	if (sec & MA_SEC_LEAKS)
		leaks(w, p);
	if (sec & MA_SEC_PEAK)
		peak(w, p);
	if (sec & MA_SEC_SNAPSHOTS)
		snapshots(w, p);
	if (sec & MA_SEC_TEMPORARY) {
		title(w, "Temporary allocations", "freed before their thread allocated again");
		site_list(w, &p->temporary, TEMPORARY);
	}
	if (sec & MA_SEC_ALLOCATIONS)
		allocations(w, p);
	if (sec & MA_SEC_TIMELINE && p->ntimeline)
		timeline(w, p);
}

static void header(struct tw *w, const struct ma_process *p)
{
	char line[512];

	snprintf(line, sizeof(line), "pid %" PRIu64 "%s: %s", p->pid,
		 p->flags & MA_PROC_F_FORK_CHILD ? " (fork child)" : "",
		 p->cmdline && *p->cmdline ? p->cmdline : p->exe);
	fprintf(w->f, "%s", c(w, BOLD));
	fit(w, line, 0);
	fprintf(w->f, "%s\n  trace ", c(w, RESET));
	fit(w, p->trace_path ? p->trace_path : "", 8);
	putc('\n', w->f);
	if (p->damage)
		fprintf(w->f, "  %swarning:%s %s\n", c(w, RED), c(w, RESET), p->damage);
}

/* ---- the full report (lib/full_report.h) ---- */

/* Prints prefix then text, wrapped at blanks to the report's width, the
 * following lines indented by `indent` columns. */
static void wrapped(struct tw *w, const char *prefix, unsigned indent, const char *text)
{
	size_t col = strlen(prefix), room;

	fputs(prefix, w->f);
	while (*text) {
		const char *sp = text;
		size_t n;
		room = w->width > col + 1 ? w->width - col - 1 : 20;
		n = strlen(text);
		if (n > room) {
			for (sp = text + room; sp > text && *sp != ' '; sp--)
				;
			n = sp > text ? (size_t)(sp - text) : room;
		}
		fprintf(w->f, "%.*s\n", (int)n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(w->f, "%*s", (int)indent, "");
		col = indent;
	}
}

static void wrow(struct tw *w, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void wrow(struct tw *w, const char *label, const char *fmt, ...)
{
	char prefix[40], text[512];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "  %-18s ", label);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	wrapped(w, prefix, 21, text);
}

static const char *band_colour(const struct tw *w, enum ma_band b)
{
	return b >= MA_BAND_WARNING ? c(w, RED) : b == MA_BAND_NONE ? c(w, DIM) : "";
}

static void ratings(struct tw *w, const struct ma_full_report *fr)
{
	char v[200];

	title(w, "Ratings", "limits: target / good / warning");
	for (int i = 0; i < MA_METRIC_COUNT; i++) {
		const struct ma_metric *m = &fr->metrics[i];
		const struct ma_metric_def *d = ma_metric_def(m->id);
		const double *l = fr->ratings.limit[i];
		ma_metric_format(m, v, sizeof(v));
		fprintf(w->f, "  %-22s %s%-9s%s ", d->title, band_colour(w, m->band),
			m->measured ? ma_band_name(m->band) : "-", c(w, RESET));
		if (m->measured && d->is_size) {
			char a[32], b[32], e[32];
			fprintf(w->f, "%-14s %s%s / %s / %s%s\n", v, c(w, DIM),
				ma_format_size((uint64_t)l[0], a, sizeof(a)),
				ma_format_size((uint64_t)l[1], b, sizeof(b)),
				ma_format_size((uint64_t)l[2], e, sizeof(e)), c(w, RESET));
		} else if (m->measured)
			fprintf(w->f, "%-14s %s%g / %g / %g%s\n", v, c(w, DIM), l[0], l[1], l[2],
				c(w, RESET));
		else {
			fit(w, v, 34);
			putc('\n', w->f);
		}
	}
}

static void models(struct tw *w, const struct ma_models *m)
{
	char a[32], b[32];

	if (m->nloads) {
		title(w, "Model loads", "model_load:<model> spans");
		fprintf(w->f, "  %-24s %6s %10s %10s %11s %8s\n", "model", "loads", "slowest",
			"mean", "heap/load", "reloads");
		for (size_t i = 0; i < m->nloads; i++) {
			const struct ma_model_load *l = &m->loads[i];
			fprintf(w->f, "  %-24.24s %6" PRIu64 " %10s %10s %11s %8" PRIu64 "\n",
				l->model, l->loads, ma_fmt_duration(a, sizeof(a), l->max_ns),
				ma_fmt_duration(b, sizeof(b), l->loads ? l->total_ns / l->loads : 0),
				l->heap_delta > 0 ? ma_fmt_bytes((char[32]){ 0 }, 32,
								 (uint64_t)l->heap_delta) : "0",
				l->reloads);
		}
	}
	if (m->ncaches) {
		title(w, "Caches", "cache[.<name>].hit / .miss counters");
		for (size_t i = 0; i < m->ncaches; i++) {
			const struct ma_cache_counts *k = &m->caches[i];
			int64_t n = k->hits + k->misses;
			fprintf(w->f, "  %-24s %8lld hits %8lld misses  %5.1f %%\n",
				*k->name ? k->name : "(cache)", (long long)k->hits,
				(long long)k->misses, n > 0 ? 100.0 * (double)k->hits / (double)n : 0);
		}
	}
	if (m->nmaps) {
		title(w, "Mapped files", "file-backed mappings, largest resident part seen");
		for (size_t i = 0; i < m->nmaps; i++) {
			fprintf(w->f, "  %10s of %10s resident  ",
				ma_fmt_bytes(a, sizeof(a), m->maps[i].resident),
				ma_fmt_bytes(b, sizeof(b), m->maps[i].size));
			fit(w, m->maps[i].path, 38);
			putc('\n', w->f);
		}
	}
}

static void frag_figures(struct tw *w, const struct ma_full_report *fr, const struct ma_frag *f)
{
	const struct ma_frag_point *p = &f->at_peak_held;
	char a[32], b[32], d[32], e[32];

	wrow(w, "holes (median)", "%.1f %% of the heap, worst %.1f %% at %s", f->frag_median_pct,
	    f->frag_worst_pct, ma_fmt_duration(a, sizeof(a), f->frag_worst_ts));
	wrow(w, "malloc held", "%s at most (heap %s, mapped chunks %s)",
	    ma_fmt_bytes(a, sizeof(a), p->held), ma_fmt_bytes(b, sizeof(b), f->peak_held_arena),
	    ma_fmt_bytes(d, sizeof(d), f->peak_held_hblkhd));
	wrow(w, "  of which", "requested %s, internal waste %s, free %s (top %s)",
	    ma_fmt_bytes(a, sizeof(a), p->requested), ma_fmt_bytes(b, sizeof(b), p->waste),
	    ma_fmt_bytes(d, sizeof(d), p->free_bytes), ma_fmt_bytes(e, sizeof(e), p->top));
	wrow(w, "internal waste", "%s at most, at %s (glibc chunk model)",
	    ma_fmt_bytes(a, sizeof(a), f->peak_waste),
	    ma_fmt_duration(b, sizeof(b), f->peak_waste_ts));
	wrow(w, "RSS vs heap", "highest RSS sample %s at %s: heap %s, mapped %s%s",
	    ma_fmt_bytes(a, sizeof(a), f->peak_rss), ma_fmt_duration(b, sizeof(b), f->peak_rss_ts),
	    ma_fmt_bytes(d, sizeof(d), f->heap_at_peak_rss),
	    ma_fmt_bytes(e, sizeof(e), f->mmap_at_peak_rss), "");
	if (fr->ram_bytes)
		wrow(w, "RSS vs RAM", "%.1f %% of %s (%s)",
		    100.0 * (double)ma_frag_peak_rss(f) / (double)fr->ram_bytes,
		    ma_fmt_bytes(a, sizeof(a), fr->ram_bytes), fr->ram_source);
	if (f->psi)
		wrow(w, "memory pressure", "stalled %s (some), %s (full); in %" PRIu64 " samples",
		    ma_fmt_duration(a, sizeof(a), f->psi_some_us * 1000),
		    ma_fmt_duration(b, sizeof(b), f->psi_full_us * 1000), f->psi_events);
	else
		wrow(w, "memory pressure", "not measured: no PSI (/proc/pressure/memory)");
}

static void fragmentation(struct tw *w, const struct ma_full_report *fr)
{
	const struct ma_frag *f = fr->frag;
	char a[32], b[32], d[32];

	if (!f || !f->samples)
		return;
	title(w, "Fragmentation and memory pressure", "from the samples; docs/metrics.md");
	frag_figures(w, fr, f);
	if (f->nclasses) {
		fprintf(w->f, "  size classes by internal waste:\n");
		for (unsigned i = 0; i < f->nclasses && i < 5; i++) {
			const struct ma_waste_class *k = &f->classes[i];
			fprintf(w->f, "  %9s-%-9s %s%9s wasted of %9s, %" PRIu64 " allocs\n",
				ma_fmt_bytes(a, sizeof(a), k->lo), ma_fmt_bytes(b, sizeof(b), k->hi),
				k->mmapped ? "mmap " : "     ", ma_fmt_bytes(d, sizeof(d), k->waste),
				ma_fmt_bytes((char[32]){ 0 }, 32, k->requested), k->allocations);
		}
	}
	fprintf(w->f, "  %9s %10s %10s %10s %7s\n", "time", "RSS", "held", "requested", "holes");
	for (unsigned i = 0; i < f->npoints; i += f->npoints > 10 ? (f->npoints + 9) / 10 : 1) {
		const struct ma_frag_point *p = &f->points[i];
		fprintf(w->f, "  %9s %10s %10s %10s %6.1f%%\n", ma_fmt_duration(a, sizeof(a), p->ts),
			ma_fmt_bytes(b, sizeof(b), p->rss), ma_fmt_bytes(d, sizeof(d), p->held),
			ma_fmt_bytes((char[32]){ 0 }, 32, p->requested), p->frag_pct);
	}
}

static void workspace(struct tw *w, const struct ma_full_report *fr)
{
	const struct ma_workspace *ws = fr->workspace;
	char a[32];

	title(w, "Workspace", ws ? ws->root : fr->workspace_error[0] ? fr->workspace_error :
	      "not scanned: no --workspace-path");
	if (fr->ram_bytes)
		row(w, "machine RAM", "%s (%s)", ma_fmt_bytes(a, sizeof(a), fr->ram_bytes),
		    fr->ram_source);
	if (!ws)
		return;
	row(w, "lines of code", "%" PRIu64 " in %" PRIu64 " files (%s)", ws->total_lines,
	    ws->total_files, ma_size_class_name(ma_workspace_size_class(ws->total_lines)));
	for (size_t i = 0; i < ws->nlangs; i++)
		row(w, "", "%-12s %8" PRIu64 " lines in %" PRIu64 " files", ws->langs[i].lang,
		    ws->langs[i].lines, ws->langs[i].files);
	for (size_t i = 0; i < ws->npackages; i++) {
		const struct ma_cargo_package *p = &ws->packages[i];
		fprintf(w->f, "  %-18s %s: %zu features, default [", "cargo", p->name, p->nfeatures);
		for (size_t k = 0; k < p->ndefaults; k++)
			fprintf(w->f, "%s%s", k ? ", " : "", p->defaults[k]);
		fputs("]\n", w->f);
	}
	for (size_t i = 0; i < ws->nmemory; i++)
		row(w, i ? "" : "memory settings", "%s = %s (%s:%u)", ws->memory[i].key,
		    ws->memory[i].value, ws->memory[i].file, ws->memory[i].line);
}

static void recommendations(struct tw *w, const struct ma_full_report *fr)
{
	title(w, "Recommendations", fr->nrecs ? NULL : "none: nothing measured calls for a change");
	for (size_t i = 0; i < fr->nrecs; i++) {
		const struct ma_recommendation *r = &fr->recs[i];
		fprintf(w->f, "  %s%zu. %s%s\n     %s[%s, %s]%s\n", c(w, BOLD), i + 1, r->title,
			c(w, RESET), c(w, DIM), r->id, ma_band_name(r->band), c(w, RESET));
		char set[300];
		snprintf(set, sizeof(set), "%s = %s", r->setting, r->value);
		wrapped(w, "     set:      ", 15, set);
		wrapped(w, "     because:  ", 15, r->evidence);
		wrapped(w, "     rule:     ", 15, r->reason);
		wrapped(w, "     expect:   ", 15, r->effect);
	}
	if (fr->config_block && *fr->config_block) {
		title(w, "Configuration to paste", "each part says its language");
		fputs(fr->config_block, w->f);
	}
}

static void full(struct tw *w, const struct ma_full_report *fr)
{
	ratings(w, fr);
	models(w, &fr->models);
	fragmentation(w, fr);
	workspace(w, fr);
	recommendations(w, fr);
}

int ma_render_text(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	struct tw w = { out, o, o->width ? o->width : 80 };

	for (size_t i = 0; i < a->nprocs; i++) {
		if (i)
			fputs("\n", out);
		header(&w, &a->procs[i]);
		sections(&w, &a->procs[i]);
	}
	if (a->total) {
		fprintf(out, "\n%sAll %zu processes%s\n", c(&w, BOLD), a->nprocs, c(&w, RESET));
		if (a->total->damage)
			fprintf(out, "  %swarning:%s %s\n", c(&w, RED), c(&w, RESET),
				a->total->damage);
		sections(&w, a->total);
	}
	if (a->full)
		full(&w, a->full);
	return ferror(out) ? -1 : 0;
}
