/* Unit tests of the analysis: synthetic traces whose answers are known
 * exactly, replayed by ma_analysis_run() without symbols. */
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
#include "trace_reader.h"

static char dir[] = "/tmp/ma-test-replay-XXXXXX";

static const char *path_of(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static struct ma_analysis *analyse_opts(const char *const *paths, size_t n,
					struct ma_analysis_opts *o)
{
	struct ma_analysis *a = NULL;
	char err[256];

	o->no_symbols = 1;
	o->top = 0;
	assert_int_equal(ma_analysis_run(paths, n, o, &a, err, sizeof(err)), MA_ANALYSIS_OK);
	return a;
}

static struct ma_analysis *analyse(const char *name)
{
	struct ma_analysis_opts o;
	const char *p = path_of(name);

	ma_analysis_opts_init(&o);
	return analyse_opts(&p, 1, &o);
}

/* The stack id a site shows: tg_open gives stack id the frame prog+0x1000*id. */
static uint64_t stack_id(const struct ma_site *s)
{
	assert_true(s->stack.nframes >= 1);
	assert_string_equal(s->stack.frames[0].module, "/usr/bin/prog");
	return s->stack.frames[0].offset / 0x1000;
}

static void expect_site(const struct ma_site_list *l, size_t i, uint64_t id,
			uint64_t bytes, uint64_t blocks)
{
	assert_true(i < l->n);
	assert_int_equal(stack_id(&l->v[i]), id);
	assert_int_equal(l->v[i].bytes, bytes);
	assert_int_equal(l->v[i].blocks, blocks);
}

/* Two threads interleave; thread 1 frees A and thread 2 gets the same
 * address back.  Heap: 100, 150, 50, 250, 280 (peak at 5 us), 80. */
static void test_threads_reuse_peak(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("threads.trace"), 10, 1, 0, 4);
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_non_null(b);
	/* Thread 2's chunk is written first: the reader must merge by time. */
	assert_int_equal(tg_alloc(b, 2, 2, 0xb000, 50, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_alloc(b, 2, 4, 0xa000, 200, 4, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 2, 6, 0xa000, MA_FN_FREE), 0);
	assert_int_equal(ma_trace_build_flush(b, 2), 0);
	assert_int_equal(tg_alloc(b, 1, 1, 0xa000, 100, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 1, 3, 0xa000, MA_FN_FREE), 0);
	assert_int_equal(tg_alloc(b, 1, 5, 0xc000, 30, 3, MA_FN_MALLOC), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);

	a = analyse("threads.trace");
	p = &a->procs[0];
	assert_null(a->total);
	assert_int_equal(p->totals.allocations, 4);
	assert_int_equal(p->totals.frees, 2);
	assert_int_equal(p->totals.unknown_frees, 0);
	assert_int_equal(p->totals.peak_heap_bytes, 280);
	assert_int_equal(p->totals.peak_heap_ts, 5000);
	assert_int_equal(p->peak.sites.bytes, 280);
	expect_site(&p->peak.sites, 0, 4, 200, 1);
	expect_site(&p->peak.sites, 1, 2, 50, 1);
	expect_site(&p->peak.sites, 2, 3, 30, 1);
	assert_true(p->leaks_are_leaks);
	assert_null(p->damage);
	assert_int_equal(p->leaks.n, 2);
	expect_site(&p->leaks, 0, 2, 50, 1);
	expect_site(&p->leaks, 1, 3, 30, 1);
	assert_int_equal(p->totals.live_bytes, 80);
	ma_analysis_free(a);
}

/* malloc 10, realloc to 20 elsewhere, in place to 40, a failed realloc
 * (old kept), then realloc to size 0 (a release). */
static void test_realloc_chain(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("realloc.trace"), 11, 1, 0, 2);
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 10, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_realloc(b, 1, 2, 0x1000, 0x2000, 20, 2), 0);
	assert_int_equal(tg_realloc(b, 1, 3, 0x2000, 0x2000, 40, 2), 0);
	assert_int_equal(tg_realloc(b, 1, 4, 0x2000, 0, 1u << 30, 2), 0);
	assert_int_equal(tg_realloc(b, 1, 5, 0x2000, 0, 0, 2), 0);
	assert_int_equal(tg_close(b, 6, 1), 0);

	a = analyse("realloc.trace");
	p = &a->procs[0];
	assert_int_equal(p->totals.calls[MA_FN_MALLOC], 1);
	assert_int_equal(p->totals.calls[MA_FN_REALLOC], 4);
	assert_int_equal(p->totals.allocations, 3);
	assert_int_equal(p->totals.frees, 3);
	assert_int_equal(p->totals.bytes_allocated, 70);
	assert_int_equal(p->totals.peak_heap_bytes, 40);
	assert_int_equal(p->totals.live_blocks, 0);
	assert_int_equal(p->leaks.n, 0);
	assert_int_equal(p->totals.unknown_frees, 0);
	assert_int_equal(p->totals.temporary, 0);
	ma_analysis_free(a);
}

