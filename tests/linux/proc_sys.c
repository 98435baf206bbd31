/*
 * The /proc conformance program: /proc/sys (kernel.shm* in the program's
 * own IPC namespace, their ranges and rights, shm_next_id, the uts
 * strings) and /proc/sysvipc/shm (the header, a segment's line field by
 * field, the widths Linux prints).
 */
#define _GNU_SOURCE
#include "proc_conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KEY 0x53595356 /* "SYSV" */

static const char *value(const char *name)
{
	static char buf[4][64];
	static unsigned slot;
	char path[96], *text;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	text = slurp(path, NULL);
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%s", text ? strtok(text, "\n") : res(-errno));
	free(text);
	return buf[slot];
}

static long set(const char *name, const char *text)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return put(path, text);
}

static void as_nobody(void *arg)
{
	int fd = *(int *)arg;

	become_user(65534, 65534);
	report("as nobody: read shmmni: %s; open it for writing -> %s", value("kernel/shmmni"),
	       res(sys(open("/proc/sys/kernel/shmmni", O_WRONLY))));
	report("as nobody: write on a root's fd -> %s", res(sys(write(fd, "10", 2))));
}

static void test_shm_limits(void)
{
	int ids[4], fd;
	char buf[8];
	long r;

	report("kernel.shmmax %s, shmall %s", value("kernel/shmmax"), value("kernel/shmall"));
	report("kernel.shmmni %s, shm_rmid_forced %s, shm_next_id %s", value("kernel/shmmni"),
	       value("kernel/shm_rmid_forced"), value("kernel/shm_next_id"));
	r = set("kernel/shmmni", "3");
	report("shmmni writes 3 -> %s, reads %s", res(r), value("kernel/shmmni"));
	for (int i = 0; i < 4; i++)
		ids[i] = shmget(IPC_PRIVATE, 1, 0600);
	report("three segments: %s, the fourth -> %s",
	       yes_no(ids[0] >= 0 && ids[1] >= 0 && ids[2] >= 0), res(ids[3] < 0 ? -errno : 0));
	for (int i = 0; i < 4; i++)
		shmctl(ids[i], IPC_RMID, NULL);
	report("shmmni writes 32769 -> %s", res(set("kernel/shmmni", "32769")));
	report("shmmni writes -1 -> %s", res(set("kernel/shmmni", "-1")));
	report("shmmni writes \"3x\" -> %s", res(set("kernel/shmmni", "3x")));
	r = set("kernel/shmmni", "4096 \n");
	report("shmmni writes \"4096 \\n\" -> %ld bytes, reads %s", r, value("kernel/shmmni"));
	r = set("kernel/shmmax", "8192");
	report("shmmax writes 8192 -> %s; shmget of 8193 -> %s", res(r),
	       res(sys(shmget(IPC_PRIVATE, 8193, 0600))));
	report("shmmax writes -1 -> %s", res(set("kernel/shmmax", "-1")));
	report("shmmax writes 18446744073709551616 -> %s",
	       res(set("kernel/shmmax", "18446744073709551616")));
	report("shmmax writes 18446744073692774399 -> %s",
	       res(set("kernel/shmmax", "18446744073692774399")));
	report("shm_rmid_forced writes 2 -> %s", res(set("kernel/shm_rmid_forced", "2")));
	report("shm_rmid_forced writes 1 -> %s", res(set("kernel/shm_rmid_forced", "1")));
	report("shm_rmid_forced writes 0 -> %s", res(set("kernel/shm_rmid_forced", "0")));
	fd = open("/proc/sys/kernel/shmmni", O_RDWR);
	report("shmmni opened read-write -> %s; a read at offset 1 -> %ld bytes", res(sys(fd)),
	       (long)pread(fd, buf, sizeof(buf), 1));
	report("%s", child_run(as_nobody, &fd));
	close(fd);
}

static void test_next_id(void)
{
	int a, b;

	long r = set("kernel/shm_next_id", "1234567");

	report("shm_next_id writes 1234567 -> %s, reads %s", res(r), value("kernel/shm_next_id"));
	a = shmget(IPC_PRIVATE, 1, 0600);
	report("the next shmget gets 1234567: %s; shm_next_id reads %s", yes_no(a == 1234567),
	       value("kernel/shm_next_id"));
	set("kernel/shm_next_id", "1234567");
	b = shmget(IPC_PRIVATE, 1, 0600);
	report("an id in use: the next index, 1234568: %s", yes_no(b == 1234568));
	shmctl(a, IPC_RMID, NULL);
	shmctl(b, IPC_RMID, NULL);
	report("shm_next_id writes -1 -> %s", res(set("kernel/shm_next_id", "-1")));
	report("shm_next_id writes \"abc\" -> %s", res(set("kernel/shm_next_id", "abc")));
}

