/* Code generated at run time, without an FDE, between main and the
 * allocation: main calls a few bytes of machine code written into a
 * mapping of its own (sub rsp, 8; mov rax, bottom; call rax; add rsp, 8;
 * ret), which calls bottom(), which mallocs and frees.  libgcc's walk,
 * and so the probe's, ends at the generated frame; libunwind may guess
 * on.  ROUNDS rounds from stacks moved down by different amounts, so
 * that the memo of whole walks does not serve them: ROUNDS mallocs and
 * frees, one stack. */
#include <alloca.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "progs.h"

#define ROUNDS 600
#define SHIFTS 300

NOINLINE static void bottom(size_t n)
{
	free(touch(malloc(n), n));
}

typedef void gen_fn(size_t n);

/* The generated function; NULL when the system allows no such mapping. */
static gen_fn *generate(void)
{
	static const uint8_t head[] = { 0x48, 0x83, 0xec, 0x08, 0x48, 0xb8 };
	static const uint8_t tail[] = { 0xff, 0xd0, 0x48, 0x83, 0xc4, 0x08, 0xc3 };
	uint64_t target = (uint64_t)(uintptr_t)bottom;
	uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gen_fn *fn;

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, head, sizeof(head));
	memcpy(p + sizeof(head), &target, 8);
	memcpy(p + sizeof(head) + 8, tail, sizeof(tail));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0)
		return NULL;
	memcpy(&fn, &p, sizeof(fn));
	return fn;
}

NOINLINE static void round_at(gen_fn *fn, size_t shift, size_t r)
{
	char *pad = alloca(16 * shift + 16);

	__asm__ volatile("" : : "r"(pad) : "memory");
	fn(r + 1);
}

int main(void)
{
	gen_fn *fn = generate();

	if (!fn) {
		say("jit: no executable mapping");
		return 1;
	}
	for (size_t r = 0; r < ROUNDS; r++)
		round_at(fn, r % SHIFTS, r);
	say("jit done");
	return 0;
}
