/* Atomics of the probe, in one place, with the memory order in the name.
 * Thin wrappers over the GCC __atomic builtins so every access to shared
 * state says what it synchronises with. */
#ifndef PROBE_ATOMIC_H
#define PROBE_ATOMIC_H

#include <stdint.h>

#define ma_atomic_load_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ma_atomic_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ma_atomic_store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define ma_atomic_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ma_atomic_add_relaxed(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define ma_atomic_add_acq_rel(p, v) __atomic_fetch_add((p), (v), __ATOMIC_ACQ_REL)
#define ma_atomic_exchange_acq_rel(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define ma_atomic_fence_seq_cst() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* Compare-and-swap: on failure *expected receives the current value. */
#define ma_atomic_cas_acq_rel(p, expected, desired)                         \
	__atomic_compare_exchange_n((p), (expected), (desired), 0,          \
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define ma_atomic_cas_release(p, expected, desired)                         \
	__atomic_compare_exchange_n((p), (expected), (desired), 0,          \
				    __ATOMIC_RELEASE, __ATOMIC_RELAXED)

#endif
