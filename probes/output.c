/* The trace file: created without following symlinks and without
 * replacing anything, mode 0600, O_APPEND so that every chunk lands whole
 * whoever writes it.  Starts with the file prefix and the header chunk
 * (one MA_REC_PROCESS record); ends, when the process ends cleanly, with
 * the trailer chunk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chunk.h"
#include "msg.h"
#include "os.h"
#include "probe.h"
#include "ring.h"
#include "stacktab.h"

#define OPEN_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC)
#define FD_HIDE_MIN 500
#define FD_HIDE_ROOM 8 /* the probe's descriptors, and one more for a move */

static struct probe_chunkbuf *ctl;  /* header and trailer chunks */
static char cmdline[16384];
static char exe[PROBE_PATH_MAX];
static char out_path[PROBE_PATH_MAX + 32];
static int trailer_lock;
static int failed;                  /* a write failed: said, writing stopped */
static int kept_fd = -1;            /* the trace's fd after that, kept open */
static int guarded[PROBE_GUARDED_FDS]; /* fd + 1, 0 = free slot */
uint64_t probe_nested_waiting;          /* probe.h */
struct probe_own probe_own;             /* probe.h */

int probe_fd_guarded(int fd)
{
	for (int i = 0; i < PROBE_GUARDED_FDS; i++)
		if (fd >= 0 && ma_atomic_load_relaxed(&guarded[i]) == fd + 1)
			return 1;
	return 0;
}

int probe_fd_guarded_next(unsigned lo)
{
	int best = -1;

	for (int i = 0; i < PROBE_GUARDED_FDS; i++) {
		int fd = ma_atomic_load_relaxed(&guarded[i]) - 1;

		if (fd >= 0 && (unsigned)fd >= lo && (best < 0 || fd < best))
			best = fd;
	}
	return best;
}

void probe_fd_unguard(int fd)
{
	for (int i = 0; i < PROBE_GUARDED_FDS; i++) {
		int want = fd + 1;

		ma_atomic_cas_acq_rel(&guarded[i], &want, 0);
	}
}

static void guard_fd(int fd)
{
	for (int i = 0; i < PROBE_GUARDED_FDS; i++) {
		int want = 0;

		if (ma_atomic_cas_acq_rel(&guarded[i], &want, fd + 1))
			return;
	}
}

/* Where the probe's descriptors go: from FD_HIDE_MIN, or, under a lower
 * limit of descriptors, at its top, so that the program's own still get
 * the numbers they would get without the probe (its first open 3, not
 * 9; under `ulimit -n 64` ours were 3 to 8). */
static int hide_min(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= FD_HIDE_MIN + FD_HIDE_ROOM)
		return FD_HIDE_MIN;
	return rl.rlim_cur > 3 + FD_HIDE_ROOM ? (int)rl.rlim_cur - FD_HIDE_ROOM : 3;
}

int probe_fd_hide(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, hide_min());

	if (hi >= 0) {
		close(fd);
		fd = hi;
	}
	guard_fd(fd);
	return fd;
}

int probe_fd_move(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, hide_min());

	if (hi < 0)
		return -1;
	guard_fd(hi);
	probe_out_fd_replace(fd, hi);
	return hi;
}

void probe_output_failed(int fd, int err)
{
	int expected = 0;

	if (!ma_atomic_cas_acq_rel(&failed, &expected, 1))
		return;
	kept_fd = fd;
	ma_atomic_store_release(&probe_out_fd, -1);
	probe_msg("cannot write trace '%s': %s; the program goes on, its later events are lost",
		  out_path, strerror(err));
}

/* Expands %p to the pid (and %% to %); a nonzero image number n makes it
 * PID.n.  Sets *has_pid. */
static size_t expand(char *out, size_t size, const char *pat, unsigned n, int *has_pid)
{
	size_t len = 0;

	*has_pid = 0;
	for (const char *p = pat; *p && len + 1 < size; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			len += probe_format(out + len, size - len, n ? "%d.%u" : "%d",
					    (int)getpid(), n);
			*has_pid = 1;
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			out[len++] = '%';
			p++;
		} else {
			out[len++] = *p;
		}
	}
	out[len] = '\0';
	return len;
}

/* Whether the file at path starts like a trace: the name then belongs to
 * an earlier image of this process (exec) or to an earlier run, not to
 * something planted there. */
static int is_trace(const char *path)
{
	char magic[MA_FILE_MAGIC_LEN];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, magic, sizeof(magic));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)sizeof(magic) && memcmp(magic, MA_FILE_MAGIC, sizeof(magic)) == 0;
}

/* Name number i of the sequence: with %p, PID then PID.1, PID.2, ... in
 * its place (an image started by exec has the pid of the one before, and
 * the name keeps the pattern's shape, so `record` finds it); without,
 * NAME, then NAME.PID (fork children), NAME.PID.1, ... */
static size_t name_at(char *path, size_t size, unsigned i)
{
	int has_pid;
	size_t n = expand(path, size, probe_cfg.output, i, &has_pid);

	if (has_pid || i == 0 || n + 32 >= size)
		return n;
	n += probe_format(path + n, size - n, ".%d", (int)getpid());
	if (i > 1)
		n += probe_format(path + n, size - n, ".%u", i - 1);
	return n;
}

/* Creates the trace under the first free name of the sequence.  A name
 * taken by something that is not a trace (a symlink or file planted
 * there) is said once on stderr. */
