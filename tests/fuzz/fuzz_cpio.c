/*
 * libFuzzer target: the initrd reader (process/cpio.h) on any bytes. Every
 * entry it hands out must lie inside the archive (name NUL-terminated in
 * it, data within it), the walk must end, an error must stay and say why,
 * and finding an entry's own name must succeed.
 */
#include <klib/errno.h>
#include <process/cpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_cpio: %s\n", what);
	abort();
}

static bool inside(const uint8_t *data, size_t size, const void *p, size_t n)
{
	const uint8_t *q = p;

	return q >= data && q <= data + size && (size_t)(data + size - q) >= n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e, first = {0}, found;
	size_t n = 0;
	int rc;

	cpio_iter_init(&it, data, size);
	while ((rc = cpio_next(&it, &e)) == 1) {
		if (!inside(data, size, e.name, 1) ||
		    !inside(data, size, e.name,
		            strnlen(e.name, data + size - (const uint8_t *)e.name) + 1))
			fail("entry name outside the archive or not NUL-terminated in it");
		if (e.size && !inside(data, size, e.data, e.size))
			fail("entry data outside the archive");
		if (n++ == 0)
			first = e;
		if (n > size / 110 + 1)
			fail("more entries than 110-byte headers fit: the walk does not advance");
	}
	if (rc != 0 && rc != -EINVAL)
		fail("cpio_next returned neither 1, 0 nor -EINVAL");
	if (rc == -EINVAL && (!it.why || !*it.why))
		fail("an error without a reason");
	if (cpio_next(&it, &e) != rc)
		fail("the walk's end or error does not stay");
	if (first.name) {
		const char *why = NULL;

		rc = cpio_find(data, size, first.name, &found, &why);
		if (rc != 0)
			fail("the first entry's name is not found");
		if (rc == 0 && !inside(data, size, found.name, 1))
			fail("cpio_find's entry outside the archive");
	}
	return 0;
}
