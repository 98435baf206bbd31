/*
 * /proc conformance program: Linux's /proc read by a program, checked for
 * its formats and for agreeing with the system calls, one line per check
 * (see proc_conformance.h). This file: the helpers, main, /proc itself,
 * the machine's files, /proc/sys and /proc/sysvipc/shm. proc_pid.c: the
 * files of processes.
 */
#define _GNU_SOURCE
#include "proc_conformance.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char scratch[64];
const char *self_path;

char *slurp(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

long put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	long r;

	if (fd < 0)
		return -errno;
	r = sys(write(fd, text, strlen(text)));
	close(fd);
	return r;
}

bool line_with(const char *text, const char *prefix, char *line, size_t size)
{
	size_t plen = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, prefix, plen) == 0) {
			const char *end = strchr(p, '\n');
			size_t n = end ? (size_t)(end - p) : strlen(p);

			if (n >= size)
				n = size - 1;
			memcpy(line, p, n);
			line[n] = '\0';
			return true;
		}
	}
	return false;
}

void become_user(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		fatal("dropping to %u:%u -> %s", (unsigned)uid, (unsigned)gid, res(-errno));
}

/* Is 'name' an entry of directory 'dir'? */
static bool listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static void nobody_writes_meminfo(void *arg)
{
	(void)arg;
	become_user(65534, 65534);
	report("open /proc/meminfo for writing as nobody -> %s",
	       res(sys(open("/proc/meminfo", O_WRONLY))));
}

