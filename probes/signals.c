/* Events recorded from inside the probe (signals.h).  The buffer is
 * mapped on first use with a raw system call (async-signal-safe); the
 * hooks append, the thread's next pass through a hook moves the records
 * into its ring in order.  A handler can interrupt that move too: it then
 * appends behind the records being moved, and the move goes on until
 * the length it reads back is the one it finished with. */
#include <errno.h>

#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "signals.h"

#define NESTED_WORDS 8192u /* 64 KiB: over a thousand events */

__thread uint32_t probe_nested_len __attribute__((tls_model("initial-exec")));
static __thread uint64_t *nested __attribute__((tls_model("initial-exec")));

static void append(const uint64_t *w, uint32_t n)
{
	uint32_t len = probe_nested_len;

	if (!nested) {
		int saved = errno;

		nested = probe_os_map(NESTED_WORDS * sizeof(uint64_t));
		errno = saved;
	}
	if (!nested || len + n > NESTED_WORDS) {
		probe_tls.lost++;
		ma_atomic_add_relaxed(&probe_lost_reentrant, 1);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		nested[len + i] = w[i];
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	probe_nested_len = len + n;
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

	if (probe_tls.guard != PROBE_GUARD_NONE)
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

		for (uint32_t i = 0; i < n; i++)
			w[i] = nested[pos + i];
		pos += n;
		probe_record_raw(w, n);
	}
	probe_guard_leave(g);
}
