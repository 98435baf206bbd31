/* The kernel command line of a kernel that runs Linux programs: which program runs first, with
 * what. */
#ifndef PROCESS_CMDLINE_H
#define PROCESS_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_ARGS CONFIG_PROCESS_CMDLINE_MAX_ARGS

/*
 * "init=/prog -- arg1 arg2": words before "--" are kernel options (init=
 * names the program; "norandmaps" turns address-space randomization off, as
 * Linux's does; other NAME=value words go to the program's environment, as
 * Linux passes unknown ones), words after it are the program's arguments.
 * Splits 'buf' in place. 0, or -E2BIG past CMDLINE_MAX_ARGS words, -EINVAL
 * without init=.
 */
struct cmdline {
	const char *init;
	bool norandmaps;                        /* the caller sets randomize_va_space to 0 */
	const char *argv[CMDLINE_MAX_ARGS + 2]; /* argv[0] = init, NULL-terminated */
	const char *envp[CMDLINE_MAX_ARGS + 4];
};

int cmdline_parse(char *buf, struct cmdline *out);

#endif