void test_root(void)
{
	char buf[64], want[64];
	struct statfs sfs;
	struct stat st;
	long n;

	n = sys(statfs("/proc", &sfs));
	report("statfs /proc -> %s, PROC_SUPER_MAGIC: %s", res(n),
	       yes_no(n == 0 && sfs.f_type == 0x9fa0));
	n = sys(readlink("/proc/self", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d", getpid());
	report("readlink /proc/self -> %s, getpid(): %s", res(n), yes_no(strcmp(buf, want) == 0));
	n = sys(readlink("/proc/thread-self", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), gettid());
	report("readlink /proc/thread-self -> %s, <pid>/task/<tid>: %s", res(n),
	       yes_no(strcmp(buf, want) == 0));
	n = sys(readlink("/proc/mounts", buf, sizeof(buf) - 1));
	buf[n > 0 ? n : 0] = '\0';
	report("readlink /proc/mounts -> %s \"%s\"", res(n), buf);
	snprintf(want, sizeof(want), "%d", getpid());
	report("getdents /proc lists self: %s, thread-self: %s, getpid(): %s",
	       yes_no(listed("/proc", "self")), yes_no(listed("/proc", "thread-self")),
	       yes_no(listed("/proc", want)));
	snprintf(want, sizeof(want), "/proc/%d", getpid());
	n = sys(stat(want, &st));
	report("stat /proc/<pid> -> %s, a directory: %s, mode 0555: %s, owner root: %s", res(n),
	       yes_no(S_ISDIR(st.st_mode)), yes_no((st.st_mode & 07777) == 0555),
	       yes_no(st.st_uid == 0 && st.st_gid == 0));
	report("stat /proc/2147483647 -> %s", res(sys(stat("/proc/2147483647", &st))));
	report("open /proc/self/nothing -> %s", res(sys(open("/proc/self/nothing", O_RDONLY))));
	report("mkdir /proc/x -> %s", res(sys(mkdir("/proc/x", 0755))));
	report("write /proc/meminfo as root -> %s", res(put("/proc/meminfo", "1")));
	report("%s", child_run(nobody_writes_meminfo, NULL));
}

/* A meminfo line as show_val_kb prints it: a 16-character label, 8 columns, " kB". */
static bool kb_line(const char *text, const char *key, unsigned long *v)
{
	char line[128], again[128], label[32];

	if (!line_with(text, key, line, sizeof(line)) || sscanf(line + 16, "%lu", v) != 1)
		return false;
	snprintf(label, sizeof(label), "%s", key);
	snprintf(again, sizeof(again), "%-16s%8lu kB", label, *v);
	return strcmp(line, again) == 0;
}

static void test_meminfo(void)
{
	static const char *const keys[] = {"MemTotal:", "MemFree:",   "MemAvailable:", "Buffers:",
	                                   "Cached:",   "SwapTotal:", "SwapFree:",     "Shmem:"};
	unsigned long v[8], before = 1, after = 0;
	char *text = slurp("/proc/meminfo", NULL), *p;
	bool all = text != NULL;
	int id;

	for (int i = 0; i < 8 && text; i++) {
		bool ok = kb_line(text, keys[i], &v[i]);

		report("meminfo %s in show_val_kb's layout: %s", keys[i], yes_no(ok));
		all &= ok;
	}
	report("meminfo: MemFree <= MemTotal: %s, MemAvailable <= MemTotal: %s",
	       yes_no(all && v[1] <= v[0]), yes_no(all && v[2] <= v[0]));
	free(text);
	/*
	 * 16 MiB of System V memory, touched, shows in Shmem (and Cached).
	 * Shmem is the whole machine's: on a host where other programs free
	 * shared memory meanwhile, one try may see less, so up to five tries
	 * with a fresh segment each; a kernel that does not count it fails all.
	 */
	for (int tries = 0; tries < 5 && after < before + 8192; tries++) {
		if ((id = shmget(IPC_PRIVATE, 16 << 20, 0600)) < 0 ||
		    (p = shmat(id, NULL, 0)) == (void *)-1)
			fatal("a 16 MiB segment -> %s", res(-errno));
		text = slurp("/proc/meminfo", NULL);
		kb_line(text, "Shmem:", &before);
		free(text);
		memset(p, 1, 16 << 20);
		text = slurp("/proc/meminfo", NULL);
		kb_line(text, "Shmem:", &after);
		free(text);
		shmdt(p);
		shmctl(id, IPC_RMID, NULL);
	}
	report("touching 16 MiB of a segment adds at least 8 MiB to Shmem: %s",
	       yes_no(after >= before + 8192));
}

/* "0", "0-3", "0-1,4": the CPUs of a cpumap list. */
static long list_count(const char *s)
{
	long n = 0, a, b;
	int used;

	while (sscanf(s, "%ld%n", &a, &used) == 1) {
		s += used;
		b = a;
		if (*s == '-' && sscanf(s + 1, "%ld%n", &b, &used) == 1)
			s += 1 + used;
		n += b - a + 1;
		if (*s != ',')
			break;
		s++;
	}
	return *s == '\n' ? n : -1;
}

static void test_times(void)
{
	unsigned long up[2], idle[2], upf[2], idlef[2], boot = 0;
	char *text, again[128], line[256];
	struct utsname u;
	int run, total, last;
	unsigned a, b, c, d, e, f;
	bool ok;

	for (int i = 0; i < 2; i++) {
		text = slurp("/proc/uptime", NULL);
		if (!text ||
		    sscanf(text, "%lu.%lu %lu.%lu", &up[i], &upf[i], &idle[i], &idlef[i]) != 4)
			fatal("/proc/uptime unreadable");
		snprintf(again, sizeof(again), "%lu.%02lu %lu.%02lu\n", up[i], upf[i], idle[i],
		         idlef[i]);
		if (i == 0)
			report("uptime in \"%%lu.%%02lu %%lu.%%02lu\\n\": %s",
			       yes_no(!strcmp(text, again)));
		free(text);
	}
	report("uptime does not go back: %s", yes_no(up[1] * 100 + upf[1] >= up[0] * 100 + upf[0]));
	text = slurp("/proc/loadavg", NULL);
	ok = text && sscanf(text, "%u.%u %u.%u %u.%u %d/%d %d", &a, &b, &c, &d, &e, &f, &run,
	                    &total, &last) == 9;
	if (ok)
		snprintf(again, sizeof(again), "%u.%02u %u.%02u %u.%02u %d/%d %d\n", a, b, c, d, e,
		         f, run, total, last);
	report("loadavg in \"%%d.%%02d %%d.%%02d %%d.%%02d %%d/%%d %%d\\n\": %s, running >= 1: %s, "
	       "total >= running: %s",
	       yes_no(ok && !strcmp(text, again)), yes_no(ok && run >= 1),
	       yes_no(ok && total >= run));
	free(text);
	uname(&u);
	text = slurp("/proc/version", NULL);
	snprintf(again, sizeof(again), "Linux version %s ", u.release);
	report("version starts \"Linux version <uname's release> \": %s",
	       yes_no(text && !strncmp(text, again, strlen(again))));
	free(text);
	text = slurp("/proc/stat", NULL);
	report("stat's first line \"cpu  \" and 10 counts: %s",
	       yes_no(text && !strncmp(text, "cpu  ", 5) &&
	              sscanf(text, "cpu %u %u %u %u %u %u %u %u %u %u", &a, &b, &c, &d, &e, &f, &a,
	                     &b, &c, &d) == 10));
	for (const char *const *k =
	         (const char *const[]){"cpu0 ", "intr ", "ctxt ", "btime ", "processes ",
	                               "procs_running ", "procs_blocked ", "softirq ", NULL};
	     *k; k++)
		report("stat has \"%s\": %s", *k,
		       yes_no(text && line_with(text, *k, line, sizeof(line))));
	if (text && line_with(text, "btime ", line, sizeof(line)))
		sscanf(line, "btime %lu", &boot);
	report("btime + uptime is now (2 s): %s",
	       yes_no(labs((long)(boot + up[1]) - (long)time(NULL)) <= 2));
	free(text);
}

static void test_cpus(void)
{
	char *text = slurp("/proc/cpuinfo", NULL),
	     *online = slurp("/sys/devices/system/cpu/online", NULL);
	long n = 0;

	for (char *p = text; p && (p = strstr(p, "processor\t: ")); p++)
		n += p == text || p[-1] == '\n';
	report("cpuinfo has \"processor\\t: 0\": %s",
	       yes_no(text && !strncmp(text, "processor\t: 0\n", 14)));
	report("cpuinfo's processors are sysconf(_SC_NPROCESSORS_CONF): %s",
	       yes_no(n == sysconf(_SC_NPROCESSORS_CONF)));
	report(
	    "/sys/devices/system/cpu/online is a CPU list: %s, sysconf(_SC_NPROCESSORS_ONLN): %s",
	    yes_no(online && list_count(online) > 0),
	    yes_no(online && list_count(online) == sysconf(_SC_NPROCESSORS_ONLN)));
	free(text);
	free(online);
}

static void test_lists(void)
{
	char *text = slurp("/proc/filesystems", NULL), line[512], src[128], dir[128], type[64];
	unsigned char magic[3] = {0};
	bool proc = false, shm = false;
	FILE *f;
	int fd;

	report("filesystems has \"nodev\\ttmpfs\": %s, \"nodev\\tproc\": %s",
	       yes_no(text && strstr(text, "nodev\ttmpfs\n")),
	       yes_no(text && strstr(text, "nodev\tproc\n")));
	free(text);
	if (!(f = fopen("/proc/mounts", "r")))
		fatal("/proc/mounts -> %s", res(-errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %127s %63s", src, dir, type) == 3) {
			proc |= !strcmp(dir, "/proc") && !strcmp(type, "proc");
			shm |= !strcmp(dir, "/dev/shm") && !strcmp(type, "tmpfs");
		}
	fclose(f);
	report("mounts has /proc of type proc: %s, /dev/shm of type tmpfs: %s", yes_no(proc),
	       yes_no(shm));
	fd = open("/proc/config.gz", O_RDONLY);
	report("config.gz opens -> %s, a gzip stream (1f 8b 08): %s", res(sys(fd)),
	       yes_no(fd >= 0 && read(fd, magic, 3) == 3 && magic[0] == 0x1f && magic[1] == 0x8b &&
	              magic[2] == 8));
	if (fd >= 0)
		close(fd);
	text = slurp("/proc/cmdline", NULL);
	report("cmdline ends with a newline: %s",
	       yes_no(text && text[0] && text[strlen(text) - 1] == '\n'));
	free(text);
}

void test_machine(void)
{
	test_meminfo();
	test_times();
	test_cpus();
	test_lists();
}

int main(int argc, char **argv)
{
	if (argc != 1) {
		report("usage: proc_conformance (no arguments)");
		return 2;
	}
	report("proc_conformance: start");
	if (geteuid() != 0) {
		report("proc_conformance: SKIP: needs root (it writes kernel.shm* and drops to "
		       "nobody)");
		return 2;
	}
	self_path = argv[0];
	umask(022);
	snprintf(scratch, sizeof(scratch), "/dev/shm/proc_conformance.XXXXXX");
	if (!mkdtemp(scratch) || chmod(scratch, 0755) < 0)
		fatal("scratch directory under /dev/shm -> %s", res(-errno));
	report("setup: a scratch directory in /dev/shm, umask 022");

	test_root();
	test_machine();
	test_self_stat();
	test_status();
	test_children();
	test_args_and_links();
	test_fds();
	test_maps();
	test_oom_and_comm();
	test_sysctl();
	test_sysvipc();

	if (chdir("/") < 0 || rmdir(scratch) < 0)
		fatal("removing the scratch directory -> %s", res(-errno));
	report("cleanup: scratch directory removed");
	report("summary: %u checks", report_count() + 1);
	return 0;
}
