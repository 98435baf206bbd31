/*
 * kill() and credentials (Linux's check_kill_permission and
 * kill_ok_by_cred): a process that dropped root to uid 65534 must not
 * signal root's processes, one by one, through tkill/tgkill, or all at once
 * with kill(-1); it may signal its own, and SIGCONT within its session.
 * Then uid combinations: the sender's real or effective uid must equal the
 * target's real or saved uid. Root's victims must survive all of it.
 */
#include "attack.h"
#include <sys/syscall.h>

enum { V1, V2, T_RUID, T_SUID, T_OTHER, T_EUID, NVICTIMS };
static pid_t victim[NVICTIMS];
static volatile int *ready; /* one word per victim: its credentials are set */

/* A victim: take these uids, say so, spin until killed. */
static pid_t start_victim(int i, uid_t r, uid_t e, uid_t s)
{
	pid_t c = attack_fork();

	if (c == 0) {
		if (r != (uid_t)-1 && setresuid(r, e, s) != 0)
			_exit(1);
		set_word(&ready[i], 1);
		spin_forever();
	}
	await_word(&ready[i], 1);
	return c;
}

/* The attacker, uid 65534 after setuid. */
static void attacker(void)
{
	pid_t parent = getppid(), own;

	check(OUTCOME(setuid(65534)), "0", "setuid(65534)");
	check(OUTCOME(kill(victim[V1], SIGKILL)), "EPERM", "kill(root's process, SIGKILL)");
	check(OUTCOME(kill(victim[V1], SIGTERM)), "EPERM", "kill(root's process, SIGTERM)");
	check(OUTCOME(kill(victim[V1], 0)), "EPERM", "kill(root's process, 0)");
	check(OUTCOME(kill(victim[V1], 65)), "EINVAL", "kill(root's process, 65)");
	check(OUTCOME(kill(99999, 65)), "ESRCH", "kill(no such pid, 65)");
	check(OUTCOME(kill(parent, 0)), "EPERM", "kill(root parent, 0)");
	check(OUTCOME(kill(1, SIGKILL)), "EPERM", "kill(1, SIGKILL)");
	check(OUTCOME(syscall(SYS_tkill, victim[V1], SIGKILL)), "EPERM",
	      "tkill(root's process, SIGKILL)");
	check(OUTCOME(syscall(SYS_tgkill, victim[V1], victim[V1], SIGKILL)), "EPERM",
	      "tgkill(root's process, SIGKILL)");
	check(OUTCOME(syscall(SYS_tkill, -1, SIGKILL)), "EINVAL", "tkill(-1, SIGKILL)");
	check(OUTCOME(syscall(SYS_tkill, 0, SIGKILL)), "EINVAL", "tkill(0, SIGKILL)");
	check(OUTCOME(syscall(SYS_tgkill, -1, victim[V1], SIGKILL)), "EINVAL",
	      "tgkill(-1, pid, SIGKILL)");
	check(OUTCOME(syscall(SYS_tgkill, victim[V2], victim[V1], 0)), "ESRCH",
	      "tgkill(another tgid, pid, 0)");
	/* SIGCONT may go to any process of the sender's session (it is ignored by default). */
	check(OUTCOME(kill(victim[V1], SIGCONT)), "0",
	      "kill(root's process, SIGCONT), same session");
	check(OUTCOME(kill(0, SIGCONT)), "0", "kill(0, SIGCONT), same session");
	check(OUTCOME(kill(0, 0)), "0", "kill(0, 0): itself at least");

	/* Its own processes: yes. kill(-1) signals those and skips root's. */
	own = attack_fork();
	if (own == 0)
		spin_forever();
	check(OUTCOME(kill(own, 0)), "0", "kill(own child, 0)");
	check(OUTCOME(kill(-1, SIGKILL)), "0", "kill(-1, SIGKILL) with one permitted target");
	check(reap(own), "killed by signal 9", "own child after kill(-1)");
	/* Only root's processes left: Linux's kill(-1) returns 0 when every target said EPERM. */
	check(OUTCOME(kill(-1, SIGKILL)), "0", "kill(-1, SIGKILL) with no permitted target");
	check(OUTCOME(kill(-1, 0)), "0", "kill(-1, 0) with no permitted target");

	/* In a session of its own, SIGCONT is no exception any more. */
	check(yes(setsid() == getpid()), "yes", "setsid() made a new session");
	check(OUTCOME(kill(victim[V1], SIGCONT)), "EPERM",
	      "kill(root's process, SIGCONT), other session");
	child_done();
}

/* uids 3000 (real), 4000 (effective), 5000 (saved) against the uid victims. */
static void mixed_sender(void)
{
	check(OUTCOME(setresuid(3000, 4000, 5000)), "0", "setresuid(3000, 4000, 5000)");
	check(OUTCOME(kill(victim[T_RUID], 0)), "0", "euid 4000 -> target ruid 4000");
	check(OUTCOME(kill(victim[T_SUID], 0)), "0", "ruid 3000 -> target suid 3000");
	/* The sender's saved uid and the target's effective uid do not count. */
	check(OUTCOME(kill(victim[T_OTHER], 0)), "EPERM", "suid 5000 -> target uids 5000");
	check(OUTCOME(kill(victim[T_EUID], 0)), "EPERM", "euid 4000 -> target euid 4000");
	check(OUTCOME(kill(victim[T_OTHER], SIGKILL)), "EPERM", "kill(uid 5000 process, SIGKILL)");
	child_done();
}

static void run_child(const char *what, void (*fn)(void))
{
	pid_t c = attack_fork();

	if (c == 0)
		fn();
	check(reap(c), "exited 0", "%s: its checks", what);
}

int main(void)
{
	attack_start("killperm");
	ready = shared_words(NULL);
	victim[V1] = start_victim(V1, -1, -1, -1);
	victim[V2] = start_victim(V2, -1, -1, -1);
	victim[T_RUID] = start_victim(T_RUID, 4000, 4000, 4000);
	victim[T_SUID] = start_victim(T_SUID, 6000, 6000, 3000);
	victim[T_OTHER] = start_victim(T_OTHER, 5000, 5000, 5000);
	victim[T_EUID] = start_victim(T_EUID, 7000, 4000, 7000);

	run_child("attacker (uid 65534)", attacker);
	run_child("sender with mixed uids", mixed_sender);

	/* Root's processes survived it all; root itself may signal anyone. */
	for (int i = 0; i < NVICTIMS; i++) {
		int st;
		check(yes(waitpid(victim[i], &st, WNOHANG) == 0), "yes", "victim %d still running",
		      i);
	}
	check(OUTCOME(kill(victim[T_OTHER], 0)), "0", "root: kill(uid 5000 process, 0)");
	/* Init ignores signals it has no handler for, SIGKILL from root included. */
	check(OUTCOME(kill(1, SIGKILL)), "0", "root: kill(1, SIGKILL)");
	for (int i = 0; i < NVICTIMS; i++) {
		kill(victim[i], SIGKILL);
		check(reap(victim[i]), "killed by signal 9", "victim %d after root's SIGKILL", i);
	}
	return attack_summary();
}
