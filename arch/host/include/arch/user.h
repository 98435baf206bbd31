/*
 * The host runs no user code (no CONFIG_HAL_USER). The context exists for
 * the unit tests' fake user mode (tests/unit/support/fake_user.c), which
 * keeps its registers in the words.
 */
#ifndef ARCH_USER_H
#define ARCH_USER_H

#include <stdint.h>

struct hal_user_context {
	_Alignas(16) uint64_t words[32];
};

#endif
