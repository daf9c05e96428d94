/* A function that realigns its stack and reads arguments passed on the
 * stack: GCC keeps the incoming stack pointer in a register (DRAP) and
 * describes the frame with CFI expressions (CFA = the word at rbp - 8,
 * the caller's rbp at rbp).  realigned() recurses DEPTHS deep at most
 * and mallocs at the bottom; each of ROUNDS rounds enters it from a
 * stack moved down by a different amount (alloca), so that the probe's
 * memo of whole walks does not serve them and the walk itself goes
 * through the realigned frames.  Round r allocates r + 1 bytes at depth
 * r % DEPTHS: ROUNDS mallocs and frees, DEPTHS stacks. */
#include <alloca.h>
#include <stdlib.h>

#include "progs.h"

#define ROUNDS 600
#define SHIFTS 300
#define DEPTHS 4

NOINLINE static void bottom(size_t n)
{
	free(touch(malloc(n), n));
}

/* Eight arguments: the last two come on the stack, which the realigned
 * frame reaches through the DRAP register. */
NOINLINE __attribute__((force_align_arg_pointer)) static long realigned(int d, long n, long a3,
								   long a4, long a5, long a6,
								   long a7, long a8)
{
	_Alignas(64) char buf[128];

	touch(buf, sizeof(buf));
	if (d == 0)
		bottom((size_t)(n + a7 - a8));
	else
		realigned(d - 1, n, a3, a4, a5, a6, a7 + 1, a8 + 1);
	__asm__ volatile("" : : "r"(buf) : "memory");
	return buf[n % 128];
}

NOINLINE static void round_at(size_t shift, size_t r)
{
	char *pad = alloca(16 * shift + 16);

	__asm__ volatile("" : : "r"(pad) : "memory");
	realigned((int)(r % DEPTHS), (long)r + 1, 3, 4, 5, 6, 7, 7);
}

int main(void)
{
	for (size_t r = 0; r < ROUNDS; r++)
		round_at(r % SHIFTS, r);
	say("realign done");
	return 0;
}
