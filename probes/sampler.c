/* What the writer samples: RSS from /proc/self/statm, the allocator's
 * view from mallinfo2, memory pressure totals from /proc/pressure/memory
 * when the kernel has PSI.  The files stay open; each sample is a pread.
 *
 * Every FILEMAP_EVERY_NS it also notes how much of each large file-backed
 * mapping (a model file mapped with mmap) is resident, from the Rss of
 * /proc/self/smaps: the pages this process has faulted in, which is what
 * it costs.  mincore() would have needed the list of mappings anyway, and
 * reports the page cache -- a model file just written or read by another
 * process looks resident though this one never touched it.  The kernel
 * walks the page tables to make smaps, so it is read rarely, not at every
 * sample.  Each mapping becomes an INFO record "file-map" with the value
 * "<resident bytes> <size> <path>" (docs/trace-format.md). */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "chunk.h"
#include "mallinfo_cost.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"

#define FILEMAP_EVERY_NS 250000000ull
#define FILEMAP_MIN_SIZE PROBE_FILEMAP_MIN_SIZE

int probe_file_mapped;

#ifdef HAVE_MALLINFO2
static struct mallinfo_cost mallinfo_cost = MALLINFO_COST_INIT;
#endif

/* Kept open (at a hidden number) and re-read from offset 0, so that the
 * probe never takes one of the program's low descriptor numbers, even
 * for a moment: a program that fills its descriptor table would see
 * EMFILE early, or a slot free that it had filled. */
static int statm_fd = -1, psi_fd = -1, smaps_fd = -1, status_fd = -1, stat_fd = -1;
static long page_size;

static int open_hidden(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? fd : probe_fd_hide(fd);
}

void probe_sampler_open(void)
{
	if (statm_fd >= 0)
		close(statm_fd);
	if (psi_fd >= 0)
		close(psi_fd);
	if (smaps_fd >= 0)
		close(smaps_fd);
	if (status_fd >= 0)
		close(status_fd);
	if (stat_fd >= 0)
		close(stat_fd);
	statm_fd = open_hidden("/proc/self/statm");
	status_fd = open_hidden("/proc/self/status");
	stat_fd = open_hidden("/proc/self/stat");
	psi_fd = open_hidden("/proc/pressure/memory");
	smaps_fd = open_hidden("/proc/self/smaps");
	page_size = sysconf(_SC_PAGESIZE);
}

static const char *parse_u64(const char *p, uint64_t *v)
{
	*v = 0;
	while (*p >= '0' && *p <= '9')
		*v = *v * 10 + (uint64_t)(*p++ - '0');
	return p;
}

static int read_file(int fd, char *buf, size_t size)
{
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, size - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static uint64_t rss_bytes(void)
{
	char buf[128];
	const char *p = buf;
	uint64_t size, rss;

	if (read_file(statm_fd, buf, sizeof(buf)) < 0)
		return 0;
	p = parse_u64(p, &size);
	while (*p == ' ')
		p++;
	parse_u64(p, &rss);
	return rss * (uint64_t)page_size;
}

/* "...\nVmHWM:\t   14000 kB\n...": the highest RSS the kernel saw, which
 * the samples miss when it lasts less than an interval.  The Groups line
 * before it can be long: the buffer is static (one caller at a time),
 * not on a signal handler's stack. */
uint64_t probe_sampler_peak_rss(void)
{
	static char buf[8192];
	const char *p;
	uint64_t kb;

	if (read_file(status_fd, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "\nVmHWM:")))
		return 0;
	for (p += 7; *p == ' ' || *p == '\t'; p++)
		;
	parse_u64(p, &kb);
	return kb * 1024;
}

/* Field 20 of /proc/self/stat, counted after the ')' that ends the
 * command's name (which may hold spaces and parentheses). */
int probe_sampler_threads(void)
{
	char buf[512];
	const char *p, *close_ = NULL;
	uint64_t n;
	int field = 2;

	if (read_file(stat_fd, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p++)
		if (*p == ')')
			close_ = p;
	if (!close_)
		return -1;
	for (p = close_ + 1; *p && field < 20; p++)
		if (*p == ' ')
			field++;
	if (field != 20)
		return -1;
	parse_u64(p, &n);
	return (int)n;
}

/* "some avg10=.. total=N\nfull avg10=.. total=M\n" */
static int psi_totals(uint64_t *some, uint64_t *full)
{
	char buf[256];
	uint64_t *out[2] = { some, full };
	int k = 0;

	if (read_file(psi_fd, buf, sizeof(buf)) < 0)
		return 0;
	for (const char *p = buf; k < 2 && (p = strstr(p, "total=")); k++)
		p = parse_u64(p + 6, out[k]);
	return k == 2;
}

/* ---- file-backed mappings from /proc/self/smaps ---- */

struct filemap {
	int pending;
	uint64_t size, rss;
	char path[PROBE_RAW_STR_MAX - 64];
	uint32_t len;
};

static uint64_t last_filemap;

static const char *parse_hex(const char *p, uint64_t *v)
{
	*v = 0;
	for (;; p++) {
		unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0') :
			     *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10) : 16;
		if (d == 16)
			return p;
		*v = *v * 16 + d;
	}
}

