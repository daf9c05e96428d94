/* System calls of the probe.  mmap and munmap go through syscall(2) so
 * that the probe's own mappings never pass through its mmap hooks. */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"

static void *map(size_t len, int flags)
{
	long p = syscall(SYS_mmap, NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == -1)
		return NULL;
	return (void *)p;
}

void *probe_os_map(size_t len)
{
	return map(len, 0);
}

void *probe_os_map_hot(size_t len)
{
	return map(len, MAP_POPULATE);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

int probe_os_populate(void *p, size_t len)
{
	uintptr_t lo = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)p + len + 4095) & ~(uintptr_t)4095;

	return syscall(SYS_madvise, lo, hi - lo, MADV_POPULATE_WRITE) == 0 ? 0 : -1;
}

void probe_os_warm(void *base, size_t *warm, size_t need, size_t step, size_t cap)
{
	size_t to;

	if (need <= *warm || *warm >= cap)
		return;
	to = need >= cap ? cap : (need + step - 1) / step * step;
	if (to > cap)
		to = cap;
	if (probe_os_populate((uint8_t *)base + *warm, to - *warm) != 0)
		to = SIZE_MAX;
	*warm = to;
}

void probe_os_unmap(void *p, size_t len)
{
	if (p)
		syscall(SYS_munmap, p, len);
}

void probe_os_futex_wait(uint32_t *word, uint32_t val, uint64_t timeout_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(timeout_ns / 1000000000u),
		.tv_nsec = (long)(timeout_ns % 1000000000u),
	};
	int saved = errno;

	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, timeout_ns ? &ts : NULL,
		NULL, 0);
	errno = saved;
}

void probe_os_futex_wake(uint32_t *word)
{
	int saved = errno;

	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = saved;
}

int probe_os_thread_alive(pid_t tid)
{
	int saved = errno;
	long r = syscall(SYS_tgkill, getpid(), tid, 0);
	int alive = r == 0 || errno != ESRCH;

	errno = saved;
	return alive;
}

/* After a write that stopped part way (disk full), cuts the part off
 * again when nothing was appended behind it, so the file ends with a
 * whole chunk. */
static void cut_partial(int fd, size_t done)
{
	struct stat st;

	if (done && fstat(fd, &st) == 0 && (uint64_t)st.st_size >= done &&
	    lseek(fd, 0, SEEK_CUR) == st.st_size)
		(void)!ftruncate(fd, st.st_size - (off_t)done);
}

int probe_os_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	int saved = errno, err;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : ENOSPC;
			cut_partial(fd, (size_t)(p - (const char *)buf));
			errno = saved;
			return -err;
		}
		p += n;
		len -= (size_t)n;
	}
	errno = saved;
	return 0;
}
