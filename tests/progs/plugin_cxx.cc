/* A plugin written in C++ for the plugin test program, which is C: the
 * plugin brings libstdc++ along, loaded without RTLD_GLOBAL, so it is not
 * in the global scope, while its calls of operator new bind to the
 * probe's.  plugin_work() makes 5 arrays of 333 bytes in cxx_alloc() and
 * deletes 4 of them (one leaks), and 3 objects of 40 bytes in cxx_obj(),
 * all deleted; a new that cannot be met throws std::bad_alloc, caught. */
#include <new>

#include "progs.h"

struct obj {
	char bytes[40];
};

static char *arrays[5];
static obj *objs[3];

NOINLINE static void cxx_alloc()
{
	for (auto &a : arrays)
		a = static_cast<char *>(touch(new char[333], 333));
}

NOINLINE static void cxx_obj()
{
	for (auto &o : objs)
		o = static_cast<obj *>(touch(new obj, sizeof(obj)));
}

NOINLINE static int cxx_throws()
{
	try {
		volatile size_t huge = ~size_t(0) / 2;
		char *p = new char[huge];
		touch(p, 0);
		return 0;
	} catch (const std::bad_alloc &) {
		return 1;
	}
}

extern "C" int plugin_work(void)
{
	cxx_alloc();
	for (int i = 0; i < 4; i++)
		delete[] arrays[i];
	cxx_obj();
	for (auto o : objs)
		delete o;
	return cxx_throws() ? 5 : 0;
}
