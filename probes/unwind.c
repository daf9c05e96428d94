/* Call stacks.  From the program's innermost frame, found through the
 * probe's own frame pointers: the thread's memo of whole walks, else the
 * fast unwinder's learnt rules (fastunwind.h), else a slow walk by
 * libgcc's unwinder that teaches them (and follows signal frames, which
 * the rules never do), and libunwind's unw_backtrace when the probe's
 * frame chain or libgcc is not there.  The result is interned (stacktab.h) behind a
 * small direct-mapped cache that lives in the thread's ring.
 *
 * MEMORY_ANALYZER_UNWIND (read once at start, for tests and diagnosis):
 * "slow" uses libunwind only, "check" compares every fast result with
 * libunwind's.  By default one capture in CHECK_EVERY per thread is
 * checked, and a difference makes the unwinder forget all it learnt. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "fastunwind.h"
#include "msg.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "stacktab.h"

#define SKIP_MAX 16 /* frames of libunwind and the probe, at most */
#define CHECK_EVERY 65536
#define MEMO_AFTER 64

enum { MODE_FAST, MODE_CHECK, MODE_SLOW };

uintptr_t probe_self_lo, probe_self_hi;
static int mode;
static __thread unsigned check_countdown;

static int is_self(uint64_t ip)
{
	return ip >= probe_self_lo && ip < probe_self_hi;
}

/* Index of the first frame of the program: after the leading frames of
 * libunwind and then those of the probe. */
static int first_program_frame(const uint64_t *ips, int n)
{
	int i = 0;

	while (i < n && i < SKIP_MAX && !is_self(ips[i]))
		i++;
	if (i == n || i == SKIP_MAX)
		return 0; /* no probe frame seen: keep everything */
	while (i < n && is_self(ips[i]))
		i++;
	return i;
}

/* libunwind's unw_backtrace, our frames skipped: when the frame-pointer
 * chain of the probe cannot be followed. */
static int backtrace_all(uint64_t *out, int depth)
{
	void *buf[PROBE_DEPTH_MAX + SKIP_MAX];
	/* libunwind allocates for its per-thread cache (pthread_setspecific):
	 * those are its own, not events of a signal handler. */
	int g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	int n, skip;

	if (!ma_atomic_load_relaxed(&probe_unwind_wanted)) /* a shared line: written once */
		ma_atomic_store_relaxed(&probe_unwind_wanted, 1);
	n = unw_backtrace(buf, depth + SKIP_MAX);

	probe_guard_leave(g);

	if (n < 0)
		n = 0;
	skip = first_program_frame((uint64_t *)buf, n);
	n -= skip;
	if (n > depth)
		n = depth;
	memcpy(out, (uint64_t *)buf + skip, (size_t)n * sizeof(uint64_t));
	return n;
}

/* Compares a fast walk with libunwind's; on a difference, keeps
 * libunwind's and makes the unwinder start learning afresh.  A fast walk
 * that ended, as libgcc's does, at a frame whose function has no FDE
 * agrees with a longer walk of libunwind's that starts the same: past
 * that frame libunwind only guesses. */
static int check(uint64_t *ips, int n, int depth)
{
	uint64_t slow[PROBE_DEPTH_MAX];
	int m = backtrace_all(slow, depth);

	if ((m == n || (m > n && n > 0 && probe_fu_no_fde(ips[n - 1]))) &&
	    memcmp(slow, ips, (size_t)n * sizeof(uint64_t)) == 0)
		return n;
	probe_fu_mismatch();
	memcpy(ips, slow, (size_t)m * sizeof(uint64_t));
	return m;
}

/* Whether this capture is one of those checked against libunwind. */
static int check_due(void)
{
	return mode == MODE_CHECK || ++check_countdown % CHECK_EVERY == 0;
}

/* The frames from s: by the learnt rules (noting the words read in rd,
 * whose n is PROBE_FU_READS_OVER unless the fast walk gave the stack), else
 * by libunwind.  s NULL: the probe's frame-pointer chain was not usable. */
static int unwind(const struct probe_fu_start *s, uint64_t *ips, int depth,
		  struct probe_fu_reads *rd, int checking)
{
	int n = -1;

	rd->n = PROBE_FU_READS_OVER;
	if (s) {
		n = probe_fu_walk(s, ips, depth, rd);
		if (n >= 0 && checking)
			n = check(ips, n, depth);
		if (n < 0)
			rd->n = PROBE_FU_READS_OVER;
		if (n < 0)
			n = probe_fu_slow(s, ips, depth);
	}
	return n >= 0 ? n : backtrace_all(ips, depth);
}

/* libunwind's per-thread cache.  Setting the policy runs libunwind's own
 * initialisation, 250 us on the benchmark machine (its first mappings
 * and page faults), which the program's thread paid at start even when
 * the fast unwinder never needed libunwind (git log -p never does).  So
 * with the fast unwinder it is set only once libunwind has been used:
 * the first use asks (probe_unwind_wanted), and the writer thread sets
 * it at its next wake -- the call is thread-safe but not async-signal-
 * safe, so never from a hook.  Until then libunwind uses its default, a
 * global cache under a lock with signals blocked.  The slow and check
 * modes, and a start without a writer thread, set it at once. */
int probe_unwind_wanted;

