/* The probe's core, as the hooks and the tests see it.  hooks*.c forward
 * every intercepted call to a probe_record_*() here; nothing in this API
 * allocates with malloc, takes a lock or makes a system call on the
 * common path. */
#ifndef PROBE_PROBE_H
#define PROBE_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "atomic.h"
#include "guard.h"
#include "trace_format.h"

#define PROBE_DEPTH_DEFAULT 64
#define PROBE_DEPTH_MAX 256
#define PROBE_SAMPLE_MS_DEFAULT 10
#define PROBE_PATH_MAX 4096

struct probe_config {
	char output[PROBE_PATH_MAX]; /* pattern, %p = pid */
	char session[256];
	unsigned depth;
	unsigned sample_ms;
	int follow;
	int off;
};

extern struct probe_config probe_cfg;

enum probe_phase {
	PROBE_PHASE_INIT = 0,   /* constructor not run yet: nothing recorded */
	PROBE_PHASE_ON = 1,     /* recording through the rings */
	PROBE_PHASE_DIRECT = 2, /* after the final flush: every event written at once */
	PROBE_PHASE_OFF = 3,    /* disabled, or tracing stopped */
};

extern int probe_phase;

/* Events not recorded: before the probe started, or for lack of a ring. */
extern uint64_t probe_lost_early;
/* Events skipped because a hook was re-entered (all threads). */
extern uint64_t probe_lost_reentrant;
/* Events of signal handlers waiting in a thread's nested buffer (signals.h),
 * counted as lost in the trailer. */
extern uint64_t probe_nested_waiting;

/* What the probe took for itself, written at the end as the info records
 * "probe-bootstrap" and "probe-internal" (output.c) so that the analysis
 * can show it apart from the program's blocks.  Only the bootstrap arena
 * and the hooks' slow path add to it (relaxed atomics), never the hot
 * path. */
struct probe_own {
	uint64_t arena_blocks, arena_bytes;             /* handed out */
	uint64_t arena_freed_blocks, arena_freed_bytes; /* given back by the program */
	uint64_t internal_calls, internal_bytes; /* real allocator, guard INTERNAL */
};

extern struct probe_own probe_own;

/* Whether a hook should record now.  Counts the event as lost when the
 * thread is inside the probe's recording code or a signal handler that
 * interrupted the probe (guard RECORD or HANDLER). */
static inline int probe_should_record(void)
{
	struct probe_tls *t = &probe_tls;

	if (__builtin_expect(t->guard != PROBE_GUARD_NONE || t->in_real, 0)) {
		if (probe_guard_is_handler(t->guard)) {
			t->lost++;
			ma_atomic_add_relaxed(&probe_lost_reentrant, 1);
		}
		return 0;
	}
	if (__builtin_expect(ma_atomic_load_relaxed(&probe_phase) - 1u > 1u, 0)) {
		if (ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_INIT)
			ma_atomic_add_relaxed(&probe_lost_early, 1);
		return 0;
	}
	return 1;
}

/* ---- events (call only when probe_should_record() said yes) ---- */
void probe_record_alloc(void *p, size_t size, size_t align, int fn);
void probe_record_free(void *p, int fn);
/* realloc: the timestamp before the call, then the record after it. */
void probe_record_realloc(uint64_t ts_before, void *old, void *p, size_t size, int fn);
void probe_record_mmap(void *p, size_t len, int prot, int flags, int fd, off_t off, int fn);
void probe_record_munmap(void *p, size_t len);
void probe_record_mremap(uint64_t ts_before, void *old, size_t old_len, void *p,
			 size_t new_len, int flags);
/* Annotation (MA_REC_MARKER); name is truncated to 255 bytes. */
void probe_record_marker(int kind, const char *name, int64_t value);
void probe_record_fork(pid_t child);

/* Pushes a raw record (rawrec.h) into the calling thread's ring, writing
 * its MA_REC_THREAD and pending MA_REC_LOST first.  Caller holds the guard. */
void probe_record_raw(const uint64_t *w, uint32_t n);
/* The same for a rare record a reader needs soon (module, fork, marker,
 * info): the writer drains the ring at its next wake, not a second
 * later. */
void probe_record_raw_prompt(const uint64_t *w, uint32_t n);
/* The calling thread's stack id, defining the stack when new.  Caller
 * holds the guard. */
uint64_t probe_stack_capture(void);

/* ---- threads (thread.c) ---- */
struct probe_ring;
/* The calling thread's ring, attaching one on first use; NULL when none
 * could be mapped. */
struct probe_ring *probe_thread_attach(void);
static inline struct probe_ring *probe_thread_ring(void)
{
	struct probe_ring *r = probe_tls.ring;

	return __builtin_expect(r != NULL, 1) ? r : probe_thread_attach();
}
struct probe_ring *probe_ring_first(void);
/* The process's own producer (thread 0): samples; written by the writer. */
extern struct probe_ring *probe_ring0;
int probe_threads_init(void);
/* After fork, in the child: every ring but the caller's is freed. */
void probe_threads_after_fork(void);
/* Serial numbers given to threads so far, plus one (thread.c). */
extern uint32_t probe_next_serial;
/* The main thread has ended with pthread_exit, its key destructors run
 * (thread.c): the process ends when its last thread does (writer.c). */
