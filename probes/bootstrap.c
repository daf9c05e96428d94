/* Finding the real functions (bootstrap.h). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
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

/* Whether p is defined in the probe itself. */
static int ours(void *p)
{
	Dl_info in, self;

	return dladdr(p, &in) && dladdr((void *)ours, &self) && in.dli_fbase == self.dli_fbase;
}

/* name in the object loaded as path and its dependencies, when that is
 * not the probe's own; the object then stays loaded (the handle is
 * kept), so the definition does too. */
static void *defined_under(const char *path, const char *name)
{
	void *h = probe_real.dlopen(path, RTLD_LAZY | RTLD_NOLOAD), *p;

	if (!h)
		return NULL;
	p = dlsym(h, name);
	if (p && !ours(p))
		return p;
	if (probe_real.dlclose)
		probe_real.dlclose(h);
	return NULL;
}

/* The path of the loaded object number `want` (the main program and
 * others without a path, not counted). */
struct nth_object {
	unsigned want, at;
	char path[4096];
};

static int nth_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct nth_object *n = arg;
	size_t len;

	(void)size;
	if (!info->dlpi_name || !info->dlpi_name[0] || n->at++ != n->want)
		return 0;
	len = strlen(info->dlpi_name);
	if (len < sizeof(n->path))
		memcpy(n->path, info->dlpi_name, len + 1);
	return 1;
}

/* A C++ runtime that dlopen loaded without RTLD_GLOBAL (a C program's
 * plugin written in C++, as binutils' LLVM plugin; a Python extension)
 * is not in the global scope, which dlsym(RTLD_NEXT) searches, yet the
 * plugin's calls of operator new bind to the probe's, first there.  Its
 * operators are found under the object that loaded them: libstdc++ and
 * libc++ by name, else the first loaded object that has a definition
 * that is not ours (a plugin linked with -static-libstdc++).  The
 * objects are listed one per dl_iterate_phdr pass, and opened after it:
 * dlopen inside its callback could deadlock with another thread's. */
static void *loaded_definition(const char *name)
{
	static const char *const runtimes[] = { "libstdc++.so.6", "libc++.so.1" };
	struct nth_object n;
	void *p;

	if (!probe_real.dlopen)
		return NULL;
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		if ((p = defined_under(runtimes[i], name)))
			return p;
	for (n.want = 0;; n.want++) {
		n.at = 0;
		n.path[0] = 0;
		if (!dl_iterate_phdr(nth_object, &n))
			return NULL;
		if (n.path[0] && (p = defined_under(n.path, name)))
			return p;
	}
}

void *probe_next_symbol(const char *name)
{
	int g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	void *p = dlsym(RTLD_NEXT, name);

	probe_guard_leave(g);
	return p;
}

void *probe_cxx_symbol(const char *name)
{
	void *p = probe_next_symbol(name);
	int g;

	if (p)
		return p;
	probe_bootstrap();
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	p = loaded_definition(name);
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
	RESOLVE(quick_exit, "quick_exit");
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
