/* Writes a small known trace with trace_build, for tests/unit/test_dump.sh.
 *
 *   make_trace [-z] [-n] [-b] OUT
 *
 * -z compresses record chunks, -n leaves the trailer out (as when the
 * process is killed), -b adds a chunk of 1000 allocations by producer 3
 * (which compresses well).  The content is fixed; test_dump.sh knows it. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace_build.h"

#define START 1000000000ull            /* start_monotonic_ns */
#define BIAS 0x555555554000ull         /* load bias of "prog" */
#define LIBC 0x7f0000000000ull         /* load bias of "libc.so.6" */

static struct ma_bytes str(const char *s)
{
	return (struct ma_bytes){ (const uint8_t *)s, (uint32_t)strlen(s) };
}

static int add(struct ma_trace_build *b, uint32_t thread, struct ma_record r,
	       const uint64_t *frames)
{
	return ma_trace_build_add(b, thread, &r, frames);
}

static int modules(struct ma_trace_build *b)
{
	struct ma_record r = { .tag = MA_REC_MODULE, .ts = START };

	r.u.module = (struct ma_rec_module){ 1, BIAS, BIAS, BIAS + 0x10000,
					     str("/usr/bin/prog"), str("\x12\x34") };
	if (add(b, 0, r, NULL) < 0)
		return -1;
	r.u.module = (struct ma_rec_module){ 2, LIBC, LIBC + 0x1000, LIBC + 0x200000,
					     str("/lib/x86_64-linux-gnu/libc.so.6"), str("") };
	return add(b, 0, r, NULL);
}

/* Thread 1: a stack, an allocation, a realloc, a free; thread 2 maps. */
static int events(struct ma_trace_build *b)
{
	static const uint64_t frames[] = { BIAS + 0x11e4, BIAS + 0x1200, LIBC + 0x29d90,
					   0x1234 };
	struct ma_record r = { .tag = MA_REC_STACK, .ts = START };
	int ret = 0;

	r.u.stack.id = 1;
	r.u.stack.depth = 4;
	ret |= add(b, 1, r, frames);
	ret |= add(b, 1, (struct ma_record){ .tag = MA_REC_THREAD, .ts = START + 1000,
					     .u.thread_start = { 4321, str("main") } }, NULL);
	ret |= add(b, 1, (struct ma_record){ .tag = MA_REC_ALLOC, .ts = START + 2500,
					     .u.alloc = { 0x5000, 100, 1, MA_FN_MALLOC, 0 } }, NULL);
	ret |= add(b, 2, (struct ma_record){ .tag = MA_REC_MMAP, .ts = START + 3000,
					     .u.mmap = { .addr = 0x7f1000000000, .length = 8192,
							 .prot = 3, .flags = 0x22, .stack = 1,
							 .fn = MA_FN_MMAP, .fd = -1 } }, NULL);
	ret |= add(b, 1, (struct ma_record){ .tag = MA_REC_REALLOC, .ts = START + 4000,
					     .u.realloc = { START + 4200, 0x5000, 0x6000, 200, 1,
							    MA_FN_REALLOC } }, NULL);
	ret |= add(b, 1, (struct ma_record){ .tag = MA_REC_FREE, .ts = START + 1234567,
					     .u.free = { 0x6000, MA_FN_FREE } }, NULL);
	return ret;
}

static int bulk(struct ma_trace_build *b)
{
	struct ma_record r = { .tag = MA_REC_ALLOC };

	for (uint64_t i = 0; i < 1000; i++) {
		r.ts = START + 10000 + i * 10;
		r.u.alloc = (struct ma_rec_alloc){ 0x10000 + i * 32, 32, 1, MA_FN_CALLOC, 0 };
		if (ma_trace_build_add(b, 3, &r, NULL) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ma_rec_process proc = { .pid = 1234, .ppid = 1, .start_realtime_ns = 42,
				       .start_monotonic_ns = START, .stack_depth = 64,
				       .sample_interval_ms = 10 };
	struct ma_rec_trailer trailer = { .exit_kind = MA_EXIT_NORMAL, .events = 4, .stacks = 1 };
	struct ma_trace_build *b;
	int opt, compress = 0, trailer_on = 1, bulk_on = 0;

	while ((opt = getopt(argc, argv, "znb")) != -1) {
		if (opt == 'z')
			compress = 1;
		else if (opt == 'n')
			trailer_on = 0;
		else if (opt == 'b')
			bulk_on = 1;
		else
			return 2;
	}
	if (optind + 1 != argc)
		return 2;
	proc.exe = str("/usr/bin/prog");
	proc.cmdline = (struct ma_bytes){ (const uint8_t *)"prog\0-v\0", 8 };
	proc.probe_version = str("0.1.0");
	b = ma_trace_build_open(argv[optind], &proc, compress);
	if (!b || modules(b) < 0 || ma_trace_build_flush(b, 0) < 0 || events(b) < 0 ||
	    (bulk_on && bulk(b) < 0)) {
		perror("make_trace");
		return 1;
	}
	if (ma_trace_build_close(b, trailer_on ? &trailer : NULL, START + 2000000) < 0) {
		perror("make_trace");
		return 1;
	}
	return 0;
}
