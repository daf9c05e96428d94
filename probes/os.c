/* System calls of the probe.  mmap and munmap go through syscall(2) so
 * that the probe's own mappings never pass through its mmap hooks. */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>

#include "os.h"

void *probe_os_map(size_t len)
{
	long p = syscall(SYS_mmap, NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == -1)
		return NULL;
	return (void *)p;
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

int probe_os_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	int saved = errno;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errno = saved;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	errno = saved;
	return 0;
}
