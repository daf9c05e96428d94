#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

const char *ma_fn_display(unsigned fn)
{
	static const char *const names[MA_FN_COUNT] = {
		"malloc", "calloc", "realloc", "reallocarray", "posix_memalign",
		"aligned_alloc", "memalign", "valloc", "pvalloc", "free",
		"operator new", "operator new[]", "operator delete", "operator delete[]",
		"mmap", "mmap64", "munmap", "mremap",
	};

	return fn < MA_FN_COUNT ? names[fn] : "?";
}

int ma_fn_is_heap(unsigned fn)
{
	return fn < MA_FN_MMAP;
}

void ma_snap_label(const struct ma_snap_spec *s, char *buf, size_t len)
{
	switch (s->kind) {
	case MA_SNAP_END:
		snprintf(buf, len, "end");
		break;
	case MA_SNAP_PEAK:
		snprintf(buf, len, "peak");
		break;
	case MA_SNAP_TIME:
		if (s->time_ns % 1000000000u == 0)
			snprintf(buf, len, "%" PRIu64 " s", s->time_ns / 1000000000u);
		else if (s->time_ns % 1000000u == 0)
			snprintf(buf, len, "%" PRIu64 " ms", s->time_ns / 1000000u);
		else if (s->time_ns % 1000u == 0)
			snprintf(buf, len, "%" PRIu64 " us", s->time_ns / 1000u);
		else
			snprintf(buf, len, "%" PRIu64 " ns", s->time_ns);
		break;
	default:
		snprintf(buf, len, "marker '%.60s'", s->marker ? s->marker : "");
	}
}

static const char *pool_bytes(struct ma_pool *pool, const char *s, size_t len)
{
	char *copy = ma_pool_alloc(pool, len + 1);

	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	/* cmdline holds NUL-separated arguments: show them spaced. */
	for (size_t i = 0; i < len; i++)
		if (!copy[i])
			copy[i] = ' ';
	while (len && copy[len - 1] == ' ')
		copy[--len] = '\0';
	return copy;
}

static const char *damage_line(struct ma_pool *pool, const struct ma_input *in)
{
	const struct ma_trace_info *ti = in->info;
	char buf[640];

	if (ti->damaged)
		snprintf(buf, sizeof(buf), "%s; %" PRIu64 " bytes after it were not read",
			 ti->damage, ti->bytes_lost);
	else if (in->next_error[0])
		snprintf(buf, sizeof(buf), "%s; the records after it were not read",
			 in->next_error);
	else if (ti->seq_gaps)
		snprintf(buf, sizeof(buf), "%" PRIu64 " %s chunks: %s events there are lost",
			 ti->seq_gaps, ti->seq_gaps == 1 ? "thread misses" : "threads miss",
			 ti->seq_gaps == 1 ? "its" : "their");
	else if (!ti->complete && ti->trailer.exit_kind == MA_EXIT_EXEC_FAILED)
		snprintf(buf, sizeof(buf), "an exec failed and the process went on, but its "
			 "end was not recorded (it was killed): events after its last chunk "
			 "are lost");
	else if (!ti->complete)
		snprintf(buf, sizeof(buf), "the trace has no trailer (the process was killed "
			 "or the trace was cut short): events after its last chunk are lost");
	else
		return NULL;
	return ma_pool_str(pool, buf);
}

/* Bytes or chunks of the trace could not be read, or chunks are missing
 * from the sequence: records, frees among them, may be lost. */
static int input_damaged(const struct ma_input *in)
{
	return in->info->damaged || in->next_error[0] || in->info->seq_gaps;
}

/* Why blocks live at the end are, or are not, leaks.  execd() below is
 * the same rule's exec case, asked of a process's result. */
static const char *leak_reason(const struct ma_input *in, int *are_leaks)
{
	const struct ma_trace_info *ti = in->info;

	*are_leaks = 0;
	if (!ti->complete)
		return "the trace is incomplete: these blocks were live when it ends, "
		       "their release may simply not have been recorded";
	if (input_damaged(in))
		return "records of the trace are lost (damaged or missing chunks): these "
		       "blocks were live when it ends, their release may be among them";
	switch (ti->trailer.exit_kind) {
	case MA_EXIT_NORMAL:
	case MA_EXIT_UNDERSCORE:
		*are_leaks = 1;
		return "never released before the process exited";
	case MA_EXIT_EXEC:
		return "the process called exec: these blocks were live when it did";
	default:
		return "the process was killed: these blocks were live when it died";
	}
}

