/*
 * The cpio newc reader on archives written here the way `cpio -H newc` and
 * the kernel's gen_init_cpio write them, then on every single-bit flip and
 * every truncation of one (never a read outside it: ASan).
 */
#include "kit_test.h"
#include <klib/errno.h>
#include <process/cpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arc {
	uint8_t buf[4096];
	size_t len;
};

static void pad4(struct arc *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* One entry; crc != 0 writes a "070702" header with the data's byte sum. */
static void add(struct arc *a, const char *name, uint32_t mode, const void *data, size_t size,
                int crc)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += ((const uint8_t *)data)[i];
	a->len += (size_t)sprintf(
	    (char *)a->buf + a->len, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
	    crc ? "070702" : "070701", 7u, mode, 0u, 0u, 1u, 1700000000u, (unsigned)size, 0u, 0u,
	    0u, 0u, (unsigned)strlen(name) + 1, crc ? sum : 0u);
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += strlen(name) + 1;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	pad4(a);
}

static void build(struct arc *a)
{
	a->len = 0;
	add(a, ".", CPIO_S_IFDIR | 0755, "", 0, 0);
	add(a, "init", CPIO_S_IFREG | 0755, "#!init", 6, 0);
	add(a, "bin", CPIO_S_IFDIR | 0755, "", 0, 0);
	add(a, "bin/prog", CPIO_S_IFREG | 0644, "hello", 5, 1);
	add(a, "bin/sh", CPIO_S_IFLNK | 0777, "prog", 4, 0);
	add(a, "TRAILER!!!", 0, "", 0, 0);
}

static void test_iterate(void **state)
{
	struct arc a;
	struct cpio_iter it;
	struct cpio_entry e;
	static const char *const names[] = {".", "init", "bin", "bin/prog", "bin/sh"};
	(void)state;

	build(&a);
	cpio_iter_init(&it, a.buf, a.len);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_string_equal(e.name, names[i]);
	}
	assert_int_equal(e.mode, CPIO_S_IFLNK | 0777);
	assert_int_equal(e.size, 4);
	assert_memory_equal(e.data, "prog", 4);
	assert_int_equal(e.mtime, 1700000000u);
	assert_int_equal(e.ino, 7);
	assert_int_equal(cpio_next(&it, &e), 0);
	assert_int_equal(cpio_next(&it, &e), 0); /* and stays at the end */
	assert_null(it.why);
}

static void test_find(void **state)
{
	struct arc a;
	struct cpio_entry e;
	const char *why = "unset";
	(void)state;

	build(&a);
	assert_int_equal(cpio_find(a.buf, a.len, "/bin/prog", &e, &why), 0);
	assert_null(why);
	assert_int_equal(e.size, 5);
	assert_memory_equal(e.data, "hello", 5);
	assert_int_equal(e.mode, CPIO_S_IFREG | 0644);
	assert_int_equal(cpio_find(a.buf, a.len, "bin/prog", &e, NULL), 0);
	assert_int_equal(cpio_find(a.buf, a.len, "./bin/prog", &e, NULL), 0);
	assert_int_equal(cpio_find(a.buf, a.len, "init", &e, NULL), 0);
	assert_memory_equal(e.data, "#!init", 6);
	assert_int_equal(cpio_find(a.buf, a.len, "/bin/pro", &e, NULL), -ENOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "/nothing", &e, NULL), -ENOENT);
	assert_int_equal(cpio_find(a.buf, a.len, NULL, &e, NULL), -EINVAL);
	assert_int_equal(cpio_find(NULL, 0, "init", &e, &why), -EINVAL);
	assert_non_null(why);
}

/*
 * A name field padded with NULs past the name (gen_init_cpio -a, scripts/mkinitrd.py: it
 * page-aligns the data) is the name up to its first NUL, as Linux's unpacker reads it.
 */
static void test_padded_name(void **state)
{
	struct arc a = {.len = 0};
	struct cpio_iter it;
	struct cpio_entry e;
	size_t namesize = 4096 - 110 - 8;
	(void)state;

	a.len = (size_t)sprintf(
	    (char *)a.buf, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
	    CPIO_S_IFREG | 0644u, 0u, 0u, 1u, 0u, 8u, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
	memset(a.buf + a.len, 0, namesize);
	memcpy(a.buf + a.len, "init", 4);
	a.len += namesize;
	assert_int_equal(a.len, 4096 - 8);
	memcpy(a.buf + a.len, "#!abcdef", 8);
	a.len += 8;
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "init");
	assert_ptr_equal(e.data, a.buf + 4096 - 8);
	assert_int_equal(e.size, 8);
	/* The field's last byte must still be a NUL. */
	a.buf[110 + namesize - 1] = 'x';
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
	assert_non_null(strstr(it.why, "NUL-terminated"));
}

