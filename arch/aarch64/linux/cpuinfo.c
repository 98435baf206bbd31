/*
 * /proc/cpuinfo's paragraph of one CPU, as arm64 Linux 6.12 prints it for
 * a 64-bit reader (arch/arm64/kernel/cpuinfo.c c_show).
 *
 * BogoMIPS: arm64 Linux takes loops_per_jiffy from the generic timer
 * (arch_timer_rate / HZ) and prints lpj / (500000 / HZ), two decimals:
 * the counter's frequency (CNTFRQ_EL0) over 500 kHz, whatever HZ is.
 * Features: the names of the AT_HWCAP bits given (LINUX_ARCH_HWCAP: fp and
 * asimd, hwcap_str[]'s first two). The CPU lines are MIDR_EL1's fields.
 *
 * The registers are the calling CPU's, which is every CPU while aarch64 has
 * one; with SMP each CPU would record its MIDR_EL1 as it comes up, as Linux
 * does (cpuinfo_arm64.reg_midr).
 */
#include <klib/printf.h>
#include <process/linux_arch.h>

size_t linux_arch_cpuinfo(char *buf, size_t size, const struct linux_arch_cpu *cpu)
{
	unsigned long midr, freq;

	__asm__("mrs %0, midr_el1" : "=r"(midr));
	__asm__("mrs %0, cntfrq_el0" : "=r"(freq));
	freq &= 0xffffffff; /* CNTFRQ_EL0[63:32] are RES0 */
	return (size_t)ksnprintf(
	    buf, size,
	    "processor\t: %u\nBogoMIPS\t: %lu.%02lu\nFeatures\t: fp asimd\n"
	    "CPU implementer\t: 0x%02lx\nCPU architecture: 8\n"
	    "CPU variant\t: 0x%lx\nCPU part\t: 0x%03lx\nCPU revision\t: %lu\n\n",
	    cpu->processor, freq / 500000, freq / 5000 % 100, midr >> 24 & 0xff, midr >> 20 & 0xf,
	    midr >> 4 & 0xfff, midr & 0xf);
}
