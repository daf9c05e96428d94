// An uncaught C++ exception after known allocations: 10 x new int[25],
// 4 deleted; std::terminate then aborts.
#include <stdexcept>

#include "progs.h"

NOINLINE static void work()
{
	int *p[10];

	for (auto &x : p)
		x = static_cast<int *>(touch(new int[25], 100));
	for (int i = 0; i < 4; i++)
		delete[] p[i];
}

int main()
{
	work();
	say("throw: throwing");
	throw std::runtime_error("nobody catches this");
}
