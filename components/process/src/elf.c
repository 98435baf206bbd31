/*
 * ELF64 front end: the checks Linux's load_elf_binary makes before mapping
 * anything, plus the ones that spare a kernel without a file cache from
 * surprises (segments sharing a page, program headers that are not mapped).
 */
#include <process/elf.h>
#include <klib/compiler.h>
#include <klib/errno.h>

/* e_ident and header offsets (Elf64_Ehdr, Elf64_Phdr). */
#define EHDR_SIZE   64
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1

#define PT_LOAD      1
#define PT_INTERP    3
#define PT_GNU_STACK 0x6474e551u

#define PF_X 1
#define PF_W 2
#define PF_R 4

/* Linux reads at most 64 KiB of program headers. */
#define PHNUM_MAX (65536 / ELF_PHDR_SIZE)

static uint64_t rd(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

static void read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = (uint32_t)rd(p, 4);
	ph->flags = (uint32_t)rd(p + 4, 4);
	ph->offset = rd(p + 8, 8);
	ph->vaddr = rd(p + 16, 8);
	ph->filesz = rd(p + 32, 8);
	ph->memsz = rd(p + 40, 8);
	ph->align = rd(p + 48, 8);
}

/*
 * The ELF header: a 64-bit little-endian RISC-V executable. f holds the
 * first 'size' bytes of a file of 'file_size' bytes; the program headers
 * must lie inside f (*need says how much of the file they need).
 */
static const char *check_header(const uint8_t *f, size_t size, uint64_t file_size,
                                struct elf_image *img, uint64_t *phoff, uint64_t *need)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

	if (size < EHDR_SIZE)
		return "file too short for an ELF header";
	for (int i = 0; i < 4; i++)
		if (f[i] != magic[i])
			return "not an ELF file (bad magic)";
	if (f[EI_CLASS] != ELFCLASS64)
		return "not a 64-bit ELF file";
	if (f[EI_DATA] != ELFDATA2LSB)
		return "not a little-endian ELF file";
	if (f[EI_VERSION] != 1 || rd(f + 20, 4) != 1)
		return "unknown ELF version";
	img->type = (uint16_t)rd(f + 16, 2);
	if (img->type != ELF_ET_EXEC && img->type != ELF_ET_DYN)
		return "not an executable (e_type is neither ET_EXEC nor ET_DYN)";
	if (rd(f + 18, 2) != ELF_MACHINE)
		return "not a program for this architecture (e_machine is not " LINUX_ARCH_NAME
		       "'s)";
	img->entry = rd(f + 24, 8);
	*phoff = rd(f + 32, 8);
	img->flags = (uint32_t)rd(f + 48, 4);
	if (rd(f + 54, 2) != ELF_PHDR_SIZE)
		return "program header size (e_phentsize) is not 56";
	img->phnum = (uint16_t)rd(f + 56, 2);
	if (img->phnum == 0)
		return "no program headers";
	if (img->phnum > PHNUM_MAX)
		return "too many program headers";
	if (*phoff > file_size || (file_size - *phoff) / ELF_PHDR_SIZE < img->phnum)
		return "program headers beyond the end of the file";
	*need = *phoff + (uint64_t)img->phnum * ELF_PHDR_SIZE;
	if (*need > size)
		return "program headers beyond the part of the file read";
	return NULL;
}

/* One PT_LOAD, checked against the file, the page size and the previous one. */
static const char *add_load(struct elf_image *img, const struct phdr *ph, uint64_t size,
                            uint64_t page)
{
	if (ph->filesz > ph->memsz)
		return "PT_LOAD with p_filesz > p_memsz";
	if (ph->offset > size || size - ph->offset < ph->filesz)
		return "PT_LOAD data beyond the end of the file";
	if (ph->align > 1 && !IS_POW2(ph->align))
		return "PT_LOAD p_align is not a power of two";
	if (!IS_ALIGNED(ph->vaddr - ph->offset, page))
		return "PT_LOAD p_vaddr and p_offset differ modulo the page size";
	if (ph->vaddr + ph->memsz < ph->vaddr || ph->vaddr + ph->memsz > UINT64_MAX - page)
		return "PT_LOAD wraps around the address space";
	if (img->nloads == CONFIG_PROCESS_ELF_MAX_LOADS)
		return "more PT_LOAD segments than CONFIG_PROCESS_ELF_MAX_LOADS";
	if (img->nloads > 0) {
		const struct elf_load *prev = &img->loads[img->nloads - 1];
		if (ph->vaddr < prev->vaddr)
			return "PT_LOAD segments are not sorted by address";
		if (ALIGN_DOWN(ph->vaddr, page) < ALIGN_UP(prev->vaddr + prev->memsz, page))
			return "PT_LOAD segments overlap or share a page";
	}
	struct elf_load *l = &img->loads[img->nloads++];
	l->vaddr = ph->vaddr;
	l->memsz = ph->memsz;
	l->offset = ph->offset;
	l->filesz = ph->filesz;
	l->align = ph->align > page ? ph->align : page;
	l->prot = (ph->flags & PF_R ? ELF_PROT_READ : 0) | (ph->flags & PF_W ? ELF_PROT_WRITE : 0) |
	          (ph->flags & PF_X ? ELF_PROT_EXEC : 0);
	if (l->align > img->max_align)
		img->max_align = l->align;
	return NULL;
}

