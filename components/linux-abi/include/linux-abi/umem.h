/*
 * A process's memory through Linux's system calls: mmap (anonymous, and
 * files through struct umem_file), munmap, mprotect, msync, brk and
 * remap_file_pages, over an address space (addr-space).
 *
 * Each call returns what the system call returns: an address or 0, or a
 * negative Linux errno, with Linux's checks in Linux's order (mm/mmap.c,
 * mm/mprotect.c, the architectures' sys_mmap).
 */
#ifndef LINUX_ABI_UMEM_H
#define LINUX_ABI_UMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <addr-space/addr_space.h>

/* Linux's values (asm-generic/mman-common.h, mman.h). */
#define UMEM_PROT_READ           0x1
#define UMEM_PROT_WRITE          0x2
#define UMEM_PROT_EXEC           0x4
#define UMEM_MAP_SHARED          0x01
#define UMEM_MAP_PRIVATE         0x02
#define UMEM_MAP_SHARED_VALIDATE 0x03
#define UMEM_MAP_FIXED           0x10
#define UMEM_MAP_ANONYMOUS       0x20
#define UMEM_MAP_NORESERVE       0x4000
#define UMEM_MAP_POPULATE        0x8000
#define UMEM_MAP_FIXED_NOREPLACE 0x100000

/* The program break of one process. */
struct umem_brk {
	uintptr_t start; /* end of the program's data (page-aligned up): the first break */
	uintptr_t cur;   /* current break (not page-aligned) */
	uintptr_t limit; /* the break may not pass this (RLIMIT_DATA-like); 0: as_user_top() */
};

/* After exec: the break starts at 'end' (the end of the highest load). */
void umem_brk_init(struct umem_brk *b, uintptr_t end);

/*
 * What a non-anonymous mmap maps: the file the caller found behind the fd.
 * map() makes the area (as as_map, with the file's backend: vfs_mmap);
 * NULL for a file that cannot be mapped (-ENODEV, as a tty).
 */
struct umem_file {
	bool readable, writable; /* opened for reading / writing */
	bool noexec;             /* on a noexec mount: PROT_EXEC is -EPERM */
	int (*map)(const struct umem_file *f, struct addr_space *as, uintptr_t addr, size_t len,
	           unsigned prot, unsigned flags, uint64_t pgoff, uintptr_t *out);
	void *priv;
};

/*
 * mmap(2). 'file' is NULL for MAP_ANONYMOUS; for a mapping of an fd the
 * caller could not resolve it is NULL too (-EBADF, in Linux's place among
 * the checks). Shared mappings of a file not open for writing can never
 * become writable (AS_MAP_NEVER_WRITE); private ones copy on write. Every
 * area is a user area (AS_PROT_USER); MAP_SHARED areas stay shared across
 * as_fork(). Unknown prot bits are ignored, as Linux's mmap does; mprotect
 * refuses them. A fixed address below as_user_base() (mmap_min_addr) is
 * -EPERM, as for a Linux process without CAP_SYS_RAWIO; past
 * as_user_top() it is -ENOMEM. A private writable or shared anonymous
 * mapping is -ENOMEM when page-alloc's commit policy (page_commit_check,
 * vm.overcommit_memory) will not promise it, MAP_NORESERVE weighed there.
 * Differences from Linux are listed at the top of src/umem.c.
 */
long umem_mmap(struct addr_space *as, uintptr_t addr, size_t len, int prot, int flags,
               const struct umem_file *file, uint64_t off);
long umem_munmap(struct addr_space *as, uintptr_t addr, size_t len);
long umem_mprotect(struct addr_space *as, uintptr_t addr, size_t len, int prot);
/*
 * msync(2): -EINVAL (flags, an unaligned start, MS_ASYNC with MS_SYNC),
 * -ENOMEM if the range has holes (checked area by area as Linux does).
 * Mapped files here live in memory: there is nothing to write back.
 */
long umem_msync(struct addr_space *as, uintptr_t start, size_t len, int flags);

/*
 * remap_file_pages(2), Linux's emulation (mm/mmap.c): prot must be 0, start
 * and size are rounded down to pages, flags other than MAP_NONBLOCK are
 * ignored. The range must start in a shared mapping (a file, shared
 * anonymous memory, an shm attachment) and be covered by pieces of that one
 * mapping (same object, protection and flags); it is then mapped again, one
 * area of the same object starting at page pgoff, and its pages faulted in
 * unless MAP_NONBLOCK. -EINVAL for a private mapping, a hole, a wrapping
 * range or offset; -EOVERFLOW past the largest file offset; -ENOMEM as a
 * fixed mmap. The deprecation warning Linux logs once is the caller's.
 */
long umem_remap_file_pages(struct addr_space *as, uintptr_t start, size_t size, unsigned long prot,
                           uint64_t pgoff, unsigned long flags);

/*
 * brk(2) as the raw system call: the new break, or the old one on failure
 * (growth the commit policy will not promise included).
 */
long umem_brk(struct umem_brk *b, struct addr_space *as, uintptr_t newbrk);

#endif
