/* A new context's first frame, laid out for context.S. */
#include <hal/context.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <stddef.h>
#include <stdint.h>

_Static_assert(offsetof(struct hal_context, sp) == 0, "context.S loads sp from offset 0");
_Static_assert(offsetof(struct hal_context, stack_base) == 8, "context.S: CTX_STACK_BASE");

/* x19, x20, ..., x28, x29, x30: context.S's frame. */
enum { SLOT_X19, SLOT_X20, SLOT_X29 = 10, SLOT_X30 = 11, FRAME_SLOTS = 12 };

void aarch64_context_start(void);
void aarch64_context_returned(void);

void aarch64_context_returned(void)
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
	frame[SLOT_X30] = (uintptr_t)aarch64_context_start;
	frame[SLOT_X19] = (uintptr_t)entry;
	frame[SLOT_X20] = (uintptr_t)arg;
	*ctx =
	    (struct hal_context){.sp = frame, .stack_base = stack_base, .stack_size = stack_size};
}
