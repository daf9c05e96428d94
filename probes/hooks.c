/* The C allocator entry points.  Each one only forwards: to the real
 * function, and to probe_record_*() when the probe should record.  A
 * release is recorded before the real call, an allocation after it, so a
 * block freed on one thread is always released in the trace before
 * another thread can be handed the same address.
 *
 * Two rare paths sit in front (hook_decide): a call made before the
 * probe's constructor ran (another library's constructor) starts the
 * probe there and then; a call made while the thread is inside the probe
 * (a signal handler) is recorded through signals.h.  When the program has
 * a malloc of its own (init.c) these hooks record nothing: they see only
 * part of the traffic, and a part alone would be garbage. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootstrap.h"
#include "clock.h"
#include "fastunwind.h"
#include "os.h"
#include "probe.h"
#include "signals.h"

#define EXPORT __attribute__((visibility("default")))

int probe_heap_off;

enum { PASS = 0, RECORD = 1, NESTED = 2 };

static int hook_decide_slow(void)
{
	if (probe_nested_now())
		return ma_atomic_load_relaxed(&probe_heap_off) ? PASS : NESTED;
	if (ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_INIT &&
	    probe_tls.guard == PROBE_GUARD_NONE && !probe_tls.in_real)
		probe_start_early();
	return probe_should_record() && !ma_atomic_load_relaxed(&probe_heap_off);
}

/* An allocation the probe's own work makes (libunwind's caches, dlsym,
 * the writer) is not an event, but its count goes into the trace's
 * "probe-internal" info: it is here, off the hot path, that we see it. */
static int hook_decide_alloc_slow(size_t size)
{
	if (probe_tls.guard == PROBE_GUARD_INTERNAL) {
		ma_atomic_add_relaxed(&probe_own.internal_calls, 1);
		ma_atomic_add_relaxed(&probe_own.internal_bytes, size);
	}
	return hook_decide_slow();
}

/* Whether to take the slow path: inside the probe, or not recording. */
static inline int hook_unusual(void)
{
	return __builtin_expect(probe_tls.guard | probe_tls.in_real, 0) ||
	       __builtin_expect(ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_ON, 0) ||
	       __builtin_expect(ma_atomic_load_relaxed(&probe_heap_off), 0);
}

/* PASS, RECORD or NESTED: for a release. */
static inline int hook_decide(void)
{
	return hook_unusual() ? hook_decide_slow() : RECORD;
}

/* The same for an allocation of size bytes. */
static inline int hook_decide_alloc(size_t size)
{
	return hook_unusual() ? hook_decide_alloc_slow(size) : RECORD;
}

static inline void after_record(void)
{
	probe_nested_flush_if_any();
}

/* Whether the real function is known; resolves on first use. */
static inline int real_ready(void *const *fn)
{
	if (*fn)
		return 1;
	probe_bootstrap();
	return *fn != NULL;
}

#define REAL_READY(fn) real_ready((void *const *)&probe_real.fn)

EXPORT void *malloc(size_t size)
{
	void *p;

	int how;

	if (!REAL_READY(malloc))
		return probe_arena_alloc(size, 16);
	how = hook_decide_alloc(size);
	if (how == RECORD)
		probe_stack_prefetch();
	p = probe_real.malloc(size);
	if (p && how == RECORD) {
		probe_record_alloc(p, size, 0, MA_FN_MALLOC);
		after_record();
	} else if (p && how == NESTED) {
		probe_nested_alloc(p, size, 0, MA_FN_MALLOC);
	}
	return p;
}

EXPORT void free(void *p)
{
	if (!p)
		return;
	if (probe_arena_owns(p)) {
		probe_arena_release(p);
		return;
	}
	if (!REAL_READY(free))
		return;
	switch (hook_decide()) {
	case RECORD:
		probe_record_free(p, MA_FN_FREE);
		after_record();
		break;
	case NESTED:
		probe_nested_free(p, MA_FN_FREE);
		break;
	}
	probe_real.free(p);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p;
	int how;

	if (!REAL_READY(calloc)) {
		if (size && n > (size_t)-1 / size)
			return NULL;
		return probe_arena_alloc(n * size, 16); /* the arena is zeroed */
	}
	how = hook_decide_alloc(n * size);
	if (how == RECORD)
		probe_stack_prefetch();
	p = probe_real.calloc(n, size);
	if (p && how == RECORD) {
		probe_record_alloc(p, n * size, 0, MA_FN_CALLOC);
		after_record();
	} else if (p && how == NESTED) {
		probe_nested_alloc(p, n * size, 0, MA_FN_CALLOC);
	}
	return p;
}

