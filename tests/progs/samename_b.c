/* The other static grow of tests/progs/samename.c. */
#include <stdlib.h>

#include "progs.h"

void *samename_b(void);

NOINLINE static void *grow(void)
{
	return touch(malloc(40), 40);
}

void *samename_b(void)
{
	return grow();
}
