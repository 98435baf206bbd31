/*
 * The auxiliary vector x86-64 Linux gives a static program, in its order:
 * ARCH_DLINFO (arch/x86/include/asm/elf.h: AT_SYSINFO_EHDR, then
 * AT_MINSIGSTKSZ) first, then what create_elf_tables (fs/binfmt_elf.c)
 * adds, with x86's AT_HWCAP2 and AT_PLATFORM.
 */
#include <process/linux_arch.h>

#define AT_HWCAP2 26 /* include/uapi/linux/auxvec.h */

unsigned long linux_arch_hwcap(void)
{
	unsigned eax = 1, ebx, ecx = 0, edx;

	__asm__("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return edx;
}

size_t linux_arch_auxv(struct auxv_entry *out, const struct ustack_exec_info *info)
{
	size_t n = 0;

#define AUX(t, v) (out[n].type = (t), out[n].value = (v), n++)
	AUX(AT_SYSINFO_EHDR, info->vdso);
	AUX(AT_MINSIGSTKSZ, info->minsigstksz); /* linux_arch_minsigstksz() */
	AUX(AT_HWCAP, info->hwcap);
	AUX(AT_PAGESZ, info->page_size);
	AUX(AT_CLKTCK, info->clktck);
	AUX(AT_PHDR, info->phdr);
	AUX(AT_PHENT, 56);
	AUX(AT_PHNUM, info->phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, info->entry);
	AUX(AT_UID, info->uid);
	AUX(AT_EUID, info->euid);
	AUX(AT_GID, info->gid);
	AUX(AT_EGID, info->egid);
	AUX(AT_SECURE, info->secure);
	AUX(AT_RANDOM, 0);
	/* elf_hwcap2: ring-3 mwait and FSGSBASE, neither given (CR4.FSGSBASE stays off). */
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, 0);
	AUX(AT_PLATFORM, 0);
#undef AUX
	return n;
}
