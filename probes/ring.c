/* Ring consumers: the lock-and-claim protocol described in ring.h.  The
 * producer's fast path is the inline probe_ring_push. */
#include <string.h>

#include "chunk.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "writer.h"

#define CONS_LOCK 1ull

static uint32_t cons_seq(uint64_t c)
{
	return (uint32_t)(c >> 1) & 0x7fffffffu;
}

static uint32_t cons_end(uint64_t c)
{
	return (uint32_t)(c >> 32);
}

static uint64_t cons_make(uint64_t end, uint32_t seq, uint64_t lock)
{
	return ((uint64_t)(uint32_t)end << 32) | ((uint64_t)(seq & 0x7fffffffu) << 1) | lock;
}

/* 64-bit position of a claimed end that is at most `head`. */
static uint64_t pos_below(uint64_t head, uint32_t end)
{
	return head - (uint32_t)((uint32_t)head - end);
}

/* 64-bit position of a claimed end that is at least `ref`. */
static uint64_t pos_above(uint64_t ref, uint32_t end)
{
	return ref + (uint32_t)(end - (uint32_t)ref);
}

size_t probe_ring_payload_max(uint64_t cap)
{
	/* A raw word becomes at most one 10-byte varint; the slack covers the
	 * producer's extra event and ma_record_max_size's fixed margin. */
	return (size_t)cap * 10 + PROBE_RAW_MAX_WORDS * 10 + 16384;
}

struct probe_ring *probe_ring_new(uint64_t cap)
{
	size_t len = sizeof(struct probe_ring) + cap * sizeof(uint64_t);
	struct probe_ring *r = probe_os_map(len);

	if (r)
		r->cap = cap;
	return r;
}

#define WARM_STEP (64u << 10)

/* In 64 KiB steps, until the whole ring (or a kernel without
 * MADV_POPULATE_WRITE) makes warm ~0: never again. */
void probe_ring_warm(struct probe_ring *r, uint64_t upto)
{
	size_t cap = r->cap * sizeof(uint64_t), warm;
	uint64_t need = upto - r->warm_base;

	if (r->warm == UINT64_MAX)
		return;
	warm = (r->warm - r->warm_base) * sizeof(uint64_t);
	probe_os_warm(r->words, &warm, (need < r->cap ? need : r->cap) * sizeof(uint64_t),
		      WARM_STEP, cap);
	r->warm = warm >= cap ? UINT64_MAX : r->warm_base + warm / sizeof(uint64_t);
}

/* Starts a pass at position base (words[0]); the words populated stay
 * those from words[0] up to where the last pass had populated them. */
static void warm_rebase(struct probe_ring *r, uint64_t base)
{
	if (r->warm != UINT64_MAX)
		r->warm = base + (r->warm - r->warm_base);
	r->warm_base = base;
}

/* A ring that is drained before it fills would otherwise move round all
 * its words, and every thread that records for long enough would keep
 * its whole ring in memory: 512 KiB for a thread that allocates in short
 * bursts as much as for the busiest.  Starting again at words[0] when
 * the ring is empty keeps such a ring in its first pages (and a lone
 * thread's, drained from an eighth full on the thread, in its core's
 * cache).  The lock is taken with nothing claimed, so no consumer is
 * between its take and its release: none holds a position of the old
 * pass. */
uint64_t probe_ring_restart(struct probe_ring *r, uint64_t head)
{
	uint64_t c = ma_atomic_load_acquire(&r->cons);
	uint64_t to = (head + r->cap - 1) & ~(r->cap - 1);

	if ((c & CONS_LOCK) || cons_end(c) != (uint32_t)head ||
	    !ma_atomic_cas_acq_rel(&r->cons, &c, cons_make(to, cons_seq(c), CONS_LOCK)))
		return head;
	r->check = to + (r->check > head ? r->check - head : 0);
	warm_rebase(r, to);
	ma_atomic_store_release(&r->head, to);
	probe_ring_release(r, to);
	return to;
}

