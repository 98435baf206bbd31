/*
 * Memory exhaustion with a bystander. A hog maps and touches memory until
 * the machine has none left; meanwhile a bystander holds 2 MiB it checks
 * again and again and touches a page it never touched before each round,
 * so it too faults while memory is short. Linux's OOM killer ends the
 * process with the most resident pages, the hog, with SIGKILL; the
 * bystander lives on with its memory intact, as does the program that
 * started them (and, in the kit, every frame comes back).
 *
 * A second round lets the hog stop and sleep if the kernel refuses it a
 * mapping: then the bystander's faults are the ones that find memory
 * short, and must still end the hog, not the bystander. (Linux's mmap does
 * not refuse, so there this round goes as the first.)
 */
#include "attack.h"

#define KEEP  (2 << 20)
#define CHUNK (1 << 20)
#define FRESH (16 << 20)

static volatile int *w;
enum { W_STOP, W_HOG_FULL, W_ROUNDS };

static __attribute__((noreturn)) void bystander(void)
{
	unsigned char *keep =
	    mmap(NULL, KEEP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *fresh =
	    mmap(NULL, FRESH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t next = 0;
	int bad = 0;

	if (keep == MAP_FAILED || fresh == MAP_FAILED)
		_exit(3);
	for (size_t i = 0; i < KEEP; i++)
		keep[i] = (unsigned char)(i * 13);
	while (!__atomic_load_n(&w[W_STOP], __ATOMIC_ACQUIRE)) {
		/* A page never touched: a fault that needs a frame (and no other kernel memory). */
		fresh[next] = 1;
		next = (next + 4096) % FRESH;
		for (size_t i = 0; i < KEEP; i += 512)
			bad += keep[i] != (unsigned char)(i * 13);
		__atomic_fetch_add(&w[W_ROUNDS], 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	_exit(bad ? 1 : 0);
}

/* Map and touch memory for ever; 'stop_at_full': once a mapping fails, sleep instead. */
static __attribute__((noreturn)) void hog(bool stop_at_full)
{
	for (;;) {
		unsigned char *p =
		    mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			if (stop_at_full) {
				set_word(&w[W_HOG_FULL], 1);
				sleep_forever();
			}
			continue;
		}
		for (size_t i = 0; i < CHUNK; i += 4096)
			p[i] = 1;
	}
}

static void round_with(const char *name, bool stop_at_full)
{
	pid_t b, h;
	int rounds;

	set_word(&w[W_STOP], 0);
	set_word(&w[W_ROUNDS], 0);
	b = attack_fork();
	if (b == 0)
		bystander();
	while (__atomic_load_n(&w[W_ROUNDS], __ATOMIC_ACQUIRE) == 0)
		sched_yield(); /* its 2 MiB are in */
	h = attack_fork();
	if (h == 0)
		hog(stop_at_full);
	check(reap(h), "killed by signal 9", "%s: the hog", name);
	rounds = w[W_ROUNDS];
	while (w[W_ROUNDS] < rounds + 10)
		sched_yield(); /* the bystander carries on */
	set_word(&w[W_STOP], 1);
	check(reap(b), "exited 0", "%s: the bystander, its memory intact", name);
}

int main(void)
{
	attack_start("oom");
	w = shared_words(NULL);
	round_with("hog faulting", false);
	round_with("hog asleep once memory is full", true);
	return attack_summary();
}
