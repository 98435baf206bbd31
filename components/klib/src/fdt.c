/*
 * Flattened device tree reader (DTSpec v0.3, version 17 blobs).
 * The structure block is a stream of big-endian tokens: BEGIN_NODE + name,
 * PROP + (len, nameoff) + value, END_NODE, NOP, END; all 4-byte aligned.
 */
#include <klib/fdt.h>
#include <klib/errno.h>
#include <klib/string.h>

enum { TOK_BEGIN = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

#define MAX_DEPTH 32

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_read_cells(const void *p, int cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | be32(b + 4 * i);
	return v;
}

int fdt_init(struct fdt *f, const void *blob, size_t max)
{
	const uint8_t *b = blob;
	uint32_t size, version;

	/* The header is 40 bytes: a smaller 'max' cannot even hold it. */
	if (!blob || (max && max < 40) || be32(b) != FDT_MAGIC)
		return -EINVAL;
	size = be32(b + 4);
	version = be32(b + 20);
	if (size < 40 || (max && size > max) || version < 16)
		return -EINVAL;
	f->blob = b;
	f->size = size;
	f->struct_off = be32(b + 8);
	f->strings_off = be32(b + 12);
	f->rsv_off = be32(b + 16);
	f->strings_size = be32(b + 32);
	f->struct_size = version >= 17 ? be32(b + 36) : size - f->struct_off;
	if (f->struct_off > size || f->struct_size > size - f->struct_off ||
	    f->strings_off > size || f->strings_size > size - f->strings_off || f->rsv_off > size ||
	    (f->struct_off | f->rsv_off) & 3)
		return -EINVAL;
	return 0;
}

static int token_at(const struct fdt *f, int off)
{
	if (off < 0 || (uint32_t)off + 4 > f->struct_size)
		return -EINVAL;
	return (int)be32(f->blob + f->struct_off + (uint32_t)off);
}

/* Offset just past the token at 'off' (and its payload), or -EINVAL. */
static int skip_token(const struct fdt *f, int off)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t end = f->struct_size, p = (uint32_t)off + 4;
	int tok = token_at(f, off);

	switch (tok) {
	case TOK_BEGIN: {
		size_t n = klib_strnlen((const char *)s + p, end - p);
		if (p + n >= end)
			return -EINVAL;
		p += (uint32_t)n + 1;
		break;
	}
	case TOK_PROP: {
		uint32_t len;
		if (p + 8 > end)
			return -EINVAL;
		len = be32(s + p);
		if (len > end - p - 8)
			return -EINVAL;
		p += 8 + len;
		break;
	}
	case TOK_END_NODE:
	case TOK_NOP:
		break;
	default: /* TOK_END, errors: nothing follows */
		return -EINVAL;
	}
	p = (p + 3) & ~3u;
	return p > end ? -EINVAL : (int)p;
}

int fdt_root(const struct fdt *f)
{
	int off = 0;

	while (token_at(f, off) == TOK_NOP)
		off += 4;
	return token_at(f, off) == TOK_BEGIN ? off : -ENOENT;
}

const char *fdt_name(const struct fdt *f, int node)
{
	if (token_at(f, node) != TOK_BEGIN || skip_token(f, node) < 0)
		return NULL;
	return (const char *)f->blob + f->struct_off + (uint32_t)node + 4;
}

/*
 * Walk from 'node' (a BEGIN_NODE) to the next BEGIN_NODE in document order,
 * tracking how the depth changes on the way (+1 into a child, -k out of
 * closed nodes). Returns the offset, -ENOENT at the end of the tree.
 */
static int walk(const struct fdt *f, int node, int *depth_change)
{
	int off = skip_token(f, node), d = 0;

	while (off >= 0) {
		int tok = token_at(f, off);
		if (tok == TOK_BEGIN) {
			*depth_change = d + 1;
			return off;
		}
		if (tok == TOK_END_NODE)
			d--;
		else if (tok == TOK_END)
			return -ENOENT;
		off = skip_token(f, off);
	}
	return off == -EINVAL ? -EINVAL : -ENOENT;
}

int fdt_next_node(const struct fdt *f, int node)
{
	int dc;

	return walk(f, node, &dc);
}

int fdt_next_node_depth(const struct fdt *f, int node, int *depth)
{
	int dc, next = walk(f, node, &dc);

	if (next >= 0)
		*depth += dc;
	return next;
}

int fdt_first_child(const struct fdt *f, int node)
{
	int dc, next = walk(f, node, &dc);

	if (next < 0)
		return next;
	return dc == 1 ? next : -ENOENT;
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	int depth = 0, dc, off = node;

	for (;;) {
		off = walk(f, off, &dc);
		if (off < 0)
			return off;
		depth += dc;
		if (depth == 0)
			return off;
		if (depth < 0)
			return -ENOENT;
	}
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[MAX_DEPTH], depth = 0, dc, off = fdt_root(f);

	if (off < 0)
		return off;
	if (off == node)
		return -ENOENT;
	stack[0] = off;
	while ((off = walk(f, off, &dc)) >= 0) {
		depth += dc;
		if (depth <= 0 || depth >= MAX_DEPTH)
			return -EINVAL;
		stack[depth] = off;
		if (off == node)
			return stack[depth - 1];
	}
	return off;
}

/* Does a path component match a node name? "memory" matches "memory@80000000". */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= comp[i] == '@';
	if (klib_strncmp(name, comp, len) != 0)
		return false;
	return name[len] == '\0' || (name[len] == '@' && !has_unit);
}

