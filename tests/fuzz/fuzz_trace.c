/* Fuzz target for the trace reader and the analysis on top of it: the
 * input is a trace file.  Built two ways:
 *   clang -fsanitize=fuzzer,address (tests/fuzz/run.sh, in CI): libFuzzer
 *     drives LLVMFuzzerTestOneInput;
 *   any compiler, with tests/fuzz/driver.c: a program that feeds it the
 *     files named on its command line (the seed corpus and every crash
 *     found so far, in make check).
 * The reader takes a path, so the bytes go to a memfd named through
 * /proc/self/fd. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis.h"
#include "trace_codec.h"
#include "trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every record of every chunk, decoded on its own. */
static void walk_chunks(const char *path)
{
	struct ma_chunk_iter *it;
	struct ma_chunk_view v;
	char err[256];

	if (ma_chunk_iter_open(path, &it, err, sizeof(err)) != MA_TRACE_OPEN_OK)
		return;
	while (ma_chunk_iter_next(it, &v) == 1) {
		const uint8_t *p = v.payload, *end = v.payload + v.hdr.raw_len;
		struct ma_codec_state st;
		struct ma_record rec;

		ma_codec_state_init(&st, v.hdr.ts_first, v.version);
		while (p < end && ma_record_get(&p, end, &st, &rec) == 0)
			;
	}
	ma_chunk_iter_close(it);
}

/* Replay order, twice (rewind). */
static void walk_replay(const char *path)
{
	struct ma_trace *t;
	struct ma_record rec;
	char err[256];

	if (ma_trace_open(path, &t, err, sizeof(err)) != MA_TRACE_OPEN_OK)
		return;
	for (int pass = 0; pass < 2; pass++) {
		while (ma_trace_next(t, &rec) == 1)
			;
		if (ma_trace_rewind(t) < 0)
			break;
	}
	ma_trace_close(t);
}

static void analyse(const char *path)
{
	struct ma_analysis_opts o;
	struct ma_analysis *a = NULL;
	char err[256];

	ma_analysis_opts_init(&o);
	o.no_symbols = 1; /* the reader is under test, not the files a trace names */
	if (ma_analysis_run(&path, 1, &o, &a, err, sizeof(err)) == 0 || a)
		ma_analysis_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz-trace", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		walk_chunks(path);
		walk_replay(path);
		analyse(path);
	}
	close(fd);
	return 0;
}
