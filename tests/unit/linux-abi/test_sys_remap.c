/*
 * remap_file_pages (234 on riscv64) through the layer: on a System V shm
 * attachment, what LTP's shmctl05 does (remap until IPC_RMID makes it
 * fail): the page of the new offset shows, shm_nattch counts the areas as
 * Linux counts vmas, a removed segment another attachment keeps can be
 * remapped, and a remap over its last attachment fails as on Linux (whose
 * close of the old mapping destroys it first): EINVAL, the range
 * unmapped, the frames freed; on a MAP_SHARED tmpfs file, a write through
 * the remapped page reaches that page of the file; private mappings and
 * prot are EINVAL.
 */
#include "abi_test.h"
#include <addr-space/addr_space.h>
#include <ipc-shm/shm.h>
#include <string.h>

#define NR_openat           56
#define NR_close            57
#define NR_write            64
#define NR_pread64          67
#define NR_remap_file_pages 234

#define AT_FDCWD -100
#define O_RDWR   02
#define O_CREAT  0100

static void get(uintptr_t va, char *buf, size_t n)
{
	if (fake_user_read(buf, va, n) < 0)
		strcpy(buf, "<EFAULT>");
	buf[n - 1] = 0;
}

static long nattch(struct fake_user *u)
{
	struct shmid64_ds ds;

	if (fake_user_read(&ds, SCRATCH(u), sizeof(ds)) < 0)
		return -1;
	return (long)ds.shm_nattch;
}

/* The frame mapped at va in the running program's space, 0 if none. */
static paddr_t frame_at(uintptr_t va)
{
	paddr_t pa;

	return as_query(as_active(), va, &pa, NULL) == 0 ? pa & ~(PG - 1) : 0;
}

static struct {
	long id, addr, addr2, nattch0, remap1, nattch1, rmid, remap2, stat_rmid, nattch2, dt2;
	long remap_last, dt, stat_gone, priv, remap_priv, remap_prot;
	unsigned refs_attached, refs0, refs1;
	char saw1[8], saw2[8], after[16];
	paddr_t f0, f1;
} sh;

static enum hal_user_event shm_prog(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_shmget, IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
	case 1:
		sh.id = fake_ret(u);
		return SYS(u, NR_shmat, sh.id, 0, 0);
	case 2:
		sh.addr = fake_ret(u);
		fake_user_write(sh.addr, "page0", 6);
		fake_user_write(sh.addr + PG, "page1", 6);
		return SYS(u, NR_shmctl, sh.id, IPC_STAT, SCRATCH(u));
	case 3:
		sh.nattch0 = nattch(u);
		return SYS(u, NR_remap_file_pages, sh.addr, PG, 0, 1, 0);
	case 4: /* the first page shows page 1; the attachment is two areas now */
		sh.remap1 = fake_ret(u);
		get(sh.addr, sh.saw1, sizeof(sh.saw1));
		return SYS(u, NR_shmctl, sh.id, IPC_STAT, SCRATCH(u));
	case 5:
		sh.nattch1 = nattch(u);
		return SYS(u, NR_shmat, sh.id, 0, 0);
	case 6:
		sh.addr2 = fake_ret(u);
		return SYS(u, NR_shmctl, sh.id, IPC_RMID, 0);
	case 7: /* removed, but the second attachment keeps it: remapping the first works */
		sh.rmid = fake_ret(u);
		return SYS(u, NR_remap_file_pages, sh.addr, 2 * PG, 0, 0, 0);
	case 8:
		sh.remap2 = fake_ret(u);
		get(sh.addr, sh.saw2, sizeof(sh.saw2));
		return SYS(u, NR_shmctl, sh.id, IPC_STAT, SCRATCH(u));
	case 9:
		sh.stat_rmid = fake_ret(u);
		sh.nattch2 = nattch(u);
		return SYS(u, NR_shmdt, sh.addr2);
	case 10: /* both pages mapped (the remap populated them): the segment's and ours */
		sh.dt2 = fake_ret(u);
		sh.f0 = frame_at(sh.addr);
		sh.f1 = frame_at(sh.addr + PG);
		sh.refs_attached = sh.f0 ? page_ref_count(sh.f0) : 0;
		return SYS(u, NR_remap_file_pages, sh.addr, 2 * PG, 0, 1, 0);
	case 11: /* over the last attachment: Linux's close destroys it, the new map fails */
		sh.remap_last = fake_ret(u);
		sh.refs0 = sh.f0 ? page_ref_count(sh.f0) : 99;
		sh.refs1 = sh.f1 ? page_ref_count(sh.f1) : 99;
		get(sh.addr, sh.after, sizeof(sh.after));
		return SYS(u, NR_shmdt, sh.addr);
	case 12:
		sh.dt = fake_ret(u);
		return SYS(u, NR_shmctl, sh.id, IPC_STAT, SCRATCH(u));
	case 13:
		sh.stat_gone = fake_ret(u);
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		           -1, 0);
	case 14:
		sh.priv = fake_ret(u);
		return SYS(u, NR_remap_file_pages, sh.priv, PG, 0, 0, 0);
	case 15:
		sh.remap_priv = fake_ret(u);
		return SYS(u, NR_remap_file_pages, sh.priv, PG, PROT_READ, 0, 0);
	case 16:
		sh.remap_prot = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_remap_shm(void **state)
{
	size_t left = 99;

	(void)state;
	proc_test_program("/shm", shm_prog);
	assert_int_equal(abi_run("/shm", &left), EXITED(0));
	assert_true(sh.id >= 0);
	assert_true(sh.addr > 0);
	assert_int_equal(sh.nattch0, 1);
	assert_int_equal(sh.remap1, 0);
	assert_string_equal(sh.saw1, "page1");
	/* Linux: the new vma (shm_mmap) and the piece split off (shm_open); the old one closes. */
	assert_int_equal(sh.nattch1, 2);
	assert_true(sh.addr2 > 0);
	assert_int_equal(sh.rmid, 0);
	assert_int_equal(sh.remap2, 0);
	assert_string_equal(sh.saw2, "page0");
	assert_int_equal(sh.stat_rmid, 0);
	assert_int_equal(sh.nattch2, 2);
	assert_int_equal(sh.dt2, 0);
	assert_true(sh.f0 && sh.f1 && sh.f0 != sh.f1);
	assert_int_equal(sh.refs_attached, 2);
	/* The last attachment of a removed segment: EINVAL, the range unmapped, the frames freed.
	 */
	assert_int_equal(sh.remap_last, -EINVAL);
	assert_int_equal(sh.refs0, 0);
	assert_int_equal(sh.refs1, 0);
	assert_string_equal(sh.after, "<EFAULT>");
	assert_int_equal(sh.dt, -EINVAL);
	assert_int_equal(sh.stat_gone, -EINVAL);
	assert_int_equal(sh.remap_priv, -EINVAL);
	assert_int_equal(sh.remap_prot, -EINVAL);
	assert_int_equal(left, 0);
}

