/*
 * vm.overcommit_memory: whether memory a program asks for but has not yet
 * touched may be promised (Linux 6.12's __vm_enough_memory, mm/util.c, and
 * the callers' VM_NORESERVE rules in mm/mmap.c do_mmap and ipc/shm.c
 * newseg). The heuristic (0) refuses one request larger than all of RAM
 * and swap (there is no swap here: page_total_count(), Linux's
 * totalram_pages); 1 promises anything; 2 is taken and read back but
 * checks as 0 does, since nothing here counts Committed_AS.
 */
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>

static int overcommit_mode = CONFIG_PAGE_ALLOC_OVERCOMMIT_MEMORY;

int page_overcommit_mode(void)
{
	return __atomic_load_n(&overcommit_mode, __ATOMIC_RELAXED);
}

int page_set_overcommit_mode(long mode)
{
	if (mode < PAGE_OVERCOMMIT_GUESS || mode > PAGE_OVERCOMMIT_NEVER)
		return -EINVAL;
	__atomic_store_n(&overcommit_mode, (int)mode, __ATOMIC_RELAXED);
	return 0;
}

int page_commit_check(unsigned long pages, bool noreserve)
{
	int mode = page_overcommit_mode();

	/* MAP_NORESERVE and SHM_NORESERVE count only while overcommit is allowed. */
	if (noreserve && mode != PAGE_OVERCOMMIT_NEVER)
		return 0;
	if (mode == PAGE_OVERCOMMIT_ALWAYS)
		return 0;
	return pages > page_total_count() ? -ENOMEM : 0;
}
