/*
 * execve: load a static ELF program into a fresh address space and lay out
 * its initial stack as Linux does, where Linux's layout puts things
 * (process/layout.h: stack top, mmap base, break, randomized as
 * randomize_va_space says). Everything is built on the side; the old
 * program is dropped only once the new one is complete, so a failed exec
 * leaves the process exactly as it was (Linux's point of no return).
 *
 * The steps follow Linux's do_execveat_common: the program is opened
 * through the files' interface (process_exec_open), the arguments counted
 * and limited and the layout picked with the stack limit they are given
 * (process_exec_args, Linux's bprm_stack_limits and the randomized stack
 * top of setup_arg_pages), each string copied onto the new stack
 * (exec_args.c), and only then is the file read as a program and its
 * segments mapped (process_exec_run). Kernel memory stays the same
 * whatever the arguments: they live in the new program's stack pages, as
 * in Linux.
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <process/layout.h>
#include <process/linux_arch.h>
#include <process/linux_sigframe.h>
#include <random/random.h>
#include <task/task.h>
#include "exec_internal.h"

static uintptr_t page_down(uintptr_t v)
{
	return v & ~(PAGE_SIZE - 1);
}
static uintptr_t page_up(uintptr_t v)
{
	return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Read exactly len bytes at off (the ELF checks said they are there). */