/* Leaks by stack: 1: 3 x 100; 2: 1 x 1000; 3: 2 x 10, one freed. */
static int write_leaks(const char *path, int complete)
{
	struct ma_trace_build *b = tg_open(path, 12, 1, 0, 3);
	int rc = 0;

	if (!b)
		return -1;
	for (unsigned i = 0; i < 3; i++)
		rc |= tg_alloc(b, 1, 1 + i, 0x1000 + i * 0x100, 100, 1, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 10, 0x9000, 1000, 2, MA_FN_CALLOC);
	rc |= tg_alloc(b, 1, 11, 0x8000, 10, 3, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 12, 0x8100, 10, 3, MA_FN_MALLOC);
	rc |= tg_free(b, 1, 13, 0x8000, MA_FN_FREE);
	rc |= tg_sample(b, 14, 4096 * 100);
	return rc | tg_close(b, 20, complete);
}

static void test_leaks_by_stack(void **state)
{
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_int_equal(write_leaks(path_of("leaks.trace"), 1), 0);
	a = analyse("leaks.trace");
	p = &a->procs[0];
	assert_true(p->leaks_are_leaks);
	assert_int_equal(p->leaks.total_sites, 3);
	assert_int_equal(p->leaks.bytes, 1310);
	assert_int_equal(p->leaks.blocks, 5);
	expect_site(&p->leaks, 0, 2, 1000, 1);
	expect_site(&p->leaks, 1, 1, 300, 3);
	expect_site(&p->leaks, 2, 3, 10, 1);
	assert_int_equal(p->totals.peak_rss_bytes, 409600);
	assert_int_equal(p->totals.peak_heap_bytes, 1320);
	assert_int_equal(p->histogram[6], 3);   /* 100 in [64, 128) */
	assert_int_equal(p->histogram[9], 1);   /* 1000 in [512, 1024) */
	assert_int_equal(p->histogram[3], 2);   /* 10 in [8, 16) */
	ma_analysis_free(a);
}

/* No trailer: the live blocks are not called leaks. */
static void test_truncated_not_leaks(void **state)
{
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_int_equal(write_leaks(path_of("cut.trace"), 0), 0);
	a = analyse("cut.trace");
	p = &a->procs[0];
	assert_false(p->complete);
	assert_false(p->leaks_are_leaks);
	assert_non_null(p->damage);
	assert_non_null(strstr(p->leaks_reason, "live when it ends"));
	assert_int_equal(p->leaks.blocks, 5);  /* shown, as live at the end */
	assert_true(a->damaged);
	ma_analysis_free(a);
}

/* A trace cut in the middle of a chunk: what comes before is analysed. */
static void test_damaged_file(void **state)
{
	const char *path = path_of("damaged.trace");
	struct ma_trace_build *b = tg_open(path, 13, 1, 0, 1);
	struct ma_analysis *a;
	FILE *f;
	long size;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 64, 1, MA_FN_MALLOC), 0);
	assert_int_equal(ma_trace_build_flush(b, 1), 0);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(tg_alloc(b, 1, 2 + i, 0x2000 + i * 64, 64, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_close(b, 200, 1), 0);
	f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(path, size - 200), 0);

	a = analyse("damaged.trace");
	assert_true(a->damaged);
	assert_true(a->procs[0].damaged);
	assert_false(a->procs[0].leaks_are_leaks);
	assert_int_equal(a->procs[0].totals.allocations, 1);
	ma_analysis_free(a);
}

