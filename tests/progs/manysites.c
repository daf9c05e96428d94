/* 4096 functions, each with two call sites of its own (a malloc and a
 * calloc), all called ROUNDS times: 8192 distinct return addresses into
 * the program, more than the fast unwinder's first table of rules holds,
 * so the table must grow while the program runs.  Function i allocates
 * i + 1 bytes with malloc and i + 2 with calloc, and frees both:
 * ROUNDS * 4096 mallocs, as many callocs, twice as many frees. */
#include <stdlib.h>

#include "progs.h"

#define ROUNDS 3

#define F(n)                                                        \
	NOINLINE static void f##n(size_t i)                         \
	{                                                           \
		void *p = touch(malloc(i + 1), i + 1);              \
		void *q = touch(calloc(1, i + 2), i + 2);           \
		free(q);                                            \
		free(p);                                            \
	}
#define F16(p) F(p##0) F(p##1) F(p##2) F(p##3) F(p##4) F(p##5) F(p##6) F(p##7) \
	F(p##8) F(p##9) F(p##a) F(p##b) F(p##c) F(p##d) F(p##e) F(p##f)
#define F256(p) F16(p##0) F16(p##1) F16(p##2) F16(p##3) F16(p##4) F16(p##5) \
	F16(p##6) F16(p##7) F16(p##8) F16(p##9) F16(p##a) F16(p##b) F16(p##c) \
	F16(p##d) F16(p##e) F16(p##f)
#define F4096(p) F256(p##0) F256(p##1) F256(p##2) F256(p##3) F256(p##4) \
	F256(p##5) F256(p##6) F256(p##7) F256(p##8) F256(p##9) F256(p##a) \
	F256(p##b) F256(p##c) F256(p##d) F256(p##e) F256(p##f)

#define P(n) f##n,
#define P16(p) P(p##0) P(p##1) P(p##2) P(p##3) P(p##4) P(p##5) P(p##6) P(p##7) \
	P(p##8) P(p##9) P(p##a) P(p##b) P(p##c) P(p##d) P(p##e) P(p##f)
#define P256(p) P16(p##0) P16(p##1) P16(p##2) P16(p##3) P16(p##4) P16(p##5) \
	P16(p##6) P16(p##7) P16(p##8) P16(p##9) P16(p##a) P16(p##b) P16(p##c) \
	P16(p##d) P16(p##e) P16(p##f)
#define P4096(p) P256(p##0) P256(p##1) P256(p##2) P256(p##3) P256(p##4) \
	P256(p##5) P256(p##6) P256(p##7) P256(p##8) P256(p##9) P256(p##a) \
	P256(p##b) P256(p##c) P256(p##d) P256(p##e) P256(p##f)

F4096(x)

static void (*const fns[])(size_t) = { P4096(x) };

int main(void)
{
	for (int r = 0; r < ROUNDS; r++)
		for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
			fns[i](i);
	say("done");
	return 0;
}
