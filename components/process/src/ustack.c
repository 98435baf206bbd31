/*
 * The initial user stack, Linux's way (see process/ustack.h for the picture).
 *
 * Linux builds it in two passes: execve copies the path, then envp and argv
 * strings downwards from 8 bytes below the top (each vector from its last
 * string to its first, so the strings end up in order); create_elf_tables
 * then aligns, places the platform string and the random bytes, and puts
 * argc, the pointer arrays and the auxiliary vector at a 16-byte aligned sp
 * computed from the number of words they take. We do the same in one go.
 */
#include <process/ustack.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/string.h>

/* A downward allocator over the buffer; 'cur' is a user address. */
struct cursor {
	uint8_t *buf;
	uint64_t base, cur; /* base: user address of buf[0] */
};

static bool take(struct cursor *c, uint64_t len)
{
	if (c->cur - c->base < len)
		return false;
	c->cur -= len;
	return true;
}

static uint8_t *at(const struct cursor *c, uint64_t va)
{
	return c->buf + (va - c->base);
}

static void put_word(const struct cursor *c, uint64_t va, uint64_t v)
{
	uint8_t *p = at(c, va);

	/* Little-endian, byte by byte: the buffer need not be aligned. */
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static bool copy_str(struct cursor *c, const char *s)
{
	size_t len = strlen(s) + 1;

	if (!take(c, len))
		return false;
	memcpy(at(c, c->cur), s, len);
	return true;
}

/* The strings, top down: path, envp (last first), argv (last first). */
static bool copy_strings(struct cursor *c, const struct ustack_args *a, size_t argc, size_t envc,
                         struct ustack_layout *out)
{
	if (!take(c, 8) || !copy_str(c, a->execfn))
		return false;
	out->execfn = c->cur;
	out->env_end = c->cur;
	for (size_t i = envc; i-- > 0;)
		if (!copy_str(c, a->envp[i]))
			return false;
	out->env_start = c->cur;
	for (size_t i = argc; i-- > 0;)
		if (!copy_str(c, a->argv[i]))
			return false;
	out->arg_start = c->cur;
	return true;
}

int ustack_arg_limit(uint64_t stack_limit, uint64_t argc, uint64_t envc, uint64_t *strings_max)
{
	uint64_t limit = USTACK_STK_LIM / 4 * 3, ptrs;

	if (stack_limit / 4 < limit)
		limit = stack_limit / 4;
	if (limit < USTACK_ARG_MIN)
		limit = USTACK_ARG_MIN; /* Linux always allows 32 pages */
	/* argc 0 gets an empty argv[0], so it needs room for one pointer. */
	if (argc > USTACK_ARG_STRINGS_MAX || envc > USTACK_ARG_STRINGS_MAX)
		return -E2BIG;
	ptrs = ((argc ? argc : 1) + envc) * 8;
	if (limit <= ptrs)
		return -E2BIG;
	*strings_max = limit - ptrs;
	return 0;
}

/*
 * Below the strings (the lowest at out->arg_start): pad, align, platform
 * string, random bytes, then argc and the vectors at a 16-byte aligned sp.
 */
int ustack_layout(uint64_t low, size_t argc, size_t envc, const struct ustack_args *a,
                  struct ustack_layout *out)
{
	uint64_t cur = out->arg_start, words = 1 + (argc + 1) + (envc + 1) + 2 * (a->nauxv + 1);
	uint64_t plat = a->platform ? strlen(a->platform) + 1 : 0;

	/* Each step checked against 'low' before it is taken: nothing wraps. */
	if (cur < low || cur - low < a->pad)
		return -E2BIG;
	cur = ALIGN_DOWN(cur - a->pad, 16);
	if (cur < low || cur - low < plat + 16)
		return -E2BIG;
	cur -= plat;
	out->platform = plat ? cur : 0;
	cur -= 16;
	out->random = cur;
	if ((cur - low) / 8 < words)
		return -E2BIG;
	out->sp = ALIGN_DOWN(cur - words * 8, 16);
	if (out->sp < low)
		return -E2BIG;
	out->argv = out->sp + 8;
	out->envp = out->argv + (argc + 1) * 8;
	out->auxv = out->envp + (envc + 1) * 8;
	return 0;
}

uint64_t ustack_auxv_value(const struct auxv_entry *e, const struct ustack_layout *l)
{
	if (e->type == AT_RANDOM)
		return l->random;
	if (e->type == AT_EXECFN)
		return l->execfn;
	if (e->type == AT_PLATFORM)
		return l->platform;
	return e->value;
}

/* n pointers at 'va' to the consecutive strings from 'str', then NULL;
 * returns the address after the NULL. */
static uint64_t put_pointers(const struct cursor *c, uint64_t va, const char *const *v, size_t n,
                             uint64_t str)
{
	for (size_t i = 0; i < n; i++, va += 8) {
		put_word(c, va, str);
		str += strlen(v[i]) + 1;
	}
	put_word(c, va, 0);
	return va + 8;
}

/* Everything below the strings, into the buffer. */
static bool place_tables(struct cursor *c, const struct ustack_args *a, size_t argc, size_t envc,
                         struct ustack_layout *out)
{
	uint64_t va;

	if (ustack_layout(c->base, argc, envc, a, out) < 0)
		return false;
	if (a->platform)
		memcpy(at(c, out->platform), a->platform, strlen(a->platform) + 1);
	memcpy(at(c, out->random), a->random, 16);
	put_word(c, out->sp, argc);
	put_pointers(c, out->argv, a->argv, argc, out->arg_start);
	va = put_pointers(c, out->envp, a->envp, envc, out->env_start);
	for (size_t i = 0; i < a->nauxv; i++, va += 16) {
		put_word(c, va, a->auxv[i].type);
		put_word(c, va + 8, ustack_auxv_value(&a->auxv[i], out));
	}
	put_word(c, va, AT_NULL);
	put_word(c, va + 8, 0);
	return true;
}

int ustack_build(void *stack, size_t size, uint64_t top, const struct ustack_args *a,
                 struct ustack_layout *out)
{
	if (!stack || !a || !out || !a->execfn || !a->random || (a->nauxv && !a->auxv) ||
	    !IS_ALIGNED(top, 16) || top < size)
		return -EINVAL;

	struct cursor c = {stack, top - size, top};
	size_t argc = count(a->argv), envc = count(a->envp);

	/* Every gap of the final layout reads as zero. */
	memset(stack, 0, size);
	if (!copy_strings(&c, a, argc, envc, out) || !place_tables(&c, a, argc, envc, out))
		return -E2BIG;
	return 0;
}