static int xread(const struct process_exec *x, uint64_t off, void *buf, size_t len)
{
	long n = process_file_ops->read(x->file, off, buf, len);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

/* Copy file bytes into the new space through the bounce page (the strings are all pushed). */
static int copy_from_file(struct process_exec *x, uintptr_t va, uint64_t off, uint64_t len)
{
	int rc = 0;

	for (uint64_t done = 0; rc == 0 && done < len; done += PAGE_SIZE) {
		size_t n = (size_t)MIN((uint64_t)PAGE_SIZE, len - done);

		if ((rc = xread(x, off + done, x->bounce, n)) == 0)
			rc = exec_copy_out(x, va + done, x->bounce, n);
	}
	return rc;
}

static int zero_user(struct process_exec *x, uintptr_t va, size_t len)
{
	static const uint8_t zeros[64];
	int rc = 0;

	for (size_t done = 0; rc == 0 && done < len; done += sizeof(zeros))
		rc = exec_copy_out(x, va + done, zeros, MIN(sizeof(zeros), len - done));
	return rc;
}

/*
 * One PT_LOAD. With the files' map(): the pages holding file bytes are the
 * file's own (private: shared read-only until written), the rest of the
 * last one zeroed (copying that page), and anonymous pages after them, as
 * Linux's elf_load. Otherwise anonymous memory with the bytes copied in.
 */
static int load_segment(struct process_exec *x, const struct elf_load *l, uint64_t bias)
{
	uintptr_t va = l->vaddr + bias, start = page_down(va), end = page_up(va + l->memsz);
	uintptr_t fend = page_up(va + l->filesz);
	unsigned prot = l->prot | AS_PROT_USER, rw = AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER;
	int rc;

	if (!process_file_ops->map || !l->filesz) {
		rc = as_map_anon(x->as, start, end - start, rw,
		                 AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE, NULL);
		if (rc == 0 && l->filesz)
			rc = copy_from_file(x, va, l->offset, l->filesz);
		return rc < 0 ? rc : as_protect(x->as, start, end - start, prot);
	}
	/* Writable for the zeroing of the last file page's tail, if there is a tail. */
	if (l->memsz > l->filesz && fend > va + l->filesz)
		prot |= AS_PROT_WRITE;
	rc = process_file_ops->map(x->file, x->as, start, fend - start, page_down(l->offset), prot);
	if (rc == 0 && fend > va + l->filesz && l->memsz > l->filesz)
		rc = zero_user(x, va + l->filesz, fend - (va + l->filesz));
	if (rc == 0 && end > fend)
		rc = as_map_anon(x->as, fend, end - fend, rw,
		                 AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE, NULL);
	if (rc == 0)
		rc = as_protect(x->as, start, end - start, l->prot | AS_PROT_USER);
	return rc;
}

/*
 * The ELF and program headers: the file's first page, or as much as the
 * headers need. A fixed program must end below the stack area.
 */
static int parse(const struct process_exec *x, struct elf_image *img, const char **why)
{
	size_t len = (size_t)MIN((uint64_t)PAGE_SIZE, x->size), need = 0;
	uint64_t top = x->top - EXEC_STACK_SIZE;
	uint8_t *head;
	int rc;

	for (;;) {
		if (!(head = kmalloc(len ? len : 1)))
			return -ENOMEM;
		rc = xread(x, 0, head, len);
		if (rc == 0)
			rc = elf_parse_head(head, len, x->size, PAGE_SIZE, top, img, why, &need);
		kfree(head);
		if (rc != -EAGAIN || need <= len)
			return rc;
		len = need;
	}
}

/* The space being built is charged to p while it is (Linux: acct_arg_size). */
static void set_exec_space(struct process *p, struct addr_space *as)
{
	unsigned long flags = process_lock();

	p->exec_as = as;
	process_unlock(flags);
}

int process_exec_open(struct process *p, const char *path, struct process_exec **out)
{
	struct process_exec *x;
	int rc;

	if (!process_file_ops)
		return -ENOENT;
	if (!(x = kzalloc(sizeof(*x))))
		return -ENOMEM;
	x->p = p;
	x->path = path;
	if ((rc = process_file_ops->open(p, path, &x->file, &x->size)) < 0) {
		x->file = NULL; /* the open's error: nothing to close */
		goto fail;
	}
	rc = -ENOMEM;
	if (!(x->bounce = kmalloc(PAGE_SIZE)) || (rc = as_create(&x->as)) < 0)
		goto fail;
	set_exec_space(p, x->as);
	*out = x;
	return 0;
fail:
	process_exec_abort(x);
	return rc;
}

static uint64_t layout_rnd(void *ctx)
{
	(void)ctx;
	return random_u64();
}

/*
 * The new program's layout (Linux's rules, the stack limit, the
 * randomization in force), and its stack area at the top of it, reserved
 * and filled on demand: the strings go in first. Called by
 * process_exec_args, which has the stack limit.
 */
int exec_layout(struct process_exec *x, uint64_t stack_limit)
{
	struct layout l;
	int rc;

	x->lp = (struct layout_params){
	    .user_base = as_user_base(),
	    .user_top = as_user_window(), /* Linux's STACK_TOP and mmap_base: DEFAULT_MAP_WINDOW */
	    .unmapped_base = as_unmapped_base(),
	    .stack_rlimit = stack_limit,
	    .randomize = process_randomize_va_space(),
	    .mmap_rnd_bits = CONFIG_PROCESS_MMAP_RND_BITS,
	    .rnd = layout_rnd,
	};
	layout_pick(&x->lp, &l);
	x->top = l.stack_top & ~15ul;
	x->stack_pad = l.stack_pad;
	if ((rc = as_set_layout(x->as, l.mmap_base, l.bottom_up)) < 0)
		return rc;
	return as_map_anon(x->as, x->top - EXEC_STACK_SIZE, EXEC_STACK_SIZE,
	                   AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER,
	                   AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE, NULL);
}

void process_exec_abort(struct process_exec *x)
{
	if (!x)
		return;
	set_exec_space(x->p, NULL);
	if (x->as)
		as_destroy(x->as);
	if (x->file)
		process_file_ops->close(x->file); /* the new space's mappings hold their own */
	kfree(x->bounce);
	kfree(x);
}

/* A static-pie program goes where an mmap of its whole span would (Linux: a load bias of 0). */
static int place_dyn(struct process_exec *x, const struct elf_image *img, uint64_t *bias)
{
	uintptr_t at;
	int rc = as_find_free(x->as, img->hi - img->lo, img->max_align, 0, &at);

	if (rc == 0)
		*bias = at - img->lo;
	return rc;
}

/* The program's segments; its entry point and the start of its break. */
static int load_program(struct process_exec *x, struct elf_image *img, uint64_t *bias,
                        uintptr_t *brk)
{
	const char *why = NULL;
	uint64_t end = 0;
	int rc;

	if ((rc = parse(x, img, &why)) < 0) {
		if (rc == -ENOEXEC)
			klog_err("process", "exec %s: not a program this kernel runs: %s", x->path,
			         why ? why : "?");
		return rc;
	}
	*bias = 0;
	if (img->type == ELF_ET_DYN && (rc = place_dyn(x, img, bias)) < 0)
		return rc;
	for (unsigned i = 0; i < img->nloads && rc == 0; i++) {
		rc = load_segment(x, &img->loads[i], *bias);
		if (img->loads[i].vaddr + img->loads[i].memsz > end)
			end = img->loads[i].vaddr + img->loads[i].memsz;
	}
	*brk = layout_brk(&x->lp, end + *bias, img->type == ELF_ET_DYN);
	return rc;
}

/* The auxiliary vector and the tables below the strings; sets *sp. */
static int finish_stack(struct process_exec *x, const struct elf_image *img, uint64_t bias,
                        const uint32_t ids[4], struct ustack_layout *l)
{
	struct auxv_entry auxv[LINUX_ARCH_AUXV_MAX];
	struct ustack_exec_info info = {
	    .phdr = img->phdr + bias,
	    .phnum = img->phnum,
	    .entry = img->entry + bias,
	    .page_size = PAGE_SIZE,
	    .hwcap = LINUX_ARCH_HWCAP,
	    .clktck = 100,
	    .uid = ids[0],
	    .euid = ids[1],
	    .gid = ids[2],
	    .egid = ids[3],
	    .minsigstksz = linux_arch_minsigstksz(),
	};
	uint8_t rnd[16];
	struct ustack_args a = {
	    .execfn = x->path,
	    .platform = LINUX_ARCH_PLATFORM,
	    .random = rnd,
	    .pad = x->stack_pad,
	    .auxv = auxv,
	};
	int rc;

	random_bytes(rnd, sizeof(rnd)); /* AT_RANDOM: Linux's get_random_bytes, ready or not */
	a.nauxv = linux_arch_auxv(auxv, &info);
	rc = exec_write_tables(x, &a, l);
	return rc;
}

/*
 * load_elf_binary's start_code..end_data: the executable loads' lowest
 * start and highest file end, every load's highest start and file end.
 */
static void code_and_data(const struct elf_image *img, uint64_t bias, struct process_layout *out)
{
	uint64_t start_code = ~0ull, end_code = 0, start_data = 0, end_data = 0;

	for (unsigned i = 0; i < img->nloads; i++) {
		const struct elf_load *l = &img->loads[i];
		uint64_t end = l->vaddr + l->filesz;

		if ((l->prot & ELF_PROT_EXEC) && l->vaddr < start_code)
			start_code = l->vaddr;
		if ((l->prot & ELF_PROT_EXEC) && end > end_code)
			end_code = end;
		start_data = l->vaddr > start_data ? l->vaddr : start_data;
		end_data = end > end_data ? end : end_data;
	}
	out->start_code = start_code + bias;
	out->end_code = end_code + bias;
	out->start_data = start_data + bias;
	out->end_data = end_data + bias;
}

static void activate(void *space)
{
	as_activate(space);
}

static void set_comm(struct process *p, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	kstrlcpy(p->comm, base, sizeof(p->comm));
}

int process_exec_run(struct process_exec *x)
{
	struct process *p = x->p;
	struct addr_space *old = p->as;
	uint32_t ids[4] = {0, 0, 0, 0};
	struct process_layout layout;
	struct ustack_layout stack;
	struct elf_image *img;
	unsigned long flags;
	uintptr_t brk = 0,
	          entry; /* set by load_program: GCC 12 cannot see it through the error paths */
	uint64_t bias = 0;
	int rc = -EINVAL;

	if (!x->top)
		goto out; /* process_exec_args was not called: no layout, no stack */
	/* Linux: a program run with no arguments gets an empty argv[0]. */
	if (x->argc == 0) {
		if ((rc = process_exec_push(x, "")) < 0)
			goto out;
		x->argc = 1;
	}
	rc = -EINVAL;
	if (x->pushed != x->argc + x->envc)
		goto out; /* the caller pushed fewer strings than it counted */
	rc = -ENOMEM;
	if (!(img = kmalloc(sizeof(*img))))
		goto out;
	rc = load_program(x, img, &bias, &brk);
	if (rc == 0 && process_abi_ops && process_abi_ops->ids)
		rc = process_abi_ops->ids(p, ids);
	if (rc == 0)
		rc = finish_stack(x, img, bias, ids, &stack);
	entry = img->entry + bias;
	code_and_data(img, bias, &layout);
	kfree(img);
	/* Linux's de_thread: the other threads go; p becomes the leader if it was not. */
	if (rc == 0)
		rc = process_dethread(p);
	if (rc < 0)
		goto out;
	/* Linux's exec_mm_release: the old program's robust locks and clear_child_tid. */
	process_futex_exit(p);
	p->clear_child_tid = p->robust_list = 0;
	p->robust_len = 0;
	old = p->as;
	/* The point of no return. Under the tree lock: the OOM killer reads p->as. */
	flags = process_lock();
	p->as = x->as;
	p->exec_as = NULL;
	p->execed = true; /* setpgid() on it is EACCES from now on */
	layout.start_stack = stack.sp;
	layout.arg_start = stack.arg_start;
	layout.arg_end = layout.env_start = stack.env_start;
	layout.env_end = stack.env_end;
	p->layout = layout;
	p->releasing = old != NULL; /* the old space: memory on its way back */
	process_sig_exec_locked(p); /* handlers back to the default; mask and pending stay */
	process_unlock(flags);
	x->as = NULL;
	if (p->task && p->task == task_current())
		task_set_space(p->task, p->as, activate);
	if (old) {
		process_as_retire(p, old); /* /proc's readers finish; shm attachments close */
		flags = process_lock();
		process_oom_released_locked(p);
		process_unlock(flags);
	}
	hal_user_init(&p->uc, entry, stack.sp);
	set_comm(p, x->path);
	process_timers_exec(p); /* Linux's exit_itimers: POSIX timers go, ITIMER_REAL stays */
	if (process_abi_ops && process_abi_ops->exec)
		process_abi_ops->exec(p, brk);
	process_vfork_done(p); /* a CLONE_VFORK parent goes on */
out:
	process_exec_abort(x);
	return rc;
}

int process_exec(struct process *p, const char *path, const char *const *argv,
                 const char *const *envp)
{
	size_t argc = 0, envc = 0;
	struct process_exec *x;
	int rc;

	while (argv && argv[argc])
		argc++;
	while (envp && envp[envc])
		envc++;
	if ((rc = process_exec_open(p, path, &x)) < 0)
		return rc;
	if ((rc = process_exec_args(x, argc, envc, USTACK_STK_LIM)) < 0)
		goto fail;
	for (size_t i = envc; i-- > 0;)
		if ((rc = process_exec_push(x, envp[i])) < 0)
			goto fail;
	for (size_t i = argc; i-- > 0;)
		if ((rc = process_exec_push(x, argv[i])) < 0)
			goto fail;
	return process_exec_run(x);
fail:
	process_exec_abort(x);
	return rc;
}
