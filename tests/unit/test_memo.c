/* Unit tests of a thread's memo of walks (probes/fastunwind.c) on a
 * stack built by hand: a walk is found again only when its start and
 * every word it read are equal, and only in its epoch and generation of
 * rules; entries are sized to their walk; a full arena starts again only
 * when the caller allows it, and an addition that may not start it
 * leaves every entry as it was; the memo's pages fault in only as far
 * as entries were added. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "fastunwind.h"

#define WORDS 512
#define ARENA (1u << 20) /* fastunwind.c's MEMO_ARENA */

static uint64_t stack[WORDS];

/* A start on the fake stack and the reads of a walk from it: n words at
 * offsets 8, 16, ... from the start's sp, with their current values, of
 * the current generation of rules (as probe_fu_walk gives it). */
static void walk(struct probe_fu_start *s, struct probe_fu_reads *rd, uint64_t ip, uint32_t n)
{
	uint64_t ips[1];

	s->ip = ip;
	s->sp = (uint64_t)(uintptr_t)stack;
	s->bp = 0;
	probe_fu_walk(s, ips, 1, rd); /* the generation, no rule needed */
	rd->n = n;
	rd->bp_used = 0;
	for (uint32_t i = 0; i < n; i++) {
		rd->off[i] = (int32_t)(8 * (i + 1));
		rd->val[i] = stack[i + 1];
	}
}

static void fill_stack(uint64_t seed)
{
	for (int i = 0; i < WORDS; i++)
		stack[i] = seed * 0x9e3779b97f4a7c15ull + (uint64_t)i;
}

static void test_found_only_when_all_equal(void **state)
{
	struct probe_fu_memo *m = probe_fu_memo_new();
	struct probe_fu_start s, other;
	struct probe_fu_reads rd;
	uint32_t used, restarts;
	uint64_t h;

	(void)state;
	assert_non_null(m);
	fill_stack(1);
	walk(&s, &rd, 0x401000, 20);
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 0);
	probe_fu_memo_add(m, 7, &s, &rd, 42, 1);
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 42);
	/* The hash a prefetch gives serves the find; another start's sends
	 * it to the wrong bucket (the hook's hint was stale): a miss, never
	 * a wrong stack. */
	h = probe_fu_memo_prefetch(m, &s);
	assert_int_not_equal(h, 0);
	assert_int_equal(probe_fu_memo_find(m, 7, &s, h), 42);
	other = s;
	other.sp += 8;
	assert_int_equal(probe_fu_memo_find(m, 7, &s, probe_fu_memo_prefetch(m, &other)), 0);
	/* 48 bytes and 12 a word, in 16-byte units. */
	probe_fu_memo_stats(m, &used, &restarts);
	assert_int_equal(used, (48 + 20 * 12 + 15) / 16 * 16);
	assert_int_equal(restarts, 0);

	assert_int_equal(probe_fu_memo_find(m, 8, &s, 0), 0); /* another epoch */
	stack[20] ^= 1; /* the last word read */
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 0);
	stack[20] ^= 1;
	stack[21] ^= 1; /* a word not read */
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 42);
	s.ip++;
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 0);
	s.ip--;
	s.bp = 99; /* not used by the walk */
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 42);

	/* A walk that used bp is found only with that bp. */
	walk(&s, &rd, 0x402000, 3);
	s.bp = 5;
	rd.bp_used = 1;
	probe_fu_memo_add(m, 7, &s, &rd, 43, 1);
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 43);
	s.bp = 6;
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 0);

	/* Rules forgotten: no walk of the old generation is found. */
	walk(&s, &rd, 0x401000, 20);
	probe_fu_forget();
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 0);
	walk(&s, &rd, 0x401000, 20);
	probe_fu_memo_add(m, 7, &s, &rd, 44, 1);
	assert_int_equal(probe_fu_memo_find(m, 7, &s, 0), 44);
}

/* Eight ways a bucket: many walks from one start with different words
 * push each other out, the last eight stay. */
