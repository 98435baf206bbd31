/*
 * The memory calls through the layer: brk starts at the end of the loaded
 * program, grows (pages filled on first touch), shrinks (pages gone) and
 * ignores requests below its start; anonymous mmap/munmap/mprotect, and
 * shared against private anonymous memory across fork.
 */
#include "abi_test.h"
#include <process/elf.h>
#include <string.h>

static uintptr_t program_end; /* the static program's highest loaded address */

static struct {
	long b0, grown, write_rc, lazy_before, lazy_after, shrunk, read_gone, below;
	long map, map_write, unmap, map_gone, ro, ro_status;
	long shared, private_, waited, mprotect;
	char shared_sees[16], private_sees[16];
} m;

static void put(uintptr_t va, const char *s)
{
	fake_user_write(va, s, strlen(s) + 1);
}

static void get(uintptr_t va, char *buf, size_t n)
{
	if (fake_user_read(buf, va, n) < 0)
		strcpy(buf, "<EFAULT>");
	buf[n - 1] = 0;
}

static enum hal_user_event mem(struct fake_user *u, struct hal_user_trap *t)
{
	char byte;

	switch (u->step++) {
	case 0:
		return SYS(u, NR_brk, 0);
	case 1:
		m.b0 = fake_ret(u);
		return SYS(u, NR_brk, m.b0 + 3 * PG + 10);
	case 2:
		m.grown = fake_ret(u);
		m.write_rc = fake_user_write(m.b0 + 2 * PG, "brk!", 5);
		m.lazy_before = as_query(as_active(), m.b0 + PG, NULL, NULL);
		return fake_fault(u, t, m.b0 + PG, HAL_ACCESS_WRITE);
	case 3:
		m.lazy_after = as_query(as_active(), m.b0 + PG, NULL, NULL);
		return SYS(u, NR_brk, m.b0);
	case 4:
		m.shrunk = fake_ret(u);
		m.read_gone = fake_user_read(&byte, m.b0 + 2 * PG, 1);
		return SYS(u, NR_brk, m.b0 - PG);
	case 5:
		m.below = fake_ret(u);
		return SYS(u, NR_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 6:
		m.map = fake_ret(u);
		m.map_write = fake_user_write(m.map + PG, "map", 4);
		return SYS(u, NR_munmap, m.map, 2 * PG);
	case 7:
		m.unmap = fake_ret(u);
		m.map_gone = fake_user_read(&byte, m.map + PG, 1);
		return SYS(u, NR_mmap, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 8:
		m.ro = fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 9:
		if (fake_ret(u) == 0)
			return fake_fault(u, t, m.ro, HAL_ACCESS_WRITE); /* SIGSEGV */
		return SYS(u, NR_wait4, fake_ret(u), SCRATCH(u), 0);
	case 10:
		m.ro_status = abi_read_u32(SCRATCH(u));
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		           -1, 0);
	case 11:
		m.shared = fake_ret(u);
		put(m.shared, "parent");
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		           -1, 0);
	case 12:
		m.private_ = fake_ret(u);
		put(m.private_, "parent");
		return SYS(u, NR_clone, SIGCHLD);
	case 13:
		if (fake_ret(u) == 0) {
			put(m.shared, "child");
			put(m.private_, "child");
			return SYS(u, NR_exit_group, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), 0, 0);
	case 14:
		m.waited = fake_ret(u);
		get(m.shared, m.shared_sees, sizeof(m.shared_sees));
		get(m.private_, m.private_sees, sizeof(m.private_sees));
		return SYS(u, NR_mprotect, m.private_, PG, PROT_READ);
	case 15:
		m.mprotect = fake_ret(u);
		return fake_fault(u, t, m.private_, HAL_ACCESS_WRITE); /* read-only now: SIGSEGV */
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_brk_and_mmap(void **state)
{
	(void)state;
	process_set_randomize_va_space(0); /* the break starts right after the program */
	proc_test_program("/mem", mem);
	/* pid 1 ends writing to the memory it made read-only. */
	assert_int_equal(abi_run("/mem", NULL), KILLED(SIGSEGV));
	/* brk: from the page after the program, grown and shrunk. */
	assert_int_equal(m.b0, (program_end + PG - 1) & ~(PG - 1));
	assert_int_equal(m.grown, m.b0 + 3 * PG + 10);
	assert_int_equal(m.write_rc, 0);
	assert_int_equal(m.lazy_before, -EFAULT);
	assert_int_equal(m.lazy_after, 0);
	assert_int_equal(m.shrunk, m.b0);
	assert_int_equal(m.read_gone, -EFAULT);
	assert_int_equal(m.below, m.b0);
	/* mmap and munmap. */
	assert_true(m.map > 0 && m.map % PG == 0);
	assert_int_equal(m.map_write, 0);
	assert_int_equal(m.unmap, 0);
	assert_int_equal(m.map_gone, -EFAULT);
	assert_true(m.ro > 0);
	assert_int_equal(m.ro_status, KILLED(SIGSEGV));
	/* Across fork: shared memory is one, private memory copied. */
	assert_true(m.waited > 0);
	assert_string_equal(m.shared_sees, "child");
	assert_string_equal(m.private_sees, "parent");
	assert_int_equal(m.mprotect, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_brk_and_mmap),
	};
	struct elf_image img;
	const char *why = NULL;
	size_t size;
	const void *elf;

	proc_test_boot();
	proc_test_reset();
	elf = proc_test_elf(&size);
	assert_int_equal(elf_parse(elf, size, PG, as_user_top() - (8ul << 20), &img, &why), 0);
	for (unsigned i = 0; i < img.nloads; i++)
		if (img.loads[i].vaddr + img.loads[i].memsz > program_end)
			program_end = img.loads[i].vaddr + img.loads[i].memsz;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
