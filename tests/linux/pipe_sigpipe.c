/*
 * pipe_conformance's EPIPE and SIGPIPE checks. Linux's pipe_write sends
 * SIGPIPE each time it finds no reader: with EPIPE when it wrote nothing,
 * with the partial count when the last reader left while it waited for
 * room. write and writev alike; pwrite64 and pwritev of a pipe are ESPIPE
 * and send nothing. A blocked SIGPIPE stays pending, an ignored one is
 * dropped, the default one ends the writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pipe_conformance.h"

static bool sigpipe_pending(void)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, SIGPIPE);
}

static void writes_without_readers(void)
{
	struct iovec iov[2] = {{"ab", 2}, {"c", 1}};
	sigset_t set, old;
	const char *r;
	int fds[2];

	pipe(fds);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	r = rv(write(fds[1], "x", 1));
	report("write without readers, SIGPIPE ignored: %s, left pending %s", r,
	       yesno(sigpipe_pending()));
	handle(SIGPIPE, 0);
	got = 0;
	r = rv(write(fds[1], "x", 1));
	report("write without readers, handler: %s, SIGPIPE %s, SI_USER %s", r,
	       yesno(got == SIGPIPE), yesno(got_code == SI_USER));
	got = 0;
	r = rv(writev(fds[1], iov, 2));
	report("writev without readers, handler: %s, SIGPIPE %s", r, yesno(got == SIGPIPE));
	got = 0;
	r = rv(pwrite(fds[1], "x", 1, 0));
	report("pwrite64 without readers: %s, SIGPIPE %s", r, yesno(got == SIGPIPE));
	got = 0;
	r = rv(pwritev(fds[1], iov, 2, 0));
	report("pwritev without readers: %s, SIGPIPE %s", r, yesno(got == SIGPIPE));
	got = 0;
	r = rv(write(fds[1], "", 0));
	report("empty write without readers: %s, SIGPIPE %s", r, yesno(got == SIGPIPE));
	r = rv(writev(fds[1], iov, 0));
	report("empty writev without readers: %s, SIGPIPE %s", r, yesno(got == SIGPIPE));

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, &old);
	got = 0;
	r = rv(write(fds[1], "x", 1));
	report("write without readers, SIGPIPE blocked: %s, pending %s, handler ran %s", r,
	       yesno(sigpipe_pending()), yesno(got == SIGPIPE));
	sigprocmask(SIG_SETMASK, &old, NULL);
	report("SIGPIPE unblocked: handler ran %s, still pending %s", yesno(got == SIGPIPE),
	       yesno(sigpipe_pending()));
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
}

enum disposition { CATCH, IGNORE, DEFAULT };

/* A partial count is one or two whole buffers, as the scheduler has it. */
static const char *count_name(long n, long cap)
{
	if (n < 0)
		return "an error";
	return n >= cap && n < 3 * cap && n % cap == 0 ? "partial count" : "a wrong count";
}

/*
 * A child writes three pipe-buffers' worth at once; the parent reads one
 * buffer's worth and closes its end while the child waits for room. The
 * child's count is partial (one or two buffers, as the scheduler has it),
 * and SIGPIPE comes anyway.
 */
static void partial_write(enum disposition d, const char *what)
{
	static const char *names[] = {"handler", "SIGPIPE ignored", "default SIGPIPE"};
	static char block[3 << 16];
	long out[3] = {0}, total = 0, n, cap;
	int fds[2], res[2], status;
	pid_t c;

	pipe(fds);
	pipe(res);
	cap = fcntl(fds[0], F_SETPIPE_SZ, 1 << 16); /* block holds three */
	if ((c = fork()) == 0) {
		close(fds[0]);
		close(res[0]);
		if (d == CATCH)
			handle(SIGPIPE, 0);
		else if (d == IGNORE)
			signal(SIGPIPE, SIG_IGN);
		got = 0;
		n = write(fds[1], block, (size_t)3 * cap);
		out[0] = n;
		out[1] = n < 0 ? errno : 0;
		out[2] = got;
		write(res[1], out, sizeof(out));
		_exit(0);
	}
	close(fds[1]);
	close(res[1]);
	while (total < cap && (n = read(fds[0], block, (size_t)(cap - total))) > 0)
		total += n;
	close(fds[0]);
	n = read(res[0], out, sizeof(out));
	close(res[0]);
	waitpid(c, &status, 0);
	if (n != sizeof(out)) {
		report("%s, %s: no count (%s)", what, names[d],
		       WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE ? "killed by SIGPIPE"
		                                                          : "no SIGPIPE");
		return;
	}
	report("%s, %s: %s, SIGPIPE caught %s, exit %d", what, names[d], count_name(out[0], cap),
	       yesno(out[2] == SIGPIPE), WEXITSTATUS(status));
}

void test_epipe(void)
{
	int fds[2], status;
	pid_t c;

	writes_without_readers();
	c = fork();
	if (c == 0) {
		pipe(fds);
		close(fds[0]);
		write(fds[1], "x", 1);
		_exit(0);
	}
	waitpid(c, &status, 0);
	report("default SIGPIPE ends the writer: %s",
	       yesno(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE));
	partial_write(CATCH, "reader leaves a blocked write");
	partial_write(IGNORE, "reader leaves a blocked write");
	partial_write(DEFAULT, "reader leaves a blocked write");
}
