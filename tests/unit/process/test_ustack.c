/*
 * The initial user stack: a small layout checked word by word against
 * offsets worked out by hand from Linux's rules, every buffer size up to the
 * one that fits, the riscv64 auxiliary vector, and the real thing: the stack
 * the host's Linux kernel built for this very test, rebuilt byte for byte
 * from its own strings and auxiliary vector (create_elf_tables is the same
 * code on every architecture; only the vector's entries differ).
 */
#include "kit_test.h"
#include <klib/errno.h>
#include <process/linux_arch.h>
#include <process/ustack.h>
#include <stdlib.h>
#include <string.h>

#define T 0x7fff0000ull /* the top of the stack in the hand-made cases */

static int main_argc;
static char **main_argv, **main_envp;

static const uint8_t rnd[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const char *const small_argv[] = {"prog", "-x", NULL};
static const char *const small_envp[] = {"A=1", NULL};

static uint8_t stack[4096]; /* user addresses [T - 4096, T) */

static uint64_t word(uint64_t va)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | stack[va - (T - sizeof(stack)) + (uint64_t)i];
	return v;
}

static const char *str(uint64_t va)
{
	return (const char *)stack + (va - (T - sizeof(stack)));
}

static bool zero(uint64_t from, uint64_t to)
{
	for (uint64_t va = from; va < to; va++)
		if (*str(va))
			return false;
	return true;
}

static void test_riscv64_auxv(void **state)
{
	struct auxv_entry v[LINUX_ARCH_AUXV_MAX];
	struct ustack_exec_info info = {
	    .phdr = 0x10040,
	    .phnum = 7,
	    .entry = 0x10554,
	    .page_size = 4096,
	    .hwcap = 0x112d,
	    .clktck = 100,
	    .cache = {1, 2, 3, 4, 5, 6, 7, 8},
	    .uid = 1,
	    .euid = 2,
	    .gid = 3,
	    .egid = 4,
	};
	static const uint64_t types[] = {
	    AT_SYSINFO_EHDR,
	    AT_L1I_CACHESIZE,
	    AT_L1I_CACHEGEOMETRY,
	    AT_L1D_CACHESIZE,
	    AT_L1D_CACHEGEOMETRY,
	    AT_L2_CACHESIZE,
	    AT_L2_CACHEGEOMETRY,
	    AT_L3_CACHESIZE,
	    AT_L3_CACHEGEOMETRY,
	    AT_IGNORE,
	    AT_HWCAP,
	    AT_PAGESZ,
	    AT_CLKTCK,
	    AT_PHDR,
	    AT_PHENT,
	    AT_PHNUM,
	    AT_BASE,
	    AT_FLAGS,
	    AT_ENTRY,
	    AT_UID,
	    AT_EUID,
	    AT_GID,
	    AT_EGID,
	    AT_SECURE,
	    AT_RANDOM,
	    AT_EXECFN,
	};
	static const uint64_t values[] = {
	    0,       1,  2, 3, 4, 5,       6, 7, 8, 0, 0x112d, 4096, 100,
	    0x10040, 56, 7, 0, 0, 0x10554, 1, 2, 3, 4, 0,      0,    0,
	};
	(void)state;

	assert_int_equal(linux_arch_auxv(v, &info), LINUX_ARCH_AUXV_MAX);
	for (size_t i = 0; i < LINUX_ARCH_AUXV_MAX; i++) {
		if (v[i].type != types[i] || v[i].value != values[i])
			fail_msg("entry %zu: (%lu, %#lx), want (%lu, %#lx)", i,
			         (unsigned long)v[i].type, (unsigned long)v[i].value,
			         (unsigned long)types[i], (unsigned long)values[i]);
	}
	info.minsigstksz = 2048;
	info.secure = true;
	linux_arch_auxv(v, &info);
	assert_int_equal(v[9].type, AT_MINSIGSTKSZ);
	assert_int_equal(v[9].value, 2048);
	assert_int_equal(v[23].value, 1);
}

