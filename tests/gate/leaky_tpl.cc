// A leak in an instance of a template, whose name has the characters
// Markdown and HTML take for markup (<, >, *, _): check --markdown must
// show it as it is.  Two blocks of 64 bytes, never freed.
#include <cstdlib>

#include "progs.h"

static void *volatile sink;

template <typename T> NOINLINE T *keep_blocks_(std::size_t n)
{
	return static_cast<T *>(touch(std::malloc(n * sizeof(T)), n * sizeof(T)));
}

int main()
{
	sink = keep_blocks_<int>(16);
	sink = keep_blocks_<int>(16);
	say("leaky_tpl: done");
	return 0;
}
