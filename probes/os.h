/* The few system services the probe uses, called as raw system calls where
 * the libc symbol could be one of our own hooks (mmap, munmap) or could
 * allocate.  Everything here is async-signal-safe. */
#ifndef PROBE_OS_H
#define PROBE_OS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

/* Anonymous private read/write memory; NULL on failure. */
void *probe_os_map(size_t len);
/* The same with its pages allocated at once, for memory about to be
 * touched all over (hash tables): one call populates a page for about
 * 1 us where a page fault costs 15-20 us in a virtual machine. */
void *probe_os_map_hot(size_t len);
/* Allocates the pages of [p, p + len) of such a mapping now (the pages it
 * touches, rounded out); -1 when the kernel cannot (before Linux 5.14). */
int probe_os_populate(void *p, size_t len);
/* Keeps [base, base + *warm) of a buffer of cap bytes populated ahead of
 * its use: when need passes *warm, populates up to need rounded up to a
 * multiple of step (at most cap) and moves *warm there.  When the kernel
 * cannot, *warm becomes SIZE_MAX and the pages fault in as touched. */
void probe_os_warm(void *base, size_t *warm, size_t need, size_t step, size_t cap);
void probe_os_unmap(void *p, size_t len);

/* futex on a 32-bit word: wait while *word == val (timeout_ns 0: forever). */
void probe_os_futex_wait(uint32_t *word, uint32_t val, uint64_t timeout_ns);
void probe_os_futex_wake(uint32_t *word);

static inline uint64_t probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t probe_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline pid_t probe_os_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Whether thread tid of this process still exists. */
int probe_os_thread_alive(pid_t tid);

/* write(2) of the whole buffer, retrying on EINTR and short writes.
 * Returns 0, or minus the errno value of the failure (errno itself is
 * left as it was); a partly written buffer is cut off the file again. */
int probe_os_write_all(int fd, const void *buf, size_t len);

#endif
