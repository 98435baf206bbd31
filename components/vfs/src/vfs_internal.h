/*
 * vfs's private structures, shared by its source files. The lock order is
 * in vfs/vfs.h; what each lock guards is written at each structure.
 */
#ifndef VFS_INTERNAL_H
#define VFS_INTERNAL_H

#include <klib/compiler.h>
#include <klib/list.h>
#include <vfs/fs.h>

/*
 * A name of an inode in a directory, alive while referenced. A dentry is
 * in its parent's children while it names something there; unlink, rmdir
 * and a rename over it take it out ('deleted'), and it lives on, still
 * pointing at its old parent, until its last reference goes.
 */
struct vfs_dentry {
	/* Never change. */
	struct vfs_inode *inode; /* holds a reference */

	/* Changed under the tree lock; taken from zero only under it. */
	unsigned refs;

	/* Guarded by the tree lock. */
	struct vfs_dentry *parent; /* holds a reference; NULL at a file system's root */
	char *name;                /* kmalloc'd; "/" at a root */
	size_t namelen;
	struct list_node children; /* live dentries below (sibling) */
	struct list_node sibling;
	bool deleted;
	unsigned mounted; /* mounts on it */
};

/* A file system mounted somewhere, until vfs_umount() or vfs_shutdown(). */
struct vfs_mount {
	/* Never change. */
	struct vfs_sb *sb;
	struct vfs_dentry *root;       /* the file system's root dentry (a reference) */
	struct vfs_mount *parent;      /* NULL: the root of the tree */
	struct vfs_dentry *mountpoint; /* in parent (a reference) */
	unsigned flags;                /* VFS_MNT_* */
	uint64_t id;                   /* its number, for statx */
	char *source;                  /* mount(2)'s source, for /proc/mounts (kmalloc'd) */

	/* Guarded by the tree lock. */
	struct list_node link; /* the mount list, newest last */
};

/* Linux's fs_struct. */
struct vfs_fs {
	unsigned refs; /* atomic */
	void *lock;    /* "vfs_fs": root, cwd, umask */
	struct vfs_path root, cwd;
	uint32_t umask;
};

struct vfs_globals {
	const struct vfs_ops *ops;
	void *tree_lock;   /* "vfs_tree" */
	void *rename_lock; /* "vfs_rename" */
	struct list_node mounts;
	struct list_node types;
	struct vfs_mount *root;
	uint64_t next_dev;
	uint64_t next_mnt_id;
	/* anon.c: the mount and superblock of files without a name (in no tree). */
	struct vfs_sb anon_sb;
	struct vfs_mount anon_mnt;
	uint64_t next_ino;      /* atomic */
	unsigned pipe_max_size; /* atomic: /proc/sys/fs/pipe-max-size */
};

extern struct vfs_globals vfs_g;

static inline void vfs_tree_lock(void)
{
	vfs_lock(vfs_g.tree_lock);
}

static inline void vfs_tree_unlock(void)
{
	vfs_unlock(vfs_g.tree_lock);
}

static inline uint32_t vfs_mode(const struct vfs_inode *i)
{
	return __atomic_load_n(&i->mode, __ATOMIC_RELAXED);
}

/* dentry.c */
struct vfs_dentry *vfs_dentry_new(struct vfs_dentry *parent, const char *name,
                                  struct vfs_inode *inode);
void vfs_dentry_get(struct vfs_dentry *d);
void vfs_dentry_put(struct vfs_dentry *d);
/* The live child 'name' of dir, or one looked up in the file system (dir unlocked on entry). */
int vfs_dentry_lookup(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out);
/* Same, with dir's inode lock already held; -ENOENT if the file system has no such name. */
int vfs_dentry_lookup_locked(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out);
/* A name was removed from its directory: take the dentry out of the tree (tree lock taken here). */
void vfs_dentry_delete(struct vfs_dentry *d);
/* A dentry made with a NULL inode gets the inode the file system just linked (dir locked). */
void vfs_dentry_instantiate(struct vfs_dentry *d, struct vfs_inode *inode);
/* Rename: d moves under newdir as 'name' (from vfs_dentry_name; both directories locked). */
char *vfs_dentry_name(const char *name);
void vfs_dentry_move(struct vfs_dentry *d, struct vfs_dentry *newdir, char *name);
/* Exchange: a and b swap names and parents. */
void vfs_dentry_exchange(struct vfs_dentry *a, struct vfs_dentry *b);
/* Is a an ancestor of b (or b itself)? Tree lock held. */
bool vfs_dentry_is_ancestor(const struct vfs_dentry *a, const struct vfs_dentry *b);

