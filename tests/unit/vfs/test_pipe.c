/*
 * Pipes, FIFOs, eventfds and poll tables: Linux's counts (merging, packets,
 * PIPE_BUF, capacity), EOF and EPIPE, FIFO open rules, waits ended by the
 * other end and by a signal, poll masks and wakeups, the names /proc shows.
 */
#include "vfs_test.h"
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <vfs/pipe.h>
#include <vfs/poll.h>

static long wr(struct vfs_file *f, const void *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, (void *)buf, n);
	return vfs_write(f, &it, &T_root, NULL);
}

static long rd(struct vfs_file *f, void *buf, size_t n)
{
	struct vfs_iter it;

	vfs_iter_kernel(&it, buf, n);
	return vfs_read(f, &it);
}

static char big[1 << 17];

static void test_pipe_counts_as_linux(void **state)
{
	struct vfs_file *r, *w;
	char buf[8];
	int n;
	long total = 0, rc;

	(void)state;
	assert_int_equal(vfs_pipe(VFS_O_NONBLOCK, &T_root, &r, &w), 0);
	assert_int_equal(vfs_pipe_get_size(r), 65536);
	assert_int_equal(rd(r, buf, 8), -EAGAIN);
	/* Small writes merge: 65536 one-byte writes fill it. */
	while ((rc = wr(w, "x", 1)) == 1)
		total++;
	assert_int_equal(rc, -EAGAIN);
	assert_int_equal(total, 65536);
	assert_int_equal(vfs_ioctl(r, VFS_FIONREAD, &n), 0);
	assert_int_equal(n, 65536);
	/* A page freed by reading makes room for one page-sized write, whole or nothing. */
	assert_int_equal(rd(r, big, 100), 100);
	assert_int_equal(wr(w, big, 10), -EAGAIN); /* the first page is not yet empty */
	assert_int_equal(rd(r, big, 3996), 3996);
	assert_int_equal(wr(w, big, 5000), 4096);
	assert_int_equal(vfs_pipe_set_size(r, 4096, false), -EBUSY);
	assert_int_equal(vfs_pipe_set_size(r, 1 << 21, false), -EPERM);
	assert_int_equal(vfs_pipe_set_size(r, 1 << 21, true), 1 << 21);
	assert_int_equal(vfs_pipe_set_size(r, 100000, false), 131072); /* shrinking: always */
	assert_int_equal(vfs_pipe_set_size(r, (1ul << 31) + 1, true), -EINVAL);
	/* EOF once every writer is gone and the data is read. */
	vfs_file_put(w);
	while ((rc = rd(r, big, sizeof(big))) > 0)
		total -= rc;
	assert_int_equal(rc, 0);
	assert_int_equal(total, 100 + 3996 - 4096);
	vfs_file_put(r);

	assert_int_equal(vfs_pipe(0, &T_root, &r, &w), 0);
	vfs_file_put(r);
	assert_int_equal(wr(w, "x", 1), -EPIPE);
	assert_int_equal(wr(w, "", 0), 0);
	vfs_file_put(w);
	assert_int_equal(vfs_pipe(VFS_O_APPEND, &T_root, &r, &w), -EINVAL);
}

static void test_packets_keep_write_boundaries(void **state)
{
	struct vfs_file *r, *w;
	char buf[16];

	(void)state;
	assert_int_equal(vfs_pipe(VFS_O_DIRECT, &T_root, &r, &w), 0);
	assert_int_equal(wr(w, "hello", 5), 5);
	assert_int_equal(wr(w, "world!", 6), 6);
	assert_int_equal(rd(r, buf, 3), 3); /* the rest of "hello" goes */
	assert_int_equal(rd(r, buf, 16), 6);
	assert_memory_equal(buf, "world!", 6);
	vfs_file_put(r);
	vfs_file_put(w);
}

struct waiter {
	struct vfs_file *f;
	long rc;
	char buf[8];
};

static void *reader(void *arg)
{
	struct waiter *w = arg;

	w->rc = rd(w->f, w->buf, sizeof(w->buf));
	return NULL;
}

