#include <stdbool.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <process/cmdline.h>

static char *next_word(char **s)
{
	char *w;

	while (**s == ' ' || **s == '\t' || **s == '\n')
		(*s)++;
	if (!**s)
		return NULL;
	w = *s;
	while (**s && **s != ' ' && **s != '\t' && **s != '\n')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return w;
}

int cmdline_parse(char *buf, struct cmdline *out)
{
	size_t argc = 1, envc = 0;
	bool args = false;
	char *w;

	memset(out, 0, sizeof(*out));
	out->envp[envc++] = "HOME=/";
	out->envp[envc++] = "TERM=linux";
	while ((w = next_word(&buf))) {
		if (args) {
			if (argc > CMDLINE_MAX_ARGS)
				return -E2BIG;
			out->argv[argc++] = w;
		} else if (strcmp(w, "--") == 0) {
			args = true;
		} else if (strncmp(w, "init=", 5) == 0) {
			out->init = w + 5;
		} else if (strcmp(w, "norandmaps") == 0) {
			out->norandmaps = true;
		} else if (strchr(w, '=')) {
			if (envc >= CMDLINE_MAX_ARGS + 2)
				return -E2BIG;
			out->envp[envc++] = w;
		}
		/* other words are options of the kernel (none yet) */
	}
	if (!out->init || !out->init[0])
		return -EINVAL;
	out->argv[0] = out->init;
	return 0;
}
