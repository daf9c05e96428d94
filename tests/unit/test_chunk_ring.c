/* Unit tests of probes/chunk_ring.c: a ring's raw records encoded by
 * probe_chunk_add_ring (in place, hot kinds straight into the streams)
 * give the same bytes as each record copied out and passed to
 * probe_chunk_add_raw (the generic path through struct ma_record).
 *
 * Random sequences of every raw kind, written into a ring so that ranges
 * and records wrap its end, chunk after chunk into the same two buffers
 * (so the encoders' tables carry over as they do in the probe); more
 * addresses and stacks in a chunk than the address window and the stack
 * dictionary hold; timestamps that step back, reallocs whose second
 * timestamp is earlier than the first; coarse and exact chunks; and
 * buffers too small for the range, where records are dropped.  Either
 * way, probe_chunk_net_frees grows by the releases less the allocations
 * of the range.
 *
 * Both paths share the field coders, so the bytes of all chunks are also
 * hashed and compared with the hash the encoder gave before the direct
 * path existed: a change there is a change of the format's bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chunk.h"
#include "rawrec.h"
#include "trace_codec.h"

#define RING_WORDS (1u << 16)
#define MASK (RING_WORDS - 1)

/* FNV-1a over every chunk's payload, record count and first timestamp,
 * in test order; the value the generic-only encoder gave (format
 * version 3: its kind bytes, time codes and address deltas). */
#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define DIGEST_WANT 0x2fd7aebb0b2b1560ull
static uint64_t digest = FNV_BASIS;

struct gen {
	uint64_t x;          /* xorshift state */
	uint64_t ts;
	uint64_t addrs[6000];
	uint64_t nstacks;    /* distinct stack ids drawn from */
};

static uint64_t rnd(struct gen *g)
{
	g->x ^= g->x << 13;
	g->x ^= g->x >> 7;
	g->x ^= g->x << 17;
	return g->x;
}

static uint64_t below(struct gen *g, uint64_t n)
{
	return rnd(g) % n;
}

/* Mostly forward, by small and large steps, sometimes back a little. */
static uint64_t next_ts(struct gen *g)
{
	uint64_t r = below(g, 100);

	if (r < 5 && g->ts > 1000)
		g->ts -= below(g, 1000);
	else if (r < 10)
		g->ts += below(g, 1ull << 20);
	else
		g->ts += below(g, 300);
	return g->ts;
}

/* An address used before (found again in the windows, or gone from
 * them), or a fresh one. */
static uint64_t addr(struct gen *g)
{
	uint64_t *slot = &g->addrs[below(g, sizeof(g->addrs) / sizeof(g->addrs[0]))];

	if (below(g, 4) == 0 || !*slot)
		*slot = 0x7f0000000000ull + below(g, 1ull << 32) * 16;
	return below(g, 50) ? *slot : 0;
}

static uint64_t stack(struct gen *g)
{
	return 1 + below(g, g->nstacks);
}

/* A random number shifted right by a random count, the two drawn in this
 * order: C leaves the order of `rnd(g) >> below(g, 64)` unspecified, and
 * GCC chose differently with the sanitizers, which changed the records
 * drawn (and the digest below), not the encoder. */
static uint64_t shifted(struct gen *g)
{
	uint64_t v = rnd(g);

	return v >> below(g, 64);
}

static uint64_t size(struct gen *g)
{
	return below(g, 8) ? below(g, 200) : shifted(g);
}

/* A string of len random bytes after its length words; returns words. */
static uint32_t put_str(struct gen *g, uint64_t *w, uint32_t len)
{
	uint8_t s[PROBE_RAW_STR_MAX];

	for (uint32_t i = 0; i < len; i++)
		s[i] = (uint8_t)rnd(g);
	return probe_raw_put_bytes(w, s, len);
}

