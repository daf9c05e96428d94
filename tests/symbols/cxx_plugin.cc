// Fixture for tests/unit/test_symbols.c: a C++ function in a namespace
// and a class template, whose DWARF linkage name must come out demangled.
#include "fixture.h"

namespace ma_fx {
static volatile int sink;

template <typename T> struct Holder {
	T value;
	__attribute__((noinline)) void *call(ma_fx_cb cb)
	{
		void *r = cb();
		sink = sink + static_cast<int>(value);
		return r;
	}
};
} // namespace ma_fx

extern "C" MA_FX_EXPORT void *ma_fx_cxx_entry(ma_fx_cb cb)
{
	ma_fx::Holder<long> h{ 1 };
	return h.call(cb);
}
