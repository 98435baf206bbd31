/*
 * What the CPU offers user programs: AT_HWCAP from the ID registers, and
 * /proc/cpuinfo's paragraph of one CPU, as arm64 Linux 6.12 prints it for
 * a 64-bit reader (arch/arm64/kernel/cpuinfo.c c_show).
 *
 * BogoMIPS: arm64 Linux takes loops_per_jiffy from the generic timer
 * (arch_timer_rate / HZ) and prints lpj / (500000 / HZ), two decimals:
 * the counter's frequency (CNTFRQ_EL0) over 500 kHz, whatever HZ is.
 * Features: the names of the AT_HWCAP bits set, in hwcap_str[]'s order.
 * The CPU lines are MIDR_EL1's fields.
 *
 * The registers are the calling CPU's. QEMU gives every CPU of a machine
 * the same model; Linux would keep only what all CPUs have
 * (arch/arm64/kernel/cpufeature.c), and so must a board with mixed cores.
 */
#include <klib/printf.h>
#include <process/linux_arch.h>

#define ID_AA64ISAR0_EL1 "s3_0_c0_c6_0"
#define ID_AA64ISAR1_EL1 "s3_0_c0_c6_1"
#define ID_AA64PFR0_EL1  "s3_0_c0_c4_0"
#define ID_AA64MMFR2_EL1 "s3_0_c0_c7_2"

#define READ_ID(reg)                                                                               \
	({                                                                                         \
		unsigned long v_;                                                                  \
		__asm__("mrs %0, " reg : "=r"(v_));                                                \
		v_;                                                                                \
	})

/*
 * One HWCAP bit: set when the 4-bit field at 'shift' of ID register 'reg'
 * is at least 'min' (signed fields, FP and AdvSIMD, are handled apart).
 * The bits and fields are Linux's (uapi/asm/hwcap.h, arm64_elf_hwcaps[]).
 */
enum id_reg { ISAR0, ISAR1, MMFR2 };
struct hwcap_field {
	unsigned char bit, reg, shift, min;
	const char *name;
};

static const struct hwcap_field fields[] = {
    {3, ISAR0, 4, 1, "aes"},        {4, ISAR0, 4, 2, "pmull"},      {5, ISAR0, 8, 1, "sha1"},
    {6, ISAR0, 12, 1, "sha2"},      {7, ISAR0, 16, 1, "crc32"},     {8, ISAR0, 20, 2, "atomics"},
    {12, ISAR0, 28, 1, "asimdrdm"}, {13, ISAR1, 12, 1, "jscvt"},    {14, ISAR1, 16, 1, "fcma"},
    {15, ISAR1, 20, 1, "lrcpc"},    {16, ISAR1, 0, 1, "dcpop"},     {17, ISAR0, 32, 1, "sha3"},
    {18, ISAR0, 36, 1, "sm3"},      {19, ISAR0, 40, 1, "sm4"},      {20, ISAR0, 44, 1, "asimddp"},
    {21, ISAR0, 12, 2, "sha512"},   {23, ISAR0, 48, 1, "asimdfhm"}, {25, MMFR2, 32, 1, "uscat"},
    {26, ISAR1, 20, 2, "ilrcpc"},   {27, ISAR0, 52, 1, "flagm"},    {29, ISAR1, 36, 1, "sb"},
};

/* hwcap_str[]'s names of bits 0 to 29 (arch/arm64/kernel/cpuinfo.c). */
static const char *const hwcap_names[] = {
    "fp",      "asimd", "evtstrm", "aes",   "pmull",    "sha1",   "sha2", "crc32",
    "atomics", "fphp",  "asimdhp", "cpuid", "asimdrdm", "jscvt",  "fcma", "lrcpc",
    "dcpop",   "sha3",  "sm3",     "sm4",   "asimddp",  "sha512", "sve",  "asimdfhm",
    "dit",     "uscat", "ilrcpc",  "flagm", "ssbs",     "sb",
};

unsigned long aarch64_linux_hwcap(void)
{
	unsigned long regs[] = {READ_ID(ID_AA64ISAR0_EL1), READ_ID(ID_AA64ISAR1_EL1),
	                        READ_ID(ID_AA64MMFR2_EL1)};
	unsigned long pfr0 = READ_ID(ID_AA64PFR0_EL1), hwcap = 0;
	unsigned fp = pfr0 >> 16 & 0xf, simd = pfr0 >> 20 & 0xf;

	/* Signed fields: 0xf is "not implemented", 1 adds half precision. */
	if (fp != 0xf)
		hwcap |= 1ul << 0 | (fp >= 1 ? 1ul << 9 : 0);
	if (simd != 0xf)
		hwcap |= 1ul << 1 | (simd >= 1 ? 1ul << 10 : 0);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((regs[fields[i].reg] >> fields[i].shift & 0xf) >= fields[i].min)
			hwcap |= 1ul << fields[i].bit;
	return hwcap;
}

/* The Features line's names for 'hwcap', space-separated, into buf. */
static void feature_names(char *buf, size_t size, unsigned long hwcap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < sizeof(hwcap_names) / sizeof(hwcap_names[0]); bit++)
		if (hwcap & 1ul << bit && used < size)
			used += (size_t)ksnprintf(buf + used, size - used, "%s%s", used ? " " : "",
			                          hwcap_names[bit]);
}

size_t linux_arch_cpuinfo(char *buf, size_t size, const struct linux_arch_cpu *cpu)
{
	unsigned long midr, freq;
	char features[256];

	__asm__("mrs %0, midr_el1" : "=r"(midr));
	__asm__("mrs %0, cntfrq_el0" : "=r"(freq));
	freq &= 0xffffffff; /* CNTFRQ_EL0[63:32] are RES0 */
	feature_names(features, sizeof(features), aarch64_linux_hwcap());
	return (size_t)ksnprintf(
	    buf, size,
	    "processor\t: %u\nBogoMIPS\t: %lu.%02lu\nFeatures\t: %s\n"
	    "CPU implementer\t: 0x%02lx\nCPU architecture: 8\n"
	    "CPU variant\t: 0x%lx\nCPU part\t: 0x%03lx\nCPU revision\t: %lu\n\n",
	    cpu->processor, freq / 500000, freq / 5000 % 100, features, midr >> 24 & 0xff,
	    midr >> 20 & 0xf, midr >> 4 & 0xfff, midr & 0xf);
}
