/* Unit tests of the probe's per-thread rings (probes/ring.c): records
 * wrap around the end of the ring, a full ring is written out by its
 * producer (also while a consumer holds the lock), and many producers
 * with a concurrent consumer lose and duplicate nothing.  The chunks go
 * to a temporary trace file that is decoded with lib/trace_codec.
 *
 * Run with a trace file as argument it prints a summary of that trace
 * instead (a debugging aid). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "chunk.h"
#include "rawrec.h"
#include "probe.h"
#include "ring.h"
#include "trace_codec.h"
#include "writer.h"

/* ---- decoding a trace file ---- */

struct seen {
	uint32_t thread, seq;
	uint16_t flags;
	uint8_t kind;
	struct ma_record rec;
};

struct decoded {
	struct seen *v;
	size_t n, cap;
	uint8_t *payloads[1 << 16];
	size_t npayloads;
	size_t chunks;
};

static void decoded_add(struct decoded *d, const struct ma_chunk_hdr *h, const struct ma_record *r)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		assert_non_null(d->v);
	}
	d->v[d->n++] = (struct seen){ h->thread, h->seq, h->flags, h->kind, *r };
}

static uint8_t *chunk_payload(const struct ma_chunk_hdr *h, const uint8_t *stored)
{
	uint8_t *raw = malloc(h->raw_len + 1);

	assert_non_null(raw);
	if (h->codec == MA_CODEC_ZSTD)
		assert_int_equal(ZSTD_decompress(raw, h->raw_len, stored, h->stored_len), h->raw_len);
	else
		memcpy(raw, stored, h->raw_len);
	return raw;
}

/* Decodes every chunk of the file; fails the test on any damage. */
static void decode_file(FILE *f, struct decoded *d)
{
	uint8_t prefix[MA_FILE_PREFIX_LEN], hb[MA_CHUNK_HDR_LEN];
	struct ma_chunk_hdr h;

	rewind(f);
	assert_int_equal(fread(prefix, 1, sizeof(prefix), f), sizeof(prefix));
	assert_memory_equal(prefix, MA_FILE_MAGIC, MA_FILE_MAGIC_LEN);
	while (fread(hb, 1, sizeof(hb), f) == sizeof(hb)) {
		ma_chunk_hdr_get(hb, &h);
		assert_int_equal(h.magic, MA_CHUNK_MAGIC);
		uint8_t *stored = malloc(h.stored_len + 1);

		assert_int_equal(fread(stored, 1, h.stored_len, f), h.stored_len);
		assert_int_equal(ma_chunk_crc(&h, stored), h.crc);
		uint8_t *raw = chunk_payload(&h, stored);
		const uint8_t *p = raw, *end = raw + h.raw_len;
		struct ma_codec_state st;
		struct ma_record rec;

		free(stored);
		ma_codec_state_init(&st, h.ts_first, MA_FORMAT_VERSION);
		for (uint32_t i = 0; i < h.nrecords; i++) {
			assert_int_equal(ma_record_get(&p, end, &st, &rec), 0);
			decoded_add(d, &h, &rec);
		}
		assert_ptr_equal(p, end);
		d->payloads[d->npayloads++] = raw;
		d->chunks++;
	}
}

static void decoded_free(struct decoded *d)
{
	for (size_t i = 0; i < d->npayloads; i++)
		free(d->payloads[i]);
	free(d->v);
	free(d);
}

static int by_thread_seq(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	/* records of one chunk keep their file order (rec.thread holds it) */
	return x->rec.thread < y->rec.thread ? -1 : 1;
}

/* ---- fixtures ---- */

static FILE *trace;

static int setup(void **state)
{
	uint8_t prefix[MA_FILE_PREFIX_LEN];

	(void)state;
	trace = tmpfile();
	assert_non_null(trace);
	ma_file_prefix_put(prefix);
	assert_int_equal(fwrite(prefix, 1, sizeof(prefix), trace), sizeof(prefix));
	fflush(trace);
	probe_out_fd = fileno(trace);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	probe_out_fd = -1;
	fclose(trace);
	return 0;
}

