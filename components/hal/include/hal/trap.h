/*
 * Traps the kernel may want to handle. Anything not handled is reported by
 * the platform (cause, faulting address, pc and the registers) and fails the
 * run: an unexpected trap is never silent.
 */
#ifndef HAL_TRAP_H
#define HAL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

enum hal_access {
	HAL_ACCESS_READ = 1,
	HAL_ACCESS_WRITE = 2,
	HAL_ACCESS_EXEC = 4,
};

struct hal_fault {
	uintptr_t addr;         /* faulting virtual address */
	uintptr_t pc;           /* instruction that faulted */
	enum hal_access access; /* what the instruction tried */
	bool user;              /* fault taken from user mode */
};

/*
 * Called on a page fault. Return 0 when the fault was resolved (the access is
 * retried), or a negative errno when it was not; the platform then reports it
 * and fails the run. Interrupts are off, or (x86-64) as the faulting code had
 * them: a handler that waits for another CPU must not count on either.
 */
typedef int (*hal_fault_handler_t)(const struct hal_fault *fault);

void hal_trap_set_fault_handler(hal_fault_handler_t handler);

#endif
