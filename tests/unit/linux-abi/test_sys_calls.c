/*
 * Calls that programs make and that no other test here makes, each checked
 * against what Linux 6.12 answers: sched_getaffinity (of the caller, of a
 * negative tid), uname's fields zero-padded whatever the kernel stack held,
 * getgroups' count, pipe2 with ppoll and pselect6 over it (a timeout under
 * a second, the time left written back; the sets' heap block given back
 * when copying them faults), faccessat, fchmodat2, utimensat's range check,
 * getitimer, mount's relatime default and MS_STRICTATIME, /proc/self/maps'
 * [heap] and [stack], a sigaction's mask, sigtimedwait without a timeout,
 * sigqueueinfo's permission rule, and CLONE_FS's shared working directory.
 *
 * Most tests are a script: the calls in order, with what to put in the
 * program's memory before each and what to read back after it.
 */
#include "abi_test.h"
#include <stdio.h>
#include <string.h>

/* riscv64's numbers (asm-generic), written out as in the other tests. */
#define NR_getcwd            17
#define NR_mkdirat           34
#define NR_mount             40
#define NR_statfs            43
#define NR_faccessat         48
#define NR_chdir             49
#define NR_openat            56
#define NR_close             57
#define NR_pipe2             59
#define NR_read              63
#define NR_write             64
#define NR_pselect6          72
#define NR_ppoll             73
#define NR_newfstatat        79
#define NR_utimensat         88
#define NR_getitimer         102
#define NR_sched_getaffinity 123
#define NR_rt_sigaction      134
#define NR_rt_sigprocmask    135
#define NR_rt_sigtimedwait   137
#define NR_rt_sigqueueinfo   138
#define NR_getgroups         158
#define NR_uname             160
#define NR_fchmodat2         452

#define AT_FDCWD       -100
#define O_RDONLY       0
#define O_RDWR         02
#define O_CREAT        0100
#define F_OK           0
#define W_OK           2
#define POLLIN         0x001
#define ITIMER_REAL    0
#define UTS_LEN        65 /* __NEW_UTS_LEN + 1 */
#define STAT_MODE      16 /* riscv64's struct stat: st_mode */
#define STAT_MTIME     88 /* st_mtime, st_mtime_nsec */
#define STATFS_FLAGS   80 /* riscv64's struct statfs: f_flags */
#define ST_RELATIME    0x1000
#define MS_STRICTATIME (1ul << 24)
#define CLONE_FS       0x200
#define SIGUSR1        10
#define SIGUSR2        12
#define SIG_BLOCK      0
#define SIG_IGN        1
#define SI_QUEUE       -1
#define SIGBIT(s)      (1ul << ((s)-1))

/* An argument in the program's scratch memory: U(offset), made an address at the call. */
#define U_BASE 0x5c000000ul
#define U(off) (U_BASE + (off))

struct call {
	unsigned long nr, a[6];
	const void *put; /* put_len bytes written at U(put_at) before the call */
	size_t put_len;
	unsigned long put_at;
	void (*before)(void); /* called (by the program) before the call, if set */
	size_t get_len;       /* get_len bytes read from U(get_at) after it, into got */
	unsigned long get_at;
	long ret;
	unsigned char got[6 * UTS_LEN];
};

static struct call *script;
static size_t script_len;

static uintptr_t at(struct fake_user *u, unsigned long v)
{
	return v >= U_BASE && v < U_BASE + 8 * PG ? SCRATCH(u) + (v - U_BASE) : v;
}

static enum hal_user_event run_script(struct fake_user *u, struct hal_user_trap *t)
{
	uint64_t i = u->step++;
	unsigned long a[6];
	struct call *c;

	if (i > 0 && i <= script_len) {
		c = &script[i - 1];
		c->ret = fake_ret(u);
		if (c->get_len)
			fake_user_read(c->got, at(u, U(c->get_at)), c->get_len);
	}
	if (i == script_len)
		return SYS(u, NR_exit_group, 0);
	if (i > script_len)
		return fake_trap(u, t, HAL_USER_ILLEGAL);
	c = &script[i];
	if (c->put_len)
		fake_user_write(at(u, U(c->put_at)), c->put, c->put_len);
	if (c->before)
		c->before();
	for (int j = 0; j < 6; j++)
		a[j] = at(u, c->a[j]);
	return fake_syscall(u, c->nr, a);
}

