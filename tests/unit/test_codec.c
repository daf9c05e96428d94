/* Unit tests of lib/trace_codec.c: varints, zigzag, CRC-32C, chunk headers,
 * every record tag through the stream encoder and decoder, the model
 * (address windows, stack dictionary, sizes) with edge cases, and
 * decoding of damaged payloads and garbage. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trace_codec.h"
#include "trace_codec_int.h"

#define U64MAX UINT64_MAX

static struct ma_bytes str(const char *s)
{
	return (struct ma_bytes){ (const uint8_t *)s, (uint32_t)strlen(s) };
}

/* ---- varints ---- */

static void varint_roundtrip(uint64_t v, size_t want_len)
{
	uint8_t buf[MA_VARINT_MAX + 1];
	const uint8_t *p = buf;
	uint64_t out = 0;
	size_t n = ma_put_varint(buf, v);

	assert_int_equal(n, want_len);
	assert_int_equal(ma_get_varint(&p, buf + n, &out), 0);
	assert_true(out == v);
	assert_ptr_equal(p, buf + n);
	/* every shorter input ends early */
	for (size_t k = 0; k < n; k++) {
		p = buf;
		assert_int_equal(ma_get_varint(&p, buf + k, &out), -1);
		assert_ptr_equal(p, buf);
	}
}

static void test_varint_lengths(void **state)
{
	(void)state;
	varint_roundtrip(0, 1);
	varint_roundtrip(1, 1);
	varint_roundtrip(127, 1);
	varint_roundtrip(128, 2);
	varint_roundtrip(16383, 2);
	varint_roundtrip(16384, 3);
	varint_roundtrip((1ull << 56) - 1, 8);
	varint_roundtrip(1ull << 56, 9);
	varint_roundtrip((1ull << 63) - 1, 9);
	varint_roundtrip(1ull << 63, 10);
	varint_roundtrip(U64MAX, 10);
}

/* Followed by more bytes, as in a stream (a varint of up to 8 bytes is
 * then read as one word): the same value, the same length, whatever
 * follows; a value of every length from 0 to 64 bits, and random ones. */
static void test_varint_in_stream(void **state)
{
	static const uint8_t pads[] = { 0x00, 0xff, 0x80, 0x7f };
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 65 + 2000; i++) {
		uint64_t v;
		if (i <= 64) {
			v = i == 0 ? 0 : (i == 64 ? U64MAX : (1ull << i) - 1);
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			v = x >> (x % 64);
		}
		for (size_t k = 0; k < sizeof(pads); k++) {
			uint8_t buf[MA_VARINT_MAX + 16];
			const uint8_t *p = buf;
			uint64_t out = ~v;
			size_t n = ma_put_varint(buf, v);
			memset(buf + n, pads[k], sizeof(buf) - n);
			for (size_t extra = 0; n + extra <= sizeof(buf); extra++) {
				p = buf;
				assert_int_equal(ma_get_varint(&p, buf + n + extra, &out), 0);
				if (out != v)
					fail_msg("%llu: got %llu with %zu bytes after",
						 (unsigned long long)v, (unsigned long long)out, extra);
				assert_ptr_equal(p, buf + n);
			}
		}
	}
}

