/*
 * Addresses past 47 bits, Linux's rule on x86-64 with 5-level paging
 * (arch/x86/mm/mmap.c): a program's stack and every mapping made without a
 * hint stay below 2^47; a hint above it may be taken, and MAP_FIXED reaches
 * up to TASK_SIZE (0x00fffffffffff000). With 4 levels the hint is ignored
 * and the fixed map fails with ENOMEM. The kernel copies from and to the
 * high page like any other (write, read).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LOW_LIMIT (1ull << 47)
#define RW        (PROT_READ | PROT_WRITE)
#define ANON      (MAP_PRIVATE | MAP_ANONYMOUS)

static const char *where(void *p, void *want)
{
	if (p == MAP_FAILED)
		return errno == ENOMEM ? "failed: ENOMEM" : "failed";
	if (p == want)
		return "at the address asked for";
	return (uintptr_t)p < LOW_LIMIT ? "below 2^47" : "elsewhere above 2^47";
}

/* The kernel reads the page (write to a pipe) and writes it (read back). */
static void copy_through(char *page)
{
	int fd[2];
	char back[16] = {0};

	strcpy(page, "high page");
	if (pipe(fd) || write(fd[1], page, 10) != 10 || read(fd[0], page + 100, 10) != 10) {
		printf("highmap: copy through a pipe: failed\n");
		return;
	}
	memcpy(back, page + 100, 10);
	printf("highmap: copy through a pipe: \"%s\"\n", back);
}

int main(void)
{
	int on_stack = 0;
	void *hint = (void *)(1ull << 52), *top = (void *)0x00ffffffffffe000ull;
	void *a = mmap(NULL, 4096, RW, ANON, -1, 0);
	void *b, *c;

	printf("highmap: stack below 2^47: %s\n", (uintptr_t)&on_stack < LOW_LIMIT ? "yes" : "no");
	printf("highmap: mmap without a hint: %s\n", where(a, NULL));
	b = mmap(hint, 4096, RW, ANON, -1, 0);
	printf("highmap: mmap with a hint at 2^52: %s\n", where(b, hint));
	if (b == hint)
		copy_through(b);
	c = mmap(top, 4096, RW, ANON | MAP_FIXED, -1, 0);
	printf("highmap: MAP_FIXED at 0x00ffffffffffe000: %s\n", where(c, top));
	if (c == top)
		printf("highmap: munmap of it: %d\n", munmap(c, 4096));
	/* Straddling 2^47 - 4096 (the end of the 47-bit window): never taken as is. */
	c = mmap((void *)(LOW_LIMIT - 8192), 16384, RW, ANON, -1, 0);
	printf("highmap: a hint across the window's end: %s\n",
	       where(c, (void *)(LOW_LIMIT - 8192)));
	printf("highmap: done\n");
	return 0;
}
