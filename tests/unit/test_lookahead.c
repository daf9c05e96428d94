/* Unit tests of the look-ahead: what it hands out must be what the
 * reader alone hands out, record for record, strings included, through
 * rewinds, at the end and at damage. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lookahead.h"
#include "trace_build.h"
#include "trace_reader.h"

#define TRACE_FILE_PREFIX "test_lookahead"
#include "trace_file.h"

#define MAXREC 20000
#define LINE 256


/* ---- writing ---- */

static void add(struct ma_trace_build *b, uint32_t thread, struct ma_record r)
{
	uint64_t frames[3] = { 0x401000 + r.u.stack.id, 0x402000, 0x403000 + thread };

	if (r.tag == MA_REC_STACK)
		r.u.stack.depth = 3;
	assert_int_equal(ma_trace_build_add(b, thread, &r, frames), 0);
}

static struct ma_bytes text(char *buf, const char *what, uint64_t i)
{
	int n = sprintf(buf, "%s-%llu", what, (unsigned long long)i);

	return (struct ma_bytes){ (const uint8_t *)buf, (uint32_t)n };
}

/* Three producers in small chunks: heap events, mappings, and records
 * with strings or frames, many of them the last of their chunk, so the
 * reader's buffer of that chunk is let go right after them. */
static void write_mixed(int compress)
{
	struct ma_rec_process proc = { .pid = 7, .start_monotonic_ns = 1,
				       .exe = { (const uint8_t *)"/bin/t", 6 },
				       .cmdline = { (const uint8_t *)"t\0", 2 } };
	struct ma_trace_build *b = ma_trace_build_open(path, &proc, compress);
	struct ma_rec_trailer tr = { .events = 1 };
	char s1[32], s2[32];

	assert_non_null(b);
	for (uint64_t i = 0; i < 3000; i++) {
		uint32_t p = 1 + (uint32_t)(i % 3);
		uint64_t ts = 10 + i * 10, a = ((uint64_t)p << 32) + (i % 997) * 48;

		add(b, p, (struct ma_record){ .tag = MA_REC_ALLOC, .ts = ts,
					      .u.alloc = { a, 16 + i % 7, i % 13, MA_FN_MALLOC, 0 } });
		if (i % 2)
			add(b, p, (struct ma_record){ .tag = MA_REC_FREE, .ts = ts + 1,
						      .u.free = { a, MA_FN_FREE } });
		else
			add(b, p, (struct ma_record){ .tag = MA_REC_REALLOC, .ts = ts + 1,
				.u.realloc = { ts + 4, a, a + 16, 64, i % 13, MA_FN_REALLOC } });
		switch (i % 9) {
		case 0:
			add(b, p, (struct ma_record){ .tag = MA_REC_MARKER, .ts = ts + 2,
				.u.marker = { MA_MARK_POINT, text(s1, "marker", i), (int64_t)i } });
			break;
		case 1:
			add(b, p, (struct ma_record){ .tag = MA_REC_INFO, .ts = ts + 2,
				.u.info = { text(s1, "key", i), text(s2, "value", i * 7) } });
			break;
		case 2:
			add(b, p, (struct ma_record){ .tag = MA_REC_STACK, .u.stack.id = i });
			break;
		case 3:
			add(b, p, (struct ma_record){ .tag = MA_REC_MMAP, .ts = ts + 2,
				.u.mmap = { a << 8, 4096, 3, 2, 0, i % 13, MA_FN_MMAP, -1,
					    text(s1, "/lib/x", i) } });
			add(b, p, (struct ma_record){ .tag = MA_REC_MUNMAP, .ts = ts + 3,
						      .u.munmap = { a << 8, 4096 } });
			break;
		case 4:
			add(b, p, (struct ma_record){ .tag = MA_REC_THREAD, .ts = ts + 2,
				.u.thread_start = { 100 + i, text(s1, "worker", i) } });
			break;
		case 5:
			add(b, p, (struct ma_record){ .tag = MA_REC_MREMAP, .ts = ts + 2,
				.u.mremap = { ts + 3, a << 8, 4096, (a << 8) + 8192, 8192, 1, 3 } });
			break;
		default:
			break;
		}
		if (i % 5 == 4)
			assert_int_equal(ma_trace_build_flush(b, p), 0);
	}
	assert_int_equal(ma_trace_build_close(b, &tr, 100000), 0);
}

/* ---- reading ---- */

