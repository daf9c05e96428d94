/* Runs a command and reports what it cost, for bench/run.py:
 *
 *   spawn OUT CMD [ARG...]
 *
 * writes "WALL_NS CPU_NS MAXRSS_KIB STATUS" of CMD to the file OUT once
 * CMD has ended (STATUS as wait(2) gives it; a CMD that cannot be
 * executed ends with 127, as from a shell), and exits 0; it exits 127
 * without a report when given no CMD, or when it cannot fork, wait or
 * write OUT.
 *
 * Why not Python's own wait4: a child forked from the bench's Python
 * process starts with the parent's pages mapped, and the kernel keeps the
 * high-water mark of those across exec, so every peak RSS below Python's
 * own (15.5 MiB) read as 15.5 MiB.  Forked from this small program, the
 * floor is this program's size, about 1 MiB.  The wall time is taken
 * here too, around the fork and the wait, not by polling.
 *
 * The library to preload into CMD comes as BENCH_LD_PRELOAD, so that
 * this program itself runs without it: a probe preloaded here would
 * record this program too and write a trace of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000000 + (long long)tv->tv_usec * 1000;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: spawn OUT CMD [ARG...]\n");
		return 127;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("spawn: fork");
		return 127;
	}
	if (pid == 0) {
		const char *preload = getenv("BENCH_LD_PRELOAD");

		if (preload && (setenv("LD_PRELOAD", preload, 1) != 0 ||
				unsetenv("BENCH_LD_PRELOAD") != 0))
			_exit(127);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "spawn: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("spawn: wait4");
			return 127;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!(out = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 127;
	}
	fprintf(out, "%lld %lld %ld %d\n",
		(long long)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec),
		ns(&ru.ru_utime) + ns(&ru.ru_stime), ru.ru_maxrss, status);
	return fclose(out) == 0 ? 0 : 127;
}
