/* A new context's first frame, laid out for context.S. */
#include <hal/context.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <stddef.h>
#include <stdint.h>

_Static_assert(offsetof(struct hal_context, sp) == 0, "context.S loads sp from offset 0");
_Static_assert(offsetof(struct hal_context, stack_base) == 8, "context.S: CTX_STACK_BASE");

enum { SLOT_RA, SLOT_S0, SLOT_S1, SLOT_S2, FRAME_SLOTS = 14 };

void riscv_context_start(void);
void riscv_context_returned(void);

void riscv_context_returned(void)
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
	frame[SLOT_RA] = (uintptr_t)riscv_context_start;
	frame[SLOT_S1] = (uintptr_t)entry;
	frame[SLOT_S2] = (uintptr_t)arg;
	*ctx =
	    (struct hal_context){.sp = frame, .stack_base = stack_base, .stack_size = stack_size};
}