void probe_ring_reset(struct probe_ring *r, uint32_t thread, int32_t tid)
{
	r->thread = thread;
	r->tid = tid;
	r->announced = 0;
	r->epoch++;
	r->memo_busy = 0; /* a thread that left a capture by longjmp */
	r->hint_sp = 0;
	r->pending_since = 0;
	r->alive_at = 0;
	ma_atomic_store_relaxed(&r->ended, 0);
	ma_atomic_store_relaxed(&r->prompt, 0);
	ma_atomic_store_relaxed(&r->events, 0);
	memset(r->cache, 0, sizeof(r->cache));
	ma_atomic_store_relaxed(&r->head, 0);
	ma_atomic_store_relaxed(&r->tail, 0);
	r->check = 0;
	warm_rebase(r, 0);
	ma_atomic_store_release(&r->cons, 0);
}

/* Drops the lock, moving tail to the furthest claimed end (the producer
 * may have claimed more while we held it). */
void probe_ring_release(struct probe_ring *r, uint64_t to)
{
	uint64_t c = ma_atomic_load_acquire(&r->cons);

	for (;;) {
		ma_atomic_store_release(&r->tail, pos_above(to, cons_end(c)));
		if (ma_atomic_cas_acq_rel(&r->cons, &c, c & ~CONS_LOCK))
			return;
	}
}

int probe_ring_take(struct probe_ring *r, uint64_t *from, uint64_t *to, uint32_t *seq)
{
	uint64_t c = ma_atomic_load_acquire(&r->cons);

	do {
		if (c & CONS_LOCK)
			return -1;
		*to = ma_atomic_load_acquire(&r->head);
		*from = pos_below(*to, cons_end(c));
		if (*from == *to)
			return 0;
	} while (!ma_atomic_cas_acq_rel(&r->cons, &c, cons_make(*to, cons_seq(c) + 1, CONS_LOCK)));
	*seq = cons_seq(c);
	return 1;
}

int probe_ring_take_more(struct probe_ring *r, uint32_t seq, uint64_t *from, uint64_t *to)
{
	uint64_t c = ma_atomic_load_acquire(&r->cons);

	do {
		if (c & CONS_LOCK)
			return -1;
		if (cons_seq(c) != ((seq + 1) & 0x7fffffffu))
			return -2;
		*to = ma_atomic_load_acquire(&r->head);
		*from = pos_below(*to, cons_end(c));
		if (*from == *to)
			return 0;
	} while (!ma_atomic_cas_acq_rel(&r->cons, &c, cons_make(*to, cons_seq(c), CONS_LOCK)));
	return 1;
}

void probe_ring_chunk_coarse(struct probe_chunkbuf *b, const struct probe_ring *r)
{
	/* after the records were taken: see chunk.c, coarsen */
	b->coarse = r->thread != 0 && probe_threads_one();
}

void probe_ring_chunk_begin(struct probe_chunkbuf *b, const struct probe_ring *r)
{
	probe_chunk_begin(b);
	probe_ring_chunk_coarse(b, r);
}

int probe_ring_drain(struct probe_ring *r, struct probe_chunkbuf *buf, uint16_t flags)
{
	uint64_t from, to;
	uint32_t seq;
	int rc = probe_ring_take(r, &from, &to, &seq);

	if (rc <= 0)
		return rc;
	probe_ring_chunk_begin(buf, r);
	probe_chunk_add_ring(buf, r->words, r->cap - 1, from, to);
	probe_ring_release(r, to);
	if (probe_chunk_write(buf, r->thread, seq, MA_CHUNK_RECORDS, flags) < 0)
		return -1;
	return (int)buf->nrec;
}

/* The position of the first record boundary at least a quarter of the
 * ring after from (records are pushed whole, each giving its length). */
