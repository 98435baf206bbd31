/*
 * ltp_runner: the first program of an LTP boot. For each test named on its
 * command line it makes an empty scratch directory under /tmp, and runs
 * /ltp/<test> there as its child (so the LTP main process is not pid 1,
 * which LTP's library treats as "main test process might have exited"),
 * between two marker lines the host side cuts the transcript by:
 *
 *	ltp-runner: begin shmat01
 *	... the test's own output ...
 *	ltp-runner: end shmat01 exit 0
 *
 * LTP looks for a kernel config (tst_kconfig.c); it reads .gz files
 * through popen("zcat"), which needs a shell. The runner unpacks the
 * kernel's /proc/config.gz (stored deflate blocks) into a plain file and
 * points KCONFIG_PATH at it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KCONFIG "/tmp/ltp-kernel.config"

static unsigned char gz[1 << 20];

/* gzip (RFC 1952) whose deflate stream is stored blocks only: the text, or -1. */
static long unstore(const unsigned char *in, size_t n, FILE *out)
{
	size_t at = 10, total = 0;
	int final = 0;

	if (n < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || in[3] != 0)
		return -1; /* no optional header fields are written by the kernel */
	while (!final) {
		unsigned len, nlen;

		if (at + 5 > n || (in[at] & 6) != 0)
			return -1; /* not a stored block */
		final = in[at] & 1;
		len = in[at + 1] | in[at + 2] << 8;
		nlen = in[at + 3] | in[at + 4] << 8;
		at += 5;
		if ((len ^ 0xffff) != nlen || at + len > n)
			return -1;
		if (fwrite(in + at, 1, len, out) != len)
			return -1;
		at += len;
		total += len;
	}
	return (long)total;
}

static int write_kconfig(void)
{
	int fd = open("/proc/config.gz", O_RDONLY);
	size_t n = 0;
	ssize_t r;
	FILE *out;
	long rc;

	if (fd < 0)
		return -1;
	while ((r = read(fd, gz + n, sizeof(gz) - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (!(out = fopen(KCONFIG, "w")))
		return -1;
	rc = unstore(gz, n, out);
	return fclose(out) == 0 && rc > 0 ? 0 : -1;
}

static int run(const char *test)
{
	char dir[256], path[256];
	int status = 0;
	pid_t pid;

	snprintf(dir, sizeof(dir), "/tmp/ltp-%s", test);
	snprintf(path, sizeof(path), "/ltp/%s", test);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		printf("ltp-runner: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	printf("ltp-runner: begin %s\n", test);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)test, NULL};

		if (chdir(dir) < 0)
			_exit(126);
		execve(path, argv, environ);
		dprintf(2, "ltp-runner: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("ltp-runner: fork or wait failed: %s\n", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status))
		printf("ltp-runner: end %s exit %d\n", test, WEXITSTATUS(status));
	else
		printf("ltp-runner: end %s signal %d\n", test, WTERMSIG(status));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	/* The reference ran with stderr a file: no colours. */
	setenv("LTP_COLORIZE_OUTPUT", "n", 1);
	setenv("PATH", "/bin:/usr/bin", 1);
	if (write_kconfig() == 0)
		setenv("KCONFIG_PATH", KCONFIG, 1);
	else
		printf("ltp-runner: no kernel config from /proc/config.gz\n");
	for (int i = 1; i < argc; i++)
		if (run(argv[i]) < 0)
			rc = 1;
	return rc;
}
