// Test program of tests/symbols/libstdcxx-frames.sh: blocks allocated by
// code of libstdc++ itself, so that the innermost frame of their stacks
// is in libstdc++.so.6, a module whose name holds a "+".
//   grow:  std::string::reserve(5000) allocates its 5001 bytes in
//          std::__cxx11::basic_string<char>::_M_create (or reserve), a
//          member that libstdc++ instantiates, not this program.
#include <string>
#include <unistd.h>

static std::string *volatile sink;

__attribute__((noinline)) static void grow()
{
	std::string *s = new std::string();
	s->reserve(5000);
	sink = s;
	delete s;
}

int main()
{
	grow();
	static const char done[] = "cxx_string: done\n";
	return write(1, done, sizeof(done) - 1) == sizeof(done) - 1 ? 0 : 1;
}
