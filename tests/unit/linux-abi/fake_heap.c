/* kmalloc/kfree over malloc (see fake_heap.h). */
#include "fake_heap.h"
#include <stdlib.h>
#include <string.h>

long fake_heap_live;
long fake_heap_budget = -1;

void *kmalloc(size_t size)
{
	void *p;

	if (fake_heap_budget == 0)
		return NULL;
	if (fake_heap_budget > 0)
		fake_heap_budget--;
	p = malloc(size ? size : 1);
	if (p) {
		memset(p, 0xa5, size); /* garbage: kmalloc does not zero */
		fake_heap_live++;
	}
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

void kfree(void *p)
{
	if (!p)
		return;
	fake_heap_live--;
	free(p);
}
