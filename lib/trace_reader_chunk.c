/* Opening a trace and reading its chunks one at a time, trusting nothing:
 * every length is checked against the file and MA_CHUNK_MAX_PAYLOAD
 * before anything is allocated, every payload against its CRC-32C before
 * it is decompressed, and every record decoded before the chunk is
 * accepted.  Reads use pread(2), not mmap, so a file that shrinks under
 * us gives a short read instead of SIGBUS. */
#include "config.h"

#include "trace_reader_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void ma_rd_buf_free(struct ma_rd_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->cap = 0;
}

static int buf_reserve(struct ma_rd_buf *b, size_t need)
{
	uint8_t *n;

	if (need <= b->cap && b->ptr)
		return 0;
	/* +1: a zero-length payload still gets a valid pointer */
	n = realloc(b->ptr, need + 1);
	if (!n)
		return -1;
	b->ptr = n;
	b->cap = need;
	return 0;
}

/* Reads up to len bytes at off; returns the count (short at end of file)
 * or -1. */
static ssize_t read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* ---- opening ---- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int check_prefix(struct ma_rd_file *f, char *err, size_t errlen)
{
	uint8_t pre[MA_FILE_PREFIX_LEN];
	ssize_t n = read_at(f->fd, pre, sizeof(pre), 0);

	if (n < 0) {
		set_err(err, errlen, "%s", strerror(errno));
		return MA_TRACE_OPEN_IO;
	}
	if (n == 0) {
		set_err(err, errlen, "empty file, not a memory-analyzer trace");
		return MA_TRACE_OPEN_NOT_TRACE;
	}
	if (memcmp(pre, MA_FILE_MAGIC, (size_t)n < MA_FILE_MAGIC_LEN ? (size_t)n
								  : MA_FILE_MAGIC_LEN)) {
		set_err(err, errlen, "not a memory-analyzer trace (bad magic)");
		return MA_TRACE_OPEN_NOT_TRACE;
	}
	if (n < MA_FILE_PREFIX_LEN) {
		set_err(err, errlen, "not a memory-analyzer trace (%zd bytes, shorter than its prefix)", n);
		return MA_TRACE_OPEN_NOT_TRACE;
	}
	f->version = le32(pre + MA_FILE_MAGIC_LEN);
	if (f->version < MA_FORMAT_VERSION_MIN || f->version > MA_FORMAT_VERSION) {
		set_err(err, errlen,
			"trace format version %u is not supported (this build reads versions %u to %u)",
			f->version, MA_FORMAT_VERSION_MIN, MA_FORMAT_VERSION);
		return MA_TRACE_OPEN_VERSION;
	}
	return MA_TRACE_OPEN_OK;
}

/* O_NONBLOCK so that a FIFO cannot make open() wait for a writer; only
 * regular files are read. */
static int open_regular(struct ma_rd_file *f, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *bad = NULL;

	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0) {
		set_err(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &st) < 0)
		bad = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		bad = "is a directory";
	else if (!S_ISREG(st.st_mode))
		bad = "not a regular file";
	if (bad) {
		set_err(err, errlen, "%s", bad);
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	return 0;
}

int ma_rd_file_open(struct ma_rd_file *f, const char *path, char *err, size_t errlen)
{
	int ret;

	memset(f, 0, sizeof(*f));
	if (open_regular(f, path, err, errlen) < 0)
		return MA_TRACE_OPEN_IO;
	ret = check_prefix(f, err, errlen);
	if (ret != MA_TRACE_OPEN_OK) {
		close(f->fd);
		f->fd = -1;
	}
	return ret;
}

void ma_rd_file_close(struct ma_rd_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	ma_rd_file_unshare(f);
}

/* ---- one chunk ---- */

/* The checks that need only the header; returns a reason or NULL. */
static const char *check_hdr(const struct ma_chunk_hdr *h, uint64_t ordinal, char *why,
			     size_t len)
{
	if (h->magic != MA_CHUNK_MAGIC)
		return "bad chunk magic";
	if (h->stored_len > MA_CHUNK_MAX_PAYLOAD || h->raw_len > MA_CHUNK_MAX_PAYLOAD) {
		snprintf(why, len, "payload length %u exceeds the limit of %u bytes",
			 h->stored_len > h->raw_len ? h->stored_len : h->raw_len,
			 MA_CHUNK_MAX_PAYLOAD);
		return why;
	}
	if (h->codec != MA_CODEC_NONE && h->codec != MA_CODEC_ZSTD) {
		snprintf(why, len, "unknown codec %u", h->codec);
		return why;
	}
	if (h->codec == MA_CODEC_NONE && h->stored_len != h->raw_len)
		return "stored and raw lengths differ in an uncompressed chunk";
	if (h->kind < MA_CHUNK_HEADER || h->kind > MA_CHUNK_TRAILER) {
		snprintf(why, len, "unknown chunk kind %u", h->kind);
		return why;
	}
	if (ordinal == 0 && h->kind != MA_CHUNK_HEADER)
		return "the first chunk is not a header chunk";
	if (ordinal != 0 && h->kind == MA_CHUNK_HEADER)
		return "a second header chunk";
	if (h->raw_len < h->nrecords)
		return "more records than payload bytes";
	return NULL;
}

