/*
 * execve's arguments, Linux's way (fs/exec.c: bprm_stack_limits,
 * copy_strings; fs/binfmt_elf.c: create_elf_tables). Each string is
 * measured in the old program's memory and copied straight onto the new
 * program's stack, a page at a time; the limit is Linux's, counted as
 * Linux counts it (every string with its NUL, plus a pointer each). The
 * pointer vectors are then written by walking the strings on the new
 * stack, again a page at a time. So an exec costs the kernel one page
 * however many arguments it has; the arguments cost the new program its
 * own stack pages, charged to the process that execs (the OOM killer sees
 * them, as Linux's acct_arg_size does).
 *
 * A copy that finds no free frame goes to the OOM killer and is tried
 * again; a fatal signal ends a long copy with -EINTR (Linux:
 * fatal_signal_pending in copy_strings).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <process/linux_arch.h>
#include <task/task.h>
#include "exec_internal.h"

/* The AT_PLATFORM string's bytes below the strings (some architectures have none). */
static uint64_t platform_room(const char *platform)
{
	return platform ? strlen(platform) + 1 : 0;
}

/* Room below the strings that the tables need, at most: the vectors, the auxiliary vector, the
 * platform string, the random bytes and two alignments. */
static uint64_t tables_room(size_t argc, size_t envc)
{
	return ((uint64_t)(argc ? argc : 1) + envc + 3 + 2 * (LINUX_ARCH_AUXV_MAX + 1)) * 8 +
	       platform_room(LINUX_ARCH_PLATFORM) + 16 + 32;
}

static bool dying(void)
{
	return task_interrupts(task_current()) & TASK_INTR_FATAL;
}

/* as_copy_*, with the OOM killer's help when a page finds no frame. */
static int copy_in(struct process_exec *x, struct addr_space *as, void *dst, uintptr_t src,
                   size_t n)
{
	int rc;

	while ((rc = as_copy_from_user(as, dst, src, n)) == -ENOMEM && process_oom(x->p) == 0)
		;
	return rc;
}

int exec_copy_out(struct process_exec *x, uintptr_t dst, const void *src, size_t n)
{
	int rc;

	while ((rc = as_copy_to_user(x->as, dst, src, n)) == -ENOMEM && process_oom(x->p) == 0)
		;
	return rc;
}

/* Room for a string of len bytes (its NUL included) below the others: Linux's checks. */
static int take(struct process_exec *x, uint64_t len)
{
	if (len > USTACK_ARG_STRLEN_MAX)
		return -E2BIG; /* valid_arg_len */
	if (x->pos - x->argmin < len)
		return -E2BIG; /* bprm_hit_stack_limit */
	x->pos -= len;
	return 0;
}

static int push_kernel(struct process_exec *x, const char *s)
{
	size_t len = strlen(s) + 1;
	int rc = take(x, len);

	return rc ? rc : exec_copy_out(x, x->pos, s, len);
}

int process_exec_args(struct process_exec *x, size_t argc, size_t envc, uint64_t stack_limit)
{
	uint64_t max, low;
	int rc = ustack_arg_limit(stack_limit, argc, envc, &max);

	if (rc < 0)
		return rc;
	if (x->top)
		return -EINVAL; /* called twice */
	if ((rc = exec_layout(x, stack_limit)) < 0)
		return rc;
	low = x->top - EXEC_STACK_SIZE + tables_room(argc, envc) + x->stack_pad;
	x->argc = argc;
	x->envc = envc;
	x->pos = x->top - 8;
	/* Linux's bound, and this stack area's: the tables must fit below the strings. */
	x->argmin = x->pos - max > low ? x->pos - max : low;
	if (x->argmin > x->pos)
		return -E2BIG;
	if ((rc = push_kernel(x, x->path)) < 0)
		return rc;
	x->execfn = x->pos;
	return 0;
}

int process_exec_push(struct process_exec *x, const char *s)
{
	int rc = push_kernel(x, s);

	if (rc == 0)
		x->pushed++;
	return rc;
}

/* Linux's strnlen_user in the old space: the length with the NUL, 0 on a fault, or more than
 * max for a longer string. */
