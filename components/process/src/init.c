/* The first process, and waiting for the last one. */
#include <klib/errno.h>
#include <klib/printf.h>
#include "process_internal.h"

struct process *process_start_init(const char *path, const char *const *argv,
                                   const char *const *envp, int *err)
{
	struct process *p = process_alloc(NULL, false);
	int rc;

	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	if ((rc = process_exec(p, path, argv, envp)) == 0)
		process_publish(p);
	if (rc < 0 || (rc = process_start_task(p)) < 0) {
		if (p->as)
			process_as_retire(p, p->as);
		if (process_abi_ops && process_abi_ops->release)
			process_abi_ops->release(p);
		process_discard(p);
		*err = rc;
		return NULL;
	}
	return p;
}
