/* Opening a trace: one pass over every chunk to check it and index it,
 * then replay in time order (trace_reader_replay.c). */
#include "config.h"

#include "trace_reader_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_bytes(struct ma_bytes b)
{
	char *s = malloc((size_t)b.len + 1);

	if (!s)
		return NULL;
	if (b.len)
		memcpy(s, b.ptr, b.len);
	s[b.len] = '\0';
	return s;
}

static int take_process(struct ma_trace_info *in, const struct ma_rec_process *p)
{
	in->pid = p->pid;
	in->ppid = p->ppid;
	in->start_realtime_ns = p->start_realtime_ns;
	in->start_monotonic_ns = p->start_monotonic_ns;
	in->flags = p->flags;
	in->parent_fork_ts = p->parent_fork_ts;
	in->stack_depth = p->stack_depth;
	in->sample_interval_ms = p->sample_interval_ms;
	in->exe = dup_bytes(p->exe);
	in->cmdline = dup_bytes(p->cmdline);
	in->cmdline_len = p->cmdline.len;
	in->probe_version = dup_bytes(p->probe_version);
	in->session = dup_bytes(p->session);
	return in->exe && in->cmdline && in->probe_version && in->session ? 0 : -1;
}

static int index_add(struct ma_trace *t, const struct ma_chunk_hdr *h, uint64_t off,
		     uint64_t ordinal)
{
	struct rd_chunk *c;

	if (t->nchunks == t->chunk_cap) {
		size_t cap = t->chunk_cap ? 2 * t->chunk_cap : 64;
		struct rd_chunk *n = realloc(t->chunks, cap * sizeof(*n));
		if (!n)
			return -1;
		t->chunks = n;
		t->chunk_cap = cap;
	}
	c = &t->chunks[t->nchunks++];
	c->offset = off;
	c->ordinal = ordinal;
	c->ts_first = h->ts_first;
	c->thread = h->thread;
	c->seq = h->seq;
	c->stored_len = h->stored_len;
	c->nrecords = h->nrecords;
	return 0;
}

/* What a good chunk tells the info: counts, time range, header, trailer. */
static int note_chunk(struct ma_trace *t, const struct ma_chunk_hdr *h, const uint8_t *raw)
{
	struct ma_trace_info *in = &t->info;
	struct ma_record rec;

	if (in->chunks == 0 || h->ts_first < in->first_ts)
		in->first_ts = h->ts_first;
	if (in->chunks == 0 || h->ts_first > in->last_ts)
		in->last_ts = h->ts_first;
	in->chunks++;
	in->records += h->nrecords;
	if (h->kind == MA_CHUNK_RECORDS)
		return 0;
	if (ma_rd_first_record(h, raw, t->f.version, &rec) < 0)
		return -1;
	if (h->kind == MA_CHUNK_HEADER)
		return take_process(in, &rec.u.process);
	in->trailer = rec.u.trailer;
	in->complete = in->trailer.exit_kind != MA_EXIT_EXEC_FAILED;
	return 0;
}

static void note_damage(struct ma_trace *t, uint64_t off, const char *why)
{
	struct ma_trace_info *in = &t->info;

	in->damaged = 1;
	in->damage_offset = off;
	snprintf(in->damage, sizeof(in->damage), "%s", why);
}

/* Indexes every chunk up to the first damaged one (checked by
 * ma_rd_check_all).  -1 only when out of memory. */
static int scan(struct ma_trace *t)
{
	struct ma_rd_buf buf = { NULL, 0 };
	struct ma_rd_head *v = NULL;
	struct ma_chunk_hdr h;
	uint64_t end;
	char why[256];
	int damaged, ret = 0;
	ssize_t k = ma_rd_check_all(&t->f, &v, &end, &damaged, why, sizeof(why));

	if (k < 0)
		return -1;
	for (ssize_t i = 0; i < k && !ret; i++) {
		const uint8_t *raw = NULL;
		/* the header and trailer: their first record, read again */
		if (v[i].h.kind != MA_CHUNK_RECORDS) {
			if (ma_rd_chunk_read(&t->f, v[i].off, (uint64_t)i, &h, &buf, 0, why,
					     sizeof(why)) != 0) {
				k = i;
				damaged = 1;
				end = v[i].off;
				break;
			}
			raw = buf.ptr;
		}
		if (index_add(t, &v[i].h, v[i].off, (uint64_t)i) < 0 ||
		    note_chunk(t, &v[i].h, raw) < 0)
			ret = -1;
	}
	if (!ret && damaged)
		note_damage(t, end, why);
	t->info.bytes_read = end;
	t->info.bytes_lost = t->f.size - end;
	ma_rd_buf_free(&buf);
	free(v);
	return ret;
}

