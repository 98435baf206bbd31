/*
 * The smallest arm64 Linux Image that does what aarch64 hello's boot path
 * must do: be loaded by QEMU's -kernel (the Image header: QEMU then starts
 * it at EL1 with the device tree in x0), print one line on the PL011 and
 * power off through PSCI SYSTEM_OFF (status 0, the method the board uses
 * where semihosting is off). The aarch64 baseline for the boot-time
 * comparison in docs/benchmarks.md. MMU and caches stay off: translation
 * is the kit's cost. Position-independent: QEMU places it 2 MiB-aligned
 * in RAM.
 */
#define PL011_BASE      0x09000000 /* QEMU virt's UART0 */
#define PL011_FR        0x18       /* flags: bit 5, transmit FIFO full */
#define PSCI_SYSTEM_OFF 0x84000008

	.section .text
	.globl	_start
_start:
	/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	end - _start		/* image_size */
	.quad	0xa			/* flags: little-endian, 4 KiB pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
entry:
	adr	x1, msg
	ldr	x2, =PL011_BASE
1:	ldrb	w3, [x1], #1
	cbz	w3, 3f
2:	ldr	w4, [x2, #PL011_FR]
	tbnz	w4, #5, 2b
	str	w3, [x2]
	b	1b
3:	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
4:	wfi
	b	4b
msg:
	.asciz	"minimal: hello\n"
	.balign	8
	.ltorg
end:
