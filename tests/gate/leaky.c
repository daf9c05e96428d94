/* The program the gate tests record, with exactly known numbers:
 *   cache_init: 1 block of 512 bytes kept in a global (a one-time cache)
 *   leak_here:  LEAKS blocks of 1024 bytes, never freed
 *   peak_work:  PEAK_BLOCKS blocks of 1000 bytes live together, then freed
 *   temp_work:  4 blocks of 64 bytes, each freed before the next
 * With the defaults (4, 16): 25 allocations, 4608 bytes leaked in 5
 * blocks, a peak of 512 + 4096 + 16000 = 20608 bytes.  The build with
 * LEAKS=5 and PEAK_BLOCKS=22 leaks 5632 bytes in 6 blocks and peaks at
 * 27632 bytes, with 32 allocations.  EXTRA adds a function in front, so
 * that a build with it has every address moved. */
#include <stdlib.h>

#include "progs.h"

#ifndef LEAKS
#define LEAKS 4
#endif
#ifndef PEAK_BLOCKS
#define PEAK_BLOCKS 16
#endif

static void *cache;
static void *peak[PEAK_BLOCKS];

#ifdef EXTRA
NOINLINE static unsigned layout_shift(unsigned x)
{
	for (unsigned i = 0; i < 64; i++)
		x = x * 2654435761u + i;
	return x;
}
#endif

NOINLINE static void cache_init(void)
{
	cache = touch(malloc(512), 512);
}

NOINLINE static void leak_here(void)
{
	for (int i = 0; i < LEAKS; i++)
		touch(malloc(1024), 1024);
}

NOINLINE static void peak_work(void)
{
	for (int i = 0; i < PEAK_BLOCKS; i++)
		peak[i] = touch(malloc(1000), 1000);
	for (int i = 0; i < PEAK_BLOCKS; i++)
		free(peak[i]);
}

NOINLINE static void temp_work(void)
{
	for (int i = 0; i < 4; i++)
		free(touch(malloc(64), 64));
}

int main(void)
{
#ifdef EXTRA
	if (layout_shift(7) == 0)
		say("leaky: unlikely");
#endif
	cache_init();
	leak_here();
	peak_work();
	temp_work();
	say("leaky: done");
	return 0;
}
