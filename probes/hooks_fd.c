/* The descriptors the probe keeps open (the trace, /proc files) sit at
 * numbers the program did not open.  A program that closes every
 * descriptor (daemons, shells before exec, close_range) or dup2()s onto
 * every number would take them from under the probe, and a later open of
 * its own could even receive the trace's number.  So:
 *   close(ours)              fails with EBADF, as it would without the
 *                            probe: the program never opened that number
 *   close_range, closefrom   close everything else in the range
 *   dup2/dup3 onto ours      move ours to another number first, then let
 *                            the call do what the program asked
 * The probe's own calls (guard held) pass straight through.  System
 * calls made without libc (syscall(SYS_close_range, ...)) are beyond
 * reach: then the trace stops where the descriptor went. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "bootstrap.h"
#include "probe.h"

#define EXPORT __attribute__((visibility("default")))

static int program_call(void)
{
	return probe_tls.guard == PROBE_GUARD_NONE || probe_tls.guard == PROBE_GUARD_HANDLER;
}

/* libc's close (a cancellation point, unlike a bare system call). */
static int real_close(int fd)
{
	static int (*fn)(int);
	int (*f)(int) = ma_atomic_load_acquire(&fn);

	if (!f) {
		*(void **)&f = probe_next_symbol("close");
		ma_atomic_store_release(&fn, f);
	}
	return f ? f(fd) : (int)syscall(SYS_close, fd);
}

EXPORT int close(int fd)
{
	if (probe_fd_guarded(fd)) {
		if (program_call()) {
			errno = EBADF;
			return -1;
		}
		probe_fd_unguard(fd);
	}
	return real_close(fd);
}

/* close_range(lo, hi, flags) around our descriptors. */
static int close_around(unsigned lo, unsigned hi, int flags)
{
	int fd;

	while (program_call() && lo <= hi && (fd = probe_fd_guarded_next(lo)) >= 0 &&
	       (unsigned)fd <= hi) {
		if ((unsigned)fd > lo && syscall(SYS_close_range, lo, (unsigned)fd - 1, flags) < 0)
			return -1;
		if ((unsigned)fd == ~0u)
			return 0;
		lo = (unsigned)fd + 1;
	}
	if (lo > hi)
		return 0;
	return (int)syscall(SYS_close_range, lo, hi, flags);
}

EXPORT int close_range(unsigned lo, unsigned hi, int flags)
{
	return close_around(lo, hi, flags);
}

EXPORT void closefrom(int lo)
{
	int saved = errno;

	if (lo < 0)
		lo = 0;
	if (close_around((unsigned)lo, ~0u, 0) < 0) {
		/* No close_range (kernel before 5.9): one by one. */
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = lo; fd < (max > 0 ? max : 65536); fd++)
			close((int)fd);
	}
	errno = saved;
}

/* Before the program's dup2/dup3 replaces newfd: move ours away. */
static void make_room(int newfd)
{
	if (program_call() && probe_fd_guarded(newfd)) {
		int saved = errno;

		if (probe_fd_move(newfd) >= 0)
			probe_fd_unguard(newfd);
		errno = saved;
	}
}

EXPORT int dup2(int oldfd, int newfd)
{
	if (probe_fd_guarded(oldfd) && program_call()) {
		errno = EBADF;
		return -1;
	}
	if (oldfd != newfd)
		make_room(newfd);
	if (oldfd == newfd)
		return fcntl(oldfd, F_GETFD) < 0 ? -1 : newfd;
	return (int)syscall(SYS_dup3, oldfd, newfd, 0);
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
	make_room(newfd);
	return (int)syscall(SYS_dup3, oldfd, newfd, flags);
}
