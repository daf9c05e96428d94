/* Unit tests of the trace reader, on traces written with trace_build:
 * replay order across producers, realloc phases, compression, damage,
 * truncation, seq gaps, and files that are not traces at all. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace_build.h"
#include "trace_reader.h"

#define TRACE_FILE_PREFIX "test_reader"
#include "trace_file.h"

#define START 1u


/* ---- writing ---- */

static struct ma_trace_build *start(int compress)
{
	struct ma_rec_process proc = { .pid = 77, .start_monotonic_ns = START,
				       .exe = { (const uint8_t *)"/bin/t", 6 },
				       .cmdline = { (const uint8_t *)"t\0", 2 } };
	struct ma_trace_build *b = ma_trace_build_open(path, &proc, compress);

	assert_non_null(b);
	return b;
}

static void alloc(struct ma_trace_build *b, uint32_t thread, uint64_t ts, uint64_t addr)
{
	struct ma_record r = { .tag = MA_REC_ALLOC, .ts = ts,
			       .u.alloc = { addr, 16, 1, MA_FN_MALLOC, 0 } };

	assert_int_equal(ma_trace_build_add(b, thread, &r, NULL), 0);
}

static void put(struct ma_trace_build *b, uint32_t thread, struct ma_record r)
{
	static const uint64_t frames[] = { 0x401000, 0x401100 };

	if (r.tag == MA_REC_STACK)
		r.u.stack.depth = 2;
	assert_int_equal(ma_trace_build_add(b, thread, &r, frames), 0);
}

static void flush(struct ma_trace_build *b, uint32_t thread)
{
	assert_int_equal(ma_trace_build_flush(b, thread), 0);
}

static void finish(struct ma_trace_build *b, uint64_t ts)
{
	struct ma_rec_trailer tr = { .events = 1 };

	assert_int_equal(ma_trace_build_close(b, &tr, ts), 0);
}

/* ---- reading ---- */

struct ev {
	uint8_t tag, phase;
	uint32_t thread;
	uint64_t ts, addr;
};

static struct ma_trace *open_ok(void)
{
	struct ma_trace *t = NULL;
	char err[256] = "";

	assert_int_equal(ma_trace_open(path, &t, err, sizeof(err)), MA_TRACE_OPEN_OK);
	assert_non_null(t);
	return t;
}

static uint64_t addr_of(const struct ma_record *r)
{
	if (r->tag == MA_REC_ALLOC)
		return r->u.alloc.addr;
	if (r->tag == MA_REC_FREE)
		return r->u.free.addr;
	if (r->tag == MA_REC_REALLOC)
		return r->phase == 1 ? r->u.realloc.old_addr : r->u.realloc.new_addr;
	if (r->tag == MA_REC_MREMAP)
		return r->phase == 1 ? r->u.mremap.old_addr : r->u.mremap.new_addr;
	return 0;
}

/* Replays everything into out; returns the count. */
static size_t replay(struct ma_trace *t, struct ev *out, size_t max)
{
	struct ma_record r;
	size_t n = 0;
	int ret;

	while ((ret = ma_trace_next(t, &r)) == 1) {
		assert_true(n < max);
		out[n++] = (struct ev){ r.tag, r.phase, r.thread, r.ts, addr_of(&r) };
	}
	assert_int_equal(ret, 0);
	return n;
}

static void expect(const struct ev *got, size_t n, const struct ev *want, size_t m)
{
	for (size_t i = 0; i < n && i < m; i++) {
		if (got[i].tag != want[i].tag || got[i].phase != want[i].phase ||
		    got[i].thread != want[i].thread || got[i].ts != want[i].ts ||
		    got[i].addr != want[i].addr)
			fail_msg("event %zu: got tag %u phase %u thread %u ts %llu addr %llx, "
				 "want tag %u phase %u thread %u ts %llu addr %llx", i,
				 got[i].tag, got[i].phase, got[i].thread,
				 (unsigned long long)got[i].ts, (unsigned long long)got[i].addr,
				 want[i].tag, want[i].phase, want[i].thread,
				 (unsigned long long)want[i].ts, (unsigned long long)want[i].addr);
	}
	assert_int_equal(n, m);
}

