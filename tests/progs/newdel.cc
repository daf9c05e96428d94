// C++ allocation with exactly known sizes, each kind from its own function:
//   plain_new:   10 x new Obj (24 bytes), all deleted (sized delete)
//   array_new:    4 x new int[25] (100 bytes), all delete[]d
//   aligned_new:  3 x new Aligned (64 bytes, alignment 64), all deleted
//   nothrow_new:  2 x new (std::nothrow) char[77], both delete[]d
//   leak_new:     1 x new Obj (24 bytes), never deleted
//   mismatch:     1 x new Obj (24 bytes) released with free()
// libstdc++ makes allocations of its own at start-up; those come from
// its own frames, not from these functions.
#include <cstdlib>
#include <new>

#include "progs.h"

struct Obj {
	long a, b, c;
};

struct alignas(64) Aligned {
	char bytes[64];
};

static void *volatile sink;
// Through a volatile pointer so the compiler cannot pair the new with the
// free and warn: the mismatch is the point.
static void (*volatile release)(void *) = std::free;

NOINLINE static void plain_new()
{
	Obj *o[10];

	for (auto &p : o)
		sink = p = new Obj();
	for (auto p : o)
		delete p;
}

NOINLINE static void array_new()
{
	int *a[4];

	for (auto &p : a)
		sink = p = new int[25]();
	for (auto p : a)
		delete[] p;
}

NOINLINE static void aligned_new()
{
	Aligned *a[3];

	for (auto &p : a)
		sink = p = new Aligned();
	for (auto p : a)
		delete p;
}

NOINLINE static void nothrow_new()
{
	char *c[2];

	for (auto &p : c)
		sink = p = new (std::nothrow) char[77]();
	for (auto p : c)
		delete[] p;
}

static Obj *leaked;

NOINLINE static void leak_new()
{
	sink = leaked = new Obj();
}

NOINLINE static void mismatch()
{
	Obj *o = new Obj();

	sink = o;
	release(o);
}

int main()
{
	plain_new();
	array_new();
	aligned_new();
	nothrow_new();
	leak_new();
	mismatch();
	say("newdel: done");
	return 0;
}
