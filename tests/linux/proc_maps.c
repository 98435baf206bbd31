/*
 * The /proc conformance program: /proc/<pid>/maps (show_map_vma's layout,
 * names of files, heap, stack and System V attachments), oom_score_adj
 * (its range, the minimum rule, inheritance) and comm.
 */
#define _GNU_SOURCE
#include "proc_conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHM_KEY 0x50524f43 /* "PROC" */

/* The maps line of the area holding 'addr' (its text without the newline), or false. */
static bool area_of(const char *maps, const void *addr, char *line, size_t size)
{
	unsigned long a = (unsigned long)addr, start, end;

	for (const char *p = maps; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (sscanf(p, "%lx-%lx", &start, &end) == 2 && start <= a && a < end) {
			size_t n = strcspn(p, "\n");

			snprintf(line, size, "%.*s", (int)n, p);
			return true;
		}
	}
	return false;
}

/*
 * The line rebuilt with show_vma_header_prefix's widths (%08lx, %02x:%02x)
 * and its name padded to column 73: does it come out the same?
 */
static bool linux_layout(const char *line)
{
	unsigned long start, end, off, ino;
	unsigned major, minor;
	char perms[8], again[512];
	int name = 0, n;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off, &major, &minor,
	           &ino, &name) < 7)
		return false;
	n = snprintf(again, sizeof(again), "%08lx-%08lx %s %08lx %02x:%02x %lu ", start, end, perms,
	             off, major, minor, ino);
	if (line[name]) {
		while (n < 73)
			again[n++] = ' ';
		snprintf(again + n, sizeof(again) - (size_t)n, "%s", line + name);
	} else {
		again[n] = '\0';
	}
	return strcmp(line, again) == 0;
}

static void name_check(const char *what, const char *line, const char *name, const char *perms)
{
	const char *p = strstr(line, " ");

	report("maps: %s: %s, %s, in Linux's layout: %s", what,
	       yes_no(strlen(line) >= strlen(name) &&
	              !strcmp(line + strlen(line) - strlen(name), name)),
	       yes_no(p && !strncmp(p + 1, perms, 4)), yes_no(linux_layout(line)));
}

/* A forked child has its parent's areas: the parent's maps, read by the child, start the same. */
static void child_maps(void *arg)
{
	char path[64], *mine = slurp("/proc/self/maps", NULL), *parents;

	(void)arg;
	snprintf(path, sizeof(path), "/proc/%d/maps", getppid());
	parents = slurp(path, NULL);
	report("the parent's maps, read by its child: %s, first line the child's: %s",
	       yes_no(parents != NULL),
	       yes_no(mine && parents && !strncmp(mine, parents, strcspn(mine, "\n") + 1)));
	free(mine);
	free(parents);
}

void test_maps(void)
{
	char path[96], line[512], name[64], *maps, *pieces;
	long size = sysconf(_SC_PAGESIZE);
	int fd, id, local = 0;
	char *file, *anon, *seg, *brk0;
	size_t len;

	snprintf(path, sizeof(path), "%s/mapped", scratch);
	if ((fd = open(path, O_CREAT | O_RDWR, 0644)) < 0 || ftruncate(fd, 2 * size) < 0)
		fatal("%s -> %s", path, res(-errno));
	file = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, size);
	anon = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shmctl(shmget(SHM_KEY, 1, 0), IPC_RMID, NULL);
	id = shmget(SHM_KEY, (size_t)size, IPC_CREAT | 0600);
	seg = shmat(id, NULL, 0);
	brk0 = sbrk(0);
	sbrk(size);
	if (file == MAP_FAILED || anon == MAP_FAILED || id < 0 || seg == (void *)-1)
		fatal("mappings -> %s", res(-errno));
	maps = slurp("/proc/self/maps", &len);
	if (!maps)
		fatal("/proc/self/maps -> %s", res(-errno));
	report("maps: a file area: %s", yes_no(area_of(maps, file, line, sizeof(line))));
	name_check("its name is the file", line, path, "rw-s");
	report("maps: the file area's offset is 00001000 (one page in): %s",
	       yes_no(strstr(line, (size == 4096) ? " 00001000 " : " ") != NULL));
	area_of(maps, anon, line, sizeof(line));
	report("maps: an anonymous area: r--p, no name, the line ends \" 0 \": %s, in Linux's "
	       "layout: %s",
	       yes_no(strstr(line, " r--p 00000000 00:00 0 ") &&
	              !strcmp(line + strlen(line) - 3, " 0 ")),
	       yes_no(linux_layout(line)));
	snprintf(name, sizeof(name), "/SYSV%08x (deleted)", SHM_KEY);
	report("maps: a System V attachment: %s", yes_no(area_of(maps, seg, line, sizeof(line))));
	name_check("it is /SYSV<key> (deleted)", line, name, "rw-s");
	report("maps: the stack: %s", yes_no(area_of(maps, &local, line, sizeof(line))));
	name_check("it is [stack]", line, "[stack]", "rw-p");
	report("maps: the break: %s", yes_no(area_of(maps, brk0, line, sizeof(line))));
	name_check("it is [heap]", line, "[heap]", "rw-p");
	{
		int part = open("/proc/self/maps", O_RDONLY);
		size_t n = 0;
		ssize_t r;

		pieces = malloc(len + 4096);
		while (part >= 0 && (r = read(part, pieces + n, 13)) > 0)
			n += (size_t)r;
		close(part);
		report("maps read 13 bytes at a time is the same text: %s",
		       yes_no(n == len && !memcmp(pieces, maps, len)));
		free(pieces);
	}
	free(maps);
	report("%s", child_run(child_maps, NULL));
	sbrk(-size);
	shmdt(seg);
	shmctl(id, IPC_RMID, NULL);
	munmap(file, (size_t)size);
	munmap(anon, (size_t)size);
	close(fd);
	unlink(path);
}