/* Every field of r, strings and frames as read now, on one line. */
/* The uint64_t fields of a value-only record's member of the union. */
static size_t value_words(uint8_t tag)
{
	const struct ma_record *r = NULL;

	switch (tag) {
	case MA_REC_ALLOC:
	case MA_REC_ALLOC_ALIGNED:
		return sizeof(r->u.alloc) / 8;
	case MA_REC_FREE:
		return sizeof(r->u.free) / 8;
	case MA_REC_REALLOC:
		return sizeof(r->u.realloc) / 8;
	case MA_REC_MUNMAP:
		return sizeof(r->u.munmap) / 8;
	case MA_REC_MREMAP:
		return sizeof(r->u.mremap) / 8;
	case MA_REC_MODULE_GONE:
		return sizeof(r->u.module_gone) / 8;
	case MA_REC_SAMPLE:
		return sizeof(r->u.sample) / 8;
	case MA_REC_FORK:
		return sizeof(r->u.fork) / 8;
	case MA_REC_LOST:
		return sizeof(r->u.lost) / 8;
	case MA_REC_TRAILER:
		return sizeof(r->u.trailer) / 8;
	default:
		return 0;
	}
}

static void describe(const struct ma_record *r, char *buf)
{
	int n = sprintf(buf, "%u %u %u %llu:", r->tag, r->phase, r->thread,
			(unsigned long long)r->ts);
	const uint64_t *v = (const uint64_t *)&r->u;
	uint64_t frames[8];
	int k;

#define S(b) (int)(b).len, (const char *)(b).ptr
	switch (r->tag) {
	case MA_REC_MARKER:
		sprintf(buf + n, "%llu %.*s %lld", (unsigned long long)r->u.marker.kind,
			S(r->u.marker.name), (long long)r->u.marker.value);
		return;
	case MA_REC_INFO:
		sprintf(buf + n, "%.*s=%.*s", S(r->u.info.key), S(r->u.info.value));
		return;
	case MA_REC_STACK:
		k = ma_stack_frames(&r->u.stack, frames, 8);
		assert_int_equal(k, 3);
		sprintf(buf + n, "%llu %llx %llx %llx", (unsigned long long)r->u.stack.id,
			(unsigned long long)frames[0], (unsigned long long)frames[1],
			(unsigned long long)frames[2]);
		return;
	case MA_REC_MMAP:
		sprintf(buf + n, "%llx %llu %.*s", (unsigned long long)r->u.mmap.addr,
			(unsigned long long)r->u.mmap.length, S(r->u.mmap.path));
		return;
	case MA_REC_THREAD:
		sprintf(buf + n, "%llu %.*s", (unsigned long long)r->u.thread_start.tid,
			S(r->u.thread_start.name));
		return;
	case MA_REC_PROCESS:
		sprintf(buf + n, "%llu %.*s", (unsigned long long)r->u.process.pid,
			S(r->u.process.exe));
		return;
	default:
		/* value-only records: up to six first fields of their own
		 * member, all uint64_t (the rest of the union is undefined) */
		for (size_t i = 0; i < value_words(r->tag) && i < 6; i++)
			n += sprintf(buf + n, " %llx", (unsigned long long)v[i]);
		return;
	}
#undef S
}

struct run {
	char (*line)[LINE];
	size_t n;
	int last;            /* what the reader returned after the last record */
	char err[256];
};

static struct ma_trace *open_ok(void)
{
	struct ma_trace *t = NULL;
	char err[256] = "";

	assert_int_equal(ma_trace_open(path, &t, err, sizeof(err)), MA_TRACE_OPEN_OK);
	return t;
}

/* A live map with slots, so that the look-ahead's prefetches land. */
static void live_init(struct ma_livemap *m)
{
	ma_livemap_init(m);
	for (uint64_t a = 1; a <= 100; a++) {
		struct ma_block b = { .addr = a * 16, .size = 1 };
		assert_true(ma_livemap_put(m, &b, NULL) >= 0);
	}
}

/* Reads up to max records from t, through la when it is not NULL. */
static void read_run(struct ma_trace *t, struct ma_lookahead *la, struct run *out, size_t max)
{
	struct ma_livemap live;
	struct ma_record r;

	live_init(&live);
	out->n = 0;
	out->last = 1;
	while (out->n < max) {
		out->last = la ? ma_lookahead_next(la, t, &live, &r) : ma_trace_next(t, &r);
		if (out->last != 1)
			break;
		assert_true(out->n < MAXREC);
		describe(&r, out->line[out->n++]);
	}
	snprintf(out->err, sizeof(out->err), "%s", out->last < 0 ? ma_trace_error(t) : "");
	ma_livemap_release(&live);
}

