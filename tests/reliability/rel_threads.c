/* Threads with exactly known allocations:
 *   many N    N short-lived threads, each 1 malloc(111) freed and
 *             1 malloc(222) leaked; at most 64 alive at a time
 *   forever   one thread allocates 5 x malloc(333) and then blocks for
 *             good; main returns while it still waits */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progs.h"

NOINLINE static void *short_lived(void *arg)
{
	(void)arg;
	free(touch(malloc(111), 111));
	touch(malloc(222), 222);
	return NULL;
}

static int many(int n)
{
	pthread_t t[64];

	for (int done = 0; done < n;) {
		int k = n - done < 64 ? n - done : 64;

		for (int i = 0; i < k; i++)
			if (pthread_create(&t[i], NULL, short_lived, NULL) != 0)
				return 1;
		for (int i = 0; i < k; i++)
			pthread_join(t[i], NULL);
		done += k;
	}
	say("threads: done");
	return 0;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready;

NOINLINE static void *never_returns(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++)
		touch(malloc(333), 333);
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	for (;;)
		pause();
	return NULL;
}

static int forever(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, never_returns, NULL) != 0)
		return 1;
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	say("forever: main returns");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "many") == 0)
		return many(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "forever") == 0)
		return forever();
	say("usage: rel_threads many N | forever");
	return 2;
}
