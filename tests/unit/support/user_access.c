#include "user_access.h"
#include "fake_hal.h"
#include <klib/errno.h>

int user_mmu_walk(struct addr_space *as, uintptr_t va, paddr_t *pa, uint64_t *leaf)
{
	paddr_t table;

	as_activate(as);
	table = fake_hal_root;
	for (int level = 2; level >= 0; level--) {
		unsigned shift = PAGE_SHIFT + 9 * (unsigned)level;
		uint64_t pte = ((const uint64_t *)page_to_virt(table))[(va >> shift) & 511];

		if (!(pte & SV39_V))
			return -EFAULT;
		table = (pte >> 10) << PAGE_SHIFT;
		if (pte & (SV39_R | SV39_W | SV39_X)) {
			*pa = table + (va & ((1ul << shift) - 1));
			*leaf = pte;
			return 0;
		}
	}
	return -EFAULT; /* a pointer to a table at the last level: not a valid leaf */
}

int user_access(struct addr_space *as, uintptr_t va, bool write, uint8_t *byte)
{
	uint64_t need = SV39_U | (write ? SV39_W : SV39_R);

	/* A resolved fault is retried, as the trap returns to the instruction. */
	for (int tries = 0; tries < 3; tries++) {
		struct hal_fault f = {
		    .addr = va, .access = write ? HAL_ACCESS_WRITE : HAL_ACCESS_READ, .user = true};
		uint64_t pte;
		paddr_t pa;
		int rc;

		if (user_mmu_walk(as, va, &pa, &pte) == 0 && (pte & need) == need) {
			uint8_t *cell = page_to_virt(pa);

			if (write)
				*cell = *byte;
			else
				*byte = *cell;
			return 0;
		}
		rc = fake_hal_fault_handler ? fake_hal_fault_handler(&f) : -EFAULT;
		if (rc)
			return rc;
	}
	return -EAGAIN;
}
