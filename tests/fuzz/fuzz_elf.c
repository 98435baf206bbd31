/*
 * libFuzzer target: the ELF front end (process/elf.h) on any bytes. Besides
 * the sanitizers, every accepted image must keep the promises exec relies
 * on: loads inside the file, sorted, on pages of their own, congruent with
 * their offsets, inside user space; program headers and entry point inside
 * a load. A refused one must say why.
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <process/elf.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, uint64_t user_top)
{
	fprintf(stderr, "fuzz_elf: accepted image breaks a promise (user_top %#llx): %s\n",
	        (unsigned long long)user_top, what);
	abort();
}

static void check_load(const struct elf_load *l, const struct elf_load *prev, size_t size,
                       uint64_t user_top)
{
	if (l->filesz > l->memsz || l->memsz == 0)
		fail("p_filesz > p_memsz, or an empty load", user_top);
	if (l->offset > size || size - l->offset < l->filesz)
		fail("load data beyond the end of the file", user_top);
	if ((l->vaddr - l->offset) % PAGE != 0)
		fail("p_vaddr and p_offset differ modulo the page", user_top);
	if (!IS_POW2(l->align) || l->align < PAGE)
		fail("alignment not a power of two of at least a page", user_top);
	if (l->vaddr + l->memsz < l->vaddr)
		fail("load wraps around", user_top);
	if (l->prot & ~(unsigned)(ELF_PROT_READ | ELF_PROT_WRITE | ELF_PROT_EXEC))
		fail("unknown protection bits", user_top);
	if (prev && ALIGN_DOWN(l->vaddr, PAGE) < ALIGN_UP(prev->vaddr + prev->memsz, PAGE))
		fail("loads unsorted, overlapping or sharing a page", user_top);
}

static void check_image(const struct elf_image *img, size_t size, uint64_t user_top)
{
	uint64_t phsize = (uint64_t)img->phnum * ELF_PHDR_SIZE;
	bool phdr_in = false, entry_in = false;

	if (img->nloads == 0 || img->nloads > CONFIG_PROCESS_ELF_MAX_LOADS)
		fail("number of loads", user_top);
	if (img->type != ELF_ET_EXEC && img->type != ELF_ET_DYN)
		fail("type", user_top);
	if (img->lo % PAGE || img->hi % PAGE || img->lo >= img->hi)
		fail("span not page-aligned or empty", user_top);
	if (img->type == ELF_ET_EXEC && (img->lo < PAGE || img->hi > user_top))
		fail("ET_EXEC span outside user space", user_top);
	if (img->type == ELF_ET_DYN && img->hi - img->lo > user_top - PAGE)
		fail("ET_DYN span larger than user space", user_top);
	for (unsigned i = 0; i < img->nloads; i++) {
		const struct elf_load *l = &img->loads[i];

		check_load(l, i ? &img->loads[i - 1] : NULL, size, user_top);
		if (l->vaddr < img->lo || l->vaddr + l->memsz > img->hi)
			fail("load outside [lo, hi)", user_top);
		if (img->phdr >= l->vaddr && img->phdr - l->vaddr <= l->filesz &&
		    l->filesz - (img->phdr - l->vaddr) >= phsize)
			phdr_in = true;
		if ((l->prot & ELF_PROT_EXEC) && img->entry >= l->vaddr &&
		    img->entry - l->vaddr < l->memsz)
			entry_in = true;
	}
	if (!phdr_in)
		fail("program headers not inside a load's file data", user_top);
	if (!entry_in)
		fail("entry point not inside an executable load", user_top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t tops[] = {0x80000000ull, 1ull << 38, 1ull << 47};

	for (unsigned i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		struct elf_image img;
		const char *why = "unset";
		int rc = elf_parse(data, size, PAGE, tops[i], &img, &why);

		if (rc == 0 && why)
			fail("success with a reason", tops[i]);
		if (rc == 0)
			check_image(&img, size, tops[i]);
		else if (rc != -ENOEXEC || !why || !*why)
			fail("a refusal without -ENOEXEC and a reason", tops[i]);
	}
	return 0;
}
