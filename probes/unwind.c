/* Call stacks: libunwind's unw_backtrace with its per-thread cache, our
 * own frames skipped, the result interned (stacktab.h) behind a small
 * direct-mapped cache that lives in the thread's ring. */
#include <errno.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "stacktab.h"

#define SKIP_MAX 16 /* frames of libunwind and the probe, at most */

uintptr_t probe_self_lo, probe_self_hi;

void probe_unwind_init(void)
{
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

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

static void define_stack(uint64_t id, const uint64_t *frames, uint32_t n)
{
	uint64_t w[4 + PROBE_DEPTH_MAX];

	w[0] = PROBE_RAW_HDR(MA_REC_STACK, 4 + n);
	w[1] = 0;
	w[2] = id;
	w[3] = n;
	for (uint32_t i = 0; i < n; i++)
		w[4 + i] = frames[i];
	probe_record_raw(w, 4 + n);
}

uint64_t probe_stack_capture(void)
{
	void *buf[PROBE_DEPTH_MAX + SKIP_MAX];
	struct probe_ring *r = probe_thread_ring();
	struct probe_stack_cache_entry *e;
	int saved = errno, n, skip, define;
	uint64_t *ips = (uint64_t *)buf, hash, id;

	/* libunwind allocates for its per-thread cache (pthread_setspecific):
	 * those are its own, not lost events of a signal handler. */
	int g = probe_guard_enter(PROBE_GUARD_INTERNAL);

	n = unw_backtrace(buf, (int)probe_cfg.depth + SKIP_MAX);
	probe_guard_leave(g);
	errno = saved;
	if (n < 0)
		n = 0;
	skip = first_program_frame(ips, n);
	n -= skip;
	if (n > (int)probe_cfg.depth)
		n = (int)probe_cfg.depth;
	hash = probe_stack_hash(ips + skip, (uint32_t)n);
	e = r ? &r->cache[hash & (PROBE_STACK_CACHE - 1)] : NULL;
	if (e && e->hash == hash)
		return e->id;
	id = probe_stacktab_intern(hash, &define);
	if (id == UINT64_MAX)
		return 0;
	if (define)
		define_stack(id, ips + skip, (uint32_t)n);
	if (e) {
		e->hash = hash;
		e->id = id;
	}
	return id;
}
