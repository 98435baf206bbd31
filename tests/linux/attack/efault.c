/*
 * Bad pointers to every system call of the kit that takes one: NULL, a low
 * address, a kernel address, an unmapped page, a read-only page where the
 * kernel writes, a buffer running off the end of its mapping. Each gets
 * what Linux gives (mostly EFAULT; sometimes 0, where Linux never touches
 * the pointer), and nothing crashes. System calls go through syscall():
 * glibc would touch some of these pointers itself (and Linux's vDSO would
 * fault in user mode where the kit, without one, enters the kernel).
 */
#include "attack.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <sys/uio.h>

static char *ro;   /* a read-only page */
static char *gone; /* an unmapped page in the middle of user memory */
static char *edge; /* the last 16 bytes before an unmapped page */
static char *good; /* a writable page */
#define K   bad_ptr(KERNEL_ADDR)
#define LOW bad_ptr(LOW_ADDR)

#define SYS(...) OUTCOME(syscall(__VA_ARGS__))

static void setup(void)
{
	char *two =
	    mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two == MAP_FAILED || ro == MAP_FAILED) {
		printf("efault: FATAL: mmap\n");
		exit(2);
	}
	good = two;
	gone = two + 2 * 4096;
	munmap(gone, 4096);
	edge = gone - 16;
}

static void io(void)
{
	struct iovec iov[2] = {{NULL, 8}, {good, 8}};

	check(SYS(SYS_read, 0, K, 8), "EFAULT", "read(0, kernel address, 8)");
	check(SYS(SYS_read, 0, K, 0), "EFAULT", "read(0, kernel address, 0)");
	check(SYS(SYS_write, 1, NULL, 8), "EFAULT", "write(1, NULL, 8)");
	check(SYS(SYS_write, 1, LOW, 8), "EFAULT", "write(1, 8, 8)");
	check(SYS(SYS_write, 1, K, 8), "EFAULT", "write(1, kernel address, 8)");
	check(SYS(SYS_write, 1, K, 0), "EFAULT", "write(1, kernel address, 0)");
	check(SYS(SYS_write, 1, NULL, 0), "0", "write(1, NULL, 0)");
	check(SYS(SYS_write, 1, gone, 8), "EFAULT", "write(1, unmapped page, 8)");
	check(SYS(SYS_readv, 0, NULL, 1), "EFAULT", "readv(0, NULL, 1)");
	check(SYS(SYS_readv, 0, K, 1), "EFAULT", "readv(0, kernel address, 1)");
	check(SYS(SYS_readv, 0, NULL, 0), "0", "readv(0, NULL, 0)");
	iov[0].iov_base = K;
	check(SYS(SYS_readv, 0, iov, 1), "EFAULT", "readv(0, {kernel address, 8}, 1)");
	check(SYS(SYS_readv, 0, iov, 1025), "EINVAL", "readv(0, iov, 1025)");
	check(SYS(SYS_writev, 1, NULL, 1), "EFAULT", "writev(1, NULL, 1)");
	check(SYS(SYS_writev, 1, gone, 1), "EFAULT", "writev(1, unmapped page, 1)");
	check(SYS(SYS_writev, 1, iov, 1), "EFAULT", "writev(1, {kernel address, 8}, 1)");
	iov[0].iov_base = NULL;
	check(SYS(SYS_writev, 1, iov, 1), "EFAULT", "writev(1, {NULL, 8}, 1)");
	check(SYS(SYS_writev, 1, NULL, 0), "0", "writev(1, NULL, 0)");
	check(SYS(SYS_fstat, 1, NULL), "EFAULT", "fstat(1, NULL)");
	check(SYS(SYS_fstat, 1, K), "EFAULT", "fstat(1, kernel address)");
	check(SYS(SYS_fstat, 1, ro), "EFAULT", "fstat(1, read-only page)");
	check(SYS(SYS_fstat, 1, edge), "EFAULT", "fstat(1, 16 bytes before an unmapped page)");
	check(SYS(SYS_newfstatat, AT_FDCWD, NULL, good, 0), "EFAULT",
	      "newfstatat(AT_FDCWD, NULL, buf, 0)");
	check(SYS(SYS_newfstatat, AT_FDCWD, K, good, 0), "EFAULT",
	      "newfstatat(AT_FDCWD, kernel address, buf, 0)");
	check(SYS(SYS_newfstatat, 1, NULL, good, AT_EMPTY_PATH), "0",
	      "newfstatat(1, NULL, buf, AT_EMPTY_PATH)");
	check(SYS(SYS_newfstatat, 1, "", K, AT_EMPTY_PATH), "EFAULT",
	      "newfstatat(1, \"\", kernel address, AT_EMPTY_PATH)");
	check(SYS(SYS_newfstatat, 1, "", ro, AT_EMPTY_PATH), "EFAULT",
	      "newfstatat(1, \"\", read-only page, AT_EMPTY_PATH)");
	check(SYS(SYS_openat, AT_FDCWD, NULL, O_RDONLY), "EFAULT", "openat(AT_FDCWD, NULL)");
	check(SYS(SYS_openat, AT_FDCWD, K, O_RDONLY), "EFAULT", "openat(AT_FDCWD, kernel address)");
	check(SYS(SYS_openat, AT_FDCWD, gone, O_RDONLY), "EFAULT",
	      "openat(AT_FDCWD, unmapped page)");
	check(SYS(SYS_readlinkat, AT_FDCWD, NULL, good, 16), "EFAULT",
	      "readlinkat(AT_FDCWD, NULL, buf, 16)");
	check(SYS(SYS_faccessat, AT_FDCWD, K, F_OK), "EFAULT",
	      "faccessat(AT_FDCWD, kernel address, F_OK)");
	check(SYS(SYS_getcwd, NULL, 64), "EFAULT", "getcwd(NULL, 64)");
	check(SYS(SYS_getcwd, K, 64), "EFAULT", "getcwd(kernel address, 64)");
	check(SYS(SYS_getcwd, ro, 64), "EFAULT", "getcwd(read-only page, 64)");
	check(SYS(SYS_getcwd, good, 1), "ERANGE", "getcwd(buf, 1)");
}

