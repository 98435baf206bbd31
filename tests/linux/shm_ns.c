/*
 * IPC namespaces: unshare(CLONE_NEWIPC), clone and clone3 with it. A new
 * namespace has none of the old one's segments, keys or ids, Linux's
 * default limits whatever the old one's are, its own /proc/sysvipc/shm and
 * kernel.shm* files; attachments made before keep their memory; the
 * privilege and flag rules (EPERM without CAP_SYS_ADMIN, CLONE_SYSVSEM).
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static key_t ns_key;
static int ns_id;

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* A /proc/sys/kernel value as text ("?" if unreadable), 8 slots. */
static const char *sysctl(const char *name)
{
	static char buf[8][32];
	static unsigned slot;
	char path[64];
	char *b = buf[slot++ % 8];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	strcpy(b, "?");
	if ((fd = open(path, O_RDONLY)) < 0)
		return b;
	n = read(fd, b, 31);
	close(fd);
	b[n > 0 ? n : 0] = 0;
	if (n > 0 && b[n - 1] == '\n')
		b[n - 1] = 0;
	return b;
}

static int sysctl_set(const char *name, const char *v)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	if ((fd = open(path, O_WRONLY)) < 0)
		return -errno;
	r = write(fd, v, strlen(v)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Lines of /proc/sysvipc/shm, its header included. */
static int sysvipc_lines(void)
{
	char buf[4096];
	int fd = open("/proc/sysvipc/shm", O_RDONLY), lines = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static void report_new_namespace(const char *how)
{
	struct shm_info info;
	int r = s_ctl(0, SHM_INFO, &info), id;

	report("ns: %s: old key -> %s, old id IPC_STAT -> %s, IPC_RMID -> %s", how,
	       res(s_get(ns_key, 0, 0)), res(s_stat(ns_id, &(struct shmid_ds){0})),
	       res(s_ctl(ns_id, IPC_RMID, NULL)));
	report("ns: %s: SHM_INFO -> %s, used_ids %d, /proc/sysvipc/shm lines %d", how, res(r),
	       r < 0 ? -1 : info.used_ids, sysvipc_lines());
	report("ns: %s: shmmni %s, shmmax %s, shmall %s, shm_rmid_forced %s, shm_next_id %s", how,
	       sysctl("shmmni"), sysctl("shmmax"), sysctl("shmall"), sysctl("shm_rmid_forced"),
	       sysctl("shm_next_id"));
	id = s_get(ns_key, page, IPC_CREAT | IPC_EXCL | 0600);
	report("ns: %s: the old key made anew -> %s, the first id is 0: %s, sysvipc lines %d", how,
	       res(id), yes_no(id == 0), sysvipc_lines());
	/* Left in place: it goes with the namespace when this process exits. */
}

static void unshare_child(void *arg)
{
	char *old = seg_attach(ns_id, NULL, 0);
	long r;

	(void)arg;
	r = sys_ret(unshare(CLONE_NEWIPC));
	report("ns: unshare(CLONE_NEWIPC) as root -> %s", res(r));
	if (r < 0)
		return;
	report_new_namespace("after unshare");
	report("ns: after unshare: the older attachment reads the parent's data: %s",
	       yes_no(old[0] == 'P'));
	old[1] = 'C';
	r = sysctl_set("shmmni", "7");
	report("ns: after unshare: set shmmni 7 -> %s, reads %s", res(r), sysctl("shmmni"));
	report("ns: after unshare: shmdt of the older attachment -> %s", res(s_dt(old)));
}

static void unprivileged_child(void *arg)
{
	(void)arg;
	become(1000, 1000, 0, NULL);
	report("ns: uid 1000: unshare(CLONE_NEWIPC) -> %s, unshare(0) -> %s",
	       res(sys_ret(unshare(CLONE_NEWIPC))), res(sys_ret(unshare(0))));
	report("ns: uid 1000: clone(CLONE_NEWIPC) -> %s",
	       res(sys_ret(syscall(SYS_clone, SIGCHLD | CLONE_NEWIPC, 0, 0, 0, 0))));
}

/*
 * A child made by clone or clone3 with 'flags' exits 0 when it cannot find
 * the old key (a new namespace), 1 when it can: one line, whatever the
 * outcome, so that every source prints as many lines.
 */
static void report_clone(const char *what, long pid)
{
	if (pid == 0)
		_exit(s_get(ns_key, 0, 0) == -ENOENT ? 0 : 1);
	report("ns: %s -> %s, the child is in a new namespace: %s", what, res(pid < 0 ? pid : 0),
	       pid < 0 ? "-" : yes_no(strcmp(child_wait((pid_t)pid), "exited 0") == 0));
}

/* struct clone_args, CLONE_ARGS_SIZE_VER0 */
struct ns_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void clone_tests(void)
{
	struct ns_clone_args a = {.flags = CLONE_NEWIPC, .exit_signal = SIGCHLD};

	/* The raw calls: the child returns 0 on its copy of this stack. */
	report_clone("clone(CLONE_NEWIPC)",
	             sys_ret(syscall(SYS_clone, SIGCHLD | CLONE_NEWIPC, 0, 0, 0, 0)));
	report_clone(
	    "clone(CLONE_NEWIPC|CLONE_SYSVSEM)",
	    sys_ret(syscall(SYS_clone, SIGCHLD | CLONE_NEWIPC | CLONE_SYSVSEM, 0, 0, 0, 0)));
	report_clone("clone3(CLONE_NEWIPC)", sys_ret(syscall(SYS_clone3, &a, sizeof(a))));
}

void test_namespaces(void)
{
	char shmmni[32], shmmax[32];
	char *p;

	ns_key = key_fresh(60);
	ns_id = seg_new(ns_key, page, 0600);
	p = seg_attach(ns_id, NULL, 0);
	p[0] = 'P';
	s_dt(p);
	/* The old namespace's limits differ from the defaults: a new one does not inherit them. */
	snprintf(shmmni, sizeof(shmmni), "%s", sysctl("shmmni"));
	snprintf(shmmax, sizeof(shmmax), "%s", sysctl("shmmax"));
	report("ns: set shmmni 1000 -> %s, shmmax 65536 -> %s", res(sysctl_set("shmmni", "1000")),
	       res(sysctl_set("shmmax", "65536")));

	child_run("ns: unshare", unshare_child, NULL);
	report("ns: parent: shmmni %s, the key finds the segment: %s, nattch %s", sysctl("shmmni"),
	       yes_no(s_get(ns_key, 0, 0) == ns_id), nattch_of(ns_id));
	p = seg_attach(ns_id, NULL, 0);
	report("ns: parent: the child wrote through its older attachment: %s", yes_no(p[1] == 'C'));
	s_dt(p);
	child_run("ns: unprivileged", unprivileged_child, NULL);
	clone_tests();
	report("ns: restore shmmni -> %s, shmmax -> %s", res(sysctl_set("shmmni", shmmni)),
	       res(sysctl_set("shmmax", shmmax)));
	s_ctl(ns_id, IPC_RMID, NULL);
}
