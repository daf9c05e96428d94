/* Shared by the test programs: output without stdio, whose buffers would
 * be allocations of their own, and a sink the compiler cannot see
 * through, so that no allocation is optimised away. */
#ifndef TEST_PROGS_H
#define TEST_PROGS_H

#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

/* Writes s and a newline to stdout with write(2). */
static inline void say(const char *s)
{
	size_t n = strlen(s);

	if (write(1, s, n) != (ssize_t)n || write(1, "\n", 1) != 1)
		_exit(99);
}

/* Touches the block and publishes it, so it counts as used. */
static inline void *touch(void *p, size_t n)
{
	__asm__ volatile("" : : "r"(p) : "memory");
	if (p && n)
		memset(p, 0x5a, n);
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

#endif
