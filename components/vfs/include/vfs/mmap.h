/*
 * Files mapped into address spaces (built with addr-space). A mapping is
 * an area whose backend belongs to the vfs: each area holds one reference
 * to the open file (open() takes one for a split piece or a fork copy,
 * close() drops it), so a file stays alive exactly as long as a mapping
 * of it, with no table besides the address spaces. Pages come from the
 * inode's get_page (vfs/fs.h): a shared area maps the file's own frames
 * (stores reach the file and every other mapping), a private area maps
 * them read-only until its first write copies the page (addr-space's
 * copy-on-write).
 */
#ifndef VFS_MMAP_H
#define VFS_MMAP_H

#include <addr-space/addr_space.h>
#include <vfs/vfs.h>

extern const struct as_backend vfs_file_backend;

/*
 * Map 'len' bytes of f from page 'pgoff' at 'addr' of 'as' with 'prot' and
 * 'flags' (as as_map). The area takes a reference to f. The caller has
 * checked the access mode against prot (Linux's mmap rules); -ENODEV if
 * the file cannot be mapped, as_map's errors.
 */
int vfs_mmap(struct addr_space *as, struct vfs_file *f, uintptr_t addr, size_t len, unsigned prot,
             unsigned flags, uint64_t pgoff, uintptr_t *out);

/* Can f be mapped (its inode gives pages)? */
bool vfs_file_mappable(const struct vfs_file *f);

/* The file an area of vfs_file_backend maps (no new reference), else NULL. */
struct vfs_file *vfs_area_file(const struct as_area *area);

#endif
