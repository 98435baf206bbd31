/* Small helpers every component uses; no dependencies, freestanding. */
#ifndef KLIB_COMPILER_H
#define KLIB_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The structure that embeds 'ptr' as its 'member'. */
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Power-of-two alignment; 'a' must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + ((__typeof__(x))(a)-1), (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define IS_POW2(x)       ((x) != 0 && ((x) & ((x)-1)) == 0)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define KIT_UNUSED       __attribute__((unused))
#define KIT_NORETURN     __attribute__((noreturn))
#define KIT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define KIT_WEAK         __attribute__((weak))
#define KIT_ALIGNED(n)   __attribute__((aligned(n)))
#define KIT_SECTION(s)   __attribute__((section(s)))

/* Stop the compiler from caching or reordering memory across this point. */
#define barrier() __asm__ __volatile__("" ::: "memory")

/*
 * One access to a scalar that another CPU may read or write meanwhile (the
 * lock-free peeks at a field its lock guards). Relaxed atomics, not
 * volatile: the same single load or store, but C11 (and ThreadSanitizer)
 * count them as atomic, so such a peek is no data race.
 */
#define READ_ONCE(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

#endif
