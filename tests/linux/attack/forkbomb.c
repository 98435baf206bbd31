/*
 * Fork bombs. A user below root is bounded by RLIMIT_NPROC: with a limit
 * of 20 and itself already counted, 19 forks succeed and the next is
 * EAGAIN (Linux counts every process of the real uid, zombies included,
 * and exempts root). Root is bounded only by the machine: a bomber forks
 * sleepers until fork fails (EAGAIN or ENOMEM) or the OOM killer ends it;
 * either way the program, and the kernel, carry on, every process is
 * killed and reaped, and (apps/linux checks) every frame comes back.
 */
#include "attack.h"
#include <sys/resource.h>

#define NPROC 20

static volatile int *w;
enum { W_OUTCOME, W_COUNT };

/* Fork sleepers until fork fails; record how it failed. */
static __attribute__((noreturn)) void bomber(void)
{
	for (;;) {
		pid_t c = fork();
		if (c == 0)
			sleep_forever();
		if (c < 0) {
			set_word(&w[W_OUTCOME], errno);
			_exit(0);
		}
		__atomic_fetch_add(&w[W_COUNT], 1, __ATOMIC_RELAXED);
	}
}

static void nproc_limit(void)
{
	pid_t u = attack_fork();

	if (u == 0) {
		struct rlimit r = {NPROC, NPROC};
		check(OUTCOME(setrlimit(RLIMIT_NPROC, &r)), "0", "setrlimit(RLIMIT_NPROC, 20)");
		check(OUTCOME(setuid(65534)), "0", "setuid(65534)");
		pid_t b = attack_fork();
		if (b == 0)
			bomber();
		check(reap(b), "exited 0", "the bomber stopped");
		check(errno_name(w[W_OUTCOME]), "EAGAIN", "what stopped it");
		/* The bomber and its sleepers: 20 processes of uid 65534 with this one. */
		check(yes(w[W_COUNT] == NPROC - 2), "yes",
		      "it forked %d (the limit less itself and us)", NPROC - 2);
		check(OUTCOME(kill(-1, SIGKILL)), "0", "kill(-1, SIGKILL) of its sleepers");
		/* In the kit the sleepers are the first process's now; in Linux init's. */
		child_done();
	}
	check(reap(u), "exited 0", "the user's checks");
}

static void root_bomb(void)
{
	pid_t b;
	int st;

	set_word(&w[W_OUTCOME], 0);
	set_word(&w[W_COUNT], 0);
	b = attack_fork();
	if (b == 0)
		bomber();
	waitpid(b, &st, 0);
	check(yes((WIFEXITED(st) && (w[W_OUTCOME] == EAGAIN || w[W_OUTCOME] == ENOMEM)) ||
	          (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)),
	      "yes", "root's bomber ended by EAGAIN, ENOMEM or the OOM killer");
	check(yes(w[W_COUNT] > 100), "yes", "after more than 100 forks");
	check(OUTCOME(kill(-1, SIGKILL)), "0", "kill(-1, SIGKILL) of its sleepers");
}

int main(void)
{
	attack_start("forkbomb");
	w = shared_words(NULL);
	nproc_limit();
	root_bomb();
	while (waitpid(-1, NULL, 0) > 0)
		; /* the orphans, in the kit */
	/* Still here, still able to fork. */
	pid_t c = attack_fork();
	if (c == 0)
		_exit(7);
	check(reap(c), "exited 7", "a fork after it all");
	return attack_summary();
}
