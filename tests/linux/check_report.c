/* Output and children for the per-check conformance programs (check_report.h). */
#define _GNU_SOURCE
#include "check_report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned checks;

static void put_line(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		buf += n;
		len -= (size_t)n;
	}
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s", prefix);

	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	put_line(buf, (size_t)n);
}

void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	checks++;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("FATAL: ", fmt, ap);
	va_end(ap);
	_exit(1);
}

unsigned report_count(void)
{
	return checks;
}

const char *res(long r)
{
	static char buf[4][24];
	static unsigned slot;
	const char *name;

	if (r >= 0)
		return "ok";
	if ((name = strerrorname_np((int)-r)))
		return name;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "E#%ld", -r);
	return buf[slot];
}

long sys(long r)
{
	return r < 0 ? -errno : r;
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

const char *child_run(void (*fn)(void *), void *arg)
{
	static char buf[4][48];
	static unsigned slot;
	pid_t pid = fork(), r;
	int st;

	if (pid < 0)
		fatal("fork -> %s", res(-errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		fatal("waitpid -> %s", res(-errno));
	slot = (slot + 1) % 4;
	if (WIFEXITED(st))
		snprintf(buf[slot], sizeof(buf[slot]), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf[slot], sizeof(buf[slot]), "killed by SIG%s",
		         sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(buf[slot], sizeof(buf[slot]), "status 0x%x", (unsigned)st);
	return buf[slot];
}