int fdt_path(const struct fdt *f, const char *path)
{
	int node = fdt_root(f);

	if (node < 0 || path[0] != '/')
		return node < 0 ? node : -EINVAL;
	while (*path) {
		size_t len;
		while (*path == '/')
			path++;
		if (!*path)
			break;
		for (len = 0; path[len] && path[len] != '/'; len++)
			;
		for (node = fdt_first_child(f, node); node >= 0; node = fdt_next_sibling(f, node)) {
			const char *name = fdt_name(f, node);
			if (name && name_matches(name, path, len))
				break;
		}
		if (node < 0)
			return -ENOENT;
		path += len;
	}
	return node;
}

/* Is the string at nameoff of the strings block 'name', ending inside the block? One pass. */
static bool prop_name_is(const struct fdt *f, uint32_t nameoff, const char *name)
{
	const char *p = (const char *)f->blob + f->strings_off + nameoff;
	uint32_t room = f->strings_size - nameoff;

	for (uint32_t i = 0; i < room; i++) {
		if (p[i] != name[i])
			return false;
		if (!name[i])
			return true;
	}
	return false;
}

/* The properties, read in one loop with skip_token's checks: every node's few lookups at boot. */
const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t end = f->struct_size;
	int off = skip_token(f, node);

	if (off < 0 || token_at(f, node) != TOK_BEGIN)
		return NULL;
	for (;;) {
		uint32_t p = (uint32_t)off + 4, plen, nameoff;
		int tok = p <= end ? (int)be32(s + off) : -EINVAL; /* token_at, inline */

		if (tok == TOK_NOP) {
			off = (int)p;
			continue;
		}
		if (tok != TOK_PROP || p + 8 > end)
			return NULL; /* properties come before child nodes; or a cut blob */
		plen = be32(s + p);
		nameoff = be32(s + p + 4);
		if (plen > end - p - 8 || ((p + 8 + plen + 3) & ~3u) > end)
			return NULL;
		if (nameoff < f->strings_size && prop_name_is(f, nameoff, name)) {
			if (len)
				*len = (int)plen;
			return s + p + 8;
		}
		off = (int)((p + 8 + plen + 3) & ~3u);
	}
}

bool fdt_prop_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
	int len;
	const void *p = fdt_prop(f, node, name, &len);

	if (!p || len != 4)
		return false;
	*out = be32(p);
	return true;
}

const char *fdt_prop_str(const struct fdt *f, int node, const char *name)
{
	int len;
	const char *p = fdt_prop(f, node, name, &len);

	if (!p || len <= 0 || p[len - 1] != '\0')
		return NULL;
	return p;
}

bool fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	int len;
	const char *p = fdt_prop(f, node, "compatible", &len);

	while (p && len > 0) {
		size_t n = klib_strnlen(p, (size_t)len);
		if (n == (size_t)len)
			return false; /* unterminated */
		if (klib_strcmp(p, compat) == 0)
			return true;
		p += n + 1;
		len -= (int)n + 1;
	}
	return false;
}

int fdt_find_compatible(const struct fdt *f, int from, const char *compat)
{
	int node = from < 0 ? fdt_root(f) : fdt_next_node(f, from);

	for (; node >= 0; node = fdt_next_node(f, node))
		if (fdt_is_compatible(f, node, compat))
			return node;
	return -ENOENT;
}

static uint32_t cells_of(const struct fdt *f, int node, const char *name, uint32_t dflt)
{
	uint32_t v;

	return node >= 0 && fdt_prop_u32(f, node, name, &v) ? v : dflt;
}

void fdt_child_cells(const struct fdt *f, int node, uint32_t *address_cells, uint32_t *size_cells)
{
	*address_cells = cells_of(f, node, "#address-cells", 2);
	*size_cells = cells_of(f, node, "#size-cells", 1);
}

int fdt_reg_cells(const struct fdt *f, int node, uint32_t ac, uint32_t sc, int index,
                  uint64_t *addr, uint64_t *size)
{
	int len;
	const uint8_t *p = fdt_prop(f, node, "reg", &len);
	uint32_t entry = 4 * (ac + sc);

	if (!p || ac < 1 || ac > 2 || sc > 2 || index < 0)
		return -ENOENT;
	if ((uint32_t)len < entry * ((uint32_t)index + 1))
		return -ENOENT;
	p += entry * (uint32_t)index;
	*addr = fdt_read_cells(p, (int)ac);
	*size = sc ? fdt_read_cells(p + 4 * ac, (int)sc) : 0;
	return 0;
}

int fdt_reg(const struct fdt *f, int node, int index, uint64_t *addr, uint64_t *size)
{
	uint32_t ac, sc;

	fdt_child_cells(f, fdt_parent(f, node), &ac, &sc);
	return fdt_reg_cells(f, node, ac, sc, index, addr, size);
}

int fdt_mem_rsv(const struct fdt *f, int index, uint64_t *addr, uint64_t *size)
{
	uint32_t off = f->rsv_off + 16u * (uint32_t)index;

	if (index < 0 || off + 16 > f->size)
		return -EINVAL;
	*addr = fdt_read_cells(f->blob + off, 2);
	*size = fdt_read_cells(f->blob + off + 8, 2);
	if (*addr == 0 && *size == 0)
		return -ENOENT;
	return 0;
}
