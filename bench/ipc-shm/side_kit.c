/*
 * ipc-shm's side: the component over the real page-alloc, paging and
 * addr-space, with host memory as RAM. One process: one address space
 * (active, with the page-fault hook installed), pid 1, root, with a small
 * program image mapped and touched at the bottom of the user range, as a
 * process has (text, data, stack: Linux's side has them too), so an attach
 * lands next to page tables that exist, as on Linux. BENCH_SHM_BARE=1
 * leaves the space empty: then every attach of the cycle also allocates two
 * page tables and every detach scans and frees them. A touch is a user
 * store as the hardware makes it (support/user_access.c): a walk of
 * the Sv39 table, a page fault into as_fault() through the hal hook, the
 * retried store; the trap's own entry and exit are not modelled.
 *
 * The hal is the unit tests' fake (interrupts as a flag in memory), as for
 * bench-memory: page-alloc's and addr-space's irqsave locks cost a CSR
 * write on riscv64, not the signal-mask system call the host platform
 * stands in with. Locks of ipc-shm are pthread mutexes (host_ops.c).
 */
#include "bench_side.h"
#include "fake_hal.h"
#include "host_ops.h"
#include "user_access.h"
#include <addr-space/addr_space.h>
#include <ipc-shm/shm.h>
#include <klib/port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KIT_RAM   (256ul << 20)
#define KIT_IMAGE (256ul << 10) /* the process's own pages */

static struct shm_ns *ns;
static struct shm_task task;
static struct shm_caller caller = {.pid = 1};

void klib_port_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stderr);
}

void klib_port_panic(void)
{
	abort();
}

/* Text, data and stack of the process, every page touched. */
static const char *kit_map_image(void)
{
	uintptr_t image;

	if (as_map_anon(caller.as, 0, KIT_IMAGE, AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER, 0,
	                &image))
		return "no room for the program image";
	for (uintptr_t va = image; va < image + KIT_IMAGE; va += PAGE_SIZE) {
		uint8_t one = 1;

		if (user_access(caller.as, va, true, &one) != 0)
			return "cannot touch the program image";
	}
	return NULL;
}

static const char *kit_init(void)
{
	const char *bare = getenv("BENCH_SHM_BARE"), *why;
	struct shm_limits limits;
	void *ram = fake_hal_ram(KIT_RAM, 2ul << 20);

	if (!ram)
		return "no host memory for the frames";
	/*
	 * Make the "RAM" resident now (Linux's own page faults on it are not
	 * ours to count), in 2 MiB pages where Linux can: a kernel reaches RAM
	 * through a direct map of huge pages, not through 4 KiB host pages.
	 */
	madvise(ram, KIT_RAM, MADV_HUGEPAGE);
	memset(ram, 0, KIT_RAM);
	if (page_alloc_add_range((paddr_t)(uintptr_t)ram, KIT_RAM) != 0)
		return "page_alloc_add_range failed";
	if (as_create(&caller.as) != 0)
		return "as_create failed";
	as_init();
	as_activate(caller.as);
	if ((!bare || strcmp(bare, "1")) && (why = kit_map_image()))
		return why;
	shm_task_init(&task);
	caller.task = &task;
	shm_default_limits(&limits);
	limits.shmmni = CONFIG_IPC_SHM_IDS;
	if (shm_ns_create(&ns, &limits, &host_shm_ops) != 0)
		return "shm_ns_create failed";
	return NULL;
}

static long kit_shmmni(void)
{
	struct shm_limits limits;

	shm_ns_get_limits(ns, &limits);
	return (long)limits.shmmni;
}

static int kit_get(int32_t key, size_t size, int flags)
{
	int id = shm_get(ns, &caller, key, size, flags);

	return id < 0 ? -1 : id;
}

static uintptr_t kit_at(int id)
{
	intptr_t a = shm_at(ns, &caller, id, 0, 0);

	return a < 0 ? 0 : (uintptr_t)a;
}

static int kit_dt(uintptr_t addr)
{
	return shm_dt(ns, &caller, addr) ? -1 : 0;
}

static int kit_rmid(int id)
{
	return shm_ctl(ns, &caller, id, IPC_RMID, NULL) ? -1 : 0;
}

static void kit_touch(uintptr_t addr)
{
	uint8_t one = 1;

	if (user_access(caller.as, addr, true, &one) != 0)
		abort();
}

const struct bench_side bench_kit = {
    .name = "ipc-shm",
    .init = kit_init,
    .shmmni = kit_shmmni,
    .get = kit_get,
    .at = kit_at,
    .dt = kit_dt,
    .rmid = kit_rmid,
    .touch = kit_touch,
};
