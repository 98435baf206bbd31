/*
 * ELF64 front end of the program loader: check a static program of the
 * architecture (e_machine LINUX_ARCH_ELF_MACHINE, process/linux_arch.h)
 * (ET_EXEC, or static-pie: ET_DYN without PT_INTERP) held in memory and
 * describe what to map, without mapping anything.
 *
 * Every field is read bounds-checked from the buffer, byte by byte (no
 * alignment or endianness assumption about the buffer), so any file, however
 * broken, gives an error and a one-line reason, never a wild read.
 *
 * Addresses of an ET_DYN image are link-time addresses: the caller picks a
 * load bias (a multiple of max_align) and adds it to vaddr, entry and phdr.
 */
#ifndef PROCESS_ELF_H
#define PROCESS_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux-arch/abi.h>

#define ELF_ET_EXEC   2
#define ELF_ET_DYN    3
#define ELF_MACHINE   LINUX_ARCH_ELF_MACHINE /* the only e_machine accepted */
#define ELF_PHDR_SIZE 56                     /* sizeof(Elf64_Phdr): AT_PHENT */

/* Protection of a segment, as the mmap PROT_* bits. */
#define ELF_PROT_READ  1
#define ELF_PROT_WRITE 2
#define ELF_PROT_EXEC  4

/* One PT_LOAD: map [vaddr, vaddr + filesz) from the file at 'offset', and
 * zero-fill up to vaddr + memsz. vaddr and offset are congruent modulo the
 * page size, so whole pages of the file can be mapped. */
struct elf_load {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
	uint64_t align;
	unsigned prot; /* ELF_PROT_* */
};

struct elf_image {
	uint16_t type;      /* ELF_ET_EXEC or ELF_ET_DYN (static-pie) */
	uint32_t flags;     /* e_flags (the architecture's: float ABI, ...) */
	uint64_t entry;     /* e_entry: AT_ENTRY */
	uint64_t phdr;      /* where the program headers are in memory: AT_PHDR */
	uint16_t phnum;     /* AT_PHNUM */
	uint64_t lo, hi;    /* page-aligned span of all loads: [lo, hi) */
	uint64_t max_align; /* largest p_align (at least the page size) */
	bool exec_stack;    /* PT_GNU_STACK asks for an executable stack */
	unsigned nloads;
	struct elf_load loads[CONFIG_PROCESS_ELF_MAX_LOADS];
};

/*
 * Check 'file' (size bytes) and fill 'img'. 'page' is the page size (a power
 * of two) and 'user_top' the end of user space: every load must fit below it
 * (for ET_DYN: its span must). Returns 0, or -ENOEXEC (not a program this
 * loader can run; *why says what is wrong), or -EINVAL for bad arguments.
 * 'why' may be NULL.
 */
int elf_parse(const void *file, size_t size, uint64_t page, uint64_t user_top,
              struct elf_image *img, const char **why);

/*
 * The same for a program read from a file of 'file_size' bytes, of which
 * 'head' holds the first 'head_size': loads are checked against the whole
 * file, the program headers must be in the head. If they are further in
 * and 'need' is not NULL, -EAGAIN and *need = the bytes to read (at most
 * e_phoff + 64 KiB) before asking again.
 */
int elf_parse_head(const void *head, size_t head_size, uint64_t file_size, uint64_t page,
                   uint64_t user_top, struct elf_image *img, const char **why, size_t *need);

#endif
