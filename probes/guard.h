/* The per-thread state every hook looks at first: the reentrancy guard.
 *
 * The variable is initial-exec TLS (the probe is built with
 * -ftls-model=initial-exec), so reading it never calls __tls_get_addr,
 * which could allocate on first use.
 *
 * guard says what the thread is doing inside the probe:
 *   PROBE_GUARD_NONE      not in the probe: a hook records
 *   PROBE_GUARD_RECORD    recording an event: a C heap hook entered now (a
 *                         signal handler allocating) records into the
 *                         nested buffer (signals.h), the other hooks count
 *                         their event as lost
 *   PROBE_GUARD_INTERNAL  the probe's own work (bootstrap, libunwind, writer
 *                         thread, module scans, fork handling): hooks pass
 *                         through silently, those allocations are ours
 *   PROBE_GUARD_HANDLER   a program's signal handler that interrupted the
 *                         probe (any level above) is running: hooks behave
 *                         as under RECORD (hooks_signal.c sets it)
 * in_real is set while a C++ operator forwarded to libstdc++ runs, so the
 * malloc/free it makes underneath is not recorded a second time. */
#ifndef PROBE_GUARD_H
#define PROBE_GUARD_H

#include <stdint.h>

enum probe_guard {
	PROBE_GUARD_NONE = 0,
	PROBE_GUARD_RECORD = 1,
	PROBE_GUARD_INTERNAL = 2,
	PROBE_GUARD_HANDLER = 3,
};

/* RECORD or HANDLER: a hook entered now is a signal handler's. */
static inline int probe_guard_is_handler(int guard)
{
	return guard & 1;
}

struct probe_ring;

struct probe_tls {
	int guard;               /* enum probe_guard */
	int in_real;
	struct probe_ring *ring; /* this thread's ring, NULL until first event */
	uint64_t lost;           /* events skipped, not yet written as MA_REC_LOST */
	int ended;               /* MA_REC_THREAD_END written */
	int dtor_rounds;         /* pthread key destructor calls seen */
	uint64_t clock_ns;       /* the heap events' clock (clock.h): last reading */
	uint64_t clock_tsc;      /* and the TSC just before it */
};

extern __thread struct probe_tls probe_tls __attribute__((tls_model("initial-exec")));

/* Enter/leave the probe; enter returns the previous level to restore. */
static inline int probe_guard_enter(int level)
{
	int old = probe_tls.guard;

	probe_tls.guard = level;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return old;
}

static inline void probe_guard_leave(int old)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	probe_tls.guard = old;
}

#endif