/* ---- replay order ---- */

/* Three producers whose chunks sit in the file out of time order and
 * whose events interleave in time. */
static void write_interleaved(int compress)
{
	struct ma_trace_build *b = start(compress);

	put(b, 2, (struct ma_record){ .tag = MA_REC_STACK, .u.stack.id = 9 });
	alloc(b, 2, 20, 0x20);
	put(b, 2, (struct ma_record){ .tag = MA_REC_STACK, .u.stack.id = 10 });
	put(b, 2, (struct ma_record){ .tag = MA_REC_FREE, .ts = 40, .u.free = { 0x20, 9 } });
	flush(b, 2);
	alloc(b, 1, 10, 0x10);
	alloc(b, 1, 30, 0x30);
	flush(b, 1);
	put(b, 3, (struct ma_record){ .tag = MA_REC_THREAD, .ts = 5 });
	alloc(b, 3, 35, 0x35);
	flush(b, 3);
	alloc(b, 1, 50, 0x50);
	alloc(b, 1, 80, 0x81);
	flush(b, 1);
	alloc(b, 2, 60, 0x60);
	alloc(b, 2, 80, 0x82);
	finish(b, 100);
}

static const struct ev interleaved[] = {
	{ MA_REC_PROCESS, 0, 0, START, 0 },
	{ MA_REC_THREAD, 0, 3, 5, 0 },
	{ MA_REC_ALLOC, 0, 1, 10, 0x10 },
	{ MA_REC_STACK, 0, 2, 20, 0 },       /* untimed: the chunk's ts_first */
	{ MA_REC_ALLOC, 0, 2, 20, 0x20 },
	{ MA_REC_STACK, 0, 2, 20, 0 },       /* untimed: the record before it */
	{ MA_REC_ALLOC, 0, 1, 30, 0x30 },
	{ MA_REC_ALLOC, 0, 3, 35, 0x35 },
	{ MA_REC_FREE, 0, 2, 40, 0x20 },
	{ MA_REC_ALLOC, 0, 1, 50, 0x50 },
	{ MA_REC_ALLOC, 0, 2, 60, 0x60 },
	{ MA_REC_ALLOC, 0, 1, 80, 0x81 },    /* equal ts: lower producer first */
	{ MA_REC_ALLOC, 0, 2, 80, 0x82 },
	{ MA_REC_TRAILER, 0, 0, 100, 0 },
};

#define NEV(a) (sizeof(a) / sizeof((a)[0]))

static void check_interleaved(int compress)
{
	struct ev got[64];
	struct ma_trace *t;
	const struct ma_trace_info *in;
	size_t n;

	write_interleaved(compress);
	t = open_ok();
	in = ma_trace_info(t);
	assert_false(in->damaged);
	assert_true(in->complete);
	assert_int_equal(in->seq_gaps, 0);
	assert_int_equal(in->chunks, 7);
	assert_int_equal(in->records, NEV(interleaved));
	assert_true(in->pid == 77 && in->start_monotonic_ns == START);
	assert_string_equal(in->exe, "/bin/t");
	assert_int_equal(in->cmdline_len, 2);
	assert_int_equal(in->trailer.chunks, 6);
	n = replay(t, got, 64);
	expect(got, n, interleaved, NEV(interleaved));
	assert_int_equal(ma_trace_progress(t), in->bytes_read);
	/* and again after a rewind */
	assert_int_equal(ma_trace_rewind(t), 0);
	n = replay(t, got, 64);
	expect(got, n, interleaved, NEV(interleaved));
	ma_trace_close(t);
}

static void test_interleaved_plain(void **state)
{
	(void)state;
	check_interleaved(0);
}

static void test_interleaved_compressed(void **state)
{
	(void)state;
	check_interleaved(1);
}

/* Thread 1 reallocs 0xa to 0xb between ts 100 and 110; thread 2 gets 0xa
 * at 105, which it can only do after the realloc released it. */