static int decompress(struct ma_rd_file *f, const struct ma_chunk_hdr *h, uint8_t *out)
{
	size_t n;

	if (!f->dctx && !(f->dctx = ZSTD_createDCtx()))
		return -1;
	n = ZSTD_decompressDCtx(f->dctx, out, h->raw_len, f->scratch.ptr, h->stored_len);
	return ZSTD_isError(n) || n != h->raw_len ? -1 : 0;
}

/* Decodes every record: the count must match and the last one must end
 * exactly at the end of the payload. */
static const char *check_records(const struct ma_chunk_hdr *h, const uint8_t *raw,
				 uint32_t version)
{
	const uint8_t *p = raw, *end = raw + h->raw_len;
	struct ma_codec_state st;
	struct ma_record rec;

	ma_codec_state_init(&st, h->ts_first, version);
	for (uint32_t i = 0; i < h->nrecords; i++) {
		if (ma_record_get(&p, end, &st, &rec) < 0)
			return "records do not decode";
		if (i == 0 && h->kind == MA_CHUNK_HEADER && rec.tag != MA_REC_PROCESS)
			return "header chunk without a process record";
		if (i == 0 && h->kind == MA_CHUNK_TRAILER && rec.tag != MA_REC_TRAILER)
			return "trailer chunk without a trailer record";
	}
	if (p != end)
		return "bytes left over after the last record";
	if (h->nrecords == 0 && h->kind != MA_CHUNK_RECORDS)
		return "empty header or trailer chunk";
	return NULL;
}

/* Reads the payload into out (through f->scratch when compressed). */
static const char *read_payload(struct ma_rd_file *f, uint64_t off, const struct ma_chunk_hdr *h,
				struct ma_rd_buf *out, char *why, size_t len)
{
	struct ma_rd_buf *dst = h->codec == MA_CODEC_NONE ? out : &f->scratch;
	ssize_t n;

	if (buf_reserve(dst, h->stored_len) < 0 || buf_reserve(out, h->raw_len) < 0)
		return "out of memory";
	n = read_at(f->fd, dst->ptr, h->stored_len, off + MA_CHUNK_HDR_LEN);
	if (n < 0) {
		snprintf(why, len, "read error: %s", strerror(errno));
		return why;
	}
	if ((uint64_t)n < h->stored_len) {
		snprintf(why, len, "truncated, %zd of %u payload bytes present", n, h->stored_len);
		return why;
	}
	if (ma_chunk_crc(h, dst->ptr) != h->crc)
		return "checksum mismatch";
	if (h->codec == MA_CODEC_ZSTD && decompress(f, h, out->ptr) < 0)
		return "payload does not decompress";
	return NULL;
}

static const char *read_hdr(const struct ma_rd_file *f, uint64_t off, struct ma_chunk_hdr *h,
			    char *why, size_t len)
{
	uint8_t raw[MA_CHUNK_HDR_LEN];
	/* never past the size seen at open, even if the file has grown */
	size_t want = f->size - off < sizeof(raw) ? (size_t)(f->size - off) : sizeof(raw);
	ssize_t n = read_at(f->fd, raw, want, off);

	if (n < 0) {
		snprintf(why, len, "read error: %s", strerror(errno));
		return why;
	}
	if (n < (ssize_t)sizeof(raw)) {
		snprintf(why, len, "truncated, %zd of %u header bytes present", n, MA_CHUNK_HDR_LEN);
		return why;
	}
	ma_chunk_hdr_get(raw, h);
	return NULL;
}

/* The payload must lie within the file as it was at open. */
static const char *check_fits(const struct ma_rd_file *f, uint64_t off,
			      const struct ma_chunk_hdr *h, char *why, size_t len)
{
	uint64_t room = f->size - off - MA_CHUNK_HDR_LEN; /* the header fits */

	if (room >= h->stored_len)
		return NULL;
	snprintf(why, len, "truncated, %llu of %u payload bytes present",
		 (unsigned long long)room, h->stored_len);
	return why;
}

/* The checks that need only the header, read at off: a reason or NULL. */
static const char *head_checks(const struct ma_rd_file *f, uint64_t off, uint64_t ordinal,
			       struct ma_chunk_hdr *hdr, char *why, size_t len)
{
	const char *bad = read_hdr(f, off, hdr, why, len);