static struct decoded *decode_sorted(void)
{
	struct decoded *d = calloc(1, sizeof(*d));

	decode_file(trace, d);
	/* chunks of one producer may land in the file out of seq order;
	 * rec.thread (unused here) remembers the file order */
	for (size_t i = 0; i < d->n; i++)
		d->v[i].rec.thread = (uint32_t)i;
	qsort(d->v, d->n, sizeof(*d->v), by_thread_seq);
	return d;
}

/* A FREE record whose address is the sequence number. */
static void push_free(struct probe_ring *r, uint64_t i)
{
	uint64_t w[4] = { PROBE_RAW_HDR(MA_REC_FREE, 4), 1000 + i, i, MA_FN_FREE };

	probe_ring_push(r, w, 4);
}

/* A MARKER of varying length (5 + 0..4 words), name "m<i>..." */
static void push_marker(struct probe_ring *r, uint64_t i)
{
	uint64_t w[16];
	char name[40];
	uint32_t len = (uint32_t)(i % 33);

	memset(name, 'a' + (int)(i % 26), sizeof(name));
	w[1] = 1000 + i;
	w[2] = MA_MARK_POINT;
	w[3] = i;
	w[4] = len;
	w[0] = PROBE_RAW_HDR(MA_REC_MARKER, 5 + probe_raw_put_bytes(w + 5, name, len));
	probe_ring_push(r, w, PROBE_RAW_LEN(w[0]));
}

static struct probe_chunkbuf *consumer_buf(struct probe_ring *r, int compress)
{
	struct probe_chunkbuf *b = probe_chunkbuf_new(probe_ring_payload_max(r->cap), compress);

	assert_non_null(b);
	return b;
}

/* Whether a record is a thread's start or end, which a thread that
 * registered itself pushes around its events. */
static int lifecycle(const struct seen *s)
{
	return s->rec.tag == MA_REC_THREAD || s->rec.tag == MA_REC_THREAD_END;
}

/* Records of one thread must be 0..n-1 in order, each once (besides its
 * start and end). */
static void check_sequence(struct decoded *d, uint32_t thread, uint64_t n, int markers)
{
	uint64_t next = 0, prev_ts = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct seen *s = &d->v[i];

		if (s->thread != thread || lifecycle(s))
			continue;
		if (markers) {
			assert_int_equal(s->rec.tag, MA_REC_MARKER);
			assert_int_equal(s->rec.u.marker.value, next);
			assert_int_equal(s->rec.u.marker.name.len, next % 33);
		} else {
			assert_int_equal(s->rec.tag, MA_REC_FREE);
			assert_int_equal(s->rec.u.free.addr, next);
		}
		assert_true(s->rec.ts >= prev_ts);
		prev_ts = s->rec.ts;
		next++;
	}
	assert_int_equal(next, n);
}

/* Records of one producer in d (but its start and end), and how many
 * came in chunks the producer wrote because its ring was full. */
static void count_thread(const struct decoded *d, uint32_t thread, size_t *records,
			 size_t *direct)
{
	*records = *direct = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].thread != thread || lifecycle(&d->v[i]))
			continue;
		(*records)++;
		*direct += (d->v[i].flags & MA_CHUNK_F_DIRECT) != 0;
	}
}

/* ---- tests ---- */

/* Records wrap round the end of the ring.  The consumer takes its range
 * before the producer pushes the next five, so the ring is never empty
 * at a push and never starts again at words[0] (probe_ring_restart). */
