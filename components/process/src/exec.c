/*
 * execve: load a static ELF program into a fresh address space and lay out
 * its initial stack as Linux does. Everything is built on the side; the
 * old program is dropped only once the new one is complete, so a failed
 * exec leaves the process exactly as it was (Linux's point of no return).
 */
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/log.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <process/linux_arch.h>
#include <process/ustack.h>
#include <task/task.h>
#include "process_internal.h"

/* The stack area, reserved and filled on demand (Linux's default RLIMIT_STACK is 8 MiB). */
#define STACK_SIZE ((uintptr_t)CONFIG_PROCESS_STACK_MB << 20)
#define STACK_SLACK 1024        /* room for alignment and padding past the counted bytes */

struct loaded {
	struct addr_space *as;
	uintptr_t entry, sp, brk;
};

static uintptr_t page_down(uintptr_t v) { return v & ~(PAGE_SIZE - 1); }
static uintptr_t page_up(uintptr_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* The file being run, as exec sees it. */
struct xfile {
	void *file;
	uint64_t size;
};

/* Read exactly len bytes at off (the ELF checks said they are there). */
static int xread(const struct xfile *x, uint64_t off, void *buf, size_t len)
{
	long n = process_file_ops->read(x->file, off, buf, len);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

/* Copy file bytes into the space, a bounce page at a time. */
static int copy_from_file(struct addr_space *as, const struct xfile *x, uintptr_t va,
			  uint64_t off, uint64_t len)
{
	void *buf = kmalloc(PAGE_SIZE);
	int rc = buf ? 0 : -ENOMEM;

	for (uint64_t done = 0; rc == 0 && done < len; done += PAGE_SIZE) {
		size_t n = (size_t)MIN((uint64_t)PAGE_SIZE, len - done);

		if ((rc = xread(x, off + done, buf, n)) == 0)
			rc = as_copy_to_user(as, va + done, buf, n);
	}
	kfree(buf);
	return rc;
}

static int zero_user(struct addr_space *as, uintptr_t va, size_t len)
{
	static const uint8_t zeros[64];
	int rc = 0;

	for (size_t done = 0; rc == 0 && done < len; done += sizeof(zeros))
		rc = as_copy_to_user(as, va + done, zeros, MIN(sizeof(zeros), len - done));
	return rc;
}

/*
 * One PT_LOAD. With the files' map(): the pages holding file bytes are the
 * file's own (private: shared read-only until written), the rest of the
 * last one zeroed (copying that page), and anonymous pages after them, as
 * Linux's elf_load. Otherwise anonymous memory with the bytes copied in.
 */
static int load_segment(struct addr_space *as, const struct elf_load *l, uint64_t bias,
			const struct xfile *x)
{
	uintptr_t va = l->vaddr + bias, start = page_down(va), end = page_up(va + l->memsz);
	uintptr_t fend = page_up(va + l->filesz);
	unsigned prot = l->prot | AS_PROT_USER, rw = AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER;
	int rc;

	if (!process_file_ops->map || !l->filesz) {
		rc = as_map_anon(as, start, end - start, rw, AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE,
				 NULL);
		if (rc == 0 && l->filesz)
			rc = copy_from_file(as, x, va, l->offset, l->filesz);
		return rc < 0 ? rc : as_protect(as, start, end - start, prot);
	}
	/* Writable for the zeroing of the last file page's tail, if there is a tail. */
	if (l->memsz > l->filesz && fend > va + l->filesz)
		prot |= AS_PROT_WRITE;
	rc = process_file_ops->map(x->file, as, start, fend - start, page_down(l->offset), prot);
	if (rc == 0 && fend > va + l->filesz && l->memsz > l->filesz)
		rc = zero_user(as, va + l->filesz, fend - (va + l->filesz));
	if (rc == 0 && end > fend)
		rc = as_map_anon(as, fend, end - fend, rw, AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE, NULL);
	if (rc == 0)
		rc = as_protect(as, start, end - start, l->prot | AS_PROT_USER);
	return rc;
}

/* The ELF and program headers: the file's first page, or as much as the headers need. */
static int parse(const struct xfile *x, struct elf_image *img, const char **why)
{
	size_t len = (size_t)MIN((uint64_t)PAGE_SIZE, x->size), need = 0;
	uint64_t top = as_user_top() - STACK_SIZE;
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

static size_t strings_size(const char *const *v, size_t *count)
{
	size_t bytes = 0, n = 0;

	for (; v && v[n]; n++)
		bytes += strlen(v[n]) + 1;
	*count = n;
	return bytes;
}

/* The initial stack: built in a kernel buffer, copied to the top of the stack area. */
static int build_stack(struct addr_space *as, const struct elf_image *img, uint64_t bias,
		       const char *path, const char *const *argv, const char *const *envp,
		       const uint32_t ids[4], uintptr_t *sp)
{
	uintptr_t top = as_user_top() & ~15ul;
	size_t argc, envc, bytes, size;
	struct auxv_entry auxv[LINUX_ARCH_AUXV_MAX];
	struct ustack_exec_info info = {
		.phdr = img->phdr + bias, .phnum = img->phnum, .entry = img->entry + bias,
		.page_size = PAGE_SIZE, .hwcap = LINUX_ARCH_HWCAP, .clktck = 100,
		.uid = ids[0], .euid = ids[1], .gid = ids[2], .egid = ids[3],
	};
	uint64_t rnd[2] = {process_random(), process_random()};
	struct ustack_args a = {
		.argv = argv, .envp = envp, .execfn = path, .random = (const uint8_t *)rnd,
		.platform = LINUX_ARCH_PLATFORM,
	};
	struct ustack_layout lay;
	void *buf;
	int rc;

	bytes = strings_size(argv, &argc) + strings_size(envp, &envc) + strlen(path) + 1;
	bytes += (argc + envc + 3) * 8 + sizeof(auxv) * 2 + 16 + STACK_SLACK;
	if (bytes > STACK_SIZE / 4) /* Linux: arguments may use a quarter of the stack limit */
		return -E2BIG;
	size = page_up(bytes);
	rc = as_map_anon(as, top - STACK_SIZE, STACK_SIZE,
			 AS_PROT_READ | AS_PROT_WRITE | AS_PROT_USER,
			 AS_MAP_PRIVATE | AS_MAP_FIXED_NOREPLACE, NULL);
	if (rc < 0)
		return rc;
	a.nauxv = linux_arch_auxv(auxv, &info);
	a.auxv = auxv;
	if (!(buf = kmalloc(size)))
		return -ENOMEM;
	rc = ustack_build(buf, size, top, &a, &lay);
	if (rc == 0)
		rc = as_copy_to_user(as, top - size, buf, size);
	kfree(buf);
	*sp = lay.sp;
	return rc;
}

static int load(struct process *p, const char *path, const char *const *argv,
		const char *const *envp, struct loaded *out)
{
	struct elf_image *img;
	struct xfile x;
	const char *why = NULL;
	uint32_t ids[4] = {0, 0, 0, 0};
	uint64_t bias = 0, end = 0;
	int rc;

	if (!process_file_ops)
		return -ENOENT;
	if ((rc = process_file_ops->open(p, path, &x.file, &x.size)) < 0)
		return rc;
	if (!(img = kmalloc(sizeof(*img)))) {
		rc = -ENOMEM;
		goto out_file;
	}
	if ((rc = parse(&x, img, &why)) < 0) {
		if (rc == -ENOEXEC)
			klog_err("process", "exec %s: not a program this kernel runs: %s", path,
				 why ? why : "?");
		goto out;
	}
	/* static-pie: at two thirds of user space, as Linux's ELF_ET_DYN_BASE. */
	if (img->type == ELF_ET_DYN)
		bias = ((as_user_top() / 3 * 2) & ~(img->max_align - 1)) - img->lo;
	if ((rc = as_create(&out->as)) < 0)
		goto out;
	for (unsigned i = 0; i < img->nloads && rc == 0; i++) {
		rc = load_segment(out->as, &img->loads[i], bias, &x);
		if (img->loads[i].vaddr + img->loads[i].memsz > end)
			end = img->loads[i].vaddr + img->loads[i].memsz;
	}
	if (rc == 0 && process_abi_ops && process_abi_ops->ids)
		rc = process_abi_ops->ids(p, ids);
	if (rc == 0)
		rc = build_stack(out->as, img, bias, path, argv, envp, ids, &out->sp);
	if (rc < 0) {
		as_destroy(out->as);
		goto out;
	}
	out->entry = img->entry + bias;
	out->brk = page_up(end + bias);
out:
	kfree(img);
out_file:
	process_file_ops->close(x.file);
	return rc;
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

int process_exec(struct process *p, const char *path, const char *const *argv,
		 const char *const *envp)
{
	struct addr_space *old = p->as;
	unsigned long flags;
	struct loaded l;
	int rc = load(p, path, argv, envp, &l);

	if (rc < 0)
		return rc;
	/* The point of no return. */
	flags = process_lock();
	p->as = l.as;
	process_unlock(flags);
	if (p->task && p->task == task_current())
		task_set_space(p->task, l.as, activate);
	if (old)
		process_as_retire(p, old); /* its shm attachments close: nattch drops */
	hal_user_init(&p->uc, l.entry, l.sp);
	set_comm(p, path);
	if (process_abi_ops && process_abi_ops->exec)
		process_abi_ops->exec(p, l.brk);
	return 0;
}