/* Run the script as a program's whole life; it must end with exit_group(0). */
static void run(struct call *calls, size_t n)
{
	script = calls;
	script_len = n;
	for (size_t i = 0; i < n; i++)
		calls[i].ret = 0x7eadbeef;
	proc_test_program("/script", run_script);
	assert_int_equal(abi_run("/script", NULL), EXITED(0));
}

/* A call: its number and arguments. */
#define CALL(n, ...) .nr = (n), .a = {__VA_ARGS__}

#define RUN(calls) run((calls), sizeof(calls) / sizeof((calls)[0]))

static long i64_at(const struct call *c, size_t off)
{
	int64_t v;

	memcpy(&v, c->got + off, sizeof(v));
	return (long)v;
}

static void test_sched_getaffinity_of_the_caller_and_of_no_task(void **state)
{
	struct call c[] = {
	    {CALL(NR_sched_getaffinity, 0, 8, U(0)), .get_len = 8},
	    {CALL(NR_sched_getaffinity, (unsigned long)-1, 8, U(0))},
	    {CALL(NR_sched_getaffinity, 0, 4, U(0))}, /* not a whole number of longs */
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 8); /* the bytes written: min(len, nr_cpu_ids' longs) */
	assert_int_equal(i64_at(&c[0], 0) & 1, 1);
	assert_int_equal(c[1].ret, -ESRCH); /* find_task_by_vpid finds no negative tid */
	assert_int_equal(c[2].ret, -EINVAL);
}

/*
 * Bytes other than 0 on the stack the kernel's call will use: the fake
 * program runs on the process's kernel stack, below the trap's frames.
 * (Not instrumented: ASan could move the array to a stack of its own.)
 */
__attribute__((noinline, no_sanitize("address"))) static void scribble_stack(void)
{
	volatile unsigned char junk[4096];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0x5a;
}

static void test_uname_fields_are_zero_padded(void **state)
{
	struct call c[] = {
	    {CALL(NR_uname, U(0)), .before = scribble_stack, .get_len = 6 * UTS_LEN},
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 0);
	assert_string_equal((char *)c[0].got, "Linux");
	assert_string_equal((char *)c[0].got + 4 * UTS_LEN, "riscv64");
	/* Each field is a NUL-terminated string, the rest of it zeros (Linux's are static). */
	for (int f = 0; f < 6; f++) {
		const unsigned char *p = c[0].got + f * UTS_LEN;
		size_t len = strnlen((const char *)p, UTS_LEN);

		assert_true(len < UTS_LEN);
		for (size_t i = len; i < UTS_LEN; i++)
			if (p[i])
				fail_msg("uname field %d: byte %zu past its string is %#x", f, i,
				         p[i]);
	}
}

static void test_getgroups_counts_with_size_zero(void **state)
{
	struct call c[] = {
	    {CALL(NR_getgroups, 0, 0)},
	    {CALL(NR_getgroups, (unsigned long)-1, U(0))},
	    {CALL(NR_getgroups, 4, U(0))},
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 0); /* the first process has no supplementary groups */
	assert_int_equal(c[1].ret, -EINVAL);
	assert_int_equal(c[2].ret, 0);
}

static long u32_of(const struct call *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->got + off, sizeof(v));
	return (long)v;
}

/* struct pollfd {int fd; short events, revents;} for fd 3, then a timespec of 2 ms. */
static const struct {
	int32_t fd;
	int16_t events, revents;
	int64_t ts[2];
} poll_in = {3, POLLIN, 0, {0, 2000000}};
/* An fd_set with fd 3, then a timespec of 0 (look once). */
static const uint64_t select_in[3] = {1u << 3, 0, 0};

