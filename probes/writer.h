/* The writer thread: samples the process every sample interval and then
 * drains the rings that are due (holding a record that waited a second,
 * or a prompt one, or filling: writer.c); a producer wakes it early at
 * half full.
 *
 * While only one thread of the program records, that thread drains its
 * own ring, from an eighth full, with the writer's state (a "drain
 * here"): the records it has just written are still in its core's cache,
 * where the writer thread on another core would pull each cache line
 * over and hand it back to be written again.  On sqlite3 that cost more
 * than the encoding itself (docs/performance.md).  The producer encodes
 * its records where they are, without the writer's copy.  The writer
 * thread still samples, and writes what waits a second.  The two take
 * turns through a lock that a producer only tries: if the writer holds
 * it, the producer goes on and tries again a little later.
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

/* Starts the thread (signals blocked, guard held for good).  Returns 0 or -1. */
int probe_writer_start(void);
/* Asks it to stop and waits at most about a second; returns 0 when it has
 * stopped (its buffer is then free). */
int probe_writer_stop(void);
/* Forgets the thread (fork child: it does not exist there). */
void probe_writer_forget(void);
/* Wakes it up early (a ring passed half full); cheap when it is awake. */
void probe_writer_kick(void);
/* The exit's drain of every ring, once the writer has stopped, into a
 * buffer of its own (the writer may not have let go of its), mapped only
 * when a ring still holds records. */
void probe_writer_drain_all(void);

#endif
