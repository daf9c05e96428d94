#include "config.h"

#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

void ma_analysis_opts_init(struct ma_analysis_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sections = MA_SEC_ALL;
	o->top = 10;
	o->group_by = MA_GROUP_SITE;
	o->timeline_points = 100;
}

const struct ma_process *ma_analysis_main(const struct ma_analysis *a)
{
	return a->total ? a->total : a->nprocs ? &a->procs[0] : NULL;
}

/* ---- which passes ---- */

static int want_peak(const struct ma_analysis_opts *o)
{
	return (o->sections & MA_SEC_PEAK) != 0;
}

/* The first pass keeps what the peak snapshot needs (replay.c): a second
 * replay is for snapshots at a time or a marker, known only on the way. */
static int needs_second_pass(const struct ma_analysis_opts *o)
{
	if (want_peak(o) && o->peak_by_replay)
		return 1;
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (o->snaps[k].kind != MA_SNAP_END &&
		    (o->snaps[k].kind != MA_SNAP_PEAK || o->peak_by_replay))
			return 1;
	return 0;
}

static int peak_in_first_pass(const struct ma_analysis_opts *o)
{
	if (o->peak_by_replay)
		return 0;
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (o->snaps[k].kind == MA_SNAP_PEAK)
			return 1;
	return want_peak(o);
}

/* ---- opening and ordering ---- */

static int open_all(struct ma_analysis_private *pv, const struct ma_analysis_opts *o,
		    const char *const *paths, char *err, size_t errlen)
{
	uint64_t passes = needs_second_pass(o) ? 2 : 1;

	for (size_t i = 0; i < pv->n; i++) {
		char why[256];
		struct ma_input *in = &pv->in[i];

		in->path = paths[i];
		if (ma_trace_open(paths[i], &in->trace, why, sizeof(why)) != MA_TRACE_OPEN_OK) {
			snprintf(err, errlen, "cannot read '%s': %s", paths[i], why);
			return -1;
		}
		in->info = ma_trace_info(in->trace);
		pv->progress_total += in->info->bytes_read * passes;
	}
	return 0;
}

/* Links each fork child to its parent among the inputs. */
static void link_parents(struct ma_analysis_private *pv)
{
	for (size_t i = 0; i < pv->n; i++) {
		struct ma_input *c = &pv->in[i];
		if (!(c->info->flags & MA_PROC_F_FORK_CHILD))
			continue;
		for (size_t j = 0; j < pv->n; j++)
			if (j != i && pv->in[j].info->pid == c->info->ppid)
				c->parent = &pv->in[j];
	}
}

static size_t generation(const struct ma_input *in, size_t limit)
{
	size_t g = 0;

	for (; in->parent && g < limit; in = in->parent)
		g++;
	return g;
}

/* Parents before their children (stable otherwise), so a child's
 * inherited set is known when it is replayed.  Insertion sort: inputs
 * are few. */