struct bad_case {
	const char *name;
	size_t at; /* offset of the byte to set, in the first entry */
	uint8_t value;
	const char *why;
};

static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
	    {"magic", 0, '1', "magic"},
	    {"magic digit", 5, '3', "magic"},
	    {"hex", 6 + 8 * 6 + 3, 'g', "hexadecimal"},
	    /* the characters next to the digits and letters in ASCII */
	    {"hex /", 6 + 8 * 6 + 3, '/', "hexadecimal"},
	    {"hex :", 6 + 8 * 6 + 3, ':', "hexadecimal"},
	    {"hex @", 6 + 8 * 6 + 3, '@', "hexadecimal"},
	    {"hex G", 6 + 8 * 6 + 3, 'G', "hexadecimal"},
	    {"hex `", 6 + 8 * 6 + 3, '`', "hexadecimal"},
	    {"hex space", 6 + 8 * 6 + 3, ' ', "hexadecimal"},
	    /* namesize 0x7f: the name runs past the archive's end */
	    {"namesize", 6 + 8 * 11, '7', "name runs past"},
	    /* namesize 3 for "." (really 2): no NUL where it should be */
	    {"name NUL", 6 + 8 * 11 + 7, '3', "NUL-terminated"},
	    {"filesize", 6 + 8 * 6, '7', "data runs past"},
	};
	struct arc a;
	struct cpio_entry e;
	struct cpio_iter it;
	const char *why;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&a);
		a.buf[cases[i].at] = cases[i].value;
		int r = cpio_find(a.buf, a.len, "bin/prog", &e, &why);
		if (r != -EINVAL || !why || !strstr(why, cases[i].why))
			fail_msg("%s: got %d '%s', want EINVAL '%s'", cases[i].name, r,
			         why ? why : "", cases[i].why);
	}
	/* Either case of a hex letter. */
	for (const char *c = "aAfF"; *c; c++) {
		build(&a);
		a.buf[6 + 7] = (uint8_t)*c; /* the first entry's inode number */
		cpio_iter_init(&it, a.buf, a.len);
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_int_equal(e.ino, (*c | 0x20) - 'a' + 10);
	}
	/* The checksum of the 070702 entry. */
	build(&a);
	uint8_t *h = memmem(a.buf, a.len, "hello", 5);
	assert_non_null(h);
	h[0] = 'j';
	assert_int_equal(cpio_find(a.buf, a.len, "bin/prog", &e, &why), -EINVAL);
	assert_non_null(strstr(why, "checksum"));
	/* No trailer. */
	build(&a);
	assert_int_equal(cpio_find(a.buf, a.len - 124, "nothing", &e, &why), -EINVAL);
	assert_non_null(strstr(why, "TRAILER"));
	/* An error sticks. */
	build(&a);
	a.buf[0] = 'x';
	cpio_iter_init(&it, a.buf, a.len);
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
	a.buf[0] = '0';
	assert_int_equal(cpio_next(&it, &e), -EINVAL);
}

/* Walk a possibly corrupt archive; every entry handed out must lie inside. */
static void walk(const uint8_t *buf, size_t len)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e)) > 0) {
		const uint8_t *d = e.data;
		assert_true(d >= buf && d <= buf + len && e.size <= (size_t)(buf + len - d));
		assert_true((const uint8_t *)e.name > buf &&
		            (const uint8_t *)e.name + strlen(e.name) < buf + len);
	}
	assert_true(r == 0 || (r == -EINVAL && it.why));
}

static void test_every_bit_flip_and_cut(void **state)
{
	struct arc a;
	(void)state;

	build(&a);
	for (size_t i = 0; i < a.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t *bad = malloc(a.len);
			memcpy(bad, a.buf, a.len);
			bad[i] ^= (uint8_t)(1u << bit);
			walk(bad, a.len);
			free(bad);
		}
	}
	for (size_t n = 0; n <= a.len; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		struct cpio_entry e;
		memcpy(cut, a.buf, n);
		walk(cut, n);
		/* Only the whole archive has its trailer. */
		int r = cpio_find(cut, n, "nothing", &e, NULL);
		assert_int_equal(r, n == a.len ? -ENOENT : -EINVAL);
		free(cut);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iterate),
	    cmocka_unit_test(test_padded_name),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_every_bit_flip_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
