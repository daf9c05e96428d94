/* The open's check of every chunk (trace_reader.c, scan): first the
 * headers, one after the other, since each gives the next one's offset;
 * then every payload (CRC-32C, decompression; the records of the header
 * and trailer chunks decoded), on two threads when this process may run
 * on two CPUs.  The payloads were a tenth of a full-size python3 report,
 * and each chunk checks on its own; the second CPU is idle until the
 * replay starts.  The records of the other chunks are decoded as they
 * are replayed (docs/trace-format.md, "Reading, and damage"): decoding
 * each twice was 6 % of a full-size python3 report. */
#include "config.h"

#include "trace_reader_int.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fewer chunks than this are checked on one thread. */
#define MIN_SHARED 4

struct check_job {
	const struct ma_rd_file *f;
	const struct ma_rd_head *v;
	size_t n;
	atomic_size_t next;    /* the next chunk nobody has taken */
	pthread_mutex_t mu;
	size_t bad;            /* the first chunk found damaged, n if none */
	char why[256];
};

/* Takes chunks in order until none are left, or until those left come
 * after one found damaged. */
static void check_some(struct check_job *j)
{
	struct ma_rd_file f = *j->f;
	struct ma_rd_buf buf = { NULL, 0 };
	struct ma_chunk_hdr h;
	char why[256];

	f.dctx = NULL;
	f.scratch = (struct ma_rd_buf){ NULL, 0 };
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1), bad;
		if (i >= j->n)
			break;
		pthread_mutex_lock(&j->mu);
		bad = j->bad;
		pthread_mutex_unlock(&j->mu);
		if (i > bad)
			break;
		if (ma_rd_chunk_read(&f, j->v[i].off, i, &h, &buf,
				     j->v[i].h.kind != MA_CHUNK_RECORDS, why, sizeof(why)) == 0)
			continue;
		pthread_mutex_lock(&j->mu);
		if (i < j->bad) {
			j->bad = i;
			snprintf(j->why, sizeof(j->why), "%s", why);
		}
		pthread_mutex_unlock(&j->mu);
	}
	ma_rd_buf_free(&buf);
	ma_rd_file_unshare(&f);
}

static void *check_thread(void *arg)
{
	check_some(arg);
	return NULL;
}

static int cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

/* Checks payloads v[0..n); the index of the first damaged one (n if
 * none), its reason in why. */
static size_t check_payloads(const struct ma_rd_file *f, const struct ma_rd_head *v, size_t n,
			     char *why, size_t whylen)
{
	struct check_job j = { .f = f, .v = v, .n = n, .bad = n };
	pthread_t helper;
	int two;

	atomic_init(&j.next, 0);
	pthread_mutex_init(&j.mu, NULL);
	two = n >= MIN_SHARED && cpus() >= 2 && pthread_create(&helper, NULL, check_thread, &j) == 0;
	check_some(&j);
	if (two)
		pthread_join(helper, NULL);
	pthread_mutex_destroy(&j.mu);
	if (j.bad < n)
		snprintf(why, whylen, "%s", j.why);
	return j.bad;
}

ssize_t ma_rd_check_all(const struct ma_rd_file *f, struct ma_rd_head **out, uint64_t *end,
			int *damaged, char *why, size_t whylen)
{
	struct ma_rd_head *v = NULL;
	size_t n = 0, cap = 0, bad;
	uint64_t off = MA_FILE_PREFIX_LEN;
	struct ma_chunk_hdr h;
	char hwhy[256];
	int r;

	*damaged = 0;
	for (;;) {
		r = ma_rd_chunk_head(f, off, n, &h, hwhy, sizeof(hwhy));
		if (r != 0)
			break;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct ma_rd_head *nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				free(v);
				return -1;
			}
			v = nv;
			cap = nc;
		}
		v[n].off = off;
		v[n].h = h;
		n++;
		off += MA_CHUNK_HDR_LEN + h.stored_len;
	}
	bad = check_payloads(f, v, n, why, whylen);
	if (bad < n) {
		*damaged = 1;
		*end = v[bad].off;
	} else {
		*end = off;
		if (r < 0) {
			*damaged = 1;
			snprintf(why, whylen, "%s", hwhy);
		}
	}
	*out = v;
	return (ssize_t)bad;
}