static void test_pipe_poll_and_select(void **state)
{
	struct call c[] = {
	    {CALL(NR_pipe2, U(0), 0), .get_len = 8},
	    /* Nothing to read: ppoll times out after 2 ms and writes back the time left, 0. */
	    {CALL(NR_ppoll, U(64), 1, U(72), 0, 8), .put = &poll_in, .put_len = sizeof(poll_in),
	     .put_at = 64, .get_at = 72, .get_len = 16},
	    {CALL(NR_write, 4, U(64), 1)},
	    {CALL(NR_ppoll, U(64), 1, 0, 0, 8), .get_at = 64, .get_len = 8},
	    {CALL(NR_pselect6, 4, U(128), 0, 0, U(136), 0), .put = select_in,
	     .put_len = sizeof(select_in), .put_at = 128, .get_at = 128, .get_len = 8},
	    {CALL(NR_close, 3)},
	    {CALL(NR_close, 4)},
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 0);
	assert_int_equal(u32_of(&c[0], 0), 3);
	assert_int_equal(u32_of(&c[0], 4), 4);
	assert_int_equal(c[1].ret, 0);
	assert_int_equal(i64_at(&c[1], 0), 0);
	assert_int_equal(i64_at(&c[1], 8), 0);
	assert_int_equal(c[2].ret, 1);
	assert_int_equal(c[3].ret, 1);
	assert_int_equal(u32_of(&c[3], 4) >> 16, POLLIN); /* revents */
	assert_int_equal(c[4].ret, 1);
	assert_int_equal(i64_at(&c[4], 0), 1 << 3);
	assert_int_equal(c[5].ret, 0);
	assert_int_equal(c[6].ret, 0);
}

/* utimensat's two timespecs: good ones, then an atime with nsec out of range. */
static const int64_t times_ok[2][2] = {{1, 0}, {2, 5}}, times_bad[2][2] = {{1, 1000000000}, {2, 0}};

static void test_access_mode_and_times_of_a_file(void **state)
{
	struct call c[] = {
	    {CALL(NR_openat, AT_FDCWD, U(0), O_CREAT | O_RDWR, 0644), .put = "/tmp/m",
	     .put_len = 7},
	    {CALL(NR_faccessat, AT_FDCWD, U(0), W_OK)},
	    {CALL(NR_faccessat, AT_FDCWD, U(16), F_OK), .put = "/tmp/none", .put_len = 10,
	     .put_at = 16},
	    {CALL(NR_faccessat, AT_FDCWD, U(0), 8)}, /* a mode past rwx */
	    {CALL(NR_fchmodat2, AT_FDCWD, U(0), 0600, 0)},
	    {CALL(NR_newfstatat, AT_FDCWD, U(0), U(64), 0), .get_at = 64 + STAT_MODE, .get_len = 4},
	    {CALL(NR_fchmodat2, AT_FDCWD, U(0), 0644, 1)}, /* a flag fchmodat2 does not know */
	    {CALL(NR_utimensat, AT_FDCWD, U(0), U(256), 0), .put = times_ok, .put_len = 32,
	     .put_at = 256},
	    {CALL(NR_newfstatat, AT_FDCWD, U(0), U(64), 0), .get_at = 64 + STAT_MTIME,
	     .get_len = 16},
	    {CALL(NR_utimensat, AT_FDCWD, U(0), U(288), 0), .put = times_bad, .put_len = 32,
	     .put_at = 288},
	    {CALL(NR_getitimer, ITIMER_REAL, U(512)), .get_at = 512, .get_len = 32},
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 3);
	assert_int_equal(c[1].ret, 0);
	assert_int_equal(c[2].ret, -ENOENT);
	assert_int_equal(c[3].ret, -EINVAL);
	assert_int_equal(c[4].ret, 0);
	assert_int_equal(c[5].ret, 0);
	assert_int_equal(u32_of(&c[5], 0), 0100600);
	assert_int_equal(c[6].ret, -EINVAL);
	assert_int_equal(c[7].ret, 0);
	assert_int_equal(i64_at(&c[8], 0), 2);
	assert_int_equal(i64_at(&c[8], 8), 5);
	assert_int_equal(c[9].ret, -EINVAL);
	assert_int_equal(c[10].ret, 0); /* no timer: interval and value 0 */
	for (int i = 0; i < 4; i++)
		assert_int_equal(i64_at(&c[10], 8 * i), 0);
}

/* Two mount points, the type and a source: "/tmp/a", "/tmp/b", "tmpfs", "none". */
static const char mount_names[] = "/tmp/a\0/tmp/b\0tmpfs\0none";