static void test_realloc_phases(void **state)
{
	struct ma_trace_build *b = start(0);
	static const struct ev want[] = {
		{ MA_REC_PROCESS, 0, 0, START, 0 },
		{ MA_REC_REALLOC, 1, 1, 100, 0xa },
		{ MA_REC_ALLOC, 0, 2, 105, 0xa },
		{ MA_REC_REALLOC, 2, 1, 110, 0xb },
		{ MA_REC_FREE, 0, 1, 110, 0xb },      /* after its own realloc's end */
		{ MA_REC_MREMAP, 1, 2, 120, 0x1000 },
		{ MA_REC_ALLOC, 0, 1, 125, 0x1000 },
		{ MA_REC_MREMAP, 2, 2, 130, 0x2000 },
		{ MA_REC_TRAILER, 0, 0, 200, 0 },
	};
	struct ev got[32];
	struct ma_trace *t;

	(void)state;
	put(b, 1, (struct ma_record){ .tag = MA_REC_REALLOC, .ts = 100,
				      .u.realloc = { 110, 0xa, 0xb, 32, 1, MA_FN_REALLOC } });
	put(b, 1, (struct ma_record){ .tag = MA_REC_FREE, .ts = 110, .u.free = { 0xb, 9 } });
	alloc(b, 1, 125, 0x1000);
	alloc(b, 2, 105, 0xa);
	put(b, 2, (struct ma_record){ .tag = MA_REC_MREMAP, .ts = 120,
				      .u.mremap = { 130, 0x1000, 4096, 0x2000, 8192, 1, 1 } });
	finish(b, 200);
	t = open_ok();
	expect(got, replay(t, got, 32), want, NEV(want));
	ma_trace_close(t);
}

/* Many records per producer: several chunks each, compressed, and the
 * merge keeps every producer's order and global time order. */
static void test_many_chunks(void **state)
{
	enum { PRODUCERS = 4, PER = 20000 };
	struct ma_trace_build *b = start(1);
	uint64_t last_ts = 0, next_addr[PRODUCERS + 1] = { 0 };
	struct ma_record r;
	struct ma_trace *t;
	size_t n = 0;

	(void)state;
	for (uint64_t i = 0; i < PER; i++)
		for (uint32_t p = 1; p <= PRODUCERS; p++)
			alloc(b, p, START + i * 10 + (p * 7) % 10, ((uint64_t)p << 32) + i);
	finish(b, START + PER * 10 + 10);
	t = open_ok();
	assert_true(ma_trace_info(t)->chunks > 2 + PRODUCERS);
	while (ma_trace_next(t, &r) == 1) {
		assert_true(r.ts >= last_ts);
		last_ts = r.ts;
		if (r.tag != MA_REC_ALLOC)
			continue;
		assert_true(r.u.alloc.addr == ((uint64_t)r.thread << 32) + next_addr[r.thread]);
		next_addr[r.thread]++;
		n++;
	}
	assert_int_equal(n, PRODUCERS * PER);
	assert_int_equal(ma_trace_progress(t), ma_trace_info(t)->bytes_read);
	ma_trace_close(t);
}

/* The payload model through the whole path (trace_build, the reader's
 * replay, two producers, several chunks, compressed or not): temporaries
 * freed at once, frees of old blocks past the address window, blocks
 * reused, reallocs, more stacks than the dictionary holds, sizes that
 * repeat per stack and sizes near 2^64.  Every field comes back. */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 11;
}

static void model_events(struct ma_record *r, size_t *n, uint32_t p, uint64_t *seed,
			 uint64_t i, uint64_t *live)
{
	uint64_t ts = START + i * 100 + p, a = ((uint64_t)p << 40) + (lcg(seed) % 100000) * 16;
	uint64_t stack = i % 9 == 0 ? lcg(seed) : i % 50, size = i % 11 == 0 ? ~i : 16 + i % 3;

	r[(*n)++] = (struct ma_record){ .tag = MA_REC_ALLOC, .ts = ts, .thread = p,
					.u.alloc = { a, size, stack, MA_FN_MALLOC, 0 } };
	if (i % 3 == 0) {
		r[(*n)++] = (struct ma_record){ .tag = MA_REC_FREE, .ts = ts + 1, .thread = p,
						.u.free = { a, MA_FN_FREE } };
	} else if (i % 3 == 1) {
		/* a block from far back, or one allocated a moment ago */
		uint64_t old = live[i % 64];
		live[i % 64] = a;
		r[(*n)++] = (struct ma_record){ .tag = MA_REC_FREE, .ts = ts + 2, .thread = p,
						.u.free = { old, MA_FN_DELETE } };
	} else {
		r[(*n)++] = (struct ma_record){ .tag = MA_REC_REALLOC, .ts = ts + 3, .thread = p,
			.u.realloc = { ts + 5, a, i % 2 ? a : a + 64, size * 2, stack, MA_FN_REALLOC } };
	}
}