static int build(struct ma_analysis *a, struct ma_input *in, const struct ma_rawlist *l,
		 enum ma_rank rank, struct ma_site_list *out)
{
	struct ma_sitesrc src = { &in->r, l };

	return ma_sitelist_build(&a->priv->pool, &src, 1, a->opts.group_by, rank,
				 a->opts.top, out);
}

static int mismatches(struct ma_analysis *a, struct ma_input *in, struct ma_process *p)
{
	struct ma_replay *r = &in->r;

	p->mismatches = r->nmm ? ma_pool_alloc(&a->priv->pool, r->nmm * sizeof(*p->mismatches))
			       : NULL;
	if (r->nmm && !p->mismatches)
		return -1;
	for (size_t i = 0; i < r->nmm; i++) {
		const struct ma_mismatch_acc *m = &r->mm[i];
		const struct ma_stackstat *st = ma_stacktab_find(&r->stacks, m->stack);
		struct ma_mismatch *o = &p->mismatches[i];

		o->alloc_fn = m->alloc_fn;
		o->free_fn = m->free_fn;
		o->count = m->count;
		o->bytes = m->bytes;
		if (st && ma_symctx_stack(&r->sym, st->frames, st->depth, st->first_ts,
					  &o->stack) < 0)
			return -1;
	}
	p->nmismatches = r->nmm;
	return 0;
}

static int timeline(struct ma_analysis *a, struct ma_input *in, struct ma_process *p)
{
	struct ma_replay *r = &in->r;

	p->timeline = ma_pool_alloc(&a->priv->pool, r->tl.n * sizeof(*p->timeline));
	if (!p->timeline)
		return -1;
	p->ntimeline = ma_timeline_points(&r->tl, r->totals.duration_ns, p->timeline);
	return 0;
}

static int snapshots(struct ma_analysis *a, struct ma_input *in, struct ma_process *p)
{
	const struct ma_analysis_opts *o = &a->opts;

	p->nsnaps = o->nsnaps;
	for (unsigned k = 0; k < o->nsnaps; k++) {
		struct ma_snapshot *s = &p->snaps[k];
		ma_snap_label(&o->snaps[k], s->label, sizeof(s->label));
		s->taken = in->snap_taken[k];
		s->ts = in->snap_ts[k];
		if (s->taken && build(a, in, &in->snaps[k], MA_RANK_BYTES, &s->sites) < 0)
			return -1;
	}
	if (o->nsnaps == 2 && p->snaps[0].taken && p->snaps[1].taken)
		return build(a, in, &in->diff, MA_RANK_DELTA, &p->snap_diff);
	return 0;
}

static void header(struct ma_analysis *a, struct ma_input *in, struct ma_process *p)
{
	const struct ma_trace_info *ti = in->info;
	struct ma_pool *pool = &a->priv->pool;

	p->trace_path = ma_pool_str(pool, in->path);
	p->pid = ti->pid;
	p->ppid = ti->ppid;
	p->flags = ti->flags;
	p->start_monotonic_ns = in->r.t0;
	p->start_realtime_ns = ti->start_realtime_ns;
	p->exe = ma_pool_str(pool, ti->exe ? ti->exe : "");
	p->cmdline = pool_bytes(pool, ti->cmdline ? ti->cmdline : "", ti->cmdline_len);
	p->complete = ti->complete;
	p->exit_kind = ti->trailer.exit_kind;
	p->exit_status = ti->trailer.exit_status;
	p->damaged = input_damaged(in);
	p->damage = damage_line(pool, in);
	p->leaks_reason = leak_reason(in, &p->leaks_are_leaks);
}

int ma_result_process(struct ma_analysis *a, struct ma_input *in, struct ma_process *p)
{
	struct ma_replay *r = &in->r;

	header(a, in, p);
	p->totals = r->totals;
	p->totals.peak_rss_bytes = r->totals.peak_rss_sampled_bytes > r->totals.peak_rss_kernel_bytes ?
					   r->totals.peak_rss_sampled_bytes :
					   r->totals.peak_rss_kernel_bytes;
	if (p->leaks_are_leaks) {
		p->leaked_bytes = r->totals.live_bytes;
		p->leaked_blocks = r->totals.live_blocks;
	}
	p->probe_own = r->own;
	memcpy(p->histogram, r->hist, sizeof(p->histogram));
	p->markers = in->markers;
	p->nmarkers = in->nmarkers;
	snprintf(p->peak.label, sizeof(p->peak.label), "peak");
	p->peak.taken = (a->opts.sections & MA_SEC_PEAK) != 0;
	p->peak.ts = r->totals.peak_heap_ts;
	if (build(a, in, &in->leaks, MA_RANK_BYTES, &p->leaks) < 0 ||
	    build(a, in, &in->inherited, MA_RANK_BYTES, &p->inherited_live) < 0 ||
	    (p->peak.taken && build(a, in, &in->peak, MA_RANK_BYTES, &p->peak.sites) < 0) ||
	    build(a, in, &in->temp, MA_RANK_BLOCKS, &p->temporary) < 0 ||
	    build(a, in, &in->calls, MA_RANK_CALLS, &p->top_calls) < 0 ||
	    build(a, in, &in->calls, MA_RANK_ALLOC_BYTES, &p->top_bytes) < 0)
		return -1;
	if (mismatches(a, in, p) < 0 || snapshots(a, in, p) < 0)
		return -1;
	return (a->opts.sections & MA_SEC_TIMELINE) ? timeline(a, in, p) : 0;
}

