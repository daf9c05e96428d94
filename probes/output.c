/* The trace file: created without following symlinks and without
 * replacing anything, mode 0600, O_APPEND so that every chunk lands whole
 * whoever writes it.  Starts with the file prefix and the header chunk
 * (one MA_REC_PROCESS record); ends, when the process ends cleanly, with
 * the trailer chunk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "chunk.h"
#include "msg.h"
#include "os.h"
#include "probe.h"
#include "ring.h"
#include "stacktab.h"

#define OPEN_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC)
#define FD_HIDE_MIN 500

static struct probe_chunkbuf *ctl;  /* header and trailer chunks */
static char cmdline[16384];
static char exe[PROBE_PATH_MAX];
static int trailer_lock;

int probe_fd_hide(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_HIDE_MIN);

	if (hi < 0)
		return fd;
	close(fd);
	return hi;
}

/* Expands %p to the pid (and %% to %).  Sets *has_pid. */
static size_t expand(char *out, size_t size, const char *pat, int *has_pid)
{
	size_t n = 0;

	*has_pid = 0;
	for (const char *p = pat; *p && n + 1 < size; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			n += probe_format(out + n, size - n, "%d", (int)getpid());
			*has_pid = 1;
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			out[n++] = '%';
			p++;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return n;
}

/* Creates the trace.  When the name is taken: a child of a traced process
 * with a fixed name appends .<pid>; a process image started by exec in a
 * traced process (same pid, same name) appends .1, .2, ... */
static int create(char *path, size_t size)
{
	int has_pid, fd = -1;
	size_t base = expand(path, size, probe_cfg.output, &has_pid);

	if (base + 32 >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (int i = 0; i < 100; i++) {
		size_t n = base;

		if (i > 0 && !has_pid)
			n += probe_format(path + n, size - n, ".%d", (int)getpid());
		if (i > 1 || (i > 0 && has_pid))
			probe_format(path + n, size - n, ".%d", has_pid ? i : i - 1);
		fd = open(path, OPEN_FLAGS, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd < 0 ? -1 : probe_fd_hide(fd);
}

static struct ma_bytes file_bytes(const char *path, char *buf, size_t size, int link)
{
	ssize_t n = -1;
	int fd;

	if (link) {
		n = readlink(path, buf, size);
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, size);
		close(fd);
	}
	return (struct ma_bytes){ (const uint8_t *)buf, n > 0 ? (uint32_t)n : 0 };
}

static int write_header(int fd, uint64_t flags, uint64_t parent_fork_ts)
{
	uint8_t prefix[MA_FILE_PREFIX_LEN];
	struct ma_record rec = { .tag = MA_REC_PROCESS, .ts = probe_now() };
	struct ma_rec_process *p = &rec.u.process;

	*p = (struct ma_rec_process){
		.pid = (uint64_t)getpid(), .ppid = (uint64_t)getppid(),
		.start_realtime_ns = probe_realtime(), .start_monotonic_ns = rec.ts,
		.flags = flags, .parent_fork_ts = parent_fork_ts,
		.stack_depth = probe_cfg.depth, .sample_interval_ms = probe_cfg.sample_ms,
		.exe = file_bytes("/proc/self/exe", exe, sizeof(exe), 1),
		.cmdline = file_bytes("/proc/self/cmdline", cmdline, sizeof(cmdline), 0),
		.probe_version = { (const uint8_t *)PACKAGE_VERSION, sizeof(PACKAGE_VERSION) - 1 },
		.session = { (const uint8_t *)probe_cfg.session, (uint32_t)strlen(probe_cfg.session) },
	};
	ma_file_prefix_put(prefix);
	if (probe_os_write_all(fd, prefix, sizeof(prefix)) < 0)
		return -1;
	probe_chunk_begin(ctl);
	probe_chunk_add(ctl, &rec, NULL);
	return probe_chunk_write(ctl, 0, 0, MA_CHUNK_HEADER, 0);
}

int probe_output_open(uint64_t flags, uint64_t parent_fork_ts)
{
	char path[PROBE_PATH_MAX + 32] = "";
	int fd;

	if (!ctl)
		ctl = probe_chunkbuf_new(sizeof(cmdline) + sizeof(exe) + 4096, 0);
	fd = ctl ? create(path, sizeof(path)) : -1;
	if (fd < 0) {
		probe_msg("cannot create trace '%s': %s; running unprofiled",
			  path, strerror(errno));
		return -1;
	}
	probe_out_fd = fd;
	if (write_header(fd, flags, parent_fork_ts) < 0) {
		probe_msg("cannot write trace '%s': %s; running unprofiled", path, strerror(errno));
		probe_output_close();
		return -1;
	}
	return 0;
}

void probe_output_close(void)
{
	if (probe_out_fd >= 0)
		close(probe_out_fd);
	probe_out_fd = -1;
}

void probe_output_trailer(int exit_kind, int64_t status)
{
	struct ma_record rec = { .tag = MA_REC_TRAILER, .ts = probe_now() };
	int expected = 0;

	if (!ctl || !ma_atomic_cas_acq_rel(&trailer_lock, &expected, 1))
		return;
	rec.u.trailer = (struct ma_rec_trailer){
		.exit_kind = (uint64_t)exit_kind, .exit_status = status,
		.events = probe_threads_events(), .stacks = probe_stacktab_count(),
		.chunks = ma_atomic_load_relaxed(&probe_chunks_written),
		.lost = ma_atomic_load_relaxed(&probe_lost_early) +
			ma_atomic_load_relaxed(&probe_lost_reentrant) +
			ma_atomic_load_relaxed(&probe_write_failures),
	};
	probe_chunk_begin(ctl);
	probe_chunk_add(ctl, &rec, NULL);
	probe_chunk_write(ctl, 0, probe_ring_take_seq(probe_ring0), MA_CHUNK_TRAILER, 0);
	ma_atomic_store_release(&trailer_lock, 0);
}
