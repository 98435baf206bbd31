/*
 * Execution contexts: a suspended flow of control is its stack plus the
 * registers a function call must preserve (callee-saved registers, the
 * stack pointer and the return address). Switching saves those of the
 * caller on its own stack and resumes another context where it left off.
 * The task component builds tasks on this; nothing here knows about
 * scheduling.
 *
 * The interrupt state is not part of a context: switch with interrupts
 * disabled, and let the resumed flow restore its own state. Floating-point
 * and vector state is not saved either (kernel code does not use it).
 */
#ifndef HAL_CONTEXT_H
#define HAL_CONTEXT_H

#include <stddef.h>

struct hal_context {
	void *sp; /* saved stack pointer; the registers lie above it (offset 0: used by assembly) */
	void *stack_base;  /* lowest address of the stack; NULL until known (the boot stack) */
	size_t stack_size; /* bytes from stack_base */
	void *san; /* the host sanitizer's handle (ASan: fake stack, TSan: fiber); else unused */
};

/*
 * Prepare 'ctx' so that the first switch to it calls entry(arg) on the stack
 * [stack_base, stack_base + stack_size), which must be 16-byte aligned.
 * entry must never return (the platform panics if it does).
 */
void hal_context_init(struct hal_context *ctx, void *stack_base, size_t stack_size,
                      void (*entry)(void *arg), void *arg);

/*
 * Save the caller's context in 'from' and resume 'to'. Returns when some
 * later switch resumes 'from'. 'from' needs no initialisation: the flow that
 * is running when the kernel starts (on the boot stack) becomes a context the
 * first time it switches away.
 */
void hal_context_switch(struct hal_context *from, struct hal_context *to);

/*
 * Leave 'from' (the caller) for good and resume 'to': 'from' is never
 * resumed, and its stack may be freed as soon as 'to' runs.
 */
__attribute__((noreturn)) void hal_context_exit(struct hal_context *from, struct hal_context *to);

#endif
