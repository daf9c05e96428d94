/* Events of a signal handler that interrupted the probe while it was
 * recording an event of the same thread, or (through the wrapper that
 * hooks_signal.c installs in place of the program's handlers) during any
 * other work of the probe, libunwind's included.  The ring cannot take them then
 * (the interrupted push is half done), so they wait in a small per-thread
 * buffer, without a stack (stack id 0: unwinding there is not safe), and
 * the thread moves them into its ring as soon as the interrupted event is
 * in, and before any event recorded after them (record.c): a handler that
 * runs between the two must not put its events in first.  Only when that
 * buffer is full is an event counted as lost. */
#ifndef PROBE_SIGNALS_H
#define PROBE_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

#include "guard.h"
#include "probe.h"

/* Words waiting in the calling thread's buffer (0 nearly always). */
extern __thread uint32_t probe_nested_len __attribute__((tls_model("initial-exec")));

/* Whether a hook entered now must use probe_nested_*: a signal handler
 * interrupted the probe (guard RECORD or HANDLER), the probe is on. */
static inline int probe_nested_now(void)
{
	return __builtin_expect(probe_guard_is_handler(probe_tls.guard), 0) &&
	       !probe_tls.in_real &&
	       ma_atomic_load_relaxed(&probe_phase) - 1u <= 1u;
}

void probe_nested_alloc(void *p, size_t size, size_t align, int fn);
void probe_nested_free(void *p, int fn);
void probe_nested_realloc(uint64_t ts_before, void *old, void *p, size_t size, int fn);

/* Moves waiting events into the ring; call with no guard held. */
void probe_nested_flush(void);

static inline void probe_nested_flush_if_any(void)
{
	if (__builtin_expect(probe_nested_len != 0, 0))
		probe_nested_flush();
}

/* Called once from the start, before the probe is on: wraps the handlers
 * installed before the probe started (hooks_signal.c), sets up the fork
 * child's reset of the waiting events. */
void probe_signal_wrap_existing(void);
void probe_nested_start(void);

#endif
