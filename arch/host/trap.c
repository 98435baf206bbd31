/*
 * Faults on the host are SIGSEGV/SIGBUS. A registered fault handler may
 * resolve them (the access is retried); otherwise the fault is reported the
 * way the riscv64 platform reports an unexpected trap, and the run fails.
 * Under AddressSanitizer, ASan's own handler reports instead.
 */
#include <hal/trap.h>
#include <klib/printf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include "host.h"

static hal_fault_handler_t fault_handler;

void hal_trap_set_fault_handler(hal_fault_handler_t handler)
{
	fault_handler = handler;
}

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	uintptr_t pc = 0;
	enum hal_access access = HAL_ACCESS_READ;

#if defined(__x86_64__)
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	/* Page-fault error code bit 1: the access was a write. */
	if (uc->uc_mcontext.gregs[REG_ERR] & 2)
		access = HAL_ACCESS_WRITE;
#elif defined(__aarch64__)
	/* The write bit (ESR's WnR) sits in a signal-frame record: reported as a read. */
	pc = (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
#endif
	struct hal_fault f = {.addr = (uintptr_t)si->si_addr, .pc = pc, .access = access};

	if (fault_handler && fault_handler(&f) == 0)
		return;
	kprintf("\nunexpected trap: %s at address %p, pc %p (%s)\n",
	        sig == SIGSEGV ? "SIGSEGV" : "SIGBUS", si->si_addr, (void *)pc,
	        access == HAL_ACCESS_WRITE ? "write" : "read");
	kprintf("\nPANIC at %s:%d: unexpected trap\n", __FILE__, __LINE__);
	_exit(3);
}

#define ALTSTACK_SIZE (64 * 1024)

/* Each thread that runs kernel code has its own (sigaltstack is per thread). */
void host_trap_thread_init(void)
{
#if !defined(HOST_ASAN) && !defined(HOST_TSAN) /* theirs: they install their own */
	stack_t ss = {.ss_sp = malloc(ALTSTACK_SIZE), .ss_size = ALTSTACK_SIZE};

	if (ss.ss_sp)
		sigaltstack(&ss, NULL);
#endif
}

void host_trap_init(void)
{
#ifdef HOST_ASAN
	return;
#endif
	struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};

	host_trap_thread_init();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
