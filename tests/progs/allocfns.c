/* Every C allocation function once or more, each from a function of its
 * own, sizes and outcomes known exactly:
 *   realloc_chain: malloc 16, then realloc to 32, 64, ... 1024 (6
 *     reallocs, each moving or not), then free
 *   use_calloc: calloc(10, 24) = 240 bytes, freed
 *   use_reallocarray: reallocarray(NULL, 5, 40) = 200 bytes, then
 *     reallocarray to 10 x 40 = 400, freed
 *   use_posix_memalign: 100 bytes aligned to 64, freed
 *   use_aligned_alloc: 512 bytes aligned to 256, freed
 *   use_memalign: 300 bytes aligned to 128, leaked
 *   use_valloc: 1000 bytes (page aligned), freed
 *   use_pvalloc: 1000 bytes (rounded to a page), freed
 * Leaked at exit: 1 block, 300 bytes. */
#include <malloc.h>
#include <stdlib.h>

#include "progs.h"

static void *leaked;

NOINLINE static void realloc_chain(void)
{
	char *p = touch(malloc(16), 16);

	for (size_t n = 32; n <= 1024; n *= 2)
		p = touch(realloc(p, n), n);
	free(p);
}

NOINLINE static void use_calloc(void)
{
	free(touch(calloc(10, 24), 240));
}

NOINLINE static void use_reallocarray(void)
{
	void *p = touch(reallocarray(NULL, 5, 40), 200);

	p = touch(reallocarray(p, 10, 40), 400);
	free(p);
}

NOINLINE static void use_posix_memalign(void)
{
	void *p;

	if (posix_memalign(&p, 64, 100))
		_exit(1);
	free(touch(p, 100));
}

NOINLINE static void use_aligned_alloc(void)
{
	free(touch(aligned_alloc(256, 512), 512));
}

NOINLINE static void use_memalign(void)
{
	leaked = touch(memalign(128, 300), 300);
}

NOINLINE static void use_valloc(void)
{
	free(touch(valloc(1000), 1000));
}

NOINLINE static void use_pvalloc(void)
{
	free(touch(pvalloc(1000), 1000));
}

int main(void)
{
	realloc_chain();
	use_calloc();
	use_reallocarray();
	use_posix_memalign();
	use_aligned_alloc();
	use_memalign();
	use_valloc();
	use_pvalloc();
	say("allocfns: done");
	return 0;
}