static void wait_asleep(long n)
{
	while (__atomic_load_n(&vfs_env_sleeps, __ATOMIC_RELAXED) < n)
		usleep(100);
}

static void test_blocked_reader_wakes_for_data_eof_and_signal(void **state)
{
	struct vfs_file *r, *w;
	struct waiter x;
	pthread_t t;

	(void)state;
	assert_int_equal(vfs_pipe(0, &T_root, &r, &w), 0);
	x = (struct waiter){.f = r};
	pthread_create(&t, NULL, reader, &x);
	wait_asleep(1);
	assert_int_equal(wr(w, "abc", 3), 3);
	pthread_join(t, NULL);
	assert_int_equal(x.rc, 3);

	x = (struct waiter){.f = r};
	pthread_create(&t, NULL, reader, &x);
	wait_asleep(1);
	vfs_env_signal = true;
	pthread_join(t, NULL);
	vfs_env_signal = false;
	assert_int_equal(x.rc, -ERESTARTSYS);

	x = (struct waiter){.f = r};
	pthread_create(&t, NULL, reader, &x);
	wait_asleep(1);
	vfs_file_put(w); /* the last writer closes while the reader waits */
	pthread_join(t, NULL);
	assert_int_equal(x.rc, 0);
	vfs_file_put(r);
}

/* A write whose caller owes SIGPIPE: it.sigpipe after the call (vfs_write's out-parameter). */
static long wr_sig(struct vfs_file *f, const void *buf, size_t n, bool *sigpipe)
{
	struct vfs_iter it;
	long rc;

	vfs_iter_kernel(&it, (void *)buf, n);
	rc = vfs_write(f, &it, &T_root, NULL);
	*sigpipe = it.sigpipe;
	return rc;
}

struct writer {
	struct vfs_file *f;
	long rc;
	bool sigpipe;
};

static void *big_writer(void *arg)
{
	static char three[3 << 16];
	struct writer *w = arg;

	w->rc = wr_sig(w->f, three, sizeof(three), &w->sigpipe);
	return NULL;
}

static int fionread(struct vfs_file *r)
{
	int n = 0;

	assert_int_equal(vfs_ioctl(r, VFS_FIONREAD, &n), 0);
	return n;
}

/*
 * pipe_write's send_sig(SIGPIPE): owed for -EPIPE, and for a blocking write
 * the last reader left half done (which returns its partial count), never
 * for a write that had readers or wrote nothing at all.
 */
static void test_sigpipe_comes_from_the_pipe(void **state)
{
	struct vfs_file *r, *w;
	struct writer x;
	bool sig;
	pthread_t t;

	(void)state;
	assert_int_equal(vfs_pipe(0, &T_root, &r, &w), 0);
	assert_int_equal(wr_sig(w, "abc", 3, &sig), 3);
	assert_false(sig);
	assert_int_equal(rd(r, big, 3), 3);
	/* Three buffers' worth against a 64 KiB pipe: the reader takes one and goes. */
	x = (struct writer){.f = w};
	pthread_create(&t, NULL, big_writer, &x);
	wait_asleep(1);
	assert_int_equal(rd(r, big, 65536), 65536);
	while (fionread(r) < 65536) /* the writer filled the pipe again */
		usleep(100);
	wait_asleep(1);
	vfs_file_put(r);
	pthread_join(t, NULL);
	assert_int_equal(x.rc, 2 * 65536);
	assert_true(x.sigpipe);
	/* No reader: -EPIPE and the signal; an empty write neither. */
	assert_int_equal(wr_sig(w, "x", 1, &sig), -EPIPE);
	assert_true(sig);
	assert_int_equal(wr_sig(w, "", 0, &sig), 0);
	assert_false(sig);
	vfs_file_put(w);
}

struct opener {
	unsigned flags;
	int rc;
};

static void *fifo_opener(void *arg)
{
	struct opener *o = arg;
	struct vfs_file *f;

	if ((o->rc = T_open("/fifo", o->flags, 0, NULL, &f)) == 0) {
		if (o->flags == VFS_O_WRONLY)
			o->rc = (int)wr(f, "fifo", 4);
		vfs_file_put(f);
	}
	return NULL;
}

