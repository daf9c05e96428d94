#include "config.h"

#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "histogram.h"

#define MAX_STACK_DEPTH 4096
/* A trace of fewer records replays in less time than loading its modules
 * takes: its symbolizer is not loaded ahead. */
#define AHEAD_MIN_RECORDS 500000

_Static_assert(MA_FN_COUNT <= 256, "a block keeps its fn in a byte");

int ma_replay_init(struct ma_replay *r, const struct ma_trace_info *info,
		   const struct ma_analysis_opts *opts, struct ma_pool *pool)
{
	uint64_t span;

	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->info = info;
	/* The header chunk may carry ts_first 0: the process's own start time
	 * is the better zero. */
	r->t0 = info->start_monotonic_ns ? info->start_monotonic_ns : info->first_ts;
	span = info->last_ts > r->t0 ? info->last_ts - r->t0 : 0;
	ma_livemap_init(&r->live);
	ma_regions_init(&r->maps);
	ma_stacktab_init(&r->stacks);
	if (ma_timeline_init(&r->tl, opts->timeline_points, span) < 0)
		return -1;
	return ma_symctx_init(&r->sym, pool, opts);
}

void ma_replay_release(struct ma_replay *r)
{
	ma_livemap_release(&r->live);
	ma_regions_release(&r->maps);
	ma_stacktab_release(&r->stacks);
	ma_symctx_release(&r->sym);
	ma_timeline_release(&r->tl);
	ma_latest_release(&r->latest);
	free(r->frames_buf);
	free(r->mm);
	free(r->inherited);
	memset(r, 0, sizeof(*r));
}

/* The peak snapshot without a second replay.  Each stack counts the
 * blocks and bytes live through it (own and inherited alike: inherited
 * blocks have stack ids of their own).  peak_epoch goes up each time the
 * first pass reaches a new peak; before a stack's counts change for the
 * first time in an epoch, they are saved with it.  At the end, a stack
 * saved in the last epoch had its saved counts at the last peak, any
 * other has not changed since and had its current ones (snapshot.c,
 * ma_snapshot_peak).  Epoch 1 is the peak before any record. */
static struct ma_stackstat *live_stack(struct ma_replay *r, struct ma_stackstat *s)
{
	if (s->peak_epoch != r->peak_epoch) {
		s->peak_epoch = r->peak_epoch;
		s->peak_blocks = s->live_blocks;
		s->peak_bytes = s->live_bytes;
	}
	return s;
}

/* Block b leaves the live set; address 0 never was in it (livemap.h). */
static void live_drop(struct ma_replay *r, const struct ma_block *b)
{
	struct ma_stackstat *s;

	if (r->pass != 1 || !r->peak_counts || !b->addr)
		return;
	s = live_stack(r, &r->stacks.v[b->stack]);
	s->live_blocks--;
	s->live_bytes -= b->size;
}

static void live_add(const struct ma_replay *r, struct ma_stackstat *s,
		     const struct ma_block *b)
{
	if (r->peak_counts && b->addr) {
		s->live_blocks++;
		s->live_bytes += b->size;
	}
}

static int begin_inherited(struct ma_replay *r)
{
	for (size_t i = 0; i < r->ninherited; i++) {
		const struct ma_heir *h = &r->inherited[i];
		struct ma_stackstat *s = ma_stacktab_get(&r->stacks, h->stack);
		struct ma_block b = { .addr = h->addr, .size = h->size, .fn = h->fn,
				      .flags = MA_BLOCK_F_INHERITED };

		if (!s)
			return -1;
		b.stack = (uint32_t)(s - r->stacks.v);
		if (ma_livemap_put(&r->live, &b, NULL) < 0)
			return -1;
		r->heap_live += b.size;
		if (r->pass == 1 && r->peak_counts)
			live_add(r, live_stack(r, s), &b);
	}
	return 0;
}

int ma_replay_begin(struct ma_replay *r, int pass)
{
	int rc;

	r->pass = pass;
	r->index = 0;
	r->ts = 0;
	r->heap_live = 0;
	r->peak_epoch = 0;
	ma_livemap_clear(&r->live);
	ma_regions_clear(&r->maps);
	ma_latest_clear(&r->latest);
	rc = begin_inherited(r);
	r->peak_epoch = 1;
	return rc;
}

int ma_replay_observe(struct ma_replay *r, enum ma_event_kind kind, uint64_t size,
		      const struct ma_record *rec)
{
	struct ma_event ev = { kind, r->input, ma_replay_rel(r, r->ts), 0, size,
			       r->heap_live, r->maps.bytes, rec, r->thread };

	if (r->pass != 1 || !r->opts->observe)
		return 0;
	if (kind == MA_EV_BEGIN || kind == MA_EV_END)
		ev.thread = 0;
	if (kind == MA_EV_BEGIN)
		ev.span_ns = r->info->last_ts > r->t0 ? r->info->last_ts - r->t0 : 0;
	return r->opts->observe(r->opts->observe_arg, &ev);
}

