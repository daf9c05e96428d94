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

/* The signals record passes on: every one whose default action ends a
 * process and that is not about record's own code (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS) or its own writes
 * (SIGPIPE), with the real-time ones (SIGRTMIN..SIGRTMAX) added at run
 * time.  Without a handler, one of them sent to record would end record
 * and leave PROGRAM running on, its status lost. */
static const int fixed[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
	SIGIO, SIGXCPU, SIGXFSZ,
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};
#define NFIXED (sizeof fixed / sizeof fixed[0])

static volatile sig_atomic_t child_pid;

/* Whether the kernel sent sig to the whole foreground process group, as
 * the terminal does (^C, ^\, hangup), rather than to record alone (a
 * timer armed before record was exec'd, a resource limit). */
static int from_terminal(int sig, const siginfo_t *si)
{
	return si->si_code == SI_KERNEL && (sig == SIGINT || sig == SIGQUIT || sig == SIGHUP);
}

static void forward(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;

	(void)uctx;
	/* One from the terminal went to the program too: sending it again
	 * would deliver it twice.  So did one the program sent to its own
	 * process group (kill(0, sig)), and one it sent to record, its
	 * parent, was not meant for it. */
	if (!from_terminal(sig, si) && !(si->si_code <= 0 && si->si_pid == child_pid) &&
	    child_pid > 0)
		kill(child_pid, sig);
	errno = saved;
}

/* The signals passed on, in set. */
static void forwarded(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NFIXED; i++)
		sigaddset(set, fixed[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

static void block_forwarded(int how, sigset_t *old)
{
	sigset_t set;

	forwarded(&set);
	sigprocmask(how, &set, old);
}

/* Each signal passed on takes the handler (install) or its default
 * action back; one that record's caller left ignored stays ignored, as
 * it does for PROGRAM, which inherits that. */
static void set_forwarding(int install)
{
	struct sigaction sa, old;
	sigset_t set;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	forwarded(&set);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(&set, sig) != 1 || sigaction(sig, NULL, &old) < 0 ||
		    (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN))
			continue;
		if (install) {
			sigaction(sig, &sa, NULL);
		} else {
			struct sigaction dfl;

			memset(&dfl, 0, sizeof dfl);
			dfl.sa_handler = SIG_DFL;
			sigaction(sig, &dfl, NULL);
		}
	}
}

static __attribute__((noreturn)) void exec_child(const char *path, char **argv,
						 const sigset_t *mask)
{
	int err;

	set_forwarding(0);
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
	set_forwarding(1);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exec_child(path, argv, &old);
	if (pid < 0) {
		ma_error("cannot run '%s': %s", argv[0], strerror(errno));
		set_forwarding(0);
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
	set_forwarding(0);
	return shell_status(status);
}
