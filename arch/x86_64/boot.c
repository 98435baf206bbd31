/*
 * C entry of the x86-64 image (from start.S: long mode, at the linked
 * addresses, on the boot stack, interrupts off): the boot CPU's data
 * through the GS base, the TSS (its first interrupt stack takes double
 * faults, so a kernel stack overflow is reported), the IDT, the identity
 * map dropped, then the board (kit/board.h) with the Multiboot
 * information's physical address.
 */
#include <hal/memmap.h>
#include <hal/mmu.h>
#include <kit/board.h>
#include <klib/compiler.h>
#include <klib/string.h>
#include "x86_64.h"

extern char __boot_stack_bottom[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __kernel_start[], __kernel_end[];
extern uint64_t x86_64_gdt[];

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

static char overflow_stack[CONFIG_X86_64_OVERFLOW_STACK_SIZE] KIT_ALIGNED(16);
static struct tss tss0 = {.iomap_base = sizeof(struct tss)};
struct x86_64_cpu x86_64_cpu0 = {.self = &x86_64_cpu0};

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
static void tss_install(struct tss *t)
{
	uint64_t base = (uintptr_t)t, limit = sizeof(*t) - 1;

	t->ist[0] = (uintptr_t)(overflow_stack + ALIGN_DOWN(sizeof(overflow_stack), 16));
	x86_64_gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
	                          ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	x86_64_gdt[SEL_TSS / 8 + 1] = base >> 32;
	__asm__ __volatile__("ltr %w0" ::"r"(SEL_TSS));
}

KIT_NORETURN void x86_64_boot(uint32_t mbi_pa);

KIT_NORETURN void x86_64_boot(uint32_t mbi_pa)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)&x86_64_cpu0);
	x86_64_cpu0.apic_id = cpuid(1, 0).ebx >> 24; /* the initial APIC id */
	tss_install(&tss0);
	x86_64_trap_init();
	/* The identity map was for the jump only: user addresses fault from now on. */
	x86_64_boot_pml4[0] = 0;
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
	return (uintptr_t)overflow_stack;
}
