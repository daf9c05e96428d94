/* A call chain 80 functions deep, c0 calling c1 ... calling c79, which
 * mallocs and frees: deeper than the probe's default 64 frames.  Each of
 * ROUNDS rounds enters it from a stack moved down by a different amount
 * (alloca), so that no two rounds of the first SHIFTS look alike to the
 * probe's memo of whole walks and the walk itself must be fast.  Round r
 * allocates r + 1 bytes: ROUNDS mallocs and frees, one stack. */
#include <alloca.h>
#include <stdlib.h>

#include "progs.h"

#define ROUNDS 600
#define SHIFTS 300

NOINLINE static void c79(size_t n)
{
	free(touch(malloc(n), n));
}

/* c##k calls c##next, then does something, so the call is no tail call. */
#define C(k, next)                                                  \
	NOINLINE static void c##k(size_t n)                         \
	{                                                           \
		c##next(n);                                         \
		__asm__ volatile("" : : "r"(n) : "memory");         \
	}
C(78, 79) C(77, 78) C(76, 77) C(75, 76) C(74, 75) C(73, 74) C(72, 73) C(71, 72)
C(70, 71) C(69, 70) C(68, 69) C(67, 68) C(66, 67) C(65, 66) C(64, 65) C(63, 64)
C(62, 63) C(61, 62) C(60, 61) C(59, 60) C(58, 59) C(57, 58) C(56, 57) C(55, 56)
C(54, 55) C(53, 54) C(52, 53) C(51, 52) C(50, 51) C(49, 50) C(48, 49) C(47, 48)
C(46, 47) C(45, 46) C(44, 45) C(43, 44) C(42, 43) C(41, 42) C(40, 41) C(39, 40)
C(38, 39) C(37, 38) C(36, 37) C(35, 36) C(34, 35) C(33, 34) C(32, 33) C(31, 32)
C(30, 31) C(29, 30) C(28, 29) C(27, 28) C(26, 27) C(25, 26) C(24, 25) C(23, 24)
C(22, 23) C(21, 22) C(20, 21) C(19, 20) C(18, 19) C(17, 18) C(16, 17) C(15, 16)
C(14, 15) C(13, 14) C(12, 13) C(11, 12) C(10, 11) C(9, 10) C(8, 9) C(7, 8)
C(6, 7) C(5, 6) C(4, 5) C(3, 4) C(2, 3) C(1, 2) C(0, 1)

/* Enters the chain shift * 16 bytes further down the stack. */
NOINLINE static void round_at(size_t shift, size_t n)
{
	char *pad = alloca(16 * shift + 16);

	__asm__ volatile("" : : "r"(pad) : "memory");
	c0(n);
}

int main(void)
{
	for (size_t r = 0; r < ROUNDS; r++)
		round_at(r % SHIFTS, r + 1);
	say("deepchain done");
	return 0;
}