/* init.c: the registered type 'name', or NULL (types stay until vfs_shutdown). */
const struct vfs_fstype *vfs_fstype_find(const char *name);

/* mount.c */
/* The mount on top of (mnt, d), or NULL. Tree lock held. */
struct vfs_mount *vfs_mount_on(struct vfs_mount *mnt, struct vfs_dentry *d);
void vfs_mounts_free(void);

/* fs_struct.c: p's path from root into the end of buf (VFS_PATH_MAX bytes); NULL if too long. */
char *vfs_prepend_path(const struct vfs_path *p, const struct vfs_path *root, char *buf);

/* namei.c: the last component of a path, for the calls that create or remove it. */
enum vfs_last { VFS_LAST_NORM, VFS_LAST_ROOT, VFS_LAST_DOT, VFS_LAST_DOTDOT };
struct vfs_parent {
	struct vfs_path dir; /* the directory holding it (a reference) */
	char name[VFS_NAME_MAX + 1];
	enum vfs_last type;
	bool trailing_slash;
};
int vfs_walk_parent(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                    const struct vfs_cred *cr, struct vfs_parent *out);
/*
 * The open side of the walk (path_openat): the parent, then 'last' resolves
 * the last component; '.' and '..' are stepped into first (par->dir is then
 * the result, par->type says so). 'last' may return a link body to walk (a
 * trailing link to follow), counted against VFS_MAXSYMLINKS. par->dir is
 * lent to 'last', not handed over.
 */
int vfs_walk_open(struct vfs_fs *fs, const struct vfs_path *start, const char *path,
                  const struct vfs_cred *cr,
                  int (*last)(struct vfs_parent *par, void *ctx, char **link), void *ctx);
/* Onto whatever is mounted on p (p's reference moves along). */
void vfs_follow_mounts(struct vfs_path *p);
/* A link's target in a new NUL-terminated buffer. */
int vfs_read_link(struct vfs_inode *inode, char **out);
/* Resolve the last component of par (its directory locked by the caller): -ENOENT if absent. */
int vfs_walk_last_locked(struct vfs_parent *par, struct vfs_path *out);

/* inode.c */
int vfs_inode_permission(struct vfs_inode *inode, unsigned mask, const struct vfs_cred *cr);
int vfs_may_write_mnt(const struct vfs_mount *mnt);
bool vfs_cred_in_group(const struct vfs_cred *cr, uint32_t gid);
bool vfs_is_owner(const struct vfs_inode *inode, const struct vfs_cred *cr);
/* Lock two inodes: a directory first, else in address order (either may be NULL or equal). */
void vfs_inode_lock2(struct vfs_inode *a, struct vfs_inode *b);
void vfs_inode_unlock2(struct vfs_inode *a, struct vfs_inode *b);

/* open.c: a file of 'inode' with 'flags', no path or ops yet (NULL: out of memory). */
struct vfs_file *vfs_file_alloc(struct vfs_inode *inode, unsigned flags);
int vfs_file_new(const struct vfs_path *p, unsigned flags, struct vfs_file **out);
int vfs_chrdev_ops(uint64_t rdev, const struct vfs_file_ops **out);
void vfs_chrdevs_free(void);

/* dirops.c: make 'name' in dir (locked, checks done) as Linux's inode_init_owner says. */
int vfs_create_locked(const struct vfs_path *dir, const char *name, uint32_t mode, uint64_t rdev,
                      const char *target, const struct vfs_cred *cr, struct vfs_path *out);

/* attr.c: the size change of truncate and O_TRUNC (inode locked by the caller). */
int vfs_truncate_locked(struct vfs_inode *inode, uint64_t size, const struct vfs_cred *cr,
                        bool *xfsz);

/* init.c: vfs_ops's waits (vfs/vfs.h). */
void *vfs_wait_new(void);
void vfs_wait_free(void *wait);
int vfs_wait(void *wait, void *lock, uint64_t deadline);
void vfs_wake(void *wait);

/* anon.c: files without a name; their inodes are freed with their last reference. */
void vfs_anon_init(void);
bool vfs_path_is_anon(const struct vfs_path *p);
/* A new inode on the internal mount, one reference (NULL: out of memory). */
struct vfs_inode *vfs_anon_inode(uint32_t mode, uint32_t uid, uint32_t gid);
/* A file of inode (a reference is taken) named 'name' for /proc, with fops and priv. */
int vfs_anon_file(struct vfs_inode *inode, const char *name, unsigned flags,
                  const struct vfs_file_ops *fops, void *priv, struct vfs_file **out);

/* pipe.c: what a FIFO in a file system opens with. */
extern const struct vfs_file_ops vfs_fifo_fops;

#endif