extern int probe_main_ended;

/* Whether at most one thread has recorded events in this process so far
 * (the count only grows; a thread is counted before its first event is
 * pushed, and before the real free of its first release). */
static inline int probe_threads_one(void)
{
	return ma_atomic_load_acquire(&probe_next_serial) <= 2;
}
/* Writer: gives the ring of a dead thread back once drained. */
void probe_thread_retire_dead(struct probe_ring *r);
/* Events pushed so far, all threads. */
uint64_t probe_threads_events(void);

/* ---- unwinding (unwind.c) ---- */
void probe_unwind_init(void);
/* libunwind's caching policy, once: from the writer thread once
 * libunwind has been used (probe_unwind_wanted), or at the start in the
 * slow and check modes and without a writer thread (unwind.c). */
extern int probe_unwind_wanted;
void probe_unwind_prepare(void);

/* ---- modules (modules.c) ---- */
/* Writes MA_REC_MODULE for objects not seen before, MA_REC_MODULE_GONE
 * for those gone.  Caller holds the guard. */
void probe_modules_scan(void);
/* Forgets every module (fork child: all are written again). */
void probe_modules_forget(void);
/* After dlopen(RTLD_DEEPBIND): points the object's allocator imports
 * back at the hooks (deepbind.c). */
void probe_deepbind_patch(void *handle);
/* The probe's own text range, to skip its frames. */
extern uintptr_t probe_self_lo, probe_self_hi;

/* ---- configuration (config.c) ---- */
#define PROBE_ENV_PARENT "MEMORY_ANALYZER_PARENT"
void probe_config_read(void);
/* Whether the previous image of this process (exec) or its parent was
 * traced; removes the marker from environ, in place. */
int probe_env_take_parent(void);
/* Removes the probe from LD_PRELOAD in environ, in place. */
void probe_env_unpreload(void);

/* ---- output (output.c) ---- */
/* Opens the trace for this process and writes the header chunk; flags
 * are ma_proc_flag.  Returns 0, or -1 after one message on stderr. */
int probe_output_open(uint64_t flags, uint64_t parent_fork_ts);
void probe_output_close(void);
/* Writes the trailer chunk. */
void probe_output_trailer(int exit_kind, int64_t status);

/* ---- sampling (sampler.c) ---- */
/* File-backed mappings of this size or more that are not code are listed
 * from /proc/self/smaps (a page-table walk of the whole process), but
 * only once the program has mapped one through mmap: probe_file_mapped. */
#define PROBE_FILEMAP_MIN_SIZE (1ul << 20)
extern int probe_file_mapped; /* atomic */
void probe_sampler_open(void);
/* Fills a raw MA_REC_SAMPLE record (13 words).  full: also mallinfo2
 * (when its cost allows) and, every FILEMAP_EVERY_NS, the file-backed
 * mappings; without it only the two /proc reads, which take no lock and
 * so may run on a program's thread inside a hook. */
void probe_sampler_take(uint64_t *w, int full);
/* The kernel's high-water mark of the process's RSS (VmHWM of
 * /proc/self/status) in bytes, 0 when it cannot be read.  Not reentrant:
 * the trailer's caller (one at a time). */
uint64_t probe_sampler_peak_rss(void);
/* The threads of the process (/proc/self/stat), -1 when unknown. */
int probe_sampler_threads(void);

/* ---- lifecycle (init.c, exit.c, fork.c) ---- */
/* Starts the probe from a hook called before our constructor ran. */
void probe_start_early(void);
/* Flushes everything, writes the trailer, switches to direct mode; only
 * the first call does anything. */
void probe_finish(int exit_kind, int64_t status);
/* After an exec that returned (failed with err): recording goes on
 * (exit.c). */
void probe_finish_undo_exec(int err);
extern int probe_exit_status;
/* quick_exit was called, its status in probe_exit_status: the probe's
 * at_quick_exit handler, the last to run, ends the trace (exit.c). */
extern int probe_quick_exit;
void probe_fork_install(void);
void probe_exit_install(void);
void probe_fork_parent_ts(void);
/* Whether this is the child of a vfork (or a CLONE_VM clone) still
 * running in our memory: then the trace is the parent's, not to touch. */
int probe_in_vfork_child(void);
/* Moves fd to a high number (a program's own dup2(fd, 3) or `exec 3>`
 * must not hit it) and makes it close-on-exec; returns the new fd. */
int probe_fd_hide(int fd);
/* The descriptors the probe keeps (output.c): whether fd is one, the
 * program's close()/dup2() on them (hooks_fd.c), and moving one away
 * before the program's dup2() lands on its number (returns the new fd, or
 * -1). */
#define PROBE_GUARDED_FDS 8
int probe_fd_guarded(int fd);
/* The lowest guarded fd at or above lo, or -1. */
int probe_fd_guarded_next(unsigned lo);
void probe_fd_unguard(int fd);
int probe_fd_move(int fd);

#endif
