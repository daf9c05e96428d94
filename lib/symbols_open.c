/* Opening the files a trace names, which is untrusted input: module
 * paths come from the trace, debuglink names from the files found.  A
 * file is opened only when it is a regular file of a reasonable size on
 * a real filesystem, never in a way that can block (FIFOs), take a
 * controlling terminal or follow a path out of the sysroot; it is used
 * only when it is an ELF file with the recorded build-id.  The search for
 * separate debug files replaces libdwfl's dwfl_standard_find_debuginfo,
 * which opens what it finds without these checks. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "symbols_int.h"

#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef EFIVARFS_MAGIC
#define EFIVARFS_MAGIC 0xde5e81e4
#endif
#ifndef SECURITYFS_MAGIC
#define SECURITYFS_MAGIC 0x73636673
#endif
#ifndef DEBUGFS_MAGIC
#define DEBUGFS_MAGIC 0x64626720
#endif
#ifndef SYSFS_MAGIC
#define SYSFS_MAGIC 0x62656572
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif
#ifndef PSTOREFS_MAGIC
#define PSTOREFS_MAGIC 0x6165676C
#endif

/* Kernel interfaces that look like regular files: reading them can have
 * effects or expose what the user did not mean to (/proc/kcore). */
static int pseudo_fs(int fd)
{
	struct statfs f;
	if (fstatfs(fd, &f) != 0)
		return 1;
	switch ((unsigned long)f.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC: case SECURITYFS_MAGIC: case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC: case BPF_FS_MAGIC: case EFIVARFS_MAGIC:
	case CONFIGFS_MAGIC: case PSTOREFS_MAGIC:
		return 1;
	default:
		return 0;
	}
}

/* True when some component of path is "..". */
static int has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	return 0;
}

/* Opens path (absolute; under the sysroot when there is one) for reading
 * without blocking.  With a sysroot, symlinks and ".." resolve inside it
 * (openat2 RESOLVE_IN_ROOT; without openat2, a path with ".." is refused
 * and symlinks are not followed in the last component). */
static int open_path(const struct ma_symbols *s, const char *path)
{
	if (s->sysroot == NULL)
		return open(path, OPEN_FLAGS);
	if (s->rootfd < 0) {
		errno = ENOENT;
		return -1;
	}
	while (*path == '/')
		path++;
	if (*path == '\0') {
		errno = EISDIR;
		return -1;
	}
#ifdef SYS_openat2
	struct open_how how = {
		.flags = OPEN_FLAGS,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	/* O_PATH first: what is not a regular file is never opened. */
	struct open_how look = { .flags = O_PATH | O_CLOEXEC, .resolve = how.resolve };
	int pfd = (int)syscall(SYS_openat2, s->rootfd, path, &look, sizeof(look));
	if (pfd >= 0) {
		struct stat st;
		int reg = fstat(pfd, &st) == 0 && S_ISREG(st.st_mode);
		close(pfd);
		if (!reg) {
			errno = ENODEV;
			return -1;
		}
		return (int)syscall(SYS_openat2, s->rootfd, path, &how, sizeof(how));
	}
	if (errno != ENOSYS && errno != EPERM)
		return -1;
#endif
	if (has_dotdot(path)) {
		errno = EXDEV;
		return -1;
	}
	return openat(s->rootfd, path, OPEN_FLAGS | O_NOFOLLOW);
}

/* The ELF checks of one opened file: magic, ident, and the build-id read
 * with libelf.  Fills *bid (malloc'd) and *len; returns NULL or a
 * problem. */
static const char *elf_check(int fd, uint64_t size, uint8_t **bid, size_t *len)
{
	unsigned char ident[EI_NIDENT];
	*bid = NULL;
	*len = 0;
	if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident) ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0 ||
	    (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64) ||
	    ident[EI_VERSION] != EV_CURRENT)
		return MA_SYM_E_NOTELF;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf == NULL)
		return MA_SYM_E_NOTELF;
	const char *problem = NULL;
	GElf_Ehdr eh;
	if (elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL ||
	    /* the header tables lie inside the file (it was not cut) */
	    eh.e_phoff > size || (uint64_t)eh.e_phnum * eh.e_phentsize > size - eh.e_phoff ||
	    eh.e_shoff > size || (uint64_t)eh.e_shnum * eh.e_shentsize > size - eh.e_shoff) {
		problem = MA_SYM_E_NOTELF;
	} else {
		const void *bits;
		ssize_t n = dwelf_elf_gnu_build_id(elf, &bits);
		if (n > 0 && (*bid = malloc((size_t)n)) != NULL) {
			memcpy(*bid, bits, (size_t)n);
			*len = (size_t)n;
		}
	}
	elf_end(elf);
	return problem;
}

