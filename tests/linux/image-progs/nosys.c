/* Bad input for the image: a system call the kernel does not implement
 * (get_mempolicy: 236 on riscv64 and aarch64, 239 on x86-64), twice.
 * Each returns ENOSYS; the kernel names it once; the program fails
 * (status 1) as one needing the call would. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long r = 0;

	for (int i = 0; i < 2; i++) {
		r = syscall(SYS_get_mempolicy, 0, 0, 0);
		printf("nosys: syscall %d -> %ld (%s)\n", SYS_get_mempolicy, r,
		       r < 0 ? strerrorname_np(errno) : "ok");
	}
	return r < 0;
}