/* Parent 100 allocates P1 (64, stack 1) and P2 (32, stack 2), forks 101,
 * then frees P1.  The child frees P1 (inherited), frees an address never
 * seen, and leaks 16 bytes of its own. */
static void write_fork(void)
{
	struct ma_trace_build *b = tg_open(path_of("parent.trace"), 100, 1, 0, 2);

	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 64, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_alloc(b, 1, 2, 0x2000, 32, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_fork(b, 3, 101), 0);
	assert_int_equal(tg_free(b, 1, 4, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_free(b, 1, 5, 0x2000, MA_FN_FREE), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);

	b = tg_open(path_of("child.trace"), 101, 100, MA_PROC_F_FORK_CHILD, 3);
	assert_non_null(b);
	assert_int_equal(tg_free(b, 1, 4, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_free(b, 1, 5, 0x7000, MA_FN_FREE), 0);
	assert_int_equal(tg_alloc(b, 1, 6, 0x3000, 16, 3, MA_FN_MALLOC), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);
}

static void test_fork_with_parent(void **state)
{
	const char *paths[2];
	struct ma_analysis_opts o;
	struct ma_analysis *a;
	const struct ma_process *c;

	(void)state;
	write_fork();
	/* The child first: the analysis replays parents first anyway. */
	paths[0] = path_of("child.trace");
	paths[1] = path_of("parent.trace");
	ma_analysis_opts_init(&o);
	a = analyse_opts(paths, 2, &o);
	assert_int_equal(a->nprocs, 2);
	assert_int_equal(a->procs[0].pid, 100);
	c = &a->procs[1];
	assert_int_equal(c->pid, 101);
	assert_int_equal(c->totals.inherited_frees, 1);
	assert_int_equal(c->totals.unknown_frees, 1);
	assert_int_equal(c->totals.frees, 0);
	assert_int_equal(c->leaks.n, 1);
	expect_site(&c->leaks, 0, 3, 16, 1);
	/* P2 is still live in the child, allocated by the parent's stack 2. */
	assert_int_equal(c->inherited_live.n, 1);
	expect_site(&c->inherited_live, 0, 2, 32, 1);
	assert_int_equal(a->procs[0].leaks.n, 0);
	/* The sum over both. */
	assert_non_null(a->total);
	assert_int_equal(a->total->totals.allocations, 3);
	assert_int_equal(a->total->totals.live_bytes, 16);
	assert_int_equal(a->total->leaks.n, 1);
	ma_analysis_free(a);
}

/* A trace of pid that starts at mono on the monotonic clock and real on
 * the wall clock (0: unknown), allocates 16 bytes at once and exits ms
 * later. */
static void write_span(const char *name, uint64_t pid, uint64_t mono, uint64_t real,
		       uint64_t ms)
{
	struct ma_rec_process proc = { .pid = pid, .ppid = 1, .start_monotonic_ns = mono,
				       .start_realtime_ns = real, .stack_depth = 64,
				       .sample_interval_ms = 10 };
	struct ma_rec_trailer t = { .exit_kind = MA_EXIT_NORMAL };
	struct ma_record r = { .tag = MA_REC_ALLOC, .ts = mono + 1000 };
	struct ma_trace_build *b;

	proc.exe = tg_str("/usr/bin/prog");
	proc.cmdline = tg_str("prog");
	proc.probe_version = tg_str("test");
	assert_non_null(b = ma_trace_build_open(path_of(name), &proc, 0));
	r.u.alloc = (struct ma_rec_alloc){ 0x1000, 16, 0, MA_FN_MALLOC, 0 };
	assert_int_equal(ma_trace_build_add(b, 1, &r, NULL), 0);
	assert_int_equal(ma_trace_build_close(b, &t, mono + ms * 1000000u), 0);
}

static uint64_t sum_duration(const char *a, const char *b, const char *c)
{
	const char *paths[3] = { path_of(a), path_of(b), path_of(c) };
	struct ma_analysis_opts o;
	struct ma_analysis *an;
	uint64_t d;

	ma_analysis_opts_init(&o);
	an = analyse_opts(paths, 3, &o);
	assert_int_equal(an->nprocs, 3);
	assert_non_null(an->total);
	assert_int_equal(an->procs[0].totals.duration_ns +
				 an->procs[1].totals.duration_ns +
				 an->procs[2].totals.duration_ns,
			 1400000000u);
	d = an->total->totals.duration_ns;
	assert_int_equal(an->total->start_monotonic_ns, 1000000000u);
	ma_analysis_free(an);
	return d;
}

/* The sum's duration: from the first start to the last end when every
 * trace's clocks say they ran on one boot (wall minus monotonic within a
 * second), else the sum of the durations. */
static void test_sum_duration(void **state)
{
	const uint64_t boot = 1700000000000000000ull, s = 1000000000ull;

	(void)state;
	write_span("s1.trace", 11, s, boot + s, 500);
	write_span("s2.trace", 12, s + 100000000u, boot + s + 100000000u + 900000000u, 300);
	write_span("s3.trace", 13, s + 200000000u, boot + s + 200000000u, 600);
	/* 1.0 s to 1.8 s; the second trace's wall clock 0.9 s off: one boot */
	assert_int_equal(sum_duration("s1.trace", "s2.trace", "s3.trace"), 800000000u);
	/* another boot (its wall clock a day off): the sum */
	write_span("s4.trace", 14, s + 200000000u, boot + 86400000000000ull, 600);
	assert_int_equal(sum_duration("s1.trace", "s2.trace", "s4.trace"), 1400000000u);
	/* a trace without a wall clock: the sum */
	write_span("s5.trace", 15, s + 200000000u, 0, 600);
	assert_int_equal(sum_duration("s5.trace", "s2.trace", "s1.trace"), 1400000000u);
}

/* Removes the chunk of thread `thread` and seq `seq` from the file. */
static void cut_chunk(const char *file, uint32_t thread, uint32_t seq)
{
	struct ma_chunk_iter *it;
	struct ma_chunk_view v;
	uint64_t from = 0, to = 0;
	char err[256];
	static uint8_t buf[1 << 16];
	size_t len;
	FILE *f;

	assert_int_equal(ma_chunk_iter_open(file, &it, err, sizeof(err)), MA_TRACE_OPEN_OK);
	while (ma_chunk_iter_next(it, &v) == 1)
		if (v.hdr.thread == thread && v.hdr.seq == seq) {
			from = v.offset;
			to = v.offset + MA_CHUNK_HDR_LEN + v.hdr.stored_len;
		}
	ma_chunk_iter_close(it);
	assert_true(to > from);
	assert_non_null(f = fopen(file, "rb"));
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(len > to && len < sizeof(buf));
	memmove(buf + from, buf + to, len - to);
	assert_non_null(f = fopen(file, "wb"));
	assert_int_equal(fwrite(buf, 1, len - (to - from), f), len - (to - from));
	fclose(f);
}

/* A complete trace that misses a chunk (its seq skipped) lost records:
 * what is live at its end may have been freed there, so it has no
 * leaks, only blocks live at the end. */
static void test_missing_chunk_no_leaks(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("gap.trace"), 4545, 1, 0, 2);
	struct ma_analysis *a;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 64, 1, MA_FN_MALLOC), 0);
	assert_int_equal(ma_trace_build_flush(b, 1), 0);          /* seq 0 */
	assert_int_equal(tg_free(b, 1, 2, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(ma_trace_build_flush(b, 1), 0);          /* seq 1 */
	assert_int_equal(tg_alloc(b, 1, 3, 0x2000, 32, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 1, 4, 0x2000, MA_FN_FREE), 0);
	assert_int_equal(tg_close(b, 5, 1), 0);                   /* seq 2 */
	a = analyse("gap.trace");
	assert_true(a->procs[0].complete);
	assert_false(a->procs[0].damaged);
	assert_int_equal(a->procs[0].leaks_are_leaks, 1);
	assert_int_equal(a->procs[0].leaked_bytes, 0);
	ma_analysis_free(a);

	cut_chunk(path_of("gap.trace"), 1, 1);
	a = analyse("gap.trace");
	assert_true(a->procs[0].complete);
	assert_true(a->procs[0].damaged);
	assert_string_equal(a->procs[0].damage, "1 thread misses chunks: its events there are lost");
	assert_int_equal(a->procs[0].leaks_are_leaks, 0);
	assert_string_equal(a->procs[0].leaks_reason,
			    "records of the trace are lost (damaged or missing chunks): these "
			    "blocks were live when it ends, their release may be among them");
	assert_int_equal(a->procs[0].leaked_bytes, 0);
	assert_int_equal(a->procs[0].totals.live_bytes, 64);
	ma_analysis_free(a);
}

static void test_fork_without_parent(void **state)
{
	struct ma_analysis *a;

	(void)state;
	write_fork();
	a = analyse("child.trace");
	/* Both frees are of blocks from before fork, as far as we can know. */
	assert_int_equal(a->procs[0].totals.inherited_frees, 2);
	assert_int_equal(a->procs[0].totals.unknown_frees, 0);
	assert_int_equal(a->procs[0].leaks.blocks, 1);
	ma_analysis_free(a);
}

static void test_mismatch(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("mismatch.trace"), 14, 1, 0, 4);
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 8, 1, MA_FN_NEW), 0);
	assert_int_equal(tg_alloc(b, 1, 2, 0x2000, 16, 2, MA_FN_NEW_ARRAY), 0);
	assert_int_equal(tg_alloc(b, 1, 3, 0x3000, 32, 3, MA_FN_MALLOC), 0);
	assert_int_equal(tg_alloc(b, 1, 4, 0x4000, 64, 4, MA_FN_NEW), 0);
	assert_int_equal(tg_free(b, 1, 5, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_free(b, 1, 6, 0x2000, MA_FN_DELETE), 0);
	assert_int_equal(tg_free(b, 1, 7, 0x3000, MA_FN_DELETE), 0);
	assert_int_equal(tg_free(b, 1, 8, 0x4000, MA_FN_DELETE), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);

	a = analyse("mismatch.trace");
	p = &a->procs[0];
	assert_int_equal(p->totals.mismatched, 3);
	assert_int_equal(p->nmismatches, 3);
	assert_int_equal(p->mismatches[0].alloc_fn, MA_FN_NEW);
	assert_int_equal(p->mismatches[0].free_fn, MA_FN_FREE);
	assert_int_equal(p->mismatches[0].bytes, 8);
	assert_int_equal(p->mismatches[1].alloc_fn, MA_FN_NEW_ARRAY);
	assert_int_equal(p->mismatches[1].free_fn, MA_FN_DELETE);
	assert_int_equal(p->mismatches[2].alloc_fn, MA_FN_MALLOC);
	assert_int_equal(p->mismatches[2].free_fn, MA_FN_DELETE);
	assert_int_equal(p->mismatches[2].stack.frames[0].offset, 0x3000);
	assert_int_equal(p->totals.calls[MA_FN_NEW], 2);
	assert_int_equal(p->totals.calls[MA_FN_DELETE], 3);
	ma_analysis_free(a);
}

