/*
 * libFuzzer target: sequences of Linux system calls through the real layer
 * (linux-abi over process, addr-space, paging, page-alloc and ipc-shm on the
 * host; tests/unit/process_on_host.cmake), made by one fake user program
 * (tests/unit/support/fake_user.h) that reads them from the input.
 *
 * An input is a list of operations, each a 4-byte header and its operands:
 *   header u16 op, u16 kinds (little-endian)
 *   op bit 15 clear: a system call, number op % 512; argument i is decoded
 *     by bits 2i..2i+1 of kinds:
 *       0  1 byte, a small signed number
 *       1  2 bytes, an address in the program's scratch (16 pages under its
 *          initial stack): where the pointers go
 *       2  1 byte, one of a table of edge values (0, -1, the top of user
 *          space, a page, the sign bit, ...)
 *       3  8 bytes, any value
 *   op bit 15 set: no call; 'kinds' % scratch size is an offset, the next
 *     byte a length, then that many bytes are written there (structures,
 *     strings, iovecs for the calls that follow).
 * A missing byte reads as 0. The program ends at the end of its input.
 *
 * What a program cannot be left to do in a bounded run is bounded: a child
 * made by clone exits at once, a program started by execve exits at once,
 * and sleeps are cut to at most a millisecond (invalid times stay invalid):
 * nanosleep's, clock_nanosleep's, and the timeouts of ppoll, pselect6 and
 * rt_sigtimedwait (none given is a zero one); pipes and eventfds are made
 * non-blocking (a read of an empty one waits for a writer the program may
 * never be); rt_sigsuspend, which only a
 * signal ends, becomes getpid(). A stop signal sent (kill, tkill, tgkill,
 * rt_sigqueueinfo, rt_tgsigqueueinfo) becomes SIGCONT: a stopped process
 * waits for a SIGCONT nobody in the run would send.
 *
 * What is left blocks for good as it would on Linux (a FUTEX_WAIT nobody
 * wakes, a FIFO's open with no writer, a pipe made blocking again by
 * fcntl): after GRACE_MS the harness sends every process the kernel's
 * SIGKILL (process_kill from NULL, which pid 1 takes too). Every wait must
 * give way to it: a process still there HANG_SECONDS after the input
 * started is a hang, saved as timeout-syscalls.
 *
 * After each input every process must be gone, and after the layer's
 * shutdown every frame back: a leak, a kernel panic (kassert) or a
 * sanitizer report is a crash.
 */
#include "proc_test.h"
#include <addr-space/addr_space.h>
#include <klib/errno.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <task/task.h>
#include <time.h>
#include <unistd.h>

#define NR_exit              93
#define NR_ppoll             73
#define NR_pselect6          72
#define NR_pipe2             59
#define NR_eventfd2          19
#define FUZZ_O_NONBLOCK      04000 /* O_NONBLOCK and EFD_NONBLOCK */
#define NR_nanosleep         101
#define NR_clock_nanosleep   115
#define NR_rt_sigsuspend     133
#define NR_rt_sigtimedwait   137
#define NR_kill              129
#define NR_tkill             130
#define NR_tgkill            131
#define NR_rt_sigqueueinfo   138
#define NR_rt_tgsigqueueinfo 240
#define NR_getpid            172
#define NR_clone             220

#define PG            4096ul
#define SCRATCH_PAGES 16ul
#define SCRATCH_SIZE  (SCRATCH_PAGES * PG)
#define TIMER_ABSTIME 1
#define MAX_LEN       4096
#define HANG_SECONDS  20 /* before proc_test_wait_all() gives up (60 s), which saves no input */
#define GRACE_MS      1000
#define MAX_KILLED    64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *input;
static size_t input_size;
static void *initrd; /* the programs, as the file system gets them */
static size_t initrd_size;
static unsigned starts; /* programs started in this run: only the first one reads the input */

static uintptr_t scratch(const struct fake_user *u)
{
	return u->sp0 - SCRATCH_SIZE;
}

/* The next n bytes of the input, little-endian, at the program's position (u->v[0]). */
static uint64_t take(struct fake_user *u, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++, u->v[0]++)
		if (u->v[0] < input_size)
			v |= (uint64_t)input[u->v[0]] << (8 * i);
	return v;
}