static void test_mount_is_relatime_unless_strictatime(void **state)
{
	struct call c[] = {
	    {CALL(NR_mkdirat, AT_FDCWD, U(0), 0755), .put = mount_names,
	     .put_len = sizeof(mount_names), .put_at = 0},
	    {CALL(NR_mkdirat, AT_FDCWD, U(7), 0755)},
	    {CALL(NR_mount, U(21), U(0), U(14), 0, 0)},
	    {CALL(NR_mount, U(21), U(7), U(14), MS_STRICTATIME, 0)},
	    {CALL(NR_statfs, U(0), U(64)), .get_at = 64 + STATFS_FLAGS, .get_len = 8},
	    {CALL(NR_statfs, U(7), U(64)), .get_at = 64 + STATFS_FLAGS, .get_len = 8},
	};
	(void)state;

	RUN(c);
	for (int i = 0; i < 4; i++)
		assert_int_equal(c[i].ret, 0);
	assert_int_equal(c[4].ret, 0);
	assert_int_equal(c[5].ret, 0);
	assert_int_equal(i64_at(&c[4], 0) & ST_RELATIME, ST_RELATIME); /* Linux's default */
	assert_int_equal(i64_at(&c[5], 0) & ST_RELATIME, 0);
}

/* /proc/self/maps names the area brk grew "[heap]". */
static struct {
	long brk, grown, n;
	int heap_lines, stack_lines;
	char maps[2048];
} hp;