static uint64_t quarter_end(const struct probe_ring *r, uint64_t from, uint64_t head)
{
	uint64_t at = from;

	while (at < head && at - from < r->cap / 4) {
		uint32_t len = PROBE_RAW_LEN(r->words[at & (r->cap - 1)]);

		if (!len)
			return head;
		at += len;
	}
	return at < head ? at : head;
}

/* Producer only: writes out [claimed end, head) plus the record w (when
 * not NULL).  Returns 0 when w still has to be pushed (the ring has room
 * now), 1 when w went out in the chunk.  When no consumer holds the lock
 * and w is to be pushed, only the oldest quarter of the ring goes: room
 * enough for w, and a flush of a quarter of the time and memory, for
 * these happen when the writer falls behind a busy program's threads,
 * several at once (on churn's eight threads, six buffers of about 1 MiB
 * were in use together).  The writer takes the rest as usual.  With the
 * lock held, a consumer is between its take and its release and the
 * space is not freed until it releases: then everything goes, w last. */
static int flush_producer(struct probe_ring *r, const uint64_t *w)
{
	uint64_t head = ma_atomic_load_relaxed(&r->head);
	uint64_t c = ma_atomic_load_acquire(&r->cons);
	struct probe_chunkbuf *b = probe_chunkbuf_take(probe_ring_payload_max(r->cap));
	uint64_t lock, from, to;

	do {
		lock = c & CONS_LOCK;
		from = pos_below(head, cons_end(c));
		to = w && !lock ? quarter_end(r, from, head) : head;
	} while (!ma_atomic_cas_acq_rel(&r->cons, &c, cons_make(to, cons_seq(c) + 1, CONS_LOCK)));

	if (b) {
		probe_ring_chunk_begin(b, r);
		probe_chunk_add_ring(b, r->words, r->cap - 1, from, to);
		if (lock && w)
			probe_chunk_add_raw(b, w);
	}
	if (!lock)
		probe_ring_release(r, to);
	if (!b) {
		ma_atomic_add_relaxed(&probe_write_failures, 1);
		return lock != 0;
	}
	probe_chunk_write(b, r->thread, cons_seq(c), MA_CHUNK_RECORDS, MA_CHUNK_F_DIRECT);
	probe_chunkbuf_give(b);
	return lock != 0;
}

int probe_ring_overflow(struct probe_ring *r, const uint64_t *w, uint32_t n)
{
	(void)n;
	return flush_producer(r, w);
}

void probe_ring_flush_own(struct probe_ring *r)
{
	uint64_t head = ma_atomic_load_relaxed(&r->head);

	if (pos_below(head, cons_end(ma_atomic_load_acquire(&r->cons))) != head)
		flush_producer(r, NULL);
}

uint32_t probe_ring_take_seq(struct probe_ring *r)
{
	return cons_seq(ma_atomic_add_acq_rel(&r->cons, 2));
}

int probe_ring_is_empty(struct probe_ring *r)
{
	uint64_t c = ma_atomic_load_acquire(&r->cons);
	uint64_t head = ma_atomic_load_acquire(&r->head);

	return !(c & CONS_LOCK) && (uint32_t)head == cons_end(c);
}

void probe_ring_check(struct probe_ring *r)
{
	uint64_t head, used, at;

	at = r->cap / 8;
	if (probe_threads_one() || !probe_writer_running()) {
		probe_writer_drain_here();
	} else {
		/* The writer thread's lock was taken (by it or by another
		 * producer): it drains this ring if it is half full. */
		probe_writer_drain_own();
		if (ma_atomic_load_acquire(&r->head) - ma_atomic_load_acquire(&r->tail) >= r->cap / 2)
			probe_writer_kick();
	}
	/* After the drain, which may also have pushed (ring 0's samples). */
	head = ma_atomic_load_relaxed(&r->head);
	used = head - ma_atomic_load_acquire(&r->tail);
	r->check = head + (used < at ? at - used : r->cap / 64);
}
