/*
 * System V shared memory conformance program.
 *
 *   shm_conformance                  run every check, one line each
 *   shm_conformance --exec-child M S (internal) the process the exec check
 *                                    re-executes through argv[0]
 *
 * A plain static Linux program (glibc, riscv64 or the host's arch). It runs
 * under qemu-riscv64, natively and inside the unikit image, and the
 * transcripts are compared line by line with tests/linux/expected/. It needs
 * root: the permission checks drop to unprivileged ids in children. Exit
 * status 0 when every check ran (whatever it printed), 1 on a fatal error,
 * 2 when not root.
 */
#define _GNU_SOURCE
#include "conformance.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--exec-child") == 0) {
		conformance_setup(atoi(argv[2]));
		exec_child(argv[2], argv[3]);
		return 0;
	}
	if (argc != 1) {
		report("usage: shm_conformance (no arguments)");
		return 2;
	}
	report("shm_conformance: start");
	if (geteuid() != 0) {
		report("shm_conformance: SKIP: needs root (checks drop to unprivileged ids in "
		       "children)");
		return 2;
	}
	struct shm_info before, after;
	int r = s_ctl(0, SHM_INFO, &before);
	if (r < 0)
		fatal("shmctl(SHM_INFO) -> %s", res(r));
	conformance_setup(-1);
	report("setup: page size %zu, SHMLBA == page size: %s", page,
	       yes_no((size_t)SHMLBA == page));

	test_shmget();
	test_shmat();
	test_shmdt();
	test_nattch();
	test_exec(argv[0]);
	test_faults();
	test_rmid();
	test_ipc_set();
	test_lock();
	test_info();
	test_ctl_errors();
	test_perm();
	test_namespaces();

	cleanup();
	r = s_ctl(0, SHM_INFO, &after);
	report(
	    "cleanup: SHM_INFO -> %s, segments and pages back to the start: %s", res(r),
	    yes_no(after.used_ids == before.used_ids + 1 && after.shm_tot == before.shm_tot + 1));
	/* The +1s are the mailbox, still attached here; it goes at exit. */
	report("summary: %u checks", mbox->checks + 1);
	return 0;
}