static void test_wrap_around(void **state)
{
	struct probe_ring *r = probe_ring_new(64);
	struct probe_chunkbuf *b = consumer_buf(r, 0);
	struct decoded *d;
	uint64_t from, to, wraps = 0;
	uint32_t seq;

	(void)state;
	probe_ring_reset(r, 7, 1);
	for (uint64_t i = 0; i < 1000;) {
		uint64_t head = r->head;

		push_marker(r, i++);
		wraps += (head & 63) > (r->head & 63);
		if (i % 5 == 0 && i < 1000) {
			assert_int_equal(probe_ring_take(r, &from, &to, &seq), 1);
			head = r->head;
			push_marker(r, i++);
			wraps += (head & 63) > (r->head & 63);
			probe_ring_chunk_begin(b, r);
			assert_int_equal(probe_chunk_add_ring(b, r->words, r->cap - 1, from, to), 0);
			probe_ring_release(r, to);
			assert_int_equal(probe_chunk_write(b, r->thread, seq, MA_CHUNK_RECORDS, 0), 0);
		}
	}
	probe_ring_drain(r, b, 0);
	assert_true(probe_ring_is_empty(r));
	assert_true(wraps > 50);
	d = decode_sorted();
	check_sequence(d, 7, 1000, 1);
	decoded_free(d);
	probe_chunkbuf_free(b);
}

/* A ring that is empty when its producer pushes starts again at words[0]
 * once its head is PROBE_RING_RESTART_AT in: a thread whose ring is
 * drained before it fills stays in the first pages of its ring, and
 * never populates the rest.  Nothing is lost or reordered. */
static void test_empty_ring_restarts(void **state)
{
	struct probe_ring *r = probe_ring_new(PROBE_RING_WORDS_DEFAULT);
	struct probe_chunkbuf *b = consumer_buf(r, 1);
	struct decoded *d;
	uint64_t restarts = 0, far = 0;

	(void)state;
	probe_ring_reset(r, 9, 1);
	for (uint64_t i = 0; i < 200000; i++) {
		uint64_t head = r->head;

		push_free(r, i);
		restarts += (r->head & (r->cap - 1)) == 4;
		if ((r->head & (r->cap - 1)) > far)
			far = r->head & (r->cap - 1);
		/* a drain every 1500 events (6000 words) */
		if (i % 1500 == 1499) {
			assert_true(probe_ring_drain(r, b, 0) > 0);
			assert_true(probe_ring_is_empty(r));
		}
		assert_true(r->head - head == 4 || (r->head & (r->cap - 1)) == 4);
	}
	probe_ring_drain(r, b, 0);
	/* 800 000 words pushed: the first push, then 133 drains, each
	 * followed by a restart */
	assert_int_equal(restarts, 1 + 200000 / 1500);
	assert_true(far < PROBE_RING_RESTART_AT(r) + 6000);
	assert_int_not_equal(r->warm, UINT64_MAX);
	assert_true(r->warm - r->warm_base <= 16384);
	d = decode_sorted();
	check_sequence(d, 9, 200000, 0);
	decoded_free(d);
	probe_chunkbuf_free(b);
}

/* Records of each chunk of thread, in seq order, into n[] (at most max
 * chunks); returns the number of chunks. */
static size_t chunk_sizes(const struct decoded *d, uint32_t thread, size_t *n, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].thread != thread)
			continue;
		if (k == 0 || d->v[i].seq != d->v[i - 1].seq) {
			assert_true(k < max);
			n[k++] = 0;
		}
		n[k - 1]++;
	}
	return k;
}

/* A producer that finds its ring full and no consumer at work writes
 * the oldest quarter of it (a record boundary at or after cap / 4
 * words), not all of it: a quarter of the time and of a buffer's memory,
 * and the rest stays for the writer.  Nothing is lost or reordered; at
 * the end the thread's own flush writes all that is left. */