/* realloc of a block handed out by the bootstrap arena. */
static void *arena_realloc(void *old, size_t size)
{
	size_t n = probe_arena_size(old);
	void *p = malloc(size);

	if (p) {
		memcpy(p, old, n < size ? n : size);
		probe_arena_release(old);
	}
	return p;
}

static void *do_realloc(void *old, size_t size, int fn)
{
	uint64_t ts;
	void *p;
	int how;

	if (old && probe_arena_owns(old))
		return arena_realloc(old, size);
	if (!REAL_READY(realloc))
		return old ? NULL : probe_arena_alloc(size, 16);
	how = hook_decide_alloc(size);
	if (how == PASS)
		return probe_real.realloc(old, size);
	ts = probe_event_now();
	p = probe_real.realloc(old, size);
	if ((p || old) && how == RECORD) {
		probe_record_realloc(ts, old, p, size, fn);
		after_record();
	} else if (p || old) {
		probe_nested_realloc(ts, old, p, size, fn);
	}
	return p;
}

EXPORT void *realloc(void *old, size_t size)
{
	return do_realloc(old, size, MA_FN_REALLOC);
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return do_realloc(old, n * size, MA_FN_REALLOCARRAY);
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	int rc, how;

	if (!REAL_READY(posix_memalign)) {
		*out = probe_arena_alloc(size, align);
		return *out ? 0 : ENOMEM;
	}
	how = hook_decide_alloc(size);
	rc = probe_real.posix_memalign(out, align, size);
	if (rc == 0 && how == RECORD) {
		probe_record_alloc(*out, size, align, MA_FN_POSIX_MEMALIGN);
		after_record();
	} else if (rc == 0 && how == NESTED) {
		probe_nested_alloc(*out, size, align, MA_FN_POSIX_MEMALIGN);
	}
	return rc;
}

/* aligned_alloc, memalign, valloc, pvalloc: same shape. */
static void *aligned(void *(*real)(size_t, size_t), size_t align, size_t size, int fn)
{
	void *p;
	int how;

	if (!real)
		return probe_arena_alloc(size, align);
	how = hook_decide_alloc(size);
	p = real(align, size);
	if (p && how == RECORD) {
		probe_record_alloc(p, size, align, fn);
		after_record();
	} else if (p && how == NESTED) {
		probe_nested_alloc(p, size, align, fn);
	}
	return p;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return aligned(REAL_READY(aligned_alloc) ? probe_real.aligned_alloc : NULL, align, size, MA_FN_ALIGNED_ALLOC);
}

EXPORT void *memalign(size_t align, size_t size)
{
	return aligned(REAL_READY(memalign) ? probe_real.memalign : NULL, align, size, MA_FN_MEMALIGN);
}

static void *real_valloc(size_t align, size_t size)
{
	(void)align;
	return probe_real.valloc(size);
}

static void *real_pvalloc(size_t align, size_t size)
{
	(void)align;
	return probe_real.pvalloc(size);
}

EXPORT void *valloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return aligned(REAL_READY(valloc) ? real_valloc : NULL, page, size, MA_FN_VALLOC);
}

EXPORT void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return aligned(REAL_READY(pvalloc) ? real_pvalloc : NULL, page, size, MA_FN_PVALLOC);
}

EXPORT size_t malloc_usable_size(void *p)
{
	if (p && probe_arena_owns(p))
		return probe_arena_size(p);
	if (!REAL_READY(malloc_usable_size))
		return 0;
	return probe_real.malloc_usable_size(p);
}

/* Our own entry points, whatever the global scope resolves the names to
 * (init.c compares). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
extern __typeof(malloc) probe_hook_malloc __attribute__((alias("malloc"), visibility("hidden")));
extern __typeof(free) probe_hook_free __attribute__((alias("free"), visibility("hidden")));
#pragma GCC diagnostic pop
