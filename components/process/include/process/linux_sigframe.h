/*
 * The architecture's Linux signal frame (arch/<arch>/linux/sigframe.c),
 * for process's signal delivery: apart from process/linux_arch.h because
 * it needs user mode (hal/user.h), which only CONFIG_PROCESS_RUN builds
 * have.
 */
#ifndef PROCESS_LINUX_SIGFRAME_H
#define PROCESS_LINUX_SIGFRAME_H

#include <stddef.h>
#include <stdint.h>
#include <hal/user.h>
#include <linux-arch/abi.h>

/*
 * Linux's struct rt_sigframe of the architecture, which glibc reads (the
 * ucontext of an SA_SIGINFO handler, its sigreturn, getcontext's layout).
 * The generic delivery
 * (process/src/sigdeliver.c) chooses the signal, the stack and the frame's
 * address; the architecture lays the frame out and points the registers
 * at the handler.
 */
struct linux_arch_stack {
	uint64_t sp;
	int32_t flags;
	uint64_t size;
};

struct linux_arch_sigframe {
	uintptr_t frame;             /* the frame's user address (16-byte aligned) */
	uintptr_t handler, restorer; /* where the handler starts, where it returns to */
	int sig;
	const uint8_t *info;           /* the user's siginfo_t, 128 bytes */
	uint64_t mask;                 /* the mask sigreturn restores */
	struct linux_arch_stack stack; /* the alternate stack sigreturn restores */
};

/*
 * Lay the frame out in 'buf' (LINUX_ARCH_SIGFRAME_SIZE bytes, copied to
 * f->frame by the caller) from the registers in 'uc', then set 'uc' to
 * enter the handler (its arguments, stack pointer and return address).
 * Pure: any context.
 */
void linux_arch_sigframe_build(void *buf, struct hal_user_context *uc,
                               const struct linux_arch_sigframe *f);
/*
 * rt_sigreturn: the frame 'buf' (LINUX_ARCH_SIGFRAME_SIZE bytes read from
 * the stack pointer) gives back the registers into 'uc', the mask and the
 * alternate stack. -EINVAL for a frame Linux refuses (nonzero reserved
 * words, an unknown extension record); 'uc' may be changed then. Pure.
 */
int linux_arch_sigframe_restore(const void *buf, struct hal_user_context *uc, uint64_t *mask,
                                struct linux_arch_stack *stack);

/*
 * AT_MINSIGSTKSZ, the biggest frame a signal may need on this machine
 * (x86-64's depends on the CPU's XSAVE area); 0 where the architecture's
 * Linux gives AT_IGNORE in its place. Any context, after hal_user_init.
 */
uint64_t linux_arch_minsigstksz(void);

/*
 * The instructions a handler returns to when it gave no SA_RESTORER: the
 * rt_sigreturn system call (Linux's vDSO __vdso_rt_sigreturn). process
 * maps them on a read-only, executable page of each process.
 */
extern const uint8_t linux_arch_sigreturn_code[];
extern const size_t linux_arch_sigreturn_size;

#endif
