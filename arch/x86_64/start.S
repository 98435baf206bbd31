/*
 * Entry of the x86-64 image from a Multiboot (version 1) loader: QEMU's
 * -kernel, GRUB's multiboot command.
 *
 * The loader runs the image in 32-bit protected mode, paging off, flat
 * segments, interrupts off, eax = 0x2badb002 and ebx = the physical address
 * of its boot information (Multiboot specification 0.6.96, section 3.2).
 * QEMU refuses a 64-bit ELF, so the header carries the "a.out kludge"
 * address fields (flag 16): the loader copies the flat image.bin to
 * load_addr and zeroes up to bss_end_addr, whatever the file's format.
 *
 * Long mode needs paging (Intel SDM vol. 3, 10.8.5): PAE on, a 4-level
 * root in CR3, EFER.LME, then CR0.PG; a far jump into a 64-bit code
 * segment finishes it. With X86_64_LA57 CR4.LA57 goes on with PAE (it
 * cannot change once paging is on, SDM vol. 3, 4.1) and the root is a
 * PML5 whose entries 0 and 511 are both the boot PML4: at 0 it is the
 * identity map, at 511 the kernel half (0xffff800000000000 and up keep
 * their PML4 slots). A CPU without LA57 (CPUID.(7,0):ECX[16]) stops here
 * with a message: the image's user range and page-table format are fixed
 * when it is built. The boot table maps the first GiB three times with
 * 2 MiB pages: at 0 (the identity map, for the instructions that turn
 * paging on and the jump), in the direct map (ARCH_DMAP_BASE: the boot
 * information and the modules the loader put in low memory) and at the
 * image's linked address (ARCH_KERNEL_BASE). boot.c drops the identity map
 * once running at the linked address; arch_memmap_ready() (early.c) adds
 * the rest of RAM and the device windows.
 *
 * Until long mode there is no console but the PC's first serial port
 * (0x3f8), which every Multiboot machine's loader leaves set up: the checks
 * here print there, then stop through QEMU's isa-debug-exit if it has one.
 */
#include <arch/cpu.h>
#include <arch/memory.h>

#define MB_MAGIC      0x1badb002
#define MB_FLAGS      0x00010003 /* modules page-aligned, memory information, address fields */
#define MB_BOOT_MAGIC 0x2badb002

/* ARCH_KERNEL_BASE (arch/memory.h), without the C suffix the assembler does not take */
#define PHYS(x) ((x) - 0xffffffff80000000)

#define PTE_P  0x1
#define PTE_W  0x2
#define PTE_PS 0x80 /* a 2 MiB page in a directory */

#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16) /* ring 0 honours read-only pages too (W^X) */
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7) /* global pages: the kernel half survives CR3 writes */
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define MSR_EFER 0xc0000080
#define CPUID_LM (1 << 29) /* 0x80000001 edx: long mode */
#define CPUID_NX (1 << 20) /* 0x80000001 edx: no-execute */
#define CPUID7_ECX_LA57 (1 << 16) /* 7.0 ecx: 5-level paging */
#ifdef CONFIG_X86_64_LA57
#define CR4_LA57 (1 << 12)
#define BOOT_ROOT x86_64_boot_pml5
#else
#define CR4_LA57 0
#define BOOT_ROOT x86_64_boot_pml4
#endif

#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

	.section .text.head, "ax"
	.code32
	.balign 4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	(0 - (MB_MAGIC + MB_FLAGS)) & 0xffffffff
	.long	PHYS(mb_header)		/* header_addr */
	.long	PHYS(__kernel_start)	/* load_addr: where image.bin's first byte goes */
	.long	PHYS(__load_end)	/* load_end_addr: the end of .data */
	.long	PHYS(__kernel_end)	/* bss_end_addr: .bss and the boot stack, zeroed */
	.long	PHYS(_start)		/* entry_addr */

	.globl	_start
_start:
	cli
	cld
	movl	%eax, %edi
	movl	%ebx, %esi
	rdtsc
	movl	%eax, PHYS(x86_64_entry_tsc)
	movl	%edx, PHYS(x86_64_entry_tsc) + 4
	movl	$PHYS(msg_magic), %ebp
	cmpl	$MB_BOOT_MAGIC, %edi
	jne	fail32
	movl	$PHYS(msg_lm), %ebp
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	fail32
	movl	$0x80000001, %eax
	cpuid
	testl	$CPUID_LM, %edx
	jz	fail32
	movl	$PHYS(msg_nx), %ebp
	testl	$CPUID_NX, %edx		/* W^X needs it: paging's format sets XD */
	jz	fail32
#ifdef CONFIG_X86_64_LA57
	movl	$PHYS(msg_la57), %ebp
	xorl	%eax, %eax
	cpuid
	cmpl	$7, %eax
	jb	fail32
	movl	$7, %eax
	xorl	%ecx, %ecx
	cpuid
	testl	$CPUID7_ECX_LA57, %ecx
	jz	fail32
