/* The peak snapshot taken in the first pass (replay.c keeps per-stack
 * counts) against the one a second replay up to the peak takes
 * (opts.peak_by_replay): on many random traces -- threads, reused
 * addresses, realloc, unknown frees, fork children inheriting blocks,
 * peaks at the very start, damaged files, several processes at once --
 * both must give the same lists, times and totals. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"
#include "analysis_tracegen.h"

#define NSTACKS 12
#define NADDRS 48          /* few addresses: reuse and replacement are common */
#define NSEEDS 150

static char dir[] = P_tmpdir "/ma-test-peak-XXXXXX";
static unsigned peaks_seen; /* sites in peak lists compared, over all runs */

static const char *path_of(const char *name, unsigned seed)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%u-%s", dir, seed, name);
	return buf[k];
}

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s % n;
}

static uint64_t addr_of(uint64_t *s)
{
	return 0x10000 + 0x100 * rnd(s, NADDRS);
}

static int tg_mmap(struct ma_trace_build *b, uint64_t us, uint64_t addr, uint64_t len)
{
	struct ma_record r = { .tag = MA_REC_MMAP, .ts = TG_US(us) };

	r.u.mmap = (struct ma_rec_mmap){ addr, len, 3, 0x22, 0, 1, MA_FN_MMAP, -1, tg_str("") };
	return ma_trace_build_add(b, 1, &r, NULL);
}

/* One random event at time us: mostly allocations, frees and reallocs of
 * a small pool of addresses (so blocks are replaced, freed twice, freed
 * unknown); grow: more allocations than releases. */
static void random_event(struct ma_trace_build *b, uint64_t *s, uint64_t us, int grow)
{
	uint32_t thread = 1 + (uint32_t)rnd(s, 3);
	uint64_t size = rnd(s, 8) ? 1 + rnd(s, 4000) : 0, stack = 1 + rnd(s, NSTACKS);
	uint64_t k = rnd(s, 100);

	if (k < (grow ? 45u : 30u))
		/* at address 0 now and then: recorded, never live (livemap.h) */
		assert_int_equal(tg_alloc(b, thread, us, rnd(s, 30) ? addr_of(s) : 0, size,
					  stack, MA_FN_MALLOC), 0);
	else if (k < 75)
		assert_int_equal(tg_free(b, thread, us, addr_of(s), MA_FN_FREE), 0);
	else if (k < 93)
		/* new 0: a failed realloc, or with size 0 a release */
		assert_int_equal(tg_realloc(b, thread, us, rnd(s, 6) ? addr_of(s) : 0,
					    rnd(s, 10) ? addr_of(s) : 0, size, stack), 0);
	else if (k < 95)
		assert_int_equal(tg_mmap(b, us, 0x7f0000000000 + 0x10000 * rnd(s, 8), 4096), 0);
	else if (k < 97)
		assert_int_equal(tg_marker(b, thread, us, "m"), 0);
	else
		assert_int_equal(tg_sample(b, us, 1000 * rnd(s, 1000)), 0);
	if (rnd(s, 40) == 0)
		assert_int_equal(ma_trace_build_flush(b, thread), 0);
}

/* Child pid of parent: kind 0 random, 1 only frees (its peak is before
 * its first record), 2 nothing at all. */
static void write_child(unsigned seed, uint64_t *s, uint64_t pid, uint64_t ppid, int kind)
{
	char name[32];
	struct ma_trace_build *b;
	unsigned n = kind == 2 ? 0 : 10 + (unsigned)rnd(s, 150);

	snprintf(name, sizeof(name), "%llu.trace", (unsigned long long)pid);
	b = tg_open(path_of(name, seed), pid, ppid, MA_PROC_F_FORK_CHILD, NSTACKS);
	assert_non_null(b);
	for (unsigned i = 0; i < n; i++) {
		if (kind == 1)
			assert_int_equal(tg_free(b, 1, 10 + i, addr_of(s), MA_FN_FREE), 0);
		else
			random_event(b, s, 10 + i, rnd(s, 2));
	}
	assert_int_equal(tg_close(b, 20 + n, rnd(s, 4) != 0), 0);
}

/* Parent 100 forks 101 and 102 at random moments; 200 is unrelated. */
static void write_traces(unsigned seed, uint64_t *s)
{
	struct ma_trace_build *b = tg_open(path_of("100.trace", seed), 100, 1, 0, NSTACKS);
	unsigned n = 20 + (unsigned)rnd(s, 400), fork1 = (unsigned)rnd(s, n),
		 fork2 = (unsigned)rnd(s, n);

	assert_non_null(b);
	for (unsigned i = 0; i < n; i++) {
		if (i == fork1)
			assert_int_equal(tg_fork(b, 10 + i, 101), 0);
		if (i == fork2)
			assert_int_equal(tg_fork(b, 10 + i, 102), 0);
		/* Phases of growth and shrinking make many peaks. */
		random_event(b, s, 10 + i, (i / 30) % 2 == 0);
	}
	assert_int_equal(tg_close(b, 20 + n, 1), 0);
	write_child(seed, s, 101, 100, (int)rnd(s, 3));
	write_child(seed, s, 102, 100, 0);
	b = tg_open(path_of("200.trace", seed), 200, 1, 0, NSTACKS);
	assert_non_null(b);
	for (unsigned i = 0; i < 200; i++)
		random_event(b, s, 10 + i, i < 150);
	assert_int_equal(tg_close(b, 300, 1), 0);
}

