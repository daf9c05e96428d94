/* A library whose constructor allocates: preloaded after the probe, its
 * constructor runs before the probe's.  7 x malloc(4321), 3 freed, and
 * 2 x calloc(1, 4322). */
#include <stdlib.h>

#include "progs.h"

static void *blocks[9];

NOINLINE static void early_work(void)
{
	for (int i = 0; i < 7; i++)
		blocks[i] = touch(malloc(4321), 4321);
	for (int i = 0; i < 3; i++)
		free(blocks[i]);
	for (int i = 7; i < 9; i++)
		blocks[i] = touch(calloc(1, 4322), 4322);
}

__attribute__((constructor)) static void early_ctor(void)
{
	early_work();
}
