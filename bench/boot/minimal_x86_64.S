/*
 * The smallest Multiboot image that does what x86_64 hello's boot path
 * must do: be loaded by QEMU's -kernel, print one line on COM1 and end the
 * run with status 0 (a reset through 0xcf9 under -no-reboot). The x86-64
 * baseline for the boot-time comparison in docs/benchmarks.md. It stays in
 * the loader's 32-bit protected mode: the cost of long mode is the kit's.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010000 /* address fields */

	.section .text
	.code32
	.globl	_start
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	(0 - (MB_MAGIC + MB_FLAGS)) & 0xffffffff
	.long	mb_header	/* header_addr */
	.long	mb_header	/* load_addr */
	.long	end		/* load_end_addr */
	.long	end		/* bss_end_addr */
	.long	_start		/* entry_addr */
_start:
	movl	$msg, %esi
1:	movb	(%esi), %bl
	testb	%bl, %bl
	jz	3f
	movw	$0x3fd, %dx	/* line status: wait for room */
2:	inb	%dx, %al
	testb	$0x20, %al
	jz	2b
	movw	$0x3f8, %dx
	movb	%bl, %al
	outb	%al, %dx
	incl	%esi
	jmp	1b
3:	movw	$0xcf9, %dx
	movb	$0x02, %al
	outb	%al, %dx
	movb	$0x06, %al
	outb	%al, %dx
4:	hlt
	jmp	4b
msg:	.asciz	"minimal: hello\n"
end:
