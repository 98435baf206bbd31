/*
 * Calls on paths (and their fd twins): openat, mkdirat, mknodat, unlinkat,
 * symlinkat, linkat, renameat2, readlinkat, fchmodat(2), fchmod,
 * fchownat, fchown, faccessat(2), truncate, ftruncate, utimensat, chdir,
 * fchdir, getcwd, umask, mount (new mounts only), umount2. Each copies its
 * path (-EFAULT, -ENAMETOOLONG at PATH_MAX, -ENOENT if empty where Linux's
 * getname refuses that), finds
 * the *at directory as path_init does (an absolute path ignores it;
 * AT_FDCWD is the working directory; else -EBADF, -ENOTDIR), and calls
 * the vfs with the caller's credentials.
 */
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/fs.h>
#include <linux-arch/fcntl.h>
#include <linux-arch/unistd.h>
#include "abi_internal.h"

#define AT_FDCWD                 -100
#define AT_SYMLINK_NOFOLLOW      0x100
#define AT_REMOVEDIR             0x200
#define AT_EACCESS               0x200
#define AT_SYMLINK_FOLLOW        0x400
#define AT_EMPTY_PATH            0x1000
#define VALID_OPEN_FLAGS         037777703u /* every O_* Linux knows, O_CLOEXEC and __O_TMPFILE too */
#define S_IRWXO                  07
#define CRED_CAP_DAC_READ_SEARCH 2

/* A path argument of an *at call, with the directory it starts from. */
struct at {
	char *path;
	struct vfs_file *dirf; /* NULL: the working directory (or an absolute path) */
};

static const struct vfs_path *at_dir(const struct at *at)
{
	return at->dirf ? vfs_file_path(at->dirf) : NULL;
}

static void at_put(struct at *at)
{
	kfree(at->path);
	if (at->dirf)
		vfs_file_put(at->dirf);
	at->path = NULL;
	at->dirf = NULL;
}

static int copy_path(struct process *p, uintptr_t upath, bool empty_ok, char **out)
{
	long len = lx_strdup_in(p, upath, VFS_PATH_MAX, out);

	if (len < 0)
		return (int)len;
	if (len == 0 && !empty_ok) {
		kfree(*out);
		*out = NULL; /* callers free what they got on every path (do_mount) */
		return -ENOENT;
	}
	return 0;
}

