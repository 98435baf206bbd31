/*
 * Contexts on the host (hal/context.h): the registers are switched by
 * context_<cpu>.S, one file per host CPU (x86_64, aarch64), which also
 * lays out a new context's first frame. Under AddressSanitizer every
 * switch is announced to it (start/finish_switch_fiber), so it knows which
 * stack is live: without that it would take a switched-to stack for a wild
 * one and report nonsense. Under ThreadSanitizer each context is a fiber
 * of its own (__tsan_switch_to_fiber before every switch): its accesses are
 * then ordered by the switches, as on one CPU, and by the locks and atomics
 * it shares with the others, wherever it runs (CPUs are threads with
 * CONFIG_SMP); without that TSan would take a task resumed on another
 * thread for that thread's own code.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <stdint.h>
#include "host.h"

#ifdef HOST_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef HOST_TSAN
#include <sanitizer/tsan_interface.h>
#endif

void host_context_swap(void **save_sp, void *load_sp);
void *host_context_prepare(void *top, void (*entry)(void *), void *arg);
KIT_NORETURN void host_context_enter(void (*entry)(void *), void *arg);

/* The context being left, read by the one resumed on the same CPU; under
 * TSan, the fiber of a context that exited, destroyed by the one resumed. */
#ifdef CONFIG_SMP
#define switch_from (host_cpu_self()->from)
#define dead_fiber  (host_cpu_self()->dead_fiber)
#else
static struct hal_context *switch_from;
#ifdef HOST_TSAN
static void *dead_fiber;
#endif
#endif

/*
 * Under TSan, to's fiber becomes the current one (to->san: its handle). A
 * macro, not a function: TSan keeps a shadow call stack per fiber, and a
 * function that switched fibers and then returned would pop its frame off
 * the new fiber's stack. For a fiber that never ran, that is one word
 * below the bottom of its (mmap'd) shadow stack, where the runtime's next
 * function entry writes: a fault where nothing is mapped there, silent
 * corruption where something is. So the switch is made in the function
 * that switches stacks, with no return in between (tsan_interface.h:
 * "immediately before"). The fiber running is from's (a thread's own,
 * for the flow it started with).
 */
#ifdef HOST_TSAN
#define tsan_switch(from, to)                                                                      \
	do {                                                                                       \
		struct hal_context *from_ = (from);                                                \
		if (from_)                                                                         \
			from_->san = __tsan_get_current_fiber();                                   \
		__tsan_switch_to_fiber((to)->san, 0);                                              \
	} while (0)
#else
#define tsan_switch(from, to) ((void)(from), (void)(to))
#endif

/* Under TSan, after a switch: the fiber of a context that exited goes (it is not running now). */
static void tsan_arrive(void)
{
#ifdef HOST_TSAN
	void *dead = dead_fiber;

	if (dead) {
		dead_fiber = NULL;
		__tsan_destroy_fiber(dead);
	}
#endif
}

static void san_leave(struct hal_context *from, const struct hal_context *to)
{
#ifdef HOST_ASAN
	/* A NULL handle tells ASan the stack being left dies. */
	__sanitizer_start_switch_fiber(from ? &from->san : NULL, to->stack_base, to->stack_size);
#else
	(void)from, (void)to;
#endif
}

static void san_arrive(void *handle)
{
#ifdef HOST_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(handle, &bottom, &size);
	/* The boot stack's bounds are learnt the first time it is left. */
	if (switch_from && !switch_from->stack_base) {
		switch_from->stack_base = (void *)bottom;
		switch_from->stack_size = size;
	}
#else
	(void)handle;
#endif
}

void host_context_enter(void (*entry)(void *), void *arg)
{
	san_arrive(NULL);
	tsan_arrive();
	entry(arg);
	panic("hal_context: the entry function of a context returned");
}

void hal_context_init(struct hal_context *ctx, void *stack_base, size_t stack_size,
                      void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ALIGN_DOWN((uintptr_t)stack_base + stack_size, 16);
	void *sp = host_context_prepare((void *)top, entry, arg);

	*ctx = (struct hal_context){.sp = sp, .stack_base = stack_base, .stack_size = stack_size};
#ifdef HOST_TSAN
	ctx->san = __tsan_create_fiber(0);
#endif
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
	switch_from = from;
	san_leave(from, to);
	tsan_switch(from, to);
	host_context_swap(&from->sp, to->sp);
	san_arrive(from->san);
	tsan_arrive();
}

void hal_context_exit(struct hal_context *from, struct hal_context *to)
{
	static void *dead_sp;

#ifdef HOST_ASAN
	/* Frames that never returned leave poisoned shadow behind; whoever
	 * gets this memory next must not inherit it. */
	if (from->stack_base)
		__asan_unpoison_memory_region(from->stack_base, from->stack_size);
#else
	(void)from;
#endif
	switch_from = NULL;
	san_leave(NULL, to);
#ifdef HOST_TSAN
	/* Only fibers made here (contexts with a stack given to hal_context_init): a thread's
	 * own one (a CPU's boot flow, left for good) stays. */
	if (from->stack_base)
		dead_fiber = __tsan_get_current_fiber();
#endif
	tsan_switch(NULL, to);
	host_context_swap(&dead_sp, to->sp);
	__builtin_unreachable();
}