/* A at 1 ms, marker "loaded" at 2 ms, B at 3 ms, A freed at 4 ms. */
static void test_snapshots(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("snap.trace"), 15, 1, 0, 2);
	const char *path = path_of("snap.trace");
	struct ma_analysis_opts o;
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1000, 0x1000, 100, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_marker(b, 1, 2000, "loaded"), 0);
	assert_int_equal(tg_alloc(b, 1, 3000, 0x2000, 40, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 1, 4000, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_close(b, 5000, 1), 0);

	ma_analysis_opts_init(&o);
	o.snaps[0] = (struct ma_snap_spec){ MA_SNAP_MARKER, 0, "loaded" };
	o.snaps[1] = (struct ma_snap_spec){ MA_SNAP_TIME, 3500000, NULL };
	o.nsnaps = 2;
	a = analyse_opts(&path, 1, &o);
	p = &a->procs[0];
	assert_true(p->snaps[0].taken);
	assert_int_equal(p->snaps[0].ts, 2000000);
	assert_string_equal(p->snaps[0].label, "marker 'loaded'");
	assert_int_equal(p->snaps[0].sites.n, 1);
	expect_site(&p->snaps[0].sites, 0, 1, 100, 1);
	assert_true(p->snaps[1].taken);
	assert_int_equal(p->snaps[1].sites.bytes, 140);
	assert_int_equal(p->snap_diff.n, 1);
	assert_int_equal(stack_id(&p->snap_diff.v[0]), 2);
	assert_int_equal(p->snap_diff.v[0].dbytes, 40);
	assert_int_equal(p->snap_diff.v[0].dblocks, 1);
	ma_analysis_free(a);

	/* A marker never seen and a time past the end are not taken. */
	o.snaps[0] = (struct ma_snap_spec){ MA_SNAP_MARKER, 0, "never" };
	o.snaps[1] = (struct ma_snap_spec){ MA_SNAP_TIME, 9000000000ull, NULL };
	a = analyse_opts(&path, 1, &o);
	assert_false(a->procs[0].snaps[0].taken);
	assert_false(a->procs[0].snaps[1].taken);
	assert_int_equal(a->procs[0].snap_diff.n, 0);
	ma_analysis_free(a);
}

