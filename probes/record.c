/* Recording events: build the raw record on the stack, take a stack id,
 * push it into the thread's ring.  Runs on every hooked call, so: no
 * lock, no system call, no allocation (CLOCK_MONOTONIC is read through
 * the vDSO). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "clock.h"
#include "msg.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "signals.h"
#include "writer.h"

int probe_phase;
uint64_t probe_lost_early;
uint64_t probe_lost_reentrant;

static void announce(struct probe_ring *r)
{
	uint64_t w[8];
	char name[17] = "";

	r->announced = 1;
	prctl(PR_GET_NAME, name, 0, 0, 0);
	w[1] = probe_now();
	w[2] = (uint64_t)r->tid;
	w[3] = strnlen(name, 16);
	w[0] = PROBE_RAW_HDR(MA_REC_THREAD, 4 + probe_raw_put_bytes(w + 4, name, (uint32_t)w[3]));
	probe_ring_push(r, w, PROBE_RAW_LEN(w[0]));
}

static void write_lost(struct probe_ring *r)
{
	uint64_t w[4] = { PROBE_RAW_HDR(MA_REC_LOST, 4), 0, probe_tls.lost, MA_LOST_REENTRANT };

	probe_tls.lost = 0;
	probe_ring_push(r, w, 4);
}

/* The start of an event's recording (guard NONE): events that a signal
 * handler left waiting in the nested buffer (signals.h) go in first.
 * They are older than this one, and the hook that was recording when the
 * handler ran may not have moved them in yet: a signal between its
 * recording and its move ran a handler whose events, recorded directly,
 * went in before them -- an address freed in the first handler and
 * handed out again in the second was then allocated twice in the trace,
 * and its later release unknown.  Then the guard, RECORD. */
static int record_begin(void)
{
	probe_nested_flush_if_any();
	return probe_guard_enter(PROBE_GUARD_RECORD);
}

void probe_record_raw(const uint64_t *w, uint32_t n)
{
	struct probe_ring *r = probe_thread_ring();

	if (!r) {
		ma_atomic_add_relaxed(&probe_lost_early, 1);
		return;
	}
	if (__builtin_expect(!r->announced, 0))
		announce(r);
	if (__builtin_expect(probe_tls.lost != 0, 0))
		write_lost(r);
	probe_ring_push(r, w, n);
	ma_atomic_store_relaxed(&r->events, r->events + 1);
	if (__builtin_expect(ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_DIRECT, 0))
		probe_ring_flush_own(r);
}

void probe_record_raw_prompt(const uint64_t *w, uint32_t n)
{
	probe_record_raw(w, n);
	if (probe_tls.ring)
		probe_ring_mark_prompt(probe_tls.ring);
}

void probe_record_alloc(void *p, size_t size, size_t align, int fn)
{
	int g = record_begin();
	uint64_t w[7];

	w[1] = probe_event_now();
	w[2] = (uintptr_t)p;
	w[3] = size;
	w[4] = probe_stack_capture();
	w[5] = (uint64_t)fn;
	w[6] = align;
	if (align)
		w[0] = PROBE_RAW_HDR(MA_REC_ALLOC_ALIGNED, 7);
	else
		w[0] = PROBE_RAW_HDR(MA_REC_ALLOC, 6);
	probe_record_raw(w, PROBE_RAW_LEN(w[0]));
	probe_writer_sample_if_due(w[1]);
	probe_guard_leave(g);
}

void probe_record_free(void *p, int fn)
{
	int g = record_begin();
	uint64_t w[4] = { PROBE_RAW_HDR(MA_REC_FREE, 4), probe_event_now(), (uintptr_t)p,
			  (uint64_t)fn };

	probe_record_raw(w, 4);
	probe_writer_sample_if_due(w[1]);
	probe_guard_leave(g);
}

