/*
 * libFuzzer target: klib's device-tree reader (klib/fdt.h) on any bytes,
 * given as a blob of exactly that many bytes (fdt_init's max). Every reader
 * call a platform makes is made on every node: nothing may read outside the
 * blob (ASan), the walks must end (libFuzzer's -timeout), and what comes
 * back must lie inside the blob.
 */
#include <klib/errno.h>
#include <klib/fdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_fdt: %s\n", what);
	abort();
}

static void check_inside(const uint8_t *blob, size_t size, const void *p, size_t n)
{
	const uint8_t *q = p;

	if (q < blob || q > blob + size || (size_t)(blob + size - q) < n)
		fail("a value points outside the blob");
}

static void read_node(const struct fdt *f, const uint8_t *blob, size_t size, int node)
{
	static const char *const props[] = {
	    "reg",         "compatible",         "device_type", "#address-cells",
	    "#size-cells", "timebase-frequency", "bootargs",    ""};
	uint32_t ac, sc, v;
	uint64_t addr, len;
	const char *name = fdt_name(f, node), *s;
	int n;

	if (name)
		check_inside(blob, size, name, strlen(name) + 1);
	for (unsigned i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		const void *p = fdt_prop(f, node, props[i], &n);
		if (p && n < 0)
			fail("a property with a negative length");
		if (p && n > 0)
			check_inside(blob, size, p, (size_t)n);
		if ((s = fdt_prop_str(f, node, props[i])))
			check_inside(blob, size, s, strlen(s) + 1);
		(void)fdt_prop_u32(f, node, props[i], &v);
	}
	(void)fdt_is_compatible(f, node, "riscv-virtio");
	fdt_child_cells(f, node, &ac, &sc);
	for (int i = 0; i < 4 && fdt_reg(f, node, i, &addr, &len) == 0; i++)
		;
	(void)fdt_reg_cells(f, node, ac, sc, 0, &addr, &len);
	(void)fdt_first_child(f, node);
	(void)fdt_next_sibling(f, node);
	(void)fdt_parent(f, node);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"/",           "/chosen", "/cpus",
	                                    "/soc/serial", "/memory", "//a@1/b"};
	struct fdt f;
	uint64_t addr, len;
	int depth = 0, nodes = 0;

	if (size == 0 || fdt_init(&f, data, size) < 0)
		return 0; /* (a max of 0 means "trust the header") */
	if (f.size > size)
		fail("fdt_init accepted a totalsize beyond the blob");
	for (int node = fdt_root(&f); node >= 0; node = fdt_next_node_depth(&f, node, &depth)) {
		read_node(&f, data, size, node);
		if (++nodes > (int)size)
			fail("more nodes than bytes: the walk does not advance");
	}
	for (int node = fdt_root(&f), n = 0; node >= 0; node = fdt_next_node(&f, node))
		if (++n > (int)size)
			fail("fdt_next_node does not advance");
	for (int node = -1, n = 0; (node = fdt_find_compatible(&f, node, "ns16550a")) >= 0;)
		if (++n > (int)size)
			fail("fdt_find_compatible does not advance");
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)fdt_path(&f, paths[i]);
	for (int i = 0; fdt_mem_rsv(&f, i, &addr, &len) == 0; i++)
		if (i > (int)size)
			fail("more reservations than bytes");
	return 0;
}