/* path_init: the directory of a relative path. The path is already copied. */
static int at_dirfd(struct process *p, int dirfd, struct at *at)
{
	at->dirf = NULL;
	if (at->path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	if (!(at->dirf = lx_fget(p, dirfd)))
		return -EBADF;
	if (at->path[0] && !VFS_S_ISDIR(vfs_file_inode(at->dirf)->mode))
		return -ENOTDIR;
	return 0;
}

static int at_get(struct process *p, int dirfd, uintptr_t upath, bool empty_ok, struct at *at)
{
	int rc = copy_path(p, upath, empty_ok, &at->path);

	at->dirf = NULL;
	if (rc == 0 && (rc = at_dirfd(p, dirfd, at)) < 0)
		at_put(at);
	return rc;
}

/* The path an *at call names: an empty one (AT_EMPTY_PATH) is the directory fd itself. */
static int at_lookup(struct process *p, const struct at *at, bool follow, const struct vfs_cred *cr,
                     struct vfs_path *out)
{
	if (!at->path[0]) {
		if (at->dirf)
			*out = *vfs_file_path(at->dirf), vfs_path_get(out);
		else
			vfs_fs_cwd(lx(p)->fs, out);
		return 0;
	}
	return vfs_lookup(lx(p)->fs, at_dir(at), at->path, follow ? VFS_LOOKUP_FOLLOW : 0, cr, out);
}

static unsigned nofile(struct process *p)
{
	uint64_t n = lx(p)->rlim[LX_RLIMIT_NOFILE].cur;

	return n > CONFIG_VFS_NR_OPEN ? CONFIG_VFS_NR_OPEN : (unsigned)n;
}

/* The four flags whose numbers an architecture may choose: theirs, then the vfs's. */
static const unsigned arch_open_flags[4][2] = {
    {LINUX_ARCH_O_DIRECT, VFS_O_DIRECT},
    {LINUX_ARCH_O_LARGEFILE, VFS_O_LARGEFILE},
    {LINUX_ARCH_O_DIRECTORY, VFS_O_DIRECTORY},
    {LINUX_ARCH_O_NOFOLLOW, VFS_O_NOFOLLOW},
};

_Static_assert((LINUX_ARCH_O_DIRECT | LINUX_ARCH_O_LARGEFILE | LINUX_ARCH_O_DIRECTORY |
                LINUX_ARCH_O_NOFOLLOW) ==
                   (VFS_O_DIRECT | VFS_O_LARGEFILE | VFS_O_DIRECTORY | VFS_O_NOFOLLOW),
               "the architecture's open flags are the same four bits, permuted");

static unsigned open_flags_map(unsigned flags, int from)
{
	unsigned out = flags;

	for (int i = 0; i < 4; i++)
		out &= ~arch_open_flags[i][from];
	for (int i = 0; i < 4; i++)
		if (flags & arch_open_flags[i][from])
			out |= arch_open_flags[i][!from];
	return out;
}

unsigned lx_open_flags_in(unsigned user)
{
	return open_flags_map(user, 0);
}

unsigned lx_open_flags_out(unsigned vfs)
{
	return open_flags_map(vfs, 1);
}

/* do_sys_openat2: flags, name, an fd, then the open itself. */
static long do_openat(struct process *p, int dirfd, uintptr_t upath, unsigned flags, uint32_t mode)
{
	struct vfs_cred cr;
	struct vfs_file *f;
	struct at at;
	int fd, rc;

	flags = lx_open_flags_in(flags & VALID_OPEN_FLAGS);
	if ((rc = vfs_open_check_flags(flags)) < 0)
		return rc;
	if ((rc = copy_path(p, upath, false, &at.path)) < 0)
		return rc;
	at.dirf = NULL;
	if ((fd = vfs_fd_reserve(lx(p)->files, 0, nofile(p))) < 0) {
		at_put(&at);
		return fd;
	}
	lx_vfs_cred(p, &cr);
	if ((rc = at_dirfd(p, dirfd, &at)) == 0)
		rc = vfs_open(lx(p)->fs, at_dir(&at), at.path, flags, mode, &cr, &f);
	at_put(&at);
	if (rc < 0) {
		vfs_fd_unreserve(lx(p)->files, fd);
		return rc;
	}
	vfs_fd_fill(lx(p)->files, fd, f, flags & VFS_O_CLOEXEC);
	return fd;
}

enum create { MKDIR, MKNOD };

static long do_create(struct process *p, enum create what, int dirfd, uintptr_t upath,
                      uint32_t mode, uint64_t dev)
{
	struct vfs_cred cr;
	struct at at;
	int rc;

	if (what == MKNOD) {
		uint32_t type = mode & VFS_S_IFMT; /* may_mknod, before the name */

		if (type == VFS_S_IFDIR)
			return -EPERM;
		if (type && type != VFS_S_IFREG && type != VFS_S_IFCHR && type != VFS_S_IFBLK &&
		    type != VFS_S_IFIFO && type != VFS_S_IFSOCK)
			return -EINVAL;
	}
	if ((rc = at_get(p, dirfd, upath, false, &at)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	if (what == MKDIR)
		rc = vfs_mkdir(lx(p)->fs, at_dir(&at), at.path, mode, &cr);
	else /* new_decode_dev: 12 bits of major, 20 of minor, split around the old 16-bit form */
		rc = vfs_mknod(
		    lx(p)->fs, at_dir(&at), at.path, mode,
		    VFS_MKDEV((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00)), &cr);
	at_put(&at);
	return rc;
}

static long do_unlinkat(struct process *p, int dirfd, uintptr_t upath, unsigned long flags)
{
	struct vfs_cred cr;
	struct at at;
	int rc;

	if (flags & ~(unsigned long)AT_REMOVEDIR)
		return -EINVAL;
	if ((rc = at_get(p, dirfd, upath, false, &at)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	rc = (flags & AT_REMOVEDIR) ? vfs_rmdir(lx(p)->fs, at_dir(&at), at.path, &cr)
	                            : vfs_unlink(lx(p)->fs, at_dir(&at), at.path, &cr);
	at_put(&at);
	return rc;
}

static long do_symlinkat(struct process *p, uintptr_t utarget, int dirfd, uintptr_t upath)
{
	struct vfs_cred cr;
	struct at at;
	char *target;
	int rc;

	if ((rc = copy_path(p, utarget, false, &target)) < 0)
		return rc;
	if ((rc = at_get(p, dirfd, upath, false, &at)) == 0) {
		lx_vfs_cred(p, &cr);
		rc = vfs_symlink(lx(p)->fs, target, at_dir(&at), at.path, &cr);
		at_put(&at);
	}
	kfree(target);
	return rc;
}

static long do_linkat(struct process *p, const unsigned long *a)
{
	unsigned long flags = a[4];
	struct vfs_cred cr;
	struct at o, n;
	int rc;

	if (flags & ~(unsigned long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((rc = at_get(p, (int)a[0], a[1], flags & AT_EMPTY_PATH, &o)) < 0)
		return rc;
	if ((rc = at_get(p, (int)a[2], a[3], false, &n)) == 0) {
		lx_vfs_cred(p, &cr);
		if (!o.path[0] && !o.dirf) {
			struct vfs_path cwd;

			vfs_fs_cwd(lx(p)->fs, &cwd);
			rc = vfs_link(lx(p)->fs, &cwd, NULL, at_dir(&n), n.path, false, &cr);
			vfs_path_put(&cwd);
		} else {
			rc = vfs_link(lx(p)->fs, at_dir(&o), o.path[0] ? o.path : NULL, at_dir(&n),
			              n.path, flags & AT_SYMLINK_FOLLOW, &cr);
		}
		at_put(&n);
	}
	at_put(&o);
	return rc;
}

static long do_renameat2(struct process *p, const unsigned long *a)
{
	struct vfs_cred cr;
	struct at o, n;
	int rc;

	if ((rc = at_get(p, (int)a[0], a[1], false, &o)) < 0)
		return rc;
	if ((rc = at_get(p, (int)a[2], a[3], false, &n)) == 0) {
		lx_vfs_cred(p, &cr);
		rc = vfs_rename(lx(p)->fs, at_dir(&o), o.path, at_dir(&n), n.path, (unsigned)a[4],
		                &cr);
		at_put(&n);
	}
	at_put(&o);
	return rc;
}

#ifdef NR_renameat
/* sys_renameat: renameat2 without flags, for the architectures that kept it (arm64). */
static long do_renameat(struct process *p, const unsigned long *a)
{
	const unsigned long b[6] = {a[0], a[1], a[2], a[3], 0, 0};

	return do_renameat2(p, b);
}
#endif

static long do_readlinkat(struct process *p, int dirfd, uintptr_t upath, uintptr_t ubuf, long size)
{
	struct vfs_cred cr;
	struct vfs_path path;
	struct at at;
	char *buf;
	long rc;

	if ((int)size <= 0)
		return -EINVAL;
	if ((rc = at_get(p, dirfd, upath, true, &at)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	if ((rc = at_lookup(p, &at, false, &cr, &path)) == 0) {
		size = MIN(size, (long)VFS_PATH_MAX);
		if (!(buf = kmalloc((size_t)size))) {
			rc = -ENOMEM;
		} else {
			rc = vfs_readlink(&path, buf, (size_t)size);
			if (rc == -EINVAL && !at.path[0])
				rc = -ENOENT; /* an empty path names no link */
			if (rc > 0 && lx_copy_out(p, ubuf, buf, (size_t)rc) < 0)
				rc = -EFAULT;
			kfree(buf);
		}
		vfs_path_put(&path);
	}
	at_put(&at);
	return rc;
}

/* The setattr calls on a path: chmod, chown, truncate, utimes. */
enum attr_op { CHMOD, CHOWN, TRUNCATE, UTIMES };

struct attr_args {
	uint32_t mode, uid, gid;
	int64_t size;
	const struct vfs_timespec *times;
};

static long apply(struct process *p, const struct vfs_path *path, enum attr_op op,
                  const struct attr_args *x)
{
	struct vfs_cred cr;

	lx_vfs_cred(p, &cr);
	switch (op) {
	case CHMOD:
		return vfs_chmod(path, x->mode, &cr);
	case CHOWN:
		return vfs_chown(path, x->uid, x->gid, &cr);
	case TRUNCATE: {
		/* Past RLIMIT_FSIZE: -EFBIG and SIGXFSZ, as Linux's inode_newsize_ok. */
		bool xfsz = false;
		long rc = vfs_truncate(path, x->size, &cr, &xfsz);

		if (xfsz)
			lx_send_xfsz(p);
		return rc;
	}
	default:
		return vfs_utimes(path, x->times, &cr);
	}
}

static long attr_at(struct process *p, int dirfd, uintptr_t upath, unsigned flags, enum attr_op op,
                    const struct attr_args *x)
{
	struct vfs_cred cr;
	struct vfs_path path;
	struct at at;
	long rc;

	if ((rc = at_get(p, dirfd, upath, flags & AT_EMPTY_PATH, &at)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	if ((rc = at_lookup(p, &at, !(flags & AT_SYMLINK_NOFOLLOW), &cr, &path)) == 0) {
		rc = apply(p, &path, op, x);
		vfs_path_put(&path);
	}
	at_put(&at);
	return rc;
}

/* fchmod, fchown, futimens: the fd's file, never an O_PATH one (fdget). */
static long attr_fd(struct process *p, int fd, enum attr_op op, const struct attr_args *x)
{
	struct vfs_file *f = lx_fget(p, fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = (vfs_file_flags(f) & VFS_O_PATH) ? -EBADF : apply(p, vfs_file_path(f), op, x);
	vfs_file_put(f);
	return rc;
}

static long do_fchmodat(struct process *p, int dirfd, uintptr_t upath, uint32_t mode,
                        unsigned long flags)
{
	struct attr_args x = {.mode = mode};

	if (flags & ~(unsigned long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return attr_at(p, dirfd, upath, (unsigned)flags, CHMOD, &x);
}

static long do_fchownat(struct process *p, const unsigned long *a)
{
	struct attr_args x = {.uid = (uint32_t)a[2], .gid = (uint32_t)a[3]};

	if (a[4] & ~(unsigned long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return attr_at(p, (int)a[0], a[1], (unsigned)a[4], CHOWN, &x);
}

static long do_truncate(struct process *p, uintptr_t upath, int64_t size)
{
	struct attr_args x = {.size = size};

	if (size < 0)
		return -EINVAL;
	return attr_at(p, AT_FDCWD, upath, 0, TRUNCATE, &x);
}

static long do_ftruncate(struct process *p, int fd, int64_t size)
{
	struct vfs_cred cr;
	struct vfs_file *f;
	bool xfsz = false;
	long rc;

	if (size < 0)
		return -EINVAL;
	if (!(f = lx_fget(p, fd)))
		return -EBADF;
	lx_vfs_cred(p, &cr);
	rc = (vfs_file_flags(f) & VFS_O_PATH) ? -EBADF : vfs_ftruncate(f, size, &cr, &xfsz);
	vfs_file_put(f);
	if (xfsz)
		lx_send_xfsz(p); /* as truncate's */
	return rc;
}

static bool nsec_ok(int64_t ns)
{
	return (ns >= 0 && ns < 1000000000) || ns == VFS_UTIME_NOW || ns == VFS_UTIME_OMIT;
}

static long do_utimensat(struct process *p, int dirfd, uintptr_t upath, uintptr_t utimes,
                         unsigned long flags)
{
	struct vfs_timespec t[2];
	struct attr_args x = {.times = NULL};

	if (utimes) {
		if (lx_copy_in(p, t, utimes, sizeof(t)) < 0)
			return -EFAULT;
		if (t[0].nsec == VFS_UTIME_OMIT && t[1].nsec == VFS_UTIME_OMIT)
			return 0; /* nothing to do: the path is not even looked at */
		if (!nsec_ok(t[0].nsec) || !nsec_ok(t[1].nsec))
			return -EINVAL;
		x.times = t;
	}
	if (!upath && dirfd != AT_FDCWD) /* futimens */
		return flags ? -EINVAL : attr_fd(p, dirfd, UTIMES, &x);
	if (flags & ~(unsigned long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return attr_at(p, dirfd, upath, (unsigned)flags, UTIMES, &x);
}

/*
 * faccessat: with the real ids unless AT_EACCESS (access_override_creds:
 * a non-root real uid has no capabilities for it, root its permitted set).
 */
static long do_faccessat(struct process *p, int dirfd, uintptr_t upath, unsigned long mode,
                         unsigned long flags)
{
	const struct cred *c = &lx(p)->cred;
	struct vfs_cred cr;
	struct vfs_path path;
	struct at at;
	long rc;

	if (mode & ~(unsigned long)S_IRWXO)
		return -EINVAL;
	if (flags & ~(unsigned long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	lx_vfs_cred(p, &cr);
	if (!(flags & AT_EACCESS)) {
		uint64_t caps = c->ruid == 0 ? c->cap_permitted : 0;

		cr.uid = c->ruid;
		cr.gid = c->rgid;
		cr.caps = 0;
		if (caps & (1ull << CRED_CAP_DAC_OVERRIDE))
			cr.caps |= VFS_CAP_DAC_OVERRIDE;
		if (caps & (1ull << CRED_CAP_DAC_READ_SEARCH))
			cr.caps |= VFS_CAP_DAC_READ_SEARCH;
	}
	if ((rc = at_get(p, dirfd, upath, flags & AT_EMPTY_PATH, &at)) < 0)
		return rc;
	if ((rc = at_lookup(p, &at, !(flags & AT_SYMLINK_NOFOLLOW), &cr, &path)) == 0) {
		rc = mode ? vfs_access(&path, (unsigned)mode, &cr) : 0;
		vfs_path_put(&path);
	}
	at_put(&at);
	return rc;
}

static long do_chdir(struct process *p, uintptr_t upath)
{
	struct vfs_cred cr;
	char *path;
	long rc;

	if ((rc = copy_path(p, upath, false, &path)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	rc = vfs_chdir(lx(p)->fs, path, &cr);
	kfree(path);
	return rc;
}

static long do_fchdir(struct process *p, int fd)
{
	struct vfs_file *f = lx_fget(p, fd);
	struct vfs_cred cr;
	long rc;

	if (!f)
		return -EBADF;
	lx_vfs_cred(p, &cr);
	rc = vfs_chdir_path(lx(p)->fs, vfs_file_path(f), &cr);
	vfs_file_put(f);
	return rc;
}

static long do_getcwd(struct process *p, uintptr_t ubuf, unsigned long size)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	long rc;

	if (!buf)
		return -ENOMEM;
	rc = vfs_getcwd(lx(p)->fs, buf, MIN(size, (unsigned long)VFS_PATH_MAX));
	if (rc > 0 && lx_copy_out(p, ubuf, buf, (size_t)rc) < 0)
		rc = -EFAULT;
	kfree(buf);
	return rc;
}

/* mount(2)'s flags (Linux's MS_*) as the vfs's, or -EINVAL for what only real mounts do. */
#define MS_RDONLY       0x1ul
#define MS_NOSUID       0x2ul
#define MS_NODEV        0x4ul
#define MS_NOEXEC       0x8ul
#define MS_REMOUNT      0x20ul
#define MS_NOATIME      0x400ul
#define MS_NODIRATIME   0x800ul
#define MS_BIND         0x1000ul
#define MS_MOVE         0x2000ul
#define MS_SILENT       0x8000ul
#define MS_RELATIME     (1ul << 21)
#define MS_STRICTATIME  (1ul << 24)
#define MS_MGC_MSK      0xffff0000ul
#define MS_MGC_VAL      0xc0ed0000ul
#define MS_PROPAGATION  0x1f0000ul /* UNBINDABLE, PRIVATE, SLAVE, SHARED, REC... */
#define MNT_FORCE       1
#define MNT_DETACH      2
#define MNT_EXPIRE      4
#define UMOUNT_NOFOLLOW 8

static unsigned mnt_flags_of(unsigned long flags)
{
	unsigned m = VFS_MNT_RELATIME;

	if (flags & MS_RDONLY)
		m |= VFS_MNT_RDONLY;
	if (flags & MS_NOSUID)
		m |= VFS_MNT_NOSUID;
	if (flags & MS_NODEV)
		m |= VFS_MNT_NODEV;
	if (flags & MS_NOEXEC)
		m |= VFS_MNT_NOEXEC;
	if (flags & MS_NOATIME)
		m = (m & ~VFS_MNT_RELATIME) | VFS_MNT_NOATIME;
	else if (flags & MS_STRICTATIME)
		m &= ~VFS_MNT_RELATIME;
	return m;
}

/* mount(2) of a new file system (do_new_mount); remounts, binds and moves are not here. */
static long do_mount(struct process *p, const unsigned long *a)
{
	unsigned long flags = a[3];
	char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
	struct vfs_cred cr;
	long rc = 0;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (a[2] && (rc = lx_strdup_in(p, a[2], PAGE_SIZE, &type)) < 0)
		goto out;
	if (a[0] && (rc = lx_strdup_in(p, a[0], PAGE_SIZE, &source)) < 0)
		goto out;
	if (a[4] && (rc = lx_strdup_in(p, a[4], PAGE_SIZE, &data)) < 0)
		goto out;
	if ((rc = copy_path(p, a[1], false, &target)) < 0)
		goto out;
	lx_vfs_cred(p, &cr);
	if (!cred_capable(&lx(p)->cred, CRED_CAP_SYS_ADMIN))
		rc = -EPERM;
	else if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION))
		rc = -EINVAL; /* only new mounts here */
	else if (!type)
		rc = -EINVAL;
	else
		rc = vfs_mount(lx(p)->fs, source, target, type, data, mnt_flags_of(flags), &cr);
out:
	kfree(source);
	kfree(target);
	kfree(type);
	kfree(data);
	return rc;
}

static long do_umount(struct process *p, uintptr_t utarget, unsigned long flags)
{
	struct vfs_cred cr;
	char *target;
	long rc;

	if (flags & ~(unsigned long)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((rc = copy_path(p, utarget, false, &target)) < 0)
		return rc;
	lx_vfs_cred(p, &cr);
	rc = vfs_umount(lx(p)->fs, target, !(flags & UMOUNT_NOFOLLOW), &cr);
	kfree(target);
	return rc;
}

long lx_sys_file(struct process *p, unsigned long nr, const unsigned long *a)
{
	struct attr_args x = {.mode = (uint32_t)a[1], .uid = (uint32_t)a[1], .gid = (uint32_t)a[2]};
	int fd = (int)a[0];

	switch (nr) {
	case NR_openat:
		return do_openat(p, fd, a[1], (unsigned)a[2], (uint32_t)a[3]);
	case NR_mkdirat:
		return do_create(p, MKDIR, fd, a[1], (uint32_t)a[2], 0);
	case NR_mknodat:
		return do_create(p, MKNOD, fd, a[1], (uint32_t)a[2], (uint32_t)a[3]);
	case NR_unlinkat:
		return do_unlinkat(p, fd, a[1], a[2]);
	case NR_symlinkat:
		return do_symlinkat(p, a[0], (int)a[1], a[2]);
	case NR_linkat:
		return do_linkat(p, a);
	case NR_renameat2:
		return do_renameat2(p, a);
#ifdef NR_renameat /* __ARCH_WANT_RENAMEAT: linux-arch/unistd.h says whether it exists */
	case NR_renameat:
		return do_renameat(p, a);
#endif
	case NR_readlinkat:
		return do_readlinkat(p, fd, a[1], a[2], (long)a[3]);
	case NR_fchmodat:
		return do_fchmodat(p, fd, a[1], (uint32_t)a[2], 0);
	case NR_fchmodat2:
		return do_fchmodat(p, fd, a[1], (uint32_t)a[2], a[3]);
	case NR_fchmod:
		return attr_fd(p, fd, CHMOD, &x);
	case NR_fchownat:
		return do_fchownat(p, a);
	case NR_fchown:
		return attr_fd(p, fd, CHOWN, &x);
	case NR_truncate:
		return do_truncate(p, a[0], (int64_t)a[1]);
	case NR_ftruncate:
		return do_ftruncate(p, fd, (int64_t)a[1]);
	case NR_utimensat:
		return do_utimensat(p, fd, a[1], a[2], a[3]);
	case NR_faccessat:
		return do_faccessat(p, fd, a[1], a[2], 0);
	case NR_faccessat2:
		return do_faccessat(p, fd, a[1], a[2], a[3]);
	case NR_chdir:
		return do_chdir(p, a[0]);
	case NR_fchdir:
		return do_fchdir(p, fd);
	case NR_getcwd:
		return do_getcwd(p, a[0], a[1]);
	case NR_umask:
		return vfs_fs_umask(lx(p)->fs, (uint32_t)a[0] & 0777);
	case NR_mount:
		return do_mount(p, a);
	case NR_umount2:
		return do_umount(p, a[0], a[1]);
	default:
		return -ENOSYS;
	}
}