#endif

	/* .bss holds the boot tables; a loader need not have zeroed it. */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(__bss_end), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* The first GiB in 2 MiB pages, writable and executable until the
	 * kernel's own W^X table replaces this one. */
	movl	$PHYS(x86_64_boot_pd), %edi
	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	$512, %ecx
1:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b
	movl	$(PHYS(x86_64_boot_pd) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(x86_64_boot_pdpt_low)
	movl	%eax, PHYS(x86_64_boot_pdpt_high) + 510 * 8	/* 0xffffffff80000000 */
	movl	$(PHYS(x86_64_boot_pdpt_low) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(x86_64_boot_pml4)			/* identity */
	movl	%eax, PHYS(x86_64_boot_pml4) + 256 * 8		/* ARCH_DMAP_BASE */
	movl	$(PHYS(x86_64_boot_pdpt_high) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(x86_64_boot_pml4) + 511 * 8
#ifdef CONFIG_X86_64_LA57
	movl	$(PHYS(x86_64_boot_pml4) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(x86_64_boot_pml5)			/* identity */
	movl	%eax, PHYS(x86_64_boot_pml5) + 511 * 8		/* the kernel half */
#endif

	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE | CR4_LA57), %eax
	movl	%eax, %cr4
	movl	$PHYS(BOOT_ROOT), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0
	lgdt	PHYS(gdt_ptr32)
	ljmp	$0x10, $PHYS(start64)

/* Print the NUL-terminated string at ebp on COM1, then stop. */
fail32:
	movb	(%ebp), %al
	testb	%al, %al
	jz	3f
	movl	%eax, %ebx
	movw	$COM1 + 5, %dx		/* line status: wait for room */
4:	inb	%dx, %al
	testb	$0x20, %al
	jz	4b
	movl	%ebx, %eax
	movw	$COM1, %dx
	outb	%al, %dx
	incl	%ebp
	jmp	fail32
3:	movl	$1, %eax		/* QEMU exits with status 3 (isa-debug-exit: 1 << 1 | 1) */
	movw	$DEBUG_EXIT, %dx
	outl	%eax, %dx
5:	hlt
	jmp	5b

	.code64
start64:
	movabsq	$high64, %rax
	jmp	*%rax

	.section .text, "ax"
high64:
	lgdt	gdt_ptr64(%rip)
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	__boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movl	%esi, %edi		/* the boot information's physical address */
	call	x86_64_boot
6:	hlt
	jmp	6b

	.section .rodata
msg_magic:
	.asciz	"x86_64: not started by a Multiboot loader (eax is not 0x2badb002)\r\n"
msg_lm:
	.asciz	"x86_64: this CPU has no long mode (64-bit): it cannot run this image\r\n"
msg_nx:
	.asciz	"x86_64: this CPU has no execute-disable bit (NX), which W^X needs\r\n"
#ifdef CONFIG_X86_64_LA57
msg_la57:
	.asciz	"x86_64: built with X86_64_LA57 but this CPU has no 5-level paging (CPUID la57): stopping\r\n"
#endif

	.section .data
	.balign	8
	.globl	x86_64_entry_tsc
x86_64_entry_tsc:
	.quad	0

/*
 * The GDT, in Linux's order (arch/x86/include/asm/segment.h): 0x10 kernel
 * code, 0x18 kernel data, 0x23 32-bit user code, 0x2b user data, 0x33
 * 64-bit user code (the order syscall/sysret derive from IA32_STAR), 0x40
 * the TSS (16 bytes, filled by boot.c). Long mode ignores base and limit
 * but for the TSS.
 */
	.balign	16
	.globl	x86_64_gdt
x86_64_gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x10: ring 0 code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x18: ring 0 data */
	.quad	0x00cffa000000ffff	/* 0x20: ring 3 code, 32-bit */
	.quad	0x00cff2000000ffff	/* 0x28: ring 3 data */
	.quad	0x00affa000000ffff	/* 0x30: ring 3 code, 64-bit */
	.quad	0
	.quad	0, 0			/* 0x40: TSS */
gdt_end:

gdt_ptr32:
	.word	gdt_end - x86_64_gdt - 1
	.long	PHYS(x86_64_gdt)
	.balign	8
	.word	0, 0, 0
gdt_ptr64:
	.word	gdt_end - x86_64_gdt - 1
	.quad	x86_64_gdt

	.section .bss.boot_tables, "aw", @nobits
	.balign	4096
	.globl	x86_64_boot_pml4, x86_64_boot_pdpt_low
x86_64_boot_pml4:
	.space	4096
x86_64_boot_pdpt_low:
	.space	4096
x86_64_boot_pdpt_high:
	.space	4096
x86_64_boot_pd:
	.space	4096
#ifdef CONFIG_X86_64_LA57
	.globl	x86_64_boot_pml5
x86_64_boot_pml5:
	.space	4096
#endif
