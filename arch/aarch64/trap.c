/*
 * Trap dispatch for traps taken in the kernel. Interrupts go to the
 * interrupt controller's dispatch (irq.c), page faults to the registered
 * fault handler. Everything else, and any fault the handler declines, is
 * reported with the registers and fails the run.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/trap.h>
#include <klib/panic.h>
#include <klib/printf.h>
#include "../common/kmap.h"
#include "aarch64.h"

void aarch64_trap(struct aarch64_trap_frame *tf);

static hal_fault_handler_t fault_handler;

/* clang-format off */
const char *const aarch64_reg_names[31] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
	"x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp",  "lr",
};
/* clang-format on */

void hal_trap_set_fault_handler(hal_fault_handler_t handler)
{
	fault_handler = handler;
}

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN:
		return "undefined instruction";
	case EC_WFX:
		return "wfi/wfe";
	case EC_FP_ACCESS:
		return "FP/SIMD access";
	case EC_ILLEGAL:
		return "illegal execution state";
	case EC_SVC64:
		return "svc";
	case EC_SYS64:
		return "system register access";
	case EC_SVE:
		return "SVE access";
	case EC_IABT_LOW:
	case EC_IABT_CUR:
		return "instruction abort";
	case EC_PC_ALIGN:
		return "pc alignment fault";
	case EC_DABT_LOW:
	case EC_DABT_CUR:
		return "data abort";
	case EC_SP_ALIGN:
		return "sp alignment fault";
	case EC_FP_EXC64:
		return "FP exception";
	case EC_SERROR:
		return "SError";
	case EC_BRK64:
		return "brk";
	default:
		return "exception";
	}
}

static const char *fsc_name(unsigned fsc)
{
	switch (fsc & 0x3c) {
	case 0x00:
		return "address size fault";
	case 0x04:
		return "translation fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	}
	if (fsc == 0x21)
		return "alignment fault";
	if (fsc == 0x30)
		return "TLB conflict abort";
	return "external abort";
}

const char *aarch64_esr_name(uint64_t esr, char *buf, unsigned long size)
{
	unsigned ec = ESR_EC(esr), iss = ESR_ISS(esr);

	if (ec == EC_DABT_LOW || ec == EC_DABT_CUR)
		ksnprintf(buf, size, "data abort: %s, %s", fsc_name(ISS_FSC(iss)),
		          iss & ISS_WNR ? "write" : "read");
	else if (ec == EC_IABT_LOW || ec == EC_IABT_CUR)
		ksnprintf(buf, size, "instruction abort: %s", fsc_name(ISS_FSC(iss)));
	else
		ksnprintf(buf, size, "%s", ec_name(ec));
	return buf;
}

/* Where the trap came from, by its group of the vector table. */
static const char *vector_name(unsigned long vector)
{
	static const char *const from[] = {"EL1 on SP_EL0", "EL1", "EL0", "EL0 in AArch32"};

	return from[(vector / 4) & 3];
}

static void dump_registers(const struct aarch64_trap_frame *tf)
{
	for (int i = 0; i < 31; i++)
		kprintf("%4s=%016lx%s", aarch64_reg_names[i], tf->x[i], i % 4 == 3 ? "\n" : "  ");
	kprintf("  sp=%016lx\n", tf->sp);
}

KIT_NORETURN static void report_and_fail(const struct aarch64_trap_frame *tf)
{
	static const char *const kind[] = {"synchronous exception", "IRQ", "FIQ", "SError"};
	char name[64];

	if ((tf->vector & 3) == VEC_SYNC)
		aarch64_esr_name(tf->esr, name, sizeof(name));
	else
		ksnprintf(name, sizeof(name), "%s", kind[tf->vector & 3]);
	kprintf("\nunexpected trap: esr=0x%lx (%s) elr=0x%lx far=0x%lx\n"
	        "  spsr=0x%lx, from %s, cpu %u\n",
	        tf->esr, name, tf->elr, tf->far, tf->spsr, vector_name(tf->vector), hal_cpu_id());
	dump_registers(tf);
	panic("unexpected trap (%s) at pc 0x%lx", name, tf->elr);
}

/* The entry moved to the emergency stack: the interrupted one had no room left. */
static bool stack_overflowed(const struct aarch64_trap_frame *tf)
{
	unsigned long bottom = aarch64_cpu_self()->stack_bottom;

	return bottom && tf->sp < bottom + sizeof(*tf);
}

KIT_NORETURN static void report_overflow(const struct aarch64_trap_frame *tf)
{
	unsigned long bottom = aarch64_cpu_self()->stack_bottom;
	char name[64];

	/* Any further trap is checked against the stack we are on now. */
	hal_stack_set_bottom((uintptr_t)aarch64_overflow_stack[hal_cpu_id()]);
	kprintf("\nkernel stack overflow: sp 0x%lx is below the stack bottom 0x%lx "
	        "(guard page 0x%lx-0x%lx)\n",
	        tf->sp, bottom, bottom - 4096, bottom);
	kprintf("  while taking esr=0x%lx (%s) at pc 0x%lx, far=0x%lx\n", tf->esr,
	        aarch64_esr_name(tf->esr, name, sizeof(name)), tf->elr, tf->far);
	dump_registers(tf);
	panic("kernel stack overflow at pc 0x%lx", tf->elr);
}

/* Translation, access flag and permission faults are the page table's business. */
static bool is_page_fault(uint64_t esr)
{
	unsigned fsc = ISS_FSC(ESR_ISS(esr)) & 0x3c;

	return fsc == 0x04 || fsc == 0x08 || fsc == 0x0c;
}

static bool handle_page_fault(const struct aarch64_trap_frame *tf)
{
	unsigned ec = ESR_EC(tf->esr);
	struct hal_fault f = {
	    .addr = tf->far,
	    .pc = tf->elr,
	    .access = ec == EC_IABT_CUR            ? HAL_ACCESS_EXEC
	              : ESR_ISS(tf->esr) & ISS_WNR ? HAL_ACCESS_WRITE
	                                           : HAL_ACCESS_READ,
	    .user = false,
	};

	if (!is_page_fault(tf->esr))
		return false;
	if (fault_handler && fault_handler(&f) == 0)
		return true;
	kprintf("\nkernel page fault: %s 0x%lx (%s) at pc 0x%lx\n",
	        f.access == HAL_ACCESS_WRITE  ? "write to"
	        : f.access == HAL_ACCESS_EXEC ? "exec at"
	                                      : "read of",
	        tf->far, kmap_describe(tf->far), tf->elr);
	return false;
}

static bool handle_sync(struct aarch64_trap_frame *tf)
{
	switch (ESR_EC(tf->esr)) {
	case EC_DABT_CUR:
	case EC_IABT_CUR:
		return handle_page_fault(tf);
	case EC_UNKNOWN:
		if (!aarch64_semihost_fixup(tf->elr))
			return false;
		tf->x[0] = (unsigned long)-1;
		tf->elr += 4;
		return true;
	default:
		return false;
	}
}

void aarch64_trap(struct aarch64_trap_frame *tf)
{
	if (stack_overflowed(tf))
		report_overflow(tf);
	if (tf->vector == VEC_EL1 + VEC_IRQ) {
		aarch64_irq();
		return;
	}
	if (tf->vector == VEC_EL1 + VEC_SYNC && handle_sync(tf))
		return;
	report_and_fail(tf);
}