static void test_varint_ten_byte_limit(void **state)
{
	/* nine continuation bytes, then a tenth carrying more than bit 63 */
	uint8_t over[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	uint8_t eleven[11] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	uint8_t top[10] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	const uint8_t *p;
	uint64_t v;

	(void)state;
	p = over;
	assert_int_equal(ma_get_varint(&p, over + sizeof(over), &v), -1);
	p = eleven;
	assert_int_equal(ma_get_varint(&p, eleven + sizeof(eleven), &v), -1);
	p = top;
	assert_int_equal(ma_get_varint(&p, top + sizeof(top), &v), 0);
	assert_true(v == 1ull << 63);
	p = top;
	assert_int_equal(ma_get_varint(&p, top, &v), -1); /* empty input */
}

static void test_zigzag(void **state)
{
	static const int64_t vals[] = { 0, -1, 1, -2, 2, 63, -64, 64, INT64_MAX, INT64_MIN,
					INT64_MIN + 1 };

	(void)state;
	assert_true(ma_zigzag(0) == 0);
	assert_true(ma_zigzag(-1) == 1);
	assert_true(ma_zigzag(1) == 2);
	assert_true(ma_zigzag(-2) == 3);
	assert_true(ma_zigzag(INT64_MAX) == U64MAX - 1);
	assert_true(ma_zigzag(INT64_MIN) == U64MAX);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		assert_true(ma_unzigzag(ma_zigzag(vals[i])) == vals[i]);
}

/* ---- CRC-32C ---- */

static void test_crc32c(void **state)
{
	const char *s = "123456789";
	uint8_t big[1000];
	uint32_t whole, parts;

	(void)state;
	assert_int_equal(ma_crc32c(0, s, 9), 0xE3069283u);
	assert_int_equal(ma_crc32c(0, s, 0), 0);
	/* continuing in pieces, across the 8-byte stride, gives the same */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	whole = ma_crc32c(0, big, sizeof(big));
	for (size_t cut = 0; cut < 20; cut++) {
		parts = ma_crc32c(ma_crc32c(0, big, cut), big + cut, sizeof(big) - cut);
		assert_int_equal(parts, whole);
	}
	big[500] ^= 1;
	assert_int_not_equal(ma_crc32c(0, big, sizeof(big)), whole);
}

/* The SSE4.2 instruction and the tables agree on every length and
 * alignment, and so does ma_crc32c whichever it picked. */
static void test_crc32c_hw_table(void **state)
{
	static uint8_t buf[4200];
	const char *s = "123456789";
	uint64_t x = 0x2545f4914f6cdd1dull;

	(void)state;
	assert_int_equal(ma_crc32c_table(0, s, 9), 0xE3069283u);
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (int round = 0; round < 3000; round++) {
		size_t off, len;
		uint32_t seed, want;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		off = x % 64;
		len = round < 200 ? (size_t)round : (size_t)((x >> 8) % (sizeof(buf) - 64));
		seed = round % 3 ? (uint32_t)(x >> 32) : 0;
		want = ma_crc32c_table(seed, buf + off, len);
		assert_int_equal(ma_crc32c(seed, buf + off, len), want);
		if (ma_crc32c_hw_available())
			assert_int_equal(ma_crc32c_hw(seed, buf + off, len), want);
	}
	if (ma_crc32c_hw_available())
		assert_int_equal(ma_crc32c_hw(0, s, 9), 0xE3069283u);
	else
		print_message("no SSE4.2 here: only the tables were tested\n");
}

/* ---- chunk header and prefix ---- */

static void test_chunk_hdr(void **state)
{
	struct ma_chunk_hdr h = { MA_CHUNK_MAGIC, 0xfffffff0u, 7, 0xdeadbeef, 0xffffffffu, 3,
				  MA_CHUNK_RECORDS, MA_CODEC_ZSTD, 0xfffe, 12, U64MAX - 5 };
	struct ma_chunk_hdr g;
	uint8_t raw[MA_CHUNK_HDR_LEN], pre[MA_FILE_PREFIX_LEN];

	(void)state;
	ma_chunk_hdr_put(raw, &h);
	assert_memory_equal(raw, "MACK", 4); /* little-endian magic */
	ma_chunk_hdr_get(raw, &g);
	assert_memory_equal(&g, &h, sizeof(h));
	h.stored_len = 3;
	/* the CRC covers the header with the crc field as 0 */
	assert_int_equal(ma_chunk_crc(&h, "abc"), ma_chunk_crc(&(struct ma_chunk_hdr){
		MA_CHUNK_MAGIC, 3, 7, 0, 0xffffffffu, 3, MA_CHUNK_RECORDS, MA_CODEC_ZSTD,
		0xfffe, 12, U64MAX - 5 }, "abc"));
	ma_file_prefix_put(pre);
	assert_memory_equal(pre, "\x89MATRACE\x03\0\0\0\0\0\0\0", MA_FILE_PREFIX_LEN);
}

/* ---- records ---- */

static const uint64_t frames[] = { U64MAX, 0, 0x7fffffffffffffffull, 0x8000000000000000ull,
				   1, U64MAX - 1 };

/* One record of every tag, with extreme values; timestamps rise. */
static size_t make_records(struct ma_record *r)
{
	size_t n = 0;
	uint64_t ts = 1000;

	r[n++] = (struct ma_record){ .tag = MA_REC_PROCESS, .u.process = {
		U64MAX, 0, U64MAX, 1, U64MAX, 7, 4096, 0, str("/bin/x"),
		{ (const uint8_t *)"a\0b\0", 4 }, str(""), str("tok") } };
	r[n++] = (struct ma_record){ .tag = MA_REC_ALLOC, .ts = ts,
		.u.alloc = { U64MAX, U64MAX, U64MAX, MA_FN_MALLOC, 0 } };
	r[n++] = (struct ma_record){ .tag = MA_REC_ALLOC_ALIGNED, .ts = ts,
		.u.alloc = { 0, 0, 0, MA_FN_POSIX_MEMALIGN, 1ull << 40 } };
	ts += 1ull << 40;
	r[n++] = (struct ma_record){ .tag = MA_REC_FREE, .ts = ts,
		.u.free = { 0x8000000000000000ull, MA_FN_FREE } };
	ts += 1;
	r[n++] = (struct ma_record){ .tag = MA_REC_REALLOC, .ts = ts,
		.u.realloc = { ts + 5, 1, U64MAX, 0, 3, MA_FN_REALLOCARRAY } };
	r[n++] = (struct ma_record){ .tag = MA_REC_MMAP, .ts = ts,
		.u.mmap = { 0x7f0000000000, U64MAX, 7, 0x22, U64MAX, 9, MA_FN_MMAP64,
			    INT64_MIN, str("/models/m.bin") } };
	r[n++] = (struct ma_record){ .tag = MA_REC_MUNMAP, .ts = ts,
		.u.munmap = { 1, 4096 } };
	ts += 2;
	r[n++] = (struct ma_record){ .tag = MA_REC_MREMAP, .ts = ts,
		.u.mremap = { U64MAX, 0x1000, 4096, 0, 1ull << 50, 1, 77 } };
	r[n++] = (struct ma_record){ .tag = MA_REC_STACK,
		.u.stack = { .id = U64MAX, .depth = sizeof(frames) / sizeof(frames[0]) } };
	ts = 1ull << 62;
	r[n++] = (struct ma_record){ .tag = MA_REC_MODULE, .ts = ts,
		.u.module = { 5, U64MAX, 0, U64MAX, str("/lib/libc.so.6"),
			      { (const uint8_t *)"\0\xff\0", 3 } } };
	r[n++] = (struct ma_record){ .tag = MA_REC_MODULE_GONE, .ts = ts,
		.u.module_gone = { U64MAX } };
	r[n++] = (struct ma_record){ .tag = MA_REC_THREAD, .ts = ts,
		.u.thread_start = { 0x7fffffff, str("worker-1") } };
	ts += 9;
	r[n++] = (struct ma_record){ .tag = MA_REC_THREAD_END, .ts = ts };
	r[n++] = (struct ma_record){ .tag = MA_REC_SAMPLE, .ts = ts,
		.u.sample = { U64MAX, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3 } };
	r[n++] = (struct ma_record){ .tag = MA_REC_MARKER, .ts = ts,
		.u.marker = { MA_MARK_COUNTER, str("cache-hits"), INT64_MIN } };
	r[n++] = (struct ma_record){ .tag = MA_REC_FORK, .ts = ts, .u.fork = { U64MAX } };
	r[n++] = (struct ma_record){ .tag = MA_REC_INFO,
		.u.info = { str("clock"), str("") } };
	r[n++] = (struct ma_record){ .tag = MA_REC_LOST, .u.lost = { U64MAX, MA_LOST_WRITE } };
	r[n++] = (struct ma_record){ .tag = MA_REC_TRAILER, .ts = U64MAX,
		.u.trailer = { MA_EXIT_SIGNAL, INT64_MIN, U64MAX, 0, 1, U64MAX } };
	return n;
}

static void assert_bytes(struct ma_bytes a, struct ma_bytes b)
{
	assert_int_equal(a.len, b.len);
	if (a.len)
		assert_memory_equal(a.ptr, b.ptr, a.len);
}

static void check_strings(const struct ma_record *a, const struct ma_record *b)
{
	const typeof(a->u) *x = &a->u, *y = &b->u;

	switch (a->tag) {
	case MA_REC_PROCESS:
		assert_memory_equal(&x->process, &y->process, offsetof(struct ma_rec_process, exe));
		assert_bytes(x->process.exe, y->process.exe);
		assert_bytes(x->process.cmdline, y->process.cmdline);
		assert_bytes(x->process.probe_version, y->process.probe_version);
		assert_bytes(x->process.session, y->process.session);
		break;
	case MA_REC_MMAP:
		assert_memory_equal(&x->mmap, &y->mmap, offsetof(struct ma_rec_mmap, path));
		assert_bytes(x->mmap.path, y->mmap.path);
		break;
	case MA_REC_MODULE:
		assert_memory_equal(&x->module, &y->module, offsetof(struct ma_rec_module, path));
		assert_bytes(x->module.path, y->module.path);
		assert_bytes(x->module.build_id, y->module.build_id);
		break;
	case MA_REC_THREAD:
		assert_true(x->thread_start.tid == y->thread_start.tid);
		assert_bytes(x->thread_start.name, y->thread_start.name);
		break;
	case MA_REC_MARKER:
		assert_true(x->marker.kind == y->marker.kind && x->marker.value == y->marker.value);
		assert_bytes(x->marker.name, y->marker.name);
		break;
	case MA_REC_INFO:
		assert_bytes(x->info.key, y->info.key);
		assert_bytes(x->info.value, y->info.value);
		break;
	}
}

static size_t int_body_size(uint8_t tag)
{
	switch (tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		return sizeof(struct ma_rec_alloc);
	case MA_REC_FREE:
		return sizeof(struct ma_rec_free);
	case MA_REC_REALLOC:
		return sizeof(struct ma_rec_realloc);
	case MA_REC_MUNMAP:
		return sizeof(struct ma_rec_munmap);
	case MA_REC_MREMAP:
		return sizeof(struct ma_rec_mremap);
	case MA_REC_MODULE_GONE:
		return sizeof(struct ma_rec_module_gone);
	case MA_REC_SAMPLE:
		return sizeof(struct ma_rec_sample);
	case MA_REC_FORK:
		return sizeof(struct ma_rec_fork);
	case MA_REC_LOST:
		return sizeof(struct ma_rec_lost);
	case MA_REC_TRAILER:
		return sizeof(struct ma_rec_trailer);
	default:
		return 0;
	}
}

static void check_same(const struct ma_record *a, const struct ma_record *b)
{
	uint64_t out[8];

	assert_int_equal(a->tag, b->tag);
	if (ma_tag_is_timed(a->tag))
		assert_true(a->ts == b->ts);
	if (a->tag == MA_REC_STACK) {
		assert_true(a->u.stack.id == b->u.stack.id);
		assert_int_equal(a->u.stack.depth, b->u.stack.depth);
		assert_int_equal(ma_stack_frames(&b->u.stack, out, 8), a->u.stack.depth);
		assert_memory_equal(out, frames, sizeof(frames));
	} else if (a->tag == MA_REC_PROCESS || a->tag == MA_REC_MMAP || a->tag == MA_REC_MODULE ||
		   a->tag == MA_REC_THREAD || a->tag == MA_REC_MARKER || a->tag == MA_REC_INFO) {
		check_strings(a, b);
	} else {
		/* the other bodies are plain 64-bit integers */
		assert_memory_equal(&a->u, &b->u, int_body_size(a->tag));
	}
}

/* An encoder with streams of 1 MiB each, and its model (zeroed once:
 * its entries carry counters, so later chunks need no clearing). */
#define STREAM_CAP (1u << 20)

static struct ma_enc_model model;
static uint8_t streams[MA_NSTREAMS][STREAM_CAP];
static struct ma_chunk_enc enc;
static int enc_ready;

static void enc_start(uint64_t ts_first)
{
	if (!enc_ready) {
		for (int i = 0; i < MA_NSTREAMS; i++)
			enc.s[i].buf = streams[i];
		ma_enc_init(&enc, &model);
		enc_ready = 1;
	}
	ma_enc_begin(&enc, ts_first);
}

static void enc_add(const struct ma_record *r)
{
	size_t before = 0, after = 0;

	for (int i = 0; i < MA_NSTREAMS; i++)
		before += enc.s[i].len;
	size_t k = ma_enc_put(&enc, r, frames);
	for (int i = 0; i < MA_NSTREAMS; i++)
		after += enc.s[i].len;
	assert_true(k == after - before);
	assert_true(k <= ma_record_max_size(r));
}

static size_t enc_end(uint8_t *buf)
{
	size_t n = ma_enc_size(&enc);

	assert_int_equal(ma_enc_finish(&enc, buf), n);
	return n;
}

static size_t encode_all(uint8_t *buf, const struct ma_record *r, size_t n)
{
	enc_start(1000);
	for (size_t i = 0; i < n; i++)
		enc_add(&r[i]);
	return enc_end(buf);
}

/* Decodes n records of the payload into out; returns the records decoded
 * before the first failure. */
static size_t decode_n(const uint8_t *buf, size_t len, uint64_t ts_first,
		       struct ma_record *out, size_t n)
{
	static struct ma_codec_state st;
	const uint8_t *p = buf;
	size_t i;

	ma_codec_state_init(&st, ts_first, MA_FORMAT_VERSION);
	for (i = 0; i < n; i++) {
		if (ma_record_get(&p, buf + len, &st, &out[i]) < 0)
			break;
		/* the cursor stays at the start until the last record */
		assert_ptr_equal(p, i + 1 == n ? buf + len : buf);
	}
	return i;
}

static void test_every_tag_roundtrip(void **state)
{
	static struct ma_codec_state st;
	struct ma_record in[32], out;
	static uint8_t buf[4096];
	const uint8_t *p = buf;
	size_t n = make_records(in), len = encode_all(buf, in, n);
	int seen[MA_REC_TAG_MAX + 1] = { 0 };

	(void)state;
	ma_codec_state_init(&st, 1000, MA_FORMAT_VERSION);
	for (size_t i = 0; i < n; i++) {
		memset(&out, 0, sizeof(out));
		assert_int_equal(ma_record_get(&p, buf + len, &st, &out), 0);
		check_same(&in[i], &out);
		seen[in[i].tag] = 1;
	}
	assert_ptr_equal(p, buf + len);
	assert_int_equal(ma_record_get(&p, buf + len, &st, &out), -1);
	for (int t = 1; t <= MA_REC_TAG_MAX; t++)
		assert_true(seen[t]);
}

/* Each record alone in a chunk; then every strict prefix of that payload,
 * and the payload with a byte more, fail to decode. */
static void test_one_record_and_truncated(void **state)
{
	static struct ma_codec_state st;
	struct ma_record in[32], out;
	static uint8_t buf[512];
	size_t n = make_records(in);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = buf;
		size_t len;

		enc_start(in[i].ts);
		enc_add(&in[i]);
		len = enc_end(buf);
		ma_codec_state_init(&st, in[i].ts, MA_FORMAT_VERSION);
		assert_int_equal(ma_record_get(&p, buf + len, &st, &out), 0);
		check_same(&in[i], &out);
		assert_ptr_equal(p, buf + len);
		for (size_t k = 0; k < len; k++) {
			p = buf;
			ma_codec_state_init(&st, in[i].ts, MA_FORMAT_VERSION);
			assert_int_equal(ma_record_get(&p, buf + k, &st, &out), -1);
			assert_ptr_equal(p, buf);
		}
	}
}

