/*
 * Trap dispatch for traps taken in the kernel. The local APIC's timer
 * interrupt goes to time.c, page faults to the registered fault handler.
 * Everything else, and any fault the handler declines, is reported with the
 * vector, error code, rip, cr2 and the registers, and fails the run.
 *
 * A kernel stack overflow: the access to the guard page faults, and the
 * CPU, pushing the page fault's frame on the same exhausted stack, faults
 * again: a double fault, whose gate switches to the TSS's first interrupt
 * stack (boot.c), from where it is reported. A fault whose address is in
 * the guard page with room left on the stack (a big frame jumping in) is
 * reported the same way.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/trap.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/panic.h>
#include <klib/printf.h>
#include "../common/kmap.h"
#include "x86_64.h"

/* clang-format off */
#define PF_P (1u << 0) /* protection violation, else not present */
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_I (1u << 4) /* instruction fetch */
#define GATE_INTERRUPT 0x8e /* present, ring 0, 64-bit interrupt gate (interrupts off) */
#define GATE_DPL3      0x60 /* int3 may name it from ring 3 (else int n there is a #GP) */
/* clang-format on */

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "long-mode gate");

extern char x86_64_trap_stubs[];
void x86_64_trap(struct x86_64_trap_frame *tf);

static struct idt_gate idt[256] KIT_ALIGNED(16);
static hal_fault_handler_t fault_handler;

void x86_64_trap_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ __volatile__("lidt %0" ::"m"(ptr));
}

void x86_64_trap_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uintptr_t a = (uintptr_t)x86_64_trap_stubs + 16 * v;

		idt[v] = (struct idt_gate){.off0 = a & 0xffff,
		                           .sel = SEL_KERNEL_CS,
		                           .ist = v == VEC_DF ? 1 : 0,
		                           .type = GATE_INTERRUPT | (v == VEC_BP ? GATE_DPL3 : 0),
		                           .off1 = (a >> 16) & 0xffff,
		                           .off2 = a >> 32};
	}
}

void hal_trap_set_fault_handler(hal_fault_handler_t handler)
{
	fault_handler = handler;
}

static const char *vector_name(unsigned long v)
{
	static const char *const names[32] = {
	    "#DE divide error",
	    "#DB debug",
	    "NMI",
	    "#BP breakpoint",
	    "#OF overflow",
	    "#BR bound range",
	    "#UD invalid opcode",
	    "#NM device not available",
	    "#DF double fault",
	    "coprocessor segment overrun",
	    "#TS invalid TSS",
	    "#NP segment not present",
	    "#SS stack fault",
	    "#GP general protection",
	    "#PF page fault",
	    "reserved",
	    "#MF x87 floating point",
	    "#AC alignment check",
	    "#MC machine check",
	    "#XM SIMD floating point",
	    "#VE virtualization",
	    "#CP control protection",
	};

	if (v < 32)
		return names[v] ? names[v] : "reserved exception";
	return "interrupt";
}

static void dump_registers(const struct x86_64_trap_frame *tf)
{
	kprintf(" rax=%016lx  rbx=%016lx  rcx=%016lx  rdx=%016lx\n", tf->rax, tf->rbx, tf->rcx,
	        tf->rdx);
	kprintf(" rsi=%016lx  rdi=%016lx  rbp=%016lx  rsp=%016lx\n", tf->rsi, tf->rdi, tf->rbp,
	        tf->rsp);
	kprintf("  r8=%016lx   r9=%016lx  r10=%016lx  r11=%016lx\n", tf->r8, tf->r9, tf->r10,
	        tf->r11);
	kprintf(" r12=%016lx  r13=%016lx  r14=%016lx  r15=%016lx\n", tf->r12, tf->r13, tf->r14,
	        tf->r15);
	kprintf(" rip=%016lx   cs=%04lx rflags=%08lx   ss=%04lx\n", tf->rip, tf->cs, tf->rflags,
	        tf->ss);
}

/* "page fault: not present, write" and the like, into buf. */
static const char *trap_name(const struct x86_64_trap_frame *tf, char *buf, unsigned long size)
{
	if (tf->vector != VEC_PF) {
		ksnprintf(buf, size, "%s", vector_name(tf->vector));
		return buf;
	}
	ksnprintf(buf, size, "page fault: %s, %s%s",
	          tf->error & PF_P ? "protection violation" : "not present",
	          tf->error & PF_I   ? "instruction fetch"
	          : tf->error & PF_W ? "write"
	                             : "read",
	          tf->error & PF_U ? ", user" : "");
	return buf;
}