/* Strings at the top, random bytes, and the vectors at sp (see ustack.h). */
static void test_layout(void **state)
{
	struct auxv_entry aux[LINUX_ARCH_AUXV_MAX];
	struct ustack_exec_info info = {.page_size = 4096, .entry = 0x10554};
	size_t n = linux_arch_auxv(aux, &info);
	struct ustack_args a = {small_argv, small_envp, "/bin/prog", NULL, rnd, 0, aux, n};
	struct ustack_layout l;
	(void)state;

	memset(stack, 0xee, sizeof(stack));
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), 0);
	assert_true(zero(T - 8, T));
	assert_int_equal(l.execfn, T - 18);
	assert_string_equal(str(T - 18), "/bin/prog");
	assert_int_equal(l.env_end, T - 18);
	assert_int_equal(l.env_start, T - 22);
	assert_string_equal(str(T - 22), "A=1");
	assert_string_equal(str(T - 25), "-x");
	assert_int_equal(l.arg_start, T - 30);
	assert_string_equal(str(T - 30), "prog");
	assert_true(zero(T - 32, T - 30));
	assert_int_equal(l.random, T - 48);
	assert_memory_equal(str(T - 48), rnd, 16);
	assert_int_equal(l.platform, 0);
	/* 1 + 3 + 2 + 2 * 27 words = 480 bytes below the random bytes. */
	assert_int_equal(l.sp, T - 528);
	assert_int_equal(word(l.sp), 2);
	assert_int_equal(l.argv, T - 520);
	assert_int_equal(word(T - 520), T - 30);
	assert_int_equal(word(T - 512), T - 25);
	assert_int_equal(word(T - 504), 0);
	assert_int_equal(l.envp, T - 496);
	assert_int_equal(word(T - 496), T - 22);
	assert_int_equal(word(T - 488), 0);
	assert_int_equal(l.auxv, T - 480);
	for (size_t i = 0; i < n; i++) {
		uint64_t want = aux[i].type == AT_RANDOM   ? T - 48
		                : aux[i].type == AT_EXECFN ? T - 18
		                                           : aux[i].value;
		assert_int_equal(word(T - 480 + 16 * i), aux[i].type);
		assert_int_equal(word(T - 472 + 16 * i), want);
	}
	assert_int_equal(word(T - 64), AT_NULL);
	assert_int_equal(word(T - 56), 0);
	assert_true(zero(T - sizeof(stack), T - 528));
}

/* A pad, a platform string (not aligned, as Linux), and a gap above auxv. */
static void test_layout_pad_platform(void **state)
{
	static const struct auxv_entry aux[] = {
	    {AT_PAGESZ, 4096},
	    {AT_RANDOM, 0},
	    {AT_PLATFORM, 0},
	    {AT_EXECFN, 0},
	};
	struct ustack_args a = {small_argv, small_envp, "/bin/prog", "rv64", rnd, 100, aux, 4};
	struct ustack_layout l;
	(void)state;

	memset(stack, 0xee, sizeof(stack));
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), 0);
	assert_int_equal(l.arg_start, T - 30);
	assert_true(zero(T - 144, T - 30)); /* (T - 30 - 100) & ~15 = T - 144 */
	assert_int_equal(l.platform, T - 149);
	assert_string_equal(str(T - 149), "rv64");
	assert_int_equal(l.random, T - 165);
	assert_memory_equal(str(T - 165), rnd, 16);
	/* 1 + 3 + 2 + 2 * 5 words = 128 bytes: (T - 293) & ~15. */
	assert_int_equal(l.sp, T - 304);
	assert_int_equal(l.auxv, T - 256);
	assert_int_equal(word(T - 256 + 16), AT_RANDOM);
	assert_int_equal(word(T - 256 + 24), T - 165);
	assert_int_equal(word(T - 256 + 40), T - 149);
	assert_int_equal(word(T - 256 + 56), T - 18);
	assert_int_equal(word(T - 256 + 64), AT_NULL);
	assert_true(zero(T - 176, T - 165));
}

static void test_sizes(void **state)
{
	struct auxv_entry aux[LINUX_ARCH_AUXV_MAX];
	struct ustack_exec_info info = {.page_size = 4096};
	size_t n = linux_arch_auxv(aux, &info);
	struct ustack_args a = {small_argv, small_envp, "/bin/prog", NULL, rnd, 0, aux, n};
	struct ustack_layout l;
	(void)state;

	/* Exact-size heap buffers: ASan catches any write outside. */
	for (size_t size = 0; size <= 600; size++) {
		uint8_t *buf = malloc(size ? size : 1);
		int r = ustack_build(buf, size, T, &a, &l);
		if (size < 528)
			assert_int_equal(r, -E2BIG);
		else
			assert_true(r == 0 && l.sp == T - 528);
		free(buf);
	}
	a.argv = NULL;
	a.envp = NULL;
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), 0);
	assert_int_equal(word(l.sp), 0);
	assert_int_equal(word(l.argv), 0);
	assert_int_equal(word(l.envp), 0);
	assert_int_equal(l.envp, l.argv + 8);

	a.execfn = NULL;
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), -EINVAL);
	a.execfn = "x";
	assert_int_equal(ustack_build(stack, sizeof(stack), T + 8, &a, &l), -EINVAL);
	a.auxv = NULL;
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), -EINVAL);
	a.nauxv = 0;
	assert_int_equal(ustack_build(stack, sizeof(stack), T, &a, &l), 0);
}

/* ---- the stack the host's kernel made for this process ---- */

static uint64_t aux_value(const uint64_t *auxv, uint64_t type)
{
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == type)
			return auxv[1];
	return 0;
}

