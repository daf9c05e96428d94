/* The end of the process: the destructor, _exit/_Exit/abort, SIGABRT
 * from inside libc.  Each flushes every ring and writes the trailer once;
 * events after that (later destructors) are written one by one ("direct
 * mode"). */
#include <signal.h>
#include <string.h>

#include "chunk.h"
#include "os.h"
#include "probe.h"
#include "ring.h"
#include "writer.h"

int probe_exit_status;
static int finished;

/* Whether a ring holds records: the writer's last round took everything
 * it saw, so only what came after (other threads) is left. */
static int rings_pending(void)
{
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next)
		if (ma_atomic_load_acquire(&r->state) == PROBE_RING_ACTIVE && !probe_ring_is_empty(r))
			return 1;
	return 0;
}

void probe_finish(int exit_kind, int64_t status)
{
	int expected = 0, g;
	struct probe_chunkbuf *buf;

	if (ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_ON || probe_in_vfork_child() ||
	    !ma_atomic_cas_acq_rel(&finished, &expected, 1))
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_writer_stop();
	/* A buffer of our own: the writer may not have let go of its.  Only
	 * when there is something to write: its encoder's tables alone are
	 * 42 pages to fault in, a millisecond or two of a short program. */
	buf = rings_pending() ?
		probe_chunkbuf_new(probe_ring_payload_max(PROBE_RING_WORDS_DEFAULT), 0) : NULL;
	if (buf) {
		probe_writer_drain_all(buf, 0);
		probe_chunkbuf_free(buf);
	}
	probe_output_trailer(exit_kind, status);
	ma_atomic_store_release(&probe_phase, PROBE_PHASE_DIRECT);
	probe_guard_leave(g);
}

static void on_sigabrt(int sig)
{
	struct sigaction dfl;

	probe_finish(MA_EXIT_ABORT, sig);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGABRT, &dfl, NULL);
	raise(SIGABRT); /* pending until the handler returns, then fatal */
}

void probe_exit_install(void)
{
	struct sigaction old, sa;

	/* Only when the program has no handler of its own; if it installs
	 * one later, that one wins and we do not fight it. */
	if (sigaction(SIGABRT, NULL, &old) < 0 || old.sa_handler != SIG_DFL ||
	    (old.sa_flags & SA_SIGINFO))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigabrt;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
}

__attribute__((destructor)) static void probe_fini(void)
{
	probe_finish(MA_EXIT_NORMAL, probe_exit_status);
}
