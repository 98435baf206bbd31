/*
 * The auxiliary vector riscv64 Linux gives a static program, in its order:
 * ARCH_DLINFO (arch/riscv/include/asm/elf.h) first, then what
 * create_elf_tables (fs/binfmt_elf.c) adds.
 */
#include <process/linux_arch.h>

size_t linux_arch_auxv(struct auxv_entry *out, const struct ustack_exec_info *info)
{
	size_t n = 0;

#define AUX(t, v) (out[n].type = (t), out[n].value = (v), n++)
	AUX(AT_SYSINFO_EHDR, info->vdso);
	for (int i = 0; i < 8; i++)
		AUX(AT_L1I_CACHESIZE + i, info->cache[i]);
	if (info->minsigstksz)
		AUX(AT_MINSIGSTKSZ, info->minsigstksz);
	else
		AUX(AT_IGNORE, 0);
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
	AUX(AT_EXECFN, 0);
#undef AUX
	return n;
}
