/* Ways to end, after exactly known allocations: 20 x malloc(40), 5 freed.
 *   return exit _exit abort kill   (kill: SIGKILL to itself)
 *   oom     also maps and touches 256 MiB in 1 MiB blocks (malloc), then
 *           SIGKILL to itself, as the OOM killer would
 *   pthread_exit  main starts a thread and ends with pthread_exit; the
 *           thread waits 50 ms, then frees the 15 other blocks and
 *           returns: the process ends with it, status 0
 *   quick_exit  its at_quick_exit handler frees one more block, then it
 *           ends with status 7
 * Before a SIGKILL it waits 1.2 s: the probe writes a record at the
 * latest when it has waited a second (and a sample interval, 10 ms), and
 * a kill loses what it had not yet written (docs/reliability.md). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progs.h"

static void *p_rest[15]; /* the blocks work() keeps */

NOINLINE static void work(void)
{
	void *p[20];

	for (int i = 0; i < 20; i++)
		p[i] = touch(malloc(40), 40);
	for (int i = 0; i < 5; i++)
		free(p[i]);
	memcpy(p_rest, p + 5, sizeof(p_rest));
}

static void free_one(void)
{
	free(p_rest[0]);
}

static void *last_thread(void *arg)
{
	usleep(50000);
	for (int i = 0; i < 15; i++)
		free(p_rest[i]);
	return arg;
}

NOINLINE static void grow(void)
{
	for (int i = 0; i < 256; i++)
		touch(malloc(1 << 20), 1 << 20);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "return";

	work();
	say(how);
	if (strcmp(how, "exit") == 0)
		exit(3);
	if (strcmp(how, "_exit") == 0)
		_exit(4);
	if (strcmp(how, "abort") == 0)
		abort();
	if (strcmp(how, "quick_exit") == 0) {
		at_quick_exit(free_one);
		quick_exit(7);
	}
	if (strcmp(how, "pthread_exit") == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, last_thread, NULL) != 0)
			return 6;
		pthread_exit(NULL);
	}
	if (strcmp(how, "oom") == 0)
		grow();
	if (strcmp(how, "kill") == 0 || strcmp(how, "oom") == 0) {
		usleep(1200000);
		kill(getpid(), SIGKILL);
	}
	return 5;
}