static void test_full_ring_flushed_by_producer(void **state)
{
	struct probe_ring *r = probe_ring_new(128);
	struct decoded *d;
	size_t direct = 0, n[1024], k;

	(void)state;
	probe_ring_reset(r, 3, 1);
	for (uint64_t i = 0; i < 5000; i++)
		push_free(r, i);
	probe_ring_flush_own(r);
	assert_true(probe_ring_is_empty(r));
	d = decode_sorted();
	check_sequence(d, 3, 5000, 0);
	for (size_t i = 0; i < d->n; i++)
		direct += (d->v[i].flags & MA_CHUNK_F_DIRECT) != 0;
	assert_int_equal(direct, d->n);
	/* 4-word records: the ring is full after 32; then each overflow
	 * writes 8 (32 words) and 8 more pushes fill it again.  The 621st
	 * overflow comes at push 4992; the last flush writes 32. */
	k = chunk_sizes(d, 3, n, 1024);
	assert_int_equal(k, 622);
	for (size_t i = 0; i + 1 < k; i++)
		assert_int_equal(n[i], 8);
	assert_int_equal(n[k - 1], 32);
	decoded_free(d);

	/* Records of 5 to 9 words: each overflow stops at the first record
	 * boundary at or past 32 words. */
	probe_ring_reset(r, 4, 1);
	for (uint64_t i = 0; i < 3000; i++)
		push_marker(r, i);
	probe_ring_flush_own(r);
	d = decode_sorted();
	check_sequence(d, 4, 3000, 1);
	k = chunk_sizes(d, 4, n, 1024);
	assert_true(k > 3000 * 5 / 40);
	/* thread 3's records come first in d */
	for (size_t i = 0, at = 5000; i + 1 < k; at += n[i], i++) {
		size_t words = 0, last = 0;

		for (size_t j = at; j < at + n[i]; j++) {
			last = 5 + (d->v[j].rec.u.marker.name.len + 7) / 8;
			words += last;
		}
		assert_true(words >= 32 && words - last < 32);
	}
	decoded_free(d);
}

/* Producers flushing their own rings share buffers (probes/chunk.c): a
 * buffer given back is handed out again, never to two takers at once,
 * and never when it is smaller than asked for.  A buffer is known by a
 * mark in its words_seen, past the count that field keeps (a buffer
 * unmapped and mapped anew may come back at the same address, zeroed),
 * and one that has written a chunk by its nrec.
 * Runs first, while the pool is empty. */
#define MARK (UINT64_C(1) << 40)

static struct probe_chunkbuf *marked(struct probe_chunkbuf *b, uint64_t k)
{
	assert_non_null(b);
	assert_int_equal(b->words_seen, 0); /* mapped now */
	b->words_seen = MARK * k;
	return b;
}

/* Which mark b carries, 0 when none. */
static uint64_t mark_of(const struct probe_chunkbuf *b)
{
	return b->words_seen / MARK;
}

static void test_flush_buffers_shared(void **state)
{
	size_t small = probe_ring_payload_max(128), big = probe_ring_payload_max(4096);
	struct probe_chunkbuf *a = marked(probe_chunkbuf_take(small), 1);
	struct probe_chunkbuf *b = marked(probe_chunkbuf_take(small), 2);
	struct probe_chunkbuf *c, *d, *e, *f;
	struct probe_ring *r = probe_ring_new(128);
	struct decoded *dd;
	uint64_t seen = 0;

	(void)state;
	probe_chunkbuf_give(a);
	probe_chunkbuf_give(b);
	c = probe_chunkbuf_take(small);
	d = probe_chunkbuf_take(small);
	assert_true(mark_of(c) + mark_of(d) == 3 && mark_of(c) * mark_of(d) == 2);
	e = marked(probe_chunkbuf_take(small), 3);
	probe_chunkbuf_give(c);
	f = marked(probe_chunkbuf_take(big), 4); /* c is too small */
	assert_true(f->cap >= big);
	assert_non_null(f->z);
	probe_chunkbuf_give(d);
	probe_chunkbuf_give(e);
	probe_chunkbuf_give(f);

	/* a ring flushed by its producer takes one of these and gives it
	 * back, having used it */
	probe_ring_reset(r, 4, 1);
	for (uint64_t k = 0; k < 1000; k++)
		push_free(r, k);
	probe_ring_flush_own(r);
	dd = decode_sorted();
	check_sequence(dd, 4, 1000, 0);
	decoded_free(dd);
	{
		struct probe_chunkbuf *g[4];
		int used = 0;

		for (int k = 0; k < 4; k++) {
			g[k] = probe_chunkbuf_take(small);
			assert_in_range(mark_of(g[k]), 1, 4);
			seen |= UINT64_C(1) << mark_of(g[k]);
			used += g[k]->nrec != 0;
		}
		assert_int_equal(seen, 0x1e); /* marks 1 to 4, each once */
		assert_int_equal(used, 1);
		for (int k = 0; k < 4; k++)
			probe_chunkbuf_give(g[k]);
	}
}

