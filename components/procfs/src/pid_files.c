/*
 * What /proc/<pid> shows of a process's memory and files: maps
 * (fs/proc/task_mmu.c show_map_vma), fd/ (fd.c), and the links exe, cwd
 * and root (base.c). Each needs the caller to be allowed to inspect the
 * process (Linux's ptrace_may_access, PTRACE_MODE_READ).
 *
 * The links are followed by their text, so a link to a file that was
 * removed names it with " (deleted)" and does not lead to it; Linux
 * follows them to the open file itself.
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

/* show_vma_header_prefix pads a named line to this column (25 + 6 * sizeof(void *) - 1). */
#define MAPS_NAME_COLUMN 72
#define FD_POS           3 /* getdents position of fd n: n + 3 (after ".", ".." ) */

static void put_escaped_name(struct pfs_seq *s, const char *name)
{
	for (; *name; name++) {
		if (*name == '\n')
			pfs_puts(s, "\\012"); /* seq_path's mangling of "\n" */
		else
			pfs_write(s, name, 1);
	}
}

/* The record index is the address to go on from: the end of the last area shown. */
bool pfs_show_maps(struct pfs_seq *s, uint64_t *idx)
{
	struct procfs_map m = {.name_size = VFS_PATH_MAX + 16};
	size_t line;
	int rc;

	if (!(m.name = kmalloc(m.name_size))) {
		s->err = -ENOMEM;
		return false;
	}
	m.name[0] = '\0';
	if ((rc = pfs_ops->map(pfs_ops->ctx, s->pi->pid, *idx, &m)) < 0) {
		if (rc != -ENOENT)
			s->err = rc;
		kfree(m.name);
		return false;
	}
	line = s->count;
	pfs_printf(s, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)m.start,
	           (unsigned long long)m.end, m.read ? 'r' : '-', m.write ? 'w' : '-',
	           m.exec ? 'x' : '-', m.shared ? 's' : 'p', (unsigned long long)m.offset,
	           VFS_MAJOR(m.dev), VFS_MINOR(m.dev), (unsigned long long)m.ino);
	if (m.name[0]) {
		while (s->count - line < MAPS_NAME_COLUMN && !s->err)
			pfs_write(s, " ", 1);
		pfs_write(s, " ", 1);
		put_escaped_name(s, m.name);
	}
	pfs_puts(s, "\n");
	*idx = m.end;
	kfree(m.name);
	return true;
}

static long link_to_path(const struct vfs_path *p, char *buf, size_t size)
{
	return vfs_path_name(p, buf, size);
}

long pfs_exe_link(struct pfs_inode *pi, char *buf, size_t size)
{
	struct vfs_path p;
	long rc;

	if ((rc = pfs_ops->may_inspect(pfs_ops->ctx, pi->pid)) < 0 ||
	    (rc = pfs_ops->exe(pfs_ops->ctx, pi->pid, &p)) < 0)
		return rc;
	rc = link_to_path(&p, buf, size);
	vfs_path_put(&p);
	return rc;
}

/* The working directory or root of the process (proc_cwd_link, proc_root_link). */
static long fs_link(struct pfs_inode *pi, bool cwd, char *buf, size_t size)
{
	struct vfs_path p;
	struct vfs_fs *fs;
	long rc;

	if ((rc = pfs_ops->may_inspect(pfs_ops->ctx, pi->pid)) < 0)
		return rc;
	if (!(fs = pfs_ops->fs(pfs_ops->ctx, pi->pid)))
		return -ENOENT; /* a zombie has none */
	if (cwd)
		vfs_fs_cwd(fs, &p);
	else
		vfs_fs_root(fs, &p);
	vfs_fs_put(fs);
	rc = link_to_path(&p, buf, size);
	vfs_path_put(&p);
	return rc;
}

long pfs_cwd_link(struct pfs_inode *pi, char *buf, size_t size)
{
	return fs_link(pi, true, buf, size);
}

long pfs_root_link(struct pfs_inode *pi, char *buf, size_t size)
{
	return fs_link(pi, false, buf, size);
}

/* The open file at fd of the fd directory's process, with a reference, or NULL. */
static struct vfs_file *fd_file(int32_t pid, int fd)
{
	struct vfs_fdtable *t = pfs_ops->files(pfs_ops->ctx, pid);
	struct vfs_file *f;

	if (!t)
		return NULL;
	f = vfs_fd_get(t, fd);
	vfs_fdt_put(t);
	return f;
}

long pfs_fd_readlink(struct pfs_inode *pi, char *buf, size_t size)
{
	struct vfs_file *f;
	long rc;

	if ((rc = pfs_ops->may_inspect(pfs_ops->ctx, pi->pid)) < 0)
		return rc;
	if (!(f = fd_file(pi->pid, pi->fd)))
		return -ENOENT;
	rc = link_to_path(vfs_file_path(f), buf, size);
	vfs_file_put(f);
	return rc;
}

bool pfs_fd_valid(struct pfs_inode *pi)
{
	struct vfs_file *f = fd_file(pi->pid, pi->fd);

	if (f)
		vfs_file_put(f);
	return f != NULL;
}

static const struct pfs_entry fd_link = {.name = "", .mode = VFS_S_IFLNK, .kind = PFS_FD_LINK};

/* tid_fd_update_inode: the link's owner bits say how the file is open. */
int pfs_fd_lookup(struct pfs_inode *dir, const char *name, struct pfs_inode **out)
{
	long fd = pfs_name_number(name);
	struct vfs_file *f;
	uint32_t mode = VFS_S_IFLNK;
	int rc;

	if (fd < 0 || !(f = fd_file(dir->pid, (int)fd)))
		return -ENOENT;
	if (f->mode & VFS_FMODE_READ)
		mode |= 0500;
	if (f->mode & VFS_FMODE_WRITE)
		mode |= 0300;
	vfs_file_put(f);
	rc = pfs_inode_new(dir->v.sb, &fd_link, dir->pid, dir->v.ino ^ ((uint64_t)fd << 24) ^ 0x51,
	                   out);
	if (rc < 0)
		return rc;
	(*out)->fd = (int)fd;
	(*out)->v.mode = mode;
	(*out)->v.uid = dir->v.uid;
	(*out)->v.gid = dir->v.gid;
	return 0;
}

long pfs_fd_readdir(struct pfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	struct vfs_fdtable *t = pfs_ops->files(pfs_ops->ctx, dir->pid);
	unsigned n, max = 64;
	int *fds = NULL;
	long done = 0;

	if (!t)
		return 0;
	for (;;) {
		kfree(fds);
		if (!(fds = kcalloc(max, sizeof(*fds)))) {
			vfs_fdt_put(t);
			return -ENOMEM;
		}
		if ((n = vfs_fdt_list(t, fds, max)) <= max)
			break;
		max = n;
	}
	vfs_fdt_put(t);
	for (unsigned i = 0; i < n; i++) {
		char name[16];
		size_t len;

		if ((uint64_t)fds[i] + FD_POS <= *pos)
			continue;
		len = (size_t)ksnprintf(name, sizeof(name), "%d", fds[i]);
		if (!emit(ctx, name, len, dir->v.ino ^ ((uint64_t)fds[i] << 24) ^ 0x51, 10,
		          (uint64_t)fds[i] + FD_POS))
			break;
		*pos = (uint64_t)fds[i] + FD_POS;
		done++;
	}
	kfree(fds);
	return done;
}