/* Opens a file that a trace or an ELF file named: regular, not on a
 * kernel pseudo-filesystem, between an ELF header and MA_SYM_MAX_FILE
 * bytes, an ELF file.  A trace_path resolves under the sysroot, if any.
 * Returns the descriptor, or -1 with *problem set; *bid gets the file's
 * build-id (malloc'd, may be NULL). */
int ma_sym_open_elf(const struct ma_symbols *s, const char *path, int trace_path,
		    const char **problem, uint8_t **bid, size_t *bid_len)
{
	struct stat st;
	*bid = NULL;
	*bid_len = 0;
	/* A first look without opening: a device or a FIFO is never opened
	 * at all (opening some devices has effects of its own). */
	if (!trace_path || s->sysroot == NULL) {
		if (stat(path, &st) != 0) {
			*problem = MA_SYM_E_NOFILE;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			*problem = MA_SYM_E_NOTREG;
			return -1;
		}
	}
	int fd = trace_path ? open_path(s, path) : open(path, OPEN_FLAGS);
	if (fd < 0) {
		*problem = errno == ENODEV ? MA_SYM_E_NOTREG
			 : errno == ELOOP || errno == EXDEV ? MA_SYM_E_DENIED
			 : errno == EACCES || errno == EPERM ? MA_SYM_E_PERM
			 : MA_SYM_E_NOFILE;
		return -1;
	}
	*problem = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		*problem = MA_SYM_E_NOTREG;
	else if (pseudo_fs(fd))
		*problem = MA_SYM_E_PSEUDO;
	else if (st.st_size > MA_SYM_MAX_FILE)
		*problem = MA_SYM_E_SIZE;
	else if (st.st_size < (off_t)sizeof(Elf32_Ehdr))
		*problem = MA_SYM_E_NOTELF;
	else
		*problem = elf_check(fd, (uint64_t)st.st_size, bid, bid_len);
	if (*problem != NULL) {
		free(*bid);
		*bid = NULL;
		*bid_len = 0;
		close(fd);
		return -1;
	}
	/* Blocking reads from here on (libelf reads a regular file). */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* ---- separate debug files ---- */

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	if (table[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The .gnu_debuglink CRC-32 of the whole file. */
static int crc_matches(int fd, uint32_t want)
{
	unsigned char buf[65536];
	uint32_t crc = 0;
	off_t off = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n < 0)
			return 0;
		if (n == 0)
			break;
		crc = crc32_update(crc, buf, (size_t)n);
		off += n;
	}
	return crc == want;
}

struct want {
	const unsigned char *bid; /* the module's build-id, or NULL */
	size_t bid_len;
	GElf_Word crc;            /* when there is no build-id */
	int use_crc;
};

/* Opens a candidate debug file; returns its descriptor when it belongs
 * to the module (same build-id, or the debuglink's CRC without one). */
static int try_debug(const struct ma_symbols *s, const char *path, int confined,
		     const struct want *w, char **found)
{
	const char *problem;
	uint8_t *bid;
	size_t len;
	int fd = ma_sym_open_elf(s, path, confined, &problem, &bid, &len);
	if (fd < 0)
		return -1;
	int ok = w->bid ? len == w->bid_len && memcmp(bid, w->bid, len) == 0
			: w->use_crc && crc_matches(fd, w->crc);
	free(bid);
	if (!ok) {
		close(fd);
		return -1;
	}
	if (found != NULL) {
		*found = strdup(path);
		if (*found == NULL) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int try_fmt(const struct ma_symbols *s, int confined, const struct want *w,
		   char **found, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int try_fmt(const struct ma_symbols *s, int confined, const struct want *w,
		   char **found, const char *fmt, ...)
{
	char *path;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	int fd = try_debug(s, path, confined, w, found);
	free(path);
	return fd;
}

/* A debug file named by build-id, <dir>/.build-id/xx/yyyy.debug, in the
 * debug directories (the trusted ones: given, the sysroot's, this
 * machine's unless local files are off). */
int ma_sym_debug_by_build_id(const struct ma_symbols *s, const unsigned char *bid,
			     size_t len, char **found)
{
	if (len < 2 || len > 64)
		return -1;
	char hex[129];
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", bid[i]);
	struct want w = { .bid = bid, .bid_len = len };
	for (size_t i = 0; i < s->ndebug_dirs; i++) {
		int fd = try_fmt(s, 0, &w, found, "%s/.build-id/%.2s/%s.debug",
				 s->debug_dirs[i], hex, hex + 2);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* libdwfl's find_debuginfo callback; the module's userdata is our
 * module.  By build-id first; then by the .gnu_debuglink name (a bare
 * file name, nothing else) beside the module and in .debug/ beside it
 * (under the sysroot when there is one; not at all with local files off
 * and no sysroot), and in each debug directory (flat, and under the
 * module's own directory as GDB lays them out). */
int ma_sym_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name,
			  const char *debuglink_file, GElf_Word debuglink_crc,
			  char **debuginfo_file_name)
{
	(void)modname, (void)base, (void)file_name;
	const struct ma_sym_module *m = userdata ? *userdata : NULL;
	if (m == NULL || m->owner == NULL)
		return -1;
	const struct ma_symbols *s = m->owner;
	const unsigned char *bid = NULL;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &bid, &vaddr);
	if (len > 0) {
		int fd = ma_sym_debug_by_build_id(s, bid, (size_t)len,
						  debuginfo_file_name);
		if (fd >= 0)
			return fd;
	}
	if (debuglink_file == NULL || *debuglink_file == '\0' ||
	    strchr(debuglink_file, '/') != NULL || strcmp(debuglink_file, ".") == 0 ||
	    strcmp(debuglink_file, "..") == 0)
		return -1;
	struct want w = { .bid = len > 0 ? bid : NULL,
			  .bid_len = len > 0 ? (size_t)len : 0,
			  .crc = debuglink_crc, .use_crc = 1 };
	const char *slash = strrchr(m->path, '/');
	int dlen = slash ? (int)(slash - m->path) : 0;
	if (slash != NULL && (s->sysroot != NULL || !s->no_local_files)) {
		int fd = try_fmt(s, 1, &w, debuginfo_file_name, "%.*s/%s",
				 dlen, m->path, debuglink_file);
		if (fd < 0)
			fd = try_fmt(s, 1, &w, debuginfo_file_name,
				     "%.*s/.debug/%s", dlen, m->path, debuglink_file);
		if (fd >= 0)
			return fd;
	}
	for (size_t i = 0; i < s->ndebug_dirs; i++) {
		int fd = try_fmt(s, 0, &w, debuginfo_file_name, "%s/%s",
				 s->debug_dirs[i], debuglink_file);
		if (fd < 0 && slash != NULL && m->path[0] == '/' && !has_dotdot(m->path))
			fd = try_fmt(s, 0, &w, debuginfo_file_name, "%s%.*s/%s",
				     s->debug_dirs[i], dlen, m->path, debuglink_file);
		if (fd >= 0)
			return fd;
	}
	return -1;
}
