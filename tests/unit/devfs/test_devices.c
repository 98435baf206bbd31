/* The device files: what each reads, writes and seeks, the console's terminal ioctls. */
#include "mem_test.h"
#include "vfs_env.h"
#include <devfs/devfs.h>
#include <klib/errno.h>
#include <string.h>
#include <tmpfs/tmpfs.h>

extern char fake_console_out[4096];
extern size_t fake_console_out_len;
extern const char *fake_console_in;

static struct vfs_fs *fs;
static struct vfs_cred root;
static size_t free0;
static uint8_t next_random;

static void counting_random(void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = next_random++;
}

static int setup(void **state)
{
	static bool ram;

	(void)state;
	if (!ram)
		mem_test_ram(32), ram = true;
	free0 = page_free_count();
	vfs_env_order_errors = 0;
	vfs_env_init();
	assert_int_equal(tmpfs_register(), 0);
	assert_int_equal(devfs_init(counting_random), 0);
	assert_int_equal(vfs_mount_root(NULL, "tmpfs", NULL, 0), 0);
	assert_non_null(fs = vfs_fs_new());
	root = vfs_env_root();
	assert_int_equal(vfs_mkdir(fs, NULL, "/dev", 0755, &root), 0);
	assert_int_equal(devfs_populate(fs, "/dev", &root), 0);
	fake_console_out_len = 0;
	fake_console_in = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vfs_fs_put(fs);
	devfs_fini();
	vfs_shutdown();
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(vfs_env_locks, 0);
	assert_int_equal(vfs_env_order_errors, 0);
	return 0;
}

static struct vfs_file *open_dev(const char *path, unsigned flags)
{
	struct vfs_file *f;

	assert_int_equal(vfs_open(fs, NULL, path, flags, 0, &root, &f), 0);
	return f;
}

static long rd(struct vfs_file *f, void *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, buf, n);
	return vfs_read(f, &it);
}

static long wr(struct vfs_file *f, const void *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, (void *)buf, n);
	return vfs_write(f, &it, &root, NULL);
}

static void test_nodes(void **state)
{
	static const struct {
		const char *path;
		uint32_t mode, major, minor;
	} want[] = {
	    {"/dev/null", 0666, 1, 3},    {"/dev/zero", 0666, 1, 5},    {"/dev/full", 0666, 1, 7},
	    {"/dev/random", 0666, 1, 8},  {"/dev/urandom", 0666, 1, 9}, {"/dev/tty", 0666, 5, 0},
	    {"/dev/console", 0600, 5, 1},
	};

	(void)state;
	vfs_fs_umask(fs, 077);
	assert_int_equal(devfs_populate(fs, "/dev", &root), 0); /* again: existing nodes stay */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct vfs_path p;
		struct vfs_stat st;

		assert_int_equal(vfs_lookup(fs, NULL, want[i].path, 0, &root, &p), 0);
		vfs_getattr(&p, &st);
		vfs_path_put(&p);
		assert_int_equal(st.mode, VFS_S_IFCHR | want[i].mode);
		assert_int_equal(st.rdev, VFS_MKDEV(want[i].major, want[i].minor));
	}
	assert_int_equal(vfs_fs_umask(fs, 022), 077);
}

static void test_null_zero_full(void **state)
{
	struct vfs_file *f;
	static char big[10000];

	(void)state;
	f = open_dev("/dev/null", VFS_O_RDWR);
	assert_int_equal(rd(f, big, sizeof(big)), 0);
	assert_int_equal(wr(f, "abc", 3), 3);
	assert_int_equal(vfs_lseek(f, 100, VFS_SEEK_SET), 0);
	vfs_file_put(f);
	f = open_dev("/dev/zero", VFS_O_RDWR);
	memset(big, 1, sizeof(big));
	assert_int_equal(rd(f, big, sizeof(big)), sizeof(big));
	for (size_t i = 0; i < sizeof(big); i++)
		assert_int_equal(big[i], 0);
	assert_int_equal(wr(f, "abc", 3), 3);
	vfs_file_put(f);
	f = open_dev("/dev/full", VFS_O_RDWR);
	assert_int_equal(rd(f, big, 7), 7);
	assert_int_equal(wr(f, "abc", 3), -ENOSPC);
	assert_int_equal(vfs_fsync(f), -EINVAL);
	vfs_file_put(f);
}

