/*
 * tmpfs's private structures. Locks (see vfs/vfs.h for the order):
 *   the vfs inode lock of a directory ("vfs_dir") guards its entries, its
 *     parent link and its size;
 *   the vfs inode lock of a file ("vfs_inode") guards its size changes and
 *     writes; pages_lock ("tmpfs_pages") guards its page tree, and is all
 *     a page fault of a mapping takes (it ranks below the address space's
 *     lock, and nothing is copied to or from user memory while it is held);
 *   the superblock's counters are atomics.
 */
#ifndef TMPFS_INTERNAL_H
#define TMPFS_INTERNAL_H

#include <klib/list.h>
#include <klib/rbtree.h>
#include <tmpfs/tmpfs.h>
#include <vfs/fs.h>

#define TMPFS_BOGO_DIRENT   20  /* a directory's size grows by this per entry, as Linux's */
#define TMPFS_SHORT_SYMLINK 128 /* shorter link targets take no block */

struct tmpfs_sb {
	uint64_t max_blocks;     /* pages; 0: no limit */
	uint64_t max_inodes;     /* 0: no limit */
	uint32_t mode, uid, gid; /* the root's, as mounted (show_options) */
	uint64_t used_blocks;    /* atomic */
	uint64_t used_inodes;    /* atomic */
	uint64_t next_ino;       /* atomic */
};

/* A sparse array of frames: a radix tree of page-sized nodes, 512 slots each. */
struct tmpfs_pages {
	uint64_t *root;  /* NULL: no page */
	unsigned height; /* levels; covers 512^height pages */
};

struct tmpfs_dirent {
	struct rb_node by_name;
	struct list_node order;    /* by pos */
	uint64_t pos;              /* getdents offset: fixed while the entry exists */
	struct tmpfs_inode *inode; /* holds a reference */
	size_t len;
	char name[];
};

struct tmpfs_inode {
	struct vfs_inode v;
	union {
		struct {
			void *pages_lock;
			struct tmpfs_pages pages;
			uint64_t npages; /* frames held (under pages_lock) */
		} file;
		struct {
			struct rb_root names;
			struct list_node entries; /* by pos */
			uint64_t next_pos;
			struct tmpfs_inode
			    *parent; /* '..' (no reference: a linked directory's parent lives) */
			struct list_node reap; /* tmpfs_dir_destroy's work list */
		} dir;
		struct {
			char *target;
		} link;
	};
};

static inline struct tmpfs_inode *TI(struct vfs_inode *v)
{
	return container_of(v, struct tmpfs_inode, v);
}

static inline struct tmpfs_sb *TSB(const struct vfs_inode *v)
{
	return v->sb->priv;
}

/* pages.c: the page tree (the caller serialises). */
int tmpfs_pages_lookup(const struct tmpfs_pages *pg, uint64_t pgoff, paddr_t *pa);
int tmpfs_pages_insert(struct tmpfs_pages *pg, uint64_t pgoff, paddr_t pa);
/*
 * The slots of pages pgoff, pgoff + 1, ... that share pgoff's leaf, at most
 * n: *slots (made as needed; a slot holds the page's frame, 0 for a hole)
 * and *run, how many. One walk for up to 512 pages of a file written in
 * order.
 */
int tmpfs_pages_slots(struct tmpfs_pages *pg, uint64_t pgoff, size_t n, uint64_t **slots,
                      size_t *run);
/* Take every frame at pgoff >= from out of the tree; put(ctx, pa) for each. Frees empty nodes. */
void tmpfs_pages_truncate(struct tmpfs_pages *pg, uint64_t from, void (*put)(void *ctx, paddr_t pa),
                          void *ctx);
/* The first page >= pgoff that is present (data) or absent (hole); UINT64_MAX if none. */
uint64_t tmpfs_pages_next(const struct tmpfs_pages *pg, uint64_t pgoff, bool present);

/* super.c */
bool tmpfs_charge(uint64_t *used, uint64_t max, uint64_t n);
void tmpfs_uncharge(uint64_t *used, uint64_t n);
/* Pages against the size limit, counted in tmpfs_pages_used() too. */
bool tmpfs_charge_blocks(struct tmpfs_sb *ts, uint64_t n);
void tmpfs_uncharge_blocks(struct tmpfs_sb *ts, uint64_t n);
/* A new inode of 'mode' (type set); its one reference is the caller's. */
int tmpfs_inode_new(struct vfs_sb *sb, uint32_t mode, struct tmpfs_inode **out);
void tmpfs_destroy_inode(struct vfs_inode *inode);

/* dir.c, file.c */
extern const struct vfs_inode_ops tmpfs_dir_ops, tmpfs_file_ops, tmpfs_link_ops, tmpfs_special_ops;
extern const struct vfs_file_ops tmpfs_dir_fops, tmpfs_file_fops;
void tmpfs_dir_init(struct tmpfs_inode *dir, struct tmpfs_inode *parent);
/* Drop every entry of a directory that is going (iteratively: no recursion down the tree). */
void tmpfs_dir_destroy(struct tmpfs_inode *dir);
void tmpfs_file_destroy(struct tmpfs_inode *ti);

#endif
