/*
 * The device tree reader, on a tree built here byte by byte (the layout of
 * QEMU virt's in miniature), and on corrupted copies of it: every corruption
 * must give an error or a sane answer, never a read outside the blob (ASan).
 */
#include "kit_test.h"
#include <klib/errno.h>
#include <klib/fdt.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	uint8_t st[4096], str[1024];
	size_t st_len, str_len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void tok(struct builder *b, uint32_t t)
{
	put32(b->st + b->st_len, t);
	b->st_len += 4;
}

static void begin(struct builder *b, const char *name)
{
	size_t n = strlen(name) + 1;

	tok(b, 1);
	memcpy(b->st + b->st_len, name, n);
	b->st_len += (n + 3) & ~(size_t)3;
}

static void end(struct builder *b)
{
	tok(b, 2);
}

static void prop(struct builder *b, const char *name, const void *val, size_t len)
{
	size_t off = b->str_len;

	memcpy(b->str + off, name, strlen(name) + 1);
	b->str_len += strlen(name) + 1;
	tok(b, 3);
	tok(b, (uint32_t)len);
	tok(b, (uint32_t)off);
	memcpy(b->st + b->st_len, val, len);
	b->st_len += (len + 3) & ~(size_t)3;
}

static void prop_cells(struct builder *b, const char *name, int n, ...)
{
	uint8_t v[64];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	prop(b, name, v, 4 * (size_t)n);
}

static void prop_str(struct builder *b, const char *name, const char *s, size_t len)
{
	prop(b, name, s, len ? len : strlen(s) + 1);
}

/* Builds the test tree; returns a malloc'd blob and its size. */
static uint8_t *build_tree(size_t *size)
{
	struct builder b = {0};
	uint8_t *blob;
	size_t rsv_off = 40, st_off = rsv_off + 32, str_off, total;

	begin(&b, "");
	prop_cells(&b, "#address-cells", 1, 2);
	prop_cells(&b, "#size-cells", 1, 2);
	prop_str(&b, "model", "test-board", 0);
	begin(&b, "memory@80000000");
	prop_str(&b, "device_type", "memory", 0);
	prop_cells(&b, "reg", 4, 0, 0x80000000u, 0, 0x08000000u);
	end(&b);
	begin(&b, "cpus");
	prop_cells(&b, "#address-cells", 1, 1);
	prop_cells(&b, "#size-cells", 1, 0);
	prop_cells(&b, "timebase-frequency", 1, 10000000);
	begin(&b, "cpu@0");
	prop_cells(&b, "reg", 1, 0);
	end(&b);
	end(&b);
	begin(&b, "soc");
	prop_cells(&b, "#address-cells", 1, 2);
	prop_cells(&b, "#size-cells", 1, 2);
	begin(&b, "test@100000");
	prop_str(&b, "compatible", "sifive,test1\0sifive,test0\0syscon", 33);
	prop_cells(&b, "reg", 4, 0, 0x100000, 0, 0x1000);
	end(&b);
	begin(&b, "serial@10000000");
	prop_str(&b, "compatible", "ns16550a", 0);
	prop_cells(&b, "reg", 4, 0, 0x10000000, 0, 0x100);
	end(&b);
	end(&b);
	begin(&b, "chosen");
	prop_str(&b, "bootargs", "init=/bin/x", 0);
	end(&b);
	end(&b);
	tok(&b, 9);

	str_off = st_off + b.st_len;
	total = str_off + b.str_len;
	blob = calloc(1, total);
	put32(blob, FDT_MAGIC);
	put32(blob + 4, (uint32_t)total);
	put32(blob + 8, (uint32_t)st_off);
	put32(blob + 12, (uint32_t)str_off);
	put32(blob + 16, (uint32_t)rsv_off);
	put32(blob + 20, 17);
	put32(blob + 24, 16);
	put32(blob + 32, (uint32_t)b.str_len);
	put32(blob + 36, (uint32_t)b.st_len);
	/* One reservation: 0x80000000 + 0x200000 (firmware). */
	put32(blob + rsv_off + 4, 0x80000000u);
	put32(blob + rsv_off + 12, 0x200000);
	memcpy(blob + st_off, b.st, b.st_len);
	memcpy(blob + str_off, b.str, b.str_len);
	*size = total;
	return blob;
}

