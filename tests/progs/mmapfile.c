/* Mappings with exactly known sizes (pages of 4096 bytes assumed):
 *   map_file: creates a 12288-byte file in the directory named by argv[1],
 *     maps it read-only (mmap, 12288, fd >= 0), sums it, unmaps it
 *   map_anon: maps 1 MiB anonymous, touches it, mremaps it to 2 MiB,
 *     unmaps the 2 MiB
 *   map_kept: maps 64 KiB anonymous and keeps it to the end
 * In all 3 mmaps (2 anonymous, 1 of a file), 1 mremap, 2 munmaps. */
#define _GNU_SOURCE 1 /* mremap */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "progs.h"

#define FILE_LEN 12288
#define ANON_LEN (1u << 20)
#define KEPT_LEN (64u << 10)

static void *kept;

static void fail(const char *what)
{
	say(what);
	exit(1);
}

NOINLINE static unsigned map_file(const char *dir)
{
	char path[4096], buf[FILE_LEN];
	unsigned char *m;
	unsigned sum = 0;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/mmapfile.data", dir) >= sizeof path)
		fail("mmapfile: directory name too long");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(buf, 3, sizeof buf);
	if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
		fail("mmapfile: cannot write the data file");
	m = mmap(NULL, FILE_LEN, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		fail("mmapfile: cannot map the data file");
	for (size_t i = 0; i < FILE_LEN; i++)
		sum += m[i];
	munmap(m, FILE_LEN);
	close(fd);
	unlink(path);
	return sum;
}

NOINLINE static void map_anon(void)
{
	void *m = mmap(NULL, ANON_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		fail("mmapfile: cannot map anonymous memory");
	touch(m, ANON_LEN);
	m = mremap(m, ANON_LEN, 2 * ANON_LEN, MREMAP_MAYMOVE);
	if (m == MAP_FAILED)
		fail("mmapfile: cannot remap");
	touch(m, 2 * ANON_LEN);
	munmap(m, 2 * ANON_LEN);
}

NOINLINE static void map_kept(void)
{
	kept = mmap(NULL, KEPT_LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (kept == MAP_FAILED)
		fail("mmapfile: cannot map anonymous memory");
	touch(kept, KEPT_LEN);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		fail("usage: mmapfile DIR");
	if (map_file(argv[1]) != 3 * FILE_LEN)
		fail("mmapfile: wrong sum");
	map_anon();
	map_kept();
	say("mmapfile: done");
	return 0;
}
