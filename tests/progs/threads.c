/* 8 threads; thread i (0..7) makes 500 blocks of 32 * (i + 1) bytes in
 * thread_work() and frees them all.  In all 4000 mallocs and 4000 frees
 * from thread_work, 576000 bytes.  Each thread also leaks one block of
 * 7 bytes from thread_leak(): 8 blocks, 56 bytes. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "progs.h"

#define NTHREADS 8
#define NBLOCKS 500

static void *leaks[NTHREADS];

NOINLINE static void thread_work(size_t size)
{
	void *blocks[NBLOCKS];

	for (int i = 0; i < NBLOCKS; i++)
		blocks[i] = touch(malloc(size), size);
	for (int i = 0; i < NBLOCKS; i++)
		free(blocks[i]);
}

NOINLINE static void *thread_leak(void)
{
	return touch(malloc(7), 7);
}

static void *run(void *arg)
{
	uintptr_t i = (uintptr_t)arg;

	thread_work(32 * (i + 1));
	leaks[i] = thread_leak();
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];

	for (uintptr_t i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, run, (void *)i))
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	say("threads: done");
	return 0;
}
