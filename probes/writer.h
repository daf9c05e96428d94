/* The writer thread: samples the process every sample interval and then
 * drains the rings that are due (holding a record that waited a second,
 * or a prompt one, or filling: writer.c); a producer wakes it early at
 * half full.
 *
 * Each thread drains its own ring, from an eighth full, with the
 * writer's state (a "drain here"): the records it has just written are
 * still in its core's cache, where the writer thread on another core
 * would pull each cache line over and hand it back to be written again.
 * On sqlite3 that cost more than the encoding itself, and on two-thread
 * churn the writer's drains took 7 % more CPU and wall time than the
 * threads' own (docs/performance.md).  The producer encodes its records
 * where they are, without the writer's copy.  The writer's state is
 * one, under a lock that a producer only tries: if the writer or
 * another producer holds it, the producer goes on, tries again a little
 * later, and wakes the writer thread at half full, which then copies
 * the ring out and encodes it on its own core.
 *
 * While only one thread records, its drain takes every ring that is
 * due, and the thread also takes the samples that need no lock (RSS,
 * PSI) into its own ring, and the last round at the end.  The writer
 * thread then wakes less often, for the samples with mallinfo2 and what
 * waits a second.
 *
 * The thread is an optimisation, never a dependency: a full ring is
 * written out by its own thread. */
#ifndef PROBE_WRITER_H
#define PROBE_WRITER_H

#include "atomic.h"

struct probe_chunkbuf;

/* Whether the writer thread runs. */
extern int probe_writer_thread;
static inline int probe_writer_running(void)
{
	return ma_atomic_load_relaxed(&probe_writer_thread);
}

/* A producer drains the rings that are due (its own from an eighth full)
 * on its own thread, unless the writer is at work or stopping.  Safe in
 * a signal handler: it only tries the lock, encodes and writes. */
void probe_writer_drain_here(void);
/* The same for the caller's own ring alone (while other threads record:
 * theirs are in other cores' caches). */
void probe_writer_drain_own(void);

/* When a lone producer samples the process next (writer.c): UINT64_MAX
 * while the writer thread samples alone (threads, before the start, the
 * end).  A heap event's hook compares its timestamp with it. */
extern uint64_t probe_sample_at;
void probe_writer_sample_here(void);
static inline void probe_writer_sample_if_due(uint64_t ts)
{
	if (__builtin_expect(ts >= ma_atomic_load_relaxed(&probe_sample_at), 0))
		probe_writer_sample_here();
}

/* Takes the first sample (with mallinfo2 when heap_safe: the start, not
 * a fork child, whose fork may have come from a signal handler), then
 * starts the thread (signals blocked, guard held for good).  Returns 0
 * or -1. */
int probe_writer_start(int heap_safe);
/* Asks it to stop and waits at most about a second; returns 0 when it has
 * stopped, or (one thread recording) when the caller has taken the last
 * round itself: either way the writer's buffers are free.  heap_safe:
 * the caller holds no allocator lock and is no signal handler (exit), so
 * its last sample may call mallinfo2. */
int probe_writer_stop(int heap_safe);
/* After a failed exec (exit.c): the producers drain their own rings
 * again, with no writer thread, once the stopped one has left its loop
 * (at most 0.1 s).  Returns 0, or -1 when it has not: only a full ring is
 * written then, by its thread. */
int probe_writer_resume_without_thread(void);
/* Forgets the thread (fork child: it does not exist there). */
void probe_writer_forget(void);
/* Wakes it up early (a ring passed half full); cheap when it is awake. */
void probe_writer_kick(void);
/* The exit's drain of every ring, once the writer has stopped, into a
 * buffer of its own (the writer may not have let go of its), mapped only
 * when a ring still holds records. */
void probe_writer_drain_all(void);

#endif
