/* Process-level hooks: dlopen/dlclose keep the module map current; fork
 * is recorded in the parent; exit, _exit, _Exit, quick_exit and abort
 * flush the trace and record how the process ended; __libc_start_main is wrapped so the
 * value returned by main becomes the recorded exit status. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootstrap.h"
#include "probe.h"

#define EXPORT __attribute__((visibility("default")))

static void modules_changed(void)
{
	if (probe_should_record()) {
		int g = probe_guard_enter(PROBE_GUARD_RECORD);

		probe_modules_scan();
		probe_guard_leave(g);
	}
}

EXPORT void *dlopen(const char *file, int flags)
{
	void *h;

	probe_bootstrap();
	h = probe_real.dlopen ? probe_real.dlopen(file, flags) : NULL;
	if (h && (flags & RTLD_DEEPBIND) && ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_OFF) {
		int g = probe_guard_enter(PROBE_GUARD_INTERNAL);

		probe_deepbind_patch(h);
		probe_guard_leave(g);
	}
	if (h)
		modules_changed();
	return h;
}

EXPORT int dlclose(void *h)
{
	int rc;

	probe_bootstrap();
	rc = probe_real.dlclose ? probe_real.dlclose(h) : -1;
	if (rc == 0)
		modules_changed();
	return rc;
}

EXPORT pid_t fork(void)
{
	pid_t pid;

	probe_bootstrap();
	if (!probe_real.fork)
		return -1;
	pid = probe_real.fork();
	if (pid > 0 && probe_should_record())
		probe_record_fork(pid);
	return pid;
}

EXPORT void exit(int status)
{
	probe_bootstrap();
	probe_exit_status = status;
	if (probe_real.exit)
		probe_real.exit(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

EXPORT void _exit(int status)
{
	probe_bootstrap();
	probe_finish(MA_EXIT_UNDERSCORE, status);
	if (probe_real._exit)
		probe_real._exit(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

EXPORT void _Exit(int status)
{
	probe_bootstrap();
	probe_finish(MA_EXIT_UNDERSCORE, status);
	if (probe_real._Exit)
		probe_real._Exit(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

/* Its handlers (at_quick_exit) run first: the probe's, registered before
 * the program's, runs last and writes the trailer, kind _exit, as
 * quick_exit then ends the process with _exit; called inside libc, that
 * _exit is not ours. */
EXPORT void quick_exit(int status)
{
	probe_bootstrap();
	probe_exit_status = status;
	ma_atomic_store_release(&probe_quick_exit, 1);
	if (probe_real.quick_exit)
		probe_real.quick_exit(status);
	probe_finish(MA_EXIT_UNDERSCORE, status);
	for (;;)
		syscall(SYS_exit_group, status);
}

EXPORT void abort(void)
{
	probe_bootstrap();
	probe_finish(MA_EXIT_ABORT, SIGABRT);
	if (probe_real.abort)
		probe_real.abort();
	for (;;)
		syscall(SYS_exit_group, 128 + SIGABRT);
}

EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
			     void (*init)(void), void (*fini)(void),
			     void (*rtld_fini)(void), void *stack_end);

static int (*real_main)(int, char **, char **);

static int main_wrapper(int argc, char **argv, char **envp)
{
	probe_exit_status = real_main(argc, argv, envp);
	return probe_exit_status;
}

EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
			     void (*init)(void), void (*fini)(void),
			     void (*rtld_fini)(void), void *stack_end)
{
	probe_bootstrap();
	real_main = main;
	return probe_real.libc_start_main(main_wrapper, argc, argv, init, fini,
					  rtld_fini, stack_end);
}