KIT_NORETURN static void report_and_fail(const struct x86_64_trap_frame *tf)
{
	char name[64];

	trap_name(tf, name, sizeof(name));
	kprintf("\nunexpected trap: vector %lu (%s), error code 0x%lx, rip 0x%lx, cr2 0x%lx, "
	        "cpu %u\n",
	        tf->vector, name, tf->error, tf->rip, (unsigned long)read_cr2(), hal_cpu_id());
	dump_registers(tf);
	panic("unexpected trap (%s) at pc 0x%lx", name, tf->rip);
}

/* The guard page under the running stack, or the stack pointer already below its bottom. */
static bool stack_overflowed(const struct x86_64_trap_frame *tf)
{
	unsigned long bottom = x86_64_cpu_self()->stack_bottom;
	unsigned long cr2 = read_cr2();

	if (!bottom || (tf->cs & 3))
		return false;
	if (tf->vector == VEC_DF)
		return tf->rsp < bottom + sizeof(*tf);
	return tf->vector == VEC_PF && cr2 < bottom && cr2 >= bottom - 4096;
}

KIT_NORETURN static void report_overflow(const struct x86_64_trap_frame *tf)
{
	unsigned long bottom = x86_64_cpu_self()->stack_bottom;
	char name[64];

	/* Any further trap is checked against the stack we are on now. */
	hal_stack_set_bottom(tf->vector == VEC_DF ? x86_64_overflow_stack_bottom() : 0);
	kprintf("\nkernel stack overflow: sp 0x%lx is below the stack bottom 0x%lx "
	        "(guard page 0x%lx-0x%lx)\n",
	        tf->rsp < bottom ? tf->rsp : read_cr2(), bottom, bottom - 4096, bottom);
	kprintf("  while taking vector %lu (%s), error code 0x%lx, at pc 0x%lx, cr2=0x%lx\n",
	        tf->vector, trap_name(tf, name, sizeof(name)), tf->error, tf->rip,
	        (unsigned long)read_cr2());
	dump_registers(tf);
	panic("kernel stack overflow at pc 0x%lx", tf->rip);
}

static bool handle_page_fault(const struct x86_64_trap_frame *tf)
{
	struct hal_fault f = {
	    .addr = read_cr2(),
	    .pc = tf->rip,
	    .access = tf->error & PF_I   ? HAL_ACCESS_EXEC
	              : tf->error & PF_W ? HAL_ACCESS_WRITE
	                                 : HAL_ACCESS_READ,
	    .user = false,
	};

	int rc = -EFAULT;

	/*
	 * The gate turned interrupts off; the handler runs with them as the
	 * faulting code had them (Linux's page fault does the same): one that
	 * waits for another CPU (a remap under way) must still take that CPU's
	 * cross-CPU calls, or the two wait for each other.
	 */
	if (fault_handler) {
		if (tf->rflags & RFLAGS_IF)
			hal_irq_enable();
		rc = fault_handler(&f);
		hal_irq_disable();
	}
	if (rc == 0)
		return true;
	kprintf("\nkernel page fault: %s 0x%lx (%s) at pc 0x%lx\n",
	        f.access == HAL_ACCESS_WRITE  ? "write to"
	        : f.access == HAL_ACCESS_EXEC ? "exec at"
	                                      : "read of",
	        (unsigned long)f.addr, kmap_describe(f.addr), tf->rip);
	return false;
}

bool x86_64_interrupt(unsigned long vector)
{
	switch (vector) {
	case VEC_TIMER:
		/* Ended first: the handler may switch tasks (arch/aarch64/irq.c says why). */
		x86_64_apic_eoi();
		x86_64_timer_interrupt();
		return true;
#ifdef CONFIG_SMP
	case VEC_IPI:
		x86_64_apic_eoi();
		x86_64_ipi_interrupt();
		return true;
#endif
	case VEC_SPURIOUS:
		return true; /* no end of interrupt for the spurious vector (SDM vol. 3, 11.9) */
	}
	return false;
}

void x86_64_trap(struct x86_64_trap_frame *tf)
{
	if (stack_overflowed(tf))
		report_overflow(tf);
	if (x86_64_interrupt(tf->vector)) {
		/* Back to code that takes interrupts (not to a halt that holds them back):
		 * what a halt held back on this CPU is raised again, to come in after
		 * iretq (arch/cpu.h); not taken here, on the trap's stack. */
#ifdef CONFIG_SMP
		if ((tf->rflags & RFLAGS_IF) && !x86_64_cpu_self()->wait_irqoff &&
		    x86_64_cpu_self()->deferred)
			x86_64_irq_replay();
#endif
		return;
	}
	switch (tf->vector) {
	case VEC_PF:
		if (handle_page_fault(tf))
			return;
		break;
	}
	report_and_fail(tf);
}
