/* Three call sites with exactly known allocations:
 *   site_a: 100 blocks of 48 bytes, 40 freed, 60 leaked (2880 bytes)
 *   site_b:  30 blocks of 1024 bytes, all freed
 *   site_c:   7 blocks of 200 bytes, none freed (1400 bytes leaked)
 * In all 137 mallocs and 70 frees; 4280 bytes leaked in 67 blocks.  The
 * frees happen in release_some(), so free call sites differ from the
 * allocating ones. */
#include <stdlib.h>

#include "progs.h"

static void *a[100], *b[30], *c[7];

NOINLINE static void site_a(void)
{
	for (int i = 0; i < 100; i++)
		a[i] = touch(malloc(48), 48);
}

NOINLINE static void site_b(void)
{
	for (int i = 0; i < 30; i++)
		b[i] = touch(malloc(1024), 1024);
}

NOINLINE static void site_c(void)
{
	for (int i = 0; i < 7; i++)
		c[i] = touch(malloc(200), 200);
}

NOINLINE static void release_some(void)
{
	for (int i = 0; i < 40; i++)
		free(a[i]);
	for (int i = 0; i < 30; i++)
		free(b[i]);
}

int main(void)
{
	site_a();
	site_b();
	site_c();
	release_some();
	say("sites: done");
	return 0;
}
