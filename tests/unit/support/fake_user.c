/* The fake user mode (fake_user.h). */
#include "fake_user.h"
#include <addr-space/addr_space.h>
#include <stdio.h>
#include <string.h>

#define MAX_PROGRAMS 16
#define AT_NULL      0
#define AT_EXECFN    31 /* the path exec was given */

_Static_assert(sizeof(struct fake_user) <= sizeof(struct hal_user_context),
               "the fake's registers fit the opaque context");

static struct {
	char path[64];
	fake_user_fn fn;
} programs[MAX_PROGRAMS];
static unsigned nprograms;
static unsigned reissued; /* system calls made again in a row (hal_user_run) */

static struct fake_user *regs(struct hal_user_context *uc)
{
	return (struct fake_user *)uc->words;
}

static const struct fake_user *cregs(const struct hal_user_context *uc)
{
	return (const struct fake_user *)uc->words;
}

void fake_user_reset(void)
{
	nprograms = 0;
}

void fake_user_program(const char *path, fake_user_fn fn)
{
	if (nprograms == MAX_PROGRAMS || strlen(path) >= sizeof(programs[0].path)) {
		fprintf(stderr, "fake_user_program: no room for %s\n", path);
		return;
	}
	strcpy(programs[nprograms].path, path);
	programs[nprograms++].fn = fn;
}

int fake_user_read(void *dst, uintptr_t va, size_t len)
{
	return as_copy_from_user(as_active(), dst, va, len);
}

int fake_user_write(uintptr_t va, const void *src, size_t len)
{
	return as_copy_to_user(as_active(), va, src, len);
}

static int read_word(uintptr_t va, uint64_t *w)
{
	return fake_user_read(w, va, sizeof(*w));
}

static int read_string(uintptr_t va, char *buf, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (fake_user_read(&buf[i], va + i, 1) < 0)
			return -1;
		if (!buf[i])
			return 0;
	}
	return -1;
}

long fake_user_argc(const struct fake_user *u)
{
	uint64_t argc;

	return read_word(u->sp0, &argc) < 0 ? -1 : (long)argc;
}

int fake_user_argv(const struct fake_user *u, unsigned i, char *buf, size_t size)
{
	uint64_t ptr;

	if (read_word(u->sp0 + 8 + 8ul * i, &ptr) < 0 || !ptr)
		return -1;
	return read_string(ptr, buf, size);
}

/* AT_EXECFN from the initial stack: past argc, argv[] and envp[] to the auxv pairs. */
static int execfn(uintptr_t sp, char *buf, size_t size)
{
	uint64_t argc, w, type;
	uintptr_t va;

	if (read_word(sp, &argc) < 0)
		return -1;
	va = sp + 8 * (argc + 2); /* argc, argv[], its NULL */
	do {
		if (read_word(va, &w) < 0)
			return -1;
		va += 8;
	} while (w); /* envp[] up to its NULL */
	for (;; va += 16) {
		if (read_word(va, &type) < 0 || read_word(va + 8, &w) < 0 || type == AT_NULL)
			return -1;
		if (type == AT_EXECFN)
			return read_string(w, buf, size);
	}
}

/* The first run of a program: which one it is. */
static int choose(struct fake_user *u)
{
	char path[64];

	u->sp0 = u->sp;
	if (execfn(u->sp, path, sizeof(path)) < 0) {
		fprintf(stderr, "fake user mode: no AT_EXECFN on the initial stack at 0x%lx\n",
		        (unsigned long)u->sp);
		return -1;
	}
	for (unsigned i = 0; i < nprograms; i++)
		if (strcmp(programs[i].path, path) == 0) {
			u->prog = i + 1;
			return 0;
		}
	fprintf(stderr, "fake user mode: no program for %s\n", path);
	return -1;
}

enum hal_user_event hal_user_run(struct hal_user_context *uc, struct hal_user_trap *trap)
{
	struct fake_user *u = regs(uc);

	memset(trap, 0, sizeof(*trap));
	trap->pc = u->pc;
	if (!u->prog && choose(u) < 0)
		return HAL_USER_ILLEGAL; /* as running whatever is there would be */
	/*
	 * Back on the ecall: the same call again. A frame that returns onto
	 * rt_sigreturn's own ecall would loop for ever, as on a real CPU; after
	 * 1000 such calls in a row the program gets control back, so a fuzzed
	 * frame cannot hang a test.
	 */
	if (u->sys_pc && u->pc + 4 == u->sys_pc && reissued++ < 1000) {
		u->pc += 4;
		return HAL_USER_SYSCALL;
	}
	reissued = 0;
	return programs[u->prog - 1].fn(u, trap);
}

