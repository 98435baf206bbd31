/* Bad input for the image: a system call the kernel does not implement
 * (sched_setaffinity, 122), twice. Each returns ENOSYS; the kernel names
 * it once. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 2; i++) {
		long r = syscall(122, 0, 0, 0);
		printf("nosys: syscall 122 -> %ld (%s)\n", r, r < 0 ? strerrorname_np(errno) : "ok");
	}
	return 0;
}
