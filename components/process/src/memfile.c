/*
 * process_set_files(): programs that are whole files in memory (a table in
 * a test, an initrd read in place), served through the file interface exec
 * uses. Segments are copied into anonymous memory (no map()).
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "process_internal.h"

struct memfile {
	const uint8_t *data;
	size_t size;
};

static process_file_fn find_fn;

static int mem_open(struct process *p, const char *path, void **file, uint64_t *size)
{
	struct memfile *m;
	const void *data;
	size_t n;
	int rc;

	(void)p;
	if (!find_fn)
		return -ENOENT;
	if ((rc = find_fn(path, &data, &n)) < 0)
		return rc;
	if (!(m = kmalloc(sizeof(*m))))
		return -ENOMEM;
	m->data = data;
	m->size = n;
	*file = m;
	*size = n;
	return 0;
}

static long mem_read(void *file, uint64_t off, void *buf, size_t len)
{
	struct memfile *m = file;

	if (off >= m->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, m->size - off);
	memcpy(buf, m->data + off, len);
	return (long)len;
}

static void mem_close(void *file)
{
	kfree(file);
}

static const struct process_files mem_ops = {
    .open = mem_open,
    .read = mem_read,
    .close = mem_close,
};

void process_set_files(process_file_fn find)
{
	find_fn = find;
	process_set_file_ops(find ? &mem_ops : NULL);
}