static uint64_t user_strnlen(struct process_exec *x, uintptr_t s, uint64_t max)
{
	uint64_t len = 0;

	while (len <= max) {
		size_t chunk = PAGE_SIZE - ((s + len) & (PAGE_SIZE - 1)), k;

		if (copy_in(x, x->p->as, x->bounce, s + len, chunk) < 0)
			return 0;
		if ((k = strnlen((const char *)x->bounce, chunk)) < chunk)
			return len + k + 1;
		len += chunk;
	}
	return len;
}

int process_exec_push_user(struct process_exec *x, uintptr_t ustr)
{
	uint64_t len, done;
	int rc;

	if (dying())
		return -EINTR;
	if (!x->p->as || (len = user_strnlen(x, ustr, USTACK_ARG_STRLEN_MAX)) == 0)
		return -EFAULT;
	if ((rc = take(x, len)) < 0)
		return rc;
	for (done = 0; done < len; done += PAGE_SIZE) {
		size_t n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;

		if (dying())
			return -EINTR;
		if (copy_in(x, x->p->as, x->bounce, ustr + done, n) < 0)
			return -EFAULT;
		if ((rc = exec_copy_out(x, x->pos + done, x->bounce, n)) < 0)
			return rc;
	}
	/* Its NUL where it was measured, whatever the old program changed meanwhile. */
	if ((rc = exec_copy_out(x, x->pos + len - 1, "", 1)) < 0)
		return rc;
	x->pushed++;
	return 0;
}

/* Words written in address order through the bounce page. */
struct words {
	struct process_exec *x;
	uint64_t va; /* where buf[0] goes */
	size_t fill;
	int rc;
};

static void emit(struct words *w, uint64_t v)
{
	if (w->fill == PAGE_SIZE) {
		if (w->rc == 0)
			w->rc = exec_copy_out(w->x, w->va, w->x->bounce, w->fill);
		w->va += w->fill;
		w->fill = 0;
	}
	memcpy(w->x->bounce + w->fill, &v, 8); /* the user reads it in the kernel's byte order */
	w->fill += 8;
}

/* The strings on the new stack, walked from the lowest (Linux walks them with strnlen_user). */
struct walk {
	struct process_exec *x;
	uint64_t pos, end;
	int rc;
	uint8_t buf[256];
};

/* The string at w->pos: its address, and w->pos moved past its NUL (never past 'end'). */
static uint64_t next_string(struct walk *w)
{
	uint64_t start = w->pos;

	while (w->pos < w->end && w->rc == 0) {
		size_t n = w->end - w->pos < sizeof(w->buf) ? w->end - w->pos : sizeof(w->buf), k;

		if ((w->rc = copy_in(w->x, w->x->as, w->buf, w->pos, n)) < 0)
			break;
		if ((k = strnlen((const char *)w->buf, n)) < n) {
			w->pos += k + 1;
			return start;
		}
		w->pos += n;
	}
	w->pos = w->end; /* (every pushed string ends with its NUL: not reached) */
	return start;
}

int exec_write_tables(struct process_exec *x, const struct ustack_args *a,
                      struct ustack_layout *out)
{
	struct ustack_layout l = {.arg_start = x->pos, .execfn = x->execfn, .env_end = x->execfn};
	struct words w = {.x = x};
	struct walk strings = {.x = x, .pos = x->pos, .end = x->execfn};
	int rc = ustack_layout(x->top - EXEC_STACK_SIZE, x->argc, x->envc, a, &l);

	if (rc < 0)
		return rc;
	w.va = l.sp;
	emit(&w, x->argc);
	for (size_t i = 0; i < x->argc; i++)
		emit(&w, next_string(&strings));
	emit(&w, 0);
	l.env_start = strings.pos;
	for (size_t i = 0; i < x->envc; i++)
		emit(&w, next_string(&strings));
	emit(&w, 0);
	for (size_t i = 0; i < a->nauxv; i++) {
		emit(&w, a->auxv[i].type);
		emit(&w, ustack_auxv_value(&a->auxv[i], &l));
	}
	emit(&w, AT_NULL);
	emit(&w, 0);
	if (w.rc == 0)
		w.rc = strings.rc;
	if (w.rc == 0 && w.fill)
		w.rc = exec_copy_out(x, w.va, x->bounce, w.fill);
	if (w.rc == 0)
		w.rc = exec_copy_out(x, l.random, a->random, 16);
	if (w.rc == 0 && a->platform)
		w.rc = exec_copy_out(x, l.platform, a->platform, strlen(a->platform) + 1);
	*out = l;
	return w.rc;
}
