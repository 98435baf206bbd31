/*
 * Process groups and sessions as Linux keeps them: getpgid, getsid,
 * setpgid (every errno: EINVAL, ESRCH, EPERM for a session leader, another
 * session or a group that does not exist, EACCES after the child's exec),
 * setsid, ids inherited over fork and kept over exec; kill(-pgid) signals
 * that group and nobody else, kill(0) the caller's group, a group with no
 * member and INT_MIN are ESRCH; wait4 by group (0 and -pgid).
 *
 * The program starts in the boot's group and session 0, as a program
 * started by Linux's init does (and as the kit's first process).
 */
#include "attack.h"
#include <limits.h>

static volatile int *w; /* shared words, below */
enum { W_GRANDCHILD, W_SESSION, W_GO_EXEC, W_EXEC, W_EXEC_PGRP, W_EXEC_SID, W_GO_KILL, W_GO_EXIT };
static int shm_id;

static pid_t spinner(void)
{
	pid_t c = attack_fork();

	if (c == 0)
		spin_forever();
	return c;
}

static const char *pid_is(long got, long want)
{
	return yes(got == want);
}

/* After exec: report the ids it kept, then wait to be released. */
static int exec_child(int id)
{
	volatile int *words = shmat(id, NULL, 0);

	if (words == (void *)-1)
		return 3;
	set_word(&words[W_EXEC_PGRP], getpgid(0) == getpid() ? 1 : 2);
	set_word(&words[W_EXEC_SID], getsid(0) == 0 ? 1 : 2);
	set_word(&words[W_EXEC], 1);
	await_word(&words[W_EXEC], 2);
	return 0;
}

static void ids_and_errors(void)
{
	check(OUTCOME(getpgid(0)), "0", "getpgid(0) of a program init started");
	check(OUTCOME(getsid(0)), "0", "getsid(0)");
	check(OUTCOME(getpgid(99999)), "ESRCH", "getpgid(no such pid)");
	check(OUTCOME(getsid(99999)), "ESRCH", "getsid(no such pid)");
	check(OUTCOME(getpgid(-5)), "ESRCH", "getpgid(-5)");
	check(OUTCOME(setpgid(0, -1)), "EINVAL", "setpgid(0, -1)");
	check(OUTCOME(setpgid(99999, 0)), "ESRCH", "setpgid(no such pid, 0)");
	check(OUTCOME(setpgid(-5, 0)), "EINVAL", "setpgid(-5, 0): pgid 0 means pid, -5");
	check(OUTCOME(setpgid(-5, 7)), "ESRCH", "setpgid(-5, 7)");
}

static void child_groups(void)
{
	pid_t c = spinner(), c2, g;

	check(OUTCOME(getpgid(c)), "0", "child's pgid (inherited over fork)");
	check(OUTCOME(getsid(c)), "0", "child's sid (inherited over fork)");
	check(OUTCOME(setpgid(c, c)), "0", "setpgid(child, child)");
	check(pid_is(getpgid(c), c), "yes", "the child leads its own group");
	check(OUTCOME(setpgid(c, 0)), "0", "setpgid(child, 0): its own pid");
	check(OUTCOME(setpgid(c, 99999)), "EPERM", "setpgid(child, group that does not exist)");
	kill(c, SIGKILL);
	check(reap(c), "killed by signal 9", "that child");

	/* A grandchild is neither the caller nor its child. */
	c2 = attack_fork();
	if (c2 == 0) {
		pid_t gc = spinner();
		set_word(&w[W_GRANDCHILD], gc);
		spin_forever();
	}
	while ((g = __atomic_load_n(&w[W_GRANDCHILD], __ATOMIC_ACQUIRE)) == 0)
		sched_yield();
	check(OUTCOME(setpgid(g, g)), "ESRCH", "setpgid(grandchild, grandchild)");
	check(OUTCOME(getpgid(g)), "0", "grandchild's pgid (inherited twice)");
	kill(g, SIGKILL);
	kill(c2, SIGKILL);
	check(reap(c2), "killed by signal 9", "the grandchild's parent");
}

static void sessions(void)
{
	pid_t s = attack_fork(), s2;

	if (s == 0) {
		check(pid_is(setsid(), getpid()), "yes", "setsid() in a child: its pid");
		check(pid_is(getsid(0), getpid()), "yes", "getsid(0) after setsid");
		check(pid_is(getpgid(0), getpid()), "yes", "getpgid(0) after setsid");
		check(OUTCOME(setpgid(0, 0)), "EPERM", "setpgid(0, 0) by a session leader");
		check(OUTCOME(setsid()), "EPERM", "setsid() again");
		set_word(&w[W_SESSION], 1);
		spin_forever();
	}
	await_word(&w[W_SESSION], 1);
	check(pid_is(getsid(s), s), "yes", "getsid(session leader)");
	check(OUTCOME(setpgid(s, s)), "EPERM", "setpgid(child that leads a session, itself)");
	s2 = attack_fork();
	if (s2 == 0) {
		check(OUTCOME(setpgid(0, s)), "EPERM", "setpgid(0, group of another session)");
		child_done();
	}
	check(reap(s2), "exited 0", "a child's own checks");
	kill(s, SIGKILL);
	check(reap(s), "killed by signal 9", "the session leader");
}

