/* The plugin loaded by the plugin test program. */
#include <stdlib.h>

#include "progs.h"

int plugin_work(void);

static void *blocks[5];

NOINLINE static void plugin_alloc(void)
{
	for (int i = 0; i < 5; i++)
		blocks[i] = touch(malloc(333), 333);
}

int plugin_work(void)
{
	plugin_alloc();
	for (int i = 0; i < 4; i++)
		free(blocks[i]);
	return 5;
}
