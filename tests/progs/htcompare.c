/* Only malloc, calloc, realloc and free, with exactly known counts, for
 * comparing with another heap profiler:
 *   grow:  50 x malloc(8 * i + 8) then realloc to 16 * i + 16 (i = 0..49);
 *          every fifth block kept (10 blocks, 3760 bytes), the rest freed
 *   table: 20 x calloc(i + 1, 12) (i = 0..19); the first 3 kept (72
 *          bytes), the rest freed
 * In all 120 allocations (50 malloc, 50 realloc, 20 calloc), 57 calls to
 * free, 107 blocks released (with realloc's 50), 13 blocks leaked, 3832
 * bytes. */
#include <stdlib.h>

#include "progs.h"

static void *kept[13];

NOINLINE static void grow(void)
{
	for (size_t i = 0; i < 50; i++) {
		void *p = touch(malloc(8 * i + 8), 8 * i + 8);

		p = touch(realloc(p, 16 * i + 16), 16 * i + 16);
		if (i % 5 == 0)
			kept[i / 5] = p;
		else
			free(p);
	}
}

NOINLINE static void table(void)
{
	void *t[20];

	for (size_t i = 0; i < 20; i++)
		t[i] = touch(calloc(i + 1, 12), (i + 1) * 12);
	for (size_t i = 0; i < 20; i++)
		if (i < 3)
			kept[10 + i] = t[i];
		else
			free(t[i]);
}

int main(void)
{
	grow();
	table();
	say("htcompare: done");
	return 0;
}