static uint32_t heap_record(struct gen *g, uint64_t *w, uint8_t tag)
{
	uint64_t ts = next_ts(g);

	w[1] = ts;
	switch (tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		w[2] = addr(g), w[3] = size(g), w[4] = stack(g), w[5] = below(g, MA_FN_COUNT);
		w[6] = 1ull << below(g, 20);
		return tag == MA_REC_ALLOC ? 6 : 7;
	case MA_REC_FREE:
		w[2] = addr(g), w[3] = below(g, MA_FN_COUNT);
		return 4;
	case MA_REC_REALLOC:
		w[2] = below(g, 10) ? ts + below(g, 1ull << 17) : ts - below(g, 100);
		w[3] = addr(g), w[4] = addr(g), w[5] = size(g), w[6] = stack(g);
		w[7] = below(g, MA_FN_COUNT);
		return 8;
	case MA_REC_MMAP:
		w[2] = addr(g), w[3] = size(g), w[4] = 3, w[5] = 0x22, w[6] = (uint64_t)-1;
		w[7] = below(g, 1 << 20), w[8] = stack(g), w[9] = MA_FN_MMAP;
		w[10] = below(g, 3) ? 0 : below(g, 100);
		return 11 + put_str(g, w + 11, (uint32_t)w[10]);
	case MA_REC_MUNMAP:
		w[2] = addr(g), w[3] = size(g);
		return 4;
	default: /* MREMAP */
		w[2] = ts + below(g, 1000) - 100;
		w[3] = addr(g), w[4] = size(g), w[5] = addr(g), w[6] = size(g), w[7] = 1;
		w[8] = stack(g);
		return 9;
	}
}

static uint32_t meta_record(struct gen *g, uint64_t *w, uint8_t tag)
{
	uint32_t n;

	w[1] = tag == MA_REC_STACK || tag == MA_REC_INFO || tag == MA_REC_LOST ? 0 : next_ts(g);
	switch (tag) {
	case MA_REC_STACK:
		w[2] = stack(g), w[3] = 1 + below(g, 40);
		for (uint32_t i = 0; i < w[3]; i++)
			w[4 + i] = 0x400000 + below(g, 1ull << 40);
		return 4 + (uint32_t)w[3];
	case MA_REC_MODULE:
		w[2] = below(g, 100), w[3] = rnd(g), w[4] = rnd(g), w[5] = rnd(g);
		w[6] = below(g, 300), w[7] = below(g, 20);
		n = 8 + put_str(g, w + 8, (uint32_t)w[6]);
		return n + put_str(g, w + n, (uint32_t)w[7]);
	case MA_REC_MODULE_GONE:
	case MA_REC_FORK:
		w[2] = below(g, 100);
		return 3;
	case MA_REC_THREAD:
		w[2] = below(g, 1 << 22), w[3] = below(g, 16);
		return 4 + put_str(g, w + 4, (uint32_t)w[3]);
	case MA_REC_THREAD_END:
		return 2;
	case MA_REC_SAMPLE:
		for (int i = 2; i < 13; i++)
			w[i] = shifted(g);
		return 13;
	case MA_REC_MARKER:
		w[2] = below(g, 4), w[3] = rnd(g), w[4] = below(g, 30);
		return 5 + put_str(g, w + 5, (uint32_t)w[4]);
	case MA_REC_INFO:
		w[2] = below(g, 10), w[3] = below(g, 2000);
		n = 4 + put_str(g, w + 4, (uint32_t)w[2]);
		return n + put_str(g, w + n, (uint32_t)w[3]);
	default: /* LOST */
		w[2] = rnd(g), w[3] = below(g, 3);
		return 4;
	}
}

/* One random raw record into w; returns its words. */
static uint32_t raw_record(struct gen *g, uint64_t *w)
{
	static const uint8_t hot[] = { MA_REC_ALLOC, MA_REC_ALLOC, MA_REC_FREE, MA_REC_FREE,
				       MA_REC_REALLOC, MA_REC_ALLOC_ALIGNED };
	uint64_t r = below(g, 100);
	uint8_t tag;
	uint32_t n;

	if (r < 90)
		tag = hot[below(g, sizeof(hot))];
	else if (r < 95)
		tag = (uint8_t)(MA_REC_MMAP + below(g, 3));
	else
		tag = (uint8_t)(MA_REC_STACK + below(g, MA_REC_LOST - MA_REC_STACK + 1));
	n = tag <= MA_REC_MREMAP ? heap_record(g, w, tag) : meta_record(g, w, tag);
	w[0] = PROBE_RAW_HDR(tag, n);
	return n;
}

/* The generic path: each record copied out, then probe_chunk_add_raw. */
static int add_each(struct probe_chunkbuf *b, const uint64_t *ring, uint64_t from, uint64_t to)
{
	static uint64_t w[PROBE_RAW_MAX_WORDS];
	int rc = 0;

	while (from < to) {
		uint32_t n = PROBE_RAW_LEN(ring[from & MASK]);

		for (uint32_t i = 0; i < n; i++)
			w[i] = ring[(from + i) & MASK];
		if (probe_chunk_add_raw(b, w) < 0)
			rc = -1;
		from += n;
	}
	return rc;
}

