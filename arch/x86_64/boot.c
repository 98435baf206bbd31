/*
 * C entry of the x86-64 image (from start.S: long mode, at the linked
 * addresses, on the boot stack, interrupts off): the boot CPU's data
 * through the GS base, the TSS (its first interrupt stack takes double
 * faults, so a kernel stack overflow is reported; its RSP0 is set at each
 * entry to ring 3), the IDT, the syscall instruction and the FP/SSE state
 * (with user mode: user.c), each CPU its own (x86_64_cpu_setup, which
 * smp.c calls on the others), the identity
 * map dropped, then the board (kit/board.h) with the Multiboot
 * information's physical address.
 */
#include <hal/boot.h>
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <hal/smp.h>
#include <kit/board.h>
#include <klib/compiler.h>
#include <klib/string.h>
#include "x86_64.h"

extern char __boot_stack_bottom[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __kernel_start[], __kernel_end[];

/* The 64-bit TSS (Intel SDM vol. 3, 9.7): only the stacks matter in long mode. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* ring 0-2 stacks, taken on an interrupt from a lower privilege */
	uint64_t reserved1;
	uint64_t ist[7]; /* interrupt stack table: IDT entries name one by 1-7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* past the limit: no I/O permission bitmap */
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS");

/* clang-format off */
#define GDT_WORDS (SEL_TSS / 8 + 2) /* start.S's GDT: its last entry is the 16-byte TSS descriptor */
/* clang-format on */

static char overflow_stack[HAL_NR_CPUS][CONFIG_X86_64_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
static struct tss tss[HAL_NR_CPUS];
struct x86_64_cpu x86_64_cpus[HAL_NR_CPUS];
#ifdef CONFIG_SMP
/* The other CPUs' GDTs: start.S's, each with its own TSS descriptor (a loaded TSS is busy). */
static uint64_t cpu_gdt[HAL_NR_CPUS][GDT_WORDS] KIT_ALIGNED(16);
#endif

static const struct hal_kernel_layout layout = {
    .image_start = (uintptr_t)__kernel_start,
    .image_end = (uintptr_t)__kernel_end,
    .text_start = (uintptr_t)__text_start,
    .text_end = (uintptr_t)__text_end,
    .rodata_start = (uintptr_t)__rodata_start,
    .rodata_end = (uintptr_t)__rodata_end,
    .data_start = (uintptr_t)__data_start,
    .data_end = (uintptr_t)__data_end,
};

/* A system-segment descriptor, 16 bytes in long mode: type 9, an available 64-bit TSS. */
static void tss_install(struct tss *t, uint64_t *gdt, char *overflow)
{
	uint64_t base = (uintptr_t)t, limit = sizeof(*t) - 1;

	t->iomap_base = sizeof(*t);
	t->ist[0] = (uintptr_t)(overflow + ALIGN_DOWN(CONFIG_X86_64_OVERFLOW_STACK_SIZE, 16));
	gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
	                   ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[SEL_TSS / 8 + 1] = base >> 32;
	__asm__ __volatile__("ltr %w0" ::"r"(SEL_TSS));
}

/*
 * The calling CPU's data through the GS base, its TSS and the IDT, and the
 * user-mode setup: the boot CPU's from x86_64_boot, each other one's from
 * smp.c with its own copy of the GDT. Interrupts off.
 */
void x86_64_cpu_setup(unsigned cpu)
{
	struct x86_64_cpu *c = &x86_64_cpus[cpu];
	uint64_t *gdt = x86_64_gdt;

	c->self = c;
	c->cpu = cpu;
	c->tss = &tss[cpu];
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	/* The initial APIC id, until apic.c reads the register. */
	c->apic_id = cpuid(1, 0).ebx >> 24;
#ifdef CONFIG_SMP
	if (cpu) {
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) ptr = {sizeof(cpu_gdt[cpu]) - 1, (uintptr_t)cpu_gdt[cpu]};

		gdt = cpu_gdt[cpu];
		memcpy(gdt, x86_64_gdt, sizeof(cpu_gdt[cpu]));
		__asm__ __volatile__("lgdt %0" ::"m"(ptr) : "memory");
	}
#endif
	tss_install(&tss[cpu], gdt, overflow_stack[cpu]);
	x86_64_trap_load();
#ifdef CONFIG_HAL_USER_MODE
	x86_64_user_cpu_init();
#endif
}

KIT_NORETURN void x86_64_boot(uint32_t mbi_pa);

KIT_NORETURN void x86_64_boot(uint32_t mbi_pa)
{
	x86_64_trap_init();
	x86_64_cpu_setup(0);
	/* The identity map was for the jump only: user addresses fault from now on. */
	x86_64_boot_pml4[0] = 0;
#ifdef CONFIG_X86_64_LA57
	x86_64_boot_pml5[0] = 0;
#endif
	write_cr3(read_cr3());
	hal_stack_set_bottom((uintptr_t)__boot_stack_bottom);
	board_start(mbi_pa);
}

const struct hal_kernel_layout *hal_kernel_layout(void)
{
	return &layout;
}

uintptr_t x86_64_overflow_stack_bottom(void)
{
	return (uintptr_t)overflow_stack[hal_cpu_id()];
}

/*
 * The boot's random seed: Multiboot hands over none, so it is the CPU's
 * generator, RDRAND, where CPUID has it (QEMU's max model; not qemu64),
 * as Linux seeds from it (random.trust_cpu). A draw that keeps failing
 * (the SDM's advice: ten tries) ends the seed there.
 */
size_t hal_boot_entropy(void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t n = 0;

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_RDRAND))
		return 0;
	while (n < len) {
		uint64_t v;
		bool ok = false;

		for (int i = 0; i < 10 && !ok; i++)
			__asm__ __volatile__("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		if (!ok)
			break;
		memcpy(out + n, &v, len - n < sizeof(v) ? len - n : sizeof(v));
		n += len - n < sizeof(v) ? len - n : sizeof(v);
	}
	return n;
}
