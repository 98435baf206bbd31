/* A new context's first frame, laid out for context.S. */
#include <hal/context.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <stddef.h>
#include <stdint.h>

_Static_assert(offsetof(struct hal_context, sp) == 0, "context.S loads rsp from offset 0");
_Static_assert(offsetof(struct hal_context, stack_base) == 8, "context.S: CTX_STACK_BASE");

/*
 * r15, r14, r13, r12, rbx, rbp, the return address: context.S's frame; two
 * more words so that the entry's call is made with rsp 16-byte aligned.
 */
enum { SLOT_R12 = 3, SLOT_RBX = 4, SLOT_RIP = 6, FRAME_SLOTS = 9 };

void x86_64_context_start(void);
void x86_64_context_returned(void);

void x86_64_context_returned(void)
{
	panic("hal_context: the entry function of a context returned");
}

void hal_context_init(struct hal_context *ctx, void *stack_base, size_t stack_size,
                      void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ALIGN_DOWN((uintptr_t)stack_base + stack_size, 16);
	unsigned long *frame = (unsigned long *)(top - FRAME_SLOTS * sizeof(unsigned long));

	for (int i = 0; i < FRAME_SLOTS; i++)
		frame[i] = 0;
	frame[SLOT_RIP] = (uintptr_t)x86_64_context_start;
	frame[SLOT_RBX] = (uintptr_t)entry;
	frame[SLOT_R12] = (uintptr_t)arg;
	*ctx =
	    (struct hal_context){.sp = frame, .stack_base = stack_base, .stack_size = stack_size};
}
