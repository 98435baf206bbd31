/*
 * A small read-only flattened device tree (DTB) reader: enough for a platform
 * to find its RAM, reserved ranges, timebase, UART, /chosen and friends.
 *
 * Nodes are named by their offset in the structure block (an int >= 0).
 * Every read is bounds-checked against the blob: a corrupt tree yields an
 * error, never a wild read. Functions return a node offset or -ENOENT /
 * -EINVAL.
 */
#ifndef KLIB_FDT_H
#define KLIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu

struct fdt {
	const uint8_t *blob;
	uint32_t size; /* totalsize from the header */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t rsv_off;
};

/* Check the header; 'max' bounds totalsize (0: trust the header). */
int fdt_init(struct fdt *f, const void *blob, size_t max);

/* Node by absolute path ("/", "/chosen", "/cpus", "/soc/serial"); a component
 * without "@unit" matches any unit address. */
int fdt_path(const struct fdt *f, const char *path);

int fdt_root(const struct fdt *f);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
int fdt_parent(const struct fdt *f, int node);

/* The next node in document order after 'node', or -ENOENT. */
int fdt_next_node(const struct fdt *f, int node);

/*
 * The same, keeping track of depth (the root is depth 0): a single pass over
 * the tree with this is the cheap way to read many nodes.
 */
int fdt_next_node_depth(const struct fdt *f, int node, int *depth);

/* "serial@10000000" (the root is ""). */
const char *fdt_name(const struct fdt *f, int node);

/* A property's value and length, or NULL if absent. */
const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len);
bool fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t *out);
/* A string property (checked to be NUL-terminated), or NULL. */
const char *fdt_prop_str(const struct fdt *f, int node, const char *name);

/* Does the node's "compatible" list contain 'compat'? */
bool fdt_is_compatible(const struct fdt *f, int node, const char *compat);
/* First node after 'from' (-1: from the start) compatible with 'compat'. */
int fdt_find_compatible(const struct fdt *f, int from, const char *compat);

/* The index-th (address, size) pair of "reg", using the parent's cell counts. */
int fdt_reg(const struct fdt *f, int node, int index, uint64_t *addr, uint64_t *size);

/* The same with the parent's #address-cells / #size-cells given (no parent lookup). */
int fdt_reg_cells(const struct fdt *f, int node, uint32_t address_cells, uint32_t size_cells,
                  int index, uint64_t *addr, uint64_t *size);

/* A node's #address-cells and #size-cells for its children (defaults 2 and 1). */
void fdt_child_cells(const struct fdt *f, int node, uint32_t *address_cells, uint32_t *size_cells);

/* A big-endian number of 'cells' 32-bit cells (1 or 2). */
uint64_t fdt_read_cells(const void *p, int cells);

/* The index-th entry of the memory reservation block, or -ENOENT after the last. */
int fdt_mem_rsv(const struct fdt *f, int index, uint64_t *addr, uint64_t *size);

#endif
