/* What the writer samples: RSS from /proc/self/statm, the allocator's
 * view from mallinfo2, memory pressure totals from /proc/pressure/memory
 * when the kernel has PSI.  The files stay open; each sample is a pread. */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include "os.h"
#include "probe.h"
#include "rawrec.h"

static int statm_fd = -1, psi_fd = -1;
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
	statm_fd = open_hidden("/proc/self/statm");
	psi_fd = open_hidden("/proc/pressure/memory");
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

/* "some avg10=.. total=N\nfull avg10=.. total=M\n" */
static int psi_totals(uint64_t *some, uint64_t *full)
{
	char buf[256];
	uint64_t *out[2] = { some, full };
	int k = 0;

	if (read_file(psi_fd, buf, sizeof(buf)) < 0)
		return 0;
	for (const char *p = buf; *p && k < 2; p++) {
		if (p[0] == 't' && p[1] == 'o' && p[2] == 't' && p[3] == 'a' &&
		    p[4] == 'l' && p[5] == '=')
			p = parse_u64(p + 6, out[k++]) - 1;
	}
	return k == 2;
}

void probe_sampler_take(uint64_t *w)
{
	uint64_t flags = 0;

	w[0] = PROBE_RAW_HDR(MA_REC_SAMPLE, 13);
	w[1] = probe_now();
	w[2] = rss_bytes();
	for (int i = 3; i < 13; i++)
		w[i] = 0;
#ifdef HAVE_MALLINFO2
	struct mallinfo2 mi = mallinfo2();

	w[3] = mi.arena;
	w[4] = mi.ordblks;
	w[5] = mi.hblks;
	w[6] = mi.hblkhd;
	w[7] = mi.uordblks;
	w[8] = mi.fordblks;
	w[9] = mi.keepcost;
	flags |= MA_SAMPLE_F_MALLINFO;
#endif
	if (psi_totals(&w[10], &w[11]))
		flags |= MA_SAMPLE_F_PSI;
	w[12] = flags;
}