static void test_random(void **state)
{
	struct vfs_file *f;
	uint8_t buf[600];

	(void)state;
	next_random = 0;
	f = open_dev("/dev/urandom", VFS_O_RDONLY);
	assert_int_equal(rd(f, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], (uint8_t)i); /* every byte from the kernel's source */
	assert_int_equal(vfs_lseek(f, 5, VFS_SEEK_SET), 0); /* noop_llseek */
	vfs_file_put(f);
	f = open_dev("/dev/random", VFS_O_RDWR);
	assert_int_equal(wr(f, "seed", 4), 4);
	assert_int_equal(rd(f, buf, 4), 4);
	assert_int_equal(buf[0], (uint8_t)sizeof(buf));
	vfs_file_put(f);
}

/* A reader's buffer that faults after 'ok' bytes. */
static int faulty_copy(struct vfs_iter *it, size_t off, void *k, size_t n, bool to_buf)
{
	(void)k, (void)to_buf;
	return off + n > (size_t)(uintptr_t)it->ctx ? -EFAULT : 0;
}

static void test_partial(void **state)
{
	struct vfs_file *f = open_dev("/dev/zero", VFS_O_RDONLY);
	struct vfs_iter it = {.copy = faulty_copy, .ctx = (void *)(uintptr_t)512, .len = 2000};

	(void)state;
	assert_int_equal(vfs_read(f, &it), 512);
	it.ctx = 0;
	assert_int_equal(vfs_read(f, &it), -EFAULT);
	vfs_file_put(f);
}

static void test_console(void **state)
{
	struct vfs_file *f;
	uint8_t termios[DEVFS_TERMIOS_SIZE], winsize[DEVFS_WINSIZE_SIZE];
	char buf[16];
	struct vfs_iter it;

	(void)state;
	f = open_dev("/dev/console", VFS_O_RDWR);
	assert_true(vfs_file_is_tty(f));
	assert_int_equal(wr(f, "hello\n", 6), 6);
	assert_int_equal(fake_console_out_len, 6);
	assert_memory_equal(fake_console_out, "hello\n", 6);
	fake_console_in = "typed";
	assert_int_equal(rd(f, buf, 3), 3);
	assert_memory_equal(buf, "typ", 3);
	assert_int_equal(rd(f, buf, sizeof(buf)), 2);
	assert_int_equal(rd(f, buf, sizeof(buf)), 0); /* nothing waiting: end of file */
	/* Linux's tty_std_termios, then what TCSETS set. */
	assert_int_equal(vfs_ioctl(f, DEVFS_TCGETS, termios), 0);
	assert_int_equal(termios[0] | termios[1] << 8, 0002400); /* c_iflag: ICRNL | IXON */
	assert_int_equal(termios[12] | termios[13] << 8 | termios[14] << 16, 0105073); /* c_lflag */
	assert_int_equal(termios[17], 003); /* VINTR: ^C */
	termios[12] &= ~2;                  /* ICANON off */
	assert_int_equal(vfs_ioctl(f, DEVFS_TCSETSW, termios), 0);
	memset(termios, 0, sizeof(termios));
	assert_int_equal(vfs_ioctl(f, DEVFS_TCGETS, termios), 0);
	assert_int_equal(termios[12] & 2, 0);
	assert_int_equal(vfs_ioctl(f, DEVFS_TIOCGWINSZ, winsize), 0);
	for (size_t i = 0; i < sizeof(winsize); i++)
		assert_int_equal(winsize[i], 0); /* a serial line's window: unknown */
	assert_int_equal(vfs_ioctl(f, 0x541b /* FIONREAD */, buf), -ENOTTY);
	vfs_iter_kernel(&it, buf, 1);
	assert_int_equal(vfs_pread(f, &it, 0), -ESPIPE);
	assert_int_equal(vfs_lseek(f, 0, VFS_SEEK_CUR), -ESPIPE);
	vfs_file_put(f);
	f = open_dev("/dev/tty", VFS_O_WRONLY);
	assert_int_equal(wr(f, "x", 1), 1);
	assert_int_equal(fake_console_out_len, 7);
	vfs_file_put(f);
	f = open_dev("/dev/null", VFS_O_RDONLY);
	assert_false(vfs_file_is_tty(f));
	assert_int_equal(vfs_ioctl(f, DEVFS_TCGETS, termios), -ENOTTY);
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nodes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_null_zero_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_random, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_console, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
