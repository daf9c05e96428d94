/* The program record runs: finding it, and whether it can take a preload. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static char *join_dir(const char *dir, size_t dirlen, const char *name)
{
	size_t len = strlen(name);
	char *p = malloc(dirlen + len + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dirlen);
	p[dirlen] = '/';
	memcpy(p + dirlen + 1, name, len + 1);
	return p;
}

char *record_find_program(const char *argv0)
{
	const char *path = getenv("PATH");
	int saw_eacces = 0;

	if (!*argv0) {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(argv0, '/')) {
		if (is_executable_file(argv0))
			return strdup(argv0);
		if (access(argv0, F_OK) == 0)
			errno = EACCES;
		return NULL;
	}
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *dir = path;; dir++) {
		size_t n = strcspn(dir, ":");
		/* An empty PATH entry means the current directory. */
		char *cand = n ? join_dir(dir, n, argv0) : join_dir(".", 1, argv0);

		if (!cand)
			return NULL;
		if (is_executable_file(cand))
			return cand;
		saw_eacces |= access(cand, F_OK) == 0;
		free(cand);
		dir += n;
		if (!*dir)
			break;
	}
	errno = saw_eacces ? EACCES : ENOENT;
	return NULL;
}

/* Whether the ELF file on fd has a PT_INTERP program header: 1, 0, or -1
 * when it is no ELF file of this machine's byte order. */
static int elf_has_interp(int fd)
{
	unsigned char id[EI_NIDENT];
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	uint64_t phoff;
	unsigned phnum, phentsize;

	if (pread(fd, id, sizeof id, 0) != (ssize_t)sizeof id || memcmp(id, ELFMAG, SELFMAG))
		return -1;
	if (id[EI_CLASS] == ELFCLASS64) {
		if (pread(fd, &e64, sizeof e64, 0) != (ssize_t)sizeof e64)
			return -1;
		phoff = e64.e_phoff, phnum = e64.e_phnum, phentsize = e64.e_phentsize;
	} else if (id[EI_CLASS] == ELFCLASS32) {
		if (pread(fd, &e32, sizeof e32, 0) != (ssize_t)sizeof e32)
			return -1;
		phoff = e32.e_phoff, phnum = e32.e_phnum, phentsize = e32.e_phentsize;
	} else {
		return -1;
	}
	/* p_type is the first word of both Elf32_Phdr and Elf64_Phdr. */
	for (unsigned i = 0; i < phnum; i++) {
		uint32_t type;

		if (pread(fd, &type, sizeof type, (off_t)(phoff + (uint64_t)i * phentsize))
		    != (ssize_t)sizeof type)
			return -1;
		if (type == PT_INTERP)
			return 1;
	}
	return 0;
}

const char *record_preload_obstacle(const char *path)
{
	struct stat st;
	int fd, interp;

	if (stat(path, &st) < 0)
		return NULL;
	/* The dynamic loader ignores most of LD_PRELOAD in secure mode. */
	if (st.st_mode & S_ISUID)
		return "setuid";
	if (st.st_mode & S_ISGID)
		return "setgid";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	interp = elf_has_interp(fd);
	close(fd);
	return interp == 0 ? "statically linked" : NULL;
}