static int chunk_cmp(const void *a, const void *b)
{
	const struct rd_chunk *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Groups the index by producer, in seq order, and counts the producers
 * with a missing chunk number. */
static int build_producers(struct ma_trace *t)
{
	size_t n = 0;

	if (t->nchunks)
		qsort(t->chunks, t->nchunks, sizeof(*t->chunks), chunk_cmp);
	for (size_t i = 0; i < t->nchunks; i++)
		n += i == 0 || t->chunks[i].thread != t->chunks[i - 1].thread;
	t->prods = calloc(n ? n : 1, sizeof(*t->prods));
	if (!t->prods)
		return -1;
	for (size_t i = 0; i < t->nchunks; i++) {
		const struct rd_chunk *c = &t->chunks[i];
		struct rd_prod *p = &t->prods[t->nprods];
		int first = i == 0 || c->thread != c[-1].thread;
		int gap = first ? c->seq != 0 : c->seq > c[-1].seq + 1;

		if (first) {
			p = &t->prods[t->nprods++];
			p->thread = c->thread;
			p->first = (uint32_t)i;
			p->has_gap = 0;
		} else {
			p = &t->prods[t->nprods - 1];
		}
		p->count++;
		if (gap && !p->has_gap) {
			p->has_gap = 1;
			t->info.seq_gaps++;
		}
	}
	return 0;
}

static int open_fail(struct ma_trace *t, int code, char *err, size_t errlen,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int open_fail(struct ma_trace *t, int code, char *err, size_t errlen,
		     const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	ma_trace_close(t);
	return code;
}

int ma_trace_open(const char *path, struct ma_trace **out, char *err, size_t errlen)
{
	struct ma_trace *t = calloc(1, sizeof(*t));
	int ret;

	*out = NULL;
	if (!t)
		return open_fail(NULL, MA_TRACE_OPEN_IO, err, errlen, "out of memory");
	ret = ma_rd_file_open(&t->f, path, err, errlen);
	if (ret != MA_TRACE_OPEN_OK) {
		free(t);
		return ret;
	}
	t->info.version = t->f.version;
	t->info.file_size = t->f.size;
	if (scan(t) < 0 || build_producers(t) < 0)
		return open_fail(t, MA_TRACE_OPEN_IO, err, errlen, "out of memory");
	if (t->info.chunks == 0 && t->info.damaged)
		return open_fail(t, MA_TRACE_OPEN_EMPTY, err, errlen,
				 "no readable header chunk: %s", t->info.damage);
	if (t->info.chunks == 0)
		return open_fail(t, MA_TRACE_OPEN_EMPTY, err, errlen,
				 "no header chunk (the file ends after its prefix)");
	if (ma_trace_rewind(t) < 0)
		return open_fail(t, MA_TRACE_OPEN_IO, err, errlen, "out of memory");
	*out = t;
	return MA_TRACE_OPEN_OK;
}

const struct ma_trace_info *ma_trace_info(const struct ma_trace *t)
{
	return &t->info;
}

const char *ma_trace_error(const struct ma_trace *t)
{
	return t->err;
}

uint64_t ma_trace_progress(const struct ma_trace *t)
{
	return t->progress;
}

void ma_trace_close(struct ma_trace *t)
{
	if (!t)
		return;
	ma_rd_replay_release(t);
	ma_rd_file_close(&t->f);
	free(t->info.exe);
	free(t->info.cmdline);
	free(t->info.probe_version);
	free(t->info.session);
	free(t->chunks);
	free(t->prods);
	free(t);
}