static void test_empty_chunk(void **state)
{
	static struct ma_codec_state st;
	static uint8_t buf[64];
	struct ma_record out;
	const uint8_t *p = buf;
	static const uint8_t dir0[MA_NSTREAMS] = { 0 };

	(void)state;
	enc_start(5);
	assert_int_equal(enc_end(buf), 0); /* no records: no payload */
	ma_codec_state_init(&st, 5, MA_FORMAT_VERSION);
	assert_int_equal(ma_record_get(&p, buf, &st, &out), -1);
	/* a directory of empty streams holds no record either */
	p = dir0;
	ma_codec_state_init(&st, 5, MA_FORMAT_VERSION);
	assert_int_equal(ma_record_get(&p, dir0 + sizeof(dir0), &st, &out), -1);
}

/* Builds a payload from stream contents. */
static size_t make_payload(uint8_t *out, const char *const s[MA_NSTREAMS],
			   const size_t len[MA_NSTREAMS])
{
	size_t n = 0;

	for (int i = 0; i < MA_NSTREAMS; i++)
		n += ma_put_varint(out + n, len[i]);
	for (int i = 0; i < MA_NSTREAMS; i++) {
		memcpy(out + n, s[i], len[i]);
		n += len[i];
	}
	return n;
}

static int decode_version(uint32_t version, const char *const s[MA_NSTREAMS],
			  const size_t len[MA_NSTREAMS], uint64_t ts_first, struct ma_record *out)
{
	static struct ma_codec_state st;
	uint8_t buf[256];
	size_t n = make_payload(buf, s, len);
	const uint8_t *p = buf;
	int rc = 0;

	ma_codec_state_init(&st, ts_first, version);
	while (rc == 0 && p < buf + n)
		rc = ma_record_get(&p, buf + n, &st, out);
	return rc;
}

