/* The plugin of rel_deepbind.c. */
#include <stdlib.h>

#include "progs.h"

void **deep_work(void **theirs, int n);

static void *blocks[9];
static void *out[2];

NOINLINE static void deep_alloc(void)
{
	for (int i = 0; i < 9; i++)
		blocks[i] = touch(malloc(777), 777);
	for (int i = 0; i < 4; i++)
		free(blocks[i]);
}

void **deep_work(void **theirs, int n)
{
	deep_alloc();
	for (int i = 0; i < n; i++)
		free(theirs[i]);
	out[0] = touch(malloc(999), 999);
	out[1] = touch(malloc(999), 999);
	return out;
}
