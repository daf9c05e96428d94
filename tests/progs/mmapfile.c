/* Mappings with exactly known sizes (pages of 4096 bytes assumed):
 *   map_file: creates a file of 12288 bytes, then one of 1 MiB, in the
 *     directory named by argv[1]; maps each read-only (mmap, fd >= 0),
 *     sums it, unmaps it
 *   map_anon: maps 1 MiB anonymous, touches it, mremaps it to 2 MiB,
 *     unmaps the 2 MiB
 *   map_kept: maps 64 KiB anonymous and keeps it to the end
 * In all 4 mmaps (2 anonymous, 2 of files), 1 mremap, 3 munmaps. */
#define _GNU_SOURCE 1 /* mremap */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "progs.h"

#define FILE_LEN 12288
#define BIG_FILE_LEN (1u << 20)
#define ANON_LEN (1u << 20)
#define KEPT_LEN (64u << 10)

static void *kept;

static void fail(const char *what)
{
	say(what);
	exit(1);
}

/* Writes len bytes of 3 to DIR/NAME, maps the file, returns their sum. */
NOINLINE static unsigned map_file(const char *dir, const char *name, size_t len)
{
	char path[4096], buf[4096];
	unsigned char *m;
	unsigned sum = 0;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		fail("mmapfile: directory name too long");
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(buf, 3, sizeof buf);
	for (size_t done = 0; done < len; done += sizeof buf)
		if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			fail("mmapfile: cannot write the data file");
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		fail("mmapfile: cannot map the data file");
	for (size_t i = 0; i < len; i++)
		sum += m[i];
	munmap(m, len);
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
	if (map_file(argv[1], "mmapfile.data", FILE_LEN) != 3 * FILE_LEN ||
	    map_file(argv[1], "mmapbig.data", BIG_FILE_LEN) != 3 * BIG_FILE_LEN)
		fail("mmapfile: wrong sum");
	map_anon();
	map_kept();
	say("mmapfile: done");
	return 0;
}
