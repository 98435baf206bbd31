/*
 * The pipe and poll conformance program: pipe2 and its flags, FIFOs,
 * PIPE_BUF atomicity, EOF, EPIPE and SIGPIPE (pipe_sigpipe.c), F_GETPIPE_SZ/F_SETPIPE_SZ,
 * FIONREAD, poll/ppoll/pselect6 on pipes, eventfds, files and devices,
 * signals that end or restart blocked calls, eventfd's rules, a forked
 * producer and consumer, a shell-like pipeline, and hostile arguments.
 * One line per check, never a pid, an address or a time: the transcript is
 * the same under Linux (qemu-user, natively) and in the image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "pipe_conformance.h"

static unsigned checks;

void report(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		_exit(1);
	checks++;
}

/* An address no program maps, hidden from the compiler's bounds checks. */
static volatile uintptr_t bad_addr = 8;
#define BAD ((void *)bad_addr)

const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

/* A result: the value, or the errno's name. */
const char *rv(long r)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	if (r < 0)
		return strerrorname_np(errno);
	snprintf(buf[i], sizeof(buf[i]), "%ld", r);
	return buf[i];
}

static const char *events(int ev)
{
	static char buf[4][96];
	static int i;
	static const struct {
		int bit;
		const char *name;
	} names[] = {{POLLIN, "IN"},         {POLLPRI, "PRI"},      {POLLOUT, "OUT"},
	             {POLLERR, "ERR"},       {POLLHUP, "HUP"},      {POLLNVAL, "NVAL"},
	             {POLLRDNORM, "RDNORM"}, {POLLWRNORM, "WRNORM"}};

	i = (i + 1) % 4;
	buf[i][0] = '\0';
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (ev & names[k].bit)
			snprintf(buf[i] + strlen(buf[i]), sizeof(buf[i]) - strlen(buf[i]), "%s%s",
			         buf[i][0] ? "|" : "", names[k].name);
	return buf[i][0] ? buf[i] : "0";
}

static int poll1(int fd, short ev)
{
	struct pollfd p = {fd, ev, 0};
	int n = poll(&p, 1, 0);

	return n < 0 ? -1 : p.revents;
}

volatile sig_atomic_t got, got_code;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = sig;
	got_code = si->si_code;
}