static void test_matches_the_host_kernel(void **state)
{
	uint64_t *sp = (uint64_t *)(void *)main_argv - 1;
	char **envp = main_argv + main_argc + 1;
	(void)state;

	/* Find everything the kernel placed, as a program would. */
	assert_int_equal(sp[0], (uint64_t)main_argc);
	assert_ptr_equal(envp, main_envp);
	size_t envc = 0;
	while (envp[envc])
		envc++;
	const uint64_t *kaux = (const uint64_t *)(envp + envc + 1);
	size_t nauxv = 0;
	while (kaux[2 * nauxv] != AT_NULL)
		nauxv++;
	const char *execfn = (const char *)aux_value(kaux, AT_EXECFN);
	const char *platform = (const char *)aux_value(kaux, AT_PLATFORM);
	const uint8_t *random = (const uint8_t *)aux_value(kaux, AT_RANDOM);
	assert_non_null(execfn);
	assert_non_null(random);
	uint64_t top = (uint64_t)execfn + strlen(execfn) + 1 + 8;
	assert_int_equal(top % 4096, 0); /* the end of the stack mapping */

	/* Linux took a random pad below the strings; take the same one. */
	uint64_t above =
	    platform ? (uint64_t)platform + strlen(platform) + 1 : (uint64_t)random + 16;
	uint64_t pad = (uint64_t)main_argv[0] - above;
	assert_true(above % 16 == 0 && pad < 8192 + 16);

	struct auxv_entry *aux = calloc(nauxv, sizeof(*aux));
	for (size_t i = 0; i < nauxv; i++)
		aux[i] = (struct auxv_entry){kaux[2 * i], kaux[2 * i + 1]};
	struct ustack_args a = {
	    (const char *const *)main_argv,
	    (const char *const *)envp,
	    execfn,
	    platform,
	    random,
	    (uint32_t)pad,
	    aux,
	    nauxv,
	};
	size_t size = top - (uint64_t)sp;
	uint8_t *mine = malloc(size);
	struct ustack_layout l;
	assert_int_equal(ustack_build(mine, size, top, &a, &l), 0);
	assert_int_equal(l.sp, (uint64_t)sp);
	for (size_t i = 0; i < size; i++)
		if (mine[i] != ((const uint8_t *)sp)[i])
			fail_msg("differs from the kernel's stack at sp+%zu (top-%zu): %#x vs %#x",
			         i, size - i, mine[i], ((const uint8_t *)sp)[i]);
	free(mine);
	free(aux);
}

/*
 * execve's limit for the strings, as Linux 6.12's bprm_stack_limits: a
 * quarter of the stack rlimit, at most 6 MiB, at least 128 KiB, less a
 * pointer per argument (one at least) and variable. The same figures the
 * hostile program tests/linux/attack/execbomb.c finds on Linux itself.
 */
static void test_arg_limit(void **state)
{
	uint64_t max;
	(void)state;

	assert_int_equal(ustack_arg_limit(8 << 20, 3, 1, &max), 0);
	assert_int_equal(max, (2 << 20) - 4 * 8);
	assert_int_equal(ustack_arg_limit(1 << 20, 1, 0, &max), 0);
	assert_int_equal(max, (256 << 10) - 8);
	assert_int_equal(ustack_arg_limit(256 << 10, 1, 0, &max), 0); /* 64 KiB: raised to 128 */
	assert_int_equal(max, (128 << 10) - 8);
	assert_int_equal(ustack_arg_limit(32 << 20, 1, 0, &max), 0); /* capped at 3/4 of 8 MiB */
	assert_int_equal(max, (6 << 20) - 8);
	assert_int_equal(ustack_arg_limit(~0ull, 0, 2, &max), 0); /* argc 0 needs a pointer too */
	assert_int_equal(max, (6 << 20) - 3 * 8);
	/* 40 000 pointers to "" fit; pointers alone can fill the limit. */
	assert_int_equal(ustack_arg_limit(8 << 20, 40001, 1, &max), 0);
	assert_int_equal(max, (2 << 20) - 40002 * 8);
	assert_int_equal(ustack_arg_limit(256 << 10, 16384, 0, &max), -E2BIG);
	assert_int_equal(ustack_arg_limit(256 << 10, 16383, 0, &max), 0);
	assert_int_equal(max, 8);
	assert_int_equal(ustack_arg_limit(8 << 20, USTACK_ARG_STRINGS_MAX + 1, 0, &max), -E2BIG);
}

int main(int argc, char **argv, char **envp)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_riscv64_auxv),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_layout_pad_platform),
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_matches_the_host_kernel),
	    cmocka_unit_test(test_arg_limit),
	};

	main_argc = argc;
	main_argv = argv;
	main_envp = envp;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
