/*
 * AT_HWCAP against the CPU: the names of the bits the kernel gives, the
 * same list in /proc/cpuinfo, and, on aarch64, one instruction of each
 * optional feature offered, run under a SIGILL handler: a bit the CPU does
 * not back (or whose instructions the kernel traps) makes it fail. The
 * expected names are those of the image's QEMU CPU model
 * (expected/image/hwcap.<arch>.txt).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static sigjmp_buf back;

static void on_sigill(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

/* Whether fn ran without SIGILL. */
static int runs(void (*fn)(void))
{
	if (sigsetjmp(back, 1))
		return 0;
	fn();
	return 1;
}

#if defined(__aarch64__)
static const char *const names[32] = {
    "fp",      "asimd", "evtstrm", "aes",   "pmull",    "sha1",   "sha2", "crc32",
    "atomics", "fphp",  "asimdhp", "cpuid", "asimdrdm", "jscvt",  "fcma", "lrcpc",
    "dcpop",   "sha3",  "sm3",     "sm4",   "asimddp",  "sha512", "sve",  "asimdfhm",
    "dit",     "uscat", "ilrcpc",  "flagm", "ssbs",     "sb",     "paca", "pacg",
};

static unsigned scratch[4];

/* One instruction per feature, as .inst so any assembler takes it (encodings: Arm ARM). */
#define INSN(fn, word)                                                                             \
	static void fn(void)                                                                       \
	{                                                                                          \
		register unsigned *x2 __asm__("x2") = scratch;                                     \
		__asm__ __volatile__(".inst " #word                                                \
		                     : "+r"(x2)                                                    \
		                     :                                                             \
		                     : "x0", "x1", "v0", "v1", "v2", "v3", "memory");              \
	}
INSN(i_fp, 0x1e222820)       /* fadd s0, s1, s2 */
INSN(i_asimd, 0x4ea28420)    /* add v0.4s, v1.4s, v2.4s */
INSN(i_aes, 0x4e284820)      /* aese v0.16b, v1.16b */
INSN(i_pmull, 0x0ee2e020)    /* pmull v0.1q, v1.1d, v2.1d */
INSN(i_sha1, 0x5e280820)     /* sha1h s0, s1 */
INSN(i_sha2, 0x5e282820)     /* sha256su0 v0.4s, v1.4s */
INSN(i_crc32, 0x1ac14000)    /* crc32b w0, w0, w1 */
INSN(i_atomics, 0xb8210040)  /* ldadd w1, w0, [x2] */
INSN(i_fphp, 0x1ee22820)     /* fadd h0, h1, h2 */
INSN(i_asimdrdm, 0x2e428420) /* sqrdmlah v0.4h, v1.4h, v2.4h */
INSN(i_jscvt, 0x1e7e0020)    /* fjcvtzs w0, d1 */
INSN(i_fcma, 0x2e42c420)     /* fcmla v0.4h, v1.4h, v2.4h, #0 */
INSN(i_lrcpc, 0xb8bfc040)    /* ldapr w0, [x2] */
INSN(i_dcpop, 0xd50b7c22)    /* dc cvap, x2 */
INSN(i_sha3, 0xce020c20)     /* eor3 v0.16b, v1.16b, v2.16b, v3.16b */
INSN(i_sm3, 0xce420c20)      /* sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s */
INSN(i_sm4, 0xcec08420)      /* sm4e v0.4s, v1.4s */
INSN(i_asimddp, 0x4e829420)  /* sdot v0.4s, v1.16b, v2.16b */
INSN(i_sha512, 0xce628020)   /* sha512h q0, q1, v2.2d */
INSN(i_asimdfhm, 0x0e22ec20) /* fmlal v0.2s, v1.2h, v2.2h */
INSN(i_ilrcpc, 0x99400040)   /* ldapur w0, [x2] */
INSN(i_flagm, 0xd500401f)    /* cfinv */
INSN(i_sb, 0xd50330ff)       /* sb */

static void (*const probes[32])(void) = {
    [0] = i_fp,        [1] = i_asimd,   [3] = i_aes,     [4] = i_pmull,    [5] = i_sha1,
    [6] = i_sha2,      [7] = i_crc32,   [8] = i_atomics, [9] = i_fphp,     [10] = i_asimd,
    [12] = i_asimdrdm, [13] = i_jscvt,  [14] = i_fcma,   [15] = i_lrcpc,   [16] = i_dcpop,
    [17] = i_sha3,     [18] = i_sm3,    [19] = i_sm4,    [20] = i_asimddp, [21] = i_sha512,
    [23] = i_asimdfhm, [26] = i_ilrcpc, [27] = i_flagm,  [29] = i_sb,
};
#define CPUINFO_KEY "Features\t: "
#else
/* riscv64: one bit per single-letter extension, printed in the ISA string's order. */
static const char *const names[32] = {
    ['i' - 'a'] = "i", ['m' - 'a'] = "m", ['a' - 'a'] = "a", ['f' - 'a'] = "f",
    ['d' - 'a'] = "d", ['q' - 'a'] = "q", ['c' - 'a'] = "c", ['v' - 'a'] = "v",
};
static void (*const probes[32])(void);
#define CPUINFO_KEY "isa\t\t: rv64"
#endif

/* The order the names are listed in: bit order, or the ISA string's for riscv64. */
static int bit_at(int i)
{
#if defined(__aarch64__)
	return i;
#else
	static const char order[] = "imafdqcv";

	return i < (int)sizeof(order) - 1 ? order[i] - 'a' : 32;
#endif
}

int main(void)
{
	unsigned long hwcap = getauxval(AT_HWCAP);
	char list[512] = "", line[1024], *sep = "";
	int ran = 0, failed = 0, unnamed = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	signal(SIGILL, on_sigill);
	for (int i = 0; i < 32; i++) {
		int bit = bit_at(i);

		if (bit >= 32 || !(hwcap & 1ul << bit))
			continue;
		if (!names[bit]) {
			unnamed++;
			continue;
		}
		strcat(list, sep);
		strcat(list, names[bit]);
#if defined(__aarch64__)
		sep = " ";
#else
		sep = "";
#endif
		if (probes[bit]) {
			ran++;
			if (!runs(probes[bit])) {
				printf("hwcap: %s is offered, but its instruction raised SIGILL\n",
				       names[bit]);
				failed++;
			}
		}
	}
	unnamed += (hwcap >> 32) != 0;
	printf("hwcap: %s\n", list);
	printf("hwcap: bits without a name: %d\n", unnamed);
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, CPUINFO_KEY, strlen(CPUINFO_KEY)) == 0) {
			size_t n = strlen(list);
			char *rest = line + strlen(CPUINFO_KEY);

			/* aarch64: the whole line; riscv64: the letters before the first '_'. */
			printf("hwcap: /proc/cpuinfo lists the same: %s\n",
			       strncmp(rest, list, n) == 0 && strchr("\n_", rest[n]) && rest[n]
			           ? "yes"
			           : "no");
			break;
		}
	}
	if (f)
		fclose(f);
	printf("hwcap: %d offered features' instructions ran, %d raised SIGILL\n", ran, failed);
	return failed ? 1 : 0;
}
