/*
 * scripts/mkinitrd.py, read back by the cpio reader: the build wrote
 * MKINITRD_CPIO from an executable (stored under its basename), a 5-byte
 * file (as etc/greeting, so etc gets an entry first) and an empty file,
 * then the minimal /etc the script adds (passwd, group, hostname), and
 * MKINITRD_CPIO_AGAIN from the same files later. Names, modes, sizes,
 * inode numbers and contents must come back exactly, in argument order,
 * with nothing after the trailer, and the two runs must be identical; the
 * data of a file of a page or more starts page-aligned in the archive.
 */
#include "kit_test.h"
#include <klib/errno.h>
#include <process/cpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blob {
	char *data;
	size_t size;
};

static struct blob slurp(const char *path)
{
	struct blob b = {0};
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.size = (size_t)n;
	b.data = malloc(b.size + 1);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.size, f), b.size);
	fclose(f);
	return b;
}

struct want {
	const char *name;
	uint32_t mode;
	const char *source; /* the file it came from; NULL for a directory */
};

static const struct want wants[] = {
    {"static_prog.riscv64", 0100755, MKINITRD_PROG},
    {"etc", 0040755, NULL},
    {"etc/greeting", 0100644, MKINITRD_DATA},
    {"mkinitrd-empty", 0100644, MKINITRD_EMPTY},
    /* The minimal /etc, after the given files (etc/ exists by then). */
    {"etc/passwd", 0100644, NULL},
    {"etc/group", 0100644, NULL},
    {"etc/hostname", 0100644, NULL},
};
#define FIRST_ETC 4

/* What the minimal /etc holds: root and nobody with Debian's ids, the node name. */
static const char *const etc_content[] = {
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "root:x:0:\nnobody:x:65534:\n",
    "unikit\n",
};
#define NWANT (sizeof(wants) / sizeof(wants[0]))

static void test_entries_in_order(void **state)
{
	struct blob a = slurp(MKINITRD_CPIO);
	struct cpio_iter it;
	struct cpio_entry e;

	(void)state;
	cpio_iter_init(&it, a.data, a.size);
	for (size_t i = 0; i < NWANT; i++) {
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_string_equal(e.name, wants[i].name);
		assert_int_equal(e.mode, wants[i].mode);
		assert_int_equal(e.ino, i + 1);
		assert_int_equal(e.mtime, 0);
		assert_int_equal(e.uid, 0);
		assert_int_equal(e.gid, 0);
		if (i >= FIRST_ETC) {
			const char *want = etc_content[i - FIRST_ETC];

			assert_int_equal(e.size, strlen(want));
			assert_memory_equal(e.data, want, e.size);
			continue;
		}
		if (!wants[i].source) {
			assert_int_equal(e.size, 0);
			continue;
		}
		struct blob src = slurp(wants[i].source);
		size_t data_off = (size_t)((const char *)e.data - a.data);
		size_t name_end = (size_t)(e.name - a.data) + strlen(e.name) + 1;

		/* A page or more: page-aligned (its name NUL-padded); less: not padded. */
		if (src.size >= 4096)
			assert_int_equal(data_off % 4096, 0);
		else
			assert_int_equal(data_off, (name_end + 3) & ~(size_t)3);
		assert_int_equal(e.size, src.size);
		if (src.size) /* cmocka takes no empty compare */
			assert_memory_equal(e.data, src.data, src.size);
		free(src.data);
	}
	/* Then the trailer, and it is the last thing in the archive. */
	assert_int_equal(cpio_next(&it, &e), 0);
	assert_true(it.done);
	assert_null(it.why);
	assert_int_equal(a.size - it.off, 124); /* 110-byte header + "TRAILER!!!\0", padded */
	free(a.data);
}

static void test_find(void **state)
{
	struct blob a = slurp(MKINITRD_CPIO);
	struct cpio_entry e;

	(void)state;
	assert_int_equal(cpio_find(a.data, a.size, "/static_prog.riscv64", &e, NULL), 0);
	assert_int_equal(e.mode, 0100755);
	assert_int_equal(cpio_find(a.data, a.size, "./etc/greeting", &e, NULL), 0);
	assert_int_equal(e.size, 5);
	assert_memory_equal(e.data, "hello", 5);
	assert_int_equal(cpio_find(a.data, a.size, "mkinitrd-data.txt", &e, NULL), -ENOENT);
	free(a.data);
}

static void test_same_output_twice(void **state)
{
	struct blob a = slurp(MKINITRD_CPIO), b = slurp(MKINITRD_CPIO_AGAIN);

	(void)state;
	assert_int_equal(a.size, b.size);
	assert_memory_equal(a.data, b.data, a.size);
	free(a.data);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries_in_order),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_same_output_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
