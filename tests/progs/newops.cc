// Every replaceable operator new and delete, called by name, each pair
// with a size of its own, alignment 64 where it takes one:
//   scalar:  new(24)/delete(p), new(32, nothrow)/delete(p, nothrow),
//            new(40, align 64)/delete(p, align 64),
//            new(48, align 64, nothrow)/delete(p, align 64, nothrow),
//            new(56)/delete(p, 56), new(72, align 64)/delete(p, 72, align 64)
//   array:   the same with new[] and delete[], sizes + 100
// and one mmap64 of 8192 bytes, unmapped: the glibc entry point of its
// own that programs built with _FILE_OFFSET_BITS=64 on 32-bit call.
#include <cstddef>
#include <new>
#include <sys/mman.h>

#include "progs.h"

static void *volatile sink;
static const std::align_val_t al{ 64 };
static const std::nothrow_t &nt = std::nothrow;

NOINLINE static void scalar_ops()
{
	void *p;

	sink = p = ::operator new(24);
	::operator delete(p);
	sink = p = ::operator new(32, nt);
	::operator delete(p, nt);
	sink = p = ::operator new(40, al);
	::operator delete(p, al);
	sink = p = ::operator new(48, al, nt);
	::operator delete(p, al, nt);
	sink = p = ::operator new(56);
	::operator delete(p, std::size_t(56));
	sink = p = ::operator new(72, al);
	::operator delete(p, std::size_t(72), al);
}

NOINLINE static void array_ops()
{
	void *p;

	sink = p = ::operator new[](124);
	::operator delete[](p);
	sink = p = ::operator new[](132, nt);
	::operator delete[](p, nt);
	sink = p = ::operator new[](140, al);
	::operator delete[](p, al);
	sink = p = ::operator new[](148, al, nt);
	::operator delete[](p, al, nt);
	sink = p = ::operator new[](156);
	::operator delete[](p, std::size_t(156));
	sink = p = ::operator new[](172, al);
	::operator delete[](p, std::size_t(172), al);
}

NOINLINE static void map64()
{
	void *m = mmap64(nullptr, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		say("newops: mmap64 failed");
		_exit(1);
	}
	sink = touch(m, 8192);
	munmap(m, 8192);
}

int main()
{
	scalar_ops();
	array_ops();
	map64();
	say("newops: done");
	return 0;
}