/* Thread 1: A freed at once (temporary); B, C, then B freed (not: C came
 * between) and C freed (temporary).  Thread 2 allocating meanwhile does
 * not matter. */
static void test_temporary(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("temp.trace"), 16, 1, 0, 3);
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(tg_alloc(b, 1, 1, 0x1000, 10, 1, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 1, 2, 0x1000, MA_FN_FREE), 0);
	assert_int_equal(tg_alloc(b, 1, 3, 0x2000, 20, 2, MA_FN_MALLOC), 0);
	assert_int_equal(tg_alloc(b, 1, 4, 0x3000, 30, 3, MA_FN_MALLOC), 0);
	assert_int_equal(tg_free(b, 1, 6, 0x2000, MA_FN_FREE), 0);
	assert_int_equal(tg_free(b, 1, 7, 0x3000, MA_FN_FREE), 0);
	assert_int_equal(tg_alloc(b, 2, 5, 0x4000, 40, 3, MA_FN_MALLOC), 0);
	assert_int_equal(tg_close(b, 10, 1), 0);

	a = analyse("temp.trace");
	p = &a->procs[0];
	assert_int_equal(p->totals.temporary, 2);
	assert_int_equal(p->temporary.n, 2);
	assert_int_equal(p->temporary.blocks, 2);
	assert_int_equal(p->temporary.bytes, 40);
	ma_analysis_free(a);
}