static unsigned long edge(uint8_t i)
{
	const unsigned long top = as_user_top();
	// clang-format off
	const unsigned long values[] = {
		0, 1, -1ul, PG, PG - 1, 0x7fffffff, 0x80000000ul, 0xffffffff, 1ul << 63, -PG,
		top, top - PG, top - 1, as_user_base(), as_user_base() - PG, 1ul << 38, 1ul << 47,
		(unsigned long)&input, /* a "kernel" address: the host's */
	};
	// clang-format on

	return values[i % (sizeof(values) / sizeof(values[0]))];
}

static unsigned long argument(struct fake_user *u, unsigned kind)
{
	switch (kind) {
	case 0:
		return (unsigned long)(long)(int8_t)take(u, 1);
	case 1:
		return scratch(u) + take(u, 2) % SCRATCH_SIZE;
	case 2:
		return edge((uint8_t)take(u, 1));
	default:
		return take(u, 8);
	}
}

/*
 * A sleep of at most 1 ms: a valid relative time is cut, an absolute one made
 * past. Where the time cannot be written back (read-only memory), the call
 * gets a copy in the scratch instead; failing that, it becomes getpid().
 */
static unsigned long bound_sleep(struct fake_user *u, unsigned long nr, unsigned long a[6])
{
	unsigned long *ts = nr == NR_nanosleep ? &a[0] : nr == NR_pselect6 ? &a[4] : &a[2];
	uintptr_t copy = scratch(u) + SCRATCH_SIZE - 64;
	int64_t t[2];

	if (nr == NR_rt_sigsuspend)
		return NR_getpid;
	if ((nr == NR_ppoll || nr == NR_pselect6 || nr == NR_rt_sigtimedwait) && *ts == 0) {
		t[0] = t[1] = 0; /* no timeout: a zero one */
		if (fake_user_write(copy, t, sizeof(t)) < 0)
			return NR_getpid;
		*ts = copy;
		return nr;
	}
	if (fake_user_read(t, *ts, sizeof(t)) < 0 || t[0] < 0 || t[1] < 0 || t[1] >= 1000000000)
		return nr; /* refused by the call itself */
	if (nr == NR_clock_nanosleep && (a[1] & TIMER_ABSTIME)) {
		t[0] = 0;
		t[1] = 0;
	} else if (t[0] != 0 || t[1] > 1000000) {
		t[0] = 0;
		t[1] %= 1000000;
	}
	if (fake_user_write(*ts, t, sizeof(t)) == 0)
		return nr;
	if (fake_user_write(copy, t, sizeof(t)) == 0) {
		*ts = copy;
		return nr;
	}
	return NR_getpid;
}

/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU (as the call reads its int) become SIGCONT. */
static unsigned long no_stop(unsigned long sig)
{
	int s = (int)sig;

	return s >= 19 && s <= 22 ? 18 : sig;
}

static enum hal_user_event program(struct fake_user *u, struct hal_user_trap *t)
{
	(void)t;
	if (u->step == 0 && starts++ > 0)
		return SYS(u, NR_exit, 0); /* started by execve */
	if (u->step++ > 0 && u->nr == NR_clone && fake_ret(u) == 0)
		return SYS(u, NR_exit, 0); /* the child of a clone */
	while (u->v[0] < input_size) {
		unsigned op = (unsigned)take(u, 2), kinds = (unsigned)take(u, 2);
		unsigned long a[6];

		if (op & 0x8000) {
			uint8_t buf[255];
			size_t len = (size_t)take(u, 1);

			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)take(u, 1);
			fake_user_write(scratch(u) + kinds % SCRATCH_SIZE, buf, len);
			continue;
		}
		for (unsigned i = 0; i < 6; i++)
			a[i] = argument(u, (kinds >> (2 * i)) & 3);
		op %= 512;
		if (op == NR_kill || op == NR_tkill || op == NR_rt_sigqueueinfo)
			a[1] = no_stop(a[1]);
		if (op == NR_tgkill || op == NR_rt_tgsigqueueinfo)
			a[2] = no_stop(a[2]);
		if (op == NR_nanosleep || op == NR_clock_nanosleep || op == NR_ppoll ||
		    op == NR_pselect6 || op == NR_rt_sigsuspend || op == NR_rt_sigtimedwait)
			op = (unsigned)bound_sleep(u, op, a);
		if (op == NR_pipe2 || op == NR_eventfd2)
			a[1] |= FUZZ_O_NONBLOCK; /* a read of an empty one would wait for ever */
		return fake_syscall(u, op, a);
	}
	return SYS(u, NR_exit, 0);
}

