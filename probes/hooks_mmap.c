/* mmap, mmap64, munmap, mremap: anonymous and file-backed mappings (the
 * probe records the file's path), so memory the program maps itself,
 * model files for instance, shows up next to the heap.  Until the real
 * functions are known these go straight to the system call.  After each
 * record, events a signal handler left waiting (signals.h) follow. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bootstrap.h"
#include "os.h"
#include "probe.h"
#include "signals.h"

#define EXPORT __attribute__((visibility("default")))

static void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static void *do_mmap(void *(*real)(void *, size_t, int, int, int, off_t), void *addr,
		     size_t len, int prot, int flags, int fd, off_t off, int fn)
{
	void *p;

	if (!real)
		real = sys_mmap;
	if (!probe_should_record())
		return real(addr, len, prot, flags, fd, off);
	p = real(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		if (fd >= 0 && !(prot & PROT_EXEC) && len >= PROBE_FILEMAP_MIN_SIZE)
			ma_atomic_store_relaxed(&probe_file_mapped, 1);
		probe_record_mmap(p, len, prot, flags, fd, off, fn);
		probe_nested_flush_if_any();
	}
	return p;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	probe_bootstrap();
	return do_mmap(probe_real.mmap, addr, len, prot, flags, fd, off, MA_FN_MMAP);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	probe_bootstrap();
	return do_mmap(probe_real.mmap64, addr, len, prot, flags, fd, off, MA_FN_MMAP64);
}

EXPORT int munmap(void *addr, size_t len)
{
	probe_bootstrap();
	if (probe_should_record()) {
		probe_record_munmap(addr, len);
		probe_nested_flush_if_any();
	}
	if (!probe_real.munmap)
		return (int)syscall(SYS_munmap, addr, len);
	return probe_real.munmap(addr, len);
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *want = NULL, *p;
	uint64_t ts;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	probe_bootstrap();
	if (!probe_real.mremap)
		return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, want);
	if (!probe_should_record())
		return probe_real.mremap(old, old_len, new_len, flags, want);
	ts = probe_now();
	p = probe_real.mremap(old, old_len, new_len, flags, want);
	probe_record_mremap(ts, old, old_len, p == MAP_FAILED ? NULL : p, new_len, flags);
	probe_nested_flush_if_any();
	return p;
}