static void test_fifo_open_waits_for_the_other_end(void **state)
{
	struct opener o = {VFS_O_WRONLY, 1};
	struct vfs_file *r, *nr;
	char buf[8];
	pthread_t t;

	(void)state;
	assert_int_equal(vfs_mknod(T_fs, NULL, "/fifo", VFS_S_IFIFO | 0666, 0, &T_root), 0);
	assert_int_equal(T_touch("/fifo", VFS_O_WRONLY | VFS_O_NONBLOCK, 0, NULL), -ENXIO);
	pthread_create(&t, NULL, fifo_opener, &o);
	wait_asleep(1); /* the writer waits for a reader */
	assert_int_equal(T_open("/fifo", VFS_O_RDONLY, 0, NULL, &r), 0);
	pthread_join(t, NULL);
	assert_int_equal(o.rc, 4);
	assert_int_equal(rd(r, buf, 8), 4);
	assert_int_equal(rd(r, buf, 8), 0); /* the writer left */
	assert_int_equal(vfs_poll(r, NULL), VFS_POLLHUP);
	vfs_file_put(r);
	/* A non-blocking reader alone: no POLLHUP before a writer came. */
	assert_int_equal(T_open("/fifo", VFS_O_RDONLY | VFS_O_NONBLOCK, 0, NULL, &nr), 0);
	assert_int_equal(vfs_poll(nr, NULL), 0);
	vfs_file_put(nr);

	/* A blocked reader's open ends with a signal. */
	o = (struct opener){VFS_O_RDONLY, 1};
	pthread_create(&t, NULL, fifo_opener, &o);
	wait_asleep(1);
	vfs_env_signal = true;
	pthread_join(t, NULL);
	vfs_env_signal = false;
	assert_int_equal(o.rc, -ERESTARTSYS);
	/* O_RDWR never waits. */
	assert_int_equal(T_touch("/fifo", VFS_O_RDWR, 0, NULL), 0);
}

static void *table_sleeper(void *arg)
{
	struct waiter *w = arg;
	struct vfs_poll_table *pt;

	assert_int_equal(vfs_poll_table_new(&pt), 0);
	w->rc = vfs_poll(w->f, pt);
	if (w->rc == 0 && (w->rc = vfs_poll_table_sleep(pt, VFS_WAIT_FOREVER)) == 0)
		w->rc = vfs_poll(w->f, pt);
	vfs_poll_table_free(pt);
	return NULL;
}

static void test_poll_masks_and_wakeups(void **state)
{
	struct vfs_file *r, *w, *e;
	struct vfs_poll_table *pt;
	struct waiter x;
	pthread_t t;
	uint64_t v;

	(void)state;
	assert_int_equal(vfs_pipe(0, &T_root, &r, &w), 0);
	assert_int_equal(vfs_poll(r, NULL), 0);
	assert_int_equal(vfs_poll(w, NULL), VFS_POLLOUT | VFS_POLLWRNORM);
	x = (struct waiter){.f = r};
	pthread_create(&t, NULL, table_sleeper, &x);
	wait_asleep(1);
	assert_int_equal(wr(w, "a", 1), 1);
	pthread_join(t, NULL);
	assert_int_equal(x.rc, VFS_POLLIN | VFS_POLLRDNORM);
	vfs_file_put(r); /* no reader: the write end shows POLLERR */
	assert_int_equal(vfs_poll(w, NULL), VFS_POLLOUT | VFS_POLLWRNORM | VFS_POLLERR);

	/* A registered file closed by everyone else stays alive until the table goes. */
	assert_int_equal(vfs_poll_table_new(&pt), 0);
	assert_int_equal(vfs_poll(w, pt) & VFS_POLLERR, VFS_POLLERR);
	vfs_file_put(w);
	assert_int_equal(vfs_poll_table_sleep(pt, vfs_env_now_ns()), -ETIMEDOUT);
	vfs_poll_table_free(pt);

	/* eventfd: 8 bytes, the counter's limit, semaphore reads. */
	assert_int_equal(vfs_eventfd(0, VFS_O_NONBLOCK | VFS_EFD_SEMAPHORE, &e), 0);
	assert_int_equal(vfs_poll(e, NULL), VFS_POLLOUT | VFS_POLLWRNORM);
	assert_int_equal(rd(e, &v, 8), -EAGAIN);
	assert_int_equal(rd(e, &v, 7), -EINVAL);
	v = ~0ull;
	assert_int_equal(wr(e, &v, 8), -EINVAL);
	v = ~0ull - 1;
	assert_int_equal(wr(e, &v, 8), 8);
	assert_int_equal(vfs_poll(e, NULL), VFS_POLLIN | VFS_POLLRDNORM);
	v = 1;
	assert_int_equal(wr(e, &v, 8), -EAGAIN);
	assert_int_equal(rd(e, &v, 8), 8);
	assert_int_equal(v, 1);
	vfs_file_put(e);
	assert_int_equal(vfs_eventfd(0, 0x10, &e), -EINVAL);
}