static void timeline_point(struct ma_replay *r, uint64_t rss)
{
	if (r->pass == 1)
		ma_timeline_add(&r->tl, ma_replay_rel(r, r->ts), r->heap_live,
				r->maps.bytes, rss);
}

/* At the first allocation, the modules are in: a long trace has them
 * loaded on a second core while it is replayed (symbols_ahead.h), each
 * as the first stack that uses it is defined. */
static void start_symbols(struct ma_replay *r)
{
	if (r->info->records < AHEAD_MIN_RECORDS) {
		r->sym.ahead_tried = 1;
		return;
	}
	ma_symctx_ahead(&r->sym);
	for (size_t i = 0; i < r->stacks.n && r->sym.ahead; i++)
		ma_symctx_want(&r->sym, r->stacks.v[i].frames, r->stacks.v[i].depth);
}

/* fn < MA_FN_COUNT. */
static int alloc_block(struct ma_replay *r, uint32_t thread, uint64_t addr,
		       uint64_t size, uint64_t stack, uint64_t fn)
{
	struct ma_stackstat *s = ma_stacktab_get(&r->stacks, stack);
	struct ma_block b = { .addr = addr, .size = size, .fn = (uint8_t)fn };
	struct ma_block old;
	int k;

	if (!s)
		return -1;
	b.stack = (uint32_t)(s - r->stacks.v);
	if ((k = ma_livemap_put(&r->live, &b, &old)) < 0)
		return -1;
	if (r->pass == 1 && addr && ma_latest_alloc(&r->latest, thread, addr, k == 1) < 0)
		return -1;
	if (r->pass == 1 && !r->sym.ahead_tried)
		start_symbols(r);
	if (k == 1) {   /* its release was never recorded: it is gone */
		r->heap_live -= old.size;
		if (ma_replay_observe(r, MA_EV_FREE, old.size, NULL) < 0)
			return -1;
		live_drop(r, &old);
	}
	r->heap_live += size;
	if (r->pass != 1)
		return 0;
	if (ma_replay_observe(r, MA_EV_ALLOC, size, NULL) < 0)
		return -1;
	s = live_stack(r, &r->stacks.v[b.stack]);
	live_add(r, s, &b);
	if (!s->calls)
		s->first_ts = r->ts;
	s->calls++;
	s->bytes += size;
	r->totals.allocations++;
	r->totals.bytes_allocated += size;
	r->hist[ma_size_bucket(size)]++;
	if (r->heap_live > r->totals.peak_heap_bytes) {
		r->totals.peak_heap_bytes = r->heap_live;
		r->totals.peak_heap_ts = ma_replay_rel(r, r->ts);
		r->peak_index = r->index;
		r->peak_epoch++;
	}
	timeline_point(r, 0);
	return 0;
}

/* 0: malloc family, 1: new, 2: new[]; for allocation and release fns. */
static int fn_family(uint64_t fn)
{
	switch (fn) {
	case MA_FN_NEW:
	case MA_FN_DELETE:
		return 1;
	case MA_FN_NEW_ARRAY:
	case MA_FN_DELETE_ARRAY:
		return 2;
	default:
		return 0;
	}
}

static int note_mismatch(struct ma_replay *r, const struct ma_block *b, uint64_t free_fn)
{
	struct ma_mismatch_acc *m = NULL;
	uint64_t id = r->stacks.v[b->stack].id;

	r->totals.mismatched++;
	for (size_t i = 0; i < r->nmm && !m; i++)
		if (r->mm[i].stack == id && r->mm[i].alloc_fn == b->fn &&
		    r->mm[i].free_fn == free_fn)
			m = &r->mm[i];
	if (!m) {
		if (r->nmm == r->amm) {
			size_t na = r->amm ? r->amm * 2 : 8;
			struct ma_mismatch_acc *v = realloc(r->mm, na * sizeof(*v));
			if (!v)
				return -1;
			r->mm = v;
			r->amm = na;
		}
		m = &r->mm[r->nmm++];
		*m = (struct ma_mismatch_acc){ id, b->fn, (uint8_t)free_fn, 0, 0 };
	}
	m->count++;
	m->bytes += b->size;
	return 0;
}

