/* The end of the process: the destructor, _exit/_Exit/quick_exit/abort, SIGABRT
 * from inside libc.  Each flushes every ring and writes the trailer once;
 * events after that (later destructors) are written one by one ("direct
 * mode"). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "probe.h"
#include "writer.h"

int probe_exit_status;
int probe_quick_exit;
static int finished;
static int finished_by; /* the exit kind of the trailer written */

void probe_finish(int exit_kind, int64_t status)
{
	int expected = 0, g;

	if (ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_ON || probe_in_vfork_child() ||
	    !ma_atomic_cas_acq_rel(&finished, &expected, 1))
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	finished_by = exit_kind;
	probe_writer_stop(exit_kind == MA_EXIT_NORMAL);
	probe_writer_drain_all();
	probe_output_trailer(exit_kind, status);
	ma_atomic_store_release(&probe_phase, PROBE_PHASE_DIRECT);
	probe_guard_leave(g);
}

/* An exec returned: it failed, and the process goes on.  Its trailer
 * (MA_EXIT_EXEC) is already written; a trailer MA_EXIT_EXEC_FAILED (its
 * status the errno) follows at once, which makes the trace incomplete
 * again, so that a process killed from here on does not read as one that
 * exec'd.  The probe records on, as before the exec, and the real end
 * writes a last trailer, which readers take (docs/trace-format.md): the
 * exit status and the blocks still live then are the process's, not
 * those of an image it never became.  The writer thread is not started
 * again (an exec may come from a signal handler, where pthread_create is
 * not safe): each thread drains its own ring, as when the thread could
 * not start, and samples stop. */
void probe_finish_undo_exec(int err)
{
	int g;

	if (ma_atomic_load_acquire(&probe_phase) != PROBE_PHASE_DIRECT ||
	    ma_atomic_load_acquire(&finished) != 1 || finished_by != MA_EXIT_EXEC)
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_output_trailer(MA_EXIT_EXEC_FAILED, err);
	probe_writer_resume_without_thread();
	ma_atomic_store_release(&finished, 0);
	ma_atomic_store_release(&probe_phase, PROBE_PHASE_ON);
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

static void on_quick_exit(void)
{
	if (ma_atomic_load_acquire(&probe_quick_exit))
		probe_finish(MA_EXIT_UNDERSCORE, probe_exit_status);
}

void probe_exit_install(void)
{
	struct sigaction old, sa;

	at_quick_exit(on_quick_exit);

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
