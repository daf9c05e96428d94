/* Per-thread event rings: one producer (the thread), consumers that take
 * turns (the writer thread, the producer itself when the ring is full,
 * the exit path).
 *
 * The producer stores raw records (rawrec.h: 8-byte words, a header word
 * first) at `head` and publishes them with a release store; no lock, no
 * system call, no allocation.  A consumer owns `tail`.
 *
 * Consumer exclusion is one 64-bit word, `cons`:
 *   bit 0       consumer lock
 *   bits 1-31   next chunk seq of this producer
 *   bits 32-63  end of the range claimed so far (ring position, mod 2^32)
 * A consumer takes the lock, a seq and the range [end, head) in one CAS,
 * so seq order is the order of the events.  When the ring is full and the
 * lock is held by someone else, the producer claims [end, head) plus its
 * new event the same way (the lock stays with its holder), encodes them as
 * a chunk of its own and writes it: nothing is dropped, nobody waits.  The
 * lock holder moves `tail` to the claimed end when it releases.
 *
 * Rings are mapped with mmap, registered in a lock-free list and never
 * unmapped; the writer hands the ring of a dead thread to the next new
 * thread. */
#ifndef PROBE_RING_H
#define PROBE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"

#define PROBE_RING_WORDS_DEFAULT (1u << 16) /* 512 KiB */
#define PROBE_STACK_CACHE 1024              /* direct-mapped hash -> id */

enum probe_ring_state {
	PROBE_RING_FREE = 0,    /* may be claimed by a new thread */
	PROBE_RING_CLAIMED = 1, /* being set up */
	PROBE_RING_ACTIVE = 2,  /* has a producer */
};

struct probe_stack_cache_entry {
	uint64_t hash;
	uint64_t id;
};

struct probe_chunkbuf;
struct probe_fu_memo;

struct probe_ring {
	struct probe_ring *next; /* registry; never unlinked */
	uint32_t state;          /* enum probe_ring_state */
	uint32_t thread;         /* producer serial in this trace, 0 = process */
	int32_t tid;
	uint32_t announced;      /* MA_REC_THREAD written (producer only) */
	uint64_t cap;            /* words, a power of two */
	uint64_t events;         /* events pushed (producer writes, relaxed) */
	struct probe_fu_memo *memo;    /* producer's memo of walks, mapped lazily */
	uint32_t epoch;          /* changes with every new producer (memo entries) */
	uint32_t memo_wait;      /* captures before the memo is mapped */
	uint32_t memo_busy;      /* captures of this thread using the memo now */
	/* The start a hook's prefetch saw and its memo hash, for the capture
	 * after the real call (sp 0: none) */
	uint64_t hint_ip, hint_sp, hint_hash;
	uint32_t prompt;         /* holds a record a reader needs soon (atomic) */
	uint64_t pending_since;  /* writer only: when it first saw records waiting */
	uint64_t alive_at;       /* writer only: when its thread last proved alive */
	uint32_t ended;          /* its thread ran its end (thread.c): ask if it is gone */
	uint64_t cons __attribute__((aligned(64)));
	uint64_t tail;
	uint64_t head __attribute__((aligned(64)));
	uint64_t check;          /* producer: a push reaching this calls probe_ring_check */
	uint64_t warm;           /* position up to which the words are populated, or ~0 */
	uint64_t warm_base;      /* position of words[0] in this pass (probe_ring_restart) */
	struct probe_stack_cache_entry cache[PROBE_STACK_CACHE];
	uint64_t words[] __attribute__((aligned(64)));
};

/* Maps a ring of cap words (a power of two); NULL when mmap fails. */
struct probe_ring *probe_ring_new(uint64_t cap);
/* Makes r empty for a new producer with the given serial (seq restarts). */
void probe_ring_reset(struct probe_ring *r, uint32_t thread, int32_t tid);

/* Slow path of probe_ring_push: flushes the ring; returns 0 when the event
 * went into the ring after the flush, 1 when it was written directly. */
int probe_ring_overflow(struct probe_ring *r, const uint64_t *w, uint32_t n);

/* Asks the writer to drain r at its next wake rather than when r is
 * full or old enough (writer.c): after a module, fork or marker record,
 * which a reader of a killed process's trace needs. */