/* The payloads below are of version 2 (a tag byte and a varint fn in the
 * kind stream, plain timestamp deltas); test_v3_codes has version 3's. */
static int decode_streams(const char *const s[MA_NSTREAMS], const size_t len[MA_NSTREAMS],
			  uint64_t ts_first, struct ma_record *out)
{
	return decode_version(2, s, len, ts_first, out);
}

static void test_bad_streams(void **state)
{
	struct ma_record out;

	(void)state;
	/* unknown tags */
	assert_int_equal(decode_streams((const char *[]){ "\0", "", "", "", "", "" },
					(size_t[]){ 1, 0, 0, 0, 0, 0 }, 10, &out), -1);
	assert_int_equal(decode_streams((const char *[]){ "\x14", "", "", "", "", "" },
					(size_t[]){ 1, 0, 0, 0, 0, 0 }, 10, &out), -1);
	/* thread-end: a good one, then one whose delta overflows 64 bits */
	assert_int_equal(decode_streams((const char *[]){ "\x0d", "\x05", "", "", "", "" },
					(size_t[]){ 1, 1, 0, 0, 0, 0 }, 10, &out), 0);
	assert_true(out.ts == 15);
	assert_int_equal(decode_streams((const char *[]){ "\x0d", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
							  "", "", "", "" },
					(size_t[]){ 1, 10, 0, 0, 0, 0 }, 10, &out), -1);
	/* a byte left over in a stream after the last record */
	assert_int_equal(decode_streams((const char *[]){ "\x0d", "\x05\x00", "", "", "", "" },
					(size_t[]){ 1, 2, 0, 0, 0, 0 }, 10, &out), -1);
	assert_int_equal(decode_streams((const char *[]){ "\x0d", "\x05", "", "", "", "x" },
					(size_t[]){ 1, 1, 0, 0, 0, 1 }, 10, &out), -1);
	/* a free of the only acquisition (code 1): fine after an alloc
	 * (tag, fn; ts; addr code 0 + delta 0x20; new stack 7; size 16) */
	assert_int_equal(decode_streams((const char *[]){ "\x02\x00\x04\x09", "\x01\x01",
							  "\x00\x40\x01", "\x00\x07", "\x20", "" },
					(size_t[]){ 4, 2, 3, 2, 1, 0 }, 10, &out), 0);
	assert_true(out.tag == MA_REC_FREE && out.u.free.addr == 0x20 && out.ts == 12);
	/* ... but not code 2 (no second acquisition), nor as the first record */
	assert_int_equal(decode_streams((const char *[]){ "\x02\x00\x04\x09", "\x01\x01",
							  "\x00\x40\x02", "\x00\x07", "\x20", "" },
					(size_t[]){ 4, 2, 3, 2, 1, 0 }, 10, &out), -1);
	assert_int_equal(decode_streams((const char *[]){ "\x04\x09", "\x01", "\x01", "", "", "" },
					(size_t[]){ 2, 1, 1, 0, 0, 0 }, 10, &out), -1);
	/* a stack code naming a dictionary entry that does not exist */
	assert_int_equal(decode_streams((const char *[]){ "\x02\x00", "\x01", "\x00\x40", "\x01",
							  "\x20", "" },
					(size_t[]){ 2, 1, 2, 1, 1, 0 }, 10, &out), -1);
	/* directory lengths that do not add up to the payload */
	{
		static struct ma_codec_state st;
		static const uint8_t more[] = { 1, 1, 0, 0, 0, 0, 0x0d, 0x05, 0 };
		static const uint8_t less[] = { 1, 1, 0, 0, 0, 9, 0x0d, 0x05 };
		static const uint8_t cut[] = { 1, 1, 0 };
		const uint8_t *p = more;

		ma_codec_state_init(&st, 0, MA_FORMAT_VERSION);
		assert_int_equal(ma_record_get(&p, more + sizeof(more), &st, &out), -1);
		p = less;
		ma_codec_state_init(&st, 0, MA_FORMAT_VERSION);
		assert_int_equal(ma_record_get(&p, less + sizeof(less), &st, &out), -1);
		p = cut;
		ma_codec_state_init(&st, 0, MA_FORMAT_VERSION);
		assert_int_equal(ma_record_get(&p, cut + sizeof(cut), &st, &out), -1);
	}
}

