/* The real functions behind the hooks, found with dlsym(RTLD_NEXT).
 * dlsym itself calls calloc, so until the allocator functions are known
 * allocations are served from a small static arena; its blocks are never
 * freed (free and realloc recognise them), only counted. */
#ifndef PROBE_BOOTSTRAP_H
#define PROBE_BOOTSTRAP_H

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

struct probe_real {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	void *(*mmap64)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
	void *(*dlopen)(const char *, int);
	int (*dlclose)(void *);
	pid_t (*fork)(void);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	int (*posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			   const posix_spawnattr_t *, char *const[], char *const[]);
	int (*posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			    const posix_spawnattr_t *, char *const[], char *const[]);
	void (*exit)(int) __attribute__((noreturn));
	void (*_exit)(int) __attribute__((noreturn));
	void (*_Exit)(int) __attribute__((noreturn));
	void (*quick_exit)(int) __attribute__((noreturn));
	void (*abort)(void) __attribute__((noreturn));
	int (*libc_start_main)(int (*)(int, char **, char **), int, char **,
			       void (*)(void), void (*)(void), void (*)(void), void *);
};

extern struct probe_real probe_real;

/* Resolves everything once; safe to call from any hook, any thread. */
void probe_bootstrap(void);
/* Looks up one symbol of the next object (C++ operators, resolved on
 * first use because libstdc++ may be loaded later). */
void *probe_next_symbol(const char *name);
/* The same for a C++ operator, also found where a C++ runtime loaded by
 * dlopen without RTLD_GLOBAL defines it (bootstrap.c). */
void *probe_cxx_symbol(const char *name);

void *probe_arena_alloc(size_t size, size_t align);
int probe_arena_owns(const void *p);
size_t probe_arena_size(const void *p);
/* free or realloc of an arena block: counted, the memory stays. */
void probe_arena_release(const void *p);

#endif