static struct run *run_new(void)
{
	struct run *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->line = calloc(MAXREC, LINE);
	assert_non_null(r->line);
	return r;
}

static void run_free(struct run *r)
{
	free(r->line);
	free(r);
}

static void same(const struct run *got, const struct run *want)
{
	for (size_t i = 0; i < got->n && i < want->n; i++)
		if (strcmp(got->line[i], want->line[i]))
			fail_msg("record %zu: got '%s', want '%s'", i, got->line[i], want->line[i]);
	assert_int_equal(got->n, want->n);
	assert_int_equal(got->last, want->last);
	assert_string_equal(got->err, want->err);
}

/* The reader alone, start to end. */
static void read_direct(struct run *want)
{
	struct ma_trace *t = open_ok();

	read_run(t, NULL, want, MAXREC);
	ma_trace_close(t);
}

static void check_same_order(int compress)
{
	struct run *want = run_new(), *got = run_new();
	struct ma_lookahead la = { 0 };
	struct ma_trace *t;

	write_mixed(compress);
	read_direct(want);
	assert_true(want->n > 9000);
	assert_int_equal(want->last, 0);
	t = open_ok();
	read_run(t, &la, got, MAXREC);
	same(got, want);
	/* the end stays the end */
	read_run(t, &la, got, MAXREC);
	assert_int_equal(got->n, 0);
	assert_int_equal(got->last, 0);
	ma_trace_close(t);
	run_free(want);
	run_free(got);
}

static void test_order_plain(void **state)
{
	(void)state;
	check_same_order(0);
}

static void test_order_compressed(void **state)
{
	(void)state;
	check_same_order(1);
}

/* Rewound in the middle, with records read ahead, and at the end. */
static void test_rewind(void **state)
{
	struct run *want = run_new(), *got = run_new();
	struct ma_lookahead la = { 0 };
	struct ma_trace *t;

	(void)state;
	write_mixed(1);
	read_direct(want);
	t = open_ok();
	for (size_t stop = 1; stop < want->n; stop = stop * 3 + 1) {
		read_run(t, &la, got, stop);
		assert_int_equal(got->n, stop);
		assert_int_equal(ma_lookahead_rewind(&la, t), 0);
	}
	read_run(t, &la, got, MAXREC);
	same(got, want);
	assert_int_equal(ma_lookahead_rewind(&la, t), 0);
	read_run(t, &la, got, MAXREC);
	same(got, want);
	ma_trace_close(t);
	run_free(want);
	run_free(got);
}

/* ---- damage ---- */


static uint8_t *slurp(size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void spill(const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Records are decoded once at open; a chunk that is damaged after (the
 * file changed under the reader) makes the replay stop there with -1.
 * The same records come before it, then the same -1 and reason. */
static void test_damage(void **state)
{
	struct run *want = run_new(), *got = run_new();
	struct chunk_at c[4096];
	size_t n, len;
	uint8_t *orig, *buf;

	(void)state;
	write_mixed(0);
	n = chunks_of(c, 4096);
	assert_true(n > 100);
	orig = slurp(&len);
	buf = malloc(len);
	assert_non_null(buf);
	srand(777);
	for (int round = 0; round < 60; round++) {
		size_t k = 1 + (size_t)rand() % (n - 2);
		struct ma_lookahead la = { 0 };
		struct ma_trace *direct, *t;

		spill(orig, len);
		direct = open_ok();
		t = open_ok();
		memcpy(buf, orig, len);
		buf[c[k].offset + MA_CHUNK_HDR_LEN +
		    (size_t)rand() % (c[k].end - c[k].offset - MA_CHUNK_HDR_LEN)] ^= 0x21;
		/* every other round, cut the file in that chunk instead */
		spill(buf, round % 2 ? len : c[k].offset + MA_CHUNK_HDR_LEN + 1);
		read_run(direct, NULL, want, MAXREC);
		assert_int_equal(want->last, -1);
		read_run(t, &la, got, MAXREC);
		same(got, want);
		/* after damage, damage again */
		read_run(t, &la, got, MAXREC);
		assert_int_equal(got->n, 0);
		assert_int_equal(got->last, -1);
		ma_trace_close(direct);
		ma_trace_close(t);
	}
	free(buf);
	free(orig);
	run_free(want);
	run_free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