static void order_inputs(struct ma_analysis_private *pv, size_t *order)
{
	for (size_t i = 0; i < pv->n; i++) {
		size_t g = generation(&pv->in[i], pv->n), k = i;
		while (k > 0 && generation(&pv->in[order[k - 1]], pv->n) > g) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
}

/* ---- fork: hand the parent's live set to the child ---- */

static int inherit(void *arg, struct ma_replay *r, uint64_t child_pid)
{
	struct ma_analysis_private *pv = arg;
	struct ma_input *c = NULL;
	struct ma_livemap_iter i = { 0 };
	struct ma_block blk, *b = &blk;
	size_t k = 0;

	for (size_t j = 0; j < pv->n && !c; j++)
		if (pv->in[j].parent && &pv->in[j].parent->r == r &&
		    pv->in[j].info->pid == child_pid && !pv->in[j].got_inherited)
			c = &pv->in[j];
	if (!c)
		return 0;
	c->got_inherited = 1;
	c->r.inherited = malloc((r->live.count + 1) * sizeof(*c->r.inherited));
	if (!c->r.inherited)
		return -1;
	while (ma_livemap_each(&r->live, &i, b))
		c->r.inherited[k++] = (struct ma_heir){ b->addr, b->size,
			r->stacks.v[b->stack].id | MA_STACK_FOREIGN, (uint8_t)b->fn };
	c->r.ninherited = k;
	return 0;
}

/* After the parent's first pass every stack is defined: copy the frames
 * of those its children inherited. */
static int copy_foreign_stacks(struct ma_analysis_private *pv, struct ma_input *parent)
{
	for (size_t j = 0; j < pv->n; j++) {
		struct ma_input *c = &pv->in[j];
		if (c->parent != parent)
			continue;
		for (size_t i = 0; i < c->r.ninherited; i++) {
			uint64_t id = c->r.inherited[i].stack;
			const struct ma_stackstat *s =
				ma_stacktab_find(&parent->r.stacks, id & ~MA_STACK_FOREIGN);
			if (s && s->frames &&
			    ma_stacktab_define(&c->r.stacks, id, s->frames, s->depth) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- the passes ---- */

static void progress(struct ma_analysis_private *pv, const struct ma_analysis_opts *o,
		     const struct ma_input *in)
{
	if (o->progress)
		o->progress(o->progress_arg, pv->progress_done + ma_trace_progress(in->trace),
			    pv->progress_total);
}

/* Next record, left where the look-ahead holds it (valid until the next
 * call); NULL at the end or at damage, which is noted for the report.
 * Read through the look-ahead, which warms the live map for the records
 * to come. */
static const struct ma_record *next_ref(struct ma_input *in)
{
	const struct ma_record *rec;
	int k = ma_lookahead_next_ref(&in->ahead, in->trace, &in->r.live, &rec);

	if (k < 0 && !in->next_error[0])
		snprintf(in->next_error, sizeof(in->next_error), "%s", ma_trace_error(in->trace));
	return k > 0 ? rec : NULL;
}

/* The same, copied into *rec: 0 at the end or at damage. */
static int next(struct ma_input *in, struct ma_record *rec)
{
	const struct ma_record *r = next_ref(in);

	if (r)
		*rec = *r;
	return r != NULL;
}

/* Point markers, for the timeline. */
static int keep_marker(struct ma_analysis_private *pv, struct ma_input *in,
		       const struct ma_record *rec)
{
	const struct ma_rec_marker *m = &rec->u.marker;
	struct ma_marker *k;

	if (m->kind != MA_MARK_POINT || in->nmarkers == MA_MAX_MARKERS)
		return 0;
	if (!in->markers &&
	    !(in->markers = ma_pool_alloc(&pv->pool, MA_MAX_MARKERS * sizeof(*in->markers))))
		return -1;
	k = &in->markers[in->nmarkers];
	k->ts = ma_replay_rel(&in->r, rec->ts);
	if (!(k->name = ma_pool_intern(&pv->pool, (const char *)m->name.ptr, m->name.len)))
		return -1;
	in->nmarkers++;
	return 0;
}

/* The snapshots at the peak, from the first pass's counts.  Their time
 * is the peak's, as a second pass would have taken them after its record. */
static int peak_snapshots(const struct ma_analysis_opts *o, struct ma_input *in)
{
	struct ma_replay *r = &in->r;

	if (want_peak(o) && ma_snapshot_peak(r, &in->peak) < 0)
		return -1;
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (o->snaps[k].kind == MA_SNAP_PEAK) {
			in->snap_taken[k] = 1;
			in->snap_ts[k] = r->totals.peak_heap_ts;
			if (ma_snapshot_peak(r, &in->snaps[k]) < 0)
				return -1;
		}
	return 0;
}

static int first_pass(struct ma_analysis_private *pv, const struct ma_analysis_opts *o,
		      struct ma_input *in)
{
	struct ma_replay *r = &in->r;
	const struct ma_record *rec;
	struct ma_livemap_iter i = { 0 };
	struct ma_block blk, *b = &blk;

	if (ma_replay_begin(r, 1) < 0 || ma_replay_observe(r, MA_EV_BEGIN, 0, NULL) < 0)
		return -1;
	while ((rec = next_ref(in))) {
		if (ma_replay_record(r, rec) < 0)
			return -1;
		if (rec->tag == MA_REC_MARKER && keep_marker(pv, in, rec) < 0)
			return -1;
		if ((r->index & 0xffff) == 0)
			progress(pv, o, in);
	}
	if (ma_replay_observe(r, MA_EV_END, 0, NULL) < 0)
		return -1;
	while (ma_livemap_each(&r->live, &i, b))
		if (!(b->flags & MA_BLOCK_F_INHERITED)) {
			r->totals.live_blocks++;
			r->totals.live_bytes += b->size;
		}
	r->totals.live_mmap_bytes = r->maps.bytes;
	if (ma_snapshot_raw(r, MA_LIVE_OWN, &in->leaks) < 0 ||
	    ma_snapshot_raw(r, MA_LIVE_INHERITED, &in->inherited) < 0 ||
	    ma_stats_raw(r, MA_STAT_CALLS, &in->calls) < 0 ||
	    ma_stats_raw(r, MA_STAT_TEMPORARY, &in->temp) < 0)
		return -1;
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (o->snaps[k].kind == MA_SNAP_END) {
			in->snap_taken[k] = 1;
			in->snap_ts[k] = r->totals.duration_ns;
			if (ma_snapshot_raw(r, MA_LIVE_ALL, &in->snaps[k]) < 0)
				return -1;
		}
	if (r->peak_counts && peak_snapshots(o, in) < 0)
		return -1;
	return copy_foreign_stacks(pv, in);
}

/* Takes every snapshot due at this point of the second pass: when = 0
 * before the record (times), 1 after it (peak, markers). */
static int take_due(struct ma_input *in, const struct ma_analysis_opts *o,
		    const struct ma_record *rec, int after, int *peak_taken)
{
	struct ma_replay *r = &in->r;
	uint64_t rel = ma_replay_rel(r, rec->ts);

	if (after && !*peak_taken && want_peak(o) && r->index >= r->peak_index) {
		*peak_taken = 1;
		if (ma_snapshot_raw(r, MA_LIVE_ALL, &in->peak) < 0)
			return -1;
	}
	for (unsigned k = 0; k < o->nsnaps; k++) {
		const struct ma_snap_spec *s = &o->snaps[k];
		int due;
		if (in->snap_taken[k])
			continue;
		if (s->kind == MA_SNAP_PEAK)
			due = after && r->index >= r->peak_index;
		else if (s->kind == MA_SNAP_TIME)
			due = !after && ma_tag_is_timed(rec->tag) && rel > s->time_ns;
		else if (s->kind == MA_SNAP_MARKER)
			due = after && rec->tag == MA_REC_MARKER &&
			      strlen(s->marker) == rec->u.marker.name.len &&
			      !memcmp(s->marker, rec->u.marker.name.ptr, rec->u.marker.name.len);
		else
			due = 0;
		if (!due)
			continue;
		in->snap_taken[k] = 1;
		in->snap_ts[k] = s->kind == MA_SNAP_TIME ? s->time_ns : ma_replay_rel(r, r->ts);
		if (ma_snapshot_raw(r, MA_LIVE_ALL, &in->snaps[k]) < 0)
			return -1;
	}
	return 0;
}

static int all_taken(const struct ma_input *in, const struct ma_analysis_opts *o,
		     int peak_taken)
{
	if (want_peak(o) && !peak_taken)
		return 0;
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (!in->snap_taken[k])
			return 0;
	return 1;
}

/* Replays up to the last moment a snapshot is wanted at: the peak's
 * position in replay order is known from the first pass, so the live set
 * there is exact. */
static int second_pass(struct ma_analysis_private *pv, const struct ma_analysis_opts *o,
		       struct ma_input *in)
{
	struct ma_replay *r = &in->r;
	struct ma_record rec = { .tag = MA_REC_TRAILER };
	int peak_taken = !o->peak_by_replay;   /* else from the first pass */

	if (ma_lookahead_rewind(&in->ahead, in->trace) < 0)
		return 0;   /* reported as damage through the first pass */
	if (ma_replay_begin(r, 2) < 0 ||
	    take_due(in, o, &rec, 1, &peak_taken) < 0)   /* peak at index 0 */
		return -1;
	while (!all_taken(in, o, peak_taken) && next(in, &rec)) {
		if (take_due(in, o, &rec, 0, &peak_taken) < 0 ||
		    ma_replay_record(r, &rec) < 0 ||
		    take_due(in, o, &rec, 1, &peak_taken) < 0)
			return -1;
		if ((r->index & 0xffff) == 0)
			progress(pv, o, in);
	}
	/* A time within the trace but after its last event: the end state. */
	for (unsigned k = 0; k < o->nsnaps; k++)
		if (!in->snap_taken[k] && o->snaps[k].kind == MA_SNAP_TIME &&
		    o->snaps[k].time_ns <= r->totals.duration_ns) {
			in->snap_taken[k] = 1;
			in->snap_ts[k] = o->snaps[k].time_ns;
			if (ma_snapshot_raw(r, MA_LIVE_ALL, &in->snaps[k]) < 0)
				return -1;
		}
	return 0;
}

static int analyse_one(struct ma_analysis_private *pv, const struct ma_analysis_opts *o,
		       struct ma_input *in)
{
	if (first_pass(pv, o, in) < 0)
		return -1;
	pv->progress_done += in->info->bytes_read;
	if (needs_second_pass(o)) {
		if (second_pass(pv, o, in) < 0)
			return -1;
		pv->progress_done += in->info->bytes_read;
	}
	if (o->nsnaps == 2 && in->snap_taken[0] && in->snap_taken[1] &&
	    ma_rawlist_diff(&in->snaps[0], &in->snaps[1], &in->diff) < 0)
		return -1;
	/* The live set is no longer needed: give its memory back early. */
	ma_livemap_release(&in->r.live);
	progress(pv, o, in);
	return 0;
}

/* ---- run and free ---- */

static int init_all(struct ma_analysis *a)
{
	struct ma_analysis_private *pv = a->priv;

	for (size_t i = 0; i < pv->n; i++) {
		struct ma_input *in = &pv->in[i];
		if (ma_replay_init(&in->r, in->info, &a->opts, &pv->pool) < 0)
			return -1;
		in->r.sym.shared = &pv->symbolizing;
		in->r.peak_counts = peak_in_first_pass(&a->opts);
		in->r.on_fork = inherit;
		in->r.fork_arg = pv;
		in->r.input = i;
	}
	return 0;
}

static int run_all(struct ma_analysis *a)
{
	struct ma_analysis_private *pv = a->priv;
	size_t *order = calloc(pv->n, sizeof(*order));
	int rc = 0;

	if (!order)
		return -1;
	link_parents(pv);
	order_inputs(pv, order);
	a->procs = ma_pool_alloc(&pv->pool, pv->n * sizeof(*a->procs));
	a->nprocs = pv->n;
	for (size_t i = 0; i < pv->n && !rc; i++) {
		struct ma_input *in = &pv->in[order[i]];
		rc = analyse_one(pv, &a->opts, in);
		if (!rc)
			rc = ma_result_process(a, in, &a->procs[i]);
		/* the sum needs its results, not its reading */
		ma_trace_idle(in->trace);
		if (!rc && a->procs[i].damage)
			a->damaged = 1;
	}
	free(order);
	if (!rc && pv->n > 1)
		rc = ma_result_total(a);
	return rc;
}

int ma_analysis_run(const char *const *paths, size_t n,
		    const struct ma_analysis_opts *opts,
		    struct ma_analysis **out, char *err, size_t errlen)
{
	struct ma_analysis *a = calloc(1, sizeof(*a));
	struct ma_analysis_private *pv = calloc(1, sizeof(*pv));
	int rc;

	*out = NULL;
	if (!a || !pv || !(pv->in = calloc(n ? n : 1, sizeof(*pv->in)))) {
		free(a);
		free(pv);
		snprintf(err, errlen, "out of memory");
		return MA_ANALYSIS_NOMEM;
	}
	a->priv = pv;
	a->opts = *opts;
	pv->n = n;
	ma_pool_init(&pv->pool);
	if (open_all(pv, opts, paths, err, errlen) < 0) {
		ma_analysis_free(a);
		return MA_ANALYSIS_INPUT;
	}
	rc = init_all(a) < 0 || run_all(a) < 0;
	/* Borrowed for the run only. */
	a->opts.debug_dirs = NULL;
	a->opts.sysroot = NULL;
	a->opts.progress = NULL;
	a->opts.observe = NULL;
	a->opts.observe_arg = NULL;
	for (unsigned k = 0; k < a->opts.nsnaps; k++)
		a->opts.snaps[k].marker = NULL;
	if (rc) {
		ma_analysis_free(a);
		snprintf(err, errlen, "out of memory");
		return MA_ANALYSIS_NOMEM;
	}
	*out = a;
	return MA_ANALYSIS_OK;
}

static void free_input(struct ma_input *in)
{
	ma_rawlist_release(&in->leaks);
	ma_rawlist_release(&in->inherited);
	ma_rawlist_release(&in->peak);
	ma_rawlist_release(&in->calls);
	ma_rawlist_release(&in->temp);
	ma_rawlist_release(&in->diff);
	for (unsigned k = 0; k < MA_MAX_SNAPS; k++)
		ma_rawlist_release(&in->snaps[k]);
	ma_replay_release(&in->r);
	if (in->trace)
		ma_trace_close(in->trace);
}

void ma_analysis_free(struct ma_analysis *a)
{
	struct ma_analysis_private *pv;

	if (!a)
		return;
	pv = a->priv;
	for (size_t i = 0; i < pv->n; i++)
		free_input(&pv->in[i]);
	free(pv->in);
	ma_symctx_shared_release(&pv->symbolizing);
	ma_pool_release(&pv->pool);
	free(pv);
	free(a);
}