static void time_calls(void)
{
	struct timespec zero = {0, 0}, bad = {0, 2000000000};

	check(SYS(SYS_nanosleep, NULL, NULL), "EFAULT", "nanosleep(NULL, NULL)");
	check(SYS(SYS_nanosleep, K, NULL), "EFAULT", "nanosleep(kernel address, NULL)");
	check(SYS(SYS_nanosleep, &bad, NULL), "EINVAL", "nanosleep({0, 2e9}, NULL)");
	check(SYS(SYS_nanosleep, &zero, K), "0",
	      "nanosleep({0, 0}, kernel address): rem not written");
	check(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, NULL, NULL), "EFAULT",
	      "clock_nanosleep(.., NULL, NULL)");
	check(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, gone, NULL), "EFAULT",
	      "clock_nanosleep(.., unmapped page, NULL)");
	check(SYS(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), "EFAULT",
	      "clock_gettime(CLOCK_MONOTONIC, NULL)");
	check(SYS(SYS_clock_gettime, CLOCK_REALTIME, ro), "EFAULT",
	      "clock_gettime(CLOCK_REALTIME, read-only page)");
	check(SYS(SYS_clock_gettime, CLOCK_MONOTONIC, edge + 8), "EFAULT",
	      "clock_gettime(.., 8 bytes before an unmapped page)");
	check(SYS(SYS_clock_getres, CLOCK_MONOTONIC, NULL), "0",
	      "clock_getres(CLOCK_MONOTONIC, NULL)");
	check(SYS(SYS_clock_getres, CLOCK_MONOTONIC, K), "EFAULT",
	      "clock_getres(CLOCK_MONOTONIC, kernel address)");
	check(SYS(SYS_gettimeofday, K, NULL), "EFAULT", "gettimeofday(kernel address, NULL)");
	check(SYS(SYS_gettimeofday, NULL, NULL), "0", "gettimeofday(NULL, NULL)");
	check(SYS(SYS_gettimeofday, NULL, ro), "EFAULT", "gettimeofday(NULL, read-only timezone)");
}