/* The model: temporaries freed at once, reuse of freed addresses, stacks
 * and sizes, past the windows and the dictionary; every record decodes to
 * what went in, and the typical cases take one byte. */
#define MANY 20000

static void test_model_roundtrip(void **state)
{
	static struct ma_record in[3 * MANY], out[3 * MANY];
	static uint8_t buf[8u << 20];
	uint64_t ts = 1u << 20, seed = 42;
	size_t n = 0, len;

	(void)state;
	for (size_t i = 0; i < MANY; i++) {
		uint64_t addr, stack, size;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		addr = i % 3 == 0 ? (seed >> 20) << 4 : 0x10000 + (i % 64) * 16;
		stack = i % 5 == 0 ? seed >> 11 : (i % 1500) * 977;
		size = i % 7 == 0 ? U64MAX - i : 24 + (i % 3) * 8;
		ts += seed >> 54;
		in[n++] = (struct ma_record){ .tag = MA_REC_ALLOC, .ts = ts,
			.u.alloc = { addr, size, stack, MA_FN_MALLOC, 0 } };
		if (i % 4 == 0) {
			/* freed at once */
			in[n++] = (struct ma_record){ .tag = MA_REC_FREE, .ts = ts,
				.u.free = { addr, MA_FN_FREE } };
		} else if (i % 4 == 1 && i > 12000) {
			/* an old one, out of the window */
			in[n++] = (struct ma_record){ .tag = MA_REC_FREE, .ts = ts + 1,
				.u.free = { in[n - 1 - 4 * MA_ADDR_WINDOW].u.alloc.addr, MA_FN_FREE } };
			ts++;
		} else if (i % 4 == 2) {
			in[n++] = (struct ma_record){ .tag = MA_REC_REALLOC, .ts = ts,
				.u.realloc = { ts + 3, addr, addr + 4096, size + 1, stack, MA_FN_REALLOC } };
			ts += 3;
		}
	}
	enc_start(in[0].ts);
	for (size_t i = 0; i < n; i++)
		enc_add(&in[i]);
	len = enc_end(buf);
	assert_int_equal(decode_n(buf, len, in[0].ts, out, n), n);
	for (size_t i = 0; i < n; i++)
		check_same(&in[i], &out[i]);

	/* a malloc/free pair of one stack and size: kind 4 bytes, ts 2,
	 * address 3 (delta of the first) + 1, stack 2 (new) + size 1 */
	{
		struct ma_record pair[4] = {
			{ .tag = MA_REC_ALLOC, .ts = 5, .u.alloc = { 0x1000, 32, 9, MA_FN_MALLOC, 0 } },
			{ .tag = MA_REC_FREE, .ts = 6, .u.free = { 0x1000, MA_FN_FREE } },
			{ .tag = MA_REC_ALLOC, .ts = 7, .u.alloc = { 0x1000, 32, 9, MA_FN_MALLOC, 0 } },
			{ .tag = MA_REC_FREE, .ts = 8, .u.free = { 0x1000, MA_FN_FREE } },
		};
		enc_start(5);
		for (int i = 0; i < 4; i++)
			enc_add(&pair[i]);
		assert_int_equal(enc.s[MA_S_ADDR].len, 3 + 1 + 1 + 1);
		assert_int_equal(enc.s[MA_S_STACK].len, 2 + 1);
		assert_int_equal(enc.s[MA_S_SIZE].len, 1 + 1);
		assert_memory_equal(enc.s[MA_S_ADDR].buf, "\x00\x80\x40\x01\x01\x01", 6);
		assert_memory_equal(enc.s[MA_S_STACK].buf, "\x00\x09\x01", 3);
		assert_memory_equal(enc.s[MA_S_SIZE].buf, "\x40\x00", 2);
		len = enc_end(buf);
		assert_int_equal(decode_n(buf, len, 5, out, 4), 4);
		for (int i = 0; i < 4; i++)
			check_same(&pair[i], &out[i]);
	}
}

/* Random bytes, and valid payloads with random bytes changed: decoding
 * must fail or succeed but never read outside the buffer (ASan watches). */
static void decode_everything(const uint8_t *buf, size_t len)
{
	static struct ma_codec_state st;
	struct ma_record out;
	const uint8_t *p = buf;
	uint64_t fr[64];

	ma_codec_state_init(&st, 0, MA_FORMAT_VERSION);
	while (p < buf + len && ma_record_get(&p, buf + len, &st, &out) == 0) {
		assert_true(p == buf || p == buf + len);
		if (out.tag == MA_REC_STACK)
			(void)ma_stack_frames(&out.u.stack, fr, 64);
	}
}