static void check_model(int compress)
{
	enum { PER = 12000, MAXREC = 2 * 2 * PER };
	static struct ma_record want[MAXREC];
	struct ma_trace_build *b = start(compress);
	uint64_t seed[3] = { 0, 1, 2 }, live[3][64] = { { 0 } };
	size_t n = 0, got[3] = { 0 }, k;
	struct ma_record r;
	struct ma_trace *t;

	for (uint64_t i = 0; i < PER; i++)
		for (uint32_t p = 1; p <= 2; p++) {
			k = n;
			model_events(want, &n, p, &seed[p], i, live[p]);
			for (; k < n; k++)
				assert_int_equal(ma_trace_build_add(b, p, &want[k], NULL), 0);
		}
	finish(b, START + PER * 100 + 100);
	t = open_ok();
	assert_true(ma_trace_info(t)->chunks > 6);
	while (ma_trace_next(t, &r) == 1) {
		const struct ma_record *w;

		if (r.tag != MA_REC_ALLOC && r.tag != MA_REC_FREE && r.tag != MA_REC_REALLOC)
			continue;
		if (r.tag == MA_REC_REALLOC && r.phase == 2)
			continue;
		/* the producer's next expected record */
		for (k = got[r.thread]; k < n && want[k].thread != r.thread; k++)
			;
		assert_true(k < n);
		w = &want[k];
		got[r.thread] = k + 1;
		assert_int_equal(r.tag, w->tag);
		assert_true(r.ts == w->ts);
		if (r.tag == MA_REC_REALLOC) {
			assert_true(r.u.realloc.ts_after == w->u.realloc.ts_after);
			assert_true(r.u.realloc.old_addr == w->u.realloc.old_addr);
			assert_true(r.u.realloc.new_addr == w->u.realloc.new_addr);
			assert_true(r.u.realloc.size == w->u.realloc.size);
			assert_true(r.u.realloc.stack == w->u.realloc.stack);
			assert_true(r.u.realloc.fn == w->u.realloc.fn);
		} else {
			assert_memory_equal(&r.u, &w->u, r.tag == MA_REC_FREE ?
					    sizeof(r.u.free) : sizeof(r.u.alloc));
		}
	}
	ma_trace_close(t);
	/* every record of both producers came back */
	for (uint32_t p = 1; p <= 2; p++) {
		size_t last = 0;
		for (k = 0; k < n; k++)
			if (want[k].thread == p)
				last = k + 1;
		assert_int_equal(got[p], last);
	}
}

static void test_model_plain(void **state)
{
	(void)state;
	check_model(0);
}

static void test_model_compressed(void **state)
{
	(void)state;
	check_model(1);
}

/* ---- damage ---- */


static void poke(uint64_t off, uint8_t xor)
{
	int fd = open(path, O_RDWR);
	uint8_t c;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, (off_t)off), 1);
	c ^= xor;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)off), 1);
	close(fd);
}

static uint64_t count_records(struct ma_trace *t)
{
	struct ma_record r;
	uint64_t n = 0;

	while (ma_trace_next(t, &r) == 1)
		n += r.phase < 2;
	return n;
}

