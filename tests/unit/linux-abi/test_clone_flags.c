/*
 * clone's and clone3's flag rules (src/clone_flags.c): Linux's errors in
 * Linux's order (kernel_clone, copy_process, clone3_args_valid), then what
 * this kernel refuses with a reason, and the sets glibc uses accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <klib/errno.h>
#include "clone_flags.h"

#define GLIBC_THREAD                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static int check(uint64_t flags, const char **why)
{
	struct lx_clone c = {.flags = flags, .parent_tid = 0x1000, .pidfd = 0x1000};

	return lx_clone_check(&c, false, true, why);
}

static void test_linux_rules(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(CLONE_THREAD, &why), -EINVAL);
	assert_null(why); /* Linux's own refusal: nothing to explain */
	assert_int_equal(check(CLONE_SIGHAND, &why), -EINVAL);
	assert_null(why);
	assert_int_equal(check(CLONE_THREAD | CLONE_SIGHAND, &why), -EINVAL);
	assert_int_equal(check(CLONE_FS | CLONE_NEWNS, &why), -EINVAL);
	assert_int_equal(check(CLONE_FS | CLONE_NEWUSER, &why), -EINVAL);
	assert_int_equal(check(CLONE_PIDFD | CLONE_PARENT_SETTID, &why), -EINVAL);
	assert_null(why);
	assert_int_equal(check(GLIBC_THREAD | CLONE_NEWPID, &why), -EINVAL);
	assert_null(why);
	{
		struct lx_clone c = {.flags = CLONE_PARENT};

		assert_int_equal(lx_clone_check(&c, true, true, &why), -EINVAL);
		assert_null(why);
	}
}

static void test_supported_sets(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(GLIBC_THREAD, &why), 0);
	assert_int_equal(check(CLONE_VM | CLONE_VFORK, &why), 0); /* posix_spawn */
	assert_int_equal(check(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, &why), 0); /* fork */
	assert_int_equal(check(0, &why), 0);
}

static void test_refused_with_a_reason(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(CLONE_VM, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(check(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, &why), -EINVAL);
	assert_non_null(why); /* a thread without CLONE_FILES and CLONE_FS */
	assert_int_equal(check(CLONE_VM | CLONE_SIGHAND | CLONE_VFORK, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(check(CLONE_PARENT, &why), -EINVAL);
	assert_non_null(why);
}

/* copy_namespaces: privilege first, then CLONE_SYSVSEM's undo list; a thread keeps its group's. */
static void test_new_ipc_namespace(void **state)
{
	struct lx_clone c = {.flags = CLONE_NEWIPC};
	const char *why;

	(void)state;
	assert_int_equal(lx_clone_check(&c, false, true, &why), 0);
	assert_int_equal(lx_clone_check(&c, false, false, &why), -EPERM);
	assert_null(why);
	c.flags = CLONE_NEWUTS; /* unsupported, but Linux's EPERM comes first */
	assert_int_equal(lx_clone_check(&c, false, false, &why), -EPERM);
	assert_int_equal(lx_clone_check(&c, false, true, &why), -EINVAL);
	assert_non_null(why);
	c.flags = CLONE_NEWIPC | CLONE_SYSVSEM;
	assert_int_equal(lx_clone_check(&c, false, true, &why), -EINVAL);
	assert_null(why);
	assert_int_equal(lx_clone_check(&c, false, false, &why), -EPERM);
	c.flags = GLIBC_THREAD | CLONE_NEWIPC; /* glibc's threads pass CLONE_SYSVSEM */
	assert_int_equal(lx_clone_check(&c, false, true, &why), -EINVAL);
	assert_null(why);
	c.flags = (GLIBC_THREAD & ~CLONE_SYSVSEM) | CLONE_NEWIPC; /* Linux allows it */
	assert_int_equal(lx_clone_check(&c, false, true, &why), -EINVAL);
	assert_non_null(why);
	c.flags = CLONE_NEWUSER | CLONE_NEWIPC; /* the new user namespace would make it admin */
	assert_int_equal(lx_clone_check(&c, false, false, &why), -EINVAL);
	assert_non_null(why);
}

static void test_unshare(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(lx_unshare_check(0, true, false, &why), 0);
	assert_int_equal(lx_unshare_check(CLONE_NEWIPC, true, true, &why), CLONE_NEWIPC);
	assert_int_equal(lx_unshare_check(CLONE_NEWIPC, true, false, &why), -EPERM);
	assert_null(why);
	assert_int_equal(lx_unshare_check(CLONE_NEWIPC | CLONE_SYSVSEM, true, true, &why),
	                 CLONE_NEWIPC | CLONE_SYSVSEM);
	assert_int_equal(lx_unshare_check(CLONE_SYSVSEM, false, false, &why), CLONE_SYSVSEM);
	/* Pretended while nothing shares them; the implied flags come back. */
	assert_int_equal(lx_unshare_check(CLONE_VM, true, false, &why),
	                 CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
	assert_int_equal(lx_unshare_check(CLONE_SIGHAND, false, true, &why), -EINVAL);
	assert_null(why);
	assert_int_equal(lx_unshare_check(CLONE_THREAD | CLONE_NEWIPC, false, false, &why),
	                 -EINVAL);
	assert_null(why); /* check_unshare_flags before the privilege */
	assert_int_equal(lx_unshare_check(CLONE_SETTLS, true, true, &why), -EINVAL);
	assert_null(why);
	assert_int_equal(lx_unshare_check(CLONE_NEWIPC, false, true, &why), -EINVAL);
	assert_non_null(why); /* Linux moves the calling thread alone */
	assert_int_equal(lx_unshare_check(CLONE_NEWNS, true, false, &why), -EPERM);
	assert_int_equal(lx_unshare_check(CLONE_NEWNS, true, true, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(lx_unshare_check(CLONE_FILES, true, false, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(lx_unshare_check(CLONE_NEWUSER, true, false, &why), -EINVAL);
	assert_non_null(why);
}

static void test_clone3(void **state)
{
	struct lx_clone c = {0};

	(void)state;
	assert_int_equal(lx_clone3_check(&c), 0);
	c.flags = 17; /* a signal in flags */
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.exit_signal = 65};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, .exit_signal = 17};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.stack = 0x1000};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.stack_size = 0x1000};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.set_tid_size = 1};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.set_tid_size = 33, .set_tid = 0x1000};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.flags = CLONE_SIGHAND | CLONE_CLEAR_SIGHAND | CLONE_VM};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.flags = 1ull << 40};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
	c = (struct lx_clone){.flags = CLONE_INTO_CGROUP, .cgroup = 1ull << 31};
	assert_int_equal(lx_clone3_check(&c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux_rules),
	    cmocka_unit_test(test_supported_sets),
	    cmocka_unit_test(test_refused_with_a_reason),
	    cmocka_unit_test(test_new_ipc_namespace),
	    cmocka_unit_test(test_unshare),
	    cmocka_unit_test(test_clone3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