static inline void probe_ring_mark_prompt(struct probe_ring *r)
{
	ma_atomic_store_release(&r->prompt, 1);
}

/* Called (rarely) when a push reaches r->check; sets the next check.
 * The ring is drained on its own thread from an eighth full (writer.h:
 * data the thread just wrote stay in its core's cache); while other
 * threads record, only this ring, and when another drain holds the
 * writer's lock the writer thread is woken at half full. */
void probe_ring_check(struct probe_ring *r);

/* Populates the ring's pages ahead of a first pass that reaches
 * position `upto`, a step at a time (one call instead of a fault per
 * page). */
void probe_ring_warm(struct probe_ring *r, uint64_t upto);

/* An empty ring whose head is this far into its words starts again at
 * words[0] (probe_ring_restart). */
#define PROBE_RING_RESTART_AT(r) ((r)->cap / 16)

/* Producer only, r empty: moves head (and tail) to the next position
 * that is words[0], unless a consumer holds the lock.  Returns head. */
uint64_t probe_ring_restart(struct probe_ring *r, uint64_t head);

/* Appends a raw record of n words (n <= cap / 4). */
static inline void probe_ring_push(struct probe_ring *r, const uint64_t *w, uint32_t n)
{
	uint64_t head = ma_atomic_load_relaxed(&r->head);
	uint64_t used = head - ma_atomic_load_acquire(&r->tail);
	uint64_t mask = r->cap - 1;

	if (used + n > r->cap) {
		if (probe_ring_overflow(r, w, n))
			return;
		head = ma_atomic_load_relaxed(&r->head);
	} else if (__builtin_expect(used == 0 && (head & mask) >= PROBE_RING_RESTART_AT(r), 0)) {
		head = probe_ring_restart(r, head);
	}
	if (__builtin_expect(head + n > r->warm, 0))
		probe_ring_warm(r, head + n);
	for (uint32_t i = 0; i < n; i++)
		r->words[(head + i) & mask] = w[i];
	ma_atomic_store_release(&r->head, head + n);
	if (__builtin_expect(head + n >= r->check, 0))
		probe_ring_check(r);
}

/* Consumer side: takes the lock and encodes everything published into a
 * chunk, releases the lock, then writes the chunk.  Returns the number of
 * records written, 0 when empty, -1 when another consumer holds the lock
 * or the write failed.  flags: ma_chunk_flag of the chunk. */
int probe_ring_drain(struct probe_ring *r, struct probe_chunkbuf *buf, uint16_t flags);

/* Starts a chunk of r's records in b (once they are taken): exact or
 * coarse timestamps, as chunk.c's coarsen explains. */
void probe_ring_chunk_begin(struct probe_chunkbuf *b, const struct probe_ring *r);
/* Decides that alone, for more of r's records taken into b's chunk. */
void probe_ring_chunk_coarse(struct probe_chunkbuf *b, const struct probe_ring *r);

/* The two halves of a drain, for consumers that encode on their own:
 * take the lock, a seq and the range [*from, *to) (returns 1; 0 when
 * there is nothing, -1 when the lock is held), then release. */
int probe_ring_take(struct probe_ring *r, uint64_t *from, uint64_t *to, uint32_t *seq);
void probe_ring_release(struct probe_ring *r, uint64_t to);
/* A take that continues the chunk of seq, the last one taken: the same
 * without a new seq, so the range may be appended to that chunk.  Returns
 * -2 (and takes nothing) when someone has taken a seq since: that chunk
 * must be closed first. */
int probe_ring_take_more(struct probe_ring *r, uint32_t seq, uint64_t *from, uint64_t *to);

/* Producer only: writes out everything in its ring now (direct mode). */
void probe_ring_flush_own(struct probe_ring *r);

/* Takes one chunk seq without touching the lock (trailer, header). */
uint32_t probe_ring_take_seq(struct probe_ring *r);

/* Whether the ring holds records nobody has consumed or claimed. */
int probe_ring_is_empty(struct probe_ring *r);

/* Size of the chunk payload buffer that holds a whole ring of cap words. */
size_t probe_ring_payload_max(uint64_t cap);

#endif