static void test_names_and_attributes(void **state)
{
	struct vfs_file *r, *w, *e;
	struct vfs_stat st;
	char name[64], want[64];

	(void)state;
	assert_int_equal(vfs_pipe(0, CR(.uid = 5, .gid = 6), &r, &w), 0);
	assert_int_equal(vfs_getattr(vfs_file_path(r), &st), 0);
	assert_int_equal(st.mode, VFS_S_IFIFO | 0600);
	assert_int_equal(st.uid, 5);
	snprintf(want, sizeof(want), "pipe:[%llu]", (unsigned long long)st.ino);
	assert_int_equal(vfs_path_name(vfs_file_path(w), name, sizeof(name)), strlen(want));
	assert_string_equal(name, want);
	assert_int_equal(vfs_path_name(vfs_file_path(w), name, 4), -ENAMETOOLONG);
	assert_int_equal(vfs_lseek(r, 0, VFS_SEEK_SET), -ESPIPE);
	assert_int_equal(vfs_eventfd(3, 0, &e), 0);
	assert_int_equal(vfs_path_name(vfs_file_path(e), name, sizeof(name)), 20);
	assert_string_equal(name, "anon_inode:[eventfd]");
	assert_int_equal(vfs_getattr(vfs_file_path(e), &st), 0);
	assert_int_equal(st.mode, 0600);
	assert_int_equal(vfs_pipe_get_size(e), -EBADF);
	vfs_file_put(e);
	vfs_file_put(r);
	vfs_file_put(w);
	assert_int_equal(vfs_pipe_set_max_size(0), -EINVAL);
	assert_int_equal(vfs_pipe_set_max_size(5000), 0);
	assert_int_equal(vfs_pipe_max_size(), 8192);
	assert_int_equal(vfs_pipe_set_max_size(CONFIG_VFS_PIPE_MAX_SIZE), 0);
}

/* Out of memory: every allocation of pipe2 and eventfd2 fails cleanly. */
static void test_out_of_memory(void **state)
{
	struct vfs_file *r, *w;
	int rc;

	(void)state;
	for (long budget = 0;; budget++) {
		fake_heap_budget = budget;
		rc = vfs_pipe(0, &T_root, &r, &w);
		fake_heap_budget = -1;
		if (rc == 0)
			break;
		assert_int_equal(rc, -ENOMEM);
	}
	vfs_file_put(r);
	vfs_file_put(w);
	for (long budget = 0;; budget++) {
		fake_heap_budget = budget;
		rc = vfs_eventfd(0, 0, &r);
		fake_heap_budget = -1;
		if (rc == 0)
			break;
		assert_int_equal(rc, -ENOMEM);
	}
	vfs_file_put(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pipe_counts_as_linux, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_packets_keep_write_boundaries, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_blocked_reader_wakes_for_data_eof_and_signal,
	                                    vfs_test_setup, vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_sigpipe_comes_from_the_pipe, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_open_waits_for_the_other_end, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_poll_masks_and_wakeups, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_names_and_attributes, vfs_test_setup,
	                                    vfs_test_teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_memory, vfs_test_setup, vfs_test_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
