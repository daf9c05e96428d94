/* Finding the real functions (bootstrap.h). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "bootstrap.h"
#include "probe.h"

#define ARENA_SIZE (64 * 1024)

struct probe_real probe_real;

static _Alignas(64) unsigned char arena[ARENA_SIZE];
static size_t arena_used;
static int resolved;     /* 0 no, 1 in progress, 2 done */

void *probe_arena_alloc(size_t size, size_t align)
{
	size_t start, cur = ma_atomic_load_relaxed(&arena_used);

	if (align < 16)
		align = 16;
	do {
		start = (cur + 16 + align - 1) & ~(align - 1);
		if (start + size > ARENA_SIZE)
			return NULL;
	} while (!ma_atomic_cas_acq_rel(&arena_used, &cur, start + size));
	memcpy(arena + start - sizeof(size_t), &size, sizeof(size_t));
	ma_atomic_add_relaxed(&probe_own.arena_blocks, 1);
	ma_atomic_add_relaxed(&probe_own.arena_bytes, size);
	return arena + start;
}

void probe_arena_release(const void *p)
{
	ma_atomic_add_relaxed(&probe_own.arena_freed_blocks, 1);
	ma_atomic_add_relaxed(&probe_own.arena_freed_bytes, probe_arena_size(p));
}

int probe_arena_owns(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_SIZE;
}

size_t probe_arena_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - sizeof(size_t), sizeof(size_t));
	return n;
}

void *probe_next_symbol(const char *name)
{
	int g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	void *p = dlsym(RTLD_NEXT, name);

	probe_guard_leave(g);
	return p;
}

#define RESOLVE(field, name) \
	(*(void **)&probe_real.field = dlsym(RTLD_NEXT, name))

static void resolve_all(void)
{
	RESOLVE(malloc, "malloc");
	RESOLVE(free, "free");
	RESOLVE(calloc, "calloc");
	RESOLVE(realloc, "realloc");
	RESOLVE(reallocarray, "reallocarray");
	RESOLVE(posix_memalign, "posix_memalign");
	RESOLVE(aligned_alloc, "aligned_alloc");
	RESOLVE(memalign, "memalign");
	RESOLVE(valloc, "valloc");
	RESOLVE(pvalloc, "pvalloc");
	RESOLVE(malloc_usable_size, "malloc_usable_size");
	RESOLVE(mmap, "mmap");
	RESOLVE(mmap64, "mmap64");
	RESOLVE(munmap, "munmap");
	RESOLVE(mremap, "mremap");
	RESOLVE(dlopen, "dlopen");
	RESOLVE(dlclose, "dlclose");
	RESOLVE(fork, "fork");
	RESOLVE(execve, "execve");
	RESOLVE(execvpe, "execvpe");
	RESOLVE(fexecve, "fexecve");
	RESOLVE(posix_spawn, "posix_spawn");
	RESOLVE(posix_spawnp, "posix_spawnp");
	RESOLVE(exit, "exit");
	RESOLVE(_exit, "_exit");
	RESOLVE(_Exit, "_Exit");
	RESOLVE(abort, "abort");
	RESOLVE(libc_start_main, "__libc_start_main");
}

void probe_bootstrap(void)
{
	int expected = 0, g;

	if (ma_atomic_load_acquire(&resolved) == 2)
		return;
	if (!ma_atomic_cas_acq_rel(&resolved, &expected, 1))
		return; /* another thread resolves; callers fall back meanwhile */
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	resolve_all();
	probe_guard_leave(g);
	ma_atomic_store_release(&resolved, 2);
}