static void check_damage_at(const struct chunk_at *c, size_t k, const char *why)
{
	struct ma_trace *t = open_ok();
	const struct ma_trace_info *in = ma_trace_info(t);
	char want[256];
	uint64_t records = 0;

	for (size_t i = 0; i < k; i++)
		records += c[i].nrecords;
	snprintf(want, sizeof(want), "chunk %zu at offset %llu: %s", k,
		 (unsigned long long)c[k].offset, why);
	assert_true(in->damaged);
	assert_string_equal(in->damage, want);
	assert_int_equal(in->damage_offset, c[k].offset);
	assert_int_equal(in->bytes_read, c[k].offset);
	assert_int_equal(in->bytes_lost, in->file_size - c[k].offset);
	assert_int_equal(in->chunks, k);
	assert_false(in->complete);
	assert_int_equal(count_records(t), records);
	ma_trace_close(t);
}

static void test_bit_flip(void **state)
{
	struct chunk_at c[16];
	size_t n;

	(void)state;
	write_interleaved(1);
	n = chunks_of(c, 16);
	assert_int_equal(n, 7);
	poke(c[4].offset + MA_CHUNK_HDR_LEN + 2, 0x10);
	check_damage_at(c, 4, "checksum mismatch");
	write_interleaved(0);
	assert_int_equal(chunks_of(c, 16), 7);
	poke(c[3].offset + 1, 0x01);
	check_damage_at(c, 3, "bad chunk magic");
	write_interleaved(0);
	poke(c[2].offset + 20, 0x01);   /* the seq field: covered by the CRC */
	check_damage_at(c, 2, "checksum mismatch");
	/* Two damaged chunks, whichever thread of the open's check finds
	 * which first: the earlier one in the file is the damage. */
	write_interleaved(1);
	assert_int_equal(chunks_of(c, 16), 7);
	poke(c[5].offset + MA_CHUNK_HDR_LEN + 2, 0x10);
	poke(c[1].offset + MA_CHUNK_HDR_LEN + 1, 0x04);
	check_damage_at(c, 1, "checksum mismatch");
	write_interleaved(1);
	poke(c[6].offset + 1, 0x01);    /* a header the walk stops at */
	poke(c[3].offset + MA_CHUNK_HDR_LEN + 1, 0x04);
	check_damage_at(c, 3, "checksum mismatch");
}

/* Changes the chunk at c with edit, then gives it its CRC again, so that
 * the damage reaches the decoder, not only the checksum. */
static void edit_chunk(const struct chunk_at *c, void (*edit)(struct ma_chunk_hdr *, uint8_t *))
{
	size_t len = (size_t)(c->end - c->offset);
	uint8_t *raw = malloc(len);
	struct ma_chunk_hdr h;
	int fd = open(path, O_RDWR);

	assert_non_null(raw);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, raw, len, (off_t)c->offset), (ssize_t)len);
	ma_chunk_hdr_get(raw, &h);
	edit(&h, raw + MA_CHUNK_HDR_LEN);
	h.crc = ma_chunk_crc(&h, raw + MA_CHUNK_HDR_LEN);
	ma_chunk_hdr_put(raw, &h);
	assert_int_equal(pwrite(fd, raw, len, (off_t)c->offset), (ssize_t)len);
	close(fd);
	free(raw);
}

/* The first record's kind byte (the kind stream comes first, after six
 * one-byte stream lengths in a chunk this small) names no tag. */
static void bad_kind(struct ma_chunk_hdr *h, uint8_t *payload)
{
	assert_int_equal(h->codec, MA_CODEC_NONE);
	assert_int_equal(payload[6] & MA_KIND_TAG_MASK, MA_REC_ALLOC);
	payload[6] &= (uint8_t)~MA_KIND_TAG_MASK;
}

/* One record fewer than the payload holds. */
static void one_record_less(struct ma_chunk_hdr *h, uint8_t *payload)
{
	(void)payload;
	h->nrecords--;
}

/* Replays t expecting want[0..n) and then damage in chunk k of c, with
 * why; what was not read is lost: the chunks not loaded, and chunk k. */