static void assert_same_chunk(struct probe_chunkbuf *a, struct probe_chunkbuf *b)
{
	static uint8_t pa[8 << 20], pb[8 << 20];
	size_t la, lb;

	assert_int_equal(a->len, b->len);
	assert_int_equal(a->nrec, b->nrec);
	assert_int_equal(a->timed, b->timed);
	assert_true(a->ts_first == b->ts_first);
	assert_int_equal(ma_enc_size(&a->enc), ma_enc_size(&b->enc));
	la = ma_enc_finish(&a->enc, pa);
	for (size_t i = 0; i < la; i++)
		digest = (digest ^ pa[i]) * FNV_PRIME;
	digest = (digest ^ a->nrec ^ a->ts_first) * FNV_PRIME;
	lb = ma_enc_finish(&b->enc, pb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
}

/* Chunks of up to max_words words at random places of the ring, each
 * encoded both ways into buffers of cap bytes. */
static void run(uint64_t seed, uint64_t nstacks, uint64_t max_words, size_t cap, int nchunks)
{
	static struct gen g;
	uint64_t *ring = calloc(RING_WORDS, sizeof(uint64_t));
	uint64_t w[PROBE_RAW_MAX_WORDS];
	struct probe_chunkbuf *fast = probe_chunkbuf_new(cap, 0);
	struct probe_chunkbuf *ref = probe_chunkbuf_new(cap, 0);
	uint64_t pos = 0;

	assert_non_null(ring);
	assert_non_null(fast);
	assert_non_null(ref);
	memset(&g, 0, sizeof(g));
	g.x = seed;
	g.ts = 1ull << 40;
	g.nstacks = nstacks;
	for (int c = 0; c < nchunks; c++) {
		uint64_t from = pos + below(&g, RING_WORDS), to = from;
		uint64_t len = 1 + below(&g, max_words);
		int coarse = (int)below(&g, 2);
		int64_t net = 0, net_before = probe_chunk_net_frees;
		int rf, rr;

		while (to - from < len) {
			uint32_t n = raw_record(&g, w);
			uint8_t tag = PROBE_RAW_TAG(w[0]);

			if (to + n - from > RING_WORDS)
				break;
			net += tag == MA_REC_FREE ? 1 :
			       tag == MA_REC_ALLOC || tag == MA_REC_ALLOC_ALIGNED ? -1 : 0;
			for (uint32_t i = 0; i < n; i++)
				ring[(to + i) & MASK] = w[i];
			to += n;
		}
		probe_chunk_begin(fast);
		probe_chunk_begin(ref);
		fast->coarse = ref->coarse = coarse;
		rf = probe_chunk_add_ring(fast, ring, MASK, from, to);
		assert_int_equal(probe_chunk_net_frees - net_before, net);
		rr = add_each(ref, ring, from, to);
		assert_int_equal(rf, rr);
		assert_same_chunk(fast, ref);
		pos = to;
	}
	probe_chunkbuf_free(fast);
	probe_chunkbuf_free(ref);
	free(ring);
}

/* Short chunks, few stacks: most addresses and stacks are found again. */
static void test_short_chunks(void **state)
{
	(void)state;
	run(1, 50, 200, 1u << 20, 3000);
}

/* Whole rings in a chunk: more than MA_ADDR_WINDOW addresses and
 * MA_STACK_DICT stacks, records and ranges wrapping the ring's end. */
static void test_long_chunks(void **state)
{
	(void)state;
	run(2, 5000, RING_WORDS, (size_t)RING_WORDS * 10 + 65536, 40);
	run(3, 300, RING_WORDS / 2, (size_t)RING_WORDS * 10 + 65536, 40);
}

/* Buffers smaller than a range: both paths drop the same records. */
static void test_small_buffer(void **state)
{
	(void)state;
	run(4, 500, 4000, 6000, 500);
	run(5, 500, 600, 6000, 500);
}

/* Runs last: the chunks of the tests before. */
static void test_same_bytes_as_before(void **state)
{
	(void)state;
	assert_int_equal(digest, DIGEST_WANT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_chunks),
		cmocka_unit_test(test_long_chunks),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_same_bytes_as_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