static void test_other_sysctls(void)
{
	struct utsname u;
	long v;

	uname(&u);
	report("kernel.ostype %s", value("kernel/ostype"));
	report("kernel.osrelease is uname's release: %s, hostname uname's nodename: %s",
	       yes_no(!strcmp(value("kernel/osrelease"), u.release)),
	       yes_no(!strcmp(value("kernel/hostname"), u.nodename)));
	report("kernel.ostype written by root -> %s", res(set("kernel/ostype", "x")));
	v = atol(value("vm/overcommit_memory"));
	report("vm.overcommit_memory is 0, 1 or 2: %s", yes_no(v >= 0 && v <= 2));
	v = atol(value("kernel/randomize_va_space"));
	report("kernel.randomize_va_space is 0, 1 or 2: %s", yes_no(v >= 0 && v <= 2));
	report("vm.max_map_count is positive: %s", yes_no(atol(value("vm/max_map_count")) > 0));
	report("vm.overcommit_memory writes 3 -> %s", res(set("vm/overcommit_memory", "3")));
	/* Only a kernel with huge pages (hugetlbfs) has it, and then /sys/kernel/mm/hugepages too.
	 */
	report("vm.nr_hugepages exists exactly when /sys/kernel/mm/hugepages does: %s",
	       yes_no((access("/proc/sys/vm/nr_hugepages", F_OK) == 0) ==
	              (access("/sys/kernel/mm/hugepages", F_OK) == 0)));
}

void test_sysctl(void)
{
	test_shm_limits();
	test_next_id();
	test_other_sysctls();
}

static const char header[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
    "      atime      dtime      ctime                   rss                  swap\n";

/* The line of segment 'id', parsed, and whether it has the widths Linux prints. */
struct seg_line {
	int key, id;
	unsigned mode, cpid, lpid, uid, gid, cuid, cgid;
	unsigned long size, nattch, atime, dtime, ctime, rss, swap;
	bool layout;
};

static bool find_line(int id, struct seg_line *s)
{
	char *text = slurp("/proc/sysvipc/shm", NULL), again[256];
	bool found = false;

	for (char *p = text ? strchr(text, '\n') : NULL; p && p[1] && !found;
	     p = strchr(p + 1, '\n')) {
		int n = sscanf(p + 1, "%d %d %o %lu %u %u %lu %u %u %u %u %lu %lu %lu %lu %lu",
		               &s->key, &s->id, &s->mode, &s->size, &s->cpid, &s->lpid, &s->nattch,
		               &s->uid, &s->gid, &s->cuid, &s->cgid, &s->atime, &s->dtime,
		               &s->ctime, &s->rss, &s->swap);

		if (n != 16 || s->id != id)
			continue;
		snprintf(
		    again, sizeof(again),
		    "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10lu %10lu %10lu %21lu "
		    "%21lu\n",
		    s->key, s->id, s->mode, s->size, s->cpid, s->lpid, s->nattch, s->uid, s->gid,
		    s->cuid, s->cgid, s->atime, s->dtime, s->ctime, s->rss, s->swap);
		s->layout = !strncmp(p + 1, again, strlen(again));
		found = true;
	}
	free(text);
	return found;
}

static unsigned lines(void)
{
	char *text = slurp("/proc/sysvipc/shm", NULL);
	unsigned n = 0;

	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

void test_sysvipc(void)
{
	struct shm_info info;
	struct seg_line s = {0};
	char *text, *at;
	int id, other;
	bool found;

	text = slurp("/proc/sysvipc/shm", NULL);
	report("sysvipc/shm's header is Linux's 64-bit one: %s",
	       yes_no(text && !strncmp(text, header, strlen(header))));
	free(text);
	shmctl(shmget(KEY, 1, 0), IPC_RMID, NULL);
	if ((id = shmget(KEY, 5000, IPC_CREAT | 0640)) < 0 ||
	    (at = shmat(id, NULL, 0)) == (void *)-1)
		fatal("a segment -> %s", res(-errno));
	other = shmget(IPC_PRIVATE, 1, 0600);
	at[0] = 1;
	found = find_line(id, &s);
	report("the segment's line: %s, in Linux's widths: %s", yes_no(found),
	       yes_no(found && s.layout));
	report("key: %s, perms 640: %s, size 5000: %s, cpid and lpid getpid(): %s",
	       yes_no(s.key == KEY), yes_no(s.mode == 0640), yes_no(s.size == 5000),
	       yes_no((pid_t)s.cpid == getpid() && (pid_t)s.lpid == getpid()));
	report("nattch 1: %s, ids root: %s, atime >= ctime > 0: %s, dtime 0: %s, rss one page: %s, "
	       "swap 0: %s",
	       yes_no(s.nattch == 1), yes_no(!s.uid && !s.gid && !s.cuid && !s.cgid),
	       yes_no(s.atime >= s.ctime && s.ctime > 0), yes_no(s.dtime == 0),
	       yes_no(s.rss == (unsigned long)sysconf(_SC_PAGESIZE)), yes_no(s.swap == 0));
	report("lines are segments + 1: %s",
	       yes_no(shmctl(0, SHM_INFO, (struct shmid_ds *)&info) >= 0 &&
	              lines() == (unsigned)info.used_ids + 1));
	shmctl(id, IPC_RMID, NULL);
	found = find_line(id, &s);
	report("removed while attached: still listed: %s, key 0: %s, perms 1640 (SHM_DEST): %s",
	       yes_no(found), yes_no(found && s.key == 0), yes_no(found && s.mode == 01640));
	shmdt(at);
	report("after the last detach it is gone: %s", yes_no(!find_line(id, &s)));
	shmctl(other, IPC_RMID, NULL);
}