static void unknown_free(struct ma_replay *r)
{
	/* A fork child frees what its parent allocated before fork; without
	 * the parent's trace those blocks are unknown but expected. */
	if (r->info->flags & MA_PROC_F_FORK_CHILD && !r->ninherited)
		r->totals.inherited_frees++;
	else
		r->totals.unknown_frees++;
}

/* explicit: a free or delete, not realloc's release of the old block (a
 * block grown by realloc is not a temporary allocation). */
static int release_block(struct ma_replay *r, uint64_t addr, uint64_t fn, int explicit)
{
	struct ma_block b;
	int latest;

	if (!addr)
		return 0;
	if (!ma_livemap_remove(&r->live, addr, &b)) {
		if (r->pass == 1)
			unknown_free(r);
		return 0;
	}
	r->heap_live -= b.size;
	if (r->pass != 1)
		return 0;
	latest = ma_latest_release_block(&r->latest, addr);
	if (ma_replay_observe(r, MA_EV_FREE, b.size, NULL) < 0)
		return -1;
	live_drop(r, &b);
	timeline_point(r, 0);
	if (b.flags & MA_BLOCK_F_INHERITED) {
		r->totals.inherited_frees++;
		return 0;
	}
	r->totals.frees++;
	if (explicit && latest) {
		struct ma_stackstat *s = &r->stacks.v[b.stack];
		r->totals.temporary++;
		s->temp_calls++;
		s->temp_bytes += b.size;
	}
	if (fn_family(b.fn) != fn_family(fn))
		return note_mismatch(r, &b, fn);
	return 0;
}

static int on_realloc(struct ma_replay *r, const struct ma_record *rec)
{
	const struct ma_rec_realloc *ra = &rec->u.realloc;

	if (rec->phase == 1) {
		if (r->pass == 1)
			r->totals.calls[ra->fn < MA_FN_COUNT ? ra->fn : MA_FN_REALLOC]++;
		/* A failed realloc (new 0, size not 0) leaves the old block. */
		if (ra->old_addr && (ra->new_addr || !ra->size))
			return release_block(r, ra->old_addr, ra->fn, 0);
		return 0;
	}
	if (rec->phase == 2 && ra->new_addr)
		return alloc_block(r, rec->thread, ra->new_addr, ra->size, ra->stack,
				   ra->fn < MA_FN_COUNT ? ra->fn : MA_FN_REALLOC);
	return 0;
}

static void mapped_peak(struct ma_replay *r)
{
	if (r->maps.bytes > r->totals.peak_mmap_bytes) {
		r->totals.peak_mmap_bytes = r->maps.bytes;
		r->totals.peak_mmap_ts = ma_replay_rel(r, r->ts);
	}
	timeline_point(r, 0);
}

static int on_mmap(struct ma_replay *r, const struct ma_record *rec)
{
	const struct ma_rec_mmap *m = &rec->u.mmap;

	if (r->pass == 1) {
		r->totals.calls[m->fn < MA_FN_COUNT ? m->fn : MA_FN_MMAP]++;
		r->totals.mmap_calls++;
		r->totals.mmap_bytes += m->length;
		if (!ma_stacktab_get(&r->stacks, m->stack))
			return -1;
	}
	if (ma_regions_map(&r->maps, m->addr, m->length, m->stack) < 0)
		return -1;
	if (r->pass == 1)
		mapped_peak(r);
	return 0;
}

static int on_munmap(struct ma_replay *r, const struct ma_record *rec)
{
	if (r->pass == 1) {
		r->totals.calls[MA_FN_MUNMAP]++;
		r->totals.munmap_calls++;
	}
	ma_regions_unmap(&r->maps, rec->u.munmap.addr, rec->u.munmap.length);
	timeline_point(r, 0);
	return 0;
}

static int on_mremap(struct ma_replay *r, const struct ma_record *rec)
{
	const struct ma_rec_mremap *m = &rec->u.mremap;

	if (rec->phase == 1) {
		if (r->pass == 1)
			r->totals.calls[MA_FN_MREMAP]++;
		if (m->new_addr)
			ma_regions_unmap(&r->maps, m->old_addr, m->old_length);
		return 0;
	}
	if (rec->phase != 2 || !m->new_addr)
		return 0;
	if (ma_regions_map(&r->maps, m->new_addr, m->new_length, m->stack) < 0)
		return -1;
	if (r->pass == 1)
		mapped_peak(r);
	return 0;
}