/* Sites that tie on the list's measure: more blocks first, then more
 * bytes live, more bytes allocated, and then in the order their stacks
 * were first seen (defined: 1..6 here), never by address or by text. */
static void test_tie_order(void **state)
{
	struct ma_trace_build *b = tg_open(path_of("ties.trace"), 17, 1, 0, 6);
	struct ma_analysis *a;
	const struct ma_process *p;
	int rc = 0;

	(void)state;
	assert_non_null(b);
	rc |= tg_alloc(b, 1, 1, 0x6000, 10, 6, MA_FN_MALLOC);   /* 6 before 5 in time */
	rc |= tg_alloc(b, 1, 2, 0x5000, 10, 5, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 3, 0x1000, 100, 1, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 4, 0x3000, 100, 3, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 5, 0x3800, 50, 3, MA_FN_MALLOC);  /* 3: 50 more allocated */
	rc |= tg_free(b, 1, 6, 0x3800, MA_FN_FREE);
	rc |= tg_alloc(b, 1, 7, 0x2000, 50, 2, MA_FN_MALLOC);  /* 2: 100 in two blocks */
	rc |= tg_alloc(b, 1, 8, 0x2800, 50, 2, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 9, 0x4000, 200, 4, MA_FN_MALLOC);
	assert_int_equal(rc | tg_close(b, 20, 1), 0);

	a = analyse("ties.trace");
	p = &a->procs[0];
	assert_int_equal(p->leaks.n, 6);
	expect_site(&p->leaks, 0, 4, 200, 1);
	expect_site(&p->leaks, 1, 2, 100, 2);
	expect_site(&p->leaks, 2, 3, 100, 1);
	expect_site(&p->leaks, 3, 1, 100, 1);
	expect_site(&p->leaks, 4, 5, 10, 1);
	expect_site(&p->leaks, 5, 6, 10, 1);
	ma_analysis_free(a);
}

