/*
 * A fake of page-alloc's heap for linux-abi's tests: kmalloc is malloc, so
 * ASan sees every block (overruns, use after free, leaks), with a count of
 * live blocks and a budget that makes kmalloc fail, for the ENOMEM paths.
 */
#ifndef FAKE_HEAP_H
#define FAKE_HEAP_H

#include <page-alloc/page_alloc.h>

extern long fake_heap_live;   /* blocks allocated and not yet freed */
extern long fake_heap_budget; /* kmallocs left before they fail; -1: no limit */

#endif
