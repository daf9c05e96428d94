/* Running the recorded program: its exit status is record's, and the
 * signals meant to stop record are passed on to it. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_util.h"
#include "record.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

static volatile sig_atomic_t child_pid;

static void forward(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	/* A signal from the terminal (^C, ^\, hangup) went to the whole
	 * foreground process group, the program included: sending it again
	 * would deliver it twice. */
	if (si->si_code == SI_KERNEL)
		return;
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void block_forwarded(int how, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(how, &set, old);
}

static void install_forwarding(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, NULL);
}

static void restore_defaults(void)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		signal(forwarded[i], SIG_DFL);
}

static __attribute__((noreturn)) void exec_child(const char *path, char **argv,
						 const sigset_t *mask)
{
	int err;

	restore_defaults();
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv(path, argv);
	err = errno;
	ma_error("cannot run '%s': %s", argv[0], strerror(err));
	/* As a shell: 127 when there is nothing to run, 126 when it is there
	 * but cannot be run. */
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

static int shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return MA_EXIT_INTERNAL;
}

int record_run(const char *path, char **argv)
{
	sigset_t old;
	pid_t pid;
	int status;

	/* Blocked across fork so that no signal finds the handler without a
	 * child to forward to, nor the child before it restored defaults. */
	block_forwarded(SIG_BLOCK, &old);
	install_forwarding();
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exec_child(path, argv, &old);
	if (pid < 0) {
		ma_error("cannot run '%s': %s", argv[0], strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return MA_EXIT_INTERNAL;
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ma_error("cannot wait for '%s': %s", argv[0], strerror(errno));
			return MA_EXIT_INTERNAL;
		}
	}
	child_pid = 0;
	restore_defaults();
	return shell_status(status);
}
