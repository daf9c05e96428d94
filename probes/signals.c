/* Events recorded from inside the probe (signals.h).  The buffer is
 * mapped on first use with a raw system call (async-signal-safe); the
 * hooks append, the thread's next pass through a hook, or the next event
 * it records directly, moves the records into its ring in order.
 *
 * Handlers nest (another signal, or the same one with SA_NODEFER, can
 * interrupt a handler in the middle of an append), so an append first
 * claims its words with a CAS on the length and then fills them: a
 * handler that interrupts it claims the words after them.  Appends are
 * only ever made with the guard at RECORD or HANDLER and the move only
 * with it at NONE, so the move never meets a claimed record not yet
 * filled: a handler interrupting the move appends whole records behind
 * those being moved, and the move goes on until the length it reads back
 * is the one it finished with.
 *
 * probe_nested_waiting counts the events appended and not yet moved, over
 * all threads: the trailer counts those as lost (a thread that never
 * calls a hook again after its handler ran leaves them behind). */
#include <errno.h>
#include <pthread.h>

#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "signals.h"

#define NESTED_WORDS 8192u /* 64 KiB: over a thousand events */

__thread uint32_t probe_nested_len __attribute__((tls_model("initial-exec")));
static __thread uint64_t *nested __attribute__((tls_model("initial-exec")));

static void count_lost(void)
{
	probe_tls.lost++;
	ma_atomic_add_relaxed(&probe_lost_reentrant, 1);
}

static uint64_t *buffer(void)
{
	uint64_t *b = ma_atomic_load_relaxed(&nested), *none = NULL;
	int saved;

	if (b)
		return b;
	saved = errno;
	b = probe_os_map(NESTED_WORDS * sizeof(uint64_t));
	/* A handler that interrupted us may have mapped one meanwhile. */
	if (b && !ma_atomic_cas_acq_rel(&nested, &none, b)) {
		probe_os_unmap(b, NESTED_WORDS * sizeof(uint64_t));
		b = none;
	}
	errno = saved;
	return b;
}

static void append(const uint64_t *w, uint32_t n)
{
	uint64_t *b = buffer();
	uint32_t len = ma_atomic_load_relaxed(&probe_nested_len);

	do {
		if (!b || len + n > NESTED_WORDS) {
			count_lost();
			return;
		}
	} while (!ma_atomic_cas_acq_rel(&probe_nested_len, &len, len + n));
	for (uint32_t i = 0; i < n; i++)
		b[len + i] = w[i];
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	ma_atomic_add_relaxed(&probe_nested_waiting, 1);
}

void probe_nested_alloc(void *p, size_t size, size_t align, int fn)
{
	uint64_t w[7] = { PROBE_RAW_HDR(MA_REC_ALLOC, 6), probe_now(), (uintptr_t)p, size,
			  0, (uint64_t)fn, align };

	if (align)
		w[0] = PROBE_RAW_HDR(MA_REC_ALLOC_ALIGNED, 7);
	append(w, PROBE_RAW_LEN(w[0]));
}

void probe_nested_free(void *p, int fn)
{
	uint64_t w[4] = { PROBE_RAW_HDR(MA_REC_FREE, 4), probe_now(), (uintptr_t)p, (uint64_t)fn };

	append(w, 4);
}

void probe_nested_realloc(uint64_t ts_before, void *old, void *p, size_t size, int fn)
{
	uint64_t w[8] = { PROBE_RAW_HDR(MA_REC_REALLOC, 8), ts_before, probe_now(),
			  (uintptr_t)old, (uintptr_t)p, size, 0, (uint64_t)fn };

	append(w, 8);
}

void probe_nested_flush(void)
{
	uint64_t w[PROBE_RAW_MAX_WORDS];
	uint32_t pos = 0, len;
	int g;

	if (probe_tls.guard != PROBE_GUARD_NONE || !nested)
		return;
	g = probe_guard_enter(PROBE_GUARD_RECORD);
	for (;;) {
		len = ma_atomic_load_relaxed(&probe_nested_len);
		if (pos == len) {
			/* Nothing came in since the last look: empty it, unless a
			 * handler appends right now (then go on). */
			if (ma_atomic_cas_acq_rel(&probe_nested_len, &len, 0))
				break;
			continue;
		}
		uint32_t n = PROBE_RAW_LEN(nested[pos]);

		if (n == 0 || n > PROBE_RAW_MAX_WORDS || n > len - pos) {
			/* Words claimed and never filled: a handler that left by
			 * siglongjmp in the middle of an append. */
			count_lost();
			pos = len;
			continue;
		}
		for (uint32_t i = 0; i < n; i++)
			w[i] = nested[pos + i];
		pos += n;
		probe_record_raw(w, n);
		ma_atomic_add_relaxed(&probe_nested_waiting, (uint64_t)-1);
	}
	probe_guard_leave(g);
}

/* The child of a fork: what the forking thread had waiting belongs to the
 * parent's trace, and the other threads are gone. */
static void after_fork_child(void)
{
	probe_nested_len = 0;
	ma_atomic_store_relaxed(&probe_nested_waiting, 0);
}

void probe_nested_start(void)
{
	pthread_atfork(NULL, NULL, after_fork_child);
}