static void test_group_by_module(void **state)
{
	const char *path = path_of("leaks.trace");
	struct ma_analysis_opts o;
	struct ma_analysis *a;
	const struct ma_process *p;

	(void)state;
	assert_int_equal(write_leaks(path, 1), 0);
	ma_analysis_opts_init(&o);
	o.group_by = MA_GROUP_MODULE;
	a = analyse_opts(&path, 1, &o);
	p = &a->procs[0];
	assert_int_equal(p->leaks.n, 1);
	assert_int_equal(p->leaks.v[0].bytes, 1310);
	assert_int_equal(p->leaks.v[0].blocks, 5);
	assert_string_equal(p->leaks.v[0].stack.frames[0].module, "/usr/bin/prog");
	ma_analysis_free(a);
}

static int tg_module(struct ma_trace_build *b, uint64_t us, uint64_t id, uint64_t bias,
		     const char *path)
{
	struct ma_record r = { .tag = MA_REC_MODULE, .ts = TG_US(us) };

	r.u.module = (struct ma_rec_module){ id, bias, bias, bias + 0x10000, tg_str(path),
					     tg_str("") };
	return ma_trace_build_add(b, 0, &r, NULL);
}

static int tg_stack(struct ma_trace_build *b, uint64_t id, uint64_t inner, uint64_t outer)
{
	struct ma_record r = { .tag = MA_REC_STACK, .ts = TG_START };
	uint64_t frames[2] = { inner, outer };

	r.u.stack.id = id;
	r.u.stack.depth = 2;
	return ma_trace_build_add(b, 0, &r, frames);
}

/* Sites grouped by whole stack are (module path, offset) frames, whatever
 * the stack ids: when no two stacks can be one site, the analysis lets
 * each stack stand for its site (sitelist.c) -- except where they can:
 * two ids with the same frames (a trace from elsewhere), a module
 * unloaded and loaded again elsewhere, one file loaded twice.  kind: 0
 * distinct stacks only, 1 a repeated stack, 2 a reload, 3 a file twice. */