/* ---- the sum over several processes ---- */

static void add_totals(struct ma_totals *t, const struct ma_totals *p)
{
	/* Every field is a count or a sum except the times (the duration is
	 * total_times'); peaks add up to the sum of each process's peak
	 * (processes peak at other times). */
	const uint64_t *src = (const uint64_t *)p;
	uint64_t *dst = (uint64_t *)t;

	for (size_t i = 0; i < sizeof(*t) / sizeof(uint64_t); i++)
		dst[i] += src[i];
	t->peak_heap_ts = t->peak_rss_ts = t->peak_mmap_ts = 0;
}

/* A list of the sum, over every process, or (leaked) over those that
 * leaked. */
static int merged_of(struct ma_analysis *a, size_t off, enum ma_rank rank, int leaked,
		     struct ma_site_list *out)
{
	struct ma_analysis_private *pv = a->priv;
	struct ma_sitesrc *src = calloc(pv->n, sizeof(*src));
	size_t n = 0;
	int rc;

	if (!src)
		return -1;
	for (size_t i = 0; i < pv->n; i++) {
		int leaks;

		if (leaked && (leak_reason(&pv->in[i], &leaks), !leaks))
			continue;
		src[n].r = &pv->in[i].r;
		src[n++].list = (const struct ma_rawlist *)((const char *)&pv->in[i] + off);
	}
	rc = ma_sitelist_build(&pv->pool, src, n, a->opts.group_by, rank, a->opts.top, out);
	free(src);
	return rc;
}

static int merged(struct ma_analysis *a, size_t off, enum ma_rank rank,
		  struct ma_site_list *out)
{
	return merged_of(a, off, rank, 0, out);
}

static int total_mismatches(struct ma_analysis *a, struct ma_process *t)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nprocs; i++)
		n += a->procs[i].nmismatches;
	t->mismatches = n ? ma_pool_alloc(&a->priv->pool, n * sizeof(*t->mismatches)) : NULL;
	if (n && !t->mismatches)
		return -1;
	for (size_t i = 0; i < a->nprocs && n; i++) {
		if (!a->procs[i].nmismatches)
			continue;
		memcpy(t->mismatches + t->nmismatches, a->procs[i].mismatches,
		       a->procs[i].nmismatches * sizeof(*t->mismatches));
		t->nmismatches += a->procs[i].nmismatches;
	}
	return 0;
}

/* Each process holds its own copy of the arena (a fork child's is its
 * parent's, still there): summed like the other per-process figures. */
static void add_probe_own(struct ma_probe_own *t, const struct ma_probe_own *p)
{
	t->recorded |= p->recorded;
	t->boot_blocks += p->boot_blocks;
	t->boot_bytes += p->boot_bytes;
	t->boot_freed_blocks += p->boot_freed_blocks;
	t->boot_freed_bytes += p->boot_freed_bytes;
	t->internal_calls += p->internal_calls;
	t->internal_bytes += p->internal_bytes;
}

/* Whether p's trace ends at an exec that p made: its blocks were not
 * leaked, they went with the image (leak_reason). */
static int execd(const struct ma_process *p)
{
	return p->complete && !p->damaged && p->exit_kind == MA_EXIT_EXEC;
}

/* The sum's duration: from the first process's start to the last one's
 * end, when every trace says when it started on the same boot's
 * monotonic clock (each one's wall clock minus its monotonic clock, the
 * boot's time, agrees within a second); else the sum of the durations,
 * which overstates processes that ran side by side. */
#define SAME_BOOT_NS 1000000000ull

