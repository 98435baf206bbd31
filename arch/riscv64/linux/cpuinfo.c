/*
 * /proc/cpuinfo's paragraph of one hart, as riscv64 Linux 6.12 prints it
 * (arch/riscv/kernel/cpu.c c_show). The ISA lists what this kernel gives
 * user mode, in riscv_isa_ext[]'s order: AT_HWCAP's IMAFDC, the counters
 * scounteren opens (time, cycle, instret: Zicntr, not Zihpm), Zicsr and
 * Zifencei (which Linux always sets with I), and Zca and Zcd (which C
 * implies with D). The MMU is the kernel's table format. mvendorid,
 * marchid and mimpid are 0x0, what SBI reports under QEMU; the kernel does
 * not ask (on other hardware Linux shows the SBI's answers). No uarch
 * line: QEMU's harts are "riscv" compatible.
 */
#include <klib/printf.h>
#include <process/linux_arch.h>

#define ISA "rv64imafdc_zicntr_zicsr_zifencei_zca_zcd"

size_t linux_arch_cpuinfo(char *buf, size_t size, const struct linux_arch_cpu *cpu)
{
#ifdef CONFIG_RISCV_SV48
	const char *mmu = "sv48";
#else
	const char *mmu = "sv39";
#endif

	return (size_t)ksnprintf(buf, size,
	                         "processor\t: %u\nhart\t\t: %lu\nisa\t\t: " ISA "\nmmu\t\t: %s\n"
	                         "mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n"
	                         "hart isa\t: " ISA "\n\n",
	                         cpu->processor, cpu->hwid, mmu);
}