static void test_paths_and_properties(void **state)
{
	size_t size;
	uint8_t *blob = build_tree(&size);
	struct fdt f;
	uint32_t tb;
	uint64_t addr, len;
	(void)state;

	assert_int_equal(fdt_init(&f, blob, size), 0);
	assert_int_equal(fdt_root(&f), 0);
	assert_string_equal(fdt_name(&f, fdt_root(&f)), "");
	assert_string_equal(fdt_prop_str(&f, 0, "model"), "test-board");

	int cpus = fdt_path(&f, "/cpus");
	assert_true(cpus > 0);
	assert_true(fdt_prop_u32(&f, cpus, "timebase-frequency", &tb));
	assert_int_equal(tb, 10000000);
	assert_int_equal(fdt_path(&f, "/nope"), -ENOENT);
	assert_int_equal(fdt_path(&f, "/soc/serial"), fdt_path(&f, "/soc/serial@10000000"));
	assert_int_equal(fdt_path(&f, "/soc/serial@1"), -ENOENT);

	int mem = fdt_path(&f, "/memory");
	assert_true(mem > 0);
	assert_int_equal(fdt_reg(&f, mem, 0, &addr, &len), 0);
	assert_true(addr == 0x80000000u && len == 0x08000000u);
	assert_int_equal(fdt_reg(&f, mem, 1, &addr, &len), -ENOENT);

	/* cpu@0's parent has #size-cells 0. */
	int cpu = fdt_first_child(&f, cpus);
	assert_string_equal(fdt_name(&f, cpu), "cpu@0");
	assert_int_equal(fdt_parent(&f, cpu), cpus);
	assert_int_equal(fdt_reg(&f, cpu, 0, &addr, &len), 0);
	assert_true(addr == 0 && len == 0);

	int uart = fdt_find_compatible(&f, -1, "ns16550a");
	assert_int_equal(uart, fdt_path(&f, "/soc/serial"));
	assert_int_equal(fdt_reg(&f, uart, 0, &addr, &len), 0);
	assert_true(addr == 0x10000000);
	int test = fdt_find_compatible(&f, -1, "sifive,test0"); /* second string of the list */
	assert_int_equal(test, fdt_path(&f, "/soc/test@100000"));
	assert_true(fdt_is_compatible(&f, test, "syscon"));
	assert_false(fdt_is_compatible(&f, test, "sifive"));
	assert_int_equal(fdt_find_compatible(&f, test, "sifive,test1"), -ENOENT);

	/* Siblings of the root's children, in order. */
	const char *want[] = {"memory@80000000", "cpus", "soc", "chosen"};
	int i = 0;
	for (int n = fdt_first_child(&f, 0); n >= 0; n = fdt_next_sibling(&f, n))
		assert_string_equal(fdt_name(&f, n), want[i++]);
	assert_int_equal(i, 4);

	assert_string_equal(fdt_prop_str(&f, fdt_path(&f, "/chosen"), "bootargs"), "init=/bin/x");
	assert_int_equal(fdt_mem_rsv(&f, 0, &addr, &len), 0);
	assert_true(addr == 0x80000000u && len == 0x200000);
	assert_int_equal(fdt_mem_rsv(&f, 1, &addr, &len), -ENOENT);
	free(blob);
}

static void test_bad_headers(void **state)
{
	size_t size;
	uint8_t *blob = build_tree(&size);
	struct fdt f;
	(void)state;

	assert_int_equal(fdt_init(&f, NULL, 0), -EINVAL);
	assert_int_equal(fdt_init(&f, blob, size - 1), -EINVAL); /* totalsize beyond the buffer */
	blob[0] ^= 1;
	assert_int_equal(fdt_init(&f, blob, size), -EINVAL);
	blob[0] ^= 1;
	put32(blob + 8, 0xfffffff0u); /* structure block outside the blob */
	assert_int_equal(fdt_init(&f, blob, size), -EINVAL);
	free(blob);

	/* A buffer shorter than the header, with its size given: no read past it
	 * (found by tests/fuzz/fuzz_fdt.c; ASan reports a read of the size field). */
	uint8_t *magic = malloc(4);
	put32(magic, FDT_MAGIC);
	assert_int_equal(fdt_init(&f, magic, 4), -EINVAL);
	free(magic);
}

/* Walk everything the API offers; the results do not matter, only safety. */
static void exercise(const struct fdt *f)
{
	uint64_t a, s;
	uint32_t v;
	int steps = 0;

	for (int n = fdt_root(f); n >= 0 && steps < 1000; n = fdt_next_node(f, n), steps++) {
		(void)fdt_name(f, n);
		(void)fdt_prop_u32(f, n, "reg", &v);
		(void)fdt_prop_str(f, n, "compatible");
		(void)fdt_is_compatible(f, n, "ns16550a");
		(void)fdt_reg(f, n, 0, &a, &s);
		(void)fdt_parent(f, n);
		(void)fdt_first_child(f, n);
		(void)fdt_next_sibling(f, n);
	}
	(void)fdt_path(f, "/soc/serial");
	(void)fdt_find_compatible(f, -1, "syscon");
	for (int i = 0; i < 4; i++)
		(void)fdt_mem_rsv(f, i, &a, &s);
}

static void test_every_single_byte_corruption_is_safe(void **state)
{
	size_t size;
	uint8_t *good = build_tree(&size);
	(void)state;

	for (size_t i = 0; i < size; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			/* An exact-size heap copy, so ASan sees any read past the end. */
			uint8_t *bad = malloc(size);
			struct fdt f;
			memcpy(bad, good, size);
			bad[i] ^= (uint8_t)(1u << bit);
			if (fdt_init(&f, bad, size) == 0)
				exercise(&f);
			free(bad);
		}
	}
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths_and_properties),
	    cmocka_unit_test(test_bad_headers),
	    cmocka_unit_test(test_every_single_byte_corruption_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