static void test_garbage(void **state)
{
	struct ma_record in[32];
	static uint8_t good[4096];
	size_t n = make_records(in), len = encode_all(good, in, n);

	(void)state;
	srand(12345);
	for (int round = 0; round < 20000; round++) {
		size_t blen = 1 + (size_t)rand() % 64;
		uint8_t *b = malloc(blen);
		assert_non_null(b);
		for (size_t i = 0; i < blen; i++)
			b[i] = (uint8_t)(rand() % 4 ? rand() : (rand() % 2 ? 0xff : 0x80));
		if (round % 3 == 0) /* a plausible directory */
			for (size_t i = 0; i < MA_NSTREAMS && i < blen; i++)
				b[i] = (uint8_t)(rand() % 8);
		decode_everything(b, blen);
		free(b);
	}
	for (int round = 0; round < 5000; round++) {
		uint8_t *b = malloc(len);
		assert_non_null(b);
		memcpy(b, good, len);
		for (int k = 0; k < 3; k++)
			b[(size_t)rand() % len] = (uint8_t)rand();
		decode_everything(b, rand() % 2 ? len : (size_t)rand() % (len + 1));
		free(b);
	}
}

/* docs/trace-format.md's example: malloc(32) = 0x1000 at 1000, its free
 * at 1001, malloc(32) = 0x1000 again at 1003 and its free at 1004, all
 * from stack 9, in a chunk whose ts_first is 1000: the bytes version 3
 * writes, and the same records read from version 2's bytes. */
static void test_doc_example(void **state)
{
	static const uint8_t v3[] = { 4, 4, 6, 3, 2, 0,
				      0x02, 0x04, 0x02, 0x04,
				      0x00, 0x02, 0x04, 0x02,
				      0x00, 0x80, 0x40, 0x01, 0x01, 0x01,
				      0x00, 0x09, 0x01,
				      0x40, 0x00 };
	static const uint8_t v2[] = { 8, 4, 6, 3, 2, 0,
				      0x02, 0x00, 0x04, 0x09, 0x02, 0x00, 0x04, 0x09,
				      0x00, 0x01, 0x02, 0x01,
				      0x00, 0x80, 0x40, 0x01, 0x01, 0x01,
				      0x00, 0x09, 0x01,
				      0x40, 0x00 };
	struct ma_record in[4] = {
		{ .tag = MA_REC_ALLOC, .ts = 1000, .u.alloc = { 0x1000, 32, 9, MA_FN_MALLOC, 0 } },
		{ .tag = MA_REC_FREE, .ts = 1001, .u.free = { 0x1000, MA_FN_FREE } },
		{ .tag = MA_REC_ALLOC, .ts = 1003, .u.alloc = { 0x1000, 32, 9, MA_FN_MALLOC, 0 } },
		{ .tag = MA_REC_FREE, .ts = 1004, .u.free = { 0x1000, MA_FN_FREE } },
	}, out[4];
	static struct ma_codec_state st;
	uint8_t buf[64];
	const uint8_t *p = v2;

	(void)state;
	assert_int_equal(encode_all(buf, in, 4), sizeof(v3));
	assert_memory_equal(buf, v3, sizeof(v3));
	assert_int_equal(decode_n(v3, sizeof(v3), 1000, out, 4), 4);
	for (int i = 0; i < 4; i++)
		check_same(&in[i], &out[i]);
	ma_codec_state_init(&st, 1000, 2);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(ma_record_get(&p, v2 + sizeof(v2), &st, &out[i]), 0);
		check_same(&in[i], &out[i]);
	}
	assert_ptr_equal(p, v2 + sizeof(v2));
	/* version 2's bytes do not read as version 3 */
	assert_int_equal(decode_n(v2, sizeof(v2), 1000, out, 4) < 4, 1);
}

/* An address that no window holds is a delta from the last address of
 * its own direction (version 2: of either direction). */
static void test_addr_delta_per_direction(void **state)
{
	struct ma_record in[4] = {
		{ .tag = MA_REC_ALLOC, .ts = 1000, .u.alloc = { 0x1000, 8, 1, MA_FN_MALLOC, 0 } },
		{ .tag = MA_REC_FREE, .ts = 1000, .u.free = { 0x9000, MA_FN_FREE } },
		{ .tag = MA_REC_ALLOC, .ts = 1000, .u.alloc = { 0x1040, 8, 1, MA_FN_MALLOC, 0 } },
		{ .tag = MA_REC_FREE, .ts = 1000, .u.free = { 0x9040, MA_FN_FREE } },
	}, out[4];
	static struct ma_codec_state st;
	uint8_t buf[128], addr[32];
	const char *v2[MA_NSTREAMS];
	size_t len, n = 0, lens[MA_NSTREAMS];
	const uint8_t *p;

	(void)state;
	len = encode_all(buf, in, 4);
	/* +0x1000 from 0; +0x9000 from 0; +0x40 from 0x1000; +0x40 from 0x9000 */
	assert_int_equal(enc.s[MA_S_ADDR].len, 3 + 4 + 3 + 3);
	assert_memory_equal(enc.s[MA_S_ADDR].buf,
			    "\x00\x80\x40\x00\x80\xc0\x04\x00\x80\x01\x00\x80\x01", 13);
	assert_int_equal(decode_n(buf, len, 1000, out, 4), 4);
	for (int i = 0; i < 4; i++)
		check_same(&in[i], &out[i]);
	/* version 2: each delta from the address before, whichever */
	addr[n++] = 0;
	n += ma_put_varint(addr + n, ma_zigzag(0x1000));
	addr[n++] = 0;
	n += ma_put_varint(addr + n, ma_zigzag(0x8000));
	addr[n++] = 0;
	n += ma_put_varint(addr + n, ma_zigzag(0x1040 - 0x9000));
	addr[n++] = 0;
	n += ma_put_varint(addr + n, ma_zigzag(0x8000));
	v2[MA_S_KIND] = "\x02\x00\x04\x09\x02\x00\x04\x09";
	v2[MA_S_TS] = "\x00\x00\x00\x00";
	v2[MA_S_ADDR] = (const char *)addr;
	v2[MA_S_STACK] = "\x00\x01\x01";
	v2[MA_S_SIZE] = "\x10\x00";
	v2[MA_S_MISC] = "";
	memcpy(lens, (size_t[]){ 8, 4, n, 3, 2, 0 }, sizeof(lens));
	len = make_payload(buf, v2, lens);
	p = buf;
	ma_codec_state_init(&st, 1000, 2);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(ma_record_get(&p, buf + len, &st, &out[i]), 0);
		check_same(&in[i], &out[i]);
	}
	assert_ptr_equal(p, buf + len);
}

