/* Writes synthetic traces for the report tests (test_report.sh) and the
 * memory test (test_analysis_memory.sh):
 *
 *   make_analysis_trace leaks OUT      known leaks, see test_report.sh
 *   make_analysis_trace cut OUT        the same without a trailer
 *   make_analysis_trace churn N OUT    1000 blocks live, then N rounds of
 *                                      free + malloc over them: the live
 *                                      set stays the same whatever N
 *   make_analysis_trace stacks N OUT   N stacks 64 frames deep in a module
 *                                      with a long path, sharing callers
 *                                      as a program's do, one block leaked
 *                                      through each */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_tracegen.h"

/* Stack 1: 3 x 100 bytes; stack 2: 1 x 1000 (calloc); stack 3: 2 x 10,
 * one freed; a new block freed with free (a mismatch, 8 bytes).  At the
 * end, as the probe writes them before its trailer, the probe's own
 * blocks: 3 of 1234 bytes from the bootstrap arena, 1 of 100 bytes freed
 * by the program; 5 internal allocations of 700 bytes in all. */
static int leaks(const char *path, int complete)
{
	struct ma_trace_build *b = tg_open(path, 4242, 1, 0, 4);
	int rc = 0;

	if (!b)
		return -1;
	for (unsigned i = 0; i < 3; i++)
		rc |= tg_alloc(b, 1, 1 + i, 0x1000 + i * 0x100, 100, 1, MA_FN_MALLOC);
	rc |= tg_alloc(b, 2, 10, 0x9000, 1000, 2, MA_FN_CALLOC);
	rc |= tg_alloc(b, 1, 11, 0x8000, 10, 3, MA_FN_MALLOC);
	rc |= tg_alloc(b, 1, 12, 0x8100, 10, 3, MA_FN_MALLOC);
	rc |= tg_free(b, 1, 13, 0x8000, MA_FN_FREE);
	rc |= tg_alloc(b, 1, 14, 0x7000, 8, 4, MA_FN_NEW);
	rc |= tg_free(b, 1, 15, 0x7000, MA_FN_FREE);
	rc |= tg_sample(b, 16, 1u << 20);
	if (complete) {
		rc |= tg_info(b, "probe-bootstrap", "3 1234 1 100");
		rc |= tg_info(b, "probe-internal", "5 700");
	}
	return rc | tg_close(b, 20, complete);
}

static int churn(const char *path, unsigned long rounds)
{
	struct ma_trace_build *b;
	uint64_t us = 1;
	int rc = 0;

	b = tg_open(path, 4343, 1, 0, 8);
	if (!b)
		return -1;
	for (unsigned i = 0; i < 1000; i++)
		rc |= tg_alloc(b, 1, us++, 0x100000 + i * 64, 48, 1 + i % 8, MA_FN_MALLOC);
	for (unsigned long r = 0; r < rounds && !rc; r++) {
		uint64_t addr = 0x100000 + (r % 1000) * 64;
		rc |= tg_free(b, 1, us++, addr, MA_FN_FREE);
		rc |= tg_alloc(b, 1, us++, addr, 48, 1 + r % 8, MA_FN_MALLOC);
		if (r % 1000 == 0)
			rc |= tg_sample(b, us, 1u << 20);
	}
	return rc | tg_close(b, us + 1, 1);
}

/* Stack i's frame d (0 innermost) is the same for the stacks whose i
 * agree but for the low d / 4 bits: each level of callers is shared by
 * twice as many stacks as the one below it every four frames. */
static int stacks(const char *path, unsigned long n)
{
	struct ma_trace_build *b = tg_open(path, 4444, 1, 0, 0);
	struct ma_record m = { .tag = MA_REC_MODULE, .ts = TG_START };
	uint64_t lib = 0x7f0000000000ull, us = 1;
	int rc = 0;

	if (!b)
		return -1;
	m.u.module = (struct ma_rec_module){ 2, lib, lib, lib + (1ull << 32),
		tg_str("/usr/lib/x86_64-linux-gnu/libexample-with-a-long-name.so.1.2.3"), tg_str("") };
	rc |= ma_trace_build_add(b, 0, &m, NULL);
	for (unsigned long i = 0; i < n && !rc; i++) {
		uint64_t frames[64];
		struct ma_record s = { .tag = MA_REC_STACK, .ts = TG_START };

		for (unsigned d = 0; d < 64; d++)
			frames[d] = lib + (((uint64_t)(i >> (d / 4)) * 64 + d) << 4);
		s.u.stack.id = 1 + i;
		s.u.stack.depth = 64;
		rc |= ma_trace_build_add(b, 0, &s, frames);
		rc |= tg_alloc(b, 1, us++, 0x100000 + i * 64, 48, 1 + i, MA_FN_MALLOC);
	}
	return rc | tg_close(b, us + 1, 1);
}

int main(int argc, char **argv)
{
	int rc;

	if (argc == 3 && !strcmp(argv[1], "leaks"))
		rc = leaks(argv[2], 1);
	else if (argc == 3 && !strcmp(argv[1], "cut"))
		rc = leaks(argv[2], 0);
	else if (argc == 4 && !strcmp(argv[1], "churn"))
		rc = churn(argv[3], strtoul(argv[2], NULL, 10));
	else if (argc == 4 && !strcmp(argv[1], "stacks"))
		rc = stacks(argv[3], strtoul(argv[2], NULL, 10));
	else {
		fprintf(stderr, "usage: make_analysis_trace leaks|cut OUT | churn|stacks N OUT\n");
		return 2;
	}
	if (rc) {
		perror("make_analysis_trace");
		return 1;
	}
	return 0;
}
