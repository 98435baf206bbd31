/* The kernel command line: init=, "--", environment words, norandmaps, limits. */
#include <kit_test.h>
#include <klib/errno.h>
#include <process/cmdline.h>
#include <stdio.h>
#include <string.h>

static int parse(const char *line, struct cmdline *cl)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "%s", line);
	return cmdline_parse(buf, cl);
}

static void test_cmdline_init_and_arguments_after_dashes(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("console=ttyS0 init=/bin/prog -- a  b\tc", &cl), 0);
	assert_string_equal(cl.init, "/bin/prog");
	assert_string_equal(cl.argv[0], "/bin/prog");
	assert_string_equal(cl.argv[1], "a");
	assert_string_equal(cl.argv[2], "b");
	assert_string_equal(cl.argv[3], "c");
	assert_null(cl.argv[4]);
}

static void test_cmdline_name_value_words_go_to_the_environment(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("LANG=C init=/x quiet FOO=bar -- X=1", &cl), 0);
	assert_string_equal(cl.envp[0], "HOME=/");
	assert_string_equal(cl.envp[1], "TERM=linux");
	assert_string_equal(cl.envp[2], "LANG=C");
	assert_string_equal(cl.envp[3], "FOO=bar");
	assert_null(cl.envp[4]);
	assert_string_equal(cl.argv[1], "X=1"); /* after "--": an argument */
	assert_null(cl.argv[2]);
	assert_false(cl.norandmaps);
}

/* Linux's "norandmaps" is a kernel option; after "--" it is the program's argument. */
static void test_cmdline_norandmaps(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("norandmaps init=/x -- norandmaps", &cl), 0);
	assert_true(cl.norandmaps);
	assert_string_equal(cl.argv[1], "norandmaps");
	assert_int_equal(parse("init=/x -- norandmaps", &cl), 0);
	assert_false(cl.norandmaps);
}

static void test_cmdline_without_init_is_einval(void **state)
{
	struct cmdline cl;

	(void)state;
	assert_int_equal(parse("", &cl), -EINVAL);
	assert_int_equal(parse("quiet -- a b", &cl), -EINVAL);
	assert_int_equal(parse("init=", &cl), -EINVAL);
	assert_int_equal(parse("-- init=/x", &cl), -EINVAL); /* after "--" it is an argument */
}

static void test_cmdline_too_many_arguments_is_e2big(void **state)
{
	char line[4096] = "init=/x --";
	struct cmdline cl;

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_ARGS - 1; i++)
		strcat(line, " a");
	assert_int_equal(parse(line, &cl), 0); /* argv[0] plus MAX_ARGS - 1 */
	strcat(line, " a");
	assert_int_equal(parse(line, &cl), 0); /* exactly MAX_ARGS after argv[0] */
	strcat(line, " a");
	assert_int_equal(parse(line, &cl), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cmdline_init_and_arguments_after_dashes),
	    cmocka_unit_test(test_cmdline_name_value_words_go_to_the_environment),
	    cmocka_unit_test(test_cmdline_norandmaps),
	    cmocka_unit_test(test_cmdline_without_init_is_einval),
	    cmocka_unit_test(test_cmdline_too_many_arguments_is_e2big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
