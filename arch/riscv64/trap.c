/*
 * Trap dispatch. Timer interrupts go to the registered timer handler, page
 * faults to the registered fault handler. Everything else, and any fault
 * the handler declines, is reported with the registers and fails the run.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/trap.h>
#include <klib/panic.h>
#include <klib/printf.h>
#include "../common/kmap.h"
#include "riscv.h"

void riscv_trap(struct riscv_trap_frame *tf);

static hal_fault_handler_t fault_handler;

/* clang-format off */
const char *const riscv_reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
	"a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
	"s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
/* clang-format on */

void hal_trap_set_fault_handler(hal_fault_handler_t handler)
{
	fault_handler = handler;
}

const char *riscv_cause_name(unsigned long scause)
{
	/* clang-format off */
	static const char *const exc[] = {
		[EXC_INST_MISALIGNED] = "instruction address misaligned",
		[EXC_INST_ACCESS] = "instruction access fault",
		[EXC_ILLEGAL] = "illegal instruction",
		[EXC_BREAKPOINT] = "breakpoint",
		[EXC_LOAD_MISALIGNED] = "load address misaligned",
		[EXC_LOAD_ACCESS] = "load access fault",
		[EXC_STORE_MISALIGNED] = "store address misaligned",
		[EXC_STORE_ACCESS] = "store access fault",
		[EXC_ECALL_U] = "ecall from U-mode",
		[EXC_ECALL_S] = "ecall from S-mode",
		[EXC_INST_PAGE_FAULT] = "instruction page fault",
		[EXC_LOAD_PAGE_FAULT] = "load page fault",
		[EXC_STORE_PAGE_FAULT] = "store page fault",
	};
	/* clang-format on */
	unsigned long code = scause & ~SCAUSE_INTERRUPT;

	if (scause & SCAUSE_INTERRUPT)
		return code == IRQ_S_SOFT    ? "supervisor software interrupt"
		       : code == IRQ_S_TIMER ? "supervisor timer interrupt"
		       : code == IRQ_S_EXT   ? "supervisor external interrupt"
		                             : "interrupt";
	if (code < sizeof(exc) / sizeof(exc[0]) && exc[code])
		return exc[code];
	return "unknown";
}

static void dump_registers(const struct riscv_trap_frame *tf)
{
	for (int i = 1; i < 32; i++)
		kprintf("%4s=%016lx%s", riscv_reg_names[i], tf->x[i], i % 4 == 3 ? "\n" : "  ");
	kprintf("\n");
}

static void report_and_fail(const struct riscv_trap_frame *tf)
{
	kprintf("\nunexpected trap: scause=0x%lx (%s) sepc=0x%lx stval=0x%lx\n"
	        "  sstatus=0x%lx, from %s mode, hart %lu\n",
	        tf->scause, riscv_cause_name(tf->scause), tf->sepc, tf->stval, tf->sstatus,
	        tf->sstatus & SSTATUS_SPP ? "S" : "U", hal_cpu_hwid());
	dump_registers(tf);
	panic("unexpected trap (%s) at pc 0x%lx", riscv_cause_name(tf->scause), tf->sepc);
}

/* The entry moved to the emergency stack: the interrupted one had no room left. */
static bool stack_overflowed(const struct riscv_trap_frame *tf)
{
	unsigned long bottom = riscv_hart_self()->stack_bottom;

	return bottom && tf->x[2] < bottom + sizeof(*tf);
}

KIT_NORETURN static void report_overflow(const struct riscv_trap_frame *tf)
{
	unsigned long bottom = riscv_hart_self()->stack_bottom;

	/* Any further trap is checked against the stack we are on now. */
	hal_stack_set_bottom(riscv_hart_self()->overflow_top - CONFIG_RISCV_OVERFLOW_STACK_SIZE);
	kprintf("\nkernel stack overflow: sp 0x%lx is below the stack bottom 0x%lx "
	        "(guard page 0x%lx-0x%lx)\n",
	        tf->x[2], bottom, bottom - 4096, bottom);
	kprintf("  while taking scause=0x%lx (%s) at pc 0x%lx, stval=0x%lx\n", tf->scause,
	        riscv_cause_name(tf->scause), tf->sepc, tf->stval);
	dump_registers(tf);
	panic("kernel stack overflow at pc 0x%lx", tf->sepc);
}

static bool handle_page_fault(const struct riscv_trap_frame *tf, unsigned long code)
{
	struct hal_fault f = {
	    .addr = tf->stval,
	    .pc = tf->sepc,
	    .access = code == EXC_INST_PAGE_FAULT   ? HAL_ACCESS_EXEC
	              : code == EXC_LOAD_PAGE_FAULT ? HAL_ACCESS_READ
	                                            : HAL_ACCESS_WRITE,
	    .user = !(tf->sstatus & SSTATUS_SPP),
	};

	if (fault_handler && fault_handler(&f) == 0)
		return true;
	if (!f.user)
		kprintf("\nkernel page fault: %s 0x%lx (%s) at pc 0x%lx\n",
		        f.access == HAL_ACCESS_WRITE  ? "write to"
		        : f.access == HAL_ACCESS_EXEC ? "exec at"
		                                      : "read of",
		        tf->stval, kmap_describe(tf->stval), tf->sepc);
	return false;
}

void riscv_trap(struct riscv_trap_frame *tf)
{
	unsigned long code = tf->scause & ~SCAUSE_INTERRUPT;

	if (stack_overflowed(tf))
		report_overflow(tf);
	if (tf->scause & SCAUSE_INTERRUPT) {
		if (code == IRQ_S_TIMER) {
			riscv_timer_interrupt();
			return;
		}
#ifdef CONFIG_SMP
		if (code == IRQ_S_SOFT) {
			riscv_ipi_interrupt();
			return;
		}
#endif
		report_and_fail(tf);
	}
	switch (code) {
	case EXC_INST_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		if (handle_page_fault(tf, code))
			return;
		break;
	default:
		break;
	}
	report_and_fail(tf);
}
