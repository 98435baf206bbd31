/*
 * The initial user stack of a new program, laid out byte for byte as Linux
 * does it (fs/exec.c copies the strings, fs/binfmt_elf.c create_elf_tables
 * builds the rest), from the top down:
 *
 *   top - 8          8 zero bytes
 *                    the program's path (AT_EXECFN points here)
 *                    envp strings, then argv strings below them, each in
 *                    order (argv[0] lowest); the lowest is arg_start
 *   (down to 16)     alignment, after an optional random pad
 *                    the AT_PLATFORM string, if any (no alignment)
 *                    16 random bytes (AT_RANDOM points here)
 *                    0 or 8 bytes, so that sp is 16-byte aligned
 *                    auxv pairs, ending with AT_NULL
 *                    envp[] pointers, NULL
 *                    argv[] pointers, NULL
 *   sp ->            argc
 *
 * The builder writes into a caller-provided buffer that stands for the user
 * addresses [top - size, top), and fills every gap with zeros (Linux's stack
 * pages start zeroed). It never reads or writes outside the buffer.
 */
#ifndef PROCESS_USTACK_H
#define PROCESS_USTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h and the architectures' asm/auxvec.h).
 */
#define AT_NULL              0
#define AT_IGNORE            1
#define AT_PHDR              3
#define AT_PHENT             4
#define AT_PHNUM             5
#define AT_PAGESZ            6
#define AT_BASE              7
#define AT_FLAGS             8
#define AT_ENTRY             9
#define AT_UID               11
#define AT_EUID              12
#define AT_GID               13
#define AT_EGID              14
#define AT_PLATFORM          15
#define AT_HWCAP             16
#define AT_CLKTCK            17
#define AT_SECURE            23
#define AT_RANDOM            25
#define AT_EXECFN            31
#define AT_SYSINFO_EHDR      33
#define AT_L1I_CACHESIZE     40
#define AT_L1I_CACHEGEOMETRY 41
#define AT_L1D_CACHESIZE     42
#define AT_L1D_CACHEGEOMETRY 43
#define AT_L2_CACHESIZE      44
#define AT_L2_CACHEGEOMETRY  45
#define AT_L3_CACHESIZE      46
#define AT_L3_CACHEGEOMETRY  47
#define AT_MINSIGSTKSZ       51

struct auxv_entry {
	uint64_t type, value;
};

struct ustack_args {
	const char *const *argv; /* NULL-terminated; NULL: no arguments */
	const char *const *envp; /* NULL-terminated; NULL: empty */
	const char *execfn;      /* the path given to execve */
	const char *platform;    /* AT_PLATFORM's string (LINUX_ARCH_PLATFORM); NULL: none */
	const uint8_t *random;   /* the 16 bytes AT_RANDOM points to */
	uint32_t pad;            /* bytes dropped below the strings before
	                          * aligning (Linux: random, < 8192; 0: none) */
	/* The auxiliary vector in order, without AT_NULL. The values of
	 * AT_RANDOM, AT_EXECFN and AT_PLATFORM are filled in here. */
	const struct auxv_entry *auxv;
	size_t nauxv;
};

/* User addresses of what was built. */
struct ustack_layout {
	uint64_t sp;               /* argc; the initial stack pointer */
	uint64_t argv, envp, auxv; /* the three arrays */
	uint64_t arg_start, env_start, env_end;
	uint64_t execfn, random, platform;
};

/*
 * Build the stack in 'stack', which is the memory of user addresses
 * [top - size, top); 'top' must be 16-byte aligned. Returns 0, -E2BIG when
 * it does not fit (as execve), or -EINVAL for bad arguments.
 */
int ustack_build(void *stack, size_t size, uint64_t top, const struct ustack_args *a,
                 struct ustack_layout *out);

/* Linux's limits on execve's arguments (fs/exec.c, include/uapi/linux/binfmts.h). */
#define USTACK_ARG_STRLEN_MAX  (32 * 4096ull) /* MAX_ARG_STRLEN: one string, its NUL included */
#define USTACK_ARG_STRINGS_MAX 0x7fffffffull  /* MAX_ARG_STRINGS: arguments, and variables */
#define USTACK_ARG_MIN         (32 * 4096ull) /* what is always allowed, whatever the stack limit */
#define USTACK_STK_LIM         (8ull << 20)   /* _STK_LIM */

/*
 * Linux's bprm_stack_limits: how many bytes the strings (the path, the
 * environment and the arguments, each with its NUL) may take, for a stack
 * rlimit and the counts: min(stack_limit / 4, 3/4 of _STK_LIM), at least
 * 128 KiB, less 8 bytes per argument (at least one: argc 0 gets an empty
 * argv[0]) and per variable. 0 and *strings_max, or -E2BIG.
 */
int ustack_arg_limit(uint64_t stack_limit, uint64_t argc, uint64_t envc, uint64_t *strings_max);

/*
 * The rest of the layout once the strings are in place with the lowest
 * at out->arg_start (what create_elf_tables computes): fills
 * out->platform, random, sp, argv, envp and auxv. -E2BIG if it would
 * reach below 'low'. For a builder that writes the strings itself (execve
 * copies them straight from the old program into the new stack).
 */
int ustack_layout(uint64_t low, size_t argc, size_t envc, const struct ustack_args *a,
                  struct ustack_layout *out);

/* What auxv entry e holds in the built stack (AT_RANDOM, AT_EXECFN, AT_PLATFORM filled in). */
uint64_t ustack_auxv_value(const struct auxv_entry *e, const struct ustack_layout *l);

/* What Linux puts in the auxiliary vector of a static program, for linux_arch_auxv(). */
struct ustack_exec_info {
	uint64_t phdr, phnum, entry; /* from the ELF image, after the load bias */
	uint64_t page_size, hwcap, clktck;
	uint64_t vdso;        /* AT_SYSINFO_EHDR; 0: no vDSO */
	uint64_t minsigstksz; /* 0: AT_IGNORE in its place, as Linux */
	uint64_t cache[8];    /* AT_L1I_CACHESIZE..AT_L3_CACHEGEOMETRY; 0: unknown */
	uint32_t uid, euid, gid, egid;
	bool secure;
};

#endif