/* Cuts a random part off the end of a trace: a damaged trace. */
static void damage(const char *path, uint64_t *s)
{
	FILE *f = fopen(path, "r");
	long size;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, size - 1 - (long)rnd(s, (uint64_t)size / 2)), 0);
}

static void same_list(const struct ma_site_list *x, const struct ma_site_list *y)
{
	assert_int_equal(x->n, y->n);
	assert_int_equal(x->total_sites, y->total_sites);
	assert_int_equal(x->bytes, y->bytes);
	assert_int_equal(x->blocks, y->blocks);
	for (size_t i = 0; i < x->n; i++) {
		const struct ma_site *a = &x->v[i], *b = &y->v[i];
		assert_int_equal(a->bytes, b->bytes);
		assert_int_equal(a->blocks, b->blocks);
		assert_int_equal(a->calls, b->calls);
		assert_int_equal(a->alloc_bytes, b->alloc_bytes);
		assert_int_equal(a->dbytes, b->dbytes);
		assert_int_equal(a->dblocks, b->dblocks);
		assert_int_equal(a->stack.nframes, b->stack.nframes);
		for (unsigned k = 0; k < a->stack.nframes; k++)
			assert_int_equal(a->stack.frames[k].addr, b->stack.frames[k].addr);
	}
}

static void same_snapshot(const struct ma_snapshot *x, const struct ma_snapshot *y)
{
	assert_string_equal(x->label, y->label);
	assert_int_equal(x->taken, y->taken);
	assert_int_equal(x->ts, y->ts);
	same_list(&x->sites, &y->sites);
}

static void same_process(const struct ma_process *x, const struct ma_process *y)
{
	assert_int_equal(x->pid, y->pid);
	assert_int_equal(x->totals.peak_heap_bytes, y->totals.peak_heap_bytes);
	assert_int_equal(x->totals.peak_heap_ts, y->totals.peak_heap_ts);
	assert_int_equal(x->totals.live_bytes, y->totals.live_bytes);
	same_snapshot(&x->peak, &y->peak);
	assert_int_equal(x->nsnaps, y->nsnaps);
	for (unsigned k = 0; k < x->nsnaps; k++)
		same_snapshot(&x->snaps[k], &y->snaps[k]);
	same_list(&x->snap_diff, &y->snap_diff);
	same_list(&x->leaks, &y->leaks);
	same_list(&x->inherited_live, &y->inherited_live);
	peaks_seen += (unsigned)x->peak.sites.n;
}

/* Both ways on paths[0..n) with the snapshots of variant v. */
static void compare(const char *const *paths, size_t n, unsigned v)
{
	static const struct ma_snap_spec specs[][MA_MAX_SNAPS] = {
		{ { MA_SNAP_PEAK, 0, NULL }, { MA_SNAP_END, 0, NULL } },
		{ { MA_SNAP_TIME, 150000, NULL }, { MA_SNAP_PEAK, 0, NULL } },
		{ { MA_SNAP_PEAK, 0, NULL }, { MA_SNAP_MARKER, 0, "m" } },
	};
	struct ma_analysis *a[2] = { NULL, NULL };
	struct ma_analysis_opts o;
	char err[256];
	int rc[2];

	for (int way = 0; way < 2; way++) {
		ma_analysis_opts_init(&o);
		o.no_symbols = 1;
		o.top = 0;
		o.peak_by_replay = way;
		if (v % 4 != 3) {
			o.snaps[0] = specs[v % 4][0];
			o.snaps[1] = specs[v % 4][1];
			o.nsnaps = 1 + v / 4 % 2;
		}
		if (v % 5 == 4)   /* a peak snapshot without the peak section */
			o.sections &= ~(unsigned)MA_SEC_PEAK;
		rc[way] = ma_analysis_run(paths, n, &o, &a[way], err, sizeof(err));
	}
	assert_int_equal(rc[0], rc[1]);
	if (rc[0] != MA_ANALYSIS_OK)
		return;
	assert_int_equal(a[0]->nprocs, a[1]->nprocs);
	assert_int_equal(a[0]->damaged, a[1]->damaged);
	for (size_t i = 0; i < a[0]->nprocs; i++)
		same_process(&a[0]->procs[i], &a[1]->procs[i]);
	assert_true(!a[0]->total == !a[1]->total);
	if (a[0]->total)
		same_process(a[0]->total, a[1]->total);
	ma_analysis_free(a[0]);
	ma_analysis_free(a[1]);
}

