/* Writes a large synthetic trace with lib/trace_build.h, for measuring
 * the analyzer's memory on long traces (tests/reliability/big-trace.sh):
 *   big_trace OUT EVENTS
 * 8 producers, 5000 distinct stacks, every block freed 100,000 events
 * after its allocation (a live set of that size all along), a sample
 * every 10,000 events, a trailer. */
#include <stdio.h>
#include <stdlib.h>

#include "trace_build.h"

#define PRODUCERS 8
#define STACKS 5000
#define LIVE 100000

int main(int argc, char **argv)
{
	struct ma_rec_process proc = { .pid = 4242, .stack_depth = 4, .sample_interval_ms = 10 };
	struct ma_rec_trailer trailer = { 0 };
	struct ma_trace_build *b;
	uint64_t n, ts = 1000000, frames[4];
	uint64_t *live;

	if (argc != 3 || !(n = strtoull(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: big_trace OUT EVENTS\n");
		return 2;
	}
	live = calloc(LIVE, sizeof(*live));
	proc.start_monotonic_ns = ts;
	if (!live || !(b = ma_trace_build_open(argv[1], &proc, 1)))
		return perror("big_trace"), 1;
	for (uint64_t s = 1; s <= STACKS; s++) {
		struct ma_record r = { .tag = MA_REC_STACK, .ts = ts };

		for (int i = 0; i < 4; i++)
			frames[i] = 0x400000 + s * 64 + (uint64_t)i * 0x1000;
		r.u.stack.id = s;
		r.u.stack.depth = 4;
		ma_trace_build_add(b, 0, &r, frames);
	}
	for (uint64_t i = 0; i < n; i++) {
		uint32_t prod = 1 + (uint32_t)(i % PRODUCERS);
		uint64_t slot = i % LIVE, addr = 0x10000000 + i * 64;
		struct ma_record r = { .ts = ++ts };

		if (live[slot] && (i / LIVE) % 2) {
			r.tag = MA_REC_FREE;
			r.u.free.addr = live[slot];
			r.u.free.fn = MA_FN_FREE;
			live[slot] = 0;
		} else {
			r.tag = MA_REC_ALLOC;
			r.u.alloc.addr = addr;
			r.u.alloc.size = 16 + (i % 1000);
			r.u.alloc.stack = 1 + (i * 7919) % STACKS;
			live[slot] = addr;
		}
		if (ma_trace_build_add(b, prod, &r, NULL) < 0)
			return perror("big_trace"), 1;
		if (i % 10000 == 0) {
			struct ma_record smp = { .tag = MA_REC_SAMPLE, .ts = ts };

			smp.u.sample.rss = 1u << 30;
			ma_trace_build_add(b, 0, &smp, NULL);
		}
	}
	trailer.events = n;
	trailer.stacks = STACKS;
	return ma_trace_build_close(b, &trailer, ++ts) < 0;
}
