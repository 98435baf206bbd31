/*
 * execve argument bombs. Linux counts what arguments cost as the strings'
 * lengths (the path, the environment and the arguments, each with its NUL)
 * plus one pointer per argument and variable, and refuses with E2BIG past
 * min(RLIMIT_STACK / 4, 3/4 of 8 MiB), but never below 128 KiB
 * (fs/exec.c: bprm_stack_limits, copy_strings); one string may hold
 * 32 pages (MAX_ARG_STRLEN, NUL included). This program execs itself:
 *
 *   - 40 000 pointers to one empty string, five times over, while a
 *     bystander keeps mapping, touching and checking memory: the execs
 *     succeed and the bystander is unharmed;
 *   - arguments exactly at the limit (success) and one byte past it
 *     (E2BIG), at the default stack limit and at four others;
 *   - a string of 32 pages (E2BIG) and one a byte shorter (success);
 *   - bad pointers: EFAULT, after ENOENT for a missing program (Linux
 *     opens the program before it reads the arguments);
 *   - no arguments at all: Linux gives the program argv[0] = "".
 *
 * The exec'd program checks what it got and exits 42.
 */
#include "attack.h"
#include <sys/resource.h>
#include <sys/syscall.h>

#define PATH          "/execbomb"
#define STRLEN_MAX    (32 * 4096) /* MAX_ARG_STRLEN, with the NUL */
#define STK_LIM       (8ul << 20)
#define ARG_MAX_LINUX (32 * 4096) /* what Linux always allows */
#define ENVMARK       "EXECBOMB=1"

static volatile int *w;
enum { W_STOP, W_BYSTANDER_ROUNDS };

/* --- the exec'd program: argv[1] says what it should have got --- */

static int exec_side(int argc, char **argv)
{
	size_t want_argc, total = 0;

	if (argc == 1 && argv[0][0] == '\0')
		return 42; /* exec'd with argv = NULL: Linux's "" */
	if (argc < 2 || sscanf(argv[1], "--check=%zu", &want_argc) != 1)
		return 1;
	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	return (size_t)argc == want_argc && total > 0 ? 42 : 2;
}

/* --- the checks --- */

/* Run execve(PATH, argv, envp) in a child: "exec ok" (the program said 42), an errno name, or the
 * status. */
static const char *exec_outcome(char *const *argv, char *const *envp, rlim_t stack)
{
	pid_t c = attack_fork();
	int st;

	if (c == 0) {
		if (stack) {
			struct rlimit r = {stack, RLIM_INFINITY};
			if (setrlimit(RLIMIT_STACK, &r) != 0)
				_exit(100);
		}
		syscall(SYS_execve, PATH, argv, envp); /* raw: bad pointers on purpose */
		_exit(errno);
	}
	if (waitpid(c, &st, 0) != c)
		return "wait failed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 42)
		return "exec ok";
	if (WIFEXITED(st) && WEXITSTATUS(st) < 100)
		return errno_name(WEXITSTATUS(st));
	return wait_str(st);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		printf("execbomb: FATAL: malloc(%zu)\n", n);
		exit(2);
	}
	return p;
}

static char *string_of(size_t len)
{
	char *s = xmalloc(len + 1);

	memset(s, 'x', len);
	s[len] = '\0';
	return s;
}

/* Linux's limit for the strings and pointers, for a stack rlimit. */
static size_t arg_limit(rlim_t stack)
{
	size_t limit = STK_LIM / 4 * 3;

	if (stack != RLIM_INFINITY && stack / 4 < limit)
		limit = stack / 4;
	return limit < ARG_MAX_LINUX ? ARG_MAX_LINUX : limit;
}

/*
 * argv for a total of exactly 'bytes' (path, environment and argument
 * strings with their NULs, plus 8 bytes per pointer): argv[0] = PATH,
 * argv[1] = "--check=N", then strings of at most 32 pages - 1 characters.
 */
static char **argv_of_size(size_t bytes, char *const *envp)
{
	size_t env = 0, nenv = 0, fixed, room, argc, last;
	char check_arg[32], **v;

	for (; envp[nenv]; nenv++)
		env += strlen(envp[nenv]) + 1;
	/* How many big strings: each costs its bytes plus a pointer. */
	fixed = sizeof(PATH) * 2 + sizeof("--check=0000000") + env + 8 * (nenv + 2);
	room = bytes - fixed;
	argc = 2 + (room + STRLEN_MAX + 8 - 1) / (STRLEN_MAX + 8);
	room -= 8 * (argc - 2);
	v = calloc(argc + 1, sizeof(*v));
	snprintf(check_arg, sizeof(check_arg), "--check=%07zu", argc);
	v[0] = PATH;
	v[1] = strdup(check_arg);
	for (size_t i = 2; i < argc; i++) {
		last = room > STRLEN_MAX ? STRLEN_MAX : room;
		v[i] = string_of(last - 1);
		room -= last;
	}
	return v;
}

static void free_argv(char **v)
{
	for (size_t i = 1; v[i]; i++)
		free(v[i]);
	free(v);
}

/* 'stack': the RLIMIT_STACK to exec with (0: the one we have). */
static void at_the_limit(rlim_t stack, const char *name)
{
	char *envp[] = {ENVMARK, NULL};
	struct rlimit now;
	size_t limit;
	char **v;

	getrlimit(RLIMIT_STACK, &now);
	limit = arg_limit(stack ? stack : now.rlim_cur);
	v = argv_of_size(limit, envp);
	check(exec_outcome(v, envp, stack), "exec ok",
	      "RLIMIT_STACK %s: arguments of exactly %zu bytes", name, limit);
	free_argv(v);
	v = argv_of_size(limit + 1, envp);
	check(exec_outcome(v, envp, stack), "E2BIG", "RLIMIT_STACK %s: one byte more", name);
	free_argv(v);
}

