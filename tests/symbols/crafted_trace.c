/* Writes a trace whose module map names the files given, for
 * tests/symbols/untrusted-paths.sh: a trace is untrusted input, and its
 * module paths may name anything.
 *
 *   crafted_trace OUT PATH=BUILDID_HEX OFFSET...
 *
 * Module i (from 1) is PATH, with that build-id (may be empty), loaded at
 * bias 0x100000000 * i and spanning 16 MiB; one block of 100 + i bytes is
 * allocated from a stack of one frame, bias + OFFSET (a return address),
 * and never freed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_build.h"

#define START 1000000000ull

static struct ma_bytes bytes(const void *p, size_t n)
{
	return (struct ma_bytes){ (const uint8_t *)p, (uint32_t)n };
}

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < max) {
		unsigned v;
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2 || (argc - 2) % 2 != 0) {
		fprintf(stderr, "usage: crafted_trace OUT PATH=BUILDID OFFSET...\n");
		return 2;
	}
	struct ma_rec_process proc = { .pid = 4242, .ppid = 1, .start_realtime_ns = 42,
				       .start_monotonic_ns = START, .stack_depth = 64,
				       .sample_interval_ms = 10 };
	proc.exe = bytes("/usr/bin/crafted", 16);
	proc.cmdline = bytes("crafted\0", 8);
	proc.probe_version = bytes("0.1.0", 5);
	struct ma_trace_build *b = ma_trace_build_open(argv[1], &proc, 0);
	if (b == NULL) {
		perror("crafted_trace");
		return 1;
	}
	int nmod = (argc - 2) / 2, ret = 0;
	for (int i = 0; i < nmod; i++) {
		char *spec = argv[2 + 2 * i];
		char *eq = strrchr(spec, '=');
		uint8_t bid[64];
		size_t nbid = 0;
		if (eq != NULL) {
			*eq = '\0';
			nbid = unhex(eq + 1, bid, sizeof(bid));
		}
		uint64_t bias = 0x100000000ull * (uint64_t)(i + 1);
		struct ma_record r = { .tag = MA_REC_MODULE, .ts = START };
		r.u.module = (struct ma_rec_module){ (uint64_t)(i + 1), bias, bias,
						     bias + (16u << 20),
						     bytes(spec, strlen(spec)),
						     bytes(bid, nbid) };
		ret |= ma_trace_build_add(b, 0, &r, NULL);
	}
	ret |= ma_trace_build_flush(b, 0);
	for (int i = 0; i < nmod; i++) {
		uint64_t bias = 0x100000000ull * (uint64_t)(i + 1);
		uint64_t frame = bias + strtoull(argv[3 + 2 * i], NULL, 0);
		struct ma_record r = { .tag = MA_REC_STACK, .ts = START + 10 };
		r.u.stack.id = (uint64_t)(i + 1);
		r.u.stack.depth = 1;
		ret |= ma_trace_build_add(b, 1, &r, &frame);
		r = (struct ma_record){ .tag = MA_REC_ALLOC, .ts = START + 100 + (uint64_t)i,
					.u.alloc = { 0x5000 + 0x1000 * (uint64_t)i,
						     100 + (uint64_t)i, (uint64_t)(i + 1),
						     MA_FN_MALLOC, 0 } };
		ret |= ma_trace_build_add(b, 1, &r, NULL);
	}
	struct ma_rec_trailer trailer = { .exit_kind = MA_EXIT_NORMAL,
					  .events = (uint64_t)nmod,
					  .stacks = (uint64_t)nmod };
	if (ret < 0 || ma_trace_build_close(b, &trailer, START + 2000000) < 0) {
		perror("crafted_trace");
		return 1;
	}
	return 0;
}