/* Every fn of every tag that has one comes back, in one kind byte when
 * the table has a code for it and with a varint after it otherwise. */
static void test_kind_every_fn(void **state)
{
	static const uint8_t tags[] = { MA_REC_ALLOC, MA_REC_ALLOC_ALIGNED, MA_REC_FREE,
					MA_REC_REALLOC, MA_REC_MMAP };
	uint64_t fns[MA_FN_COUNT + 3];
	uint8_t buf[256];
	struct ma_record out;
	int coded = 0;

	(void)state;
	for (uint64_t f = 0; f < MA_FN_COUNT; f++)
		fns[f] = f;
	fns[MA_FN_COUNT] = MA_FN_COUNT;
	fns[MA_FN_COUNT + 1] = 1000;
	fns[MA_FN_COUNT + 2] = U64MAX;
	for (size_t t = 0; t < sizeof(tags); t++) {
		for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
			struct ma_record r = { .tag = tags[t], .ts = 2000 };
			size_t len;
			int one = fns[k] < MA_FN_COUNT && ma_kind_code1[tags[t]][fns[k]];

			switch (tags[t]) {
			case MA_REC_FREE:
				r.u.free.fn = fns[k];
				break;
			case MA_REC_REALLOC:
				r.u.realloc.fn = fns[k];
				r.u.realloc.ts_after = 2000;
				break;
			case MA_REC_MMAP:
				r.u.mmap.fn = fns[k];
				break;
			default:
				r.u.alloc.fn = fns[k];
			}
			len = encode_all(buf, &r, 1);
			assert_int_equal(enc.s[MA_S_KIND].len,
					 one ? 1 : 1 + ma_put_varint((uint8_t[MA_VARINT_MAX]){ 0 }, fns[k]));
			assert_int_equal(buf[MA_NSTREAMS] & MA_KIND_TAG_MASK, tags[t]);
			assert_int_equal(decode_n(buf, len, 1000, &out, 1), 1);
			check_same(&r, &out);
			coded += one;
		}
	}
	/* malloc, calloc, new, new[]; the seven aligned; free, delete,
	 * delete[]; realloc, reallocarray; mmap, mmap64 */
	assert_int_equal(coded, 4 + 7 + 3 + 2 + 2);
}

/* Timestamp deltas: rounded ones count in 2^16 ns units, and every delta
 * up to 2^64 - 1 comes back. */
static void test_dt_codes(void **state)
{
	static const uint64_t dts[] = { 0, 1, 63, 64, 65535, 65536, 3 << 16, 65537,
					1ull << 62, 1ull << 63, (1ull << 63) + 1,
					U64MAX - 65535, U64MAX };
	static const size_t ts_len[] = { 1, 1, 1, 2, 3, 1, 1, 3,
					 7, 7, 11, 7, 11 };
	uint8_t buf[256];
	struct ma_record out;

	(void)state;
	for (size_t i = 0; i < sizeof(dts) / sizeof(dts[0]); i++) {
		struct ma_record r = { .tag = MA_REC_THREAD_END, .ts = 1000 + dts[i] };
		size_t len;

		if (r.ts < 1000)
			continue; /* would wrap past 2^64: not a timestamp */
		len = encode_all(buf, &r, 1);
		assert_int_equal(enc.s[MA_S_TS].len, ts_len[i]);
		assert_int_equal(decode_n(buf, len, 1000, &out, 1), 1);
		assert_true(out.ts == r.ts);
	}
	/* and a realloc's second timestamp */
	{
		struct ma_record r = { .tag = MA_REC_REALLOC, .ts = 1000 + 65536,
				       .u.realloc = { 1000 + 2 * 65536 + 5, 0x10, 0x20, 8, 1,
						      MA_FN_REALLOC } };
		size_t len = encode_all(buf, &r, 1);

		assert_int_equal(enc.s[MA_S_TS].len, 1 + 3);
		assert_int_equal(decode_n(buf, len, 1000, &out, 1), 1);
		check_same(&r, &out);
	}
}

/* Stacks share their outermost frames with the stack before them in the
 * chunk: each costs its own frames only, and decodes whole. */