static enum hal_user_event grow_heap_read_maps(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		return SYS(u, NR_brk, 0);
	case 1:
		hp.brk = fake_ret(u);
		return SYS(u, NR_brk, hp.brk + PG);
	case 2:
		hp.grown = fake_ret(u);
		fake_user_write(s, "/proc/self/maps", 16);
		return SYS(u, NR_openat, AT_FDCWD, s, O_RDONLY);
	case 3:
		return SYS(u, NR_read, fake_ret(u), s + 64, sizeof(hp.maps) - 1);
	case 4:
		hp.n = fake_ret(u);
		if (hp.n > 0 && hp.n < (long)sizeof(hp.maps))
			fake_user_read(hp.maps, s + 64, hp.n);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_proc_maps_names_the_heap(void **state)
{
	(void)state;
	proc_test_program("/heap", grow_heap_read_maps);
	assert_int_equal(abi_run("/heap", NULL), EXITED(0));
	assert_int_equal(hp.grown, hp.brk + (long)PG);
	assert_true(hp.n > 0 && hp.n < (long)sizeof(hp.maps));
	/* The line of the area with the brk in it ends in [heap]; the stack's in [stack]. */
	hp.maps[hp.n] = 0;
	for (char *line = hp.maps, *end; *line; line = end + 1) {
		unsigned long lo, hi;

		end = strchr(line, '\n');
		assert_non_null(end);
		*end = 0;
		assert_int_equal(sscanf(line, "%lx-%lx", &lo, &hi), 2);
		if (lo <= (unsigned long)hp.brk && (unsigned long)hp.brk < hi) {
			assert_non_null(strstr(line, "[heap]"));
			hp.heap_lines++;
		} else if (strstr(line, "[heap]")) {
			fail_msg("[heap] on an area without the brk: %s", line);
		}
		if (strstr(line, "[stack]"))
			hp.stack_lines++;
	}
	assert_int_equal(hp.heap_lines, 1);
	assert_int_equal(hp.stack_lines, 1);
}

/*
 * select copies the sets into a heap block: one that fails to copy them
 * (-EFAULT) gives the block back too. Many such calls, and every frame is
 * back at the end (abi_run).
 */
#define SELECTS 100
#define BAD     0x40000000ul /* between the program and its stack: no area */
static long select_rc[SELECTS];

static enum hal_user_event select_often(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t ts = SCRATCH(u);
	const int64_t zero[2] = {0, 0};

	if (u->step == 0)
		fake_user_write(ts, zero, sizeof(zero));
	else if (u->step <= SELECTS)
		select_rc[u->step - 1] = fake_ret(u);
	if (u->step < SELECTS) {
		u->step++;
		return SYS(u, NR_pselect6, 4, BAD, 0, 0, ts, 0);
	}
	if (u->step++ == SELECTS)
		return SYS(u, NR_exit_group, 0);
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_select_gives_its_sets_back(void **state)
{
	(void)state;
	proc_test_program("/selects", select_often);
	assert_int_equal(abi_run("/selects", NULL), EXITED(0));
	for (int i = 0; i < SELECTS; i++)
		assert_int_equal(select_rc[i], -EFAULT);
}

/* riscv64's struct sigaction: handler, flags, mask (no restorer). */
static const uint64_t ign_usr1[3] = {SIG_IGN, 0, SIGBIT(SIGUSR2)}, usr1_set = SIGBIT(SIGUSR1);
/* siginfo heads: signo, errno, code (SI_USER: 0, then SI_QUEUE), the rest 0. */
static const int32_t info_user[32] = {SIGUSR1, 0, 0}, info_queue[32] = {SIGUSR1, 0, SI_QUEUE};

static void test_signal_calls(void **state)
{
	struct call c[] = {
	    /* The mask given with an action comes back with it. */
	    {CALL(NR_rt_sigaction, SIGUSR1, U(0), 0, 8), .put = ign_usr1, .put_len = 24},
	    {CALL(NR_rt_sigaction, SIGUSR1, 0, U(64), 8), .get_at = 64, .get_len = 24},
	    /* A blocked SIGUSR1 (ignored, but blocked: kept), pending: sigtimedwait without a
	     * timeout takes it. */
	    {CALL(NR_rt_sigprocmask, SIG_BLOCK, U(128), 0, 8), .put = &usr1_set, .put_len = 8,
	     .put_at = 128},
	    {CALL(NR_kill, 0, SIGUSR1)},
	    {CALL(NR_rt_sigtimedwait, U(128), U(256), 0, 8), .get_at = 256, .get_len = 4},
	    /* sigqueueinfo to another process: only with a negative code other than SI_TKILL. */
	    {CALL(NR_rt_sigqueueinfo, 99999, SIGUSR1, U(512)), .put = info_user,
	     .put_len = sizeof(info_user), .put_at = 512},
	    {CALL(NR_rt_sigqueueinfo, 99999, SIGUSR1, U(768)), .put = info_queue,
	     .put_len = sizeof(info_queue), .put_at = 768},
	};
	(void)state;

	RUN(c);
	assert_int_equal(c[0].ret, 0);
	assert_int_equal(c[1].ret, 0);
	assert_int_equal(i64_at(&c[1], 0), SIG_IGN);
	assert_int_equal(i64_at(&c[1], 16), SIGBIT(SIGUSR2));
	assert_int_equal(c[2].ret, 0);
	assert_int_equal(c[3].ret, 0);
	assert_int_equal(c[4].ret, SIGUSR1);
	assert_int_equal(u32_of(&c[4], 0), SIGUSR1); /* si_signo */
	assert_int_equal(c[5].ret, -EPERM);          /* before looking the pid up */
	assert_int_equal(c[6].ret, -ESRCH);
}

/* A process made with CLONE_FS shares its parent's working directory: its chdir moves both. */
static struct {
	long child, chdir, status, cwd_len;
	char cwd[16];
} fs;

static enum hal_user_event clone_fs(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, CLONE_FS | SIGCHLD, 0, 0, 0, 0);
	case 1:
		if (fake_ret(u) == 0) { /* the child (it keeps that in a register) */
			u->v[0] = 1;
			fake_user_write(s, "/tmp", 5);
			return SYS(u, NR_chdir, s);
		}
		fs.child = fake_ret(u);
		return SYS(u, NR_wait4, fs.child, s + 64, 0);
	case 2:
		if (u->v[0]) {
			fs.chdir = fake_ret(u);
			return SYS(u, NR_exit_group, 0);
		}
		fs.status = (long)abi_read_u32(s + 64);
		return SYS(u, NR_getcwd, s + 128, sizeof(fs.cwd));
	case 3:
		fs.cwd_len = fake_ret(u);
		fake_user_read(fs.cwd, s + 128, sizeof(fs.cwd) - 1);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_clone_fs_shares_the_working_directory(void **state)
{
	(void)state;
	proc_test_program("/clone-fs", clone_fs);
	assert_int_equal(abi_run("/clone-fs", NULL), EXITED(0));
	assert_true(fs.child > 0);
	assert_int_equal(fs.status, EXITED(0));
	assert_int_equal(fs.chdir, 0);
	assert_int_equal(fs.cwd_len, 5);
	assert_string_equal(fs.cwd, "/tmp");
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	return 0;
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_sched_getaffinity_of_the_caller_and_of_no_task),
	    T(test_uname_fields_are_zero_padded),
	    T(test_getgroups_counts_with_size_zero),
	    T(test_pipe_poll_and_select),
	    T(test_access_mode_and_times_of_a_file),
	    T(test_mount_is_relatime_unless_strictatime),
	    T(test_proc_maps_names_the_heap),
	    T(test_select_gives_its_sets_back),
	    T(test_signal_calls),
	    T(test_clone_fs_shares_the_working_directory),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
