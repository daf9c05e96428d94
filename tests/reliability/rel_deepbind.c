/* A plugin loaded with RTLD_DEEPBIND (rel_deep_mod.c): its own symbol
 * scope comes first, so its calls to malloc and free bind to libc's and
 * not to the preloaded probe's.  The plugin allocates 9 x malloc(777)
 * and frees 4; it also frees 3 x malloc(888) blocks the program made, and
 * the program frees 2 x malloc(999) that the plugin made. */
#include <dlfcn.h>
#include <stdlib.h>

#include "progs.h"

int main(int argc, char **argv)
{
	void *(*work)(void **, int);
	void *mine[3], **theirs;
	void *h;

	if (argc != 2 || !(h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)))
		return 2;
	*(void **)&work = dlsym(h, "deep_work");
	if (!work)
		return 2;
	for (int i = 0; i < 3; i++)
		mine[i] = touch(malloc(888), 888);
	theirs = work(mine, 3);
	free(theirs[0]);
	free(theirs[1]);
	say("deepbind: done");
	return 0;
}
