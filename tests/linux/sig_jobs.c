/*
 * Job control, SIGCHLD and restart_syscall: the part of the signal
 * conformance program (sig_conformance.c has the rest) about children
 * that stop, continue and end, and calls that go on after a stop. The
 * same rules: one line per check, never a pid, an address or a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sig_conformance.h"

void test_sigchld(void)
{
	sigset_t s = one(SIGCHLD), old, empty;
	int status;

	install(SIGCHLD, record, 0);
	sigprocmask(SIG_BLOCK, &s, &old);
	hits = 0;
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	sigemptyset(&empty);
	while (!hits)
		sigsuspend(&empty);
	report(
	    "SIGCHLD at a child's exit: %s, CLD_EXITED: %s, si_status 3: %s, si_pid the child: %s",
	    yes_no(seen_signo == SIGCHLD), yes_no(seen_code == CLD_EXITED),
	    yes_no(seen_status == 3), yes_no(seen_pid == c));
	waitpid(c, &status, 0);
	hits = 0;
	c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	kill(c, SIGTERM);
	while (!hits)
		sigsuspend(&empty);
	report("SIGCHLD for a child killed by SIGTERM: CLD_KILLED: %s, si_status SIGTERM: %s",
	       yes_no(seen_code == CLD_KILLED), yes_no(seen_status == SIGTERM));
	waitpid(c, &status, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	dfl(SIGCHLD);
}

static void job_control_as_shell(void)
{
	sigset_t s = one(SIGCHLD), old, empty;
	int status = 0;
	pid_t c, r;

	install(SIGCHLD, record, 0);
	sigprocmask(SIG_BLOCK, &s, &old);
	sigemptyset(&empty);
	/*
	 * The child leads a process group of its own, whose parent (this
	 * process, not pid 1) is in another group of the session: that group
	 * is not orphaned, so SIGTSTP stops it (Linux drops SIGTSTP, SIGTTIN
	 * and SIGTTOU in an orphaned group).
	 */
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c);
	hits = 0;
	kill(c, SIGSTOP);
	r = waitpid(c, &status, WUNTRACED);
	report("SIGSTOP: wait4(WUNTRACED) reports it stopped by SIGSTOP: %s",
	       yes_no(r == c && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP));
	while (!hits)
		sigsuspend(&empty);
	report("SIGCHLD with CLD_STOPPED, si_status SIGSTOP: %s",
	       yes_no(seen_code == CLD_STOPPED && seen_status == SIGSTOP));
	r = waitpid(c, &status, WUNTRACED | WNOHANG);
	report("the stop is reported once: %s", yes_no(r == 0));
	hits = 0;
	kill(c, SIGCONT);
	r = waitpid(c, &status, WCONTINUED);
	report("SIGCONT: wait4(WCONTINUED) reports it continued: %s",
	       yes_no(r == c && WIFCONTINUED(status)));
	while (!hits)
		sigsuspend(&empty);
	report("SIGCHLD with CLD_CONTINUED: %s", yes_no(seen_code == CLD_CONTINUED));
	kill(c, SIGTSTP);
	r = waitpid(c, &status, WUNTRACED);
	report("SIGTSTP's default stops too: %s",
	       yes_no(r == c && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP));
	kill(c, SIGTERM);
	kill(c, SIGCONT);
	r = waitpid(c, &status, 0);
	report("stopped, then SIGTERM and SIGCONT: killed by SIGTERM: %s",
	       yes_no(r == c && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGSTOP);
	waitpid(c, &status, WUNTRACED);
	kill(c, SIGKILL);
	r = waitpid(c, &status, 0);
	report("a stopped child takes SIGKILL: %s",
	       yes_no(r == c && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
	sigprocmask(SIG_SETMASK, &old, NULL);
	dfl(SIGCHLD);
}

static void rt_exit(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	_exit(5);
}

static int orphan_pipe = -1;

static void orphan_note(int sig, siginfo_t *si, void *uc)
{
	char c = sig == SIGHUP ? 'H' : 'C';

	(void)si, (void)uc;
	if (write(orphan_pipe, &c, 1) != 1)
		_exit(9);
}

/*
 * A stopped group that its parent's exit orphans gets SIGHUP, then
 * SIGCONT (POSIX 3.2.2.2; Linux's kill_orphaned_pgrp): a "shell" child S
 * starts C in a group of its own, waits until C has stopped itself, and
 * exits. C's handlers write what they see into a pipe this process reads
 * ('H', 'C', then 'R' once C runs again), C's pid first: C is reparented
 * to pid 1 (this process in the image) or to the host's reaper. Linux sets
 * both frames up before C runs: SIGHUP's, then SIGCONT's on top of it, so
 * SIGCONT's handler writes first (CHR).
 */
void test_orphaned_stopped_group(void)
{
	char seen[8] = "", ch;
	int fds[2], status = 0;
	size_t n = 0;
	pid_t sh, c = 0;

	if (pipe(fds) != 0) {
		report("pipe: %s", strerror(errno));
		return;
	}
	orphan_pipe = fds[1];
	sh = fork();
	if (sh == 0) {
		close(fds[0]);
		c = fork();
		if (c == 0) {
			setpgid(0, 0);
			install(SIGHUP, orphan_note, 0);
			install(SIGCONT, orphan_note, 0);
			c = getpid();
			if (write(orphan_pipe, &c, sizeof(c)) != sizeof(c))
				_exit(9);
			raise(SIGSTOP);
			ch = 'R';
			_exit(write(orphan_pipe, &ch, 1) == 1 ? 0 : 9);
		}
		setpgid(c, c);
		waitpid(c, &status, WUNTRACED);
		_exit(WIFSTOPPED(status) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &c, sizeof(c)) != sizeof(c))
		c = 0;
	waitpid(sh, &status, 0);
	while (n + 1 < sizeof(seen) && read(fds[0], &ch, 1) == 1)
		seen[n++] = ch;
	close(fds[0]);
	if (c > 0)
		waitpid(c, NULL, 0); /* the image's pid 1 collects it; ECHILD under qemu-user */
	report("a stopped group orphaned by its shell's exit: shell %s; the group saw %s (SIGHUP, "
	       "SIGCONT, running again)",
	       yes_no(WIFEXITED(status) && WEXITSTATUS(status) == 0), n ? seen : "nothing");
}

void test_job_control(void)
{
	unsigned before = checks;
	int status = 0;
	pid_t sh, c;

	/*
	 * A child of this program plays the shell: this program may be pid 1
	 * (in the image), and Linux counts the group of a process whose
	 * parent is pid 1 as orphaned.
	 */
	sh = fork();
	if (sh == 0) {
		job_control_as_shell();
		_exit((int)(checks - before));
	}
	waitpid(sh, &status, 0);
	checks += WIFEXITED(status) ? (unsigned)WEXITSTATUS(status) : 0;
	/*
	 * setsid leaves the child's new group without a parent in its
	 * session: orphaned. SIGTSTP does nothing there, so the real-time
	 * signal after it (taken after it: a higher number) ends the child.
	 */
	c = fork();
	if (c == 0) {
		install(SIGRTMIN, rt_exit, 0);
		setsid(); /* after the handler: the parent waits for the new session */
		for (;;)
			pause();
	}
	while (getsid(c) != c)
		sched_yield();
	kill(c, SIGTSTP);
	kill(c, SIGRTMIN);
	waitpid(c, &status, WUNTRACED);
	report(
	    "SIGTSTP to an orphaned group (setsid) does nothing: then SIGRTMIN's handler exits 5 "
	    "-> %s",
	    WIFEXITED(status)    ? (WEXITSTATUS(status) == 5 ? "exit 5" : "another exit")
	    : WIFSTOPPED(status) ? "stopped"
	                         : "killed");
	if (WIFSTOPPED(status))
		kill(c, SIGKILL), waitpid(c, &status, 0);
}

/* ---- restart_syscall: a sleep stopped and continued goes on ---- */
static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * The child sleeps 400 ms one way ('how'), telling the parent just before;
 * the parent stops it, waits, continues it. Without a handler the sleep
 * goes on (restart_syscall, or the same call again for an absolute one):
 * exit 0 when the call returned 0 after at least the whole time.
 */
static int sleeper(int how)
{
	struct timespec d = {0, 400000000}, rem, end;
	int64_t t0 = mono_ms();
	int r;

	switch (how) {
	case 0:
		r = nanosleep(&d, &rem);
		break;
	case 1:
		r = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, &rem);
		break;
	case 2:
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_nsec += d.tv_nsec;
		end.tv_sec += end.tv_nsec / 1000000000;
		end.tv_nsec %= 1000000000;
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL);
		break;
	default:
		r = poll(NULL, 0, 400);
		break;
	}
	return r != 0 ? 1 : mono_ms() - t0 < 400 ? 2 : 0;
}