/* The consumer holds the lock while the producer fills the ring: the
 * producer writes its events as chunks of its own, ordered after the
 * consumer's by seq. */
static void test_full_ring_while_consumer_holds_lock(void **state)
{
	struct probe_ring *r = probe_ring_new(64);
	struct probe_chunkbuf *b = consumer_buf(r, 1);
	uint64_t from, to;
	uint32_t seq;
	struct decoded *d;

	(void)state;
	probe_ring_reset(r, 5, 1);
	for (uint64_t i = 0; i < 10; i++)
		push_free(r, i);
	assert_int_equal(probe_ring_take(r, &from, &to, &seq), 1);
	assert_int_equal(to - from, 40);
	for (uint64_t i = 10; i < 300; i++)
		push_free(r, i);
	probe_ring_chunk_begin(b, r);
	probe_chunk_add_ring(b, r->words, r->cap - 1, from, to);
	probe_ring_release(r, to);
	assert_int_equal(probe_chunk_write(b, r->thread, seq, MA_CHUNK_RECORDS, 0), 0);
	probe_ring_drain(r, b, 0);
	assert_true(probe_ring_is_empty(r));
	d = decode_sorted();
	check_sequence(d, 5, 300, 0);
	decoded_free(d);
	probe_chunkbuf_free(b);
}

/* While one thread has recorded (as here: the unit test registers no
 * thread), heap events are written rounded down to PROBE_COARSE_NS and
 * markers exactly; timestamps stay non-decreasing, so a free after a
 * marker takes the marker's time.  The process's own records (thread 0)
 * stay exact. */
static void test_coarse_while_one_thread(void **state)
{
	struct probe_ring *r = probe_ring_new(1024);
	struct probe_chunkbuf *b = consumer_buf(r, 1);
	uint64_t frees[3] = { 5 * PROBE_COARSE_NS + 17, 5 * PROBE_COARSE_NS + 999,
			      9 * PROBE_COARSE_NS + 1 };
	uint64_t w[8] = { PROBE_RAW_HDR(MA_REC_FREE, 4), 0, 0, MA_FN_FREE };
	uint64_t m[5] = { PROBE_RAW_HDR(MA_REC_MARKER, 5), 5 * PROBE_COARSE_NS + 500,
			  MA_MARK_POINT, 7, 0 };
	struct decoded *d;

	(void)state;
	probe_ring_reset(r, 3, 1);
	w[1] = frees[0], w[2] = 1;
	probe_ring_push(r, w, 4);
	probe_ring_push(r, m, 5);
	w[1] = frees[1], w[2] = 2;
	probe_ring_push(r, w, 4);
	w[1] = frees[2], w[2] = 3;
	probe_ring_push(r, w, 4);
	assert_int_equal(probe_ring_drain(r, b, 0), 4);
	probe_ring_reset(r, 0, 0);
	w[1] = frees[0], w[2] = 4;
	probe_ring_push(r, w, 4);
	assert_int_equal(probe_ring_drain(r, b, 0), 1);
	d = decode_sorted();
	assert_int_equal(d->n, 5);
	assert_int_equal(d->v[0].thread, 0);                           /* sorted first */
	assert_int_equal(d->v[0].rec.ts, frees[0]);                    /* thread 0: exact */
	assert_int_equal(d->v[1].thread, 3);
	assert_int_equal(d->v[1].rec.ts, 5 * PROBE_COARSE_NS);         /* rounded */
	assert_int_equal(d->v[2].rec.ts, 5 * PROBE_COARSE_NS + 500);   /* marker */
	assert_int_equal(d->v[3].rec.ts, 5 * PROBE_COARSE_NS + 500);   /* not below it */
	assert_int_equal(d->v[4].rec.ts, 9 * PROBE_COARSE_NS);
	decoded_free(d);
	probe_chunkbuf_free(b);
}