static void test_random_traces(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= NSEEDS; seed++) {
		uint64_t s = 0x9e3779b97f4a7c15ull * seed;
		const char *all[4] = { path_of("102.trace", seed), path_of("200.trace", seed),
				       path_of("101.trace", seed), path_of("100.trace", seed) };

		write_traces(seed, &s);
		if (seed % 7 == 0)
			damage(all[seed % 4], &s);
		compare(all, 4, seed);          /* parents first, whatever the order */
		compare(&all[2], 2, seed + 1);  /* a child and its parent */
		compare(&all[2], 1, seed + 2);  /* a child alone: no inherited blocks */
		compare(&all[1], 1, seed + 3);
	}
	/* The comparisons were of something. */
	assert_true(peaks_seen > 1000);
}

/* ---- lists cut to the top sites ---- */

static unsigned cut_lists;   /* lists that had more sites than were kept */

/* cut is the first k sites of all, with the same totals. */
static void prefix_list(const struct ma_site_list *all, const struct ma_site_list *cut, size_t k)
{
	struct ma_site_list want = *all;

	want.n = all->n < k ? all->n : k;
	cut_lists += all->n > k;
	same_list(&want, cut);
}

static void prefix_process(const struct ma_process *all, const struct ma_process *cut, size_t k)
{
	prefix_list(&all->leaks, &cut->leaks, k);
	prefix_list(&all->inherited_live, &cut->inherited_live, k);
	prefix_list(&all->peak.sites, &cut->peak.sites, k);
	prefix_list(&all->temporary, &cut->temporary, k);
	prefix_list(&all->top_calls, &cut->top_calls, k);
	prefix_list(&all->top_bytes, &cut->top_bytes, k);
}

/* --top k keeps the first k sites of the whole list in its order, ties
 * (sites of the same size, blocks and bytes, which random traces of few
 * sizes have many of) included, grouped each way, for each process and
 * for the total over all. */
static void test_top_is_a_prefix(void **state)
{
	static const size_t ks[] = { 1, 2, 3, 6 };

	(void)state;
	for (unsigned seed = 1; seed <= NSEEDS; seed += 3) {
		uint64_t s = 0x9e3779b97f4a7c15ull * seed;
		const char *all[4] = { path_of("102.trace", seed), path_of("200.trace", seed),
				       path_of("101.trace", seed), path_of("100.trace", seed) };

		write_traces(seed, &s);
		for (int by = MA_GROUP_SITE; by <= MA_GROUP_MODULE; by++)
			for (size_t j = 0; j < sizeof(ks) / sizeof(ks[0]); j++) {
				struct ma_analysis *a[2];
				struct ma_analysis_opts o;
				char err[256];

				for (int way = 0; way < 2; way++) {
					ma_analysis_opts_init(&o);
					o.no_symbols = 1;
					o.group_by = (enum ma_group_by)by;
					o.top = way ? (unsigned)ks[j] : 0;
					assert_int_equal(ma_analysis_run(all, 4, &o, &a[way], err,
									 sizeof(err)), MA_ANALYSIS_OK);
				}
				assert_int_equal(a[0]->nprocs, a[1]->nprocs);
				for (size_t i = 0; i < a[0]->nprocs; i++)
					prefix_process(&a[0]->procs[i], &a[1]->procs[i], ks[j]);
				assert_non_null(a[0]->total);
				prefix_process(a[0]->total, a[1]->total, ks[j]);
				ma_analysis_free(a[0]);
				ma_analysis_free(a[1]);
			}
	}
	assert_true(cut_lists > 1000);
}

/* A child that only frees: its peak is before its first record, the whole
 * set it inherited. */
static void test_peak_before_first_record(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("p.trace", 0), 300, 1, 0, 2);
	const char *paths[2] = { path_of("p.trace", 0), path_of("c.trace", 0) };
	struct ma_analysis_opts o;
	struct ma_analysis *a;
	char err[256];

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 64, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_alloc(b, 1, 2, 0x2000, 32, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_fork(b, 3, 301), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);
	b = tg_open(paths[1], 301, 300, MA_PROC_F_FORK_CHILD, 2);
	assert_non_null(b);
	assert_int_equal(tg_free(b, 1, 4, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_free(b, 1, 5, 0x7000, MA_FN_FREE), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);

	ma_analysis_opts_init(&o);
	o.no_symbols = 1;
	assert_int_equal(ma_analysis_run(paths, 2, &o, &a, err, sizeof(err)), MA_ANALYSIS_OK);
	assert_int_equal(a->procs[1].pid, 301);
	assert_int_equal(a->procs[1].peak.ts, 0);
	assert_int_equal(a->procs[1].peak.sites.bytes, 96);
	assert_int_equal(a->procs[1].peak.sites.blocks, 2);
	ma_analysis_free(a);
	compare(paths, 2, 0);
}

static int cleanup(void **state)
{
	(void)state;
	return tg_remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peak_before_first_record),
		cmocka_unit_test(test_random_traces),
		cmocka_unit_test(test_top_is_a_prefix),
	};

	if (!mkdtemp(dir))
		return 1;
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