void probe_record_realloc(uint64_t ts_before, void *old, void *p, size_t size, int fn)
{
	int g = record_begin();
	uint64_t w[8];

	w[0] = PROBE_RAW_HDR(MA_REC_REALLOC, 8);
	w[1] = ts_before;
	w[2] = probe_event_now();
	w[3] = (uintptr_t)old;
	w[4] = (uintptr_t)p;
	w[5] = size;
	w[6] = p || !old ? probe_stack_capture() : 0;
	w[7] = (uint64_t)fn;
	probe_record_raw(w, 8);
	probe_writer_sample_if_due(w[2]);
	probe_guard_leave(g);
}

void probe_record_munmap(void *p, size_t len)
{
	int g = record_begin();
	uint64_t w[4] = { PROBE_RAW_HDR(MA_REC_MUNMAP, 4), probe_now(), (uintptr_t)p, len };

	probe_record_raw(w, 4);
	probe_guard_leave(g);
}

void probe_record_mremap(uint64_t ts_before, void *old, size_t old_len, void *p,
			 size_t new_len, int flags)
{
	int g = record_begin();
	uint64_t w[9];

	w[0] = PROBE_RAW_HDR(MA_REC_MREMAP, 9);
	w[1] = ts_before;
	w[2] = probe_now();
	w[3] = (uintptr_t)old;
	w[4] = old_len;
	w[5] = (uintptr_t)p;
	w[6] = new_len;
	w[7] = (unsigned)flags;
	w[8] = probe_stack_capture();
	probe_record_raw(w, 9);
	probe_guard_leave(g);
}

void probe_record_marker(int kind, const char *name, int64_t value)
{
	int g = record_begin();
	uint64_t w[5 + 32];
	uint32_t len = name ? (uint32_t)strnlen(name, 255) : 0;

	w[1] = probe_now();
	w[2] = (uint64_t)kind;
	w[3] = (uint64_t)value;
	w[4] = len;
	w[0] = PROBE_RAW_HDR(MA_REC_MARKER, 5 + probe_raw_put_bytes(w + 5, name, len));
	probe_record_raw_prompt(w, PROBE_RAW_LEN(w[0]));
	probe_guard_leave(g);
}

void probe_record_fork(pid_t child)
{
	int g = record_begin();
	uint64_t w[3] = { PROBE_RAW_HDR(MA_REC_FORK, 3), probe_now(), (uint64_t)child };

	probe_record_raw_prompt(w, 3);
	probe_guard_leave(g);
}

/* The file behind a mapping of len bytes, from /proc/self/fd; empty when
 * anonymous, unknown, or smaller than PROBE_FILEMAP_MIN_SIZE.  The
 * readlink costs about 3 us in a virtual machine, and a program that
 * maps each small file it reads (git maps every loose object) would pay
 * it thousands of times, for names of mappings that weigh little. */
static uint32_t fd_path(int fd, int flags, size_t len, char *buf, size_t size)
{
	char link[32];
	ssize_t n;

	if (fd < 0 || (flags & MAP_ANONYMOUS) || len < PROBE_FILEMAP_MIN_SIZE)
		return 0;
	probe_format(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size);
	return n > 0 ? (uint32_t)n : 0;
}

void probe_record_mmap(void *p, size_t len, int prot, int flags, int fd, off_t off, int fn)
{
	int g = record_begin();
	uint64_t w[11 + PROBE_RAW_STR_MAX / 8];
	char path[PROBE_RAW_STR_MAX];
	int saved = errno;

	w[1] = probe_now();
	w[2] = (uintptr_t)p;
	w[3] = len;
	w[4] = (unsigned)prot;
	w[5] = (unsigned)flags;
	w[6] = (uint64_t)(int64_t)fd;
	w[7] = (uint64_t)off;
	w[8] = probe_stack_capture();
	w[9] = (uint64_t)fn;
	w[10] = fd_path(fd, flags, len, path, sizeof(path));
	w[0] = PROBE_RAW_HDR(MA_REC_MMAP, 11 + probe_raw_put_bytes(w + 11, path, (uint32_t)w[10]));
	probe_record_raw(w, PROBE_RAW_LEN(w[0]));
	errno = saved;
	probe_guard_leave(g);
}
