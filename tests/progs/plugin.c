/* Loads the plugin named by argv[1], calls plugin_work() (which makes 5
 * blocks of 333 bytes in plugin_alloc() and frees 4 of them, so one
 * leaks from inside the plugin), unloads it, then makes and frees 3
 * blocks of 64 bytes in after_unload(). */
#include <dlfcn.h>
#include <stdlib.h>

#include "progs.h"

NOINLINE static void after_unload(void)
{
	void *b[3];

	for (int i = 0; i < 3; i++)
		b[i] = touch(malloc(64), 64);
	for (int i = 0; i < 3; i++)
		free(b[i]);
}

int main(int argc, char **argv)
{
	void *h;
	int (*work)(void);

	if (argc != 2) {
		say("usage: plugin PLUGIN.so");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		say("plugin: cannot load the plugin");
		return 1;
	}
	*(void **)&work = dlsym(h, "plugin_work");
	if (!work || work() != 5)
		return 1;
	if (dlclose(h))
		return 1;
	after_unload();
	say("plugin: done");
	return 0;
}
