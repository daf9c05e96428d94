/* The TSC's rate for the heap events' clock (clock.h). */
#include "clock.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

uint64_t probe_clock_lag_ticks;
static uint64_t cal_tsc, cal_ns;
static int cal_on;

void probe_clock_init(void)
{
#if defined(__x86_64__)
	unsigned a, b, c, d;

	/* CPUID 0x80000007, EDX bit 8: the TSC ticks at one rate in every
	 * power state. */
	ma_atomic_store_relaxed(&probe_clock_lag_ticks, 0);
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d) || !(d & (1u << 8)))
		return;
	cal_tsc = probe_clock_tsc();
	cal_ns = probe_now();
	ma_atomic_store_release(&cal_on, 1);
#endif
}

uint64_t probe_clock_measure(void)
{
	uint64_t ns = probe_now();

#if defined(__x86_64__)
	uint64_t tsc = probe_clock_tsc();

	if (ma_atomic_load_acquire(&cal_on) && ns - cal_ns >= PROBE_CLOCK_CAL_NS &&
	    tsc > cal_tsc) {
		/* Ticks of PROBE_CLOCK_LAG_NS, rounded down: a shorter wait,
		 * never a longer one. */
		uint64_t ticks = (tsc - cal_tsc) / ((ns - cal_ns) / PROBE_CLOCK_LAG_NS + 1);

		ma_atomic_store_relaxed(&probe_clock_lag_ticks, ticks ? ticks : 1);
	}
#endif
	return ns;
}