static void check_replay_damage(const struct chunk_at *c, size_t k, const char *why,
				const struct ev *want, size_t n, uint64_t read)
{
	struct ma_trace *t = open_ok();
	const struct ma_trace_info *in = ma_trace_info(t);
	struct ev got[32];
	struct ma_record r;
	char msg[256];
	size_t m = 0;
	int ret;

	/* the open takes the chunk: its CRC is good, it decompresses */
	assert_false(in->damaged);
	assert_true(in->complete);
	assert_int_equal(in->chunks, 7);
	while ((ret = ma_trace_next(t, &r)) == 1) {
		assert_true(m < 32);
		got[m++] = (struct ev){ r.tag, r.phase, r.thread, r.ts, addr_of(&r) };
	}
	assert_int_equal(ret, -1);
	expect(got, m, want, n);
	snprintf(msg, sizeof(msg), "chunk %zu at offset %llu: %s", k,
		 (unsigned long long)c[k].offset, why);
	assert_string_equal(ma_trace_error(t), msg);
	assert_true(in->damaged);
	assert_string_equal(in->damage, msg);
	assert_int_equal(in->damage_offset, c[k].offset);
	assert_int_equal(in->bytes_lost, in->file_size - read);
	/* again, after a rewind: the same records, the same damage */
	assert_int_equal(ma_trace_rewind(t), 0);
	m = 0;
	while ((ret = ma_trace_next(t, &r)) == 1)
		m++;
	assert_int_equal(ret, -1);
	assert_int_equal(m, n);
	assert_int_equal(in->damage_offset, c[k].offset);
	ma_trace_close(t);
}

/* Records that do not decode in a chunk whose CRC is good (a writer's
 * bug, or a crafted file) are found by the replay, which decodes the
 * records of records chunks only as it goes: it hands out every record
 * before them in replay order, then -1. */
static void test_records_do_not_decode(void **state)
{
	struct chunk_at c[16];

	(void)state;
	write_interleaved(0);
	assert_int_equal(chunks_of(c, 16), 7);
	/* chunk 4, thread 1's second (50, 80): every chunk before it in the
	 * file came before it in time */
	edit_chunk(&c[4], bad_kind);
	check_replay_damage(c, 4, "records do not decode", interleaved, 9, c[4].offset);
	/* chunk 2, thread 1's first (10, 30), one record short: 10 decodes,
	 * the bytes of 30 are left over; only the header chunk and thread
	 * 3's (from 5) were read before it */
	write_interleaved(0);
	edit_chunk(&c[2], one_record_less);
	check_replay_damage(c, 2, "bytes left over after the last record", interleaved, 2,
			    c[1].offset + (c[4].offset - c[3].offset));
}

static void test_truncated(void **state)
{
	struct chunk_at c[16];
	size_t n;

	(void)state;
	write_interleaved(0);
	n = chunks_of(c, 16);
	for (size_t k = 1; k < n; k++) {
		uint64_t mid = c[k].offset + MA_CHUNK_HDR_LEN + 3;
		char why[64];
		struct ma_trace *t;

		write_interleaved(0);
		assert_int_equal(truncate(path, (off_t)mid), 0);
		snprintf(why, sizeof(why), "truncated, 3 of %llu payload bytes present",
			 (unsigned long long)(c[k].end - c[k].offset - MA_CHUNK_HDR_LEN));
		check_damage_at(c, k, why);
		assert_int_equal(truncate(path, (off_t)(c[k].offset + 12)), 0);
		check_damage_at(c, k, "truncated, 12 of 40 header bytes present");
		/* at a chunk boundary: nothing damaged, only the trailer missing */
		assert_int_equal(truncate(path, (off_t)c[k].offset), 0);
		t = open_ok();
		assert_false(ma_trace_info(t)->damaged);
		assert_false(ma_trace_info(t)->complete);
		assert_int_equal(ma_trace_info(t)->chunks, k);
		ma_trace_close(t);
	}
}

/* Cuts the k-th chunk out of the file. */
static void cut_chunk(const struct chunk_at *c)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[1 << 16];
	size_t len;

	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	memmove(buf + c->offset, buf + c->end, len - c->end);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len - (c->end - c->offset), f), len - (c->end - c->offset));
	fclose(f);
}