void handle(int sig, int flags)
{
	struct sigaction sa = {0};

	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

/*
 * SIGALRM every 'ms' until disarmed (0): should the first come before the
 * call blocks (a loaded machine), the next one still finds it blocked.
 */
static void arm_timer(long ms)
{
	struct itimerval it = {{ms / 1000, (ms % 1000) * 1000}, {ms / 1000, (ms % 1000) * 1000}};

	setitimer(ITIMER_REAL, &it, NULL);
}

static void test_pipe2(void)
{
	int fds[2], fl;
	struct stat st;

	report("pipe2(0): %s", rv(pipe2(fds, 0)));
	fstat(fds[0], &st);
	report("fstat: fifo %s, mode %o, size %ld", yesno(S_ISFIFO(st.st_mode)), st.st_mode & 07777,
	       (long)st.st_size);
	report("F_GETFL: read end %s, write end %s",
	       yesno((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY),
	       yesno((fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY));
	report("lseek: %s", rv(lseek(fds[0], 0, SEEK_SET)));
	report("pread: %s", rv(pread(fds[0], &fl, 1, 0)));
	report("F_GETPIPE_SZ: %s", rv(fcntl(fds[0], F_GETPIPE_SZ)));
	{
		char text[32] = {0};
		int sys = open("/proc/sys/fs/pipe-max-size", O_RDONLY);

		report("/proc/sys/fs/pipe-max-size: %s", read(sys, text, sizeof(text) - 1) > 0
		                                             ? strtok(text, "\n")
		                                             : strerrorname_np(errno));
		close(sys);
	}
	report("F_SETPIPE_SZ 100000: %s", rv(fcntl(fds[1], F_SETPIPE_SZ, 100000)));
	report("F_SETPIPE_SZ 0: %s", rv(fcntl(fds[1], F_SETPIPE_SZ, 0)));
	report("F_SETPIPE_SZ 1<<31+1: %s", rv(fcntl(fds[1], F_SETPIPE_SZ, (1u << 31) + 1)));
	report("F_GETPIPE_SZ of stdout-like /dev/null: %s",
	       rv(fcntl(open("/dev/null", O_RDONLY), F_GETPIPE_SZ)));
	close(fds[0]);
	close(fds[1]);
	pipe2(fds, O_CLOEXEC | O_NONBLOCK);
	fl = fcntl(fds[1], F_GETFL);
	report("pipe2(O_CLOEXEC|O_NONBLOCK): cloexec %s, nonblock %s",
	       yesno(fcntl(fds[0], F_GETFD) == FD_CLOEXEC), yesno(fl & O_NONBLOCK));
	close(fds[0]);
	close(fds[1]);
	report("pipe2(O_APPEND): %s", rv(pipe2(fds, O_APPEND)));
	report("pipe2(bad pointer): %s", rv(pipe2(BAD, 0)));
}

static void test_capacity(void)
{
	static char big[70000];
	int fds[2], n = -1, total = 0;
	long rc;

	pipe2(fds, O_NONBLOCK);
	while ((rc = write(fds[1], "x", 1)) == 1)
		total++;
	report("one-byte writes until full: %d, then %s", total, rv(rc));
	ioctl(fds[0], FIONREAD, &n);
	report("FIONREAD: %d", n);
	report("read 100: %s", rv(read(fds[0], big, 100)));
	report("write 10 (the first page is not empty yet): %s", rv(write(fds[1], big, 10)));
	report("read 3996: %s", rv(read(fds[0], big, 3996)));
	report("write 5000 (one page free): %s", rv(write(fds[1], big, 5000)));
	report("F_SETPIPE_SZ 4096 while full: %s", rv(fcntl(fds[0], F_SETPIPE_SZ, 4096)));
	close(fds[1]);
	total = 0;
	while ((rc = read(fds[0], big, sizeof(big))) > 0)
		total += (int)rc;
	report("drained %d bytes, then read: %s (EOF)", total, rv(rc));
	close(fds[0]);

	pipe2(fds, O_DIRECT);
	write(fds[1], "hello", 5);
	write(fds[1], "world!", 6);
	memset(big, 0, 16);
	report("packet mode: read 3: %s", rv(read(fds[0], big, 3)));
	report("packet mode: read 16: %s", rv(read(fds[0], big + 3, 16)));
	report("packet mode: got '%s'", big + 3);
	close(fds[0]);
	close(fds[1]);
}

static void test_proc_links(void)
{
	int fds[2], e = eventfd(0, 0);
	char path[64], link[64];
	ssize_t n;

	pipe(fds);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	report("/proc/self/fd of a pipe: starts with pipe:[ %s",
	       yesno(strncmp(link, "pipe:[", 6) == 0));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", e);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	report("/proc/self/fd of an eventfd: %s", link);
	close(fds[0]);
	close(fds[1]);
	close(e);
}

static void test_poll(void)
{
	int fds[2], f, nul = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
	struct pollfd p[3];

	pipe(fds);
	report("poll empty pipe: read end %s", events(poll1(fds[0], POLLIN | POLLOUT)));
	report("poll empty pipe: write end %s", events(poll1(fds[1], POLLIN | POLLOUT)));
	write(fds[1], "a", 1);
	report("after a write: read end %s", events(poll1(fds[0], POLLIN)));
	close(fds[1]);
	report("writer closed: read end %s (HUP even unasked)", events(poll1(fds[0], 0)));
	close(fds[0]);
	pipe(fds);
	close(fds[0]);
	report("reader closed: write end %s", events(poll1(fds[1], POLLOUT)));
	close(fds[1]);
	f = open("/tmp/pipe_conf_file", O_CREAT | O_RDWR | O_TRUNC, 0600);
	report("poll regular file: %s", events(poll1(f, POLLIN | POLLOUT)));
	report("poll /dev/null: %s", events(poll1(nul, POLLIN | POLLOUT)));
	report("poll /dev/zero: %s", events(poll1(zero, POLLIN)));
	p[0] = (struct pollfd){-1, POLLIN, 77};
	p[1] = (struct pollfd){999, POLLIN, 0};
	p[2] = (struct pollfd){f, POLLIN, 0};
	report("poll negative fd, bad fd, file: %s", rv(poll(p, 3, 0)));
	report("revents: %s, %s, %s", events(p[0].revents), events(p[1].revents),
	       events(p[2].revents));
	close(f);
	unlink("/tmp/pipe_conf_file");
	close(nul);
	close(zero);
}

static void test_timeouts_and_masks(void)
{
	int fds[2];
	struct pollfd p;
	struct timespec ts = {0, 20000000};
	sigset_t none, blk, cur;
	fd_set rd;

	pipe(fds);
	p = (struct pollfd){fds[0], POLLIN, 0};
	report("ppoll 20 ms on an empty pipe: %s", rv(syscall(SYS_ppoll, &p, 1, &ts, NULL, 8)));
	report("time left written back as 0: %s", yesno(ts.tv_sec == 0 && ts.tv_nsec == 0));
	write(fds[1], "a", 1);
	ts = (struct timespec){10, 0};
	report("ppoll 10 s, ready: %s", rv(syscall(SYS_ppoll, &p, 1, &ts, NULL, 8)));
	report("time left at most 10 s: %s",
	       yesno(ts.tv_sec < 10 || (ts.tv_sec == 10 && ts.tv_nsec == 0)));
	ts = (struct timespec){0, 1000000000};
	report("ppoll with tv_nsec 1e9: %s", rv(ppoll(&p, 1, &ts, NULL)));
	report("ppoll sigsetsize 4: %s", rv(syscall(SYS_ppoll, &p, 1, NULL, &none, 4)));

	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	ts = (struct timespec){0, 0};
	report("pselect6 ready: %s", rv(pselect(fds[0] + 1, &rd, NULL, NULL, &ts, NULL)));
	report("bit kept: %s", yesno(FD_ISSET(fds[0], &rd)));
	read(fds[0], &p, 1);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	ts = (struct timespec){0, 10000000};
	report("pselect6 timeout: %s", rv(pselect(fds[0] + 1, &rd, NULL, NULL, &ts, NULL)));
	report("bit cleared: %s", yesno(!FD_ISSET(fds[0], &rd)));
	FD_ZERO(&rd);
	FD_SET(fds[1] + 5, &rd);
	ts = (struct timespec){0, 0};
	report("pselect6 with a closed fd: %s",
	       rv(pselect(fds[1] + 6, &rd, NULL, NULL, &ts, NULL)));
	report("pselect6 nfds -1: %s", rv(pselect(-1, NULL, NULL, NULL, &ts, NULL)));

	/* The mask of ppoll: SIGUSR1 pending and blocked is let in for the call only. */
	handle(SIGUSR1, SA_RESTART);
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	raise(SIGUSR1);
	sigemptyset(&none);
	got = 0;
	p = (struct pollfd){fds[0], POLLIN, 0};
	report("ppoll with an empty mask, SIGUSR1 pending: %s", rv(ppoll(&p, 1, NULL, &none)));
	report("handler ran: %s", yesno(got == SIGUSR1));
	sigprocmask(SIG_SETMASK, NULL, &cur);
	report("SIGUSR1 blocked again after ppoll: %s", yesno(sigismember(&cur, SIGUSR1)));
	raise(SIGUSR1);
	got = 0;
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	report("pselect6 with an empty mask: %s",
	       rv(pselect(fds[0] + 1, &rd, NULL, NULL, NULL, &none)));
	report("handler ran: %s", yesno(got == SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &blk, NULL);

	/* A signal ends a poll even with SA_RESTART; a read restarts only with it. */
	handle(SIGALRM, SA_RESTART);
	arm_timer(30);
	report("poll interrupted (SA_RESTART): %s", rv(poll(&p, 1, -1)));
	arm_timer(0);
	handle(SIGALRM, 0);
	arm_timer(30);
	report("read interrupted (no SA_RESTART): %s", rv(read(fds[0], &p, 1)));
	arm_timer(0);
	close(fds[0]);
	close(fds[1]);
}

/* A child signals then writes: with SA_RESTART the read waits on and gets the byte. */
static void test_restart(void)
{
	int fds[2];
	char c = 0;
	pid_t parent = getpid(), k;

	pipe(fds);
	handle(SIGUSR2, SA_RESTART);
	got = 0;
	if ((k = fork()) == 0) {
		usleep(30000);
		kill(parent, SIGUSR2);
		usleep(30000);
		write(fds[1], "r", 1);
		_exit(0);
	}
	report("read with SA_RESTART across a signal: %s", rv(read(fds[0], &c, 1)));
	report("got '%c', handler ran %s", c, yesno(got == SIGUSR2));
	waitpid(k, NULL, 0);

	/* A fatal signal ends a blocked reader. */
	if ((k = fork()) == 0) {
		read(fds[0], &c, 1);
		_exit(0);
	}
	usleep(30000);
	kill(k, SIGTERM);
	int status;
	waitpid(k, &status, 0);
	report("SIGTERM ends a blocked reader: %s",
	       yesno(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
	close(fds[0]);
	close(fds[1]);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
}

static void test_eventfd(void)
{
	uint64_t v = 0;
	struct stat st;
	int e = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC), s;

	fstat(e, &st);
	report("eventfd: cloexec %s, no file type %s, mode %o",
	       yesno(fcntl(e, F_GETFD) == FD_CLOEXEC), yesno((st.st_mode & S_IFMT) == 0),
	       st.st_mode & 07777);
	report("poll: %s", events(poll1(e, POLLIN | POLLOUT)));
	report("read: %s", rv(read(e, &v, 8)));
	report("value %llu", (unsigned long long)v);
	report("read again: %s", rv(read(e, &v, 8)));
	report("read 4 bytes: %s", rv(read(e, &v, 4)));
	report("write 7 bytes: %s", rv(write(e, &v, 7)));
	v = UINT64_MAX;
	report("write 0xffffffffffffffff: %s", rv(write(e, &v, 8)));
	v = UINT64_MAX - 1;
	report("write 0xfffffffffffffffe: %s", rv(write(e, &v, 8)));
	report("poll: %s", events(poll1(e, POLLIN | POLLOUT)));
	v = 1;
	report("write 1 more: %s", rv(write(e, &v, 8)));
	report("read into a bad pointer: %s", rv(read(e, BAD, 8)));
	close(e);
	s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	for (int i = 0; i < 3; i++)
		report("semaphore read %d: %s, value %llu", i, rv(read(s, &v, 8)),
		       (unsigned long long)v);
	close(s);
	report("eventfd2 bad flags: %s", rv(syscall(SYS_eventfd2, 0, 0x10)));
}

static void test_fifo(void)
{
	const char *path = "/tmp/pipe_conf_fifo";
	char buf[8] = {0};
	struct stat st;
	int r, w, status;
	pid_t k;

	unlink(path);
	report("mkfifo: %s", rv(mkfifo(path, 0600)));
	stat(path, &st);
	report("stat: fifo %s", yesno(S_ISFIFO(st.st_mode)));
	report("open O_WRONLY|O_NONBLOCK, no reader: %s", rv(open(path, O_WRONLY | O_NONBLOCK)));
	r = open(path, O_RDONLY | O_NONBLOCK);
	report("open O_RDONLY|O_NONBLOCK: %s", r < 0 ? rv(r) : "ok");
	report("poll: %s", events(poll1(r, POLLIN)));
	report("read: %s", rv(read(r, buf, 8)));
	w = open(path, O_WRONLY | O_NONBLOCK);
	report("then O_WRONLY|O_NONBLOCK: %s", w < 0 ? rv(w) : "ok");
	report("write: %s", rv(write(w, "abc", 3)));
	report("read: %s", rv(read(r, buf, 8)));
	close(w);
	report("writer gone: poll %s", events(poll1(r, POLLIN)));
	report("read: %s", rv(read(r, buf, 8)));
	close(r);
	if ((k = fork()) == 0) {
		int fd = open(path, O_WRONLY); /* waits for the reader */
		_exit(fd >= 0 && write(fd, "hello", 5) == 5 ? 0 : 1);
	}
	r = open(path, O_RDONLY); /* waits for the writer */
	memset(buf, 0, sizeof(buf));
	report("blocking opens meet: read %s", rv(read(r, buf, 5)));
	report("got '%s'", buf);
	waitpid(k, &status, 0);
	report("writer exit %d", WEXITSTATUS(status));
	report("read after it: %s", rv(read(r, buf, 8)));
	close(r);
	report("O_RDWR never waits: %s", yesno((r = open(path, O_RDWR)) >= 0));
	close(r);
	unlink(path);
}

static void test_processes(void)
{
	static char block[4096], buf[8192];
	int fds[2], status, uniform = 1;
	long total = 0, sum = 0, n;
	pid_t a, b;

	/* PIPE_BUF: two writers' 4096-byte writes never interleave. */
	pipe(fds);
	for (int i = 0; i < 2; i++)
		if (fork() == 0) {
			close(fds[0]);
			memset(block, i ? 'b' : 'a', sizeof(block));
			for (int j = 0; j < 64; j++)
				write(fds[1], block, sizeof(block));
			_exit(0);
		}
	close(fds[1]);
	char cur = 0;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++, total++) {
			if (total % 4096 == 0)
				cur = buf[i];
			else if (buf[i] != cur)
				uniform = 0;
		}
	}
	while (wait(NULL) > 0)
		;
	report("two writers of 64 x 4096 bytes: %ld bytes, every block whole %s", total,
	       yesno(uniform));
	close(fds[0]);

	/* A producer and a consumer. */
	pipe(fds);
	if ((a = fork()) == 0) {
		close(fds[0]);
		for (int i = 1; i <= 10000; i++) {
			char line[16];
			int len = snprintf(line, sizeof(line), "%d\n", i);
			write(fds[1], line, (size_t)len);
		}
		_exit(0);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	while (fscanf(in, "%ld", &n) == 1)
		sum += n;
	fclose(in);
	waitpid(a, &status, 0);
	report("producer/consumer: sum %ld, producer exit %d", sum, WEXITSTATUS(status));

	/* A pipeline: "gen | count" with stdin and stdout redirected. */
	int out[2];
	pipe(fds);
	pipe(out);
	if ((a = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		for (int i = 0; i < 3; i++)
			write(1, "line\n", 5);
		_exit(0);
	}
	if ((b = fork()) == 0) {
		long lines = 0;
		char c;

		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		while (read(0, &c, 1) == 1)
			lines += c == '\n';
		dprintf(out[1], "%ld", lines);
		_exit(0);
	}
	close(fds[0]);
	close(fds[1]);
	close(out[1]);
	memset(buf, 0, 16);
	read(out[0], buf, 15);
	close(out[0]);
	waitpid(a, NULL, 0);
	waitpid(b, &status, 0);
	report("pipeline gen | count: %s lines, count exit %d", buf, WEXITSTATUS(status));

	/* Closing the read end while a writer waits on a full pipe: EPIPE. */
	pipe(fds);
	if ((a = fork()) == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(fds[0]);
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		while (write(fds[1], block, sizeof(block)) > 0)
			;
		fcntl(fds[1], F_SETFL, 0);
		_exit(write(fds[1], block, sizeof(block)) < 0 && errno == EPIPE ? 7 : 1);
	}
	close(fds[1]);
	usleep(50000);
	close(fds[0]);
	waitpid(a, &status, 0);
	report("blocked writer, reader closes: exit %d (7: EPIPE)", WEXITSTATUS(status));
}

static void test_hostile(void)
{
	int fds[2], n = 0;
	struct pollfd p;

	pipe(fds);
	write(fds[1], "data", 4);
	report("read into a bad pointer: %s", rv(read(fds[0], BAD, 4)));
	ioctl(fds[0], FIONREAD, &n);
	report("data kept: FIONREAD %d", n);
	report("write from a bad pointer: %s", rv(write(fds[1], BAD, 4)));
	report("FIONREAD to a bad pointer: %s", rv(ioctl(fds[0], FIONREAD, BAD)));
	report("poll with a bad array: %s", rv(poll(BAD, 1, 0)));
	p = (struct pollfd){fds[0], POLLIN, 0};
	report("ppoll with a bad mask: %s", rv(syscall(SYS_ppoll, &p, 1, NULL, BAD, 8)));
	report("ppoll with a bad timeout: %s", rv(syscall(SYS_ppoll, &p, 1, BAD, NULL, 8)));
	report("pselect6 with a bad set: %s",
	       rv(syscall(SYS_pselect6, 4, BAD, NULL, NULL, NULL, NULL)));
	report("F_SETPIPE_SZ huge (unsigned int wraps to 4096): %s",
	       rv(fcntl(fds[0], F_SETPIPE_SZ, 0x100001000ul)));
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	report("pipe_conformance: start");
	test_pipe2();
	test_capacity();
	test_epipe();
	test_proc_links();
	test_poll();
	test_timeouts_and_masks();
	test_restart();
	test_eventfd();
	test_fifo();
	test_processes();
	test_hostile();
	report("summary: %u checks", checks + 1);
	return 0;
}
