/* The writer thread: samples the process every sample interval and then
 * drains the rings that are due (half full, holding a record that waited
 * a second, or a prompt one: writer.c); a producer wakes it early at half
 * full.  It is an optimisation, never a dependency: a full ring is written
 * out by its own thread. */
#ifndef PROBE_WRITER_H
#define PROBE_WRITER_H

struct probe_chunkbuf;

/* Starts the thread (signals blocked, guard held for good).  Returns 0 or -1. */
int probe_writer_start(void);
/* Asks it to stop and waits at most about a second; returns 0 when it has
 * stopped (its buffer is then free). */
int probe_writer_stop(void);
/* Forgets the thread (fork child: it does not exist there). */
void probe_writer_forget(void);
/* Wakes it up early (a ring passed half full); cheap when it is awake. */
void probe_writer_kick(void);
/* Drains every ring once with buf (writer, exit flush). */
void probe_writer_drain_all(struct probe_chunkbuf *buf, uint16_t flags);

#endif
