/*
 * Where an application processor (AP) starts (smp.c sends it INIT, SIPI,
 * SIPI: Intel SDM vol. 3, 9.4.4): a startup IPI starts it in real mode at
 * vector << 12, cs = vector << 8, ip = 0, so the code must sit in a page
 * below 1 MiB. arch_memmap_ready() (early.c) copies x86_64_trampoline to
 * X86_64_TRAMPOLINE_PA while the boot table still maps low memory (the
 * kernel's own table leaves the reserved low MiB out), once the Multiboot
 * information there has been read.
 *
 * The way to long mode is start.S's (SDM vol. 3, 10.8.5), from real mode
 * through 32-bit protected mode: a GDT of the trampoline's own (the
 * kernel's has no 32-bit ring-0 code), PAE and global pages (and LA57 with
 * X86_64_LA57: CR4.LA57 only changes while paging is off), CR3 = the
 * table smp.c prepared (the boot table's kernel half, plus the low GiB at
 * 0 so that the page running this stays mapped as paging starts), EFER's
 * LME and NXE, CR0's PE, WP and PG, then a far jump into 64-bit code.
 * There it jumps to the image's linked address (x86_64_ap_entry), which
 * takes the kernel's page table (the low GiB is no longer needed), then
 * the kernel's GDT and the stack smp.c set, and calls
 * x86_64_secondary_boot(the CPU's data). The table comes before the
 * stack: the stack is page-alloc's, and may lie in RAM that only the
 * kernel's table maps (Linux's secondary_startup_64 also loads CR3 before
 * its stack).
 *
 * The code here is assembled at its link address but runs at
 * X86_64_TRAMPOLINE_PA: everything it names of its own is addressed as
 * X86_64_TRAMPOLINE_PA + (label - x86_64_trampoline); what it names in the
 * image (the page table, x86_64_ap_entry, x86_64_ap_boot) by absolute
 * address.
 */
#include <arch/memory.h>

#define TRAMP_PA 0x8000 /* X86_64_TRAMPOLINE_PA (x86_64.h) */
#define T(x) (TRAMP_PA + (x) - x86_64_trampoline)
#define PHYS(x) ((x) - 0xffffffff80000000)

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#ifdef CONFIG_X86_64_LA57
#define CR4_LA57 (1 << 12) /* the boot CPU checked CPUID: every CPU of the machine has it */
#else
#define CR4_LA57 0
#endif
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define MSR_EFER 0xc0000080
#define GDT_SIZE 80 /* start.S's GDT: 8 descriptors of 8 bytes and the 16-byte TSS one */
#define AP_BOOT_CR3   0 /* struct x86_64_ap_boot (smp.c) */
#define AP_BOOT_STACK 8
#define AP_BOOT_CPU   16
#define AP_BOOT_KERNEL_CR3 24

	.section .rodata
	.balign	16
	.globl	x86_64_trampoline, x86_64_trampoline_end
x86_64_trampoline:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdt_ptr - x86_64_trampoline
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $T(tramp32)

	.code32
tramp32:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE | CR4_LA57), %eax
	movl	%eax, %cr4
	movl	PHYS(x86_64_ap_boot) + AP_BOOT_CR3, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0
	ljmpl	$0x18, $T(tramp64)

	.code64
tramp64:
	movabsq	$x86_64_ap_entry, %rax
	jmp	*%rax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: ring 0 code, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: ring 0 data */
	.quad	0x00af9a000000ffff	/* 0x18: ring 0 code, 64-bit */
tramp_gdt_end:
tramp_gdt_ptr:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)
x86_64_trampoline_end:

/*
 * At the linked address, on the trampoline's table: the kernel's GDT (the
 * TSS's descriptor in it is the boot CPU's, unused here; boot.c gives the
 * CPU its own GDT), then C.
 */
	.section .text
	.globl	x86_64_ap_entry
x86_64_ap_entry:
	movq	x86_64_ap_boot + AP_BOOT_KERNEL_CR3(%rip), %rax
	movq	%rax, %cr3
	lgdt	ap_gdt_ptr(%rip)
	movq	x86_64_ap_boot + AP_BOOT_STACK(%rip), %rsp
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	pushq	$0x10
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movq	x86_64_ap_boot + AP_BOOT_CPU(%rip), %rdi
	xorl	%ebp, %ebp
	call	x86_64_secondary_boot
2:	hlt
	jmp	2b

	.section .rodata
	.balign	8
	.word	0, 0, 0
ap_gdt_ptr:
	.word	GDT_SIZE - 1
	.quad	x86_64_gdt
