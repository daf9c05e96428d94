/* The clock of heap events.
 *
 * Every allocation and release is stamped with CLOCK_MONOTONIC, which the
 * vDSO reads in 25-30 ns in a virtual machine (kvm-clock): a fifth of the
 * time the probe adds to a single-threaded interpreter.  While only one
 * thread of the process has recorded, a chunk's heap events are rounded
 * down to 65.536 us anyway (docs/trace-format.md), and nothing needs them
 * finer; so then a thread reads the TSC (about 11 ns) and, when less than
 * PROBE_CLOCK_LAG_NS has passed since it last read the clock, stamps the
 * event with that last reading instead.
 *
 * Such a stamp lags the true time by less than PROBE_CLOCK_LAG_NS and
 * never by a negative amount, and a thread's stamps never decrease.  The
 * ordering argument of the rounding holds for it unchanged: a second
 * thread is counted before its first event, and before the real free of
 * a release, so an event that comes after one of the second thread's in
 * time (an allocation handed the address it released) sees the count and
 * reads the clock itself.  A TSC that is not synchronised across CPUs
 * only makes a thread read the clock more often, or, if another CPU's
 * TSC is behind by nearly the time the thread slept, keeps a stamp too
 * old (never too new): timestamps, not the order of events, could then
 * be off on such a machine.
 *
 * The TSC is used only when the CPU says it is invariant, and only once
 * its rate has been measured against the clock over PROBE_CLOCK_CAL_NS;
 * until then, and on other CPUs, every event reads the clock. */
#ifndef PROBE_CLOCK_H
#define PROBE_CLOCK_H

#include <stdint.h>

#include "atomic.h"
#include "guard.h"
#include "os.h"
#include "probe.h"

#define PROBE_CLOCK_LAG_NS 16000u
#define PROBE_CLOCK_CAL_NS 5000000u

/* The TSC ticks of PROBE_CLOCK_LAG_NS, once measured; 0 until then. */
extern uint64_t probe_clock_lag_ticks;

/* Starts measuring the TSC's rate, if it is invariant (init, fork child). */
void probe_clock_init(void);
/* Reads the clock, and finishes the measurement when it is due. */
uint64_t probe_clock_measure(void);

#if defined(__x86_64__)
static inline uint64_t probe_clock_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
#endif

/* The timestamp of a heap event (allocation, release, either side of a
 * realloc).  Safe in a signal handler: the pair is stored time first, so
 * a handler that interrupts the store sees a pair it will not trust. */
static inline uint64_t probe_event_now(void)
{
#if defined(__x86_64__)
	uint64_t lag = ma_atomic_load_relaxed(&probe_clock_lag_ticks);

	if (lag && probe_threads_one()) {
		struct probe_tls *t = &probe_tls;
		uint64_t tsc = probe_clock_tsc(), ns;

		if (tsc - t->clock_tsc < lag)
			return t->clock_ns;
		ns = probe_now();
		t->clock_tsc = 0;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		t->clock_ns = ns;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		t->clock_tsc = tsc;
		return ns;
	}
	if (!lag)
		return probe_clock_measure();
#endif
	return probe_now();
}

#endif