/* Whether p says when it started, on the boot of p0's clock. */
static int same_boot(const struct ma_process *p, const struct ma_process *p0)
{
	uint64_t boot, boot0;

	if (!p->start_realtime_ns || p->start_realtime_ns < p->start_monotonic_ns ||
	    !p0->start_realtime_ns || p0->start_realtime_ns < p0->start_monotonic_ns)
		return 0;
	boot = p->start_realtime_ns - p->start_monotonic_ns;
	boot0 = p0->start_realtime_ns - p0->start_monotonic_ns;
	return (boot > boot0 ? boot - boot0 : boot0 - boot) <= SAME_BOOT_NS;
}

/* The sum's start, that of its earliest process, and its duration. */
static void total_times(const struct ma_analysis *a, struct ma_process *t)
{
	const struct ma_process *earliest = &a->procs[0];
	uint64_t last = 0, sum = 0;
	int span = 1;

	for (size_t i = 0; i < a->nprocs; i++) {
		const struct ma_process *p = &a->procs[i];
		uint64_t end = p->start_monotonic_ns + p->totals.duration_ns;

		sum += p->totals.duration_ns;
		span &= same_boot(p, &a->procs[0]);
		if (p->start_monotonic_ns < earliest->start_monotonic_ns)
			earliest = p;
		if (end > last)
			last = end;
	}
	t->start_monotonic_ns = earliest->start_monotonic_ns;
	t->start_realtime_ns = earliest->start_realtime_ns;
	t->totals.duration_ns = span ? last - earliest->start_monotonic_ns : sum;
}

static void total_header(struct ma_analysis *a, struct ma_process *t)
{
	size_t bad = 0, exec = 0, exited = 0;

	t->complete = t->leaks_are_leaks = t->sum = 1;
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct ma_process *p = &a->procs[i];
		add_totals(&t->totals, &p->totals);
		add_probe_own(&t->probe_own, &p->probe_own);
		for (unsigned b = 0; b < MA_HIST_BUCKETS; b++)
			t->histogram[b] += p->histogram[b];
		t->complete &= p->complete;
		t->leaks_are_leaks &= p->leaks_are_leaks || execd(p);
		exec += execd(p);
		exited += p->leaks_are_leaks != 0;
		t->leaked_bytes += p->leaked_bytes;
		t->leaked_blocks += p->leaked_blocks;
		t->damaged |= p->damaged;
		bad += p->damage != NULL;
	}
	total_times(a, t);
	t->exe = a->procs[0].exe;
	t->cmdline = a->procs[0].cmdline;
	t->pid = a->procs[0].pid;
	/* Processes that all exec'd: none exited, nothing to call a leak. */
	t->leaks_are_leaks &= exited > 0;
	t->leaks_reason = !t->leaks_are_leaks && !exited ?
		"no process exited while recorded: their blocks are only live when "
		"their traces end" :
		!t->leaks_are_leaks ?
		"some traces are incomplete or their process was killed: "
		"their blocks are only live when the trace ends" :
		exec ? "never released before the process exited (a process that "
		       "exec'd leaked nothing: its blocks went with its image)" :
		a->procs[0].leaks_reason;
	if (!t->leaks_are_leaks)
		t->leaked_bytes = t->leaked_blocks = 0;
	if (bad) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%zu of %zu traces are damaged or incomplete",
			 bad, a->nprocs);
		t->damage = ma_pool_str(&a->priv->pool, buf);
	}
}

#define IN_OFF(field) offsetof(struct ma_input, field)

int ma_result_total(struct ma_analysis *a)
{
	struct ma_process *t = ma_pool_alloc(&a->priv->pool, sizeof(*t));

	if (!t)
		return -1;
	a->total = t;
	total_header(a, t);
	snprintf(t->peak.label, sizeof(t->peak.label), "peak (sum of each process's)");
	t->peak.taken = (a->opts.sections & MA_SEC_PEAK) != 0;
	if (merged_of(a, IN_OFF(leaks), MA_RANK_BYTES, t->leaks_are_leaks, &t->leaks) < 0 ||
	    merged(a, IN_OFF(inherited), MA_RANK_BYTES, &t->inherited_live) < 0 ||
	    merged(a, IN_OFF(peak), MA_RANK_BYTES, &t->peak.sites) < 0 ||
	    merged(a, IN_OFF(temp), MA_RANK_BLOCKS, &t->temporary) < 0 ||
	    merged(a, IN_OFF(calls), MA_RANK_CALLS, &t->top_calls) < 0 ||
	    merged(a, IN_OFF(calls), MA_RANK_ALLOC_BYTES, &t->top_bytes) < 0)
		return -1;
	return total_mismatches(a, t);
}
