/* Makes 200000 blocks of 1 to 256 bytes (keeping every tenth), enough for
 * the probe to write several chunks, then kills itself with SIGKILL: the
 * probe gets no chance to flush or write a trailer. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "progs.h"

#define N 200000

static void *kept[N / 10];

NOINLINE static void churn(void)
{
	for (int i = 0; i < N; i++) {
		size_t n = (size_t)(i % 256) + 1;
		void *p = touch(malloc(n), n);

		if (i % 10 == 0)
			kept[i / 10] = p;
		else
			free(p);
	}
}

int main(void)
{
	churn();
	say("killme: killing myself");
	kill(getpid(), SIGKILL);
	return 0;
}