static struct {
	long fd, wrote, map, remap, pread, priv, remap_priv, unmap;
	char saw[8], file[8];
} fl;

static enum hal_user_event file_prog(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u), path = s + 3 * PG, buf = s;

	switch (u->step++) {
	case 0:
		fake_user_write(path, "/tmp/r", 7);
		return SYS(u, NR_openat, AT_FDCWD, path, O_CREAT | O_RDWR, 0600);
	case 1:
		fl.fd = fake_ret(u);
		fake_user_write(buf, "file0", 6);
		fake_user_write(buf + PG, "file1", 6);
		return SYS(u, NR_write, fl.fd, buf, 2 * PG);
	case 2:
		fl.wrote = fake_ret(u);
		return SYS(u, NR_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fl.fd, 0);
	case 3:
		fl.map = fake_ret(u);
		return SYS(u, NR_remap_file_pages, fl.map, PG, 0, 1, 0);
	case 4: /* the first page is the file's second: a write there is the file's */
		fl.remap = fake_ret(u);
		get(fl.map, fl.saw, sizeof(fl.saw));
		fake_user_write(fl.map, "new1", 5);
		return SYS(u, NR_pread64, fl.fd, buf, 8, PG);
	case 5:
		fl.pread = fake_ret(u);
		get(buf, fl.file, sizeof(fl.file));
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fl.fd, 0);
	case 6:
		fl.priv = fake_ret(u);
		return SYS(u, NR_remap_file_pages, fl.priv, PG, 0, 0, 0);
	case 7:
		fl.remap_priv = fake_ret(u);
		return SYS(u, NR_munmap, fl.map, 2 * PG);
	case 8:
		fl.unmap = fake_ret(u);
		return SYS(u, NR_close, fl.fd);
	case 9:
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_remap_tmpfs_file(void **state)
{
	(void)state;
	proc_test_program("/file", file_prog);
	assert_int_equal(abi_run("/file", NULL), EXITED(0));
	assert_int_equal(fl.fd, 3);
	assert_int_equal(fl.wrote, 2 * PG);
	assert_true(fl.map > 0);
	assert_int_equal(fl.remap, 0);
	assert_string_equal(fl.saw, "file1");
	assert_int_equal(fl.pread, 8);
	assert_string_equal(fl.file, "new1");
	assert_true(fl.priv > 0);
	assert_int_equal(fl.remap_priv, -EINVAL);
	assert_int_equal(fl.unmap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_remap_shm),
	    cmocka_unit_test(test_remap_tmpfs_file),
	};

	proc_test_boot();
	proc_test_reset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
