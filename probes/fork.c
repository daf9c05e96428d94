/* fork: the parent records MA_REC_FORK; the child drops what its rings
 * hold (it belongs to the parent's trace), opens a trace of its own with
 * MA_PROC_F_FORK_CHILD, writes the module map again, starts a new stack
 * generation and a new writer thread.  With MEMORY_ANALYZER_FOLLOW=0 the
 * child is not traced.  The atfork handlers catch forks made inside libc
 * too (daemon(), ...). */
#include <pthread.h>
#include <unistd.h>

#include "chunk.h"
#include "os.h"
#include "probe.h"
#include "stacktab.h"
#include "writer.h"

static uint64_t fork_ts;
static pid_t probe_pid;

int probe_in_vfork_child(void)
{
	return probe_pid && getpid() != probe_pid;
}

static void prepare(void)
{
	fork_ts = probe_now();
}

static void child(void)
{
	int g;

	probe_pid = getpid();
	if (ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_DIRECT) {
		probe_output_close(); /* forked after the parent's trailer */
		probe_phase = PROBE_PHASE_OFF;
	}
	if (ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_ON)
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_writer_forget();
	probe_output_close();
	if (!probe_cfg.follow) {
		probe_phase = PROBE_PHASE_OFF;
		probe_guard_leave(g);
		return;
	}
	ma_atomic_store_relaxed(&probe_chunks_written, 0);
	ma_atomic_store_relaxed(&probe_write_failures, 0);
	ma_atomic_store_relaxed(&probe_lost_early, 0);
	ma_atomic_store_relaxed(&probe_lost_reentrant, 0);
	/* The probe's work so far was the parent's; the arena's blocks, a
	 * copy of the parent's, are live in the child too and stay counted. */
	ma_atomic_store_relaxed(&probe_own.internal_calls, 0);
	ma_atomic_store_relaxed(&probe_own.internal_bytes, 0);
	probe_tls.lost = 0;
	probe_threads_after_fork();
	probe_threads_init();
	probe_stacktab_new_generation();
	if (probe_output_open(MA_PROC_F_FORK_CHILD, fork_ts) < 0) {
		probe_phase = PROBE_PHASE_OFF;
		probe_guard_leave(g);
		return;
	}
	probe_sampler_open();
	probe_modules_forget();
	probe_modules_scan();
	probe_writer_start(0);
	probe_guard_leave(g);
}

void probe_fork_install(void)
{
	probe_pid = getpid();
	pthread_atfork(prepare, NULL, child);
}