static int on_stack(struct ma_replay *r, const struct ma_rec_stack *st)
{
	int n;

	if (st->depth > MAX_STACK_DEPTH)
		return 0;   /* a damaged definition: the stack stays unnamed */
	if (st->depth > r->frames_cap) {
		uint64_t *b = realloc(r->frames_buf, st->depth * sizeof(*b));
		if (!b)
			return -1;
		r->frames_buf = b;
		r->frames_cap = st->depth;
	}
	n = ma_stack_frames(st, r->frames_buf, st->depth);
	if (n <= 0)
		return 0;
	ma_symctx_want(&r->sym, r->frames_buf, (uint32_t)n);
	return ma_stacktab_define(&r->stacks, st->id, r->frames_buf, (uint32_t)n);
}

static void on_sample(struct ma_replay *r, const struct ma_rec_sample *s)
{
	struct ma_totals *t = &r->totals;

	if (s->rss > t->peak_rss_sampled_bytes) {
		t->peak_rss_sampled_bytes = s->rss;
		t->peak_rss_ts = ma_replay_rel(r, r->ts);
	}
	timeline_point(r, s->rss);
}

/* The probe's own allocations (struct ma_probe_own) and the kernel's
 * peak RSS; a value that does not parse is ignored like any unknown
 * info. */
static int on_info(struct ma_replay *r, const struct ma_record *rec)
{
	const struct ma_rec_info *in = &rec->u.info;
	struct ma_probe_own *o = &r->own;
	uint64_t v[4];

	if (ma_info_counts(in, "probe-bootstrap", v, 4) == 0) {
		o->boot_blocks = v[0];
		o->boot_bytes = v[1];
		o->boot_freed_blocks = v[2];
		o->boot_freed_bytes = v[3];
		o->recorded |= 1;
	} else if (ma_info_counts(in, "probe-internal", v, 2) == 0) {
		o->internal_calls = v[0];
		o->internal_bytes = v[1];
		o->recorded |= 2;
	} else if (ma_info_counts(in, "peak-rss", v, 1) == 0) {
		/* after a failed exec, a second one of the same image */
		struct ma_totals *t = &r->totals;

		if (v[0] > t->peak_rss_kernel_bytes)
			t->peak_rss_kernel_bytes = v[0];
	}
	return ma_replay_observe(r, MA_EV_INFO, 0, rec);
}

/* Records only the first pass cares about. */
static int first_pass_only(struct ma_replay *r, const struct ma_record *rec)
{
	switch (rec->tag) {
	case MA_REC_STACK:
		return on_stack(r, &rec->u.stack);
	case MA_REC_MODULE:
		return ma_symctx_add_module(&r->sym, &rec->u.module, rec->ts);
	case MA_REC_MODULE_GONE:
		return ma_symctx_module_gone(&r->sym, rec->u.module_gone.id, rec->ts);
	case MA_REC_THREAD:
		r->totals.threads++;
		return 0;
	case MA_REC_SAMPLE:
		on_sample(r, &rec->u.sample);
		return ma_replay_observe(r, MA_EV_SAMPLE, 0, rec);
	case MA_REC_MARKER:
		return ma_replay_observe(r, MA_EV_MARKER, 0, rec);
	case MA_REC_INFO:
		return on_info(r, rec);
	case MA_REC_LOST:
		r->totals.lost_events += rec->u.lost.count;
		return 0;
	case MA_REC_FORK:
		return r->on_fork ? r->on_fork(r->fork_arg, r, rec->u.fork.child_pid) : 0;
	default:
		return 0;
	}
}

int ma_replay_record(struct ma_replay *r, const struct ma_record *rec)
{
	uint64_t fn;

	r->index++;
	r->thread = rec->thread;
	if (ma_tag_is_timed(rec->tag) && rec->ts > r->ts)
		r->ts = rec->ts;
	if (r->pass == 1 && r->ts > r->t0 && r->ts - r->t0 > r->totals.duration_ns)
		r->totals.duration_ns = r->ts - r->t0;
	switch (rec->tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		fn = rec->u.alloc.fn < MA_FN_COUNT ? rec->u.alloc.fn : MA_FN_MALLOC;
		if (r->pass == 1)
			r->totals.calls[fn]++;
		return alloc_block(r, rec->thread, rec->u.alloc.addr, rec->u.alloc.size,
				   rec->u.alloc.stack, fn);
	case MA_REC_FREE:
		fn = rec->u.free.fn < MA_FN_COUNT ? rec->u.free.fn : MA_FN_FREE;
		if (r->pass == 1)
			r->totals.calls[fn]++;
		return release_block(r, rec->u.free.addr, fn, 1);
	case MA_REC_REALLOC:
		return on_realloc(r, rec);
	case MA_REC_MMAP:
		return on_mmap(r, rec);
	case MA_REC_MUNMAP:
		return on_munmap(r, rec);
	case MA_REC_MREMAP:
		return on_mremap(r, rec);
	default:
		return r->pass == 1 ? first_pass_only(r, rec) : 0;
	}
}