static void site_keys_case(int kind)
{
	const char *path = path_of("sitekeys.trace");
	struct ma_trace_build *b = tg_open(path, 31, 1, 0, 2);
	const uint64_t p1 = 0x7f0000000000ull, p2 = 0x7f1000000000ull, outer = TG_BIAS + 0x10;
	struct ma_analysis *a;
	const struct ma_process *p;
	int rc = 0;

	assert_non_null(b);
	rc |= tg_alloc(b, 1, 1, 0x1000, 100, 1, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 2, 0x2000, 30, 2, MA_FN_MALLOC);
	switch (kind) {
	case 1:
		rc |= tg_stack(b, 7, TG_BIAS + 0x1000, outer);  /* stack 1's frames */
		break;
	case 2: {
		struct ma_record gone = { .tag = MA_REC_MODULE_GONE, .ts = TG_US(4) };

		gone.u.module_gone.id = 2;
		rc |= tg_module(b, 3, 2, p1, "/lib/plug.so");
		rc |= tg_stack(b, 10, p1 + 0x100, outer);
		rc |= tg_alloc(b, 1, 3, 0x3000, 40, 10, MA_FN_MALLOC);
		rc |= ma_trace_build_add(b, 0, &gone, NULL);
		rc |= tg_module(b, 5, 3, p2, "/lib/plug.so");
		rc |= tg_stack(b, 7, p2 + 0x100, outer);
		break;
	}
	case 3:
		rc |= tg_module(b, 3, 2, p1, "/lib/twice.so");
		rc |= tg_module(b, 3, 3, p2, "/lib/twice.so");
		rc |= tg_stack(b, 10, p1 + 0x200, outer);
		rc |= tg_stack(b, 7, p2 + 0x200, outer);
		rc |= tg_alloc(b, 1, 3, 0x3000, 40, 10, MA_FN_MALLOC);
		break;
	default:
		rc |= tg_stack(b, 7, TG_BIAS + 0x7000, outer);
		break;
	}
	rc |= tg_alloc(b, 1, 6, 0x4000, 50, 7, MA_FN_MALLOC);
	assert_int_equal(rc | tg_close(b, 20, 1), 0);

	a = analyse("sitekeys.trace");
	p = &a->procs[0];
	switch (kind) {
	case 1: /* 7 is 1 */
		assert_int_equal(p->leaks.n, 2);
		expect_site(&p->leaks, 0, 1, 150, 2);
		expect_site(&p->leaks, 1, 2, 30, 1);
		break;
	case 2: /* 7 is 10, its module loaded again */
	case 3: /* 7 is 10, in the other copy of the file */
		assert_int_equal(p->leaks.n, 3);
		expect_site(&p->leaks, 0, 1, 100, 1);
		assert_int_equal(p->leaks.v[1].bytes, 90);
		assert_int_equal(p->leaks.v[1].blocks, 2);
		assert_string_equal(p->leaks.v[1].stack.frames[0].module,
				    kind == 2 ? "/lib/plug.so" : "/lib/twice.so");
		assert_int_equal(p->leaks.v[1].stack.frames[0].offset, kind == 2 ? 0x100 : 0x200);
		expect_site(&p->leaks, 2, 2, 30, 1);
		break;
	default:
		assert_int_equal(p->leaks.n, 3);
		expect_site(&p->leaks, 0, 1, 100, 1);
		expect_site(&p->leaks, 1, 7, 50, 1);
		expect_site(&p->leaks, 2, 2, 30, 1);
		break;
	}
	ma_analysis_free(a);
}

static void test_site_keys(void **state)
{
	(void)state;
	for (int kind = 0; kind < 4; kind++)
		site_keys_case(kind);
}

static void test_bad_inputs(void **state)
{
	const char *paths[] = { path_of("missing.trace"), path_of("random.trace") };
	struct ma_analysis_opts o;
	struct ma_analysis *a = NULL;
	char err[256];
	FILE *f = fopen(paths[1], "w");

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	ma_analysis_opts_init(&o);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ma_analysis_run(&paths[i], 1, &o, &a, err, sizeof(err)),
				 MA_ANALYSIS_INPUT);
		assert_null(a);
		assert_non_null(strstr(err, "cannot read"));
	}
}

static int cleanup(void **state)
{
	(void)state;
	return tg_remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_reuse_peak),
		cmocka_unit_test(test_realloc_chain),
		cmocka_unit_test(test_leaks_by_stack),
		cmocka_unit_test(test_truncated_not_leaks),
		cmocka_unit_test(test_damaged_file),
		cmocka_unit_test(test_fork_with_parent),
		cmocka_unit_test(test_fork_without_parent),
		cmocka_unit_test(test_sum_duration),
		cmocka_unit_test(test_missing_chunk_no_leaks),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_temporary),
		cmocka_unit_test(test_tie_order),
		cmocka_unit_test(test_group_by_module),
		cmocka_unit_test(test_site_keys),
		cmocka_unit_test(test_bad_inputs),
	};

	if (!mkdtemp(dir))
		return 1;
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