void probe_unwind_prepare(void)
{
	static int done;
	int expected = 0;

	if (ma_atomic_cas_acq_rel(&done, &expected, 1))
		unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

void probe_unwind_init(void)
{
	const char *m = getenv("MEMORY_ANALYZER_UNWIND");
	struct probe_fu_start none = { 0, 0, 0 };
	struct probe_fu_reads rd;
	uint64_t ips[8];

	if (m && strcmp(m, "slow") == 0)
		mode = MODE_SLOW;
	else if (m && strcmp(m, "check") == 0)
		mode = MODE_CHECK;
	/* The first use of libunwind costs milliseconds (it maps its caches
	 * and reads the unwind tables), libgcc's a little: pay them here, not
	 * in the program's first allocation.  But with the fast unwinder,
	 * libunwind serves only the rare capture whose start is unknown and
	 * one check in 65536: a short program would pay its start (70 pages
	 * of cache, each a trap on first touch in a virtual machine) for
	 * nothing, so it is left to its first use. */
	if (mode != MODE_FAST) {
		probe_unwind_prepare();
		unwind(NULL, ips, 8, &rd, 0);
	}
	if (probe_fu_init() == 0)
		probe_fu_slow(&none, ips, 8);
}

/* In check mode, says at exit what the checks found (tests read it). */
__attribute__((destructor)) static void report_checks(void)
{
	struct probe_fu_stats st;
	struct probe_fu_memo *m = probe_tls.ring ? probe_tls.ring->memo : NULL;
	uint32_t used = 0, restarts = 0;

	if (mode != MODE_CHECK)
		return;
	probe_fu_stats_get(&st);
	if (m)
		probe_fu_memo_stats(m, &used, &restarts);
	probe_msg("unwind check: %lu slow walks, %lu mismatches, %lu rule entries, "
		  "memo %u bytes, %u restarts",
		  (unsigned long)st.slow, (unsigned long)st.mismatch, (unsigned long)st.rules,
		  used, restarts);
}

static void define_stack(uint64_t id, const uint64_t *frames, uint32_t n)
{
	uint64_t w[4 + PROBE_DEPTH_MAX];

	w[0] = PROBE_RAW_HDR(MA_REC_STACK, 4 + n);
	w[1] = 0;
	w[2] = id;
	w[3] = n;
	memcpy(w + 4, frames, n * sizeof(uint64_t));
	probe_record_raw(w, 4 + n);
}

/* The id of ips[0..n), defining the stack when new; 0 on failure. */
static uint64_t intern(struct probe_ring *r, const uint64_t *ips, int n)
{
	uint64_t hash = probe_stack_hash(ips, (uint32_t)n), id;
	struct probe_stack_cache_entry *e = r ? &r->cache[hash & (PROBE_STACK_CACHE - 1)] : NULL;
	int define;

	if (e && e->hash == hash)
		return e->id;
	id = probe_stacktab_intern(hash, &define);
	if (id == UINT64_MAX)
		return 0;
	if (define)
		define_stack(id, ips, (uint32_t)n);
	if (e) {
		e->hash = hash;
		e->id = id;
	}
	return id;
}

/* Marks the thread's memo in use, so that a capture in a signal handler
 * that interrupts this one does not start it again meanwhile. */
static void memo_hold(struct probe_ring *r)
{
	if (r)
		r->memo_busy++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void memo_drop(struct probe_ring *r)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (r)
		r->memo_busy--;
}

/* The memo of walks of the calling thread, mapped once the thread has
 * asked for MEMO_AFTER stacks: a thread that allocates a few times does
 * without it. */
static struct probe_fu_memo *memo_of(struct probe_ring *r)
{
	if (!r)
		return NULL;
	if (!r->memo && ++r->memo_wait >= MEMO_AFTER)
		r->memo = probe_fu_memo_new();
	return r->memo;
}

void __attribute__((noinline)) probe_stack_prefetch(void)
{
	struct probe_ring *r = probe_tls.ring;
	struct probe_fu_start start;

	if (mode == MODE_SLOW || !r)
		return;
	memo_hold(r);
	if (r->memo &&
	    probe_fu_start_from(&start, __builtin_frame_address(0), probe_self_lo, probe_self_hi) == 0) {
		r->hint_hash = probe_fu_memo_prefetch(r->memo, &start);
		r->hint_ip = start.ip;
		r->hint_sp = start.sp;
	}
	memo_drop(r);
}

uint64_t __attribute__((noinline)) probe_stack_capture(void)
{
	uint64_t ips[PROBE_DEPTH_MAX], id, known = 0, hint = 0;
	struct probe_ring *r = probe_thread_ring();
	struct probe_fu_memo *memo;
	struct probe_fu_start start, *s = NULL;
	struct probe_fu_reads rd;
	int saved = errno, n, checking;

	memo_hold(r);
	memo = memo_of(r);
	if (mode != MODE_SLOW &&
	    probe_fu_start_from(&start, __builtin_frame_address(0), probe_self_lo, probe_self_hi) == 0)
		s = &start;
	checking = s && check_due();
	if (s && memo && r->hint_sp == s->sp && r->hint_ip == s->ip)
		hint = r->hint_hash;
	if (r)
		r->hint_sp = 0;
	if (s && memo && (known = probe_fu_memo_find(memo, r->epoch, s, hint)) && !checking) {
		memo_drop(r);
		return known;
	}
	/* The fast and the slow walk neither allocate nor lock, so the guard
	 * stays as the caller set it: a signal handler's allocation meanwhile
	 * is kept as a nested event (signals.h). */
	n = unwind(s, ips, (int)probe_cfg.depth, &rd, checking);
	errno = saved;
	id = intern(r, ips, n);
	/* A checked capture the memo knew is in it already: adding it again
	 * would fill its bucket with copies (in check mode, every capture). */
	if (known && known != id)
		probe_fu_mismatch();
	else if (!known && memo && rd.n <= PROBE_FU_READS)
		probe_fu_memo_add(memo, r->epoch, s, &rd, id, r->memo_busy == 1);
	memo_drop(r);
	return id;
}