enum hal_user_event fake_syscall(struct fake_user *u, unsigned long nr, const unsigned long a[6])
{
	u->nr = nr;
	memcpy(u->a, a, sizeof(u->a));
	u->pc += 4; /* as riscv64's hal: the pc is past the ecall */
	u->sys_pc = u->pc;
	return HAL_USER_SYSCALL;
}

enum hal_user_event fake_fault(struct fake_user *u, struct hal_user_trap *t, uintptr_t addr,
                               enum hal_access access)
{
	t->pc = u->pc;
	t->addr = addr;
	t->access = access;
	t->cause = access == HAL_ACCESS_WRITE ? 15 : access == HAL_ACCESS_EXEC ? 12 : 13;
	return HAL_USER_PAGE_FAULT;
}

enum hal_user_event fake_trap(struct fake_user *u, struct hal_user_trap *t, enum hal_user_event ev)
{
	t->pc = u->pc;
	t->addr = u->pc;
	t->access = HAL_ACCESS_EXEC;
	return ev;
}

void hal_user_init(struct hal_user_context *uc, uintptr_t pc, uintptr_t sp)
{
	memset(uc, 0, sizeof(*uc));
	regs(uc)->pc = pc;
	regs(uc)->sp = sp;
}

uintptr_t hal_user_pc(const struct hal_user_context *uc)
{
	return cregs(uc)->pc;
}

void hal_user_set_pc(struct hal_user_context *uc, uintptr_t pc)
{
	regs(uc)->pc = pc;
}

uintptr_t hal_user_sp(const struct hal_user_context *uc)
{
	return cregs(uc)->sp;
}

void hal_user_set_sp(struct hal_user_context *uc, uintptr_t sp)
{
	regs(uc)->sp = sp;
}

void hal_user_set_tls(struct hal_user_context *uc, uintptr_t tls)
{
	regs(uc)->tls = tls;
}

uintptr_t hal_user_tls(const struct hal_user_context *uc)
{
	return cregs(uc)->tls;
}

unsigned long hal_user_syscall_nr(const struct hal_user_context *uc)
{
	return cregs(uc)->nr;
}

unsigned long hal_user_syscall_arg(const struct hal_user_context *uc, unsigned i)
{
	return i < 6 ? cregs(uc)->a[i] : 0;
}

void hal_user_set_return(struct hal_user_context *uc, long value)
{
	regs(uc)->a[0] = (uint64_t)value;
}

long hal_user_return(const struct hal_user_context *uc)
{
	return (long)cregs(uc)->a[0];
}

/* riscv64's numbering for the registers this fake has: ra..t6 otherwise read 0. */
uint64_t hal_user_reg(const struct hal_user_context *uc, unsigned n)
{
	const struct fake_user *u = cregs(uc);

	if (n == 1)
		return u->ra;
	if (n == 5)
		return u->sys_pc;
	if (n == 2)
		return u->sp;
	if (n == 4)
		return u->tls;
	if (n >= 10 && n <= 15)
		return u->a[n - 10];
	return n == 17 ? u->nr : 0;
}

void hal_user_set_reg(struct hal_user_context *uc, unsigned n, uint64_t value)
{
	struct fake_user *u = regs(uc);

	if (n == 1)
		u->ra = value;
	else if (n == 5)
		u->sys_pc = value;
	else if (n == 2)
		u->sp = value;
	else if (n == 4)
		u->tls = value;
	else if (n >= 10 && n <= 15)
		u->a[n - 10] = value;
	else if (n == 17)
		u->nr = value;
}

void hal_user_syscall_restart(struct hal_user_context *uc, unsigned long arg0)
{
	regs(uc)->pc -= 4;
	regs(uc)->a[0] = arg0;
}

void hal_user_syscall_redirect(struct hal_user_context *uc, unsigned long nr)
{
	regs(uc)->pc -= 4;
	regs(uc)->nr = nr;
}

/* This fake has no FP registers: they read as zeros. */
void hal_user_fp_save(const struct hal_user_context *uc, void *buf, size_t len)
{
	(void)uc;
	memset(buf, 0, len);
}

void hal_user_fp_restore(struct hal_user_context *uc, const void *buf, size_t len)
{
	(void)uc, (void)buf, (void)len;
}

const char *hal_user_reg_name(unsigned n)
{
	static const char *const names[32] = {
	    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
	    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
	    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};

	return n < 32 ? names[n] : NULL;
}