static const char *read_adj(void)
{
	static char buf[4][16];
	static unsigned slot;
	char *text = slurp("/proc/self/oom_score_adj", NULL);

	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%s", text ? strtok(text, "\n") : "?");
	free(text);
	return buf[slot];
}

/* Has the process CAP_SYS_RESOURCE (a container's root may not)? */
static bool sys_resource(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) == 0 && (d[0].effective & (1u << CAP_SYS_RESOURCE));
}

static void adj_child(void *arg)
{
	bool capable = *(bool *)arg;
	long r, r2;

	report("child inherits oom_score_adj: %s", read_adj());
	r = put("/proc/self/oom_score_adj", "0");
	report("child writes 0 -> %s, reads %s", res(r), read_adj());
	/* A writer with CAP_SYS_RESOURCE also moves the minimum an unprivileged one may set. */
	r = put("/proc/self/oom_score_adj", "500");
	report("child writes 500 -> %s, reads %s", res(r), read_adj());
	become_user(65534, 65534);
	/* A process that changed its ids is not dumpable: its files belong to root. */
	report("as nobody, open oom_score_adj for writing -> %s",
	       res(sys(open("/proc/self/oom_score_adj", O_WRONLY))));
	report("prctl(PR_SET_DUMPABLE, 1) -> %s", res(sys(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))));
	r = put("/proc/self/oom_score_adj", "600");
	report("as nobody, writes 600 -> %s, reads %s", res(r), read_adj());
	r2 = put("/proc/self/oom_score_adj", "100");
	report(
	    "as nobody, 100 is below the minimum a capable writer set (EACCES), else allowed: %s",
	    yes_no(capable ? r2 == -EACCES : r2 >= 0));
}

static void sleep_forever(void)
{
	for (;;)
		nanosleep(&(struct timespec){100, 0}, NULL);
}

void test_oom_and_comm(void)
{
	bool capable = sys_resource();
	char *text, path[64];
	pid_t other;
	long r;

	/* Lowering needs CAP_SYS_RESOURCE below the process's minimum (0 unless set lower). */
	r = put("/proc/self/oom_score_adj", "-1000");
	report("oom_score_adj writes -1000: allowed with CAP_SYS_RESOURCE: %s",
	       yes_no(!capable || (r >= 0 && !strcmp(read_adj(), "-1000"))));
	report("oom_score_adj writes 1001 -> %s", res(put("/proc/self/oom_score_adj", "1001")));
	report("oom_score_adj writes -1001 -> %s", res(put("/proc/self/oom_score_adj", "-1001")));
	report("oom_score_adj writes \"x\" -> %s", res(put("/proc/self/oom_score_adj", "x")));
	report("oom_score_adj writes \"\" -> %s", res(put("/proc/self/oom_score_adj", "")));
	r = put("/proc/self/oom_score_adj", " 0x10\n");
	report("oom_score_adj writes \" 0x10\\n\" -> %s, reads %s", res(r), read_adj());
	put("/proc/self/oom_score_adj", "16");
	report("%s", child_run(adj_child, &capable));
	r = put("/proc/self/oom_score_adj", "0");
	report("oom_score_adj back to 0 -> %s, reads %s", res(r), read_adj());

	report("comm writes \"renamed\" -> %s", res(put("/proc/self/comm", "renamed")));
	text = slurp("/proc/self/comm", NULL);
	report("comm reads \"renamed\\n\": %s", yes_no(text && !strcmp(text, "renamed\n")));
	free(text);
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
	text = slurp(path, NULL);
	report("task/<tid>/comm too: %s", yes_no(text && !strcmp(text, "renamed\n")));
	free(text);
	put("/proc/self/comm", "proc_conformanc");
	if ((other = fork()) == 0)
		sleep_forever();
	snprintf(path, sizeof(path), "/proc/%d/comm", other);
	report("comm of another process -> %s", res(put(path, "x")));
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
}