static void process_calls(void)
{
	uint64_t act[3] = {(uint64_t)SIG_IGN, 0, 0}, old[3];
	pid_t c;
	int st;

	check(SYS(SYS_uname, NULL), "EFAULT", "uname(NULL)");
	check(SYS(SYS_uname, ro), "EFAULT", "uname(read-only page)");
	check(SYS(SYS_getrandom, NULL, 8, 1), "EFAULT", "getrandom(NULL, 8, GRND_NONBLOCK)");
	check(SYS(SYS_getrandom, ro, 8, 1), "EFAULT",
	      "getrandom(read-only page, 8, GRND_NONBLOCK)");
	check(SYS(SYS_getresuid, K, good, good + 4), "EFAULT", "getresuid(kernel address, ..)");
	check(SYS(SYS_getresgid, good, good + 4, ro), "EFAULT",
	      "getresgid(.., .., read-only page)");
	check(SYS(SYS_getgroups, 1, K), "0", "getgroups(1, kernel address) with no groups");
	check(SYS(SYS_setgroups, 1, K), "EFAULT", "setgroups(1, kernel address)");
	check(SYS(SYS_setgroups, 1, NULL), "EFAULT", "setgroups(1, NULL)");
	check(SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, K, NULL), "EFAULT",
	      "prlimit64(0, NOFILE, kernel address, NULL)");
	check(SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, ro), "EFAULT",
	      "prlimit64(0, NOFILE, NULL, read-only page)");
	check(SYS(SYS_getrlimit, RLIMIT_NOFILE, K), "EFAULT", "getrlimit(NOFILE, kernel address)");
	check(SYS(SYS_setrlimit, RLIMIT_NOFILE, gone), "EFAULT",
	      "setrlimit(NOFILE, unmapped page)");
	check(SYS(SYS_rt_sigaction, SIGUSR1, K, NULL, 8), "EFAULT",
	      "rt_sigaction(SIGUSR1, kernel address, NULL)");
	check(SYS(SYS_rt_sigaction, SIGUSR1, act, ro, 8), "EFAULT",
	      "rt_sigaction(SIGUSR1, SIG_IGN, read-only page)");
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, old, 8);
	check(yes(old[0] == (uint64_t)SIG_IGN), "yes", "the action was set even so");
	check(SYS(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 7), "EINVAL",
	      "rt_sigaction(.., sigsetsize 7)");
	check(SYS(SYS_rt_sigprocmask, SIG_BLOCK, K, NULL, 8), "EFAULT",
	      "rt_sigprocmask(SIG_BLOCK, kernel address, NULL)");
	check(SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, ro, 8), "EFAULT",
	      "rt_sigprocmask(SIG_BLOCK, NULL, read-only page)");
	check(SYS(SYS_rt_sigpending, K, 8), "EFAULT", "rt_sigpending(kernel address)");
	check(SYS(SYS_sigaltstack, K, NULL), "EFAULT", "sigaltstack(kernel address, NULL)");
	check(SYS(SYS_sigaltstack, NULL, ro), "EFAULT", "sigaltstack(NULL, read-only page)");
	check(SYS(SYS_set_robust_list, NULL, 24), "0", "set_robust_list(NULL, 24): not read now");

	/* wait4 collects the child even when it cannot write the status. */
	c = attack_fork();
	if (c == 0)
		_exit(3);
	check(SYS(SYS_wait4, c, ro, 0, NULL), "EFAULT", "wait4(child, read-only status)");
	check(SYS(SYS_wait4, c, NULL, WNOHANG, NULL), "ECHILD", "wait4(same child) afterwards");
	c = attack_fork();
	if (c == 0)
		_exit(3);
	check(SYS(SYS_wait4, c, &st, 0, K), "EFAULT",
	      "wait4(child, status, kernel-address rusage)");
	/* clone's parent TID write to a bad address is ignored, as Linux does. */
	c = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0, K, 0, K);
	if (c == 0)
		_exit(4);
	check(yes(c > 0), "yes",
	      "clone(CLONE_PARENT_SETTID|CLONE_CHILD_SETTID, kernel addresses) forks");
	check(reap(c), "exited 4", "that child");
}

static void shm_calls(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

	check(SYS(SYS_shmctl, id, IPC_STAT, K), "EFAULT", "shmctl(IPC_STAT, kernel address)");
	check(SYS(SYS_shmctl, id, IPC_STAT, ro), "EFAULT", "shmctl(IPC_STAT, read-only page)");
	check(SYS(SYS_shmctl, id, IPC_SET, NULL), "EFAULT", "shmctl(IPC_SET, NULL)");
	check(SYS(SYS_shmctl, id, IPC_RMID, K), "0", "shmctl(IPC_RMID, kernel address): not read");
}

int main(void)
{
	attack_start("efault");
	setup();
	io();
	time_calls();
	process_calls();
	shm_calls();
	return attack_summary();
}
