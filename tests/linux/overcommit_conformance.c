/*
 * The overcommit conformance program: Linux's default commit heuristic
 * (vm.overcommit_memory 0, mm/util.c __vm_enough_memory) as shmget and
 * mmap meet it. A request for more than RAM and swap together -- 64 TiB,
 * or the machine's own MemTotal + SwapTotal + 1 GiB -- fails with ENOMEM
 * when it would be charged (shmget without SHM_NORESERVE, a private
 * writable or a shared anonymous mapping without MAP_NORESERVE) and is
 * made when it would not (the NORESERVE flags, a read-only private
 * mapping). Sizes are never printed: the transcript is the same under
 * Linux (qemu-user, natively) and in the image, whatever their RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define TIB64 (64ul << 40)

static unsigned checks;

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
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

/* A field of /proc/meminfo in bytes; 0 if absent. */
static unsigned long meminfo(const char *field)
{
	char line[128];
	unsigned long kb = 0;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kb = strtoul(line + n + 1, NULL, 10);
	fclose(f);
	return kb << 10;
}

/* shmget(IPC_PRIVATE, size): "ok" (and the segment removed) or the errno's name. */
static const char *get(size_t size, int flags)
{
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600 | flags);

	if (id < 0)
		return strerrorname_np(errno);
	return shmctl(id, IPC_RMID, NULL) == 0 ? "ok" : "ok, but IPC_RMID failed";
}

/* mmap of anonymous memory: "ok" (and unmapped) or the errno's name. */
static const char *map(size_t size, int prot, int flags)
{
	void *p = mmap(NULL, size, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return strerrorname_np(errno);
	return munmap(p, size) == 0 ? "ok" : "ok, but munmap failed";
}

int main(void)
{
	unsigned long ram = meminfo("MemTotal"), swap = meminfo("SwapTotal");
	size_t beyond = ram + swap + (1ul << 30);
	char mode[8] = "";
	FILE *f;

	report("overcommit_conformance: start");
	if ((f = fopen("/proc/sys/vm/overcommit_memory", "r"))) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	mode[strcspn(mode, "\n")] = '\0';
	report("vm.overcommit_memory: %s", mode);
	report("MemTotal known: %s", ram ? "yes" : "no");

	report("shmget 64 TiB: %s", get(TIB64, 0));
	report("shmget 64 TiB, SHM_NORESERVE: %s", get(TIB64, SHM_NORESERVE));
	report("mmap 64 TiB, private read-write: %s",
	       map(TIB64, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	report("mmap 64 TiB, shared read-write: %s",
	       map(TIB64, PROT_READ | PROT_WRITE, MAP_SHARED));

	report("shmget RAM+swap+1GiB: %s", get(beyond, 0));
	report("shmget RAM+swap+1GiB, SHM_NORESERVE: %s", get(beyond, SHM_NORESERVE));
	report("mmap RAM+swap+1GiB, private read-write: %s",
	       map(beyond, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	report("mmap RAM+swap+1GiB, private read-write, MAP_NORESERVE: %s",
	       map(beyond, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE));
	report("mmap RAM+swap+1GiB, private read-only: %s", map(beyond, PROT_READ, MAP_PRIVATE));
	report("mmap RAM+swap+1GiB, shared read-write: %s",
	       map(beyond, PROT_READ | PROT_WRITE, MAP_SHARED));
	report("mmap RAM+swap+1GiB, shared read-only: %s", map(beyond, PROT_READ, MAP_SHARED));
	report("mmap RAM+swap+1GiB, shared read-write, MAP_NORESERVE: %s",
	       map(beyond, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE));
	report("shmget 1 MiB: %s", get(1ul << 20, 0));
	report("mmap 1 MiB, private read-write: %s",
	       map(1ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	report("summary: %u checks", checks + 1);
	return 0;
}
