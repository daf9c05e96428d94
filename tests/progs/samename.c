/* Two static functions named grow, one here and one in samename_b.c,
 * each allocating and leaking: grouped by function they are two groups
 * (30 blocks of 100 bytes here, 20 of 40 there), not one. */
#include <stdlib.h>

#include "progs.h"

void *samename_b(void);

NOINLINE static void *grow(void)
{
	return touch(malloc(100), 100);
}

int main(void)
{
	for (int i = 0; i < 30; i++)
		grow();
	for (int i = 0; i < 20; i++)
		samename_b();
	say("samename done");
	return 0;
}
