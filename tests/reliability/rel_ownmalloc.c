/* A program with an allocator of its own: it exports malloc, free,
 * calloc, realloc and friends (a bump allocator over one static arena),
 * so every allocation in the process, libc's included, goes to it and
 * none to the probe.  Does 50 x malloc(10) and prints a checksum. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "progs.h"

static _Alignas(16) unsigned char arena[64 << 20];
static size_t used;

void *malloc(size_t n)
{
	size_t start = (used + 15) & ~(size_t)15;

	if (start + n + 16 > sizeof(arena)) {
		errno = ENOMEM;
		return NULL;
	}
	used = start + 16 + n;
	memcpy(arena + start, &n, sizeof(n));
	return arena + start + 16;
}

void free(void *p)
{
	(void)p;
}

void *calloc(size_t n, size_t size)
{
	void *p = size && n > SIZE_MAX / size ? NULL : malloc(n * size);

	return p ? memset(p, 0, n * size) : NULL;
}

void *realloc(void *old, size_t n)
{
	void *p = malloc(n);
	size_t was;

	if (p && old) {
		memcpy(&was, (unsigned char *)old - 16, sizeof(was));
		memcpy(p, old, was < n ? was : n);
	}
	return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
	return size && n > SIZE_MAX / size ? NULL : realloc(old, n * size);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	unsigned char *p = malloc(n + align);

	if (!p)
		return ENOMEM;
	*out = (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	void *p;

	return posix_memalign(&p, align, n) ? NULL : p;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

size_t malloc_usable_size(void *p)
{
	size_t n;

	memcpy(&n, (unsigned char *)p - 16, sizeof(n));
	return n;
}

int main(void)
{
	unsigned sum = 0;
	char line[64];

	for (int i = 0; i < 50; i++)
		sum += (unsigned)(uintptr_t)touch(malloc(10), 10) & 0xf;
	snprintf(line, sizeof(line), "ownmalloc: %u", sum);
	say(line);
	return 0;
}
