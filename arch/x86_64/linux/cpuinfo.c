/*
 * /proc/cpuinfo's paragraph of one CPU, in the shape x86-64 Linux 6.12
 * prints it (arch/x86/kernel/cpu/proc.c show_cpuinfo), from CPUID:
 * vendor, family, model and stepping (leaf 1, with the extended fields
 * as Linux's x86_family/x86_model combine them), the brand string
 * (0x80000002-4), the cpuid level, the address sizes (0x80000008).
 *
 * Left out, as this kernel does not know them: microcode, cpu MHz and
 * bogomips (Linux's calibration), cache size, the SMP topology lines,
 * the power-management flags; "flags" names only leaf 1's edx bits (the
 * AT_HWCAP word), with Linux's names; "bugs" is empty.
 *
 * The registers are the calling CPU's, which is every CPU while x86-64
 * has one.
 */
#include <klib/printf.h>
#include <klib/string.h>
#include <process/linux_arch.h>

struct regs {
	unsigned a, b, c, d;
};

static struct regs id(unsigned leaf)
{
	struct regs r = {leaf, 0, 0, 0};

	__asm__("cpuid" : "+a"(r.a), "=b"(r.b), "+c"(r.c), "=d"(r.d));
	return r;
}

/* Linux's x86_cap_flags[] for CPUID 1 edx (arch/x86/include/asm/cpufeatures.h word 0). */
static const char *const edx_flags[32] = {
    "fpu",  "vme",  "de",   "pse", "tsc",  "msr", "pae",   "mce", "cx8",     "apic", NULL,
    "sep",  "mtrr", "pge",  "mca", "cmov", "pat", "pse36", "pn",  "clflush", NULL,   "dts",
    "acpi", "mmx",  "fxsr", "sse", "sse2", "ss",  "ht",    "tm",  "ia64",    "pbe",
};

static size_t put_flags(char *buf, size_t size, unsigned edx)
{
	size_t n = 0;

	for (unsigned i = 0; i < 32; i++)
		if (edx & (1u << i) && edx_flags[i])
			n += (size_t)ksnprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
			                       " %s", edx_flags[i]);
	return n;
}

size_t linux_arch_cpuinfo(char *buf, size_t size, const struct linux_arch_cpu *cpu)
{
	struct regs v = id(0), f = id(1), b[3];
	char vendor[13], brand[49];
	unsigned family = (f.a >> 8) & 0xf, model = (f.a >> 4) & 0xf, bits = 0;
	size_t n;

	memcpy(vendor, &v.b, 4);
	memcpy(vendor + 4, &v.d, 4);
	memcpy(vendor + 8, &v.c, 4);
	vendor[12] = 0;
	if (family == 0xf)
		family += (f.a >> 20) & 0xff;
	if (family >= 6)
		model += ((f.a >> 16) & 0xf) << 4;
	brand[0] = 0;
	if (id(0x80000000).a >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++)
			b[i] = id(0x80000002 + i);
		memcpy(brand, b, 48);
		brand[48] = 0;
	}
	if (id(0x80000000).a >= 0x80000008)
		bits = id(0x80000008).a;
	n = (size_t)ksnprintf(buf, size,
	                      "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
	                      "model name\t: %s\nstepping\t: %u\nfpu\t\t: yes\n"
	                      "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
	                      cpu->processor, vendor, family, model, brand[0] ? brand : "unknown",
	                      f.a & 0xf, v.a);
	n += put_flags(buf + (n < size ? n : size), n < size ? size - n : 0, f.d);
	n += (size_t)ksnprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
	                       "\nbugs\t\t:\nclflush size\t: %u\ncache_alignment\t: %u\n"
	                       "address sizes\t: %u bits physical, %u bits virtual\n"
	                       "power management:\n\n",
	                       ((f.b >> 8) & 0xff) * 8, ((f.b >> 8) & 0xff) * 8, bits & 0xff,
	                       (bits >> 8) & 0xff);
	return n;
}
