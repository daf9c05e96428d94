/* Shared by the unit tests that write a trace to a file and read it back
 * (test_reader, test_lookahead): a temporary file per test, and the
 * positions of its chunks in file order.  Include after cmocka.h and
 * trace_reader.h; the including test names the file's prefix with
 * TRACE_FILE_PREFIX before including. */
#ifndef TEST_TRACE_FILE_H
#define TEST_TRACE_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[64];

/* cmocka setup and teardown: a fresh empty file at `path`. */
static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s-XXXXXX", TRACE_FILE_PREFIX);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

struct chunk_at {
	uint64_t offset, end;
	uint32_t thread, seq, nrecords;
	int codec;
};

/* The chunks of the file at `path`, in file order; at most max. */
static size_t chunks_of(struct chunk_at *out, size_t max)
{
	struct ma_chunk_iter *it;
	struct ma_chunk_view v;
	char err[256];
	size_t n = 0;

	assert_int_equal(ma_chunk_iter_open(path, &it, err, sizeof(err)), MA_TRACE_OPEN_OK);
	while (ma_chunk_iter_next(it, &v) == 1) {
		assert_true(n < max);
		out[n++] = (struct chunk_at){ v.offset, v.offset + MA_CHUNK_HDR_LEN + v.hdr.stored_len,
					      v.hdr.thread, v.hdr.seq, v.hdr.nrecords, v.hdr.codec };
	}
	ma_chunk_iter_close(it);
	return n;
}

#endif