	if (!bad)
		bad = check_hdr(hdr, ordinal, why, len);
	if (!bad)
		bad = check_fits(f, off, hdr, why, len);
	return bad;
}

static int chunk_err(char *err, size_t errlen, uint64_t ordinal, uint64_t off, const char *bad)
{
	set_err(err, errlen, "chunk %llu at offset %llu: %s", (unsigned long long)ordinal,
		(unsigned long long)off, bad);
	return -1;
}

int ma_rd_chunk_head(const struct ma_rd_file *f, uint64_t off, uint64_t ordinal,
		     struct ma_chunk_hdr *hdr, char *err, size_t errlen)
{
	char why[160];
	const char *bad;

	if (off >= f->size)
		return 1;
	bad = head_checks(f, off, ordinal, hdr, why, sizeof(why));
	return bad ? chunk_err(err, errlen, ordinal, off, bad) : 0;
}

void ma_rd_file_unshare(struct ma_rd_file *f)
{
	ZSTD_freeDCtx(f->dctx);
	f->dctx = NULL;
	ma_rd_buf_free(&f->scratch);
}

int ma_rd_chunk_read(struct ma_rd_file *f, uint64_t off, uint64_t ordinal,
		     struct ma_chunk_hdr *hdr, struct ma_rd_buf *out, int decode,
		     char *err, size_t errlen)
{
	char why[160];
	const char *bad;

	if (off >= f->size)
		return 1;
	bad = head_checks(f, off, ordinal, hdr, why, sizeof(why));
	if (!bad)
		bad = read_payload(f, off, hdr, out, why, sizeof(why));
	if (!bad && decode)
		bad = check_records(hdr, out->ptr, f->version);
	return bad ? chunk_err(err, errlen, ordinal, off, bad) : 0;
}

int ma_rd_first_record(const struct ma_chunk_hdr *hdr, const uint8_t *raw, uint32_t version,
		       struct ma_record *rec)
{
	const uint8_t *p = raw;
	struct ma_codec_state st;

	ma_codec_state_init(&st, hdr->ts_first, version);
	if (ma_record_get(&p, raw + hdr->raw_len, &st, rec) < 0)
		return -1;
	if (!ma_tag_is_timed(rec->tag))
		rec->ts = st.prev_ts;
	rec->thread = hdr->thread;
	return 0;
}

/* ---- the file-order walk ---- */

struct ma_chunk_iter {
	struct ma_rd_file f;
	struct ma_rd_buf buf;
	uint64_t off, ordinal;
	int state;             /* 0 going, 1 at the end, -1 damaged */
	char err[256];
};

int ma_chunk_iter_open(const char *path, struct ma_chunk_iter **out, char *err, size_t errlen)
{
	struct ma_chunk_iter *it = calloc(1, sizeof(*it));
	int ret;

	*out = NULL;
	if (!it) {
		set_err(err, errlen, "out of memory");
		return MA_TRACE_OPEN_IO;
	}
	ret = ma_rd_file_open(&it->f, path, err, errlen);
	if (ret == MA_TRACE_OPEN_OK && it->f.size <= MA_FILE_PREFIX_LEN) {
		set_err(err, errlen, "no header chunk (the file ends after its prefix)");
		ma_rd_file_close(&it->f);
		ret = MA_TRACE_OPEN_EMPTY;
	}
	if (ret != MA_TRACE_OPEN_OK) {
		free(it);
		return ret;
	}
	it->off = MA_FILE_PREFIX_LEN;
	*out = it;
	return MA_TRACE_OPEN_OK;
}

int ma_chunk_iter_next(struct ma_chunk_iter *it, struct ma_chunk_view *view)
{
	int r;

	if (it->state)
		return it->state > 0 ? 0 : -1;
	r = ma_rd_chunk_read(&it->f, it->off, it->ordinal, &view->hdr, &it->buf, 1,
			     it->err, sizeof(it->err));
	if (r) {
		it->state = r;
		return r > 0 ? 0 : -1;
	}
	view->offset = it->off;
	view->payload = it->buf.ptr;
	view->version = it->f.version;
	it->off += MA_CHUNK_HDR_LEN + view->hdr.stored_len;
	it->ordinal++;
	return 1;
}

uint32_t ma_chunk_iter_version(const struct ma_chunk_iter *it)
{
	return it->f.version;
}

const char *ma_chunk_iter_error(const struct ma_chunk_iter *it)
{
	return it->err;
}

void ma_chunk_iter_close(struct ma_chunk_iter *it)
{
	if (!it)
		return;
	ma_rd_file_close(&it->f);
	ma_rd_buf_free(&it->buf);
	free(it);
}
