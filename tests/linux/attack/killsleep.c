/*
 * Fatal signals end a process wherever it waits: in nanosleep,
 * clock_nanosleep (relative and absolute), and wait4, each asleep for an
 * hour. And what a signal does is decided by the target's action and mask
 * as Linux decides it: a blocked SIGTERM stays pending (sigpending shows
 * it) and kills only once unblocked; an ignored one, and the signals
 * ignored by default, are dropped; SIGKILL cannot be blocked or ignored.
 */
#include "attack.h"

static volatile int *w;
enum { W_READY, W_SENT, W_PENDING, W_GRANDCHILD };

/* A child that runs fn() and then reports it is about to wait. */
static pid_t child(void (*fn)(void))
{
	pid_t c;

	set_word(&w[W_READY], 0);
	c = attack_fork();
	if (c == 0) {
		fn();
		_exit(0);
	}
	await_word(&w[W_READY], 1);
	return c;
}

static void ready(void)
{
	set_word(&w[W_READY], 1);
}

static void do_nanosleep(void)
{
	ready();
	sleep_forever();
}

static void do_clock_nanosleep(void)
{
	struct timespec t = {3600, 0};

	ready();
	for (;;)
		clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL);
}

static void do_clock_nanosleep_abs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 3600;
	ready();
	for (;;)
		clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL);
}

static void do_wait4(void)
{
	pid_t gc = attack_fork();

	if (gc == 0)
		sleep_forever();
	set_word(&w[W_GRANDCHILD], gc);
	ready();
	for (;;)
		waitpid(gc, NULL, 0);
}

static void block_term(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void blocked_spinner(void)
{
	block_term();
	ready();
	spin_forever();
}

static void blocked_sleeper(void)
{
	block_term();
	ready();
	sleep_forever();
}

static void ignoring_spinner(void)
{
	signal(SIGTERM, SIG_IGN);
	ready();
	spin_forever();
}

static void default_ignoring_sleeper(void)
{
	ready();
	sleep_forever();
}

/* Blocks SIGTERM, sees it pending once sent, then unblocks it: dies there. */
static void unblocker(void)
{
	sigset_t s;

	block_term();
	ready();
	await_word(&w[W_SENT], 1);
	sigpending(&s);
	set_word(&w[W_PENDING], sigismember(&s, SIGTERM) ? 1 : 2);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	_exit(0); /* not reached if SIGTERM was pending */
}

static void signals_by_action_and_mask(void)
{
	pid_t c;

	c = child(blocked_spinner);
	check(OUTCOME(kill(c, SIGTERM)), "0", "kill(SIGTERM) to a process that blocks it");
	check(OUTCOME(kill(c, SIGKILL)), "0", "then kill(SIGKILL)");
	check(reap(c), "killed by signal 9", "it ends by SIGKILL (SIGTERM stayed pending)");

	c = child(ignoring_spinner);
	kill(c, SIGTERM);
	kill(c, SIGKILL);
	check(reap(c), "killed by signal 9", "SIGTERM to a process that ignores it, then SIGKILL");

	c = child(default_ignoring_sleeper);
	kill(c, SIGCHLD);
	kill(c, SIGURG);
	kill(c, SIGWINCH);
	kill(c, SIGCONT);
	kill(c, SIGKILL);
	check(reap(c), "killed by signal 9",
	      "SIGCHLD, SIGURG, SIGWINCH, SIGCONT (ignored), then SIGKILL");

	set_word(&w[W_SENT], 0);
	c = child(unblocker);
	kill(c, SIGTERM);
	set_word(&w[W_SENT], 1);
	check(reap(c), "killed by signal 15", "blocked SIGTERM kills once unblocked");
	check(yes(w[W_PENDING] == 1), "yes", "sigpending() showed it while blocked");
}

static void kill_sleeper(const char *what, void (*fn)(void), int sig, const char *want)
{
	pid_t c = child(fn);

	nap_ms(20); /* let it go to sleep (it is killed whether it is asleep yet or not) */
	check(OUTCOME(kill(c, sig)), "0", "kill(%s, %d)", what, sig);
	check(reap(c), want, "the process in %s", what);
}

int main(void)
{
	attack_start("killsleep");
	w = shared_words(NULL);
	signals_by_action_and_mask();
	kill_sleeper("nanosleep", do_nanosleep, SIGKILL, "killed by signal 9");
	kill_sleeper("clock_nanosleep", do_clock_nanosleep, SIGTERM, "killed by signal 15");
	kill_sleeper("clock_nanosleep(TIMER_ABSTIME)", do_clock_nanosleep_abs, SIGKILL,
	             "killed by signal 9");
	kill_sleeper("a nanosleep with SIGTERM blocked", blocked_sleeper, SIGKILL,
	             "killed by signal 9");
	kill_sleeper("wait4", do_wait4, SIGKILL, "killed by signal 9");
	kill(w[W_GRANDCHILD], SIGKILL); /* the orphan of the last one */
	while (waitpid(-1, NULL, 0) > 0)
		; /* orphans the kit gives its first process */
	return attack_summary();
}
