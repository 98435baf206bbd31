/* Bad input for the image: a system call the kernel does not implement
 * (get_mempolicy, 236), twice. Each returns ENOSYS; the kernel names
 * it once; the program fails (status 1) as one needing the call would. */
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
		r = syscall(236, 0, 0, 0);
		printf("nosys: syscall 236 -> %ld (%s)\n", r,
		       r < 0 ? strerrorname_np(errno) : "ok");
	}
	return r < 0;
}