static void bystander(void)
{
	unsigned char *keep =
	    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0;

	if (keep == MAP_FAILED)
		_exit(3);
	for (size_t i = 0; i < (1 << 20); i++)
		keep[i] = (unsigned char)(i * 7);
	while (!__atomic_load_n(&w[W_STOP], __ATOMIC_ACQUIRE)) {
		unsigned char *p = mmap(NULL, 64 << 12, PROT_READ | PROT_WRITE,
		                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			for (size_t i = 0; i < (64 << 12); i += 4096)
				p[i] = 1;
			munmap(p, 64 << 12);
		}
		for (size_t i = 0; i < (1 << 20); i += 4096)
			bad += keep[i] != (unsigned char)(i * 7);
		__atomic_fetch_add(&w[W_BYSTANDER_ROUNDS], 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	_exit(bad ? 1 : 0);
}

static void pointer_bomb(void)
{
	enum { N = 40000 };
	char **v = xmalloc((N + 3) * sizeof(*v));
	char *envp[] = {ENVMARK, NULL};
	char check_arg[32];
	pid_t b;

	set_word(&w[W_STOP], 0);
	b = attack_fork();
	if (b == 0)
		bystander();
	snprintf(check_arg, sizeof(check_arg), "--check=%d", N + 2);
	v[0] = PATH;
	v[1] = check_arg;
	for (int i = 2; i < N + 2; i++)
		v[i] = "";
	v[N + 2] = NULL;
	for (int round = 0; round < 5; round++)
		check(exec_outcome(v, envp, 0), "exec ok", "40 000 pointers to \"\", round %d",
		      round + 1);
	set_word(&w[W_STOP], 1);
	check(reap(b), "exited 0", "the bystander, its memory intact");
	free(v);
}

static void string_limits(void)
{
	char *envp[] = {ENVMARK, NULL};
	char *v[] = {PATH, "--check=3", NULL, NULL};

	v[2] = string_of(STRLEN_MAX - 1);
	check(exec_outcome(v, envp, 0), "exec ok", "one argument of 32 pages with its NUL");
	free(v[2]);
	v[2] = string_of(STRLEN_MAX);
	check(exec_outcome(v, envp, 0), "E2BIG", "one argument of 32 pages and a byte");
	free(v[2]);
	char *big_env[] = {string_of(STRLEN_MAX), NULL};
	v[2] = "x";
	check(exec_outcome(v, big_env, 0), "E2BIG",
	      "one environment string of 32 pages and a byte");
	free(big_env[0]);
}

/* execve(path, argv, envp) in a child: the errno it failed with. */
static const char *exec_errno(const char *path, char *const *argv, char *const *envp)
{
	pid_t c = attack_fork();
	int st;

	if (c == 0) {
		syscall(SYS_execve, path, argv, envp);
		_exit(errno);
	}
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? errno_name(WEXITSTATUS(st)) : wait_str(st);
}

static void bad_pointers(void)
{
	char *envp[] = {ENVMARK, NULL};
	char *v[] = {PATH, "--check=2", NULL};
	char *bad_v[] = {PATH, bad_ptr(LOW_ADDR), NULL};
	char *kernel_v[] = {PATH, bad_ptr(KERNEL_ADDR), NULL};

	check(exec_outcome(v, envp, 0), "exec ok", "good arguments");
	check(exec_outcome(bad_ptr(LOW_ADDR), envp, 0), "EFAULT", "argv = (char **)8");
	check(exec_outcome(bad_v, envp, 0), "EFAULT", "argv[1] = (char *)8");
	check(exec_outcome(kernel_v, envp, 0), "EFAULT", "argv[1] = a kernel address");
	check(exec_outcome(v, bad_ptr(LOW_ADDR), 0), "EFAULT", "envp = (char **)8");
	check(exec_outcome(v, bad_v, 0), "EFAULT", "envp[1] = (char *)8");
	check(exec_errno("/no-such-program", bad_ptr(LOW_ADDR), bad_ptr(LOW_ADDR)), "ENOENT",
	      "a missing program with bad argv and envp");
	check(exec_errno(bad_ptr(LOW_ADDR), v, envp), "EFAULT", "path = (char *)8");
	check(exec_errno(bad_ptr(KERNEL_ADDR), v, envp), "EFAULT", "path = a kernel address");
	check(exec_outcome(NULL, NULL, 0), "exec ok",
	      "argv = NULL: the program gets argv[0] = \"\"");
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return 43; /* a kernel that does not give argv[0] = "" (must not run the checks
		              again) */
	if (getenv("EXECBOMB") || (argc == 1 && argv[0][0] == '\0'))
		return exec_side(argc, argv);
	attack_start("execbomb");
	w = shared_words(NULL);
	pointer_bomb();
	at_the_limit(0, "8 MiB (default)");
	at_the_limit(1 << 20, "1 MiB");
	at_the_limit(256 << 10, "256 KiB");
	at_the_limit(32 << 20, "32 MiB");
	at_the_limit(RLIM_INFINITY, "unlimited");
	string_limits();
	bad_pointers();
	return attack_summary();
}
