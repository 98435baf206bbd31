/* Lock names and classes (sync/lockdep.h); the checker is in lockdep.c. */
#include <sync/lockdep.h>

void lock_dep_init(struct lock_dep *d, const char *name, const void *key)
{
	d->name = name ? name : "(unnamed)";
	d->key = key;
	d->cls = 0;
}