void test_restart_block(void)
{
	static const char *const how[] = {"nanosleep", "clock_nanosleep",
	                                  "clock_nanosleep(TIMER_ABSTIME)", "poll"};
	struct timespec pause_ms = {0, 60000000};
	int status, fds[2];
	char c;

	errno = 0;
	report("restart_syscall called by the program: %s",
	       syscall(SYS_restart_syscall) < 0 ? strerrorname_np(errno) : "ok");
	for (int i = 0; i < 4; i++) {
		if (pipe(fds) < 0) {
			report("FATAL: pipe: %s", strerrorname_np(errno));
			exit(1);
		}
		pid_t k = fork();
		if (k == 0) {
			close(fds[0]);
			if (write(fds[1], "s", 1) != 1)
				_exit(9);
			_exit(sleeper(i));
		}
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1) {
			report("FATAL: the sleeper did not start");
			exit(1);
		}
		close(fds[0]);
		nanosleep(&pause_ms, NULL);
		kill(k, SIGSTOP);
		waitpid(k, &status, WUNTRACED);
		nanosleep(&pause_ms, NULL);
		kill(k, SIGCONT);
		waitpid(k, &status, 0);
		report("%s stopped and continued: %s", how[i],
		       !WIFEXITED(status)         ? "killed"
		       : WEXITSTATUS(status) == 0 ? "goes on, whole time slept"
		       : WEXITSTATUS(status) == 1 ? "fails"
		                                  : "returns early");
	}
}