/* setpgid on a child that has exec'd: EACCES; its ids survived the exec. */
static void after_exec(void)
{
	char id[16];
	pid_t e;

	snprintf(id, sizeof(id), "%d", shm_id);
	e = attack_fork();
	if (e == 0) {
		await_word(&w[W_GO_EXEC], 1); /* the parent made it a group leader */
		execl("/pgrp", "/pgrp", "--exec-child", id, (char *)NULL);
		_exit(4);
	}
	check(OUTCOME(setpgid(e, e)), "0", "setpgid(child, child) before its exec");
	set_word(&w[W_GO_EXEC], 1);
	await_word(&w[W_EXEC], 1);
	check(yes(w[W_EXEC_PGRP] == 1), "yes", "the group kept over exec");
	check(yes(w[W_EXEC_SID] == 1), "yes", "the session kept over exec");
	check(OUTCOME(setpgid(e, e)), "EACCES", "setpgid(child that exec'd, child)");
	check(OUTCOME(setpgid(e, 0)), "EACCES", "setpgid(child that exec'd, 0)");
	set_word(&w[W_EXEC], 2);
	check(reap(e), "exited 0", "the exec'd child");
}

static void group_signals_and_waits(void)
{
	pid_t me = getpid(), k[3], e[3], d, o;
	int st, n = 0, killed = 0;

	check(OUTCOME(setpgid(0, 0)), "0", "setpgid(0, 0): a group of its own");
	check(pid_is(getpgid(0), me), "yes", "getpgid(0) is its pid");
	check(OUTCOME(setsid()), "EPERM", "setsid() by a group leader");

	/* A group of three, and a bystander in the caller's group. */
	d = attack_fork();
	if (d == 0) {
		await_word(&w[W_GO_EXIT], 1);
		_exit(5);
	}
	for (int i = 0; i < 3; i++) {
		k[i] = spinner();
		check(OUTCOME(setpgid(k[i], k[0])), "0", "setpgid(child %d, first child)", i);
	}
	check(OUTCOME(kill(-77777, SIGKILL)), "ESRCH", "kill(-pgid of no group, SIGKILL)");
	check(OUTCOME(kill(INT_MIN, SIGKILL)), "ESRCH", "kill(INT_MIN, SIGKILL)");
	check(OUTCOME(kill(INT_MIN, 0)), "ESRCH", "kill(INT_MIN, 0)");
	check(OUTCOME(wait4(INT_MIN, &st, 0, NULL)), "ESRCH", "wait4(INT_MIN)");
	check(OUTCOME(kill(-k[0], 0)), "0", "kill(-pgid, 0)");
	check(OUTCOME(kill(-k[0], SIGKILL)), "0", "kill(-pgid, SIGKILL)");
	for (int i = 0; i < 3; i++) {
		pid_t r = wait4(-k[0], &st, 0, NULL);
		n += r == k[0] || r == k[1] || r == k[2];
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	}
	check(yes(n == 3 && killed == 3), "yes", "wait4(-pgid) collected the group, killed by 9");
	check(OUTCOME(wait4(-k[0], &st, WNOHANG, NULL)), "ECHILD",
	      "wait4(-pgid) once the group is gone");
	check(OUTCOME(kill(-k[0], 0)), "ESRCH", "kill(-pgid) once the group is gone");
	check(OUTCOME(waitpid(d, &st, WNOHANG)), "0", "the caller's group was not signalled");

	/* kill(0) from a member: its whole group, itself included, nobody else. */
	for (int i = 0; i < 3; i++) {
		e[i] = attack_fork();
		if (e[i] == 0) {
			if (i == 1) {
				await_word(&w[W_GO_KILL], 1);
				kill(0, SIGKILL);
			}
			spin_forever();
		}
		setpgid(e[i], e[0]);
	}
	set_word(&w[W_GO_KILL], 1);
	for (int i = 0; i < 3; i++)
		check(reap(e[i]), "killed by signal 9",
		      "member %d after a member's kill(0, SIGKILL)", i);
	check(OUTCOME(waitpid(d, &st, WNOHANG)), "0", "the caller's group still untouched");

	/* wait4(0): the caller's group only. */
	o = attack_fork();
	if (o == 0)
		_exit(3);
	setpgid(o, o);
	set_word(&w[W_GO_EXIT], 1);
	check(pid_is(wait4(0, &st, 0, NULL), d), "yes",
	      "wait4(0) collects the member of its group");
	check(wait_str(st), "exited 5", "its status");
	check(OUTCOME(wait4(0, &st, WNOHANG, NULL)), "ECHILD",
	      "wait4(0) with only another group's child");
	check(pid_is(wait4(-o, &st, 0, NULL), o), "yes", "wait4(-pgid) collects that child");
	check(wait_str(st), "exited 3", "its status");
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(atoi(argv[2]));
	attack_start("pgrp");
	w = shared_words(&shm_id);
	ids_and_errors();
	child_groups();
	sessions();
	after_exec();
	group_signals_and_waits();
	while (waitpid(-1, NULL, 0) > 0)
		; /* orphans the kit gives its first process */
	return attack_summary();
}