static void test_seq_gap(void **state)
{
	struct chunk_at c[16];
	struct ma_trace *t;
	size_t n, k = 0;

	(void)state;
	write_interleaved(0);
	n = chunks_of(c, 16);
	while (k < n && !(c[k].thread == 1 && c[k].seq == 0))
		k++;
	assert_true(k < n);
	cut_chunk(&c[k]);
	t = open_ok();
	assert_int_equal(ma_trace_info(t)->seq_gaps, 1);
	assert_false(ma_trace_info(t)->damaged);
	assert_true(ma_trace_info(t)->complete);
	assert_int_equal(count_records(t), NEV(interleaved) - c[k].nrecords);
	ma_trace_close(t);
}

/* ---- not traces ---- */

static int open_code(const char *p, char *err, size_t len)
{
	struct ma_trace *t = NULL;
	int code = ma_trace_open(p, &t, err, len);

	if (code == MA_TRACE_OPEN_OK)
		ma_trace_close(t);
	else
		assert_null(t);
	return code;
}

static void write_bytes(const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_open_errors(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(open_code("no-such-file.trace", err, sizeof(err)), MA_TRACE_OPEN_IO);
	assert_string_equal(err, "No such file or directory");
	assert_int_equal(open_code(".", err, sizeof(err)), MA_TRACE_OPEN_IO);
	assert_string_equal(err, "is a directory");
	write_bytes("", 0);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_NOT_TRACE);
	write_bytes("GIF89a and then some bytes", 26);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_NOT_TRACE);
	assert_string_equal(err, "not a memory-analyzer trace (bad magic)");
	write_bytes("\x89MATR", 5);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_NOT_TRACE);
	write_bytes("\x89MATRACE\x07\0\0\0\0\0\0\0", 16);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_VERSION);
	assert_string_equal(err, "trace format version 7 is not supported (this build reads versions 2 to 3)");
	write_bytes("\x89MATRACE\x02\0\0\0\0\0\0\0", 16);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_EMPTY);
	write_interleaved(0);
	poke(MA_FILE_PREFIX_LEN + MA_CHUNK_HDR_LEN, 0x40);
	assert_int_equal(open_code(path, err, sizeof(err)), MA_TRACE_OPEN_EMPTY);
	assert_string_equal(err, "no readable header chunk: chunk 0 at offset 16: checksum mismatch");
}

/* ---- hostile bytes ---- */

static void read_all(void)
{
	struct ma_trace *t;
	struct ma_chunk_iter *it;
	struct ma_chunk_view v;
	char err[256];

	if (ma_trace_open(path, &t, err, sizeof(err)) == MA_TRACE_OPEN_OK) {
		(void)count_records(t);
		ma_trace_close(t);
	}
	if (ma_chunk_iter_open(path, &it, err, sizeof(err)) == MA_TRACE_OPEN_OK) {
		while (ma_chunk_iter_next(it, &v) == 1)
			;
		ma_chunk_iter_close(it);
	}
}

/* Mangled traces with their CRCs fixed up, so that the damage reaches the
 * decoder and the replay, not only the checksum. */
static void test_mangled(void **state)
{
	struct chunk_at c[16];
	uint8_t orig[4096], buf[4096];
	size_t n, len;
	FILE *f;

	(void)state;
	write_interleaved(0);
	n = chunks_of(c, 16);
	f = fopen(path, "rb");
	len = fread(orig, 1, sizeof(orig), f);
	fclose(f);
	srand(4242);
	for (int round = 0; round < 3000; round++) {
		size_t k = (size_t)rand() % n;
		struct ma_chunk_hdr h;
		memcpy(buf, orig, len);
		for (int j = 0; j < 1 + rand() % 4; j++)
			buf[c[k].offset + (size_t)rand() % (c[k].end - c[k].offset)] ^= (uint8_t)(1 + rand() % 255);
		ma_chunk_hdr_get(buf + c[k].offset, &h);
		if (round % 4 && c[k].offset + MA_CHUNK_HDR_LEN + (uint64_t)h.stored_len <= len) {
			h.crc = ma_chunk_crc(&h, buf + c[k].offset + MA_CHUNK_HDR_LEN);
			ma_chunk_hdr_put(buf + c[k].offset, &h);
		}
		write_bytes(buf, (size_t)rand() % 8 ? len : (size_t)rand() % len);
		read_all();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interleaved_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interleaved_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_realloc_phases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bit_flip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_do_not_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mangled, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
