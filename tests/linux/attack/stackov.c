/*
 * Stack overflow: unbounded recursion runs off the 8 MiB stack and dies by
 * SIGSEGV; so does a single frame far larger than the stack. The program
 * that watched carries on.
 */
#include "attack.h"

static volatile unsigned long sink,
    limit = ~0ul; /* a bound the compiler cannot see is never reached */

static unsigned long recurse(unsigned long depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if (depth == limit)
		return 0;
	return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

static void huge_frame(void)
{
	volatile char big[16 << 20];

	big[0] = 1; /* 16 MiB below the frame's top: past the stack and its gap */
	sink = big[0];
}

static const char *in_child(void (*fn)(void))
{
	pid_t c = attack_fork();

	if (c == 0) {
		fn();
		_exit(0);
	}
	return reap(c);
}

static void run_recursion(void)
{
	sink = recurse(0);
}

int main(void)
{
	attack_start("stackov");
	check(in_child(run_recursion), "killed by signal 11", "unbounded recursion");
	check(in_child(huge_frame), "killed by signal 11", "one 16 MiB frame");
	check(in_child(run_recursion), "killed by signal 11", "unbounded recursion again");
	return attack_summary();
}