static const char *skip_field(const char *p)
{
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

/* value = "<rss> <size> <path>", the digits written backwards first. */
static uint32_t put_dec(char *out, uint64_t v)
{
	char tmp[24];
	uint32_t n = 0, k = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		out[k++] = tmp[--n];
	return k;
}

static void filemap_emit(struct filemap *m)
{
	static const char key[] = "file-map";
	static uint64_t w[8 + (PROBE_RAW_STR_MAX / 8)];
	char value[sizeof(m->path) + 48];
	uint32_t len, n = 4;

	if (!m->pending)
		return;
	m->pending = 0;
	len = put_dec(value, m->rss);
	value[len++] = ' ';
	len += put_dec(value + len, m->size);
	value[len++] = ' ';
	for (uint32_t i = 0; i < m->len; i++)
		value[len++] = m->path[i];
	w[1] = 0;
	w[2] = sizeof(key) - 1;
	w[3] = len;
	n += probe_raw_put_bytes(w + n, key, sizeof(key) - 1);
	n += probe_raw_put_bytes(w + n, value, len);
	w[0] = PROBE_RAW_HDR(MA_REC_INFO, n);
	probe_ring_push(probe_ring0, w, n);
	ma_atomic_store_relaxed(&probe_ring0->events, probe_ring0->events + 1);
}

/* "7f..-7f.. r--p 00000000 08:01 1234   /models/x.bin": a candidate when
 * it has an inode and a path, is not executable code and is large. */
static void filemap_header(struct filemap *m, const char *line)
{
	uint64_t lo, hi, inode;
	const char *p = parse_hex(line, &lo), *perms;

	filemap_emit(m);
	if (*p != '-')
		return;
	p = parse_hex(p + 1, &hi);
	perms = p + 1;
	p = skip_field(skip_field(skip_field(perms)));  /* perms offset dev */
	p = parse_u64(p, &inode);
	while (*p == ' ')
		p++;
	if (!inode || *p != '/' || perms[2] == 'x' || hi - lo < FILEMAP_MIN_SIZE)
		return;
	m->len = 0;
	while (*p && m->len < sizeof(m->path))
		m->path[m->len++] = *p++;
	m->size = hi - lo;
	m->rss = 0;
	m->pending = 1;
}

static void filemap_line(struct filemap *m, const char *line)
{
	if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f'))
		filemap_header(m, line);
	else if (m->pending && line[0] == 'R' && line[1] == 's' && line[2] == 's' &&
		 line[3] == ':') {
		const char *p = line + 4;
		while (*p == ' ')
			p++;
		parse_u64(p, &m->rss);
		m->rss *= 1024;
	}
}

/* Reads smaps in blocks, line by line; lines longer than the buffer (a
 * path of several KiB) are cut, which at worst drops that mapping. */
static void filemap_scan(void)
{
	static char buf[16384];
	static struct filemap m;
	size_t have = 0;
	int fd = smaps_fd;

	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
		return;
	m.pending = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			filemap_line(&m, start);
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		if (have == sizeof(buf) - 1)
			have = 0;   /* a line longer than the buffer: dropped */
		memmove(buf, start, have);
	}
	filemap_emit(&m);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void probe_sampler_take(uint64_t *w, int full)
{
	uint64_t flags = 0, now = probe_now();

	/* Pushed before the sample, into producer 0's ring like the sample. */
	if (full && probe_ring0 && ma_atomic_load_relaxed(&probe_file_mapped) &&
	    now - last_filemap >= FILEMAP_EVERY_NS) {
		last_filemap = now;
		filemap_scan();
	}

	w[0] = PROBE_RAW_HDR(MA_REC_SAMPLE, 13);
	w[1] = now;
	w[2] = rss_bytes();
	for (int i = 3; i < 13; i++)
		w[i] = 0;
#ifdef HAVE_MALLINFO2
	int64_t net = ma_atomic_load_relaxed(&probe_chunk_net_frees);

	if (full && probe_mallinfo_due(&mallinfo_cost, now, net)) {
		uint64_t t0 = thread_cpu_ns();
		struct mallinfo2 mi = mallinfo2();
		uint64_t t1 = thread_cpu_ns();

		/* A clock that failed reads 0: then the call counts as free. */
		probe_mallinfo_called(&mallinfo_cost, now, net, t0 && t1 > t0 ? t1 - t0 : 0,
				      mi.ordblks + mi.smblks);
		w[3] = mi.arena;
		w[4] = mi.ordblks;
		w[5] = mi.hblks;
		w[6] = mi.hblkhd;
		w[7] = mi.uordblks;
		w[8] = mi.fordblks;
		w[9] = mi.keepcost;
		flags |= MA_SAMPLE_F_MALLINFO;
	}
#endif
	if (psi_totals(&w[10], &w[11]))
		flags |= MA_SAMPLE_F_PSI;
	w[12] = flags;
}