#define PRODUCERS 4
#define PER_PRODUCER 200000

static struct probe_ring *rings[PRODUCERS];
static int producers_done;

static void *producer(void *arg)
{
	struct probe_ring *r = arg;

	for (uint64_t i = 0; i < PER_PRODUCER; i++) {
		push_free(r, i);
	}
	probe_ring_flush_own(r);
	__atomic_add_fetch(&producers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *consumer(void *arg)
{
	struct probe_chunkbuf *b = arg;

	while (__atomic_load_n(&producers_done, __ATOMIC_ACQUIRE) < PRODUCERS)
		for (int i = 0; i < PRODUCERS; i++)
			probe_ring_drain(rings[i], b, 0);
	return NULL;
}

static void test_many_producers_one_consumer(void **state)
{
	pthread_t p[PRODUCERS], c;
	struct probe_chunkbuf *b;
	struct decoded *d;

	(void)state;
	for (int i = 0; i < PRODUCERS; i++) {
		rings[i] = probe_ring_new(256);
		probe_ring_reset(rings[i], (uint32_t)i + 1, i + 1);
	}
	b = consumer_buf(rings[0], 1);
	producers_done = 0;
	assert_int_equal(pthread_create(&c, NULL, consumer, b), 0);
	for (int i = 0; i < PRODUCERS; i++)
		assert_int_equal(pthread_create(&p[i], NULL, producer, rings[i]), 0);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	pthread_join(c, NULL);
	for (int i = 0; i < PRODUCERS; i++) {
		probe_ring_drain(rings[i], b, 0);
		assert_true(probe_ring_is_empty(rings[i]));
	}
	d = decode_sorted();
	for (int i = 0; i < PRODUCERS; i++)
		check_sequence(d, (uint32_t)i + 1, PER_PRODUCER, 0);
	decoded_free(d);
	probe_chunkbuf_free(b);
}

/* While one thread records, it drains its own ring from an eighth full
 * with the writer's state (probes/writer.h), whether or not a writer
 * thread runs (none here): 200 000 events through a ring of 64 Ki words
 * (12 times round) go out in the writer's open chunks, in order, none
 * as a chunk the producer wrote because its ring was full.  The writer's
 * stop closes the last open chunk.  Last of the tests: it turns the
 * probe on and registers the thread. */
static void test_lone_producer_drains_here(void **state)
{
	struct probe_ring *r;
	struct decoded *d;
	size_t direct, records;

	(void)state;
	assert_int_equal(probe_threads_init(), 0);
	probe_phase = PROBE_PHASE_ON;
	r = probe_thread_ring();
	assert_non_null(r);
	assert_true(probe_threads_one());
	for (uint64_t i = 0; i < 200000; i++)
		push_free(r, i);
	assert_int_equal(probe_writer_stop(0), 0);
	probe_writer_drain_all();
	probe_phase = PROBE_PHASE_INIT;
	d = decode_sorted();
	check_sequence(d, r->thread, 200000, 0);
	count_thread(d, r->thread, &records, &direct);
	assert_int_equal(records, 200000);
	assert_int_equal(direct, 0);
	decoded_free(d);
}

#define OWN_EVENTS 100000

/* A thread of test_threads_drain_own: registers, pushes, returns its
 * ring (NULL when it has none).  It says it has ended itself, so that the
 * probe's end of the thread (thread.c), which runs in the last round of
 * the thread's key destructors, does nothing: under ThreadSanitizer that
 * round comes after the sanitizer has let go of the thread, and its
 * atomics there crash. */
static void *own_producer(void *arg)
{
	struct probe_ring *r = probe_thread_ring();

	(void)arg;
	if (r) {
		for (uint64_t i = 0; i < OWN_EVENTS; i++)
			push_free(r, i);
		probe_tls.ended = 1;
		ma_atomic_store_release(&r->ended, 1);
	}
	return r;
}

/* While several threads record, each drains its own ring from an eighth
 * full while the writer thread sleeps (probes/writer.h).  The writer
 * "runs" here by its flag alone, so its wakes at half full wake nobody:
 * each thread's 100 000 events through a ring of 64 Ki words (6 times
 * round) must still go out in order in the writer's open chunks, none as
 * a chunk the thread wrote because its ring was full.  After the lone
 * producer's test, whose thread stays counted. */
static void test_threads_drain_own(void **state)
{
	struct probe_ring *r[2];
	struct decoded *d;
	size_t records, direct;

	(void)state;
	probe_writer_forget(); /* the last test stopped it */
	probe_phase = PROBE_PHASE_ON;
	ma_atomic_store_release(&probe_writer_thread, 1);
	for (int k = 0; k < 2; k++) {
		pthread_t t;

		assert_int_equal(pthread_create(&t, NULL, own_producer, NULL), 0);
		assert_int_equal(pthread_join(t, (void **)&r[k]), 0);
		assert_non_null(r[k]);
	}
	assert_false(probe_threads_one());
	ma_atomic_store_release(&probe_writer_thread, 0);
	assert_int_equal(probe_writer_stop(0), 0);
	probe_writer_drain_all();
	probe_phase = PROBE_PHASE_INIT;
	d = decode_sorted();
	for (int k = 0; k < 2; k++) {
		check_sequence(d, r[k]->thread, OWN_EVENTS, 0);
		count_thread(d, r[k]->thread, &records, &direct);
		assert_int_equal(records, OWN_EVENTS);
		assert_int_equal(direct, 0);
	}
	decoded_free(d);
}

/* ---- summary of a trace file (debugging aid) ---- */

static int summarize(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct decoded *d = calloc(1, sizeof(*d));
	size_t count[MA_REC_TAG_MAX + 1] = { 0 };

	if (!f)
		return 1;
	decode_file(f, d);
	for (size_t i = 0; i < d->n; i++) {
		const struct ma_record *r = &d->v[i].rec;

		count[r->tag]++;
		if (r->tag == MA_REC_MODULE)
			printf("module %lu %.*s bid=%u\n", (unsigned long)r->u.module.id,
			       (int)r->u.module.path.len, r->u.module.path.ptr,
			       r->u.module.build_id.len);
		else if (r->tag == MA_REC_TRAILER || r->tag == MA_REC_LOST)
			printf("%s: %lu %ld %lu %lu %lu %lu (thread %u)\n", ma_tag_name(r->tag),
			       (unsigned long)r->u.trailer.exit_kind, (long)r->u.trailer.exit_status,
			       (unsigned long)r->u.trailer.events, (unsigned long)r->u.trailer.stacks,
			       (unsigned long)r->u.trailer.chunks, (unsigned long)r->u.trailer.lost,
			       d->v[i].thread);
		else if (r->tag == MA_REC_PROCESS)
			printf("process pid %lu flags %lu exe %.*s\n", (unsigned long)r->u.process.pid,
			       (unsigned long)r->u.process.flags, (int)r->u.process.exe.len,
			       r->u.process.exe.ptr);
	}
	printf("chunks %zu records %zu\n", d->chunks, d->n);
	for (int t = 1; t <= MA_REC_TAG_MAX; t++)
		if (count[t])
			printf("  %-12s %zu\n", ma_tag_name((uint8_t)t), count[t]);
	fclose(f);
	decoded_free(d);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		/* first: the pool starts empty */
		cmocka_unit_test_setup_teardown(test_flush_buffers_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_around, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_ring_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_flushed_by_producer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_while_consumer_holds_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_producers_one_consumer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coarse_while_one_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lone_producer_drains_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_drain_own, setup, teardown),
	};

	if (argc > 1)
		return summarize(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