static int create(char *path, size_t size)
{
	char first[PROBE_PATH_MAX + 32];
	int fd = -1, planted = 0;

	if (name_at(path, size, 0) + 32 >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (unsigned i = 0; i < 100; i++) {
		name_at(path, size, i);
		fd = open(path, OPEN_FLAGS, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
		if (!planted && !is_trace(path)) {
			planted = 1;
			probe_format(first, sizeof(first), "%s", path);
		}
	}
	if (fd >= 0 && planted)
		probe_msg("'%s' exists and is not a trace: not touched; writing '%s'",
			  first, path);
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
	int err;

	ma_file_prefix_put(prefix);
	if ((err = probe_os_write_all(fd, prefix, sizeof(prefix))) < 0)
		return err;
	probe_chunk_begin(ctl);
	probe_chunk_add(ctl, &rec, NULL);
	return probe_chunk_write(ctl, 0, 0, MA_CHUNK_HEADER, 0);
}

int probe_output_open(uint64_t flags, uint64_t parent_fork_ts)
{
	char *path = out_path;
	int fd, err;

	if (!ctl)
		ctl = probe_chunkbuf_new(sizeof(cmdline) + sizeof(exe) + 4096, 0);
	path[0] = '\0';
	failed = 0;
	kept_fd = -1;
	fd = ctl ? create(path, sizeof(out_path)) : -1;
	if (fd < 0) {
		probe_msg("cannot create trace '%s': %s; running unprofiled",
			  path, strerror(errno));
		return -1;
	}
	probe_out_fd = fd;
	if ((err = write_header(fd, flags, parent_fork_ts)) < 0) {
		if (!failed) /* else probe_output_failed said it */
			probe_msg("cannot write trace '%s': %s; running unprofiled", path,
				  strerror(err == -1 ? EIO : -err));
		probe_output_close();
		return -1;
	}
	return 0;
}

void probe_output_close(void)
{
	int fd = probe_out_fd >= 0 ? probe_out_fd : kept_fd;

	if (fd >= 0) {
		probe_fd_unguard(fd);
		close(fd);
	}
	probe_out_fd = -1;
	kept_fd = -1;
}

/* The trace's name gone from the file system (its directory removed):
 * whatever is written goes nowhere anyone can read. */
static void check_unlinked(void)
{
	struct stat st;
	int fd = ma_atomic_load_relaxed(&probe_out_fd);

	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_nlink == 0)
		probe_msg("trace '%s' was removed while it was written; its events are lost",
			  out_path);
}

static void add_info(const char *key, const char *value, size_t len)
{
	struct ma_record rec = { .tag = MA_REC_INFO };

	rec.u.info.key = (struct ma_bytes){ (const uint8_t *)key, (uint32_t)strlen(key) };
	rec.u.info.value = (struct ma_bytes){ (const uint8_t *)value, (uint32_t)len };
	probe_chunk_add(ctl, &rec, NULL);
}

static unsigned long own(const uint64_t *counter)
{
	return (unsigned long)ma_atomic_load_relaxed(counter);
}

/* The probe's own allocations (probe.h) as two info records, in a
 * records chunk of producer 0 just before the trailer: counted up to
 * now, which for the arena's blocks is the end of the program.  Then the
 * kernel's peak RSS of the process, "peak-rss" (its VmHWM, in bytes). */
static void write_own(void)
{
	char boot[96], internal[48], hwm[24];
	size_t nb, ni, nh = 0;
	uint64_t peak = probe_sampler_peak_rss();

	nb = probe_format(boot, sizeof(boot), "%lu %lu %lu %lu", own(&probe_own.arena_blocks),
			  own(&probe_own.arena_bytes), own(&probe_own.arena_freed_blocks),
			  own(&probe_own.arena_freed_bytes));
	ni = probe_format(internal, sizeof(internal), "%lu %lu", own(&probe_own.internal_calls),
			  own(&probe_own.internal_bytes));
	if (peak)
		nh = probe_format(hwm, sizeof(hwm), "%lu", (unsigned long)peak);
	probe_chunk_begin(ctl);
	/* Untimed records only: the chunk takes the time of now, so that
	 * producer 0's times never go back. */
	ctl->ts_first = probe_now();
	add_info("probe-bootstrap", boot, nb);
	add_info("probe-internal", internal, ni);
	if (nh)
		add_info("peak-rss", hwm, nh);
	probe_chunk_write(ctl, 0, probe_ring_take_seq(probe_ring0), MA_CHUNK_RECORDS, 0);
}

void probe_output_trailer(int exit_kind, int64_t status)
{
	struct ma_record rec = { .tag = MA_REC_TRAILER };
	int expected = 0;

	if (!ctl || !ma_atomic_cas_acq_rel(&trailer_lock, &expected, 1))
		return;
	check_unlinked();
	write_own();
	rec.ts = probe_now();
	rec.u.trailer = (struct ma_rec_trailer){
		.exit_kind = (uint64_t)exit_kind, .exit_status = status,
		.events = probe_threads_events(), .stacks = probe_stacktab_count(),
		.chunks = ma_atomic_load_relaxed(&probe_chunks_written),
		.lost = ma_atomic_load_relaxed(&probe_lost_early) +
			ma_atomic_load_relaxed(&probe_lost_reentrant) +
			ma_atomic_load_relaxed(&probe_nested_waiting) +
			ma_atomic_load_relaxed(&probe_write_failures),
	};
	probe_chunk_begin(ctl);
	probe_chunk_add(ctl, &rec, NULL);
	probe_chunk_write(ctl, 0, probe_ring_take_seq(probe_ring0), MA_CHUNK_TRAILER, 0);
	ma_atomic_store_release(&trailer_lock, 0);
}