static void test_stack_shared(void **state)
{
	static const uint64_t a[] = { 0x401010, 0x402020, 0x403030, 0x404040 };
	static const uint64_t b[] = { 0x405050, 0x403030, 0x404040 };
	static const uint64_t c[] = { 0x406060, 0x407070 };
	static const uint64_t d[] = { 0x407070 };
	const uint64_t *fr[] = { a, b, c, c, d };
	const uint32_t depth[] = { 4, 3, 2, 2, 1 };
	const uint32_t shared[] = { 0, 2, 0, 2, 1 };
	struct ma_record out[5];
	static uint8_t buf[1024];
	size_t len;

	(void)state;
	enc_start(1000);
	for (int i = 0; i < 5; i++) {
		struct ma_record r = { .tag = MA_REC_STACK,
				       .u.stack = { .id = 10 + (uint64_t)i, .depth = depth[i] } };
		size_t before = enc.s[MA_S_MISC].len;

		ma_enc_put(&enc, &r, fr[i]);
		/* id, depth, shared, then the first own frame (4 bytes) and
		 * the deltas of the others (2 bytes each) */
		assert_int_equal(enc.s[MA_S_MISC].len - before,
				 3 + (depth[i] > shared[i] ? 4 + 2 * (depth[i] - shared[i] - 1) : 0));
		assert_int_equal(enc.s[MA_S_MISC].buf[before + 2], shared[i]);
	}
	len = enc_end(buf);
	{
		/* a record's frames last until the next record is decoded */
		static struct ma_codec_state st;
		const uint8_t *p = buf;

		ma_codec_state_init(&st, 1000, MA_FORMAT_VERSION);
		for (int i = 0; i < 5; i++) {
			uint64_t f[8];

			assert_int_equal(ma_record_get(&p, buf + len, &st, &out[i]), 0);
			assert_true(out[i].tag == MA_REC_STACK &&
				    out[i].u.stack.id == 10 + (uint64_t)i);
			assert_int_equal(ma_stack_frames(&out[i].u.stack, f, 8), depth[i]);
			assert_memory_equal(f, fr[i], depth[i] * sizeof(f[0]));
			assert_int_equal(ma_stack_frames(&out[i].u.stack, f, 1), 1);
		}
		assert_ptr_equal(p, buf + len);
	}
	/* a stack sharing more frames than the one before has, or more than
	 * its own depth */
	assert_int_equal(decode_version(3, (const char *[]){ "\x09", "", "", "", "", "\x01\x01\x01" },
					(size_t[]){ 1, 0, 0, 0, 0, 3 }, 10, out), -1);
	assert_int_equal(decode_version(3, (const char *[]){ "\x09\x09", "", "", "", "",
							     "\x01\x01\x00\x05\x02\x01\x02" },
					(size_t[]){ 2, 0, 0, 0, 0, 7 }, 10, out), -1);
	assert_int_equal(decode_version(3, (const char *[]){ "\x09\x09", "", "", "", "",
							     "\x01\x01\x00\x05\x02\x02\x01\x05" },
					(size_t[]){ 2, 0, 0, 0, 0, 8 }, 10, out), 0);
	assert_true(out[0].u.stack.id == 2 && out[0].u.stack.depth == 2 &&
		    out[0].u.stack.frames[0] == 5 && out[0].u.stack.frames[1] == 5);
}

/* Version 3's codes that do not decode, and its escapes. */
static void test_v3_codes(void **state)
{
	struct ma_record out;

	(void)state;
	/* thread-end 5 ns after ts_first, then 2 units of 2^16 ns */
	assert_int_equal(decode_version(3, (const char *[]){ "\x0d", "\x0a", "", "", "", "" },
					(size_t[]){ 1, 1, 0, 0, 0, 0 }, 10, &out), 0);
	assert_true(out.ts == 15);
	assert_int_equal(decode_version(3, (const char *[]){ "\x0d", "\x05", "", "", "", "" },
					(size_t[]){ 1, 1, 0, 0, 0, 0 }, 10, &out), 0);
	assert_true(out.ts == 10 + 2 * 65536);
	/* units that do not fit 64 bits; a raw delta after code 1 that
	 * overflows the timestamp */
	assert_int_equal(decode_version(3, (const char *[]){ "\x0d", "\x81\x80\x80\x80\x80\x80\x80\x02",
							     "", "", "", "" },
					(size_t[]){ 1, 8, 0, 0, 0, 0 }, 10, &out), -1);
	assert_int_equal(decode_version(3, (const char *[]){ "\x0d", "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
							     "", "", "", "" },
					(size_t[]){ 1, 11, 0, 0, 0, 0 }, 10, &out), -1);
	/* a code on a tag without fn; a code with no fn in the table */
	assert_int_equal(decode_version(3, (const char *[]){ "\x2d", "\x0a", "", "", "", "" },
					(size_t[]){ 1, 1, 0, 0, 0, 0 }, 10, &out), -1);
	assert_int_equal(decode_version(3, (const char *[]){ "\x64", "\x00", "\x00\x02", "", "", "" },
					(size_t[]){ 1, 1, 2, 0, 0, 0 }, 10, &out), -1);
	/* delete[] by its code; fn 100 after the escape */
	assert_int_equal(decode_version(3, (const char *[]){ "\x44", "\x00", "\x00\x02", "", "", "" },
					(size_t[]){ 1, 1, 2, 0, 0, 0 }, 10, &out), 0);
	assert_true(out.tag == MA_REC_FREE && out.u.free.fn == MA_FN_DELETE_ARRAY &&
		    out.u.free.addr == 1);
	assert_int_equal(decode_version(3, (const char *[]){ "\xe4\x64", "\x00", "\x00\x02", "", "", "" },
					(size_t[]){ 2, 1, 2, 0, 0, 0 }, 10, &out), 0);
	assert_true(out.tag == MA_REC_FREE && out.u.free.fn == 100);
	/* the escape with its varint cut off */
	assert_int_equal(decode_version(3, (const char *[]){ "\xe4", "\x00", "\x00\x02", "", "", "" },
					(size_t[]){ 1, 1, 2, 0, 0, 0 }, 10, &out), -1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ma_tag_name(MA_REC_ALLOC), "alloc");
	assert_string_equal(ma_tag_name(0), "unknown");
	assert_string_equal(ma_tag_name(MA_REC_TAG_MAX + 1), "unknown");
	assert_string_equal(ma_fn_name(MA_FN_MALLOC), "malloc");
	assert_string_equal(ma_fn_name(U64MAX), "unknown");
	assert_string_equal(ma_exit_kind_name(MA_EXIT_SIGNAL), "signal");
	assert_string_equal(ma_exit_kind_name(99), "unknown");
	assert_false(ma_tag_is_timed(MA_REC_STACK));
	assert_true(ma_tag_is_timed(MA_REC_TRAILER));
	assert_false(ma_tag_is_timed(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_lengths),
		cmocka_unit_test(test_varint_in_stream),
		cmocka_unit_test(test_varint_ten_byte_limit),
		cmocka_unit_test(test_zigzag),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_crc32c_hw_table),
		cmocka_unit_test(test_chunk_hdr),
		cmocka_unit_test(test_every_tag_roundtrip),
		cmocka_unit_test(test_one_record_and_truncated),
		cmocka_unit_test(test_empty_chunk),
		cmocka_unit_test(test_bad_streams),
		cmocka_unit_test(test_model_roundtrip),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_addr_delta_per_direction),
		cmocka_unit_test(test_kind_every_fn),
		cmocka_unit_test(test_dt_codes),
		cmocka_unit_test(test_stack_shared),
		cmocka_unit_test(test_v3_codes),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