static void test_ways(void **state)
{
	struct probe_fu_memo *m = probe_fu_memo_new();
	struct probe_fu_start s;
	struct probe_fu_reads rd;
	int found = 0;

	(void)state;
	for (uint64_t k = 0; k < 12; k++) {
		fill_stack(100 + k);
		walk(&s, &rd, 0x403000, 4);
		probe_fu_memo_add(m, 1, &s, &rd, 1000 + k, 1);
	}
	for (uint64_t k = 0; k < 12; k++) {
		uint64_t id;

		fill_stack(100 + k);
		walk(&s, &rd, 0x403000, 4);
		id = probe_fu_memo_find(m, 1, &s, 0);
		if (k < 4) {
			assert_int_equal(id, 0);
		} else {
			assert_int_equal(id, 1000 + k);
			found++;
		}
	}
	assert_int_equal(found, 8);
}

/* Fills the arena with walks of 96 words (1 200 bytes each); returns how
 * many were added before the first one that did not fit. */
static uint32_t fill_arena(struct probe_fu_memo *m, uint64_t ip0)
{
	struct probe_fu_start s;
	struct probe_fu_reads rd;
	uint32_t used, restarts, k = 0;

	fill_stack(3);
	for (;; k++) {
		probe_fu_memo_stats(m, &used, &restarts);
		if (used + 1200 > ARENA)
			return k;
		walk(&s, &rd, ip0 + 16 * k, PROBE_FU_READS);
		probe_fu_memo_add(m, 1, &s, &rd, k + 1, 1);
	}
}

static void test_full_arena(void **state)
{
	struct probe_fu_memo *m = probe_fu_memo_new();
	struct probe_fu_start s, last;
	struct probe_fu_reads rd;
	uint32_t used, restarts, k;

	(void)state;
	k = fill_arena(m, 0x500000);
	assert_int_equal(k, ARENA / 1200);
	walk(&last, &rd, 0x500000 + 16 * (k - 1), PROBE_FU_READS);
	assert_int_equal(probe_fu_memo_find(m, 1, &last, 0), k);

	/* Full, and not allowed to start again (a capture in a signal
	 * handler): the walk is not kept, and nothing else changes. */
	walk(&s, &rd, 0x600000, PROBE_FU_READS);
	probe_fu_memo_add(m, 1, &s, &rd, 77, 0);
	assert_int_equal(probe_fu_memo_find(m, 1, &s, 0), 0);
	assert_int_equal(probe_fu_memo_find(m, 1, &last, 0), k);
	probe_fu_memo_stats(m, &used, &restarts);
	assert_int_equal(used, k * 1200);
	assert_int_equal(restarts, 0);

	/* Allowed: every entry goes, the new one is the first. */
	probe_fu_memo_add(m, 1, &s, &rd, 77, 1);
	assert_int_equal(probe_fu_memo_find(m, 1, &s, 0), 77);
	assert_int_equal(probe_fu_memo_find(m, 1, &last, 0), 0);
	probe_fu_memo_stats(m, &used, &restarts);
	assert_int_equal(used, 1200);
	assert_int_equal(restarts, 1);

	/* Too many words: not kept. */
	walk(&s, &rd, 0x700000, 1);
	rd.n = PROBE_FU_READS_OVER;
	probe_fu_memo_add(m, 1, &s, &rd, 78, 1);
	assert_int_equal(probe_fu_memo_find(m, 1, &s, 0), 0);
}

/* The pages of the memo a process holds: its tags and as much of the
 * arena as entries were added to, not the whole megabyte.  (Its first
 * megabyte is looked at, which its mapping always covers: the next
 * mapping up may be another test's memo.) */
static void test_pages_fault_in(void **state)
{
	struct probe_fu_memo *m = probe_fu_memo_new();
	struct probe_fu_start s;
	struct probe_fu_reads rd;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = ARENA, pages = len / (size_t)page, resident = 0;
	unsigned char vec[(1u << 20) / 4096 + 64];

	(void)state;
	assert_true(pages <= sizeof(vec));
	fill_stack(4);
	for (uint64_t k = 0; k < 100; k++) {
		walk(&s, &rd, 0x800000 + 16 * k, 30); /* 416 bytes each */
		probe_fu_memo_add(m, 1, &s, &rd, k + 1, 1);
	}
	assert_int_equal(mincore(m, len, vec), 0);
	for (size_t i = 0; i < pages; i++)
		resident += vec[i] & 1;
	/* 8 KiB of tags and their bookkeeping, 41 600 bytes of entries. */
	assert_in_range(resident, (8192 + 41600) / (size_t)page, (8192 + 41600) / (size_t)page + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_only_when_all_equal),
		cmocka_unit_test(test_ways),
		cmocka_unit_test(test_full_arena),
		cmocka_unit_test(test_pages_fault_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