/*
 * libFuzzer's own timeout uses SIGALRM, the host tick: a thread watches
 * instead. An input that keeps the kernel from returning to the harness for
 * HANG_SECONDS is written to timeout-syscalls (in the current directory)
 * before the run aborts.
 */
static volatile time_t input_started;
static pthread_t kernel_thread;

void __sanitizer_print_stack_trace(void);

/* On the kernel's thread: where it is stuck (the stack of the task it runs). */
static void on_hang(int sig)
{
	(void)sig;
	fprintf(stderr,
	        "fuzz_syscalls: an input ran for over %d s (saved as timeout-syscalls); "
	        "kernel messages:\n%s\nthe kernel's thread is here:\n",
	        HANG_SECONDS, kit_test_output);
	__sanitizer_print_stack_trace();
	abort();
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep(5);
		time_t t = input_started;
		if (t && time(NULL) - t > HANG_SECONDS) {
			FILE *f = fopen("timeout-syscalls", "wb");
			if (f) {
				fwrite(input, 1, input_size, f);
				fclose(f);
			}
			pthread_kill(kernel_thread, SIGUSR2);
			sleep(5);
			abort(); /* it did not even take the signal */
		}
	}
	return NULL;
}

struct pids {
	int32_t pid[MAX_KILLED];
	size_t n;
};

static void collect(struct process *p, void *ctx)
{
	struct pids *k = ctx;

	if (p->leader == p && p->state == PROCESS_RUNNING && k->n < MAX_KILLED)
		k->pid[k->n++] = p->pid;
}

/* Processes still there after GRACE_MS get the kernel's SIGKILL, as often as needed. */
static void end_processes(void)
{
	for (unsigned ms = 0; process_count() != 0; ms++) {
		struct pids k = {.n = 0};

		task_sleep_ns(1000000);
		if (ms < GRACE_MS || ms % 100)
			continue;
		process_for_each(collect, &k);
		for (size_t i = 0; i < k.n; i++)
			process_kill(NULL, k.pid[i], PROCESS_SIGKILL);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pthread_t t;
	sigset_t all, old;

	static const uint8_t not_elf[] = "#!/bin/sh\necho not an ELF\n";

	(void)argc;
	(void)argv;
	/* The watchdog must never take the host tick (SIGALRM): it starts with every signal
	 * blocked. */
	kernel_thread = pthread_self();
	signal(SIGUSR2, on_hang);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, watchdog, NULL) != 0)
		abort();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	proc_test_boot();
	proc_test_program("/fuzz", program);
	proc_test_file("/notelf", not_elf, sizeof(not_elf));
	if (!(initrd = proc_test_cpio(&initrd_size)))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t free0 = page_free_count();

	if (size > MAX_LEN)
		return 0;
	input = data;
	input_size = size;
	starts = 0;
	kit_test_output_reset(); /* a panic shows this run's kernel messages */
	if (linux_abi_init() != 0 || linux_abi_load_initrd(initrd, initrd_size) != 0) {
		fprintf(stderr, "fuzz_syscalls: linux_abi_init or linux_abi_load_initrd failed\n");
		abort();
	}
	input_started = time(NULL);
	proc_test_start("/fuzz", NULL);
	end_processes();
	proc_test_wait_all();
	linux_abi_shutdown();
	input_started = 0;
	if (page_free_count() != free0) {
		fprintf(stderr, "fuzz_syscalls: %zu frames not returned after the run\n",
		        free0 - page_free_count());
		abort();
	}
	return 0;
}