static const char *read_phdrs(const uint8_t *f, uint64_t size, uint64_t phoff, uint64_t page,
                              struct elf_image *img)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		struct phdr ph;
		const char *why = NULL;

		read_phdr(f + phoff + (uint64_t)i * ELF_PHDR_SIZE, &ph);
		if (ph.type == PT_INTERP)
			return "dynamically linked (PT_INTERP): only static programs can run";
		if (ph.type == PT_GNU_STACK)
			img->exec_stack = (ph.flags & PF_X) != 0;
		if (ph.type == PT_LOAD && ph.memsz != 0)
			why = add_load(img, &ph, size, page);
		if (why)
			return why;
	}
	return img->nloads ? NULL : "no PT_LOAD segment";
}

/* Where the loads put the program headers (AT_PHDR), the entry point, and
 * whether it all fits in user space. */
static const char *check_layout(struct elf_image *img, uint64_t phoff, uint64_t page,
                                uint64_t user_top)
{
	uint64_t phsize = (uint64_t)img->phnum * ELF_PHDR_SIZE;
	bool phdr_found = false, entry_ok = false;

	for (unsigned i = 0; i < img->nloads; i++) {
		const struct elf_load *l = &img->loads[i];
		if (!phdr_found && l->offset <= phoff && phoff - l->offset <= l->filesz &&
		    l->filesz - (phoff - l->offset) >= phsize) {
			img->phdr = l->vaddr + (phoff - l->offset);
			phdr_found = true;
		}
		if ((l->prot & ELF_PROT_EXEC) && img->entry >= l->vaddr &&
		    img->entry - l->vaddr < l->memsz)
			entry_ok = true;
	}
	if (!phdr_found)
		return "program headers are not inside a loaded segment (no AT_PHDR)";
	if (!entry_ok)
		return "entry point is not inside an executable segment";

	const struct elf_load *last = &img->loads[img->nloads - 1];
	img->lo = ALIGN_DOWN(img->loads[0].vaddr, page);
	img->hi = ALIGN_UP(last->vaddr + last->memsz, page);
	if (img->type == ELF_ET_EXEC && (img->lo < page || img->hi > user_top))
		return "segments outside user space";
	if (img->type == ELF_ET_DYN && img->hi - img->lo > user_top - page)
		return "segments span more than user space";
	return NULL;
}

int elf_parse_head(const void *head, size_t head_size, uint64_t file_size, uint64_t page,
                   uint64_t user_top, struct elf_image *img, const char **why, size_t *need)
{
	const uint8_t *f = head;
	const char *err;
	uint64_t phoff = 0, phend = 0;

	if (why)
		*why = NULL;
	if (!head || !img || !IS_POW2(page) || !IS_ALIGNED(user_top, page) || user_top <= page ||
	    head_size > file_size) {
		if (why)
			*why = "bad arguments to elf_parse";
		return -EINVAL;
	}
	*img = (struct elf_image){.max_align = page};
	err = check_header(f, head_size, file_size, img, &phoff, &phend);
	if (err && phend > head_size && need) {
		*need =
		    (size_t)phend; /* the headers are further in: read that much and ask again */
		return -EAGAIN;
	}
	if (!err)
		err = read_phdrs(f, file_size, phoff, page, img);
	if (!err)
		err = check_layout(img, phoff, page, user_top);
	if (err) {
		if (why)
			*why = err;
		return -ENOEXEC;
	}
	return 0;
}

int elf_parse(const void *file, size_t size, uint64_t page, uint64_t user_top,
              struct elf_image *img, const char **why)
{
	return elf_parse_head(file, size, size, page, user_top, img, why, NULL);
}
